// A memcpy for large copies on the produce path: the broker assembling a request frame from
// the socket reads it arrived in, and LogStore staging a write the kernel would copy slowly
// (LogFile+KernelCopy.swift).
//
// glibc (2.36 here) copies anything over ~2 KB with `rep movsb` on CPUs that advertise ERMS
// or FSRM. On AMD Zen that instruction falls off a cliff when the destination lies a few
// bytes past the source modulo 4096: a loop of 64 KiB copies into a 1 MiB buffer ran at
// 2.8 GB/s at a distance of 16 bytes and at 36-42 GB/s at every other distance tried, on
// this machine's EPYC. Frame assembly lands on such distances often enough that the copy was
// 29 % of the broker's CPU on 100 B produce. Plain 32-byte vector moves have no such cliff.
#include "cbytecopy.h"
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>

static int use_avx2;

__attribute__((constructor)) static void detect_avx2(void) {
    __builtin_cpu_init();
    use_avx2 = __builtin_cpu_supports("avx2");
}

__attribute__((target("avx2"))) static void copy_avx2(unsigned char *d, const unsigned char *s, size_t n) {
    while (n >= 128) {
        __m256i a = _mm256_loadu_si256((const __m256i *)s);
        __m256i b = _mm256_loadu_si256((const __m256i *)(s + 32));
        __m256i c = _mm256_loadu_si256((const __m256i *)(s + 64));
        __m256i e = _mm256_loadu_si256((const __m256i *)(s + 96));
        _mm256_storeu_si256((__m256i *)d, a);
        _mm256_storeu_si256((__m256i *)(d + 32), b);
        _mm256_storeu_si256((__m256i *)(d + 64), c);
        _mm256_storeu_si256((__m256i *)(d + 96), e);
        // Without this the optimiser may recognise the loop as a memcpy and call glibc's.
        __asm__ volatile("" ::: "memory");
        d += 128; s += 128; n -= 128;
    }
    // Under 128 bytes glibc uses vector moves, not `rep movsb`.
    memcpy(d, s, n);
}
#endif

void tributary_copy_bytes(void *destination, const void *source, size_t length) {
#if defined(__x86_64__)
    if (length >= 2048 && use_avx2) {
        copy_avx2(destination, source, length);
        return;
    }
#endif
    memcpy(destination, source, length);
}

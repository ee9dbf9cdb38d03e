// CRC-32C for Kafka RecordBatch v2. Kept in C only because Swift cannot reach the
// crc32 and carry-less multiply instructions; the fallback tables are built once at load time.
#include "ccrc32c.h"
#include <string.h>

#define POLY 0x82F63B78u

static uint32_t table[8][256];
static int use_hardware;

static int have_hw(void);
static void build_shift_tables(void);
static void build_fold_constants(void);

__attribute__((constructor)) static void build_tables(void) {
    use_hardware = have_hw();
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = n;
        for (int k = 0; k < 8; k++) c = (c & 1) ? (c >> 1) ^ POLY : c >> 1;
        table[0][n] = c;
    }
    for (uint32_t n = 0; n < 256; n++) {
        uint32_t c = table[0][n];
        for (int k = 1; k < 8; k++) {
            c = table[0][c & 0xff] ^ (c >> 8);
            table[k][n] = c;
        }
    }
    build_shift_tables();
    build_fold_constants();
}

static uint32_t crc32c_sw(uint32_t crc, const unsigned char *p, size_t len) {
    while (len && ((uintptr_t)p & 7)) { crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8); len--; }
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        w ^= crc;
        crc = table[7][w & 0xff] ^ table[6][(w >> 8) & 0xff] ^ table[5][(w >> 16) & 0xff] ^
              table[4][(w >> 24) & 0xff] ^ table[3][(w >> 32) & 0xff] ^ table[2][(w >> 40) & 0xff] ^
              table[1][(w >> 48) & 0xff] ^ table[0][w >> 56];
        p += 8; len -= 8;
    }
    while (len--) crc = table[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
    return crc;
}

// The crc32 instruction has a latency of about three cycles but can start one per cycle, so
// one dependent chain uses a third of it. Long inputs are cut into three lanes that run side
// by side, each from register 0; the lanes are then joined: crc(A ++ B) = shift(crc(A)) ^ crc(B),
// where shift appends len(B) zero bytes to a register. Shifting is linear, so it is four table
// lookups per join, with tables built once for the two fixed lane lengths.
#define LONG_LANE 2048
#define SHORT_LANE 256

static uint32_t shift_long[4][256];
static uint32_t shift_short[4][256];

// The shift-by-`bytes` operator as four byte tables, from its images of the 32 basis registers.
static void build_shift_table(uint32_t shift[4][256], size_t bytes) {
    uint32_t basis[32];
    for (int bit = 0; bit < 32; bit++) {
        uint32_t reg = 1u << bit;
        for (size_t i = 0; i < bytes; i++) reg = table[0][reg & 0xff] ^ (reg >> 8);
        basis[bit] = reg;
    }
    for (int k = 0; k < 4; k++) {
        for (uint32_t v = 0; v < 256; v++) {
            uint32_t image = 0;
            for (int b = 0; b < 8; b++) if (v & (1u << b)) image ^= basis[8 * k + b];
            shift[k][v] = image;
        }
    }
}

static void build_shift_tables(void) {
    build_shift_table(shift_long, LONG_LANE);
    build_shift_table(shift_short, SHORT_LANE);
}

static inline uint32_t shift_by(uint32_t shift[4][256], uint32_t reg) {
    return shift[0][reg & 0xff] ^ shift[1][(reg >> 8) & 0xff] ^ shift[2][(reg >> 16) & 0xff] ^ shift[3][reg >> 24];
}

#if defined(__x86_64__)
#include <cpuid.h>
#define HW_TARGET __attribute__((target("sse4.2")))
#define STEP8(c, w) ((uint32_t)__builtin_ia32_crc32di((c), (w)))
#define STEP1(c, b) __builtin_ia32_crc32qi((c), (b))
static int have_hw(void) {
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return 0;
    return (c & bit_SSE4_2) != 0;
}
#elif defined(__aarch64__) && defined(__ARM_FEATURE_CRC32)
#include <arm_acle.h>
#define HW_TARGET
#define STEP8(c, w) __crc32cd((c), (w))
#define STEP1(c, b) __crc32cb((c), (b))
static int have_hw(void) { return 1; }
#endif

#ifdef STEP8
static inline uint64_t load8(const unsigned char *p) { uint64_t w; memcpy(&w, p, 8); return w; }

// Three lanes of `lane` bytes each (a multiple of 8), joined with that length's shift table.
HW_TARGET static inline uint32_t crc32c_lanes(uint32_t crc, const unsigned char **p, size_t *len,
                                              size_t lane, uint32_t shift[4][256]) {
    while (*len >= 3 * lane) {
        const unsigned char *a = *p, *b = a + lane, *c = b + lane;
        uint32_t c0 = crc, c1 = 0, c2 = 0;
        for (size_t i = 0; i < lane; i += 8) {
            c0 = STEP8(c0, load8(a + i));
            c1 = STEP8(c1, load8(b + i));
            c2 = STEP8(c2, load8(c + i));
        }
        crc = shift_by(shift, shift_by(shift, c0) ^ c1) ^ c2;
        *p += 3 * lane;
        *len -= 3 * lane;
    }
    return crc;
}

#if defined(__x86_64__)
// Carry-less multiplication folds 16-byte lanes forward instead of feeding the crc32 unit
// eight bytes at a time: VPCLMULQDQ on 256-bit registers multiplies two lanes per
// instruction. Lane bit j (byte 0 first, low bit first) is the coefficient of x^(127-j), as
// the reflected CRC reads it; a lane's low 64 bits L and high 64 bits H stand for
// L·x^64 + H. Moved D bits on, that is L·x^(64+D) + H·x^D, and modulo P each power is a
// 32-bit constant. With the constant's reflected bits in the low half of a 64-bit operand,
// L·c comes out as a 128-bit lane in the same layout times x^-33, so the constants are
// x^(D+31) and x^(D-33) mod P. What is left at the end is a 16-byte lane congruent to the
// whole input, whose crc32 (from 0) is the input's CRC; the register a caller passes in is
// XORed into the first four bytes first, which is what crc32 does with it.
#include <immintrin.h>
#define CLMUL_TARGET __attribute__((target("avx2,vpclmulqdq,pclmul,sse4.2")))

static int use_clmul;
static uint64_t fold_1024[2], fold_256[2], fold_128[2];

// x^exponent mod P, reflected: bit i holds x^(31-i), so multiplying by x shifts right.
static uint32_t power_of_x(size_t exponent) {
    uint32_t reg = 0x80000000u;
    while (exponent--) reg = (reg >> 1) ^ ((reg & 1) ? POLY : 0);
    return reg;
}

static void build_fold_constants(void) {
    size_t bits[3] = {1024, 256, 128};
    uint64_t *pairs[3] = {fold_1024, fold_256, fold_128};
    for (int i = 0; i < 3; i++) {
        pairs[i][0] = power_of_x(bits[i] + 31);  // times L
        pairs[i][1] = power_of_x(bits[i] - 33);  // times H
    }
    use_clmul = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("vpclmulqdq")
        && __builtin_cpu_supports("pclmul") && __builtin_cpu_supports("sse4.2");
}

CLMUL_TARGET static inline __m256i fold_lanes(__m256i lanes, __m256i constants) {
    return _mm256_xor_si256(_mm256_clmulepi64_epi128(lanes, constants, 0x00),
                            _mm256_clmulepi64_epi128(lanes, constants, 0x11));
}

CLMUL_TARGET static inline __m256i load32(const unsigned char *p) {
    return _mm256_loadu_si256((const __m256i *)p);
}

// The CRC register after `len` bytes (a multiple of 32, at least 128) from register `crc`.
CLMUL_TARGET static uint32_t crc32c_clmul(uint32_t crc, const unsigned char *p, size_t len) {
    __m256i by1024 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)fold_1024));
    __m256i by256 = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)fold_256));
    __m256i x0 = _mm256_xor_si256(load32(p), _mm256_zextsi128_si256(_mm_cvtsi32_si128((int)crc)));
    __m256i x1 = load32(p + 32), x2 = load32(p + 64), x3 = load32(p + 96);
    p += 128;
    len -= 128;
    while (len >= 128) {
        x0 = _mm256_xor_si256(fold_lanes(x0, by1024), load32(p));
        x1 = _mm256_xor_si256(fold_lanes(x1, by1024), load32(p + 32));
        x2 = _mm256_xor_si256(fold_lanes(x2, by1024), load32(p + 64));
        x3 = _mm256_xor_si256(fold_lanes(x3, by1024), load32(p + 96));
        p += 128;
        len -= 128;
    }
    __m256i x = _mm256_xor_si256(fold_lanes(x0, by256), x1);
    x = _mm256_xor_si256(fold_lanes(x, by256), x2);
    x = _mm256_xor_si256(fold_lanes(x, by256), x3);
    while (len >= 32) {
        x = _mm256_xor_si256(fold_lanes(x, by256), load32(p));
        p += 32;
        len -= 32;
    }
    __m128i by128 = _mm_loadu_si128((const __m128i *)fold_128);
    __m128i first = _mm256_castsi256_si128(x), last = _mm256_extracti128_si256(x, 1);
    __m128i lane = _mm_xor_si128(_mm_xor_si128(_mm_clmulepi64_si128(first, by128, 0x00),
                                               _mm_clmulepi64_si128(first, by128, 0x11)), last);
    uint32_t reg = (uint32_t)__builtin_ia32_crc32di(0, (uint64_t)_mm_cvtsi128_si64(lane));
    return (uint32_t)__builtin_ia32_crc32di(reg, (uint64_t)_mm_extract_epi64(lane, 1));
}

// Below this the lanes' set-up and reduction cost more than they save.
#define CLMUL_MINIMUM 256
#else
static void build_fold_constants(void) {}
#endif

HW_TARGET static uint32_t crc32c_hw(uint32_t crc, const unsigned char *p, size_t len) {
#if defined(__x86_64__)
    if (use_clmul && len >= CLMUL_MINIMUM) {
        size_t bulk = len & ~(size_t)31;
        crc = crc32c_clmul(crc, p, bulk);
        p += bulk;
        len -= bulk;
    }
#endif
    while (len && ((uintptr_t)p & 7)) { crc = STEP1(crc, *p++); len--; }
    crc = crc32c_lanes(crc, &p, &len, LONG_LANE, shift_long);
    crc = crc32c_lanes(crc, &p, &len, SHORT_LANE, shift_short);
    while (len >= 8) { crc = STEP8(crc, load8(p)); p += 8; len -= 8; }
    while (len--) crc = STEP1(crc, *p++);
    return crc;
}
#else
static uint32_t crc32c_hw(uint32_t crc, const unsigned char *p, size_t len) { return crc32c_sw(crc, p, len); }
static int have_hw(void) { return 0; }
#endif

uint32_t tributary_crc32c(uint32_t crc, const void *data, size_t length) {
    crc = ~crc;
    crc = use_hardware ? crc32c_hw(crc, (const unsigned char *)data, length)
                   : crc32c_sw(crc, (const unsigned char *)data, length);
    return ~crc;
}

// Advances *pos over the length-prefixed records that start before `limit`, counting them.
// A prefix is a zig-zag varint of at most 10 bytes, not negative, and its record must end by
// `length`. Returns -1 for one that is not.
static int walk_records(const unsigned char *p, size_t length, size_t *pos, size_t limit, int64_t *count) {
    size_t i = *pos;
    while (i < limit) {
        uint64_t raw = 0;
        for (unsigned shift = 0;; shift += 7) {
            if (i >= length || shift >= 70) return -1;
            unsigned char byte = p[i++];
            if (shift < 64) raw |= (uint64_t)(byte & 0x7f) << shift;
            if (!(byte & 0x80)) break;
        }
        int64_t size = (int64_t)(raw >> 1) ^ -(int64_t)(raw & 1);
        if (size < 0 || (uint64_t)size > length - i) return -1;
        i += (size_t)size;
        (*count)++;
    }
    *pos = i;
    return 0;
}

// The walk is a chain of dependent loads, slow from L2; one block at a time, it reads what the
// checksum has just loaded into L1. A block is one round of the three long lanes.
#define COUNT_BLOCK (3 * LONG_LANE)

int64_t tributary_crc32c_count_records(uint32_t *crc, const void *data, size_t length, size_t records_from) {
    const unsigned char *p = (const unsigned char *)data;
    uint32_t reg = ~*crc;
    size_t pos = records_from;
    int64_t count = 0;
    int malformed = records_from > length;
    for (size_t offset = 0; offset < length; offset += COUNT_BLOCK) {
        size_t block = length - offset < COUNT_BLOCK ? length - offset : COUNT_BLOCK;
        reg = use_hardware ? crc32c_hw(reg, p + offset, block) : crc32c_sw(reg, p + offset, block);
        if (!malformed && walk_records(p, length, &pos, offset + block, &count) != 0) malformed = 1;
    }
    *crc = ~reg;
    return malformed ? -1 : count;
}


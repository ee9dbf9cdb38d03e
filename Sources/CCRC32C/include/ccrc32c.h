#ifndef CCRC32C_H
#define CCRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Extends a CRC-32C (Castagnoli) over `length` bytes. Start with crc = 0.
/// Uses the CPU's crc32 instruction when present (SSE4.2 / ARMv8 CRC), else slice-by-8.
uint32_t tributary_crc32c(uint32_t crc, const void *data, size_t length);

#endif

#ifndef CCRC32C_H
#define CCRC32C_H

#include <stddef.h>
#include <stdint.h>

/// Extends a CRC-32C (Castagnoli) over `length` bytes. Start with crc = 0.
/// Uses carry-less multiplication (VPCLMULQDQ) for long inputs where the CPU has it, the
/// crc32 instruction (SSE4.2 / ARMv8 CRC) otherwise, else slice-by-8.
uint32_t tributary_crc32c(uint32_t crc, const void *data, size_t length);

/// Extends `*crc` over `length` bytes as `tributary_crc32c` does and, in the same pass, counts
/// the records of a RecordBatch v2 that fill `data[records_from..<length]`: each a zig-zag
/// varint length (at most 10 bytes, not negative) and that many bytes. Returns the count, or
/// -1 when a length is malformed or runs past the end (the checksum is complete either way).
int64_t tributary_crc32c_count_records(uint32_t *crc, const void *data, size_t length, size_t records_from);

#endif

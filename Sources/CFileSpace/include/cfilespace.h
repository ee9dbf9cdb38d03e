#ifndef CFILESPACE_H
#define CFILESPACE_H

#include <stdint.h>

/// Allocates disk blocks for `length` bytes at `offset` without changing the file's size
/// (Linux `fallocate` with `FALLOC_FL_KEEP_SIZE`, which Swift's Glibc module does not
/// import). Returns 0, or -1 with errno set; ENOTSUP where the platform has no such call.
int tributary_preallocate(int descriptor, int64_t offset, int64_t length);

#endif

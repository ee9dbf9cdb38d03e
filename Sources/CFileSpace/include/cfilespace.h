#ifndef CFILESPACE_H
#define CFILESPACE_H

#include <stdint.h>

/// Allocates disk blocks for `length` bytes at `offset` without changing the file's size
/// (Linux `fallocate` with `FALLOC_FL_KEEP_SIZE`, which Swift's Glibc module does not
/// import). Returns 0, or -1 with errno set; ENOTSUP where the platform has no such call.
int tributary_preallocate(int descriptor, int64_t offset, int64_t length);

/// Starts writeback of the dirty pages in `length` bytes at `offset` without waiting for it
/// (Linux `sync_file_range` with `SYNC_FILE_RANGE_WRITE`). Durability still needs an fsync.
/// Returns 0, or -1 with errno set; ENOTSUP where the platform has no such call.
int tributary_start_writeback(int descriptor, int64_t offset, int64_t length);

/// Writes back the dirty pages in `length` bytes at `offset` and waits until they are
/// written. A write-back error is reported here once and not again by a later fsync of the
/// same file, so it must be treated as an fsync failure. Returns 0, or -1 with errno set;
/// ENOTSUP where the platform has no such call.
int tributary_finish_writeback(int descriptor, int64_t offset, int64_t length);

/// Asks the kernel to drop the clean cached pages of `length` bytes at `offset`
/// (`posix_fadvise` with `POSIX_FADV_DONTNEED`); dirty pages and pages under writeback stay.
/// Returns 0, or -1 with errno set.
int tributary_drop_cached(int descriptor, int64_t offset, int64_t length);

#endif

#define _GNU_SOURCE
#include "cfilespace.h"

#include <errno.h>
#include <fcntl.h>

int tributary_preallocate(int descriptor, int64_t offset, int64_t length) {
#if defined(__linux__)
    return fallocate(descriptor, FALLOC_FL_KEEP_SIZE, (off_t)offset, (off_t)length);
#else
    (void)descriptor;
    (void)offset;
    (void)length;
    errno = ENOTSUP;
    return -1;
#endif
}

/// `sync_file_range` over `length` bytes at `offset`, waiting for the write-back when `wait`,
/// or ENOTSUP off Linux.
static int sync_range(int descriptor, int64_t offset, int64_t length, int wait) {
#if defined(__linux__)
    unsigned int flags = SYNC_FILE_RANGE_WRITE;
    if (wait) flags |= SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WAIT_AFTER;
    return sync_file_range(descriptor, (off_t)offset, (off_t)length, flags);
#else
    (void)descriptor;
    (void)offset;
    (void)length;
    (void)wait;
    errno = ENOTSUP;
    return -1;
#endif
}

int tributary_start_writeback(int descriptor, int64_t offset, int64_t length) {
    return sync_range(descriptor, offset, length, 0);
}

int tributary_finish_writeback(int descriptor, int64_t offset, int64_t length) {
    return sync_range(descriptor, offset, length, 1);
}

int tributary_drop_cached(int descriptor, int64_t offset, int64_t length) {
    int error = posix_fadvise(descriptor, (off_t)offset, (off_t)length, POSIX_FADV_DONTNEED);
    if (error != 0) {
        errno = error;
        return -1;
    }
    return 0;
}

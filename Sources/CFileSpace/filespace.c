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

#ifndef CBYTECOPY_H
#define CBYTECOPY_H

#include <stddef.h>

/// Copies `length` bytes from `source` to `destination` (which must not overlap), like
/// memcpy, but never with `rep movsb`: see bytecopy.c for why.
void tributary_copy_bytes(void *destination, const void *source, size_t length);

#endif

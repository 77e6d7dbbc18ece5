// Counts the calling thread's heap allocations, for tests that prove a hot path allocates nothing.
//
// Linked into the test executable, these definitions interpose glibc's malloc, calloc and realloc for the whole
// process (the Swift runtime included) and forward to glibc's own entry points. The count is per thread, so
// tests running in parallel on other threads do not disturb it. Written here rather than taken from a package:
// it is twenty lines, and the one needed behaviour (a per-thread count) is what packages do not offer.
#include "AllocationCounter.h"

#include <stddef.h>

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t count, size_t size);
extern void *__libc_realloc(void *pointer, size_t size);

static __thread int counting;
static __thread long allocations;

void *malloc(size_t size) {
    if (counting) allocations++;
    return __libc_malloc(size);
}

void *calloc(size_t count, size_t size) {
    if (counting) allocations++;
    return __libc_calloc(count, size);
}

void *realloc(void *pointer, size_t size) {
    if (counting) allocations++;
    return __libc_realloc(pointer, size);
}

void allocation_counter_start(void) {
    allocations = 0;
    counting = 1;
}

long allocation_counter_stop(void) {
    counting = 0;
    return allocations;
}

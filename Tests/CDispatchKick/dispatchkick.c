// Linked into the Swift test process only. libdispatch's thread pool on Linux can lose a
// wake-up: a job is queued on a global queue while no worker thread is left to run it, and
// the process then waits forever with nothing running (all workers gone, the NIO event loops
// and libdispatch's manager idle). A live tributaryd never stays there, because its
// maintenance loop queues work every 100 ms and each new job starts a worker; a test process
// waiting on one stranded job has nothing else left to queue. A job queued from outside does
// start a worker, which then runs the stranded ones too, so this thread queues a no-op on
// every global queue every 250 ms. See docs/operations.md ("The Swift tests").
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>
#include "cdispatchkick.h"

typedef void *(*get_global_queue_fn)(intptr_t, uintptr_t);
typedef void (*async_f_fn)(void *, void *, void (*)(void *));

static atomic_ulong kicks;

static void nothing(void *context) { (void)context; }

static void *kick(void *unused) {
    (void)unused;
    get_global_queue_fn get_global_queue = (get_global_queue_fn)dlsym(RTLD_DEFAULT, "dispatch_get_global_queue");
    async_f_fn async_f = (async_f_fn)dlsym(RTLD_DEFAULT, "dispatch_async_f");
    if (get_global_queue == NULL || async_f == NULL) return NULL;
    // QoS classes: user-interactive, user-initiated, default, utility, background, unspecified.
    static const intptr_t classes[] = {0x21, 0x19, 0x15, 0x11, 0x09, 0x00};
    const struct timespec interval = {.tv_sec = 0, .tv_nsec = 250 * 1000 * 1000};
    for (;;) {
        nanosleep(&interval, NULL);
        for (unsigned i = 0; i < sizeof classes / sizeof classes[0]; i++) {
            void *queue = get_global_queue(classes[i], 0);
            if (queue != NULL) async_f(queue, NULL, nothing);
        }
        atomic_fetch_add_explicit(&kicks, 1, memory_order_relaxed);
    }
    return NULL;
}

__attribute__((constructor)) static void start_kicking(void) {
    pthread_t thread;
    if (pthread_create(&thread, NULL, kick, NULL) == 0) pthread_detach(thread);
}

unsigned long tributary_dispatch_kicks(void) {
    return atomic_load_explicit(&kicks, memory_order_relaxed);
}

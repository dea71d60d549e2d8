/* `make bench`'s metrics that need a C library (issue 12): a futex
 * wake/wait round trip between two threads, pthread_create+pthread_join,
 * the first-touch fault on an anonymous page, and mmap+munmap of a file.
 * `bench` (userspace/programs/src/bin/bench.rs) runs the musl build as
 * /bench_libc on both kernels; lines in its format, parsed by scripts/bench:
 *
 *   bench <metric> <median per call> <min> <max>
 *
 * A metric is the median, over BATCHES batches, of rdtsc cycles (guest
 * instructions under -icount) per call in a batch; the empty loop's cost is
 * subtracted by scripts/bench as for every other metric. A metric whose
 * calls fail prints "bench: <metric> failed: <why>" instead, so the table
 * shows a gap and never a made-up figure. Runs on the host too. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <x86intrin.h>

#define BATCHES 30
/* <linux/futex.h> is not in every i386 toolchain (futex.c does the same). */
#define FUTEX_WAIT_PRIVATE 128
#define FUTEX_WAKE_PRIVATE 129

static const char *file_path = "/bench";

static uint64_t tsc(void) { return __rdtsc(); }

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* One batch: `run(n)` returns the cycles of n calls, or 0 on failure. */
typedef uint64_t (*batch_fn)(unsigned n);

static void measure(const char *name, unsigned n, batch_fn run)
{
    uint64_t v[BATCHES];
    if (run(n < 10 ? n : 10) == 0) { /* warm up: pages, caches, TBs */
        printf("bench: %s failed: %s\n", name, strerror(errno));
        return;
    }
    for (int i = 0; i < BATCHES; i++) {
        uint64_t t = run(n);
        if (t == 0) {
            printf("bench: %s failed: %s\n", name, strerror(errno));
            return;
        }
        v[i] = t / n;
    }
    qsort(v, BATCHES, sizeof v[0], cmp_u64);
    printf("bench %s %llu %llu %llu\n", name, (unsigned long long)v[BATCHES / 2],
           (unsigned long long)v[0], (unsigned long long)v[BATCHES - 1]);
    fflush(stdout);
}

static long futex(volatile uint32_t *w, int op, uint32_t val)
{
    return syscall(SYS_futex, w, op, val, NULL, NULL, 0);
}

/* --- futex round trip: main bumps `ping` and wakes; the partner copies
 * it to `pong` and wakes; main waits for it. Two FUTEX_WAKEs, two
 * FUTEX_WAITs that sleep (on one CPU) and two switches per round trip. */
static volatile uint32_t ping, pong;
static volatile int partner_stop;

static void *partner(void *arg)
{
    (void)arg;
    uint32_t seen = 0;
    for (;;) {
        while (__atomic_load_n(&ping, __ATOMIC_ACQUIRE) == seen)
            futex(&ping, FUTEX_WAIT_PRIVATE, seen);
        seen = __atomic_load_n(&ping, __ATOMIC_ACQUIRE);
        if (partner_stop)
            return NULL;
        __atomic_store_n(&pong, seen, __ATOMIC_RELEASE);
        futex(&pong, FUTEX_WAKE_PRIVATE, 1);
    }
}

static uint64_t futex_batch(unsigned n)
{
    uint64_t t0 = tsc();
    for (unsigned i = 0; i < n; i++) {
        uint32_t want = __atomic_add_fetch(&ping, 1, __ATOMIC_ACQ_REL);
        futex(&ping, FUTEX_WAKE_PRIVATE, 1);
        uint32_t got;
        while ((got = __atomic_load_n(&pong, __ATOMIC_ACQUIRE)) != want)
            futex(&pong, FUTEX_WAIT_PRIVATE, got);
    }
    return tsc() - t0;
}

static void bench_futex(void)
{
    pthread_t t;
    int e = pthread_create(&t, NULL, partner, NULL);
    if (e) {
        printf("bench: futex_round_trip failed: pthread_create: %s\n", strerror(e));
        return;
    }
    measure("futex_round_trip", 1000, futex_batch);
    partner_stop = 1;
    __atomic_add_fetch(&ping, 1, __ATOMIC_ACQ_REL);
    futex(&ping, FUTEX_WAKE_PRIVATE, 1);
    pthread_join(t, NULL);
}

/* --- pthread_create + pthread_join of a thread that returns at once. */
static void *nothing(void *arg) { return arg; }

static uint64_t thread_batch(unsigned n)
{
    uint64_t t0 = tsc();
    for (unsigned i = 0; i < n; i++) {
        pthread_t t;
        int e = pthread_create(&t, NULL, nothing, NULL);
        if (e) {
            errno = e;
            return 0;
        }
        pthread_join(t, NULL);
    }
    return tsc() - t0;
}

/* --- first touch of an anonymous private page: one fault each. The
 * mapping is made and removed outside the timed loop. */
#define FAULT_PAGES 256

static uint64_t fault_batch(unsigned n)
{
    char *p = mmap(NULL, (size_t)n * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return 0;
    uint64_t t0 = tsc();
    for (unsigned i = 0; i < n; i++)
        ((volatile char *)p)[(size_t)i * 4096] = 1;
    uint64_t t = tsc() - t0;
    munmap(p, (size_t)n * 4096);
    return t ? t : 1;
}

/* --- mmap + munmap of one page of a file (the benchmark's own binary in
 * the initramfs), untouched; and the same with one read of the page. */
static int file_fd = -1;

static uint64_t file_batch_touch(unsigned n, int touch)
{
    uint64_t t0 = tsc();
    for (unsigned i = 0; i < n; i++) {
        void *p = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, file_fd, 0);
        if (p == MAP_FAILED)
            return 0;
        if (touch)
            (void)*(volatile char *)p;
        munmap(p, 4096);
    }
    return tsc() - t0;
}

static uint64_t file_batch(unsigned n) { return file_batch_touch(n, 0); }
static uint64_t file_touch_batch(unsigned n) { return file_batch_touch(n, 1); }

int main(int argc, char **argv)
{
    if (argc > 1)
        file_path = argv[1];
    setvbuf(stdout, NULL, _IOLBF, 0);
    bench_futex();
    measure("pthread_create_join", 100, thread_batch);
    measure("anon_page_fault", FAULT_PAGES, fault_batch);
    file_fd = open(file_path, O_RDONLY);
    if (file_fd < 0) {
        printf("bench: file_mmap_munmap failed: open %s: %s\n", file_path, strerror(errno));
        return 0;
    }
    measure("file_mmap_munmap", 1000, file_batch);
    measure("file_mmap_touch_munmap", 1000, file_touch_batch);
    close(file_fd);
    return 0;
}

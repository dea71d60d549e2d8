/* The futex system call itself (issue 12), through syscall(SYS_futex...)
 * and futex_time64: the errors Linux gives (EAGAIN for a changed value,
 * ETIMEDOUT, EINVAL for a misaligned word or an empty bitset, ENOSYS for
 * an unknown operation, EFAULT for a bad address), and how many waiters
 * FUTEX_WAKE, WAKE_BITSET, REQUEUE, CMP_REQUEUE and WAKE_OP report and
 * actually wake, with threads waiting; and a signal's EINTR.
 * Prints "futex: all ok" when every check passes. */
#define _GNU_SOURCE
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include "test_common.h"

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_OP(op, oparg, cmp, cmparg) \
    (((op & 0xf) << 28) | ((cmp & 0xf) << 24) | ((oparg & 0xfff) << 12) | (cmparg & 0xfff))
#define FUTEX_OP_SET 0
#define FUTEX_OP_ADD 1
#define FUTEX_OP_CMP_EQ 0
#define FUTEX_OP_CMP_GT 4

#ifndef SYS_futex_time64
#define SYS_futex_time64 422
#endif

/* The futex call (240) takes the 32-bit timespec (musl's time_t is 64
 * bits); futex_time64 (422) the 64-bit one. */
struct ts32 {
    int32_t tv_sec, tv_nsec;
};
struct ts64 {
    long long tv_sec, tv_nsec;
};

static struct ts32 t32(struct timespec t)
{
    return (struct ts32){(int32_t)t.tv_sec, (int32_t)t.tv_nsec};
}

static long fx(volatile uint32_t *uaddr, int op, uint32_t val, const void *timeout, volatile uint32_t *uaddr2,
               uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, timeout, uaddr2, val3);
}

/* The 4th argument as a number (val2 of REQUEUE and WAKE_OP). */
static long fx2(volatile uint32_t *uaddr, int op, uint32_t val, uintptr_t val2, volatile uint32_t *uaddr2,
                uint32_t val3)
{
    return syscall(SYS_futex, uaddr, op, val, val2, uaddr2, val3);
}

static long ms_since(const struct timespec *a)
{
    struct timespec b;
    clock_gettime(CLOCK_MONOTONIC, &b);
    return (b.tv_sec - a->tv_sec) * 1000 + (b.tv_nsec - a->tv_nsec) / 1000000;
}

/* Waiter threads: each waits on *word (FUTEX_WAIT, private or not) and
 * counts itself woken. */
static volatile uint32_t word1, word2;
static volatile int woken, started;
static int wait_op = FUTEX_WAIT | FUTEX_PRIVATE_FLAG;

static void *waiter(void *arg)
{
    volatile uint32_t *w = arg;
    __atomic_add_fetch(&started, 1, __ATOMIC_SEQ_CST);
    long r;
    do
        r = fx(w, wait_op, 0, NULL, NULL, 0);
    while (r == -1 && errno == EINTR);
    if (r == 0)
        __atomic_add_fetch(&woken, 1, __ATOMIC_SEQ_CST);
    return NULL;
}

static volatile int alarmed;
static void on_alarm(int sig)
{
    (void)sig;
    alarmed++;
}

/* Send SIGUSR1 to thread `arg` after 30 ms. */
static void *killer(void *arg)
{
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
    pthread_kill((pthread_t)(uintptr_t)arg, SIGUSR1);
    return NULL;
}

static pthread_t th[8];
static int nth;

/* Start n waiters on w and let them all go to sleep. */
static void start_waiters(int n, volatile uint32_t *w)
{
    started = 0;
    for (int i = 0; i < n; i++)
        pthread_create(&th[nth++], NULL, waiter, (void *)w);
    while (started < n)
        sched_yield();
    struct timespec ts = {0, 30 * 1000000L}; /* into the futex wait */
    nanosleep(&ts, NULL);
}

static void settle(void)
{
    struct timespec ts = {0, 30 * 1000000L};
    nanosleep(&ts, NULL);
}

static void join_all(void)
{
    for (int i = 0; i < nth; i++)
        pthread_join(th[i], NULL);
    nth = 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    volatile uint32_t w = 5;
    long r;

    /* EAGAIN: the word no longer holds the value. */
    errno = 0;
    r = fx(&w, FUTEX_WAIT, 4, NULL, NULL, 0);
    CHECK(r == -1 && errno == EAGAIN, "FUTEX_WAIT on a changed value: %ld errno %d, expected EAGAIN", r, errno);
    errno = 0;
    r = fx(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 4, NULL, NULL, 0);
    CHECK(r == -1 && errno == EAGAIN, "private FUTEX_WAIT: %ld errno %d, expected EAGAIN", r, errno);

    /* ETIMEDOUT after about the timeout (relative, monotonic). */
    struct timespec t0;
    struct ts32 rel = {0, 50 * 1000000L};
    clock_gettime(CLOCK_MONOTONIC, &t0);
    errno = 0;
    r = fx(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &rel, NULL, 0);
    long el = ms_since(&t0);
    CHECK(r == -1 && errno == ETIMEDOUT, "FUTEX_WAIT 50 ms: %ld errno %d, expected ETIMEDOUT", r, errno);
    CHECK(el >= 45 && el < 1000, "FUTEX_WAIT 50 ms took %ld ms", el);
    /* futex_time64, the same. */
    struct ts64 rel64 = {0, 20 * 1000000LL};
    errno = 0;
    r = syscall(SYS_futex_time64, &w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &rel64, NULL, 0);
    CHECK(r == -1 && errno == ETIMEDOUT, "futex_time64 WAIT: %ld errno %d, expected ETIMEDOUT", r, errno);
    /* WAIT_BITSET takes an absolute time: one in the past times out at once. */
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    clock_gettime(CLOCK_MONOTONIC, &t0);
    errno = 0;
    struct ts32 abs32 = t32(abs);
    r = fx(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, 5, &abs32, NULL, ~0u);
    CHECK(r == -1 && errno == ETIMEDOUT, "WAIT_BITSET, past deadline: %ld errno %d", r, errno);
    CHECK(ms_since(&t0) < 40, "WAIT_BITSET with a past deadline took %ld ms", ms_since(&t0));
    clock_gettime(CLOCK_REALTIME, &abs);
    abs.tv_nsec += 30 * 1000000L;
    if (abs.tv_nsec >= 1000000000L) {
        abs.tv_sec++;
        abs.tv_nsec -= 1000000000L;
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    errno = 0;
    abs32 = t32(abs);
    r = fx(&w, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME, 5, &abs32, NULL, ~0u);
    el = ms_since(&t0);
    CHECK(r == -1 && errno == ETIMEDOUT, "WAIT_BITSET|CLOCK_REALTIME: %ld errno %d", r, errno);
    CHECK(el >= 20 && el < 1000, "WAIT_BITSET|CLOCK_REALTIME for 30 ms took %ld ms", el);

    /* EINVAL: a bad timeout, a misaligned word, an empty bitset. */
    struct ts32 bad = {0, 1000000000L};
    errno = 0;
    r = fx(&w, FUTEX_WAIT, 5, &bad, NULL, 0);
    CHECK(r == -1 && errno == EINVAL, "tv_nsec 1e9: %ld errno %d, expected EINVAL", r, errno);
    errno = 0;
    r = fx((volatile uint32_t *)((char *)&w + 1), FUTEX_WAKE, 1, NULL, NULL, 0);
    CHECK(r == -1 && errno == EINVAL, "misaligned FUTEX_WAKE: %ld errno %d, expected EINVAL", r, errno);
    errno = 0;
    r = fx(&w, FUTEX_WAIT_BITSET, 5, NULL, NULL, 0);
    CHECK(r == -1 && errno == EINVAL, "WAIT_BITSET bitset 0: %ld errno %d, expected EINVAL", r, errno);
    errno = 0;
    r = fx(&w, FUTEX_WAKE_BITSET, 1, NULL, NULL, 0);
    CHECK(r == -1 && errno == EINVAL, "WAKE_BITSET bitset 0: %ld errno %d, expected EINVAL", r, errno);
    errno = 0;
    r = fx2(&w, FUTEX_REQUEUE, (uint32_t)-1, 1, &word2, 0);
    CHECK(r == -1 && errno == EINVAL, "REQUEUE nr_wake -1: %ld errno %d, expected EINVAL", r, errno);
    /* ENOSYS: no such operation; CLOCK_REALTIME with FUTEX_WAKE. */
    errno = 0;
    r = fx(&w, 99, 0, NULL, NULL, 0);
    CHECK(r == -1 && errno == ENOSYS, "op 99: %ld errno %d, expected ENOSYS", r, errno);
    errno = 0;
    r = fx(&w, FUTEX_WAKE | FUTEX_CLOCK_REALTIME, 1, NULL, NULL, 0);
    CHECK(r == -1 && errno == ENOSYS, "FUTEX_WAKE|CLOCK_REALTIME: %ld errno %d, expected ENOSYS", r, errno);
    errno = 0;
    r = fx(&w, FUTEX_WAIT | FUTEX_CLOCK_REALTIME, 5, &rel, NULL, 0);
    CHECK(r == -1 && errno == ENOSYS, "FUTEX_WAIT|CLOCK_REALTIME: %ld errno %d, expected ENOSYS", r, errno);
    errno = 0;
    r = fx2(&w, FUTEX_WAKE_OP, 1, 1, &word2, FUTEX_OP(7, 0, 0, 0));
    CHECK(r == -1 && errno == ENOSYS, "WAKE_OP op 7: %ld errno %d, expected ENOSYS", r, errno);

    /* EFAULT: an unmapped or kernel address, a bad timeout pointer. */
    errno = 0;
    r = fx((volatile uint32_t *)16, FUTEX_WAIT, 0, NULL, NULL, 0);
    CHECK(r == -1 && errno == EFAULT, "FUTEX_WAIT at 16: %ld errno %d, expected EFAULT", r, errno);
    errno = 0;
    r = fx((volatile uint32_t *)0xc0001000, FUTEX_WAKE, 1, NULL, NULL, 0);
    CHECK(r == -1 && errno == EFAULT, "FUTEX_WAKE at a kernel address: %ld errno %d", r, errno);
    errno = 0;
    r = fx((volatile uint32_t *)16, FUTEX_WAKE, 1, NULL, NULL, 0);
    CHECK(r == -1 && errno == EFAULT, "shared FUTEX_WAKE at 16: %ld errno %d, expected EFAULT", r, errno);
    errno = 0;
    r = fx(&w, FUTEX_WAIT, 5, (void *)16, NULL, 0);
    CHECK(r == -1 && errno == EFAULT, "bad timeout pointer: %ld errno %d, expected EFAULT", r, errno);
    /* A private wake needs no page behind the address (Linux keys it by
     * address alone). */
    r = fx((volatile uint32_t *)16, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
    CHECK(r == 0, "private FUTEX_WAKE at 16: %ld errno %d, expected 0", r, errno);

    /* WAKE with nobody waiting: 0. */
    r = fx(&w, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0);
    CHECK(r == 0, "FUTEX_WAKE with no waiter: %ld", r);

    /* WAKE counts: 4 waiters, wake 1 then the rest. */
    word1 = 0;
    woken = 0;
    start_waiters(4, &word1);
    r = fx(&word1, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
    settle();
    CHECK(r == 1 && woken == 1, "FUTEX_WAKE 1 of 4: returned %ld, %d woke", r, woken);
    /* A count of 0 or below still wakes one (Linux's `++ret >= nr_wake`). */
    r = fx(&word1, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 0, NULL, NULL, 0);
    settle();
    CHECK(r == 1 && woken == 2, "FUTEX_WAKE 0: returned %ld, %d woke in all", r, woken);
    r = fx(&word1, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, (uint32_t)-1, NULL, NULL, 0);
    settle();
    CHECK(r == 1 && woken == 3, "FUTEX_WAKE -1: returned %ld, %d woke in all", r, woken);
    r = fx(&word1, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0);
    settle();
    CHECK(r == 1 && woken == 4, "FUTEX_WAKE all: returned %ld, %d woke in all", r, woken);
    join_all();
    /* A private wake does not wake a shared waiter. */
    wait_op = FUTEX_WAIT;
    woken = 0;
    start_waiters(1, &word1);
    r = fx(&word1, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, 1, NULL, NULL, 0);
    CHECK(r == 0, "private FUTEX_WAKE of a shared waiter: %ld", r);
    r = fx(&word1, FUTEX_WAKE, 1, NULL, NULL, 0);
    settle();
    CHECK(r == 1 && woken == 1, "shared FUTEX_WAKE: %ld, %d woke", r, woken);
    join_all();
    wait_op = FUTEX_WAIT | FUTEX_PRIVATE_FLAG;

    /* REQUEUE: 4 waiters on word1; wake 1, move 2 to word2; 1 stays. */
    woken = 0;
    start_waiters(4, &word1);
    r = fx2(&word1, FUTEX_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 2, &word2, 0);
    settle();
    CHECK(r == 3 && woken == 1, "REQUEUE 1+2 of 4: returned %ld, %d woke", r, woken);
    r = fx(&word2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0);
    settle();
    CHECK(r == 2 && woken == 3, "wake of the 2 moved: returned %ld, %d woke", r, woken);
    r = fx(&word1, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0);
    settle();
    CHECK(r == 1 && woken == 4, "wake of the one left: returned %ld, %d woke", r, woken);
    join_all();

    /* CMP_REQUEUE: EAGAIN if the word changed, else as REQUEUE. */
    woken = 0;
    start_waiters(3, &word1);
    errno = 0;
    r = fx2(&word1, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 1, 1, &word2, 1);
    CHECK(r == -1 && errno == EAGAIN, "CMP_REQUEUE on a changed word: %ld errno %d", r, errno);
    r = fx2(&word1, FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG, 0, 2, &word2, 0);
    settle();
    CHECK(r == 2 && woken == 0, "CMP_REQUEUE 0+2 of 3: returned %ld, %d woke", r, woken);
    r = fx(&word2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0);
    r += fx(&word1, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0);
    settle();
    CHECK(r == 3 && woken == 3, "waking the requeued ones: %ld, %d woke", r, woken);
    join_all();

    /* WAKE_OP: word2 += 1 (old 0 > -1? no: old == 0), wake 1 on each. */
    woken = 0;
    word2 = 0;
    start_waiters(2, &word1);
    start_waiters(2, &word2);
    r = fx2(&word1, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 1, &word2, FUTEX_OP(FUTEX_OP_ADD, 1, FUTEX_OP_CMP_EQ, 0));
    settle();
    CHECK(r == 2 && woken == 2 && word2 == 1, "WAKE_OP add, cmp true: returned %ld, %d woke, word2 %u", r, woken,
          word2);
    /* Comparison false (old 1 > 5 fails): only word1's waiter. */
    r = fx2(&word1, FUTEX_WAKE_OP | FUTEX_PRIVATE_FLAG, 1, 1, &word2, FUTEX_OP(FUTEX_OP_SET, 9, FUTEX_OP_CMP_GT, 5));
    settle();
    CHECK(r == 1 && woken == 3 && word2 == 9, "WAKE_OP set, cmp false: returned %ld, %d woke, word2 %u", r, woken,
          word2);
    word2 = 0; /* the last waiter's word changed under it: wake it anyway */
    r = fx(&word2, FUTEX_WAKE | FUTEX_PRIVATE_FLAG, INT_MAX, NULL, NULL, 0);
    settle();
    CHECK(r == 1 && woken == 4, "last WAKE_OP waiter: %ld, %d woke", r, woken);
    join_all();

    /* Another process's private memory is another futex. */
    word1 = 0;
    pid_t pid = fork();
    if (pid == 0) {
        long rr = fx(&word1, FUTEX_WAIT_BITSET, 0, NULL, NULL, 2);
        _exit(rr == -1 ? 10 + errno : 0);
    }
    settle();
    r = fx(&word1, FUTEX_WAKE, 1, NULL, NULL, 0);
    CHECK(r == 0, "FUTEX_WAKE in another process's private memory woke %ld", r);
    kill(pid, SIGKILL);
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st), "bitset waiter child: status 0x%x", st);

    /* A shared mapping shared by fork: a shared futex meets across processes. */
    volatile uint32_t *sh = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh != MAP_FAILED && sh[0] == 0) {
        pid = fork();
        if (pid == 0) {
            long rr = fx(sh, FUTEX_WAIT_BITSET, 0, NULL, NULL, 6);
            _exit(rr == 0 ? 0 : 10 + errno);
        }
        settle();
        r = fx(sh, FUTEX_WAKE_BITSET, 1, NULL, NULL, 1); /* bitsets do not meet */
        long r2 = fx(sh, FUTEX_WAKE_BITSET, 1, NULL, NULL, 4);
        if (r2 != 1)
            kill(pid, SIGKILL);
        waitpid(pid, &st, 0);
        CHECK(r == 0 && r2 == 1 && WIFEXITED(st) && WEXITSTATUS(st) == 0,
              "shared futex across fork: wakes %ld then %ld, child status 0x%x", r, r2, st);
    }

    /* A signal whose handler returns ends an untimed FUTEX_WAIT with EINTR
     * (no SA_RESTART), and a timed one too. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sigaction(SIGUSR1, &sa, NULL);
    pthread_t k;
    pthread_create(&k, NULL, killer, (void *)(uintptr_t)pthread_self());
    errno = 0;
    r = fx(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, NULL, NULL, 0);
    CHECK(r == -1 && errno == EINTR && alarmed == 1, "FUTEX_WAIT, signal: %ld errno %d (handler ran %d)", r, errno,
          alarmed);
    pthread_join(k, NULL);
    struct ts32 longer = {5, 0};
    pthread_create(&k, NULL, killer, (void *)(uintptr_t)pthread_self());
    clock_gettime(CLOCK_MONOTONIC, &t0);
    errno = 0;
    r = fx(&w, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, 5, &longer, NULL, 0);
    CHECK(r == -1 && errno == EINTR && alarmed == 2 && ms_since(&t0) < 4000,
          "timed FUTEX_WAIT, signal: %ld errno %d (handler ran %d)", r, errno, alarmed);
    pthread_join(k, NULL);

    if (failures) {
        printf("futex: %d failed\n", failures);
        return 1;
    }
    printf("futex: all ok\n");
    return 0;
}

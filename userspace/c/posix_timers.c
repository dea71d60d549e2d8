/* POSIX timers (timer_create and friends), as on Linux 6.1
 * (kernel/time/posix-timers.c):
 *   - ids count up from 0 per process; a NULL sigevent is SIGALRM
 *     carrying the id; the signal's siginfo is SI_TIMER with si_timerid,
 *     si_value and si_overrun;
 *   - a periodic timer whose signal stays blocked sends one signal and
 *     counts the rest as overruns (si_overrun, timer_getoverrun);
 *   - timer_gettime shows what is left and the interval; 0 disarms;
 *     TIMER_ABSTIME; SIGEV_NONE fires no signal; SIGEV_THREAD_ID goes to
 *     the named thread; CPU-time clocks count CPU time;
 *   - a deleted timer's queued signal is still delivered, one that
 *     SIGCONT discarded lets the re-armed timer queue again; fork's child
 *     has no timers; RLIMIT_SIGPENDING bounds how many exist (EAGAIN);
 *   - the C library's SIGEV_THREAD runs the callback in a thread;
 *   - errors: EINVAL for a bad clock, notify, signal, thread, id or
 *     timespec, EOPNOTSUPP for a clock without timers, EFAULT for bad
 *     pointers.
 * Raw system calls where the C library would hide what the kernel does.
 * Prints `FAIL: ...` for each broken check and `posix_timers: all ok`.
 * Validated on Linux (both libcs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "test_common.h"

/* i386's numbers (musl calls them SYS_timer_settime32 and so on). */
#define NR_timer_settime 260
#define NR_timer_gettime 261

#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

static int k_create(clockid_t clock, struct sigevent *ev, int *id)
{
    return syscall(SYS_timer_create, clock, ev, id);
}

/* The 32-bit itimerspec of timer_settime (260) and timer_gettime (261). */
struct old_itimerspec {
    struct {
        int sec, nsec;
    } interval, value;
};

static int k_settime(int id, int flags, long value_ns, long interval_ns, struct old_itimerspec *old)
{
    struct old_itimerspec n = {{interval_ns / 1000000000, interval_ns % 1000000000},
                               {value_ns / 1000000000, value_ns % 1000000000}};
    return syscall(NR_timer_settime, id, flags, &n, old);
}

static long k_left_ns(int id, long *interval)
{
    struct old_itimerspec c;
    if (syscall(NR_timer_gettime, id, &c) != 0)
        return -1;
    if (interval)
        *interval = c.interval.sec * 1000000000L + c.interval.nsec;
    return c.value.sec * 1000000000L + c.value.nsec;
}

static int wait_sig(int sig, siginfo_t *si, long ms)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
    memset(si, 0, sizeof *si);
    return sigtimedwait(&set, si, &ts);
}

static void block(int sig)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, sig);
    sigprocmask(SIG_BLOCK, &set, NULL);
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, ms % 1000 * 1000000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void check_default_and_ids(void)
{
    int a = -1, b = -1, c = -1, d = -1;
    CHECK(k_create(CLOCK_MONOTONIC, NULL, &a) == 0 && a == 0, "first timer id %d (errno %d), not 0", a, errno);
    CHECK(k_create(CLOCK_REALTIME, NULL, &b) == 0 && b == 1, "second timer id %d, not 1", b);
    CHECK(k_create(CLOCK_MONOTONIC, NULL, &c) == 0 && c == 2, "third timer id %d, not 2", c);
    syscall(SYS_timer_delete, b);
    CHECK(k_create(CLOCK_MONOTONIC, NULL, &d) == 0 && d == 3, "after deleting 1, the next id is %d, not 3", d);

    block(SIGALRM);
    CHECK(k_settime(c, 0, 30000000, 0, NULL) == 0, "timer_settime: errno %d", errno);
    siginfo_t si;
    int s = wait_sig(SIGALRM, &si, 2000);
    CHECK(s == SIGALRM, "the default timer sent %d, not SIGALRM", s);
    CHECK(si.si_code == SI_TIMER, "si_code %d, not SI_TIMER", si.si_code);
    CHECK(si.si_timerid == c, "si_timerid %d, not %d", si.si_timerid, c);
    CHECK(si.si_value.sival_int == c, "si_value %d, not the id %d", si.si_value.sival_int, c);
    CHECK(si.si_overrun == 0, "si_overrun %d for one expiry", si.si_overrun);
    CHECK(k_left_ns(c, NULL) == 0, "a one-shot timer still armed after firing");
    for (int id = 0; id <= 3; id++)
        syscall(SYS_timer_delete, id);
}

static void check_overrun_and_gettime(void)
{
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGRTMIN + 1;
    ev.sigev_value.sival_int = 1234;
    int id = -1;
    block(SIGRTMIN + 1);
    CHECK(k_create(CLOCK_MONOTONIC, &ev, &id) == 0, "timer_create: errno %d", errno);
    CHECK(k_settime(id, 0, 20000000, 20000000, NULL) == 0, "periodic timer_settime: errno %d", errno);
    sleep_ms(130);
    siginfo_t si;
    int s = wait_sig(SIGRTMIN + 1, &si, 1000);
    CHECK(s == SIGRTMIN + 1, "periodic timer sent %d", s);
    CHECK(si.si_value.sival_int == 1234, "si_value %d, not 1234", si.si_value.sival_int);
    CHECK(si.si_overrun >= 3 && si.si_overrun <= 6, "si_overrun %d after ~6 periods with the signal blocked",
          si.si_overrun);
    long ov = syscall(SYS_timer_getoverrun, id);
    CHECK(ov == si.si_overrun, "timer_getoverrun %ld, si_overrun %d", ov, si.si_overrun);
    struct old_itimerspec old;
    CHECK(k_settime(id, 0, 1000000000, 250000000, &old) == 0, "re-arm: errno %d", errno);
    CHECK(old.interval.sec == 0 && old.interval.nsec == 20000000, "old interval %d.%09d", old.interval.sec,
          old.interval.nsec);
    CHECK(old.value.sec == 0 && old.value.nsec > 0 && old.value.nsec <= 20000000, "old value %d.%09d",
          old.value.sec, old.value.nsec);
    long interval = 0, left = k_left_ns(id, &interval);
    CHECK(left > 900000000 && left <= 1000000000, "gettime left %ld ns of 1 s", left);
    CHECK(interval == 250000000, "gettime interval %ld", interval);
    CHECK(k_settime(id, 0, 0, 250000000, NULL) == 0, "disarm: errno %d", errno);
    left = k_left_ns(id, &interval);
    CHECK(left == 0 && interval == 0, "disarmed timer shows %ld left, interval %ld", left, interval);
    /* A signal queued before the timer was deleted is still delivered. */
    CHECK(k_settime(id, 0, 10000000, 0, NULL) == 0, "arm: errno %d", errno);
    sleep_ms(50);
    CHECK(syscall(SYS_timer_delete, id) == 0, "timer_delete: errno %d", errno);
    s = wait_sig(SIGRTMIN + 1, &si, 100);
    CHECK(s == SIGRTMIN + 1 && si.si_code == SI_TIMER, "a deleted timer's queued signal was lost (%d)", s);
}

static void check_abstime_none_thread_cpu(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGUSR1;
    int id = -1;
    block(SIGUSR1);
    k_create(CLOCK_MONOTONIC, &ev, &id);
    long long at = (now.tv_sec * 1000000000LL + now.tv_nsec) + 40000000;
    struct old_itimerspec abs = {{0, 0}, {(int)(at / 1000000000), (int)(at % 1000000000)}};
    CHECK(syscall(NR_timer_settime, id, TIMER_ABSTIME, &abs, NULL) == 0, "TIMER_ABSTIME: errno %d", errno);
    siginfo_t si;
    CHECK(wait_sig(SIGUSR1, &si, 2000) == SIGUSR1, "an absolute timer did not fire");
    /* An absolute time already past fires at once. */
    struct old_itimerspec past = {{0, 0}, {0, 1}};
    CHECK(syscall(NR_timer_settime, id, TIMER_ABSTIME, &past, NULL) == 0, "past TIMER_ABSTIME: errno %d", errno);
    CHECK(wait_sig(SIGUSR1, &si, 1000) == SIGUSR1, "a past absolute time did not fire");
    syscall(SYS_timer_delete, id);

    ev.sigev_notify = SIGEV_NONE;
    k_create(CLOCK_MONOTONIC, &ev, &id);
    k_settime(id, 0, 30000000, 0, NULL);
    long l1 = k_left_ns(id, NULL);
    CHECK(l1 > 0 && l1 <= 30000000, "SIGEV_NONE timer left %ld", l1);
    CHECK(wait_sig(SIGUSR1, &si, 80) == -1, "SIGEV_NONE sent a signal");
    CHECK(k_left_ns(id, NULL) == 0, "SIGEV_NONE one-shot timer still armed");
    syscall(SYS_timer_delete, id);

    ev.sigev_notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    ev.sigev_notify_thread_id = gettid();
    CHECK(k_create(CLOCK_MONOTONIC, &ev, &id) == 0, "SIGEV_THREAD_ID to itself: errno %d", errno);
    k_settime(id, 0, 20000000, 0, NULL);
    CHECK(wait_sig(SIGUSR1, &si, 2000) == SIGUSR1 && si.si_code == SI_TIMER, "SIGEV_THREAD_ID did not fire");
    syscall(SYS_timer_delete, id);

    ev.sigev_notify = SIGEV_SIGNAL;
    CHECK(k_create(CLOCK_PROCESS_CPUTIME_ID, &ev, &id) == 0, "CPU-time timer: errno %d", errno);
    k_settime(id, 0, 50000000, 0, NULL);
    sigset_t set;
    sigpending(&set);
    CHECK(!sigismember(&set, SIGUSR1), "a CPU-time timer fired before any CPU time went by");
    volatile unsigned x = 0;
    for (int spins = 0; spins < 4000; spins++) {
        for (int i = 0; i < 100000; i++)
            x += i;
        sigpending(&set);
        if (sigismember(&set, SIGUSR1))
            break;
    }
    CHECK(sigismember(&set, SIGUSR1), "the CPU-time timer never fired");
    wait_sig(SIGUSR1, &si, 0);
    syscall(SYS_timer_delete, id);
}

static void check_errors(void)
{
    struct sigevent ev = {0};
    int id;
    errno = 0;
    CHECK(k_create(99, NULL, &id) == -1 && errno == EINVAL, "clock 99: errno %d", errno);
    errno = 0;
    CHECK(k_create(CLOCK_MONOTONIC_RAW, NULL, &id) == -1 && errno == EOPNOTSUPP, "CLOCK_MONOTONIC_RAW: errno %d",
          errno);
    ev.sigev_notify = 3;
    ev.sigev_signo = SIGUSR1;
    errno = 0;
    CHECK(k_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL, "sigev_notify 3: errno %d", errno);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = 0;
    errno = 0;
    CHECK(k_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL, "signal 0: errno %d", errno);
    ev.sigev_signo = 65;
    errno = 0;
    CHECK(k_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL, "signal 65: errno %d", errno);
    ev.sigev_signo = SIGUSR1;
    ev.sigev_notify = SIGEV_SIGNAL | SIGEV_THREAD_ID;
    ev.sigev_notify_thread_id = getppid() > 0 && getppid() != getpid() ? getppid() : 99999;
    errno = 0;
    CHECK(k_create(CLOCK_MONOTONIC, &ev, &id) == -1 && errno == EINVAL, "SIGEV_THREAD_ID of another process: errno %d",
          errno);
    errno = 0;
    CHECK(k_create(CLOCK_MONOTONIC, (void *)16, &id) == -1 && errno == EFAULT, "bad sigevent: errno %d", errno);
    errno = 0;
    CHECK(k_create(CLOCK_MONOTONIC, NULL, (void *)16) == -1 && errno == EFAULT, "bad id pointer: errno %d", errno);
    errno = 0;
    CHECK(k_settime(4242, 0, 1000, 0, NULL) == -1 && errno == EINVAL, "settime of no timer: errno %d", errno);
    CHECK(k_create(CLOCK_MONOTONIC, NULL, &id) == 0, "timer_create: errno %d", errno);
    errno = 0;
    CHECK(syscall(NR_timer_settime, id, 0, NULL, NULL) == -1 && errno == EINVAL, "settime NULL: errno %d", errno);
    struct old_itimerspec bad = {{0, 0}, {0, 1000000000}};
    errno = 0;
    CHECK(syscall(NR_timer_settime, id, 0, &bad, NULL) == -1 && errno == EINVAL, "tv_nsec 1e9: errno %d", errno);
    struct old_itimerspec neg = {{0, 0}, {-1, 0}};
    errno = 0;
    CHECK(syscall(NR_timer_settime, id, 0, &neg, NULL) == -1 && errno == EINVAL, "negative seconds: errno %d",
          errno);
    errno = 0;
    CHECK(syscall(NR_timer_settime, id, 0, (void *)16, NULL) == -1 && errno == EFAULT, "bad new: errno %d", errno);
    errno = 0;
    CHECK(syscall(NR_timer_gettime, id, (void *)16) == -1 && errno == EFAULT, "gettime bad pointer: errno %d",
          errno);
    errno = 0;
    CHECK(syscall(NR_timer_gettime, 4242, &bad) == -1 && errno == EINVAL, "gettime of no timer: errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_timer_getoverrun, 4242) == -1 && errno == EINVAL, "getoverrun of no timer: errno %d", errno);
    CHECK(syscall(SYS_timer_delete, id) == 0, "timer_delete: errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_timer_delete, id) == -1 && errno == EINVAL, "second timer_delete: errno %d", errno);
}

/* A timer's queued stop signal that SIGCONT throws away leaves the timer
 * free to queue again once re-armed (Linux unlinks its sigqueue). */
static int discard_child(void)
{
    block(SIGTSTP);
    block(SIGCONT);
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGTSTP;
    int id;
    if (k_create(CLOCK_MONOTONIC, &ev, &id) != 0 || k_settime(id, 0, 10000000, 0, NULL) != 0)
        return 2;
    sleep_ms(50);
    sigset_t p;
    sigpending(&p);
    if (!sigismember(&p, SIGTSTP))
        return 3;
    kill(getpid(), SIGCONT); /* discards the pending SIGTSTP */
    sigpending(&p);
    if (sigismember(&p, SIGTSTP))
        return 4;
    k_settime(id, 0, 10000000, 0, NULL);
    sleep_ms(50);
    sigpending(&p);
    return sigismember(&p, SIGTSTP) ? 0 : 5;
}

static int fork_child(void)
{
    /* The parent's timer 0 is not ours. */
    return k_left_ns(0, NULL) == -1 && errno == EINVAL ? 0 : 1;
}

static int limit_child(void)
{
    if (setresuid(54321, 54321, 54321) != 0)
        return 2;
    struct rlimit rl = {2, 2};
    setrlimit(RLIMIT_SIGPENDING, &rl);
    int a, b, c;
    if (k_create(CLOCK_MONOTONIC, NULL, &a) != 0 || k_create(CLOCK_MONOTONIC, NULL, &b) != 0)
        return 3;
    errno = 0;
    if (k_create(CLOCK_MONOTONIC, NULL, &c) != -1 || errno != EAGAIN)
        return 4;
    /* Deleting one gives its room back. */
    syscall(SYS_timer_delete, a);
    if (k_create(CLOCK_MONOTONIC, NULL, &c) != 0)
        return 5;
    return 0;
}

static volatile int thread_calls;
static void on_expiry(union sigval v)
{
    if (v.sival_int == 77)
        thread_calls++;
}

static void check_libc_sigev_thread(void)
{
    struct sigevent ev = {0};
    ev.sigev_notify = SIGEV_THREAD;
    ev.sigev_notify_function = on_expiry;
    ev.sigev_value.sival_int = 77;
    timer_t t;
    CHECK(timer_create(CLOCK_MONOTONIC, &ev, &t) == 0, "libc timer_create(SIGEV_THREAD): errno %d", errno);
    struct itimerspec its = {{0, 0}, {0, 30000000}};
    CHECK(timer_settime(t, 0, &its, NULL) == 0, "libc timer_settime: errno %d", errno);
    for (int i = 0; i < 200 && !thread_calls; i++)
        sleep_ms(10);
    CHECK(thread_calls == 1, "SIGEV_THREAD callback ran %d times", thread_calls);
    timer_delete(t);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_default_and_ids();
    check_overrun_and_gettime();
    check_abstime_none_thread_cpu();
    check_errors();
    int id = -1;
    k_create(CLOCK_MONOTONIC, NULL, &id);
    int st = in_child(fork_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork's child sees its parent's timer (status %#x)", st);
    syscall(SYS_timer_delete, id);
    st = in_child(discard_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a re-armed timer after SIGCONT discarded its signal: step %d",
          WEXITSTATUS(st));
    st = in_child(limit_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "RLIMIT_SIGPENDING and timers: step %d failed", WEXITSTATUS(st));
    check_libc_sigev_thread();
    if (failures)
        return 1;
    printf("posix_timers: all ok\n");
    return 0;
}

/* The alternate signal stack, interval timers and rt_sigtimedwait, as on
 * Linux 6.1:
 *   - sigaltstack: SA_ONSTACK handlers run on it, SS_ONSTACK reported
 *     there, -EPERM changing it while on it, -EINVAL for a bad mode,
 *     -ENOMEM below MINSIGSTKSZ, SS_AUTODISARM disarmed in the handler and
 *     armed again after, a nested signal stays on it, overflow is SIGSEGV,
 *     fork inherits it;
 *   - setitimer/getitimer/alarm: ITIMER_REAL fires SIGALRM once or
 *     periodically, getitimer shows what is left, alarm returns the old
 *     alarm's seconds, ITIMER_VIRTUAL and ITIMER_PROF fire on CPU time,
 *     bad arguments are -EINVAL, fork's child starts without timers;
 *   - rt_sigtimedwait: takes a blocked pending signal with its siginfo,
 *     times out with -EAGAIN, is ended by another signal with -EINTR.
 * Prints `FAIL: ...` for each broken check and `altstack_timers: all ok`.
 * Validated on Linux (both libcs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "test_common.h"

#ifndef SS_AUTODISARM
#define SS_AUTODISARM (1U << 31)
#endif

static char altstack[16384] __attribute__((aligned(16)));
static volatile uintptr_t handler_sp;
static volatile int handler_ss_flags, handler_runs, nested_runs;

/* sigaltstack by number: musl's wrapper makes checks of its own. */
static int altstack_set(void *sp, size_t size, int flags)
{
    stack_t ss = {.ss_sp = sp, .ss_size = size, .ss_flags = flags};
    return syscall(SYS_sigaltstack, &ss, NULL);
}

static int on_alt(uintptr_t sp)
{
    return sp >= (uintptr_t)altstack && sp < (uintptr_t)altstack + sizeof altstack;
}

static void on_usr2(int sig)
{
    (void)sig;
    nested_runs++;
    int local;
    if (!on_alt((uintptr_t)&local))
        nested_runs += 100; /* a nested handler left the alternate stack */
}

static void on_usr1(int sig)
{
    (void)sig;
    int local;
    handler_sp = (uintptr_t)&local;
    handler_runs++;
    stack_t cur;
    sigaltstack(NULL, &cur);
    handler_ss_flags = cur.ss_flags;
    /* Changing it while on it is EPERM (unless SS_AUTODISARM disarmed it). */
    stack_t again = {.ss_sp = altstack, .ss_size = sizeof altstack, .ss_flags = 0};
    errno = 0;
    if (!(cur.ss_flags & SS_AUTODISARM) && cur.ss_flags == SS_ONSTACK
        && !(sigaltstack(&again, NULL) == -1 && errno == EPERM))
        handler_runs += 100;
    raise(SIGUSR2); /* nested: must stay on the alternate stack */
}

static int overflow_child(void)
{
    /* A stack too small for the frame: the handler cannot start. */
    static char tiny[2048]; /* MINSIGSTKSZ on i386 */
    stack_t ss = {.ss_sp = tiny, .ss_size = sizeof tiny, .ss_flags = 0};
    if (sigaltstack(&ss, NULL) != 0)
        return 3;
    /* Sit just above the bottom of the alternate stack, then take a signal
     * that has to go there: the kernel finds no room (Linux: SIGSEGV). */
    struct sigaction sa = {.sa_handler = on_usr2, .sa_flags = SA_ONSTACK};
    sigaction(SIGUSR2, &sa, NULL);
    sigaction(SIGUSR1, &(struct sigaction){.sa_handler = on_usr1, .sa_flags = SA_ONSTACK}, NULL);
    raise(SIGUSR1); /* on_usr1 then raises SIGUSR2 deep in `tiny` */
    return 0;
}

static void check_altstack(void)
{
    stack_t old;
    CHECK(sigaltstack(NULL, &old) == 0 && old.ss_flags == SS_DISABLE && old.ss_size == 0,
          "initial sigaltstack: flags %d size %zu", old.ss_flags, old.ss_size);
    errno = 0;
    /* The kernel's MINSIGSTKSZ is 2048 on i386 (glibc's macro may be
     * sysconf's larger figure). */
    CHECK(altstack_set(altstack, 2047, 0) == -1 && errno == ENOMEM, "size below 2048: errno %d", errno);
    CHECK(altstack_set(altstack, 2048, 0) == 0, "size 2048 refused: errno %d", errno);
    errno = 0;
    CHECK(altstack_set(altstack, sizeof altstack, 5) == -1 && errno == EINVAL, "bad mode: errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_sigaltstack, (void *)16, NULL) == -1 && errno == EFAULT, "bad ss pointer: errno %d", errno);
    CHECK(altstack_set(altstack, sizeof altstack, 0) == 0, "sigaltstack failed: errno %d", errno);
    CHECK(sigaltstack(NULL, &old) == 0 && old.ss_sp == altstack && old.ss_size == sizeof altstack
          && old.ss_flags == 0, "sigaltstack reads back sp %p size %zu flags %d", old.ss_sp, old.ss_size, old.ss_flags);
    /* SS_ONSTACK as a mode is accepted and reads back as 0 off the stack. */
    CHECK(altstack_set(altstack, sizeof altstack, SS_ONSTACK) == 0, "mode SS_ONSTACK refused: errno %d", errno);
    sigaltstack(NULL, &old);
    CHECK(old.ss_flags == 0, "off the stack, ss_flags %d", old.ss_flags);

    struct sigaction sa = {.sa_handler = on_usr1, .sa_flags = SA_ONSTACK};
    sigaction(SIGUSR1, &sa, NULL);
    sa.sa_handler = on_usr2;
    sigaction(SIGUSR2, &sa, NULL);
    handler_runs = nested_runs = 0;
    raise(SIGUSR1);
    CHECK(handler_runs == 1, "SA_ONSTACK handler: runs %d (over 100: EPERM check failed)", handler_runs);
    CHECK(on_alt(handler_sp), "SA_ONSTACK handler ran at %#lx, not on the alternate stack", (unsigned long)handler_sp);
    CHECK(handler_ss_flags == SS_ONSTACK, "in the handler ss_flags %#x, want SS_ONSTACK", handler_ss_flags);
    CHECK(nested_runs == 1, "nested handler: %d (over 100: not on the alternate stack)", nested_runs);

    /* Without SA_ONSTACK, the normal stack. */
    sa.sa_handler = on_usr1;
    sa.sa_flags = 0;
    sigaction(SIGUSR1, &sa, NULL);
    handler_runs = 0;
    raise(SIGUSR1);
    CHECK(handler_runs >= 1 && !on_alt(handler_sp), "a handler without SA_ONSTACK ran on the alternate stack");

    /* SS_AUTODISARM: disabled inside, armed again after. */
    CHECK(altstack_set(altstack, sizeof altstack, SS_AUTODISARM) == 0, "SS_AUTODISARM refused: errno %d", errno);
    sa.sa_flags = SA_ONSTACK | SA_SIGINFO;
    sa.sa_handler = on_usr1;
    sigaction(SIGUSR1, &sa, NULL);
    raise(SIGUSR1);
    CHECK(on_alt(handler_sp), "SS_AUTODISARM: handler not on the alternate stack");
    CHECK(handler_ss_flags == (int)(SS_DISABLE | SS_AUTODISARM) || handler_ss_flags == SS_DISABLE,
          "SS_AUTODISARM: in the handler ss_flags %#x, want disabled", handler_ss_flags);
    sigaltstack(NULL, &old);
    CHECK(old.ss_sp == altstack && (unsigned)old.ss_flags == SS_AUTODISARM,
          "SS_AUTODISARM: after the handler sp %p flags %#x", old.ss_sp, old.ss_flags);

    /* fork inherits it. */
    altstack_set(altstack, sizeof altstack, 0);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        stack_t c;
        sigaltstack(NULL, &c);
        _exit(c.ss_sp == altstack && c.ss_size == sizeof altstack ? 0 : 1);
    }
    int st;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork did not inherit the alternate stack (%#x)", st);

    st = in_child(overflow_child);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "alternate-stack overflow: status %#x, want SIGSEGV", st);

    CHECK(altstack_set(NULL, 0, SS_DISABLE) == 0, "SS_DISABLE refused");
    sigaltstack(NULL, &old);
    CHECK(old.ss_flags == SS_DISABLE && old.ss_size == 0 && old.ss_sp == NULL, "after SS_DISABLE: flags %d", old.ss_flags);
    signal(SIGUSR1, SIG_DFL);
    signal(SIGUSR2, SIG_DFL);
}

static volatile int alrm, vtalrm, prof;
static void on_alrm(int sig) { (void)sig; alrm++; }
static void on_vtalrm(int sig) { (void)sig; vtalrm++; }
static void on_prof(int sig) { (void)sig; prof++; }

static long long now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

static int no_timers_child(void)
{
    struct itimerval it;
    getitimer(ITIMER_REAL, &it);
    return it.it_value.tv_sec || it.it_value.tv_usec ? 1 : 0;
}

static void check_timers(void)
{
    signal(SIGALRM, on_alrm);
    signal(SIGVTALRM, on_vtalrm);
    signal(SIGPROF, on_prof);
    struct itimerval it = {.it_value = {0, 200000}}, old;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0, "setitimer(ITIMER_REAL): errno %d", errno);
    CHECK(getitimer(ITIMER_REAL, &old) == 0 && old.it_value.tv_sec == 0 && old.it_value.tv_usec > 0
          && old.it_value.tv_usec <= 200000 && old.it_interval.tv_usec == 0,
          "getitimer: %ld.%06ld", (long)old.it_value.tv_sec, (long)old.it_value.tv_usec);
    long long t0 = now_ms();
    alrm = 0;
    while (!alrm && now_ms() - t0 < 3000)
        pause();
    long long took = now_ms() - t0;
    CHECK(alrm == 1 && took >= 150 && took < 2000, "ITIMER_REAL 200 ms: %d signals after %lld ms", alrm, took);
    getitimer(ITIMER_REAL, &old);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0, "a one-shot timer still armed after firing");

    /* Periodic: three 50 ms periods. */
    it.it_value.tv_usec = 50000;
    it.it_interval.tv_usec = 50000;
    setitimer(ITIMER_REAL, &it, NULL);
    alrm = 0;
    t0 = now_ms();
    while (alrm < 3 && now_ms() - t0 < 3000)
        pause();
    CHECK(alrm >= 3, "periodic ITIMER_REAL: %d signals", alrm);
    struct itimerval zero = {0};
    CHECK(setitimer(ITIMER_REAL, &zero, &old) == 0 && old.it_interval.tv_usec == 50000,
          "setitimer old interval %ld", (long)old.it_interval.tv_usec);

    /* alarm: the old one's seconds, rounded. */
    CHECK(alarm(10) == 0, "alarm with none pending did not return 0");
    unsigned left = alarm(20);
    CHECK(left == 10 || left == 9, "alarm returned %u, want 10", left);
    it = (struct itimerval){.it_value = {0, 300000}};
    setitimer(ITIMER_REAL, &it, NULL);
    CHECK(alarm(0) == 1, "alarm(0) with 0.3 s left did not return 1");
    getitimer(ITIMER_REAL, &old);
    CHECK(old.it_value.tv_sec == 0 && old.it_value.tv_usec == 0, "alarm(0) did not cancel");

    /* The child of fork starts without timers. */
    it = (struct itimerval){.it_value = {5, 0}};
    setitimer(ITIMER_REAL, &it, NULL);
    int st = in_child(no_timers_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork's child inherited ITIMER_REAL");
    setitimer(ITIMER_REAL, &zero, NULL);

    /* CPU time: VIRTUAL (user) and PROF (user + system), by spinning. */
    it = (struct itimerval){.it_value = {0, 30000}, .it_interval = {0, 30000}};
    CHECK(setitimer(ITIMER_VIRTUAL, &it, NULL) == 0, "setitimer(ITIMER_VIRTUAL): errno %d", errno);
    CHECK(setitimer(ITIMER_PROF, &it, NULL) == 0, "setitimer(ITIMER_PROF): errno %d", errno);
    t0 = now_ms();
    vtalrm = prof = 0;
    while ((vtalrm < 2 || prof < 2) && now_ms() - t0 < 5000)
        ;
    CHECK(vtalrm >= 2 && prof >= 2, "CPU timers: SIGVTALRM %d, SIGPROF %d", vtalrm, prof);
    getitimer(ITIMER_PROF, &old);
    CHECK(old.it_interval.tv_usec == 30000, "ITIMER_PROF interval %ld", (long)old.it_interval.tv_usec);
    setitimer(ITIMER_VIRTUAL, &zero, NULL);
    setitimer(ITIMER_PROF, &zero, NULL);

    errno = 0;
    CHECK(setitimer(3, &it, NULL) == -1 && errno == EINVAL, "setitimer(3): errno %d", errno);
    errno = 0;
    CHECK(getitimer(-1, &old) == -1 && errno == EINVAL, "getitimer(-1): errno %d", errno);
    it = (struct itimerval){.it_value = {0, 1000000}};
    errno = 0;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == -1 && errno == EINVAL, "tv_usec 1000000: errno %d", errno);
    it = (struct itimerval){.it_value = {-1, 0}};
    errno = 0;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == -1 && errno == EINVAL, "tv_sec -1: errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_getitimer, ITIMER_REAL, (void *)16) == -1 && errno == EFAULT, "getitimer bad pointer: errno %d", errno);
}

/* rt_sigtimedwait by number, with the 32-bit timespec (musl's and glibc's
 * wrappers prefer the time64 call; this exercises both). */
struct ts32 { int32_t sec, nsec; };

static void check_sigtimedwait(void)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGUSR1);
    siginfo_t si;
    memset(&si, 0, sizeof si);
    struct timespec zero = {0, 0};
    int r = sigtimedwait(&set, &si, &zero);
    CHECK(r == SIGUSR1 && si.si_signo == SIGUSR1 && (si.si_code == SI_TKILL || si.si_code == SI_USER)
          && si.si_pid == getpid(),
          "sigtimedwait took %d (signo %d code %d pid %d)", r, si.si_signo, si.si_code, si.si_pid);
    errno = 0;
    CHECK(sigtimedwait(&set, &si, &zero) == -1 && errno == EAGAIN, "nothing pending: errno %d", errno);
    struct timespec short_wait = {0, 100000000};
    long long t0 = now_ms();
    errno = 0;
    r = sigtimedwait(&set, &si, &short_wait);
    long long took = now_ms() - t0;
    CHECK(r == -1 && errno == EAGAIN && took >= 80, "100 ms timeout: %d errno %d after %lld ms", r, errno, took);
    struct ts32 t32 = {0, 50000000};
    errno = 0;
    CHECK(syscall(SYS_rt_sigtimedwait, &set, NULL, &t32, 8) == -1 && errno == EAGAIN, "rt_sigtimedwait (32-bit): errno %d", errno);
    raise(SIGUSR1);
    CHECK(syscall(SYS_rt_sigtimedwait, &set, NULL, &t32, 8) == SIGUSR1, "rt_sigtimedwait (32-bit) did not take SIGUSR1");
    struct ts32 bad = {0, 1000000000};
    errno = 0;
    CHECK(syscall(SYS_rt_sigtimedwait, &set, NULL, &bad, 8) == -1 && errno == EINVAL, "tv_nsec 10^9: errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_rt_sigtimedwait, &set, NULL, &t32, 4) == -1 && errno == EINVAL, "sigsetsize 4: errno %d", errno);

    /* Another signal (with a handler, unblocked) ends the wait: EINTR. */
    signal(SIGALRM, on_alrm);
    struct itimerval it = {.it_value = {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
    struct timespec long_wait = {5, 0};
    struct ts32 long32 = {5, 0};
    alrm = 0;
    errno = 0;
    /* By number: musl's wrapper goes on waiting after EINTR. */
    r = syscall(SYS_rt_sigtimedwait, &set, &si, &long32, 8);
    CHECK(r == -1 && errno == EINTR && alrm == 1, "interrupted sigtimedwait: %d errno %d alarms %d", r, errno, alrm);

    /* A signal of the set sent while waiting wakes it (SIGUSR1 by alarm's
     * way round: a child sends it). */
    fflush(stdout);
    pid_t parent = getpid(), pid = fork();
    if (pid == 0) {
        usleep(100000);
        kill(parent, SIGUSR1);
        _exit(0);
    }
    memset(&si, 0, sizeof si);
    r = sigtimedwait(&set, &si, &long_wait);
    CHECK(r == SIGUSR1 && si.si_pid == pid && si.si_code == SI_USER, "woken by the child: %d pid %d code %d", r, si.si_pid, si.si_code);
    waitpid(pid, NULL, 0);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_altstack();
    check_timers();
    check_sigtimedwait();
    if (failures)
        return 1;
    printf("altstack_timers: all ok\n");
    return 0;
}

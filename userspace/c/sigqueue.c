/* Queued signals, as on Linux 6.1 (kernel/signal.c __send_signal and
 * collect_signal):
 *   - real-time signals queue: each sigqueue() is delivered once, in the
 *     order sent, with its own si_value; the signal stays pending until
 *     the last one is taken;
 *   - a standard signal sent twice while blocked is delivered once, with
 *     the first sender's siginfo;
 *   - lower numbers come first, standard before real-time;
 *   - a handler for a real-time signal runs once per queued instance;
 *   - RLIMIT_SIGPENDING bounds the queue (SigQ in /proc/self/status): sigqueue() beyond it is EAGAIN,
 *     while kill() of a real-time signal still marks it pending (its
 *     siginfo lost: SI_USER from pid 0), and a standard signal sent with
 *     kill() (si_code >= 0) is never refused;
 *   - SIGCONT discards queued stop signals;
 *   - rt_tgsigqueueinfo queues to one thread, with -EINVAL, -EPERM and
 *     -ESRCH as Linux.
 * Prints `FAIL: ...` for each broken check and `sigqueue: all ok`.
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

static const struct timespec no_wait = {0, 0};

/* Take one pending signal of `set` without waiting: its number, or -1. */
static int take(const sigset_t *set, siginfo_t *si)
{
    memset(si, 0, sizeof *si);
    return sigtimedwait(set, si, &no_wait);
}

static int queue(int sig, int value)
{
    union sigval v = {.sival_int = value};
    return sigqueue(getpid(), sig, v);
}

static void check_rt_queue(void)
{
    sigset_t set;
    siginfo_t si;
    int rt = SIGRTMIN + 2;
    sigemptyset(&set);
    sigaddset(&set, rt);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 1; i <= 3; i++)
        CHECK(queue(rt, 100 + i) == 0, "sigqueue #%d: %s", i, strerror(errno));
    for (int i = 1; i <= 3; i++) {
        sigset_t p;
        sigpending(&p);
        CHECK(sigismember(&p, rt) == 1, "RT signal not pending before take #%d", i);
        int s = take(&set, &si);
        CHECK(s == rt, "take #%d gave %d (%s)", i, s, s < 0 ? strerror(errno) : "");
        CHECK(si.si_code == SI_QUEUE, "take #%d si_code %d, not SI_QUEUE", i, si.si_code);
        CHECK(si.si_value.sival_int == 100 + i, "take #%d value %d, not %d (order)", i,
              si.si_value.sival_int, 100 + i);
        CHECK(si.si_pid == getpid(), "take #%d si_pid %d", i, si.si_pid);
    }
    sigset_t p;
    sigpending(&p);
    CHECK(sigismember(&p, rt) == 0, "RT signal still pending after the queue emptied");
    errno = 0;
    CHECK(take(&set, &si) == -1 && errno == EAGAIN, "a fourth take did not find the queue empty");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void check_standard_merges(void)
{
    sigset_t set;
    siginfo_t si;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    CHECK(queue(SIGUSR1, 7) == 0, "sigqueue SIGUSR1: %s", strerror(errno));
    CHECK(queue(SIGUSR1, 8) == 0, "second sigqueue SIGUSR1: %s", strerror(errno));
    CHECK(take(&set, &si) == SIGUSR1, "SIGUSR1 not taken");
    CHECK(si.si_value.sival_int == 7, "SIGUSR1 carries value %d, not the first sender's 7",
          si.si_value.sival_int);
    errno = 0;
    CHECK(take(&set, &si) == -1 && errno == EAGAIN, "a second SIGUSR1 was queued");
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static void check_order(void)
{
    sigset_t set;
    siginfo_t si;
    int r1 = SIGRTMIN + 1, r5 = SIGRTMIN + 5;
    sigemptyset(&set);
    sigaddset(&set, r5);
    sigaddset(&set, r1);
    sigaddset(&set, SIGUSR2);
    sigprocmask(SIG_BLOCK, &set, NULL);
    queue(r5, 1);
    queue(r1, 2);
    queue(r5, 3);
    kill(getpid(), SIGUSR2);
    int want[] = {SIGUSR2, r1, r5, r5};
    int vals[] = {-1, 2, 1, 3};
    for (int i = 0; i < 4; i++) {
        int s = take(&set, &si);
        CHECK(s == want[i], "take #%d gave signal %d, not %d", i, s, want[i]);
        if (vals[i] >= 0)
            CHECK(si.si_value.sival_int == vals[i], "take #%d value %d, not %d", i,
                  si.si_value.sival_int, vals[i]);
    }
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

static volatile int handled, last_value;
static void on_rt(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    handled++;
    last_value = si->si_value.sival_int;
}

static void check_handler_runs_per_instance(void)
{
    int rt = SIGRTMIN + 3;
    struct sigaction sa = {0};
    sa.sa_sigaction = on_rt;
    sa.sa_flags = SA_SIGINFO;
    sigaction(rt, &sa, NULL);
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, rt);
    sigprocmask(SIG_BLOCK, &set, NULL);
    for (int i = 0; i < 5; i++)
        queue(rt, 10 + i);
    handled = 0;
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    CHECK(handled == 5, "handler ran %d times for 5 queued signals", handled);
    CHECK(last_value == 14, "last handler saw value %d, not 14", last_value);
    signal(rt, SIG_DFL);
}

/* The queued count in /proc/self/status's `SigQ: n/limit`, or -1. */
static int sigq_count(void)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[128];
    int n = -1;
    while (f && fgets(line, sizeof line, f))
        if (sscanf(line, "SigQ:\t%d/", &n) == 1)
            break;
    if (f)
        fclose(f);
    return n;
}

static int limit_child(void)
{
    int rt = SIGRTMIN + 4, rt2 = SIGRTMIN + 6;
    sigset_t set;
    siginfo_t si;
    sigemptyset(&set);
    sigaddset(&set, rt);
    sigaddset(&set, rt2);
    sigaddset(&set, SIGUSR1);
    sigprocmask(SIG_BLOCK, &set, NULL);
    /* A uid of its own: Linux counts queued signals per user. */
    if (setresuid(54321, 54321, 54321) != 0) {
        printf("FAIL: setresuid: %s\n", strerror(errno));
        return 1;
    }
    struct rlimit rl = {2, 2};
    if (setrlimit(RLIMIT_SIGPENDING, &rl) != 0) {
        printf("FAIL: setrlimit RLIMIT_SIGPENDING: %s\n", strerror(errno));
        return 1;
    }
    int bad = 0;
    if (queue(rt, 1) != 0 || queue(rt, 2) != 0) {
        printf("FAIL: two sigqueues under a limit of 2: %s\n", strerror(errno));
        bad++;
    }
    errno = 0;
    if (queue(rt, 3) != -1 || errno != EAGAIN) {
        printf("FAIL: a third sigqueue under a limit of 2 was not EAGAIN\n");
        bad++;
    }
    int n = sigq_count();
    if (n != 2) {
        printf("FAIL: /proc/self/status SigQ counts %d queued, not 2\n", n);
        bad++;
    }
    /* kill() of an RT signal: pending, its siginfo lost. */
    if (kill(getpid(), rt2) != 0) {
        printf("FAIL: kill beyond RLIMIT_SIGPENDING: %s\n", strerror(errno));
        bad++;
    }
    /* A standard signal with si_code >= 0 (kill's SI_USER) overrides the
     * limit (Linux's override_rlimit). */
    if (kill(getpid(), SIGUSR1) != 0) {
        printf("FAIL: SIGUSR1 beyond RLIMIT_SIGPENDING: %s\n", strerror(errno));
        bad++;
    }
    if (take(&set, &si) != SIGUSR1 || si.si_code != SI_USER || si.si_pid != getpid()) {
        printf("FAIL: SIGUSR1 over the limit lost its siginfo (code %d pid %d)\n", si.si_code, si.si_pid);
        bad++;
    }
    int vals[2];
    for (int i = 0; i < 2; i++) {
        if (take(&set, &si) != rt) {
            printf("FAIL: queued RT signal #%d missing\n", i);
            bad++;
        }
        vals[i] = si.si_value.sival_int;
    }
    if (vals[0] != 1 || vals[1] != 2) {
        printf("FAIL: queued values %d %d, not 1 2\n", vals[0], vals[1]);
        bad++;
    }
    if (take(&set, &si) != rt2 || si.si_code != SI_USER || si.si_pid != 0) {
        printf("FAIL: the RT kill beyond the limit: code %d pid %d, not SI_USER from 0\n", si.si_code,
               si.si_pid);
        bad++;
    }
    errno = 0;
    if (take(&set, &si) != -1 || errno != EAGAIN) {
        printf("FAIL: signals left after the queue drained\n");
        bad++;
    }
    /* Entries taken give room back. */
    if (queue(rt, 4) != 0 || queue(rt, 5) != 0) {
        printf("FAIL: the queue did not give back room: %s\n", strerror(errno));
        bad++;
    }
    return bad ? 1 : 0;
}

static int stop_discard_child(void)
{
    sigset_t set;
    siginfo_t si;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGCONT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    kill(getpid(), SIGTSTP);
    kill(getpid(), SIGCONT);
    sigset_t p;
    sigpending(&p);
    int bad = 0;
    if (sigismember(&p, SIGTSTP)) {
        printf("FAIL: SIGCONT did not discard a pending SIGTSTP\n");
        bad++;
    }
    if (take(&set, &si) != SIGCONT) {
        printf("FAIL: SIGCONT not pending\n");
        bad++;
    }
    return bad;
}

static volatile int waiter_tid, waiter_value;
static void *waiter(void *arg)
{
    (void)arg;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGRTMIN + 7);
    siginfo_t si;
    waiter_tid = gettid();
    struct timespec ts = {5, 0};
    if (sigtimedwait(&set, &si, &ts) == SIGRTMIN + 7 && si.si_code == SI_QUEUE)
        waiter_value = si.si_value.sival_int;
    return NULL;
}

static long tgsigqueue(int tgid, int tid, int sig, int code, int value)
{
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = sig;
    si.si_code = code;
    si.si_pid = getpid();
    si.si_value.sival_int = value;
    return syscall(SYS_rt_tgsigqueueinfo, tgid, tid, sig, &si);
}

static void check_tgsigqueueinfo(void)
{
    int rt = SIGRTMIN + 7;
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, rt);
    sigprocmask(SIG_BLOCK, &set, NULL);
    pthread_t th;
    pthread_create(&th, NULL, waiter, NULL);
    while (!waiter_tid)
        usleep(1000);
    usleep(20000);
    CHECK(tgsigqueue(getpid(), waiter_tid, rt, SI_QUEUE, 4242) == 0, "rt_tgsigqueueinfo: %s", strerror(errno));
    pthread_join(th, NULL);
    CHECK(waiter_value == 4242, "the thread got value %d, not 4242", waiter_value);
    sigset_t p;
    sigpending(&p);
    CHECK(!sigismember(&p, rt), "a thread-directed signal is pending in another thread");
    errno = 0;
    CHECK(tgsigqueue(0, gettid(), rt, SI_QUEUE, 1) == -1 && errno == EINVAL, "tgid 0: errno %d", errno);
    errno = 0;
    CHECK(tgsigqueue(getpid(), -1, rt, SI_QUEUE, 1) == -1 && errno == EINVAL, "tid -1: errno %d", errno);
    errno = 0;
    CHECK(tgsigqueue(getpid(), waiter_tid, rt, SI_USER, 1) == -1 && errno == EPERM,
          "SI_USER to another thread: errno %d", errno);
    errno = 0;
    CHECK(tgsigqueue(getpid() + 100000, gettid(), rt, SI_QUEUE, 1) == -1 && errno == ESRCH,
          "a thread of another process: errno %d", errno);
    /* To itself, even SI_USER is allowed. */
    CHECK(tgsigqueue(getpid(), gettid(), rt, SI_USER, 9) == 0, "SI_USER to itself: %s", strerror(errno));
    siginfo_t si;
    int got = take(&set, &si);
    CHECK(got == rt && si.si_value.sival_int == 9, "the self-sent signal: %d (%s) value %d code %d", got,
          got < 0 ? strerror(errno) : "", si.si_value.sival_int, si.si_code);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_rt_queue();
    check_standard_merges();
    check_order();
    check_handler_runs_per_instance();
    check_tgsigqueueinfo();
    int st = in_child(limit_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "RLIMIT_SIGPENDING checks (status %#x)", st);
    st = in_child(stop_discard_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "stop/continue discard checks (status %#x)", st);
    if (failures)
        return 1;
    printf("sigqueue: all ok\n");
    return 0;
}

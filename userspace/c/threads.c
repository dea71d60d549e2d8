/* POSIX threads through the C library (issue 12): pthread_create and
 * join (glibc's by clone3, musl's by clone), mutexes, condition
 * variables, barriers, thread-local variables, detached threads,
 * cancellation, thread-directed and process-directed signals, robust
 * mutexes, fork and execve from a thread, exit_group from a thread, a
 * process whose main thread leaves first, a stop of every thread, and
 * clone3's own checks. Each check runs in a child process, so one that
 * hangs or kills cannot take the others (or init) with it.
 * Prints "threads: all ok" when every check passes. */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <semaphore.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include "test_common.h"

static pid_t my_tid(void) { return (pid_t)syscall(SYS_gettid); }

/* The "Threads:" count of /proc/self/status, or -1. */
static int proc_threads(void)
{
    char buf[4096];
    int fd = open("/proc/self/status", O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    char *p = strstr(buf, "\nThreads:");
    return p ? atoi(p + 9) : -1;
}

static void msleep(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* --- 8 threads summing under a mutex; join values; ids -------------- */
#define NSUM 8
#define ROUNDS 20000
static pthread_mutex_t sum_lock = PTHREAD_MUTEX_INITIALIZER;
static long total;
static pid_t tids[NSUM];
static pid_t main_pid, main_ppid;

static void *summer(void *arg)
{
    intptr_t i = (intptr_t)arg;
    tids[i] = my_tid();
    for (int k = 0; k < ROUNDS; k++) {
        pthread_mutex_lock(&sum_lock);
        long v = total;
        if (k % 1000 == 0)
            sched_yield(); /* let others find the lock taken */
        total = v + 1;
        pthread_mutex_unlock(&sum_lock);
    }
    if (getpid() != main_pid || getppid() != main_ppid)
        return (void *)-1;
    return (void *)(i * 10 + 1);
}

static int t_sum(void)
{
    pthread_t th[NSUM];
    main_pid = getpid();
    main_ppid = getppid();
    for (intptr_t i = 0; i < NSUM; i++) {
        int rc = pthread_create(&th[i], NULL, summer, (void *)i);
        CHECK(rc == 0, "pthread_create #%d: %s", (int)i, strerror(rc));
        if (rc)
            return 1;
    }
    int n = proc_threads();
    CHECK(n >= 1 && n <= NSUM + 1, "/proc/self/status Threads: %d with %d threads made", n, NSUM);
    for (intptr_t i = 0; i < NSUM; i++) {
        void *ret = NULL;
        int rc = pthread_join(th[i], &ret);
        CHECK(rc == 0, "pthread_join #%d: %s", (int)i, strerror(rc));
        CHECK(ret == (void *)(i * 10 + 1), "thread %d returned %p", (int)i, ret);
    }
    CHECK(total == (long)NSUM * ROUNDS, "sum %ld, expected %ld", total, (long)NSUM * ROUNDS);
    for (int i = 0; i < NSUM; i++) {
        CHECK(tids[i] != main_pid && tids[i] > 0, "thread %d: gettid %d, getpid %d", i, tids[i], main_pid);
        for (int j = 0; j < i; j++)
            CHECK(tids[i] != tids[j], "threads %d and %d share tid %d", i, j, tids[i]);
    }
    CHECK(my_tid() == getpid(), "main thread: gettid %d != getpid %d", my_tid(), getpid());
    n = proc_threads();
    CHECK(n == 1, "/proc/self/status Threads: %d after the joins", n);
    return failures;
}

/* --- threads 'created' count matches /proc while they live --------- */
static pthread_barrier_t hold;
static pid_t holder_tid[3];
static void *holder(void *arg)
{
    holder_tid[(intptr_t)arg] = my_tid();
    pthread_barrier_wait(&hold);
    pthread_barrier_wait(&hold);
    return NULL;
}

static int t_proc_count(void)
{
    pthread_t th[3];
    pthread_barrier_init(&hold, NULL, 4);
    for (intptr_t i = 0; i < 3; i++)
        pthread_create(&th[i], NULL, holder, (void *)i);
    pthread_barrier_wait(&hold);
    int n = proc_threads();
    CHECK(n == 4, "/proc/self/status Threads: %d, expected 4", n);
    /* /proc/self/task lists the 4 threads; each one's status names it. */
    DIR *d = opendir("/proc/self/task");
    CHECK(d != NULL, "opendir /proc/self/task: errno %d", errno);
    int entries = 0, found = 0;
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        entries++;
        pid_t tid = atoi(de->d_name);
        found += tid == getpid() || tid == holder_tid[0] || tid == holder_tid[1] || tid == holder_tid[2];
    }
    if (d)
        closedir(d);
    CHECK(entries == 4 && found == 4, "/proc/self/task: %d entries, %d of our threads", entries, found);
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/task/%d/status", getpid(), holder_tid[1]);
    int fd = open(path, O_RDONLY);
    ssize_t got = fd >= 0 ? read(fd, buf, sizeof buf - 1) : -1;
    if (fd >= 0)
        close(fd);
    buf[got > 0 ? got : 0] = 0;
    char want[64];
    snprintf(want, sizeof want, "\nTgid:\t%d\n", getpid());
    CHECK(strstr(buf, want) != NULL, "%s has no \"Tgid:\t%d\"", path, getpid());
    snprintf(want, sizeof want, "\nPid:\t%d\n", holder_tid[1]);
    CHECK(strstr(buf, want) != NULL, "%s has no \"Pid:\t%d\"", path, holder_tid[1]);
    pthread_barrier_wait(&hold);
    for (int i = 0; i < 3; i++)
        pthread_join(th[i], NULL);
    return failures;
}

/* --- condition variable ping-pong ----------------------------------- */
static pthread_mutex_t cv_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int turn, hits[2];

static void *pinger(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int i = 0; i < 200; i++) {
        pthread_mutex_lock(&cv_lock);
        while (turn != me)
            pthread_cond_wait(&cv, &cv_lock);
        hits[me]++;
        turn = !me;
        pthread_cond_broadcast(&cv);
        pthread_mutex_unlock(&cv_lock);
    }
    return NULL;
}

static int t_condvar(void)
{
    pthread_t a, b;
    pthread_create(&a, NULL, pinger, (void *)0);
    pthread_create(&b, NULL, pinger, (void *)1);
    pthread_join(a, NULL);
    pthread_join(b, NULL);
    CHECK(hits[0] == 200 && hits[1] == 200, "condvar ping-pong %d/%d, expected 200/200", hits[0], hits[1]);
    /* A timed wait that nobody signals times out. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_nsec += 30 * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&cv_lock);
    int rc = pthread_cond_timedwait(&cv, &cv_lock, &ts);
    pthread_mutex_unlock(&cv_lock);
    CHECK(rc == ETIMEDOUT, "pthread_cond_timedwait: %d (%s), expected ETIMEDOUT", rc, strerror(rc));
    return failures;
}

/* --- barrier ----------------------------------------------------- */
#define NB 4
static pthread_barrier_t bar;
static volatile int arrived, serials, bar_bad;

static void *barrier_thread(void *arg)
{
    (void)arg;
    for (int round = 1; round <= 5; round++) {
        __atomic_add_fetch(&arrived, 1, __ATOMIC_SEQ_CST);
        int rc = pthread_barrier_wait(&bar);
        if (rc == PTHREAD_BARRIER_SERIAL_THREAD)
            __atomic_add_fetch(&serials, 1, __ATOMIC_SEQ_CST);
        else if (rc != 0)
            bar_bad = 1;
        if (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST) < round * NB)
            bar_bad = 1; /* someone got through early */
        pthread_barrier_wait(&bar);
    }
    return NULL;
}

static int t_barrier(void)
{
    pthread_t th[NB];
    pthread_barrier_init(&bar, NULL, NB);
    for (int i = 0; i < NB; i++)
        pthread_create(&th[i], NULL, barrier_thread, NULL);
    for (int i = 0; i < NB; i++)
        pthread_join(th[i], NULL);
    CHECK(!bar_bad, "a thread passed the barrier before all arrived");
    CHECK(serials == 5, "PTHREAD_BARRIER_SERIAL_THREAD %d times in 5 rounds", serials);
    pthread_barrier_destroy(&bar);
    return failures;
}

/* --- __thread variables --------------------------------------------- */
static __thread int tls_var = 7;
static __thread char tls_buf[64];

static void *tls_thread(void *arg)
{
    int i = (int)(intptr_t)arg;
    int ok = tls_var == 7; /* the initial value, not the main thread's */
    tls_var = 100 + i;
    snprintf(tls_buf, sizeof tls_buf, "thread %d", i);
    for (int k = 0; k < 20; k++) {
        sched_yield();
        if (tls_var != 100 + i || strcmp(tls_buf, "") == 0)
            ok = 0;
    }
    char want[64];
    snprintf(want, sizeof want, "thread %d", i);
    ok = ok && strcmp(tls_buf, want) == 0;
    return ok ? (void *)&tls_var : NULL;
}

static int t_tls(void)
{
    pthread_t th[4];
    void *addr[4];
    tls_var = 1;
    for (int i = 0; i < 4; i++)
        pthread_create(&th[i], NULL, tls_thread, (void *)(intptr_t)i);
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], &addr[i]);
        CHECK(addr[i] != NULL, "thread %d saw its __thread variables change", i);
        CHECK(addr[i] != (void *)&tls_var, "thread %d's tls_var at the main thread's address", i);
    }
    CHECK(tls_var == 1, "main thread's tls_var %d, expected 1", tls_var);
    return failures;
}

/* --- detached thread ------------------------------------------------ */
static sem_t det_sem;
static volatile int det_ran;

static void *detached(void *arg)
{
    (void)arg;
    det_ran = 1;
    sem_post(&det_sem);
    return NULL;
}

static int t_detached(void)
{
    pthread_attr_t a;
    pthread_t t;
    sem_init(&det_sem, 0, 0);
    pthread_attr_init(&a);
    pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
    int rc = pthread_create(&t, &a, detached, NULL);
    CHECK(rc == 0, "pthread_create detached: %s", strerror(rc));
    while (sem_wait(&det_sem) < 0 && errno == EINTR)
        ;
    CHECK(det_ran, "detached thread did not run");
    /* Many short-lived detached threads: each one's stack and task go. */
    for (int i = 0; i < 50; i++) {
        rc = pthread_create(&t, &a, detached, NULL);
        CHECK(rc == 0, "pthread_create detached #%d: %s", i, strerror(rc));
        if (rc)
            break;
        while (sem_wait(&det_sem) < 0 && errno == EINTR)
            ;
    }
    return failures;
}

/* --- cancellation at a cancellation point ------------------------ */
static int cancel_pipe[2];
static volatile int cancel_cleanup;

static void cleanup(void *arg)
{
    (void)arg;
    cancel_cleanup = 1;
}

static void *cancelled(void *arg)
{
    (void)arg;
    char c;
    pthread_cleanup_push(cleanup, NULL);
    for (;;)
        (void)!read(cancel_pipe[0], &c, 1); /* blocks: a cancellation point */
    pthread_cleanup_pop(0);
    return NULL;
}

static int t_cancel(void)
{
    pthread_t t;
    void *ret = NULL;
    CHECK(pipe(cancel_pipe) == 0, "pipe");
    pthread_create(&t, NULL, cancelled, NULL);
    msleep(30);
    int rc = pthread_cancel(t);
    CHECK(rc == 0, "pthread_cancel: %s", strerror(rc));
    rc = pthread_join(t, &ret);
    CHECK(rc == 0 && ret == PTHREAD_CANCELED, "join of a cancelled thread: rc %d, ret %p", rc, ret);
    CHECK(cancel_cleanup, "the cancelled thread's cleanup handler did not run");
    return failures;
}

/* --- signals: thread-directed and process-directed ----------------- */
static volatile pid_t got_tid;
static volatile int stop_spin;

static void on_usr(int sig)
{
    (void)sig;
    got_tid = my_tid();
}

static volatile pid_t target_tid;
static void *spinner(void *arg)
{
    (void)arg;
    target_tid = my_tid();
    while (!stop_spin)
        sched_yield();
    return NULL;
}

static void *blocker(void *arg)
{
    (void)arg;
    sigset_t s;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    while (!stop_spin)
        sched_yield();
    return NULL;
}

static int t_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr;
    sigaction(SIGUSR1, &sa, NULL);
    sigaction(SIGUSR2, &sa, NULL);
    pthread_t a, b, c;
    pthread_create(&a, NULL, spinner, NULL);
    pthread_create(&b, NULL, blocker, NULL);
    while (!target_tid)
        sched_yield();
    /* pthread_kill: that thread's handler runs, in that thread. */
    got_tid = 0;
    int rc = pthread_kill(a, SIGUSR1);
    CHECK(rc == 0, "pthread_kill: %s", strerror(rc));
    for (int i = 0; i < 1000 && !got_tid; i++)
        sched_yield();
    CHECK(got_tid == target_tid, "SIGUSR1 by pthread_kill ran in tid %d, expected %d", got_tid, target_tid);
    /* kill(getpid()) with every thread but one blocking it: that one. */
    sigset_t s, old;
    sigemptyset(&s);
    sigaddset(&s, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, &s, &old);
    got_tid = 0;
    kill(getpid(), SIGUSR2);
    for (int i = 0; i < 1000 && !got_tid; i++)
        sched_yield();
    CHECK(got_tid == target_tid, "kill(getpid(), SIGUSR2) ran in tid %d, expected %d (the one not blocking)",
          got_tid, target_tid);
    /* tgkill to a thread of another process is ESRCH. */
    errno = 0;
    CHECK(syscall(SYS_tgkill, getppid(), target_tid, 0) == -1 && errno == ESRCH,
          "tgkill(parent, our thread, 0): errno %d, expected ESRCH", errno);
    CHECK(syscall(SYS_tgkill, getpid(), target_tid, 0) == 0, "tgkill(us, thread, 0): errno %d", errno);
    /* All blocking it: it stays pending for the process, and the first to
     * unblock takes it. */
    stop_spin = 1;
    pthread_join(a, NULL);
    stop_spin = 0;
    target_tid = 0;
    pthread_create(&c, NULL, spinner, NULL);
    while (!target_tid)
        sched_yield();
    stop_spin = 1;
    pthread_join(c, NULL);
    pthread_join(b, NULL);
    got_tid = 0;
    kill(getpid(), SIGUSR2); /* only the main thread is left, blocking it */
    sigset_t pend;
    sigpending(&pend);
    CHECK(sigismember(&pend, SIGUSR2), "SIGUSR2 not pending while blocked");
    CHECK(got_tid == 0, "blocked SIGUSR2 was delivered");
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    CHECK(got_tid == my_tid(), "unblocked SIGUSR2 ran in tid %d, expected %d", got_tid, my_tid());
    return failures;
}

/* --- a fatal signal to one thread kills the process ---------------- */
static void *sleeper(void *arg)
{
    (void)arg;
    for (;;)
        pause();
    return NULL;
}

static int t_fatal(void)
{
    pthread_t t;
    pthread_create(&t, NULL, sleeper, NULL);
    msleep(10);
    pthread_kill(t, SIGTERM);
    for (;;)
        pause();
    return 99;
}

/* --- exit from a thread (libc's exit: exit_group) ends all --------- */
static void *exiter(void *arg)
{
    (void)arg;
    msleep(10);
    exit(7);
    return NULL;
}

static int t_exit_group(void)
{
    pthread_t t;
    pthread_create(&t, NULL, exiter, NULL);
    for (;;)
        pause();
    return 99;
}

/* --- the main thread leaves first; the process lives on ------------- */
/* (By the exit system call itself: musl's pthread_exit from the main
 * thread leaves its thread-list lock held, on Linux too.) */
static int leave_pipe[2];
static void *survivor(void *arg)
{
    (void)arg;
    msleep(50);
    CHECK(write(leave_pipe[1], "x", 1) == 1, "write");
    syscall(SYS_exit, 5); /* the last thread: the process ends */
    return NULL;
}

static int t_main_leaves(void)
{
    pthread_t t;
    pthread_create(&t, NULL, survivor, NULL);
    syscall(SYS_exit, 3); /* not the process's status: the last thread's is */
    return 99;
}

/* --- fork from a thread ------------------------------------------------ */
static void *holder_none(void *arg)
{
    return arg;
}

static void *forker(void *arg)
{
    (void)arg;
    pid_t pid = fork();
    if (pid == 0) {
        int ok = proc_threads() == 1 && getpid() == my_tid();
        pthread_t t2;
        /* The child's one thread can make threads of its own. */
        ok = ok && pthread_create(&t2, NULL, holder_none, NULL) == 0 && pthread_join(t2, NULL) == 0;
        _exit(ok ? 42 : 1);
    }
    int st = 0;
    if (pid < 0 || waitpid(pid, &st, 0) != pid)
        return (void *)1;
    return (void *)(intptr_t)(WIFEXITED(st) ? WEXITSTATUS(st) : 256 + st);
}

static int t_fork_thread(void)
{
    pthread_t t;
    void *ret;
    pthread_create(&t, NULL, forker, NULL);
    pthread_join(t, &ret);
    CHECK(ret == (void *)42, "child forked from a thread: status %ld, expected 42", (long)(intptr_t)ret);
    return failures;
}

/* --- execve from a thread that is not the main one ------------------ */
static char *self_path;
static void *execer(void *arg)
{
    char pidbuf[32];
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)(intptr_t)arg);
    char *argv[] = {self_path, "exec-check", pidbuf, NULL}, *envp[] = {NULL};
    msleep(10);
    execve(self_path, argv, envp);
    _exit(3);
}

static int t_exec_thread(void)
{
    pthread_t t;
    pthread_create(&t, NULL, execer, (void *)(intptr_t)getpid());
    for (;;)
        pause();
    return 99;
}

/* The program execve'd by t_exec_thread: the process kept its pid, and
 * the thread that called execve is its only thread, with the pid as tid. */
static int exec_check(const char *pid)
{
    if (getpid() != atoi(pid))
        return 10;
    if (my_tid() != getpid())
        return 11;
    if (proc_threads() != 1)
        return 12;
    return 0;
}

/* --- robust mutex: its owner dies holding it ------------------------ */
static pthread_mutex_t robust;
static void *die_holding(void *arg)
{
    (void)arg;
    pthread_mutex_lock(&robust);
    return NULL; /* ends without unlocking */
}

static int t_robust(void)
{
    pthread_mutexattr_t a;
    pthread_mutexattr_init(&a);
    pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
    pthread_mutex_init(&robust, &a);
    pthread_t t;
    pthread_create(&t, NULL, die_holding, NULL);
    pthread_join(t, NULL);
    int rc = pthread_mutex_lock(&robust);
    CHECK(rc == EOWNERDEAD, "locking a robust mutex whose owner died: %d (%s), expected EOWNERDEAD", rc,
          strerror(rc));
    if (rc == EOWNERDEAD) {
        CHECK(pthread_mutex_consistent(&robust) == 0, "pthread_mutex_consistent");
        CHECK(pthread_mutex_unlock(&robust) == 0, "unlock");
    }
    return failures;
}

/* --- clone3: its argument checks, a fork, CLONE_CLEAR_SIGHAND -------- */
#ifndef SYS_clone3
#define SYS_clone3 435
#endif
struct clone_args_v2 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls, set_tid, set_tid_size,
        cgroup;
};
#define CLONE_CLEAR_SIGHAND_ 0x100000000ULL

static void on_usr1(int sig)
{
    (void)sig;
}

static int t_clone3(void)
{
    struct {
        struct clone_args_v2 a;
        uint64_t extra[2];
    } big;
    struct clone_args_v2 a;
    memset(&a, 0, sizeof a);
    errno = 0;
    CHECK(syscall(SYS_clone3, &a, 32) == -1 && errno == EINVAL, "clone3 size 32: errno %d, expected EINVAL", errno);
    errno = 0;
    CHECK(syscall(SYS_clone3, &a, 4097) == -1 && errno == E2BIG, "clone3 size 4097: errno %d, expected E2BIG",
          errno);
    a.flags = SIGCHLD; /* the exit signal has its own field */
    errno = 0;
    CHECK(syscall(SYS_clone3, &a, sizeof a) == -1 && errno == EINVAL, "clone3 CSIGNAL in flags: errno %d", errno);
    a.flags = 0;
    a.stack_size = 4096;
    errno = 0;
    CHECK(syscall(SYS_clone3, &a, sizeof a) == -1 && errno == EINVAL, "clone3 stack_size without stack: errno %d",
          errno);
    a.stack_size = 0;
    a.flags = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
    a.exit_signal = SIGCHLD;
    errno = 0;
    CHECK(syscall(SYS_clone3, &a, sizeof a) == -1 && errno == EINVAL, "clone3 thread with exit_signal: errno %d",
          errno);
    a.flags = CLONE_SIGHAND; /* without CLONE_VM */
    a.exit_signal = 0;
    errno = 0;
    CHECK(syscall(SYS_clone3, &a, sizeof a) == -1 && errno == EINVAL, "clone3 CLONE_SIGHAND alone: errno %d", errno);
    memset(&big, 0, sizeof big);
    big.a.exit_signal = SIGCHLD;
    big.extra[1] = 1;
    errno = 0;
    CHECK(syscall(SYS_clone3, &big, sizeof big) == -1 && errno == E2BIG, "clone3 unknown nonzero tail: errno %d",
          errno);
    errno = 0;
    CHECK(syscall(SYS_clone3, (void *)16, sizeof a) == -1 && errno == EFAULT, "clone3 bad pointer: errno %d", errno);
    /* A fork by clone3, whose child finds its handler reset and SIG_IGN kept. */
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, SIG_IGN);
    memset(&a, 0, sizeof a);
    a.flags = CLONE_CLEAR_SIGHAND_;
    a.exit_signal = SIGCHLD;
    fflush(stdout);
    long pid = syscall(SYS_clone3, &a, sizeof a);
    if (pid == 0) {
        struct sigaction o1, o2;
        sigaction(SIGUSR1, NULL, &o1);
        sigaction(SIGUSR2, NULL, &o2);
        _exit(o1.sa_handler == SIG_DFL && o2.sa_handler == SIG_IGN ? 9 : 1);
    }
    CHECK(pid > 0, "clone3 fork: errno %d", errno);
    int st = 0;
    if (pid > 0) {
        CHECK(waitpid(pid, &st, 0) == pid, "waitpid of a clone3 child: errno %d", errno);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 9, "clone3 child with CLONE_CLEAR_SIGHAND: status 0x%x", st);
    }
    return failures;
}

/* --- a stop signal stops every thread; SIGCONT resumes them all -------- */
static volatile unsigned long spins[2];
static void *spin_count(void *arg)
{
    volatile unsigned long *c = arg;
    for (;;)
        (*c)++;
    return NULL;
}

/* The state letter of thread `tid` of process `pid`, or '?'. */
static char thread_state(pid_t pid, pid_t tid)
{
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/%d/task/%d/stat", pid, tid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return '?';
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return '?';
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    return p && p[1] == ' ' ? p[2] : '?';
}

static int t_group_stop(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        pthread_t t;
        pthread_create(&t, NULL, spin_count, (void *)&spins[1]);
        pid_t tid = 0;
        while (!spins[1])
            sched_yield();
        /* Tell the parent the second thread's tid: the newest in task/. */
        DIR *d = opendir("/proc/self/task");
        struct dirent *de;
        while (d && (de = readdir(d)) != NULL)
            if (de->d_name[0] != '.' && atoi(de->d_name) != getpid())
                tid = atoi(de->d_name);
        if (d)
            closedir(d);
        (void)!write(p[1], &tid, sizeof tid);
        spin_count((void *)&spins[0]);
    }
    pid_t tid = 0;
    CHECK(read(p[0], &tid, sizeof tid) == sizeof tid && tid > 0, "no tid from the child");
    kill(pid, SIGSTOP);
    int st = 0;
    CHECK(waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP,
          "SIGSTOP to a threaded process: status 0x%x", st);
    char a = thread_state(pid, pid), b = thread_state(pid, tid);
    CHECK(a == 'T' && b == 'T', "after SIGSTOP the threads are in states %c and %c, expected T and T", a, b);
    kill(pid, SIGCONT);
    CHECK(waitpid(pid, &st, WCONTINUED) == pid && WIFCONTINUED(st), "SIGCONT: status 0x%x", st);
    msleep(20);
    a = thread_state(pid, pid);
    b = thread_state(pid, tid);
    CHECK(a == 'R' && b == 'R', "after SIGCONT the threads are in states %c and %c, expected R and R", a, b);
    kill(pid, SIGKILL);
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "SIGKILL: status 0x%x", st);
    return failures;
}

static void expect_exit(const char *what, int (*f)(void), int code)
{
    int st = in_child(f);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == code, "%s: status 0x%x, expected exit %d", what, st, code);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "exec-check") == 0)
        return exec_check(argv[2]);
    self_path = argv[0];
    setvbuf(stdout, NULL, _IONBF, 0);
    expect_exit("8 threads summing under a mutex", t_sum, 0);
    expect_exit("/proc/self/status Threads", t_proc_count, 0);
    expect_exit("condition variables", t_condvar, 0);
    expect_exit("barriers", t_barrier, 0);
    expect_exit("__thread variables", t_tls, 0);
    expect_exit("detached threads", t_detached, 0);
    expect_exit("pthread_cancel", t_cancel, 0);
    expect_exit("signals to threads", t_signals, 0);
    expect_exit("robust mutex", t_robust, 0);
    expect_exit("fork from a thread", t_fork_thread, 0);
    expect_exit("clone3", t_clone3, 0);
    expect_exit("a stop signal stops every thread", t_group_stop, 0);
    expect_exit("exit(7) from a thread", t_exit_group, 7);
    expect_exit("execve from a thread", t_exec_thread, 0);
    int st = in_child(t_fatal);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "SIGTERM to one thread: status 0x%x, expected killed by SIGTERM", st);
    CHECK(pipe(leave_pipe) == 0, "pipe");
    st = in_child(t_main_leaves);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "main thread leaves first: status 0x%x, expected exit 5", st);
    fcntl(leave_pipe[0], F_SETFL, O_NONBLOCK);
    char c = 0;
    CHECK(read(leave_pipe[0], &c, 1) == 1 && c == 'x',
          "the process was reported exited before its last thread ended");
    if (failures) {
        printf("threads: %d failed\n", failures);
        return 1;
    }
    printf("threads: all ok\n");
    return 0;
}

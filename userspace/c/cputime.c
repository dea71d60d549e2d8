/* CPU time as Linux 6.1 counts and reports it: times(2), getrusage(2)
 * (RUSAGE_SELF, RUSAGE_CHILDREN, RUSAGE_THREAD) and wait4's rusage.
 * A child spins for about 0.3 s of CPU; its time shows in wait4's rusage,
 * then in the parent's children's time (times' tms_cutime and
 * RUSAGE_CHILDREN), grandchildren's included once both were waited for;
 * the parent's own spin shows in RUSAGE_SELF and tms_utime. Bad `who` is
 * EINVAL, a bad pointer EFAULT. With threads, CLOCK_PROCESS_CPUTIME_ID
 * counts all of them, and the interval timers belong to the process: one
 * a thread set outlives it and shows in another thread's getitimer, and
 * ITIMER_PROF counts any thread's CPU time. Prints `FAIL: ...` for each
 * broken check and `cputime: all ok`. Validated on Linux (both libcs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "test_common.h"

static long long cpu_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* Spin until `ms` of this process's CPU time have gone by. */
static void spin(long long ms)
{
    long long end = cpu_ms() + ms;
    volatile unsigned x = 0;
    while (cpu_ms() < end)
        for (int i = 0; i < 10000; i++)
            x += i;
}

static long long thread_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec * 1000LL + t.tv_nsec / 1000000;
}

/* A thread that spins for 150 ms of its own CPU time. */
static void *spinner(void *arg)
{
    (void)arg;
    volatile unsigned x = 0;
    while (thread_ms() < 150)
        for (int i = 0; i < 10000; i++)
            x += i;
    return NULL;
}

static volatile sig_atomic_t alarms, profs;

/* Spins until SIGPROF came, or 2 s of its CPU time (the timer is 50 ms:
 * Linux checks CPU timers at its ticks, so the first may come late). */
static void *prof_spinner(void *arg)
{
    (void)arg;
    volatile unsigned x = 0;
    while (!profs && thread_ms() < 2000)
        for (int i = 0; i < 10000; i++)
            x += i;
    return NULL;
}
static void on_alarm(int sig)
{
    (void)sig;
    alarms++;
}
static void on_prof(int sig)
{
    (void)sig;
    profs++;
}

/* Arms the process's ITIMER_REAL for 100 ms, then exits. */
static void *set_alarm(void *arg)
{
    (void)arg;
    struct itimerval it = {{0, 0}, {0, 100000}};
    setitimer(ITIMER_REAL, &it, NULL);
    return NULL;
}

static void check_threads(void)
{
    long long p0 = cpu_ms();
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        pthread_create(&th[i], NULL, spinner, NULL);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    long long grew = cpu_ms() - p0;
    CHECK(grew >= 250 && grew < 10000, "CLOCK_PROCESS_CPUTIME_ID grew %lld ms over two threads' 150 ms each", grew);

    signal(SIGALRM, on_alarm);
    pthread_create(&th[0], NULL, set_alarm, NULL);
    pthread_join(th[0], NULL);
    struct itimerval left;
    getitimer(ITIMER_REAL, &left);
    CHECK(left.it_value.tv_sec == 0 && left.it_value.tv_usec > 0,
          "another thread's ITIMER_REAL is not the process's: %ld.%06ld left", (long)left.it_value.tv_sec,
          (long)left.it_value.tv_usec);
    for (int i = 0; i < 100 && !alarms; i++)
        usleep(10000);
    CHECK(alarms == 1, "the timer an exited thread set fired %d times", (int)alarms);

    /* ITIMER_PROF counts a thread's CPU time while this one sleeps. */
    signal(SIGPROF, on_prof);
    struct itimerval prof = {{0, 0}, {0, 50000}};
    setitimer(ITIMER_PROF, &prof, NULL);
    pthread_create(&th[0], NULL, prof_spinner, NULL);
    pthread_join(th[0], NULL);
    CHECK(profs == 1, "ITIMER_PROF fired %d times while a thread spun up to 2 s", (int)profs);
}

static long tv_ms(struct timeval tv)
{
    return tv.tv_sec * 1000L + tv.tv_usec / 1000;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    long hz = sysconf(_SC_CLK_TCK);
    CHECK(hz == 100, "_SC_CLK_TCK is %ld", hz);

    struct tms t0;
    clock_t c0 = times(&t0);
    CHECK(c0 != (clock_t)-1, "times failed: errno %d", errno);
    CHECK(t0.tms_cutime == 0 && t0.tms_cstime == 0, "children's time before any child: %ld/%ld",
          (long)t0.tms_cutime, (long)t0.tms_cstime);

    /* A child spins 300 ms; wait4 reports it. */
    pid_t pid = fork();
    if (pid == 0) {
        spin(300);
        _exit(0);
    }
    struct rusage ru;
    int st;
    CHECK(wait4(pid, &st, 0, &ru) == pid, "wait4 failed: errno %d", errno);
    long child_ms = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
    CHECK(child_ms >= 200 && child_ms < 5000, "wait4's rusage: %ld ms of CPU for a 300 ms spin", child_ms);

    struct rusage rc;
    CHECK(getrusage(RUSAGE_CHILDREN, &rc) == 0, "getrusage(RUSAGE_CHILDREN): errno %d", errno);
    long children_ms = tv_ms(rc.ru_utime) + tv_ms(rc.ru_stime);
    CHECK(children_ms >= child_ms - 20 && children_ms <= child_ms + 20,
          "RUSAGE_CHILDREN %ld ms, the waited child %ld ms", children_ms, child_ms);
    struct tms t1;
    clock_t c1 = times(&t1);
    CHECK((t1.tms_cutime + t1.tms_cstime) * 10 >= children_ms - 20, "tms_cutime+cstime %ld ticks, children %ld ms",
          (long)(t1.tms_cutime + t1.tms_cstime), children_ms);
    CHECK(c1 - c0 >= 20, "times' clock went from %ld to %ld over a 300 ms child", (long)c0, (long)c1);

    /* A grandchild's time reaches us through the child that waited for it. */
    pid = fork();
    if (pid == 0) {
        pid_t g = fork();
        if (g == 0) {
            spin(200);
            _exit(0);
        }
        waitpid(g, NULL, 0);
        _exit(0);
    }
    waitpid(pid, NULL, 0);
    struct tms t2;
    times(&t2);
    long grand = (t2.tms_cutime + t2.tms_cstime) - (t1.tms_cutime + t1.tms_cstime);
    CHECK(grand >= 15, "a grandchild's 200 ms spin added %ld ticks to the children's time", grand);

    /* Our own time. */
    struct rusage r0, r1;
    getrusage(RUSAGE_SELF, &r0);
    spin(200);
    getrusage(RUSAGE_SELF, &r1);
    long self_ms = (tv_ms(r1.ru_utime) + tv_ms(r1.ru_stime)) - (tv_ms(r0.ru_utime) + tv_ms(r0.ru_stime));
    CHECK(self_ms >= 150 && self_ms < 5000, "RUSAGE_SELF grew %ld ms over a 200 ms spin", self_ms);
    CHECK(r1.ru_maxrss > 0, "ru_maxrss is %ld", r1.ru_maxrss);
    struct rusage rt;
    CHECK(getrusage(RUSAGE_THREAD, &rt) == 0 && tv_ms(rt.ru_utime) + tv_ms(rt.ru_stime) >= 150,
          "RUSAGE_THREAD: errno %d", errno);
    struct tms t3;
    times(&t3);
    CHECK((t3.tms_utime + t3.tms_stime) >= 15, "tms_utime+stime %ld ticks after a 200 ms spin",
          (long)(t3.tms_utime + t3.tms_stime));

    errno = 0;
    CHECK(getrusage(2, &ru) == -1 && errno == EINVAL, "getrusage(2): errno %d", errno);
    errno = 0;
    CHECK(getrusage(-2, &ru) == -1 && errno == EINVAL, "getrusage(-2): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_getrusage, RUSAGE_SELF, (void *)16) == -1 && errno == EFAULT, "getrusage bad pointer: errno %d",
          errno);
    errno = 0;
    CHECK(syscall(SYS_times, (void *)16) == -1 && errno == EFAULT, "times bad pointer: errno %d", errno);
    CHECK(syscall(SYS_times, NULL) > 0, "times(NULL) failed");
    check_threads();
    if (failures)
        return 1;
    printf("cputime: all ok\n");
    return 0;
}

/*
 * proc_calls: pipes, poll, clone-based fork, sleeping, limits, randomness,
 * process names and signal dispositions, as a libc uses them. Prints
 * "proc_calls: all ok" and exits 0 only if every check holds; checked on
 * the host Linux first, so every expectation is Linux's.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { printf("FAIL: " __VA_ARGS__); printf("\n"); failures++; } } while (0)

static long long now_ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

int main(void) {
    int p[2];
    char buf[64];

    /* A pipe: EOF after the writer closes, and poll sees it. */
    CHECK(pipe(p) == 0, "pipe: errno %d", errno);
    struct pollfd pf = { .fd = p[0], .events = POLLIN };
    CHECK(poll(&pf, 1, 0) == 0, "poll on an empty pipe should time out at once");
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        const char msg[] = "hello through a pipe";
        _exit(write(p[1], msg, sizeof msg) == sizeof msg ? 0 : 1);
    }
    close(p[1]);
    CHECK(poll(&pf, 1, 5000) == 1 && (pf.revents & POLLIN), "poll: revents 0x%x", pf.revents);
    ssize_t n = read(p[0], buf, sizeof buf);
    CHECK(n == 21 && strcmp(buf, "hello through a pipe") == 0, "pipe read %zd", n);
    CHECK(read(p[0], buf, sizeof buf) == 0, "no EOF after the writer exited");
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "writer status 0x%x", st);
    close(p[0]);

    /* Writing to a pipe without readers: EPIPE when SIGPIPE is ignored... */
    CHECK(pipe(p) == 0, "pipe 2");
    close(p[0]);
    signal(SIGPIPE, SIG_IGN);
    errno = 0;
    CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE, "write without readers: errno %d", errno);
    /* ...and death by SIGPIPE by default. */
    signal(SIGPIPE, SIG_DFL);
    pid = fork();
    if (pid == 0) {
        write(p[1], "x", 1);
        _exit(0);
    }
    CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "SIGPIPE status 0x%x", st);
    close(p[1]);

    /* pipe2 flags; a non-blocking empty read. */
    CHECK(pipe2(p, O_NONBLOCK | O_CLOEXEC) == 0, "pipe2");
    errno = 0;
    CHECK(read(p[0], buf, 1) == -1 && errno == EAGAIN, "non-blocking read: errno %d", errno);
    close(p[0]);
    close(p[1]);

    /* Sleeping: relative and absolute. */
    long long t0 = now_ns(CLOCK_MONOTONIC);
    struct timespec d = { 0, 20 * 1000 * 1000 };
    CHECK(nanosleep(&d, NULL) == 0, "nanosleep");
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, 0, &d, NULL) == 0, "clock_nanosleep");
    struct timespec abs;
    clock_gettime(CLOCK_MONOTONIC, &abs);
    abs.tv_nsec += 20 * 1000 * 1000;
    if (abs.tv_nsec >= 1000000000) { abs.tv_sec++; abs.tv_nsec -= 1000000000; }
    CHECK(clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &abs, NULL) == 0, "clock_nanosleep abs");
    CHECK(now_ns(CLOCK_MONOTONIC) - t0 >= 60 * 1000 * 1000LL, "slept only %lld ns", now_ns(CLOCK_MONOTONIC) - t0);
    CHECK(clock_nanosleep(12345, 0, &d, NULL) == EINVAL, "bad clock");

    /* Limits, randomness, names, dispositions. */
    struct rlimit rl;
    CHECK(getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur >= 1 << 20, "RLIMIT_STACK");
    CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur >= 64, "RLIMIT_NOFILE");
    unsigned char rnd[32] = {0};
    CHECK(getrandom(rnd, sizeof rnd, 0) == sizeof rnd, "getrandom");
    int nonzero = 0;
    for (unsigned i = 0; i < sizeof rnd; i++) nonzero |= rnd[i];
    CHECK(nonzero, "getrandom gave zeros");
    char name[16] = {0};
    CHECK(prctl(PR_SET_NAME, "renamed") == 0, "PR_SET_NAME");
    CHECK(prctl(PR_GET_NAME, name) == 0 && strcmp(name, "renamed") == 0, "PR_GET_NAME gave %s", name);
    struct sigaction sa = { .sa_handler = SIG_IGN }, old;
    CHECK(sigaction(SIGUSR2, &sa, NULL) == 0, "sigaction");
    CHECK(sigaction(SIGUSR2, NULL, &old) == 0 && old.sa_handler == SIG_IGN, "old action not SIG_IGN");
    CHECK(raise(SIGUSR2) == 0, "raise of an ignored signal");
    CHECK(sigaction(SIGKILL, &sa, NULL) == -1 && errno == EINVAL, "SIGKILL cannot be ignored");

    if (failures) {
        printf("proc_calls: %d failed\n", failures);
        return 1;
    }
    printf("proc_calls: all ok\n");
    return 0;
}

/* Descriptor exhaustion and RLIMIT_NOFILE, checked against what Linux does.
 * Prints `FAIL: ...` for each broken check and `fd_limits: all ok` (exit 0)
 * only when every check passes.
 *   - pipe() in a loop ends with EMFILE (it once panicked the kernel), and
 *     the table is whole afterwards; so do dup() and open() loops;
 *   - getrlimit, the old getrlimit (76), ugetrlimit and prlimit64 agree;
 *     prlimit64 sets another process's limit, and says ESRCH once it is gone;
 *     getdtablesize() follows setrlimit; soft > hard is EINVAL;
 *   - under a lowered limit: dup stops at it, dup2/dup3 past it are EBADF,
 *     F_DUPFD past it is EINVAL, poll with more entries is EINVAL;
 *   - a write to a pipe whose reader is gone: SIGPIPE, or EPIPE when the
 *     signal is ignored.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

/* The raw i386 calls, whatever the C library maps getrlimit to. */
static long raw2(long nr, long a, long b)
{
    long r;
    __asm__ volatile("int $0x80" : "=a"(r) : "a"(nr), "b"(a), "c"(b) : "memory");
    return r;
}

static int highest_open(void)
{
    int hi = -1;
    for (int fd = 0; fd < 5000; fd++)
        if (fcntl(fd, F_GETFD) >= 0)
            hi = fd;
    return hi;
}

static void close_from(int first)
{
    for (int fd = first; fd < 5000; fd++)
        close(fd);
}

static void check_pipe_loop(long limit)
{
    int n = 0, p[2], err = 0;
    for (;;) {
        if (pipe(p) < 0) {
            err = errno;
            break;
        }
        n++;
    }
    CHECK(err == EMFILE, "pipe() loop ended with errno %d, not EMFILE", err);
    /* 0-2 are taken: (limit - 3) / 2 pairs, and maybe one fd left over. */
    CHECK(n == (limit - 3) / 2, "pipe() loop made %d pairs, expected %ld", n, (limit - 3) / 2);
    CHECK(highest_open() == 3 + 2 * n - 1, "highest fd %d after %d pairs", highest_open(), n);
    close_from(3);
    CHECK(pipe(p) == 0 && p[0] == 3 && p[1] == 4, "pipe() after closing all: %d %d", p[0], p[1]);
    close_from(3);
}

static void check_dup_open_loops(long limit)
{
    int n = 0, err = 0;
    while (dup(1) >= 0)
        n++;
    err = errno;
    CHECK(err == EMFILE, "dup() loop ended with errno %d", err);
    CHECK(n == limit - 3, "dup() loop made %d, expected %ld", n, limit - 3);
    close_from(3);
    n = 0;
    while (open("/etc/hostname", O_RDONLY) >= 0)
        n++;
    err = errno;
    CHECK(err == EMFILE, "open() loop ended with errno %d", err);
    CHECK(n == limit - 3, "open() loop made %d, expected %ld", n, limit - 3);
    close_from(3);
}

static void check_limit_calls(void)
{
    struct rlimit r, r2;
    CHECK(getrlimit(RLIMIT_NOFILE, &r) == 0, "getrlimit: errno %d", errno);
    struct rlimit64 { uint64_t cur, max; } r64;
    CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &r64) == 0, "prlimit64: errno %d", errno);
    CHECK(r64.cur == r.rlim_cur && r64.max == r.rlim_max, "prlimit64 %llu/%llu vs getrlimit %lu/%lu",
          (unsigned long long)r64.cur, (unsigned long long)r64.max,
          (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
    uint32_t u[2];
    CHECK(raw2(191, RLIMIT_NOFILE, (long)u) == 0 && u[0] == r.rlim_cur && u[1] == r.rlim_max,
          "ugetrlimit: %u/%u", u[0], u[1]);
    /* Unlimited reads as RLIM_INFINITY from ugetrlimit, 0x7fffffff from the
     * old call (76), as on Linux. */
    CHECK(raw2(191, RLIMIT_AS, (long)u) == 0 && u[0] == 0xffffffffu, "ugetrlimit(AS) = %#x", u[0]);
    CHECK(raw2(76, RLIMIT_AS, (long)u) == 0 && u[0] == 0x7fffffffu && u[1] == 0x7fffffffu,
          "old getrlimit(AS) = %#x/%#x", u[0], u[1]);
    CHECK(raw2(76, 99, (long)u) == -EINVAL, "old getrlimit(99) is not EINVAL");
    CHECK(raw2(191, RLIMIT_AS, 0xc0000000) == -EFAULT, "ugetrlimit(bad pointer) is not EFAULT");
    r2.rlim_cur = 10;
    r2.rlim_max = 5;
    CHECK(setrlimit(RLIMIT_NOFILE, &r2) < 0 && errno == EINVAL, "soft > hard not EINVAL");
    r2.rlim_cur = 10;
    r2.rlim_max = r.rlim_max;
    CHECK(setrlimit(RLIMIT_NOFILE, &r2) == 0, "setrlimit(NOFILE, 10): errno %d", errno);
    CHECK(getdtablesize() == 10, "getdtablesize() = %d after setrlimit 10", getdtablesize());
    CHECK(syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &r64) == 0 && r64.cur == 10,
          "prlimit64 reads %llu after setrlimit 10", (unsigned long long)r64.cur);
}

/* prlimit64 on another process: it sees the new limit; once it is gone,
 * ESRCH. */
static void check_prlimit_other(void)
{
    struct rlimit64 { uint64_t cur, max; } r64, old;
    int p[2];
    if (pipe(p) < 0)
        return;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char c;
        close(p[1]);
        (void)read(p[0], &c, 1); /* until the parent has set our limit */
        _exit(getdtablesize());
    }
    close(p[0]);
    CHECK(syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, NULL, &old) == 0, "prlimit64(child) read: errno %d", errno);
    r64.cur = 7;
    r64.max = old.max;
    CHECK(syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, &r64, NULL) == 0, "prlimit64(child) set: errno %d", errno);
    close(p[1]);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "the child saw getdtablesize() = %d, want 7", WEXITSTATUS(st));
    CHECK(syscall(SYS_prlimit64, pid, RLIMIT_NOFILE, NULL, &old) < 0 && errno == ESRCH,
          "prlimit64(reaped child): errno %d, want ESRCH", errno);
}

static void check_lowered_limit(void)
{
    /* The limit is 10 now (check_limit_calls). */
    int n = 0;
    while (dup(1) >= 0)
        n++;
    CHECK(errno == EMFILE && n == 7, "dup() under limit 10: %d made, errno %d", n, errno);
    close_from(3);
    CHECK(dup2(1, 10) < 0 && errno == EBADF, "dup2(1, 10) under limit 10: errno %d", errno);
    CHECK(dup3(1, 10, 0) < 0 && errno == EBADF, "dup3(1, 10) under limit 10: errno %d", errno);
    CHECK(dup2(1, 9) == 9, "dup2(1, 9) under limit 10 failed, errno %d", errno);
    close(9);
    CHECK(fcntl(1, F_DUPFD, 10) < 0 && errno == EINVAL, "F_DUPFD 10 under limit 10: errno %d", errno);
    CHECK(fcntl(1, F_DUPFD, 5) == 5, "F_DUPFD 5 under limit 10 failed");
    close(5);
    struct pollfd pf[11];
    for (int i = 0; i < 11; i++) {
        pf[i].fd = -1;
        pf[i].events = 0;
    }
    CHECK(poll(pf, 11, 0) < 0 && errno == EINVAL, "poll with 11 entries under limit 10: errno %d", errno);
    CHECK(poll(pf, 10, 0) == 0, "poll with 10 entries under limit 10 failed, errno %d", errno);
}

static void check_broken_pipe(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe: errno %d", errno);
    close(p[0]);
    pid_t pid = fork();
    if (pid == 0) {
        (void)write(p[1], "x", 1); /* SIGPIPE, by default, ends the child */
        _exit(0);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "write to a readerless pipe: status %#x", st);
    signal(SIGPIPE, SIG_IGN);
    CHECK(write(p[1], "x", 1) < 0 && errno == EPIPE, "write with SIGPIPE ignored: errno %d", errno);
    signal(SIGPIPE, SIG_DFL);
    close(p[1]);
}

int main(void)
{
    struct rlimit r;
    getrlimit(RLIMIT_NOFILE, &r);
    printf("RLIMIT_NOFILE %lu/%lu\n", (unsigned long)r.rlim_cur, (unsigned long)r.rlim_max);
    close_from(3);
    check_pipe_loop((long)r.rlim_cur);
    check_dup_open_loops((long)r.rlim_cur);
    check_broken_pipe();
    check_prlimit_other();
    check_limit_calls();
    check_lowered_limit();
    if (failures == 0)
        printf("fd_limits: all ok\n");
    return failures != 0;
}

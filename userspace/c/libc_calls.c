/* The system calls a typical program makes, through libc, each checked
 * against what Linux does. Prints `FAIL: ...` for each broken check and
 * `libc_calls: all ok` (exit 0) only when every check passes.
 *   c_libc_calls_* [PATH_OF_EXIT42]   (default /bin/exit42)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL: " __VA_ARGS__); printf("\n"); } } while (0)

static void check_ids(void)
{
    pid_t pid = getpid(), ppid = getppid();
    uid_t uid = getuid(), euid = geteuid();
    gid_t gid = getgid(), egid = getegid();
    printf("pid=%d ppid=%d uid=%u euid=%u gid=%u egid=%u\n", (int)pid, (int)ppid,
           (unsigned)uid, (unsigned)euid, (unsigned)gid, (unsigned)egid);
    CHECK(pid > 0, "getpid() = %d", (int)pid);
    CHECK(ppid >= 0, "getppid() = %d", (int)ppid);
    CHECK(uid == euid && gid == egid, "uid/euid or gid/egid differ");
}

static void check_uname(void)
{
    struct utsname u;
    memset(&u, 0, sizeof u);
    int rc = uname(&u);
    CHECK(rc == 0, "uname() = %d, errno %d", rc, errno);
    if (rc == 0) {
        printf("uname: %s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version, u.machine);
        CHECK(strcmp(u.sysname, "Linux") == 0, "uname sysname is \"%s\", not \"Linux\"", u.sysname);
        CHECK(u.release[0] >= '1' && u.release[0] <= '9', "uname release \"%s\" does not start with a version number", u.release);
        CHECK(u.machine[0] != 0, "uname machine is empty");
    }
}

static void check_time(void)
{
    time_t t = time(NULL);
    printf("time=%lld\n", (long long)t);
    CHECK(t > 1000000000, "time() = %lld: not a wall-clock time", (long long)t);

    struct timespec rt, m1, m2;
    int rc = clock_gettime(CLOCK_REALTIME, &rt);
    CHECK(rc == 0, "clock_gettime(CLOCK_REALTIME) = %d, errno %d", rc, errno);
    if (rc == 0) {
        CHECK(rt.tv_nsec >= 0 && rt.tv_nsec < 1000000000, "CLOCK_REALTIME tv_nsec = %ld", (long)rt.tv_nsec);
        CHECK(rt.tv_sec >= t - 2 && rt.tv_sec <= t + 2, "CLOCK_REALTIME %lld far from time() %lld",
              (long long)rt.tv_sec, (long long)t);
    }
    rc = clock_gettime(CLOCK_MONOTONIC, &m1);
    CHECK(rc == 0, "clock_gettime(CLOCK_MONOTONIC) = %d, errno %d", rc, errno);
    int rc2 = clock_gettime(CLOCK_MONOTONIC, &m2);
    if (rc == 0 && rc2 == 0)
        CHECK(m2.tv_sec > m1.tv_sec || (m2.tv_sec == m1.tv_sec && m2.tv_nsec >= m1.tv_nsec),
              "CLOCK_MONOTONIC went backwards");

    struct timeval tv;
    rc = gettimeofday(&tv, NULL);
    CHECK(rc == 0, "gettimeofday() = %d, errno %d", rc, errno);
    if (rc == 0) {
        CHECK(tv.tv_usec >= 0 && tv.tv_usec < 1000000, "gettimeofday tv_usec = %ld", (long)tv.tv_usec);
        CHECK(tv.tv_sec >= t - 2 && tv.tv_sec <= t + 2, "gettimeofday %lld far from time() %lld",
              (long long)tv.tv_sec, (long long)t);
    }

    struct timespec nap = {0, 1000000}; /* 1 ms */
    rc = nanosleep(&nap, NULL);
    CHECK(rc == 0, "nanosleep(1 ms) = %d, errno %d", rc, errno);
}

static void check_float(void)
{
    volatile double third = 1.0 / 3.0;
    char buf[64];
    snprintf(buf, sizeof buf, "%.6f %g %e", third, 2500.0, 0.125);
    CHECK(strcmp(buf, "0.333333 2500 1.250000e-01") == 0, "floating-point printf gave \"%s\"", buf);
    double d = strtod("2.5e3", NULL);
    CHECK(d == 2500.0, "strtod(\"2.5e3\") = %g", d);
}

static void check_malloc(void)
{
    /* Small blocks come from brk (glibc) or brk/mmap (musl). */
    enum { N = 1000 };
    static char *small[N];
    for (int i = 0; i < N; i++) {
        small[i] = malloc(32 + i);
        CHECK(small[i] != NULL, "malloc(%d) failed", 32 + i);
        if (!small[i])
            return;
        memset(small[i], i & 0xff, 32 + i);
    }
    for (int i = 0; i < N; i++) {
        if ((unsigned char)small[i][31 + i] != (i & 0xff)) {
            CHECK(0, "small block %d was overwritten", i);
            break;
        }
    }
    for (int i = 0; i < N; i++)
        free(small[i]);

    /* Big blocks: above both libcs' mmap threshold. */
    size_t big = 4 << 20;
    unsigned char *b = malloc(big);
    CHECK(b != NULL, "malloc(4 MiB) failed");
    if (b) {
        for (size_t i = 0; i < big; i += 4096)
            b[i] = (unsigned char)(i >> 12);
        int bad = 0;
        for (size_t i = 0; i < big; i += 4096)
            bad |= b[i] != (unsigned char)(i >> 12);
        CHECK(!bad, "4 MiB block does not hold its contents");
        b = realloc(b, 2 * big);
        CHECK(b != NULL, "realloc to 8 MiB failed");
        if (b) {
            CHECK(b[4096] == 1, "realloc lost the contents");
            b[2 * big - 1] = 1;
        }
        free(b);
    }
    char *c = calloc(1000, 1000);
    CHECK(c != NULL, "calloc(1000, 1000) failed");
    if (c) {
        int nz = 0;
        for (int i = 0; i < 1000000; i++)
            nz |= c[i];
        CHECK(!nz, "calloc memory is not zero");
        free(c);
    }

    /* mmap directly: anonymous, then munmap. */
    void *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(m != MAP_FAILED, "mmap anonymous 12 KiB failed, errno %d", errno);
    if (m != MAP_FAILED) {
        ((char *)m)[3 * 4096 - 1] = 1;
        CHECK(munmap(m, 3 * 4096) == 0, "munmap failed, errno %d", errno);
    }
    void *brk0 = sbrk(0);
    CHECK(brk0 != (void *)-1, "sbrk(0) failed");
}

static void check_files(void)
{
    int t0 = isatty(0), e0 = errno;
    int t1 = isatty(1), e1 = errno;
    printf("isatty(0)=%d isatty(1)=%d\n", t0, t1);
    CHECK(t0 == 1 || e0 == ENOTTY, "isatty(0) = 0 with errno %d (%s), not ENOTTY", e0, strerror(e0));
    CHECK(t1 == 1 || e1 == ENOTTY, "isatty(1) = 0 with errno %d (%s), not ENOTTY", e1, strerror(e1));

    errno = 0;
    ssize_t w = write(99, "x", 1);
    CHECK(w == -1 && errno == EBADF, "write(99) = %zd, errno %d, expected -1 EBADF", w, errno);

    int fd = open("/etc/hostname", O_RDONLY);
    CHECK(fd >= 0, "open(/etc/hostname) = %d, errno %d (%s)", fd, errno, strerror(errno));
    if (fd >= 0) {
        char buf[256];
        ssize_t n = read(fd, buf, sizeof buf - 1);
        CHECK(n > 0, "read(/etc/hostname) = %zd, errno %d", n, errno);
        if (n > 0) {
            buf[n] = 0;
            if (buf[n - 1] == '\n')
                buf[n - 1] = 0;
            printf("hostname file: %s\n", buf);
        }
        errno = 0;
        int t = isatty(fd);
        CHECK(t == 0 && errno == ENOTTY, "isatty(file) = %d, errno %d, expected 0 ENOTTY", t, errno);
        CHECK(close(fd) == 0, "close() failed, errno %d", errno);
        errno = 0;
        CHECK(close(fd) == -1 && errno == EBADF, "second close() gave errno %d, expected EBADF", errno);
    }
    errno = 0;
    fd = open("/no/such/file", O_RDONLY);
    CHECK(fd == -1 && errno == ENOENT, "open(/no/such/file) = %d errno %d, expected -1 ENOENT", fd, errno);

    FILE *f = fopen("/etc/hostname", "r");
    CHECK(f != NULL, "fopen(/etc/hostname) failed, errno %d", errno);
    if (f) {
        char line[256];
        CHECK(fgets(line, sizeof line, f) != NULL, "fgets on /etc/hostname failed");
        CHECK(fclose(f) == 0, "fclose failed");
    }

    char cwd[256];
    CHECK(getcwd(cwd, sizeof cwd) != NULL, "getcwd failed, errno %d", errno);
}

static void check_fork(const char *exit42)
{
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0, "fork() failed, errno %d", errno);
    if (pid == 0)
        _exit(7);
    if (pid > 0) {
        int st = 0;
        pid_t r = waitpid(pid, &st, 0);
        CHECK(r == pid, "waitpid() = %d, expected %d, errno %d", (int)r, (int)pid, errno);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "child status 0x%x, expected exit 7", st);
    }

    fflush(stdout);
    pid = fork();
    CHECK(pid >= 0, "second fork() failed, errno %d", errno);
    if (pid == 0) {
        char *argv[] = {(char *)exit42, NULL};
        char *envp[] = {"FROM=libc_calls", NULL};
        execve(exit42, argv, envp);
        printf("FAIL: execve(%s) failed, errno %d (%s)\n", exit42, errno, strerror(errno));
        fflush(stdout);
        _exit(127);
    }
    if (pid > 0) {
        int st = 0;
        pid_t r = waitpid(pid, &st, 0);
        CHECK(r == pid, "waitpid() = %d, expected %d, errno %d", (int)r, (int)pid, errno);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exec'd child status 0x%x, expected exit 42", st);
    }

    /* A child killed by a signal. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        kill(getpid(), SIGKILL);
        _exit(1);
    }
    if (pid > 0) {
        int st = 0;
        pid_t r = waitpid(pid, &st, 0);
        CHECK(r == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
              "killed child: waitpid = %d, status 0x%x, expected SIGKILL", (int)r, st);
    }
    errno = 0;
    CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD, "waitpid with no children: errno %d, expected ECHILD", errno);
}

/* sethostname/setdomainname as kernel/sys.c has them: EINVAL past 64
 * bytes, EPERM without CAP_SYS_ADMIN (checked first), EFAULT for a bad pointer; the name
 * is what uname shows. In a child with a UTS namespace of its own where
 * there is one (on the host, not to rename it). */
static void check_sethostname(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        failures = 0;
        if (unshare(CLONE_NEWUTS) != 0)
            printf("sethostname: no UTS namespace (errno %d): the system's name changes\n", errno);
        char big[65];
        memset(big, 'x', sizeof big);
        errno = 0;
        CHECK(sethostname(big, 65) == -1 && errno == EINVAL, "sethostname of 65 bytes: errno %d, want EINVAL", errno);
        const char *volatile bad = (const char *)8;
        errno = 0;
        CHECK(sethostname(bad, 4) == -1 && errno == EFAULT, "sethostname(bad pointer): errno %d, want EFAULT",
              errno);
        CHECK(sethostname("bb-test.local!", 7) == 0, "sethostname: errno %d", errno);
        CHECK(setdomainname("example", 7) == 0, "setdomainname: errno %d", errno);
        struct utsname u;
        CHECK(uname(&u) == 0 && strcmp(u.nodename, "bb-test") == 0 && strcmp(u.domainname, "example") == 0,
              "uname after sethostname/setdomainname: \"%s\" \"%s\"", u.nodename, u.domainname);
        char h[65] = {0};
        CHECK(gethostname(h, sizeof h) == 0 && strcmp(h, "bb-test") == 0, "gethostname: \"%s\"", h);
        CHECK(sethostname(big, 64) == 0 && uname(&u) == 0 && strlen(u.nodename) == 64, "a 64-byte host name: %zu",
              strlen(u.nodename));
        CHECK(setresuid(1000, 1000, 1000) == 0, "setresuid(1000): errno %d", errno);
        errno = 0;
        CHECK(sethostname("x", 1) == -1 && errno == EPERM, "sethostname as uid 1000: errno %d, want EPERM", errno);
        errno = 0;
        CHECK(sethostname(big, 65) == -1 && errno == EPERM, "65 bytes as uid 1000: errno %d, want EPERM first", errno);
        fflush(stdout);
        _exit(failures ? 1 : 0);
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
        ;
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the sethostname checks failed (status 0x%x)", st);
}

int main(int argc, char **argv)
{
    const char *exit42 = argc > 1 ? argv[1] : "/bin/exit42";
    check_ids();
    check_uname();
    if (geteuid() == 0)
        check_sethostname();
    check_time();
    check_float();
    check_malloc();
    check_files();
    check_fork(exit42);
    if (failures) {
        printf("libc_calls: %d failed\n", failures);
        return 1;
    }
    printf("libc_calls: all ok\n");
    return 0;
}

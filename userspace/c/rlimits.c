/* Resource limits that bound memory and time, checked against what Linux
 * does; each in a child. Prints `FAIL: ...` for each broken check and
 * `rlimits: all ok` (exit 0) only when every check passes.
 *   as     RLIMIT_AS 64 MiB: a 128 MiB mmap is ENOMEM, 1 MiB works;
 *          MAP_FIXED over a mapping counts only what it adds: at the
 *          limit, 16 MiB replacing itself works, and one that adds a page
 *          fails with ENOMEM and leaves the old mapping intact;
 *   data   RLIMIT_DATA 1 MiB: 2 MiB of private writable mmap or of brk is
 *          ENOMEM, 2 MiB read-only is not data and works;
 *   stack  RLIMIT_STACK 256 KiB, then execve: the new program's stack
 *          overflows (SIGSEGV) before 512 KiB;
 *   cpu    RLIMIT_CPU 1 s soft, 2 s hard: SIGXCPU, then SIGKILL;
 *   fsize  RLIMIT_FSIZE 4 KiB: with SIGXFSZ ignored, an 8 KiB write is cut
 *          to 4 KiB, the next write and a truncate past it are EFBIG;
 *          with the default action, such a write kills by SIGXFSZ.
 *   c_rlimits_* [TEST...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

static const char *self;

/* Lower the soft limit, keeping the hard one; or set both when max > 0. */
static int set(int resource, rlim_t cur, rlim_t max)
{
    struct rlimit r;
    if (getrlimit(resource, &r) < 0)
        return -1;
    r.rlim_cur = cur;
    if (max)
        r.rlim_max = max;
    return setrlimit(resource, &r);
}

static int as_child(void)
{
    if (set(RLIMIT_AS, 64 << 20, 0) < 0)
        return 1;
    void *big = mmap(NULL, 128 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (big != MAP_FAILED || errno != ENOMEM)
        return 2;
    void *small = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (small == MAP_FAILED)
        return 3;
    /* Fill the limit up to 16 MiB short of it, with a 16 MiB mapping. */
    struct rlimit r;
    getrlimit(RLIMIT_AS, &r);
    char *m = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
        return 4;
    size_t fill = 0;
    for (size_t step = 8 << 20; step >= 4096; step /= 2)
        while (mmap(NULL, step, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) != MAP_FAILED)
            fill += step;
    /* Now at the limit: replacing the 16 MiB in place adds nothing. */
    if (mmap(m, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) != m)
        return 5;
    m[4096] = 'y';
    /* Unmap its first page and lower the limit by one: still no room. */
    munmap(m, 4096);
    if (set(RLIMIT_AS, r.rlim_cur - 4096, 0) < 0)
        return 6;
    /* The same 16 MiB again would add that page back: refused, before
     * anything is unmapped. */
    errno = 0;
    if (mmap(m, 16 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0)
            != MAP_FAILED || errno != ENOMEM)
        return 7;
    if (m[4096] != 'y') /* still mapped, still ours (a fault here fails the test) */
        return 8;
    return fill > 0 ? 0 : 9;
}

static int data_child(void)
{
    if (set(RLIMIT_DATA, 1 << 20, 0) < 0)
        return 1;
    void *rw = mmap(NULL, 2 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (rw != MAP_FAILED || errno != ENOMEM)
        return 2;
    void *ro = mmap(NULL, 2 << 20, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (ro == MAP_FAILED)
        return 3;
    if (sbrk(2 << 20) != (void *)-1 || errno != ENOMEM)
        return 4;
    return 0;
}

/* The exec'd side of `stack`: recurse, reporting the depth (KiB) on fd 3,
 * until the stack runs out. */
static volatile int limit = 1 << 30;

static int recurse(int kib, int fd)
{
    volatile char pad[1024];
    pad[0] = (char)kib;
    if (kib % 16 == 0)
        (void)write(fd, &kib, sizeof kib);
    if (kib >= limit)
        return 0;
    return recurse(kib + 1, fd) + pad[0];
}

/* Fork a child that reports through a pipe: in the child (0 returned)
 * *fd is the write end, in the parent the read end. -1 on failure. */
static pid_t fork_reporting(int *fd)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    close(p[pid == 0 ? 0 : 1]);
    *fd = p[pid == 0 ? 1 : 0];
    return pid;
}

static void test_stack(void)
{
    int fd;
    pid_t pid = fork_reporting(&fd);
    if (pid < 0)
        return;
    if (pid == 0) {
        if (fd != 3) {
            dup2(fd, 3);
            close(fd);
        }
        set(RLIMIT_STACK, 256 << 10, 0);
        char *argv[] = {(char *)self, "--recurse", NULL}, *envp[] = {NULL};
        execve(self, argv, envp);
        _exit(127);
    }
    int kib, deepest = 0, st = 0;
    while (read(fd, &kib, sizeof kib) == sizeof kib)
        deepest = kib;
    close(fd);
    waitpid(pid, &st, 0);
    printf("stack: overflowed after %d KiB\n", deepest);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "stack: status %#x, want SIGSEGV", st);
    CHECK(deepest >= 64 && deepest < 512, "stack: %d KiB deep under a 256 KiB limit", deepest);
}

static int xcpu_fd;

static void on_xcpu(int sig)
{
    (void)sig;
    char c = 'x';
    (void)write(xcpu_fd, &c, 1);
}

static void test_cpu(void)
{
    int fd;
    pid_t pid = fork_reporting(&fd);
    if (pid < 0)
        return;
    if (pid == 0) {
        xcpu_fd = fd;
        signal(SIGXCPU, on_xcpu);
        set(RLIMIT_CPU, 1, 2);
        for (volatile unsigned long i = 0;; i++)
            ;
    }
    char c;
    int xcpu = 0, st = 0;
    while (read(fd, &c, 1) == 1)
        xcpu++;
    close(fd);
    waitpid(pid, &st, 0);
    printf("cpu: %d SIGXCPU, then status %#x\n", xcpu, st);
    CHECK(xcpu >= 1, "cpu: no SIGXCPU at the soft limit");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "cpu: status %#x, want SIGKILL", st);
}

static char fsize_path[64];

static int fsize_child(void)
{
    static char buf[8192];
    signal(SIGXFSZ, SIG_IGN);
    if (set(RLIMIT_FSIZE, 4096, 0) < 0)
        return 1;
    int fd = open(fsize_path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return 2;
    if (write(fd, buf, sizeof buf) != 4096)
        return 3;
    errno = 0;
    if (write(fd, buf, 1) != -1 || errno != EFBIG)
        return 4;
    errno = 0;
    if (ftruncate(fd, 8192) != -1 || errno != EFBIG)
        return 5;
    return ftruncate(fd, 100) == 0 ? 0 : 6;
}

static int fsize_killed(void)
{
    if (set(RLIMIT_FSIZE, 4096, 0) < 0)
        return 1;
    int fd = open(fsize_path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || lseek(fd, 4096, SEEK_SET) != 4096)
        return 2;
    write(fd, "x", 1);
    return 3; /* not reached: SIGXFSZ */
}

static void test_fsize(void)
{
    snprintf(fsize_path, sizeof fsize_path, "/tmp/rlimits_fsize.%d", (int)getpid());
    int st = in_child(fsize_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fsize: child status %#x", st);
    st = in_child(fsize_killed);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ, "fsize: status %#x, want SIGXFSZ", st);
    unlink(fsize_path);
}

static void test_as(void)
{
    int st = in_child(as_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "as: child status %#x", st);
}

static void test_data(void)
{
    int st = in_child(data_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "data: child status %#x", st);
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1 && strcmp(argv[1], "--recurse") == 0)
        return recurse(0, 3);
    static const struct {
        const char *name;
        void (*run)(void);
    } tests[] = {{"as", test_as}, {"data", test_data}, {"stack", test_stack}, {"cpu", test_cpu},
                   {"fsize", test_fsize}};
    setvbuf(stdout, NULL, _IONBF, 0);
    for (unsigned t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        int run = argc == 1;
        for (int i = 1; i < argc; i++)
            run |= strcmp(argv[i], tests[t].name) == 0;
        if (run) {
            printf("rlimits: %s\n", tests[t].name);
            tests[t].run();
        }
    }
    if (failures == 0)
        printf("rlimits: all ok\n");
    return failures != 0;
}

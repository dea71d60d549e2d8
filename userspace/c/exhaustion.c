/* Running out, on purpose, as a new user might: each test runs in a child,
 * and afterwards the kernel must still run the next one. Prints `FAIL: ...`
 * for each broken check and `exhaustion: all ok` (exit 0) only when every
 * check passes.
 *   maps     one-page mappings, protections alternating so none merge,
 *            until mmap fails with ENOMEM (vm.max_map_count); then forks
 *            of that process until one is refused (ENOMEM or EAGAIN);
 *   memory   touch anonymous memory until the process is OOM-killed or
 *            mmap says ENOMEM, three times; free memory comes back;
 *   procs    fork until EAGAIN (or ENOMEM), then kill and reap them all;
 *   stack    unbounded recursion: SIGSEGV;
 *   e2big    execve with a 131071-byte argument works, 131072 bytes or 2.4 MiB
 *            of arguments are E2BIG;
 *   exec     and after all that, a program still runs.
 *   c_exhaustion_* [TEST...] [-- PATH_OF_EXIT42]   (default: all, /bin/exit42)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

static const char *exit42 = "/bin/exit42";

static int maps_child(void)
{
    long n = 0;
    for (;;) {
        int prot = (n & 1) ? PROT_READ : PROT_READ | PROT_WRITE;
        void *p = mmap(NULL, 4096, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            break;
        n++;
    }
    int err = errno;
    printf("maps: %ld one-page mappings, then errno %d\n", n, err);
    if (err != ENOMEM || n < 60000)
        return 10;
    /* Forks of a process with that many mappings: each either works or
     * fails with ENOMEM/EAGAIN; the children block on a pipe until all are
     * made, then go. */
    int p[2];
    if (pipe(p) < 0)
        return 11;
    int made = 0, refused = 0;
    /* Until refused (each copy takes a 65530-entry mapping list), or 400. */
    for (int i = 0; i < 400 && refused == 0; i++) {
        pid_t c = fork();
        if (c == 0) {
            char b;
            close(p[1]);
            _exit(read(p[0], &b, 1) == 0 ? 0 : 1);
        }
        if (c > 0)
            made++;
        else if (errno == ENOMEM || errno == EAGAIN)
            refused++;
        else
            return 12;
    }
    close(p[1]);
    /* A child that finds no frame for its first copy-on-write page is
     * the OOM killer's (SIGKILL), as under Linux's overcommit; any other
     * end is wrong. */
    int bad = 0, st;
    while (wait(&st) > 0)
        if (!(WIFEXITED(st) && WEXITSTATUS(st) == 0) && !(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL))
            bad++;
    printf("maps: %d forks made, %d refused\n", made, refused);
    return bad ? 13 : (made > 0 ? 0 : 14);
}

static void test_maps(void)
{
    int st = in_child(maps_child);
    /* Memory this tight may also end the child itself by the OOM killer;
     * what matters is that the kernel refuses or kills, and lives. */
    CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 0) || (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL),
          "maps: child status %#x", st);
}

/* Touch memory until something stops us: 3 = mmap said ENOMEM. An
 * OOM-killed child never returns. */
static int memory_child(void)
{
    for (;;) {
        char *p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED)
            return errno == ENOMEM ? 3 : 4;
        for (int i = 0; i < (1 << 20); i += 4096)
            p[i] = 1;
    }
}

static unsigned long free_kb(unsigned long *total_kb)
{
    struct sysinfo si;
    sysinfo(&si);
    if (total_kb)
        *total_kb = (unsigned long)((unsigned long long)si.totalram * si.mem_unit / 1024);
    return (unsigned long)((unsigned long long)si.freeram * si.mem_unit / 1024);
}

static void test_memory(void)
{
    unsigned long total = 0, before = free_kb(&total);
    for (int round = 1; round <= 3; round++) {
        int st = in_child(memory_child);
        int ok = (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL) || (WIFEXITED(st) && WEXITSTATUS(st) == 3);
        CHECK(ok, "memory round %d: child status %#x (want SIGKILL or ENOMEM)", round, st);
        printf("memory: round %d ended by %s\n", round,
               WIFSIGNALED(st) ? "SIGKILL (OOM)" : "ENOMEM");
    }
    unsigned long after = free_kb(NULL);
    printf("memory: free %lu kB before, %lu kB after\n", before, after);
    /* What the children took must come back: within 4 MiB (the kernel's
     * heap keeps what it grew) or 1/32 of RAM (Linux's page cache moves
     * free memory around on a busy machine). */
    unsigned long slack = total / 32 > 4096 ? total / 32 : 4096;
    CHECK(after + slack >= before, "memory: %lu kB free before, %lu kB after", before, after);
}

static int procs_child(void)
{
    int p[2];
    if (pipe(p) < 0)
        return 20;
    int n = 0;
    pid_t kids[8192];
    for (;;) {
        if (n == 8192)
            return 21;
        pid_t c = fork();
        if (c == 0) {
            char b;
            close(p[1]);
            (void)read(p[0], &b, 1);
            _exit(0);
        }
        if (c < 0)
            break;
        kids[n++] = c;
    }
    int err = errno;
    printf("procs: %d children, then errno %d\n", n, err);
    for (int i = 0; i < n; i++)
        kill(kids[i], SIGKILL);
    int reaped = 0, st;
    while (wait(&st) > 0)
        reaped++;
    printf("procs: %d reaped\n", reaped);
    /* EAGAIN at the process limit; ENOMEM if memory runs out first (a
     * kernel that copies pages at fork gets there sooner), as on Linux. */
    if (err != EAGAIN && err != ENOMEM)
        return 22;
    if (reaped != n)
        return 23;
    return n > 0 ? 0 : 24;
}

static void test_procs(void)
{
    int st = in_child(procs_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "procs: child status %#x", st);
}

/* Deeper until the stack runs out (`limit` is never reached; it only keeps
 * the compiler from calling the recursion infinite). */
static volatile int limit = 1 << 30;

static int recurse(int n)
{
    volatile char pad[256];
    pad[0] = (char)n;
    if (n >= limit)
        return 0;
    return recurse(n + 1) + pad[0];
}

static int stack_child(void)
{
    return recurse(0);
}

static void test_stack(void)
{
    int st = in_child(stack_child);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "stack: child status %#x (want SIGSEGV)", st);
}

static int exec_with(size_t each, int count)
{
    char **argv = calloc(count + 2, sizeof *argv);
    if (!argv)
        return -1;
    argv[0] = (char *)exit42;
    for (int i = 1; i <= count; i++) {
        argv[i] = malloc(each + 1);
        if (!argv[i])
            return -1;
        memset(argv[i], 'a', each);
        argv[i][each] = 0;
    }
    char *envp[] = {NULL};
    execve(exit42, argv, envp);
    return errno;
}

/* One argument of MAX_ARG_STRLEN (32 pages) bytes, its NUL included:
 * execve goes ahead (the child becomes exit42 and exits 42). */
static int longest_arg_child(void)
{
    exec_with(32 * 4096 - 1, 1);
    return 1;
}

static void test_e2big(void)
{
    int st = in_child(longest_arg_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "execve with a 131071-byte argument: status %#x", st);
    /* One byte more, and it no longer fits with its NUL. */
    CHECK(exec_with(32 * 4096, 1) == E2BIG, "execve with a 131072-byte argument: errno %d", errno);
    CHECK(exec_with(200 * 1024, 1) == E2BIG, "execve with a 200 KiB argument: errno %d", errno);
    CHECK(exec_with(120 * 1024, 20) == E2BIG, "execve with 2.4 MiB of arguments: errno %d", errno);
}

static void test_exec(void)
{
    int st = run_program(exit42);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exec %s afterwards: status %#x", exit42, st);
}

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        void (*run)(void);
    } tests[] = {
        {"maps", test_maps}, {"memory", test_memory}, {"procs", test_procs},
        {"stack", test_stack}, {"e2big", test_e2big}, {"exec", test_exec},
    };
    int ntests = sizeof tests / sizeof tests[0], chosen = 0;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0 && i + 1 < argc)
            exit42 = argv[i + 1];
    for (int i = 1; i < argc && strcmp(argv[i], "--") != 0; i++)
        chosen++;
    setvbuf(stdout, NULL, _IONBF, 0);
    for (int t = 0; t < ntests; t++) {
        int run = chosen == 0;
        for (int i = 1; i <= chosen; i++)
            run |= strcmp(argv[i], tests[t].name) == 0;
        if (run) {
            printf("exhaustion: %s\n", tests[t].name);
            tests[t].run();
        }
    }
    if (failures == 0)
        printf("exhaustion: all ok\n");
    return failures != 0;
}

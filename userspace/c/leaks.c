/* Leak accounting: free memory (sysinfo) before and after thousands of
 * process lives and mappings must be the same once warmed up. Prints the
 * loss, `FAIL: ...` if it is more than noise allows, and `leaks: all ok`.
 *   - fork, execve /bin/exit42, wait: 2000 times
 *   - fork, then die in the kernel (a tampered sigreturn frame: the
 *     process is killed from inside a system call): 1000 times
 *   - mmap 64 KiB, touch it, munmap: 2000 times
 *   - pipe, write, close both ends: 2000 times
 * On this kernel the loss must be 0 kB (the boot test checks the line);
 * on Linux the page cache moves free memory around, hence the slack.
 *   c_leaks_* [PATH_OF_EXIT42]   (default /bin/exit42)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

static const char *exit42 = "/bin/exit42";

static long free_kb(long *total)
{
    struct sysinfo si;
    sysinfo(&si);
    if (total)
        *total = (long)((unsigned long long)si.totalram * si.mem_unit / 1024);
    return (long)((unsigned long long)si.freeram * si.mem_unit / 1024);
}

static void round_trip(int n)
{
    for (int i = 0; i < n; i++) {
        int st = run_program(exit42);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 42) {
            printf("FAIL: exec round %d: status %#x\n", i, st);
            failures++;
            return;
        }
    }
    for (int i = 0; i < n / 2; i++) {
        pid_t pid = fork();
        if (pid == 0) {
            /* rt_sigreturn with the stack pointing at garbage: SIGSEGV. */
            __asm__ volatile("mov $0xc0000000, %%esp\n mov $173, %%eax\n int $0x80" ::: "memory");
            _exit(1);
        }
        int st = 0;
        waitpid(pid, &st, 0);
        if (!WIFSIGNALED(st)) {
            printf("FAIL: bad sigreturn round %d: status %#x\n", i, st);
            failures++;
            return;
        }
    }
    for (int i = 0; i < n; i++) {
        char *p = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (p == MAP_FAILED) {
            printf("FAIL: mmap round %d: errno %d\n", i, errno);
            failures++;
            return;
        }
        for (int j = 0; j < 65536; j += 4096)
            p[j] = 1;
        munmap(p, 65536);
    }
    for (int i = 0; i < n; i++) {
        int fds[2];
        if (pipe(fds) < 0) {
            printf("FAIL: pipe round %d: errno %d\n", i, errno);
            failures++;
            return;
        }
        (void)write(fds[1], "x", 1);
        close(fds[0]);
        close(fds[1]);
    }
}

int main(int argc, char **argv)
{
    if (argc > 1)
        exit42 = argv[1];
    setvbuf(stdout, NULL, _IONBF, 0);
    round_trip(50); /* warm-up: the kernel's own caches and heap settle */
    long total = 0, before = free_kb(&total);
    round_trip(2000);
    long after = free_kb(NULL);
    long lost = before - after;
    printf("leaks: %ld kB free before, %ld kB after: lost %ld kB\n", before, after, lost > 0 ? lost : 0);
    long slack = total / 32;
    CHECK(lost <= slack, "lost %ld kB over 7000 process lives, mappings and pipes", lost);
    if (failures == 0)
        printf("leaks: all ok\n");
    return failures != 0;
}

/* ktest_init: the init `make conformance` boots on both kernels. Mounts
 * /proc (ignoring errors: our kernel has it mounted already), runs the
 * program named in its arguments as a child, prints
 * `ktest: PROG exited with status N` or `ktest: PROG killed by signal N`,
 * and powers the machine off, so one boot runs one test the same way on
 * Linux (where init must not exit) and on ours.
 *   ktest_init PROG [ARG...] */
#define _GNU_SOURCE
#include <stdio.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (argc < 2) {
        printf("ktest: no program given\n");
    } else {
        mount("proc", "/proc", "proc", 0, NULL);
        pid_t pid = fork();
        if (pid == 0) {
            char *envp[] = {"PATH=/bin", "HOME=/", NULL};
            execve(argv[1], argv + 1, envp);
            printf("ktest: execve %s failed\n", argv[1]);
            _exit(127);
        }
        int st = 0;
        while (waitpid(pid, &st, 0) < 0)
            ;
        if (WIFSIGNALED(st))
            printf("ktest: %s killed by signal %d\n", argv[1], WTERMSIG(st));
        else
            printf("ktest: %s exited with status %d\n", argv[1], WEXITSTATUS(st));
    }
    sync();
    reboot(RB_POWER_OFF);
    return 0;
}

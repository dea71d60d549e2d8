/* Signals as programs use them, through libc: a handler run by raise(),
 * a blocked signal delivered on unblock, SIG_IGN, and kill() of a child.
 * Prints `FAIL: ...` for each broken check and `signals: all ok` (exit 0)
 * only when every check passes. Flushes stdout before each step: where
 * delivery is missing, the default action may kill us mid-way.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL: " __VA_ARGS__); printf("\n"); } } while (0)

static volatile sig_atomic_t got_signal, handler_runs;
static void on_usr1(int sig) { got_signal = sig; handler_runs++; }

static void step(const char *what)
{
    printf("signals: %s\n", what);
    fflush(stdout);
}

int main(void)
{
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0, "sigaction(SIGUSR1) failed, errno %d", errno);
    CHECK(sigaction(SIGUSR1, NULL, &old) == 0 && old.sa_handler == on_usr1,
          "sigaction(SIGUSR1) does not report the installed handler");

    step("raise(SIGUSR1) with a handler");
    int rc = raise(SIGUSR1);
    CHECK(rc == 0, "raise(SIGUSR1) = %d, errno %d (%s)", rc, errno, strerror(errno));
    CHECK(got_signal == SIGUSR1 && handler_runs == 1, "SIGUSR1 handler did not run (got %d)", (int)got_signal);

    step("a blocked SIGUSR1 waits for sigprocmask");
    sigset_t set, pending;
    sigemptyset(&set);
    sigaddset(&set, SIGUSR1);
    CHECK(sigprocmask(SIG_BLOCK, &set, NULL) == 0, "sigprocmask(SIG_BLOCK) failed, errno %d", errno);
    handler_runs = 0;
    raise(SIGUSR1);
    CHECK(handler_runs == 0, "a blocked SIGUSR1 ran its handler");
    sigemptyset(&pending);
    CHECK(sigpending(&pending) == 0 && sigismember(&pending, SIGUSR1), "blocked SIGUSR1 is not pending");
    CHECK(sigprocmask(SIG_UNBLOCK, &set, NULL) == 0, "sigprocmask(SIG_UNBLOCK) failed, errno %d", errno);
    CHECK(handler_runs == 1, "SIGUSR1 handler ran %d times after unblocking, expected 1", (int)handler_runs);

    step("raise(SIGUSR2) while ignored");
    CHECK(signal(SIGUSR2, SIG_IGN) != SIG_ERR, "signal(SIGUSR2, SIG_IGN) failed");
    raise(SIGUSR2);

    step("kill(child, SIGTERM)");
    pid_t pid = fork();
    CHECK(pid >= 0, "fork() failed, errno %d (%s)", errno, strerror(errno));
    if (pid == 0) {
        /* Spin (no sleeping calls) for about 3 s, then give up. */
        time_t end = time(NULL) + 3;
        while (time(NULL) < end)
            ;
        _exit(99);
    }
    if (pid > 0) {
        rc = kill(pid, SIGTERM);
        CHECK(rc == 0, "kill(child, SIGTERM) = %d, errno %d", rc, errno);
        int st = 0;
        CHECK(waitpid(pid, &st, 0) == pid, "waitpid failed, errno %d", errno);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGTERM, "child status 0x%x, expected killed by SIGTERM%s", st,
              WIFEXITED(st) && WEXITSTATUS(st) == 99 ? " (kill() did not reach it)" : "");
    }
    errno = 0;
    CHECK(kill(99999, 0) == -1 && errno == ESRCH, "kill(99999, 0): errno %d, expected ESRCH", errno);

    if (failures) {
        printf("signals: %d failed\n", failures);
        return 1;
    }
    printf("signals: all ok\n");
    return 0;
}

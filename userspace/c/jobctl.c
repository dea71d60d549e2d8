/* Job control without a terminal, checked against what Linux does:
 * sessions and process groups (setsid, setpgid, getpgid, getsid,
 * getpgrp), signals to a group and to everyone (kill(0), kill(-pgrp),
 * kill(-1)), stopping and continuing (SIGSTOP, SIGTSTP, SIGCONT, the
 * stop signals ignored in an orphaned group, SIGHUP+SIGCONT to a newly
 * orphaned group with a stopped member), the waits (wait4 with WUNTRACED,
 * WCONTINUED, WNOHANG, on a process group; waitid with P_PID, P_PGID,
 * P_ALL, WEXITED, WSTOPPED, WCONTINUED, WNOWAIT and its siginfo), SIGCHLD
 * with its si_code (CLD_EXITED, CLD_KILLED, CLD_STOPPED, CLD_CONTINUED),
 * SA_NOCLDSTOP, SIGCHLD ignored and SA_NOCLDWAIT (children reaped by the
 * kernel), and system calls that a stop and continue leave running.
 * Each check runs in a child that makes its own session first. Run as
 * root; kill(-1) is checked only as pid 1 (on Linux: unshare -fp).
 * Prints `FAIL: ...` for each broken check and `jobctl: all ok` (exit 0)
 * only when every check passes.
 *   c_jobctl_* [sleeper]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

static const char *self;

/* Fork a child running f; its exit status is f's result. */
static pid_t spawn(int (*f)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(f());
    return pid;
}

static int wait_for(pid_t pid, int options)
{
    int st = -1;
    while (waitpid(pid, &st, options) < 0 && errno == EINTR)
        ;
    return st;
}

static int sleeper(void)
{
    for (;;)
        pause();
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Fields 3 and 5 to 8 of /proc/PID/stat: state, pgrp, session, tty_nr,
 * tpgid; -1 without /proc. */
static int proc_stat(pid_t pid, char *state, int *pgrp, int *sid, int *tty, int *tpgid)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0)
        return -1;
    buf[n] = 0;
    const char *c = strrchr(buf, ')');
    if (!c || sscanf(c + 1, " %c %*d %d %d %d %d", state, pgrp, sid, tty, tpgid) != 5)
        return -2;
    return 0;
}

/* ---- sessions and process groups ---------------------------------------- */

static int ids_child(void)
{
    /* A child that leads no group can start a session. */
    pid_t me = getpid();
    if (setsid() != me)
        return 1;
    if (getsid(0) != me || getpgrp() != me || getpgid(0) != me || getpgid(me) != me)
        return 2;
    char state;
    int pg, sid, tty, tpgid;
    if (proc_stat(me, &state, &pg, &sid, &tty, &tpgid) == 0 &&
        (state != 'R' || pg != me || sid != me || tty != 0 || tpgid != -1))
        return 19;
    if (setsid() != -1 || errno != EPERM) /* a session leader */
        return 3;
    if (setpgid(0, 0) != -1 || errno != EPERM) /* leaders stay put */
        return 4;
    if (setpgid(0, -1) != -1 || errno != EINVAL)
        return 5;
    if (getpgid(INT_MAX) != -1 || errno != ESRCH || getsid(-5) != -1 || errno != ESRCH)
        return 6;
    if (setpgid(INT_MAX, 0) != -1 || errno != ESRCH || setpgid(-3, 5) != -1 || errno != ESRCH)
        return 7;
    if (setpgid(-3, 0) != -1 || errno != EINVAL) /* pgid 0 is pid: negative */
        return 18;
    if (setpgid(getppid(), 0) != -1 || errno != ESRCH) /* not our child */
        return 8;
    /* Children inherit the group and session. */
    pid_t a = spawn(sleeper);
    if (getpgid(a) != me || getsid(a) != me)
        return 9;
    if (setpgid(a, a) != 0 || getpgid(a) != a || getsid(a) != me)
        return 10;
    if (setpgid(a, me) != 0 || getpgid(a) != me) /* back to ours */
        return 11;
    if (setpgid(a, INT_MAX) != -1 || errno != EPERM) /* no such group */
        return 12;
    /* A group leader cannot start a session: its number is a group. */
    pid_t b = fork();
    if (b == 0) {
        setpgid(0, 0);
        _exit(setsid() == -1 && errno == EPERM ? 0 : 1);
    }
    if (wait_for(b, 0) != 0)
        return 13;
    kill(a, SIGKILL);
    wait_for(a, 0);
    /* A child in another session cannot be moved, nor moved into. */
    int p[2];
    if (pipe(p) < 0)
        return 14;
    pid_t c = fork();
    if (c == 0) {
        setsid();
        char x = 'x';
        write(p[1], &x, 1);
        sleeper();
    }
    char x;
    read(p[0], &x, 1);
    if (setpgid(c, c) != -1 || errno != EPERM || setpgid(c, me) != -1 || errno != EPERM)
        return 15;
    pid_t d = spawn(sleeper);
    if (setpgid(d, c) != -1 || errno != EPERM) /* c's group is in c's session */
        return 16;
    kill(c, SIGKILL);
    kill(d, SIGKILL);
    wait_for(c, 0);
    wait_for(d, 0);
    /* After execve, a child can no longer be moved. */
    pid_t e = fork();
    if (e == 0) {
        char *argv[] = {(char *)self, "sleeper", NULL};
        execv(self, argv);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) { /* until it has exec'd */
        if (setpgid(e, e) != 0 && errno == EACCES)
            break;
        nap(10);
    }
    errno = 0;
    if (setpgid(e, 0) != -1 || errno != EACCES)
        return 17;
    kill(e, SIGKILL);
    wait_for(e, 0);
    return 0;
}

/* ---- signals to groups -------------------------------------------------- */

static int kill_group_child(void)
{
    pid_t me = setsid();
    /* Two in another group, one in ours. */
    pid_t a = spawn(sleeper), b = spawn(sleeper), c = spawn(sleeper);
    setpgid(a, a);
    setpgid(b, a);
    if (kill(-a, SIGUSR1) != 0)
        return 1;
    int sa = wait_for(a, 0), sb = wait_for(b, 0);
    if (!WIFSIGNALED(sa) || WTERMSIG(sa) != SIGUSR1 || !WIFSIGNALED(sb) || WTERMSIG(sb) != SIGUSR1)
        return 2;
    if (waitpid(c, NULL, WNOHANG) != 0) /* c is not in that group */
        return 3;
    /* kill(0): our own group, ourselves included. */
    signal(SIGUSR2, SIG_IGN);
    if (kill(0, SIGUSR2) != 0)
        return 4;
    int sc = wait_for(c, 0);
    if (!WIFSIGNALED(sc) || WTERMSIG(sc) != SIGUSR2)
        return 5;
    if (kill(-a, 0) != -1 || errno != ESRCH) /* the group is gone */
        return 6;
    if (kill(INT_MIN, 0) != -1 || errno != ESRCH)
        return 7;
    if (kill(-me, 0) != 0 || kill(0, 0) != 0)
        return 8;
    if (kill(-me, 65) != -1 || errno != EINVAL)
        return 9;
    return 0;
}

/* SIGCONT may cross users within a session (job control needs it), no
 * other signal may, nor SIGCONT across sessions. */
static int sigcont_session_child(void)
{
    setsid();
    pid_t root_child = spawn(sleeper);
    int p[2];
    pipe(p);
    pid_t other = fork();
    if (other == 0) {
        setsid();
        char x = 'x';
        write(p[1], &x, 1);
        sleeper();
    }
    char x;
    read(p[0], &x, 1);
    pid_t u = fork();
    if (u == 0) {
        if (setuid(1000) != 0)
            _exit(1);
        if (kill(root_child, SIGUSR1) != -1 || errno != EPERM)
            _exit(2);
        if (kill(root_child, SIGCONT) != 0)
            _exit(3);
        if (kill(other, SIGCONT) != -1 || errno != EPERM)
            _exit(4);
        _exit(0);
    }
    int st = wait_for(u, 0);
    kill(root_child, SIGKILL);
    kill(other, SIGKILL);
    wait_for(root_child, 0);
    wait_for(other, 0);
    return WIFEXITED(st) ? WEXITSTATUS(st) : 100;
}

/* kill(-1): everyone but init and the caller; run as pid 1 only. */
static int kill_all_child(void)
{
    pid_t a = spawn(sleeper);
    pid_t b = spawn(sleeper);
    if (kill(-1, SIGUSR1) != 0) /* reaches a and b; we are the caller */
        return 1;
    int sa = wait_for(a, 0), sb = wait_for(b, 0);
    if (!WIFSIGNALED(sa) || WTERMSIG(sa) != SIGUSR1 || !WIFSIGNALED(sb) || WTERMSIG(sb) != SIGUSR1)
        return 2;
    return 0;
}

/* ---- stopping and continuing -------------------------------------------- */

static int stop_child(void)
{
    setsid();
    pid_t a = spawn(sleeper);
    setpgid(a, a);
    if (kill(a, SIGSTOP) != 0)
        return 1;
    int st = wait_for(a, WUNTRACED);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP || st != 0x137f)
        return 2;
    if (waitpid(a, &st, WUNTRACED | WNOHANG) != 0) /* reported once */
        return 3;
    char state;
    int pg, sid, tty, tpgid;
    if (proc_stat(a, &state, &pg, &sid, &tty, &tpgid) == 0 && (state != 'T' || pg != a))
        return 13;
    if (waitpid(a, &st, WCONTINUED | WNOHANG) != 0) /* not continued yet */
        return 4;
    kill(a, SIGCONT);
    st = wait_for(a, WCONTINUED);
    if (!WIFCONTINUED(st) || st != 0xffff)
        return 5;
    if (waitpid(a, &st, WCONTINUED | WNOHANG) != 0)
        return 6;
    /* SIGKILL ends a stopped process. */
    kill(a, SIGSTOP);
    wait_for(a, WUNTRACED);
    kill(a, SIGKILL);
    st = wait_for(a, 0);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
        return 7;
    /* Any other signal waits for SIGCONT (which is why shells send it
     * after SIGTERM), even one whose default action kills. */
    pid_t b = spawn(sleeper);
    setpgid(b, b);
    kill(b, SIGTSTP);
    st = wait_for(b, WUNTRACED);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTSTP)
        return 8;
    kill(b, SIGTERM);
    nap(50);
    if (waitpid(b, &st, WNOHANG) != 0)
        return 9;
    kill(b, SIGCONT);
    st = wait_for(b, 0);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGTERM)
        return 12;
    /* A stop without WUNTRACED is not reported: WNOHANG finds nothing. */
    pid_t c = spawn(sleeper);
    setpgid(c, c);
    kill(c, SIGTTIN);
    wait_for(c, WUNTRACED);
    if (waitpid(c, &st, WNOHANG) != 0)
        return 10;
    kill(c, SIGKILL);
    st = wait_for(c, 0);
    if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
        return 11;
    return 0;
}

static volatile sig_atomic_t usr1_seen;
static void on_usr1(int sig) { (void)sig; usr1_seen++; }

/* SIGCONT discards a pending stop signal, and a stop signal a pending
 * SIGCONT, whether or not they are blocked. */
static int discard_child(void)
{
    sigset_t set, pend;
    sigemptyset(&set);
    sigaddset(&set, SIGTSTP);
    sigaddset(&set, SIGTTOU);
    sigaddset(&set, SIGCONT);
    sigprocmask(SIG_BLOCK, &set, NULL);
    raise(SIGTSTP);
    sigpending(&pend);
    if (!sigismember(&pend, SIGTSTP))
        return 1;
    raise(SIGCONT);
    sigpending(&pend);
    if (sigismember(&pend, SIGTSTP) || !sigismember(&pend, SIGCONT))
        return 2;
    raise(SIGTTOU);
    sigpending(&pend);
    if (sigismember(&pend, SIGCONT) || !sigismember(&pend, SIGTTOU))
        return 3;
    /* SIGCONT ignored: not even pending, but it still flushes stops. */
    signal(SIGCONT, SIG_IGN);
    sigemptyset(&set);
    sigaddset(&set, SIGCONT);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
    raise(SIGCONT);
    sigpending(&pend);
    if (sigismember(&pend, SIGCONT) || sigismember(&pend, SIGTTOU))
        return 4;
    return 0;
}

/* The terminal's stop signals do nothing to an orphaned group (a new
 * session's group whose parent is elsewhere); SIGSTOP still stops. */
static int orphan_stop_grandchild(void)
{
    setsid();
    raise(SIGTSTP);
    raise(SIGTTIN);
    raise(SIGTTOU);
    raise(SIGSTOP); /* the parent sees this one and continues us */
    return 42;
}

static int orphan_stop_child(void)
{
    pid_t g = spawn(orphan_stop_grandchild);
    int st = wait_for(g, WUNTRACED);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
        return 1;
    kill(g, SIGCONT);
    st = wait_for(g, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 42)
        return 2;
    /* Not orphaned: a group whose parent is in another group of the same
     * session; SIGTSTP stops it. */
    setsid();
    pid_t h = fork();
    if (h == 0) {
        setpgid(0, 0);
        raise(SIGTSTP);
        _exit(7);
    }
    st = wait_for(h, WUNTRACED);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTSTP)
        return 3;
    kill(h, SIGCONT);
    st = wait_for(h, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 7)
        return 4;
    return 0;
}

/* A group orphaned while a member is stopped gets SIGHUP, then SIGCONT. */
static int hup_pipe = -1;
static void on_hup(int sig) { (void)sig; write(hup_pipe, "H", 1); }
static void on_cont(int sig) { (void)sig; write(hup_pipe, "C", 1); }

static int orphan_hup_child(void)
{
    setsid();
    int p[2];
    if (pipe(p) < 0)
        return 1;
    hup_pipe = p[1];
    pid_t mid = fork();
    if (mid == 0) {
        setpgid(0, 0); /* group mid: its parent (us) is elsewhere */
        pid_t q = fork();
        if (q == 0) {
            signal(SIGHUP, on_hup);
            signal(SIGCONT, on_cont);
            raise(SIGSTOP);
            _exit(0);
        }
        int st = wait_for(q, WUNTRACED);
        _exit(WIFSTOPPED(st) ? 0 : 1); /* our going orphans the group */
    }
    close(p[1]);
    int st = wait_for(mid, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 2;
    char buf[4] = {0};
    int n = 0;
    while (n < 2) {
        int r = read(p[0], buf + n, 2 - n);
        if (r <= 0)
            break;
        n += r;
    }
    /* Both pending as it wakes: Linux stacks a frame for each, lowest
     * signal first, so SIGCONT's handler runs first. */
    if (n != 2 || buf[0] != 'C' || buf[1] != 'H')
        return 3;
    return 0;
}

/* ---- waiting ------------------------------------------------------------ */

static int exit_7(void) { return 7; }

static int wait_group_child(void)
{
    pid_t me = setsid();
    pid_t a = spawn(sleeper); /* another group */
    setpgid(a, a);
    int st;
    /* Only a in another group: nothing for wait(0). */
    if (waitpid(0, &st, WNOHANG) != -1 || errno != ECHILD)
        return 1;
    if (waitpid(-a, &st, WNOHANG) != 0)
        return 2;
    pid_t b = spawn(exit_7); /* ours */
    if (wait_for(0, 0) != 0x700)
        return 3;
    (void)b;
    if (waitpid(-me, &st, WNOHANG) != -1 || errno != ECHILD)
        return 4;
    kill(a, SIGKILL);
    if (waitpid(-a, &st, 0) != a || !WIFSIGNALED(st))
        return 5;
    if (waitpid(-1, &st, 0) != -1 || errno != ECHILD)
        return 6;
    if (waitpid(INT_MIN, &st, 0) != -1 || errno != ESRCH)
        return 7;
    if (waitpid(-1, &st, WNOWAIT) != -1 || errno != EINVAL) /* not wait4's */
        return 8;
    pid_t c = spawn(exit_7);
    if (waitpid(-1, &st, __WCLONE) != -1 || errno != ECHILD) /* none clones */
        return 9;
    if (waitpid(c, &st, __WALL) != c || st != 0x700)
        return 10;
    return 0;
}

static int waitid_child(void)
{
    setsid();
    siginfo_t si;
    if (waitid(P_ALL, 0, &si, 0) != -1 || errno != EINVAL)
        return 1;
    if (waitid(P_PID, 0, &si, WEXITED) != -1 || errno != EINVAL)
        return 2;
    if (waitid(P_PGID, -1, &si, WEXITED) != -1 || errno != EINVAL)
        return 3;
    if (waitid((idtype_t)99, 0, &si, WEXITED) != -1 || errno != EINVAL)
        return 4;
    /* Nothing ready: WNOHANG gives 0 and a siginfo with si_pid 0. */
    pid_t a = spawn(sleeper);
    setpgid(a, a);
    memset(&si, 0x55, sizeof si);
    if (waitid(P_PID, a, &si, WEXITED | WNOHANG) != 0 || si.si_pid != 0 || si.si_signo != 0)
        return 5;
    /* A stop, and a continuation. */
    kill(a, SIGSTOP);
    memset(&si, 0, sizeof si);
    if (waitid(P_PGID, a, &si, WSTOPPED) != 0)
        return 6;
    if (si.si_signo != SIGCHLD || si.si_code != CLD_STOPPED || si.si_status != SIGSTOP ||
        si.si_pid != a || si.si_uid != getuid())
        return 7;
    kill(a, SIGCONT);
    if (waitid(P_PID, a, &si, WCONTINUED) != 0 || si.si_code != CLD_CONTINUED ||
        si.si_status != SIGCONT || si.si_pid != a)
        return 8;
    /* Killed: CLD_KILLED with the signal; WNOWAIT leaves it waitable. */
    kill(a, SIGKILL);
    if (waitid(P_ALL, 0, &si, WEXITED | WNOWAIT) != 0 || si.si_code != CLD_KILLED ||
        si.si_status != SIGKILL || si.si_pid != a)
        return 9;
    if (waitid(P_PID, a, &si, WEXITED) != 0 || si.si_pid != a || si.si_code != CLD_KILLED)
        return 10;
    if (waitid(P_ALL, 0, &si, WEXITED) != -1 || errno != ECHILD)
        return 11;
    /* Exited: CLD_EXITED with the code. */
    pid_t b = spawn(exit_7);
    if (waitid(P_PID, b, &si, WEXITED) != 0 || si.si_code != CLD_EXITED || si.si_status != 7)
        return 12;
    /* Only WSTOPPED: a zombie is not what is asked for, nor counted. */
    pid_t c = spawn(exit_7);
    nap(50);
    if (waitid(P_PID, c, &si, WSTOPPED | WNOHANG) != -1 || errno != ECHILD)
        return 13;
    if (waitpid(c, NULL, 0) != c)
        return 14;
    return 0;
}

/* ---- SIGCHLD ------------------------------------------------------------ */

static volatile sig_atomic_t chld_code, chld_status, chld_pid, chld_uid, chld_count;
static void on_chld(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    chld_code = si->si_code;
    chld_status = si->si_status;
    chld_pid = si->si_pid;
    chld_uid = si->si_uid;
    chld_count++;
}

/* Wait for the next SIGCHLD with it blocked otherwise (sigsuspend). */
static int await_chld(const sigset_t *unblocked)
{
    int before = chld_count;
    for (int i = 0; i < 100 && chld_count == before; i++)
        if (sigsuspend(unblocked) != -1 || errno != EINTR)
            return -1;
    return chld_count - before;
}

static int sigchld_child(void)
{
    setsid();
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGCHLD, &sa, NULL);
    sigset_t block, unblocked;
    sigemptyset(&block);
    sigaddset(&block, SIGCHLD);
    sigprocmask(SIG_BLOCK, &block, &unblocked);
    sigdelset(&unblocked, SIGCHLD);

    pid_t a = spawn(exit_7);
    if (await_chld(&unblocked) != 1 || chld_code != CLD_EXITED || chld_status != 7 ||
        chld_pid != a || (uid_t)chld_uid != getuid())
        return 1;
    wait_for(a, 0);

    pid_t b = spawn(sleeper);
    setpgid(b, b);
    kill(b, SIGSTOP);
    if (await_chld(&unblocked) != 1 || chld_code != CLD_STOPPED || chld_status != SIGSTOP ||
        chld_pid != b)
        return 2;
    kill(b, SIGCONT);
    if (await_chld(&unblocked) != 1 || chld_code != CLD_CONTINUED || chld_status != SIGCONT)
        return 3;
    kill(b, SIGKILL);
    if (await_chld(&unblocked) != 1 || chld_code != CLD_KILLED || chld_status != SIGKILL)
        return 4;
    wait_for(b, 0);

    /* SA_NOCLDSTOP: no SIGCHLD for a stop, still for an exit. */
    sa.sa_flags = SA_SIGINFO | SA_NOCLDSTOP;
    sigaction(SIGCHLD, &sa, NULL);
    pid_t c = spawn(sleeper);
    setpgid(c, c);
    kill(c, SIGSTOP);
    int st = wait_for(c, WUNTRACED);
    sigset_t pend;
    sigpending(&pend);
    if (!WIFSTOPPED(st) || sigismember(&pend, SIGCHLD))
        return 5;
    kill(c, SIGKILL);
    if (await_chld(&unblocked) != 1 || chld_code != CLD_KILLED)
        return 6;
    wait_for(c, 0);
    return 0;
}

static int nap_and_exit(void)
{
    nap(100);
    return 3;
}

/* SIGCHLD ignored, or SA_NOCLDWAIT: no zombies; a wait sleeps until the
 * children are gone and then fails with ECHILD. */
static int autoreap_child(void)
{
    setsid();
    signal(SIGCHLD, SIG_IGN);
    /* Released at its exit while we sleep for something else: nothing
     * runs until our timer, with the released child still current. */
    spawn(nap_and_exit);
    nap(300);
    spawn(exit_7);
    spawn(nap_and_exit);
    long t0 = now_ms();
    int st;
    if (wait(&st) != -1 || errno != ECHILD)
        return 1;
    if (now_ms() - t0 < 50) /* it waited for the second child */
        return 2;
    /* SA_NOCLDWAIT with a handler: the handler runs, nothing to wait for. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_chld;
    sa.sa_flags = SA_SIGINFO | SA_NOCLDWAIT;
    sigaction(SIGCHLD, &sa, NULL);
    chld_count = 0;
    pid_t b = spawn(nap_and_exit);
    if (waitpid(b, &st, 0) != -1 || errno != ECHILD)
        return 3;
    if (chld_count != 1 || chld_code != CLD_EXITED || chld_status != 3)
        return 4;
    return 0;
}

/* ---- system calls across a stop ----------------------------------------- */

static int restart_child(void)
{
    setsid();
    int p[2], q[2];
    if (pipe(p) < 0 || pipe(q) < 0)
        return 1;
    /* A read stopped and continued carries on: no EINTR. */
    pid_t r = fork();
    if (r == 0) {
        char c;
        ssize_t n = read(p[0], &c, 1);
        _exit(n == 1 && c == 'k' ? 0 : n < 0 ? 10 + errno % 50 : 2);
    }
    setpgid(r, r);
    nap(50);
    kill(r, SIGSTOP);
    wait_for(r, WUNTRACED);
    kill(r, SIGCONT);
    nap(50);
    write(p[1], "k", 1);
    int st = wait_for(r, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 3;
    /* With a handler: EINTR without SA_RESTART, a restart with it. */
    for (int restart = 0; restart < 2; restart++) {
        pid_t h = fork();
        if (h == 0) {
            struct sigaction sa;
            memset(&sa, 0, sizeof sa);
            sa.sa_handler = on_usr1;
            sa.sa_flags = restart ? SA_RESTART : 0;
            sigaction(SIGUSR1, &sa, NULL);
            write(q[1], "r", 1);
            char c;
            ssize_t n = read(p[0], &c, 1);
            if (restart)
                _exit(n == 1 && usr1_seen == 1 ? 0 : 1);
            _exit(n == -1 && errno == EINTR && usr1_seen == 1 ? 0 : 1);
        }
        char c;
        read(q[0], &c, 1);
        nap(50);
        kill(h, SIGUSR1);
        nap(50);
        if (restart)
            write(p[1], "k", 1);
        st = wait_for(h, 0);
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
            return 4 + restart;
    }
    /* A sleep stopped for a while still sleeps its whole time, no more. */
    pid_t s = fork();
    if (s == 0) {
        long t0 = now_ms();
        struct timespec ts = {0, 300 * 1000000L};
        int rc = nanosleep(&ts, NULL);
        long t = now_ms() - t0;
        _exit(rc == 0 && t >= 290 ? 0 : rc != 0 ? 20 : 21);
    }
    nap(100);
    kill(s, SIGSTOP);
    wait_for(s, WUNTRACED);
    nap(100);
    kill(s, SIGCONT);
    st = wait_for(s, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 30 + (WIFEXITED(st) ? WEXITSTATUS(st) : 99);
    /* pause() returns EINTR once a handler ran. */
    pid_t z = fork();
    if (z == 0) {
        signal(SIGUSR1, on_usr1);
        write(q[1], "z", 1);
        int rc = pause();
        _exit(rc == -1 && errno == EINTR && usr1_seen == 1 ? 0 : 1);
    }
    char c;
    read(q[0], &c, 1);
    nap(50);
    kill(z, SIGSTOP);
    kill(z, SIGCONT); /* not a handler: pause goes on */
    nap(50);
    kill(z, SIGUSR1);
    st = wait_for(z, 0);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return 60;
    return 0;
}

static void run(const char *name, int (*f)(void))
{
    printf("jobctl: %s\n", name);
    int st = in_child(f);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%s: %s %d", name,
          WIFEXITED(st) ? "failed check" : "killed by signal",
          WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1 && strcmp(argv[1], "sleeper") == 0)
        return sleeper();
    setvbuf(stdout, NULL, _IONBF, 0);
    run("sessions and groups", ids_child);
    run("kill to a group", kill_group_child);
    run("SIGCONT within a session", sigcont_session_child);
    if (getpid() == 1)
        run("kill(-1)", kill_all_child);
    run("stop and continue", stop_child);
    run("SIGCONT and stops discard each other", discard_child);
    run("stops in an orphaned group", orphan_stop_child);
    run("SIGHUP+SIGCONT to an orphaned group", orphan_hup_child);
    run("wait4 on groups", wait_group_child);
    run("waitid", waitid_child);
    run("SIGCHLD si_code", sigchld_child);
    run("SIGCHLD ignored, SA_NOCLDWAIT", autoreap_child);
    run("system calls across a stop", restart_child);
    /* Orphans reparented to us (as init) are reaped here. */
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    if (failures == 0)
        printf("jobctl: all ok\n");
    return failures ? 1 : 0;
}

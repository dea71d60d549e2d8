/* Credentials and the checks outside the filesystem that use them, as on
 * Linux: run as root (pid 1 on our kernel, root on the host); each test
 * drops privileges in a child of its own. Prints `FAIL: ...` for each
 * broken check and `creds: all ok` (exit 0) only when every check passes.
 *   ids       get*id in both widths; setuid, setreuid, setresuid with the
 *             saved-uid rules; the gid calls; 16-bit -1 and overflow ids
 *   fsuid     setfsuid/setfsgid return the old id, change only if allowed
 *   groups    setgroups/getgroups (sorted, counts, EINVAL, EPERM, 16-bit)
 *   exec      execve keeps the ids, resets the saved ones, fills the auxv
 *   kill      uid 1000 may not signal root (EPERM) but itself and its own;
 *             kill_ok_by_cred looks at the target's real and saved uid;
 *             rt_sigqueueinfo with a kernel si_code only to oneself
 *   reboot    EPERM for uid 1000 (a harmless CAD_OFF, were it to pass)
 *   rlimit    raising a hard limit needs root; prlimit64 on another
 *             user's process is EPERM
 *   nproc     RLIMIT_NPROC bounds a user's processes (zombies count until
 *             reaped; root is exempt); a setuid to a user over the limit
 *             fails the next execve with EAGAIN
 *   c_creds_* [TEST...]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <grp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/fsuid.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

static const char *self;

/* Uids no real account has, so the host's own processes do not count. */
#define U1 1000
#define U2 2000
#define NPROC_UID 54321

/* The 16-bit calls take the register's low half. */
#define RAW16(x) ((long)(uint16_t)(x))

static int resuid_is(uid_t r, uid_t e, uid_t s)
{
    uid_t a, b, c;
    return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

static int resgid_is(gid_t r, gid_t e, gid_t s)
{
    gid_t a, b, c;
    return getresgid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

/* The current fsuid, by a setfsuid that changes nothing. */
static uid_t fsuid(void) { return (uid_t)setfsuid((uid_t)-1); }
static gid_t fsgid(void) { return (gid_t)setfsgid((gid_t)-1); }

static void show_ids(const char *where)
{
    uid_t a, b, c;
    gid_t d, e, f;
    getresuid(&a, &b, &c);
    getresgid(&d, &e, &f);
    printf("  %s: uid %u %u %u fsuid %u, gid %u %u %u fsgid %u\n", where, a, b, c, fsuid(), d, e, f,
           fsgid());
}

#define IDS(r, e, s, what) do { if (!resuid_is(r, e, s)) { CHECK(0, "%s: want uids %d %d %d", what, (int)(r), (int)(e), (int)(s)); show_ids(what); } } while (0)

static int ids_child(void)
{
    /* Root: every id 0, in both widths. */
    CHECK(getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0, "root: ids not 0");
    CHECK(syscall(SYS_getuid) == 0 && syscall(SYS_geteuid) == 0 && syscall(SYS_getgid) == 0 &&
              syscall(SYS_getegid) == 0,
          "root: 16-bit ids not 0");
    IDS(0, 0, 0, "root");
    CHECK(setuid((uid_t)-1) == -1 && errno == EINVAL, "setuid(-1): errno %d, want EINVAL", errno);

    /* setresuid: a setuid-root program run by U1 (real U1, saved 0). */
    CHECK(setresgid(U1, U1, 0) == 0, "setresgid(U1, U1, 0): errno %d", errno);
    CHECK(resgid_is(U1, U1, 0) && fsgid() == U1, "setresgid: wrong gids");
    CHECK(setresuid(U1, U1, 0) == 0, "setresuid(U1, U1, 0): errno %d", errno);
    IDS(U1, U1, 0, "setresuid(U1, U1, 0)");
    CHECK(fsuid() == U1, "fsuid %u after setresuid, want %d", fsuid(), U1);
    CHECK(getuid() == U1 && geteuid() == U1, "getuid/geteuid after setresuid");
    /* The saved uid lets it back to 0, and away again. */
    CHECK(seteuid(0) == 0, "seteuid(0) with saved 0: errno %d", errno);
    IDS(U1, 0, 0, "seteuid(0)");
    CHECK(fsuid() == 0, "fsuid follows euid");
    CHECK(seteuid(U1) == 0, "seteuid(U1): errno %d", errno);
    /* Unprivileged setuid changes only the effective uid. */
    CHECK(setuid(0) == 0, "setuid(0) with saved 0: errno %d", errno);
    IDS(U1, 0, 0, "non-root setuid(0)");
    CHECK(seteuid(U1) == 0, "seteuid(U1) again: errno %d", errno);
    CHECK(setreuid((uid_t)-1, U2) == -1 && errno == EPERM, "setreuid(-1, U2): errno %d, want EPERM",
          errno);
    CHECK(setuid(U2) == -1 && errno == EPERM, "setuid(U2) as U1: errno %d, want EPERM", errno);
    CHECK(setresuid(U2, -1, -1) == -1 && errno == EPERM, "setresuid(U2,-1,-1): errno %d", errno);
    /* The gid rules too. */
    CHECK(setegid(0) == 0 && resgid_is(U1, 0, 0), "setegid(0) with saved 0: errno %d", errno);
    CHECK(setgid(U2) == -1 && errno == EPERM, "setgid(U2) as U1: errno %d, want EPERM", errno);
    CHECK(setregid(U1, U1) == 0 && resgid_is(U1, U1, U1), "setregid(U1, U1) drops the saved gid");
    /* Drop the saved uid: no way back. */
    CHECK(setresuid(-1, -1, U1) == 0, "setresuid(-1, -1, U1): errno %d", errno);
    IDS(U1, U1, U1, "dropped");
    CHECK(seteuid(0) == -1 && errno == EPERM, "seteuid(0) after dropping: errno %d, want EPERM", errno);
    CHECK(setuid(0) == -1 && errno == EPERM, "setuid(0) after dropping: errno %d, want EPERM", errno);
    CHECK(setresuid(-1, -1, -1) == 0, "setresuid(-1, -1, -1) as U1: errno %d", errno);
    return failures != 0;
}

static int setreuid_child(void)
{
    /* BSD style: setting the real uid also sets the saved uid to the new
     * effective one. */
    CHECK(setreuid(U1, U2) == 0, "setreuid(U1, U2) as root: errno %d", errno);
    IDS(U1, U2, U2, "setreuid(U1, U2)");
    CHECK(fsuid() == U2, "fsuid %u after setreuid, want %d", fsuid(), U2);
    /* Swapping real and effective is allowed; saved follows. */
    CHECK(setreuid(U2, U1) == 0, "setreuid(U2, U1) swap: errno %d", errno);
    IDS(U2, U1, U1, "swapped");
    /* Effective back to the real uid only: saved kept. */
    CHECK(setreuid((uid_t)-1, U2) == 0, "setreuid(-1, U2): errno %d", errno);
    IDS(U2, U2, U1, "setreuid(-1, real)");
    CHECK(setreuid(3000, (uid_t)-1) == -1 && errno == EPERM, "setreuid(3000, -1): errno %d", errno);
    return failures != 0;
}

static int ids16_child(void)
{
    /* 16-bit calls: 0xffff is -1; upper register bits are ignored. */
    CHECK(syscall(SYS_setresuid, RAW16(-1), RAW16(-1), RAW16(-1)) == 0, "setresuid16(-1,-1,-1): errno %d",
          errno);
    IDS(0, 0, 0, "setresuid16(-1,-1,-1)");
    CHECK(syscall(SYS_setreuid, RAW16(-1), 0x10000L | U1) == 0, "setreuid16(-1, U1|0x10000): errno %d",
          errno);
    IDS(0, U1, U1, "setreuid16(-1, U1)");
    CHECK(syscall(SYS_setuid, 0xffffL) == -1 && errno == EINVAL, "setuid16(0xffff): errno %d, want EINVAL",
          errno);
    CHECK(syscall(SYS_setresuid, 0L, 0L, 0L) == 0, "setresuid16(0, 0, 0): errno %d", errno);
    /* Ids above 65535 read as 65534 through the 16-bit calls. */
    CHECK(setresgid(70000, 70001, 3) == 0, "setresgid(70000, 70001, 3): errno %d", errno);
    CHECK(syscall(SYS_getgid) == 65534 && syscall(SYS_getegid) == 65534 && getgid() == 70000,
          "16-bit getgid: %ld %ld, 32-bit %u", syscall(SYS_getgid), syscall(SYS_getegid), getgid());
    uint16_t r = 0, e = 0, s = 0;
    CHECK(syscall(SYS_getresgid, &r, &e, &s) == 0 && r == 65534 && e == 65534 && s == 3,
          "getresgid16: %u %u %u", r, e, s);
    CHECK(syscall(SYS_setgid, RAW16(5)) == 0 && resgid_is(5, 5, 5), "setgid16(5) as root");
    CHECK(syscall(SYS_setresuid, RAW16(U1), RAW16(70000 & 0xffff), RAW16(-1)) == 0,
          "setresuid16(U1, 4464, -1): errno %d", errno);
    IDS(U1, 4464, 0, "setresuid16");
    CHECK(syscall(SYS_getuid) == U1 && syscall(SYS_geteuid) == 4464, "16-bit getuid/geteuid");
    r = e = s = 1;
    CHECK(syscall(SYS_getresuid, &r, &e, &s) == 0 && r == U1 && e == 4464 && s == 0,
          "getresuid16: %u %u %u", r, e, s);
    CHECK(syscall(SYS_getresuid, &r, &e, (void *)8) == -1 && errno == EFAULT, "getresuid16 to a bad pointer");
    /* Back to root through the saved uid, with the 16-bit setuid. */
    CHECK(syscall(SYS_setuid, 0L) == 0, "setuid16(0) with saved 0: errno %d", errno);
    IDS(U1, 0, 0, "setuid16(0)");
    CHECK(syscall(SYS_setresuid, 0xffffL, 70000L, 0xffffL) == 0, "setresuid16(-1, 4464, -1)");
    CHECK(syscall(SYS_setreuid, 0xffffL, 0L) == 0, "setreuid16(-1, 0): errno %d", errno);
    CHECK(setresuid(70000, 70000, 70000) == 0, "setresuid(70000...) as root: errno %d", errno);
    CHECK(syscall(SYS_getuid) == 65534 && getuid() == 70000, "16-bit getuid of 70000: %ld",
          syscall(SYS_getuid));
    return failures != 0;
}

static int fsuid_child(void)
{
    /* setfsuid returns the old fsuid, changed or not. */
    CHECK(setfsuid(U1) == 0, "setfsuid(U1) as root did not return 0");
    CHECK(fsuid() == U1, "fsuid %u, want %d", fsuid(), U1);
    IDS(0, 0, 0, "setfsuid leaves the others");
    CHECK(setfsuid(0) == U1 && fsuid() == 0, "setfsuid(0) back");
    CHECK(syscall(SYS_setfsuid, RAW16(U2)) == 0 && fsuid() == U2, "setfsuid16(U2)");
    CHECK(syscall(SYS_setfsuid, 0xffffL) == U2, "setfsuid16(-1) reports the fsuid");
    /* seteuid resets it to the new euid. */
    CHECK(seteuid(0) == 0 && fsuid() == 0, "seteuid(0) resets fsuid");
    CHECK(setfsgid(U1) == 0 && fsgid() == U1, "setfsgid(U1) as root");
    CHECK(setresuid(U1, U1, U2) == 0, "setresuid(U1, U1, U2): errno %d", errno);
    /* Unprivileged: only to one of its uids. */
    CHECK(setfsuid(0) == U1 && fsuid() == U1, "setfsuid(0) as U1 changed it");
    CHECK(setfsuid(3000) == U1 && fsuid() == U1, "setfsuid(3000) as U1 changed it");
    CHECK(setfsuid(U2) == U1 && fsuid() == U2, "setfsuid(saved) as U1 refused");
    CHECK(setfsgid(0) == U1 && fsgid() == 0, "setfsgid(real gid 0) refused");
    CHECK(setfsgid(3000) == 0 && fsgid() == 0, "setfsgid(3000) as U1 changed it");
    /* setresuid's no-op shortcut keeps a different fsuid... */
    CHECK(setresuid(-1, -1, -1) == 0 && fsuid() == U2, "setresuid(-1,-1,-1) changed the fsuid");
    /* ...but naming the euid resets it. */
    CHECK(setresuid(-1, U1, -1) == 0 && fsuid() == U1, "setresuid(-1, U1, -1) left fsuid %u", fsuid());
    return failures != 0;
}

static int groups_child(void)
{
    gid_t set[] = {30, 10, 20, 10}, got[8] = {0};
    CHECK(setgroups(4, set) == 0, "setgroups(4) as root: errno %d", errno);
    CHECK(getgroups(0, NULL) == 4, "getgroups(0, NULL) = %d, want 4", getgroups(0, NULL));
    CHECK(getgroups(3, got) == -1 && errno == EINVAL, "getgroups(3) of 4: errno %d, want EINVAL", errno);
    CHECK(syscall(SYS_getgroups32, -1, got) == -1 && errno == EINVAL, "getgroups(-1): errno %d, want EINVAL",
          errno);
    int n = getgroups(8, got);
    CHECK(n == 4 && got[0] == 10 && got[1] == 10 && got[2] == 20 && got[3] == 30,
          "getgroups: %d groups %u %u %u %u, want 10 10 20 30 (sorted)", n, got[0], got[1], got[2], got[3]);
    CHECK(syscall(SYS_getgroups32, 8, (gid_t *)8) == -1 && errno == EFAULT, "getgroups to a bad pointer: errno %d",
          errno);
    gid_t bad[] = {1, (gid_t)-1};
    CHECK(setgroups(2, bad) == -1 && errno == EINVAL, "setgroups with -1: errno %d, want EINVAL", errno);
    CHECK(syscall(SYS_setgroups32, 65537, set) == -1 && errno == EINVAL, "setgroups(65537): errno %d", errno);
    CHECK(syscall(SYS_setgroups32, -1, set) == -1 && errno == EINVAL, "setgroups(-1): errno %d", errno);
    CHECK(getgroups(0, NULL) == 4, "a failed setgroups changed the groups");
    /* 16-bit forms. */
    uint16_t small[] = {7, 0xffff}, out16[4] = {0};
    CHECK(syscall(SYS_setgroups, 2, small) == -1 && errno == EINVAL, "setgroups16 with 0xffff: errno %d",
          errno);
    CHECK(syscall(SYS_setgroups, 1, small) == 0 && getgroups(8, got) == 1 && got[0] == 7, "setgroups16({7})");
    gid_t big[] = {70000, 3};
    CHECK(setgroups(2, big) == 0, "setgroups({70000, 3}): errno %d", errno);
    CHECK(syscall(SYS_getgroups, 4, out16) == 2 && out16[0] == 3 && out16[1] == 65534,
          "getgroups16: %u %u, want 3 65534", out16[0], out16[1]);
    CHECK(syscall(SYS_getgroups, 0, NULL) == 2, "getgroups16(0, NULL)");
    CHECK(setgroups(0, NULL) == 0 && getgroups(0, NULL) == 0, "setgroups(0, NULL) clears");
    /* Not root: EPERM, even to set the same. */
    CHECK(setgroups(1, set) == 0, "setgroups(1) as root: errno %d", errno);
    CHECK(setresuid(U1, U1, U1) == 0, "setresuid(U1...): errno %d", errno);
    CHECK(setgroups(0, NULL) == -1 && errno == EPERM, "setgroups as U1: errno %d, want EPERM", errno);
    CHECK(syscall(SYS_setgroups, 0, NULL) == -1 && errno == EPERM, "setgroups16 as U1: errno %d", errno);
    CHECK(getgroups(8, got) == 1 && got[0] == 30, "groups kept after setuid");
    return failures != 0;
}

/* The exec'd side of `exec`: report the ids it runs with. */
static int exec_report(void)
{
    IDS(U1, U1, U1, "after execve (saved uid = euid)");
    CHECK(resgid_is(U2, U2, U2), "after execve: gids not U2 U2 U2");
    CHECK(fsuid() == U1 && fsgid() == U2, "after execve: fsuid %u fsgid %u", fsuid(), fsgid());
    CHECK(getauxval(AT_UID) == U1 && getauxval(AT_EUID) == U1 && getauxval(AT_GID) == U2 &&
              getauxval(AT_EGID) == U2,
          "auxv ids %lu %lu %lu %lu", getauxval(AT_UID), getauxval(AT_EUID), getauxval(AT_GID),
          getauxval(AT_EGID));
    CHECK(getauxval(AT_SECURE) == 0, "AT_SECURE %lu for a plain execve", getauxval(AT_SECURE));
    gid_t g[4];
    CHECK(getgroups(4, g) == 1 && g[0] == 44, "groups not kept across execve");
    return failures != 0;
}

static int exec_child(void)
{
    gid_t g = 44;
    if (setgroups(1, &g) < 0 || setresgid(U2, U2, 0) < 0 || setresuid(U1, U1, 0) < 0)
        return 90;
    setfsuid(0); /* allowed (saved uid 0); execve resets it to the euid */
    char *argv[] = {(char *)self, "--exec-report", NULL}, *envp[] = {NULL};
    execve(self, argv, envp);
    return 91;
}

/* A child that sets its uids as asked, tells us on `fd`, and waits to be
 * killed. */
static pid_t sleeper(uid_t r, uid_t e, uid_t s)
{
    int p[2];
    if (pipe(p) < 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        if (setresuid(r, e, s) < 0)
            _exit(1);
        (void)write(p[1], "x", 1);
        for (;;)
            pause();
    }
    close(p[1]);
    char c;
    if (pid < 0 || read(p[0], &c, 1) != 1) {
        close(p[0]);
        return -1;
    }
    close(p[0]);
    return pid;
}

static void reap(pid_t pid)
{
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

static pid_t root_pid, real_u1_pid, saved_u1_pid, eff_u1_pid;
static volatile sig_atomic_t queued;
static void on_usr1(int sig, siginfo_t *si, void *uc)
{
    (void)sig;
    (void)uc;
    queued = si->si_code == SI_QUEUE ? si->si_value.sival_int : -1;
}

static int kill_child(void)
{
    CHECK(setresuid(U1, U1, U1) == 0, "setresuid(U1...): errno %d", errno);
    CHECK(kill(root_pid, 0) == -1 && errno == EPERM, "kill(root, 0) as U1: errno %d, want EPERM", errno);
    CHECK(kill(root_pid, SIGKILL) == -1 && errno == EPERM, "kill(root, SIGKILL) as U1: errno %d", errno);
    CHECK(kill(getppid(), SIGTERM) == -1 && errno == EPERM, "kill(root parent) as U1: errno %d", errno);
    CHECK(syscall(SYS_tkill, root_pid, SIGTERM) == -1 && errno == EPERM, "tkill(root) as U1: errno %d",
          errno);
    CHECK(syscall(SYS_tgkill, root_pid, root_pid, SIGTERM) == -1 && errno == EPERM,
          "tgkill(root) as U1: errno %d", errno);
    union sigval v = {.sival_int = 7};
    CHECK(sigqueue(root_pid, SIGUSR1, v) == -1 && errno == EPERM, "sigqueue(root) as U1: errno %d", errno);
    /* The target's real or saved uid decides, not its effective one. */
    CHECK(kill(real_u1_pid, 0) == 0, "kill(real uid U1, 0): errno %d", errno);
    CHECK(kill(saved_u1_pid, 0) == 0, "kill(saved uid U1, 0): errno %d", errno);
    CHECK(kill(eff_u1_pid, 0) == -1 && errno == EPERM, "kill(only euid U1, 0): errno %d, want EPERM", errno);
    /* No such process comes before permission and signal number. */
    CHECK(kill(99999, 0) == -1 && errno == ESRCH, "kill(99999, 0): errno %d", errno);
    CHECK(kill(root_pid, 999) == -1 && errno == EINVAL, "kill(root, 999): errno %d, want EINVAL", errno);
    /* Itself and its own children. */
    CHECK(kill(getpid(), 0) == 0, "kill(self, 0) as U1: errno %d", errno);
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_usr1;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    CHECK(sigqueue(getpid(), SIGUSR1, v) == 0 && queued == 7, "sigqueue(self): errno %d, got %d", errno,
          (int)queued);
    pid_t own = fork();
    if (own == 0) {
        for (;;)
            pause();
    }
    CHECK(own > 0 && kill(own, SIGKILL) == 0, "kill(own child) as U1: errno %d", errno);
    int st = 0;
    waitpid(own, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "own child status %#x", st);
    return failures != 0;
}

static void test_kill(void)
{
    root_pid = sleeper(0, 0, 0);
    real_u1_pid = sleeper(U1, U2, U2);
    saved_u1_pid = sleeper(U2, U2, U1);
    eff_u1_pid = sleeper(U2, U1, U2);
    CHECK(root_pid > 0 && real_u1_pid > 0 && saved_u1_pid > 0 && eff_u1_pid > 0, "kill: sleepers");
    int st = in_child(kill_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "kill: child status %#x", st);
    /* Root may signal anyone; even root may not forge a kernel siginfo
     * for another process. */
    siginfo_t si;
    memset(&si, 0, sizeof si);
    si.si_signo = SIGUSR1;
    si.si_code = SI_USER;
    CHECK(syscall(SYS_rt_sigqueueinfo, root_pid, SIGUSR1, &si) == -1 && errno == EPERM,
          "rt_sigqueueinfo(other, SI_USER) as root: errno %d, want EPERM", errno);
    CHECK(kill(eff_u1_pid, 0) == 0, "kill(U1's, 0) as root: errno %d", errno);
    reap(root_pid);
    reap(real_u1_pid);
    reap(saved_u1_pid);
    reap(eff_u1_pid);
}

static int reboot_child(void)
{
    CHECK(setresuid(U1, U1, U1) == 0, "setresuid(U1...): errno %d", errno);
    /* 0xfee1dead, 672274793, LINUX_REBOOT_CMD_CAD_OFF: harmless even if
     * it were let through. */
    CHECK(syscall(SYS_reboot, 0xfee1deadL, 672274793L, 0L, NULL) == -1 && errno == EPERM,
          "reboot(CAD_OFF) as U1: errno %d, want EPERM", errno);
    /* Permission comes before the magic numbers. */
    CHECK(syscall(SYS_reboot, 1L, 2L, 0L, NULL) == -1 && errno == EPERM, "reboot(bad magic) as U1: errno %d",
          errno);
    return failures != 0;
}

/* Does this process have capability `cap` in its effective set? Where
 * there is no capget (our kernel), root has them all. */
static int has_cap(int cap)
{
    struct {
        uint32_t version;
        int pid;
    } hdr = {0x20080522, 0}; /* _LINUX_CAPABILITY_VERSION_3 */
    struct {
        uint32_t effective, permitted, inheritable;
    } data[2];
    if (syscall(SYS_capget, &hdr, data) < 0)
        return errno == ENOSYS && geteuid() == 0;
    return (data[cap / 32].effective >> (cap % 32)) & 1;
}

static int rlimit_child(void)
{
    struct rlimit r, lo;
    getrlimit(RLIMIT_NOFILE, &r);
    /* Root may lower and raise a hard limit (CAP_SYS_RESOURCE, which a
     * container's root may lack). */
    lo.rlim_cur = lo.rlim_max = 64;
    CHECK(setrlimit(RLIMIT_NOFILE, &lo) == 0, "root: lower RLIMIT_NOFILE: errno %d", errno);
    if (has_cap(24 /* CAP_SYS_RESOURCE */))
        CHECK(setrlimit(RLIMIT_NOFILE, &r) == 0, "root: raise RLIMIT_NOFILE back: errno %d", errno);
    else
        printf("  (no CAP_SYS_RESOURCE here: root's raise not checked)\n");
    CHECK(setrlimit(RLIMIT_NOFILE, &lo) == 0, "root: lower RLIMIT_NOFILE again: errno %d", errno);
    CHECK(setresuid(U1, U1, U1) == 0, "setresuid(U1...): errno %d", errno);
    /* Non-root: the soft limit moves freely below the hard one... */
    struct rlimit soft = {.rlim_cur = 32, .rlim_max = 64};
    CHECK(setrlimit(RLIMIT_NOFILE, &soft) == 0, "U1: lower the soft limit: errno %d", errno);
    soft.rlim_cur = 64;
    CHECK(setrlimit(RLIMIT_NOFILE, &soft) == 0, "U1: raise the soft limit to the hard: errno %d", errno);
    /* ...and the hard one only down. */
    struct rlimit up = {.rlim_cur = 64, .rlim_max = 65};
    CHECK(setrlimit(RLIMIT_NOFILE, &up) == -1 && errno == EPERM, "U1: raise the hard limit: errno %d, want EPERM",
          errno);
    CHECK(prlimit(0, RLIMIT_NOFILE, &up, NULL) == -1 && errno == EPERM, "U1: prlimit raise: errno %d", errno);
    up.rlim_max = 60;
    up.rlim_cur = 60;
    CHECK(setrlimit(RLIMIT_NOFILE, &up) == 0, "U1: lower the hard limit: errno %d", errno);
    /* Another user's process: EPERM, even to read; our own: fine. */
    struct rlimit old;
    CHECK(prlimit(getppid(), RLIMIT_NOFILE, NULL, &old) == -1 && errno == EPERM,
          "U1: prlimit(root parent): errno %d, want EPERM", errno);
    CHECK(prlimit(getpid(), RLIMIT_NOFILE, NULL, &old) == 0 && old.rlim_max == 60, "U1: prlimit(self)");
    return failures != 0;
}

/* Fork children that wait, until fork fails; return how many it made and
 * store the pids. */
static int fork_until_fail(pid_t *pids, int max, int *err)
{
    int n = 0;
    *err = 0;
    while (n < max) {
        pid_t p = fork();
        if (p == 0) {
            for (;;)
                pause();
        }
        if (p < 0) {
            *err = errno;
            break;
        }
        pids[n++] = p;
    }
    return n;
}

static int nproc_child(void)
{
    pid_t pids[8];
    int err;
    struct rlimit lim = {.rlim_cur = 3, .rlim_max = 3};
    CHECK(setrlimit(RLIMIT_NPROC, &lim) == 0, "setrlimit(RLIMIT_NPROC, 3): errno %d", errno);
    /* Root is exempt. */
    int n = fork_until_fail(pids, 4, &err);
    CHECK(n == 4, "root under RLIMIT_NPROC 3: %d forks (errno %d), want 4", n, err);
    for (int i = 0; i < n; i++)
        reap(pids[i]);
    /* So is an effective root (CAP_SYS_RESOURCE). */
    CHECK(setresuid(NPROC_UID, 0, 0) == 0, "setresuid(NPROC_UID, 0, 0): errno %d", errno);
    n = fork_until_fail(pids, 4, &err);
    CHECK(n == 4, "euid 0 under RLIMIT_NPROC 3: %d forks (errno %d), want 4", n, err);
    for (int i = 0; i < n; i++)
        reap(pids[i]);
    /* A user: itself and two more. */
    CHECK(setresuid(NPROC_UID, NPROC_UID, NPROC_UID) == 0, "setresuid(NPROC_UID...): errno %d", errno);
    n = fork_until_fail(pids, 4, &err);
    CHECK(n == 2 && err == EAGAIN, "NPROC_UID under RLIMIT_NPROC 3: %d forks, errno %d; want 2, EAGAIN", n,
          err);
    /* A zombie counts until reaped. */
    if (n == 2) {
        kill(pids[0], SIGKILL);
        pid_t p = fork();
        if (p == 0)
            _exit(0);
        CHECK(p == -1 && errno == EAGAIN, "fork with an unreaped zombie: %d, errno %d", p, errno);
        if (p > 0)
            waitpid(p, NULL, 0);
        waitpid(pids[0], NULL, 0);
        p = fork();
        if (p == 0)
            _exit(0);
        CHECK(p > 0, "fork after reaping: errno %d", errno);
        if (p > 0)
            waitpid(p, NULL, 0);
        pids[0] = -1;
    }
    for (int i = 0; i < n; i++)
        reap(pids[i]);
    return failures != 0;
}

/* setuid to a user over RLIMIT_NPROC succeeds; the next execve fails. */
static int nproc_exec_child(void)
{
    pid_t a = sleeper(NPROC_UID, NPROC_UID, NPROC_UID), b = sleeper(NPROC_UID, NPROC_UID, NPROC_UID);
    CHECK(a > 0 && b > 0, "nproc-exec: sleepers");
    struct rlimit lim = {.rlim_cur = 1, .rlim_max = 1};
    CHECK(setrlimit(RLIMIT_NPROC, &lim) == 0, "setrlimit(RLIMIT_NPROC, 1): errno %d", errno);
    /* Linux keeps 0 in the saved uid here so that we can clean up. */
    CHECK(setresuid(NPROC_UID, NPROC_UID, 0) == 0, "setresuid over the limit: errno %d", errno);
    char *argv[] = {(char *)self, "--exit0", NULL}, *envp[] = {NULL};
    errno = 0;
    execve(self, argv, envp);
    CHECK(errno == EAGAIN, "execve over RLIMIT_NPROC: errno %d, want EAGAIN", errno);
    pid_t p = fork();
    if (p == 0)
        _exit(0);
    CHECK(p == -1 && errno == EAGAIN, "fork over RLIMIT_NPROC: %d, errno %d", p, errno);
    CHECK(seteuid(0) == 0, "seteuid(0): errno %d", errno);
    reap(a);
    reap(b);
    return failures != 0;
}

/* Each runs in a child, which counts only its own failures. */
#define CHILD_TEST(name, fn) \
    static int fresh_##name(void) { failures = 0; return fn(); } \
    static void test_##name(void) { int st = in_child(fresh_##name); CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, #name ": child status %#x", st); }
CHILD_TEST(ids, ids_child)
CHILD_TEST(setreuid, setreuid_child)
CHILD_TEST(ids16, ids16_child)
CHILD_TEST(fsuid, fsuid_child)
CHILD_TEST(groups, groups_child)
CHILD_TEST(exec, exec_child)
CHILD_TEST(reboot, reboot_child)
CHILD_TEST(rlimit, rlimit_child)
CHILD_TEST(nproc, nproc_child)
CHILD_TEST(nproc_exec, nproc_exec_child)

int main(int argc, char **argv)
{
    self = argv[0];
    if (argc > 1 && strcmp(argv[1], "--exec-report") == 0)
        return exec_report();
    if (argc > 1 && strcmp(argv[1], "--exit0") == 0)
        return 0;
    static const struct {
        const char *name;
        void (*run)(void);
    } tests[] = {{"ids", test_ids},       {"setreuid", test_setreuid}, {"ids16", test_ids16},
                 {"fsuid", test_fsuid},   {"groups", test_groups},     {"exec", test_exec},
                 {"kill", test_kill},     {"reboot", test_reboot},     {"rlimit", test_rlimit},
                 {"nproc", test_nproc},   {"nproc_exec", test_nproc_exec}};
    setvbuf(stdout, NULL, _IONBF, 0);
    if (geteuid() != 0) {
        printf("creds: must start as root\n");
        return 1;
    }
    for (unsigned t = 0; t < sizeof tests / sizeof tests[0]; t++) {
        int run = argc == 1;
        for (int i = 1; i < argc; i++)
            run |= strcmp(argv[i], tests[t].name) == 0;
        if (run) {
            printf("creds: %s\n", tests[t].name);
            tests[t].run();
        }
    }
    if (failures == 0)
        printf("creds: all ok\n");
    return failures != 0;
}

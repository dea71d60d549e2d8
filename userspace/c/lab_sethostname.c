/* Lab `sethostname` (docs/labs/sethostname.md): the checks of
 * sethostname(2), system call 74, which the kernel does not have until the
 * lab adds it. Prints `lab sethostname: checks N`, then one `check NAME: ok`
 * or `check NAME: FAIL ...` line per check; scripts/grade counts them.
 * Validated on Linux as root in a UTS namespace (`unshare -u`), so that the
 * host's name is untouched; it puts the original name back at the end. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

static void check(const char *name, int ok, long got, int err)
{
    if (ok)
        printf("check %s: ok\n", name);
    else
        printf("check %s: FAIL (got %ld, errno %d)\n", name, got, err);
}

/* sethostname(2) by number, so that `len` reaches the kernel as given
 * (the C libraries' wrappers take a size_t). */
static long set(const void *name, long len)
{
    return syscall(SYS_sethostname, name, len);
}

/* uname(2)'s nodename, or "?uname failed". */
static const char *nodename(void)
{
    static struct utsname u;
    if (uname(&u) != 0)
        return "?uname failed";
    return u.nodename;
}

/* In a child that is no longer root: sethostname must be EPERM, and EPERM
 * before the length is looked at (Linux checks CAP_SYS_ADMIN first). Exit
 * status 0 if so, else a code saying what went wrong. */
static int unprivileged(void)
{
    if (setgid(1000) != 0 || setuid(1000) != 0)
        return 10;
    errno = 0;
    if (set("intruder", 8) != -1 || errno != EPERM)
        return 11;
    char big[80];
    memset(big, 'y', sizeof(big));
    errno = 0;
    if (set(big, 65) != -1 || errno != EPERM)
        return 12;
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("lab sethostname: checks 7\n");
    char orig[65] = {0};
    snprintf(orig, sizeof(orig), "%s", nodename());

    /* A name set is the name uname(2) reports. */
    errno = 0;
    long r = set("lab-host", 8);
    int err = errno;
    check("uname", r == 0 && strcmp(nodename(), "lab-host") == 0, r, err);

    /* gethostname(3) reads it through uname(2) in both C libraries. */
    char got[128];
    memset(got, 'x', sizeof(got));
    errno = 0;
    long g = gethostname(got, sizeof(got));
    err = errno;
    check("gethostname", r == 0 && g == 0 && strcmp(got, "lab-host") == 0, r ? r : g, err);

    /* 64 bytes (__NEW_UTS_LEN) is the longest; nodename has room for the NUL. */
    char max[65];
    memset(max, 'm', 64);
    max[64] = 0;
    errno = 0;
    r = set(max, 64);
    err = errno;
    check("max-len", r == 0 && strcmp(nodename(), max) == 0, r, err);

    /* One more byte, or a negative length, is EINVAL; the name stays. */
    char big[80];
    memset(big, 'z', sizeof(big));
    errno = 0;
    r = set(big, 65);
    err = errno;
    long r2 = 0;
    int err2 = 0;
    if (r == -1 && err == EINVAL) {
        errno = 0;
        r2 = set(big, -1);
        err2 = errno;
    }
    check("einval", r == -1 && err == EINVAL && r2 == -1 && err2 == EINVAL &&
                        strcmp(nodename(), max) == 0,
          r2 ? r2 : r, err2 ? err2 : err);

    /* A name the process cannot read is EFAULT; the name stays. */
    set("before-efault", 13);
    errno = 0;
    r = set((void *)16, 5);
    err = errno;
    check("efault", r == -1 && err == EFAULT && strcmp(nodename(), "before-efault") == 0, r, err);

    /* Only root (CAP_SYS_ADMIN) may; the name stays. */
    int st = -1;
    r = set("root-set", 8);
    if (r == 0) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0)
            _exit(unprivileged());
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
    }
    check("eperm", r == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 &&
                       strcmp(nodename(), "root-set") == 0,
          r ? r : (WIFEXITED(st) ? WEXITSTATUS(st) : -st), 0);

    /* Length 0 sets the empty name (and reads nothing from the pointer). */
    errno = 0;
    r = set("ignored", 0);
    err = errno;
    check("empty", r == 0 && nodename()[0] == 0, r, err);

    set(orig, (long)strlen(orig));
    return 0;
}

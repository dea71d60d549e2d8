/* Credentials and permission checks, checked against what Linux does. Must
 * start as root. Sets up /tmp/vfs_perm.PID (root's, 0755) holding a 0644 and
 * a 0600 root file and a few more, then runs each group in a child. Prints
 * `FAIL: ...` for each broken check and `vfs_perm: all ok` (exit 0) only when
 * every check passes.
 *   user    a child drops to uid/gid 1000 (setgroups(0), setgid, setuid;
 *           getresuid/getresgid/getgroups after) and then: reading the 0644
 *           file works, writing it (open, truncate) is EACCES, reading the
 *           0600 file is EACCES, creating or deleting in the root 0755 dir
 *           is EACCES, creating in the sticky /tmp works (owned 1000:1000),
 *           deleting or renaming root's file there is EPERM, access() and
 *           faccessat() agree with open(), owner bits win over group/other
 *           ones (a 0077 file of one's own is EACCES), a 0700 dir blocks
 *           lookups and a 0711 one only listing; kill(1, 0) and kill(parent,
 *           0) are EPERM, mount and reboot are EPERM, setuid(0), setgid(0),
 *           setgroups are EPERM; chown of one's own file to another uid or
 *           to a group one is not in is EPERM, chmod/chown of root's file is
 *           EPERM, explicit utimensat times on root's file EPERM, "now"
 *           EACCES;
 *   groups  as root, setgroups/getgroups (EINVAL for a short list); after
 *           setgid/setuid(1000) the supplementary groups stay and give group
 *           access (0640 root:20), group bits win over other bits (0604
 *           root:20 is EACCES), chown to a supplementary group works;
 *   resuid  setresuid/getresuid with the saved uid: back to euid 0 through
 *           the saved uid, EPERM for an id that is none of real/effective/
 *           saved, setuid as euid 0 sets all three; access() checks the real
 *           uid while open() uses the effective one;
 *   fsuid   setfsuid returns the previous fsuid (setfsuid(-1) only asks); a
 *           root process with fsuid 1000 is refused the 0600 file and
 *           creates files owned by 1000; seteuid moves the fsuid too;
 *   root    root reads and writes a 0000 file, but access(X_OK) of a file
 *           with no x bit is EACCES.
 * If /tmp is not mode 1777 here, a sticky directory of our own stands in.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_common.h"

#define USER 1000

static char base[64], sticky[96], rootfile[128], userfile[128];

static void (*group_fn)(void);
static int group_child(void)
{
    failures = 0;
    group_fn();
    fflush(stdout);
    return failures != 0;
}
static void group(const char *name, void (*f)(void))
{
    group_fn = f;
    int st = in_child(group_child);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "group %s failed (status %#x)", name, st);
}

/* errno of a call that must fail; 0 if it succeeded. */
#define ERR(call) (errno = 0, (call) == -1 ? errno : 0)

static void make(const char *path, const char *text, mode_t mode, uid_t uid, gid_t gid)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);
    CHECK(fd >= 0 && write(fd, text, strlen(text)) == (ssize_t)strlen(text), "making %s failed, errno %d", path, errno);
    close(fd);
    CHECK(chown(path, uid, gid) == 0 && chmod(path, mode) == 0, "chown/chmod %s failed, errno %d", path, errno);
}

static int ids_are(uid_t r, uid_t e, uid_t s)
{
    uid_t a, b, c;
    return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

static void show_ids(const char *when)
{
    uid_t a = 0, b = 0, c = 0;
    getresuid(&a, &b, &c);
    printf("  %s: resuid %u %u %u\n", when, (unsigned)a, (unsigned)b, (unsigned)c);
}

static void g_user(void)
{
    CHECK(setgroups(0, NULL) == 0 && setgid(USER) == 0 && setuid(USER) == 0, "dropping to %d failed, errno %d", USER,
          errno);
    gid_t g1, g2, g3;
    CHECK(ids_are(USER, USER, USER), "getresuid after setuid(%d) is wrong", USER);
    CHECK(getresgid(&g1, &g2, &g3) == 0 && g1 == USER && g2 == USER && g3 == USER, "getresgid: %u %u %u",
          (unsigned)g1, (unsigned)g2, (unsigned)g3);
    CHECK(getgroups(0, NULL) == 0, "getgroups after setgroups(0) = %d", getgroups(0, NULL));
    if (geteuid() == 0)
        return; /* the rest must not run as root */

    char buf[16] = {0};
    int fd = open("pub", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 6 && memcmp(buf, "public", 6) == 0,
          "reading the 0644 file failed, errno %d", errno);
    close(fd);
    CHECK(ERR(open("pub", O_WRONLY)) == EACCES, "open(0644, O_WRONLY): errno %d, expected EACCES", errno);
    CHECK(ERR(open("pub", O_RDWR)) == EACCES, "open(0644, O_RDWR): errno %d, expected EACCES", errno);
    CHECK(ERR(truncate("pub", 0)) == EACCES, "truncate(0644): errno %d, expected EACCES", errno);
    CHECK(ERR(open("priv", O_RDONLY)) == EACCES, "open(0600, O_RDONLY): errno %d, expected EACCES", errno);
    CHECK(ERR(open("new", O_CREAT | O_WRONLY, 0644)) == EACCES, "create in a root 0755 dir: errno %d, want EACCES",
          errno);
    CHECK(ERR(mkdir("newdir", 0755)) == EACCES, "mkdir in a root 0755 dir: errno %d, want EACCES", errno);
    CHECK(ERR(unlink("pub")) == EACCES, "unlink in a root 0755 dir: errno %d, want EACCES", errno);
    CHECK(ERR(rename("pub", "pub2")) == EACCES, "rename in a root 0755 dir: errno %d, want EACCES", errno);

    /* access() and faccessat() say what open() does. */
    static const struct {
        const char *path;
        int mode, err;
    } acc[] = {{"pub", R_OK, 0},       {"pub", W_OK, EACCES},  {"pub", F_OK, 0},  {"priv", R_OK, EACCES},
               {".", W_OK, EACCES},    {".", R_OK | X_OK, 0},  {"pub", X_OK, EACCES}};
    for (unsigned i = 0; i < sizeof acc / sizeof acc[0]; i++) {
        int a = ERR(access(acc[i].path, acc[i].mode)), b = ERR(faccessat(AT_FDCWD, acc[i].path, acc[i].mode, 0));
        CHECK(a == acc[i].err && b == acc[i].err, "access(%s, %d): errno %d, faccessat errno %d, expected %d",
              acc[i].path, acc[i].mode, a, b, acc[i].err);
    }

    /* The sticky dir: create works, root's file can be written (0666)
     * but not removed or renamed. */
    fd = open(userfile, O_CREAT | O_EXCL | O_WRONLY, 0644);
    struct stat st;
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == USER && st.st_gid == USER,
          "create in the sticky dir %s: fd %d errno %d, owner %u:%u", sticky, fd, errno, (unsigned)st.st_uid,
          (unsigned)st.st_gid);
    close(fd);
    fd = open(rootfile, O_WRONLY);
    CHECK(fd >= 0, "writing root's 0666 file failed, errno %d", errno);
    close(fd);
    CHECK(ERR(unlink(rootfile)) == EPERM, "unlink of root's file in a sticky dir: errno %d, expected EPERM", errno);
    char other[160];
    snprintf(other, sizeof other, "%s.moved", rootfile);
    CHECK(ERR(rename(rootfile, other)) == EPERM, "rename of root's file in a sticky dir: errno %d, want EPERM", errno);

    /* Ownership changes. */
    CHECK(ERR(chown(userfile, USER + 1, -1)) == EPERM, "chown of own file to uid %d: errno %d, expected EPERM",
          USER + 1, errno);
    CHECK(ERR(chown(userfile, -1, 0)) == EPERM, "chown of own file to a foreign group: errno %d, want EPERM", errno);
    CHECK(chown(userfile, USER, USER) == 0, "chown of own file to itself failed, errno %d", errno);
    CHECK(chmod(userfile, 0600) == 0, "chmod of own file failed, errno %d", errno);
    CHECK(ERR(chmod("pub", 0666)) == EPERM, "chmod of root's file: errno %d, expected EPERM", errno);
    CHECK(ERR(chown("pub", USER, -1)) == EPERM, "chown of root's file: errno %d, expected EPERM", errno);
    struct timespec tv[2] = {{1000000000, 0}, {1000000000, 0}};
    CHECK(ERR(utimensat(AT_FDCWD, "pub", tv, 0)) == EPERM, "utimensat(times) on root's file: errno %d, want EPERM",
          errno);
    CHECK(ERR(utimensat(AT_FDCWD, "pub", NULL, 0)) == EACCES, "utimensat(now) on root's file: errno %d, want EACCES",
          errno);

    /* Owner bits win: our own 0077 file is closed to us. */
    CHECK(ERR(open("mine0077", O_RDONLY)) == EACCES, "own 0077 file: errno %d, expected EACCES", errno);
    CHECK(chmod("mine0077", 0477) == 0 && (fd = open("mine0077", O_RDONLY)) >= 0,
          "own file after chmod 0477: errno %d", errno);
    close(fd);
    /* A 0700 dir: no lookups; a 0711 dir: lookups but no listing. */
    CHECK(ERR(stat("closed/in", &st)) == EACCES, "stat inside a root 0700 dir: errno %d, expected EACCES", errno);
    CHECK(ERR(chdir("closed")) == EACCES, "chdir into a root 0700 dir: errno %d, expected EACCES", errno);
    CHECK((fd = open("search/known", O_RDONLY)) >= 0, "open inside a 0711 dir failed, errno %d", errno);
    close(fd);
    CHECK(ERR(open("search", O_RDONLY | O_DIRECTORY)) == EACCES, "listing a 0711 dir: errno %d, expected EACCES",
          errno);

    /* Other processes, and the system. */
    CHECK(kill(getpid(), 0) == 0, "kill(self, 0) failed, errno %d", errno);
    CHECK(ERR(kill(1, 0)) == EPERM, "kill(1, 0): errno %d, expected EPERM", errno);
    CHECK(ERR(kill(getppid(), 0)) == EPERM, "kill(root parent, 0): errno %d, expected EPERM", errno);
    CHECK(ERR(mount("none", "mnt", "tmpfs", 0, NULL)) == EPERM, "mount: errno %d, expected EPERM", errno);
    /* RB_DISABLE_CAD is harmless even if it were allowed. */
    CHECK(ERR(reboot(RB_DISABLE_CAD)) == EPERM, "reboot: errno %d, expected EPERM", errno);
    CHECK(ERR(setuid(0)) == EPERM, "setuid(0): errno %d, expected EPERM", errno);
    CHECK(ERR(setgid(0)) == EPERM, "setgid(0): errno %d, expected EPERM", errno);
    CHECK(ERR(setresuid(-1, 0, -1)) == EPERM, "setresuid(-1, 0, -1): errno %d, expected EPERM", errno);
    gid_t g = USER;
    CHECK(ERR(setgroups(1, &g)) == EPERM, "setgroups: errno %d, expected EPERM", errno);
    CHECK(ids_are(USER, USER, USER), "a refused call changed our ids");
    CHECK(unlink(userfile) == 0, "unlink of own file in a sticky dir failed, errno %d", errno);
}

static void g_groups(void)
{
    gid_t set[3] = {10, 20, 30}, got[8] = {0};
    CHECK(setgroups(3, set) == 0, "setgroups(3) failed, errno %d", errno);
    CHECK(getgroups(0, NULL) == 3, "getgroups(0, NULL) = %d, expected 3", getgroups(0, NULL));
    CHECK(getgroups(8, got) == 3 && got[0] == 10 && got[1] == 20 && got[2] == 30, "getgroups: %u %u %u",
          (unsigned)got[0], (unsigned)got[1], (unsigned)got[2]);
    CHECK(ERR(getgroups(2, got)) == EINVAL, "getgroups(2) with 3 groups: errno %d, expected EINVAL", errno);
    CHECK(setgid(USER) == 0 && setuid(USER) == 0, "setgid/setuid(%d) failed, errno %d", USER, errno);
    CHECK(getgroups(8, got) == 3 && got[1] == 20, "setuid dropped the supplementary groups");
    if (geteuid() == 0)
        return;
    int fd = open("grp0640", O_RDONLY);
    CHECK(fd >= 0, "a 0640 root:20 file with group 20: errno %d", errno);
    close(fd);
    CHECK(ERR(open("grp0640", O_WRONLY)) == EACCES, "writing a 0640 root:20 file: errno %d, expected EACCES", errno);
    CHECK(ERR(open("grp0604", O_RDONLY)) == EACCES, "a 0604 root:20 file with group 20: errno %d, expected EACCES",
          errno);
    fd = open(userfile, O_CREAT | O_EXCL | O_WRONLY, 0644);
    close(fd);
    struct stat st;
    CHECK(chown(userfile, -1, 20) == 0 && stat(userfile, &st) == 0 && st.st_gid == 20,
          "chown of own file to a supplementary group failed, errno %d", errno);
    unlink(userfile);
}

static void g_resuid(void)
{
    /* Real 1000, effective 0: open() goes by the effective uid, access()
     * by the real one. */
    CHECK(setresuid(USER, 0, 0) == 0 && ids_are(USER, 0, 0), "setresuid(%d, 0, 0) failed, errno %d", USER, errno);
    int fd = open("priv", O_RDONLY);
    CHECK(fd >= 0, "open(0600) with euid 0 failed, errno %d", errno);
    close(fd);
    CHECK(ERR(access("priv", R_OK)) == EACCES, "access(0600) with ruid %d: errno %d, expected EACCES", USER, errno);

    CHECK(setresuid(USER, USER + 1, 0) == 0 && ids_are(USER, USER + 1, 0), "setresuid(%d, %d, 0) failed, errno %d",
          USER, USER + 1, errno);
    CHECK(geteuid() == USER + 1 && getuid() == USER, "geteuid %u getuid %u", (unsigned)geteuid(), (unsigned)getuid());
    CHECK(ERR(open("priv", O_RDONLY)) == EACCES, "open(0600) with euid %d: errno %d", USER + 1, errno);
    /* Unprivileged now, but the saved uid 0 lets us back. */
    CHECK(setresuid(-1, 0, -1) == 0 && ids_are(USER, 0, 0), "euid back to 0 through the saved uid failed, errno %d",
          errno);
    CHECK(setresuid(-1, USER, -1) == 0 && ids_are(USER, USER, 0), "setresuid(-1, %d, -1) failed", USER);
    CHECK(ERR(setresuid(2000, -1, -1)) == EPERM, "setresuid(2000) as an unprivileged user: errno %d, expected EPERM",
          errno);
    CHECK(ERR(setresuid(-1, 2000, -1)) == EPERM, "setresuid(-1, 2000): errno %d, expected EPERM", errno);
    CHECK(setresuid(0, -1, -1) == 0 && ids_are(0, USER, 0), "ruid 0 (the saved uid) refused, errno %d", errno);
    CHECK(seteuid(0) == 0 && ids_are(0, 0, 0), "seteuid(0) failed, errno %d", errno);
    /* setuid as euid 0 sets all three: no way back. */
    CHECK(setuid(USER) == 0 && ids_are(USER, USER, USER), "setuid(%d) as root did not set all three ids", USER);
    CHECK(ERR(seteuid(0)) == EPERM, "seteuid(0) after setuid: errno %d, expected EPERM", errno);
    if (failures)
        show_ids("at the end");
}

static void g_fsuid(void)
{
    CHECK(setfsuid(USER) == 0, "setfsuid(%d) did not return the old fsuid 0", USER);
    CHECK(setfsuid(-1) == USER, "setfsuid(-1) did not return the fsuid %d", USER);
    CHECK(geteuid() == 0 && ids_are(0, 0, 0), "setfsuid changed the other uids");
    CHECK(ERR(open("priv", O_RDONLY)) == EACCES, "fsuid %d, euid 0: open(0600) errno %d, expected EACCES", USER,
          errno);
    int fd = open(userfile, O_CREAT | O_EXCL | O_WRONLY, 0644);
    struct stat st;
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_uid == USER, "a file made with fsuid %d is owned by %u, errno %d",
          USER, (unsigned)st.st_uid, errno);
    close(fd);
    CHECK(setfsuid(0) == USER, "setfsuid(0) did not return %d", USER);
    CHECK((fd = open("priv", O_RDONLY)) >= 0, "fsuid 0: open(0600) failed, errno %d", errno);
    close(fd);
    unlink(userfile);
    /* seteuid moves the fsuid along. */
    CHECK(seteuid(USER) == 0 && setfsuid(-1) == USER, "after seteuid(%d) the fsuid is not %d", USER, USER);
    CHECK(seteuid(0) == 0 && setfsuid(-1) == 0, "after seteuid(0) the fsuid is not 0");
}

static void g_root(void)
{
    int fd = open("zero", O_RDWR);
    char buf[8] = {0};
    CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 4 && write(fd, "!", 1) == 1, "root on a 0000 file: errno %d",
          errno);
    close(fd);
    CHECK(access("zero", R_OK | W_OK) == 0, "access(0000, R_OK|W_OK) as root failed, errno %d", errno);
    CHECK(ERR(access("pub", X_OK)) == EACCES, "access(0644, X_OK) as root: errno %d, expected EACCES", errno);
    CHECK(access("closed", X_OK) == 0, "access(0700 dir, X_OK) as root failed, errno %d", errno);
    CHECK(chmod("zero", 0100) == 0 && access("zero", X_OK) == 0, "access(0100, X_OK) as root failed, errno %d",
          errno);
}

static int rm_rf(const char *path)
{
    struct stat st;
    if (lstat(path, &st) < 0)
        return -1;
    if (!S_ISDIR(st.st_mode))
        return unlink(path);
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        char sub[512];
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                rm_rf(sub);
            }
        closedir(d);
    }
    return rmdir(path);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    if (geteuid() != 0) {
        printf("FAIL: vfs_perm must start as root (euid %u)\nvfs_perm: 1 failed\n", (unsigned)geteuid());
        return 1;
    }
    umask(022);
    snprintf(base, sizeof base, "/tmp/vfs_perm.%d", (int)getpid());
    if (mkdir(base, 0755) < 0 || chmod(base, 0755) < 0 || chdir(base) < 0) {
        printf("FAIL: cannot make and enter %s, errno %d\nvfs_perm: 1 failed\n", base, errno);
        return 1;
    }
    struct stat st;
    if (stat("/tmp", &st) == 0 && (st.st_mode & 07777) == 01777) {
        snprintf(sticky, sizeof sticky, "/tmp");
    } else {
        snprintf(sticky, sizeof sticky, "%s/sticky", base);
        CHECK(mkdir(sticky, 0755) == 0 && chmod(sticky, 01777) == 0, "making %s failed, errno %d", sticky, errno);
    }
    printf("sticky dir: %s\n", sticky);
    snprintf(rootfile, sizeof rootfile, "%s/vfs_perm.%d.root", sticky, (int)getpid());
    snprintf(userfile, sizeof userfile, "%s/vfs_perm.%d.user", sticky, (int)getpid());
    make("pub", "public", 0644, 0, 0);
    make("priv", "secret", 0600, 0, 0);
    make(rootfile, "root's", 0666, 0, 0);
    make("grp0640", "group", 0640, 0, 20);
    make("grp0604", "group", 0604, 0, 20);
    make("mine0077", "mine", 0077, USER, USER);
    make("zero", "zero", 0000, USER, USER);
    CHECK(mkdir("closed", 0700) == 0 && mkdir("search", 0711) == 0 && mkdir("mnt", 0755) == 0 &&
              chmod("search", 0711) == 0,
          "mkdir(closed, search, mnt) failed, errno %d", errno);
    make("closed/in", "in", 0644, 0, 0);
    make("search/known", "known", 0644, 0, 0);

    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {{"user", g_user}, {"groups", g_groups}, {"resuid", g_resuid}, {"fsuid", g_fsuid}, {"root", g_root}};
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++)
        group(groups[i].name, groups[i].run);

    umount2("mnt", MNT_DETACH); /* in case the refused mount went through */
    CHECK(unlink(rootfile) == 0, "unlink(%s) failed, errno %d", rootfile, errno);
    unlink(userfile);
    CHECK(chdir("/") == 0 && rm_rf(base) == 0, "removing %s failed, errno %d", base, errno);
    if (failures) {
        printf("vfs_perm: %d failed\n", failures);
        return 1;
    }
    printf("vfs_perm: all ok\n");
    return 0;
}

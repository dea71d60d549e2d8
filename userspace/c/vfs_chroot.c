/* chroot(2): the process's `/` moves, `..` stops there, children inherit
 * it, and only root may do it. Each check in a child; prints `FAIL: ...`
 * lines and `vfs_chroot: all ok` (exit 0) only when all pass. Must run as
 * root.
 *   root     chroot to /tmp/vfs_chroot.PID: "/marker" is the file made
 *            there, "/.." is "/", an absolute symlink resolves inside;
 *   inherit  a child forked afterwards sees the same root;
 *   user     as uid 1000, chroot is EPERM.
 *   c_vfs_chroot_* */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_common.h"

static char dir[64];

static int root_moves(void)
{
    struct stat a, b, m;
    CHECK(chroot(dir) == 0, "chroot(%s): errno %d", dir, errno);
    CHECK(chdir("/") == 0, "chdir(/) inside: errno %d", errno);
    CHECK(stat("/marker", &m) == 0 && m.st_size == 6, "/marker inside the new root: errno %d", errno);
    CHECK(stat("/", &a) == 0 && stat("/..", &b) == 0 && a.st_ino == b.st_ino, "/.. is not / inside");
    CHECK(stat("/../../marker", &m) == 0, "/../../marker does not stop at the root: errno %d", errno);
    CHECK(stat("/abs", &m) == 0 && m.st_size == 6, "an absolute symlink resolves outside: errno %d", errno);
    CHECK(access("/etc/hostname", F_OK) < 0 && errno == ENOENT, "/etc/hostname still visible");
    pid_t pid = fork();
    if (pid == 0)
        _exit(access("/marker", F_OK) == 0 ? 0 : 1);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a child does not inherit the root");
    return failures;
}

static int as_user(void)
{
    if (setuid(1000) < 0)
        return 2;
    errno = 0;
    CHECK(chroot(dir) < 0 && errno == EPERM, "chroot as uid 1000: errno %d", errno);
    return failures;
}

int main(void)
{
    if (getuid() != 0) {
        printf("FAIL: vfs_chroot must run as root\n");
        return 1;
    }
    snprintf(dir, sizeof dir, "/tmp/vfs_chroot.%d", (int)getpid());
    char path[96];
    mkdir(dir, 0755);
    snprintf(path, sizeof path, "%s/marker", dir);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    if (fd < 0 || write(fd, "inside", 6) != 6)
        return 1;
    close(fd);
    snprintf(path, sizeof path, "%s/abs", dir);
    if (symlink("/marker", path) < 0)
        return 1;
    int st = in_child(root_moves);
    CHECK(st == 0, "group root failed (status %#x)", st);
    st = in_child(as_user);
    CHECK(st == 0, "group user failed (status %#x)", st);
    snprintf(path, sizeof path, "%s/marker", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/abs", dir);
    unlink(path);
    rmdir(dir);
    if (failures) {
        printf("vfs_chroot: %d failed\n", failures);
        return 1;
    }
    printf("vfs_chroot: all ok\n");
    return 0;
}

/* A full tmpfs: ENOSPC, never a crash, and the space comes back. Must run
 * as root (it mounts). Each check in a child; prints `FAIL: ...` for each
 * broken check and `vfs_enospc: all ok` (exit 0) only when all pass.
 *   fill     a 1 MiB tmpfs mounted on /tmp/vfs_enospc.PID: writes succeed
 *            until ENOSPC (short writes allowed first), never past the
 *            size; statfs then reports no free blocks; creating a file
 *            still works (inodes are not blocks), writing to it ENOSPC;
 *   reuse    unlinking the big file gives every block back (statfs), a new
 *            file can be filled again just as far;
 *   open     an unlinked file that is still open keeps its blocks until
 *            it is closed;
 *   cross    rename and link from the small tmpfs to / are EXDEV;
 *   umount   the tmpfs unmounts (EBUSY while a file is open on it).
 *   c_vfs_enospc_* */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "test_common.h"

static char dir[64];
static char buf[4096];

/* Write `path` until ENOSPC; returns the bytes written, -1 on another error. */
static long fill(const char *path)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0)
        return -1;
    long total = 0;
    for (;;) {
        ssize_t n = write(fd, buf, sizeof buf);
        if (n < 0) {
            int e = errno;
            close(fd);
            return e == ENOSPC ? total : -1;
        }
        total += n;
        if (total > 64L << 20) { /* the limit did not hold */
            close(fd);
            return -2;
        }
    }
}

static long free_blocks(void)
{
    struct statfs s;
    if (statfs(dir, &s) < 0)
        return -1;
    return (long)s.f_bfree;
}

static int fill_and_reuse(void)
{
    char big[96], small[96];
    snprintf(big, sizeof big, "%s/big", dir);
    snprintf(small, sizeof small, "%s/small", dir);
    long first = fill(big);
    CHECK(first > 0 && first <= 1 << 20, "fill: %ld bytes before ENOSPC in a 1 MiB tmpfs", first);
    CHECK(free_blocks() == 0, "fill: statfs still shows %ld free blocks", free_blocks());
    int fd = open(small, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0, "fill: creating a file in the full tmpfs: errno %d", errno);
    if (fd >= 0) {
        errno = 0;
        CHECK(write(fd, buf, sizeof buf) < 0 && errno == ENOSPC, "fill: write to a new file: errno %d",
              errno);
        close(fd);
    }
    CHECK(unlink(big) == 0 && unlink(small) == 0, "reuse: unlink: errno %d", errno);
    struct statfs s;
    statfs(dir, &s);
    CHECK(s.f_bfree == s.f_blocks, "reuse: %ld of %ld blocks free after unlink", (long)s.f_bfree,
          (long)s.f_blocks);
    long again = fill(big);
    CHECK(again == first, "reuse: %ld bytes the second time, %ld the first", again, first);
    unlink(big);
    return failures;
}

static int open_unlinked(void)
{
    char path[96];
    snprintf(path, sizeof path, "%s/held", dir);
    int fd = open(path, O_CREAT | O_RDWR, 0644);
    if (fd < 0)
        return 1;
    for (int i = 0; i < 64; i++)
        if (write(fd, buf, sizeof buf) != sizeof buf)
            return 2;
    long before = free_blocks();
    unlink(path);
    CHECK(free_blocks() == before, "open: unlinking an open file freed %ld blocks",
          free_blocks() - before);
    close(fd);
    CHECK(free_blocks() >= before + 64, "open: closing it gave back %ld blocks, expected 64",
          free_blocks() - before);
    return failures;
}

static int cross(void)
{
    char a[96];
    snprintf(a, sizeof a, "%s/a", dir);
    int fd = open(a, O_CREAT | O_WRONLY, 0644);
    if (fd < 0)
        return 1;
    close(fd);
    errno = 0;
    CHECK(rename(a, "/tmp/vfs_enospc_moved") < 0 && errno == EXDEV, "cross: rename: errno %d", errno);
    errno = 0;
    CHECK(link(a, "/tmp/vfs_enospc_link") < 0 && errno == EXDEV, "cross: link: errno %d", errno);
    unlink(a);
    return failures;
}

int main(void)
{
    if (getuid() != 0) {
        printf("FAIL: vfs_enospc must run as root\n");
        return 1;
    }
    memset(buf, 'x', sizeof buf);
    snprintf(dir, sizeof dir, "/tmp/vfs_enospc.%d", (int)getpid());
    if (mkdir(dir, 0755) < 0 || mount("none", dir, "tmpfs", 0, "size=1m") < 0) {
        printf("FAIL: mount a 1 MiB tmpfs on %s: errno %d\n", dir, errno);
        return 1;
    }
    static const struct {
        const char *name;
        int (*f)(void);
    } groups[] = {{"fill", fill_and_reuse}, {"open", open_unlinked}, {"cross", cross}};
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        printf("vfs_enospc: %s\n", groups[i].name);
        int st = in_child(groups[i].f);
        CHECK(st == 0, "group %s failed (status %#x)", groups[i].name, st);
    }
    /* umount: busy while a file is open on it. */
    char path[96];
    snprintf(path, sizeof path, "%s/busy", dir);
    int fd = open(path, O_CREAT | O_WRONLY, 0644);
    errno = 0;
    CHECK(fd >= 0 && umount(dir) < 0 && errno == EBUSY, "umount with a file open: errno %d", errno);
    close(fd);
    CHECK(umount(dir) == 0, "umount: errno %d", errno);
    CHECK(rmdir(dir) == 0, "rmdir after umount: errno %d", errno);
    if (failures) {
        printf("vfs_enospc: %d failed\n", failures);
        return 1;
    }
    printf("vfs_enospc: all ok\n");
    return 0;
}

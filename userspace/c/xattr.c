/* Extended attributes on file systems that keep none (procfs here and on
 * Linux, every file system of this kernel): the name, the flags and the
 * file are checked with Linux's errors, then EOPNOTSUPP, and the list is
 * empty (fs/xattr.c). */
#define _GNU_SOURCE
#include "test_common.h"
#include <fcntl.h>
#include <string.h>
#include <sys/xattr.h>

#define F "/proc/self/status"

static int err(long r)
{
    return r < 0 ? errno : 0;
}

int main(void)
{
    static char value[65537];
    char buf[64], big[300];
    memset(big, 'a', sizeof big - 1);
    big[sizeof big - 1] = 0;
    memcpy(big, "user.", 5);
    CHECK(err(getxattr(F, "user.x", buf, sizeof buf)) == EOPNOTSUPP, "getxattr user.x: %s", strerror(errno));
    CHECK(err(lgetxattr(F, "trusted.x", buf, sizeof buf)) == EOPNOTSUPP, "lgetxattr trusted.x as root: %s",
          strerror(errno));
    CHECK(err(getxattr(F, "other.x", buf, sizeof buf)) == EOPNOTSUPP, "getxattr other.x: %s", strerror(errno));
    CHECK(listxattr(F, buf, sizeof buf) == 0, "listxattr: %s", strerror(errno));
    CHECK(listxattr(F, NULL, 0) == 0, "listxattr size 0: %s", strerror(errno));
    CHECK(err(getxattr("/no/such", "user.x", buf, sizeof buf)) == ENOENT, "missing file: %s", strerror(errno));
    CHECK(err(listxattr("/no/such", buf, sizeof buf)) == ENOENT, "listxattr missing: %s", strerror(errno));
    CHECK(err(getxattr(F, "", buf, sizeof buf)) == ERANGE, "empty name: %s", strerror(errno));
    CHECK(err(getxattr(F, big, buf, sizeof buf)) == ERANGE, "name of 299 bytes: %s", strerror(errno));
    CHECK(err(setxattr(F, "user.x", "v", 1, 4)) == EINVAL, "bad flags: %s", strerror(errno));
    CHECK(err(setxattr(F, "user.x", value, sizeof value, 0)) == E2BIG, "value too big: %s", strerror(errno));
    CHECK(err(setxattr(F, "user.x", "v", 1, XATTR_CREATE)) == EOPNOTSUPP, "setxattr: %s", strerror(errno));
    CHECK(err(removexattr(F, "user.x")) == EOPNOTSUPP, "removexattr: %s", strerror(errno));
    CHECK(err(fgetxattr(-1, "user.x", buf, sizeof buf)) == EBADF, "fgetxattr(-1): %s", strerror(errno));
    CHECK(err(flistxattr(-1, buf, sizeof buf)) == EBADF, "flistxattr(-1): %s", strerror(errno));
    /* user.* is for regular files and directories only. */
    CHECK(err(getxattr("/dev/null", "user.x", buf, sizeof buf)) == ENODATA, "user.x of a device: %s",
          strerror(errno));
    CHECK(err(setxattr("/dev/null", "user.x", "v", 1, 0)) == EPERM, "set user.x of a device: %s", strerror(errno));
    CHECK(err(lgetxattr("/proc/self", "user.x", buf, sizeof buf)) == ENODATA, "user.x of a symlink: %s",
          strerror(errno));
    int fd = open(F, O_RDONLY);
    CHECK(err(fgetxattr(fd, "user.x", buf, sizeof buf)) == EOPNOTSUPP, "fgetxattr: %s", strerror(errno));
    CHECK(flistxattr(fd, buf, sizeof buf) == 0, "flistxattr: %s", strerror(errno));
    close(fd);
    fd = open(F, O_PATH);
    CHECK(err(fgetxattr(fd, "user.x", buf, sizeof buf)) == EBADF, "fgetxattr of an O_PATH fd: %s",
          strerror(errno));
    close(fd);
    if (failures)
        return 1;
    printf("xattr: all ok\n");
    return 0;
}

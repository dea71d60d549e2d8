/* The life cycle of regular files on a writable file system, checked
 * against what Linux does; each group in a child, inside a fresh directory
 * /tmp/vfs_files.PID that is removed at the end. Prints `FAIL: ...` for each
 * broken check and `vfs_files: all ok` (exit 0) only when every check passes.
 *   open     O_CREAT|O_EXCL (EEXIST the second time), creat(), O_TRUNC,
 *            O_DIRECTORY on a file (ENOTDIR), O_NOFOLLOW on a symlink
 *            (ELOOP), O_CREAT in a missing directory (ENOENT);
 *   append   O_APPEND writes go to the end whatever the offset;
 *   rw       write + read back, lseek past the end + write leaves a hole
 *            that reads as zeros, pread64/pwrite64 and preadv/pwritev do not
 *            move the offset, dup shares the offset;
 *   size     truncate/ftruncate grow (zeros) and shrink (old bytes gone),
 *            fallocate mode 0 grows st_size and st_blocks;
 *   stat     st_size/st_blocks/st_nlink/st_ino/st_uid of a new and a written
 *            file, a hard link shares st_ino (nlink 2, unlink drops it to 1);
 *   unlinked an unlinked but open file still reads and writes (fstat nlink
 *            0), the name is free for a new, different file;
 *   mode     umask applies to open and mkdir (022: 0666 -> 0644), chmod and
 *            fchmod;
 *   times    utimensat sets atime/mtime to the nanosecond, UTIME_OMIT and
 *            UTIME_NOW, futimens(NULL); after a pause, write moves mtime and
 *            ctime, chmod moves ctime only;
 *   sendfile between two files, with and without an offset pointer;
 *   statfs   /tmp is a tmpfs (f_type TMPFS_MAGIC 0x01021994).
 * On a host whose /tmp is not a tmpfs the statfs check fails; run it as
 * `unshare -m sh -c 'mount -t tmpfs tmpfs /tmp && ./c_vfs_files_musl'`.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

#define TMPFS_MAGIC_ 0x01021994UL

/* Run each group in a child with its own failure count. */
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

/* Remove a tree (the scratch directory), depth first. */
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
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char sub[4096];
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
            rm_rf(sub);
        }
        closedir(d);
    }
    return rmdir(path);
}

static int all_zero(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i])
            return 0;
    return 1;
}

static void g_open(void)
{
    int fd = open("a", O_CREAT | O_EXCL | O_RDWR, 0644);
    CHECK(fd >= 0, "open(a, O_CREAT|O_EXCL) failed, errno %d", errno);
    CHECK(write(fd, "hello", 5) == 5, "write(a) failed, errno %d", errno);
    close(fd);
    errno = 0;
    fd = open("a", O_CREAT | O_EXCL | O_RDWR, 0644);
    CHECK(fd == -1 && errno == EEXIST, "second open(a, O_CREAT|O_EXCL) = %d, errno %d, expected EEXIST", fd, errno);
    fd = open("a", O_CREAT | O_RDWR, 0644); /* O_CREAT alone opens it */
    char buf[16] = {0};
    CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 5 && memcmp(buf, "hello", 5) == 0,
          "open(a, O_CREAT) of an existing file lost its data (\"%s\"), errno %d", buf, errno);
    close(fd);
    fd = open("a", O_WRONLY | O_TRUNC);
    struct stat st;
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0, "O_TRUNC left size %lld, errno %d",
          (long long)st.st_size, errno);
    close(fd);

    fd = creat("c", 0640);
    CHECK(fd >= 0, "creat(c) failed, errno %d", errno);
    CHECK(write(fd, "xy", 2) == 2, "write to creat()'s fd failed, errno %d", errno);
    errno = 0;
    CHECK(read(fd, buf, 1) == -1 && errno == EBADF, "read of creat()'s write-only fd: errno %d, expected EBADF",
          errno);
    CHECK(fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640 && st.st_size == 2, "creat(c): mode 0%o size %lld",
          (unsigned)st.st_mode, (long long)st.st_size);
    close(fd);

    errno = 0;
    fd = open("a", O_RDONLY | O_DIRECTORY);
    CHECK(fd == -1 && errno == ENOTDIR, "open(file, O_DIRECTORY) = %d, errno %d, expected ENOTDIR", fd, errno);
    CHECK(symlink("a", "ln") == 0, "symlink(a, ln) failed, errno %d", errno);
    errno = 0;
    fd = open("ln", O_RDONLY | O_NOFOLLOW);
    CHECK(fd == -1 && errno == ELOOP, "open(symlink, O_NOFOLLOW) = %d, errno %d, expected ELOOP", fd, errno);
    fd = open("ln", O_RDONLY);
    CHECK(fd >= 0, "open(symlink) without O_NOFOLLOW failed, errno %d", errno);
    close(fd);
    errno = 0;
    fd = open("nodir/f", O_CREAT | O_WRONLY, 0644);
    CHECK(fd == -1 && errno == ENOENT, "open(nodir/f, O_CREAT) = %d, errno %d, expected ENOENT", fd, errno);
    unlink("a");
    unlink("c");
    unlink("ln");
}

static void g_append(void)
{
    int fd = open("ap", O_CREAT | O_RDWR | O_APPEND, 0644);
    CHECK(fd >= 0, "open(ap, O_APPEND) failed, errno %d", errno);
    CHECK(write(fd, "one", 3) == 3, "write(ap) failed, errno %d", errno);
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek(ap, 0) failed, errno %d", errno);
    CHECK(write(fd, "two", 3) == 3, "write(ap) failed, errno %d", errno);
    off_t pos = lseek(fd, 0, SEEK_CUR);
    CHECK(pos == 6, "offset after an O_APPEND write is %lld, expected 6", (long long)pos);
    /* A second descriptor writes at 0 without O_APPEND; the next append
     * still goes to the (new) end. */
    int fd2 = open("ap", O_WRONLY);
    CHECK(fd2 >= 0 && write(fd2, "ONEtwoX", 7) == 7, "write through a plain fd failed, errno %d", errno);
    close(fd2);
    CHECK(write(fd, "3", 1) == 1, "write(ap) failed, errno %d", errno);
    char buf[32] = {0};
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    CHECK(n == 8 && memcmp(buf, "ONEtwoX3", 8) == 0, "O_APPEND file holds \"%.*s\", expected \"ONEtwoX3\"",
          (int)(n > 0 ? n : 0), buf);
    close(fd);
    unlink("ap");
}

static void g_rw(void)
{
    int fd = open("rw", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0, "open(rw) failed, errno %d", errno);
    CHECK(write(fd, "abc", 3) == 3, "write(rw) failed, errno %d", errno);
    CHECK(lseek(fd, 0, SEEK_SET) == 0, "lseek(0) failed");
    char buf[9000];
    CHECK(read(fd, buf, sizeof buf) == 3 && memcmp(buf, "abc", 3) == 0, "read back of \"abc\" failed");
    CHECK(read(fd, buf, sizeof buf) == 0, "read at EOF did not return 0");

    /* A hole: seek past the end and write. */
    CHECK(lseek(fd, 8192, SEEK_SET) == 8192, "lseek(8192) failed, errno %d", errno);
    CHECK(write(fd, "xyz", 3) == 3, "write after the hole failed, errno %d", errno);
    struct stat st;
    CHECK(fstat(fd, &st) == 0 && st.st_size == 8195, "size after the hole is %lld, expected 8195",
          (long long)st.st_size);
    memset(buf, 'q', sizeof buf);
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    CHECK(n == 8195 && memcmp(buf, "abc", 3) == 0 && all_zero(buf + 3, 8189) && memcmp(buf + 8192, "xyz", 3) == 0,
          "the hole does not read as zeros (pread = %zd)", n);

    /* pread/pwrite leave the offset alone. */
    CHECK(lseek(fd, 5, SEEK_SET) == 5, "lseek(5) failed");
    CHECK(pwrite(fd, "PP", 2, 100) == 2, "pwrite failed, errno %d", errno);
    CHECK(pread(fd, buf, 2, 100) == 2 && memcmp(buf, "PP", 2) == 0, "pread did not see pwrite's bytes");
    CHECK(lseek(fd, 0, SEEK_CUR) == 5, "pread/pwrite moved the offset to %lld", (long long)lseek(fd, 0, SEEK_CUR));
    errno = 0;
    CHECK(pread(fd, buf, 2, -1) == -1 && errno == EINVAL, "pread at -1: errno %d, expected EINVAL", errno);

    /* preadv/pwritev: gather and scatter, offset unchanged. */
    struct iovec w[2] = {{"hello", 5}, {" world", 6}};
    CHECK(pwritev(fd, w, 2, 200) == 11, "pwritev failed, errno %d", errno);
    char a[3], b[8];
    struct iovec r[2] = {{a, sizeof a}, {b, sizeof b}};
    CHECK(preadv(fd, r, 2, 200) == 11 && memcmp(a, "hel", 3) == 0 && memcmp(b, "lo world", 8) == 0,
          "preadv did not read back pwritev's \"hello world\"");
    CHECK(lseek(fd, 0, SEEK_CUR) == 5, "preadv/pwritev moved the offset");

    /* dup shares the offset (one open file description). */
    int fd2 = dup(fd);
    CHECK(fd2 >= 0, "dup failed, errno %d", errno);
    CHECK(lseek(fd, 0, SEEK_SET) == 0 && read(fd, buf, 2) == 2, "read(2) failed");
    CHECK(lseek(fd2, 0, SEEK_CUR) == 2, "dup'd fd has offset %lld, expected 2", (long long)lseek(fd2, 0, SEEK_CUR));
    CHECK(write(fd2, "Z", 1) == 1 && lseek(fd, 0, SEEK_CUR) == 3, "a write through the dup did not move the offset");
    CHECK(pread(fd, buf, 3, 0) == 3 && memcmp(buf, "abZ", 3) == 0, "the dup's write did not land at offset 2");
    close(fd2);
    close(fd);
    unlink("rw");
}

static void g_size(void)
{
    int fd = open("sz", O_CREAT | O_RDWR | O_TRUNC, 0644);
    CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10, "write(sz) failed, errno %d", errno);
    struct stat st;
    CHECK(truncate("sz", 4) == 0, "truncate(sz, 4) failed, errno %d", errno);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 4, "size after truncate(4) is %lld", (long long)st.st_size);
    CHECK(ftruncate(fd, 12) == 0, "ftruncate(12) failed, errno %d", errno);
    char buf[70000];
    memset(buf, 'q', sizeof buf);
    ssize_t n = pread(fd, buf, sizeof buf, 0);
    /* The bytes cut off must not come back when the file grows again. */
    CHECK(n == 12 && memcmp(buf, "0123", 4) == 0 && all_zero(buf + 4, 8),
          "shrink + grow: read %zd bytes \"%.12s\", expected \"0123\" and 8 zeros", n, buf);
    errno = 0;
    CHECK(truncate("sz", -1) == -1 && errno == EINVAL, "truncate(-1): errno %d, expected EINVAL", errno);
    int ro = open("sz", O_RDONLY);
    errno = 0;
    CHECK(ftruncate(ro, 0) == -1 && errno == EINVAL, "ftruncate of a read-only fd: errno %d, expected EINVAL",
          errno);
    close(ro);

    CHECK(fallocate(fd, 0, 0, 65536) == 0, "fallocate(0, 65536) failed, errno %d", errno);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 65536 && st.st_blocks * 512 >= 65536,
          "after fallocate: size %lld blocks %lld, expected 65536 and >= 128", (long long)st.st_size,
          (long long)st.st_blocks);
    memset(buf, 'q', sizeof buf);
    n = pread(fd, buf, sizeof buf, 0);
    CHECK(n == 65536 && memcmp(buf, "0123", 4) == 0 && all_zero(buf + 4, 65532),
          "fallocate'd range does not read as zeros (pread = %zd)", n);
    /* Inside the file, fallocate changes nothing visible. */
    CHECK(fallocate(fd, 0, 0, 100) == 0 && fstat(fd, &st) == 0 && st.st_size == 65536,
          "fallocate inside the file changed its size to %lld", (long long)st.st_size);
    CHECK(ftruncate(fd, 0) == 0 && fstat(fd, &st) == 0 && st.st_size == 0 && st.st_blocks == 0,
          "ftruncate(0): size %lld blocks %lld", (long long)st.st_size, (long long)st.st_blocks);
    close(fd);
    unlink("sz");
}

static void g_stat(void)
{
    int fd = open("s1", O_CREAT | O_RDWR | O_EXCL, 0644);
    struct stat st, st2;
    CHECK(fd >= 0 && fstat(fd, &st) == 0, "open/fstat(s1) failed, errno %d", errno);
    CHECK(S_ISREG(st.st_mode) && st.st_size == 0 && st.st_blocks == 0 && st.st_nlink == 1 && st.st_ino != 0,
          "new file: mode 0%o size %lld blocks %lld nlink %lu ino %llu", (unsigned)st.st_mode, (long long)st.st_size,
          (long long)st.st_blocks, (unsigned long)st.st_nlink, (unsigned long long)st.st_ino);
    CHECK(st.st_uid == geteuid() && st.st_gid == getegid() && st.st_blksize > 0, "new file: uid %u gid %u blksize %ld",
          (unsigned)st.st_uid, (unsigned)st.st_gid, (long)st.st_blksize);
    static char data[10000];
    memset(data, 'd', sizeof data);
    CHECK(write(fd, data, sizeof data) == (ssize_t)sizeof data, "write(10000) failed, errno %d", errno);
    CHECK(fstat(fd, &st) == 0 && st.st_size == 10000 && st.st_blocks * 512 >= 10000,
          "written file: size %lld blocks %lld", (long long)st.st_size, (long long)st.st_blocks);
    CHECK(stat("s1", &st2) == 0 && st2.st_ino == st.st_ino && st2.st_dev == st.st_dev && st2.st_size == st.st_size,
          "stat and fstat of s1 disagree");

    int fd2 = open("s2", O_CREAT | O_RDWR | O_EXCL, 0644);
    CHECK(fd2 >= 0 && fstat(fd2, &st2) == 0 && st2.st_ino != st.st_ino && st2.st_dev == st.st_dev,
          "two files share st_ino %llu", (unsigned long long)st.st_ino);
    close(fd2);
    unlink("s2");

    /* A hard link: same inode, two names. */
    CHECK(link("s1", "s1link") == 0, "link(s1, s1link) failed, errno %d", errno);
    CHECK(stat("s1link", &st2) == 0 && st2.st_ino == st.st_ino && st2.st_nlink == 2,
          "the hard link: ino %llu (want %llu), nlink %lu (want 2)", (unsigned long long)st2.st_ino,
          (unsigned long long)st.st_ino, (unsigned long)st2.st_nlink);
    CHECK(fstat(fd, &st2) == 0 && st2.st_nlink == 2, "fstat(s1) nlink %lu after link, expected 2",
          (unsigned long)st2.st_nlink);
    errno = 0;
    CHECK(link("s1", "s1link") == -1 && errno == EEXIST, "link over an existing name: errno %d, expected EEXIST",
          errno);
    CHECK(unlink("s1") == 0, "unlink(s1) failed, errno %d", errno);
    CHECK(stat("s1link", &st2) == 0 && st2.st_nlink == 1 && st2.st_size == 10000,
          "after unlink(s1), s1link has nlink %lu size %lld", (unsigned long)st2.st_nlink, (long long)st2.st_size);
    errno = 0;
    CHECK(stat("s1", &st2) == -1 && errno == ENOENT, "stat(s1) after unlink: errno %d, expected ENOENT", errno);
    close(fd);
    unlink("s1link");
}

static void g_unlinked(void)
{
    int fd = open("u", O_CREAT | O_RDWR | O_EXCL, 0644);
    int fd2 = open("u", O_RDONLY);
    CHECK(fd >= 0 && fd2 >= 0 && write(fd, "data", 4) == 4, "open/write(u) failed, errno %d", errno);
    struct stat st, st2;
    fstat(fd, &st);
    CHECK(unlink("u") == 0, "unlink(u) failed, errno %d", errno);
    CHECK(fstat(fd, &st2) == 0 && st2.st_nlink == 0 && st2.st_ino == st.st_ino,
          "fstat of an unlinked open file: nlink %lu, expected 0", (unsigned long)st2.st_nlink);
    CHECK(write(fd, "more", 4) == 4, "write to an unlinked file failed, errno %d", errno);
    char buf[16] = {0};
    CHECK(pread(fd2, buf, sizeof buf, 0) == 8 && memcmp(buf, "datamore", 8) == 0,
          "the unlinked file reads \"%s\", expected \"datamore\"", buf);
    close(fd);
    CHECK(pread(fd2, buf, 4, 4) == 4 && memcmp(buf, "more", 4) == 0, "the last fd lost the unlinked file's data");
    /* The name is free: a new file there is another, empty inode. */
    int fd3 = open("u", O_CREAT | O_RDWR | O_EXCL, 0644);
    CHECK(fd3 >= 0 && fstat(fd3, &st2) == 0 && st2.st_size == 0 && st2.st_ino != st.st_ino,
          "a new file named like the unlinked one: size %lld, same ino %d", (long long)st2.st_size,
          st2.st_ino == st.st_ino);
    close(fd3);
    close(fd2);
    unlink("u");
}

static void g_mode(void)
{
    struct stat st;
    CHECK(umask(022) == 022, "umask was not 022 as main set it");
    int fd = open("m1", O_CREAT | O_RDWR | O_EXCL, 0666);
    CHECK(fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0644, "umask 022, open 0666: mode 0%o",
          (unsigned)st.st_mode & 07777);
    CHECK(mkdir("d1", 0777) == 0 && stat("d1", &st) == 0 && (st.st_mode & 07777) == 0755,
          "umask 022, mkdir 0777: mode 0%o", (unsigned)st.st_mode & 07777);
    CHECK(umask(0077) == 022, "umask(0077) did not return the old 022");
    int fd2 = open("m2", O_CREAT | O_RDWR | O_EXCL, 0666);
    CHECK(fd2 >= 0 && fstat(fd2, &st) == 0 && (st.st_mode & 07777) == 0600, "umask 077, open 0666: mode 0%o",
          (unsigned)st.st_mode & 07777);
    CHECK(mkdir("d2", 0777) == 0 && stat("d2", &st) == 0 && (st.st_mode & 07777) == 0700,
          "umask 077, mkdir 0777: mode 0%o", (unsigned)st.st_mode & 07777);
    umask(022);

    /* chmod ignores the umask. */
    CHECK(chmod("m1", 0604) == 0 && stat("m1", &st) == 0 && (st.st_mode & 07777) == 0604 && S_ISREG(st.st_mode),
          "chmod(0604): mode 0%o", (unsigned)st.st_mode);
    CHECK(fchmod(fd, 0751) == 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0751, "fchmod(0751): mode 0%o",
          (unsigned)st.st_mode);
    CHECK(chmod("d1", 01777) == 0 && stat("d1", &st) == 0 && S_ISDIR(st.st_mode) && (st.st_mode & 07777) == 01777,
          "chmod(dir, 01777): mode 0%o", (unsigned)st.st_mode);
    errno = 0;
    CHECK(chmod("nothere", 0644) == -1 && errno == ENOENT, "chmod of a missing file: errno %d", errno);
    close(fd);
    close(fd2);
    unlink("m1");
    unlink("m2");
    rmdir("d1");
    rmdir("d2");
}

static long long ns(struct timespec t)
{
    return t.tv_sec * 1000000000LL + t.tv_nsec;
}

static void g_times(void)
{
    int fd = open("t", O_CREAT | O_RDWR | O_EXCL, 0644);
    int fd2 = open("t2", O_CREAT | O_RDWR | O_EXCL, 0644);
    CHECK(fd >= 0 && fd2 >= 0, "open(t, t2) failed, errno %d", errno);
    struct stat st, before, before2;
    struct timespec tv[2] = {{1000000000, 123456789}, {1100000000, 987654321}};
    CHECK(utimensat(AT_FDCWD, "t", tv, 0) == 0, "utimensat failed, errno %d", errno);
    CHECK(stat("t", &st) == 0 && ns(st.st_atim) == ns(tv[0]) && ns(st.st_mtim) == ns(tv[1]),
          "utimensat: atime %lld mtime %lld, expected %lld %lld", ns(st.st_atim), ns(st.st_mtim), ns(tv[0]),
          ns(tv[1]));
    struct timespec omit[2] = {{0, UTIME_OMIT}, {1200000000, 0}};
    CHECK(utimensat(AT_FDCWD, "t", omit, 0) == 0 && stat("t", &st) == 0 && ns(st.st_atim) == ns(tv[0]) &&
              st.st_mtim.tv_sec == 1200000000,
          "UTIME_OMIT atime: atime %lld mtime %lld", ns(st.st_atim), ns(st.st_mtim));
    struct timespec t0, t1;
    clock_gettime(CLOCK_REALTIME, &t0);
    struct timespec now[2] = {{0, UTIME_OMIT}, {0, UTIME_NOW}};
    CHECK(utimensat(AT_FDCWD, "t", now, 0) == 0, "utimensat(UTIME_NOW) failed, errno %d", errno);
    clock_gettime(CLOCK_REALTIME, &t1);
    stat("t", &st);
    CHECK(ns(st.st_atim) == ns(tv[0]) && st.st_mtim.tv_sec >= t0.tv_sec - 1 && st.st_mtim.tv_sec <= t1.tv_sec + 1,
          "UTIME_NOW mtime: %lld, clock %lld..%lld, atime %lld", ns(st.st_mtim), ns(t0), ns(t1), ns(st.st_atim));
    CHECK(futimens(fd, NULL) == 0 && fstat(fd, &st) == 0 && st.st_atim.tv_sec >= t0.tv_sec - 1,
          "futimens(NULL) left atime at %lld", ns(st.st_atim));
    errno = 0;
    struct timespec bad[2] = {{0, 1000000000}, {0, 0}};
    CHECK(utimensat(AT_FDCWD, "t", bad, 0) == -1 && errno == EINVAL, "utimensat(tv_nsec 1e9): errno %d, want EINVAL",
          errno);

    /* After a pause longer than any timestamp granularity: write moves
     * mtime and ctime; chmod moves ctime and leaves mtime. */
    fstat(fd, &before);
    fstat(fd2, &before2);
    struct timespec pause = {1, 100000000};
    nanosleep(&pause, NULL);
    CHECK(write(fd, "w", 1) == 1, "write(t) failed, errno %d", errno);
    CHECK(fchmod(fd2, 0600) == 0, "fchmod(t2) failed, errno %d", errno);
    fstat(fd, &st);
    CHECK(ns(st.st_mtim) > ns(before.st_mtim) && ns(st.st_ctim) > ns(before.st_ctim),
          "write did not move mtime/ctime: mtime %lld -> %lld, ctime %lld -> %lld", ns(before.st_mtim),
          ns(st.st_mtim), ns(before.st_ctim), ns(st.st_ctim));
    fstat(fd2, &st);
    CHECK(ns(st.st_ctim) > ns(before2.st_ctim) && ns(st.st_mtim) == ns(before2.st_mtim),
          "chmod: ctime %lld -> %lld (must move), mtime %lld -> %lld (must not)", ns(before2.st_ctim),
          ns(st.st_ctim), ns(before2.st_mtim), ns(st.st_mtim));
    close(fd);
    close(fd2);
    unlink("t");
    unlink("t2");
}

static void g_sendfile(void)
{
    static const char text[] = "hello sendfile world"; /* 20 bytes */
    int in = open("src", O_CREAT | O_RDWR | O_EXCL, 0644);
    int out = open("dst", O_CREAT | O_RDWR | O_EXCL, 0644);
    CHECK(in >= 0 && out >= 0 && write(in, text, 20) == 20, "open/write(src, dst) failed, errno %d", errno);
    lseek(in, 0, SEEK_SET);
    off_t off = 6;
    ssize_t n = sendfile(out, in, &off, 8);
    CHECK(n == 8 && off == 14, "sendfile(&off=6, 8) = %zd, off %lld, expected 8, 14", n, (long long)off);
    CHECK(lseek(in, 0, SEEK_CUR) == 0, "sendfile with an offset pointer moved the input offset");
    n = sendfile(out, in, NULL, 5);
    CHECK(n == 5 && lseek(in, 0, SEEK_CUR) == 5, "sendfile(NULL, 5) = %zd, input offset %lld, expected 5, 5", n,
          (long long)lseek(in, 0, SEEK_CUR));
    CHECK(lseek(out, 0, SEEK_CUR) == 13, "sendfile: output offset %lld, expected 13",
          (long long)lseek(out, 0, SEEK_CUR));
    char buf[32] = {0};
    CHECK(pread(out, buf, sizeof buf, 0) == 13 && memcmp(buf, "sendfilehello", 13) == 0,
          "sendfile output \"%s\", expected \"sendfilehello\"", buf);
    off = 20;
    CHECK(sendfile(out, in, &off, 10) == 0, "sendfile at the input's EOF did not return 0");
    close(in);
    close(out);
    unlink("src");
    unlink("dst");
}

static void g_statfs(void)
{
    struct statfs sf;
    CHECK(statfs("/tmp", &sf) == 0, "statfs(/tmp) failed, errno %d", errno);
    CHECK((unsigned long)sf.f_type == TMPFS_MAGIC_, "statfs(/tmp): f_type %#lx, expected TMPFS_MAGIC %#lx",
          (unsigned long)sf.f_type, TMPFS_MAGIC_);
    CHECK(sf.f_bsize > 0, "statfs(/tmp): f_bsize %ld", (long)sf.f_bsize);
    struct statfs sf2;
    int fd = open(".", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0 && fstatfs(fd, &sf2) == 0 && sf2.f_type == sf.f_type, "fstatfs(our dir in /tmp) disagrees");
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/vfs_files.%d", (int)getpid());
    if (mkdir(dir, 0755) < 0 || chdir(dir) < 0) {
        printf("FAIL: cannot make and enter %s, errno %d\nvfs_files: 1 failed\n", dir, errno);
        return 1;
    }
    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {{"open", g_open},         {"append", g_append}, {"rw", g_rw},       {"size", g_size},
                  {"stat", g_stat},         {"unlinked", g_unlinked}, {"mode", g_mode}, {"times", g_times},
                  {"sendfile", g_sendfile}, {"statfs", g_statfs}};
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++)
        group(groups[i].name, groups[i].run);

    /* Every group cleaned up after itself: the directory is empty. */
    CHECK(chdir("/") == 0, "chdir(/) failed, errno %d", errno);
    CHECK(rmdir(dir) == 0, "rmdir(%s) failed (left-overs?), errno %d", dir, errno);
    rm_rf(dir);
    if (failures) {
        printf("vfs_files: %d failed\n", failures);
        return 1;
    }
    printf("vfs_files: all ok\n");
    return 0;
}

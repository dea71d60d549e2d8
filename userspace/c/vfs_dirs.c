/* Directories, names and path resolution on a writable file system,
 * checked against what Linux does; each group in a child, inside a fresh
 * directory /tmp/vfs_dirs.PID that is removed at the end. Prints `FAIL: ...`
 * for each broken check and `vfs_dirs: all ok` (exit 0) only when every
 * check passes.
 *   mkrm     mkdir (EEXIST twice), rmdir of a non-empty dir (ENOTEMPTY), of
 *            a file (ENOTDIR), of "." (EINVAL), unlink of a dir (EISDIR),
 *            mknod S_IFIFO shows S_ISFIFO;
 *   getdents getdents64 lists exactly the entries made, plus . and .., with
 *            the right d_type and d_ino, also through a 64-byte buffer; an
 *            unlinked entry is gone after rewinding;
 *   rename   file over file (replaces; the old inode is left with nlink 0),
 *            dir into its own subdir (EINVAL), dir over a non-empty dir
 *            (ENOTEMPTY), over an empty dir (works), file over dir (EISDIR),
 *            dir over file (ENOTDIR), to itself and onto another hard link of
 *            itself (0, nothing changes); renameat2 RENAME_NOREPLACE (EEXIST)
 *            and RENAME_EXCHANGE (swaps, ENOENT without a target);
 *   links    link to a dir (EPERM), symlink + readlink (exact target, also
 *            dangling), readlink of a non-symlink (EINVAL), a loop a->b->a
 *            (ELOOP), a chain of 40 symlinks works and 41 is ELOOP;
 *   names    a 255-char component works, 256 is ENAMETOOLONG, a 4095-byte
 *            path works, 4096 is ENAMETOOLONG;
 *   slash    open("file/") ENOTDIR, open("new/", O_CREAT) EISDIR,
 *            mkdir("new/") and stat("dir/") work, lstat("dirlink/") follows;
 *   at       openat/mkdirat/unlinkat (AT_REMOVEDIR)/fstatat
 *            (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH) relative to a dirfd;
 *   cwd      fchdir + getcwd, chdir(".."), chdir to a file (ENOTDIR),
 *            getcwd of a removed cwd (ENOENT);
 *   nlink    a dir's st_nlink is 2 + its subdirs, through mkdir, rmdir and
 *            rename between parents.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "test_common.h"

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#define RENAME_EXCHANGE (1 << 1)
#endif

static char base[128]; /* the scratch directory, absolute */

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

static void touch(const char *path, const char *text)
{
    int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
    CHECK(fd >= 0, "create %s failed, errno %d", path, errno);
    if (fd >= 0) {
        CHECK(write(fd, text, strlen(text)) == (ssize_t)strlen(text), "write %s failed, errno %d", path, errno);
        close(fd);
    }
}

static unsigned long long ino(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0 ? (unsigned long long)st.st_ino : 0;
}

static unsigned long nlink(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (unsigned long)st.st_nlink : 0;
}

/* errno of a call that must fail; 0 if it succeeded. */
#define ERR(call) (errno = 0, (call) == -1 ? errno : 0)

static void g_mkrm(void)
{
    CHECK(mkdir("d", 0755) == 0, "mkdir(d) failed, errno %d", errno);
    CHECK(ERR(mkdir("d", 0755)) == EEXIST, "mkdir(d) twice: errno %d, expected EEXIST", errno);
    touch("d/f", "x");
    CHECK(ERR(mkdir("d/f", 0755)) == EEXIST, "mkdir over a file: errno %d, expected EEXIST", errno);
    CHECK(ERR(rmdir("d")) == ENOTEMPTY, "rmdir(non-empty) errno %d, expected ENOTEMPTY", errno);
    CHECK(ERR(rmdir("d/f")) == ENOTDIR, "rmdir(file) errno %d, expected ENOTDIR", errno);
    CHECK(ERR(unlink("d")) == EISDIR, "unlink(dir) errno %d, expected EISDIR (Linux, not POSIX's EPERM)", errno);
    CHECK(ERR(rmdir("d/.")) == EINVAL, "rmdir(d/.) errno %d, expected EINVAL", errno);
    CHECK(ERR(rmdir("nothere")) == ENOENT, "rmdir(missing) errno %d, expected ENOENT", errno);
    CHECK(unlink("d/f") == 0 && rmdir("d") == 0, "emptying and removing d failed, errno %d", errno);
    struct stat st;
    CHECK(ERR(stat("d", &st)) == ENOENT, "stat of a removed dir: errno %d, expected ENOENT", errno);

    CHECK(mknod("p", S_IFIFO | 0640, 0) == 0, "mknod(S_IFIFO) failed, errno %d", errno);
    CHECK(lstat("p", &st) == 0 && S_ISFIFO(st.st_mode) && (st.st_mode & 07777) == 0640 && st.st_size == 0,
          "mknod'd FIFO: mode 0%o", (unsigned)st.st_mode);
    CHECK(mkfifo("p2", 0600) == 0 && lstat("p2", &st) == 0 && S_ISFIFO(st.st_mode), "mkfifo: mode 0%o, errno %d",
          (unsigned)st.st_mode, errno);
    unlink("p");
    unlink("p2");
}

struct dirent64_ {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

/* List `dir` with getdents64 through a `bufsize` buffer; check each wanted
 * name appears once with its type and inode, and nothing else does. */
static void list_exactly(int fd, size_t bufsize, const char *const *names, const unsigned char *types, int count)
{
    char buf[4096];
    int seen[16] = {0};
    long n;
    lseek(fd, 0, SEEK_SET);
    while ((n = syscall(SYS_getdents64, fd, buf, bufsize)) > 0) {
        for (long off = 0; off < n;) {
            struct dirent64_ *e = (struct dirent64_ *)(buf + off);
            int i;
            for (i = 0; i < count && strcmp(names[i], e->d_name) != 0; i++)
                ;
            CHECK(i < count, "getdents64(bufsize %zu): unexpected entry \"%s\"", bufsize, e->d_name);
            if (i < count) {
                seen[i]++;
                CHECK(e->d_type == types[i], "getdents64: %s has d_type %d, expected %d", e->d_name, e->d_type,
                      types[i]);
                struct stat st;
                CHECK(fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && st.st_ino == e->d_ino,
                      "getdents64: %s has d_ino %llu, fstatat says %llu", e->d_name, (unsigned long long)e->d_ino,
                      (unsigned long long)st.st_ino);
            }
            if (e->d_reclen == 0)
                break;
            off += e->d_reclen;
        }
    }
    CHECK(n == 0, "getdents64(bufsize %zu) = %ld, errno %d", bufsize, n, errno);
    for (int i = 0; i < count; i++)
        CHECK(seen[i] == 1, "getdents64(bufsize %zu): %s seen %d times", bufsize, names[i], seen[i]);
}

static void g_getdents(void)
{
    CHECK(mkdir("g", 0755) == 0 && mkdir("g/sub", 0755) == 0, "mkdir(g, g/sub) failed, errno %d", errno);
    touch("g/f1", "1");
    touch("g/file_with_a_longer_name", "2");
    CHECK(symlink("f1", "g/ln") == 0 && mkfifo("g/fifo", 0644) == 0, "symlink/mkfifo in g failed, errno %d", errno);
    int fd = open("g", O_RDONLY | O_DIRECTORY);
    CHECK(fd >= 0, "open(g, O_DIRECTORY) failed, errno %d", errno);
    static const char *const names[] = {".", "..", "sub", "f1", "ln", "file_with_a_longer_name", "fifo"};
    static const unsigned char types[] = {DT_DIR, DT_DIR, DT_DIR, DT_REG, DT_LNK, DT_REG, DT_FIFO};
    list_exactly(fd, 4096, names, types, 7);
    list_exactly(fd, 64, names, types, 7); /* one or two entries per call */
    CHECK(unlink("g/file_with_a_longer_name") == 0 && unlink("g/fifo") == 0, "unlink in g failed, errno %d", errno);
    list_exactly(fd, 4096, names, types, 5); /* the first five */
    char buf[64];
    lseek(fd, 0, SEEK_SET);
    CHECK(ERR(syscall(SYS_getdents64, fd, buf, 8)) == EINVAL, "getdents64 with an 8-byte buffer: errno %d, want EINVAL",
          errno);
    close(fd);
    rm_rf("g");
}

static void g_rename(void)
{
    struct stat st;
    touch("a", "A");
    touch("b", "B");
    unsigned long long ia = ino("a");
    int old_b = open("b", O_RDONLY);
    CHECK(rename("a", "b") == 0, "rename(a, b) failed, errno %d", errno);
    char buf[8] = {0};
    int fd = open("b", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, sizeof buf) == 1 && buf[0] == 'A' && ino("b") == ia,
          "after rename(a, b), b holds \"%s\" ino %llu (a's was %llu)", buf, ino("b"), ia);
    close(fd);
    CHECK(ERR(lstat("a", &st)) == ENOENT, "a still exists after rename(a, b)");
    CHECK(fstat(old_b, &st) == 0 && st.st_nlink == 0, "the replaced b has nlink %lu, expected 0",
          (unsigned long)st.st_nlink);
    close(old_b);

    /* Renaming onto itself, or onto another link to the same inode, is a
     * successful no-op (both names stay: POSIX, and Linux, say so). */
    CHECK(rename("b", "b") == 0 && ino("b") == ia, "rename(b, b) failed or changed b, errno %d", errno);
    CHECK(link("b", "b2") == 0 && rename("b", "b2") == 0, "rename onto a hard link failed, errno %d", errno);
    CHECK(ino("b") == ia && ino("b2") == ia && nlink("b") == 2, "rename onto a hard link changed something");
    unlink("b2");

    CHECK(mkdir("d1", 0755) == 0 && mkdir("d1/d2", 0755) == 0, "mkdir(d1/d2) failed, errno %d", errno);
    CHECK(ERR(rename("d1", "d1/d2/d3")) == EINVAL, "rename(dir into its subdir) errno %d, expected EINVAL", errno);
    CHECK(mkdir("full", 0755) == 0 && mkdir("full/x", 0755) == 0 && mkdir("empty", 0755) == 0,
          "mkdir(full, empty) failed, errno %d", errno);
    CHECK(ERR(rename("d1", "full")) == ENOTEMPTY, "rename(dir over non-empty dir) errno %d, expected ENOTEMPTY",
          errno);
    unsigned long long id1 = ino("d1");
    CHECK(rename("d1", "empty") == 0 && ino("empty") == id1 && ERR(lstat("d1", &st)) == ENOENT,
          "rename(dir over empty dir) failed, errno %d", errno);
    CHECK(lstat("empty/d2", &st) == 0 && S_ISDIR(st.st_mode), "the renamed dir lost its child");
    CHECK(ERR(rename("b", "full")) == EISDIR, "rename(file over dir) errno %d, expected EISDIR", errno);
    CHECK(ERR(rename("full", "b")) == ENOTDIR, "rename(dir over file) errno %d, expected ENOTDIR", errno);
    CHECK(ERR(rename("nothere", "z")) == ENOENT, "rename(missing) errno %d, expected ENOENT", errno);

    /* renameat2: NOREPLACE, EXCHANGE (raw: musl has no wrapper). */
    touch("c", "C");
    CHECK(ERR(syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "c", RENAME_NOREPLACE)) == EEXIST,
          "renameat2(NOREPLACE) over c: errno %d, expected EEXIST", errno);
    CHECK(ino("b") == ia, "a failed RENAME_NOREPLACE moved b");
    CHECK(syscall(SYS_renameat2, AT_FDCWD, "b", AT_FDCWD, "b3", RENAME_NOREPLACE) == 0 && ino("b3") == ia,
          "renameat2(NOREPLACE) to a free name failed, errno %d", errno);
    unsigned long long ic = ino("c"), ifull = ino("full");
    CHECK(syscall(SYS_renameat2, AT_FDCWD, "b3", AT_FDCWD, "c", RENAME_EXCHANGE) == 0 && ino("c") == ia &&
              ino("b3") == ic,
          "RENAME_EXCHANGE of two files did not swap them, errno %d", errno);
    CHECK(syscall(SYS_renameat2, AT_FDCWD, "c", AT_FDCWD, "full", RENAME_EXCHANGE) == 0 && ino("full") == ia &&
              ino("c") == ifull && lstat("c/x", &st) == 0,
          "RENAME_EXCHANGE of a file and a dir did not swap them, errno %d", errno);
    CHECK(ERR(syscall(SYS_renameat2, AT_FDCWD, "b3", AT_FDCWD, "nothere", RENAME_EXCHANGE)) == ENOENT,
          "RENAME_EXCHANGE with no target: errno %d, expected ENOENT", errno);
    CHECK(ERR(syscall(SYS_renameat2, AT_FDCWD, "b3", AT_FDCWD, "q", RENAME_EXCHANGE | RENAME_NOREPLACE)) == EINVAL,
          "renameat2(EXCHANGE|NOREPLACE): errno %d, expected EINVAL", errno);
    rm_rf("b3");
    rm_rf("c");
    rm_rf("full");
    rm_rf("empty");
}

static void g_links(void)
{
    char buf[256];
    CHECK(mkdir("dir", 0755) == 0, "mkdir(dir) failed, errno %d", errno);
    CHECK(ERR(link("dir", "dirlink")) == EPERM, "link(dir) errno %d, expected EPERM", errno);
    touch("t", "target");
    CHECK(symlink("t", "s") == 0, "symlink(t, s) failed, errno %d", errno);
    memset(buf, 'z', sizeof buf);
    ssize_t n = readlink("s", buf, sizeof buf);
    CHECK(n == 1 && buf[0] == 't' && buf[1] == 'z', "readlink(s) = %zd \"%.4s\", expected 1 \"t\" (no NUL)", n, buf);
    static const char far[] = "../no/such/place/at/all";
    CHECK(symlink(far, "dangling") == 0, "symlink(dangling) failed, errno %d", errno);
    n = readlink("dangling", buf, sizeof buf);
    CHECK(n == (ssize_t)strlen(far) && memcmp(buf, far, n) == 0, "readlink(dangling) = %zd \"%.*s\"", n,
          (int)(n > 0 ? n : 0), buf);
    struct stat st;
    CHECK(lstat("dangling", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == (off_t)strlen(far),
          "lstat(dangling): mode 0%o size %lld", (unsigned)st.st_mode, (long long)st.st_size);
    CHECK(ERR(stat("dangling", &st)) == ENOENT, "stat(dangling) errno %d, expected ENOENT", errno);
    CHECK(ERR(symlink("t", "s")) == EEXIST, "symlink over an existing name: errno %d, expected EEXIST", errno);
    CHECK(ERR(readlink("t", buf, sizeof buf)) == EINVAL, "readlink(file) errno %d, expected EINVAL", errno);
    CHECK(ERR(readlink("dir", buf, sizeof buf)) == EINVAL, "readlink(dir) errno %d, expected EINVAL", errno);

    CHECK(symlink("loopb", "loopa") == 0 && symlink("loopa", "loopb") == 0, "symlink loop failed, errno %d", errno);
    CHECK(ERR(open("loopa", O_RDONLY)) == ELOOP, "open(a->b->a) errno %d, expected ELOOP", errno);
    CHECK(ERR(stat("loopa", &st)) == ELOOP, "stat(a->b->a) errno %d, expected ELOOP", errno);

    /* l0 -> t, lK -> l(K-1): opening lK follows K+1 links; Linux allows
     * 40 (MAXSYMLINKS) per lookup. */
    char name[16], prev[16] = "t";
    for (int k = 0; k <= 40; k++) {
        snprintf(name, sizeof name, "l%d", k);
        CHECK(symlink(prev, name) == 0, "symlink(%s) failed, errno %d", name, errno);
        strcpy(prev, name);
    }
    int fd = open("l39", O_RDONLY);
    CHECK(fd >= 0 && read(fd, buf, 6) == 6 && memcmp(buf, "target", 6) == 0,
          "open through a chain of 40 symlinks failed, errno %d", errno);
    close(fd);
    CHECK(ERR(open("l40", O_RDONLY)) == ELOOP, "open through 41 symlinks: errno %d, expected ELOOP", errno);
    for (int k = 0; k <= 40; k++) {
        snprintf(name, sizeof name, "l%d", k);
        unlink(name);
    }
    unlink("loopa");
    unlink("loopb");
    unlink("s");
    unlink("dangling");
    unlink("t");
    rmdir("dir");
}

/* A path of exactly `len` bytes naming "f" in the cwd: "./././f", with a
 * doubled slash ("././/f") when `len` is even. */
static char *long_path(size_t len)
{
    char *p = malloc(len + 1);
    size_t i = 0;
    for (size_t k = 0; k < (len - 1) / 2; k++) {
        p[i++] = '.';
        p[i++] = '/';
    }
    if (len % 2 == 0)
        p[i++] = '/';
    p[i++] = 'f';
    p[i] = 0;
    return p;
}

static void g_names(void)
{
    char name[300];
    memset(name, 'n', 255);
    name[255] = 0;
    int fd = open(name, O_CREAT | O_WRONLY, 0644);
    CHECK(fd >= 0, "open of a 255-char name failed, errno %d", errno);
    close(fd);
    CHECK(unlink(name) == 0, "unlink of a 255-char name failed, errno %d", errno);
    memset(name, 'n', 256);
    name[256] = 0;
    CHECK(ERR(open(name, O_CREAT | O_WRONLY, 0644)) == ENAMETOOLONG, "a 256-char name: errno %d, expected ENAMETOOLONG",
          errno);
    struct stat st;
    CHECK(ERR(stat(name, &st)) == ENAMETOOLONG, "stat of a 256-char name: errno %d, expected ENAMETOOLONG", errno);

    touch("f", "x");
    char *p = long_path(4095);
    CHECK(strlen(p) == 4095 && stat(p, &st) == 0, "stat of a 4095-byte path failed, errno %d", errno);
    free(p);
    p = long_path(4096);
    CHECK(strlen(p) == 4096 && ERR(stat(p, &st)) == ENAMETOOLONG, "a 4096-byte path: errno %d, expected ENAMETOOLONG",
          errno);
    free(p);
    unlink("f");
}

static void g_slash(void)
{
    struct stat st;
    touch("file", "x");
    CHECK(ERR(open("file/", O_RDONLY)) == ENOTDIR, "open(file/) errno %d, expected ENOTDIR", errno);
    CHECK(ERR(stat("file/", &st)) == ENOTDIR, "stat(file/) errno %d, expected ENOTDIR", errno);
    CHECK(ERR(unlink("file/")) == ENOTDIR, "unlink(file/) errno %d, expected ENOTDIR", errno);
    CHECK(ERR(open("new/", O_CREAT | O_WRONLY, 0644)) == EISDIR, "open(new/, O_CREAT) errno %d, expected EISDIR",
          errno);
    CHECK(mkdir("newdir/", 0755) == 0, "mkdir(newdir/) failed, errno %d", errno);
    CHECK(stat("newdir/", &st) == 0 && S_ISDIR(st.st_mode), "stat(newdir/) failed, errno %d", errno);
    CHECK(stat("newdir//.//", &st) == 0 && S_ISDIR(st.st_mode), "stat(newdir//.//) failed, errno %d", errno);
    CHECK(symlink("newdir", "dirlink") == 0, "symlink(dirlink) failed, errno %d", errno);
    CHECK(lstat("dirlink", &st) == 0 && S_ISLNK(st.st_mode), "lstat(dirlink) is not a link");
    CHECK(lstat("dirlink/", &st) == 0 && S_ISDIR(st.st_mode), "lstat(dirlink/) did not follow the link");
    CHECK(rename("newdir/", "newdir2/") == 0 && rmdir("newdir2/") == 0, "rename/rmdir with slashes failed, errno %d",
          errno);
    unlink("dirlink");
    unlink("file");
}

static void g_at(void)
{
    struct stat st, dst;
    CHECK(mkdir("at", 0755) == 0, "mkdir(at) failed, errno %d", errno);
    int dfd = open("at", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0 && fstat(dfd, &dst) == 0, "open(at) failed, errno %d", errno);
    int fd = openat(dfd, "x", O_CREAT | O_RDWR | O_EXCL, 0644);
    CHECK(fd >= 0 && stat("at/x", &st) == 0 && S_ISREG(st.st_mode), "openat(dfd, x, O_CREAT) did not make at/x");
    CHECK(ERR(openat(fd, "y", O_RDONLY)) == ENOTDIR, "openat(file fd, y) errno %d, expected ENOTDIR", errno);
    CHECK(mkdirat(dfd, "y", 0755) == 0 && stat("at/y", &st) == 0 && S_ISDIR(st.st_mode),
          "mkdirat(dfd, y) did not make at/y, errno %d", errno);
    CHECK(symlinkat("x", dfd, "lnk") == 0, "symlinkat failed, errno %d", errno);
    CHECK(fstatat(dfd, "lnk", &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st.st_mode),
          "fstatat(lnk, AT_SYMLINK_NOFOLLOW) is not a link");
    CHECK(fstatat(dfd, "lnk", &st, 0) == 0 && S_ISREG(st.st_mode), "fstatat(lnk) did not follow it");
    CHECK(fstatat(dfd, "", &st, AT_EMPTY_PATH) == 0 && st.st_ino == dst.st_ino,
          "fstatat(dfd, \"\", AT_EMPTY_PATH) is not the directory");
    CHECK(fstatat(fd, "", &st, AT_EMPTY_PATH) == 0 && S_ISREG(st.st_mode), "fstatat(file fd, AT_EMPTY_PATH) failed");
    CHECK(fstatat(dfd, base, &st, 0) == 0 && S_ISDIR(st.st_mode), "fstatat(dfd, absolute) failed, errno %d", errno);
    CHECK(ERR(unlinkat(dfd, "y", 0)) == EISDIR, "unlinkat(dir, 0) errno %d, expected EISDIR", errno);
    CHECK(ERR(unlinkat(dfd, "x", AT_REMOVEDIR)) == ENOTDIR, "unlinkat(file, AT_REMOVEDIR) errno %d, expected ENOTDIR",
          errno);
    CHECK(unlinkat(dfd, "y", AT_REMOVEDIR) == 0 && ERR(stat("at/y", &st)) == ENOENT,
          "unlinkat(y, AT_REMOVEDIR) failed, errno %d", errno);
    CHECK(unlinkat(dfd, "x", 0) == 0 && unlinkat(dfd, "lnk", 0) == 0, "unlinkat(x, lnk) failed, errno %d", errno);
    close(fd);
    close(dfd);
    rmdir("at");
}

static void g_cwd(void)
{
    char buf[512], want[512];
    CHECK(mkdir("c", 0755) == 0 && mkdir("c/sub", 0755) == 0, "mkdir(c/sub) failed, errno %d", errno);
    int dfd = open("c", O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0 && fchdir(dfd) == 0, "fchdir failed, errno %d", errno);
    snprintf(want, sizeof want, "%s/c", base);
    CHECK(getcwd(buf, sizeof buf) && strcmp(buf, want) == 0, "getcwd after fchdir: \"%s\", expected \"%s\"", buf, want);
    char want_sub[600];
    snprintf(want_sub, sizeof want_sub, "%s/sub", want);
    CHECK(chdir("sub") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, want_sub) == 0,
          "getcwd after chdir(sub): \"%s\", expected \"%s\"", buf, want_sub);
    CHECK(chdir("..") == 0 && getcwd(buf, sizeof buf) && strcmp(buf, want) == 0, "getcwd after chdir(..): \"%s\"",
          buf);
    CHECK(ERR(getcwd(buf, 4) ? 0 : -1) == ERANGE, "getcwd into 4 bytes: errno %d, expected ERANGE", errno);
    touch("file", "x");
    CHECK(ERR(chdir("file")) == ENOTDIR, "chdir(file) errno %d, expected ENOTDIR", errno);
    CHECK(ERR(chdir("nothere")) == ENOENT, "chdir(missing) errno %d, expected ENOENT", errno);
    CHECK(ERR(fchdir(-1)) == EBADF, "fchdir(-1) errno %d, expected EBADF", errno);
    /* Remove the directory we are in: getcwd (raw) is then ENOENT. */
    CHECK(chdir("sub") == 0 && rmdir("../sub") == 0, "rmdir of the cwd failed, errno %d", errno);
    CHECK(ERR(syscall(SYS_getcwd, buf, sizeof buf)) == ENOENT, "getcwd in a removed dir: errno %d, expected ENOENT",
          errno);
    struct stat st;
    CHECK(ERR(open("new", O_CREAT | O_WRONLY, 0644)) == ENOENT, "creating in a removed cwd: errno %d, want ENOENT",
          errno);
    CHECK(stat(".", &st) == 0 && st.st_nlink == 0, "stat(.) of a removed cwd: nlink %lu, expected 0",
          (unsigned long)st.st_nlink);
    CHECK(fchdir(dfd) == 0, "fchdir back failed");
    unlink("file");
    close(dfd);
    chdir(base);
    rmdir("c");
}

static void g_nlink(void)
{
    CHECK(mkdir("n", 0755) == 0 && mkdir("m", 0755) == 0, "mkdir(n, m) failed, errno %d", errno);
    unsigned long top = nlink(".");
    CHECK(nlink("n") == 2, "a new dir has nlink %lu, expected 2", nlink("n"));
    CHECK(mkdir("n/a", 0755) == 0 && mkdir("n/b", 0755) == 0 && mkdir("n/c", 0755) == 0, "mkdir(n/*) failed");
    touch("n/file", "x");
    CHECK(nlink("n") == 5, "a dir with 3 subdirs and a file has nlink %lu, expected 5", nlink("n"));
    CHECK(rmdir("n/c") == 0 && nlink("n") == 4, "after rmdir: nlink %lu, expected 4", nlink("n"));
    CHECK(rename("n/b", "m/b") == 0 && nlink("n") == 3 && nlink("m") == 3,
          "rename of a subdir between parents: nlink %lu and %lu, expected 3 and 3", nlink("n"), nlink("m"));
    CHECK(nlink(".") == top, "the grandparent's nlink moved from %lu to %lu", top, nlink("."));
    rm_rf("n");
    rm_rf("m");
    CHECK(nlink(".") == top - 2, "removing two subdirs left the parent's nlink at %lu, expected %lu", nlink("."),
          top - 2);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    umask(022);
    snprintf(base, sizeof base, "/tmp/vfs_dirs.%d", (int)getpid());
    if (mkdir(base, 0755) < 0 || chdir(base) < 0) {
        printf("FAIL: cannot make and enter %s, errno %d\nvfs_dirs: 1 failed\n", base, errno);
        return 1;
    }
    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {{"mkrm", g_mkrm},   {"getdents", g_getdents}, {"rename", g_rename}, {"links", g_links},
                  {"names", g_names}, {"slash", g_slash},       {"at", g_at},         {"cwd", g_cwd},
                  {"nlink", g_nlink}};
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++)
        group(groups[i].name, groups[i].run);
    CHECK(chdir("/") == 0, "chdir(/) failed, errno %d", errno);
    CHECK(rmdir(base) == 0, "rmdir(%s) failed (left-overs?), errno %d", base, errno);
    rm_rf(base);
    if (failures) {
        printf("vfs_dirs: %d failed\n", failures);
        return 1;
    }
    printf("vfs_dirs: all ok\n");
    return 0;
}

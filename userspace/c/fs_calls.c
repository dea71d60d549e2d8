/* File-system and descriptor calls most programs make right after start-up
 * (stdio's fstat, ls's stat + getdents, a shell's pipe + dup2 + fcntl),
 * through libc, then the same calls raw (both libcs route stat through
 * statx and lseek through _llseek, so stat64/fstatat64/lseek/getdents are
 * only reached by syscall()). Prints `FAIL: ...` for each broken check and
 * `fs_calls: all ok` (exit 0) only when every check passes.
 *   c_fs_calls_* [FILE [DIR [LINK]]]   (default /etc/hostname and /bin;
 *   LINK, if given, must be a symlink to FILE)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int failures;
#define CHECK(cond, ...) do { if (!(cond)) { failures++; printf("FAIL: " __VA_ARGS__); printf("\n"); } } while (0)

static void check_stat(const char *file, const char *dir)
{
    struct stat st;
    int rc = fstat(1, &st);
    CHECK(rc == 0, "fstat(1) = %d, errno %d (%s)", rc, errno, strerror(errno));
    if (rc == 0)
        printf("fstat(1): mode 0%o rdev 0x%llx\n", (unsigned)st.st_mode, (unsigned long long)st.st_rdev);

    rc = stat(file, &st);
    CHECK(rc == 0, "stat(%s) = %d, errno %d (%s)", file, rc, errno, strerror(errno));
    off_t size = -1;
    if (rc == 0) {
        size = st.st_size;
        printf("stat(%s): mode 0%o size %lld\n", file, (unsigned)st.st_mode, (long long)st.st_size);
        CHECK(S_ISREG(st.st_mode), "%s is not a regular file (mode 0%o)", file, (unsigned)st.st_mode);
        CHECK(st.st_size > 0, "%s has size %lld", file, (long long)st.st_size);
    }
    rc = lstat(file, &st);
    CHECK(rc == 0, "lstat(%s) = %d, errno %d (%s)", file, rc, errno, strerror(errno));
    rc = stat(dir, &st);
    CHECK(rc == 0 && S_ISDIR(st.st_mode), "stat(%s) = %d, errno %d, mode 0%o: not a directory", dir, rc, errno,
          rc == 0 ? (unsigned)st.st_mode : 0u);
    errno = 0;
    rc = stat("/no/such/file", &st);
    CHECK(rc == -1 && errno == ENOENT, "stat(/no/such/file) = %d, errno %d, expected ENOENT", rc, errno);

    int fd = open(file, O_RDONLY);
    CHECK(fd >= 0, "open(%s) failed, errno %d", file, errno);
    if (fd >= 0) {
        rc = fstat(fd, &st);
        CHECK(rc == 0 && S_ISREG(st.st_mode) && st.st_size == size, "fstat(file) = %d, errno %d", rc, errno);
        off_t end = lseek(fd, 0, SEEK_END);
        CHECK(end > 0 && (size < 0 || end == size), "lseek(SEEK_END) = %lld, file size %lld", (long long)end,
              (long long)size);
        off_t pos = lseek(fd, 1, SEEK_SET);
        CHECK(pos == 1, "lseek(1, SEEK_SET) = %lld", (long long)pos);
        char c;
        CHECK(read(fd, &c, 1) == 1, "read after lseek failed");
        close(fd);
    }
    CHECK(access(file, R_OK) == 0, "access(%s, R_OK) failed, errno %d", file, errno);
}

static void check_dir(const char *dir)
{
    DIR *d = opendir(dir);
    CHECK(d != NULL, "opendir(%s) failed, errno %d (%s)", dir, errno, strerror(errno));
    if (!d)
        return;
    int n = 0, dot = 0;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        n++;
        dot |= strcmp(e->d_name, ".") == 0;
    }
    int err = errno;
    CHECK(err == 0, "readdir(%s) failed, errno %d (%s)", dir, err, strerror(err));
    printf("readdir(%s): %d entries\n", dir, n);
    if (err == 0) {
        CHECK(n > 2, "readdir(%s) found only %d entries", dir, n);
        CHECK(dot, "readdir(%s) has no \".\"", dir);
    }
    closedir(d);

    char cwd[256];
    CHECK(chdir(dir) == 0, "chdir(%s) failed, errno %d", dir, errno);
    CHECK(getcwd(cwd, sizeof cwd) && cwd[0] == '/', "getcwd after chdir(%s) failed, errno %d", dir, errno);
    CHECK(chdir("/") == 0, "chdir(/) failed, errno %d", errno);
    CHECK(getcwd(cwd, sizeof cwd) && strcmp(cwd, "/") == 0, "getcwd after chdir(/) failed, errno %d", errno);
}

/* The kernel's i386 `struct stat64` (arch/x86/include/uapi/asm/stat.h);
 * neither libc's struct stat has this layout on i386 musl. */
struct kstat64 {
    unsigned long long st_dev;
    unsigned char __pad0[4];
    unsigned int __st_ino;
    unsigned int st_mode, st_nlink, st_uid, st_gid;
    unsigned long long st_rdev;
    unsigned char __pad3[4];
    long long st_size;
    unsigned int st_blksize;
    unsigned long long st_blocks;
    unsigned int st_atime_, st_atime_nsec, st_mtime_, st_mtime_nsec, st_ctime_, st_ctime_nsec;
    unsigned long long st_ino;
} __attribute__((packed, aligned(4)));
_Static_assert(sizeof(struct kstat64) == 96, "struct stat64 is 96 bytes on i386");

/* Raw stat64/lstat64/fstat64/fstatat64, lseek, getdents, getdents64, dup3,
 * faccessat, fcntl and readlink, checked against what libc's calls said. */
static void check_raw(const char *file, const char *dir)
{
    struct stat st;
    struct kstat64 k;
    if (stat(file, &st) != 0)
        return; /* reported by check_stat */
    long rc = syscall(SYS_stat64, file, &k);
    CHECK(rc == 0, "stat64(%s) = %ld, errno %d", file, rc, errno);
    if (rc == 0) {
        CHECK(k.st_ino == (unsigned long long)st.st_ino && k.__st_ino == (unsigned)st.st_ino && k.st_ino != 0,
              "stat64 st_ino %llu/%u, statx says %llu", k.st_ino, k.__st_ino, (unsigned long long)st.st_ino);
        CHECK(k.st_mode == st.st_mode && k.st_size == st.st_size && k.st_nlink >= 1,
              "stat64 mode 0%o size %lld nlink %u", k.st_mode, k.st_size, k.st_nlink);
        CHECK(k.st_blksize > 0 && k.st_dev == (unsigned long long)st.st_dev, "stat64 blksize %u dev %llx", k.st_blksize,
              k.st_dev);
    }
    rc = syscall(SYS_lstat64, file, &k);
    CHECK(rc == 0 && k.st_ino == (unsigned long long)st.st_ino, "lstat64(%s) = %ld, errno %d", file, rc, errno);
    errno = 0;
    rc = syscall(SYS_stat64, "", &k);
    CHECK(rc == -1 && errno == ENOENT, "stat64(\"\") = %ld, errno %d, expected ENOENT", rc, errno);
    errno = 0;
    rc = syscall(SYS_stat64, file, (void *)16);
    CHECK(rc == -1 && errno == EFAULT, "stat64(%s, 16) = %ld, errno %d, expected EFAULT", file, rc, errno);
    errno = 0;
    rc = syscall(SYS_stat64, (char *)16, &k);
    CHECK(rc == -1 && errno == EFAULT, "stat64(16) = %ld, errno %d, expected EFAULT", rc, errno);

    int dfd = open(dir, O_RDONLY | O_DIRECTORY);
    CHECK(dfd >= 0, "open(%s, O_DIRECTORY) failed, errno %d", dir, errno);
    int fd = open(file, O_RDONLY);
    CHECK(fd >= 0, "open(%s) failed, errno %d", file, errno);
    if (dfd < 0 || fd < 0)
        return;
    rc = syscall(SYS_fstat64, fd, &k);
    CHECK(rc == 0 && k.st_ino == (unsigned long long)st.st_ino && k.st_size == st.st_size,
          "fstat64(file) = %ld, errno %d", rc, errno);
    errno = 0;
    rc = syscall(SYS_fstat64, 999, &k);
    CHECK(rc == -1 && errno == EBADF, "fstat64(999) = %ld, errno %d, expected EBADF", rc, errno);
    rc = syscall(SYS_fstat64, dfd, &k);
    CHECK(rc == 0 && S_ISDIR(k.st_mode) && k.st_nlink >= 1, "fstat64(dir) = %ld, mode 0%o", rc, k.st_mode);
    unsigned long long dir_ino = k.st_ino;
    rc = syscall(SYS_fstatat64, AT_FDCWD, file, &k, AT_SYMLINK_NOFOLLOW);
    CHECK(rc == 0 && k.st_ino == (unsigned long long)st.st_ino, "fstatat64(AT_FDCWD, %s) = %ld, errno %d", file, rc,
          errno);
    rc = syscall(SYS_fstatat64, dfd, "", &k, AT_EMPTY_PATH);
    CHECK(rc == 0 && k.st_ino == dir_ino, "fstatat64(dir, \"\", AT_EMPTY_PATH) = %ld, errno %d", rc, errno);
    rc = syscall(SYS_fstatat64, fd, "", &k, AT_EMPTY_PATH);
    CHECK(rc == 0 && k.st_ino == (unsigned long long)st.st_ino, "fstatat64(file, \"\", AT_EMPTY_PATH) = %ld, errno %d",
          rc, errno);
    rc = syscall(SYS_fstatat64, dfd, ".", &k, 0);
    CHECK(rc == 0 && k.st_ino == dir_ino, "fstatat64(dir, \".\") = %ld, errno %d", rc, errno);
    errno = 0;
    rc = syscall(SYS_fstatat64, dfd, "", &k, 0);
    CHECK(rc == -1 && errno == ENOENT, "fstatat64(dir, \"\", 0) = %ld, errno %d, expected ENOENT", rc, errno);
    errno = 0;
    rc = syscall(SYS_fstatat64, AT_FDCWD, file, &k, 0x8000);
    CHECK(rc == -1 && errno == EINVAL, "fstatat64(flags 0x8000) = %ld, errno %d, expected EINVAL", rc, errno);
    errno = 0;
    rc = syscall(SYS_fstatat64, fd, "x", &k, 0);
    CHECK(rc == -1 && errno == ENOTDIR, "fstatat64(file fd, \"x\") = %ld, errno %d, expected ENOTDIR", rc, errno);

    /* lseek with a 32-bit off_t. */
    rc = syscall(SYS_lseek, fd, 2, SEEK_SET);
    CHECK(rc == 2, "lseek(2, SEEK_SET) = %ld, errno %d", rc, errno);
    rc = syscall(SYS_lseek, fd, -1, SEEK_CUR);
    CHECK(rc == 1, "lseek(-1, SEEK_CUR) = %ld, errno %d", rc, errno);
    rc = syscall(SYS_lseek, fd, 0, SEEK_END);
    CHECK(rc == st.st_size, "lseek(0, SEEK_END) = %ld, size %lld", rc, (long long)st.st_size);
    errno = 0;
    rc = syscall(SYS_lseek, fd, -1, SEEK_SET);
    CHECK(rc == -1 && errno == EINVAL, "lseek(-1, SEEK_SET) = %ld, errno %d, expected EINVAL", rc, errno);
    errno = 0;
    rc = syscall(SYS_lseek, fd, 0, 42);
    CHECK(rc == -1 && errno == EINVAL, "lseek(whence 42) = %ld, errno %d, expected EINVAL", rc, errno);
    errno = 0;
    rc = syscall(SYS_lseek, 999, 0, SEEK_SET);
    CHECK(rc == -1 && errno == EBADF, "lseek(999) = %ld, errno %d, expected EBADF", rc, errno);

    /* getdents64: a buffer too small for one record; the old getdents. */
    char buf[4096];
    errno = 0;
    rc = syscall(SYS_getdents64, dfd, buf, 8);
    CHECK(rc == -1 && errno == EINVAL, "getdents64(count 8) = %ld, errno %d, expected EINVAL", rc, errno);
    errno = 0;
    rc = syscall(SYS_getdents64, fd, buf, sizeof buf);
    CHECK(rc == -1 && errno == ENOTDIR, "getdents64(file) = %ld, errno %d, expected ENOTDIR", rc, errno);
    int dots = 0, n = 0;
    while ((rc = syscall(SYS_getdents, dfd, buf, sizeof buf)) > 0) {
        for (long off = 0; off < rc;) {
            unsigned short reclen = *(unsigned short *)(buf + off + 8);
            const char *name = buf + off + 10;
            CHECK(reclen >= 12 && reclen % 4 == 0 && off + reclen <= rc, "getdents: bad d_reclen %u", reclen);
            if (reclen < 12 || off + reclen > rc)
                break;
            if (strcmp(name, ".") == 0) {
                dots++;
                CHECK(buf[off + reclen - 1] == DT_DIR, "getdents: \".\" has d_type %d", buf[off + reclen - 1]);
            }
            n++;
            off += reclen;
        }
    }
    CHECK(rc == 0, "getdents(%s) = %ld, errno %d", dir, rc, errno);
    CHECK(dots == 1 && n > 2, "getdents(%s): %d entries, %d \".\"", dir, n, dots);

    /* dup3, raw: musl checks old == new itself and drops unknown flags. */
    errno = 0;
    rc = syscall(SYS_dup3, fd, fd, 0);
    CHECK(rc == -1 && errno == EINVAL, "dup3(fd, fd) = %ld, errno %d, expected EINVAL", rc, errno);
    errno = 0;
    rc = syscall(SYS_dup3, fd, 20, O_NONBLOCK);
    CHECK(rc == -1 && errno == EINVAL, "dup3(O_NONBLOCK) = %ld, errno %d, expected EINVAL", rc, errno);
    rc = syscall(SYS_dup3, fd, 20, O_CLOEXEC);
    CHECK(rc == 20 && fcntl(20, F_GETFD) == FD_CLOEXEC, "dup3(fd, 20, O_CLOEXEC) = %ld, errno %d", rc, errno);
    close(20);

    /* fcntl: status flags and F_DUPFD_CLOEXEC. */
    int fl = fcntl(fd, F_GETFL);
    CHECK(fl != -1 && (fl & O_ACCMODE) == O_RDONLY && !(fl & O_NONBLOCK), "fcntl(F_GETFL) = %#x", fl);
    CHECK(fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK),
          "fcntl(F_SETFL, O_NONBLOCK) did not stick, errno %d", errno);
    int fd2 = fcntl(fd, F_DUPFD_CLOEXEC, 5);
    CHECK(fd2 >= 5 && fcntl(fd2, F_GETFD) == FD_CLOEXEC, "fcntl(F_DUPFD_CLOEXEC, 5) = %d, errno %d", fd2, errno);
    CHECK(fcntl(fd2, F_GETFL) & O_NONBLOCK, "the status flags are not shared after F_DUPFD");
    close(fd2);
    errno = 0;
    rc = fcntl(fd, 999);
    CHECK(rc == -1 && errno == EINVAL, "fcntl(999) = %ld, errno %d, expected EINVAL", rc, errno);
    struct flock lk = {.l_type = F_RDLCK, .l_whence = SEEK_SET};
    CHECK(fcntl(fd, F_GETLK, &lk) == 0 && lk.l_type == F_UNLCK, "fcntl(F_GETLK) = type %d, errno %d", lk.l_type,
          errno);
    lk.l_type = F_RDLCK;
    CHECK(fcntl(fd, F_SETLK, &lk) == 0, "fcntl(F_SETLK, F_RDLCK) failed, errno %d", errno);
    lk.l_type = F_WRLCK;
    errno = 0;
    rc = fcntl(fd, F_SETLK, &lk);
    CHECK(rc == -1 && errno == EBADF, "fcntl(F_SETLK, F_WRLCK) on a read-only fd = %ld, errno %d, expected EBADF", rc,
          errno);

    /* faccessat and readlink of something that is not a link. */
    CHECK(faccessat(AT_FDCWD, file, R_OK, 0) == 0, "faccessat(%s, R_OK) failed, errno %d", file, errno);
    CHECK(faccessat(dfd, ".", R_OK | X_OK, 0) == 0, "faccessat(dir, \".\", R_OK|X_OK) failed, errno %d", errno);
    errno = 0;
    rc = faccessat(AT_FDCWD, file, 8, 0);
    CHECK(rc == -1 && errno == EINVAL, "faccessat(mode 8) = %ld, errno %d, expected EINVAL", rc, errno);
    if (!(st.st_mode & 0111)) {
        errno = 0;
        rc = faccessat(AT_FDCWD, file, X_OK, 0);
        CHECK(rc == -1 && errno == EACCES, "faccessat(%s, X_OK) = %ld, errno %d, expected EACCES", file, rc, errno);
    }
    errno = 0;
    rc = readlink(file, buf, sizeof buf);
    CHECK(rc == -1 && errno == EINVAL, "readlink(%s) = %ld, errno %d, expected EINVAL", file, rc, errno);
    errno = 0;
    rc = readlink(file, buf, 0);
    CHECK(rc == -1 && errno == EINVAL, "readlink(%s, size 0) = %ld, errno %d, expected EINVAL", file, rc, errno);
    close(fd);
    close(dfd);
}

/* LINK is a symlink to FILE. */
static void check_link(const char *link, const char *file)
{
    struct stat st, lst, fst;
    CHECK(lstat(link, &lst) == 0 && S_ISLNK(lst.st_mode), "lstat(%s) is not a symlink, errno %d", link, errno);
    CHECK(stat(link, &st) == 0 && stat(file, &fst) == 0 && st.st_ino == fst.st_ino,
          "stat(%s) is not the file %s, errno %d", link, file, errno);
    char buf[256];
    ssize_t n = readlink(link, buf, sizeof buf);
    CHECK(n > 0 && n == lst.st_size, "readlink(%s) = %zd, lstat size %lld", link, n, (long long)lst.st_size);
    if (n > 3) {
        char small[3];
        CHECK(readlink(link, small, 3) == 3 && memcmp(small, buf, 3) == 0, "readlink(%s, size 3) did not truncate",
              link);
    }
    ssize_t m = readlinkat(AT_FDCWD, link, buf, sizeof buf);
    CHECK(m == n, "readlinkat(%s) = %zd, readlink %zd", link, m, n);
    struct kstat64 k;
    long rc = syscall(SYS_lstat64, link, &k);
    CHECK(rc == 0 && S_ISLNK(k.st_mode) && k.st_size == n, "lstat64(%s) = %ld, mode 0%o", link, rc, k.st_mode);
    rc = syscall(SYS_fstatat64, AT_FDCWD, link, &k, AT_SYMLINK_NOFOLLOW);
    CHECK(rc == 0 && S_ISLNK(k.st_mode), "fstatat64(%s, AT_SYMLINK_NOFOLLOW) = %ld, mode 0%o", link, rc, k.st_mode);
    rc = syscall(SYS_fstatat64, AT_FDCWD, link, &k, 0);
    CHECK(rc == 0 && S_ISREG(k.st_mode), "fstatat64(%s) = %ld, mode 0%o", link, rc, k.st_mode);
    printf("readlink(%s) = %.*s\n", link, (int)(n > 0 ? n : 0), buf);
}

static void check_fds(void)
{
    int fl = fcntl(1, F_GETFL);
    CHECK(fl != -1, "fcntl(1, F_GETFL) = %d, errno %d (%s)", fl, errno, strerror(errno));
    int fd = dup(1);
    CHECK(fd > 2, "dup(1) = %d, errno %d", fd, errno);
    if (fd > 2) {
        CHECK(fcntl(fd, F_SETFD, FD_CLOEXEC) == 0, "fcntl(F_SETFD, FD_CLOEXEC) failed, errno %d (%s)", errno,
              strerror(errno));
        CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC, "fcntl(F_GETFD) is not FD_CLOEXEC, errno %d", errno);
        int fd2 = fcntl(fd, F_DUPFD, 10);
        CHECK(fd2 >= 10, "fcntl(F_DUPFD, 10) = %d, errno %d (%s)", fd2, errno, strerror(errno));
        if (fd2 >= 0)
            close(fd2);
        close(fd);
    }

    int p[2];
    int rc = pipe(p);
    CHECK(rc == 0, "pipe() = %d, errno %d (%s)", rc, errno, strerror(errno));
    if (rc != 0)
        return;
    struct stat st;
    CHECK(fstat(p[0], &st) == 0 && S_ISFIFO(st.st_mode), "fstat(pipe) is not a FIFO, errno %d", errno);
    errno = 0;
    CHECK(lseek(p[0], 0, SEEK_CUR) == -1 && errno == ESPIPE, "lseek(pipe) errno %d, expected ESPIPE", errno);
    fflush(stdout);
    pid_t pid = fork();
    CHECK(pid >= 0, "fork() failed, errno %d", errno);
    if (pid == 0) {
        close(p[0]);
        dup2(p[1], 1);
        close(p[1]);
        static const char msg[] = "through the pipe\n";
        _exit(write(1, msg, sizeof msg - 1) == sizeof msg - 1 ? 0 : 1);
    }
    close(p[1]);
    char buf[64] = {0};
    ssize_t n = 0, r;
    while (pid > 0 && (r = read(p[0], buf + n, sizeof buf - 1 - n)) > 0)
        n += r;
    close(p[0]);
    CHECK(strcmp(buf, "through the pipe\n") == 0, "read from the pipe gave \"%s\"", buf);
    if (pid > 0) {
        int st = 0;
        CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0, "pipe writer status 0x%x", st);
    }
}

int main(int argc, char **argv)
{
    const char *file = argc > 1 ? argv[1] : "/etc/hostname";
    const char *dir = argc > 2 ? argv[2] : "/bin";
    check_stat(file, dir);
    check_raw(file, dir);
    if (argc > 3)
        check_link(argv[3], file);
    check_dir(dir);
    check_fds();
    if (failures) {
        printf("fs_calls: %d failed\n", failures);
        return 1;
    }
    printf("fs_calls: all ok\n");
    return 0;
}

/* File-system and descriptor calls most programs make right after start-up
 * (stdio's fstat, ls's stat + getdents, a shell's pipe + dup2 + fcntl),
 * through libc. Prints `FAIL: ...` for each broken check and
 * `fs_calls: all ok` (exit 0) only when every check passes.
 *   c_fs_calls_* [FILE [DIR]]   (default /etc/hostname and /bin)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
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
    check_dir(dir);
    check_fds();
    if (failures) {
        printf("fs_calls: %d failed\n", failures);
        return 1;
    }
    printf("fs_calls: all ok\n");
    return 0;
}

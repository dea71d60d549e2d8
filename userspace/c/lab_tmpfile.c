/* Lab `tmpfile` (docs/labs/tmpfile.md): the checks of open(2)'s O_TMPFILE,
 * which the kernel refuses (EOPNOTSUPP) until the lab adds it. Prints
 * `lab tmpfile: checks N` and one `check` line per check. Must run as root
 * (linkat with AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH). Validated on
 * Linux. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void check(const char *name, int ok)
{
    if (ok)
        printf("check %s: ok\n", name);
    else
        printf("check %s: FAIL (errno %d)\n", name, errno);
}

static int listed(const char *dir)
{
    DIR *d = opendir(dir);
    int n = 0;
    struct dirent *e;
    while (d && (e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    if (d)
        closedir(d);
    return n;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("lab tmpfile: checks 6\n");
    char dir[64], name[96];
    snprintf(dir, sizeof dir, "/tmp/lab_tmpfile.%d", (int)getpid());
    snprintf(name, sizeof name, "%s/named", dir);
    mkdir(dir, 0755);
    errno = 0;
    int fd = open(dir, O_TMPFILE | O_RDWR, 0600);
    check("open", fd >= 0);
    char buf[8] = {0};
    errno = 0;
    check("write-read", fd >= 0 && write(fd, "tmp!", 4) == 4 && pread(fd, buf, 4, 0) == 4 &&
                            memcmp(buf, "tmp!", 4) == 0);
    struct stat st;
    errno = 0;
    check("unnamed", fd >= 0 && fstat(fd, &st) == 0 && st.st_nlink == 0 && S_ISREG(st.st_mode) &&
                         (st.st_mode & 07777) == 0600 && listed(dir) == 0);
    errno = 0;
    int ro = open(dir, O_TMPFILE | O_RDONLY, 0600);
    check("rdonly-einval", ro < 0 && errno == EINVAL);
    errno = 0;
    int nd = open("/etc/hostname", O_TMPFILE | O_RDWR, 0600);
    check("notdir", nd < 0 && errno == ENOTDIR);
    errno = 0;
    check("linkat", fd >= 0 && linkat(fd, "", AT_FDCWD, name, AT_EMPTY_PATH) == 0 &&
                        stat(name, &st) == 0 && st.st_nlink == 1 && st.st_size == 4 && listed(dir) == 1);
    if (fd >= 0)
        close(fd);
    unlink(name);
    rmdir(dir);
    return 0;
}

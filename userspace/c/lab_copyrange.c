/* Lab `copyrange` (docs/labs/copyrange.md): the checks of
 * copy_file_range(2), system call 377, which the kernel does not have
 * until the lab adds it. Prints `lab copyrange: checks N` and one `check`
 * line per check. Validated on Linux. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

static void check(const char *name, int ok)
{
    if (ok)
        printf("check %s: ok\n", name);
    else
        printf("check %s: FAIL (errno %d)\n", name, errno);
}

static long cfr(int in, int64_t *ip, int out, int64_t *op, size_t len, unsigned flags)
{
    return syscall(SYS_copy_file_range, in, ip, out, op, len, flags);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("lab copyrange: checks 6\n");
    char a[64], b[64];
    snprintf(a, sizeof a, "/tmp/lab_cfr_a.%d", (int)getpid());
    snprintf(b, sizeof b, "/tmp/lab_cfr_b.%d", (int)getpid());
    int in = open(a, O_CREAT | O_RDWR | O_TRUNC, 0644);
    int out = open(b, O_CREAT | O_RDWR | O_TRUNC, 0644);
    if (in < 0 || out < 0 || write(in, "0123456789", 10) != 10)
        return 1;
    lseek(in, 0, SEEK_SET);
    errno = 0;
    long n = cfr(in, NULL, out, NULL, 100, 0);
    char buf[16] = {0};
    check("whole", n == 10 && pread(out, buf, 16, 0) == 10 && memcmp(buf, "0123456789", 10) == 0 &&
                       lseek(in, 0, SEEK_CUR) == 10 && lseek(out, 0, SEEK_CUR) == 10);
    errno = 0;
    check("eof", cfr(in, NULL, out, NULL, 100, 0) == 0);
    int64_t ip = 2, op = 20;
    errno = 0;
    n = cfr(in, &ip, out, &op, 3, 0);
    memset(buf, 0, sizeof buf);
    check("offsets", n == 3 && ip == 5 && op == 23 && pread(out, buf, 3, 20) == 3 &&
                         memcmp(buf, "234", 3) == 0 && lseek(in, 0, SEEK_CUR) == 10);
    errno = 0;
    check("flags-einval", cfr(in, NULL, out, NULL, 1, 1) == -1 && errno == EINVAL);
    int ro = open(b, O_RDONLY);
    errno = 0;
    check("ebadf", cfr(in, NULL, ro, NULL, 1, 0) == -1 && errno == EBADF);
    int d = open("/tmp", O_RDONLY | O_DIRECTORY);
    errno = 0;
    check("eisdir", cfr(d, NULL, out, NULL, 1, 0) == -1 && errno == EISDIR);
    unlink(a);
    unlink(b);
    return 0;
}

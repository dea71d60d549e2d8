/* posix_fadvise (fadvise64_64 on i386) as Linux's mm/fadvise.c answers
 * it: valid advice on a file is 0, a pipe is ESPIPE, bad advice or a
 * negative length EINVAL, a bad fd EBADF. posix_fadvise returns the
 * error rather than setting errno. */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64 /* glibc: a 64-bit length, so -1 is negative */
#include "test_common.h"
#include <fcntl.h>
#include <string.h>

int main(void)
{
    int fd = open("/etc/passwd", O_RDONLY);
    CHECK(fd >= 0, "open /etc/passwd: %s", strerror(errno));
    int advice[] = {POSIX_FADV_NORMAL, POSIX_FADV_RANDOM, POSIX_FADV_SEQUENTIAL, POSIX_FADV_WILLNEED,
                    POSIX_FADV_DONTNEED, POSIX_FADV_NOREUSE};
    for (unsigned i = 0; i < sizeof advice / sizeof advice[0]; i++)
        CHECK(posix_fadvise(fd, 0, 0, advice[i]) == 0, "advice %d", advice[i]);
    CHECK(posix_fadvise(fd, 100, 1 << 20, POSIX_FADV_SEQUENTIAL) == 0, "a range");
    CHECK(posix_fadvise(fd, 0, 0, 6) == EINVAL, "advice 6");
    CHECK(posix_fadvise(fd, 0, 0, -1) == EINVAL, "advice -1");
    CHECK(posix_fadvise(fd, 0, -1, POSIX_FADV_NORMAL) == EINVAL, "a negative length");
    close(fd);
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL) == EBADF, "a closed fd");
    int p[2];
    CHECK(pipe(p) == 0, "pipe");
    CHECK(posix_fadvise(p[0], 0, 0, POSIX_FADV_NORMAL) == ESPIPE, "a pipe");
    close(p[0]);
    close(p[1]);
    fd = open("/etc/passwd", O_PATH);
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL) == EBADF, "an O_PATH fd");
    close(fd);
    fd = open("/dev/null", O_RDONLY);
    CHECK(posix_fadvise(fd, 0, 0, POSIX_FADV_NORMAL) == 0, "/dev/null");
    close(fd);
    if (failures)
        return 1;
    printf("fadvise: all ok\n");
    return 0;
}

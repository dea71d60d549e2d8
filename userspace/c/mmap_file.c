/* File mappings as Linux 6.1 makes them: a private mapping shows the
 * file's bytes and keeps its own writes, the rest of the last page reads
 * as zeros, a page wholly past the end of the file is SIGBUS (BUS_ADRERR,
 * si_addr the address), a system call reading from such a page gets
 * EFAULT, and the argument errors (EACCES, ENODEV, EINVAL, EBADF) come in
 * Linux's cases. Prints `FAIL: ...` for each broken check and
 * `mmap_file: all ok`. Validated on Linux (both libcs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include "test_common.h"

static sigjmp_buf jb;
static volatile int got_sig, got_code;
static void *volatile got_addr;

static void on_fault(int sig, siginfo_t *si, void *uc)
{
    (void)uc;
    got_sig = sig;
    got_code = si->si_code;
    got_addr = si->si_addr;
    siglongjmp(jb, 1);
}

/* Read one byte at `p`, catching the fault: the signal, or 0. */
static int touch(volatile char *p)
{
    got_sig = 0;
    if (sigsetjmp(jb, 1) == 0)
        (void)*p;
    return got_sig;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {.sa_sigaction = on_fault, .sa_flags = SA_SIGINFO};
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);

    const char *path = "/tmp/mmap_file.dat";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create %s: errno %d", path, errno);
    if (fd < 0)
        return 1;
    char data[100];
    for (int i = 0; i < 100; i++)
        data[i] = 'a' + i % 26;
    CHECK(write(fd, data, 100) == 100, "write");

    /* Two pages of a 100-byte file. */
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(m != MAP_FAILED, "mmap MAP_PRIVATE: errno %d", errno);
    if (m == MAP_FAILED)
        return 1;
    CHECK(memcmp(m, data, 100) == 0, "the mapping does not show the file");
    CHECK(m[100] == 0 && m[4095] == 0, "the rest of the last page is not zeros");
    m[0] = 'X';
    char back = 0;
    pread(fd, &back, 1, 0);
    CHECK(back == 'a', "a private write reached the file ('%c')", back);
    CHECK(touch(m + 4096) == SIGBUS && got_code == BUS_ADRERR && got_addr == m + 4096,
          "a page past the end: signal %d code %d addr %p (want SIGBUS, BUS_ADRERR, %p)",
          got_sig, got_code, got_addr, (void *)(m + 4096));
    CHECK(touch(m + 8191) == SIGBUS, "the last byte past the end: signal %d", got_sig);

    /* A system call reading from there: EFAULT, no signal. */
    int out = open("/tmp/mmap_file.out", O_WRONLY | O_CREAT | O_TRUNC, 0644);
    got_sig = 0;
    errno = 0;
    CHECK(write(out, m + 4096, 10) == -1 && errno == EFAULT && got_sig == 0,
          "write() from a page past the end: errno %d, signal %d", errno, got_sig);
    close(out);

    /* The file grows: the page is there now. */
    CHECK(ftruncate(fd, 5000) == 0, "ftruncate: errno %d", errno);
    CHECK(touch(m + 4096) == 0 && m[4096] == 0, "after the file grew, the page is still refused (%d)", got_sig);
    munmap(m, 8192);

    /* MAP_SHARED and PROT_WRITE needs a writable descriptor; a read-only
     * shared mapping is fine. */
    int ro = open(path, O_RDONLY);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES,
          "MAP_SHARED|PROT_WRITE on O_RDONLY: errno %d", errno);
    char *s = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
    CHECK(s != MAP_FAILED && s[1] == 'b', "MAP_SHARED read-only: errno %d", errno);
    if (s != MAP_FAILED)
        munmap(s, 4096);
    /* A private writable mapping of a read-only descriptor is allowed. */
    char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE, ro, 0);
    CHECK(p != MAP_FAILED, "MAP_PRIVATE|PROT_WRITE on O_RDONLY: errno %d", errno);
    if (p != MAP_FAILED) {
        p[0] = 'Y';
        munmap(p, 4096);
    }
    int wo = open(path, O_WRONLY);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, wo, 0) == MAP_FAILED && errno == EACCES,
          "mmap of O_WRONLY: errno %d", errno);
    close(wo);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, ro, 100) == MAP_FAILED && errno == EINVAL,
          "unaligned offset: errno %d", errno);
    errno = 0;
    CHECK(mmap(NULL, 0, PROT_READ, MAP_PRIVATE, ro, 0) == MAP_FAILED && errno == EINVAL,
          "length 0: errno %d", errno);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED && errno == EBADF,
          "bad fd: errno %d", errno);
    int dir = open("/tmp", O_RDONLY | O_DIRECTORY);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, dir, 0) == MAP_FAILED && errno == ENODEV,
          "mmap of a directory: errno %d", errno);
    close(dir);
    close(ro);
    close(fd);
    unlink(path);
    unlink("/tmp/mmap_file.out");
    if (failures)
        return 1;
    printf("mmap_file: all ok\n");
    return 0;
}

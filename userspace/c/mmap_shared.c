/* Shared file mappings through the page cache, as Linux 6.1 has them: a
 * write through a MAP_SHARED mapping is read(2) by another descriptor and
 * seen by another process's mapping, a write(2) shows in the mapping; a
 * MAP_PRIVATE mapping sees the file's later writes to pages it has not
 * written and keeps its own; msync's errors; EACCES for a writable shared
 * mapping of a read-only descriptor (mmap and mprotect); a page past the
 * end after ftruncate shrinks the file is SIGBUS, and the tail of the last
 * page reads zeros. Prints `FAIL: ...` for each broken check and
 * `mmap_shared: all ok`. Validated on Linux (both libcs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include "test_common.h"

static sigjmp_buf jb;
static volatile int got_sig;

static void on_fault(int sig)
{
    got_sig = sig;
    siglongjmp(jb, 1);
}

/* Read (or write, if `w`) one byte at `p`, catching the fault: the signal,
 * or 0. */
static int touch(volatile char *p, int w)
{
    got_sig = 0;
    if (sigsetjmp(jb, 1) == 0) {
        if (w)
            *p = 1;
        else
            (void)*p;
    }
    return got_sig;
}

static char at(int fd, off_t off)
{
    char c = 0;
    if (pread(fd, &c, 1, off) != 1)
        return -1;
    return c;
}

static const char *path = "/tmp/mmap_shared.dat";

/* A child: map the file itself, write through the mapping. */
static int child_writes(void)
{
    int fd = open(path, O_RDWR);
    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (m == MAP_FAILED)
        return 2;
    if (m[0] != 'X')
        return 3;
    m[2] = 'Z';
    m[4097] = 'z';
    return 0;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    struct sigaction sa = {.sa_handler = on_fault};
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);

    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    CHECK(fd >= 0, "create %s: errno %d", path, errno);
    if (fd < 0)
        return 1;
    char data[5000];
    for (int i = 0; i < 5000; i++)
        data[i] = 'a' + i % 26;
    CHECK(write(fd, data, 5000) == 5000, "write");
    int fd2 = open(path, O_RDWR);

    char *m = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    CHECK(m != MAP_FAILED, "mmap MAP_SHARED rw: errno %d", errno);
    if (m == MAP_FAILED)
        return 1;
    CHECK(memcmp(m, data, 5000) == 0, "the shared mapping does not show the file");
    /* Mapping to read(2), write(2) to the mapping. */
    m[0] = 'X';
    CHECK(at(fd2, 0) == 'X', "a write through the mapping is not read by another fd ('%c')", at(fd2, 0));
    CHECK(pwrite(fd2, "Y", 1, 1) == 1 && m[1] == 'Y', "a write(2) does not show in the mapping ('%c')", m[1]);
    CHECK(pwrite(fd2, "y", 1, 4096) == 1 && m[4096] == 'y', "page 2: '%c'", m[4096]);

    /* Another process: the inherited mapping and one of its own. */
    int st = in_child(child_writes);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child: status %#x", st);
    CHECK(m[2] == 'Z' && m[4097] == 'z', "the child's writes: '%c' '%c'", m[2], m[4097]);
    CHECK(at(fd, 2) == 'Z', "the child's write is not in the file");
    pid_t pid = fork();
    if (pid == 0) {
        m[3] = 'W';
        _exit(0);
    }
    waitpid(pid, &st, 0);
    CHECK(m[3] == 'W' && at(fd, 3) == 'W', "a write through the inherited mapping: '%c'", m[3]);

    /* MAP_PRIVATE: the file's writes until the page is written. */
    char *p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
    CHECK(p != MAP_FAILED && p[0] == 'X', "private mapping: errno %d", errno);
    CHECK(pwrite(fd, "Q", 1, 10) == 1 && p[10] == 'Q', "a private mapping missed a write(2): '%c'", p[10]);
    m[11] = 'M';
    CHECK(p[11] == 'M', "a private mapping missed a shared write: '%c'", p[11]);
    p[0] = 'P';
    CHECK(at(fd, 0) == 'X' && m[0] == 'X', "a private write reached the file");
    CHECK(pwrite(fd, "R", 1, 12) == 1 && p[12] == 'm', "a written private page saw a later write(2): '%c'", p[12]);
    CHECK(p[0] == 'P', "the private write is lost");
    CHECK(pwrite(fd, "S", 1, 4100) == 1 && p[4100] == 'S', "private page 2 missed a write(2): '%c'", p[4100]);
    pid = fork();
    if (pid == 0) {
        p[1] = 'C';
        _exit(m[1] == 'Y' && at(fd, 1) == 'Y' ? 0 : 1);
    }
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0 && p[1] == 'Y', "a child's private write showed");

    /* msync. */
    CHECK(msync(m, 8192, MS_SYNC) == 0, "msync MS_SYNC: errno %d", errno);
    CHECK(msync(m, 8192, MS_ASYNC) == 0, "msync MS_ASYNC: errno %d", errno);
    CHECK(msync(m, 100, MS_INVALIDATE) == 0, "msync MS_INVALIDATE: errno %d", errno);
    CHECK(msync(m, 0, MS_SYNC) == 0, "msync of 0 bytes: errno %d", errno);
    errno = 0;
    CHECK(msync(m, 4096, 8) == -1 && errno == EINVAL, "msync flag 8: errno %d", errno);
    errno = 0;
    CHECK(msync(m, 4096, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL, "MS_SYNC|MS_ASYNC: errno %d", errno);
    errno = 0;
    CHECK(msync(m + 1, 4096, MS_SYNC) == -1 && errno == EINVAL, "msync unaligned: errno %d", errno);
    char *h = mmap(NULL, 3 * 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    munmap(h + 4096, 4096);
    errno = 0;
    CHECK(msync(h, 3 * 4096, MS_SYNC) == -1 && errno == ENOMEM, "msync over a hole: errno %d", errno);
    errno = 0;
    CHECK(msync(h + 4096, 4096, MS_ASYNC) == -1 && errno == ENOMEM, "msync unmapped: errno %d", errno);
    munmap(h, 3 * 4096);

    /* Read-only descriptors. */
    int ro = open(path, O_RDONLY);
    errno = 0;
    CHECK(mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, ro, 0) == MAP_FAILED && errno == EACCES,
          "MAP_SHARED|PROT_WRITE on O_RDONLY: errno %d", errno);
    char *r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, ro, 0);
    CHECK(r != MAP_FAILED && r[0] == 'X', "MAP_SHARED read-only: errno %d", errno);
    errno = 0;
    CHECK(mprotect(r, 4096, PROT_READ | PROT_WRITE) == -1 && errno == EACCES,
          "mprotect(PROT_WRITE) of a read-only shared mapping: errno %d", errno);
    CHECK(pwrite(fd, "T", 1, 5) == 1 && r[5] == 'T', "a read-only shared mapping missed a write(2)");
    munmap(r, 4096);
    /* A read-only shared mapping of a writable descriptor may become
     * writable. */
    r = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    CHECK(mprotect(r, 4096, PROT_READ | PROT_WRITE) == 0, "mprotect of a rw fd's mapping: errno %d", errno);
    r[6] = 'U';
    CHECK(at(fd, 6) == 'U', "a write after mprotect is not in the file");
    munmap(r, 4096);
    close(ro);

    /* Truncation: pages past the end go, from every mapping. */
    CHECK(touch(m + 4096, 0) == 0 && touch(p + 4096, 1) == 0, "page 2 before the truncation");
    CHECK(ftruncate(fd, 100) == 0, "ftruncate: errno %d", errno);
    CHECK(touch(m + 4096, 0) == SIGBUS, "shared page past the end: signal %d", got_sig);
    CHECK(touch(p + 4096, 0) == SIGBUS, "private written page past the end: signal %d", got_sig);
    CHECK(touch(m + 99, 0) == 0 && m[99] == data[99] && m[100] == 0 && m[4095] == 0,
          "the last page after the truncation: %d %d", m[100], m[4095]);
    CHECK(ftruncate(fd, 8192) == 0 && m[4096] == 0 && m[200] == 0 && at(fd2, 4097) == 0,
          "the file grown again does not read zeros");
    m[5000] = 'G';
    CHECK(at(fd2, 5000) == 'G', "a write to a page that came back");

    munmap(p, 8192);
    munmap(m, 8192);
    close(fd2);
    close(fd);
    unlink(path);
    if (failures)
        return 1;
    printf("mmap_shared: all ok\n");
    return 0;
}

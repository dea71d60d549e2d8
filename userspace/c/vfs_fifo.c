/* FIFOs (named pipes) and pipe/FIFO readiness, checked against what Linux
 * does; each group in a child (with an alarm as a guard against hangs),
 * inside a fresh directory /tmp/vfs_fifo.PID that is removed at the end.
 * Prints `FAIL: ...` for each broken check and `vfs_fifo: all ok` (exit 0)
 * only when every check passes.
 *   nonblock  mkfifo; open O_RDONLY|O_NONBLOCK with no writer works (read
 *             gives 0, EOF); open O_WRONLY|O_NONBLOCK with no reader is
 *             ENXIO, with a reader works; an empty FIFO with a writer gives
 *             EAGAIN to a non-blocking read;
 *   rendezvous a blocking open for read in a child waits until the parent
 *             opens for write, then data passes;
 *   transfer  200000 bytes (more than a pipe holds) pass from a writer
 *             process to a reader process in order; the reader sees EOF after
 *             the writer closes;
 *   epipe     with SIGPIPE ignored, a write with no reader left is EPIPE (pipe
 *             and FIFO); with SIGPIPE default the writer dies of SIGPIPE; a
 *             full non-blocking pipe gives EAGAIN;
 *   ready     on a pipe and on a FIFO: poll() and select() report readability
 *             only when data is there, writability always, wake up when
 *             another process writes, POLLHUP (and select readability) once
 *             the writer is gone, POLLERR for a writer once the reader is
 *             gone; a FIFO reader that never had a writer gets no POLLHUP
 *             (Linux).
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

static void (*group_fn)(void);
static int group_child(void)
{
    failures = 0;
    alarm(20); /* a hang becomes a SIGALRM death, reported as a failure */
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

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

static long elapsed_ms(const struct timespec *t0)
{
    struct timespec t1;
    clock_gettime(CLOCK_MONOTONIC, &t1);
    return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static int wait_ok(pid_t pid)
{
    int st = 0;
    return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

/* poll one fd for `events` with `timeout` ms: revents, or -1 on error. */
static int poll1(int fd, short events, int timeout)
{
    struct pollfd p = {fd, events, 0};
    int n = poll(&p, 1, timeout);
    return n < 0 ? -1 : n == 0 ? 0 : p.revents;
}

/* select on one fd: 1 if it is ready for reading (write = 0) or writing. */
static int select1(int fd, int write, long timeout_ms)
{
    fd_set s;
    FD_ZERO(&s);
    FD_SET(fd, &s);
    struct timeval tv = {timeout_ms / 1000, (timeout_ms % 1000) * 1000};
    int n = select(fd + 1, write ? NULL : &s, write ? &s : NULL, NULL, &tv);
    return n < 0 ? -1 : n == 1 && FD_ISSET(fd, &s);
}

static void g_nonblock(void)
{
    CHECK(mkfifo("f", 0644) == 0, "mkfifo(f) failed, errno %d", errno);
    errno = 0;
    int w = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(w == -1 && errno == ENXIO, "open(O_WRONLY|O_NONBLOCK) with no reader = %d, errno %d, expected ENXIO", w,
          errno);
    int r = open("f", O_RDONLY | O_NONBLOCK);
    CHECK(r >= 0, "open(O_RDONLY|O_NONBLOCK) with no writer failed, errno %d", errno);
    char c;
    CHECK(read(r, &c, 1) == 0, "read of a FIFO that has no writer did not give EOF, errno %d", errno);
    w = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(w >= 0, "open(O_WRONLY|O_NONBLOCK) with a reader failed, errno %d", errno);
    errno = 0;
    CHECK(read(r, &c, 1) == -1 && errno == EAGAIN, "read of an empty FIFO with a writer: errno %d, expected EAGAIN",
          errno);
    CHECK(write(w, "z", 1) == 1 && read(r, &c, 1) == 1 && c == 'z', "a byte did not pass through the FIFO");
    struct stat st;
    CHECK(fstat(r, &st) == 0 && S_ISFIFO(st.st_mode), "fstat of an open FIFO: mode 0%o", (unsigned)st.st_mode);
    errno = 0;
    CHECK(lseek(r, 0, SEEK_SET) == -1 && errno == ESPIPE, "lseek on a FIFO: errno %d, expected ESPIPE", errno);
    close(w);
    close(r);
    unlink("f");
}

static void g_rendezvous(void)
{
    CHECK(mkfifo("f", 0644) == 0, "mkfifo(f) failed, errno %d", errno);
    int sync[2];
    CHECK(pipe(sync) == 0, "pipe failed");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(sync[0]);
        (void)!write(sync[1], "a", 1);
        int r = open("f", O_RDONLY); /* blocks until a writer comes */
        (void)!write(sync[1], "b", 1);
        char buf[8] = {0};
        _exit(r >= 0 && read(r, buf, sizeof buf) == 2 && memcmp(buf, "hi", 2) == 0 ? 0 : 1);
    }
    close(sync[1]);
    char c = 0;
    CHECK(read(sync[0], &c, 1) == 1 && c == 'a', "the child did not start");
    sleep_ms(200);
    CHECK(poll1(sync[0], POLLIN, 0) == 0, "the child's open(O_RDONLY) returned with no writer on the FIFO");
    int w = open("f", O_WRONLY); /* the reader is there: does not block */
    CHECK(w >= 0, "open(O_WRONLY) with a waiting reader failed, errno %d", errno);
    CHECK(read(sync[0], &c, 1) == 1 && c == 'b', "the child's open did not return once a writer came");
    CHECK(write(w, "hi", 2) == 2, "write to the FIFO failed, errno %d", errno);
    close(w);
    CHECK(wait_ok(pid), "the reader child did not read \"hi\"");
    close(sync[0]);
    unlink("f");
}

static void g_transfer(void)
{
    enum { TOTAL = 200000 };
    CHECK(mkfifo("f", 0644) == 0, "mkfifo(f) failed, errno %d", errno);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int w = open("f", O_WRONLY);
        char buf[1000];
        for (int done = 0; done < TOTAL; done += sizeof buf) {
            for (unsigned i = 0; i < sizeof buf; i++)
                buf[i] = (char)((done + i) % 251);
            if (write(w, buf, sizeof buf) != (ssize_t)sizeof buf)
                _exit(1);
        }
        _exit(0);
    }
    int r = open("f", O_RDONLY);
    CHECK(r >= 0, "open(f, O_RDONLY) failed, errno %d", errno);
    long got = 0, bad = -1;
    ssize_t n;
    char buf[4096];
    while ((n = read(r, buf, sizeof buf)) > 0) {
        for (ssize_t i = 0; i < n; i++)
            if (bad < 0 && buf[i] != (char)((got + i) % 251))
                bad = got + i;
        got += n;
    }
    CHECK(n == 0, "read after the writer exited = %zd, errno %d, expected 0 (EOF)", n, errno);
    CHECK(got == TOTAL && bad < 0, "the reader got %ld bytes (expected %d), first wrong byte at %ld", got, TOTAL, bad);
    CHECK(read(r, buf, 1) == 0, "a second read at EOF did not return 0");
    CHECK(wait_ok(pid), "the writer child failed");
    close(r);
    unlink("f");
}

static void g_epipe(void)
{
    signal(SIGPIPE, SIG_IGN);
    int p[2];
    CHECK(pipe(p) == 0, "pipe failed");
    close(p[0]);
    errno = 0;
    CHECK(write(p[1], "x", 1) == -1 && errno == EPIPE, "write to a pipe with no reader: errno %d, expected EPIPE",
          errno);
    close(p[1]);

    CHECK(mkfifo("f", 0644) == 0, "mkfifo(f) failed, errno %d", errno);
    int r = open("f", O_RDONLY | O_NONBLOCK), w = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(r >= 0 && w >= 0, "open of the FIFO failed, errno %d", errno);
    close(r);
    errno = 0;
    CHECK(write(w, "x", 1) == -1 && errno == EPIPE, "write to a FIFO whose reader closed: errno %d, expected EPIPE",
          errno);
    close(w);
    unlink("f");

    /* With SIGPIPE at its default, the writer is killed. */
    CHECK(pipe(p) == 0, "pipe failed");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        signal(SIGPIPE, SIG_DFL);
        close(p[0]);
        (void)!write(p[1], "x", 1);
        _exit(0);
    }
    close(p[0]);
    close(p[1]);
    int st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE, "a writer with no reader: status %#x, expected SIGPIPE", st);

    /* A full pipe: a non-blocking write is EAGAIN. */
    CHECK(pipe(p) == 0, "pipe failed");
    fcntl(p[1], F_SETFL, O_NONBLOCK);
    static char chunk[4096];
    long total = 0;
    ssize_t n;
    while ((n = write(p[1], chunk, sizeof chunk)) > 0)
        total += n;
    CHECK(n == -1 && errno == EAGAIN && total >= 4096, "filling a pipe: %ld bytes, then errno %d (expected EAGAIN)",
          total, errno);
    CHECK(poll1(p[1], POLLOUT, 0) == 0, "a full pipe polls writable");
    printf("a pipe holds %ld bytes\n", total);
    close(p[0]);
    close(p[1]);
}

/* Readiness of a read end `r` and write end `w` (pipe or FIFO). Closes both. */
static void readiness(const char *what, int r, int w)
{
    CHECK(poll1(r, POLLIN, 0) == 0, "%s: empty, but poll reports %#x", what, poll1(r, POLLIN, 0));
    CHECK(select1(r, 0, 0) == 0, "%s: empty, but select reports it readable", what);
    CHECK(poll1(w, POLLOUT, 0) == POLLOUT, "%s: poll(POLLOUT) on the write end = %#x", what, poll1(w, POLLOUT, 0));
    CHECK(select1(w, 1, 0) == 1, "%s: select does not report the write end writable", what);
    CHECK(write(w, "d", 1) == 1, "%s: write failed, errno %d", what, errno);
    CHECK(poll1(r, POLLIN, 0) == POLLIN, "%s: with data, poll(POLLIN) = %#x", what, poll1(r, POLLIN, 0));
    CHECK(select1(r, 0, 0) == 1, "%s: with data, select does not report it readable", what);
    char c;
    CHECK(read(r, &c, 1) == 1 && c == 'd', "%s: read failed", what);
    CHECK(poll1(r, POLLIN, 0) == 0, "%s: drained, but poll still reports %#x", what, poll1(r, POLLIN, 0));

    /* Another process writes after 100 ms: poll, then select, wake up. */
    for (int use_select = 0; use_select < 2; use_select++) {
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            sleep_ms(100);
            _exit(write(w, "e", 1) == 1 ? 0 : 1);
        }
        struct timespec t0;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int ready = use_select ? select1(r, 0, 5000) == 1 : poll1(r, POLLIN, 5000) == POLLIN;
        long ms = elapsed_ms(&t0);
        CHECK(ready && ms >= 50 && ms < 4000, "%s: %s woke up after %ld ms, ready %d (expected ~100 ms)", what,
              use_select ? "select" : "poll", ms, ready);
        CHECK(wait_ok(pid) && read(r, &c, 1) == 1 && c == 'e', "%s: the writer child failed", what);
    }

    close(w);
    int ev = poll1(r, POLLIN, 0);
    CHECK(ev > 0 && (ev & POLLHUP) && !(ev & POLLIN), "%s: writer gone, poll = %#x, expected POLLHUP", what, ev);
    CHECK(select1(r, 0, 0) == 1, "%s: writer gone, select does not report EOF as readable", what);
    CHECK(read(r, &c, 1) == 0, "%s: writer gone, read did not give EOF", what);
    close(r);
}

static void g_ready(void)
{
    int p[2];
    CHECK(pipe(p) == 0, "pipe failed");
    readiness("pipe", p[0], p[1]);

    CHECK(mkfifo("f", 0644) == 0, "mkfifo(f) failed, errno %d", errno);
    int r = open("f", O_RDONLY | O_NONBLOCK);
    /* Linux: no POLLHUP for a FIFO reader until a writer has come and gone. */
    CHECK(poll1(r, POLLIN, 0) == 0, "a FIFO that never had a writer polls %#x, expected nothing (Linux)",
          poll1(r, POLLIN, 0));
    int w = open("f", O_WRONLY | O_NONBLOCK);
    CHECK(r >= 0 && w >= 0, "open of the FIFO failed, errno %d", errno);
    fcntl(r, F_SETFL, 0); /* blocking again, for the read that follows select */
    readiness("FIFO", r, w);
    unlink("f");

    /* A write end whose reader is gone: POLLERR, and select says writable
     * (a write would not block: it fails). */
    signal(SIGPIPE, SIG_IGN);
    CHECK(pipe(p) == 0, "pipe failed");
    close(p[0]);
    int ev = poll1(p[1], POLLOUT, 0);
    CHECK(ev > 0 && (ev & POLLERR), "reader gone: poll of the write end = %#x, expected POLLERR", ev);
    CHECK(select1(p[1], 1, 0) == 1, "reader gone: select does not report the write end ready");
    close(p[1]);
}

static int rm_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        char sub[512];
        while ((e = readdir(d)) != NULL)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
                unlink(sub);
            }
        closedir(d);
    }
    return rmdir(path);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/vfs_fifo.%d", (int)getpid());
    if (mkdir(dir, 0755) < 0 || chdir(dir) < 0) {
        printf("FAIL: cannot make and enter %s, errno %d\nvfs_fifo: 1 failed\n", dir, errno);
        return 1;
    }
    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {{"nonblock", g_nonblock}, {"rendezvous", g_rendezvous}, {"transfer", g_transfer},
                  {"epipe", g_epipe},       {"ready", g_ready}};
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++)
        group(groups[i].name, groups[i].run);
    CHECK(chdir("/") == 0, "chdir(/) failed, errno %d", errno);
    CHECK(rmdir(dir) == 0, "rmdir(%s) failed (left-overs?), errno %d", dir, errno);
    rm_dir(dir);
    if (failures) {
        printf("vfs_fifo: %d failed\n", failures);
        return 1;
    }
    printf("vfs_fifo: all ok\n");
    return 0;
}

/* Advisory file locks, flock() and fcntl() record locks, between
 * processes, checked against what Linux does; each group in a child (with
 * an alarm as a guard against hangs), on files in a fresh directory
 * /tmp/vfs_locks.PID that is removed at the end. Prints `FAIL: ...` for each
 * broken check and `vfs_locks: all ok` (exit 0) only when every check passes.
 *   flock   LOCK_EX held by one process: LOCK_EX|LOCK_NB and LOCK_SH|LOCK_NB
 *           in another fail with EWOULDBLOCK, and so does a second open() in
 *           the same process (flock locks belong to the open file); LOCK_SH
 *           is shared by two; LOCK_UN, closing the last dup, or the holder's
 *           exit releases; a blocking LOCK_EX waits for LOCK_UN;
 *   setlk   F_SETLK write lock on [10,20): another process's overlapping
 *           F_WRLCK or F_RDLCK fails with EAGAIN (what Linux returns; POSIX
 *           also allows EACCES), an adjacent range [20,30) works; read locks
 *           are shared; unlocking the middle of a lock splits it; l_len 0
 *           locks to the end of file and beyond; a read lock on a read-only
 *           fd works, a write lock there is EBADF;
 *   getlk   F_GETLK reports the holder's pid, type and range, or F_UNLCK;
 *   release a process's locks go when it closes ANY fd of the file (POSIX),
 *           and when it exits;
 *   setlkw  F_SETLKW waits until the other process unlocks.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
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

/* Run `f` in another process (a check there fails it): 1 if it passed. */
static void (*other_fn)(void);
static int other_child(void)
{
    failures = 0;
    other_fn();
    fflush(stdout);
    return failures != 0;
}
static int in_other(void (*f)(void))
{
    other_fn = f;
    int st = in_child(other_child);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void sleep_ms(long ms)
{
    struct timespec t = {ms / 1000, (ms % 1000) * 1000000};
    while (nanosleep(&t, &t) < 0 && errno == EINTR)
        ;
}

static int open_rw(void)
{
    int fd = open("lockfile", O_RDWR | O_CREAT, 0644);
    CHECK(fd >= 0, "open(lockfile) failed, errno %d", errno);
    return fd;
}

/* fcntl(fd, cmd) on [start, start+len) of `type`; -1 and errno on failure. */
static int lk(int fd, int cmd, short type, off_t start, off_t len)
{
    struct flock l = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
    return fcntl(fd, cmd, &l);
}

/* errno of a call that must fail; 0 if it succeeded. */
#define ERR(call) (errno = 0, (call) == -1 ? errno : 0)

/* ---- flock ---- */

static void other_ex_blocked(void)
{
    int fd = open_rw();
    CHECK(ERR(flock(fd, LOCK_EX | LOCK_NB)) == EWOULDBLOCK, "LOCK_EX|LOCK_NB against LOCK_EX: errno %d", errno);
    CHECK(ERR(flock(fd, LOCK_SH | LOCK_NB)) == EWOULDBLOCK, "LOCK_SH|LOCK_NB against LOCK_EX: errno %d", errno);
}
static void other_ex_free(void)
{
    int fd = open_rw();
    CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0, "LOCK_EX|LOCK_NB on a free file failed, errno %d", errno);
}
static void other_sh_shared(void)
{
    int fd = open_rw();
    CHECK(flock(fd, LOCK_SH | LOCK_NB) == 0, "LOCK_SH|LOCK_NB against LOCK_SH failed, errno %d", errno);
    CHECK(ERR(flock(fd, LOCK_EX | LOCK_NB)) == EWOULDBLOCK, "LOCK_EX|LOCK_NB against another's LOCK_SH: errno %d",
          errno);
}
static void other_hold_ex_and_exit(void)
{
    int fd = open_rw();
    CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0, "LOCK_EX in the holder failed, errno %d", errno);
}

static void g_flock(void)
{
    int fd = open_rw();
    CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0, "LOCK_EX|LOCK_NB failed, errno %d", errno);
    CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0, "re-locking our own LOCK_EX failed, errno %d", errno);
    CHECK(in_other(other_ex_blocked), "another process could take the lock");
    int fd2 = open_rw(); /* another open file in the same process */
    CHECK(ERR(flock(fd2, LOCK_EX | LOCK_NB)) == EWOULDBLOCK, "a second open() got LOCK_EX too: errno %d", errno);
    /* A dup shares the lock: closing it keeps the lock, closing both frees. */
    int dupfd = dup(fd);
    close(dupfd);
    CHECK(in_other(other_ex_blocked), "closing a dup released the lock");
    CHECK(flock(fd, LOCK_UN) == 0, "LOCK_UN failed, errno %d", errno);
    CHECK(in_other(other_ex_free), "LOCK_UN did not release the lock");
    CHECK(flock(fd, LOCK_EX) == 0, "LOCK_EX failed, errno %d", errno);
    close(fd);
    CHECK(flock(fd2, LOCK_EX | LOCK_NB) == 0, "closing the holder's fd did not release, errno %d", errno);
    close(fd2);

    fd = open_rw();
    CHECK(flock(fd, LOCK_SH) == 0, "LOCK_SH failed, errno %d", errno);
    CHECK(in_other(other_sh_shared), "LOCK_SH was not shared");
    close(fd);

    /* The holder exits without unlocking: the lock goes with it. */
    CHECK(in_other(other_hold_ex_and_exit), "the holder child failed");
    fd = open_rw();
    CHECK(flock(fd, LOCK_EX | LOCK_NB) == 0, "a dead process's flock was not released, errno %d", errno);

    /* A blocking LOCK_EX in a child waits for our LOCK_UN. */
    int sync[2];
    CHECK(pipe(sync) == 0, "pipe failed");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = open("lockfile", O_RDWR);
        (void)!write(sync[1], "a", 1);
        int rc = flock(cfd, LOCK_EX);
        (void)!write(sync[1], "b", 1);
        _exit(rc == 0 ? 0 : 1);
    }
    char c = 0;
    CHECK(read(sync[0], &c, 1) == 1 && c == 'a', "the waiter did not start");
    sleep_ms(200);
    struct pollfd p = {sync[0], POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 0, "a blocking LOCK_EX returned while we held LOCK_EX");
    flock(fd, LOCK_UN);
    CHECK(read(sync[0], &c, 1) == 1 && c == 'b', "the blocking LOCK_EX did not return after LOCK_UN");
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && st == 0, "the blocking flock failed (status %#x)", st);
    close(fd);
}

/* ---- fcntl record locks ---- */

static pid_t holder;

static void other_setlk(void)
{
    int fd = open_rw();
    CHECK(ERR(lk(fd, F_SETLK, F_WRLCK, 15, 10)) == EAGAIN, "overlapping F_WRLCK: errno %d, expected EAGAIN", errno);
    CHECK(ERR(lk(fd, F_SETLK, F_RDLCK, 19, 1)) == EAGAIN, "overlapping F_RDLCK: errno %d, expected EAGAIN", errno);
    CHECK(ERR(lk(fd, F_SETLK, F_WRLCK, 0, 0)) == EAGAIN, "F_WRLCK of the whole file: errno %d, expected EAGAIN",
          errno);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 20, 10) == 0, "adjacent F_WRLCK [20,30) failed, errno %d", errno);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 10) == 0, "adjacent F_WRLCK [0,10) failed, errno %d", errno);
    CHECK(lk(fd, F_SETLK, F_RDLCK, 100, 10) == 0, "F_RDLCK on a read-locked range failed, errno %d", errno);
    CHECK(ERR(lk(fd, F_SETLK, F_WRLCK, 105, 1)) == EAGAIN, "F_WRLCK on another's read lock: errno %d", errno);
    /* The parent unlocked [40,60) in the middle of its [30,70). */
    CHECK(lk(fd, F_SETLK, F_WRLCK, 45, 10) == 0, "F_WRLCK in the unlocked hole failed, errno %d", errno);
    CHECK(ERR(lk(fd, F_SETLK, F_WRLCK, 35, 1)) == EAGAIN, "the split lock's left part is gone: errno %d", errno);
    CHECK(ERR(lk(fd, F_SETLK, F_WRLCK, 65, 1)) == EAGAIN, "the split lock's right part is gone: errno %d", errno);
    /* l_len 0 from 200: to the end and beyond. */
    CHECK(ERR(lk(fd, F_SETLK, F_WRLCK, 1000000, 1)) == EAGAIN, "l_len 0 did not lock past EOF: errno %d", errno);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 150, 50) == 0, "F_WRLCK just before an l_len-0 lock failed, errno %d", errno);
}

static void other_getlk(void)
{
    int fd = open_rw();
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 25};
    CHECK(fcntl(fd, F_GETLK, &l) == 0, "F_GETLK failed, errno %d", errno);
    CHECK(l.l_type == F_WRLCK && l.l_pid == holder && l.l_start == 10 && l.l_len == 10 && l.l_whence == SEEK_SET,
          "F_GETLK: type %d pid %d range [%lld, +%lld), expected F_WRLCK pid %d [10, +10)", l.l_type, (int)l.l_pid,
          (long long)l.l_start, (long long)l.l_len, (int)holder);
    struct flock r = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 1};
    CHECK(fcntl(fd, F_GETLK, &r) == 0 && r.l_type == F_RDLCK && r.l_pid == holder,
          "F_GETLK on a read lock: type %d pid %d", r.l_type, (int)r.l_pid);
    /* A read lock does not conflict with a read lock. */
    r = (struct flock){.l_type = F_RDLCK, .l_whence = SEEK_SET, .l_start = 100, .l_len = 1};
    CHECK(fcntl(fd, F_GETLK, &r) == 0 && r.l_type == F_UNLCK, "F_GETLK(F_RDLCK) vs a read lock: type %d", r.l_type);
    struct flock f = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 20, .l_len = 10};
    CHECK(fcntl(fd, F_GETLK, &f) == 0 && f.l_type == F_UNLCK, "F_GETLK on a free range: type %d", f.l_type);
    /* The range from SEEK_END: the file is 0 bytes, so [10, +5). */
    struct flock e = {.l_type = F_WRLCK, .l_whence = SEEK_END, .l_start = 10, .l_len = 5};
    CHECK(fcntl(fd, F_GETLK, &e) == 0 && e.l_type == F_WRLCK && e.l_start == 10 && e.l_len == 10,
          "F_GETLK from SEEK_END: type %d start %lld", e.l_type, (long long)e.l_start);
}

static void other_free(void)
{
    int fd = open_rw();
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 0) == 0, "F_WRLCK of the whole file failed, errno %d", errno);
}

static void other_blocked(void)
{
    int fd = open_rw();
    CHECK(ERR(lk(fd, F_SETLK, F_WRLCK, 0, 0)) == EAGAIN, "F_WRLCK over another's lock: errno %d, expected EAGAIN",
          errno);
}

static void g_setlk(void)
{
    holder = getpid();
    int fd = open_rw();
    CHECK(lk(fd, F_SETLK, F_WRLCK, 10, 10) == 0, "F_SETLK F_WRLCK [10,20) failed, errno %d", errno);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 12, 2) == 0, "re-locking our own range failed, errno %d", errno);
    CHECK(lk(fd, F_SETLK, F_RDLCK, 100, 10) == 0, "F_RDLCK [100,110) failed, errno %d", errno);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 30, 40) == 0 && lk(fd, F_SETLK, F_UNLCK, 40, 20) == 0,
          "lock [30,70) and unlock [40,60) failed, errno %d", errno);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 200, 0) == 0, "F_WRLCK [200, EOF..) failed, errno %d", errno);
    CHECK(in_other(other_setlk), "another process's F_SETLK calls went wrong");
    CHECK(in_other(other_getlk), "another process's F_GETLK calls went wrong");
    /* Our own locks never conflict with us: F_GETLK says F_UNLCK. */
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK(fcntl(fd, F_GETLK, &l) == 0 && l.l_type == F_UNLCK, "F_GETLK on our own locks: type %d", l.l_type);
    CHECK(lk(fd, F_SETLK, F_UNLCK, 0, 0) == 0, "F_UNLCK of the whole file failed, errno %d", errno);
    CHECK(in_other(other_free), "F_UNLCK of the whole file left a lock");
    CHECK(ERR(lk(fd, F_SETLK, 42, 0, 0)) == EINVAL, "F_SETLK with l_type 42: errno %d, expected EINVAL", errno);
    CHECK(ERR(lk(fd, F_SETLK, F_WRLCK, -5, 1)) == EINVAL, "F_SETLK at -5: errno %d, expected EINVAL", errno);
    close(fd);

    int ro = open("lockfile", O_RDONLY);
    CHECK(lk(ro, F_SETLK, F_RDLCK, 0, 1) == 0, "F_RDLCK on a read-only fd failed, errno %d", errno);
    CHECK(ERR(lk(ro, F_SETLK, F_WRLCK, 0, 1)) == EBADF, "F_WRLCK on a read-only fd: errno %d, expected EBADF", errno);
    close(ro);
}

static void g_release(void)
{
    int fd = open_rw();
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 0) == 0, "F_WRLCK failed, errno %d", errno);
    CHECK(in_other(other_blocked), "another process locked over our lock");
    /* POSIX: closing any fd of the file drops all our locks on it. */
    int other_fd = open("lockfile", O_RDONLY);
    close(other_fd);
    CHECK(in_other(other_free), "closing another fd of the file did not release our locks");
    close(fd);

    /* A child takes a lock, reports, waits for a word, then exits. */
    int up[2], down[2];
    CHECK(pipe(up) == 0 && pipe(down) == 0, "pipe failed");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = open("lockfile", O_RDWR);
        char c = lk(cfd, F_SETLK, F_WRLCK, 5, 5) == 0 ? 'y' : 'n';
        (void)!write(up[1], &c, 1);
        (void)!read(down[0], &c, 1);
        _exit(0); /* without unlocking or closing */
    }
    char c = 0;
    CHECK(read(up[0], &c, 1) == 1 && c == 'y', "the child could not lock");
    fd = open_rw();
    struct flock l = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0};
    CHECK(fcntl(fd, F_GETLK, &l) == 0 && l.l_type == F_WRLCK && l.l_pid == pid && l.l_start == 5 && l.l_len == 5,
          "F_GETLK of the child's lock: type %d pid %d (child %d) [%lld, +%lld)", l.l_type, (int)l.l_pid, (int)pid,
          (long long)l.l_start, (long long)l.l_len);
    (void)!write(down[1], "x", 1);
    waitpid(pid, NULL, 0);
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 0) == 0, "the exited child's lock is still there, errno %d", errno);
    close(fd);
}

static void g_setlkw(void)
{
    int fd = open_rw();
    CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 1) == 0, "F_WRLCK [0,1) failed, errno %d", errno);
    int sync[2];
    CHECK(pipe(sync) == 0, "pipe failed");
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        int cfd = open("lockfile", O_RDWR);
        (void)!write(sync[1], "a", 1);
        int rc = lk(cfd, F_SETLKW, F_WRLCK, 0, 1);
        (void)!write(sync[1], "b", 1);
        _exit(rc == 0 ? 0 : 1);
    }
    char c = 0;
    CHECK(read(sync[0], &c, 1) == 1 && c == 'a', "the waiter did not start");
    sleep_ms(200);
    struct pollfd p = {sync[0], POLLIN, 0};
    CHECK(poll(&p, 1, 0) == 0, "F_SETLKW returned while we held the lock");
    CHECK(lk(fd, F_SETLK, F_UNLCK, 0, 1) == 0, "F_UNLCK failed, errno %d", errno);
    CHECK(read(sync[0], &c, 1) == 1 && c == 'b', "F_SETLKW did not return after the unlock");
    int st = 0;
    CHECK(waitpid(pid, &st, 0) == pid && st == 0, "F_SETLKW failed in the waiter (status %#x)", st);
    close(fd);
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/vfs_locks.%d", (int)getpid());
    if (mkdir(dir, 0755) < 0 || chdir(dir) < 0) {
        printf("FAIL: cannot make and enter %s, errno %d\nvfs_locks: 1 failed\n", dir, errno);
        return 1;
    }
    static const struct {
        const char *name;
        void (*run)(void);
    } groups[] = {{"flock", g_flock}, {"setlk", g_setlk}, {"release", g_release}, {"setlkw", g_setlkw}};
    for (unsigned i = 0; i < sizeof groups / sizeof groups[0]; i++)
        group(groups[i].name, groups[i].run);
    CHECK(unlink("lockfile") == 0, "unlink(lockfile) failed, errno %d", errno);
    CHECK(chdir("/") == 0 && rmdir(dir) == 0, "rmdir(%s) failed, errno %d", dir, errno);
    if (failures) {
        printf("vfs_locks: %d failed\n", failures);
        return 1;
    }
    printf("vfs_locks: all ok\n");
    return 0;
}

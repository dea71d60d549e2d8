/* The terminal, checked against what Linux does: the controlling terminal
 * (acquired by a session leader's open, TIOCSCTTY, /dev/tty, TIOCNOTTY,
 * tcgetpgrp/tcsetpgrp, tcgetsid), the foreground process group (^C, ^\ and
 * ^Z signal it alone; a background read gets SIGTTIN or EIO, a background
 * write with TOSTOP and a background tcsetattr SIGTTOU; a stopped read
 * goes on when continued), the session leader's exit (SIGHUP to the
 * foreground group, the terminal freed), and the line discipline:
 * canonical editing (VERASE, VWERASE, VKILL, VLNEXT, VREPRINT, VEOF,
 * VEOL), raw reads (all four VMIN/VTIME cases, O_NONBLOCK), input
 * mapping (ICRNL, IGNCR, INLCR, ISTRIP), switching ICANON with input
 * pending, FIONREAD, TCFLSH, TCSETSF, TCXONC, TIOCSWINSZ with SIGWINCH.
 *
 * It types with TIOCSTI into a terminal it controls: a pseudo-terminal
 * where /dev/ptmx exists (Linux; the master's output is copied to stdout),
 * else the serial console /dev/ttyS0. What the terminal echoes and how it
 * processes output (ECHOE, ECHOK, ECHOKE, ECHOCTL, ECHONL, ECHOPRT, tab
 * erase, OPOST, OCRNL, XTABS, OLCUC, raw output) appears between markers
 * like `[e1:...]`, which the boot test checks in the serial log (and the
 * same regexes in the pty's output on Linux). Run as root.
 * Prints `FAIL: ...` for each broken check and `termios: all ok` (exit 0)
 * only when every check passes.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "test_common.h"

static const char *tty_path;
static int tfd = -1;

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Type bytes into the terminal. */
static void type(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (ioctl(tfd, TIOCSTI, s + i) != 0)
            CHECK(0, "TIOCSTI: errno %d", errno);
}
#define TYPE(lit) type(lit, sizeof(lit) - 1)

/* Write to the terminal itself (markers and output checks). */
static void say(const char *s)
{
    if (write(tfd, s, strlen(s)) < 0)
        CHECK(0, "write to the terminal: errno %d", errno);
}

static ssize_t rd(char *buf, size_t n)
{
    ssize_t r = read(tfd, buf, n);
    if (r >= 0 && (size_t)r < n)
        buf[r] = 0;
    return r;
}

static struct termios std_termios;

/* Linux's tty_std_termios, with local changes. */
static void set_mode(tcflag_t lflag_off, tcflag_t lflag_on, tcflag_t iflag, tcflag_t oflag)
{
    struct termios t = std_termios;
    t.c_lflag = (t.c_lflag & ~lflag_off) | lflag_on;
    t.c_iflag = iflag;
    t.c_oflag = oflag;
    CHECK(tcsetattr(tfd, TCSANOW, &t) == 0, "tcsetattr: errno %d", errno);
}

static void std_mode(void)
{
    CHECK(tcsetattr(tfd, TCSANOW, &std_termios) == 0, "tcsetattr: errno %d", errno);
}

static void raw_mode(int vmin, int vtime)
{
    struct termios t = std_termios;
    t.c_lflag &= ~(ICANON | ECHO);
    t.c_cc[VMIN] = vmin;
    t.c_cc[VTIME] = vtime;
    CHECK(tcsetattr(tfd, TCSANOW, &t) == 0, "tcsetattr: errno %d", errno);
}

static int inq(void)
{
    int n = -1;
    CHECK(ioctl(tfd, FIONREAD, &n) == 0, "FIONREAD: errno %d", errno);
    return n;
}

/* ---- the controlling terminal ------------------------------------------- */

static void check_ctty(void)
{
    pid_t me = getpid();
    CHECK(tcgetsid(tfd) == me, "tcgetsid = %d, expected %d", (int)tcgetsid(tfd), (int)me);
    CHECK(tcgetpgrp(tfd) == me, "tcgetpgrp = %d, expected %d", (int)tcgetpgrp(tfd), (int)me);
    CHECK(ioctl(tfd, TIOCSCTTY, 0) == 0, "TIOCSCTTY on our own terminal: errno %d", errno);
    int t2 = open("/dev/tty", O_RDWR);
    CHECK(t2 >= 0, "open /dev/tty with a controlling terminal: errno %d", errno);
    if (t2 >= 0)
        close(t2);
    CHECK(tcsetpgrp(tfd, -1) == -1 && errno == EINVAL, "tcsetpgrp(-1): errno %d", errno);
    /* A pid nobody uses any more. */
    pid_t gone = fork();
    if (gone == 0)
        _exit(0);
    waitpid(gone, NULL, 0);
    CHECK(tcsetpgrp(tfd, gone) == -1 && errno == ESRCH, "tcsetpgrp(gone): errno %d", errno);
    /* Another session: it has no terminal, cannot take ours, and cannot be
     * made our foreground. */
    int p[2];
    pipe(p);
    pid_t other = fork();
    if (other == 0) {
        setsid();
        int bad = 0;
        if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO)
            bad |= 1;
        if (tcgetpgrp(tfd) != -1 || errno != ENOTTY)
            bad |= 2;
        if (ioctl(tfd, TIOCSCTTY, 0) != -1 || errno != EPERM)
            bad |= 4;
        if (ioctl(tfd, TIOCGSID, &bad) != -1 || errno != ENOTTY)
            bad |= 8;
        char c = (char)bad;
        write(p[1], &c, 1);
        pause();
        _exit(0);
    }
    char c = 0x7f;
    read(p[0], &c, 1);
    CHECK(c == 0, "another session's view of our terminal: %#x", c);
    CHECK(tcsetpgrp(tfd, other) == -1 && errno == EPERM, "tcsetpgrp(other session): errno %d",
          errno);
    kill(other, SIGKILL);
    waitpid(other, NULL, 0);
    /* A member that is not the leader cannot take it either; TIOCNOTTY
     * gives it up for that member alone. */
    pid_t m = fork();
    if (m == 0) {
        int bad = 0;
        if (ioctl(tfd, TIOCSCTTY, 0) != -1 || errno != EPERM)
            bad |= 1;
        if (ioctl(tfd, TIOCNOTTY) != 0)
            bad |= 2;
        if (open("/dev/tty", O_RDWR) != -1 || errno != ENXIO)
            bad |= 4;
        if (tcgetpgrp(tfd) != -1 || errno != ENOTTY)
            bad |= 8;
        _exit(bad);
    }
    int st = 0;
    waitpid(m, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a member's TIOCSCTTY/TIOCNOTTY: %#x", st);
    CHECK(tcgetpgrp(tfd) == me, "TIOCNOTTY by a member changed the foreground");
    close(p[0]);
    close(p[1]);
}

/* ---- canonical editing and echo ----------------------------------------- */

static void canon(const char *marker, const char *typed, size_t n, const char *want)
{
    char buf[64];
    say(marker);
    type(typed, n);
    ssize_t r = rd(buf, sizeof buf);
    say("]\n");
    CHECK(r == (ssize_t)strlen(want) && memcmp(buf, want, r) == 0, "%s read %zd bytes", marker, r);
}
#define CANON(m, lit, want) canon(m, lit, sizeof(lit) - 1, want)

static void check_canonical(void)
{
    std_mode();
    CANON("[e1:", "ab\177c\n", "ac\n");             /* VERASE, ECHOE */
    CANON("[e2:", "xyz\025ok\n", "ok\n");           /* VKILL, ECHOKE */
    CANON("[e3:", "foo bar\027baz\n", "foo baz\n"); /* VWERASE */
    CANON("[e4:", "\026\003\n", "\003\n");          /* VLNEXT: a literal ^C */
    CANON("[e5:", "ab\022c\n", "abc\n");            /* VREPRINT */
    CANON("[e8:", "a\tb\177\177\n", "a\n");         /* a tab erased by column */
    CANON("[e9:", "\001\n", "\001\n");              /* ECHOCTL */
    CANON("[e15:", "a\r", "a\n");                   /* ICRNL */
    /* VEOF: the line so far, without the ^D; alone, end of file. */
    char buf[16];
    say("[e6:");
    TYPE("abc\004");
    ssize_t r = rd(buf, sizeof buf);
    CHECK(r == 3 && memcmp(buf, "abc", 3) == 0, "^D after abc: read %zd", r);
    TYPE("\004");
    r = rd(buf, sizeof buf);
    CHECK(r == 0, "^D alone: read %zd, expected 0", r);
    /* A line read in pieces: a read that ends just before the ^D eats it
     * (Linux's canon_skip_eof), so no end of file follows. */
    TYPE("hello\004");
    r = rd(buf, 3);
    CHECK(r == 3 && memcmp(buf, "hel", 3) == 0, "a line in pieces: %zd", r);
    r = rd(buf, 2);
    CHECK(r == 2 && memcmp(buf, "lo", 2) == 0, "a line in pieces: %zd", r);
    CHECK(inq() == 0, "the ^D after a line read to it: FIONREAD %d", inq());
    TYPE("\004");
    r = rd(buf, sizeof buf);
    CHECK(r == 0, "^D again: read %zd", r);
    say("]\n");
    /* VEOL ends a line too, and is kept. */
    struct termios t = std_termios;
    t.c_cc[VEOL] = '!';
    tcsetattr(tfd, TCSANOW, &t);
    CANON("[e7:", "hi!", "hi!");
    /* Without ECHOE, erase echoes the erase character (^? with ECHOCTL). */
    set_mode(ECHOE, 0, ICRNL | IXON, OPOST | ONLCR);
    CANON("[e10:", "ab\177\n", "a\n");
    /* ECHONL without ECHO: only the newline. Without ECHO: nothing. */
    set_mode(ECHO, ECHONL, ICRNL | IXON, OPOST | ONLCR);
    CANON("[e11:", "q\n", "q\n");
    set_mode(ECHO, 0, ICRNL | IXON, OPOST | ONLCR);
    CANON("[e12:", "secret\n", "secret\n");
    /* ECHOPRT: erased characters shown between \ and /. */
    set_mode(ECHOE, ECHOPRT, ICRNL | IXON, OPOST | ONLCR);
    CANON("[e13:", "abc\177\177x\n", "ax\n");
    /* Without IEXTEN, ^W and ^V are plain characters. */
    set_mode(IEXTEN, 0, ICRNL | IXON, OPOST | ONLCR);
    CANON("[e16:", "a\027\026\n", "a\027\026\n");
    /* Input mapping: IGNCR drops CR; INLCR makes NL a CR (raw, to see it);
     * ISTRIP clears the eighth bit. */
    set_mode(0, 0, IGNCR | IXON, OPOST | ONLCR);
    CANON("[e14:", "a\rb\n", "ab\n");
    raw_mode(1, 0);
    t.c_iflag = INLCR | ISTRIP;
    t.c_lflag &= ~(ICANON | ECHO);
    tcsetattr(tfd, TCSANOW, &t);
    TYPE("\n\301");
    r = rd(buf, sizeof buf);
    CHECK(r == 2 && buf[0] == '\r' && buf[1] == 'A', "INLCR, ISTRIP: read %zd %#x %#x", r,
          (unsigned char)buf[0], (unsigned char)buf[1]);
    std_mode();
}

static void check_output(void)
{
    struct termios t = std_termios;
    /* OCRNL: CR out as NL. XTABS: tabs as spaces. OLCUC: upper case. */
    t.c_oflag = OPOST | ONLCR | OCRNL;
    tcsetattr(tfd, TCSADRAIN, &t);
    say("[o1:x\ry]\n");
    t.c_oflag = OPOST | ONLCR | XTABS;
    tcsetattr(tfd, TCSADRAIN, &t);
    say("[o2:a\tb]\n");
    t.c_oflag = OPOST | ONLCR | OLCUC;
    tcsetattr(tfd, TCSADRAIN, &t);
    say("[o3:abc]");
    say("\n");
    /* Raw: bytes go out as written, CR-LF and tab included. */
    cfmakeraw(&t);
    tcsetattr(tfd, TCSADRAIN, &t);
    say("[o4:E\r\nF\tG]\r\n");
    std_mode();
}

/* ---- raw reads ---------------------------------------------------------- */

static void type_later(const char *s, long ms)
{
    if (fork() == 0) {
        nap(ms);
        type(s, strlen(s));
        _exit(0);
    }
}

static void check_raw(void)
{
    char buf[16];
    /* VMIN 0, VTIME 0: what there is, at once. */
    raw_mode(0, 0);
    long t0 = now_ms();
    ssize_t r = rd(buf, sizeof buf);
    CHECK(r == 0 && now_ms() - t0 < 100, "VMIN 0 VTIME 0 with nothing: %zd", r);
    TYPE("ab");
    r = rd(buf, sizeof buf);
    CHECK(r == 2, "VMIN 0 VTIME 0 with 2 bytes: %zd", r);
    /* VMIN 0, VTIME 3: up to 0.3 s for the first byte. */
    raw_mode(0, 3);
    t0 = now_ms();
    r = rd(buf, sizeof buf);
    long dt = now_ms() - t0;
    CHECK(r == 0 && dt >= 250 && dt < 1500, "VMIN 0 VTIME 3 with nothing: %zd after %ld ms", r, dt);
    type_later("x", 100);
    t0 = now_ms();
    r = rd(buf, sizeof buf);
    dt = now_ms() - t0;
    CHECK(r == 1 && dt < 290, "VMIN 0 VTIME 3, a byte after 0.1 s: %zd after %ld ms", r, dt);
    wait(NULL);
    /* VMIN 3, VTIME 0: at least three bytes, however long. */
    raw_mode(3, 0);
    TYPE("abcd");
    r = rd(buf, sizeof buf);
    CHECK(r == 4, "VMIN 3 with 4 bytes there: %zd", r);
    TYPE("a");
    type_later("bc", 150);
    t0 = now_ms();
    r = rd(buf, sizeof buf);
    dt = now_ms() - t0;
    CHECK(r == 3 && dt >= 100, "VMIN 3, two bytes late: %zd after %ld ms", r, dt);
    wait(NULL);
    TYPE("abcde");
    r = rd(buf, 2);
    CHECK(r == 2, "VMIN 3, read of 2: %zd", r);
    tcflush(tfd, TCIFLUSH);
    /* VMIN 5, VTIME 2: the timer runs between bytes once one came. */
    raw_mode(5, 2);
    TYPE("ab");
    t0 = now_ms();
    r = rd(buf, sizeof buf);
    dt = now_ms() - t0;
    CHECK(r == 2 && dt >= 150 && dt < 1500, "VMIN 5 VTIME 2 with 2 bytes: %zd after %ld ms", r, dt);
    /* O_NONBLOCK: EAGAIN with nothing to read (VMIN 1). */
    raw_mode(1, 0);
    int fl = fcntl(tfd, F_GETFL);
    fcntl(tfd, F_SETFL, fl | O_NONBLOCK);
    r = rd(buf, sizeof buf);
    CHECK(r == -1 && errno == EAGAIN, "O_NONBLOCK with nothing: %zd errno %d", r, errno);
    fcntl(tfd, F_SETFL, fl);
    /* FIONREAD, TCFLSH, TCSETSF. */
    TYPE("xy");
    CHECK(inq() == 2, "FIONREAD raw: %d", inq());
    CHECK(tcflush(tfd, TCIFLUSH) == 0 && inq() == 0, "TCIFLUSH left %d bytes", inq());
    TYPE("z");
    struct termios t;
    tcgetattr(tfd, &t);
    tcsetattr(tfd, TCSAFLUSH, &t);
    CHECK(inq() == 0, "TCSETSF left %d bytes", inq());
    CHECK(ioctl(tfd, TCFLSH, 7) == -1 && errno == EINVAL, "TCFLSH 7: errno %d", errno);
    std_mode();
    set_mode(ECHO, 0, ICRNL | IXON, OPOST | ONLCR);
    TYPE("abc");
    CHECK(inq() == 0, "FIONREAD with a line not ended: %d", inq());
    TYPE("\nd\004");
    CHECK(inq() == 5, "FIONREAD with abc NL d ^D: %d, expected 5", inq());
    r = rd(buf, sizeof buf);
    CHECK(r == 4, "then a read: %zd", r);
    r = rd(buf, sizeof buf);
    CHECK(r == 1 && buf[0] == 'd', "then: %zd", r);
    /* Switching modes: a raw byte run becomes a line, a line being edited
     * becomes raw bytes. */
    raw_mode(1, 0);
    TYPE("xy");
    set_mode(ECHO, 0, ICRNL | IXON, OPOST | ONLCR);
    CHECK(inq() == 2, "raw input after ICANON on: FIONREAD %d", inq());
    r = rd(buf, sizeof buf);
    CHECK(r == 2 && memcmp(buf, "xy", 2) == 0, "raw input read as a line: %zd", r);
    TYPE("pq");
    raw_mode(1, 0);
    r = rd(buf, sizeof buf);
    CHECK(r == 2 && memcmp(buf, "pq", 2) == 0, "a line being edited, read raw: %zd", r);
    std_mode();
    /* Flow control requests are accepted; output goes on. */
    CHECK(tcflow(tfd, TCOOFF) == 0 && tcflow(tfd, TCOON) == 0, "tcflow: errno %d", errno);
    CHECK(ioctl(tfd, TCXONC, 9) == -1 && errno == EINVAL, "TCXONC 9: errno %d", errno);
    CHECK(tcdrain(tfd) == 0, "tcdrain: errno %d", errno);
    int outq = -1;
    CHECK(ioctl(tfd, TIOCOUTQ, &outq) == 0 && outq >= 0, "TIOCOUTQ: errno %d", errno);
}

static volatile sig_atomic_t winch;
static void on_winch(int sig) { (void)sig; winch++; }

static void check_winsize(void)
{
    struct winsize old, ws, back;
    CHECK(ioctl(tfd, TIOCGWINSZ, &old) == 0, "TIOCGWINSZ: errno %d", errno);
    signal(SIGWINCH, on_winch);
    ws = old;
    ws.ws_row = 33;
    ws.ws_col = 101;
    winch = 0;
    CHECK(ioctl(tfd, TIOCSWINSZ, &ws) == 0, "TIOCSWINSZ: errno %d", errno);
    CHECK(winch == 1, "SIGWINCH after a new size: %d", (int)winch);
    CHECK(ioctl(tfd, TIOCSWINSZ, &ws) == 0 && winch == 1, "SIGWINCH for the same size");
    CHECK(ioctl(tfd, TIOCGWINSZ, &back) == 0 && back.ws_row == 33 && back.ws_col == 101,
          "TIOCGWINSZ after TIOCSWINSZ");
    ioctl(tfd, TIOCSWINSZ, &old);
    signal(SIGWINCH, SIG_DFL);
}

/* ---- the foreground process group -------------------------------------- */

/* A child in a process group of its own, made the foreground, reading a
 * line; it exits 0 if it reads `want`. */
static pid_t fg_reader(const char *want)
{
    int p[2];
    pipe(p);
    pid_t c = fork();
    if (c == 0) {
        struct rlimit no_core = {0, 0};
        setrlimit(RLIMIT_CORE, &no_core);
        signal(SIGTTOU, SIG_DFL);
        char x;
        close(p[1]);
        read(p[0], &x, 1); /* until we are the foreground */
        char buf[32];
        ssize_t r = read(tfd, buf, sizeof buf - 1);
        _exit(r == (ssize_t)strlen(want) && memcmp(buf, want, r) == 0 ? 0 : 1);
    }
    close(p[0]);
    setpgid(c, c);
    tcsetpgrp(tfd, c);
    write(p[1], "g", 1);
    close(p[1]);
    return c;
}

static void foreground_again(void)
{
    CHECK(tcsetpgrp(tfd, getpgrp()) == 0, "tcsetpgrp from the background: errno %d", errno);
}

static void check_job_control(void)
{
    std_mode();
    /* We take the terminal back from the background: SIGTTOU ignored. */
    signal(SIGTTOU, SIG_IGN);
    int st;
    /* ^C and ^\ reach the foreground group only (we would die of them).
     * Input typed before goes with them, unless NOFLSH. (Output not yet
     * sent may go too, a pty's does: echoes are checked with NOFLSH.) */
    set_mode(ECHO, NOFLSH, ICRNL | IXON, OPOST | ONLCR);
    say("[j1:");
    pid_t c = fg_reader("never");
    TYPE("xyz");
    set_mode(0, NOFLSH, ICRNL | IXON, OPOST | ONLCR);
    TYPE("\003");
    waitpid(c, &st, 0);
    foreground_again();
    say("]\n");
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGINT, "^C: status %#x", st);
    raw_mode(1, 0); /* the line being edited becomes bytes to count */
    CHECK(inq() == 3 && tcflush(tfd, TCIFLUSH) == 0, "input kept after ^C with NOFLSH: %d", inq());
    set_mode(ECHO, 0, ICRNL | IXON, OPOST | ONLCR);
    TYPE("xyz");
    c = fg_reader("never");
    nap(100); /* for a pty's reader: the flush below takes what it has not read */
    TYPE("\034");
    waitpid(c, &st, 0);
    foreground_again();
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT && !WCOREDUMP(st), "^\\: status %#x", st);
    raw_mode(1, 0);
    CHECK(inq() == 0, "input left after ^\\: %d", inq());
    set_mode(0, NOFLSH, ICRNL | IXON, OPOST | ONLCR);
    /* ^Z stops it; continued in the background its read stops it again
     * (SIGTTIN); continued in the foreground the read goes on. */
    c = fg_reader("hello\n");
    TYPE("\032");
    waitpid(c, &st, WUNTRACED);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTSTP, "^Z: status %#x", st);
    foreground_again();
    say("\n");
    kill(-c, SIGCONT);
    waitpid(c, &st, WUNTRACED);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTIN, "a background read: status %#x", st);
    tcsetpgrp(tfd, c);
    kill(-c, SIGCONT);
    TYPE("hello\n");
    waitpid(c, &st, 0);
    foreground_again();
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the read after fg: status %#x", st);
    /* A background read with SIGTTIN ignored or blocked: EIO. */
    for (int how = 0; how < 2; how++) {
        pid_t d = fork();
        if (d == 0) {
            setpgid(0, 0);
            if (how == 0) {
                signal(SIGTTIN, SIG_IGN);
            } else {
                sigset_t s;
                sigemptyset(&s);
                sigaddset(&s, SIGTTIN);
                sigprocmask(SIG_BLOCK, &s, NULL);
            }
            char x;
            _exit(read(tfd, &x, 1) == -1 && errno == EIO ? 0 : 1);
        }
        waitpid(d, &st, 0);
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "background read, SIGTTIN %s: %#x",
              how ? "blocked" : "ignored", st);
    }
    /* An orphaned background group reading: EIO, no stop. */
    int p[2];
    pipe(p);
    pid_t e = fork();
    if (e == 0) {
        setpgid(0, 0);
        if (fork() == 0) {
            nap(100); /* until our parent is gone */
            char x, ok = 'n';
            if (read(tfd, &x, 1) == -1 && errno == EIO)
                ok = 'y';
            write(p[1], &ok, 1);
            _exit(0);
        }
        _exit(0);
    }
    close(p[1]);
    waitpid(e, NULL, 0);
    char ok = 0;
    read(p[0], &ok, 1);
    close(p[0]);
    CHECK(ok == 'y', "an orphaned background read: %c", ok);
    /* TOSTOP: a background write stops (SIGTTOU); without it, it works. */
    struct termios t = std_termios;
    t.c_lflag |= TOSTOP;
    tcsetattr(tfd, TCSANOW, &t);
    pid_t g = fork();
    if (g == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_DFL);
        say("[never]");
        _exit(0);
    }
    waitpid(g, &st, WUNTRACED);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU, "a background write with TOSTOP: %#x", st);
    kill(g, SIGKILL);
    waitpid(g, NULL, 0);
    std_mode();
    g = fork();
    if (g == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_DFL);
        say("[j2:bg]\n");
        _exit(0);
    }
    waitpid(g, &st, WUNTRACED);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "a background write without TOSTOP: %#x", st);
    /* A background tcsetattr: SIGTTOU. */
    g = fork();
    if (g == 0) {
        setpgid(0, 0);
        signal(SIGTTOU, SIG_DFL);
        tcsetattr(tfd, TCSANOW, &std_termios);
        _exit(0);
    }
    waitpid(g, &st, WUNTRACED);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTTOU, "a background tcsetattr: %#x", st);
    kill(g, SIGKILL);
    waitpid(g, NULL, 0);
}

/* ---- a whole session ------------------------------------------------------ */

static int leader_tests(void)
{
    setsid();
    tfd = open(tty_path, O_RDWR);
    if (tfd < 0) {
        printf("FAIL: open %s: errno %d\n", tty_path, errno);
        return 1;
    }
    tcgetattr(tfd, &std_termios);
    std_termios.c_iflag = ICRNL | IXON;
    std_termios.c_oflag = OPOST | ONLCR;
    std_termios.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    static const cc_t cc[] = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0};
    memcpy(std_termios.c_cc, cc, sizeof cc);
    std_mode();
    say("\n");
    check_ctty();
    check_canonical();
    check_output();
    check_raw();
    check_winsize();
    check_job_control();
    return failures;
}

static int hup_pipe = -1;
static volatile sig_atomic_t got_hup;
static void on_hup(int sig) { (void)sig; got_hup = 1; write(hup_pipe, "H", 1); }
static void on_cont(int sig) { (void)sig; write(hup_pipe, "C", 1); }

/* The session leader's exit: SIGHUP to the foreground group, which loses
 * its terminal; the terminal can be had again. */
static int hangup_leader(void)
{
    setsid();
    tfd = open(tty_path, O_RDWR);
    if (tfd < 0 || tcgetsid(tfd) != getpid())
        return 1;
    int ready[2];
    pipe(ready);
    if (fork() == 0) {
        sigset_t hup, old;
        sigemptyset(&hup);
        sigaddset(&hup, SIGHUP);
        sigprocmask(SIG_BLOCK, &hup, &old);
        signal(SIGHUP, on_hup);
        write(ready[1], "r", 1);
        while (!got_hup)
            sigsuspend(&old);
        nap(100); /* (on Linux the leader may still be on its way out) */
        if (open("/dev/tty", O_RDWR) == -1 && errno == ENXIO)
            write(hup_pipe, "N", 1);
        _exit(0);
    }
    char x;
    read(ready[0], &x, 1);
    return 0; /* our exit hangs up */
}

/* TIOCNOTTY by the leader: SIGHUP and SIGCONT to the foreground group. */
static int notty_leader(void)
{
    setsid();
    tfd = open(tty_path, O_RDWR);
    if (tfd < 0 || tcgetsid(tfd) != getpid())
        return 1;
    signal(SIGHUP, SIG_IGN);
    int ready[2];
    pipe(ready);
    pid_t y = fork();
    if (y == 0) {
        signal(SIGHUP, on_hup);
        signal(SIGCONT, on_cont);
        write(ready[1], "r", 1);
        for (;;)
            pause();
    }
    char x;
    read(ready[0], &x, 1);
    if (ioctl(tfd, TIOCNOTTY) != 0)
        return 2;
    if (tcgetpgrp(tfd) != -1 || errno != ENOTTY)
        return 3;
    nap(100);
    kill(y, SIGKILL);
    waitpid(y, NULL, 0);
    return 0;
}

static int master = -1;

/* Run a session leader, copying the pty's output to stdout meanwhile. */
static int run_session(int (*f)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(f());
    int st = 0;
    for (;;) {
        if (master >= 0) {
            struct pollfd pf = {master, POLLIN, 0};
            if (poll(&pf, 1, 20) > 0 && (pf.revents & POLLIN)) {
                char buf[256];
                ssize_t n = read(master, buf, sizeof buf);
                if (n > 0)
                    write(1, buf, n);
                continue;
            }
        }
        pid_t w = waitpid(pid, &st, master >= 0 ? WNOHANG : 0);
        if (w == pid)
            break;
        if (w < 0 && errno != EINTR)
            break;
    }
    /* What it wrote last. */
    for (struct pollfd pf = {master, POLLIN, 0}; master >= 0 && poll(&pf, 1, 50) > 0;) {
        char buf[256];
        ssize_t n = read(master, buf, sizeof buf);
        if (n <= 0)
            break;
        write(1, buf, n);
    }
    return st;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    master = posix_openpt(O_RDWR | O_NOCTTY);
    if (master >= 0 && grantpt(master) == 0 && unlockpt(master) == 0)
        tty_path = ptsname(master);
    else
        tty_path = "/dev/ttyS0";
    int st = run_session(leader_tests);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "%d checks failed in the session (status %#x)",
          WIFEXITED(st) ? WEXITSTATUS(st) : -1, st);
    int p[2];
    pipe(p);
    hup_pipe = p[1];
    st = run_session(hangup_leader);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "hangup session: status %#x", st);
    char buf[8] = {0};
    for (int n = 0; n < 2;) {
        struct pollfd pf = {p[0], POLLIN, 0};
        if (poll(&pf, 1, 2000) <= 0 || read(p[0], buf + n, 1) != 1)
            break;
        n++;
    }
    CHECK(strcmp(buf, "HN") == 0, "the leader's exit: the foreground got '%s', expected HN", buf);
    st = run_session(notty_leader);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "TIOCNOTTY session: status %#x", st);
    memset(buf, 0, sizeof buf);
    for (int n = 0; n < 2;) {
        struct pollfd pf = {p[0], POLLIN, 0};
        if (poll(&pf, 1, 2000) <= 0 || read(p[0], buf + n, 1) != 1)
            break;
        n++;
    }
    CHECK((strcmp(buf, "HC") == 0 || strcmp(buf, "CH") == 0),
          "TIOCNOTTY: the foreground got '%s', expected SIGHUP and SIGCONT", buf);
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    if (failures == 0)
        printf("termios: all ok\n");
    return failures ? 1 : 0;
}

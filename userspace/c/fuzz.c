/* A system-call fuzzer, in the spirit of trinity: forked workers make
 * random calls through all three i386 entry paths (int $0x80, the vDSO's
 * `call *AT_SYSINFO`, and the seed programs' own `sysenter` sequence) with
 * arguments drawn from typed pools: descriptors that are open and that are
 * not, user buffers that are writable, read-only, unmapped or straddle a
 * page edge, kernel addresses, huge and tiny lengths, paths, random flags.
 * Whatever a worker does to itself (a fatal signal, an unmapped stack),
 * the parent starts the next one; a worker silent for too long is killed
 * (the watchdog). The kernel must take all of it without a panic or a hang.
 *
 *   c_fuzz_* [--seed N] [--calls N] [--replay W] [--trace]
 *
 * Prints the seed first (so any run can be replayed), then calls per
 * second, how the workers ended, and the coverage: the table entries that
 * answered something other than -ENOSYS. `--replay W` runs worker W of
 * that seed in the foreground, `--trace` prints each call before making it.
 * Linux is the reference: the same program runs there (as a user without
 * the privilege to do damage).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/sysinfo.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Linux i386's table runs to 450 (futex_waitv is 449); a few past it
 * check the -ENOSYS path. */
#define NR_MAX 460
#define CALLS_PER_WORKER 4000
#define REPORT_EVERY 16
#define WATCHDOG_MS 5000

/* ---- the three entry paths: eax = nr, ebx..ebp = a[1..6] ---------------- */

uintptr_t fz_vsyscall;
long fz_int80(const long *a);
long fz_vdso(const long *a);
long fz_sysenter(const long *a);
__asm__(
    ".text\n"
    ".macro FZ_LOAD\n"
    "  push %ebp\n push %ebx\n push %esi\n push %edi\n"
    "  mov 20(%esp), %eax\n"
    "  mov 4(%eax), %ebx\n mov 8(%eax), %ecx\n mov 12(%eax), %edx\n"
    "  mov 16(%eax), %esi\n mov 20(%eax), %edi\n mov 24(%eax), %ebp\n"
    "  mov 0(%eax), %eax\n"
    ".endm\n"
    ".macro FZ_RET\n"
    "  pop %edi\n pop %esi\n pop %ebx\n pop %ebp\n ret\n"
    ".endm\n"
    ".globl fz_int80\nfz_int80:\n FZ_LOAD\n int $0x80\n FZ_RET\n"
    ".globl fz_vdso\nfz_vdso:\n FZ_LOAD\n call *fz_vsyscall\n FZ_RET\n"
    /* The Japanese seed's sequence: push the return address, ecx, edx and
     * ebp, point ebp at them, sysenter; the landing pad pops and returns. */
    ".globl fz_sysenter\nfz_sysenter:\n FZ_LOAD\n"
    "  push $fz_sysenter_ret\n push %ecx\n push %edx\n push %ebp\n mov %esp, %ebp\n"
    "  sysenter\n"
    "fz_sysenter_ret:\n FZ_RET\n");

/* ---- a deterministic generator (xorshift64*) ---------------------------- */

static uint64_t rng;

static uint32_t rnd(void)
{
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return (uint32_t)((rng * 2685821657736338717ULL) >> 32);
}

static uint32_t pick(uint32_t n)
{
    return rnd() % n;
}

/* ---- the worker's world: what arguments are drawn from ------------------- */

static char *area; /* [rw][rw][ro][unmapped] */
static char *zeros; /* a read-only page of zeros: timeouts that end at once */
static long fds[8];
static int nfds;
static long self_pid;
static const char *paths[] = {"/etc/hostname", "/dev/null", "/", "/bin", "/bin/exit42",
                              "/nonexistent", "", "/etc/../etc/hostname"};
/* What calls that change the tree get instead of those: names relative to
 * the worker's directory (/tmp when there is one), so a worker can make,
 * rename and remove files, FIFOs and links, but not the system's. */
static const char *scratch[] = {"fz", "fz/a", "fz/b", "fz/d/", "fz/l", "", "fz/../fz"};

static long ptr_arg(void)
{
    switch (pick(10)) {
    case 0: return 0;                                     /* NULL */
    case 1: return (long)area;                            /* writable */
    case 2: return (long)(area + 4096 + pick(4096));      /* writable, anywhere */
    case 3: return (long)(area + 2 * 4096 - 8);           /* straddles into read-only */
    case 4: return (long)(area + 2 * 4096);               /* read-only */
    case 5: return (long)(area + 3 * 4096 - 4);           /* straddles into nothing */
    case 6: return (long)(area + 3 * 4096);               /* unmapped */
    case 7: return (long)0xc0000000u;                     /* the kernel */
    case 8: return (long)(0xfffff000u + pick(4096));      /* the top of memory */
    default: return (long)paths[pick(sizeof paths / sizeof paths[0])];
    }
}

static long int_arg(void)
{
    static const long small[] = {0, 1, 2, 3, 4, 8, 16, 64, 255, 4096, 65536};
    static const long edge[] = {-1, -2, 0x7fffffff, (long)0x80000000u, (long)0xffffffffu,
                                0x7ffff000, 1 << 30, -4096};
    switch (pick(4)) {
    case 0: return small[pick(sizeof small / sizeof small[0])];
    case 1: return edge[pick(sizeof edge / sizeof edge[0])];
    case 2: return (long)(1u << pick(32));                /* one flag bit */
    default: return (long)rnd();
    }
}

static long fd_arg(void)
{
    static const long bad[] = {-1, 1023, 4095, 65535, 0x7fffffff, -100 /* AT_FDCWD */};
    return pick(4) ? fds[pick(nfds)] : bad[pick(sizeof bad / sizeof bad[0])];
}

static long any_arg(void)
{
    switch (pick(3)) {
    case 0: return ptr_arg();
    case 1: return fd_arg();
    default: return int_arg();
    }
}

/* Calls that would reach beyond the worker: powering the machine off,
 * signalling or re-limiting other processes, replacing the worker with a
 * program that waits for input, or sleeping for years. Their arguments
 * are confined; the worker stays the only victim. */
static void to_scratch(long *a)
{
    for (int j = 1; j <= 6; j++)
        for (unsigned k = 0; k < sizeof paths / sizeof paths[0]; k++)
            if (a[j] == (long)paths[k])
                a[j] = (long)scratch[pick(sizeof scratch / sizeof scratch[0])];
}

static int confine(long *a)
{
    long nr = a[0];
    switch (nr) {
    case 1: case 252:                      /* exit, exit_group: a wasted worker */
    case 88:                               /* reboot */
    case 29: case 72: case 179:            /* pause, sigsuspend, rt_sigsuspend */
    case 102: case 359: case 360: case 361: case 362: case 363: case 364: case 365:
    case 366: case 367: case 368: case 369: case 370: case 371: case 372: case 373:
        /* socketcall and the socket calls: no packets to random addresses
         * when this runs on a networked Linux */
        return 0;
    case 11:                               /* execve: only with a bad path */
        a[1] = pick(2) ? 0 : (long)0xc0000000u;
        return 1;
    case 26: case 347: case 348:           /* ptrace, process_vm_readv/writev: they
                                            * reach into the fuzzer itself (same uid) */
    case 178: case 335: case 424:          /* rt_(tg)sigqueueinfo, pidfd_send_signal */
    case 240: case 117:                    /* futex, ipc: waits that never end */
    case 393: case 394: case 395: case 396: case 397: case 398: case 399: case 400:
    case 401: case 402:                    /* System V IPC */
        return 0;
    case 82: {                             /* old select: one pointer to its five */
        static long sel[5];
        sel[0] = a[1], sel[1] = a[2], sel[2] = a[3], sel[3] = a[4], sel[4] = (long)zeros;
        a[1] = (long)sel;
        return 1;
    }
    case 142:                              /* _newselect: a zero timeout */
        a[5] = (long)zeros;
        return 1;
    case 308: case 309: case 413: case 414: /* pselect6, ppoll (and _time64) */
        a[nr == 308 || nr == 413 ? 5 : 3] = (long)zeros;
        return 1;
    case 5: case 295: {                    /* open, openat: never wait on a FIFO */
        long *flags = &a[nr == 5 ? 2 : 3];
        *flags |= O_NONBLOCK;
        if (*flags & (O_CREAT | O_TRUNC | O_WRONLY | O_RDWR))
            to_scratch(a);
        return 1;
    }
    case 8: case 9: case 10: case 14: case 15: case 16: case 21: case 22: case 30:
    case 38: case 39: case 40: case 52: case 61: case 83: case 92: case 182: case 193:
    case 198: case 212: case 271: case 296: case 297: case 298: case 299: case 301:
    case 302: case 303: case 304: case 306: case 320: case 353: case 412:
        /* creat, link, unlink, mknod, chmod, lchown, mount, umount, utime,
         * rename, mkdir, rmdir, umount2, chroot, symlink, truncate, chown,
         * truncate64, lchown32, chown32, utimes and the *at forms: only
         * the scratch names */
        to_scratch(a);
        return 1;
    case 256: case 177:                    /* epoll_wait, rt_sigtimedwait */
        a[nr == 256 ? 4 : 3] = nr == 256 ? 0 : (long)zeros;
        return 1;
    case 37: case 238:                     /* kill, tkill: only ourselves or no one */
        a[1] = pick(2) ? self_pid : 99999 * (pick(2) ? 1 : -1);
        return 1;
    case 270:                              /* tgkill */
        a[1] = a[2] = pick(2) ? self_pid : 99999;
        return 1;
    case 340:                              /* prlimit64 */
        a[1] = pick(2) ? 0 : 99999;
        return 1;
    case 57:                               /* setpgid: only our own */
        a[1] = 0;
        return 1;
    case 162: case 267: case 407:          /* nanosleep, clock_nanosleep(_time64) */
        a[nr == 162 ? 1 : 3] = pick(2) ? (long)zeros : (long)0xc0000000u;
        return 1;
    case 168:                              /* poll: never wait long */
        a[3] = pick(2) ? 0 : 10;
        return 1;
    default:
        return 1;
    }
}

static int trace_fd = -1;

static void trace(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void trace(const char *fmt, ...)
{
    if (trace_fd < 0)
        return;
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    (void)write(trace_fd, buf, n > 0 && n < (int)sizeof buf ? n : 0);
}

/* What a worker sends after every REPORT_EVERY calls. The pipe is the
 * worker's too, and a random write may land in it: the magic and the
 * bound on `calls` let the parent tell a report from such garbage. */
#define REPORT_MAGIC 0x7a7a5f66u
#define REPORT_FD 999
struct report {
    uint32_t magic;
    uint32_t calls;
    uint8_t covered[NR_MAX / 8 + 1];
};

/* One worker: set the world up, then make `n` calls, reporting to `out`. */
static int worker(uint64_t seed, int n, int out)
{
    rng = seed ? seed : 1;
    self_pid = getpid();
    /* Out of the console's way: a random write to 1 lands in /dev/null
     * (the trace, if any, has its own descriptor). */
    int null = open("/dev/null", O_RDWR);
    for (int fd = 0; fd < 3; fd++)
        dup2(null, fd);
    if (chdir("/tmp") < 0 && chdir("/") < 0)
        return 2;
    area = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area == MAP_FAILED)
        return 2;
    mprotect(area + 2 * 4096, 4096, PROT_READ);
    zeros = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (zeros == MAP_FAILED)
        return 2;
    munmap(area + 3 * 4096, 4096);
    int p[2];
    nfds = 0;
    if (pipe2(p, O_NONBLOCK) == 0) {
        fds[nfds++] = p[0];
        fds[nfds++] = p[1];
    }
    fds[nfds++] = open("/dev/null", O_RDWR);
    fds[nfds++] = open("/etc/hostname", O_RDONLY);
    fds[nfds++] = open("/", O_RDONLY | O_DIRECTORY);
    fds[nfds++] = 0;
    /* The report pipe out of the way of small random descriptors. */
    if (dup2(out, REPORT_FD) == REPORT_FD) {
        close(out);
        out = REPORT_FD;
    }
    struct report r;
    memset(&r, 0, sizeof r);
    r.magic = REPORT_MAGIC;
    for (int i = 0; i < n; i++) {
        long a[7];
        a[0] = pick(NR_MAX);
        for (int j = 1; j <= 6; j++)
            a[j] = any_arg();
        int path = pick(3);
        if (!confine(a))
            continue;
        trace("%d: %s %ld(%#lx, %#lx, %#lx, %#lx, %#lx, %#lx)\n", i,
              path == 0 ? "int80" : path == 1 ? "vdso" : "sysenter", a[0], a[1], a[2], a[3],
              a[4], a[5], a[6]);
        long ret = path == 0 || !fz_vsyscall ? fz_int80(a) : path == 1 ? fz_vdso(a) : fz_sysenter(a);
        /* A fork-like call's child has nothing more to do. */
        if (ret == 0 && (a[0] == 2 || a[0] == 190 || a[0] == 120) && getpid() != self_pid)
            _exit(0);
        if (ret != -ENOSYS)
            r.covered[a[0] / 8] |= (uint8_t)(1u << (a[0] % 8));
        r.calls++;
        if (r.calls % REPORT_EVERY == 0 || i == n - 1) {
            if (write(out, &r, sizeof r) != sizeof r)
                return 3; /* the report pipe is gone: the worker broke its own world */
            r.calls = 0;
        }
    }
    return 0;
}

static long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
    uint64_t seed = 0;
    long target = 20000;
    int replay = -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--seed") == 0 && i + 1 < argc)
            seed = strtoull(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--calls") == 0 && i + 1 < argc)
            target = strtol(argv[++i], NULL, 0);
        else if (strcmp(argv[i], "--replay") == 0 && i + 1 < argc)
            replay = atoi(argv[++i]);
        else if (strcmp(argv[i], "--trace") == 0)
            trace_fd = 100;
    }
    if (seed == 0) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        seed = (uint64_t)ts.tv_sec * 1000003u ^ (uint64_t)ts.tv_nsec;
    }
    fz_vsyscall = getauxval(AT_SYSINFO);
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("fuzz: seed %#llx, %ld calls, %s\n", (unsigned long long)seed, target,
           fz_vsyscall ? "int80 + vdso + sysenter" : "int80 only (no AT_SYSINFO)");
    signal(SIGPIPE, SIG_IGN);
    if (replay >= 0) {
        /* The same worker, in a child as in the run, tracing each call. */
        if (trace_fd >= 0)
            dup2(1, trace_fd);
        int p[2];
        if (pipe(p) < 0)
            return 1;
        printf("fuzz: replaying worker %d\n", replay);
        pid_t pid = fork();
        if (pid == 0) {
            close(p[0]);
            _exit(worker(seed + (uint64_t)replay * 0x9e3779b97f4a7c15ULL, CALLS_PER_WORKER, p[1]));
        }
        close(p[1]);
        char drain[512];
        while (read(p[0], drain, sizeof drain) > 0)
            ;
        int st = 0;
        waitpid(pid, &st, 0);
        printf("fuzz: worker %d ended with status %#x\n", replay, st);
        return 0;
    }
    struct report total;
    memset(&total, 0, sizeof total);
    long calls = 0, t0 = now_ms();
    int workers = 0, exited = 0, signalled = 0, watchdog = 0, sigs[65] = {0};
    while (calls < target) {
        int p[2];
        if (pipe(p) < 0) {
            printf("FAIL: pipe: errno %d\n", errno);
            return 1;
        }
        int w = workers++;
        pid_t pid = fork();
        if (pid < 0) {
            printf("FAIL: fork: errno %d\n", errno);
            return 1;
        }
        if (pid == 0) {
            close(p[0]);
            _exit(worker(seed + (uint64_t)w * 0x9e3779b97f4a7c15ULL, CALLS_PER_WORKER, p[1]));
        }
        close(p[1]);
        struct report r;
        for (;;) {
            struct pollfd pf = {p[0], POLLIN, 0};
            int ready = poll(&pf, 1, WATCHDOG_MS);
            if (ready == 0) { /* silent too long: stuck in the kernel or in a loop */
                kill(pid, SIGKILL);
                watchdog++;
                printf("fuzz: worker %d silent for %d ms, killed (replay: --seed %#llx --replay %d)\n",
                       w, WATCHDOG_MS, (unsigned long long)seed, w);
                break;
            }
            if (ready < 0 && errno == EINTR)
                continue;
            if (read(p[0], &r, sizeof r) != sizeof r)
                break;
            if (r.magic != REPORT_MAGIC || r.calls > REPORT_EVERY) {
                kill(pid, SIGKILL); /* it wrote garbage into its own report pipe */
                break;
            }
            calls += r.calls;
            for (unsigned i = 0; i < sizeof r.covered; i++)
                total.covered[i] |= r.covered[i];
        }
        close(p[0]);
        int st = 0;
        while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
            ;
        if (WIFSIGNALED(st)) {
            signalled++;
            sigs[WTERMSIG(st) & 63]++;
        } else {
            exited++;
        }
        /* Reap what the worker's own forks left. */
        while (waitpid(-1, &st, WNOHANG) > 0)
            ;
        if (workers % 200 == 0) {
            struct sysinfo si;
            sysinfo(&si);
            printf("fuzz: %ld calls, %d workers, %lu kB free, %u processes\n", calls, workers,
                   (unsigned long)((unsigned long long)si.freeram * si.mem_unit / 1024), si.procs);
        }
    }
    long ms = now_ms() - t0;
    int covered = 0;
    for (int nr = 0; nr < NR_MAX; nr++)
        covered += (total.covered[nr / 8] >> (nr % 8)) & 1;
    printf("fuzz: %ld calls in %ld ms (%ld calls/s) by %d workers\n", calls, ms,
           ms ? calls * 1000 / ms : 0, workers);
    printf("fuzz: workers: %d finished, %d ended by a signal, %d stopped by the watchdog\n",
           exited, signalled - watchdog, watchdog);
    printf("fuzz: fatal signals:");
    for (int s = 1; s < 65; s++)
        if (sigs[s])
            printf(" %s x%d", strsignal(s), sigs[s]);
    printf("\nfuzz: coverage: %d of %d numbers answered something other than ENOSYS:", covered, NR_MAX);
    for (int nr = 0; nr < NR_MAX; nr++)
        if ((total.covered[nr / 8] >> (nr % 8)) & 1)
            printf(" %d", nr);
    printf("\nfuzz: done\n");
    return 0;
}

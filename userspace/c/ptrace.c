/* ptrace(2) as Linux 6.1 has it: PTRACE_TRACEME and the stop after
 * execve (plain SIGTRAP, then PTRACE_EVENT_EXEC with its event message),
 * syscall-entry and -exit stops (orig_eax, EAX = -ENOSYS at entry, the
 * stop kind in PTRACE_GETEVENTMSG, TRACESYSGOOD's 0x80) with the tracer
 * rewriting a result, changing a call's number and skipping a call with
 * orig_eax = -1; PEEKDATA/POKEDATA/PEEKTEXT/PEEKUSER; GETREGS/SETREGS
 * (redirecting the tracee); GETFPREGS/GETFPXREGS; GET_THREAD_AREA;
 * SINGLESTEP across `int $0x80`, through the vDSO's __kernel_vsyscall
 * and into a signal handler; a signal seen by the tracer, then
 * suppressed or replaced (GETSIGINFO); SEIZE + INTERRUPT on a running
 * task;
 * PTRACE_O_TRACEFORK following a fork (the grandchild's exit seen by the
 * tracer first, then by its parent); TRACEVFORK and TRACEEXIT's events;
 * PTRACE_O_EXITKILL; and the errors:
 * EPERM (own process, another user's, traced already), ESRCH (not
 * traced, not stopped, no such pid), EIO (bad address, bad offset, bad
 * signal, unknown request), EFAULT, EINVAL.
 * Prints `FAIL: ...` for each broken check and `ptrace: all ok`.
 * Validated on Linux (the host's, and Debian's i386 6.1; both libcs).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <stddef.h>
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <unistd.h>
#include "test_common.h"

#define EV(st) (((st) >> 16) & 0xff)

static const char *self;

/* A traced child that stopped itself with SIGSTOP, then runs `body`. */
static pid_t traced_child(int (*body)(void))
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        if (ptrace(PTRACE_TRACEME, 0, 0, 0) != 0)
            _exit(100);
        raise(SIGSTOP);
        _exit(body());
    }
    int st;
    if (waitpid(pid, &st, 0) != pid || !WIFSTOPPED(st) || WSTOPSIG(st) != SIGSTOP)
        printf("FAIL: traced child did not stop with SIGSTOP (status %#x)\n", st), failures++;
    return pid;
}

/* Wait for `pid`; the status. */
static int wait_for(pid_t pid)
{
    int st = 0;
    while (waitpid(pid, &st, __WALL) < 0 && errno == EINTR)
        ;
    return st;
}

/* --- TRACEME and exec --- */

static void test_exec(void)
{
    /* The old way: SIGTRAP after execve. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        execl(self, self, "exit42", (char *)0);
        _exit(99);
    }
    int st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && EV(st) == 0,
          "exec stop: status %#x, want SIGTRAP", st);
    siginfo_t si;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0 && si.si_signo == SIGTRAP && si.si_code == SI_USER,
          "exec SIGTRAP siginfo: signo %d code %d", si.si_signo, si.si_code);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0, "CONT after exec: %s", strerror(errno));
    st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exec'd tracee: status %#x", st);

    /* PTRACE_O_TRACEEXEC: an event stop, the old pid as its message. */
    fflush(stdout);
    pid = fork();
    if (pid == 0) {
        ptrace(PTRACE_TRACEME, 0, 0, 0);
        raise(SIGSTOP);
        execl(self, self, "exit42", (char *)0);
        _exit(99);
    }
    st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "TRACEME child: status %#x", st);
    /* /proc/<pid>/status names the tracer, and the stop (proc_pid_status). */
    char path[64], line[128];
    snprintf(path, sizeof path, "/proc/%d/status", pid);
    FILE *f = fopen(path, "r");
    int tracer = -1, tstate = 0;
    while (f && fgets(line, sizeof line, f)) {
        sscanf(line, "TracerPid:\t%d", &tracer);
        if (!strcmp(line, "State:\tt (tracing stop)\n"))
            tstate = 1;
    }
    if (f)
        fclose(f);
    CHECK(tracer == getpid(), "TracerPid %d, want %d", tracer, getpid());
    CHECK(tstate, "State is not \"t (tracing stop)\"");
    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEEXEC) == 0, "SETOPTIONS: %s", strerror(errno));
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && EV(st) == PTRACE_EVENT_EXEC,
          "EVENT_EXEC stop: status %#x", st);
    unsigned long msg = 0;
    CHECK(ptrace(PTRACE_GETEVENTMSG, pid, 0, &msg) == 0 && msg == (unsigned long)pid,
          "EVENT_EXEC message %lu, want %d", msg, pid);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 42, "exec'd tracee (TRACEEXEC): status %#x", st);
}

/* --- syscall stops --- */

static int syscalls_body(void)
{
    long r1 = syscall(SYS_getpid);          /* result rewritten to 4242 */
    errno = 0;
    long r2 = syscall(SYS_exit_group, 99);  /* skipped: -ENOSYS */
    int e2 = errno;
    long r3 = syscall(SYS_getppid);         /* made into getpid */
    return (r1 == 4242 ? 0 : 1) | (r2 == -1 && e2 == ENOSYS ? 0 : 2) | (r3 == getpid() ? 0 : 4);
}

/* Run the tracee to its next syscall stop; its registers. 0 on success. */
static int next_syscall_stop(pid_t pid, struct user_regs_struct *r, unsigned long *kind)
{
    if (ptrace(PTRACE_SYSCALL, pid, 0, 0) != 0)
        return -1;
    int st = wait_for(pid);
    if (!WIFSTOPPED(st) || WSTOPSIG(st) != (SIGTRAP | 0x80))
        return -1;
    if (ptrace(PTRACE_GETREGS, pid, 0, r) != 0)
        return -1;
    return ptrace(PTRACE_GETEVENTMSG, pid, 0, kind) == 0 ? 0 : -1;
}

static void test_syscalls(void)
{
    pid_t pid = traced_child(syscalls_body);
    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACESYSGOOD) == 0, "SETOPTIONS: %s", strerror(errno));
    struct user_regs_struct r;
    unsigned long kind = 0;
    int entry = 1, seen = 0, ok = 1;
    for (int i = 0; i < 200 && ok; i++) {
        if (next_syscall_stop(pid, &r, &kind) != 0) {
            ok = 0;
            break;
        }
        CHECK(kind == (entry ? 1u : 2u), "stop %d: event message %lu, want %d", i, kind, entry ? 1 : 2);
        if (entry) {
            CHECK((long)r.eax == -ENOSYS, "entry of %ld: eax %ld, want -ENOSYS", r.orig_eax, (long)r.eax);
            if ((long)r.orig_eax == SYS_exit_group && seen == 1) {
                r.orig_eax = -1; /* skip it */
                CHECK(ptrace(PTRACE_SETREGS, pid, 0, &r) == 0, "SETREGS: %s", strerror(errno));
                seen = 2;
            } else if ((long)r.orig_eax == SYS_getppid && seen == 2) {
                CHECK(ptrace(PTRACE_POKEUSER, pid, (void *)(11 * 4), (void *)SYS_getpid) == 0,
                      "POKEUSER orig_eax: %s", strerror(errno));
                seen = 3;
            }
        } else {
            if ((long)r.orig_eax == SYS_getpid && seen == 0) {
                CHECK((long)r.eax == pid, "getpid exit: eax %ld, want %d", (long)r.eax, pid);
                CHECK(ptrace(PTRACE_POKEUSER, pid, (void *)(6 * 4), (void *)4242) == 0,
                      "POKEUSER eax: %s", strerror(errno));
                seen = 1;
            } else if (seen == 2 && (long)r.orig_eax == -1) {
                CHECK((long)r.eax == -ENOSYS, "skipped call: eax %ld, want -ENOSYS", (long)r.eax);
            } else if (seen == 3) {
                CHECK((long)r.orig_eax == SYS_getpid && (long)r.eax == pid,
                      "changed call: orig_eax %ld eax %ld, want getpid's %d", r.orig_eax, (long)r.eax, pid);
                break;
            }
        }
        entry = !entry;
    }
    CHECK(ok && seen == 3, "syscall stops: got to step %d", seen);
    ptrace(PTRACE_CONT, pid, 0, 0);
    int st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "syscall tracee: status %#x (bits: 1 result, 2 skip, 4 number)", st);
}

/* --- memory and registers --- */

static volatile unsigned long shared_word = 0x11223344;

static int memory_body(void)
{
    return shared_word == 0x55667788 ? 0 : 1;
}

static void landing(void)
{
    _exit(77);
}

static int regs_body(void)
{
    return 5; /* never: SETREGS sends it to landing() */
}

/* A forced write may copy a private page but never write through a
 * shared mapping without PROT_WRITE (Linux's check_vma_flags): POKEDATA
 * into a read-only MAP_SHARED file mapping is EIO and the file keeps its
 * bytes; into a read-only MAP_PRIVATE one it succeeds on a private copy. */
static int idle_body(void)
{
    return 0;
}

static void test_poke_readonly_maps(void)
{
    const char *path = "/tmp/ptrace-ro.dat";
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char page[4096];
    memset(page, 'A', sizeof page);
    CHECK(fd >= 0 && write(fd, page, sizeof page) == (ssize_t)sizeof page, "write %s", path);
    close(fd);
    fd = open(path, O_RDONLY);
    char *shared = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 0);
    char *priv = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0);
    CHECK(shared != MAP_FAILED && priv != MAP_FAILED, "mmap %s", path);
    pid_t pid = traced_child(idle_body);
    errno = 0;
    CHECK(ptrace(PTRACE_POKEDATA, pid, (void *)shared, (void *)0x42424242) == -1 && errno == EIO,
          "POKEDATA into a read-only shared file mapping: errno %d", errno);
    CHECK(ptrace(PTRACE_POKEDATA, pid, (void *)priv, (void *)0x43434343) == 0,
          "POKEDATA into a read-only private file mapping: %s", strerror(errno));
    errno = 0;
    long w = ptrace(PTRACE_PEEKDATA, pid, (void *)priv, 0);
    CHECK(errno == 0 && (unsigned long)w == 0x43434343, "PEEKDATA of the private copy: %#lx", w);
    ptrace(PTRACE_CONT, pid, 0, 0);
    wait_for(pid);
    char now[4];
    CHECK(pread(fd, now, 4, 0) == 4 && !memcmp(now, "AAAA", 4) && shared[0] == 'A' && priv[0] == 'A',
          "the file changed through ptrace: %.4s", now);
    munmap(shared, 4096);
    munmap(priv, 4096);
    close(fd);
    unlink(path);
}

static void test_memory_and_regs(void)
{
    pid_t pid = traced_child(memory_body);
    errno = 0;
    long w = ptrace(PTRACE_PEEKDATA, pid, (void *)&shared_word, 0);
    CHECK(errno == 0 && (unsigned long)w == 0x11223344, "PEEKDATA: %#lx (%s)", w, strerror(errno));
    CHECK(ptrace(PTRACE_POKEDATA, pid, (void *)&shared_word, (void *)0x55667788) == 0, "POKEDATA: %s",
          strerror(errno));
    errno = 0;
    w = ptrace(PTRACE_PEEKTEXT, pid, (void *)landing, 0);
    CHECK(errno == 0 && memcmp(&w, (void *)landing, 4) == 0, "PEEKTEXT of code: %#lx", w);
    CHECK(shared_word == 0x11223344, "POKEDATA changed the tracer's copy");
    errno = 0;
    CHECK(ptrace(PTRACE_PEEKDATA, pid, (void *)0, 0) == -1 && errno == EIO, "PEEKDATA at 0: errno %d", errno);
    CHECK(ptrace(PTRACE_POKEDATA, pid, (void *)0, 0) == -1 && errno == EIO, "POKEDATA at 0: errno %d", errno);
    struct user_regs_struct r;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0, "GETREGS: %s", strerror(errno));
    errno = 0;
    long ip = ptrace(PTRACE_PEEKUSER, pid, (void *)(12 * 4), 0);
    CHECK(errno == 0 && (unsigned long)ip == (unsigned long)r.eip, "PEEKUSER eip %#lx, GETREGS %#lx", ip, r.eip);
    CHECK((r.xcs & 3) == 3 && (r.xss & 3) == 3 && (r.xds & 0xffff0000) == 0, "segments cs %#lx ss %#lx ds %#lx",
          r.xcs, r.xss, r.xds);
    errno = 0;
    CHECK(ptrace(PTRACE_PEEKUSER, pid, (void *)2, 0) == -1 && errno == EIO, "PEEKUSER at 2: errno %d", errno);
    CHECK(ptrace(PTRACE_PEEKUSER, pid, (void *)4096, 0) == -1 && errno == EIO, "PEEKUSER past struct user: %d",
          errno);
    errno = 0;
    CHECK(ptrace(PTRACE_PEEKUSER, pid, (void *)offsetof(struct user, u_debugreg), 0) == 0 && errno == 0,
          "PEEKUSER dr0: errno %d", errno);
    struct user_fpregs_struct fp;
    CHECK(ptrace(PTRACE_GETFPREGS, pid, 0, &fp) == 0 && (fp.cwd & 0xffff) == 0x37f,
          "GETFPREGS: cwd %#lx (%s)", fp.cwd, strerror(errno));
    struct user_fpxregs_struct fpx;
    CHECK(ptrace(PTRACE_GETFPXREGS, pid, 0, &fpx) == 0 && fpx.cwd == 0x37f && fpx.mxcsr == 0x1f80,
          "GETFPXREGS: cwd %#x mxcsr %#lx (%s)", fpx.cwd, fpx.mxcsr, strerror(errno));
    CHECK(ptrace(PTRACE_SETFPREGS, pid, 0, &fp) == 0, "SETFPREGS: %s", strerror(errno));
    struct {
        unsigned entry, base, limit, flags;
    } desc = {0, 0, 0, 0};
    unsigned idx = (r.xgs & 0xffff) >> 3;
    if (idx != 0) {
        CHECK(ptrace(PTRACE_GET_THREAD_AREA, pid, (void *)idx, &desc) == 0 && desc.entry == idx && desc.base != 0,
              "GET_THREAD_AREA %u: entry %u base %#x (%s)", idx, desc.entry, desc.base, strerror(errno));
    }
    CHECK(ptrace(PTRACE_GET_THREAD_AREA, pid, (void *)1, &desc) == -1 && errno == EINVAL,
          "GET_THREAD_AREA 1: errno %d", errno);
    struct iovec iov = {&r, sizeof r};
    CHECK(ptrace(PTRACE_GETREGSET, pid, (void *)NT_PRSTATUS, &iov) == 0 && iov.iov_len == sizeof r &&
              (unsigned long)r.eip == (unsigned long)ip,
          "GETREGSET NT_PRSTATUS: len %zu (%s)", iov.iov_len, strerror(errno));
    errno = 0;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, (void *)1) == -1 && errno == EFAULT, "GETREGS to 1: errno %d", errno);
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0, "CONT: %s", strerror(errno));
    int st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "POKEDATA not seen by the tracee: status %#x", st);

    /* SETREGS: send the tracee elsewhere; a bad CS is EIO. */
    pid = traced_child(regs_body);
    ptrace(PTRACE_GETREGS, pid, 0, &r);
    struct user_regs_struct bad = r;
    bad.xcs = 0;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &bad) == -1 && errno == EIO, "SETREGS with CS 0: errno %d", errno);
    bad = r;
    bad.xds = 0x1234; /* RPL 0 */
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &bad) == -1 && errno == EIO, "SETREGS with DS RPL 0: errno %d", errno);
    r.eip = (long)landing;
    r.esp = (r.esp & ~15UL) - 4;
    CHECK(ptrace(PTRACE_SETREGS, pid, 0, &r) == 0, "SETREGS: %s", strerror(errno));
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 77, "SETREGS'd tracee: status %#x, want exit 77", st);
}

/* --- single-step --- */

extern char ss_code[], ss_after_nops[], ss_after_mov[], ss_after_int80[];
__asm__(".text\n"
        "ss_code: nop\n"
        "nop\n"
        "ss_after_nops: movl $20, %eax\n" /* getpid */
        "ss_after_mov: int $0x80\n"
        "ss_after_int80: movl $33, %ebx\n"
        "movl $252, %eax\n" /* exit_group(33) */
        "int $0x80\n");

static int step_body(void)
{
    return 9; /* never: the tracer sends it to ss_code */
}

static unsigned long vsys_ret;
static int vsys_body(void)
{
    void *vs = (void *)getauxval(AT_SYSINFO);
    long r;
    __asm__ volatile("movl $20, %%eax\n"
                     "call *%1\n"
                     ".globl vsys_back\n"
                     "vsys_back: nop\n"
                     : "=&a"(r)
                     : "r"(vs)
                     : "memory", "cc");
    return r == getpid() ? 0 : 1;
}
extern char vsys_back[];

static void test_singlestep(void)
{
    pid_t pid = traced_child(step_body);
    struct user_regs_struct r;
    ptrace(PTRACE_GETREGS, pid, 0, &r);
    r.eip = (long)ss_code;
    ptrace(PTRACE_SETREGS, pid, 0, &r);
    char *want[] = {ss_code + 1, ss_after_nops, ss_after_mov, ss_after_int80};
    for (int i = 0; i < 4; i++) {
        CHECK(ptrace(PTRACE_SINGLESTEP, pid, 0, 0) == 0, "SINGLESTEP %d: %s", i, strerror(errno));
        int st = wait_for(pid);
        CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP, "step %d: status %#x", i, st);
        ptrace(PTRACE_GETREGS, pid, 0, &r);
        CHECK((unsigned long)r.eip == (unsigned long)want[i], "step %d: eip %#lx, want %p", i, r.eip, (void *)want[i]);
        if (i == 3)
            CHECK((long)r.eax == pid, "after stepping int $0x80: eax %ld, want %d", (long)r.eax, pid);
        CHECK(!(r.eflags & 0x100), "step %d: TF shows in eflags %#lx", i, r.eflags);
    }
    ptrace(PTRACE_CONT, pid, 0, 0);
    int st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 33, "stepped tracee: status %#x, want exit 33", st);

    /* Through __kernel_vsyscall (sysenter here) and back. */
    if (!getauxval(AT_SYSINFO))
        return;
    pid = traced_child(vsys_body);
    int steps = 0;
    for (; steps < 5000; steps++) {
        if (ptrace(PTRACE_SINGLESTEP, pid, 0, 0) != 0)
            break;
        st = wait_for(pid);
        if (!WIFSTOPPED(st) || WSTOPSIG(st) != SIGTRAP)
            break;
        ptrace(PTRACE_GETREGS, pid, 0, &r);
        if ((unsigned long)r.eip == (unsigned long)vsys_back)
            break;
    }
    CHECK((unsigned long)r.eip == (unsigned long)vsys_back && (long)r.eax == pid,
          "stepping through __kernel_vsyscall: stopped at %#lx after %d steps, eax %ld", r.eip, steps, (long)r.eax);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "vsyscall-stepped tracee: status %#x", st);
    (void)vsys_ret;
}

/* --- signals --- */

static volatile int got1, got2;
static void on_usr1(int s)
{
    (void)s;
    got1++;
}
static void on_usr2(int s)
{
    (void)s;
    got2++;
}

static int signal_body(void)
{
    signal(SIGUSR1, on_usr1);
    signal(SIGUSR2, on_usr2);
    signal(SIGWINCH, SIG_IGN);
    raise(SIGUSR1); /* suppressed */
    raise(SIGUSR1); /* becomes SIGUSR2 */
    raise(SIGWINCH); /* ignored, yet the tracer sees it */
    return got1 * 10 + got2;
}

static void test_signals(void)
{
    pid_t pid = traced_child(signal_body);
    ptrace(PTRACE_CONT, pid, 0, 0);
    int st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1, "first stop: status %#x, want SIGUSR1", st);
    siginfo_t si;
    CHECK(ptrace(PTRACE_GETSIGINFO, pid, 0, &si) == 0 && si.si_signo == SIGUSR1 && si.si_code == SI_TKILL &&
              si.si_pid == pid,
          "GETSIGINFO: signo %d code %d pid %d", si.si_signo, si.si_code, si.si_pid);
    ptrace(PTRACE_CONT, pid, 0, 0); /* suppress */
    st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1, "second stop: status %#x, want SIGUSR1", st);
    errno = 0;
    CHECK(ptrace(PTRACE_CONT, pid, 0, 100) == -1 && errno == EIO, "CONT with signal 100: errno %d", errno);
    ptrace(PTRACE_CONT, pid, 0, SIGUSR2); /* replace */
    st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGWINCH, "ignored signal: status %#x, want a SIGWINCH stop", st);
    ptrace(PTRACE_CONT, pid, 0, SIGWINCH);
    st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 1, "signal tracee: status %#x, want exit 1 (USR1 x0, USR2 x1)", st);
}

/* Single-stepping into a handler stops at its first instruction. */
static void step_handler(int s)
{
    (void)s;
    got1 = 7;
}

static int step_signal_body(void)
{
    signal(SIGUSR1, step_handler);
    raise(SIGUSR1);
    return got1;
}

static void test_step_into_handler(void)
{
    pid_t pid = traced_child(step_signal_body);
    ptrace(PTRACE_CONT, pid, 0, 0);
    int st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGUSR1, "handler test: status %#x, want SIGUSR1", st);
    CHECK(ptrace(PTRACE_SINGLESTEP, pid, 0, SIGUSR1) == 0, "SINGLESTEP with SIGUSR1: %s", strerror(errno));
    st = wait_for(pid);
    struct user_regs_struct r;
    ptrace(PTRACE_GETREGS, pid, 0, &r);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && (unsigned long)r.eip == (unsigned long)step_handler,
          "step into a handler: status %#x eip %#lx, want SIGTRAP at %p", st, (unsigned long)r.eip,
          (void *)step_handler);
    CHECK(!(r.eflags & 0x100), "TF in the handler: eflags %#lx", (unsigned long)r.eflags);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 7, "stepped-into handler ran: status %#x, want exit 7", st);
}

/* --- SEIZE and INTERRUPT --- */

static void test_seize(void)
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        for (volatile unsigned long n = 0;; n++)
            ;
    }
    CHECK(ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESYSGOOD) == 0, "SEIZE: %s", strerror(errno));
    int st = 0;
    CHECK(waitpid(pid, &st, WNOHANG | __WALL) == 0, "seized task stopped (status %#x)", st);
    errno = 0;
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == -1 && errno == ESRCH, "CONT on a running tracee: errno %d", errno);
    CHECK(ptrace(PTRACE_SEIZE, pid, 0, 0) == -1 && errno == EPERM, "second SEIZE: errno %d", errno);
    CHECK(ptrace(PTRACE_INTERRUPT, pid, 0, 0) == 0, "INTERRUPT: %s", strerror(errno));
    st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && EV(st) == PTRACE_EVENT_STOP,
          "INTERRUPT stop: status %#x", st);
    struct user_regs_struct r;
    CHECK(ptrace(PTRACE_GETREGS, pid, 0, &r) == 0, "GETREGS after INTERRUPT: %s", strerror(errno));
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == 0, "CONT after INTERRUPT: %s", strerror(errno));
    CHECK(ptrace(PTRACE_KILL, pid, 0, 0) == 0, "KILL: %s", strerror(errno));
    st = wait_for(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "killed tracee: status %#x", st);
}

/* --- fork following --- */

static int fork_body(void)
{
    pid_t g = fork();
    if (g == 0)
        _exit(5);
    int st = 0;
    if (waitpid(g, &st, 0) != g)
        return 1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 5 ? 0 : 2;
}

static void test_fork(void)
{
    pid_t pid = traced_child(fork_body);
    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEFORK) == 0, "SETOPTIONS: %s", strerror(errno));
    ptrace(PTRACE_CONT, pid, 0, 0);
    int st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && EV(st) == PTRACE_EVENT_FORK, "fork event: status %#x", st);
    unsigned long g = 0;
    ptrace(PTRACE_GETEVENTMSG, pid, 0, &g);
    CHECK(g > 0, "fork event message: %lu", g);
    st = wait_for(g);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "auto-attached grandchild: status %#x", st);
    CHECK(ptrace(PTRACE_CONT, g, 0, 0) == 0, "CONT grandchild: %s", strerror(errno));
    st = wait_for(g);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 5, "grandchild's exit to its tracer: status %#x", st);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_for(pid);
    /* Its SIGCHLD passes through the tracer. */
    for (int i = 0; i < 5 && WIFSTOPPED(st) && WSTOPSIG(st) == SIGCHLD; i++) {
        ptrace(PTRACE_CONT, pid, 0, SIGCHLD);
        st = wait_for(pid);
    }
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "child's own wait for the grandchild: status %#x", st);
}

/* --- vfork and exit events --- */

static int vfork_body(void)
{
    pid_t g = vfork();
    if (g == 0)
        _exit(6);
    int st = 0;
    if (waitpid(g, &st, 0) != g)
        return 1;
    return WIFEXITED(st) && WEXITSTATUS(st) == 6 ? 0 : 2;
}

static void test_vfork_exit(void)
{
    pid_t pid = traced_child(vfork_body);
    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, PTRACE_O_TRACEVFORK | PTRACE_O_TRACEEXIT) == 0, "SETOPTIONS: %s",
          strerror(errno));
    ptrace(PTRACE_CONT, pid, 0, 0);
    int st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && EV(st) == PTRACE_EVENT_VFORK, "vfork event: status %#x", st);
    unsigned long g = 0, msg = 0;
    ptrace(PTRACE_GETEVENTMSG, pid, 0, &g);
    st = wait_for(g);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "vfork child: status %#x", st);
    ptrace(PTRACE_CONT, g, 0, 0);
    st = wait_for(g);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGTRAP && EV(st) == PTRACE_EVENT_EXIT, "exit event: status %#x", st);
    CHECK(ptrace(PTRACE_GETEVENTMSG, g, 0, &msg) == 0 && msg == 6 << 8, "exit event message %#lx, want 0x600", msg);
    ptrace(PTRACE_CONT, g, 0, 0);
    st = wait_for(g);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 6, "vfork child's exit: status %#x", st);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_for(pid);
    for (int i = 0; i < 5 && WIFSTOPPED(st) && WSTOPSIG(st) == SIGCHLD; i++) {
        ptrace(PTRACE_CONT, pid, 0, SIGCHLD);
        st = wait_for(pid);
    }
    CHECK(WIFSTOPPED(st) && EV(st) == PTRACE_EVENT_EXIT, "parent's exit event: status %#x", st);
    ptrace(PTRACE_CONT, pid, 0, 0);
    st = wait_for(pid);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "vfork parent: status %#x", st);
}

/* --- EXITKILL --- */

static void test_exitkill(void)
{
    fflush(stdout);
    pid_t victim = fork();
    if (victim == 0) {
        for (;;)
            pause();
    }
    int p[2];
    if (pipe(p) != 0)
        return;
    pid_t tracer = fork();
    if (tracer == 0) {
        char ok = ptrace(PTRACE_SEIZE, victim, 0, PTRACE_O_EXITKILL) == 0 ? 'y' : 'n';
        if (write(p[1], &ok, 1) != 1)
            _exit(2);
        _exit(0);
    }
    char ok = 0;
    CHECK(read(p[0], &ok, 1) == 1 && ok == 'y', "SEIZE with EXITKILL failed");
    int st = wait_for(tracer);
    CHECK(WIFEXITED(st), "tracer: status %#x", st);
    st = wait_for(victim);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "EXITKILL: victim status %#x, want SIGKILL", st);
    close(p[0]);
    close(p[1]);
}

/* --- errors --- */

static int sleeper(void)
{
    for (;;)
        pause();
    return 0;
}

static void test_errors(void)
{
    errno = 0;
    CHECK(ptrace(PTRACE_ATTACH, getpid(), 0, 0) == -1 && errno == EPERM, "ATTACH to self: errno %d", errno);
    CHECK(ptrace(PTRACE_CONT, 999999, 0, 0) == -1 && errno == ESRCH, "CONT on no pid: errno %d", errno);
    CHECK(ptrace(PTRACE_ATTACH, -5, 0, 0) == -1 && errno == ESRCH, "ATTACH -5: errno %d", errno);
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0)
        _exit(sleeper());
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == -1 && errno == ESRCH, "CONT on an untraced child: errno %d", errno);
    CHECK(ptrace(PTRACE_SEIZE, pid, (void *)1, 0) == -1 && errno == EIO, "SEIZE with addr 1: errno %d", errno);
    CHECK(ptrace(PTRACE_SEIZE, pid, 0, (void *)0x8000) == -1 && errno == EIO, "SEIZE with bad options: errno %d",
          errno);
    CHECK(ptrace(PTRACE_ATTACH, pid, 0, 0) == 0, "ATTACH: %s", strerror(errno));
    int st = wait_for(pid);
    CHECK(WIFSTOPPED(st) && WSTOPSIG(st) == SIGSTOP, "ATTACH stop: status %#x", st);
    CHECK(ptrace(PTRACE_SETOPTIONS, pid, 0, (void *)0x800000) == -1 && errno == EINVAL,
          "SETOPTIONS bad: errno %d", errno);
    CHECK(ptrace(0x7777, pid, 0, 0) == -1 && errno == EIO, "unknown request: errno %d", errno);
    CHECK(ptrace(PTRACE_INTERRUPT, pid, 0, 0) == -1 && errno == EIO, "INTERRUPT without SEIZE: errno %d", errno);
    /* Another user may not trace it, nor anything of root's. */
    fflush(stdout);
    pid_t other = fork();
    if (other == 0) {
        if (setuid(65534) != 0)
            _exit(3);
        int r = ptrace(PTRACE_ATTACH, getppid(), 0, 0) == -1 && errno == EPERM ? 0 : 1;
        _exit(r);
    }
    st = wait_for(other);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "another user's ATTACH: status %#x, want EPERM", st);
    CHECK(ptrace(PTRACE_DETACH, pid, 0, 0) == 0, "DETACH: %s", strerror(errno));
    CHECK(ptrace(PTRACE_CONT, pid, 0, 0) == -1 && errno == ESRCH, "CONT after DETACH: errno %d", errno);
    kill(pid, SIGKILL);
    st = wait_for(pid);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL, "detached child: status %#x", st);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "exit42") == 0)
        return 42;
    self = argv[0];
    setvbuf(stdout, NULL, _IONBF, 0);
    test_exec();
    test_syscalls();
    test_memory_and_regs();
    test_poke_readonly_maps();
    test_singlestep();
    test_signals();
    test_step_into_handler();
    test_seize();
    test_fork();
    test_vfork_exit();
    test_exitkill();
    test_errors();
    if (failures == 0)
        printf("ptrace: all ok\n");
    return failures != 0;
}

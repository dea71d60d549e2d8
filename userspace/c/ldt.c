/* The LDT as Linux 6.1 keeps it (arch/x86/kernel/ldt.c) and sigreturn's
 * segment registers: modify_ldt's read (0), write-old (1), read-default (2)
 * and write (0x11) with their errors; an LDT selector loaded into FS, ES,
 * SS and CS and used; limits (LSL) and access rights (LAR); AVL kept by 0x11 and
 * dropped by 1; a removed entry under a loaded ES becomes the null
 * selector on the way back from the system call; the LDT shared with a
 * thread, copied by fork (the child's changes stay its own) and gone after
 * exec; sigreturn loading FS/CS/SS from the frame, a bad FS becoming null,
 * and a bad SS killing the process (SIGILL on an i386 kernel, as Linux's
 * iret_error; SIGSEGV on an x86-64 one), also (i386 kernels only) when
 * set_thread_area clears the TLS slot SS is on. Prints `FAIL: ...` for each
 * broken check and `ldt: all ok`. Validated on Linux (both libcs).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/ucontext.h>
#include <sys/utsname.h>
#include <ucontext.h>
#include "test_common.h"

/* struct user_desc (asm/ldt.h), spelled out so both libcs agree. */
struct udesc {
    unsigned entry_number, base_addr, limit;
    unsigned seg_32bit : 1, contents : 2, read_exec_only : 1, limit_in_pages : 1,
        seg_not_present : 1, useable : 1;
};

#define LDT_SEL(i) ((unsigned short)(((i) << 3) | 7))

static long modify_ldt(int func, void *p, unsigned long n)
{
    return syscall(SYS_modify_ldt, func, p, n);
}

static int write_entry(int func, unsigned idx, unsigned base, unsigned limit, int contents,
                       int is32, int pages, int avl)
{
    struct udesc d = {idx, base, limit, is32, contents, 0, pages, 0, avl};
    return modify_ldt(func, &d, sizeof d);
}

/* LAR: the access rights, or -1 if the selector is not valid. */
static long lar(unsigned short sel)
{
    unsigned ar = 0, ok = 0;
    __asm__ volatile("lar %k2, %0\n\tjnz 1f\n\tmovl $1, %1\n1:" : "=r"(ar), "+r"(ok) : "r"((unsigned)sel));
    return ok ? (long)ar : -1;
}

static int i386_kernel(void)
{
    struct utsname u;
    return uname(&u) == 0 && strcmp(u.machine, "x86_64") != 0;
}

static volatile unsigned target = 0x1337f00d;

static unsigned fs_word(unsigned off)
{
    unsigned v;
    __asm__ volatile("movl %%fs:(%1), %0" : "=r"(v) : "r"(off));
    return v;
}

static unsigned short get_fs(void)
{
    unsigned short s;
    __asm__ volatile("mov %%fs, %0" : "=r"(s));
    return s;
}

/* LSL: the segment limit, or -1 if the selector is not valid. (The limit
 * is checked by LSL, not by a read past it: QEMU's TCG does not enforce
 * data segment limits, on Linux as here.) */
static long long lsl(unsigned short sel)
{
    unsigned lim = 0, ok = 0;
    __asm__ volatile("lsl %k2, %0\n\tjnz 1f\n\tmovl $1, %1\n1:" : "=r"(lim), "+r"(ok) : "r"((unsigned)sel));
    return ok ? (long long)lim : -1;
}

/* The child keeps entry 0 (copied), then clears its own copy. */
static int child_sees_copy(void)
{
    if (lar(LDT_SEL(0)) < 0)
        return 1;
    __asm__ volatile("mov %0, %%fs" ::"r"(LDT_SEL(0)));
    unsigned v = fs_word(0);
    __asm__ volatile("mov %0, %%fs" ::"r"(0));
    if (v != target)
        return 2;
    if (write_entry(0x11, 0, 0, 0, 0, 0, 0, 0) != 0) /* all zero: LDT_zero is not "empty" for 0x11 */
        return 3;
    struct udesc e = {0, 0, 0, 0, 0, 1, 0, 1, 0}; /* LDT_empty */
    if (modify_ldt(0x11, &e, sizeof e) != 0 || lar(LDT_SEL(0)) >= 0)
        return 4;
    return 0;
}

static void *thread_writes(void *arg)
{
    (void)arg;
    return (void *)(long)write_entry(0x11, 2, 0, 0xfffff, 0, 1, 1, 0);
}

/* sigreturn: the handler puts the selectors it is told into the frame. */
static volatile int set_fs = -1, set_cs = -1, set_ss = -1;

static void edit_frame(int sig, siginfo_t *si, void *ctx)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ctx;
    if (set_fs >= 0)
        uc->uc_mcontext.gregs[REG_FS] = set_fs;
    if (set_cs >= 0)
        uc->uc_mcontext.gregs[REG_CS] = set_cs;
    if (set_ss >= 0)
        uc->uc_mcontext.gregs[REG_SS] = set_ss;
}

static int bad_ss_sigreturn(void)
{
    set_fs = set_cs = -1;
    set_ss = LDT_SEL(100); /* beyond the table */
    raise(SIGUSR1);
    return 0; /* not reached */
}

/* SS on a TLS slot that set_thread_area then clears: iret cannot load it. */
static int ss_on_cleared_tls(void)
{
    struct udesc t = {(unsigned)-1, 0, 0xfffff, 1, 0, 0, 1, 0, 0};
    if (syscall(SYS_set_thread_area, &t) != 0)
        return 1;
    unsigned short sel = (unsigned short)(t.entry_number << 3 | 3);
    struct udesc z = {t.entry_number, 0, 0, 0, 0, 1, 0, 1, 0}; /* LDT_empty */
    long r;
    /* By int $0x80, which saves SS (sysenter does not: its entry assumes
     * the flat one, on Linux as here). */
    __asm__ volatile("mov %w1, %%ss\n\tint $0x80" : "=a"(r) : "r"(sel), "0"(SYS_set_thread_area), "b"(&z) : "memory");
    return 2; /* not reached */
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "after-exec") == 0) {
        /* exec dropped the LDT. */
        char buf[16];
        memset(buf, 0xff, sizeof buf);
        long r = modify_ldt(0, buf, sizeof buf);
        return r == 0 && lar(LDT_SEL(0)) < 0 ? 0 : 1;
    }
    unsigned char buf[256];

    /* No LDT yet: read returns 0; the default LDT reads as zeros. */
    CHECK(modify_ldt(0, buf, sizeof buf) == 0, "read of no LDT");
    memset(buf, 0xff, sizeof buf);
    long r = modify_ldt(2, buf, 100);
    /* i386: five descriptors (40 bytes); x86-64 kernels: 128. */
    CHECK(r == 40 || r == 100, "read default: %ld", r);
    for (long i = 0; i < r && i < 100; i++)
        CHECK(buf[i] == 0, "default LDT byte %ld = %d", i, buf[i]);

    /* Errors. */
    struct udesc d = {0, (unsigned)(uintptr_t)&target, 3, 1, 0, 0, 0, 0, 0};
    errno = 0;
    CHECK(modify_ldt(0x11, &d, sizeof d - 1) == -1 && errno == EINVAL, "short user_desc: %d", errno);
    d.entry_number = 8192;
    errno = 0;
    CHECK(modify_ldt(0x11, &d, sizeof d) == -1 && errno == EINVAL, "entry 8192: %d", errno);
    d.entry_number = 0;
    d.contents = 3; /* conforming code: only if not present */
    errno = 0;
    CHECK(modify_ldt(0x11, &d, sizeof d) == -1 && errno == EINVAL, "present conforming: %d", errno);
    errno = 0;
    d.seg_not_present = 1;
    CHECK(modify_ldt(1, &d, sizeof d) == -1 && errno == EINVAL, "old-mode conforming: %d", errno);
    CHECK(modify_ldt(0x11, &d, sizeof d) == 0, "not-present conforming: %d", errno);
    errno = 0;
    CHECK(modify_ldt(3, &d, sizeof d) == -1 && errno == ENOSYS, "func 3: %d", errno);
    errno = 0;
    CHECK(modify_ldt(0x11, (void *)16, sizeof d) == -1 && errno == EFAULT, "bad pointer: %d", errno);

    /* Entry 0: 4 bytes at &target, read through FS. */
    CHECK(write_entry(0x11, 0, (unsigned)(uintptr_t)&target, 3, 0, 1, 0, 0) == 0, "write entry 0: %d", errno);
    long ar = lar(LDT_SEL(0));
    /* P, DPL 3, S, RW data, accessed; 32-bit. */
    CHECK(ar >= 0 && (ar & 0x00f0ff00) == 0x0040f300, "entry 0 AR %lx", ar);
    __asm__ volatile("mov %0, %%fs" ::"r"(LDT_SEL(0)));
    unsigned v = fs_word(0);
    CHECK(getpid() > 0 && get_fs() == LDT_SEL(0), "FS after a system call: %x", get_fs());
    __asm__ volatile("mov %0, %%fs" ::"r"(0));
    CHECK(v == target, "read through the LDT: %x", v);
    CHECK(lsl(LDT_SEL(0)) == 3, "entry 0 limit %lld", lsl(LDT_SEL(0)));
    int st;

    /* The table as modify_ldt(0) reads it: entry 0's 8 bytes, zero-filled. */
    uint32_t t[8];
    memset(t, 0xff, sizeof t);
    r = modify_ldt(0, t, sizeof t);
    CHECK(r == sizeof t, "read: %ld", r);
    unsigned b = (unsigned)(uintptr_t)&target;
    CHECK(t[0] == ((b & 0xffff) << 16 | 3), "entry 0 low %08x", t[0]);
    CHECK(t[1] == (((b >> 16) & 0xff) | 0xf300 | 0x400000 | (b & 0xff000000)), "entry 0 high %08x", t[1]);
    CHECK(t[2] == 0 && t[3] == 0, "entry 1 not zero");
    CHECK(t[6] == 0 && t[7] == 0, "zero fill");
    errno = 0;
    CHECK(modify_ldt(0, (void *)16, 8) == -1 && errno == EFAULT, "read to a bad pointer: %d", errno);

    /* AVL: kept by 0x11, dropped by the old mode (1). */
    CHECK(write_entry(0x11, 1, 0, 0xfffff, 0, 1, 1, 1) == 0, "entry 1");
    ar = lar(LDT_SEL(1));
    CHECK(ar >= 0 && (ar & 0x00f0ff00) == 0x00d0f300, "AVL, G: AR %lx", ar);
    CHECK(lsl(LDT_SEL(1)) == 0xffffffffLL, "page-granular limit %llx", lsl(LDT_SEL(1)));
    CHECK(write_entry(1, 1, 0, 0xfffff, 0, 1, 1, 1) == 0, "entry 1, old mode");
    ar = lar(LDT_SEL(1));
    CHECK(ar >= 0 && (ar & 0x00f0ff00) == 0x00c0f300, "old mode drops AVL: AR %lx", ar);
    /* 16-bit code (espfix makes 16-bit segments safe). */
    CHECK(write_entry(0x11, 4, 0, 0xffff, 2, 0, 0, 0) == 0, "16-bit code: %d", errno);
    ar = lar(LDT_SEL(4));
    CHECK(ar >= 0 && (ar & 0x00f0ff00) == 0x0000fb00, "16-bit code AR %lx", ar);
    /* Old mode: base and limit 0 clear the entry. */
    CHECK(write_entry(1, 4, 0, 0, 2, 1, 0, 0) == 0 && lar(LDT_SEL(4)) < 0, "old-mode clear");

    /* A removed entry under a loaded ES: the null selector on return. */
    unsigned short es_after = 0xffff, sel = LDT_SEL(0);
    struct udesc empty = {0, 0, 0, 0, 0, 1, 0, 1, 0};
    long sr;
    __asm__ volatile("push %%es\n\t"
                     "mov %w[sel], %%es\n\t"
                     "int $0x80\n\t"
                     "mov %%es, %w[out]\n\t"
                     "pop %%es"
                     : "=a"(sr), [out] "=r"(es_after)
                     : "0"(SYS_modify_ldt), "b"(0x11), "c"(&empty), "d"(sizeof empty), [sel] "r"(sel)
                     : "memory");
    CHECK(sr == 0, "clear entry 0: %ld", sr);
    CHECK(es_after == 0, "ES on a removed entry: %x", es_after);
    CHECK(write_entry(0x11, 0, (unsigned)(uintptr_t)&target, 3, 0, 1, 0, 0) == 0, "entry 0 again");

    /* Threads share the LDT. */
    pthread_t th;
    void *tr = (void *)1;
    CHECK(pthread_create(&th, NULL, thread_writes, NULL) == 0 && pthread_join(th, &tr) == 0, "thread");
    CHECK(tr == NULL && lar(LDT_SEL(2)) >= 0, "entry the thread wrote: %p", tr);

    /* fork copies it; the child's changes stay in the child. */
    st = in_child(child_sees_copy);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "fork: child status %x", st);
    CHECK(lar(LDT_SEL(0)) >= 0, "the child's clear reached the parent");

    /* exec drops it. */
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        char *av[] = {argv[0], "after-exec", NULL};
        execv(argv[0], av);
        execv("/proc/self/exe", av);
        _exit(127);
    }
    st = 0;
    waitpid(pid, &st, 0);
    CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "exec: child status %x", st);

    /* sigreturn loads the frame's selectors. */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = edit_frame;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    set_fs = LDT_SEL(0);
    raise(SIGUSR1);
    unsigned short fs = get_fs();
    v = fs == LDT_SEL(0) ? fs_word(0) : 0;
    __asm__ volatile("mov %0, %%fs" ::"r"(0));
    CHECK(fs == LDT_SEL(0) && v == target, "sigreturn to an LDT FS: %x, %x", fs, v);
    set_fs = LDT_SEL(100); /* cannot be loaded: the null selector */
    raise(SIGUSR1);
    fs = get_fs();
    CHECK(fs == 0, "sigreturn to a bad FS: %x", fs);
    set_fs = -1;

    /* CS and SS from the LDT: flat 32-bit code (entry 3) and data (2). */
    unsigned short cs0, ss0, cs1, ss1;
    __asm__ volatile("mov %%cs, %0\n\tmov %%ss, %1" : "=r"(cs0), "=r"(ss0));
    CHECK(write_entry(0x11, 3, 0, 0xfffff, 2, 1, 1, 0) == 0, "code entry");
    set_cs = LDT_SEL(3);
    set_ss = LDT_SEL(2);
    raise(SIGUSR1);
    __asm__ volatile("mov %%cs, %0\n\tmov %%ss, %1" : "=r"(cs1), "=r"(ss1));
    set_cs = set_ss = -1;
    CHECK(getpid() > 0, "a system call with LDT CS/SS");
    /* Back to the GDT's: SS by mov, CS by a far return. */
    __asm__ volatile("mov %0, %%ss" ::"r"(ss0));
    __asm__ volatile("pushl %0\n\tpushl $1f\n\tlret\n1:" ::"r"((unsigned)cs0) : "memory");
    CHECK(cs1 == LDT_SEL(3) && ss1 == LDT_SEL(2), "sigreturn to LDT CS/SS: %x %x", cs1, ss1);

    /* An SS that iret cannot load ends the process. */
    st = in_child(bad_ss_sigreturn);
    int want = i386_kernel() ? SIGILL : SIGSEGV;
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == want, "bad SS: status %x, want signal %d", st, want);

    /* 32-bit Linux reloads SS by iret, which faults (SIGILL); an x86-64
     * kernel may return keeping the cached SS, and the child lives on. */
    if (i386_kernel()) {
        st = in_child(ss_on_cleared_tls);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGILL, "SS on a cleared TLS slot: status %x", st);
    }

    if (!failures)
        printf("ldt: all ok\n");
    return failures != 0;
}

/* The vDSO's clocks and signal trampolines, the old signal calls, and CPU
 * affinity, as Linux 6.1's 32-bit vDSO and system calls behave:
 *   - __vdso_clock_gettime(64), __vdso_gettimeofday, __vdso_time and
 *     __vdso_clock_getres (version LINUX_2.6), found by parsing the vDSO
 *     the way a dynamic linker does, agree with the system calls: each
 *     clock read through the vDSO falls between two system-call reads, and
 *     an invalid clock is -EINVAL from both;
 *   - the vvar page is mapped read-only beside the vDSO ([vvar]);
 *   - a handler installed without SA_RESTORER returns through the vDSO's
 *     __kernel_rt_sigreturn / __kernel_sigreturn;
 *   - sigaction (67), signal (48), sigprocmask (126), sigpending (73);
 *   - sched_setaffinity, sched_getaffinity and getcpu on this machine.
 * Prints `FAIL: ...` for each broken check and `vdso_clock: all ok`.
 * Validated on Linux (both libcs).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "test_common.h"

/* The 32-bit-time calls by number: musl names them SYS_*32 or not at all. */
#define NR_time 13
#define NR_gettimeofday 78
#define NR_clock_gettime 265
#define NR_clock_getres 266
#define NR_clock_gettime64 403

struct ts32 { int32_t sec, nsec; };
struct ts64 { int64_t sec, nsec; };
struct tv32 { int32_t sec, usec; };

static uintptr_t vdso_base;

/* The address of `name` (with version `version`) in the vDSO, from its
 * dynamic symbol table (as tools/testing/selftests/vDSO/parse_vdso.c). */
static void *vdso_sym(const char *name, const char *version)
{
    Elf32_Ehdr *eh = (Elf32_Ehdr *)vdso_base;
    Elf32_Phdr *ph = (Elf32_Phdr *)(vdso_base + eh->e_phoff);
    Elf32_Dyn *dyn = 0;
    uintptr_t load_offset = 0;
    for (int i = 0; i < eh->e_phnum; i++) {
        if (ph[i].p_type == PT_LOAD)
            load_offset = vdso_base + ph[i].p_offset - ph[i].p_vaddr;
        else if (ph[i].p_type == PT_DYNAMIC)
            dyn = (Elf32_Dyn *)(vdso_base + ph[i].p_offset);
    }
    if (!dyn)
        return 0;
    Elf32_Sym *sym = 0;
    const char *str = 0;
    Elf32_Word *hash = 0;
    Elf32_Versym *versym = 0;
    Elf32_Verdef *verdef = 0;
    for (; dyn->d_tag != DT_NULL; dyn++) {
        uintptr_t p = dyn->d_un.d_ptr + load_offset;
        switch (dyn->d_tag) {
        case DT_SYMTAB: sym = (Elf32_Sym *)p; break;
        case DT_STRTAB: str = (const char *)p; break;
        case DT_HASH: hash = (Elf32_Word *)p; break;
        case DT_VERSYM: versym = (Elf32_Versym *)p; break;
        case DT_VERDEF: verdef = (Elf32_Verdef *)p; break;
        }
    }
    if (!sym || !str || !hash)
        return 0;
    for (Elf32_Word i = 0; i < hash[1]; i++) {
        if (strcmp(str + sym[i].st_name, name) != 0 || sym[i].st_shndx == SHN_UNDEF)
            continue;
        if (versym && verdef) {
            /* Find the version definition this symbol's index names. */
            Elf32_Verdef *d = verdef;
            const char *vname = 0;
            for (;;) {
                if ((d->vd_ndx & 0x7fff) == (versym[i] & 0x7fff)) {
                    Elf32_Verdaux *a = (Elf32_Verdaux *)((char *)d + d->vd_aux);
                    vname = str + a->vda_name;
                    break;
                }
                if (!d->vd_next)
                    break;
                d = (Elf32_Verdef *)((char *)d + d->vd_next);
            }
            if (!vname || strcmp(vname, version) != 0)
                continue;
        }
        return (void *)(sym[i].st_value + load_offset);
    }
    return 0;
}

typedef int (*gettime_t)(clockid_t, struct ts32 *);
typedef int (*gettime64_t)(clockid_t, struct ts64 *);
typedef int (*gettimeofday_t)(struct tv32 *, struct timezone *);
typedef long (*time_t_fn)(long *);
typedef int (*getres_t)(clockid_t, struct ts32 *);

static int ts_le(int64_t as, int64_t an, int64_t bs, int64_t bn)
{
    return as < bs || (as == bs && an <= bn);
}

static void check_clocks(void)
{
    gettime_t vgettime = (gettime_t)vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
    gettime64_t vgettime64 = (gettime64_t)vdso_sym("__vdso_clock_gettime64", "LINUX_2.6");
    gettimeofday_t vgtod = (gettimeofday_t)vdso_sym("__vdso_gettimeofday", "LINUX_2.6");
    time_t_fn vtime = (time_t_fn)vdso_sym("__vdso_time", "LINUX_2.6");
    getres_t vgetres = (getres_t)vdso_sym("__vdso_clock_getres", "LINUX_2.6");
    CHECK(vgettime && vgettime64 && vgtod && vtime && vgetres,
          "vDSO lacks a LINUX_2.6 clock function (%p %p %p %p %p)",
          (void *)vgettime, (void *)vgettime64, (void *)vgtod, (void *)vtime, (void *)vgetres);
    if (!(vgettime && vgettime64 && vgtod && vtime && vgetres))
        return;
    CHECK(!vdso_sym("__vdso_clock_gettime", "LINUX_2.5"), "__vdso_clock_gettime has version LINUX_2.5");

    int clocks[] = {0, 1, 2, 3, 4, 5, 6, 7, 11, 10, -1, INT_MAX, INT_MIN};
    for (unsigned i = 0; i < sizeof clocks / sizeof clocks[0]; i++) {
        int c = clocks[i];
        struct ts32 a, v, b;
        struct ts64 a64, v64, b64;
        errno = 0;
        long r = syscall(NR_clock_gettime, c, &a);
        if (r < 0) {
            int e = errno;
            CHECK(e == EINVAL, "clock_gettime(%d): errno %d, want EINVAL", c, e);
            CHECK(vgettime(c, &v) == -EINVAL, "__vdso_clock_gettime(%d) is not -EINVAL", c);
            CHECK(vgettime64(c, &v64) == -EINVAL, "__vdso_clock_gettime64(%d) is not -EINVAL", c);
            CHECK(vgetres(c, &v) == -EINVAL, "__vdso_clock_getres(%d) is not -EINVAL", c);
            continue;
        }
        int rv = vgettime(c, &v);
        syscall(NR_clock_gettime, c, &b);
        CHECK(rv == 0 && ts_le(a.sec, a.nsec, v.sec, v.nsec) && ts_le(v.sec, v.nsec, b.sec, b.nsec),
              "clock %d: syscall %d.%09d, vDSO %d.%09d (ret %d), syscall %d.%09d out of order",
              c, a.sec, a.nsec, v.sec, v.nsec, rv, b.sec, b.nsec);
        CHECK(v.nsec >= 0 && v.nsec < 1000000000, "clock %d: vDSO tv_nsec %d", c, v.nsec);
        syscall(NR_clock_gettime64, c, &a64);
        rv = vgettime64(c, &v64);
        syscall(NR_clock_gettime64, c, &b64);
        CHECK(rv == 0 && ts_le(a64.sec, a64.nsec, v64.sec, v64.nsec) && ts_le(v64.sec, v64.nsec, b64.sec, b64.nsec),
              "clock %d: clock_gettime64 through the vDSO out of order (ret %d)", c, rv);
        struct ts32 rs = {-1, -1}, rvd = {-2, -2};
        CHECK(syscall(NR_clock_getres, c, &rs) == 0 && vgetres(c, &rvd) == 0
              && rs.sec == rvd.sec && rs.nsec == rvd.nsec,
              "clock %d: clock_getres syscall %d.%09d, vDSO %d.%09d", c, rs.sec, rs.nsec, rvd.sec, rvd.nsec);
        CHECK(vgetres(c, NULL) == 0 && syscall(NR_clock_getres, c, NULL) == 0,
              "clock %d: clock_getres(NULL) fails", c);
        if (c == CLOCK_REALTIME_COARSE || c == CLOCK_MONOTONIC_COARSE)
            CHECK(rs.sec == 0 && rs.nsec >= 1000000 && rs.nsec <= 10000000,
                  "clock %d: coarse resolution %d ns is not a tick", c, rs.nsec);
        else
            CHECK(rs.sec == 0 && rs.nsec == 1, "clock %d: resolution %d.%09d, want 1 ns", c, rs.sec, rs.nsec);
    }

    /* A coarse clock is at most a tick (plus slack) behind its fine one. */
    struct ts64 fine, coarse;
    vgettime64(CLOCK_MONOTONIC_COARSE, &coarse);
    vgettime64(CLOCK_MONOTONIC, &fine);
    int64_t lag = (fine.sec - coarse.sec) * 1000000000LL + fine.nsec - coarse.nsec;
    CHECK(lag >= 0 && lag < 1000000000LL, "MONOTONIC_COARSE lags MONOTONIC by %lld ns", (long long)lag);

    struct tv32 t1, tv, t2;
    struct timezone tz1 = {-1, -1}, tz2 = {-2, -2};
    syscall(NR_gettimeofday, &t1, &tz1);
    int rv = vgtod(&tv, &tz2);
    syscall(NR_gettimeofday, &t2, NULL);
    CHECK(rv == 0 && ts_le(t1.sec, t1.usec, tv.sec, tv.usec) && ts_le(tv.sec, tv.usec, t2.sec, t2.usec),
          "gettimeofday through the vDSO out of order (ret %d)", rv);
    CHECK(tz1.tz_minuteswest == tz2.tz_minuteswest && tz1.tz_dsttime == tz2.tz_dsttime,
          "timezones differ: syscall %d/%d, vDSO %d/%d", tz1.tz_minuteswest, tz1.tz_dsttime,
          tz2.tz_minuteswest, tz2.tz_dsttime);
    CHECK(vgtod(NULL, NULL) == 0, "__vdso_gettimeofday(NULL, NULL) fails");

    long s1 = syscall(NR_time, NULL), vt = -1, vr = vtime(&vt), s2 = syscall(NR_time, NULL);
    CHECK(vr == vt && s1 <= vr && vr <= s2, "time: syscall %ld, vDSO %ld (stored %ld), syscall %ld", s1, vr, vt, s2);
    CHECK(vtime(NULL) >= s1, "__vdso_time(NULL) went back");
}

/* [vvar] is in /proc/self/maps, read-only, right below [vdso]. */
static uintptr_t vvar_start;
static int write_vvar(void)
{
    *(volatile int *)vvar_start = 1;
    return 0;
}

static void check_vvar(void)
{
    FILE *f = fopen("/proc/self/maps", "r");
    CHECK(f, "cannot open /proc/self/maps");
    if (!f)
        return;
    char line[256], perms[8] = "";
    unsigned long vvar_end = 0, vdso_start = 0, s, e;
    while (fgets(line, sizeof line, f)) {
        char p[8];
        if (sscanf(line, "%lx-%lx %7s", &s, &e, p) != 3)
            continue;
        if (strstr(line, "[vvar]")) {
            vvar_start = s;
            vvar_end = e;
            strcpy(perms, p);
        } else if (strstr(line, "[vdso]")) {
            vdso_start = s;
        }
    }
    fclose(f);
    CHECK(vvar_start && vdso_start == vdso_base, "no [vvar], or [vdso] not at AT_SYSINFO_EHDR");
    /* Linux keeps its vvar pages (four in 6.1, more since) below the vDSO. */
    CHECK(vvar_end <= vdso_start && vdso_start - vvar_start <= 8 * 4096,
          "[vvar] %#lx-%#lx is not just below [vdso] at %#lx", (unsigned long)vvar_start, vvar_end, vdso_start);
    CHECK(strcmp(perms, "r--p") == 0, "[vvar] is %s, want r--p", perms);
    if (vvar_start) {
        int st = in_child(write_vvar);
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "a write to [vvar] did not SIGSEGV (status %#x)", st);
    }
}

/* The kernel's struct sigaction for rt_sigaction and for sigaction (67). */
struct k_sigaction { void *handler; unsigned long flags; void *restorer; uint32_t mask[2]; };
struct old_sigaction { void *handler; uint32_t mask; unsigned long flags; void *restorer; };

static volatile sig_atomic_t runs;
static void *volatile ret_addr;
static volatile uint32_t mask_in_handler;

__attribute__((noinline)) static void on_sig(int sig)
{
    (void)sig;
    runs++;
    ret_addr = __builtin_return_address(0);
    uint32_t m = 0;
    syscall(SYS_sigprocmask, SIG_BLOCK, NULL, &m);
    mask_in_handler = m;
}

__attribute__((noinline)) static void on_siginfo(int sig, siginfo_t *si, void *uc)
{
    (void)si;
    (void)uc;
    on_sig(sig);
    ret_addr = __builtin_return_address(0);
}

static void check_restorer(void)
{
    void *rt = vdso_sym("__kernel_rt_sigreturn", "LINUX_2.5");
    void *plain = vdso_sym("__kernel_sigreturn", "LINUX_2.5");
    CHECK(rt && plain, "vDSO lacks __kernel_rt_sigreturn or __kernel_sigreturn");

    struct k_sigaction ka = {.handler = (void *)on_siginfo, .flags = SA_SIGINFO};
    CHECK(syscall(SYS_rt_sigaction, SIGUSR1, &ka, NULL, 8) == 0, "rt_sigaction without SA_RESTORER: errno %d", errno);
    runs = 0;
    raise(SIGUSR1);
    CHECK(runs == 1, "SA_SIGINFO handler without a restorer: ran %d times", (int)runs);
    CHECK(ret_addr == rt, "SA_SIGINFO handler returns to %p, not __kernel_rt_sigreturn %p", ret_addr, rt);

    struct old_sigaction oa = {.handler = (void *)on_sig, .mask = 1u << (SIGUSR2 - 1)}, back;
    CHECK(syscall(SYS_sigaction, SIGUSR1, &oa, NULL) == 0, "sigaction(67): errno %d", errno);
    runs = 0;
    raise(SIGUSR1);
    CHECK(runs == 1, "sigaction(67) handler without a restorer: ran %d times", (int)runs);
    CHECK(ret_addr == plain, "handler returns to %p, not __kernel_sigreturn %p", ret_addr, plain);
    CHECK(mask_in_handler == (1u << (SIGUSR1 - 1) | 1u << (SIGUSR2 - 1)),
          "mask in the handler %#x, want SIGUSR1|SIGUSR2", mask_in_handler);

    /* sigaction (67) reads back what rt_sigaction sees, and the reverse. */
    memset(&back, 0xff, sizeof back);
    CHECK(syscall(SYS_sigaction, SIGUSR1, NULL, &back) == 0 && back.handler == (void *)on_sig
          && back.mask == 1u << (SIGUSR2 - 1) && back.flags == 0,
          "sigaction(67) reads back handler %p mask %#x flags %#lx", back.handler, back.mask, back.flags);
    struct k_sigaction kb;
    memset(&kb, 0xff, sizeof kb);
    CHECK(syscall(SYS_rt_sigaction, SIGUSR1, NULL, &kb, 8) == 0 && kb.handler == (void *)on_sig
          && kb.mask[0] == 1u << (SIGUSR2 - 1) && kb.mask[1] == 0,
          "rt_sigaction reads back handler %p mask %#x:%#x", kb.handler, kb.mask[0], kb.mask[1]);
    errno = 0;
    CHECK(syscall(SYS_sigaction, SIGKILL, &oa, NULL) == -1 && errno == EINVAL, "sigaction(67, SIGKILL): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_sigaction, 0, NULL, &back) == -1 && errno == EINVAL, "sigaction(67, 0): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_sigaction, 65, NULL, &back) == -1 && errno == EINVAL, "sigaction(67, 65): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_sigaction, SIGUSR1, NULL, (void *)16) == -1 && errno == EFAULT, "sigaction(67) bad oact: errno %d", errno);
}

/* signal(48): System V's one-shot handler that does not block its own
 * signal (SA_RESETHAND | SA_NODEFER); returns the old handler. */
static void check_signal48(void)
{
    long old = syscall(SYS_signal, SIGUSR2, (long)on_sig);
    CHECK(old == (long)SIG_DFL, "signal(48) returned %#lx, want SIG_DFL", old);
    runs = 0;
    raise(SIGUSR2);
    CHECK(runs == 1, "signal(48) handler ran %d times", (int)runs);
    CHECK(!(mask_in_handler & 1u << (SIGUSR2 - 1)), "signal(48) handler blocked its own signal (mask %#x)", mask_in_handler);
    struct k_sigaction kb;
    syscall(SYS_rt_sigaction, SIGUSR2, NULL, &kb, 8);
    CHECK(kb.handler == SIG_DFL, "signal(48) handler was not reset after one run (%p)", kb.handler);
    /* Only the handler: SA_RESETHAND leaves the flags alone. */
    CHECK((kb.flags & (SA_RESETHAND | SA_NODEFER)) == (SA_RESETHAND | SA_NODEFER),
          "after one run the flags are %#lx, want SA_RESETHAND|SA_NODEFER kept", kb.flags);
    old = syscall(SYS_signal, SIGUSR2, (long)SIG_IGN);
    CHECK(old == (long)SIG_DFL, "signal(48) second call returned %#lx", old);
    old = syscall(SYS_signal, SIGUSR2, (long)SIG_DFL);
    CHECK(old == (long)SIG_IGN, "signal(48) did not return SIG_IGN (%#lx)", old);
    errno = 0;
    CHECK(syscall(SYS_signal, SIGSTOP, (long)SIG_IGN) == -1 && errno == EINVAL, "signal(48, SIGSTOP): errno %d", errno);
}

/* sigprocmask(126) and sigpending(73) work on signals 1 to 32 only. */
static void check_old_masks(void)
{
    uint32_t m32 = 1u << (SIGUSR1 - 1), o32 = 0xdead;
    uint32_t rt[2] = {0, 1u << (40 - 33)}, got[2];
    CHECK(syscall(SYS_rt_sigprocmask, SIG_SETMASK, rt, NULL, 8) == 0, "rt_sigprocmask failed");
    CHECK(syscall(SYS_sigprocmask, SIG_BLOCK, &m32, &o32) == 0 && o32 == 0, "sigprocmask(126) BLOCK: old %#x", o32);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, got, 8);
    CHECK(got[0] == m32 && got[1] == rt[1], "after sigprocmask(126) BLOCK the mask is %#x:%#x", got[0], got[1]);
    uint32_t none = 0;
    CHECK(syscall(SYS_sigprocmask, SIG_SETMASK, &none, &o32) == 0 && o32 == m32, "sigprocmask(126) SETMASK: old %#x", o32);
    syscall(SYS_rt_sigprocmask, SIG_BLOCK, NULL, got, 8);
    CHECK(got[0] == 0 && got[1] == rt[1], "sigprocmask(126) SETMASK touched signals above 32 (%#x:%#x)", got[0], got[1]);
    uint32_t kill_stop = 1u << (SIGKILL - 1) | 1u << (SIGSTOP - 1);
    syscall(SYS_sigprocmask, SIG_BLOCK, &kill_stop, NULL);
    syscall(SYS_sigprocmask, SIG_BLOCK, NULL, &o32);
    CHECK(o32 == 0, "sigprocmask(126) blocked SIGKILL/SIGSTOP (%#x)", o32);
    errno = 0;
    CHECK(syscall(SYS_sigprocmask, 3, &m32, NULL) == -1 && errno == EINVAL, "sigprocmask(126, 3): errno %d", errno);
    CHECK(syscall(SYS_sigprocmask, 3, NULL, NULL) == 0, "sigprocmask(126, 3, NULL) should succeed");

    signal(SIGUSR1, SIG_DFL);
    syscall(SYS_sigprocmask, SIG_BLOCK, &m32, NULL);
    raise(SIGUSR1);
    uint32_t pend = 0;
    CHECK(syscall(SYS_sigpending, &pend) == 0 && pend == m32, "sigpending(73) = %#x, want SIGUSR1", pend);
    errno = 0;
    CHECK(syscall(SYS_sigpending, (void *)16) == -1 && errno == EFAULT, "sigpending(73) bad pointer: errno %d", errno);
    signal(SIGUSR1, SIG_IGN); /* discards the pending one */
    syscall(SYS_sigprocmask, SIG_SETMASK, &none, NULL);
    rt[1] = 0;
    syscall(SYS_rt_sigprocmask, SIG_SETMASK, rt, NULL, 8);
}

static void check_affinity(void)
{
    uint32_t mask[32];
    memset(mask, 0, sizeof mask);
    long n = syscall(SYS_sched_getaffinity, 0, sizeof mask, mask);
    CHECK(n > 0 && n % 4 == 0 && mask[0] != 0, "sched_getaffinity = %ld, mask %#x", n, mask[0]);
    errno = 0;
    CHECK(syscall(SYS_sched_getaffinity, 0, 3, mask) == -1 && errno == EINVAL, "sched_getaffinity(len 3): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_sched_getaffinity, INT_MAX, sizeof mask, mask) == -1 && errno == ESRCH, "sched_getaffinity(no such pid): errno %d", errno);
    CHECK(syscall(SYS_sched_setaffinity, 0, sizeof mask, mask) == 0, "sched_setaffinity(own mask): errno %d", errno);
    CHECK(syscall(SYS_sched_setaffinity, getpid(), 4, mask) == 0, "sched_setaffinity(pid, 4 bytes): errno %d", errno);
    uint32_t empty[32] = {0};
    errno = 0;
    CHECK(syscall(SYS_sched_setaffinity, 0, sizeof empty, empty) == -1 && errno == EINVAL, "sched_setaffinity(empty): errno %d", errno);
    uint32_t far[32] = {0x80000000u};
    errno = 0;
    CHECK(syscall(SYS_sched_setaffinity, 0, sizeof far, far) == -1 && errno == EINVAL, "sched_setaffinity(CPU 31 only): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_sched_setaffinity, 0, sizeof mask, (void *)16) == -1 && errno == EFAULT, "sched_setaffinity(bad pointer): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_sched_setaffinity, INT_MAX, sizeof mask, mask) == -1 && errno == ESRCH, "sched_setaffinity(no such pid): errno %d", errno);

    unsigned cpu = 999, node = 999;
    CHECK(syscall(SYS_getcpu, &cpu, &node, NULL) == 0 && cpu < 1024 && node == 0, "getcpu: cpu %u node %u", cpu, node);
    CHECK(mask[cpu / 32] & 1u << (cpu % 32), "getcpu says CPU %u, outside the affinity mask", cpu);
    CHECK(syscall(SYS_getcpu, NULL, NULL, NULL) == 0, "getcpu(NULL, NULL): errno %d", errno);
    errno = 0;
    CHECK(syscall(SYS_getcpu, (void *)16, NULL, NULL) == -1 && errno == EFAULT, "getcpu(bad): errno %d", errno);
    CHECK(sched_getcpu() >= 0, "sched_getcpu failed");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    vdso_base = getauxval(AT_SYSINFO_EHDR);
    CHECK(vdso_base, "no AT_SYSINFO_EHDR");
    if (vdso_base) {
        check_clocks();
        check_vvar();
        check_restorer();
    }
    check_signal48();
    check_old_masks();
    check_affinity();
    if (failures)
        return 1;
    printf("vdso_clock: all ok\n");
    return 0;
}

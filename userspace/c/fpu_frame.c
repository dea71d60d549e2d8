/* The FPU state in a signal frame, as Linux 6.1 lays it out for i386
 * (arch/x86/kernel/fpu/signal.c, struct _fpstate_32):
 *   - uc_mcontext.fpregs points at the FNSAVE-layout x87 state (control,
 *     status and full tag words, st(0)..st(7)), then the status word and
 *     magic 0 (FXSR data follows), then the 64-byte-aligned FXSAVE (or
 *     XSAVE) image, whose sw_reserved bytes carry FP_XSTATE_MAGIC1, the
 *     sizes and the components; with XSAVE, FP_XSTATE_MAGIC2 follows it;
 *   - the handler starts with a clean FPU (empty x87 stack, MXCSR 0x1f80);
 *   - what the handler writes into the frame comes back at sigreturn: the
 *     x87 registers from the FNSAVE part (it wins over the image's copy),
 *     XMM registers and MXCSR from the image, AVX's upper halves from
 *     the XSAVE area where there is one; MXCSR's reserved bits are
 *     dropped from an FXSAVE image, and make an XSAVE one invalid
 *     (SIGSEGV), as copy_uabi_to_xstate rejects them;
 *   - a frame whose fpstate cannot be read is SIGSEGV;
 *   - AT_MINSIGSTKSZ is given, and an alternate stack that size works.
 * Prints `FAIL: ...` for each broken check and `fpu_frame: all ok`.
 * Validated on Linux (both libcs; QEMU's default CPU and -cpu max).
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/auxv.h>
#include <ucontext.h>
#include <unistd.h>
#include "test_common.h"

#ifndef AT_MINSIGSTKSZ
#define AT_MINSIGSTKSZ 51
#endif

static unsigned u32_at(const unsigned char *p) { unsigned v; memcpy(&v, p, 4); return v; }
static unsigned short u16_at(const unsigned char *p) { unsigned short v; memcpy(&v, p, 2); return v; }

static void put_ext(unsigned char *p, unsigned long long mant, unsigned short exp)
{
    memcpy(p, &mant, 8);
    memcpy(p + 8, &exp, 2);
}

/* 1.5, 2.5 and 3.5 as 80-bit extended values. */
#define M15 0xC000000000000000ULL
#define M25 0xA000000000000000ULL
#define M35 0xE000000000000000ULL

static int have_avx(unsigned *avx_off)
{
    unsigned a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d))
        return 0;
    if (!(c & (1u << 27)) || !(c & (1u << 28))) /* OSXSAVE, AVX */
        return 0;
    unsigned lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    if ((lo & 6) != 6)
        return 0;
    __cpuid_count(0xd, 2, a, b, c, d);
    *avx_off = b;
    return 1;
}

static int osxsave(void)
{
    unsigned a, b, c, d;
    return __get_cpuid(1, &a, &b, &c, &d) && (c & (1u << 27));
}

static volatile int seen, handler_clean, avx_seen;
static unsigned avx_off;
static volatile int bad_mode; /* 1: point fpregs at nothing; 2: MXCSR reserved bits */

static void handler(int sig, siginfo_t *si, void *ucv)
{
    (void)sig;
    (void)si;
    ucontext_t *uc = ucv;
    /* The handler's own FPU is clean. */
    unsigned short sw;
    unsigned mxcsr;
    __asm__ volatile("fnstsw %0" : "=m"(sw));
    __asm__ volatile("stmxcsr %0" : "=m"(mxcsr));
    unsigned short tw_env[14];
    __asm__ volatile("fnstenv %0" : "=m"(tw_env));
    handler_clean = ((sw >> 11) & 7) == 0 && tw_env[4] == 0xffff && mxcsr == 0x1f80;
    __asm__ volatile("fldcw %0" : : "m"(tw_env[0])); /* fnstenv masks exceptions */

    unsigned char *fp = (unsigned char *)uc->uc_mcontext.fpregs;
    if (bad_mode == 1) {
        uc->uc_mcontext.fpregs = (void *)16;
        return;
    }
    unsigned char *fx = fp + 112;
    int ok = 1;
#define EXPECT(c, ...) do { if (!(c)) { printf("FAIL: frame: " __VA_ARGS__); printf("\n"); ok = 0; } } while (0)
    EXPECT(u16_at(fp + 110) == 0, "magic %#x, not 0 (FXSR data)", u16_at(fp + 110));
    EXPECT(((uintptr_t)fx & 63) == 0, "image at %p, not 64-byte aligned", (void *)fx);
    EXPECT(u16_at(fp + 108) == u16_at(fp + 4), "status %#x, swd %#x", u16_at(fp + 108), u16_at(fp + 4));
    EXPECT((u32_at(fp + 8) & 0xffff) == 0x3fff, "tag word %#x, not 0x3fff (st0 valid)", u32_at(fp + 8));
    unsigned long long m;
    memcpy(&m, fp + 28, 8);
    EXPECT(m == M15 && u16_at(fp + 36) == 0x3fff, "st(0) in the FNSAVE part is not 1.5");
    memcpy(&m, fx + 32, 8);
    EXPECT(m == M15, "st(0) in the image is not 1.5");
    EXPECT(u32_at(fx + 24) == 0x7f80, "MXCSR in the image %#x, not 0x7f80", u32_at(fx + 24));
    EXPECT(u32_at(fx + 160) == 0x11223344, "xmm0 in the image %#x", u32_at(fx + 160));
    unsigned size = u32_at(fx + 464 + 16);
    EXPECT(u32_at(fx + 464) == 0x46505853, "sw_reserved magic1 %#x", u32_at(fx + 464));
    EXPECT(u32_at(fx + 464 + 4) == size + 4 + 112, "extended_size %u for xstate_size %u", u32_at(fx + 468), size);
    if (osxsave()) {
        EXPECT((u32_at(fx + 464 + 8) & 3) == 3, "sw_reserved xfeatures %#x", u32_at(fx + 472));
        EXPECT(size > 512 + 64, "xstate_size %u with XSAVE", size);
        EXPECT(u32_at(fx + size) == 0x46505845, "magic2 %#x", u32_at(fx + size));
        EXPECT((u32_at(fx + 512) & 3) == 3, "XSTATE_BV %#x lacks x87/SSE", u32_at(fx + 512));
        unsigned a2;
        if (have_avx(&a2)) {
            avx_seen = (u32_at(fx + 512) & 4) && u32_at(fx + a2) == 0xa5a5a5a5;
            memset(fx + a2, 0x5a, 16); /* ymm0's upper half */
        }
    } else {
        EXPECT(size == 512, "xstate_size %u without XSAVE", size);
        EXPECT(u32_at(fx + 464 + 8) == 0, "sw_reserved xfeatures %#x without XSAVE", u32_at(fx + 472));
    }
    /* Changes for sigreturn: st(0) 2.5 in the FNSAVE part, 3.5 in the
     * image (the FNSAVE part wins), xmm0, MXCSR. */
    put_ext(fp + 28, M25, 0x4000);
    put_ext(fx + 32, M35, 0x4000);
    memset(fx + 160, 0x77, 16);
    unsigned nm = bad_mode == 2 ? 0xffff0000u | 0x1f80 : 0x3f80;
    memcpy(fx + 24, &nm, 4);
    seen = ok ? 1 : -1;
}

static void set_state(void)
{
    static const double one_five = 1.5;
    __asm__ volatile("fninit; fldl %0" : : "m"(one_five));
    unsigned mx = 0x7f80;
    __asm__ volatile("ldmxcsr %0" : : "m"(mx));
    static const unsigned x[4] = {0x11223344, 0, 0, 0};
    __asm__ volatile("movups %0, %%xmm0" : : "m"(x));
}

__attribute__((target("avx"))) static void set_ymm_upper(void)
{
    static const unsigned up[8] = {0, 0, 0, 0, 0xa5a5a5a5, 0xa5a5a5a5, 0xa5a5a5a5, 0xa5a5a5a5};
    __asm__ volatile("vmovdqu %0, %%ymm0" : : "m"(up));
}

__attribute__((target("avx"))) static unsigned get_ymm_upper(void)
{
    unsigned out[8];
    __asm__ volatile("vmovdqu %%ymm0, %0" : "=m"(out));
    return out[4];
}

static void check_frame(void)
{
    struct sigaction sa = {0};
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    set_state();
    int avx = have_avx(&avx_off);
    if (avx) {
        set_ymm_upper();
        unsigned x[4] = {0x11223344, 0, 0, 0};
        __asm__ volatile("movups %0, %%xmm0" : : "m"(x)); /* keeps ymm0's upper half */
    }
    /* raise() through glibc/musl may touch SSE: use the raw call. */
    pid_t me = getpid();
    int ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(37), "b"(me), "c"(SIGUSR1) : "memory");
    unsigned ymm_up = avx ? get_ymm_upper() : 0;
    double st0;
    unsigned mx;
    unsigned x[4];
    __asm__ volatile("movups %%xmm0, %0" : "=m"(x));
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    __asm__ volatile("fstpl %0" : "=m"(st0));
    CHECK(seen == 1, "the handler did not run or its checks failed (%d)", seen);
    CHECK(handler_clean, "the handler started with the interrupted FPU state");
    CHECK(st0 == 2.5, "st(0) after sigreturn is %g, not 2.5 from the FNSAVE part", st0);
    CHECK(x[0] == 0x77777777, "xmm0 after sigreturn %#x, not the frame's", x[0]);
    CHECK(mx == 0x3f80, "MXCSR after sigreturn %#x, not 0x3f80", mx);
    if (avx) {
        CHECK(avx_seen, "ymm0's upper half not in the frame's AVX area");
        CHECK(ymm_up == 0x5a5a5a5a, "ymm0's upper half after sigreturn %#x", ymm_up);
    }
}

static int bad_fpstate_child(void)
{
    bad_mode = 1;
    pid_t me = getpid();
    int ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(37), "b"(me), "c"(SIGUSR1) : "memory");
    return 0; /* not reached on Linux */
}

static int bad_mxcsr_child(void)
{
    bad_mode = 2;
    set_state();
    pid_t me = getpid();
    int ret;
    __asm__ volatile("int $0x80" : "=a"(ret) : "a"(37), "b"(me), "c"(SIGUSR1) : "memory");
    unsigned mx;
    __asm__ volatile("stmxcsr %0" : "=m"(mx));
    return (mx & 0xffff0000u) == 0 && (mx & 0x1f80) == 0x1f80 ? 0 : 1;
}

static volatile int alt_ran;
static void alt_handler(int sig)
{
    (void)sig;
    alt_ran = 1;
}

static void check_minsigstksz(void)
{
    unsigned long min = getauxval(AT_MINSIGSTKSZ);
    CHECK(min >= 1024 && min <= 65536 && min % 16 == 0, "AT_MINSIGSTKSZ is %lu", min);
    if (min < 1024 || min > 65536)
        return;
    stack_t ss = {.ss_sp = malloc(min), .ss_size = min < (unsigned long)MINSIGSTKSZ ? (unsigned long)MINSIGSTKSZ : min};
    sigaltstack(&ss, NULL);
    struct sigaction sa = {0};
    sa.sa_handler = alt_handler;
    sa.sa_flags = SA_ONSTACK;
    sigaction(SIGUSR2, &sa, NULL);
    raise(SIGUSR2);
    CHECK(alt_ran, "a handler on an AT_MINSIGSTKSZ-sized alternate stack did not run");
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    check_frame();
    struct sigaction sa = {0};
    sa.sa_sigaction = handler;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
    int st = in_child(bad_fpstate_child);
    CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "an unreadable fpstate: status %#x, not SIGSEGV", st);
    st = in_child(bad_mxcsr_child);
    if (osxsave())
        CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV, "MXCSR reserved bits in an XSAVE frame: status %#x", st);
    else
        CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0, "MXCSR reserved bits in an FXSAVE frame: status %#x", st);
    check_minsigstksz();
    if (failures)
        return 1;
    printf("fpu_frame: all ok\n");
    return 0;
}

/* Lab `fastpath` (docs/labs/fastpath.md): getppid as cheap as getpid.
 * Run under QEMU's -icount shift=0 (scripts/grade does), where rdtsc
 * counts guest instructions: measures both calls by int $0x80 and through
 * the vDSO (`call *AT_SYSINFO`), 2000 calls each, and checks that getppid
 * costs at most getpid's instructions plus 3, returning the right pid.
 * Prints `lab fastpath: checks 2` and one `check` line per path. */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <unistd.h>

static uintptr_t vsyscall;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static long call(long nr, int vdso)
{
    long r;
    if (vdso)
        __asm__ volatile("call *%1" : "=a"(r) : "m"(vsyscall), "0"(nr) : "memory", "ecx", "edx");
    else
        __asm__ volatile("int $0x80" : "=a"(r) : "0"(nr) : "memory");
    return r;
}

/* Instructions per call: the best of 5 batches, the loop's own cost out. */
static uint64_t cost(long nr, int vdso)
{
    uint64_t best = ~0ull;
    for (int b = 0; b < 5; b++) {
        uint64_t t0 = rdtsc();
        for (int i = 0; i < 400; i++)
            call(nr, vdso);
        uint64_t t = (rdtsc() - t0) / 400;
        if (t < best)
            best = t;
    }
    return best;
}

int main(void)
{
    setvbuf(stdout, NULL, _IONBF, 0);
    printf("lab fastpath: checks 2\n");
    vsyscall = getauxval(AT_SYSINFO);
    long ppid = getppid();
    for (int vdso = 0; vdso < 2; vdso++) {
        const char *name = vdso ? "vdso" : "int80";
        if (vdso && !vsyscall) {
            printf("check %s: FAIL (no AT_SYSINFO)\n", name);
            continue;
        }
        uint64_t p = cost(SYS_getpid, vdso), pp = cost(SYS_getppid, vdso);
        int right = call(SYS_getppid, vdso) == ppid;
        printf("%s: getpid %llu, getppid %llu instructions\n", name, (unsigned long long)p,
               (unsigned long long)pp);
        if (right && pp <= p + 3)
            printf("check %s: ok\n", name);
        else
            printf("check %s: FAIL (getppid %llu > getpid %llu + 3, or wrong pid)\n", name,
                   (unsigned long long)pp, (unsigned long long)p);
    }
    return 0;
}

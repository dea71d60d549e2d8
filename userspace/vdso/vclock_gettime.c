/*
 * userspace/vdso/vclock_gettime.c -- the vDSO's clock functions: the time
 * without a system call (Linux's arch/x86/entry/vdso/vclock_gettime.c and
 * lib/vdso/gettimeofday.c, for i386 only).
 *
 * Built freestanding and position-independent into the vDSO page (see
 * build.sh). Each function reads the TSC and the kernel's vvar page (vvar.h),
 * which the kernel maps one page below the vDSO; `vvar_page` is that
 * address, defined by vdso.lds relative to the image, so the code reaches
 * it PC-relative and the image needs no relocation. A clock the vDSO cannot
 * read (the CPU-time clocks, the alarm clocks, an unknown id, or any clock
 * when the TSC was not calibrated) goes to the system call, and its result,
 * -errno included, is returned as the system call's: callers (glibc, musl)
 * turn a negative return into errno, as with Linux's vDSO.
 */
#include "vvar.h"

/* Not `const`: the kernel changes it, and a compiler may cache a const
 * object across the barriers below. */
extern struct vvar vvar_page __attribute__((visibility("hidden")));

struct timespec32 { int tv_sec; int tv_nsec; };
struct timespec64 { long long tv_sec; long long tv_nsec; };
struct timeval32 { int tv_sec; int tv_usec; };
struct timezone32 { int tz_minuteswest; int tz_dsttime; };

/* Linux's i386 numbers (abi/src/syscalls.rs, abi/src/time.rs). */
#define NR_gettimeofday		78
#define NR_clock_gettime	265
#define NR_clock_getres		266
#define NR_clock_gettime64	403
#define CLOCK_REALTIME		0
#define CLOCK_MONOTONIC		1
#define CLOCK_MONOTONIC_RAW	4
#define CLOCK_REALTIME_COARSE	5
#define CLOCK_MONOTONIC_COARSE	6
#define CLOCK_BOOTTIME		7
#define CLOCK_TAI		11
#define NSEC_PER_SEC		1000000000u

#define barrier() __asm__ __volatile__("" ::: "memory")
#define READ_ONCE(x) (*(const volatile __typeof__(x) *)&(x))

/* The system call, by int $0x80 (Linux's vDSO fallbacks call
 * __kernel_vsyscall; int $0x80 is the same call, one step simpler). */
static inline long syscall2(long nr, long a, long b)
{
	long ret;
	__asm__ __volatile__("int $0x80" : "=a"(ret) : "0"(nr), "b"(a), "c"(b) : "memory");
	return ret;
}

static inline u64 rdtsc(void)
{
	u64 v;
	__asm__ __volatile__("rdtsc" : "=A"(v));
	return v;
}

/* The clocks each kind of read serves: the TSC-based ones and the coarse
 * ones (the last tick's time). */
#define HRES_CLOCKS	(1u << CLOCK_REALTIME | 1u << CLOCK_MONOTONIC | 1u << CLOCK_MONOTONIC_RAW | \
			 1u << CLOCK_BOOTTIME | 1u << CLOCK_TAI)
#define COARSE_CLOCKS	(1u << CLOCK_REALTIME_COARSE | 1u << CLOCK_MONOTONIC_COARSE)
#define WALL_CLOCKS	(1u << CLOCK_REALTIME | 1u << CLOCK_TAI | 1u << CLOCK_REALTIME_COARSE)

/* Carry whole seconds out of `ns` (at most a few seconds' worth), add the
 * wall-clock offset for the CLOCK_REALTIME family, and store. */
static inline __attribute__((always_inline)) void finish(u64 ns, u32 s, int wall, u32 *sec, u32 *nsec)
{
	while (ns >= NSEC_PER_SEC) {
		ns -= NSEC_PER_SEC;
		s++;
	}
	if (wall)
		s += vvar_page.wall_sec;	/* TAI offset 0, as Linux until adjtimex sets one */
	*sec = s;
	*nsec = (u32)ns;
}

/*
 * A TSC-based clock (Linux's do_hres): 0, or -1 when the system call must
 * answer. The kernel's twin is kernel/src/time.rs::Vvar::mono.
 *
 * No check for an odd `seq`: the kernel writes the page only in the timer
 * interrupt, which ends before user code runs again on this one CPU, so
 * user space never sees a write half done; a write between our two reads
 * of `seq` still changes it.
 */
static inline __attribute__((always_inline)) int do_hres(int wall, u32 *sec, u32 *nsec)
{
	const struct vvar *v = &vvar_page;
	u32 seq, s;
	u64 ns;
	do {
		seq = READ_ONCE(v->seq);
		barrier();
		u64 delta = rdtsc() - v->cycle_last;
		/* The tick stopped for 2^32 cycles, or the kernel has no usable
		 * TSC (it then puts cycle_last 2^63 cycles away). */
		if ((u32)(delta >> 32))
			return -1;
		ns = (v->mono_snsec + (u64)(u32)delta * v->mult) >> VVAR_SHIFT;
		s = v->mono_sec;
		/* Compute here, in registers, rather than keep the inputs for
		 * later: fewer values live across the loop, none on the stack. */
		__asm__("" : "+A"(ns));
		barrier();
	} while (seq != READ_ONCE(v->seq));
	finish(ns, s, wall, sec, nsec);
	return 0;
}

/* A coarse clock: the time of the last tick (Linux's do_coarse). */
static inline __attribute__((always_inline)) void do_coarse(int wall, u32 *sec, u32 *nsec)
{
	const struct vvar *v = &vvar_page;
	u32 seq, s;
	u64 ns;
	do {
		seq = READ_ONCE(v->seq);
		barrier();
		ns = v->mono_snsec;
		s = v->mono_sec;
		barrier();
	} while (seq != READ_ONCE(v->seq));
	finish(ns >> VVAR_SHIFT, s, wall, sec, nsec);
}

/*
 * Clock `clk` into *sec and *nsec: 0, or -1 when the system call must
 * answer. Inlined into each caller, with CLOCK_MONOTONIC tested first:
 * this is the whole cost of clock_gettime, and a call would add to it.
 */
static inline __attribute__((always_inline)) int read_clock(int clk, u32 *sec, u32 *nsec)
{
	u32 bit, wall = 0;
	if (__builtin_expect(clk != CLOCK_MONOTONIC, 0)) {
		if ((u32)clk >= 32)
			return -1;
		bit = 1u << clk;
		wall = bit & WALL_CLOCKS;
		if (bit & COARSE_CLOCKS) {
			do_coarse(wall, sec, nsec);
			return 0;
		}
		if (!(bit & HRES_CLOCKS))
			return -1;
	}
	return do_hres(wall, sec, nsec);
}

/* read_clock as a function, for the callers where size matters more than
 * a few instructions (the vDSO must fit in one page). */
static __attribute__((noinline)) int read_clock_call(int clk, u32 *sec, u32 *nsec)
{
	return read_clock(clk, sec, nsec);
}

int __vdso_clock_gettime(int clk, struct timespec32 *ts)
{
	u32 sec, nsec;
	if (read_clock(clk, &sec, &nsec))
		return syscall2(NR_clock_gettime, clk, (long)ts);
	ts->tv_sec = (int)sec;
	ts->tv_nsec = (int)nsec;
	return 0;
}

int __vdso_clock_gettime64(int clk, struct timespec64 *ts)
{
	u32 sec, nsec;
	if (read_clock(clk, &sec, &nsec))
		return syscall2(NR_clock_gettime64, clk, (long)ts);
	ts->tv_sec = sec;
	ts->tv_nsec = nsec;
	return 0;
}

int __vdso_gettimeofday(struct timeval32 *tv, struct timezone32 *tz)
{
	u32 sec, nsec;
	if (read_clock_call(CLOCK_REALTIME, &sec, &nsec))
		return syscall2(NR_gettimeofday, (long)tv, (long)tz);
	if (tv) {
		tv->tv_sec = (int)sec;
		tv->tv_usec = (int)(nsec / 1000);
	}
	if (tz) {
		/* The kernel keeps no timezone (sys_tz is 0 unless set). */
		tz->tz_minuteswest = 0;
		tz->tz_dsttime = 0;
	}
	return 0;
}

/* time(): the seconds of the last tick, as Linux's __vdso_time and time(2)
 * (ktime_get_real_seconds) both read. */
long __vdso_time(long *t)
{
	u32 sec, nsec;
	read_clock_call(CLOCK_REALTIME_COARSE, &sec, &nsec);
	if (t)
		*t = (long)sec;
	return (long)sec;
}

int __vdso_clock_getres(int clk, struct timespec32 *res)
{
	u32 ns;
	switch (clk) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_BOOTTIME:
		ns = 1;		/* hrtimer_resolution with high-resolution timers */
		break;
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		ns = *(const volatile u32 *)&vvar_page.coarse_res;
		break;
	default:
		return syscall2(NR_clock_getres, clk, (long)res);
	}
	if (res) {
		res->tv_sec = 0;
		res->tv_nsec = (int)ns;
	}
	return 0;
}

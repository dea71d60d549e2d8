/*
 * userspace/vdso/vvar.h -- the vvar page: time data the kernel writes and
 * the vDSO's clock functions read, mapped read-only into every process one
 * page below the vDSO (Linux's `struct vdso_data` in the vvar area).
 *
 * The kernel side is `kernel/src/time.rs` (`Vvar`); both sides pin every
 * field's offset at compile time (the _Static_asserts below and Rust's
 * `offset_of!` asserts), so a change on one side alone fails the build.
 *
 * Time is kept as Linux's timekeeper keeps it: at every timer tick the
 * kernel moves a base forward to that tick's TSC value (`cycle_last`), and
 * a reader adds the cycles since, converted with one 32x32-bit multiply:
 *
 *     shifted ns = mono_snsec + (rdtsc - cycle_last) * mult
 *     CLOCK_MONOTONIC = mono_sec s + (shifted ns >> VVAR_SHIFT) ns
 *     CLOCK_REALTIME  = the same + wall_sec s
 *
 * (the nanoseconds stay shifted left by VVAR_SHIFT so that no rounding
 * error builds up from tick to tick). The kernel computes exactly this in
 * `kernel/src/time.rs::Vvar::mono`, so the vDSO and the system call never
 * disagree. When the TSC cannot be used, or more than 2^32 cycles have
 * passed since the base (the tick stopped), the vDSO asks the kernel.
 *
 * The fields change together at each tick, under the sequence counter
 * `seq`: odd while the kernel writes; a reader retries when it saw an odd
 * value or the value changed (Linux's vdso_read_begin / vdso_read_retry).
 */
#ifndef VVAR_H
#define VVAR_H

typedef unsigned int u32;
typedef unsigned long long u64;

/* Nanoseconds are kept shifted left by this many bits (`mult`'s scale). */
#define VVAR_SHIFT 24

struct vvar {
	u32 seq;		/* 0: odd while the kernel writes */
	u32 tsc_ok;		/* 4: 0: no usable TSC, ask the kernel */
	u64 cycle_last;		/* 8: the TSC at the last tick */
	u32 mult;		/* 16: ns per cycle << VVAR_SHIFT */
	u32 wall_sec;		/* 20: CLOCK_REALTIME - CLOCK_MONOTONIC, whole seconds */
	u32 mono_sec;		/* 24: CLOCK_MONOTONIC at cycle_last: seconds, */
	u32 coarse_res;		/* 28: ns per timer tick (the coarse clocks' resolution) */
	u64 mono_snsec;		/* 32: ... and nanoseconds << VVAR_SHIFT */
};

_Static_assert(__builtin_offsetof(struct vvar, seq) == 0, "vvar layout");
_Static_assert(__builtin_offsetof(struct vvar, tsc_ok) == 4, "vvar layout");
_Static_assert(__builtin_offsetof(struct vvar, cycle_last) == 8, "vvar layout");
_Static_assert(__builtin_offsetof(struct vvar, mult) == 16, "vvar layout");
_Static_assert(__builtin_offsetof(struct vvar, wall_sec) == 20, "vvar layout");
_Static_assert(__builtin_offsetof(struct vvar, mono_sec) == 24, "vvar layout");
_Static_assert(__builtin_offsetof(struct vvar, coarse_res) == 28, "vvar layout");
_Static_assert(__builtin_offsetof(struct vvar, mono_snsec) == 32, "vvar layout");
_Static_assert(sizeof(struct vvar) == 40, "vvar layout");

#endif

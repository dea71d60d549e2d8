//! Kernel time: jiffies from the PIT, fine-grained uptime from the TSC
//! (calibrated against PIT channel 2 at boot), wall-clock time from the RTC.
//!
//! The TSC-to-time conversion lives in the vvar page ([`Vvar`]), which every
//! process also sees read-only, one page below the vDSO: the vDSO's clock
//! functions (`userspace/vdso/vclock_gettime.c`) compute exactly what
//! [`uptime_ns`] computes, from the same numbers, so `clock_gettime` needs no
//! system call and never disagrees with one (Linux's `vdso_data`, updated
//! by `update_vsyscall`).

use crate::arch::x86::{instructions::rdtsc, pit};
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

static JIFFIES: AtomicU64 = AtomicU64::new(0);
/// TSC cycles per millisecond; 0 until calibrated.
static TSC_KHZ: AtomicU64 = AtomicU64::new(0);
static BOOT_EPOCH: AtomicU64 = AtomicU64::new(0);

/// A 64-bit field of the vvar page: two 32-bit halves, low first, so that
/// the C side reads a plain `u64` and the kernel needs no 64-bit atomics.
/// Readers see a consistent value through [`Vvar::seq`].
#[repr(C)]
struct VvarU64([AtomicU32; 2]);

impl VvarU64 {
    const fn new() -> Self {
        Self([AtomicU32::new(0), AtomicU32::new(0)])
    }
    fn get(&self) -> u64 {
        u64::from(self.0[0].load(Ordering::Relaxed))
            | u64::from(self.0[1].load(Ordering::Relaxed)) << 32
    }
    fn set(&self, v: u64) {
        self.0[0].store(v as u32, Ordering::Relaxed);
        self.0[1].store((v >> 32) as u32, Ordering::Relaxed);
    }
}

/// Nanoseconds in the vvar page are kept shifted left by this many bits
/// (`userspace/vdso/vvar.h`'s `VVAR_SHIFT`, which the vDSO's build reads
/// into `proc/vdso.rs`; the assert there keeps the two equal).
pub const VVAR_SHIFT: u32 = 24;
const NSEC_PER_SEC: u64 = 1_000_000_000;

/// The vvar page: `struct vvar` of `userspace/vdso/vvar.h`, field for field
/// (the asserts below and the header's pin the same offsets). Page-aligned
/// and alone in its page, because the page itself is mapped into user space
/// (`proc/vdso.rs::map_into`). The kernel's timekeeping lives here, so the
/// kernel and the vDSO read the same numbers the same way.
#[repr(C, align(4096))]
pub struct Vvar {
    /// Odd while the kernel writes (a sequence counter, Linux's `seq`).
    seq: AtomicU32,
    /// 1 once the TSC is calibrated; until then the vDSO asks the kernel.
    tsc_ok: AtomicU32,
    /// The TSC at the last tick: the base the time is counted from.
    cycle_last: VvarU64,
    /// Nanoseconds per cycle, shifted left by [`VVAR_SHIFT`].
    mult: AtomicU32,
    /// `CLOCK_REALTIME` minus `CLOCK_MONOTONIC`, in whole seconds (the RTC
    /// reads whole seconds at boot, and nothing sets the clock since).
    wall_sec: AtomicU32,
    /// `CLOCK_MONOTONIC` at `cycle_last`: whole seconds, and
    mono_sec: AtomicU32,
    /// Nanoseconds per tick: the coarse clocks' resolution.
    coarse_res: AtomicU32,
    /// the nanoseconds in that second, shifted left by [`VVAR_SHIFT`] (no
    /// rounding is lost from tick to tick, as Linux's `xtime_nsec`).
    mono_snsec: VvarU64,
}

const _: () = {
    use core::mem::{offset_of, size_of};
    assert!(offset_of!(Vvar, seq) == 0);
    assert!(offset_of!(Vvar, tsc_ok) == 4);
    assert!(offset_of!(Vvar, cycle_last) == 8);
    assert!(offset_of!(Vvar, mult) == 16);
    assert!(offset_of!(Vvar, wall_sec) == 20);
    assert!(offset_of!(Vvar, mono_sec) == 24);
    assert!(offset_of!(Vvar, coarse_res) == 28);
    assert!(offset_of!(Vvar, mono_snsec) == 32);
    assert!(size_of::<Vvar>() == 4096);
};

/// The one vvar page.
pub static VVAR: Vvar = Vvar {
    seq: AtomicU32::new(0),
    tsc_ok: AtomicU32::new(0),
    cycle_last: VvarU64::new(),
    mult: AtomicU32::new(0),
    wall_sec: AtomicU32::new(0),
    mono_sec: AtomicU32::new(0),
    coarse_res: AtomicU32::new(1_000_000_000 / pit::HZ),
    mono_snsec: VvarU64::new(),
};

impl Vvar {
    /// Change the page's fields as one update: readers that overlap it see
    /// an odd or changed `seq` and retry (Linux's `vdso_write_begin/end`).
    /// Called with interrupts off or from the timer interrupt, so writers
    /// never interleave.
    fn write(&self, f: impl FnOnce(&Self)) {
        self.seq.fetch_add(1, Ordering::Release);
        f(self);
        self.seq.fetch_add(1, Ordering::Release);
    }

    /// Read fields as one consistent set: retry while an update was in
    /// progress or happened meanwhile (Linux's `vdso_read_begin/retry`).
    fn read<T>(&self, f: impl Fn(&Self) -> T) -> T {
        loop {
            let seq = self.seq.load(Ordering::Acquire);
            if seq & 1 == 0 {
                let v = f(self);
                if self.seq.load(Ordering::Acquire) == seq {
                    return v;
                }
            }
            core::hint::spin_loop();
        }
    }

    /// `CLOCK_MONOTONIC` at TSC value `tsc` as (seconds, shifted
    /// nanoseconds, at most a second's worth): the vDSO's `read_clock`
    /// computes the same, in 64 bits, whenever fewer than 2^32 cycles
    /// passed since the last tick (and asks the kernel otherwise).
    fn mono_at(&self, tsc: u64) -> (u64, u64) {
        let delta = tsc.wrapping_sub(self.cycle_last.get());
        let total = u128::from(self.mono_snsec.get())
            + u128::from(delta) * u128::from(self.mult.load(Ordering::Relaxed));
        let second = u128::from(NSEC_PER_SEC) << VVAR_SHIFT;
        let sec = u64::from(self.mono_sec.load(Ordering::Relaxed)) + (total / second) as u64;
        (sec, (total % second) as u64)
    }

    /// `CLOCK_MONOTONIC` now, in nanoseconds.
    fn mono(&self) -> u64 {
        let (sec, snsec) = self.read(|v| v.mono_at(rdtsc()));
        sec * NSEC_PER_SEC + (snsec >> VVAR_SHIFT)
    }

    /// Move the base to the TSC now (each tick): the time stays the same,
    /// only counted from a later point.
    fn advance(&self) {
        let now = rdtsc();
        let (sec, snsec) = self.mono_at(now);
        self.write(|v| {
            v.cycle_last.set(now);
            v.mono_sec.store(sec as u32, Ordering::Relaxed);
            v.mono_snsec.set(snsec);
        });
    }
}

/// Measure the TSC and read the RTC.
pub fn init() {
    let tsc = rdtsc();
    let khz = pit::calibrate_tsc(10).max(1);
    let epoch = crate::arch::x86::rtc::read_epoch_seconds();
    TSC_KHZ.store(khz, Ordering::Relaxed);
    BOOT_EPOCH.store(epoch, Ordering::Relaxed);
    // 10^6 ns per ms / cycles per ms, scaled by 2^VVAR_SHIFT; it must fit
    // in 32 bits (a TSC of at least 4 MHz), or the TSC goes unused.
    let mult = u32::try_from((1_000_000u64 << VVAR_SHIFT) / khz).ok();
    VVAR.write(|v| {
        // Without a usable TSC, a base 2^63 cycles away sends every vDSO
        // read to the system call (its "more than 2^32 cycles" check).
        v.cycle_last.set(if mult.is_some() { tsc } else { 1 << 63 });
        v.mult.store(mult.unwrap_or(0), Ordering::Relaxed);
        v.wall_sec.store(epoch as u32, Ordering::Relaxed);
        v.tsc_ok.store(u32::from(mult.is_some()), Ordering::Relaxed);
    });
}

/// Called from the timer interrupt.
pub fn tick() {
    JIFFIES.fetch_add(1, Ordering::Relaxed);
    if VVAR.tsc_ok.load(Ordering::Relaxed) != 0 {
        VVAR.advance();
    }
}

/// Timer ticks since boot.
pub fn jiffies() -> u64 {
    JIFFIES.load(Ordering::Relaxed)
}

/// Nanoseconds since boot (TSC based; jiffies before calibration).
pub fn uptime_ns() -> u64 {
    if VVAR.tsc_ok.load(Ordering::Relaxed) == 0 {
        return jiffies() * (NSEC_PER_SEC / u64::from(pit::HZ));
    }
    VVAR.mono()
}

/// Nanoseconds since boot at the last timer tick (`CLOCK_MONOTONIC_COARSE`).
pub fn coarse_ns() -> u64 {
    if VVAR.tsc_ok.load(Ordering::Relaxed) == 0 {
        return uptime_ns();
    }
    VVAR.read(|v| {
        u64::from(v.mono_sec.load(Ordering::Relaxed)) * NSEC_PER_SEC
            + (v.mono_snsec.get() >> VVAR_SHIFT)
    })
}

/// Nanoseconds per timer tick (the coarse clocks' resolution).
pub fn tick_ns() -> u32 {
    VVAR.coarse_res.load(Ordering::Relaxed)
}

/// Microseconds since boot.
pub fn uptime_us() -> u64 {
    uptime_ns() / 1000
}

/// Wall-clock time: (seconds, nanoseconds) since the Unix epoch.
pub fn realtime() -> (u64, u32) {
    split_ns(wall_ns() + uptime_ns())
}

/// Wall-clock time at the last tick (`CLOCK_REALTIME_COARSE`, `time()`).
pub fn realtime_coarse() -> (u64, u32) {
    split_ns(wall_ns() + coarse_ns())
}

/// `CLOCK_REALTIME` minus `CLOCK_MONOTONIC`, in nanoseconds.
fn wall_ns() -> u64 {
    u64::from(VVAR.wall_sec.load(Ordering::Relaxed)) * NSEC_PER_SEC
}

/// (seconds, nanoseconds) of a count of nanoseconds.
pub fn split_ns(ns: u64) -> (u64, u32) {
    (ns / 1_000_000_000, (ns % 1_000_000_000) as u32)
}

/// The wall-clock time of boot, in seconds since the epoch (`/proc/stat`'s
/// `btime`).
pub fn boot_epoch() -> u64 {
    BOOT_EPOCH.load(Ordering::Relaxed)
}

/// TSC cycles per millisecond (for benchmarks and the boot banner).
pub fn tsc_khz() -> u64 {
    TSC_KHZ.load(Ordering::Relaxed)
}

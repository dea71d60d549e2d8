//! Kernel time: jiffies from the PIT, fine-grained uptime from the TSC
//! (calibrated against PIT channel 2 at boot), wall-clock time from the RTC.

use crate::arch::x86::{instructions::rdtsc, pit, rtc};
use core::sync::atomic::{AtomicU64, Ordering};

static JIFFIES: AtomicU64 = AtomicU64::new(0);
static TSC_AT_BOOT: AtomicU64 = AtomicU64::new(0);
/// TSC cycles per millisecond; 0 until calibrated.
static TSC_KHZ: AtomicU64 = AtomicU64::new(0);
static BOOT_EPOCH: AtomicU64 = AtomicU64::new(0);

/// Measure the TSC and read the RTC.
pub fn init() {
    TSC_AT_BOOT.store(rdtsc(), Ordering::Relaxed);
    TSC_KHZ.store(pit::calibrate_tsc(10).max(1), Ordering::Relaxed);
    BOOT_EPOCH.store(rtc::read_epoch_seconds(), Ordering::Relaxed);
}

/// Called from the timer interrupt.
pub fn tick() {
    JIFFIES.fetch_add(1, Ordering::Relaxed);
}

/// Timer ticks since boot.
pub fn jiffies() -> u64 {
    JIFFIES.load(Ordering::Relaxed)
}

/// Nanoseconds since boot (TSC based; jiffies before calibration).
pub fn uptime_ns() -> u64 {
    let khz = TSC_KHZ.load(Ordering::Relaxed);
    if khz == 0 {
        return jiffies() * (1_000_000_000 / u64::from(pit::HZ));
    }
    let cycles = rdtsc().wrapping_sub(TSC_AT_BOOT.load(Ordering::Relaxed));
    // cycles / khz = ms; keep precision without overflowing u64.
    (cycles / khz) * 1_000_000 + (cycles % khz) * 1_000_000 / khz
}

/// Microseconds since boot.
pub fn uptime_us() -> u64 {
    uptime_ns() / 1000
}

/// Wall-clock time: (seconds, nanoseconds) since the Unix epoch.
pub fn realtime() -> (u64, u32) {
    let up = uptime_ns();
    (
        BOOT_EPOCH.load(Ordering::Relaxed) + up / 1_000_000_000,
        (up % 1_000_000_000) as u32,
    )
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

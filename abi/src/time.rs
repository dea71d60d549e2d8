//! Clock IDs for `clock_gettime` and friends, `clock_nanosleep` flags and
//! interval-timer IDs, from `include/uapi/linux/time.h`. The time structures
//! ([`crate::Timespec`], [`crate::Timespec64`], [`crate::Timeval`]) are in
//! [`crate::types`].

// include/uapi/linux/time.h: clockid_t values.

/// Wall-clock time (settable).
pub const CLOCK_REALTIME: i32 = 0;
/// Time since an unspecified start, not counting suspend; never jumps.
pub const CLOCK_MONOTONIC: i32 = 1;
/// CPU time consumed by the process.
pub const CLOCK_PROCESS_CPUTIME_ID: i32 = 2;
/// CPU time consumed by the thread.
pub const CLOCK_THREAD_CPUTIME_ID: i32 = 3;
/// `CLOCK_MONOTONIC` without NTP frequency adjustment.
pub const CLOCK_MONOTONIC_RAW: i32 = 4;
/// Faster, tick-resolution `CLOCK_REALTIME`.
pub const CLOCK_REALTIME_COARSE: i32 = 5;
/// Faster, tick-resolution `CLOCK_MONOTONIC`.
pub const CLOCK_MONOTONIC_COARSE: i32 = 6;
/// `CLOCK_MONOTONIC` that also counts time spent suspended.
pub const CLOCK_BOOTTIME: i32 = 7;
/// `CLOCK_REALTIME` that can wake the system.
pub const CLOCK_REALTIME_ALARM: i32 = 8;
/// `CLOCK_BOOTTIME` that can wake the system.
pub const CLOCK_BOOTTIME_ALARM: i32 = 9;
/// International Atomic Time.
pub const CLOCK_TAI: i32 = 11;

// include/uapi/linux/time.h: clock_nanosleep(2) and timer_settime(2) flags.

/// The time is absolute, not relative to now.
pub const TIMER_ABSTIME: u32 = 0x01;

// include/uapi/linux/time.h: setitimer(2) / getitimer(2) timers.

/// Counts real time; delivers `SIGALRM`.
pub const ITIMER_REAL: i32 = 0;
/// Counts user CPU time; delivers `SIGVTALRM`.
pub const ITIMER_VIRTUAL: i32 = 1;
/// Counts user and system CPU time; delivers `SIGPROF`.
pub const ITIMER_PROF: i32 = 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(CLOCK_REALTIME, 0);
        assert_eq!(CLOCK_MONOTONIC, 1);
        assert_eq!(CLOCK_MONOTONIC_RAW, 4);
        assert_eq!(CLOCK_BOOTTIME, 7);
    }
}

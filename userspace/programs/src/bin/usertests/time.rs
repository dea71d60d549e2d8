//! Clock tests: `time`, `clock_gettime` (32-bit timespec) and
//! `clock_gettime64`: plausible values, progress, and error cases.

use abi::errno::{EFAULT, EINVAL};
use abi::syscalls::{NR_CLOCK_GETTIME, NR_CLOCK_GETTIME64, NR_TIME};
use abi::time::{CLOCK_MONOTONIC, CLOCK_REALTIME};
use abi::{Timespec, Timespec64};
use rt::sys;
use rt::syscall::{syscall1, syscall2};

use crate::check::{TestResult, ensure, err, expect_ret, show};

/// `time(NULL)` is positive and never goes back; `time(&t)` stores what it
/// returns; a bad pointer gives `-EFAULT`.
pub fn time() -> TestResult {
    let t1 = sys::time(None);
    ensure!(t1 > 0, "time(NULL) = {}", show(t1));
    let mut stored = 0i32;
    let t2 = sys::time(Some(&mut stored));
    ensure!(t2 >= t1, "time went back: {t1} then {t2}");
    expect_ret!("*tloc vs time(&tloc)", stored as isize, t2);
    // SAFETY: the kernel must refuse to write the kernel half.
    let ret = unsafe { syscall1(NR_TIME, 0xC000_0000) };
    expect_ret!("time(0xc0000000)", ret, err(EFAULT));
    Ok(())
}

fn gettime(clock: i32) -> Result<Timespec, alloc::string::String> {
    let mut ts = Timespec::ZERO;
    let ret = sys::clock_gettime(clock, &mut ts);
    expect_ret!(alloc::format!("clock_gettime({clock})"), ret, 0);
    ensure!(
        (0..1_000_000_000).contains(&ts.tv_nsec),
        "clock_gettime({clock}): tv_nsec = {}",
        ts.tv_nsec
    );
    Ok(ts)
}

/// `clock_gettime`: `CLOCK_REALTIME` agrees with `time()`; `CLOCK_MONOTONIC`
/// advances while we spin; bad pointers give `-EFAULT`, an unknown clock
/// `-EINVAL`.
pub fn clock_gettime() -> TestResult {
    let before = sys::time(None);
    let real = gettime(CLOCK_REALTIME)?;
    let after = sys::time(None);
    // time() may lag CLOCK_REALTIME by up to a timer tick on Linux (it
    // reads the seconds counter the tick updates), hence the + 1.
    ensure!(
        (before..=after + 1).contains(&(real.tv_sec as isize)),
        "CLOCK_REALTIME {}s is not between time() = {before} and {after} (+1)",
        real.tv_sec
    );

    let start = gettime(CLOCK_MONOTONIC)?;
    let mut now = start;
    let mut spins = 0u32;
    while (now.tv_sec, now.tv_nsec) == (start.tv_sec, start.tv_nsec) && spins < 1_000_000 {
        for _ in 0..100 {
            core::hint::spin_loop();
        }
        spins += 1;
        now = gettime(CLOCK_MONOTONIC)?;
    }
    ensure!(
        (now.tv_sec, now.tv_nsec) > (start.tv_sec, start.tv_nsec),
        "CLOCK_MONOTONIC did not advance: {}.{:09} then {}.{:09} after {spins} reads",
        start.tv_sec,
        start.tv_nsec,
        now.tv_sec,
        now.tv_nsec
    );

    for (addr, label) in [(0usize, "NULL"), (0xC000_0000, "0xc0000000")] {
        // SAFETY: the kernel must refuse these pointers.
        let ret = unsafe { syscall2(NR_CLOCK_GETTIME, CLOCK_MONOTONIC as usize, addr) };
        expect_ret!(
            alloc::format!("clock_gettime(MONOTONIC, {label})"),
            ret,
            err(EFAULT)
        );
    }
    let mut ts = Timespec::ZERO;
    expect_ret!(
        "clock_gettime(12345)",
        sys::clock_gettime(12345, &mut ts),
        err(EINVAL)
    );
    Ok(())
}

/// `clock_gettime64` (what musl tries first) works and agrees with the
/// 32-bit call; bad pointer `-EFAULT`, unknown clock `-EINVAL`.
pub fn clock_gettime64() -> TestResult {
    let t32 = gettime(CLOCK_MONOTONIC)?;
    let mut t64 = Timespec64::ZERO;
    expect_ret!(
        "clock_gettime64(MONOTONIC)",
        sys::clock_gettime64(CLOCK_MONOTONIC, &mut t64),
        0
    );
    ensure!(
        (0..1_000_000_000).contains(&t64.tv_nsec),
        "clock_gettime64: tv_nsec = {}",
        t64.tv_nsec
    );
    ensure!(
        (t64.tv_sec, t64.tv_nsec) >= (i64::from(t32.tv_sec), i64::from(t32.tv_nsec))
            && t64.tv_sec - i64::from(t32.tv_sec) <= 1,
        "clock_gettime64 {}.{:09} vs clock_gettime {}.{:09} just before",
        t64.tv_sec,
        t64.tv_nsec,
        t32.tv_sec,
        t32.tv_nsec
    );
    // SAFETY: the kernel must refuse the kernel-half pointer.
    let ret = unsafe { syscall2(NR_CLOCK_GETTIME64, CLOCK_MONOTONIC as usize, 0xC000_0000) };
    expect_ret!("clock_gettime64(MONOTONIC, 0xc0000000)", ret, err(EFAULT));
    expect_ret!(
        "clock_gettime64(12345)",
        sys::clock_gettime64(12345, &mut t64),
        err(EINVAL)
    );
    Ok(())
}

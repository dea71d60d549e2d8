//! Time system calls: time, gettimeofday, clock_gettime(64), nanosleep.

use super::args::SysResult;
use super::uaccess::UserPtr;
use crate::proc::{sched, task::WaitChannel};
use crate::time;
use abi::errno::{EINVAL, Errno};
use abi::time::*;
use abi::types::{Timespec, Timespec64, Timeval};

/// (seconds, nanoseconds) of clock `id`, or `-EINVAL`.
fn clock(id: i32) -> Result<(u64, u32), Errno> {
    match id {
        CLOCK_REALTIME | CLOCK_REALTIME_COARSE => Ok(time::realtime()),
        CLOCK_MONOTONIC
        | CLOCK_MONOTONIC_RAW
        | CLOCK_MONOTONIC_COARSE
        | CLOCK_BOOTTIME
        | CLOCK_PROCESS_CPUTIME_ID
        | CLOCK_THREAD_CPUTIME_ID => {
            let ns = time::uptime_ns();
            Ok((ns / 1_000_000_000, (ns % 1_000_000_000) as u32))
        }
        _ => Err(EINVAL),
    }
}

/// `time(*tloc)`.
pub fn sys_time(tloc: UserPtr<i32>) -> SysResult {
    let (s, _) = time::realtime();
    tloc.write_opt(&(s as i32))?;
    Ok(s as usize)
}

/// `gettimeofday(*tv, *tz)`.
pub fn sys_gettimeofday(tv: UserPtr<Timeval>, tz: UserPtr<[u32; 2]>) -> SysResult {
    let (s, ns) = time::realtime();
    tv.write_opt(&Timeval {
        tv_sec: s as i32,
        tv_usec: (ns / 1000) as i32,
    })?;
    tz.write_opt(&[0, 0])?;
    Ok(0)
}

/// `clock_gettime(id, *timespec)` with the 32-bit `struct timespec`.
pub fn sys_clock_gettime(clock_id: i32, tp: UserPtr<Timespec>) -> SysResult {
    let (s, ns) = clock(clock_id)?;
    tp.write(&Timespec {
        tv_sec: s as i32,
        tv_nsec: ns as i32,
    })?;
    Ok(0)
}

/// `clock_gettime64(id, *timespec64)` (the y2038-safe variant musl tries first).
pub fn sys_clock_gettime64(clock_id: i32, tp: UserPtr<Timespec64>) -> SysResult {
    let (s, ns) = clock(clock_id)?;
    tp.write(&Timespec64 {
        tv_sec: s as i64,
        tv_nsec: i64::from(ns),
    })?;
    Ok(0)
}

/// Sleep until the monotonic clock reaches `deadline_ns` (waking on each
/// timer tick to look); `Err(EINTR)` if a signal arrives first.
pub fn sleep_until(deadline_ns: u64) -> Result<(), Errno> {
    while time::uptime_ns() < deadline_ns {
        if crate::proc::signal::pending() {
            return Err(abi::errno::EINTR);
        }
        sched::sleep(WaitChannel::Timer);
    }
    Ok(())
}

fn duration_ns(t: &Timespec64) -> Result<u64, Errno> {
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(EINVAL);
    }
    Ok((t.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(t.tv_nsec as u64))
}

/// `nanosleep(*req, *rem)`.
pub fn sys_nanosleep(req: UserPtr<Timespec>, _rem: UserPtr<Timespec>) -> SysResult {
    let r = req.read()?;
    let ns = duration_ns(&Timespec64 {
        tv_sec: r.tv_sec.into(),
        tv_nsec: r.tv_nsec.into(),
    })?;
    sleep_until(time::uptime_ns().saturating_add(ns))?;
    Ok(0)
}

/// `clock_nanosleep(clock, flags, *req, *rem)` (and `clock_nanosleep_time64`
/// with a 64-bit timespec): relative, or absolute with `TIMER_ABSTIME`.
fn clock_nanosleep(clock_id: i32, flags: u32, req: Timespec64) -> SysResult {
    let ns = duration_ns(&req)?;
    let (now_s, now_ns) = clock(clock_id)?;
    let now = now_s * 1_000_000_000 + u64::from(now_ns);
    let wait = if flags & TIMER_ABSTIME != 0 {
        ns.saturating_sub(now)
    } else {
        ns
    };
    sleep_until(time::uptime_ns().saturating_add(wait))?;
    Ok(0)
}

/// `clock_nanosleep(clock, flags, *req, *rem)`.
pub fn sys_clock_nanosleep(
    clock_id: i32,
    flags: u32,
    req: UserPtr<Timespec>,
    _rem: UserPtr<Timespec>,
) -> SysResult {
    let r = req.read()?;
    clock_nanosleep(
        clock_id,
        flags,
        Timespec64 {
            tv_sec: r.tv_sec.into(),
            tv_nsec: r.tv_nsec.into(),
        },
    )
}

/// `clock_nanosleep_time64(clock, flags, *req, *rem)`.
pub fn sys_clock_nanosleep_time64(
    clock_id: i32,
    flags: u32,
    req: UserPtr<Timespec64>,
    _rem: UserPtr<Timespec64>,
) -> SysResult {
    clock_nanosleep(clock_id, flags, req.read()?)
}

//! Time system calls: time, gettimeofday, clock_gettime(64), nanosleep.

use super::args::{SysResult, SyscallContext, efault};
use crate::proc::{sched, task::WaitChannel};
use crate::time;
use abi::errno::EINVAL;
use abi::time::*;
use abi::types::{Timespec, Timespec64, Timeval};

/// (seconds, nanoseconds) of clock `id`, or `-EINVAL`.
fn clock(id: i32) -> Result<(u64, u32), i32> {
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
pub fn sys_time(ctx: &mut SyscallContext) -> SysResult {
    let (s, _) = time::realtime();
    let p = ctx.user_ptr::<i32>(0);
    if !p.is_null() {
        p.write(&(s as i32)).map_err(efault)?;
    }
    Ok(s as usize)
}

/// `gettimeofday(*tv, *tz)`.
pub fn sys_gettimeofday(ctx: &mut SyscallContext) -> SysResult {
    let (s, ns) = time::realtime();
    let tv = ctx.user_ptr::<Timeval>(0);
    if !tv.is_null() {
        tv.write(&Timeval {
            tv_sec: s as i32,
            tv_usec: (ns / 1000) as i32,
        })
        .map_err(efault)?;
    }
    let tz = ctx.user_ptr::<[u32; 2]>(1);
    if !tz.is_null() {
        tz.write(&[0, 0]).map_err(efault)?;
    }
    Ok(0)
}

/// `clock_gettime(id, *timespec)` with the 32-bit `struct timespec`.
pub fn sys_clock_gettime(ctx: &mut SyscallContext) -> SysResult {
    let (s, ns) = clock(ctx.arg_i32(0))?;
    ctx.user_ptr::<Timespec>(1)
        .write(&Timespec {
            tv_sec: s as i32,
            tv_nsec: ns as i32,
        })
        .map_err(efault)?;
    Ok(0)
}

/// `clock_gettime64(id, *timespec64)` (the y2038-safe variant musl tries first).
pub fn sys_clock_gettime64(ctx: &mut SyscallContext) -> SysResult {
    let (s, ns) = clock(ctx.arg_i32(0))?;
    ctx.user_ptr::<Timespec64>(1)
        .write(&Timespec64 {
            tv_sec: s as i64,
            tv_nsec: i64::from(ns),
        })
        .map_err(efault)?;
    Ok(0)
}

/// Sleep until the monotonic clock reaches `deadline_ns` (waking on each
/// timer tick to look); `Err(EINTR)` if a signal arrives first.
pub fn sleep_until(deadline_ns: u64) -> Result<(), i32> {
    while time::uptime_ns() < deadline_ns {
        if crate::proc::signal::pending() {
            return Err(abi::errno::EINTR);
        }
        sched::sleep(WaitChannel::Timer);
    }
    Ok(())
}

fn duration_ns(t: &Timespec64) -> Result<u64, i32> {
    if t.tv_sec < 0 || !(0..1_000_000_000).contains(&t.tv_nsec) {
        return Err(EINVAL);
    }
    Ok((t.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(t.tv_nsec as u64))
}

/// `nanosleep(*req, *rem)`.
pub fn sys_nanosleep(ctx: &mut SyscallContext) -> SysResult {
    let r = ctx.user_ptr::<Timespec>(0).read().map_err(efault)?;
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
    const TIMER_ABSTIME: u32 = 1;
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
pub fn sys_clock_nanosleep(ctx: &mut SyscallContext) -> SysResult {
    let r = ctx.user_ptr::<Timespec>(2).read().map_err(efault)?;
    clock_nanosleep(
        ctx.arg_i32(0),
        ctx.arg(1),
        Timespec64 {
            tv_sec: r.tv_sec.into(),
            tv_nsec: r.tv_nsec.into(),
        },
    )
}

/// `clock_nanosleep_time64(clock, flags, *req, *rem)`.
pub fn sys_clock_nanosleep_time64(ctx: &mut SyscallContext) -> SysResult {
    let r = ctx.user_ptr::<Timespec64>(2).read().map_err(efault)?;
    clock_nanosleep(ctx.arg_i32(0), ctx.arg(1), r)
}

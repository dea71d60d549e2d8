//! Time system calls: time, gettimeofday, clock_gettime(64), nanosleep,
//! the interval timers and the POSIX timers (`proc/posix_timers.rs`).
//!
//! A relative sleep a signal interrupts writes the time left and asks to be
//! resumed through `restart_syscall` (Linux's restart block): stopped by
//! `^Z` and continued, `sleep 100` still sleeps 100 seconds in all.

use super::args::SysResult;
use super::uaccess::UserPtr;
use crate::proc::itimer;
use crate::proc::posix_timers;
use crate::proc::task::RestartBlock;
use crate::proc::with_current;
use crate::proc::{sched, task::WaitChannel};
use crate::time;
use abi::errno::{EINVAL, ERESTART_RESTARTBLOCK, ERESTARTNOHAND, Errno};
use abi::time::*;
use abi::types::{Itimerspec, Itimerspec64, Itimerval, Sigevent, Timespec, Timespec64, Timeval};

/// (seconds, nanoseconds) of clock `id`, or `-EINVAL` (Linux's
/// `clockid_to_kclock` and each clock's `clock_get_timespec`). The vDSO
/// (`userspace/vdso/vclock_gettime.c`) answers the same clocks from the
/// same numbers (`time.rs::VVAR`) without a system call; what it cannot
/// answer comes here.
pub(crate) fn clock(id: i32) -> Result<(u64, u32), Errno> {
    match id {
        // TAI: CLOCK_REALTIME plus the TAI offset, 0 until adjtimex sets it.
        CLOCK_REALTIME | CLOCK_TAI | CLOCK_REALTIME_ALARM => Ok(time::realtime()),
        CLOCK_REALTIME_COARSE => Ok(time::realtime_coarse()),
        // Nothing suspends here: BOOTTIME is MONOTONIC.
        CLOCK_MONOTONIC | CLOCK_MONOTONIC_RAW | CLOCK_BOOTTIME | CLOCK_BOOTTIME_ALARM => {
            Ok(time::split_ns(time::uptime_ns()))
        }
        CLOCK_MONOTONIC_COARSE => Ok(time::split_ns(time::coarse_ns())),
        // The CPU time this thread, or all of its process, has used,
        // counted in timer ticks (Linux counts exactly; a tick is 1/HZ).
        CLOCK_THREAD_CPUTIME_ID => {
            let ticks = with_current(|t| t.cpu_ticks);
            Ok(time::split_ns(ticks * u64::from(time::tick_ns())))
        }
        CLOCK_PROCESS_CPUTIME_ID => {
            let c = crate::proc::sched::SCHED.with(|s| {
                let t = s.tasks.get(s.current?)?;
                Some(crate::proc::thread::process_times(s, t))
            });
            let ticks = c.map_or(0, |c| c.utime + c.stime);
            Ok(time::split_ns(ticks * u64::from(time::tick_ns())))
        }
        _ => Err(EINVAL),
    }
}

/// The resolution of clock `id` in nanoseconds (Linux's `clock_getres`):
/// 1 for the high-resolution clocks and the CPU clocks (`CPUCLOCK_SCHED`),
/// a tick for the coarse clocks.
fn resolution(id: i32) -> Result<u32, Errno> {
    match id {
        CLOCK_REALTIME_COARSE | CLOCK_MONOTONIC_COARSE => Ok(time::tick_ns()),
        CLOCK_REALTIME..=CLOCK_BOOTTIME_ALARM | CLOCK_TAI => Ok(1),
        _ => Err(EINVAL),
    }
}

/// `time(*tloc)`: the seconds of the last tick, as Linux's
/// `ktime_get_real_seconds` (and the vDSO's `__vdso_time`).
pub fn sys_time(tloc: UserPtr<i32>) -> SysResult {
    let (s, _) = time::realtime_coarse();
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

/// `clock_getres(id, *res)` with the 32-bit `struct timespec` (`res` may
/// be NULL).
pub fn sys_clock_getres(clock_id: i32, res: UserPtr<Timespec>) -> SysResult {
    let ns = resolution(clock_id)?;
    res.write_opt(&Timespec {
        tv_sec: 0,
        tv_nsec: ns as i32,
    })?;
    Ok(0)
}

/// `clock_getres_time64(id, *res)`.
pub fn sys_clock_getres_time64(clock_id: i32, res: UserPtr<Timespec64>) -> SysResult {
    let ns = resolution(clock_id)?;
    res.write_opt(&Timespec64 {
        tv_sec: 0,
        tv_nsec: i64::from(ns),
    })?;
    Ok(0)
}

/// Nanoseconds of a `timeval` (`-EINVAL` unless valid: Linux's
/// `timeval_valid`).
fn timeval_ns(tv: &Timeval) -> Result<u64, Errno> {
    if tv.tv_sec < 0 || !(0..1_000_000).contains(&tv.tv_usec) {
        return Err(EINVAL);
    }
    Ok(tv.tv_sec as u64 * 1_000_000_000 + tv.tv_usec as u64 * 1000)
}

/// A `timeval` of nanoseconds (truncated to microseconds).
fn ns_timeval(ns: u64) -> Timeval {
    Timeval {
        tv_sec: (ns / 1_000_000_000).min(i32::MAX as u64) as i32,
        tv_usec: (ns % 1_000_000_000 / 1000) as i32,
    }
}

fn itimerval(left: u64, interval: u64) -> Itimerval {
    Itimerval {
        it_interval: ns_timeval(interval),
        it_value: ns_timeval(left),
    }
}

/// `setitimer(which, *new, *old)` (Linux's `kernel/time/itimer.c`): a NULL
/// `new` disarms (a misfeature Linux keeps); `old` gets what was set.
pub fn sys_setitimer(which: i32, new: UserPtr<Itimerval>, old: UserPtr<Itimerval>) -> SysResult {
    let (value, interval) = match new.read_opt()? {
        Some(v) => (timeval_ns(&v.it_value)?, timeval_ns(&v.it_interval)?),
        None => (0, 0),
    };
    if !itimer::valid(which) {
        return Err(EINVAL);
    }
    // A real timer's period counts only while it is armed.
    let interval = if which == ITIMER_REAL && value == 0 {
        0
    } else {
        interval
    };
    let (left, period) = itimer::get_set(which, Some((value, interval)));
    old.write_opt(&itimerval(left, period))?;
    Ok(0)
}

/// `getitimer(which, *value)`.
pub fn sys_getitimer(which: i32, value: UserPtr<Itimerval>) -> SysResult {
    if !itimer::valid(which) {
        return Err(EINVAL);
    }
    let (left, period) = itimer::get_set(which, None);
    value.write(&itimerval(left, period))?;
    Ok(0)
}

/// `alarm(seconds)`: `ITIMER_REAL` once, after `seconds` (0 cancels);
/// returns the seconds the previous alarm had left, rounded to the
/// nearest, and never 0 for one still pending (Linux's `alarm_setitimer`).
pub fn sys_alarm(seconds: u32) -> SysResult {
    let seconds = u64::from(seconds.min(i32::MAX as u32));
    let (left, _) = itimer::get_set(ITIMER_REAL, Some((seconds * 1_000_000_000, 0)));
    let (mut secs, nsec) = (left / 1_000_000_000, left % 1_000_000_000);
    if (secs == 0 && nsec != 0) || nsec >= 500_000_000 {
        secs += 1;
    }
    Ok(secs as usize)
}

/// Sleep until the monotonic clock reaches `deadline_ns` (the first timer
/// tick past it wakes the task); `Err(EINTR)` if a signal arrives first.
pub fn sleep_until(deadline_ns: u64) -> Result<(), Errno> {
    while time::uptime_ns() < deadline_ns {
        if crate::proc::signal::pending() {
            return Err(abi::errno::EINTR);
        }
        sched::sleep(WaitChannel::Until(deadline_ns));
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

/// Sleep until `deadline_ns` for a relative sleep (Linux's `do_nanosleep`):
/// if a signal comes first, the time left goes to `rem` (a user address
/// of a `timespec`, or `timespec64` if `time64`; 0 for none) and the sleep
/// is left for `restart_syscall` to resume, should no handler run.
fn nanosleep_until(deadline_ns: u64, rem: usize, time64: bool) -> SysResult {
    if sleep_until(deadline_ns).is_ok() {
        return Ok(0);
    }
    let left = deadline_ns.saturating_sub(time::uptime_ns());
    let (sec, nsec) = ((left / 1_000_000_000) as i64, (left % 1_000_000_000) as i64);
    if rem != 0 {
        if time64 {
            UserPtr::new(rem).write(&Timespec64 {
                tv_sec: sec,
                tv_nsec: nsec,
            })?;
        } else {
            UserPtr::new(rem).write(&Timespec {
                tv_sec: sec as i32,
                tv_nsec: nsec as i32,
            })?;
        }
    }
    with_current(|t| {
        t.restart_block = Some(RestartBlock::Nanosleep {
            deadline_ns,
            rem,
            time64,
        })
    });
    Err(ERESTART_RESTARTBLOCK)
}

/// `restart_syscall()`'s sleep: the rest of one a signal interrupted.
pub fn nanosleep_restart(deadline_ns: u64, rem: usize, time64: bool) -> SysResult {
    nanosleep_until(deadline_ns, rem, time64)
}

/// `nanosleep(*req, *rem)`.
pub fn sys_nanosleep(req: UserPtr<Timespec>, rem: UserPtr<Timespec>) -> SysResult {
    let r = req.read()?;
    let ns = duration_ns(&Timespec64 {
        tv_sec: r.tv_sec.into(),
        tv_nsec: r.tv_nsec.into(),
    })?;
    nanosleep_until(time::uptime_ns().saturating_add(ns), rem.addr(), false)
}

/// `clock_nanosleep(clock, flags, *req, *rem)` (and `clock_nanosleep_time64`
/// with a 64-bit timespec): relative, or absolute with `TIMER_ABSTIME`
/// (interrupted, that one simply runs again: its end has not moved).
fn clock_nanosleep(
    clock_id: i32,
    flags: u32,
    req: Timespec64,
    rem: usize,
    time64: bool,
) -> SysResult {
    let ns = duration_ns(&req)?;
    let (now_s, now_ns) = clock(clock_id)?;
    let now = now_s * 1_000_000_000 + u64::from(now_ns);
    if flags & TIMER_ABSTIME != 0 {
        sleep_until(time::uptime_ns().saturating_add(ns.saturating_sub(now)))
            .map_err(|_| ERESTARTNOHAND)?;
        return Ok(0);
    }
    nanosleep_until(time::uptime_ns().saturating_add(ns), rem, time64)
}

/// `clock_nanosleep(clock, flags, *req, *rem)`.
pub fn sys_clock_nanosleep(
    clock_id: i32,
    flags: u32,
    req: UserPtr<Timespec>,
    rem: UserPtr<Timespec>,
) -> SysResult {
    let r = req.read()?;
    clock_nanosleep(
        clock_id,
        flags,
        Timespec64 {
            tv_sec: r.tv_sec.into(),
            tv_nsec: r.tv_nsec.into(),
        },
        rem.addr(),
        false,
    )
}

/// `clock_nanosleep_time64(clock, flags, *req, *rem)`.
pub fn sys_clock_nanosleep_time64(
    clock_id: i32,
    flags: u32,
    req: UserPtr<Timespec64>,
    rem: UserPtr<Timespec64>,
) -> SysResult {
    clock_nanosleep(clock_id, flags, req.read()?, rem.addr(), true)
}

/// `timer_create(clock, *sevp, *timerid)`: a POSIX timer
/// (`proc/posix_timers.rs`); a NULL `sevp` is `SIGALRM` carrying the id.
/// The id is written last; if that faults the timer goes again.
pub fn sys_timer_create(
    clock_id: i32,
    sevp: UserPtr<Sigevent>,
    timerid: UserPtr<i32>,
) -> SysResult {
    let ev = sevp.read_opt()?;
    let id = posix_timers::create(clock_id, ev)?;
    if let Err(e) = timerid.write(&id) {
        let _ = posix_timers::delete(id);
        return Err(e);
    }
    Ok(0)
}

/// A `timespec64` as nanoseconds for a timer (Linux's
/// `timespec64_valid`: `-EINVAL` for negative or out-of-range parts).
fn timer_ns(t: &Timespec64) -> Result<u64, Errno> {
    duration_ns(t)
}

fn widen(t: &Timespec) -> Timespec64 {
    Timespec64 {
        tv_sec: t.tv_sec.into(),
        tv_nsec: t.tv_nsec.into(),
    }
}

fn split64(ns: u64) -> Timespec64 {
    Timespec64 {
        tv_sec: (ns / 1_000_000_000) as i64,
        tv_nsec: (ns % 1_000_000_000) as i64,
    }
}

fn split32(ns: u64) -> Timespec {
    Timespec {
        tv_sec: (ns / 1_000_000_000).min(i32::MAX as u64) as i32,
        tv_nsec: (ns % 1_000_000_000) as i32,
    }
}

/// `timer_settime`'s common part: arm timer `id` from (interval, value),
/// returning the old (left, interval). A NULL new setting is `-EINVAL`.
fn timer_settime(
    id: i32,
    flags: u32,
    new: Option<(Timespec64, Timespec64)>,
) -> Result<(u64, u64), Errno> {
    let (interval, value) = new.ok_or(EINVAL)?;
    let (interval, value) = (timer_ns(&interval)?, timer_ns(&value)?);
    posix_timers::set(id, flags & TIMER_ABSTIME != 0, value, interval)
}

/// `timer_settime(id, flags, *new, *old)` with 32-bit `timespec`s.
pub fn sys_timer_settime(
    id: i32,
    flags: u32,
    new: UserPtr<Itimerspec>,
    old: UserPtr<Itimerspec>,
) -> SysResult {
    let n = new
        .read_opt()?
        .map(|n| (widen(&n.it_interval), widen(&n.it_value)));
    let (left, interval) = timer_settime(id, flags, n)?;
    old.write_opt(&Itimerspec {
        it_interval: split32(interval),
        it_value: split32(left),
    })?;
    Ok(0)
}

/// `timer_settime64(id, flags, *new, *old)`.
pub fn sys_timer_settime64(
    id: i32,
    flags: u32,
    new: UserPtr<Itimerspec64>,
    old: UserPtr<Itimerspec64>,
) -> SysResult {
    let n = new.read_opt()?.map(|n| (n.it_interval, n.it_value));
    let (left, interval) = timer_settime(id, flags, n)?;
    old.write_opt(&Itimerspec64 {
        it_interval: split64(interval),
        it_value: split64(left),
    })?;
    Ok(0)
}

/// `timer_gettime(id, *cur)`: time left and the interval.
pub fn sys_timer_gettime(id: i32, cur: UserPtr<Itimerspec>) -> SysResult {
    let (left, interval) = posix_timers::get(id)?;
    cur.write(&Itimerspec {
        it_interval: split32(interval),
        it_value: split32(left),
    })?;
    Ok(0)
}

/// `timer_gettime64(id, *cur)`.
pub fn sys_timer_gettime64(id: i32, cur: UserPtr<Itimerspec64>) -> SysResult {
    let (left, interval) = posix_timers::get(id)?;
    cur.write(&Itimerspec64 {
        it_interval: split64(interval),
        it_value: split64(left),
    })?;
    Ok(0)
}

/// `timer_getoverrun(id)`: the expiries the last signal taken stood for,
/// beyond the first.
pub fn sys_timer_getoverrun(id: i32) -> SysResult {
    Ok(posix_timers::overrun(id)? as usize)
}

/// `timer_delete(id)`.
pub fn sys_timer_delete(id: i32) -> SysResult {
    posix_timers::delete(id)?;
    Ok(0)
}

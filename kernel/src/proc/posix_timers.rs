//! POSIX per-process timers (Linux's `kernel/time/posix-timers.c` and
//! `posix-cpu-timers.c` in small): `timer_create`, `timer_settime`,
//! `timer_gettime`, `timer_getoverrun` and `timer_delete`.
//!
//! A process (`ThreadGroup::posix_timers`) owns its timers, numbered from
//! 0 as Linux numbers them; `fork` does not pass them on and `execve` and
//! the last thread's exit delete them. A timer on a wall or monotonic
//! clock keeps a deadline in uptime nanoseconds that the timer tick
//! ([`tick`]) compares, as `itimer.rs` does for `ITIMER_REAL`; one on a
//! CPU clock counts down the ticks its process (or its thread) is charged.
//!
//! At expiry a timer sends its signal with an `SI_TIMER` `siginfo`, unless
//! the one it sent before is still queued: then it only counts an overrun,
//! which the `siginfo` reports when that signal is taken ([`dequeued`], as
//! Linux's `posixtimer_rearm`) and `timer_getoverrun` after. Each timer
//! holds one entry of `RLIMIT_SIGPENDING` from creation to deletion
//! (Linux's preallocated `sigqueue`), so its signals never fail for lack
//! of room.

use super::sched::Scheduler;
use super::task::Pid;
use abi::errno::{EAGAIN, EINVAL, EOPNOTSUPP, EPERM, Errno};
use abi::signal::{
    SI_TIMER, SIGALRM, SIGEV_NONE, SIGEV_SIGNAL, SIGEV_THREAD, SIGEV_THREAD_ID, SIGRTMAX,
};
use abi::time::*;
use abi::types::{Sigevent, Siginfo};
use core::sync::atomic::{AtomicU64, Ordering};

/// One timer.
#[derive(Clone, Copy, Debug)]
pub struct PosixTimer {
    pub id: i32,
    clock: i32,
    /// `SIGEV_NONE`, or a signal to the process or (`thread`) a thread.
    notify: i32,
    signo: i32,
    value: u32,
    /// Who gets the signal, and for `CLOCK_THREAD_CPUTIME_ID` whose CPU
    /// time counts: the creating thread, or `SIGEV_THREAD_ID`'s.
    target: Pid,
    thread: bool,
    cpu_thread: Pid,
    /// 0: disarmed. A wall or monotonic timer: the uptime deadline; a
    /// CPU-time timer: the nanoseconds of CPU time left.
    expires: u64,
    interval: u64,
    /// Expiries not signalled since the last signal was queued, and their
    /// count when it was taken (`timer_getoverrun`).
    overrun: u32,
    overrun_last: u32,
    /// Its signal is queued and not taken yet.
    queued: bool,
}

impl PosixTimer {
    fn cpu(&self) -> bool {
        matches!(
            self.clock,
            CLOCK_PROCESS_CPUTIME_ID | CLOCK_THREAD_CPUTIME_ID
        )
    }
}

/// The earliest deadline of any armed wall or monotonic timer
/// (`u64::MAX`: none), so the tick looks at the processes only then.
static NEXT: AtomicU64 = AtomicU64::new(u64::MAX);

/// Linux's `DELAYTIMER_MAX`: overruns saturate there.
const DELAYTIMER_MAX: u32 = i32::MAX as u32;

/// The process's timers.
fn timers(t: &mut super::task::Task) -> &mut alloc::vec::Vec<PosixTimer> {
    &mut t.group.posix_timers
}

/// `timer_create(clock, *sevp, *id)`: the checks of Linux's
/// `do_timer_create` and `good_sigevent`. `ev` `None` is Linux's default:
/// `SIGALRM` to the process, carrying the timer's id.
pub fn create(clock: i32, ev: Option<Sigevent>) -> Result<i32, Errno> {
    match clock {
        CLOCK_REALTIME | CLOCK_MONOTONIC | CLOCK_BOOTTIME | CLOCK_TAI => {}
        CLOCK_PROCESS_CPUTIME_ID | CLOCK_THREAD_CPUTIME_ID => {}
        // The alarm clocks need CAP_WAKE_ALARM (alarm_timer_create).
        CLOCK_REALTIME_ALARM | CLOCK_BOOTTIME_ALARM => {
            if !super::with_current(|t| t.cred.capable(abi::cred::CAP_WAKE_ALARM)) {
                return Err(EPERM);
            }
        }
        // Clocks without timers (no k_clock timer_create).
        CLOCK_MONOTONIC_RAW | CLOCK_REALTIME_COARSE | CLOCK_MONOTONIC_COARSE => {
            return Err(EOPNOTSUPP);
        }
        _ => return Err(EINVAL),
    }
    super::sched::SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let t = s.tasks.get(me).expect("current task");
        let tgid = t.tgid;
        let (notify, signo, value, target, thread) = match ev {
            None => (SIGEV_SIGNAL, SIGALRM, None, tgid, false),
            Some(e) => {
                let mut target = tgid;
                let thread = e.sigev_notify == SIGEV_SIGNAL | SIGEV_THREAD_ID;
                if thread {
                    let tid = u32::try_from(e.sigev_notify_thread_id).map_err(|_| EINVAL)?;
                    match s.tasks.get(tid) {
                        Some(th) if th.tgid == tgid => target = tid,
                        _ => return Err(EINVAL),
                    }
                } else if !matches!(e.sigev_notify, SIGEV_SIGNAL | SIGEV_THREAD | SIGEV_NONE) {
                    return Err(EINVAL);
                }
                if e.sigev_notify != SIGEV_NONE && !(1..=SIGRTMAX).contains(&e.sigev_signo) {
                    return Err(EINVAL);
                }
                let notify = if e.sigev_notify == SIGEV_NONE {
                    SIGEV_NONE
                } else {
                    SIGEV_SIGNAL
                };
                (notify, e.sigev_signo, Some(e.sigev_value), target, thread)
            }
        };
        let limit = t.rlimits[abi::resource::RLIMIT_SIGPENDING as usize].cur;
        let t = s.tasks.get_mut(me).expect("current task");
        let g = &mut *t.group;
        if g.sigqueued as u64 >= limit {
            return Err(EAGAIN);
        }
        // The lowest free id from the process's counter up, wrapping at
        // INT_MAX (Linux's posix_timer_add).
        let mut id = g.next_timer_id;
        for _ in 0..=g.posix_timers.len() {
            if !g.posix_timers.iter().any(|p| p.id == id) {
                break;
            }
            id = if id == i32::MAX { 0 } else { id + 1 };
        }
        g.next_timer_id = if id == i32::MAX { 0 } else { id + 1 };
        crate::mm::heap::for_user(|| g.posix_timers.try_reserve(1)).map_err(|_| EAGAIN)?;
        g.posix_timers.push(PosixTimer {
            id,
            clock,
            notify,
            signo,
            value: value.unwrap_or(id as u32),
            target,
            thread,
            cpu_thread: me,
            expires: 0,
            interval: 0,
            overrun: 0,
            overrun_last: 0,
            queued: false,
        });
        g.sigqueued += 1;
        Ok(id)
    })
}

/// Run `f` on the current process's timer `id`; `-EINVAL` if none.
fn with_timer<R>(id: i32, f: impl FnOnce(&mut PosixTimer) -> R) -> Result<R, Errno> {
    super::with_current(|t| timers(t).iter_mut().find(|p| p.id == id).map(f)).ok_or(EINVAL)
}

/// The clock's reading now, in nanoseconds (CPU clocks: of the caller's
/// process or thread).
fn now_of(clock: i32) -> Result<u64, Errno> {
    let (s, ns) = crate::syscall::time::clock(clock)?;
    Ok(s.saturating_mul(1_000_000_000) + u64::from(ns))
}

/// (Time left, interval) of timer `id`, in nanoseconds (Linux's
/// `common_timer_get`): 0 left when disarmed.
pub fn get(id: i32) -> Result<(u64, u64), Errno> {
    let now = crate::time::uptime_ns();
    with_timer(id, |p| {
        let left = match p.expires {
            0 => 0,
            e if p.cpu() => e,
            e => e.saturating_sub(now),
        };
        (left, p.interval)
    })
}

/// `timer_settime`: arm timer `id` to fire at `value` (relative, or with
/// `abstime` a reading of its clock) and every `interval` after; a zero
/// `value` disarms. Returns what `get` returned before.
pub fn set(id: i32, abstime: bool, value: u64, interval: u64) -> Result<(u64, u64), Errno> {
    let clock = with_timer(id, |p| p.clock)?;
    let old = get(id)?;
    // Left from now, in the timer's own terms.
    let left = if value == 0 {
        0
    } else if abstime {
        value.saturating_sub(now_of(clock)?).max(1)
    } else {
        value
    };
    let now = crate::time::uptime_ns();
    with_timer(id, |p| {
        p.overrun = 0;
        p.interval = if left == 0 { 0 } else { interval };
        p.expires = match left {
            0 => 0,
            l if p.cpu() => l,
            l => now.saturating_add(l),
        };
        if p.expires != 0 && !p.cpu() {
            NEXT.fetch_min(p.expires, Ordering::Relaxed);
        }
    })?;
    Ok(old)
}

/// `timer_getoverrun`: the overruns the last signal taken reported.
pub fn overrun(id: i32) -> Result<u32, Errno> {
    with_timer(id, |p| p.overrun_last)
}

/// `timer_delete`: its signal, if queued, is still delivered (Linux's
/// `sigqueue_free` leaves a queued entry to its dequeue).
pub fn delete(id: i32) -> Result<(), Errno> {
    super::with_current(|t| {
        let g = &mut *t.group;
        let i = g
            .posix_timers
            .iter()
            .position(|p| p.id == id)
            .ok_or(EINVAL)?;
        g.posix_timers.remove(i);
        g.sigqueued -= 1;
        Ok(())
    })
}

/// Delete all of a process's timers (`execve`, the last thread's exit:
/// Linux's `exit_itimers`).
pub fn exit_timers(g: &mut super::thread::ThreadGroup) {
    g.sigqueued -= g.posix_timers.len();
    g.posix_timers.clear();
}

/// A timer signal was just taken off the queue (`signal::dequeue`): fill
/// in the overruns since it was queued, and let the timer queue another.
pub fn dequeued(g: &mut super::thread::ThreadGroup, info: &mut Siginfo) {
    let id = info.fields[0] as i32;
    if let Some(p) = g.posix_timers.iter_mut().find(|p| p.id == id) {
        p.queued = false;
        p.overrun_last = p.overrun;
        p.overrun = 0;
        info.fields[1] = p.overrun_last; // si_overrun
    }
}

/// A timer's queued signal was thrown away unseen (a `SIGCONT` discards
/// a pending stop signal): the timer may queue again, as Linux's unlinked
/// preallocated `sigqueue` lets it.
pub fn discarded(timers: &mut [PosixTimer], id: i32) {
    if let Some(p) = timers.iter_mut().find(|p| p.id == id) {
        p.queued = false;
    }
}

/// What the tick found due: sent after the scheduler is released.
#[derive(Clone, Copy, Default)]
pub struct Due {
    tgid: Pid,
    id: i32,
}

/// The due timers of one tick: a fixed few (an interrupt allocates
/// nothing); one that finds no room fires at the next tick.
#[derive(Default)]
pub struct Fired {
    list: [Due; 8],
    len: usize,
}

impl Fired {
    fn push(&mut self, d: Due) -> bool {
        let Some(slot) = self.list.get_mut(self.len) else {
            return false;
        };
        *slot = d;
        self.len += 1;
        true
    }
}

/// Move an expired timer to its next period, counting the periods that
/// went by unsignalled as overruns (Linux's `hrtimer_forward`); `late` is
/// how far past its expiry it is.
fn forward(p: &mut PosixTimer, late: u64) -> u64 {
    match p.interval {
        0 => 0,
        i => {
            let missed = late / i;
            p.overrun = p
                .overrun
                .saturating_add(missed.min(u64::from(DELAYTIMER_MAX)) as u32);
            p.overrun = p.overrun.min(DELAYTIMER_MAX);
            i - late % i
        }
    }
}

/// One expiry of `p`: a signal to send (`true`), or an overrun if its
/// last signal is still queued, or nothing for `SIGEV_NONE`.
fn expire(p: &mut PosixTimer) -> bool {
    if p.notify == SIGEV_NONE {
        false
    } else if p.queued {
        p.overrun = (p.overrun + 1).min(DELAYTIMER_MAX);
        false
    } else {
        true
    }
}

/// The timer tick (`sched::timer_tick`): charge the running thread's
/// process's CPU-time timers `tick_ns`, and expire the wall and monotonic
/// timers that are due.
pub fn tick(s: &mut Scheduler, current: Option<Pid>, tick_ns: u64, fired: &mut Fired) {
    let running = current.and_then(|p| s.tasks.get_mut(p));
    if let Some(t) = running.filter(|t| t.state == super::task::TaskState::Runnable) {
        let (me, tgid) = (t.pid, t.tgid);
        for p in t.group.posix_timers.iter_mut() {
            let counts = p.clock == CLOCK_PROCESS_CPUTIME_ID
                || (p.clock == CLOCK_THREAD_CPUTIME_ID && p.cpu_thread == me);
            if !counts || p.expires == 0 {
                continue;
            }
            if p.expires > tick_ns {
                p.expires -= tick_ns;
            } else if !expire(p) || fired.push(Due { tgid, id: p.id }) {
                let late = tick_ns - p.expires;
                p.expires = forward(p, late);
            }
        }
    }
    let now = crate::time::uptime_ns();
    if now < NEXT.load(Ordering::Relaxed) {
        return;
    }
    let mut next = u64::MAX;
    for t in s.tasks.iter_mut().filter(|t| t.pid == t.tgid) {
        let tgid = t.tgid;
        for p in t.group.posix_timers.iter_mut().filter(|p| !p.cpu()) {
            if p.expires != 0
                && p.expires <= now
                && (!expire(p) || fired.push(Due { tgid, id: p.id }))
            {
                let late = now - p.expires;
                p.expires = match forward(p, late) {
                    0 => 0,
                    n => now.saturating_add(n),
                };
            }
            if p.expires != 0 {
                next = next.min(p.expires);
            }
        }
    }
    NEXT.store(next, Ordering::Relaxed);
}

/// Send the signals of the timers `tick` found due (Linux's
/// `posix_timer_event`): to the process, or to the thread of
/// `SIGEV_THREAD_ID`. A signal the target ignores is not queued, and the
/// timer goes on.
pub fn send_fired(fired: &Fired) {
    for d in &fired.list[..fired.len] {
        let found = super::sched::SCHED.with(|s| {
            let t = s.tasks.get_mut(d.tgid)?;
            let p = t.group.posix_timers.iter_mut().find(|p| p.id == d.id)?;
            p.queued = true;
            Some(*p)
        });
        let Some(p) = found else { continue };
        let mut info = Siginfo::ZERO;
        info.si_signo = p.signo;
        info.si_code = SI_TIMER;
        info.fields[0] = p.id as u32; // si_tid
        info.fields[2] = p.value; // si_value
        let sent = if p.thread {
            super::signal::send_queued(p.target, p.signo, info, false)
        } else {
            super::signal::send_queued(d.tgid, p.signo, info, true)
        };
        if !matches!(sent, Ok(true)) {
            super::sched::SCHED.with(|s| {
                if let Some(t) = s.tasks.get_mut(d.tgid)
                    && let Some(q) = t.group.posix_timers.iter_mut().find(|q| q.id == d.id)
                {
                    q.queued = false;
                }
            });
        }
    }
}

//! Signal system calls: dispositions, masks, sending (to a process, a
//! process group or everyone), waiting for a signal (`pause`,
//! `sigsuspend`), the return from a handler, and `restart_syscall`.
//! Delivery itself (frames on the user stack) is in `proc/signal.rs`.

use super::args::{SysResult, SyscallContext};
use super::uaccess::UserPtr;
use crate::proc::sched::{self, SCHED};
use crate::proc::task::{Pid, RestartBlock, WaitChannel};
use crate::proc::{jobctl, signal, with_current};
use abi::errno::{EAGAIN, EINTR, EINVAL, EPERM, ERESTARTNOHAND, ESRCH, Errno};
use abi::signal::{
    NSIG, SA_NODEFER, SA_RESETHAND, SI_TKILL, SI_USER, SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK,
    SIGKILL, SIGSTOP,
};
use abi::types::{KSigaction, OldSigaction, Siginfo, SignalStack, Timespec, Timespec64};

fn valid(sig: i32) -> bool {
    (1..=NSIG as i32).contains(&sig)
}

/// Change signal `sig`'s disposition to `new` (if any) and return the old
/// one (Linux's `do_sigaction`): the one place every sigaction call goes.
fn do_sigaction(sig: i32, new: Option<KSigaction>) -> Result<KSigaction, Errno> {
    if !valid(sig) || (new.is_some() && (sig == SIGKILL || sig == SIGSTOP)) {
        return Err(EINVAL);
    }
    Ok(with_current(|t| {
        let slot = &mut t.sigactions[sig as usize - 1];
        let old = *slot;
        if let Some(a) = new {
            *slot = a;
        }
        old
    }))
}

/// `rt_sigaction(sig, *act, *oact, sigsetsize)`.
pub fn sys_rt_sigaction(
    sig: i32,
    act: UserPtr<KSigaction>,
    oact: UserPtr<KSigaction>,
    sigsetsize: usize,
) -> SysResult {
    if !valid(sig) || sigsetsize != 8 {
        return Err(EINVAL);
    }
    let old = do_sigaction(sig, act.read_opt()?)?;
    oact.write_opt(&old)?;
    Ok(0)
}

/// `sigaction(sig, *act, *oact)` (67): the old call, with a one-word mask
/// (Linux's `sys_sigaction` with `struct old_sigaction`).
pub fn sys_sigaction(
    sig: i32,
    act: UserPtr<OldSigaction>,
    oact: UserPtr<OldSigaction>,
) -> SysResult {
    let new = act.read_opt()?.map(|a| KSigaction {
        sa_handler: a.sa_handler,
        sa_flags: a.sa_flags,
        sa_restorer: a.sa_restorer,
        sa_mask: [a.sa_mask, 0],
    });
    let old = do_sigaction(sig, new)?;
    oact.write_opt(&OldSigaction {
        sa_handler: old.sa_handler,
        sa_mask: old.sa_mask[0],
        sa_flags: old.sa_flags,
        sa_restorer: old.sa_restorer,
    })?;
    Ok(0)
}

/// `signal(sig, handler)` (48): a one-shot handler that does not block
/// its own signal (`SA_RESETHAND | SA_NODEFER`, System V's semantics);
/// returns the old handler (Linux's `sys_signal`).
pub fn sys_signal(sig: i32, handler: u32) -> SysResult {
    let new = KSigaction {
        sa_handler: handler,
        sa_flags: SA_RESETHAND | SA_NODEFER,
        sa_restorer: 0,
        sa_mask: [0, 0],
    };
    Ok(do_sigaction(sig, Some(new))?.sa_handler as usize)
}

/// Apply `how` with `bits` to the blocked mask (Linux's `sigprocmask`);
/// `SIGKILL` and `SIGSTOP` are never blocked.
fn set_blocked(how: u32, bits: u64) -> Result<(), Errno> {
    if how > SIG_SETMASK {
        return Err(EINVAL);
    }
    let bits = bits & !(1 << (SIGKILL - 1) | 1 << (SIGSTOP - 1));
    with_current(|t| {
        t.sigmask = match how {
            SIG_BLOCK => t.sigmask | bits,
            SIG_UNBLOCK => t.sigmask & !bits,
            _ => bits, // SIG_SETMASK
        }
    });
    Ok(())
}

/// `rt_sigprocmask(how, *set, *oset, sigsetsize)`.
pub fn sys_rt_sigprocmask(
    how: i32,
    set: UserPtr<[u32; 2]>,
    oset: UserPtr<[u32; 2]>,
    sigsetsize: usize,
) -> SysResult {
    if sigsetsize != 8 {
        return Err(EINVAL);
    }
    let new = set.read_opt()?;
    // Compared unsigned: a negative `how` is as invalid as a large one.
    let how = how as u32;
    if new.is_some() && how > SIG_SETMASK {
        return Err(EINVAL);
    }
    let old = with_current(|t| t.sigmask);
    oset.write_opt(&[old as u32, (old >> 32) as u32])?;
    if let Some(s) = new {
        set_blocked(how, u64::from(s[1]) << 32 | u64::from(s[0]))?;
    }
    Ok(0)
}

/// `sigprocmask(how, *set, *oset)` (126): the old call on signals 1 to
/// 32. `SIG_SETMASK` replaces only those; the new mask is set before the
/// old one is written out, as Linux's `sys_sigprocmask` does.
pub fn sys_sigprocmask(how: i32, set: UserPtr<u32>, oset: UserPtr<u32>) -> SysResult {
    let old = with_current(|t| t.sigmask);
    if let Some(s) = set.read_opt()? {
        let (how, bits) = match how as u32 {
            SIG_SETMASK => (SIG_SETMASK, old & !0xFFFF_FFFF | u64::from(s)),
            h => (h, u64::from(s)),
        };
        set_blocked(how, bits)?;
    }
    oset.write_opt(&(old as u32))?;
    Ok(0)
}

/// `rt_sigpending(*set, sigsetsize)`: the signals raised while blocked.
pub fn sys_rt_sigpending(set: UserPtr<[u32; 2]>, sigsetsize: usize) -> SysResult {
    if sigsetsize > 8 {
        return Err(EINVAL);
    }
    let p = with_current(|t| (t.sigpending | t.group.shared_pending) & t.sigmask);
    set.write(&[p as u32, (p >> 32) as u32])?;
    Ok(0)
}

/// `sigpending(*set)` (73): the same for signals 1 to 32.
pub fn sys_sigpending(set: UserPtr<u32>) -> SysResult {
    let p = with_current(|t| (t.sigpending | t.group.shared_pending) & t.sigmask);
    set.write(&(p as u32))?;
    Ok(0)
}

/// `sigaltstack(*ss, *old_ss)`: the alternate signal stack
/// (`proc/signal.rs::do_sigaltstack`), judged from the caller's stack
/// pointer. `old_ss` is written only if the call succeeds, as Linux does.
pub fn sys_sigaltstack(
    ctx: &mut SyscallContext,
    ss: UserPtr<SignalStack>,
    old_ss: UserPtr<SignalStack>,
) -> SysResult {
    let new = ss.read_opt()?;
    let old = signal::do_sigaltstack(new, ctx.regs.sp as usize)?;
    old_ss.write_opt(&old)?;
    Ok(0)
}

/// The `siginfo_t` of a signal a process sends: `code`, its pid and its
/// real uid (Linux's `prepare_kill_siginfo`).
fn kill_info(sig: i32, code: i32) -> Siginfo {
    let (me, uid) = with_current(|t| (t.tgid, t.cred.uid));
    let mut info = signal::user_info(sig, code, me);
    info.fields[1] = uid;
    info
}

/// Send a signal a process asks for (0: only check) to the process of
/// task `target` (`group`) or to that thread alone.
fn send(target: i32, sig: i32, code: i32, group: bool) -> SysResult {
    let target = u32::try_from(target).map_err(|_| ESRCH)?;
    signal::check_kill_permission(sig, target)?;
    queue(target, sig, kill_info(sig, code), group)
}

/// Queue a checked signal (0: nothing to queue) for `target`. Init keeps
/// only the signals it has handlers for (`proc/signal.rs`, Linux's
/// `SIGNAL_UNKILLABLE`): `SIGKILL` from a program must not power off.
fn queue(target: Pid, sig: i32, info: Siginfo, group: bool) -> SysResult {
    if group {
        signal::send_process(target, sig, info)?;
    } else {
        signal::send(target, sig, info)?;
    }
    Ok(0)
}

/// `kill(pid, sig)` (Linux's `kill_something_info`): `pid` > 0 is one
/// process; 0 the caller's process group, `-pgrp` another group (`ESRCH`
/// if empty; 0 if the signal reached a member, else the last error); -1
/// every process but init and the caller (`ESRCH` if there is none; a
/// refusal, `EPERM`, only if nothing else failed).
pub fn sys_kill(pid: i32, sig: i32) -> SysResult {
    if pid > 0 {
        return send(pid, sig, SI_USER, true);
    }
    if pid == i32::MIN {
        return Err(ESRCH); // -INT_MIN names no group
    }
    let info = kill_info(sig, SI_USER);
    if pid != -1 {
        let pgrp = if pid == 0 {
            with_current(|t| t.pgid)
        } else {
            -pid as Pid
        };
        jobctl::kill_pgrp(pgrp, sig, info, true)?;
        return Ok(0);
    }
    let me = with_current(|t| t.tgid);
    let (mut count, mut ret) = (0, Ok(()));
    let mut p = 1;
    // One process at a time (threads are their leader's), no borrow held
    // while signalling.
    while let Some(next) = SCHED.with(|s| s.tasks.next_pid(p)) {
        p = next;
        let leader = SCHED.with(|s| s.tasks.get(next).is_some_and(|t| t.tgid == next));
        if next == me || !leader {
            continue;
        }
        count += 1;
        let r = signal::check_kill_permission(sig, next)
            .and_then(|()| signal::send_process(next, sig, info));
        if r != Err(EPERM) {
            ret = r;
        }
    }
    if count == 0 {
        return Err(ESRCH);
    }
    ret.map(|()| 0)
}

/// `-ESRCH` unless thread `tid` belongs to process `tgid` (Linux's
/// `do_send_specific`).
fn thread_of(tgid: i32, tid: i32) -> Result<(), abi::errno::Errno> {
    let ok = SCHED.with(|s| {
        s.tasks
            .get(tid as Pid)
            .is_some_and(|t| t.tgid == tgid as Pid)
    });
    if ok { Ok(()) } else { Err(ESRCH) }
}

/// `tgkill(tgid, tid, sig)`.
pub fn sys_tgkill(tgid: i32, tid: i32, sig: i32) -> SysResult {
    if tgid <= 0 || tid <= 0 {
        return Err(EINVAL);
    }
    thread_of(tgid, tid)?;
    send(tid, sig, SI_TKILL, false)
}

/// `tkill(tid, sig)` (musl's `raise`).
pub fn sys_tkill(tid: i32, sig: i32) -> SysResult {
    if tid <= 0 {
        return Err(EINVAL);
    }
    send(tid, sig, SI_TKILL, false)
}

/// `rt_sigqueueinfo(pid, sig, *info)` (`sigqueue`): a signal with a
/// `siginfo` the caller wrote. Only to itself may a process send one that
/// claims to come from the kernel (`si_code >= 0`) or from `tkill`: that is
/// Linux's `do_rt_sigqueueinfo` (`-EPERM`); then the checks of `kill`.
pub fn sys_rt_sigqueueinfo(pid: i32, sig: i32, uinfo: UserPtr<Siginfo>) -> SysResult {
    let mut info = uinfo.read()?;
    info.si_signo = sig;
    let me = with_current(|t| t.tgid);
    if (info.si_code >= 0 || info.si_code == SI_TKILL) && pid != me as i32 {
        return Err(EPERM);
    }
    // No process groups here: only a pid names a target.
    let target = u32::try_from(pid).ok().filter(|&p| p > 0).ok_or(ESRCH)?;
    signal::check_kill_permission(sig, target)?;
    queue(target, sig, info, true)
}

/// `rt_tgsigqueueinfo(tgid, tid, sig, *info)` (glibc's `pthread_sigqueue`):
/// `rt_sigqueueinfo` to one thread of process `tgid` (Linux's
/// `do_rt_tgsigqueueinfo`): `-EINVAL` for a non-positive id, the same
/// `-EPERM` rule with the thread as the target, `-ESRCH` if the thread is
/// not in that process.
pub fn sys_rt_tgsigqueueinfo(tgid: i32, tid: i32, sig: i32, uinfo: UserPtr<Siginfo>) -> SysResult {
    if tgid <= 0 || tid <= 0 {
        return Err(EINVAL);
    }
    let mut info = uinfo.read()?;
    info.si_signo = sig;
    let me = with_current(|t| t.pid);
    if (info.si_code >= 0 || info.si_code == SI_TKILL) && tid != me as i32 {
        return Err(EPERM);
    }
    thread_of(tgid, tid)?;
    signal::check_kill_permission(sig, tid as Pid)?;
    queue(tid as Pid, sig, info, false)
}

/// Sleep until a signal comes that is not blocked by `mask`, then let it
/// be delivered with the old mask saved for its handler's return (Linux's
/// `sigsuspend`): never returns success (`EINTR` after a handler; a
/// signal that runs none, a stop, restarts the wait).
fn sigsuspend(mask: u64) -> SysResult {
    let kill_stop = signal::sigbit(SIGKILL) | signal::sigbit(SIGSTOP);
    with_current(|t| {
        t.saved_sigmask = Some(t.sigmask);
        t.sigmask = mask & !kill_stop;
    });
    while !signal::pending() {
        sched::sleep(WaitChannel::Signal);
    }
    Err(ERESTARTNOHAND)
}

/// `rt_sigsuspend(*mask, sigsetsize)`.
pub fn sys_rt_sigsuspend(mask: UserPtr<[u32; 2]>, sigsetsize: usize) -> SysResult {
    if sigsetsize != 8 {
        return Err(EINVAL);
    }
    let m = mask.read()?;
    sigsuspend(u64::from(m[1]) << 32 | u64::from(m[0]))
}

/// `sigsuspend(_, _, mask)`: the old call, whose mask (the first 32
/// signals) i386 passes third (Linux's `OLD_SIGSUSPEND3`).
pub fn sys_sigsuspend(_unused1: i32, _unused2: i32, mask: u32) -> SysResult {
    sigsuspend(u64::from(mask))
}

/// Wait for a signal of `set` (usually blocked) and take it without
/// running a handler (Linux's `do_sigtimedwait`): its number, with its
/// `siginfo` written to `info` (if not NULL). `timeout_ns` `None` waits
/// for ever, `Some(0)` only looks. Another signal the caller does not
/// block ends the wait with `-EINTR`; the timeout with `-EAGAIN`.
fn sigtimedwait(set: u64, info: UserPtr<Siginfo>, timeout_ns: Option<u64>) -> SysResult {
    let set = set & !(signal::sigbit(SIGKILL) | signal::sigbit(SIGSTOP));
    let deadline = timeout_ns.map(|ns| crate::time::uptime_ns().saturating_add(ns));
    let mut got = signal::dequeue(set);
    let mut timed_out = timeout_ns == Some(0);
    if got.is_none() && !timed_out {
        // Let the set through while waiting (Linux's real_blocked), so
        // that its signals wake the task.
        let blocked = with_current(|t| {
            t.real_blocked = t.sigmask;
            t.sigmask &= !set;
            t.real_blocked
        });
        loop {
            if signal::pending() {
                break;
            }
            match deadline {
                Some(d) if crate::time::uptime_ns() >= d => {
                    timed_out = true;
                    break;
                }
                Some(d) => sched::sleep(WaitChannel::Until(d)),
                None => sched::sleep(WaitChannel::Signal),
            }
        }
        with_current(|t| {
            t.sigmask = blocked;
            t.real_blocked = 0;
        });
        got = signal::dequeue(set);
    }
    match got {
        Some((sig, si)) => {
            info.write_opt(&si)?;
            Ok(sig as usize)
        }
        None if timed_out => Err(EAGAIN),
        None => Err(EINTR),
    }
}

/// Nanoseconds of a relative timeout (`-EINVAL` unless a valid timespec).
fn timeout_ns(sec: i64, nsec: i64) -> Result<u64, Errno> {
    if sec < 0 || !(0..1_000_000_000).contains(&nsec) {
        return Err(EINVAL);
    }
    Ok((sec as u64).saturating_mul(1_000_000_000) + nsec as u64)
}

/// Both `rt_sigtimedwait`s, in Linux's order: the set's size, the set,
/// then the timeout (`read_timeout`, in the caller's `timespec`), then
/// the wait.
fn sigtimedwait_from_user(
    set: UserPtr<[u32; 2]>,
    info: UserPtr<Siginfo>,
    sigsetsize: usize,
    read_timeout: impl FnOnce() -> Result<Option<(i64, i64)>, Errno>,
) -> SysResult {
    if sigsetsize != 8 {
        return Err(EINVAL);
    }
    let s = set.read()?;
    let t = read_timeout()?
        .map(|(sec, nsec)| timeout_ns(sec, nsec))
        .transpose()?;
    sigtimedwait(u64::from(s[1]) << 32 | u64::from(s[0]), info, t)
}

/// `rt_sigtimedwait(*set, *info, *timeout, sigsetsize)`, 32-bit timespec.
pub fn sys_rt_sigtimedwait(
    set: UserPtr<[u32; 2]>,
    info: UserPtr<Siginfo>,
    timeout: UserPtr<Timespec>,
    sigsetsize: usize,
) -> SysResult {
    sigtimedwait_from_user(set, info, sigsetsize, || {
        Ok(timeout
            .read_opt()?
            .map(|t| (t.tv_sec.into(), t.tv_nsec.into())))
    })
}

/// `rt_sigtimedwait_time64(*set, *info, *timeout, sigsetsize)`.
pub fn sys_rt_sigtimedwait_time64(
    set: UserPtr<[u32; 2]>,
    info: UserPtr<Siginfo>,
    timeout: UserPtr<Timespec64>,
    sigsetsize: usize,
) -> SysResult {
    sigtimedwait_from_user(set, info, sigsetsize, || {
        Ok(timeout.read_opt()?.map(|t| (t.tv_sec, t.tv_nsec)))
    })
}

/// `pause()`: sleep until a signal is delivered.
pub fn sys_pause() -> SysResult {
    while !signal::pending() {
        sched::sleep(WaitChannel::Signal);
    }
    Err(ERESTARTNOHAND)
}

/// `restart_syscall()`: resume the call a signal interrupted that left a
/// restart block (the return path calls it, never a program knowingly);
/// with none, `EINTR` (Linux's `do_no_restart_syscall`).
pub fn sys_restart_syscall() -> SysResult {
    match with_current(|t| t.restart_block.take()) {
        Some(RestartBlock::Nanosleep {
            deadline_ns,
            rem,
            time64,
        }) => super::time::nanosleep_restart(deadline_ns, rem, time64),
        Some(RestartBlock::Futex {
            uaddr,
            val,
            bitset,
            shared,
            deadline_ns,
        }) => crate::proc::futex::wait(
            uaddr,
            val,
            bitset,
            shared,
            Some(crate::proc::futex::Timeout { deadline_ns }),
        ),
        None => Err(EINTR),
    }
}

/// `sigreturn()`: back from a handler (`proc/signal.rs`).
pub fn sys_sigreturn(ctx: &mut SyscallContext) -> SysResult {
    signal::sys_sigreturn(ctx.regs)
}

/// `rt_sigreturn()`: back from an `SA_SIGINFO` handler.
pub fn sys_rt_sigreturn(ctx: &mut SyscallContext) -> SysResult {
    signal::sys_rt_sigreturn(ctx.regs)
}

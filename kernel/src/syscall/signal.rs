//! Signal system calls: dispositions, masks, sending (to a process, a
//! process group or everyone), waiting for a signal (`pause`,
//! `sigsuspend`), the return from a handler, and `restart_syscall`.
//! Delivery itself (frames on the user stack) is in `proc/signal.rs`.

use super::args::{SysResult, SyscallContext};
use super::uaccess::UserPtr;
use crate::proc::sched::{self, SCHED};
use crate::proc::task::{Pid, RestartBlock, WaitChannel};
use crate::proc::{jobctl, signal, with_current};
use abi::errno::{EINTR, EINVAL, EPERM, ERESTARTNOHAND, ESRCH};
use abi::signal::{
    NSIG, SI_TKILL, SI_USER, SIG_BLOCK, SIG_SETMASK, SIG_UNBLOCK, SIGKILL, SIGSTOP, SS_DISABLE,
};
use abi::types::{KSigaction, Siginfo, SignalStack};

fn valid(sig: i32) -> bool {
    (1..=NSIG as i32).contains(&sig)
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
    let new = act.read_opt()?;
    if new.is_some() && (sig == SIGKILL || sig == SIGSTOP) {
        return Err(EINVAL);
    }
    let old = with_current(|t| t.sigactions[sig as usize - 1]);
    oact.write_opt(&old)?;
    if let Some(a) = new {
        with_current(|t| t.sigactions[sig as usize - 1] = a);
    }
    Ok(0)
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
        // SIGKILL and SIGSTOP cannot be blocked.
        let bits =
            (u64::from(s[1]) << 32 | u64::from(s[0])) & !(1 << (SIGKILL - 1) | 1 << (SIGSTOP - 1));
        with_current(|t| {
            t.sigmask = match how {
                SIG_BLOCK => t.sigmask | bits,
                SIG_UNBLOCK => t.sigmask & !bits,
                _ => bits, // SIG_SETMASK
            }
        });
    }
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

/// `sigaltstack(*ss, *old_ss)`: reports "disabled".
pub fn sys_sigaltstack(_ss: UserPtr<SignalStack>, old_ss: UserPtr<SignalStack>) -> SysResult {
    let mut s = SignalStack::ZERO;
    s.ss_flags = SS_DISABLE as i32;
    old_ss.write_opt(&s)?;
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

/// `tgkill(tgid, tid, sig)`.
pub fn sys_tgkill(tgid: i32, tid: i32, sig: i32) -> SysResult {
    if tgid <= 0 || tid <= 0 {
        return Err(EINVAL);
    }
    // The thread must belong to that process (Linux's do_send_specific).
    let in_group = SCHED.with(|s| {
        s.tasks
            .get(tid as Pid)
            .is_some_and(|t| t.tgid == tgid as Pid)
    });
    if !in_group {
        return Err(ESRCH);
    }
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

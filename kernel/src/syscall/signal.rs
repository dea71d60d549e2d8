//! Signal system calls: dispositions, masks, sending, and the return from
//! a handler. Delivery itself (frames on the user stack) is in
//! `proc/signal.rs`.

use super::args::{SysResult, SyscallContext};
use super::uaccess::UserPtr;
use crate::proc::task::Pid;
use crate::proc::{signal, with_current};
use abi::errno::{EINVAL, EPERM, ESRCH};
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
    let p = with_current(|t| t.sigpending & t.sigmask);
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

/// Send `sig` (0: only check) to `pid`; `0` and `-1` (group, everyone)
/// mean the caller itself here: each process is its own group, and there is
/// no one else a broadcast would reach that a teaching kernel must kill.
fn send(pid: i32, sig: i32, code: i32) -> SysResult {
    let me = with_current(|t| t.pid);
    let target = if pid == 0 || pid == -1 {
        me
    } else {
        u32::try_from(pid).map_err(|_| ESRCH)?
    };
    signal::check_kill_permission(sig, target)?;
    let mut info = signal::user_info(sig, code, me);
    // si_uid: the sender's real uid (Linux's prepare_kill_siginfo).
    info.fields[1] = with_current(|t| t.cred.uid);
    queue(target, sig, info)
}

/// Queue a checked signal (0: nothing to queue) for `target`.
fn queue(target: Pid, sig: i32, info: Siginfo) -> SysResult {
    if sig == 0 {
        return Ok(0);
    }
    // Init gets only the signals it has handlers for (Linux's
    // SIGNAL_UNKILLABLE): SIGKILL from a program must not power off.
    if target == 1 && with_current(|t| t.pid) != 1 {
        let handled = crate::proc::sched::SCHED.with(|s| {
            s.tasks
                .get(1)
                .is_some_and(|t| t.sigactions[sig as usize - 1].sa_handler > abi::signal::SIG_IGN)
        });
        if !handled {
            return Ok(0);
        }
    }
    signal::send(target, sig, info)?;
    Ok(0)
}

/// `kill(pid, sig)`.
pub fn sys_kill(pid: i32, sig: i32) -> SysResult {
    send(pid, sig, SI_USER)
}

/// `tgkill(tgid, tid, sig)`.
pub fn sys_tgkill(tgid: i32, tid: i32, sig: i32) -> SysResult {
    if tgid <= 0 || tid <= 0 {
        return Err(EINVAL);
    }
    send(tid, sig, SI_TKILL)
}

/// `tkill(tid, sig)` (musl's `raise`).
pub fn sys_tkill(tid: i32, sig: i32) -> SysResult {
    if tid <= 0 {
        return Err(EINVAL);
    }
    send(tid, sig, SI_TKILL)
}

/// `rt_sigqueueinfo(pid, sig, *info)` (`sigqueue`): a signal with a
/// `siginfo` the caller wrote. Only to itself may a process send one that
/// claims to come from the kernel (`si_code >= 0`) or from `tkill`: that is
/// Linux's `do_rt_sigqueueinfo` (`-EPERM`); then the checks of `kill`.
pub fn sys_rt_sigqueueinfo(pid: i32, sig: i32, uinfo: UserPtr<Siginfo>) -> SysResult {
    let mut info = uinfo.read()?;
    info.si_signo = sig;
    let me = with_current(|t| t.pid);
    if (info.si_code >= 0 || info.si_code == SI_TKILL) && pid != me as i32 {
        return Err(EPERM);
    }
    // No process groups here: only a pid names a target.
    let target = u32::try_from(pid).ok().filter(|&p| p > 0).ok_or(ESRCH)?;
    signal::check_kill_permission(sig, target)?;
    queue(target, sig, info)
}

/// `sigreturn()`: back from a handler (`proc/signal.rs`).
pub fn sys_sigreturn(ctx: &mut SyscallContext) -> SysResult {
    signal::sys_sigreturn(ctx.regs)
}

/// `rt_sigreturn()`: back from an `SA_SIGINFO` handler.
pub fn sys_rt_sigreturn(ctx: &mut SyscallContext) -> SysResult {
    signal::sys_rt_sigreturn(ctx.regs)
}

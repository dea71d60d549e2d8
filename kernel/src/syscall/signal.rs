//! Signal system calls: dispositions, masks, sending, and the return from
//! a handler. Delivery itself (frames on the user stack) is in
//! `proc/signal.rs`.

use super::args::{SysResult, SyscallContext, efault};
use crate::proc::{signal, with_current};
use abi::errno::{EINVAL, ESRCH};
use abi::signal::{NSIG, SI_TKILL, SI_USER, SIGKILL, SIGSTOP};
use abi::types::KSigaction;

fn valid(sig: i32) -> bool {
    (1..=NSIG as i32).contains(&sig)
}

/// `rt_sigaction(sig, *act, *oact, sigsetsize)`.
pub fn sys_rt_sigaction(ctx: &mut SyscallContext) -> SysResult {
    let sig = ctx.arg_i32(0);
    if !valid(sig) || ctx.arg(3) != 8 {
        return Err(EINVAL);
    }
    let act = ctx.user_ptr::<KSigaction>(1);
    let new = if act.is_null() {
        None
    } else {
        Some(act.read().map_err(efault)?)
    };
    if new.is_some() && (sig == SIGKILL || sig == SIGSTOP) {
        return Err(EINVAL);
    }
    let old = with_current(|t| t.sigactions[sig as usize - 1]);
    let oact = ctx.user_ptr::<KSigaction>(2);
    if !oact.is_null() {
        oact.write(&old).map_err(efault)?;
    }
    if let Some(a) = new {
        with_current(|t| t.sigactions[sig as usize - 1] = a);
    }
    Ok(0)
}

/// `rt_sigprocmask(how, *set, *oset, sigsetsize)`.
pub fn sys_rt_sigprocmask(ctx: &mut SyscallContext) -> SysResult {
    if ctx.arg(3) != 8 {
        return Err(EINVAL);
    }
    let set = ctx.user_ptr::<[u32; 2]>(1);
    let new = if set.is_null() {
        None
    } else {
        Some(set.read().map_err(efault)?)
    };
    let how = ctx.arg(0);
    if new.is_some() && how > 2 {
        return Err(EINVAL);
    }
    let old = with_current(|t| t.sigmask);
    let oset = ctx.user_ptr::<[u32; 2]>(2);
    if !oset.is_null() {
        oset.write(&[old as u32, (old >> 32) as u32])
            .map_err(efault)?;
    }
    if let Some(s) = new {
        // SIGKILL and SIGSTOP cannot be blocked.
        let bits =
            (u64::from(s[1]) << 32 | u64::from(s[0])) & !(1 << (SIGKILL - 1) | 1 << (SIGSTOP - 1));
        with_current(|t| {
            t.sigmask = match how {
                0 => t.sigmask | bits,  // SIG_BLOCK
                1 => t.sigmask & !bits, // SIG_UNBLOCK
                _ => bits,              // SIG_SETMASK
            }
        });
    }
    Ok(0)
}

/// `rt_sigpending(*set, sigsetsize)`: the signals raised while blocked.
pub fn sys_rt_sigpending(ctx: &mut SyscallContext) -> SysResult {
    if ctx.arg(1) > 8 {
        return Err(EINVAL);
    }
    let p = with_current(|t| t.sigpending & t.sigmask);
    ctx.user_ptr::<[u32; 2]>(0)
        .write(&[p as u32, (p >> 32) as u32])
        .map_err(efault)?;
    Ok(0)
}

/// `sigaltstack(*ss, *old_ss)`: reports "disabled".
pub fn sys_sigaltstack(ctx: &mut SyscallContext) -> SysResult {
    let old = ctx.user_ptr::<abi::types::SignalStack>(1);
    if !old.is_null() {
        let mut s = abi::types::SignalStack::ZERO;
        s.ss_flags = 2; // SS_DISABLE
        old.write(&s).map_err(efault)?;
    }
    Ok(0)
}

/// Send `sig` (0: only check) to `pid`; `0` and `-1` (group, everyone)
/// mean the caller itself here: each process is its own group, and there is
/// no one else a broadcast would reach that a teaching kernel must kill.
fn send(pid: i32, sig: i32, code: i32) -> SysResult {
    if sig != 0 && !valid(sig) {
        return Err(EINVAL);
    }
    let me = with_current(|t| t.pid);
    let target = if pid == 0 || pid == -1 {
        me
    } else {
        u32::try_from(pid).map_err(|_| ESRCH)?
    };
    if sig == 0 {
        let exists = crate::proc::sched::SCHED.with(|s| s.tasks.contains_key(&target));
        return if exists { Ok(0) } else { Err(ESRCH) };
    }
    // Init gets only the signals it has handlers for (Linux's
    // SIGNAL_UNKILLABLE): SIGKILL from a program must not power off.
    if target == 1 && me != 1 {
        let handled = crate::proc::sched::SCHED.with(|s| {
            s.tasks
                .get(&1)
                .is_some_and(|t| t.sigactions[sig as usize - 1].sa_handler > abi::signal::SIG_IGN)
        });
        if !handled {
            return Ok(0);
        }
    }
    signal::send(target, sig, signal::user_info(sig, code, me))?;
    Ok(0)
}

/// `kill(pid, sig)`.
pub fn sys_kill(ctx: &mut SyscallContext) -> SysResult {
    send(ctx.arg_i32(0), ctx.arg_i32(1), SI_USER)
}

/// `tgkill(tgid, tid, sig)`.
pub fn sys_tgkill(ctx: &mut SyscallContext) -> SysResult {
    if ctx.arg_i32(0) <= 0 || ctx.arg_i32(1) <= 0 {
        return Err(EINVAL);
    }
    send(ctx.arg_i32(1), ctx.arg_i32(2), SI_TKILL)
}

/// `tkill(tid, sig)` (musl's `raise`).
pub fn sys_tkill(ctx: &mut SyscallContext) -> SysResult {
    if ctx.arg_i32(0) <= 0 {
        return Err(EINVAL);
    }
    send(ctx.arg_i32(0), ctx.arg_i32(1), SI_TKILL)
}

/// `sigreturn()`: back from a handler (`proc/signal.rs`).
pub fn sys_sigreturn(ctx: &mut SyscallContext) -> SysResult {
    signal::sys_sigreturn(ctx.regs)
}

/// `rt_sigreturn()`: back from an `SA_SIGINFO` handler.
pub fn sys_rt_sigreturn(ctx: &mut SyscallContext) -> SysResult {
    signal::sys_rt_sigreturn(ctx.regs)
}

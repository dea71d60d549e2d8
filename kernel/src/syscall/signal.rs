//! Signals, the part that exists so far: dispositions are recorded per
//! process (`rt_sigaction` reports the real old action), masks are kept,
//! and a signal a process sends itself takes its *default* action — ignore
//! or terminate — unless the process ignores it. Running user handlers
//! (building a signal frame and `sigreturn`) is future work; a signal with
//! a handler installed is, for now, treated as its default action.

use super::args::{SysResult, SyscallContext, efault};
use crate::proc::with_current;
use abi::errno::{EINVAL, ESRCH};
use abi::signal::{NSIG, SIG_IGN, SIGCHLD, SIGCONT, SIGKILL, SIGSTOP, SIGURG, SIGWINCH};
use abi::types::KSigaction;

fn valid(sig: i32) -> bool {
    (1..=NSIG as i32).contains(&sig)
}

/// Signals whose default action is to do nothing.
fn default_ignored(sig: i32) -> bool {
    matches!(sig, SIGCHLD | SIGURG | SIGWINCH | SIGCONT)
}

/// Does the current process ignore `sig` (explicitly, not by default)?
pub fn ignored(sig: i32) -> bool {
    valid(sig) && with_current(|t| t.sigactions[sig as usize - 1].sa_handler == SIG_IGN)
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

/// `rt_sigpending(*set, sigsetsize)`: nothing is ever left pending here.
pub fn sys_rt_sigpending(ctx: &mut SyscallContext) -> SysResult {
    if ctx.arg(1) > 8 {
        return Err(EINVAL);
    }
    ctx.user_ptr::<[u32; 2]>(0).write(&[0, 0]).map_err(efault)?;
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

fn send(pid: i32, sig: i32) -> SysResult {
    if sig != 0 && !valid(sig) {
        return Err(EINVAL);
    }
    let me = with_current(|t| t.pid) as i32;
    if pid != me && pid != 0 && pid != -1 {
        let exists = crate::proc::sched::SCHED.with(|s| s.tasks.contains_key(&(pid as u32)));
        // Other processes: existence checks only, for now.
        return if exists { Ok(0) } else { Err(ESRCH) };
    }
    if sig == 0 || default_ignored(sig) || ignored(sig) {
        return Ok(0);
    }
    crate::proc::exit(sig as u32 & 0x7F)
}

/// `kill(pid, sig)`.
pub fn sys_kill(ctx: &mut SyscallContext) -> SysResult {
    send(ctx.arg_i32(0), ctx.arg_i32(1))
}

/// `tgkill(tgid, tid, sig)`.
pub fn sys_tgkill(ctx: &mut SyscallContext) -> SysResult {
    send(ctx.arg_i32(1), ctx.arg_i32(2))
}

/// `tkill(tid, sig)` (musl's `raise`).
pub fn sys_tkill(ctx: &mut SyscallContext) -> SysResult {
    send(ctx.arg_i32(0), ctx.arg_i32(1))
}

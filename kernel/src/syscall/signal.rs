//! Signals, minimal: handlers are accepted and remembered as "default"
//! (musl and Rust's std install some at start-up), masks are accepted, and
//! a signal sent to oneself with default action "terminate" ends the
//! process with that signal (what `abort()` and `raise()` need). Delivering
//! to user handlers is future work.

use super::args::{SysResult, SyscallContext, efault};
use crate::proc::with_current;
use abi::errno::{EINVAL, ESRCH};
use abi::signal::{NSIG, SIGCHLD, SIGKILL, SIGSTOP, SIGURG, SIGWINCH};
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
    if !act.is_null() {
        act.read().map_err(efault)?;
        if sig == SIGKILL || sig == SIGSTOP {
            return Err(EINVAL);
        }
    }
    let oact = ctx.user_ptr::<KSigaction>(2);
    if !oact.is_null() {
        oact.write(&KSigaction::ZERO).map_err(efault)?;
    }
    Ok(0)
}

/// `rt_sigprocmask(how, *set, *oset, sigsetsize)`.
pub fn sys_rt_sigprocmask(ctx: &mut SyscallContext) -> SysResult {
    if ctx.arg(3) != 8 {
        return Err(EINVAL);
    }
    let set = ctx.user_ptr::<[u32; 2]>(1);
    if !set.is_null() {
        set.read().map_err(efault)?;
        if ctx.arg(0) > 2 {
            return Err(EINVAL);
        }
    }
    let oset = ctx.user_ptr::<[u32; 2]>(2);
    if !oset.is_null() {
        oset.write(&[0, 0]).map_err(efault)?;
    }
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
        return if crate::proc::sched::SCHED.with(|s| s.tasks.contains_key(&(pid as u32))) {
            Ok(0)
        } else {
            Err(ESRCH)
        };
    }
    // Signals whose default action is to be ignored.
    if sig == 0 || sig == SIGCHLD || sig == SIGURG || sig == SIGWINCH {
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

//! Process system calls: exit, fork, execve, the waits (`wait4`,
//! `waitpid`, `waitid`), pids, sessions and process groups, TLS (the user
//! and group ids are in `cred.rs`).

use super::args::{SysResult, SyscallContext};
use super::uaccess::{UserCStr, UserPtr, read_cstr_array};
use crate::arch::x86::gdt::{GDT_ENTRY_TLS_ENTRIES, GDT_ENTRY_TLS_MIN, set_tls};
use crate::mm::usercopy::check_user;
use crate::proc::exit::{WaitWho, do_wait};
use crate::proc::pid::PidType;
use crate::proc::{self as process, current_mm, jobctl, sched, with_current};
use abi::errno::{EBADF, EINVAL, ESRCH, Errno};
use abi::sched::*;
use abi::types::{Rusage, Siginfo, Timespec, Timespec64, UserDesc};
use abi::wait::*;

/// `exit(status)`: the calling thread ends (the process with its last
/// thread).
pub fn sys_exit(status: i32) -> SysResult {
    // On the way out, once this call's frames have returned (`exit_later`).
    process::exit_thread_later((status as u32 & 0xFF) << 8);
    Ok(0)
}

/// `exit_group(status)`: every thread of the process ends.
pub fn sys_exit_group(status: i32) -> SysResult {
    process::exit_later((status as u32 & 0xFF) << 8);
    Ok(0)
}

/// `getpid()`: the thread-group id.
pub fn sys_getpid() -> SysResult {
    Ok(sched::current_tgid() as usize)
}

/// `gettid()`: the thread's own id.
pub fn sys_gettid() -> SysResult {
    Ok(with_current(|t| t.pid) as usize)
}

/// `getppid()`: the parent of the process (every thread keeps a copy,
/// updated together when the parent exits: `exit::forget_original_parent`).
pub fn sys_getppid() -> SysResult {
    Ok(with_current(|t| t.ppid) as usize)
}

/// `set_tid_address(tidptr)`: the word cleared and futex-woken when the
/// thread exits (`proc/thread.rs` `mm_release`); returns the tid.
pub fn sys_set_tid_address(tidptr: UserPtr<u32>) -> SysResult {
    Ok(with_current(|t| {
        t.clear_child_tid = tidptr.addr();
        t.pid
    }) as usize)
}

/// `fork()`.
pub fn sys_fork(ctx: &mut SyscallContext) -> SysResult {
    process::fork(ctx.regs).map(|p| p as usize)
}

/// `vfork()`: `clone(CLONE_VM | CLONE_VFORK | SIGCHLD)`.
pub fn sys_vfork(ctx: &mut SyscallContext) -> SysResult {
    let flags = CLONE_VM | CLONE_VFORK | abi::signal::SIGCHLD as u32;
    do_clone(
        ctx,
        flags,
        false,
        0,
        UserPtr::new(0),
        UserPtr::new(0),
        UserPtr::new(0),
    )
}

/// `clone(flags, newsp, parent_tid, tls, child_tid)` (i386 argument order,
/// Linux's `CONFIG_CLONE_BACKWARDS`): a new process or, with
/// `CLONE_THREAD`, a new thread of this one (`proc/mod.rs` `clone`).
pub fn sys_clone(
    ctx: &mut SyscallContext,
    flags: CloneFlags,
    newsp: usize,
    parent_tid: UserPtr<u32>,
    tls: UserPtr<UserDesc>,
    child_tid: UserPtr<u32>,
) -> SysResult {
    do_clone(ctx, flags.bits(), false, newsp, parent_tid, tls, child_tid)
}

/// `clone3(*args, size)`: `clone` with its arguments in a `struct
/// clone_args` (Linux's `copy_clone_args_from_user` and
/// `clone3_args_valid`): a size below the first version's 64 bytes is
/// `EINVAL`, one past a page `E2BIG`, as are nonzero bytes past the
/// fields known here; the exit signal has its own field (the `CSIGNAL`
/// bits of `flags` must be clear), a thread or `CLONE_PARENT` child has
/// none, and the stack is given as base and size. `CLONE_CLEAR_SIGHAND`
/// resets the child's handlers. Not served: `set_tid` (a chosen pid) and
/// `CLONE_INTO_CGROUP` (`EINVAL`).
pub fn sys_clone3(ctx: &mut SyscallContext, uargs: usize, size: usize) -> SysResult {
    /// `CLONE_ARGS_SIZE_VER0` and the size of the version read here (VER2).
    const VER0: usize = 64;
    const KNOWN: usize = 88;
    const CLONE_CLEAR_SIGHAND: u64 = 0x1_0000_0000;
    const CLONE_DETACHED: u64 = 0x0040_0000;
    if size > crate::mm::PAGE_SIZE {
        return Err(abi::errno::E2BIG);
    }
    if size < VER0 {
        return Err(EINVAL);
    }
    let mm = current_mm()?;
    let mut raw = [0u8; KNOWN];
    let n = size.min(KNOWN);
    crate::mm::usercopy::copy_from_user(&mm, &mut raw[..n], uargs)?;
    // copy_struct_from_user: what a newer caller adds must be zero.
    let mut at = KNOWN;
    while at < size {
        let mut chunk = [0u8; 64];
        let len = (size - at).min(chunk.len());
        crate::mm::usercopy::copy_from_user(&mm, &mut chunk[..len], uargs + at)?;
        if chunk[..len].iter().any(|&b| b != 0) {
            return Err(abi::errno::E2BIG);
        }
        at += len;
    }
    drop(mm);
    let field = |i: usize| u64::from_le_bytes(raw[i * 8..i * 8 + 8].try_into().expect("8 bytes"));
    let (flags, child_tid, parent_tid, exit_signal) = (field(0), field(2), field(3), field(4));
    let (stack, stack_size, tls, set_tid, set_tid_size) =
        (field(5), field(6), field(7), field(8), field(9));
    if set_tid_size > 32 || (set_tid == 0 && set_tid_size > 0) {
        return Err(EINVAL);
    }
    // Within CSIGNAL and a signal that exists (valid_signal).
    if exit_signal & !u64::from(CSIGNAL) != 0 || exit_signal > abi::signal::NSIG as u64 {
        return Err(EINVAL);
    }
    // clone3_args_valid.
    let legacy = u64::from(u32::MAX);
    if flags & !(legacy | CLONE_CLEAR_SIGHAND) != 0
        || flags & (CLONE_DETACHED | u64::from(CSIGNAL)) != 0
        || (flags & u64::from(CLONE_SIGHAND) != 0 && flags & CLONE_CLEAR_SIGHAND != 0)
        || (flags & u64::from(CLONE_THREAD | CLONE_PARENT) != 0 && exit_signal != 0)
        || (stack == 0) != (stack_size == 0)
        || set_tid_size > 0
    {
        return Err(EINVAL);
    }
    let top = stack.checked_add(stack_size).ok_or(EINVAL)?;
    if stack != 0 && !crate::mm::usercopy::access_ok(stack as usize, stack_size as usize) {
        return Err(EINVAL);
    }
    let ptr = |v: u64| usize::try_from(v).map_err(|_| abi::errno::EFAULT);
    do_clone(
        ctx,
        flags as u32 | exit_signal as u32,
        flags & CLONE_CLEAR_SIGHAND != 0,
        top as usize,
        UserPtr::new(ptr(parent_tid)?),
        UserPtr::new(ptr(tls)?),
        UserPtr::new(ptr(child_tid)?),
    )
}

/// Linux's `kernel_clone` with `copy_process`'s checks of the flags.
#[allow(clippy::too_many_arguments)]
fn do_clone(
    ctx: &mut SyscallContext,
    flags: u32,
    clear_sighand: bool,
    newsp: usize,
    parent_tid: UserPtr<u32>,
    tls: UserPtr<UserDesc>,
    child_tid: UserPtr<u32>,
) -> SysResult {
    // CLONE_DETACHED and CLONE_UNTRACED are accepted and ignored, as the
    // old `clone` does; CLONE_SYSVSEM has no semaphores to share here.
    const CLONE_DETACHED: u32 = 0x0040_0000;
    const CLONE_UNTRACED: u32 = 0x0080_0000;
    let known = CSIGNAL
        | CLONE_VM
        | CLONE_FS
        | CLONE_FILES
        | CLONE_SIGHAND
        | CLONE_VFORK
        | CLONE_PARENT
        | CLONE_THREAD
        | CLONE_SYSVSEM
        | CLONE_SETTLS
        | CLONE_PARENT_SETTID
        | CLONE_CHILD_CLEARTID
        | CLONE_CHILD_SETTID
        | CLONE_DETACHED
        | CLONE_UNTRACED;
    if flags & !known != 0 {
        return Err(EINVAL);
    }
    let has = |f: u32| flags & f != 0;
    // copy_process: a thread shares the dispositions, which need the
    // address space shared (their handlers are addresses in it).
    if has(CLONE_THREAD) && !has(CLONE_SIGHAND) {
        return Err(EINVAL);
    }
    if has(CLONE_SIGHAND) && !has(CLONE_VM) {
        return Err(EINVAL);
    }
    // Init's siblings would have no parent to reap them (SIGNAL_UNKILLABLE).
    if has(CLONE_PARENT) && sched::current_tgid() == 1 {
        return Err(EINVAL);
    }
    let tls = if has(CLONE_SETTLS) {
        let info = tls.read()?;
        let n = info.entry_number as usize;
        // The child's slot is named (Linux's do_set_thread_area with
        // can_allocate 0): -1 is EINVAL here.
        if !(GDT_ENTRY_TLS_MIN..GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES).contains(&n) {
            return Err(EINVAL);
        }
        Some((n - GDT_ENTRY_TLS_MIN, tls_descriptor(&info)?))
    } else {
        None
    };
    let args = process::CloneArgs {
        flags,
        stack: (newsp != 0).then_some(newsp),
        child_settid: has(CLONE_CHILD_SETTID).then(|| child_tid.addr()),
        child_cleartid: has(CLONE_CHILD_CLEARTID).then(|| child_tid.addr()),
        tls,
        clear_sighand,
    };
    let pid = process::clone(ctx.regs, args)?;
    if has(CLONE_PARENT_SETTID) {
        // As Linux's kernel_clone: a fault here is not the call's failure.
        let _ = parent_tid.write(&pid);
    }
    if has(CLONE_VFORK) {
        // The parent sleeps until the child execs or exits (Linux's
        // wait_for_vfork_done, killable): they share the address space.
        let me = with_current(|t| t.pid);
        loop {
            let waiting =
                sched::SCHED.with(|s| s.tasks.get(pid).is_some_and(|c| c.vfork_parent == Some(me)));
            if !waiting || with_current(|t| t.exit_pending.is_some()) {
                break;
            }
            sched::sleep(crate::proc::task::WaitChannel::Vfork);
        }
    }
    Ok(pid as usize)
}

/// `set_robust_list(head, len)`: the head of the thread's robust futex
/// list, walked when it exits (`proc/thread.rs`).
pub fn sys_set_robust_list(head: UserPtr<u32>, len: usize) -> SysResult {
    if len != 12 {
        return Err(EINVAL);
    }
    with_current(|t| t.robust_list = head.addr());
    Ok(0)
}

/// `get_robust_list(pid, *head_ptr, *len_ptr)`: a thread's list head (0:
/// the caller's). Only the caller's own process is looked at.
pub fn sys_get_robust_list(pid: i32, head: UserPtr<u32>, len: UserPtr<u32>) -> SysResult {
    let h = if pid == 0 {
        with_current(|t| t.robust_list)
    } else {
        let tgid = sched::current_tgid();
        sched::SCHED
            .with(|s| {
                s.tasks
                    .get(pid as u32)
                    .filter(|t| t.tgid == tgid)
                    .map(|t| t.robust_list)
            })
            .ok_or(ESRCH)?
    };
    head.write(&(h as u32))?;
    len.write(&12)?;
    Ok(0)
}

/// `futex(uaddr, op, val, timeout, uaddr2, val3)` with the 32-bit
/// `timespec` (`proc/futex.rs`).
pub fn sys_futex(
    uaddr: usize,
    op: u32,
    val: u32,
    utime: usize,
    uaddr2: usize,
    val3: u32,
) -> SysResult {
    futex(uaddr, op, val, utime, uaddr2, val3, false)
}

/// `futex_time64`: the same with a 64-bit `timespec`.
pub fn sys_futex_time64(
    uaddr: usize,
    op: u32,
    val: u32,
    utime: usize,
    uaddr2: usize,
    val3: u32,
) -> SysResult {
    futex(uaddr, op, val, utime, uaddr2, val3, true)
}

/// Linux's `sys_futex` and `do_futex`: the timeout (for the waits) or
/// the second count (`val2`, the fourth argument of the others), then the
/// operation.
fn futex(
    uaddr: usize,
    op: u32,
    val: u32,
    utime: usize,
    uaddr2: usize,
    val3: u32,
    time64: bool,
) -> SysResult {
    use crate::proc::futex::{self as fx, *};
    let cmd = op & FUTEX_CMD_MASK;
    let shared = op & FUTEX_PRIVATE_FLAG == 0;
    let realtime = op & FUTEX_CLOCK_REALTIME != 0;
    let waits = matches!(cmd, FUTEX_WAIT | FUTEX_WAIT_BITSET);
    let timeout = if waits && utime != 0 {
        let ts = if time64 {
            UserPtr::<Timespec64>::new(utime).read()?
        } else {
            let t = UserPtr::<Timespec>::new(utime).read()?;
            Timespec64 {
                tv_sec: t.tv_sec.into(),
                tv_nsec: t.tv_nsec.into(),
            }
        };
        if ts.tv_sec < 0 || !(0..1_000_000_000).contains(&ts.tv_nsec) {
            return Err(EINVAL);
        }
        let ns = (ts.tv_sec as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(ts.tv_nsec as u64);
        let now = crate::time::uptime_ns();
        // FUTEX_WAIT's timeout is relative; FUTEX_WAIT_BITSET's absolute,
        // on CLOCK_MONOTONIC or (FUTEX_CLOCK_REALTIME) the wall clock.
        let deadline_ns = if cmd == FUTEX_WAIT {
            now.saturating_add(ns)
        } else if realtime {
            ns.saturating_sub(crate::time::boot_epoch().saturating_mul(1_000_000_000))
        } else {
            ns
        };
        Some(fx::Timeout { deadline_ns })
    } else {
        None
    };
    if realtime && cmd != FUTEX_WAIT_BITSET {
        return Err(abi::errno::ENOSYS);
    }
    let val2 = utime as u32;
    match cmd {
        FUTEX_WAIT => fx::wait(uaddr, val, FUTEX_BITSET_MATCH_ANY, shared, timeout),
        FUTEX_WAIT_BITSET => fx::wait(uaddr, val, val3, shared, timeout),
        FUTEX_WAKE => fx::wake(uaddr, val, FUTEX_BITSET_MATCH_ANY, shared),
        FUTEX_WAKE_BITSET => fx::wake(uaddr, val, val3, shared),
        FUTEX_REQUEUE => fx::requeue(uaddr, uaddr2, val as i32, val2 as i32, None, shared),
        FUTEX_CMP_REQUEUE => {
            fx::requeue(uaddr, uaddr2, val as i32, val2 as i32, Some(val3), shared)
        }
        FUTEX_WAKE_OP => fx::wake_op(uaddr, uaddr2, val, val2, val3, shared),
        _ => Err(abi::errno::ENOSYS),
    }
}

/// `getpgrp()`: the caller's process group.
pub fn sys_getpgrp() -> SysResult {
    Ok(with_current(|t| t.pgid) as usize)
}

/// `getpgid(pid)`: the process group of `pid` (0: the caller).
pub fn sys_getpgid(pid: i32) -> SysResult {
    jobctl::get_id(pid, PidType::Pgid).map(|g| g as usize)
}

/// `getsid(pid)`: the session of `pid` (0: the caller).
pub fn sys_getsid(pid: i32) -> SysResult {
    jobctl::get_id(pid, PidType::Sid).map(|s| s as usize)
}

/// `setsid()`: a new session and process group, led by the caller.
pub fn sys_setsid() -> SysResult {
    jobctl::setsid().map(|s| s as usize)
}

/// `setpgid(pid, pgid)`: move a process to another group (`proc/jobctl.rs`
/// has Linux's rules).
pub fn sys_setpgid(pid: i32, pgid: i32) -> SysResult {
    jobctl::setpgid(pid, pgid).map(|()| 0)
}

/// `execve(path, argv, envp)`.
pub fn sys_execve(
    ctx: &mut SyscallContext,
    path: UserCStr,
    argv: UserPtr<u32>,
    envp: UserPtr<u32>,
) -> SysResult {
    let path = path.read_path()?;
    // Linux allows a quarter of the stack limit for argv + envp.
    // Linux's bprm_stack_limits: argv and envp, pointers included, within
    // a quarter of RLIMIT_STACK.
    let rlimit_stack = with_current(|t| t.rlimits[abi::resource::RLIMIT_STACK as usize].cur);
    let mut budget = crate::proc::exec::arg_limit(rlimit_stack);
    let argv = read_cstr_array(argv, &mut budget)?;
    let envp = read_cstr_array(envp, &mut budget)?;
    if path.is_empty() {
        return Err(abi::errno::ENOENT);
    }
    let old_pid = with_current(|t| t.pid);
    crate::proc::exec::exec_current(ctx.regs, &path, &argv, &envp)?;
    // A tracee stops now, in the new program (proc/ptrace.rs).
    crate::proc::ptrace::exec_event(old_pid);
    Ok(0)
}

/// The children `wait4`'s `pid` names (Linux's `kernel_wait4`): -1 any,
/// `-pgid` a process group, 0 the caller's group, else one pid.
fn wait_who(pid: i32) -> Result<WaitWho, Errno> {
    Ok(match pid {
        -1 => WaitWho::Any,
        i32::MIN => return Err(ESRCH), // -INT_MIN is no group
        p if p < 0 => WaitWho::Pgid(-p as u32),
        0 => WaitWho::Pgid(with_current(|t| t.pgid)),
        p => WaitWho::Pid(p as u32),
    })
}

/// `wait4(pid, *status, options, *rusage)`: an exited child (reaped), or
/// with `WUNTRACED` a stopped one, or with `WCONTINUED` a continued one;
/// 0 with `WNOHANG` if none is ready.
pub fn sys_wait4(
    pid: i32,
    status: UserPtr<u32>,
    options: u32,
    rusage: UserPtr<Rusage>,
) -> SysResult {
    if options & !(WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL) != 0 {
        return Err(EINVAL);
    }
    let who = wait_who(pid)?;
    // Fail on a bad status pointer before sleeping.
    if !status.is_null() {
        check_user(&*current_mm()?, status.addr(), size_of::<u32>(), true)?;
    }
    match do_wait(who, options | WEXITED)? {
        Some(info) => {
            status.write_opt(&info.status)?;
            rusage.write_opt(&super::info::rusage_of(info.times, 0))?;
            Ok(info.pid as usize)
        }
        None => Ok(0),
    }
}

/// `waitpid(pid, *status, options)` = `wait4(pid, status, options, NULL)`.
pub fn sys_waitpid(pid: i32, status: UserPtr<u32>, options: u32) -> SysResult {
    sys_wait4(pid, status, options, UserPtr::new(0))
}

/// `waitid(idtype, id, *infop, options, *rusage)`: as `wait4`, but says
/// which events to report (`WEXITED`, `WSTOPPED`, `WCONTINUED`), may leave
/// the child as it is (`WNOWAIT`), and reports in a `siginfo_t`: its
/// `si_signo` (`SIGCHLD`, or 0 if nothing was found), `si_errno`,
/// `si_code` (`CLD_*`), `si_pid`, `si_uid` and `si_status`, written even
/// when the call fails (Linux's `waitid` writes them in every case).
pub fn sys_waitid(
    idtype: i32,
    id: i32,
    infop: UserPtr<Siginfo>,
    options: u32,
    rusage: UserPtr<Rusage>,
) -> SysResult {
    let valid =
        WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | __WNOTHREAD | __WCLONE | __WALL;
    if options & !valid != 0 || options & (WEXITED | WSTOPPED | WCONTINUED) == 0 {
        return Err(EINVAL);
    }
    let who = match idtype as u32 {
        P_ALL => WaitWho::Any,
        P_PID if id > 0 => WaitWho::Pid(id as u32),
        P_PGID if id > 0 => WaitWho::Pgid(id as u32),
        P_PGID if id == 0 => WaitWho::Pgid(with_current(|t| t.pgid)),
        // No pidfds here: no descriptor is one.
        P_PIDFD if id >= 0 => return Err(EBADF),
        _ => return Err(EINVAL),
    };
    let r = do_wait(who, options);
    if let Ok(Some(i)) = &r {
        rusage.write_opt(&super::info::rusage_of(i.times, 0))?;
    }
    if !infop.is_null() {
        let i = match r {
            Ok(Some(i)) => [
                abi::signal::SIGCHLD as u32,
                0,
                i.code as u32,
                i.pid,
                i.uid,
                i.si_status,
            ],
            _ => [0; 6],
        };
        // Only these six fields: the rest of the caller's siginfo_t stays.
        UserPtr::<[u32; 6]>::new(infop.addr()).write(&i)?;
    }
    r.map(|_| 0)
}

/// `set_thread_area(*u_info)`: fill a GDT TLS slot (Linux's `fill_ldt`),
/// choosing a free one for `entry_number == -1` and reporting it back.
pub fn sys_set_thread_area(ctx: &mut SyscallContext, u_info: UserPtr<UserDesc>) -> SysResult {
    let mut info = u_info.read()?;
    let tls = with_current(|t| t.tls);
    let idx = if info.entry_number == u32::MAX {
        let free = tls.iter().position(|&d| d == 0).ok_or(ESRCH)?;
        info.entry_number = (GDT_ENTRY_TLS_MIN + free) as u32;
        u_info.write(&info)?;
        free
    } else {
        let n = info.entry_number as usize;
        if !(GDT_ENTRY_TLS_MIN..GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES).contains(&n) {
            return Err(EINVAL);
        }
        n - GDT_ENTRY_TLS_MIN
    };
    let desc = tls_descriptor(&info)?;
    with_current(|t| t.tls[idx] = desc);
    set_tls(idx, desc);
    crate::arch::x86::gdt::forget_cached_fs_gs();
    forget_unloadable_selectors(ctx.regs, idx, desc);
    Ok(0)
}

/// After TLS slot `idx` changed: a saved DS/ES/FS/GS that names it but can
/// no longer be loaded (cleared, or execute-only code) would make the
/// return path's segment load fault inside the kernel. Linux then loads the
/// null selector instead; so do we, ahead of time. An SS on a cleared slot
/// is left to `iret`, whose fault is SIGILL as on 32-bit Linux (`traps.rs`
/// `iret_error`); CS cannot be on a TLS slot (data segments only).
fn forget_unloadable_selectors(regs: &mut crate::arch::x86::ptregs::PtRegs, idx: usize, desc: u64) {
    let sel = ((GDT_ENTRY_TLS_MIN + idx) << 3) as u32;
    let access = (desc >> 40) as u8;
    let present = access & 0x80 != 0;
    let code = access & 0x08 != 0;
    let readable = !code || access & 0x02 != 0;
    let loadable = desc != 0 && present && readable;
    for r in [&mut regs.ds, &mut regs.es, &mut regs.fs, &mut regs.gs] {
        if *r & 0xFFFC == sel && !loadable {
            *r = 0;
        }
    }
}

/// Encode a `user_desc` as a TLS descriptor (Linux's `tls_desc_okay`, then
/// `fill_ldt`); an empty or all-zero one clears the slot.
fn tls_descriptor(u: &UserDesc) -> Result<u64, Errno> {
    use crate::arch::x86::ldt::{fill_ldt, ldt_empty, ldt_zero};
    if ldt_empty(u) || ldt_zero(u) {
        return Ok(0);
    }
    // 32-bit data (or stack) segments only (espfix works only for LDT
    // stacks; a code segment would let user code put CS on a descriptor it
    // can later change under the kernel's iret), and present: "no segment"
    // is asked for by clearing it.
    if !u.seg_32bit() || u.contents() > 1 || u.seg_not_present() {
        return Err(EINVAL);
    }
    Ok(fill_ldt(u))
}

/// `get_thread_area(*u_info)`: the TLS slot `u_info->entry_number` names,
/// as a `user_desc` (Linux's `do_get_thread_area`).
pub fn sys_get_thread_area(u_info: UserPtr<UserDesc>) -> SysResult {
    let idx = UserPtr::<u32>::new(u_info.addr()).read()? as usize;
    if !(GDT_ENTRY_TLS_MIN..GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES).contains(&idx) {
        return Err(EINVAL);
    }
    let d = with_current(|t| t.tls[idx - GDT_ENTRY_TLS_MIN]);
    u_info.write(&crate::arch::x86::ldt::user_desc_of(idx as u32, d))?;
    Ok(0)
}

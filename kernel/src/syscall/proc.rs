//! Process system calls: exit, fork, execve, wait4, ids, TLS.

use super::args::{SysResult, SyscallContext, efault, read_user_str_array};
use crate::arch::x86::gdt::{GDT_ENTRY_TLS_ENTRIES, GDT_ENTRY_TLS_MIN, set_tls};
use crate::proc::task::WaitChannel;
use crate::proc::{self as process, Reaped, sched, with_current};
use abi::errno::{EFAULT, EINVAL, ESRCH};
use abi::types::UserDesc;

/// `exit(status)` and `exit_group(status)`: one thread per process here.
pub fn sys_exit(ctx: &mut SyscallContext) -> SysResult {
    process::exit((ctx.arg(0) & 0xFF) << 8)
}

pub fn sys_getpid(_: &mut SyscallContext) -> SysResult {
    Ok(with_current(|t| t.pid) as usize)
}

pub fn sys_getppid(_: &mut SyscallContext) -> SysResult {
    Ok(with_current(|t| t.ppid) as usize)
}

/// Every process runs as root (uid = gid = 0).
pub fn sys_getuid(_: &mut SyscallContext) -> SysResult {
    Ok(0)
}

/// `set_tid_address(tidptr)`: remembered (cleared at exit by Linux; we have
/// no threads waiting on it) and returns the tid.
pub fn sys_set_tid_address(ctx: &mut SyscallContext) -> SysResult {
    let p = ctx.arg_usize(0);
    Ok(with_current(|t| {
        t.clear_child_tid = p;
        t.pid
    }) as usize)
}

/// `fork()` (and `vfork()`, which here is a fork: the child gets a copy).
pub fn sys_fork(ctx: &mut SyscallContext) -> SysResult {
    process::fork(ctx.regs).map(|p| p as usize)
}

/// `execve(path, argv, envp)`.
pub fn sys_execve(ctx: &mut SyscallContext) -> SysResult {
    let path = ctx.user_path(0)?;
    let argv = read_user_str_array(ctx.arg_usize(1), 4096)?;
    let envp = read_user_str_array(ctx.arg_usize(2), 4096)?;
    if path.is_empty() {
        return Err(abi::errno::ENOENT);
    }
    crate::proc::exec::exec_current(ctx.regs, &path, &argv, &envp)?;
    Ok(0)
}

/// `wait4(pid, *status, options, *rusage)`.
pub fn sys_wait4(ctx: &mut SyscallContext) -> SysResult {
    let which = match ctx.arg_i32(0) {
        p if p < -1 || p == 0 => -1, // process groups: any child
        p => p,
    };
    let options = ctx.arg(2);
    if options
        & !(abi::wait::WNOHANG | abi::wait::WUNTRACED | 0x0800_0000 | 0x4000_0000 | 0x8000_0000)
        != 0
    {
        return Err(EINVAL);
    }
    let status = ctx.user_ptr::<u32>(1);
    let rusage = ctx.arg_usize(3);
    // Fail on a bad status pointer before sleeping.
    if !status.is_null() && !crate::proc::current_mm_allows(status.addr(), 4, true) {
        return Err(EFAULT);
    }
    loop {
        match process::reap_child(which)? {
            Reaped::Child(pid, st) => {
                if !status.is_null() {
                    status.write(&st).map_err(efault)?;
                }
                if rusage != 0 {
                    crate::mm::usercopy::put_user(rusage, &abi::types::Rusage::ZERO)
                        .map_err(efault)?;
                }
                return Ok(pid as usize);
            }
            Reaped::NotYet if options & abi::wait::WNOHANG != 0 => return Ok(0),
            Reaped::NotYet => sched::sleep(WaitChannel::Child),
        }
    }
}

/// `waitpid(pid, *status, options)` = `wait4(pid, status, options, NULL)`.
pub fn sys_waitpid(ctx: &mut SyscallContext) -> SysResult {
    ctx.regs.si = 0;
    sys_wait4(ctx)
}

/// `set_thread_area(*u_info)`: fill a GDT TLS slot (Linux's `fill_ldt`),
/// choosing a free one for `entry_number == -1` and reporting it back.
pub fn sys_set_thread_area(ctx: &mut SyscallContext) -> SysResult {
    let ptr = ctx.user_ptr::<UserDesc>(0);
    let mut info = ptr.read().map_err(efault)?;
    let tls = with_current(|t| t.tls);
    let idx = if info.entry_number == u32::MAX {
        let free = tls.iter().position(|&d| d == 0).ok_or(ESRCH)?;
        info.entry_number = (GDT_ENTRY_TLS_MIN + free) as u32;
        ptr.write(&info).map_err(efault)?;
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
    forget_unloadable_selectors(ctx.regs, idx, desc);
    Ok(0)
}

/// After TLS slot `idx` changed: a saved DS/ES/FS/GS that names it but can
/// no longer be loaded (cleared, or execute-only code) would make the
/// return path's segment load fault inside the kernel. Linux then loads the
/// null selector instead; so do we, ahead of time. CS/SS on a TLS slot (a
/// far jump into a code descriptor) cannot be fixed up: that process dies.
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
    if (regs.cs & 0xFFFC == sel || regs.ss & 0xFFFC == sel) && !(present && desc != 0) {
        crate::proc::fault::kill_current(
            abi::signal::SIGSEGV,
            format_args!("set_thread_area removed the segment CS/SS use"),
        );
    }
}

/// Encode a `user_desc` as a segment descriptor; an "empty" one clears.
fn tls_descriptor(u: &UserDesc) -> Result<u64, i32> {
    let empty = u.base_addr == 0
        && u.limit == 0
        && u.contents() == 0
        && u.read_exec_only()
        && u.seg_not_present();
    if empty || (u.base_addr == 0 && u.limit == 0 && u.flags == 0) {
        return Ok(0);
    }
    if u.contents() == 3 {
        return Err(EINVAL);
    }
    // Type: data/code per `contents`, writable unless read_exec_only, accessed.
    let typ = (u32::from(!u.read_exec_only()) << 1) | (u.contents() << 2) | 1;
    let access = (u32::from(!u.seg_not_present()) << 7) | 0x60 | 0x10 | typ;
    let flags = (u32::from(u.limit_in_pages()) << 3)
        | (u32::from(u.seg_32bit()) << 2)
        | u32::from(u.useable());
    Ok(crate::arch::x86::gdt::descriptor(
        u.base_addr,
        u.limit,
        access as u8,
        flags as u8,
    ))
}

//! `ptrace(request, pid, addr, data)` (Linux's `sys_ptrace` in
//! kernel/ptrace.c with `ptrace_request` and the i386 `arch_ptrace` of
//! arch/x86/kernel/ptrace.c). The tracing itself, the stops and the
//! register conversions are in `proc/ptrace.rs`.

use super::args::SysResult;
use super::uaccess::UserPtr;
use crate::proc::ptrace::{self, getreg, putreg, with_tracee};
use crate::proc::task::Pid;
use abi::errno::{EINVAL, EIO, ESRCH};
use abi::ptrace::*;
use abi::types::{Iovec, Siginfo, UserDesc};

/// `ptrace(request, pid, addr, data)`. In Linux's order: `TRACEME` needs
/// no target; no such task is `ESRCH`; `ATTACH`/`SEIZE` have their own
/// checks; every other request needs a tracee of the caller stopped for
/// it (`ESRCH`; `KILL` and `INTERRUPT` take a running one too); an
/// unknown request is `EIO`.
pub fn sys_ptrace(request: u32, pid: i32, addr: usize, data: usize) -> SysResult {
    if request == PTRACE_TRACEME {
        return ptrace::traceme();
    }
    let pid = Pid::try_from(pid).ok().filter(|&p| p > 0).ok_or(ESRCH)?;
    if !crate::proc::sched::SCHED.with(|s| s.tasks.contains(pid)) {
        return Err(ESRCH);
    }
    if matches!(request, PTRACE_ATTACH | PTRACE_SEIZE) {
        return ptrace::attach(pid, request == PTRACE_SEIZE, addr, data);
    }
    ptrace::check_attach(pid, matches!(request, PTRACE_KILL | PTRACE_INTERRUPT))?;
    match request {
        PTRACE_PEEKTEXT | PTRACE_PEEKDATA => {
            let mut w = [0u8; 4];
            ptrace::access_vm(pid, addr, &mut w, false)?;
            UserPtr::<u32>::new(data).write(&u32::from_le_bytes(w))?;
            Ok(0)
        }
        PTRACE_POKETEXT | PTRACE_POKEDATA => {
            let mut w = (data as u32).to_le_bytes();
            ptrace::access_vm(pid, addr, &mut w, true)?;
            Ok(0)
        }
        PTRACE_PEEKUSR => {
            let v = peek_user(pid, addr)?;
            UserPtr::<u32>::new(data).write(&v)?;
            Ok(0)
        }
        PTRACE_POKEUSR => poke_user(pid, addr, data as u32),
        PTRACE_CONT
        | PTRACE_SYSCALL
        | PTRACE_SINGLESTEP
        | PTRACE_SYSEMU
        | PTRACE_SYSEMU_SINGLESTEP => ptrace::resume(pid, request, data),
        PTRACE_KILL => {
            // Linux 6.1: PTRACE_KILL is a SIGKILL, stopped or not.
            let _ = crate::proc::signal::send(
                pid,
                abi::signal::SIGKILL,
                crate::proc::signal::priv_info(abi::signal::SIGKILL),
            );
            Ok(0)
        }
        PTRACE_DETACH => ptrace::detach(pid, data),
        PTRACE_INTERRUPT => ptrace::interrupt(pid),
        PTRACE_GETREGS => {
            UserPtr::<UserRegs>::new(data).write(&get_regs(pid))?;
            Ok(0)
        }
        PTRACE_SETREGS => {
            let regs = UserPtr::<UserRegs>::new(data).read()?;
            set_regs(pid, &regs)?;
            Ok(0)
        }
        PTRACE_GETFPREGS => {
            UserPtr::<UserI387>::new(data).write(&get_fpregs(pid))?;
            Ok(0)
        }
        PTRACE_SETFPREGS => {
            let env = UserPtr::<UserI387>::new(data).read()?;
            with_tracee(pid, |t| ptrace::set_i387(t, &env));
            Ok(0)
        }
        PTRACE_GETFPXREGS => {
            let fx = with_tracee(pid, |t| ptrace::fxsave_view(t));
            UserPtr::<UserFxsr>::new(data).write(&fx)?;
            Ok(0)
        }
        PTRACE_SETFPXREGS => {
            let fx = UserPtr::<UserFxsr>::new(data).read()?;
            with_tracee(pid, |t| ptrace::set_fxsave(t, &fx));
            Ok(0)
        }
        PTRACE_GETREGSET | PTRACE_SETREGSET => regset(pid, request, addr as u32, data),
        PTRACE_SETOPTIONS => {
            if data as u32 & !PTRACE_O_MASK != 0 {
                return Err(EINVAL);
            }
            with_tracee(pid, |t| t.ptrace.options = data as u32);
            Ok(0)
        }
        PTRACE_GETEVENTMSG => {
            let m = with_tracee(pid, |t| t.ptrace.message);
            UserPtr::<u32>::new(data).write(&m)?;
            Ok(0)
        }
        PTRACE_GETSIGINFO => {
            let info = with_tracee(pid, |t| t.ptrace.last_siginfo).ok_or(EINVAL)?;
            UserPtr::<Siginfo>::new(data).write(&info)?;
            Ok(0)
        }
        PTRACE_SETSIGINFO => {
            let info = UserPtr::<Siginfo>::new(data).read()?;
            with_tracee(pid, |t| {
                t.ptrace
                    .last_siginfo
                    .as_mut()
                    .map(|i| *i = info)
                    .ok_or(EINVAL)
            })?;
            Ok(0)
        }
        PTRACE_GETSIGMASK | PTRACE_SETSIGMASK => {
            // addr is the size of the set: the kernel's 8 bytes only.
            if addr != 8 {
                return Err(EINVAL);
            }
            let mask = UserPtr::<u64>::new(data);
            if request == PTRACE_GETSIGMASK {
                mask.write(&with_tracee(pid, |t| t.sigmask))?;
            } else {
                let m = mask.read()?;
                let keep = crate::proc::signal::sigbit(abi::signal::SIGKILL)
                    | crate::proc::signal::sigbit(abi::signal::SIGSTOP);
                with_tracee(pid, |t| t.sigmask = m & !keep);
            }
            Ok(0)
        }
        PTRACE_GET_THREAD_AREA => {
            let desc = ptrace::thread_area(pid, addr)?;
            UserPtr::<UserDesc>::new(data).write(&desc)?;
            Ok(0)
        }
        _ => Err(EIO),
    }
}

/// `struct user_regs_struct` of tracee `pid` (Linux's `genregs_get`).
fn get_regs(pid: Pid) -> UserRegs {
    with_tracee(pid, |t| core::array::from_fn(|i| getreg(t, i)))
}

/// Set every register from `regs`, in order, stopping at the first
/// refused one (Linux's `genregs_set`).
fn set_regs(pid: Pid, regs: &UserRegs) -> Result<(), abi::errno::Errno> {
    with_tracee(pid, |t| {
        regs.iter()
            .enumerate()
            .try_for_each(|(i, &v)| putreg(t, i, v))
    })
}

/// The x87 state as `user_i387_struct`.
fn get_fpregs(pid: Pid) -> UserI387 {
    with_tracee(pid, |t| ptrace::get_i387(t))
}

/// `PTRACE_PEEKUSR` (Linux's `ptrace_read_user`): a register, a debug
/// register (none is set here: 0), else 0; `EIO` for an unaligned or
/// out-of-range offset.
fn peek_user(pid: Pid, addr: usize) -> Result<u32, abi::errno::Errno> {
    if addr & 3 != 0 || addr > USER_SIZE - 3 {
        return Err(EIO);
    }
    if addr < USER_REGS_SIZE {
        return Ok(with_tracee(pid, |t| getreg(t, addr / 4)));
    }
    Ok(0)
}

/// `PTRACE_POKEUSR` (Linux's `ptrace_write_user`): a register; a debug
/// register only to 0 (there are no hardware breakpoints here: `EIO`);
/// the rest of `struct user` is ignored.
fn poke_user(pid: Pid, addr: usize, v: u32) -> SysResult {
    if addr & 3 != 0 || addr > USER_SIZE - 3 {
        return Err(EIO);
    }
    if addr < USER_REGS_SIZE {
        with_tracee(pid, |t| putreg(t, addr / 4, v))?;
    } else if addr >= USER_DEBUGREG_OFFSET && v != 0 {
        return Err(EIO);
    }
    Ok(0)
}

/// `PTRACE_GETREGSET`/`SETREGSET` (Linux's `ptrace_regset`): `data` is an
/// `iovec`; the general registers (`NT_PRSTATUS`), the x87 state
/// (`NT_PRFPREG`) or the FXSAVE image (`NT_PRXFPREG`), at most
/// `iov_len` bytes, `iov_len` set to what was copied. Another note is
/// `EINVAL`.
fn regset(pid: Pid, request: u32, note: u32, data: usize) -> SysResult {
    let iov_ptr = UserPtr::<Iovec>::new(data);
    let mut iov = iov_ptr.read()?;
    let mut bytes = [0u8; 512];
    let size = match note {
        NT_PRSTATUS => {
            for (i, r) in get_regs(pid).iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&r.to_le_bytes());
            }
            USER_REGS_SIZE
        }
        NT_PRFPREG => {
            for (i, r) in get_fpregs(pid).iter().enumerate() {
                bytes[i * 4..i * 4 + 4].copy_from_slice(&r.to_le_bytes());
            }
            27 * 4
        }
        NT_PRXFPREG => {
            bytes = with_tracee(pid, |t| ptrace::fxsave_view(t));
            512
        }
        _ => return Err(EINVAL),
    };
    let len = (iov.len as usize).min(size);
    let mm = crate::proc::current_mm()?;
    if request == PTRACE_GETREGSET {
        crate::mm::usercopy::copy_to_user(&mm, iov.base as usize, &bytes[..len])?;
    } else {
        crate::mm::usercopy::copy_from_user(&mm, &mut bytes[..len], iov.base as usize)?;
        match note {
            NT_PRSTATUS => {
                let mut regs = get_regs(pid);
                for (i, r) in regs.iter_mut().enumerate().take(len / 4) {
                    *r = u32::from_le_bytes(bytes[i * 4..i * 4 + 4].try_into().expect("4 bytes"));
                }
                set_regs(pid, &regs)?;
            }
            NT_PRFPREG => {
                let mut env = get_fpregs(pid);
                for (i, r) in env.iter_mut().enumerate().take(len / 4) {
                    *r = u32::from_le_bytes(bytes[i * 4..i * 4 + 4].try_into().expect("4 bytes"));
                }
                with_tracee(pid, |t| ptrace::set_i387(t, &env));
            }
            _ => {
                let mut fx = with_tracee(pid, |t| ptrace::fxsave_view(t));
                fx[..len].copy_from_slice(&bytes[..len]);
                with_tracee(pid, |t| ptrace::set_fxsave(t, &fx));
            }
        }
    }
    iov.len = len as u32;
    iov_ptr.write(&iov)?;
    Ok(0)
}

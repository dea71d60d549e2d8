//! The one helper layer between registers and handlers: typed access to
//! the six arguments, user pointers through the user-copy chokepoint, and
//! the result encoding (`-errno` in EAX).

use crate::arch::x86::common::EntryPath;
use crate::arch::x86::ptregs::PtRegs;
use crate::mm::usercopy::{Efault, StrError, UserPtr, UserSlice, strncpy_from_user};
use abi::Pod;
use abi::errno::{EFAULT, ENAMETOOLONG};
use alloc::vec::Vec;

/// A handler's result: a non-negative value or an errno.
pub type SysResult = Result<usize, i32>;

/// `Efault` → `EFAULT`, for `map_err`.
pub fn efault(_: Efault) -> i32 {
    EFAULT
}

/// Longest path accepted (Linux's `PATH_MAX`).
pub const PATH_MAX: usize = 4096;

/// One system call's view of its registers.
pub struct SyscallContext<'a> {
    pub regs: &'a mut PtRegs,
    pub path: EntryPath,
}

impl SyscallContext<'_> {
    /// Argument `i` (0..6: ebx, ecx, edx, esi, edi, ebp) as raw bits.
    pub fn arg(&self, i: usize) -> u32 {
        self.regs.syscall_args()[i]
    }
    pub fn arg_i32(&self, i: usize) -> i32 {
        self.arg(i) as i32
    }
    pub fn arg_usize(&self, i: usize) -> usize {
        self.arg(i) as usize
    }
    /// Argument `i` as a typed user pointer.
    pub fn user_ptr<T: Pod>(&self, i: usize) -> UserPtr<T> {
        UserPtr::new(self.arg_usize(i))
    }
    /// Arguments `addr`, `len` as a user byte range (`-EFAULT` if it wraps or
    /// reaches the kernel).
    pub fn user_slice(&self, addr: usize, len: usize) -> Result<UserSlice, i32> {
        UserSlice::new(self.arg_usize(addr), self.arg_usize(len)).map_err(efault)
    }
    /// Argument `i` as a path string.
    pub fn user_path(&self, i: usize) -> Result<Vec<u8>, i32> {
        read_user_str(self.arg_usize(i), PATH_MAX)
    }
}

/// A NUL-terminated user string, `-EFAULT` or `-ENAMETOOLONG`.
pub fn read_user_str(addr: usize, max: usize) -> Result<Vec<u8>, i32> {
    strncpy_from_user(addr, max).map_err(|e| match e {
        StrError::Fault => EFAULT,
        StrError::TooLong => ENAMETOOLONG,
    })
}

/// Read a NULL-terminated array of string pointers (argv, envp), taking
/// at most `*budget` bytes in all (`-E2BIG` past it, checked while copying
/// so a hostile array cannot exhaust the heap).
pub fn read_user_str_array(addr: usize, budget: &mut usize) -> Result<Vec<Vec<u8>>, i32> {
    let mut out = Vec::new();
    if addr == 0 {
        return Ok(out);
    }
    let base = UserPtr::<u32>::new(addr);
    loop {
        let p = base
            .offset(out.len())
            .map_err(efault)?
            .read()
            .map_err(efault)?;
        if p == 0 {
            return Ok(out);
        }
        // Each pointer costs its slot on the new stack too.
        *budget = budget.checked_sub(4).ok_or(abi::errno::E2BIG)?;
        // Linux's MAX_ARG_STRLEN is 32 pages.
        let s = read_user_str(p as usize, (128 * 1024).min(*budget)).map_err(|e| {
            if e == ENAMETOOLONG {
                abi::errno::E2BIG
            } else {
                e
            }
        })?;
        *budget = budget.checked_sub(s.len() + 1).ok_or(abi::errno::E2BIG)?;
        out.push(s);
    }
}

/// A result as the EAX value.
pub fn encode(r: SysResult) -> u32 {
    match r {
        Ok(v) => v as u32,
        Err(e) => (-e) as u32,
    }
}

/// An EAX value for the trace: `-14 EFAULT` or the number.
pub fn decode_ret(ax: u32) -> alloc::string::String {
    let v = ax as i32;
    if (-4095..0).contains(&v) {
        alloc::format!("{} {}", v, abi::errno::errno_name(-v).unwrap_or("?"))
    } else {
        if (0..0x10000).contains(&v) {
            alloc::format!("{v}")
        } else {
            alloc::format!("{v:#x}")
        }
    }
}

/// A user string for the trace: quoted, or the address if unreadable.
pub fn user_string_for_trace(addr: usize) -> alloc::string::String {
    match strncpy_from_user(addr, 64) {
        Ok(s) => alloc::format!("{:?}", alloc::string::String::from_utf8_lossy(&s)),
        Err(_) => alloc::format!("{addr:#x}"),
    }
}

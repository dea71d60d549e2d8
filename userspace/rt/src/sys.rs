//! Typed system-call wrappers over the selected entry path
//! ([`set_path`](crate::set_path)).
//!
//! Every wrapper returns the kernel's raw result as `isize`, the way the
//! kernel hands it back in `eax`: a value `>= 0` (or an address) on success,
//! `-errno` on failure (e.g. `EBADF.neg()`, -9); see
//! [`is_error`](crate::syscall::is_error). Nothing is hidden in an `errno`
//! variable, so tests can compare exact results.
//!
//! Wrappers whose effect Rust cannot check (address-space changes, raw
//! pointer arguments) are `unsafe fn`; the rest take references and slices.

use alloc::vec::Vec;
use core::ffi::{CStr, c_char};

use abi::syscalls::*;
use abi::{Iovec, Rusage, Timespec, Timespec64, Utsname};

use crate::syscall::{syscall0, syscall1, syscall2, syscall3, syscall4, syscall6};

/// Ends the calling thread (`exit`, number 1); in a single-threaded process
/// that ends the process with `status & 0xff`.
pub fn exit(status: i32) -> ! {
    // SAFETY: ending the thread cannot break memory safety.
    unsafe { syscall1(NR_EXIT, status as usize) };
    exit_failed()
}

/// Ends the process, all threads (`exit_group`, number 252).
pub fn exit_group(status: i32) -> ! {
    // SAFETY: ending the process cannot break memory safety.
    unsafe { syscall1(NR_EXIT_GROUP, status as usize) };
    exit_failed()
}

/// The kernel returned from an exit call: try the simplest path once more,
/// then die on an invalid instruction rather than run on.
#[cold]
fn exit_failed() -> ! {
    // SAFETY: as in `exit_group`; `ud2` raises #UD and never returns.
    unsafe {
        crate::syscall::syscall6_int80(NR_EXIT_GROUP, 127, 0, 0, 0, 0, 0);
        core::arch::asm!("ud2", options(noreturn));
    }
}

/// `read(fd, buf, buf.len())`: bytes read, 0 at end of file.
pub fn read(fd: i32, buf: &mut [u8]) -> isize {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`, which
    // is valid for writes and exclusively borrowed.
    unsafe { syscall3(NR_READ, fd as usize, buf.as_mut_ptr() as usize, buf.len()) }
}

/// `write(fd, buf, buf.len())`: bytes written.
pub fn write(fd: i32, buf: &[u8]) -> isize {
    // SAFETY: the kernel only reads `buf`, which is valid for reads.
    unsafe { syscall3(NR_WRITE, fd as usize, buf.as_ptr() as usize, buf.len()) }
}

/// `writev(fd, iov, iov.len())`: bytes written. The kernel only reads the
/// described buffers; one it cannot read gives `-EFAULT`, never a write to
/// this process's memory, so any `Iovec` values are memory-safe.
pub fn writev(fd: i32, iov: &[Iovec]) -> isize {
    // SAFETY: the kernel only reads the iovec array (valid for reads) and
    // the buffers it describes (or fails with EFAULT).
    unsafe { syscall3(NR_WRITEV, fd as usize, iov.as_ptr() as usize, iov.len()) }
}

/// An [`Iovec`] describing `buf`.
pub fn iovec(buf: &[u8]) -> Iovec {
    Iovec {
        base: buf.as_ptr() as u32,
        len: buf.len() as u32,
    }
}

/// `getpid()`: the process id.
pub fn getpid() -> isize {
    // SAFETY: no arguments, no memory effects.
    unsafe { syscall0(NR_GETPID) }
}

/// `getppid()`: the parent's process id.
pub fn getppid() -> isize {
    // SAFETY: no arguments, no memory effects.
    unsafe { syscall0(NR_GETPPID) }
}

/// `getuid32()`: the real user id.
pub fn getuid32() -> isize {
    // SAFETY: no arguments, no memory effects.
    unsafe { syscall0(NR_GETUID32) }
}

/// `geteuid32()`: the effective user id.
pub fn geteuid32() -> isize {
    // SAFETY: no arguments, no memory effects.
    unsafe { syscall0(NR_GETEUID32) }
}

/// `getgid32()`: the real group id.
pub fn getgid32() -> isize {
    // SAFETY: no arguments, no memory effects.
    unsafe { syscall0(NR_GETGID32) }
}

/// `getegid32()`: the effective group id.
pub fn getegid32() -> isize {
    // SAFETY: no arguments, no memory effects.
    unsafe { syscall0(NR_GETEGID32) }
}

/// `brk(addr)`: moves the program break to `addr` and returns the new break;
/// on failure (or for `addr` = 0) returns the current break unchanged (the
/// raw Linux system call, not C's `brk`).
///
/// # Safety
///
/// Shrinking the break unmaps memory: nothing between the new and the old
/// break may still be in use.
pub unsafe fn brk(addr: usize) -> usize {
    // SAFETY: the caller guarantees that memory given up is unused.
    unsafe { syscall1(NR_BRK, addr) as usize }
}

/// `mmap2(addr, len, prot, flags, fd, pgoff)`: the address of the new
/// mapping or `-errno` (`pgoff` counts 4096-byte pages).
///
/// # Safety
///
/// With `MAP_FIXED` (or an `addr` the kernel may honour over existing
/// mappings) the new mapping may replace memory still in use; it must not.
pub unsafe fn mmap2(
    addr: usize,
    len: usize,
    prot: u32,
    flags: u32,
    fd: i32,
    pgoff: usize,
) -> isize {
    // SAFETY: the caller guarantees that no mapping in use is replaced.
    unsafe {
        syscall6(
            NR_MMAP2,
            addr,
            len,
            prot as usize,
            flags as usize,
            fd as usize,
            pgoff,
        )
    }
}

/// `munmap(addr, len)`: 0 or `-errno`.
///
/// # Safety
///
/// Nothing in `addr..addr + len` may still be in use.
pub unsafe fn munmap(addr: usize, len: usize) -> isize {
    // SAFETY: the caller guarantees the range is unused.
    unsafe { syscall2(NR_MUNMAP, addr, len) }
}

/// `uname(buf)` (the `newuname` call, number 122): 0 or `-errno`.
pub fn uname(buf: &mut Utsname) -> isize {
    // SAFETY: `buf` is a valid, exclusively borrowed `struct new_utsname`.
    unsafe { syscall1(NR_UNAME, buf as *mut Utsname as usize) }
}

/// `time(tloc)`: seconds since the epoch (also stored in `*tloc`).
pub fn time(tloc: Option<&mut i32>) -> isize {
    let p = tloc.map_or(0, |t| t as *mut i32 as usize);
    // SAFETY: `p` is NULL or a valid, exclusively borrowed i32.
    unsafe { syscall1(NR_TIME, p) }
}

/// `clock_gettime(clock, ts)` with the 32-bit `struct timespec`.
pub fn clock_gettime(clock: i32, ts: &mut Timespec) -> isize {
    // SAFETY: `ts` is a valid, exclusively borrowed timespec.
    unsafe {
        syscall2(
            NR_CLOCK_GETTIME,
            clock as usize,
            ts as *mut Timespec as usize,
        )
    }
}

/// `clock_gettime64(clock, ts)` with the 64-bit `struct __kernel_timespec`.
pub fn clock_gettime64(clock: i32, ts: &mut Timespec64) -> isize {
    // SAFETY: `ts` is a valid, exclusively borrowed 64-bit timespec.
    unsafe {
        syscall2(
            NR_CLOCK_GETTIME64,
            clock as usize,
            ts as *mut Timespec64 as usize,
        )
    }
}

/// `ioctl(fd, request, arg)`.
///
/// # Safety
///
/// `arg` must be what `request` expects: if it is a pointer, to memory of
/// the request's type, valid for the kernel to read or write.
pub unsafe fn ioctl(fd: i32, request: u32, arg: usize) -> isize {
    // SAFETY: the caller matches `arg` to `request`.
    unsafe { syscall3(NR_IOCTL, fd as usize, request as usize, arg) }
}

/// `set_tid_address(tidptr)`: returns the caller's thread id. At thread exit
/// the kernel writes 0 to `*tidptr` (and wakes a futex there).
///
/// # Safety
///
/// `tidptr` must be NULL or stay valid for writes until the thread exits.
pub unsafe fn set_tid_address(tidptr: *mut i32) -> isize {
    // SAFETY: the caller guarantees `tidptr` stays valid.
    unsafe { syscall1(NR_SET_TID_ADDRESS, tidptr as usize) }
}

/// `fork()`: the child's pid in the parent, 0 in the child. Safe here
/// because `rt` programs are single-threaded: the child's copy of memory is
/// consistent.
pub fn fork() -> isize {
    // SAFETY: the child gets a copy of the address space; no memory is
    // shared, so neither process can observe the other's writes.
    unsafe { syscall0(NR_FORK) }
}

/// `execve(path, argv, envp)` with raw pointers; returns only on failure.
///
/// # Safety
///
/// The pointers are passed to the kernel as they are. If they are valid
/// (or the call fails), nothing is written to this process's memory; on
/// success the process image is replaced.
pub unsafe fn execve(
    path: *const c_char,
    argv: *const *const c_char,
    envp: *const *const c_char,
) -> isize {
    // SAFETY: the kernel only reads through the pointers (or fails with
    // EFAULT); the caller accepts the replacement of the image.
    unsafe { syscall3(NR_EXECVE, path as usize, argv as usize, envp as usize) }
}

/// `execve` from Rust strings: builds the NULL-terminated `argv` and `envp`
/// arrays and calls [`execve`]. Returns only on failure (`-errno`).
pub fn exec(path: &CStr, argv: &[&CStr], envp: &[&CStr]) -> isize {
    let nul_terminated = |v: &[&CStr]| -> Vec<*const c_char> {
        v.iter()
            .map(|s| s.as_ptr())
            .chain(core::iter::once(core::ptr::null()))
            .collect()
    };
    let argv = nul_terminated(argv);
    let envp = nul_terminated(envp);
    // SAFETY: all pointers are valid NUL-terminated strings and
    // NULL-terminated arrays that outlive the call.
    unsafe { execve(path.as_ptr(), argv.as_ptr(), envp.as_ptr()) }
}

/// `wait4(pid, status, options, rusage)`: the pid of the child reaped (0
/// with `WNOHANG` if none is ready), or `-errno` (`-ECHILD` if there is no
/// such child).
pub fn wait4(
    pid: i32,
    status: Option<&mut i32>,
    options: u32,
    rusage: Option<&mut Rusage>,
) -> isize {
    let status = status.map_or(0, |s| s as *mut i32 as usize);
    let rusage = rusage.map_or(0, |r| r as *mut Rusage as usize);
    // SAFETY: both pointers are NULL or valid, exclusively borrowed.
    unsafe { syscall4(NR_WAIT4, pid as usize, status, options as usize, rusage) }
}

/// `waitpid(pid, status, options)` (number 7; Linux implements it as
/// `wait4` without `rusage`).
pub fn waitpid(pid: i32, status: Option<&mut i32>, options: u32) -> isize {
    let status = status.map_or(0, |s| s as *mut i32 as usize);
    // SAFETY: `status` is NULL or valid, exclusively borrowed.
    unsafe { syscall3(NR_WAITPID, pid as usize, status, options as usize) }
}

/// Decoded wait status (the C library's `WIFEXITED`/`WIFSIGNALED` family).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitStatus {
    /// Exited with this status (`WEXITSTATUS`).
    Exited(i32),
    /// Killed by this signal (`WTERMSIG`); `true` if it dumped core.
    Signaled(i32, bool),
    /// Stopped by this signal (`WSTOPSIG`).
    Stopped(i32),
    /// Continued by `SIGCONT`.
    Continued,
}

impl WaitStatus {
    /// Decodes a status word stored by `wait4`.
    pub fn decode(status: i32) -> Self {
        let low = status & 0x7f;
        if low == 0 {
            WaitStatus::Exited((status >> 8) & 0xff)
        } else if status == 0xffff {
            WaitStatus::Continued
        } else if low == 0x7f {
            WaitStatus::Stopped((status >> 8) & 0xff)
        } else {
            WaitStatus::Signaled(low, status & 0x80 != 0)
        }
    }
}

/// `open(path, flags, 0)`: a descriptor, or `-errno`.
pub fn open(path: &CStr, flags: u32) -> isize {
    // SAFETY: the kernel only reads the NUL-terminated path.
    unsafe { syscall3(NR_OPEN, path.as_ptr() as usize, flags as usize, 0) }
}

/// `close(fd)`.
pub fn close(fd: i32) -> isize {
    // SAFETY: closing a descriptor cannot break memory safety.
    unsafe { syscall1(NR_CLOSE, fd as usize) }
}

/// `dup2(old, new)`: `new`, or `-errno`.
pub fn dup2(old: i32, new: i32) -> isize {
    // SAFETY: descriptor numbers only.
    unsafe { syscall2(NR_DUP2, old as usize, new as usize) }
}

/// `access(path, mode)`: 0 if the access is allowed.
pub fn access(path: &CStr, mode: u32) -> isize {
    // SAFETY: the kernel only reads the NUL-terminated path.
    unsafe { syscall2(NR_ACCESS, path.as_ptr() as usize, mode as usize) }
}

/// `symlink(target, path)`: 0, or `-errno`.
pub fn symlink(target: &CStr, path: &CStr) -> isize {
    // SAFETY: the kernel only reads the two NUL-terminated strings.
    unsafe { syscall2(NR_SYMLINK, target.as_ptr() as usize, path.as_ptr() as usize) }
}

/// `setsid()`: the new session's id (this process's pid), or `-errno`.
pub fn setsid() -> isize {
    // SAFETY: no memory is passed.
    unsafe { syscall0(NR_SETSID) }
}

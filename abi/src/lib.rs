//! The Linux i386 system-call ABI as one `no_std` crate: the kernel and the
//! user programs both depend on it, so numbers, flags and structure layouts
//! are written down once and cannot drift apart.
//!
//! Every value comes from a named Linux header (cited in each module); the
//! system-call numbers follow `arch/x86/entry/syscalls/syscall_32.tbl`, the
//! way Linux generates `unistd_32.h` from that table.
//!
//! Integer types are the i386 ones spelled out (`long` is `i32`, pointers in
//! structures are `u32`), so the layouts are the same whether this crate is
//! built for the 32-bit kernel, for 32-bit user programs, or for host tests.
//!
//! Conventions for the constants: system-call numbers are `usize`
//! (`syscalls::NR_WRITE`); error numbers are the [`Errno`] type
//! (`errno::EFAULT`), so kernel code can use `?`; signal numbers and clock
//! IDs are `i32`, as the C `int`s they are (`signal::SIGSEGV`);
//! bit masks, commands and request numbers are `u32` (`fcntl::O_CLOEXEC`,
//! `ioctl::TCGETS`). Structures that cross the user/kernel boundary live in
//! [`types`] and implement [`Pod`].

#![no_std]

#[cfg(test)]
extern crate std;

#[macro_use]
pub mod flags;
pub mod auxv;
pub mod cred;
pub mod errno;
pub mod fcntl;
pub mod ioctl;
pub mod ipc;
pub mod ldt;
pub mod magic;
pub mod mman;
pub mod mount;
pub mod poll;
pub mod prctl;
pub mod ptrace;
pub mod random;
pub mod reboot;
pub mod resource;
pub mod sched;
pub mod signal;
pub mod stat;
pub mod syscalls;
pub mod termios;
pub mod time;
pub mod types;
pub mod uio;
pub mod wait;

pub use errno::{Errno, MAX_ERRNO, errno_description, errno_name};
pub use signal::signal_name;
pub use syscalls::{NR_SYSCALLS, SYSCALL_NAMES, syscall_name, syscall_number};
pub use types::{
    AuxvEntry, Iovec, KSigaction, Pod, Pollfd, Rusage, SignalStack, Stat64, Statx, StatxTimestamp,
    Sysinfo, Termios, Timespec, Timespec64, Timeval, UserDesc, Utsname, Winsize,
};

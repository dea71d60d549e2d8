//! System-call dispatch.

use crate::arch::x86::entry::EntryPath;
use crate::arch::x86::ptregs::PtRegs;

/// Dispatch one system call.
pub fn do_syscall(regs: &mut PtRegs, _path: EntryPath) {
    regs.ax = (-abi::errno::ENOSYS) as u32;
}

/// Trace a SYSENTER whose argument fetch faulted.
pub fn trace_fault(_regs: &PtRegs, _path: EntryPath) {}

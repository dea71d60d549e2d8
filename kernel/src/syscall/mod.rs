//! System-call dispatch: Linux's `do_syscall_32_irqs_on` in a few lines.
//!
//! `orig_ax` holds the number; a number inside the table calls its entry,
//! which decodes the six register arguments into the handler's declared
//! types (`args.rs`); the result, or `-errno`, goes back in `ax`. Unknown
//! numbers return `-ENOSYS` and the process keeps running (musl probes new
//! calls and falls back on `ENOSYS`).

pub mod args;
pub mod cred;
pub mod info;
pub mod ipc;
pub mod mem;
pub mod proc;
pub mod ptrace;
pub mod sched;
pub mod signal;
pub mod table;
pub mod time;
pub mod uaccess;

use crate::arch::x86::common::EntryPath;
use crate::arch::x86::ptregs::PtRegs;
use abi::errno::ENOSYS;
use abi::syscalls::NR_SYSCALLS;
use alloc::string::String;
use core::fmt::Write;
use core::sync::atomic::{AtomicBool, Ordering};

static STRACE: AtomicBool = AtomicBool::new(false);
/// `strace` or `pathtrace` is on: the one load the fast path makes.
static TRACING: AtomicBool = AtomicBool::new(false);

/// Turn on tracing of every call (kernel option `strace`).
pub fn set_strace(on: bool) {
    STRACE.store(on, Ordering::Relaxed);
    TRACING.store(
        on || crate::arch::x86::pathtrace::enabled(),
        Ordering::Relaxed,
    );
}

/// A traced task wants system-call stops (`proc/ptrace.rs`): from now on
/// every call takes the slow path, where `syscall_tail_traced` looks for
/// the current task's syscall work. Sticky: the fast path keeps its one
/// load.
pub fn enable_syscall_work() {
    TRACING.store(true, Ordering::Relaxed);
}

/// Draw the path of every call numbered `nr` (kernel option `pathtrace`).
pub fn set_pathtrace(nr: u32) {
    crate::arch::x86::pathtrace::set(nr);
    TRACING.store(true, Ordering::Relaxed);
}

/// A system call's number from its name (`write`) or its number (`4`).
pub fn number_of(call: &str) -> Option<u32> {
    if let Ok(nr) = call.parse::<u32>() {
        return (nr < NR_SYSCALLS as u32).then_some(nr);
    }
    (0..NR_SYSCALLS)
        .find(|&nr| abi::syscalls::syscall_name(nr) == Some(call))
        .map(|nr| nr as u32)
}

/// Is `strace` or `pathtrace` on? (One load on the fast path.)
#[inline(always)]
pub fn tracing() -> bool {
    TRACING.load(Ordering::Relaxed)
}

/// The name of the handler in table slot `nr`, as the table names it.
pub fn handler_name(nr: usize) -> &'static str {
    table::SYS_CALL_TABLE
        .get(nr)
        .map_or("sys_ni_syscall (past the table)", |e| e.name)
}

/// `ax = SYS_CALL_TABLE[orig_ax](args)`, or `-ENOSYS` past the table.
#[inline(always)]
pub fn dispatch(regs: &mut PtRegs, path: EntryPath) {
    let nr = regs.orig_ax as usize;
    regs.ax = match table::SYS_CALL_TABLE.get(nr) {
        Some(entry) => (entry.call)(regs, path),
        None => ENOSYS.neg() as u32,
    };
}

/// The same with tracing, kept out of the fast path. The line is formatted
/// before the call (execve replaces the strings it names) and finished
/// after it, like strace.
#[cold]
#[inline(never)]
pub fn do_syscall_traced(regs: &mut PtRegs, path: EntryPath) -> Option<String> {
    let nr = regs.orig_ax as usize;
    if !STRACE.load(Ordering::Relaxed) {
        dispatch(regs, path);
        return None;
    }
    let line = trace_call(regs, path);
    dispatch(regs, path);
    // `exit` and `exit_group` were printed with ` = ?` already.
    (!matches!(nr, abi::syscalls::NR_EXIT | abi::syscalls::NR_EXIT_GROUP))
        .then(|| alloc::format!("{line} = {}", args::decode_ret(regs.ax)))
}

/// Print a finished trace line with the return instruction used.
pub fn trace_return(line: &str, how: &str) {
    crate::println!("{line} ({how})");
}

/// `[pid] path name(args)` for the trace. Calls that do not return
/// (`exit`, `exit_group`) are printed at once, with ` = ?`.
fn trace_call(regs: &PtRegs, path: EntryPath) -> String {
    let nr = regs.orig_ax as usize;
    let pid = crate::proc::current_pid().unwrap_or(0);
    let p = match path {
        EntryPath::Int80 => "int80",
        EntryPath::Sysenter => "sysenter",
    };
    let a = regs.syscall_args();
    let mut line = String::new();
    let _ = match abi::syscalls::syscall_name(nr).filter(|_| nr < NR_SYSCALLS) {
        Some(name) => write!(line, "[{pid}] {p} {name}("),
        None => write!(line, "[{pid}] {p} syscall_{:#x}(", regs.orig_ax),
    };
    let entry = table::SYS_CALL_TABLE.get(nr).unwrap_or(&table::NI);
    (entry.trace)(&a, &mut line);
    line.push(')');
    if matches!(nr, abi::syscalls::NR_EXIT | abi::syscalls::NR_EXIT_GROUP) {
        crate::println!("{line} = ?");
    }
    line
}

/// Trace a SYSENTER whose sixth-argument fetch faulted.
pub fn trace_fault(regs: &PtRegs, path: EntryPath) {
    if STRACE.load(Ordering::Relaxed) {
        crate::println!(
            "{} = -14 EFAULT (bad user stack in EBP)",
            trace_call(regs, path)
        );
    }
}

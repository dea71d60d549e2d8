//! Running a piece of a test in a forked child, so that a wrong result that
//! kills or replaces the process (a fault, a successful `execve`) cannot take
//! the whole suite down.

use alloc::format;
use alloc::string::String;

use abi::syscalls::NR_PRCTL;
use rt::sys::{self, WaitStatus};

use crate::check::show;

/// `prctl` option: set the "dumpable" attribute.
const PR_SET_DUMPABLE: usize = 4;

/// Runs `f` in a child process that exits with `f`'s result; returns the
/// child's raw wait status.
pub fn run_in_child(f: impl FnOnce() -> i32) -> Result<i32, String> {
    let pid = sys::fork();
    if pid == 0 {
        sys::exit_group(f());
    }
    if pid < 0 {
        return Err(format!("fork: {}", show(pid)));
    }
    let mut status = 0;
    let ret = sys::wait4(pid as i32, Some(&mut status), 0, None);
    if ret != pid {
        return Err(format!(
            "wait4({pid}): got {}, expected the child's pid",
            show(ret)
        ));
    }
    Ok(status)
}

/// Like [`run_in_child`], but expects the child to exit normally and returns
/// its exit code.
pub fn exit_code_of_child(f: impl FnOnce() -> i32) -> Result<i32, String> {
    let status = run_in_child(f)?;
    match WaitStatus::decode(status) {
        WaitStatus::Exited(code) => Ok(code),
        other => Err(format!("child ended with status {status:#x} ({other:?})")),
    }
}

/// Marks the calling process non-dumpable, so that a test that kills it on
/// purpose leaves no core file behind on a Linux host. A kernel without
/// `prctl` returns `-ENOSYS`, which is fine: it writes no core files either.
pub fn no_core_dump() {
    // SAFETY: PR_SET_DUMPABLE takes an integer and touches no memory.
    unsafe { rt::syscall::syscall2(NR_PRCTL, PR_SET_DUMPABLE, 0) };
}

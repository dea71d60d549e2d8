//! Scheduler system calls (Linux's `kernel/sched/core.c`): yielding, and
//! CPU affinity on a machine with one CPU, CPU 0.

use super::args::SysResult;
use super::uaccess::UserPtr;
use crate::proc::cred::capable;
use crate::proc::sched::{self, SCHED};
use crate::proc::task::Pid;
use abi::cred::CAP_SYS_NICE;
use abi::errno::{EINVAL, EPERM, ESRCH, Errno};

/// The size of the kernel's CPU mask (`cpumask_size()`): one word.
const CPUMASK_SIZE: usize = 4;

/// `sched_yield()`.
pub fn sys_sched_yield() -> SysResult {
    sched::schedule();
    Ok(0)
}

/// Check that `pid` (0: the caller) exists and that the caller may change
/// its scheduling: the same effective user as its real or effective user,
/// or `CAP_SYS_NICE` (Linux's `check_same_owner`).
fn sched_target(pid: i32, change: bool) -> Result<(), Errno> {
    let pid = Pid::try_from(pid).map_err(|_| EINVAL)?;
    let same_owner = SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let my = s.tasks.get(me).map(|t| t.cred.euid);
        let target = s.tasks.get(if pid == 0 { me } else { pid }).ok_or(ESRCH)?;
        Ok::<_, Errno>(my == Some(target.cred.euid) || my == Some(target.cred.uid))
    })?;
    if change && !same_owner && !capable(CAP_SYS_NICE) {
        return Err(EPERM);
    }
    Ok(())
}

/// `sched_getaffinity(pid, len, mask)`: CPU 0; returns the bytes written
/// (`len` must hold the mask and be a multiple of a word).
pub fn sys_sched_getaffinity(pid: i32, len: usize, mask: UserPtr<u32>) -> SysResult {
    if len == 0 || !len.is_multiple_of(CPUMASK_SIZE) {
        return Err(EINVAL);
    }
    sched_target(pid, false)?;
    mask.write(&1)?;
    Ok(CPUMASK_SIZE)
}

/// `sched_setaffinity(pid, len, mask)`: a mask is accepted when it
/// includes CPU 0, the only CPU (Linux ANDs it with the active CPUs and
/// refuses an empty result with `EINVAL`). A shorter `len` than the
/// kernel's mask reads as zeros; a longer one is cut.
pub fn sys_sched_setaffinity(pid: i32, len: usize, mask: UserPtr<u32>) -> SysResult {
    let first = if len < CPUMASK_SIZE { 0 } else { mask.read()? };
    sched_target(pid, true)?;
    if first & 1 == 0 {
        return Err(EINVAL);
    }
    Ok(0)
}

/// `getcpu(*cpu, *node, tcache)`: CPU 0 on node 0; either pointer may be
/// NULL. `tcache` has been ignored since Linux 2.6.24.
pub fn sys_getcpu(cpu: UserPtr<u32>, node: UserPtr<u32>, _tcache: usize) -> SysResult {
    cpu.write_opt(&0)?;
    node.write_opt(&0)?;
    Ok(0)
}

//! Processes: tasks, scheduling, ELF loading, the vDSO, user faults.

pub mod fault;
pub mod sched;
pub mod vdso;

/// The running process's pid, if a process is running.
pub fn current_pid() -> Option<u32> {
    None
}

/// Does the current process's address space allow this access?
pub fn current_mm_allows(_addr: usize, _len: usize, _write: bool) -> bool {
    false
}

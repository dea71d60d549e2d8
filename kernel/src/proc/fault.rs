//! User faults: serve a page of a lazily mapped region (stack, heap, mmap),
//! or kill the process with the signal Linux would send, logging a line in
//! Linux's format (`prog[pid]: segfault at ADDR ip IP sp SP error CODE`);
//! and the OOM killer, for a page that is allowed but finds no memory.

use super::{current_mm, current_pid, with_current};
use crate::mm::addrspace::Fault;

/// Page-fault error code bits (SDM Vol. 3A, 4.7).
const PF_PRESENT: u32 = 1 << 0;
const PF_WRITE: u32 = 1 << 1;

/// Serve a page fault on a lazily mapped user page.
pub fn handle_user_page_fault(addr: usize, error: u32) -> Fault {
    if addr >= crate::mm::USER_TOP || current_pid().is_none() {
        return Fault::Bad;
    }
    let Ok(mm) = current_mm() else {
        return Fault::Bad;
    };
    mm.with(|m| m.handle_fault(addr, error & PF_WRITE != 0, error & PF_PRESENT != 0))
}

/// Kill the current process with `signal`, logging `what` Linux-style.
pub fn kill_current(signal: i32, what: core::fmt::Arguments) -> ! {
    let (pid, comm) = with_current(|t| (t.pid, t.comm.clone()));
    crate::println!("{comm}[{pid}]: {what}");
    super::exit(signal as u32 & 0x7F)
}

/// Out of memory for a page the current process may have: kill it with
/// `SIGKILL`, with Linux's report line (`oom_kill_process`). Linux picks
/// the process with the highest badness score; here the one that asked is
/// the one that goes, which for a runaway allocator is the same.
pub fn oom_kill_current() -> ! {
    let (pid, comm) = with_current(|t| (t.pid, t.comm.clone()));
    let (vm, rss) = current_mm().map_or((0, 0), |mm| mm.with(|m| m.footprint_kb()));
    crate::println!(
        "Out of memory: Killed process {pid} ({comm}) total-vm:{vm}kB, anon-rss:{rss}kB, \
         file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0"
    );
    super::exit(abi::signal::SIGKILL as u32)
}

/// The OOM killer for a page the kernel itself touched on the process's
/// behalf (a copy to user memory): the copy fails with `-EFAULT`, and the
/// process gets `SIGKILL` on its way out.
pub fn oom_kill_current_later() {
    let (pid, comm) = with_current(|t| (t.pid, t.comm.clone()));
    crate::println!("Out of memory: Killed process {pid} ({comm}) (during a system call)");
    let info = super::signal::user_info(abi::signal::SIGKILL, abi::signal::SI_KERNEL, 0);
    let _ = super::signal::send(pid, abi::signal::SIGKILL, info);
}

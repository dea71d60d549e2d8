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
    let (write, present) = (error & PF_WRITE != 0, error & PF_PRESENT != 0);
    let fault = mm.with(|m| m.handle_fault(addr, write, present));
    if fault != Fault::Bad || present {
        return fault;
    }
    // Below a grows-down region (the stack, a MAP_GROWSDOWN mapping): it
    // grows to cover the address (Linux's `expand_stack` in
    // `do_user_addr_fault`), within RLIMIT_STACK and RLIMIT_AS, and
    // `stack_guard_gap` (256 pages) above the next mapping down.
    let limit = |r: i32| with_current(|t| t.rlimits[r as usize].cur);
    let pages = |v: u64| usize::try_from(v).unwrap_or(usize::MAX);
    let max_stack = pages(limit(abi::resource::RLIMIT_STACK));
    let max_pages = pages(limit(abi::resource::RLIMIT_AS) / crate::mm::PAGE_SIZE as u64);
    mm.with(|m| {
        if m.region_at(addr).is_none()
            && m.expand_stack(addr, STACK_GUARD_GAP, max_stack, max_pages)
        {
            m.handle_fault(addr, write, present)
        } else {
            Fault::Bad
        }
    })
}

/// Linux's `stack_guard_gap`: 256 pages kept free below a grows-down
/// region when it grows.
const STACK_GUARD_GAP: usize = 256 * crate::mm::PAGE_SIZE;

/// Kill the current process with `signal`, logging `what` Linux-style. It
/// ends on its way back to user mode (`exit_later`): the caller returns.
pub fn kill_current(signal: i32, what: core::fmt::Arguments) {
    let (pid, comm) = with_current(|t| (t.pid, t.comm.clone()));
    crate::println!("{comm}[{pid}]: {what}");
    super::exit_later(signal as u32 & 0x7F);
}

/// Out of memory for a page the current process may have: kill it with
/// `SIGKILL`, with Linux's report line (`oom_kill_process`), on its way
/// back to user mode. Linux picks the process with the highest badness
/// score; here the one that asked is the one that goes, which for a
/// runaway allocator is the same.
pub fn oom_kill_current() {
    let (pid, comm) = with_current(|t| (t.pid, t.comm.clone()));
    let (vm, rss, pgtables) = current_mm().map_or((0, 0, 0), |mm| mm.with(|m| m.footprint_kb()));
    crate::println!(
        "Out of memory: Killed process {pid} ({comm}) total-vm:{vm}kB, anon-rss:{rss}kB, \
         file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:{pgtables}kB oom_score_adj:0"
    );
    super::exit_later(abi::signal::SIGKILL as u32);
}

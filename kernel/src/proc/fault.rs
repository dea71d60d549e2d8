//! User faults: serve a page of a lazily mapped region (stack, heap, mmap),
//! or kill the process with the signal Linux would send, logging a line in
//! Linux's format (`prog[pid]: segfault at ADDR ip IP sp SP error CODE`).

use super::{current_pid, with_current};

/// Page-fault error code bits (SDM Vol. 3A, 4.7).
const PF_PRESENT: u32 = 1 << 0;
const PF_WRITE: u32 = 1 << 1;

/// Serve a page fault on a lazily mapped user page. False for a real fault.
pub fn handle_user_page_fault(addr: usize, error: u32) -> bool {
    if addr >= crate::mm::USER_TOP || current_pid().is_none() {
        return false;
    }
    super::current_mm().is_ok_and(|mm| {
        mm.with(|m| m.handle_fault(addr, error & PF_WRITE != 0, error & PF_PRESENT != 0))
    })
}

/// Kill the current process with `signal`, logging `what` Linux-style.
pub fn kill_current(signal: i32, what: core::fmt::Arguments) -> ! {
    let (pid, comm) = with_current(|t| (t.pid, t.comm.clone()));
    crate::println!("{comm}[{pid}]: {what}");
    super::exit(signal as u32 & 0x7F)
}

//! User faults: serve lazily mapped pages, or kill the process.

/// Serve a page fault on a lazily mapped user page.
pub fn handle_user_page_fault(_addr: usize, _error: u32) -> bool {
    false
}

/// Kill the current process with `signal`, logging `what` Linux-style.
pub fn kill_current(signal: i32, what: core::fmt::Arguments) -> ! {
    panic!("user fault without a process: signal {signal}: {what}");
}

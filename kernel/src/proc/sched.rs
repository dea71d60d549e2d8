//! The scheduler.

/// Called on every timer interrupt.
pub fn timer_tick(_from_user: bool) {}

//! The panic handler: prints `<program>: panicked at FILE:LINE:COL:` and the
//! message to standard error, then ends the process with status 101 (the
//! status a panicking Rust `std` program exits with).

use core::panic::PanicInfo;

use crate::{eprintln, start, sys};

/// Exit status of a panicking program.
pub const PANIC_STATUS: i32 = 101;

#[panic_handler]
fn panic(info: &PanicInfo<'_>) -> ! {
    let args = start::args();
    let name = args.str(0).unwrap_or("?");
    eprintln!("{name}: {info}");
    sys::exit_group(PANIC_STATUS)
}

//! A test kernel for the one panic a double borrow must give: it names
//! where the first borrow was taken and where the second was tried
//! (`sync.rs` `UpCell::with`), so the bug can be found between the two.

#![no_std]
#![no_main]

extern crate alloc;

use kernel::arch::x86::qemu::{ExitCode, exit_qemu};
use kernel::boot::BootInfo;
use kernel::println;
use kernel::sync::UpCell;

kernel::entry_point!(main);

static CELL: UpCell<u32> = UpCell::new(0);

fn main(_boot: &'static BootInfo) -> ! {
    kernel::panic::set_hook(|info| {
        let msg = alloc::format!("{}", info.message());
        // Both places are in this file, on the lines of the two `with`s.
        let named = msg.starts_with("UpCell borrowed twice: first at ")
            && msg.matches("kernel/tests/double_borrow.rs:").count() == 2
            && msg.contains(", again at ");
        if named {
            println!("[ok] {msg}");
            println!("1 passed, 0 failed");
            exit_qemu(ExitCode::Success)
        }
        println!("[failed] the panic does not name both borrowers: {msg}");
        println!("0 passed, 1 failed");
        exit_qemu(ExitCode::Failed)
    });
    println!("double_borrow::names_both_places ... ");
    CELL.with(|_| CELL.with(|v| *v += 1));
    println!("[failed] a double borrow did not panic");
    println!("0 passed, 1 failed");
    exit_qemu(ExitCode::Failed)
}

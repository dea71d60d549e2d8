//! A test kernel that must panic: the panic hook turns the expected panic
//! into success, and returning normally into failure.

#![no_std]
#![no_main]

use kernel::arch::x86::qemu::{ExitCode, exit_qemu};
use kernel::boot::BootInfo;
use kernel::println;

kernel::entry_point!(main);

fn main(_boot: &'static BootInfo) -> ! {
    kernel::panic::set_hook(|info| {
        println!("[ok] panicked as expected: {}", info.message());
        println!("1 passed, 0 failed");
        exit_qemu(ExitCode::Success)
    });
    println!("should_panic::assert_fails ... ");
    assert_eq!(1 + 1, 3, "arithmetic still works");
    println!("[failed] did not panic");
    println!("0 passed, 1 failed");
    exit_qemu(ExitCode::Failed)
}

//! A deliberate kernel page fault: the panic it causes must name the
//! exception, the error code and CR2, and carry the register dump. The
//! hook prints the whole panic message (what a user would see) and checks
//! it, then exits with success.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use core::fmt::Write;
use kernel::arch::x86::qemu::{ExitCode, exit_qemu};
use kernel::boot::BootInfo;
use kernel::println;

kernel::entry_point!(main);

/// An address in the kernel half that nothing maps (between the direct map
/// and the vmap area there is none: use the top of the vmap area instead).
const UNMAPPED: usize = kernel::mm::VMAP_START + kernel::mm::VMAP_SIZE - 4;

fn main(_boot: &'static BootInfo) -> ! {
    kernel::panic::set_hook(|info| {
        let mut msg = String::new();
        let _ = write!(msg, "{}", info.message());
        println!("{msg}");
        let want = [
            "kernel page fault (vector 14)",
            "error code 0x0",
            "CR2 0xf07ffffc",
            "EAX:",
            "EIP: 0008:",
            "EFLAGS:",
        ];
        match want.iter().find(|w| !msg.contains(*w)) {
            None => {
                println!("[ok] the panic names the fault and dumps the registers");
                println!("1 passed, 0 failed");
                exit_qemu(ExitCode::Success)
            }
            Some(missing) => {
                println!("[failed] the panic message lacks {missing:?}");
                println!("0 passed, 1 failed");
                exit_qemu(ExitCode::Failed)
            }
        }
    });
    println!("kernel_fault_dump::read_unmapped_kernel_address ... ");
    // SAFETY: deliberately not safe: this read must fault.
    let v = unsafe { core::ptr::read_volatile(UNMAPPED as *const u32) };
    println!("[failed] read {v:#x} from an unmapped address");
    exit_qemu(ExitCode::Failed)
}

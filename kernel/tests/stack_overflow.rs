//! Overflows the kernel stack on purpose. The guard page below the stack
//! faults, the CPU cannot push the #PF frame on the broken stack and raises a
//! double fault, which the task gate at vector 8 runs on its own TSS and
//! stack: we must see the double-fault panic, not a triple fault (reboot).

#![no_std]
#![no_main]

use kernel::arch::x86::qemu::{ExitCode, exit_qemu};
use kernel::boot::BootInfo;
use kernel::println;

kernel::entry_point!(main);

fn main(_boot: &'static BootInfo) -> ! {
    kernel::panic::set_hook(|info| {
        let msg = alloc_free_message(info);
        if msg {
            println!(
                "[ok] double fault caught by the task gate: {}",
                info.message()
            );
            println!("1 passed, 0 failed");
            exit_qemu(ExitCode::Success)
        }
        println!("[failed] unexpected panic: {}", info.message());
        println!("0 passed, 1 failed");
        exit_qemu(ExitCode::Failed)
    });
    println!("stack_overflow::recurse ... ");
    recurse(0);
    println!("[failed] recursion returned");
    exit_qemu(ExitCode::Failed)
}

/// Does the panic message name the double fault?
fn alloc_free_message(info: &core::panic::PanicInfo) -> bool {
    struct Finder(bool);
    impl core::fmt::Write for Finder {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            self.0 |= s.contains("double fault");
            Ok(())
        }
    }
    let mut f = Finder(false);
    let _ = core::fmt::write(&mut f, format_args!("{}", info.message()));
    f.0
}

#[allow(unconditional_recursion)]
fn recurse(depth: u32) -> u32 {
    let big = [depth; 64];
    core::hint::black_box(&big);
    recurse(depth + 1) + core::hint::black_box(big[3])
}

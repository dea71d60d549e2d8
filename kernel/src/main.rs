//! The kernel image: bring-up (in the library), a banner, then init.

#![no_std]
#![no_main]

use kernel::boot::{BootInfo, BootProtocol};
use kernel::println;

kernel::entry_point!(kmain);

fn kmain(boot: &'static BootInfo) -> ! {
    banner(boot);
    kernel::arch::x86::qemu::exit_qemu(kernel::arch::x86::qemu::ExitCode::Success)
}

/// What a user sees first: how we were booted and what we were given.
fn banner(boot: &BootInfo) {
    println!("rusty-i386: an i386 kernel with the Linux i386 system-call ABI");
    let proto = match boot.protocol {
        BootProtocol::Multiboot1 => "Multiboot 1",
        BootProtocol::Multiboot2 => "Multiboot 2",
    };
    println!("boot: {proto}");
    println!("command line: {:?}", boot.cmdline());
    println!("memory map:");
    for r in boot.regions() {
        println!(
            "  [{:#010x}-{:#010x}] {:>8} KiB {}",
            r.start,
            r.end.saturating_sub(1),
            (r.end - r.start) / 1024,
            if r.usable { "usable" } else { "reserved" }
        );
    }
    for (i, m) in boot.modules().iter().enumerate() {
        println!(
            "module {i}: [{:#010x}-{:#010x}] {} bytes",
            m.start,
            m.end,
            m.end - m.start
        );
    }
}

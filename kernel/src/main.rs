//! The kernel image: bring-up (in the library), a banner, the initramfs,
//! then init as pid 1 (DESIGN §3, the boot interface).

#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use kernel::arch::x86::qemu::{ExitCode, exit_qemu};
use kernel::boot::{BootInfo, BootProtocol};
use kernel::fs::initramfs;
use kernel::mm::phys_to_virt;
use kernel::println;

kernel::entry_point!(kmain);

fn kmain(boot: &'static BootInfo) -> ! {
    banner(boot);
    let cmdline = kernel::CMDLINE.get().expect("command line parsed at boot");

    let Some(m) = boot.modules().first() else {
        println!("No initramfs: boot with -initrd (a cpio \"newc\" archive) to run a program.");
        exit_qemu(ExitCode::Failed)
    };
    // SAFETY: the module's frames are reserved forever and lie in the
    // direct map; nothing writes them.
    let archive: &'static [u8] = unsafe {
        core::slice::from_raw_parts(
            phys_to_virt(m.start as usize) as *const u8,
            (m.end - m.start) as usize,
        )
    };
    match initramfs::populate_root(archive) {
        Ok(()) => {}
        Err(e) => {
            println!("initramfs: not a valid cpio newc archive: {e}");
            exit_qemu(ExitCode::Failed)
        }
    }
    // What an init would do first (see `mount_proc_at_boot`).
    kernel::fs::namespace::mount_proc_at_boot();
    kernel::fs::namespace::mount_shm_at_boot();

    let mut argv: Vec<Vec<u8>> = Vec::from([cmdline.init.as_bytes().to_vec()]);
    argv.extend(cmdline.init_args.iter().map(|a| a.as_bytes().to_vec()));
    let envp: Vec<Vec<u8>> = cmdline
        .init_env
        .iter()
        .map(|e| e.as_bytes().to_vec())
        .collect();
    if let Err(e) = kernel::proc::exec::spawn_init(&cmdline.init, &argv, &envp) {
        println!(
            "Kernel could not run init {}: {} ({})",
            cmdline.init,
            e,
            abi::errno::errno_description(e.raw()).unwrap_or("")
        );
        exit_qemu(ExitCode::Failed)
    }
    kernel::proc::sched::schedule();
    unreachable!("the boot context resumed");
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

//! Boots the kernel and checks that bring-up left a sane machine: the
//! console prints, the boot information was read, interrupts tick.

#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use kernel::boot::BootInfo;

kernel::entry_point!(main);

fn main(_boot: &'static BootInfo) -> ! {
    test_main();
    unreachable!()
}

#[test_case]
fn println_works() {
    kernel::println!("println from a test kernel");
}

#[test_case]
fn boot_info_has_usable_memory() {
    let b = kernel::boot_info();
    assert!(
        b.usable_top() >= 16 << 20,
        "less than 16 MiB of RAM reported"
    );
    assert!(b.regions().iter().any(|r| r.usable && r.start >= 0x10_0000));
    assert!(
        b.cmdline().contains("kernel") || !b.cmdline().is_empty(),
        "command line missing"
    );
}

#[test_case]
fn timer_interrupts_arrive() {
    let start = kernel::time::jiffies();
    while kernel::time::jiffies() < start + 2 {
        kernel::arch::x86::instructions::sti_hlt_cli();
    }
    assert!(kernel::time::uptime_ns() > 0);
}

#[test_case]
fn identity_map_is_gone() {
    use kernel::arch::x86::paging::{current_pd_phys, kernel_pd_phys};
    assert_eq!(current_pd_phys(), kernel_pd_phys());
    // Reading user address 0x100000 (the kernel's physical load address)
    // through the user-copy path must fault: nothing is mapped low any more.
    // The address space given allows the range, so the copy really touches
    // it (with no process running, the fault is not served: -EFAULT).
    use kernel::mm::addrspace::{AddressSpace, Prot, Region, RegionKind};
    let mut space = AddressSpace::new().expect("a page directory");
    space
        .add_region(Region::new(
            0x10_0000,
            0x10_1000,
            Prot::RW,
            RegionKind::Anonymous,
        ))
        .expect("a region");
    let mm = kernel::mm::Mm::new(space);
    let mut b = [0u8; 4];
    assert_eq!(
        kernel::mm::usercopy::copy_from_user(&mm, &mut b, 0x10_0000),
        Err(abi::errno::EFAULT)
    );
}

//! The physical frame allocator on the real memory map.

#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use kernel::boot::BootInfo;
use kernel::mm::{PAGE_SIZE, frame, virt_to_phys};

kernel::entry_point!(main);

fn main(_boot: &'static BootInfo) -> ! {
    test_main();
    unreachable!()
}

unsafe extern "C" {
    static __kernel_start: u8;
    static __kernel_end: u8;
}

#[test_case]
fn frames_are_distinct_aligned_and_not_the_kernel() {
    // Linker symbols: only addresses are taken.
    let (ks, ke) = {
        (
            &raw const __kernel_start as usize,
            &raw const __kernel_end as usize,
        )
    };
    let (ks, ke) = (virt_to_phys(ks), virt_to_phys(ke));
    let mut got = alloc::vec::Vec::new();
    for _ in 0..64 {
        let f = frame::alloc().expect("out of frames");
        assert_eq!(f % PAGE_SIZE, 0);
        assert!(f >= 0x10_0000, "handed out low memory {f:#x}");
        assert!(
            f + PAGE_SIZE <= ks || f >= ke,
            "handed out the kernel image {f:#x}"
        );
        for m in kernel::boot_info().modules() {
            assert!(
                f + PAGE_SIZE <= m.start as usize || f >= m.end as usize,
                "handed out a module"
            );
        }
        assert!(!got.contains(&f));
        got.push(f);
    }
    let free = frame::free_frames();
    for f in got {
        frame::free(f);
    }
    assert_eq!(frame::free_frames(), free + 64);
}

#[test_case]
fn zeroed_frames_are_zero() {
    let f = frame::alloc_zeroed().unwrap();
    // SAFETY: our frame, in the direct map.
    let bytes =
        unsafe { core::slice::from_raw_parts(kernel::mm::phys_to_virt(f) as *const u8, PAGE_SIZE) };
    assert!(bytes.iter().all(|&b| b == 0));
    frame::free(f);
}

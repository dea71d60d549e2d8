//! The kernel heap: Box, Vec, String, and reuse of freed memory.

#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

use alloc::{boxed::Box, string::String, vec::Vec};

use kernel::boot::BootInfo;

kernel::entry_point!(main);

fn main(_boot: &'static BootInfo) -> ! {
    test_main();
    unreachable!()
}

#[test_case]
fn box_and_vec() {
    let b = Box::new(41u32);
    assert_eq!(*b + 1, 42);
    let v: Vec<u32> = (0..1000).collect();
    assert_eq!(v.iter().sum::<u32>(), 999 * 1000 / 2);
}

#[test_case]
fn many_allocations_reuse_memory() {
    let (used_before, _) = kernel::mm::heap::usage();
    for i in 0..10_000 {
        let s = alloc::format!("string {i}");
        assert!(s.len() >= 8);
    }
    let (used_after, _) = kernel::mm::heap::usage();
    assert_eq!(used_before, used_after, "freed memory is not returned");
}

#[test_case]
fn large_allocation() {
    let mut s = String::new();
    for _ in 0..(1 << 16) {
        s.push('x');
    }
    assert_eq!(s.len(), 1 << 16);
}

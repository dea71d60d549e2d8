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

#[test_case]
fn heap_grows_from_free_frames_and_refuses_what_cannot_fit() {
    use kernel::mm::{frame, heap};
    let (_, size_before) = heap::usage();
    let frames_before = frame::free_frames();
    // Four times the initial heap: it must grow.
    let v: Vec<u8> = alloc::vec![7; 4 << 20];
    assert!(v.iter().all(|&b| b == 7));
    let (_, size_after) = heap::usage();
    assert!(
        size_after >= size_before + (4 << 20),
        "heap {size_before} -> {size_after}"
    );
    assert!(frame::free_frames() + 1024 <= frames_before);
    drop(v);
    // More than the heap may ever hold: an error, not a panic, and no
    // frames taken for it.
    let frames = frame::free_frames();
    let mut w: Vec<u8> = Vec::new();
    assert!(w.try_reserve_exact(200 << 20).is_err());
    assert_eq!(frame::free_frames(), frames);
}

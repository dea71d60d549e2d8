//! User address spaces: mapping, translation, lazy anonymous regions, fork
//! copies, and unmapping returning frames.

#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use kernel::boot::BootInfo;
use kernel::mm::addrspace::{AddressSpace, Fault, Prot, Region, RegionKind};
use kernel::mm::{PAGE_SIZE, frame};

kernel::entry_point!(main);

fn main(_boot: &'static BootInfo) -> ! {
    test_main();
    unreachable!()
}

#[test_case]
fn map_translate_write_and_copy() {
    let free = frame::free_frames();
    {
        let mut a = AddressSpace::new().unwrap();
        let pa = frame::alloc_zeroed().unwrap();
        a.map_page(0x0804_8000, pa, true).unwrap();
        assert_eq!(a.translate(0x0804_8000), Some((pa, true)));
        assert_eq!(a.translate(0x0804_9000), None);
        a.write_bytes(0x0804_8ffe, b"hi").unwrap();
        assert!(
            a.write_bytes(0x0804_8fff, b"hi").is_err(),
            "write past the mapping"
        );
        // Kernel addresses are never mapped through a user space.
        assert!(a.map_page(0xC000_0000, pa, true).is_err());

        // fork shares the page copy-on-write: the same frame, read-only in
        // both, until the first write of either side copies it.
        let mut b = a.duplicate().unwrap();
        assert_eq!(b.translate(0x0804_8000), Some((pa, false)));
        assert_eq!(a.translate(0x0804_8000), Some((pa, false)));
        b.write_bytes(0x0804_8000, b"x").unwrap();
        let (pb, _) = b.translate(0x0804_8000).unwrap();
        assert_ne!(pb, pa, "a write to a shared page must copy it");
        // SAFETY: the frames belong to `a` and `b`, reachable by the direct
        // map.
        let (copied, parent) = unsafe {
            (
                *((kernel::mm::phys_to_virt(pb) + 0xffe) as *const u8),
                *(kernel::mm::phys_to_virt(pa) as *const u8),
            )
        };
        assert_eq!(copied, b'h');
        assert_eq!(parent, 0, "the child's write reached the parent");
    }
    assert_eq!(frame::free_frames(), free, "address spaces leak frames");
}

#[test_case]
fn anonymous_regions_fault_in_and_check_permissions() {
    let mut a = AddressSpace::new().unwrap();
    let r = Region::new(0x1000_0000, 0x1000_4000, Prot::RW, RegionKind::Anonymous);
    a.add_region(r).unwrap();
    assert!(a.add_region(r).is_err(), "overlap accepted");
    assert!(a.allows(0x1000_0000, 4 * PAGE_SIZE, true));
    assert!(!a.allows(0x1000_0000, 4 * PAGE_SIZE + 1, true));
    assert!(!a.allows(usize::MAX - 2, 8, false));
    assert_eq!(a.handle_fault(0x1000_1234, true, false), Fault::Served);
    assert!(a.translate(0x1000_1000).is_some());
    assert_eq!(
        a.handle_fault(0x2000_0000, false, false),
        Fault::Bad,
        "fault outside a region served"
    );
    a.unmap(0x1000_1000, 0x1000_2000).unwrap();
    assert!(a.translate(0x1000_1000).is_none());
    assert!(!a.allows(0x1000_0000, 4 * PAGE_SIZE, false));
    assert_eq!(
        a.find_free(PAGE_SIZE, 0x1000_0000, 0x1000_4000),
        Some(0x1000_1000)
    );
}

//! The kernel heap: `linked_list_allocator` over physically contiguous
//! frames in the direct map, installed as the global allocator so `alloc`
//! (`Box`, `Vec`, `String`) works in the kernel.

use super::{PAGE_SIZE, frame, phys_to_virt};
use linked_list_allocator::LockedHeap;

#[global_allocator]
static HEAP: LockedHeap = LockedHeap::empty();

/// Give the heap `bytes` (rounded to pages) of RAM; returns its start.
pub fn init(bytes: usize) -> Option<usize> {
    let frames = bytes.div_ceil(PAGE_SIZE);
    let pa = frame::alloc_contiguous(frames)?;
    let va = phys_to_virt(pa);
    // SAFETY: the frames were just taken from the allocator and are mapped
    // by the direct map; the heap is initialised exactly once.
    unsafe { HEAP.lock().init(va as *mut u8, frames * PAGE_SIZE) };
    Some(va)
}

/// (used, free) bytes.
pub fn usage() -> (usize, usize) {
    let h = HEAP.lock();
    (h.used(), h.free())
}

//! The kernel heap: `linked_list_allocator`'s first-fit heap, installed as
//! the global allocator so `alloc` (`Box`, `Vec`, `String`) works in the
//! kernel.
//!
//! It lives in its own part of the vmap area (`KHEAP_START`, see
//! `mm/mod.rs`), starts small, and grows page by page from free frames when
//! an allocation does not fit (`grow`), up to `KHEAP_MAX` or until RAM runs
//! out: the kernel's memory is the machine's, not a fixed slice of it. User
//! memory leaves the last `frame::KERNEL_RESERVE` frames to the kernel, so
//! a process exhausting RAM meets `-ENOMEM` or the OOM killer, while the
//! kernel can still allocate what it needs to kill and reap it.
//!
//! Growing needs no TLB work: the heap's page tables are shared by every
//! address space from boot on, and a never-mapped page is never cached.

use super::{KHEAP_MAX, KHEAP_START, PAGE_SIZE, frame};
use crate::arch::x86::paging::{PTE_G, PTE_P, PTE_W, vmap_pte};
use core::alloc::{GlobalAlloc, Layout};
use core::ptr::{NonNull, null_mut};
use core::sync::atomic::{AtomicUsize, Ordering};
use linked_list_allocator::Heap;
use spin::Mutex;

/// How much the heap grows at least (fewer, larger holes at the top).
const GROW_CHUNK: usize = 64 * 1024;

/// Frames the heap must leave free when it grows: none for the kernel's
/// own needs, `frame::KERNEL_RESERVE` inside [`for_user`].
static GROW_FLOOR: AtomicUsize = AtomicUsize::new(0);

/// Run `f`, whose allocations a user program asked for (a mapping record,
/// a copy of its mapping list): inside it the heap grows only while more
/// than the kernel's reserve of frames is free, so such an allocation
/// fails, and `f` should use the fallible `try_reserve` family and turn a
/// failure into `-ENOMEM`, before it takes what the kernel needs to kill
/// and reap.
pub fn for_user<R>(f: impl FnOnce() -> R) -> R {
    let old = GROW_FLOOR.swap(frame::KERNEL_RESERVE, Ordering::Relaxed);
    let r = f();
    GROW_FLOOR.store(old, Ordering::Relaxed);
    r
}

struct KernelHeap(Mutex<Heap>);

#[global_allocator]
static HEAP: KernelHeap = KernelHeap(Mutex::new(Heap::empty()));

// SAFETY: `alloc` returns blocks from the heap (never handed out twice, by
// linked_list_allocator's contract) inside mapped pages; `dealloc` returns
// them with the layout they were allocated with.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut heap = self.0.lock();
        loop {
            if let Ok(p) = heap.allocate_first_fit(layout) {
                return p.as_ptr();
            }
            if !grow(&mut heap, layout) {
                return null_mut();
            }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller returns a block `alloc` gave out with `layout`.
        unsafe {
            self.0
                .lock()
                .deallocate(NonNull::new_unchecked(ptr), layout)
        }
    }
}

/// Map frames at the heap's top, enough for `layout` (at least
/// `GROW_CHUNK` if there is room), and give them to the heap. False, with
/// nothing taken, when that cannot be done: past `KHEAP_MAX`, or not
/// enough free frames (a request that cannot be met must not swallow the
/// RAM that is left).
fn grow(heap: &mut Heap, layout: Layout) -> bool {
    let top = heap.top() as usize;
    let room = KHEAP_START + KHEAP_MAX - top;
    let need = (layout.size() + layout.align() + PAGE_SIZE).next_multiple_of(PAGE_SIZE);
    let floor = GROW_FLOOR.load(Ordering::Relaxed);
    if need > room || frame::free_frames() < need / PAGE_SIZE + floor {
        return false;
    }
    let bytes = need.max(GROW_CHUNK.min(room));
    let mut mapped = 0;
    while mapped < bytes {
        let Some(pa) = frame::alloc() else { break };
        // SAFETY: pages above the heap's top are the heap's alone (we hold
        // its lock), inside the vmap area.
        unsafe { *vmap_pte(top + mapped) = pa as u32 | PTE_G | PTE_W | PTE_P };
        mapped += PAGE_SIZE;
    }
    if mapped == 0 {
        return false;
    }
    // SAFETY: `[top, top + mapped)` is freshly mapped memory right after
    // the heap, owned by nothing else.
    unsafe { heap.extend(mapped) };
    true
}

/// Map the heap's first `bytes` (rounded to pages) and set it up. False if
/// there are not enough frames.
pub fn init(bytes: usize) -> bool {
    let bytes = bytes.next_multiple_of(PAGE_SIZE);
    for off in (0..bytes).step_by(PAGE_SIZE) {
        let Some(pa) = frame::alloc() else {
            return false;
        };
        // SAFETY: boot, before anything else uses the heap's range.
        unsafe { *vmap_pte(KHEAP_START + off) = pa as u32 | PTE_G | PTE_W | PTE_P };
    }
    // SAFETY: the range was just mapped and is used by nothing else; the
    // heap is initialised exactly once.
    unsafe { HEAP.0.lock().init(KHEAP_START as *mut u8, bytes) };
    true
}

/// Bytes (in use, mapped): what the kernel's own allocations hold, and how
/// much RAM the heap has taken so far.
pub fn usage() -> (usize, usize) {
    let h = HEAP.0.lock();
    (h.used(), h.size())
}

/// [`usage`], or `None` if the heap is locked (for the panic screen).
pub fn try_usage() -> Option<(usize, usize)> {
    HEAP.0.try_lock().map(|h| (h.used(), h.size()))
}

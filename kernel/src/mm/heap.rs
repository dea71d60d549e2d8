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
//!
//! Small allocations (2 KiB and less: tasks' pieces, open files, pipe
//! records, mapping-list nodes) come from size-class slabs in front of the
//! first-fit heap, as Linux's `kmalloc-32`, `kmalloc-64`, ... caches: a
//! free list per power-of-two size, refilled a 4 KiB chunk at a time. A
//! freed block goes back on its list, so churn leaves no trail of small
//! holes in the first-fit list for every later allocation to walk past:
//! without the slabs, a fuzzer's 20000 calls made a pipe round trip 7
//! times dearer (`make bench`'s after-churn column).
//!
//! Large blocks (`VMALLOC_MIN` bytes and more: a forked process's copy of
//! a long mapping list, big buffers) get pages of their own in the
//! vmalloc area, mapped when allocated and given back to the frame
//! allocator when freed, as Linux's `kvmalloc` falls back to `vmalloc`:
//! the first-fit heap never shrinks, and a burst of such copies would
//! otherwise keep their RAM in it for good.

use super::{KHEAP_MAX, KHEAP_START, PAGE_SIZE, VMALLOC_SIZE, VMALLOC_START, frame};
use crate::arch::x86::instructions::invlpg;
use crate::arch::x86::paging::{PTE_ADDR, PTE_G, PTE_P, PTE_W, vmap_pte};
use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
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

/// A kernel allocation a user program caused could not be made: its system
/// call fails with `-ENOMEM` (or `-EAGAIN`, as the call's man page says).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NoMemory;

impl From<NoMemory> for abi::errno::Errno {
    fn from(_: NoMemory) -> Self {
        abi::errno::ENOMEM
    }
}

impl From<alloc::collections::TryReserveError> for NoMemory {
    fn from(_: alloc::collections::TryReserveError) -> Self {
        NoMemory
    }
}

impl From<core::alloc::AllocError> for NoMemory {
    fn from(_: core::alloc::AllocError) -> Self {
        NoMemory
    }
}

/// `Box::new` for what a user program asked for: fails, leaving the
/// kernel's reserve alone, instead of panicking.
pub fn try_box<T>(v: T) -> Result<Box<T>, NoMemory> {
    Ok(for_user(|| Box::try_new(v))?)
}

/// An empty `Vec` with room for `n` elements, for a user's request.
pub fn try_vec<T>(n: usize) -> Result<Vec<T>, NoMemory> {
    let mut v = Vec::new();
    for_user(|| v.try_reserve_exact(n))?;
    Ok(v)
}

/// `n` zero bytes, for a user's request.
pub fn try_zeroed(n: usize) -> Result<Vec<u8>, NoMemory> {
    let mut v = try_vec(n)?;
    v.resize(n, 0);
    Ok(v)
}

/// A copy of `s`, for a user's request.
pub fn try_string(s: &str) -> Result<String, NoMemory> {
    let mut out = String::new();
    for_user(|| out.try_reserve_exact(s.len()))?;
    out.push_str(s);
    Ok(out)
}

/// The slab size classes: 16 bytes to 2 KiB, powers of two.
const MIN_CLASS_SHIFT: usize = 4;
const CLASSES: usize = 8;
/// A slab chunk: carved into blocks of one class.
const CHUNK: usize = 4096;

/// A free block, linked through its first word.
struct FreeBlock {
    next: *mut FreeBlock,
}

struct Slabs {
    free: [*mut FreeBlock; CLASSES],
    /// Blocks handed out, per class (for the statistics).
    in_use: [usize; CLASSES],
    /// Chunks taken from the first-fit heap.
    chunks: usize,
}

/// Blocks at least this large get pages of their own.
const VMALLOC_MIN: usize = 64 * 1024;
const VMALLOC_PAGES: usize = VMALLOC_SIZE / PAGE_SIZE;

/// The vmalloc area's pages: bit set = in a block.
struct Vmalloc {
    used: [u32; VMALLOC_PAGES / 32],
    /// Pages in blocks.
    pages: usize,
}

impl Vmalloc {
    fn is_used(&self, i: usize) -> bool {
        self.used[i / 32] & (1 << (i % 32)) != 0
    }

    fn set(&mut self, i: usize, used: bool) {
        if used {
            self.used[i / 32] |= 1 << (i % 32);
        } else {
            self.used[i / 32] &= !(1 << (i % 32));
        }
    }

    /// The first run of `n` free pages.
    fn find(&self, n: usize) -> Option<usize> {
        let mut run = 0;
        for i in 0..VMALLOC_PAGES {
            if self.is_used(i) {
                run = 0;
            } else {
                run += 1;
                if run == n {
                    return Some(i + 1 - n);
                }
            }
        }
        None
    }

    /// A block of `n` pages, mapped to fresh frames, unless fewer than `n`
    /// plus the grow floor are free (or the area is full).
    fn alloc(&mut self, n: usize) -> *mut u8 {
        if frame::free_frames() < n + GROW_FLOOR.load(Ordering::Relaxed) {
            return null_mut();
        }
        let Some(first) = self.find(n) else {
            return null_mut();
        };
        for i in first..first + n {
            let Some(pa) = frame::alloc() else {
                self.free(first, i - first);
                return null_mut();
            };
            self.set(i, true);
            self.pages += 1;
            // SAFETY: the page is in the vmalloc area and was free: ours.
            unsafe { *vmap_pte(VMALLOC_START + i * PAGE_SIZE) = pa as u32 | PTE_G | PTE_W | PTE_P };
        }
        (VMALLOC_START + first * PAGE_SIZE) as *mut u8
    }

    /// Unmap the `n` pages from `first` and free their frames.
    fn free(&mut self, first: usize, n: usize) {
        for i in first..first + n {
            let va = VMALLOC_START + i * PAGE_SIZE;
            // SAFETY: the page belongs to the block being freed.
            let pte = unsafe { &mut *vmap_pte(va) };
            let pa = (*pte & PTE_ADDR) as usize;
            *pte = 0;
            invlpg(va);
            frame::free(pa);
            self.set(i, false);
        }
        self.pages -= n;
    }
}

struct State {
    heap: Heap,
    slabs: Slabs,
    vmalloc: Vmalloc,
}

// SAFETY: the free lists point into heap chunks owned by the slabs; they
// are only touched under the heap's lock.
unsafe impl Send for State {}

struct KernelHeap(Mutex<State>);

#[global_allocator]
static HEAP: KernelHeap = KernelHeap(Mutex::new(State {
    heap: Heap::empty(),
    slabs: Slabs {
        free: [null_mut(); CLASSES],
        in_use: [0; CLASSES],
        chunks: 0,
    },
    vmalloc: Vmalloc {
        used: [0; VMALLOC_PAGES / 32],
        pages: 0,
    },
}));

/// Pages of a vmalloc block of `size` bytes.
fn vmalloc_pages(size: usize) -> usize {
    size.div_ceil(PAGE_SIZE)
}

/// Is `p` a vmalloc block?
fn in_vmalloc(p: *mut u8) -> bool {
    (VMALLOC_START..VMALLOC_START + VMALLOC_SIZE).contains(&(p as usize))
}

/// The slab class for `layout`, if it is small enough for one: a block of
/// size 2^(class + 4) is at least as large, and as aligned, as asked.
fn class_of(layout: Layout) -> Option<usize> {
    let size = layout.size().max(layout.align()).max(1 << MIN_CLASS_SHIFT);
    let class = size.next_power_of_two().trailing_zeros() as usize - MIN_CLASS_SHIFT;
    (class < CLASSES).then_some(class)
}

/// First fit from the heap, growing it when nothing fits.
fn first_fit(heap: &mut Heap, layout: Layout) -> *mut u8 {
    loop {
        if let Ok(p) = heap.allocate_first_fit(layout) {
            return p.as_ptr();
        }
        if !grow(heap, layout) {
            return null_mut();
        }
    }
}

// SAFETY: `alloc` returns slab blocks (each on one free list at a time) or
// blocks from the first-fit heap (never handed out twice, by
// linked_list_allocator's contract), all inside mapped pages and as large
// and aligned as asked; `dealloc` returns them with the layout they were
// allocated with, which names the same class.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let mut st = self.0.lock();
        if layout.size() >= VMALLOC_MIN && layout.align() <= PAGE_SIZE {
            let p = st.vmalloc.alloc(vmalloc_pages(layout.size()));
            if !p.is_null() {
                return p;
            }
        }
        let Some(class) = class_of(layout) else {
            return first_fit(&mut st.heap, layout);
        };
        if st.slabs.free[class].is_null() {
            // Refill: one chunk, 4 KiB aligned, so every block in it is
            // aligned to its own size.
            let chunk_layout = Layout::from_size_align(CHUNK, CHUNK).expect("a valid layout");
            let chunk = first_fit(&mut st.heap, chunk_layout);
            if chunk.is_null() {
                return null_mut();
            }
            st.slabs.chunks += 1;
            let size = 1 << (class + MIN_CLASS_SHIFT);
            for off in (0..CHUNK).step_by(size).rev() {
                let b = chunk.wrapping_add(off) as *mut FreeBlock;
                let next = st.slabs.free[class];
                // SAFETY: the chunk is ours and mapped; `b` lies inside it,
                // aligned to `size`, which is at least FreeBlock's alignment.
                unsafe { b.write(FreeBlock { next }) };
                st.slabs.free[class] = b;
            }
        }
        let b = st.slabs.free[class];
        // SAFETY: a block on a free list holds its link.
        st.slabs.free[class] = unsafe { (*b).next };
        st.slabs.in_use[class] += 1;
        b as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let mut st = self.0.lock();
        if in_vmalloc(ptr) {
            let first = (ptr as usize - VMALLOC_START) / PAGE_SIZE;
            st.vmalloc.free(first, vmalloc_pages(layout.size()));
            return;
        }
        match class_of(layout) {
            Some(class) => {
                let b = ptr as *mut FreeBlock;
                let next = st.slabs.free[class];
                // SAFETY: a block of this class we handed out, now unused.
                unsafe { b.write(FreeBlock { next }) };
                st.slabs.free[class] = b;
                st.slabs.in_use[class] -= 1;
            }
            // SAFETY: the caller returns a block `alloc` gave out with
            // `layout`.
            None => unsafe { st.heap.deallocate(NonNull::new_unchecked(ptr), layout) },
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
    // At least a chunk, but never into the frames `floor` keeps back.
    let spare = (frame::free_frames() - floor) * PAGE_SIZE;
    let bytes = need.max(GROW_CHUNK.min(room).min(spare));
    // (Fewer than `need` only if frames vanished since the count above;
    // what was mapped joins the heap all the same, and the caller tries
    // again.)
    let mapped = map_pages(top, bytes);
    if mapped == 0 {
        return false;
    }
    // SAFETY: `[top, top + mapped)` is freshly mapped memory right after
    // the heap, owned by nothing else.
    unsafe { heap.extend(mapped) };
    true
}

/// Map fresh frames at `[va, va + bytes)` in the heap's area, page by page,
/// until done or out of frames; returns the bytes mapped. The caller holds
/// the heap's lock (or is the boot code), so pages at and above the heap's
/// top are its alone.
fn map_pages(va: usize, bytes: usize) -> usize {
    let mut mapped = 0;
    while mapped < bytes {
        let Some(pa) = frame::alloc() else { break };
        // SAFETY: `va + mapped` lies in the heap's part of the vmap area
        // above its top, which only the lock holder maps.
        unsafe { *vmap_pte(va + mapped) = pa as u32 | PTE_G | PTE_W | PTE_P };
        mapped += PAGE_SIZE;
    }
    mapped
}

/// Map the heap's first `bytes` (rounded to pages) and set it up. False if
/// there are not enough frames.
pub fn init(bytes: usize) -> bool {
    let bytes = bytes.next_multiple_of(PAGE_SIZE);
    if map_pages(KHEAP_START, bytes) < bytes {
        return false;
    }
    // SAFETY: the range was just mapped and is used by nothing else; the
    // heap is initialised exactly once.
    unsafe { HEAP.0.lock().heap.init(KHEAP_START as *mut u8, bytes) };
    true
}

/// Bytes (in use, mapped): what the kernel's own allocations hold, and how
/// much RAM the heap has taken so far.
pub fn usage() -> (usize, usize) {
    let st = HEAP.0.lock();
    let v = st.vmalloc.pages * PAGE_SIZE;
    (in_use(&st) + v, st.heap.size() + v)
}

/// Bytes the kernel's allocations hold: the first-fit heap's, counting
/// slab chunks by the blocks in use in them.
fn in_use(st: &State) -> usize {
    let slab_used: usize = (0..CLASSES)
        .map(|c| st.slabs.in_use[c] << (c + MIN_CLASS_SHIFT))
        .sum();
    st.heap.used() - st.slabs.chunks * CHUNK + slab_used
}

/// [`usage`], or `None` if the heap is locked (for the panic screen).
pub fn try_usage() -> Option<(usize, usize)> {
    HEAP.0.try_lock().map(|st| {
        let v = st.vmalloc.pages * PAGE_SIZE;
        (in_use(&st) + v, st.heap.size() + v)
    })
}

//! The global allocator: a bump allocator over anonymous `mmap2` chunks.
//!
//! Allocation rounds the bump pointer up to the requested alignment and
//! advances it; when the current chunk is exhausted it maps a new one (at
//! least [`CHUNK`] bytes) and abandons the rest of the old one. Freeing
//! reclaims memory only if the block is the most recent allocation (which
//! makes a growing `Vec`/`String` cheap); everything else is kept until the
//! process exits. Simple and predictable, which is what short test programs
//! need. It does not use `brk`, so programs may test `brk` freely.

use core::alloc::{GlobalAlloc, Layout};
use core::ptr;
use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use abi::mman::{MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE};

use crate::sys;

/// Smallest chunk requested from the kernel (64 KiB).
pub const CHUNK: usize = 64 * 1024;

/// The bump allocator; see the module documentation.
pub struct BumpAlloc {
    /// Next free byte of the current chunk.
    next: AtomicUsize,
    /// One past the end of the current chunk.
    end: AtomicUsize,
}

impl BumpAlloc {
    /// An allocator with no chunk yet (the first allocation maps one).
    pub const fn new() -> Self {
        Self {
            next: AtomicUsize::new(0),
            end: AtomicUsize::new(0),
        }
    }
}

impl Default for BumpAlloc {
    fn default() -> Self {
        Self::new()
    }
}

// SAFETY: `alloc` returns blocks that lie inside chunks mapped read-write
// and never handed out twice (the bump pointer only moves forward, except in
// `dealloc` of the most recent block, which gives exactly that block back),
// aligned as requested; the process is single-threaded (the atomics only
// avoid `static mut`), so no two calls interleave.
unsafe impl GlobalAlloc for BumpAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let (size, align) = (layout.size(), layout.align());
        let next = self.next.load(Relaxed);
        let end = self.end.load(Relaxed);
        if let Some(start) = align_up(next, align)
            && let Some(stop) = start.checked_add(size)
            && next != 0
            && stop <= end
        {
            self.next.store(stop, Relaxed);
            return start as *mut u8;
        }
        // New chunk: room for the block even after aligning it.
        let Some(want) = size
            .checked_add(align)
            .and_then(|n| align_up(n.max(CHUNK), 4096))
        else {
            return ptr::null_mut();
        };
        // SAFETY: a fresh anonymous private mapping chosen by the kernel
        // replaces nothing.
        let base = unsafe {
            sys::mmap2(
                0,
                want,
                PROT_READ | PROT_WRITE,
                MAP_PRIVATE | MAP_ANONYMOUS,
                -1,
                0,
            )
        };
        if crate::syscall::is_error(base) {
            return ptr::null_mut();
        }
        let base = base as usize;
        // `want >= size + align`, so the aligned block fits.
        let start = base.next_multiple_of(align);
        self.next.store(start + size, Relaxed);
        self.end.store(base + want, Relaxed);
        start as *mut u8
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // Only the latest block can be given back.
        if ptr as usize + layout.size() == self.next.load(Relaxed) {
            self.next.store(ptr as usize, Relaxed);
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // Grow or shrink the latest block in place when it fits.
        let start = ptr as usize;
        if start + layout.size() == self.next.load(Relaxed)
            && let Some(stop) = start.checked_add(new_size)
            && stop <= self.end.load(Relaxed)
        {
            self.next.store(stop, Relaxed);
            return ptr;
        }
        let Ok(new_layout) = Layout::from_size_align(new_size, layout.align()) else {
            return ptr::null_mut();
        };
        // SAFETY: `new_layout` has a non-zero size (GlobalAlloc::realloc's
        // contract) and a valid alignment.
        let new = unsafe { self.alloc(new_layout) };
        if !new.is_null() {
            // SAFETY: both blocks are valid for the smaller size and cannot
            // overlap (the new one was just carved from unused space).
            unsafe {
                ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
        }
        new
    }
}

/// `x` rounded up to a multiple of `align` (a power of two), or `None` on
/// overflow.
fn align_up(x: usize, align: usize) -> Option<usize> {
    Some(x.checked_add(align - 1)? & !(align - 1))
}

#[global_allocator]
static HEAP: BumpAlloc = BumpAlloc::new();

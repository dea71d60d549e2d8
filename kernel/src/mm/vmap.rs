//! Kernel stacks in the vmap area, each below an unmapped guard page.
//!
//! Like Linux's `CONFIG_VMAP_STACK`: a stack that overflows runs into its
//! guard page and faults at once instead of silently overwriting whatever
//! lies below. The fault then cannot be delivered on the broken stack, so
//! the CPU raises a double fault, which reaches its own TSS and stack
//! through a task gate (see `arch/x86/traps.rs`).

use super::{PAGE_SIZE, VMAP_SIZE, VMAP_START, frame};
use crate::arch::x86::instructions::invlpg;
use crate::arch::x86::paging::{PTE_G, PTE_P, PTE_W, vmap_pte};
use spin::Mutex;

/// Pages of one kernel stack.
pub const KSTACK_PAGES: usize = 4;
/// Bytes of one kernel stack.
pub const KSTACK_SIZE: usize = KSTACK_PAGES * PAGE_SIZE;
/// A slot is the guard page plus the stack.
const SLOT_SIZE: usize = KSTACK_SIZE + PAGE_SIZE;
const SLOTS: usize = VMAP_SIZE / SLOT_SIZE;

static SLOT_USED: Mutex<[bool; SLOTS]> = Mutex::new([false; SLOTS]);

/// A kernel stack; freed (frames returned, pages unmapped) on drop.
pub struct KernelStack {
    slot: usize,
    pages: usize,
}

impl KernelStack {
    /// A stack of [`KSTACK_PAGES`] pages.
    pub fn new() -> Option<Self> {
        Self::with_pages(KSTACK_PAGES)
    }

    /// A stack of `pages` pages (at most [`KSTACK_PAGES`]... times the slots
    /// it spans are not supported: one slot per stack).
    pub fn with_pages(pages: usize) -> Option<Self> {
        assert!((1..=KSTACK_PAGES).contains(&pages));
        let slot = {
            let mut used = SLOT_USED.lock();
            let s = used.iter().position(|u| !u)?;
            used[s] = true;
            s
        };
        let stack = KernelStack { slot, pages };
        for i in 0..pages {
            let Some(pa) = frame::alloc() else {
                // Drop unmaps what was mapped and frees the slot.
                drop(KernelStack { slot, pages: i });
                return None;
            };
            let va = stack.bottom() + i * PAGE_SIZE;
            // SAFETY: this slot is ours (taken under the lock above).
            unsafe { *vmap_pte(va) = pa as u32 | PTE_G | PTE_W | PTE_P };
        }
        Some(stack)
    }

    /// Lowest address of the usable stack (the guard page is just below).
    pub fn bottom(&self) -> usize {
        VMAP_START + self.slot * SLOT_SIZE + SLOT_SIZE - self.pages * PAGE_SIZE
    }

    /// One past the highest address: the initial stack pointer.
    pub fn top(&self) -> usize {
        VMAP_START + (self.slot + 1) * SLOT_SIZE
    }

    /// The guard page's address.
    pub fn guard(&self) -> usize {
        self.bottom() - PAGE_SIZE
    }
}

impl Drop for KernelStack {
    fn drop(&mut self) {
        for i in 0..self.pages {
            let va = self.bottom() + i * PAGE_SIZE;
            // SAFETY: the slot is ours until we clear SLOT_USED below.
            let pte = unsafe { &mut *vmap_pte(va) };
            if *pte & PTE_P != 0 {
                frame::free((*pte & 0xFFFF_F000) as usize);
            }
            *pte = 0;
            invlpg(va);
        }
        SLOT_USED.lock()[self.slot] = false;
    }
}

//! Memory management: the address-space layout, physical frames, the kernel
//! heap, kernel stacks, user address spaces and the user-memory chokepoint.
//!
//! Layout (like Linux's 3G/1G split):
//!
//! ```text
//! 0x0000_0000 .. 0xC000_0000   user space (per process)
//! 0xC000_0000 .. 0xF000_0000   direct map of physical 0 .. 768 MiB (4 MiB pages)
//! 0xF000_0000 .. 0xF080_0000   vmap: kernel stacks with guard pages (4 KiB pages)
//! 0xF080_0000 .. 0xF880_0000   vmap: the kernel heap, grown on demand (4 KiB pages)
//! 0xF880_0000 .. 0xFC80_0000   vmap: large heap blocks, pages of their own (4 KiB pages)
//! ```

pub mod addrspace;
pub mod filemap;
pub mod frame;
pub mod heap;
pub mod usercopy;
pub mod vmap;

use crate::sync::UpCell;
use addrspace::AddressSpace;
use alloc::sync::Arc;
use core::sync::atomic::{AtomicUsize, Ordering};

/// A process's address space as tasks hold it (Linux's `mm_struct`): shared
/// by reference, so the user-copy chokepoint can take the one it checks
/// ([`usercopy`]) and borrow it only for the region check, while a page
/// fault during the copy borrows it again to fill the page.
pub struct Mm {
    /// The page directory's physical address, fixed for the address space's
    /// life: the scheduler loads CR3 from it without borrowing the rest.
    pd_phys: usize,
    /// Where the vDSO is (Linux's `mm->context.vdso`), 0 if the address
    /// space has none: set at `execve`, copied by `fork`, moved by
    /// `mremap`. Kept outside the cell, as `pd_phys` is, so the SYSENTER
    /// path finds the landing pad without a borrow (`proc/vdso.rs`).
    vdso: AtomicUsize,
    space: UpCell<AddressSpace>,
    /// The mm's LDT (`modify_ldt`), shared by its threads.
    pub ldt: crate::arch::x86::ldt::MmLdt,
}

/// The reference tasks keep (threads will share one).
pub type MmRef = Arc<Mm>;

impl Mm {
    pub fn new(space: AddressSpace) -> MmRef {
        Arc::new(Mm {
            pd_phys: space.pd_phys(),
            vdso: AtomicUsize::new(space.vdso_start()),
            space: UpCell::new(space),
            ldt: crate::arch::x86::ldt::MmLdt::new(),
        })
    }

    /// [`Mm::new`] for a user's request (`fork`): `NoMemory` instead of a
    /// panic when the heap is out of room.
    pub fn try_new(space: AddressSpace) -> Result<MmRef, heap::NoMemory> {
        let mm = Mm {
            pd_phys: space.pd_phys(),
            vdso: AtomicUsize::new(space.vdso_start()),
            space: UpCell::new(space),
            ldt: crate::arch::x86::ldt::MmLdt::new(),
        };
        Ok(heap::for_user(|| Arc::try_new(mm))?)
    }

    /// A copy for `fork` (Linux's `dup_mm`): the address space and the LDT.
    pub fn try_fork(&self) -> Result<MmRef, abi::errno::Errno> {
        let space = self
            .with(|m| m.duplicate())
            .map_err(|_| abi::errno::ENOMEM)?;
        let mm = Mm {
            pd_phys: space.pd_phys(),
            // Where the parent's vDSO is, moved or not (dup_mm copies
            // mm->context).
            vdso: AtomicUsize::new(self.vdso()),
            space: UpCell::new(space),
            ldt: self.ldt.try_clone()?,
        };
        heap::for_user(|| Arc::try_new(mm)).map_err(|_| abi::errno::ENOMEM)
    }

    /// The CR3 value.
    pub fn pd_phys(&self) -> usize {
        self.pd_phys
    }

    /// Where the vDSO is mapped (0: nowhere).
    pub fn vdso(&self) -> usize {
        self.vdso.load(Ordering::Relaxed)
    }

    /// The vDSO moved to `base` (Linux's `vdso_mremap`).
    pub fn set_vdso(&self, base: usize) {
        self.vdso.store(base, Ordering::Relaxed);
    }

    /// Run `f` on the address space. Do not copy user memory, sleep or
    /// schedule inside `f`: a page fault would borrow it again.
    #[track_caller]
    pub fn with<R>(&self, f: impl FnOnce(&mut AddressSpace) -> R) -> R {
        self.space.with(f)
    }

    /// Does `[addr, addr + len)` lie in regions allowing the access?
    pub fn allows(&self, addr: usize, len: usize, write: bool) -> bool {
        self.with(|m| m.allows(addr, len, write))
    }
}

/// What `sysinfo` and `/proc/meminfo` say of memory, in bytes (Linux's
/// `si_meminfo`), so the two always agree.
#[derive(Clone, Copy, Debug)]
pub struct MemInfo {
    /// Usable RAM above the first megabyte.
    pub total: usize,
    /// Free frames, plus what the kernel heap has mapped but holds no
    /// object in: so kernel objects that are never freed show as lost RAM
    /// even while the heap has room (the leak test reads this).
    pub free: usize,
    /// The kernel heap in use, and mapped.
    pub heap_used: usize,
    pub heap_size: usize,
}

/// [`MemInfo`] now.
pub fn si_meminfo() -> MemInfo {
    let total = (crate::boot_info().usable_top() as u32).saturating_sub(0x10_0000) as usize;
    let (heap_used, heap_size) = heap::usage();
    MemInfo {
        total,
        free: frame::free_frames() * PAGE_SIZE + (heap_size - heap_used),
        heap_used,
        heap_size,
    }
}

/// Where the kernel half of every address space begins.
pub const KERNEL_BASE: usize = 0xC000_0000;
/// The first address user code may not use.
pub const USER_TOP: usize = KERNEL_BASE;
/// The page size (4 KiB pages; the direct map uses 4 MiB ones).
pub const PAGE_SIZE: usize = 4096;
/// Physical memory the boot page directory maps (see `arch/x86/boot.rs`).
pub const EARLY_MAPPED_LIMIT: usize = 16 * 1024 * 1024;
/// Physical memory the direct map can cover (768 MiB); RAM above is unused.
pub const DIRECT_MAP_LIMIT: usize = 0xF000_0000 - KERNEL_BASE;
/// The vmap area: kernel stacks (`VMAP_SIZE` bytes from `VMAP_START`), then
/// the kernel heap, both mapped page by page through page tables that every
/// address space shares (`arch/x86/paging.rs` builds them at boot).
pub const VMAP_START: usize = 0xF000_0000;
pub const VMAP_SIZE: usize = 8 * 1024 * 1024;
/// Where the kernel heap lives, and how far it may grow (`heap.rs`).
pub const KHEAP_START: usize = VMAP_START + VMAP_SIZE;
pub const KHEAP_MAX: usize = 128 * 1024 * 1024;
/// Where heap blocks of `heap::VMALLOC_MIN` bytes and more get pages of
/// their own, which go back to the frame allocator when the block is freed
/// (Linux's vmalloc area).
pub const VMALLOC_START: usize = KHEAP_START + KHEAP_MAX;
pub const VMALLOC_SIZE: usize = 64 * 1024 * 1024;
/// The end of the vmap area.
pub const VMAP_END: usize = VMALLOC_START + VMALLOC_SIZE;

/// Kernel virtual address of a physical address in the direct map.
#[inline]
pub const fn phys_to_virt(pa: usize) -> usize {
    pa + KERNEL_BASE
}

/// Physical address of a kernel virtual address in the direct map (which
/// includes the kernel image).
#[inline]
pub const fn virt_to_phys(va: usize) -> usize {
    va - KERNEL_BASE
}

/// Round `x` down to a page boundary.
#[inline]
pub const fn page_floor(x: usize) -> usize {
    x & !(PAGE_SIZE - 1)
}

/// Round `x` up to a page boundary (None on overflow).
#[inline]
pub const fn page_ceil(x: usize) -> Option<usize> {
    match x.checked_add(PAGE_SIZE - 1) {
        Some(v) => Some(v & !(PAGE_SIZE - 1)),
        None => None,
    }
}

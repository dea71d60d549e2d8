//! 32-bit x86 paging (no PAE): page-table entry bits, the kernel page
//! directory and the control-register work.
//!
//! Intel SDM Vol. 3A, 4.3 "32-bit paging": a page directory of 1024 PDEs, each
//! mapping 4 MiB directly (PS=1) or pointing at a page table of 1024 PTEs that
//! map 4 KiB each. The kernel half (PDEs 768..1023) is built once here and
//! copied into every process's directory, so it is the same everywhere.

use crate::mm::{DIRECT_MAP_LIMIT, KERNEL_BASE, VMAP_END, VMAP_START, virt_to_phys};
use x86::controlregs::{Cr0, Cr4, cr0, cr0_write, cr3, cr3_write, cr4, cr4_write};

/// Entry bits (SDM Vol. 3A, tables 4-4 to 4-6).
pub const PTE_P: u32 = 1 << 0;
pub const PTE_W: u32 = 1 << 1;
pub const PTE_U: u32 = 1 << 2;
pub const PTE_A: u32 = 1 << 5;
pub const PTE_D: u32 = 1 << 6;
pub const PDE_PS: u32 = 1 << 7;
pub const PTE_G: u32 = 1 << 8;
/// Software bit (ignored by the CPU): "this page belongs to the process and
/// is freed with it".
pub const PTE_OWNED: u32 = 1 << 9;
/// The frame address in an entry.
pub const PTE_ADDR: u32 = 0xFFFF_F000;

/// Entries per table.
pub const ENTRIES: usize = 1024;
/// First PDE of the kernel half.
pub const KERNEL_PDE_START: usize = KERNEL_BASE >> 22;

/// A page directory or page table: 1024 entries, 4 KiB aligned.
#[repr(C, align(4096))]
pub struct PageTable(pub [u32; ENTRIES]);

impl PageTable {
    pub const fn zeroed() -> Self {
        Self([0; ENTRIES])
    }
}

/// Page-directory index of a virtual address.
#[inline]
pub const fn pde_index(va: usize) -> usize {
    va >> 22
}

/// Page-table index of a virtual address.
#[inline]
pub const fn pte_index(va: usize) -> usize {
    (va >> 12) & 0x3FF
}

const VMAP_TABLES: usize = (VMAP_END - VMAP_START) >> 22;

/// The kernel's page directory; process directories copy its upper quarter.
static mut KERNEL_PD: PageTable = PageTable::zeroed();
/// Page tables for the vmap area (kernel stacks and heap), shared by every
/// address space: built once, so a page mapped there later is seen by all.
static mut VMAP_PT: [PageTable; VMAP_TABLES] = [const { PageTable::zeroed() }; VMAP_TABLES];

/// Build the kernel page directory (direct map of `[0, ram_top)` with global
/// 4 MiB pages, plus the vmap tables) and switch to it. After this there is
/// no identity map: a stray access to low memory faults.
///
/// # Safety
/// Call once, early, while nothing else uses `KERNEL_PD`; the kernel image
/// must lie in `[0, ram_top)`.
pub unsafe fn init(ram_top: usize) {
    let top = ram_top.min(DIRECT_MAP_LIMIT);
    // SAFETY: single-threaded early boot; nothing else references the tables.
    let pd = unsafe { &mut *(&raw mut KERNEL_PD) };
    let mut pa = 0;
    while pa < top {
        pd.0[KERNEL_PDE_START + (pa >> 22)] = pa as u32 | PDE_PS | PTE_G | PTE_W | PTE_P;
        pa += 1 << 22;
    }
    for i in 0..VMAP_TABLES {
        // SAFETY: as above; only the address is taken.
        let pt = unsafe { (&raw const VMAP_PT).cast::<PageTable>().add(i) } as usize;
        pd.0[pde_index(VMAP_START) + i] = virt_to_phys(pt) as u32 | PTE_W | PTE_P;
    }
    // SAFETY: CR4.PSE is already on (set by _start); PGE makes the kernel's
    // global entries survive CR3 reloads. The new directory maps the running
    // kernel at the same virtual addresses, so execution continues.
    unsafe {
        cr4_write(cr4() | Cr4::CR4_ENABLE_PSE | Cr4::CR4_ENABLE_GLOBAL_PAGES);
        cr0_write(cr0() | Cr0::CR0_WRITE_PROTECT);
        cr3_write(kernel_pd_phys() as u64);
    }
}

/// Physical address of the kernel page directory (the CR3 of kernel threads).
pub fn kernel_pd_phys() -> usize {
    virt_to_phys(&raw const KERNEL_PD as usize)
}

/// Copy the kernel half into a new process page directory.
pub fn copy_kernel_half(pd: &mut PageTable) {
    // SAFETY: the kernel half is written only by `init`, before any process
    // exists; afterwards it is read-only.
    let kpd = unsafe { &*(&raw const KERNEL_PD) };
    pd.0[KERNEL_PDE_START..].copy_from_slice(&kpd.0[KERNEL_PDE_START..]);
}

/// The PTE slot for a vmap address.
///
/// # Safety
/// The caller must own the page at `va` (the vmap allocator hands out
/// disjoint ranges), so no one else writes this entry.
pub unsafe fn vmap_pte(va: usize) -> *mut u32 {
    assert!((VMAP_START..VMAP_END).contains(&va));
    let off = va - VMAP_START;
    // SAFETY: in range, checked above.
    unsafe { &raw mut VMAP_PT[off >> 22].0[pte_index(va)] }
}

/// Load CR3 with a page directory's physical address.
///
/// # Safety
/// `pd_phys` must be a valid page directory that maps the kernel half.
pub unsafe fn switch_pd(pd_phys: usize) {
    // SAFETY: the caller vouches for the directory.
    unsafe {
        if cr3() as usize != pd_phys {
            cr3_write(pd_phys as u64);
        }
    }
}

/// The current CR3.
pub fn current_pd_phys() -> usize {
    // SAFETY: reading CR3 has no side effects.
    unsafe { cr3() as usize }
}

/// CR2: the linear address of the last page fault.
pub fn read_cr2() -> usize {
    // SAFETY: reading CR2 has no side effects.
    unsafe { x86::controlregs::cr2() }
}

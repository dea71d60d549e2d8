//! Memory management: the address-space layout, physical frames, the kernel
//! heap, kernel stacks, user address spaces and the user-memory chokepoint.
//!
//! Layout (like Linux's 3G/1G split):
//!
//! ```text
//! 0x0000_0000 .. 0xC000_0000   user space (per process)
//! 0xC000_0000 .. 0xF000_0000   direct map of physical 0 .. 768 MiB (4 MiB pages)
//! 0xF000_0000 .. 0xF080_0000   vmap: kernel stacks with guard pages (4 KiB pages)
//! ```

pub mod addrspace;
pub mod frame;
pub mod heap;
pub mod usercopy;
pub mod vmap;

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
/// The vmap area for kernel stacks.
pub const VMAP_START: usize = 0xF000_0000;
pub const VMAP_SIZE: usize = 8 * 1024 * 1024;

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

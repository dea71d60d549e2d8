//! User address spaces: one page directory per process, sharing the kernel
//! half, plus the list of regions (Linux's VMAs) that say what the process
//! may touch.
//!
//! Pages of ELF segments are mapped when the program is loaded; anonymous
//! regions (the stack, the heap behind `brk`, `mmap2` mappings) are mapped on
//! first touch by the page-fault handler. User PTEs carry U/S, and W only
//! where the region allows writing.

use super::{PAGE_SIZE, USER_TOP, frame, page_floor, phys_to_virt};
use crate::arch::x86::instructions::invlpg;
use crate::arch::x86::paging::{
    self, ENTRIES, KERNEL_PDE_START, PTE_ADDR, PTE_OWNED, PTE_P, PTE_U, PTE_W, PageTable,
    pde_index, pte_index,
};
use alloc::vec::Vec;

/// Region permissions (a subset of `PROT_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Prot {
    pub read: bool,
    pub write: bool,
    pub exec: bool,
}

impl Prot {
    pub const RW: Prot = Prot {
        read: true,
        write: true,
        exec: false,
    };
    pub const RX: Prot = Prot {
        read: true,
        write: false,
        exec: true,
    };
}

/// What backs a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    /// Mapped at load time (ELF segments, the vDSO).
    Fixed,
    /// Zero-filled on first touch.
    Anonymous,
}

/// A range of user virtual memory `[start, end)`, page aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    pub prot: Prot,
    pub kind: RegionKind,
}

/// Errors from address-space operations.
#[derive(Debug, PartialEq, Eq)]
pub enum MapError {
    NoMemory,
    Overlap,
    OutOfRange,
    /// The page is shared with other address spaces.
    Shared,
}

/// What a system call reports for any of them: Linux's mm fails a mapping
/// it cannot make with `-ENOMEM`.
impl From<MapError> for abi::errno::Errno {
    fn from(_: MapError) -> Self {
        abi::errno::ENOMEM
    }
}

/// One process's user address space.
pub struct AddressSpace {
    pd_phys: usize,
    regions: Vec<Region>,
    /// `brk` bounds: start (end of the program image) and current break.
    pub brk_start: usize,
    pub brk: usize,
}

fn table<'a>(pa: usize) -> &'a mut PageTable {
    // SAFETY: page directories and tables of an address space are frames it
    // owns, reachable through the direct map; `&mut self` methods are the
    // only writers.
    unsafe { &mut *(phys_to_virt(pa) as *mut PageTable) }
}

impl AddressSpace {
    /// An empty user half plus the shared kernel half.
    pub fn new() -> Result<Self, MapError> {
        let pd_phys = frame::alloc_zeroed().ok_or(MapError::NoMemory)?;
        paging::copy_kernel_half(table(pd_phys));
        Ok(Self {
            pd_phys,
            regions: Vec::new(),
            brk_start: 0,
            brk: 0,
        })
    }

    /// Physical address of the page directory (the CR3 value).
    pub fn pd_phys(&self) -> usize {
        self.pd_phys
    }

    /// The regions, sorted by address.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Add a region; it must be page aligned, in user space and free.
    pub fn add_region(&mut self, r: Region) -> Result<(), MapError> {
        if !r.start.is_multiple_of(PAGE_SIZE)
            || !r.end.is_multiple_of(PAGE_SIZE)
            || r.start >= r.end
            || r.end > USER_TOP
        {
            return Err(MapError::OutOfRange);
        }
        if self
            .regions
            .iter()
            .any(|o| o.start < r.end && r.start < o.end)
        {
            return Err(MapError::Overlap);
        }
        let pos = self.regions.partition_point(|o| o.start < r.start);
        self.regions.insert(pos, r);
        Ok(())
    }

    /// The region containing `addr`.
    pub fn region_at(&self, addr: usize) -> Option<&Region> {
        self.regions
            .iter()
            .find(|r| r.start <= addr && addr < r.end)
    }

    /// Does `[addr, addr + len)` lie entirely in regions allowing the access?
    pub fn allows(&self, addr: usize, len: usize, write: bool) -> bool {
        let Some(end) = addr.checked_add(len) else {
            return false;
        };
        let mut cur = addr;
        while cur < end {
            match self.region_at(cur) {
                // On x86 every protection but PROT_NONE can be read.
                Some(r)
                    if (r.prot.read || r.prot.write || r.prot.exec) && (!write || r.prot.write) =>
                {
                    cur = r.end
                }
                _ => return false,
            }
        }
        true
    }

    /// The PTE for `va`, allocating the page table if `create`.
    fn pte(&mut self, va: usize, create: bool) -> Option<&mut u32> {
        let pd = table(self.pd_phys);
        let pde = &mut pd.0[pde_index(va)];
        if *pde & PTE_P == 0 {
            if !create {
                return None;
            }
            let pt = frame::alloc_zeroed()?;
            // Permissions are decided per page in the PTE; the PDE allows all.
            *pde = pt as u32 | PTE_U | PTE_W | PTE_P;
        }
        Some(&mut table((*pde & PTE_ADDR) as usize).0[pte_index(va)])
    }

    /// Map frame `pa` at `va` (the address space takes ownership of it).
    pub fn map_page(&mut self, va: usize, pa: usize, write: bool) -> Result<(), MapError> {
        if va >= USER_TOP {
            return Err(MapError::OutOfRange);
        }
        let pte = self.pte(va, true).ok_or(MapError::NoMemory)?;
        if *pte & PTE_P != 0 {
            return Err(MapError::Overlap);
        }
        *pte = pa as u32 | PTE_OWNED | PTE_U | PTE_P | if write { PTE_W } else { 0 };
        Ok(())
    }

    /// Map a frame that is shared, not owned (the vDSO).
    pub fn map_shared_page(&mut self, va: usize, pa: usize) -> Result<(), MapError> {
        let pte = self.pte(va, true).ok_or(MapError::NoMemory)?;
        *pte = pa as u32 | PTE_U | PTE_P;
        Ok(())
    }

    /// Make the (mapped) page at `va` writable.
    pub fn set_writable(&mut self, va: usize) {
        if let Some(pte) = self.pte(va, false) {
            *pte |= PTE_W;
            invlpg(va);
        }
    }

    /// Map every page of `[start, end)` that lies in an anonymous region and
    /// is not mapped yet (used to write the initial stack).
    pub fn populate(&mut self, start: usize, end: usize) -> Result<(), MapError> {
        let mut va = page_floor(start);
        while va < end {
            if self.translate(va).is_none() && !self.handle_fault(va, true, false) {
                return Err(MapError::NoMemory);
            }
            va += PAGE_SIZE;
        }
        Ok(())
    }

    /// Change the protection of `[start, end)` (`mprotect`): split regions,
    /// and set or clear W on the pages already mapped.
    pub fn protect(&mut self, start: usize, end: usize, prot: Prot) -> Result<(), MapError> {
        if !self.allows_any(start, end) {
            return Err(MapError::OutOfRange);
        }
        // A shared page (the vDSO) is never made writable: every process
        // would see the change.
        let mut va = start;
        while prot.write && va < end {
            if let Some(pte) = self.pte(va, false)
                && *pte & PTE_P != 0
                && *pte & PTE_OWNED == 0
            {
                return Err(MapError::Shared);
            }
            va += PAGE_SIZE;
        }
        let mut out = Vec::new();
        for r in self.regions.drain(..) {
            if r.end <= start || end <= r.start {
                out.push(r);
                continue;
            }
            if r.start < start {
                out.push(Region { end: start, ..r });
            }
            out.push(Region {
                start: r.start.max(start),
                end: r.end.min(end),
                prot,
                ..r
            });
            if end < r.end {
                out.push(Region { start: end, ..r });
            }
        }
        out.sort_by_key(|r| r.start);
        self.regions = out;
        let mut va = start;
        while va < end {
            if let Some(pte) = self.pte(va, false)
                && *pte & PTE_P != 0
            {
                if prot.write {
                    *pte |= PTE_W
                } else {
                    *pte &= !PTE_W
                }
                // PROT_NONE: keep the page, but only for the kernel (U/S 0),
                // so any user access faults.
                if prot.read || prot.write || prot.exec {
                    *pte |= PTE_U
                } else {
                    *pte &= !PTE_U
                }
                invlpg(va);
            }
            va += PAGE_SIZE;
        }
        Ok(())
    }

    /// Is every page of `[start, end)` inside some region?
    fn allows_any(&self, start: usize, end: usize) -> bool {
        let mut cur = start;
        while cur < end {
            match self.region_at(cur) {
                Some(r) => cur = r.end,
                None => return false,
            }
        }
        true
    }

    /// The frame and writability of `va`, if mapped.
    pub fn translate(&mut self, va: usize) -> Option<(usize, bool)> {
        let pte = *self.pte(va, false)?;
        (pte & PTE_P != 0).then_some(((pte & PTE_ADDR) as usize, pte & PTE_W != 0))
    }

    /// Serve a page fault at `addr` if it lies in an anonymous region and the
    /// access is allowed. Returns false for a real fault.
    pub fn handle_fault(&mut self, addr: usize, write: bool, present: bool) -> bool {
        let Some(r) = self.region_at(addr).copied() else {
            return false;
        };
        let accessible = r.prot.read || r.prot.write || r.prot.exec; // PROT_NONE: never
        if present || !accessible || r.kind != RegionKind::Anonymous || (write && !r.prot.write) {
            return false;
        }
        let Some(pa) = frame::alloc_zeroed() else {
            return false;
        };
        if self.map_page(page_floor(addr), pa, r.prot.write).is_err() {
            frame::free(pa);
            return false;
        }
        true
    }

    /// Unmap `[start, end)`: drop the pages and cut the regions.
    pub fn unmap(&mut self, start: usize, end: usize) {
        let mut keep = Vec::new();
        for r in self.regions.drain(..) {
            if r.end <= start || end <= r.start {
                keep.push(r);
                continue;
            }
            if r.start < start {
                keep.push(Region { end: start, ..r });
            }
            if end < r.end {
                keep.push(Region { start: end, ..r });
            }
        }
        keep.sort_by_key(|r| r.start);
        self.regions = keep;
        let mut va = start;
        while va < end {
            if let Some(pte) = self.pte(va, false) {
                let old = *pte;
                *pte = 0;
                if old & PTE_P != 0 {
                    if old & PTE_OWNED != 0 {
                        frame::free((old & PTE_ADDR) as usize);
                    }
                    invlpg(va);
                }
            }
            va += PAGE_SIZE;
        }
    }

    /// Find `len` bytes of free space below `top` (top-down, like Linux's
    /// mmap layout), at or above `floor`.
    pub fn find_free(&self, len: usize, floor: usize, top: usize) -> Option<usize> {
        let mut end = top;
        // Walk the gaps between regions from the top down.
        for r in self.regions.iter().rev() {
            if r.start >= end {
                continue;
            }
            if r.end <= end && end - r.end >= len && end - len >= floor {
                return Some(end - len);
            }
            end = r.start;
        }
        (end >= floor.checked_add(len)?).then(|| end - len)
    }

    /// A copy of this address space for `fork`: every user page is copied
    /// (no copy-on-write: simpler to read, fine at this scale).
    pub fn duplicate(&self) -> Result<AddressSpace, MapError> {
        let mut child = AddressSpace::new()?;
        child.regions = self.regions.clone();
        child.brk_start = self.brk_start;
        child.brk = self.brk;
        let pd = table(self.pd_phys);
        for (i, &pde) in pd.0[..KERNEL_PDE_START].iter().enumerate() {
            if pde & PTE_P == 0 {
                continue;
            }
            let pt = table((pde & PTE_ADDR) as usize);
            for (j, &pte) in pt.0.iter().enumerate() {
                if pte & PTE_P == 0 {
                    continue;
                }
                let va = (i << 22) | (j << 12);
                let src = (pte & PTE_ADDR) as usize;
                if pte & PTE_OWNED == 0 {
                    child
                        .map_shared_page(va, src)
                        .map_err(|_| MapError::NoMemory)?;
                    continue;
                }
                let dst = frame::alloc().ok_or(MapError::NoMemory)?;
                // SAFETY: both frames are in the direct map; dst is fresh.
                unsafe {
                    core::ptr::copy_nonoverlapping(
                        phys_to_virt(src) as *const u8,
                        phys_to_virt(dst) as *mut u8,
                        PAGE_SIZE,
                    )
                };
                if let Err(e) = child.map_page(va, dst, pte & PTE_W != 0) {
                    frame::free(dst);
                    return Err(e);
                }
            }
        }
        Ok(child)
    }

    /// Copy bytes into this (not necessarily current) address space through
    /// the direct map; the pages must be mapped. Used by the ELF loader.
    pub fn write_bytes(&mut self, mut va: usize, mut data: &[u8]) -> Result<(), MapError> {
        while !data.is_empty() {
            let (pa, _) = self.translate(va).ok_or(MapError::OutOfRange)?;
            let off = va % PAGE_SIZE;
            let n = (PAGE_SIZE - off).min(data.len());
            // SAFETY: the frame is mapped in this address space and lies in
            // the direct map; the copy stays within the page.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    data.as_ptr(),
                    (phys_to_virt(pa) + off) as *mut u8,
                    n,
                );
            }
            va += n;
            data = &data[n..];
        }
        Ok(())
    }
}

impl Drop for AddressSpace {
    fn drop(&mut self) {
        debug_assert_ne!(
            paging::current_pd_phys(),
            self.pd_phys,
            "dropping the live address space"
        );
        let pd = table(self.pd_phys);
        for &pde in &pd.0[..KERNEL_PDE_START] {
            if pde & PTE_P == 0 {
                continue;
            }
            let pt_pa = (pde & PTE_ADDR) as usize;
            for &pte in table(pt_pa).0.iter().take(ENTRIES) {
                if pte & PTE_P != 0 && pte & PTE_OWNED != 0 {
                    frame::free((pte & PTE_ADDR) as usize);
                }
            }
            frame::free(pt_pa);
        }
        frame::free(self.pd_phys);
    }
}

//! Moving and resizing regions (Linux's mm/mremap.c `move_vma`,
//! `move_page_tables`, `vma_adjust`), and the per-page calls that walk
//! regions the same way: `madvise` (mm/madvise.c) and `mincore`
//! (mm/mincore.c). The checks and errors of the calls are in
//! `syscall/mem.rs`; this is the address space's half. A child module of
//! `addrspace` so that it reaches the region list and the page tables.

use super::{
    AddressSpace, Fault, MapError, MappedFile, PAGE_SIZE, RangeList, Region, RegionKind,
    SharedPages, frame, page_floor, phys_to_virt,
};
use crate::arch::x86::instructions::invlpg;
use crate::arch::x86::paging::{PTE_ADDR, PTE_OWNED, PTE_P};
use alloc::sync::Arc;

/// `madvise` advice that changes something here (the rest is accepted
/// and has no effect, as Linux's hints do where nothing is cached).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Advice {
    /// `MADV_DONTNEED`: drop the pages; private anonymous memory reads
    /// back as zeros, a file mapping as the file, shared memory as it is.
    DontNeed,
    /// `MADV_DONTNEED_LOCKED`: the same, allowed on locked pages.
    DontNeedLocked,
    /// `MADV_FREE`: private anonymous memory only; dropped now.
    Free,
    /// `MADV_REMOVE`: punch a hole in shared memory (reads as zeros).
    Remove,
    /// `MADV_POPULATE_READ` / `_WRITE`: fault the pages in.
    Populate { write: bool },
    /// `MADV_DONTFORK` (`dont`), `MADV_DOFORK`: whether a `fork` child
    /// gets the range; refused on `[vvar]` (`VM_IO`).
    Fork { dont: bool },
    /// `MADV_DODUMP`: refused on `[vdso]` and `[vvar]` (`VM_SPECIAL`).
    DoDump,
    /// `MADV_WIPEONFORK`: private anonymous memory only.
    WipeOnFork,
    /// Any other valid advice: nothing to do.
    Hint,
}

/// One page's state for `mincore`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Residency {
    /// The range is not all mapped: `-ENOMEM`.
    Unmapped,
    /// Resident (1) or not (0).
    Page(u8),
}

impl AddressSpace {
    /// Grow the region ending at `old_end` to `new_end`, in place (the
    /// `vma_adjust` branch of Linux's `mremap`); `[old_end, new_end)` must
    /// be free. A file mapping shows more of its file, shared memory more
    /// of its object (past its size a fault is `SIGBUS`, as Linux's shmem
    /// does). An ELF segment's pages were all mapped at load: what it grows
    /// by is zero-filled memory, a region of its own.
    pub fn grow_region(&mut self, old_end: usize, new_end: usize) -> Result<(), MapError> {
        let i = self.regions.partition_point(|o| o.end < old_end);
        let r = *self.regions.get(i).ok_or(MapError::OutOfRange)?;
        if r.end != old_end || !self.is_free(old_end, new_end) {
            return Err(MapError::Overlap);
        }
        if r.kind == RegionKind::Fixed {
            return self.add_region(Region::new(old_end, new_end, r.prot, RegionKind::Anonymous));
        }
        let pages = (new_end - old_end) / PAGE_SIZE;
        self.regions[i].end = new_end;
        self.total_vm += pages;
        if r.is_data() {
            self.data_vm += pages;
        }
        for f in self.files.0.iter_mut().filter(|f| f.end == old_end) {
            f.end = new_end;
        }
        for s in self.shared.0.iter_mut().filter(|s| s.end == old_end) {
            s.end = new_end;
        }
        Ok(())
    }

    /// Move `[old, old + len)`, which lies in one region, to `[new, new +
    /// new_len)`, which is free (Linux's `move_vma`): the page-table
    /// entries move, not the pages, so the frames, their contents and
    /// their sharing stay as they are. `new_len` may be larger: the rest is
    /// the region's kind, unmapped for now. With `keep_old`
    /// (`MREMAP_DONTUNMAP`) the old range stays mapped, emptied. Changes
    /// nothing on failure (`NoMemory`).
    pub fn move_range(
        &mut self,
        old: usize,
        len: usize,
        new: usize,
        new_len: usize,
        keep_old: bool,
    ) -> Result<(), MapError> {
        let r = *self.region_at(old).ok_or(MapError::OutOfRange)?;
        if old + len > r.end || new_len < len || !self.is_free(new, new + new_len) {
            return Err(MapError::OutOfRange);
        }
        // Everything that can fail, first: room for the old region's cut
        // and the new one (two if an ELF segment grows), the file or
        // shared-memory range, and page tables at the destination.
        self.reserve_regions(3)?;
        // A file mapping's, or an ELF segment's (which `maps` shows).
        let file = match r.kind {
            RegionKind::File | RegionKind::SharedFile | RegionKind::Fixed => {
                match self.file_at(old) {
                    Some(f) => {
                        let mut m = MappedFile::new(
                            f.inode.clone(),
                            f.path.clone(),
                            f.shared,
                            new,
                            f.offset(old),
                        );
                        m.may_write = f.may_write;
                        Some(
                            super::super::heap::for_user(|| Arc::try_new(m))
                                .map_err(|_| MapError::NoMemory)?,
                        )
                    }
                    None => None,
                }
            }
            _ => None,
        };
        let shared = match r.kind {
            RegionKind::SharedAnon => {
                self.shared
                    .meeting(old, old + 1)
                    .next()
                    .map(|s| SharedPages {
                        may_write: s.item.may_write,
                        mem: s.item.mem.clone(),
                        delta: s
                            .item
                            .delta
                            .wrapping_add(old / PAGE_SIZE)
                            .wrapping_sub(new / PAGE_SIZE),
                    })
            }
            _ => None,
        };
        super::super::heap::for_user(|| self.files.0.try_reserve(2))
            .map_err(|_| MapError::NoMemory)?;
        super::super::heap::for_user(|| self.shared.0.try_reserve(2))
            .map_err(|_| MapError::NoMemory)?;
        // The flags go along (Linux's copy_vma keeps VM_LOCKED and
        // VM_DONTCOPY; MREMAP_DONTUNMAP unlocks the old range).
        let locked = self.locked.meeting(old, old + len.max(1)).next().is_some();
        let nofork = self
            .dontfork
            .meeting(old, old + len.max(1))
            .next()
            .is_some();
        super::super::heap::for_user(|| self.locked.0.try_reserve(2))
            .map_err(|_| MapError::NoMemory)?;
        super::super::heap::for_user(|| self.dontfork.0.try_reserve(2))
            .map_err(|_| MapError::NoMemory)?;
        let mut off = 0;
        while off < len {
            if self.pte(old + off, false).is_some_and(|p| *p != 0) {
                self.pte(new + off, true).ok_or(MapError::NoMemory)?;
            }
            off += PAGE_SIZE;
        }
        // The pages (Linux's move_ptes): nothing below can fail.
        let mut off = 0;
        while off < len {
            if let Some(p) = self.pte(old + off, false)
                && *p != 0
            {
                let v = core::mem::take(p);
                invlpg(old + off);
                if let Some(d) = self.pte(new + off, true) {
                    *d = v;
                }
            }
            off += PAGE_SIZE;
        }
        if !keep_old && len > 0 {
            // No page is left to free: this only cuts the region.
            self.unmap(old, old + len)?;
        }
        let (kind, grown) = match r.kind {
            RegionKind::Fixed if new_len > len => (RegionKind::Fixed, new + len),
            k => (k, new + new_len),
        };
        if let Some(f) = file {
            self.files.add(new, grown, f)?;
        }
        if let Some(s) = shared {
            self.shared.add(new, new + new_len, s)?;
        }
        self.add_region(Region::new(new, grown, r.prot, kind))?;
        if keep_old {
            mark(&mut self.locked, old, old + len, false)?;
        }
        mark(&mut self.locked, new, new + new_len, locked)?;
        mark(&mut self.dontfork, new, new + new_len, nofork)?;
        if grown < new + new_len {
            self.add_region(Region::new(
                grown,
                new + new_len,
                r.prot,
                RegionKind::Anonymous,
            ))?;
        }
        Ok(())
    }

    /// Grow the grows-down region above `addr` down to `addr`'s page, for
    /// a fault there (Linux's `expand_downwards` and `acct_stack_growth`):
    /// only a `Stack` region (`VM_GROWSDOWN`: the main stack, or a
    /// `MAP_GROWSDOWN` mapping), never closer than `guard` bytes to an
    /// accessible region below, and to at most `max_stack` bytes and
    /// `max_pages` pages in all (`RLIMIT_STACK`, `RLIMIT_AS`). True if it
    /// grew.
    pub fn expand_stack(
        &mut self,
        addr: usize,
        guard: usize,
        max_stack: usize,
        max_pages: usize,
    ) -> bool {
        let va = page_floor(addr);
        let i = self.regions.partition_point(|o| o.end <= va);
        let Some(r) = self.regions.get(i).copied() else {
            return false;
        };
        if r.kind != RegionKind::Stack || r.start <= va || va < super::super::PAGE_SIZE * 16 {
            return false;
        }
        if let Some(p) = i.checked_sub(1).map(|j| self.regions[j])
            && p.kind != RegionKind::Stack
            && (p.prot.read || p.prot.write || p.prot.exec)
            && va - p.end < guard
        {
            return false;
        }
        let grow = (r.start - va) / PAGE_SIZE;
        if r.end - va > max_stack || self.total_vm + grow > max_pages {
            return false;
        }
        self.regions[i].start = va;
        self.total_vm += grow;
        self.mmap_low = None;
        true
    }

    /// Lock (`on`) or unlock `[start, end)` (Linux's `mlock_fixup`, which
    /// only sets `VM_LOCKED`: nothing is swapped out here).
    pub fn lock(&mut self, start: usize, end: usize, on: bool) -> Result<(), MapError> {
        mark(&mut self.locked, start, end, on)
    }

    /// `mlockall(MCL_CURRENT)`: every region locked.
    pub fn lock_all(&mut self) -> Result<(), MapError> {
        for i in 0..self.regions.len() {
            let r = self.regions[i];
            mark(&mut self.locked, r.start, r.end, true)?;
        }
        Ok(())
    }

    /// `munlockall`: nothing locked, now or later.
    pub fn unlock_all(&mut self) {
        self.locked.0.clear();
        self.lock_future = false;
    }

    /// Locked pages in `[start, end)` (Linux's `count_mm_mlocked_page_nr`);
    /// all of them for `(0, usize::MAX)` (`locked_vm`, `VmLck`).
    pub fn locked_pages(&self, start: usize, end: usize) -> usize {
        self.locked
            .meeting(start, end)
            .map(|l| (l.end.min(end) - l.start.max(start)) / PAGE_SIZE)
            .sum()
    }

    /// Apply `advice` to the regions in `[start, end)` (Linux's
    /// `madvise_walk_vmas`): region by region, stopping at the first
    /// refusal (`Err(errno)`); `Ok(false)` if some of the range was not
    /// mapped (the caller's `-ENOMEM`, after the rest was done).
    pub fn advise(
        &mut self,
        start: usize,
        end: usize,
        advice: Advice,
    ) -> Result<bool, abi::errno::Errno> {
        use abi::errno::{EACCES, EFAULT, EINVAL, ENOMEM};
        let mut all = true;
        let mut cur = start;
        while cur < end {
            let i = self.regions.partition_point(|o| o.end <= cur);
            let Some(r) = self.regions.get(i).copied().filter(|r| r.start < end) else {
                return Ok(false);
            };
            if r.start > cur {
                all = false;
                cur = r.start;
            }
            let to = r.end.min(end);
            let anon = matches!(r.kind, RegionKind::Anonymous | RegionKind::Stack);
            let advice = match advice {
                Advice::DontNeedLocked => Advice::DontNeed,
                // Locked pages stay (VM_LOCKED is forbidden to these).
                Advice::DontNeed | Advice::Free | Advice::Remove
                    if self.locked.meeting(cur, to).next().is_some() =>
                {
                    return Err(EINVAL);
                }
                a => a,
            };
            match advice {
                Advice::DontNeed | Advice::Free | Advice::Remove if r.kind == RegionKind::Vvar => {
                    return Err(EINVAL);
                }
                Advice::Free | Advice::WipeOnFork if !anon => return Err(EINVAL),
                Advice::Remove if r.kind != RegionKind::SharedAnon => return Err(EINVAL),
                // madvise_remove: the hole is punched for everyone, so only
                // through a writable mapping.
                Advice::Remove if !r.prot.write => return Err(EACCES),
                // DOFORK only: Linux checks VM_IO there, not for DONTFORK.
                Advice::Fork { dont: false } if r.kind == RegionKind::Vvar => {
                    return Err(EINVAL);
                }
                Advice::DoDump if matches!(r.kind, RegionKind::Vdso | RegionKind::Vvar) => {
                    return Err(EINVAL);
                }
                // Pages Linux could fetch again from the file or the
                // object: dropped. An ELF segment's pages are kept (they
                // were copied in at load and cannot be again), and so is
                // the vDSO's (Linux maps it again at the next touch).
                Advice::DontNeed | Advice::Free
                    if !matches!(r.kind, RegionKind::Fixed | RegionKind::Vdso) =>
                {
                    self.zap(cur, to)
                }
                // Shared anonymous memory is always VM_SHARED|VM_MAYWRITE.
                Advice::Remove => self.zero_shared(cur, to),
                Advice::Fork { dont } => {
                    mark(&mut self.dontfork, cur, to, dont).map_err(|_| ENOMEM)?
                }
                Advice::Populate { write } => {
                    let mut va = cur;
                    while va < to {
                        let present = self.translate(va);
                        if present.is_none() || (write && present.is_some_and(|(_, w)| !w)) {
                            match self.handle_fault(va, write, present.is_some()) {
                                Fault::Served => {}
                                Fault::NoMemory => return Err(ENOMEM),
                                Fault::Bad | Fault::Bus => return Err(EFAULT),
                            }
                        }
                        va += PAGE_SIZE;
                    }
                }
                _ => {}
            }
            cur = to;
        }
        Ok(all)
    }

    /// Drop the pages of `[start, end)`, keeping the regions (Linux's
    /// `zap_page_range`): owned frames are put, others (shared memory,
    /// the page cache, the vDSO) only unmapped. `munmap` and truncation
    /// use it too.
    pub(super) fn zap(&mut self, start: usize, end: usize) {
        let mut va = start;
        while va < end {
            if let Some(pte) = self.pte(va, false) {
                let old = core::mem::take(pte);
                if old & PTE_P != 0 {
                    if old & PTE_OWNED != 0 {
                        frame::put((old & PTE_ADDR) as usize);
                    }
                    invlpg(va);
                }
            }
            va += PAGE_SIZE;
        }
    }

    /// Zero the shared memory shown over `[start, end)` (`MADV_REMOVE`'s
    /// hole punch: every process mapping it reads zeros).
    fn zero_shared(&mut self, start: usize, end: usize) {
        let Some(s) = self.shared.meeting(start, start + 1).next().cloned() else {
            return;
        };
        let mut va = start;
        while va < end {
            if let Some(pa) = s
                .item
                .mem
                .existing((va / PAGE_SIZE).wrapping_add(s.item.delta))
            {
                // SAFETY: a frame of the shared object, in the direct map.
                unsafe { core::ptr::write_bytes(phys_to_virt(pa) as *mut u8, 0, PAGE_SIZE) };
            }
            va += PAGE_SIZE;
        }
    }

    /// Fault in every page of `[start, end)` not yet mapped, as far as it
    /// goes (`MAP_POPULATE`, `MAP_LOCKED`, `mlock`: Linux's `mm_populate`,
    /// which ignores what it cannot do). A writable private page is
    /// faulted for writing, as Linux's `populate_vma_page_range` does.
    pub fn populate_range(&mut self, start: usize, end: usize) {
        let mut va = page_floor(start);
        while va < end {
            let Some(r) = self.region_at(va).copied() else {
                return;
            };
            // Only a private writable page is faulted for writing (a
            // shared one is the object's, written or not).
            let write =
                r.prot.write && !matches!(r.kind, RegionKind::SharedAnon | RegionKind::SharedFile);
            let to = r.end.min(end);
            while va < to {
                if self.translate(va).is_none()
                    && self.handle_fault(va, write, false) != Fault::Served
                {
                    return;
                }
                va += PAGE_SIZE;
            }
        }
    }

    /// The residency of page `va` for `mincore` (Linux's `do_mincore`): a
    /// present page is resident; of the rest, a file's page within the
    /// file is (every file's pages are in memory here, its page cache), as
    /// is shared memory already allocated; the vDSO's and vvar's pages
    /// always are (`can_do_mincore` is false for them: Linux reports 1).
    pub fn residency(&mut self, va: usize) -> Residency {
        let Some(r) = self.region_at(va).copied() else {
            return Residency::Unmapped;
        };
        if self.pte(va, false).is_some_and(|p| *p & PTE_P != 0) {
            return Residency::Page(1);
        }
        let yes = match r.kind {
            RegionKind::Vdso | RegionKind::Vvar | RegionKind::Fixed => true,
            RegionKind::File | RegionKind::SharedFile => self
                .file_at(va)
                .is_some_and(|f| f.offset(va) < f.inode.size()),
            RegionKind::SharedAnon => self.shared.meeting(va, va + 1).next().is_some_and(|s| {
                s.item
                    .mem
                    .existing((va / PAGE_SIZE).wrapping_add(s.item.delta))
                    .is_some()
            }),
            RegionKind::Anonymous | RegionKind::Stack => false,
        };
        Residency::Page(u8::from(yes))
    }
}

/// Set (`on`) or clear `[start, end)` in a list of flagged ranges.
fn mark(list: &mut RangeList<()>, start: usize, end: usize, on: bool) -> Result<(), MapError> {
    if start >= end {
        return Ok(());
    }
    list.reserve_cut(start, end)?;
    list.cut(start, end);
    if on {
        list.add(start, end, ())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::Prot;
    use super::*;

    const P: usize = PAGE_SIZE;

    fn anon(start: usize, end: usize) -> Region {
        Region::new(start, end, Prot::RW, RegionKind::Anonymous)
    }

    #[test_case]
    fn a_move_takes_the_frames_along_and_frees_nothing() {
        let free = frame::free_frames();
        {
            let mut a = AddressSpace::new().unwrap();
            let (old, new) = (0x1000_0000, 0x2000_0000);
            a.add_region(anon(old, old + 3 * P)).unwrap();
            a.populate(old, old + 2 * P).unwrap();
            a.write_bytes(old + P, b"moved").unwrap();
            let pa = a.translate(old + P).unwrap().0;
            let used = frame::free_frames();
            // The middle and last pages move, and grow by one page.
            a.move_range(old + P, 2 * P, new, 3 * P, false).unwrap();
            assert_eq!(a.translate(new), Some((pa, true)));
            assert_eq!(a.translate(old + P), None);
            let mut buf = [0u8; 5];
            a.read_bytes(new, &mut buf);
            assert_eq!(&buf, b"moved");
            // Only a page table was allocated for the destination.
            assert!(used - frame::free_frames() <= 1);
            let spans: alloc::vec::Vec<_> = a.regions().map(|r| (r.start, r.end)).collect();
            assert_eq!(spans, [(old, old + P), (new, new + 3 * P)]);
            assert_eq!(a.vm_pages(), (4, 4));
            // MREMAP_DONTUNMAP: the old range stays, empty.
            a.move_range(new, 3 * P, old + 4 * P, 3 * P, true).unwrap();
            assert_eq!(a.translate(new), None);
            assert_eq!(a.translate(old + 4 * P), Some((pa, true)));
            assert_eq!(a.vm_pages(), (7, 7));
            assert_eq!(a.residency(new), Residency::Page(0));
            assert_eq!(a.residency(old + 4 * P), Residency::Page(1));
            assert_eq!(a.residency(old + 3 * P), Residency::Unmapped);
        }
        assert_eq!(frame::free_frames(), free);
    }

    #[test_case]
    fn growing_in_place_extends_the_region_and_its_shared_memory() {
        let free = frame::free_frames();
        {
            let mut a = AddressSpace::new().unwrap();
            let base = 0x1000_0000;
            a.add_region(anon(base, base + P)).unwrap();
            a.grow_region(base + P, base + 3 * P).unwrap();
            assert_eq!(a.map_count(), 1);
            assert_eq!(a.vm_pages(), (3, 3));
            assert_eq!(a.handle_fault(base + 2 * P, true, false), Fault::Served);
            // Shared memory of one page grown to two: the second page is
            // past the object (SIGBUS, as Linux's shmem).
            let s = 0x3000_0000;
            let mem = Arc::new(super::super::SharedAnon::new(1).unwrap());
            a.add_shared_anon(s, s + P, mem, true).unwrap();
            a.add_region(Region::new(s, s + P, Prot::RW, RegionKind::SharedAnon))
                .unwrap();
            a.grow_region(s + P, s + 2 * P).unwrap();
            assert_eq!(a.handle_fault(s, true, false), Fault::Served);
            assert_eq!(a.handle_fault(s + P, true, false), Fault::Bus);
            // Not into a neighbour.
            assert_eq!(a.grow_region(base + 3 * P, s + P), Err(MapError::Overlap));
            // DONTNEED gives the page back and reads zeros after.
            a.write_bytes(base + 2 * P, b"x").unwrap();
            assert_eq!(a.advise(base, base + 3 * P, Advice::DontNeed), Ok(true));
            assert_eq!(a.translate(base + 2 * P), None);
            assert_eq!(a.advise(base, s, Advice::Hint), Ok(false));
        }
        assert_eq!(frame::free_frames(), free);
    }

    #[test_case]
    fn a_grows_down_region_grows_to_a_fault_below_within_the_gap() {
        let mut a = AddressSpace::new().unwrap();
        let top = 0x2000_0000;
        a.add_region(anon(top - 600 * P, top - 599 * P)).unwrap();
        a.add_region(Region::new(top, top + P, Prot::RW, RegionKind::Stack))
            .unwrap();
        let gap = 256 * P;
        // Just below: grows, and the page can be served.
        assert!(a.expand_stack(top - 1, gap, usize::MAX, usize::MAX));
        assert_eq!(a.region_at(top - P).map(|r| r.start), Some(top - P));
        assert_eq!(a.handle_fault(top - P, true, false), Fault::Served);
        // Not into the guard gap above the mapping below, nor past the
        // limits, nor below an ordinary region.
        assert!(!a.expand_stack(top - 590 * P, gap, usize::MAX, usize::MAX));
        assert!(!a.expand_stack(top - 3 * P, gap, 2 * P, usize::MAX));
        assert!(!a.expand_stack(top - 3 * P, gap, usize::MAX, a.vm_pages().0));
        assert!(!a.expand_stack(top - 601 * P, gap, usize::MAX, usize::MAX));
        assert!(a.expand_stack(top - 300 * P, gap, usize::MAX, usize::MAX));
        assert_eq!(a.vm_pages(), (302, 1));
    }

    #[test_case]
    fn a_moved_vdso_page_keeps_its_unowned_frame() {
        let free = frame::free_frames();
        {
            let mut a = AddressSpace::new().unwrap();
            crate::proc::vdso::map_into(&mut a).unwrap();
            let base = crate::proc::vdso::VDSO_BASE;
            assert_eq!(a.vdso_start(), base);
            let pa = a.translate(base).unwrap().0;
            let to = 0x4000_0000;
            a.move_range(base, P, to, P, false).unwrap();
            assert_eq!(a.vdso_start(), to);
            assert_eq!(a.translate(to), Some((pa, false)));
            assert!(a.region_at(base).is_none());
        }
        // The vDSO's frame, allocated once, stays: all else came back.
        assert!(free - frame::free_frames() <= 1);
    }
}

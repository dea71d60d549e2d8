//! User address spaces: one page directory per process, sharing the kernel
//! half, plus the list of regions (Linux's VMAs) that say what the process
//! may touch.
//!
//! Pages of ELF segments are mapped when the program is loaded; anonymous
//! regions (the stack, the heap behind `brk`, `mmap2` mappings) are mapped on
//! first touch by the page-fault handler, and so are file mappings, whose
//! pages are the file's page-cache pages (`mm/filemap.rs`): shared ones
//! as they are, private ones read-only until a write copies the page. User PTEs carry U/S, and W only
//! where the region allows writing. A page an address space owns (PTE
//! bit `PTE_OWNED`) is put when unmapped, and freed by its last owner:
//! `fork` shares the frames copy-on-write, read-only until the first
//! write of either side copies the page (`unshare`). The others are someone
//! else's: the vDSO's, or a [`SharedAnon`]'s, the memory of a
//! `MAP_SHARED` anonymous mapping, which every address space it was forked
//! into maps and which frees its pages when the last one lets go.
//!
//! A region remembers the file it shows, if any (Linux's `vm_file` and
//! `vm_pgoff`), and the address space the layout Linux's `mm_struct` keeps
//! (`start_code`, `arg_start`, ..., the executable): `/proc/<pid>/maps`,
//! `stat` and `cmdline` are read from them.

use super::{PAGE_SIZE, USER_TOP, frame, page_floor, phys_to_virt};
use crate::arch::x86::instructions::invlpg;
use crate::arch::x86::paging::{
    self, ENTRIES, KERNEL_PDE_START, PTE_ADDR, PTE_OWNED, PTE_P, PTE_U, PTE_W, PageTable,
    pde_index, pte_index,
};
use crate::fs::file::PathRef;
use crate::fs::inode::InodeRef;
use alloc::collections::VecDeque;
use alloc::sync::Arc;
use alloc::vec::Vec;

// Moving and resizing regions (`mremap`), `madvise` and `mincore`: Linux's
// mm/mremap.c and mm/madvise.c, a child module for the fields here.
#[path = "mremap.rs"]
mod mremap;
pub use mremap::{Advice, Residency};

/// Most regions one address space may have (Linux's `vm.max_map_count`
/// default, `DEFAULT_MAX_MAP_COUNT`).
pub const MAX_MAP_COUNT: usize = 65530;

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
    pub const R: Prot = Prot {
        read: true,
        write: false,
        exec: false,
    };
}

/// What backs a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RegionKind {
    /// Mapped at load time (ELF segments).
    Fixed,
    /// Zero-filled on first touch.
    Anonymous,
    /// The stack: anonymous, but not data (`RLIMIT_DATA` leaves it out, as
    /// Linux's `is_data_mapping` does for `VM_STACK`) and never merged.
    Stack,
    /// A private file mapping (`mmap2` of a file, an ELF segment's file
    /// part): the file's page-cache pages, read-only, until the first
    /// write to one copies it (so `write(2)`s to pages not yet written
    /// show, as on Linux).
    File,
    /// A `MAP_SHARED` file mapping: the file's page-cache pages
    /// themselves, writable if the mapping is, the same frames in every
    /// process and under `read(2)`/`write(2)`.
    SharedFile,
    /// The vDSO page, shared by every process (`[vdso]`).
    Vdso,
    /// The kernel's time page the vDSO reads, shared read-only (`[vvar]`).
    Vvar,
    /// A `MAP_SHARED` anonymous mapping: its pages are a [`SharedAnon`]'s,
    /// the same frames in every process it was forked into.
    SharedAnon,
}

/// The file a mapping shows (Linux's `vm_file` and `vm_pgoff`): the inode,
/// where it was opened (for the path `/proc/<pid>/maps` prints), whether
/// the mapping is shared, and where in the file the mapping's addresses
/// fall. One is made per mapping (per `mmap`, per ELF segment) and shared
/// by the pieces `munmap` cuts it into.
#[derive(Debug)]
pub struct MappedFile {
    pub inode: InodeRef,
    pub path: Option<PathRef>,
    /// `MAP_SHARED` (`VM_MAYSHARE`): `maps` shows `s`.
    pub shared: bool,
    /// The file was open for writing (`VM_MAYWRITE` of a shared mapping):
    /// `mprotect` may add `PROT_WRITE`.
    pub may_write: bool,
    /// The file offset of address 0, were the mapping to reach it: the
    /// offset of an address is `address + delta` (wrapping).
    pub delta: usize,
}

impl MappedFile {
    /// `inode` opened at `path`, mapped with file offset `offset` at
    /// address `start`.
    pub fn new(
        inode: InodeRef,
        path: Option<PathRef>,
        shared: bool,
        start: usize,
        offset: usize,
    ) -> Self {
        MappedFile {
            inode,
            path,
            shared,
            may_write: false,
            delta: offset.wrapping_sub(start),
        }
    }

    /// The file offset of address `addr`.
    pub fn offset(&self, addr: usize) -> usize {
        addr.wrapping_add(self.delta)
    }
}

/// The memory of a `MAP_SHARED` anonymous mapping (Linux's
/// `shmem_zero_setup`: a deleted shmem file, `/dev/zero (deleted)` in
/// `maps`). Its pages are allocated on first touch and mapped, unowned, by
/// every address space the mapping was forked into; they are freed with
/// the last of those, when the last reference goes.
pub struct SharedAnon {
    /// One frame per page, 0 until touched.
    pages: crate::sync::UpCell<Vec<usize>>,
    /// Its inode number in `maps` (Linux's shmem inode; a SysV segment's
    /// is its id).
    ino: core::sync::atomic::AtomicU32,
    /// A SysV segment's key, with bit 32 set once it is one: `maps` names
    /// the segment `/SYSV<key> (deleted)`, as Linux's `newseg` names its
    /// file.
    sysv_key: core::sync::atomic::AtomicU64,
}

impl SharedAnon {
    /// `pages` pages of shared memory, none allocated yet (`NoMemory` if
    /// the table of them cannot be had).
    pub fn new(pages: usize) -> Result<Self, MapError> {
        static NEXT_INO: core::sync::atomic::AtomicU32 = core::sync::atomic::AtomicU32::new(1);
        let mut table = super::heap::try_vec(pages).map_err(|_| MapError::NoMemory)?;
        table.resize(pages, 0);
        Ok(SharedAnon {
            pages: crate::sync::UpCell::new(table),
            ino: NEXT_INO
                .fetch_add(1, core::sync::atomic::Ordering::Relaxed)
                .into(),
            sysv_key: 0.into(),
        })
    }

    /// Its inode number in `maps`.
    pub fn ino(&self) -> u32 {
        self.ino.load(core::sync::atomic::Ordering::Relaxed)
    }

    /// It is SysV segment `id` made with `key` (`ipc/shm.rs`).
    pub fn set_sysv(&self, key: i32, id: i32) {
        use core::sync::atomic::Ordering::Relaxed;
        self.ino.store(id as u32, Relaxed);
        self.sysv_key
            .store(1 << 32 | u64::from(key as u32), Relaxed);
    }

    /// Its SysV key, if it is a SysV segment.
    pub fn sysv_key(&self) -> Option<i32> {
        let k = self.sysv_key.load(core::sync::atomic::Ordering::Relaxed);
        (k >> 32 != 0).then_some(k as u32 as i32)
    }

    /// Its size in pages.
    pub fn pages(&self) -> usize {
        self.pages.with(|p| p.len())
    }

    /// How many of its pages have a frame (its resident set: SysV shared
    /// memory's `shm_rss`).
    pub fn resident(&self) -> usize {
        self.pages.with(|p| p.iter().filter(|&&pa| pa != 0).count())
    }

    /// The frame of page `i` if it was touched.
    fn existing(&self, i: usize) -> Option<usize> {
        self.pages.with(|p| p.get(i).copied().filter(|&pa| pa != 0))
    }

    /// The frame of page `i`, allocated zeroed on first use (`None`: no
    /// memory, or past the end).
    fn page(&self, i: usize) -> Option<usize> {
        self.pages.with(|p| {
            let slot = p.get_mut(i)?;
            if *slot == 0 {
                *slot = frame::alloc_user_zeroed()?;
            }
            Some(*slot)
        })
    }
}

impl core::fmt::Debug for SharedAnon {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "SharedAnon(ino {})", self.ino())
    }
}

impl Drop for SharedAnon {
    fn drop(&mut self) {
        self.pages.with(|p| {
            for &pa in p.iter().filter(|&&pa| pa != 0) {
                frame::free(pa);
            }
        });
    }
}

/// A piece of shared anonymous memory in an address space: start, end,
/// the memory, and its page shown at start.
pub type SharedPiece = (usize, usize, Arc<SharedAnon>, usize);

/// Shared anonymous memory shown over a range: page `addr / PAGE_SIZE +
/// delta` (wrapping) of `mem` is at `addr`, so a cut range keeps its
/// pages where they were.
#[derive(Clone, Debug)]
struct SharedPages {
    mem: Arc<SharedAnon>,
    delta: usize,
    /// `PROT_WRITE` may be added (`VM_MAYWRITE`): not for a SysV
    /// `SHM_RDONLY` attach.
    may_write: bool,
}

/// Something shown over `[start, end)`: a file or shared memory. Kept
/// beside the regions rather than in them, so that a region stays three
/// words: a process may have 65530 regions, `fork` copies them all, and
/// the kernel heap keeps what it grew for the largest such copy.
#[derive(Clone, Debug)]
struct Ranged<T> {
    start: usize,
    end: usize,
    item: T,
}

/// Ranges sorted by address, not overlapping, cut as the regions are.
#[derive(Debug)]
struct RangeList<T>(Vec<Ranged<T>>);

impl<T: Clone> RangeList<T> {
    const fn new() -> Self {
        RangeList(Vec::new())
    }

    /// The ranges meeting `[start, end)`.
    fn meeting(&self, start: usize, end: usize) -> impl Iterator<Item = &Ranged<T>> {
        let i = self.0.partition_point(|f| f.end <= start);
        self.0[i..].iter().take_while(move |f| f.start < end)
    }

    /// Show `item` over `[start, end)`, which nothing shows yet.
    fn add(&mut self, start: usize, end: usize, item: T) -> Result<(), MapError> {
        super::heap::for_user(|| self.0.try_reserve(1)).map_err(|_| MapError::NoMemory)?;
        let i = self.0.partition_point(|f| f.end <= start);
        self.0.insert(i, Ranged { start, end, item });
        Ok(())
    }

    /// Room to cut at `start` and `end`: one more range if one straddles
    /// both.
    fn reserve_cut(&mut self, start: usize, end: usize) -> Result<(), MapError> {
        let i = self.0.partition_point(|f| f.end <= start);
        if self
            .0
            .get(i)
            .is_some_and(|f| f.start < start && end < f.end)
        {
            super::heap::for_user(|| self.0.try_reserve(1)).map_err(|_| MapError::NoMemory)?;
        }
        Ok(())
    }

    /// Stop showing anything over `[start, end)`; room for a cut in the
    /// middle was made by [`Self::reserve_cut`].
    fn cut(&mut self, start: usize, end: usize) {
        let i = self.0.partition_point(|f| f.end <= start);
        if let Some(f) = self.0.get(i).cloned()
            && f.start < start
            && end < f.end
        {
            self.0[i].end = start;
            self.0.insert(i + 1, Ranged { start: end, ..f });
            return;
        }
        if let Some(f) = self.0.get_mut(i)
            && f.start < start
        {
            f.end = start;
        }
        let j = self.0.partition_point(|f| f.end <= end);
        if let Some(f) = self.0.get_mut(j)
            && f.start < end
            && start <= f.start
        {
            f.start = end;
        }
        let a = self.0.partition_point(|f| f.start < start);
        let b = self.0.partition_point(|f| f.start < end);
        self.0.drain(a..b);
    }

    /// A copy for `fork` (the list may be long: copied fallibly).
    fn try_clone(&self) -> Result<Self, MapError> {
        let mut v = Vec::new();
        super::heap::for_user(|| v.try_reserve_exact(self.0.len()))
            .map_err(|_| MapError::NoMemory)?;
        v.extend(self.0.iter().cloned());
        Ok(RangeList(v))
    }
}

impl Region {
    /// A region of `kind` over `[start, end)`.
    pub const fn new(start: usize, end: usize, prot: Prot, kind: RegionKind) -> Self {
        Region {
            start,
            end,
            prot,
            kind,
        }
    }

    fn pages(&self) -> usize {
        (self.end - self.start) / PAGE_SIZE
    }

    /// Private and writable, not the stack: what `RLIMIT_DATA` counts
    /// (Linux's `is_data_mapping`).
    pub fn is_data(&self) -> bool {
        self.prot.write
            && !matches!(
                self.kind,
                RegionKind::Stack | RegionKind::SharedAnon | RegionKind::SharedFile
            )
    }

    /// Are its pages someone else's, shared with whoever else maps them
    /// (never copied on write)?
    pub fn is_shared(&self) -> bool {
        matches!(self.kind, RegionKind::SharedAnon | RegionKind::SharedFile)
    }
}

/// A range of user virtual memory `[start, end)`, page aligned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub start: usize,
    pub end: usize,
    pub prot: Prot,
    pub kind: RegionKind,
}

/// Where a program's pieces are (Linux's `mm_struct` fields of the same
/// names): set by `execve`, shown by `/proc/<pid>/stat`, and the bounds of
/// `cmdline` and `environ`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Layout {
    pub start_code: usize,
    pub end_code: usize,
    pub start_data: usize,
    pub end_data: usize,
    pub start_stack: usize,
    pub arg_start: usize,
    pub arg_end: usize,
    pub env_start: usize,
    pub env_end: usize,
}

/// What a user page fault came to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// A page was mapped: retry the access.
    Served,
    /// No region allows it: SIGSEGV.
    Bad,
    /// A file mapping's page that lies wholly past the end of the file:
    /// SIGBUS (Linux's `VM_FAULT_SIGBUS` from `filemap_fault`).
    Bus,
    /// Allowed, but no memory for the page: the OOM killer's business.
    NoMemory,
}

/// Errors from address-space operations.
#[derive(Debug, PartialEq, Eq)]
pub enum MapError {
    NoMemory,
    Overlap,
    OutOfRange,
    /// The page is shared with other address spaces.
    Shared,
    /// A shared mapping of a file not open for writing cannot be made
    /// writable.
    ReadOnlyFile,
}

/// What a system call reports for any of them: Linux's mm fails a mapping
/// it cannot make with `-ENOMEM`; writing a file mapping it may not write
/// is `-EACCES`.
impl From<MapError> for abi::errno::Errno {
    fn from(e: MapError) -> Self {
        match e {
            MapError::ReadOnlyFile => abi::errno::EACCES,
            _ => abi::errno::ENOMEM,
        }
    }
}

/// One process's user address space.
pub struct AddressSpace {
    pd_phys: usize,
    /// Sorted by address. A deque: mappings are handed out top-down, so a
    /// new one usually goes near the front.
    regions: VecDeque<Region>,
    /// `(top, low)`: every page of `[low, top)` lies in some region, so the
    /// next top-down mapping below `top` goes right under `low` (Linux kept
    /// a `free_area_cache` for the same purpose). Extended by `add_region`,
    /// forgotten by `unmap`.
    mmap_low: Option<(usize, usize)>,
    /// Pages in regions, and in data regions (Linux's `total_vm` and
    /// `data_vm`, checked against `RLIMIT_AS` and `RLIMIT_DATA`).
    total_vm: usize,
    data_vm: usize,
    /// `brk` bounds: start (end of the program image) and current break.
    pub brk_start: usize,
    pub brk: usize,
    /// The files mappings show, sorted by address, not overlapping.
    files: RangeList<Arc<MappedFile>>,
    /// The shared anonymous memory mappings show.
    shared: RangeList<SharedPages>,
    /// What `madvise(MADV_DONTFORK)` keeps out of a `fork` child (Linux's
    /// `VM_DONTCOPY`) and what `mlock` locked (`VM_LOCKED`, `VmLck`):
    /// ranges cut as the regions are (`mm/mremap.rs`).
    dontfork: RangeList<()>,
    locked: RangeList<()>,
    /// `mlockall(MCL_FUTURE)`: new mappings are locked (`def_flags`).
    pub lock_future: bool,
    /// The program's layout, and the program itself (Linux's `exe_file`,
    /// what `/proc/<pid>/exe` leads to).
    pub layout: Layout,
    pub exe: Option<Arc<MappedFile>>,
}

/// A new frame with the bytes of frame `pa` (`None`: no memory).
fn copy_of(pa: usize) -> Option<usize> {
    let dst = frame::alloc_user()?;
    // SAFETY: both frames are in the direct map; dst is fresh.
    unsafe {
        core::ptr::copy_nonoverlapping(
            phys_to_virt(pa) as *const u8,
            phys_to_virt(dst) as *mut u8,
            PAGE_SIZE,
        )
    };
    Some(dst)
}

fn table<'a>(pa: usize) -> &'a mut PageTable {
    // SAFETY: page directories and tables of an address space are frames it
    // owns, reachable through the direct map; `&mut self` methods are the
    // only writers.
    unsafe { &mut *(phys_to_virt(pa) as *mut PageTable) }
}

/// The index of the first present entry of `t` at or after `i`, or
/// `t.len()`. Most of a process's page directory and tables is empty, and
/// `fork` and exit walk all of them: a run of [`SKIP`] entries is tested
/// with one OR of them all (ten instructions where one at a time took 40).
fn next_present(t: &[u32], mut i: usize) -> usize {
    while i < t.len() {
        if i.is_multiple_of(SKIP)
            && let Some(run) = t.get(i..i + SKIP)
            && run.iter().fold(0, |a, &e| a | e) & PTE_P == 0
        {
            i += SKIP;
            continue;
        }
        if t[i] & PTE_P != 0 {
            return i;
        }
        i += 1;
    }
    t.len()
}

/// Entries [`next_present`] tests at once.
const SKIP: usize = 8;

impl AddressSpace {
    /// An empty user half plus the shared kernel half.
    pub fn new() -> Result<Self, MapError> {
        let pd_phys = frame::alloc_user_zeroed().ok_or(MapError::NoMemory)?;
        paging::copy_kernel_half(table(pd_phys));
        Ok(Self {
            pd_phys,
            regions: VecDeque::new(),
            mmap_low: None,
            total_vm: 0,
            data_vm: 0,
            brk_start: 0,
            brk: 0,
            files: RangeList::new(),
            shared: RangeList::new(),
            dontfork: RangeList::new(),
            locked: RangeList::new(),
            lock_future: false,
            layout: Layout::default(),
            exe: None,
        })
    }

    /// Where the vDSO region starts, 0 if there is none (what `Mm` starts
    /// its `vdso` from).
    pub fn vdso_start(&self) -> usize {
        self.regions
            .iter()
            .rev()
            .find(|r| r.kind == RegionKind::Vdso)
            .map_or(0, |r| r.start)
    }

    /// Physical address of the page directory (the CR3 value).
    pub fn pd_phys(&self) -> usize {
        self.pd_phys
    }

    /// The regions, sorted by address.
    pub fn regions(&self) -> impl DoubleEndedIterator<Item = &Region> {
        self.regions.iter()
    }

    /// Is `[start, end)` free of regions?
    pub fn is_free(&self, start: usize, end: usize) -> bool {
        let i = self.regions.partition_point(|o| o.end <= start);
        self.regions.get(i).is_none_or(|o| o.start >= end)
    }

    /// Add a region; it must be page aligned, in user space and free. An
    /// anonymous region joins an adjacent one with the same protection, as
    /// Linux's `vma_merge` does, so a heap grown page by page stays one
    /// region. `NoMemory` at `MAX_MAP_COUNT` regions or when the list
    /// cannot grow.
    pub fn add_region(&mut self, r: Region) -> Result<(), MapError> {
        if !r.start.is_multiple_of(PAGE_SIZE)
            || !r.end.is_multiple_of(PAGE_SIZE)
            || r.start >= r.end
            || r.end > USER_TOP
        {
            return Err(MapError::OutOfRange);
        }
        // The first region ending after r.start: the only one that could
        // overlap from below, or the first one above.
        let i = self.regions.partition_point(|o| o.end <= r.start);
        if self.regions.get(i).is_some_and(|o| o.start < r.end) {
            return Err(MapError::Overlap);
        }
        let joins =
            |o: &Region| o.kind == RegionKind::Anonymous && o.kind == r.kind && o.prot == r.prot;
        let left = i
            .checked_sub(1)
            .filter(|&l| self.regions[l].end == r.start && joins(&self.regions[l]));
        let right =
            (i < self.regions.len() && self.regions[i].start == r.end && joins(&self.regions[i]))
                .then_some(i);
        match (left, right) {
            (Some(l), Some(rt)) => {
                self.regions[l].end = self.regions[rt].end;
                self.regions.remove(rt);
            }
            (Some(l), None) => self.regions[l].end = r.end,
            (None, Some(rt)) => self.regions[rt].start = r.start,
            (None, None) => {
                self.reserve_regions(1)?;
                self.regions.insert(i, r);
            }
        }
        if let Some((top, low)) = self.mmap_low
            && r.end == low
        {
            self.mmap_low = Some((top, r.start));
        }
        self.total_vm += r.pages();
        if r.is_data() {
            self.data_vm += r.pages();
        }
        Ok(())
    }

    /// Pages mapped, and of those in data regions (`total_vm`, `data_vm`).
    pub fn vm_pages(&self) -> (usize, usize) {
        (self.total_vm, self.data_vm)
    }

    /// The same two counts for the part of the mappings inside
    /// `[start, end)` (Linux's `count_vma_pages_range`): what a `MAP_FIXED`
    /// mapping there would replace.
    pub fn vm_pages_in(&self, start: usize, end: usize) -> (usize, usize) {
        let first = self.regions.partition_point(|o| o.end <= start);
        let mut counts = (0, 0);
        for r in self.regions.range(first..) {
            if r.start >= end {
                break;
            }
            let pages = (r.end.min(end) - r.start.max(start)) / PAGE_SIZE;
            counts.0 += pages;
            if r.is_data() {
                counts.1 += pages;
            }
        }
        counts
    }

    /// Room for `n` more regions: `NoMemory` past `MAX_MAP_COUNT` (Linux's
    /// `vm.max_map_count`) or if the list cannot grow (a user program asked
    /// for it, so it fails with `-ENOMEM` rather than panicking).
    fn reserve_regions(&mut self, n: usize) -> Result<(), MapError> {
        if self.regions.len() + n > MAX_MAP_COUNT {
            return Err(MapError::NoMemory);
        }
        super::heap::for_user(|| self.regions.try_reserve(n)).map_err(|_| MapError::NoMemory)
    }

    /// Cut the region containing `addr` in two there, if `addr` falls
    /// strictly inside one (Linux's `split_vma`, which also fails at the map
    /// count limit: an `munmap` or `mprotect` in the middle of a region can
    /// be refused with `-ENOMEM`).
    fn split_at(&mut self, addr: usize) -> Result<(), MapError> {
        let i = self.regions.partition_point(|o| o.end <= addr);
        if let Some(r) = self.regions.get(i).copied()
            && r.start < addr
        {
            self.reserve_regions(1)?;
            self.regions[i].end = addr;
            self.regions.insert(i + 1, Region { start: addr, ..r });
        }
        Ok(())
    }

    /// Indices of the regions inside `[start, end)`, once split there.
    fn inside(&self, start: usize, end: usize) -> core::ops::Range<usize> {
        self.regions.partition_point(|o| o.start < start)
            ..self.regions.partition_point(|o| o.start < end)
    }

    /// Join each region in `range` (and its neighbours) with the next when
    /// they touch and could have been added as one.
    fn merge_around(&mut self, range: core::ops::Range<usize>) {
        let mut i = range.start.saturating_sub(1);
        let mut stop = (range.end + 1).min(self.regions.len());
        while i + 1 < stop {
            let (a, b) = (self.regions[i], self.regions[i + 1]);
            if a.end == b.start
                && a.kind == RegionKind::Anonymous
                && a.kind == b.kind
                && a.prot == b.prot
            {
                self.regions[i].end = b.end;
                self.regions.remove(i + 1);
                stop -= 1;
            } else {
                i += 1;
            }
        }
    }

    /// How many regions there are (Linux's `map_count`).
    pub fn map_count(&self) -> usize {
        self.regions.len()
    }

    /// Does a mapping show a file of device `dev` (or is the program one)?
    /// (An unmount asks: the mount is in use.)
    pub fn maps_dev(&self, dev: (u32, u32)) -> bool {
        self.files.0.iter().any(|f| f.item.inode.dev == dev)
            || self.exe.as_ref().is_some_and(|e| e.inode.dev == dev)
    }

    /// The file shown at `addr`, if any.
    pub fn file_at(&self, addr: usize) -> Option<&Arc<MappedFile>> {
        self.files.meeting(addr, addr + 1).next().map(|f| &f.item)
    }

    /// Show `file` over `[start, end)`, where a region was just added
    /// (`NoMemory` if the list cannot grow).
    pub fn add_file(
        &mut self,
        start: usize,
        end: usize,
        file: Arc<MappedFile>,
    ) -> Result<(), MapError> {
        self.files.add(start, end, file)
    }

    /// Show the shared memory `mem` over `[start, end)`, its first page at
    /// `start` (a `MAP_SHARED` anonymous mapping, whose region is added
    /// next).
    pub fn add_shared_anon(
        &mut self,
        start: usize,
        end: usize,
        mem: Arc<SharedAnon>,
        may_write: bool,
    ) -> Result<(), MapError> {
        let delta = 0usize.wrapping_sub(start / PAGE_SIZE);
        let pages = SharedPages {
            mem,
            delta,
            may_write,
        };
        self.shared.add(start, end, pages)
    }

    /// The shared anonymous memory shown at `addr`, if any.
    pub fn shared_anon_at(&self, addr: usize) -> Option<&Arc<SharedAnon>> {
        self.shared
            .meeting(addr, addr + 1)
            .next()
            .map(|s| &s.item.mem)
    }

    /// The pieces of shared anonymous memory shown in `[start, end)`: each
    /// range, its memory and the page of it at the range's start (for
    /// `shmdt`, which takes out a whole attached segment).
    pub fn shared_anon_ranges(
        &self,
        start: usize,
        end: usize,
    ) -> Result<Vec<SharedPiece>, MapError> {
        let mut v = Vec::new();
        for s in self.shared.meeting(start, end) {
            super::heap::for_user(|| v.try_reserve(1)).map_err(|_| MapError::NoMemory)?;
            let page = (s.start / PAGE_SIZE).wrapping_add(s.item.delta);
            v.push((s.start, s.end, s.item.mem.clone(), page));
        }
        Ok(v)
    }

    /// The region containing `addr`.
    pub fn region_at(&self, addr: usize) -> Option<&Region> {
        let i = self.regions.partition_point(|o| o.end <= addr);
        self.regions.get(i).filter(|r| r.start <= addr)
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
            let pt = frame::alloc_user_zeroed()?;
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

    /// Map a frame that is shared, not owned (the vDSO), read-only.
    pub fn map_shared_page(&mut self, va: usize, pa: usize) -> Result<(), MapError> {
        self.map_unowned(va, pa, false)
    }

    /// Map a frame someone else owns (the vDSO, shared anonymous memory):
    /// unmapping it never frees it.
    fn map_unowned(&mut self, va: usize, pa: usize, write: bool) -> Result<(), MapError> {
        let pte = self.pte(va, true).ok_or(MapError::NoMemory)?;
        *pte = pa as u32 | PTE_U | PTE_P | if write { PTE_W } else { 0 };
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
            if self.translate(va).is_none() && self.handle_fault(va, true, false) != Fault::Served {
                return Err(MapError::NoMemory);
            }
            va += PAGE_SIZE;
        }
        Ok(())
    }

    /// Change the protection of `[start, end)` (`mprotect`): split regions,
    /// and set or clear W on the pages already mapped. A shared mapping of
    /// a file not open for writing never becomes writable (Linux's
    /// `VM_MAYWRITE`): `ReadOnlyFile`. A private file mapping's page-cache
    /// pages stay read-only: the first write copies them.
    pub fn protect(&mut self, start: usize, end: usize, prot: Prot) -> Result<(), MapError> {
        if !self.allows_any(start, end) {
            return Err(MapError::OutOfRange);
        }
        // A shared mapping of what may not be written (a file opened
        // read-only, a SHM_RDONLY segment) cannot become writable: EACCES,
        // as Linux's mprotect finds no VM_MAYWRITE.
        if prot.write
            && (self
                .files
                .meeting(start, end)
                .any(|f| f.item.shared && !f.item.may_write)
                || self.shared.meeting(start, end).any(|s| !s.item.may_write))
        {
            return Err(MapError::ReadOnlyFile);
        }
        // The vDSO's and vvar's pages are never made writable: every
        // process would see the change.
        let first = self.regions.partition_point(|o| o.end <= start);
        if prot.write
            && self
                .regions
                .range(first..)
                .take_while(|r| r.start < end)
                .any(|r| matches!(r.kind, RegionKind::Vdso | RegionKind::Vvar))
        {
            return Err(MapError::Shared);
        }
        self.split_at(start)?;
        self.split_at(end)?;
        let range = self.inside(start, end);
        for r in self.regions.range_mut(range.clone()) {
            let was_data = r.is_data();
            r.prot = prot;
            match (was_data, r.is_data()) {
                (false, true) => self.data_vm += r.pages(),
                (true, false) => self.data_vm -= r.pages(),
                _ => {}
            }
        }
        self.merge_around(range);
        let mut va = start;
        while va < end {
            let shared = self.region_at(va).is_some_and(|r| r.is_shared());
            if let Some(pte) = self.pte(va, false)
                && *pte & PTE_P != 0
            {
                // A page still shared since fork stays read-only: its first
                // write copies it; so does a private mapping's page of a
                // file (unowned: the page cache's).
                let cow = if *pte & PTE_OWNED != 0 {
                    frame::is_shared((*pte & PTE_ADDR) as usize)
                } else {
                    !shared
                };
                if !prot.write {
                    *pte &= !PTE_W
                } else if !cow {
                    *pte |= PTE_W
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

    /// Serve a page fault at `addr` if it lies in an anonymous or file
    /// region and the access is allowed. A file page is the file's
    /// page-cache page (Linux's `filemap_fault`): mapped as it is in a
    /// shared mapping, read-only in a private one, whose first write
    /// copies it (`do_cow_fault`); an access to a page wholly past the end
    /// of the file is `Fault::Bus`.
    pub fn handle_fault(&mut self, addr: usize, write: bool, present: bool) -> Fault {
        let Some(r) = self.region_at(addr).copied() else {
            return Fault::Bad;
        };
        let accessible = r.prot.read || r.prot.write || r.prot.exec; // PROT_NONE: never
        if !accessible || (write && !r.prot.write) {
            return Fault::Bad;
        }
        let va = page_floor(addr);
        if present {
            // A write the region allows to a page mapped read-only: a
            // copy-on-write page `fork` left shared (Linux's `do_wp_page`),
            // or a private mapping's page-cache page.
            return if write {
                self.unshare(va, true)
            } else {
                Fault::Bad
            };
        }
        if matches!(
            r.kind,
            RegionKind::Fixed | RegionKind::Vdso | RegionKind::Vvar
        ) {
            return Fault::Bad;
        }
        if r.kind == RegionKind::SharedAnon {
            let Some(s) = self.shared.meeting(va, va + 1).next() else {
                return Fault::Bad;
            };
            let page = (va / PAGE_SIZE).wrapping_add(s.item.delta);
            if page >= s.item.mem.pages() {
                return Fault::Bus; // grown by mremap past the object
            }
            let Some(pa) = s.item.mem.page(page) else {
                return Fault::NoMemory;
            };
            return match self.map_unowned(va, pa, r.prot.write) {
                Ok(()) => Fault::Served,
                Err(_) => Fault::NoMemory,
            };
        }
        if matches!(r.kind, RegionKind::File | RegionKind::SharedFile) {
            return self.file_fault(va, &r, write);
        }
        let Some(pa) = frame::alloc_user_zeroed() else {
            return Fault::NoMemory;
        };
        if self.map_page(va, pa, r.prot.write).is_err() {
            frame::free(pa);
            return Fault::NoMemory;
        }
        Fault::Served
    }

    /// A fault on the page at `va` of file region `r` that is not mapped:
    /// map the file's page-cache page (writable only in a shared mapping
    /// that allows writing), or for a write to a private mapping, a copy
    /// of it. `Bus` past the end of the file.
    fn file_fault(&mut self, va: usize, r: &Region, write: bool) -> Fault {
        let Some(f) = self.file_at(va).cloned() else {
            return Fault::Bad;
        };
        let Some(cache) = super::filemap::cache_of(&f.inode) else {
            return Fault::Bad;
        };
        let at = f.offset(va);
        let got = cache.with(|c| {
            if at >= c.len() {
                return Err(Fault::Bus);
            }
            c.page(at / PAGE_SIZE).ok_or(Fault::NoMemory)
        });
        let pa = match got {
            Ok(pa) => pa,
            Err(e) => return e,
        };
        if r.kind == RegionKind::SharedFile || !write {
            let w = r.kind == RegionKind::SharedFile && r.prot.write;
            return match self.map_unowned(va, pa, w) {
                Ok(()) => Fault::Served,
                Err(_) => Fault::NoMemory,
            };
        }
        let Some(copy) = copy_of(pa) else {
            return Fault::NoMemory;
        };
        if self.map_page(va, copy, true).is_err() {
            frame::free(copy);
            return Fault::NoMemory;
        }
        Fault::Served
    }

    /// Take the pages of `inode` from byte `from` of the file on out of
    /// this address space (see `filemap::unmap_mapping_range`): the
    /// page-cache pages, and the private copies made of them.
    ///
    /// Nothing here may fail: the frames are freed after this returns, so
    /// no page of the range may stay mapped (hence no list is gathered
    /// first; `zap` changes page tables only, not `files`).
    pub fn zap_file(&mut self, inode: &crate::fs::inode::Inode, from: usize) {
        for i in 0..self.files.0.len() {
            let f = &self.files.0[i];
            if !core::ptr::eq(Arc::as_ptr(&f.item.inode), inode) {
                continue;
            }
            // The first address whose offset is at or past `from`.
            let first = from.wrapping_sub(f.item.delta);
            let start = if f.item.offset(f.start) >= from {
                f.start
            } else if (f.start..f.end).contains(&first) {
                first
            } else {
                continue;
            };
            let end = f.end;
            self.zap(start, end);
        }
    }

    /// Make the page at `va`, mapped and owned, this address space's alone
    /// (a copy if others share its frame) and, if `write`, writable: the
    /// copy-on-write fault. A private file mapping's page-cache page is
    /// copied into an owned one. `Bad` for any other page that is not an
    /// owned one (the vDSO's, shared memory's).
    fn unshare(&mut self, va: usize, write: bool) -> Fault {
        let private_file = self
            .region_at(va)
            .is_some_and(|r| r.kind == RegionKind::File);
        let Some(pte) = self.pte(va, false) else {
            return Fault::Bad;
        };
        let old = *pte;
        if old & PTE_P == 0 {
            return Fault::Bad;
        }
        if old & PTE_OWNED == 0 {
            if !private_file {
                return Fault::Bad;
            }
            let Some(copy) = copy_of((old & PTE_ADDR) as usize) else {
                return Fault::NoMemory;
            };
            let w = if write { PTE_W } else { 0 };
            if let Some(pte) = self.pte(va, false) {
                *pte = copy as u32 | (old & !PTE_ADDR) | PTE_OWNED | w;
            }
            invlpg(va);
            return Fault::Served;
        }
        let src = (old & PTE_ADDR) as usize;
        let w = if write { PTE_W } else { 0 };
        if !frame::is_shared(src) {
            *pte = old | w;
        } else {
            let Some(dst) = frame::alloc_user() else {
                return Fault::NoMemory;
            };
            // SAFETY: both frames are in the direct map; dst is fresh.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    phys_to_virt(src) as *const u8,
                    phys_to_virt(dst) as *mut u8,
                    PAGE_SIZE,
                )
            };
            // The entry was just read: its page table is still there.
            if let Some(pte) = self.pte(va, false) {
                *pte = dst as u32 | (old & !PTE_ADDR) | w;
            }
            frame::put(src);
        }
        invlpg(va);
        Fault::Served
    }

    /// Copy bytes out of this (not necessarily current) address space
    /// through the direct map, as far as pages are mapped: how many were
    /// copied (for `/proc/<pid>/cmdline` and `environ`, Linux's
    /// `access_remote_vm`).
    pub fn read_bytes(&mut self, mut va: usize, out: &mut [u8]) -> usize {
        let mut done = 0;
        while done < out.len() {
            let Some((pa, _)) = self.translate(page_floor(va)) else {
                break;
            };
            let off = va % PAGE_SIZE;
            let n = (PAGE_SIZE - off).min(out.len() - done);
            // SAFETY: the frame is mapped in this address space and lies
            // in the direct map; the copy stays within the page.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    (phys_to_virt(pa) + off) as *const u8,
                    out[done..].as_mut_ptr(),
                    n,
                );
            }
            va += n;
            done += n;
        }
        done
    }

    /// Kilobytes of the address space, of its present user pages and of
    /// its page tables (for the OOM killer's report: Linux's `total-vm`,
    /// `anon-rss` and `pgtables`). Walks the page tables, allocating
    /// nothing: it runs when memory is gone.
    pub fn footprint_kb(&self) -> (usize, usize, usize) {
        let (mut rss, mut tables) = (0, 0);
        for &pde in &table(self.pd_phys).0[..pde_index(USER_TOP)] {
            if pde & PTE_P != 0 {
                tables += 1;
                let pt = table((pde & PTE_ADDR) as usize);
                rss += pt.0.iter().filter(|&&pte| pte & PTE_P != 0).count();
            }
        }
        let kb = PAGE_SIZE / 1024;
        (self.total_vm * kb, rss * kb, tables * kb)
    }

    /// Unmap `[start, end)`: drop the pages and cut the regions. Fails
    /// (changing nothing) only if a region would have to be split at the
    /// map count limit.
    pub fn unmap(&mut self, start: usize, end: usize) -> Result<(), MapError> {
        let i = self.regions.partition_point(|o| o.end <= start);
        if i < self.regions.len() {
            self.mmap_low = None; // a hole may open where find_free must look
        }
        // What leaves, for the accounting (a failed split below changes
        // nothing, so count first and apply only on success).
        let (mut gone, mut gone_data) = (0, 0);
        for r in self.regions.range(i..).take_while(|r| r.start < end) {
            let n = (r.end.min(end) - r.start.max(start)) / PAGE_SIZE;
            gone += n;
            if r.is_data() {
                gone_data += n;
            }
        }
        self.files.reserve_cut(start, end)?;
        self.shared.reserve_cut(start, end)?;
        self.dontfork.reserve_cut(start, end)?;
        self.locked.reserve_cut(start, end)?;
        match self.regions.get(i).copied() {
            // A cut in the middle of one region makes two of it (Linux's
            // do_vmi_munmap): the only case that needs room.
            Some(r) if r.start < start && end < r.end => {
                self.reserve_regions(1)?;
                self.regions[i].end = start;
                self.regions.insert(i + 1, Region { start: end, ..r });
            }
            _ => {
                // Trim the region reaching in from below and the one
                // reaching out above; drop those inside.
                if let Some(r) = self.regions.get_mut(i)
                    && r.start < start
                {
                    r.end = start;
                }
                let j = self.regions.partition_point(|o| o.end <= end);
                if let Some(r) = self.regions.get_mut(j)
                    && r.start < end
                    && start <= r.start
                {
                    r.start = end;
                }
                let range = self.inside(start, end);
                self.regions.drain(range);
            }
        }
        self.files.cut(start, end);
        self.shared.cut(start, end);
        self.dontfork.cut(start, end);
        self.locked.cut(start, end);
        self.total_vm -= gone;
        self.data_vm -= gone_data;
        self.zap(start, end);
        Ok(())
    }

    /// Find `len` bytes of free space below `top` (top-down, like Linux's
    /// mmap layout), at or above `floor`: the highest gap that fits. Right
    /// under a run of regions that fills everything up to `top` (the
    /// common case) this is one lookup; otherwise a walk over the gaps,
    /// which also notes such a run for next time.
    pub fn find_free(&mut self, len: usize, floor: usize, top: usize) -> Option<usize> {
        if let Some((t, low)) = self.mmap_low
            && t == top
            && let Some(c) = low.checked_sub(len)
            && c >= floor
            && self.is_free(c, low)
        {
            return Some(c);
        }
        let mut end = top;
        let mut full = true; // no gap yet between `end` and `top`
        for r in self.regions.iter().rev() {
            if r.start >= end {
                continue;
            }
            if r.end < end {
                if end - r.end >= len && end - len >= floor {
                    self.mmap_low = full.then_some((top, end));
                    return Some(end - len);
                }
                full = false;
            }
            end = r.start;
        }
        self.mmap_low = full.then_some((top, end));
        (end >= floor.checked_add(len)?).then(|| end - len)
    }

    /// A copy of this address space for `fork`, copy-on-write (Linux's
    /// `copy_page_range`): each owned page's frame is shared, read-only in
    /// both, and copied by the first write of either (`unshare`); the vDSO
    /// and shared memory are mapped as they are.
    pub fn duplicate(&mut self) -> Result<AddressSpace, MapError> {
        let mut child = AddressSpace::new()?;
        // The list may be long (up to MAX_MAP_COUNT): copy it fallibly.
        super::heap::for_user(|| child.regions.try_reserve_exact(self.regions.len()))
            .map_err(|_| MapError::NoMemory)?;
        child.regions.extend(self.regions.iter().copied());
        child.files = self.files.try_clone()?;
        child.shared = self.shared.try_clone()?;
        child.mmap_low = self.mmap_low;
        child.total_vm = self.total_vm;
        child.data_vm = self.data_vm;
        child.brk_start = self.brk_start;
        child.brk = self.brk;
        child.layout = self.layout;
        child.exe = self.exe.clone();
        let pd = table(self.pd_phys);
        let mut i = next_present(&pd.0[..KERNEL_PDE_START], 0);
        while i < KERNEL_PDE_START {
            let pt = table((pd.0[i] & PTE_ADDR) as usize);
            let mut j = next_present(&pt.0, 0);
            while j < ENTRIES {
                let (k, pte) = (j, pt.0[j]);
                let va = (i << 22) | (k << 12);
                j = next_present(&pt.0, k + 1);
                let src = (pte & PTE_ADDR) as usize;
                if pte & PTE_OWNED == 0 {
                    // The vDSO, or shared memory: the same frame, with
                    // the same permission.
                    child
                        .map_unowned(va, src, pte & PTE_W != 0)
                        .map_err(|_| MapError::NoMemory)?;
                    continue;
                }
                if frame::get(src) {
                    if pte & PTE_W != 0 {
                        pt.0[k] = pte & !PTE_W;
                        invlpg(va);
                    }
                    let Some(cpte) = child.pte(va, true) else {
                        frame::put(src);
                        return Err(MapError::NoMemory);
                    };
                    *cpte = pte & !PTE_W;
                    continue;
                }
                // Shared by as many as can be counted: a copy.
                let dst = frame::alloc_user().ok_or(MapError::NoMemory)?;
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
            i = next_present(&pd.0[..KERNEL_PDE_START], i + 1);
        }
        // MADV_DONTFORK: not in the child at all (the child's references
        // to the frames go again; locks are never inherited).
        for r in &self.dontfork.0 {
            child.unmap(r.start, r.end)?;
        }
        Ok(child)
    }

    /// Copy bytes into this (not necessarily current) address space through
    /// the direct map; the pages must be mapped. Used by the ELF loader.
    pub fn write_bytes(&mut self, mut va: usize, mut data: &[u8]) -> Result<(), MapError> {
        while !data.is_empty() {
            // A page shared with another address space since fork gets its
            // own copy first (its permission unchanged).
            let (pa, _) = self.translate(va).ok_or(MapError::OutOfRange)?;
            let cache_page = self
                .region_at(va)
                .is_some_and(|r| r.kind == RegionKind::File)
                && self.pte(va, false).is_some_and(|p| *p & PTE_OWNED == 0);
            if (frame::is_shared(pa) || cache_page)
                && self.unshare(page_floor(va), false) == Fault::NoMemory
            {
                return Err(MapError::NoMemory);
            }
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
        let pd = &table(self.pd_phys).0[..KERNEL_PDE_START];
        let mut i = next_present(pd, 0);
        while i < KERNEL_PDE_START {
            let pt_pa = (pd[i] & PTE_ADDR) as usize;
            let pt = &table(pt_pa).0;
            let mut j = next_present(pt, 0);
            while j < ENTRIES {
                if pt[j] & PTE_OWNED != 0 {
                    frame::put((pt[j] & PTE_ADDR) as usize);
                }
                j = next_present(pt, j + 1);
            }
            frame::free(pt_pa);
            i = next_present(pd, i + 1);
        }
        frame::free(self.pd_phys);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec::Vec;

    const P: usize = PAGE_SIZE;
    const R: Prot = Prot::RW;
    const RO: Prot = Prot {
        read: true,
        write: false,
        exec: false,
    };

    fn anon(start: usize, end: usize, prot: Prot) -> Region {
        Region::new(start, end, prot, RegionKind::Anonymous)
    }

    fn spans(a: &AddressSpace) -> Vec<(usize, usize)> {
        a.regions().map(|r| (r.start / P, r.end / P)).collect()
    }

    #[test_case]
    fn adjacent_anonymous_regions_merge_as_vmas_do() {
        let mut a = AddressSpace::new().unwrap();
        let base = 0x1000_0000;
        a.add_region(anon(base, base + P, R)).unwrap();
        a.add_region(anon(base + 2 * P, base + 3 * P, R)).unwrap();
        assert_eq!(a.map_count(), 2);
        // The hole between them joins both.
        a.add_region(anon(base + P, base + 2 * P, R)).unwrap();
        assert_eq!(spans(&a), [(base / P, base / P + 3)]);
        // Another protection does not join.
        a.add_region(anon(base + 3 * P, base + 4 * P, RO)).unwrap();
        assert_eq!(a.map_count(), 2);
        assert_eq!(
            a.add_region(anon(base, base + P, R)),
            Err(MapError::Overlap)
        );
    }

    #[test_case]
    fn munmap_and_mprotect_split_and_merge_in_place() {
        let mut a = AddressSpace::new().unwrap();
        let b = 0x1000_0000 / P;
        a.add_region(anon(b * P, (b + 10) * P, R)).unwrap();
        // A hole in the middle: two regions.
        a.unmap((b + 4) * P, (b + 6) * P).unwrap();
        assert_eq!(spans(&a), [(b, b + 4), (b + 6, b + 10)]);
        // Trim both from the outside in, across the hole.
        a.unmap((b + 3) * P, (b + 7) * P).unwrap();
        assert_eq!(spans(&a), [(b, b + 3), (b + 7, b + 10)]);
        // mprotect the middle of one, then back: split, then merged again.
        a.protect((b + 1) * P, (b + 2) * P, RO).unwrap();
        assert_eq!(
            spans(&a),
            [(b, b + 1), (b + 1, b + 2), (b + 2, b + 3), (b + 7, b + 10)]
        );
        a.protect((b + 1) * P, (b + 2) * P, R).unwrap();
        assert_eq!(spans(&a), [(b, b + 3), (b + 7, b + 10)]);
        // Everything.
        a.unmap(b * P, (b + 10) * P).unwrap();
        assert_eq!(a.map_count(), 0);
    }

    #[test_case]
    fn the_map_count_limit_is_enforced_with_enomem() {
        let mut a = AddressSpace::new().unwrap();
        let base = 0x1000_0000;
        // Alternating protections: nothing merges, one region per page.
        for i in 0..MAX_MAP_COUNT {
            let prot = if i.is_multiple_of(2) { R } else { RO };
            a.add_region(anon(base + i * P, base + (i + 1) * P, prot))
                .unwrap();
        }
        let next = base + MAX_MAP_COUNT * P;
        assert_eq!(
            a.add_region(anon(next + P, next + 2 * P, R)),
            Err(MapError::NoMemory)
        );
        // Joining a neighbour needs no new region: still allowed.
        let last_prot = if (MAX_MAP_COUNT - 1).is_multiple_of(2) {
            R
        } else {
            RO
        };
        assert!(a.add_region(anon(next, next + P, last_prot)).is_ok());
        // A fork copies the whole list.
        let child = a.duplicate().unwrap();
        assert_eq!(child.map_count(), MAX_MAP_COUNT);
    }

    #[test_case]
    fn shared_anonymous_memory_stays_shared_across_fork() {
        let free = frame::free_frames();
        {
            let mut a = AddressSpace::new().unwrap();
            let base = 0x1000_0000;
            let mem = Arc::new(SharedAnon::new(2).unwrap());
            a.add_shared_anon(base, base + 2 * P, mem, true).unwrap();
            a.add_region(Region::new(base, base + 2 * P, R, RegionKind::SharedAnon))
                .unwrap();
            assert_eq!(a.vm_pages(), (2, 0)); // not data
            assert_eq!(a.handle_fault(base, true, false), Fault::Served);
            a.write_bytes(base, b"parent").unwrap();
            let mut b = a.duplicate().unwrap();
            let mut buf = [0u8; 6];
            assert_eq!(b.read_bytes(base, &mut buf), 6);
            assert_eq!(&buf, b"parent");
            // A page first touched after the fork, by the child.
            assert_eq!(b.handle_fault(base + P, true, false), Fault::Served);
            b.write_bytes(base + P, b"child!").unwrap();
            assert_eq!(a.handle_fault(base + P, false, false), Fault::Served);
            assert_eq!(a.read_bytes(base + P, &mut buf), 6);
            assert_eq!(&buf, b"child!");
            // The parent's unmap leaves the child's pages alone.
            a.unmap(base, base + 2 * P).unwrap();
            assert_eq!(b.read_bytes(base, &mut buf), 6);
            assert_eq!(&buf, b"parent");
        }
        // The last mapping gone, every frame is back.
        assert_eq!(frame::free_frames(), free);
    }

    #[test_case]
    fn file_pages_are_the_page_cache_and_go_with_the_file() {
        use crate::fs::inode::Data;
        use crate::fs::tmpfs;
        let free = frame::free_frames();
        {
            let inode = tmpfs::root_sb()
                .new_inode(
                    abi::stat::S_IFREG | 0o644,
                    (0, 0),
                    (0, 0),
                    Data::Static(b"hello"),
                )
                .unwrap();
            let mut a = AddressSpace::new().unwrap();
            let (sh, pr) = (0x1000_0000, 0x1000_4000);
            let f = Arc::new(MappedFile::new(inode.clone(), None, true, sh, 0));
            a.add_file(sh, sh + P, f).unwrap();
            a.add_region(Region::new(sh, sh + P, R, RegionKind::SharedFile))
                .unwrap();
            let f = Arc::new(MappedFile::new(inode.clone(), None, false, pr, 0));
            a.add_file(pr, pr + P, f).unwrap();
            a.add_region(Region::new(pr, pr + P, R, RegionKind::File))
                .unwrap();
            assert_eq!(a.vm_pages(), (2, 1)); // the shared one is not data
            // A write through the shared mapping is the file's, and the
            // file's write shows in the mapping.
            assert_eq!(a.handle_fault(sh, true, false), Fault::Served);
            a.write_bytes(sh, b"J").unwrap();
            let mut buf = [0u8; 5];
            tmpfs::read_at(&inode, 0, &mut buf);
            assert_eq!(&buf, b"Jello");
            tmpfs::write_at(&inode, 1, b"E").unwrap();
            a.read_bytes(sh, &mut buf);
            assert_eq!(&buf, b"JEllo");
            // The private mapping reads the same page, read-only; its
            // first write copies it.
            assert_eq!(a.handle_fault(pr, false, false), Fault::Served);
            assert_eq!(a.translate(pr), Some((a.translate(sh).unwrap().0, false)));
            assert_eq!(a.handle_fault(pr, true, true), Fault::Served);
            a.write_bytes(pr, b"p").unwrap();
            tmpfs::read_at(&inode, 0, &mut buf);
            assert_eq!(&buf, b"JEllo");
            a.read_bytes(pr, &mut buf);
            assert_eq!(&buf, b"pEllo");
            // Cut to nothing: both pages leave, and come back as SIGBUS.
            a.zap_file(&inode, 0);
            tmpfs::truncate(&inode, 0).unwrap();
            assert_eq!(a.handle_fault(sh, false, false), Fault::Bus);
            assert_eq!(a.handle_fault(pr, true, false), Fault::Bus);
            tmpfs::write_at(&inode, 0, b"again").unwrap();
            assert_eq!(a.handle_fault(sh, false, false), Fault::Served);
        }
        // The file and its mappings gone, every frame is back.
        assert_eq!(frame::free_frames(), free);
    }

    #[test_case]
    fn fork_shares_pages_until_one_side_writes() {
        let free = frame::free_frames();
        {
            let mut a = AddressSpace::new().unwrap();
            let base = 0x1000_0000;
            a.add_region(anon(base, base + 2 * P, R)).unwrap();
            a.populate(base, base + 2 * P).unwrap();
            a.write_bytes(base, b"before").unwrap();
            let used = free - frame::free_frames();
            let mut b = a.duplicate().unwrap();
            // The child's pages are the parent's frames, read-only in both;
            // only its page tables are new.
            assert_eq!(a.translate(base), b.translate(base));
            assert_eq!(a.translate(base).map(|(_, w)| w), Some(false));
            assert!(free - frame::free_frames() < used + 4);
            // The child's write copies its page; the parent's stays.
            assert_eq!(b.handle_fault(base, true, true), Fault::Served);
            b.write_bytes(base, b"child!").unwrap();
            let mut buf = [0u8; 6];
            a.read_bytes(base, &mut buf);
            assert_eq!(&buf, b"before");
            b.read_bytes(base, &mut buf);
            assert_eq!(&buf, b"child!");
            // The parent, alone with its frame now, writes it in place.
            let frame_before = a.translate(base).unwrap().0;
            assert_eq!(a.handle_fault(base, true, true), Fault::Served);
            assert_eq!(a.translate(base), Some((frame_before, true)));
            // write_bytes (the kernel's own writes) copies too.
            b.write_bytes(base + P, b"second").unwrap();
            a.read_bytes(base + P, &mut buf);
            assert_eq!(buf, [0; 6]);
            // mprotect does not make a shared page writable.
            a.protect(base, base + 2 * P, R).unwrap();
        }
        assert_eq!(frame::free_frames(), free);
    }
}

//! Memory system calls: brk, mmap2, munmap, mprotect, msync, mremap,
//! madvise, mincore and the mlock family. Memory is mapped lazily: the
//! region is recorded now and each page is zero-filled, or for a file
//! mapping found in the file's page cache, on first touch (see
//! `mm/addrspace.rs`, `mm/filemap.rs`).
//!
//! A `MAP_SHARED` file mapping maps the file's page-cache pages
//! themselves: its writes are the file's, seen by `read(2)` and by every
//! other mapping, and `write(2)`s show in it. A `MAP_PRIVATE` one maps
//! them read-only and copies a page at its first write.
//!
//! Shared anonymous memory (`MAP_SHARED|MAP_ANONYMOUS`, or `MAP_SHARED`
//! of `/dev/zero`) is one `SharedAnon` object whose pages every process
//! the mapping is forked into maps: a write on one side shows on the
//! other, as on Linux.

use super::args::{Fd, SysResult, SyscallContext, UserAddr};
use super::uaccess::{UserPtr, UserSlice, Write};
use crate::fs::char_dev::Device;
use crate::fs::file::FileKind;
use crate::mm::addrspace::{
    AddressSpace, Advice, MAX_MAP_COUNT, MappedFile, Prot, Region, RegionKind, Residency,
    SharedAnon,
};
use crate::mm::{PAGE_SIZE, USER_TOP, page_ceil};
use crate::proc::cred::capable;
use crate::proc::exec::MMAP_TOP;
use crate::proc::{current_mm, vdso, with_current};
use abi::cred::CAP_IPC_LOCK;
use abi::errno::{EACCES, EFAULT, EINVAL, ENODEV, ENOMEM, EOVERFLOW, Errno};
use abi::fcntl::{O_ACCMODE, O_RDONLY, O_WRONLY};
use abi::mman::*;
use abi::resource::{RLIMIT_AS, RLIMIT_DATA, RLIMIT_MEMLOCK};
use alloc::sync::Arc;

/// The lowest address `mmap2` hands out or accepts (Linux's default
/// `vm.mmap_min_addr`).
pub const MMAP_MIN_ADDR: usize = 64 * 1024;

fn prot_of(p: ProtFlags) -> Prot {
    Prot {
        read: p.any(PROT_READ),
        write: p.any(PROT_WRITE),
        exec: p.any(PROT_EXEC),
    }
}

/// The soft `RLIMIT_AS` and `RLIMIT_DATA` of the current process, in pages.
fn vm_limits() -> (usize, usize) {
    let pages = |v: u64| usize::try_from(v / PAGE_SIZE as u64).unwrap_or(usize::MAX);
    with_current(|t| {
        (
            pages(t.rlimits[RLIMIT_AS as usize].cur),
            pages(t.rlimits[RLIMIT_DATA as usize].cur),
        )
    })
}

/// Linux's `may_expand_vm`: may `mm` grow by `pages`, `data` of them
/// private and writable, under the limits? `replaced` is what the new
/// mapping takes the place of (its total and data pages), which is
/// unmapped only once the answer is yes.
fn may_expand_vm(
    mm: &AddressSpace,
    pages: usize,
    data: bool,
    replaced: (usize, usize),
    (as_max, data_max): (usize, usize),
) -> bool {
    let (total, data_vm) = mm.vm_pages();
    total - replaced.0 + pages <= as_max && (!data || data_vm - replaced.1 + pages <= data_max)
}

/// `brk(addr)`: returns the new break, or the old one if it cannot move
/// (Linux semantics: failure is not an error code), for instance past
/// `RLIMIT_AS` or `RLIMIT_DATA` (counted here over all private writable
/// memory; Linux's `check_data_rlimit` counts the heap and the data
/// segment only).
pub fn sys_brk(UserAddr(want): UserAddr) -> SysResult {
    let Ok(mm) = current_mm() else { return Ok(0) };
    let limits = vm_limits();
    Ok(mm.with(|mm| {
        if want < mm.brk_start {
            return mm.brk;
        }
        let (Some(old_end), Some(new_end)) = (page_ceil(mm.brk), page_ceil(want)) else {
            return mm.brk;
        };
        if new_end > old_end {
            if !mm.is_free(old_end, new_end)
                || new_end > MMAP_TOP
                || !may_expand_vm(mm, (new_end - old_end) / PAGE_SIZE, true, (0, 0), limits)
            {
                return mm.brk;
            }
            let r = Region::new(old_end, new_end, Prot::RW, RegionKind::Anonymous);
            if mm.add_region(r).is_err() {
                return mm.brk;
            }
        } else if new_end < old_end {
            // The break's own region shrinks from its end: no split, so
            // this cannot hit the map count limit.
            let _ = mm.unmap(new_end, old_end);
        }
        mm.brk = want;
        want
    }))
}

/// What a file mapping of `fd` maps (`do_mmap`'s checks on the file): a
/// regular file open for reading (`EACCES` otherwise; `ENODEV` for what
/// cannot be mapped), or `None` for `/dev/zero`, which maps anonymous
/// memory. `shared` asks for `MAP_SHARED`. Where the mapping goes is not
/// known yet: the caller sets `delta` then.
fn mapped_file(fd: Fd, prot: ProtFlags, shared: bool) -> Result<Option<Arc<MappedFile>>, Errno> {
    let f = with_current(|t| t.files.get(fd.0))?;
    let (kind, flags, inode, path) = {
        let of = f.lock();
        (of.kind, of.flags, of.inode.clone(), of.path.clone())
    };
    drop(f);
    match kind {
        FileKind::Regular => {}
        FileKind::Device(Device::Zero) => return Ok(None),
        FileKind::Path => return Err(abi::errno::EBADF),
        _ => return Err(ENODEV),
    }
    let inode = inode.ok_or(ENODEV)?;
    if flags & O_ACCMODE == O_WRONLY {
        return Err(EACCES);
    }
    let may_write = flags & O_ACCMODE != O_RDONLY;
    if shared && prot.any(PROT_WRITE) && !may_write {
        return Err(EACCES);
    }
    let mut m = MappedFile::new(inode, path, shared, 0, 0);
    m.may_write = shared && may_write;
    Ok(Some(
        crate::mm::heap::for_user(|| Arc::try_new(m)).map_err(|_| ENOMEM)?,
    ))
}

/// `mmap2(addr, length, prot, flags, fd, pgoffset)`: anonymous mappings
/// (private, or shared: the same pages in the children it is forked
/// into), and file mappings (see the top of this file); `pgoffset` counts
/// pages.
pub fn sys_mmap2(
    UserAddr(addr): UserAddr,
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    fd: Fd,
    pgoffset: usize,
) -> SysResult {
    if len == 0 {
        return Err(EINVAL);
    }
    let ty = flags.bits() & MAP_TYPE;
    if ty != MAP_PRIVATE && ty != MAP_SHARED && ty != MAP_SHARED_VALIDATE {
        return Err(EINVAL);
    }
    let file = if flags.any(MAP_ANONYMOUS) {
        None
    } else {
        mapped_file(fd, prot, ty != MAP_PRIVATE)?
    };
    let offset = pgoffset.checked_mul(PAGE_SIZE).ok_or(EOVERFLOW)?;
    let len = page_ceil(len).ok_or(ENOMEM)?;
    if offset.checked_add(len).is_none() {
        return Err(EOVERFLOW);
    }
    if len > USER_TOP {
        return Err(ENOMEM);
    }
    let fixed = flags.any(MAP_FIXED | MAP_FIXED_NOREPLACE);
    if fixed && !addr.is_multiple_of(PAGE_SIZE) {
        return Err(EINVAL);
    }
    // Linux's vm.mmap_min_addr: nothing is mapped at the bottom 64 KiB, so
    // a kernel NULL dereference can never reach user-controlled data.
    if fixed && addr < MMAP_MIN_ADDR {
        return Err(abi::errno::EPERM);
    }
    // Shared anonymous memory (MAP_ANONYMOUS or /dev/zero, MAP_SHARED):
    // one object whose pages every process the mapping is forked into
    // sees (Linux's shmem_zero_setup).
    let shared_anon = match file {
        None if ty != MAP_PRIVATE => {
            let m = SharedAnon::new(len / PAGE_SIZE)?;
            // Anonymous shared memory may always be made writable.
            Some((
                crate::mm::heap::for_user(|| Arc::try_new(m)).map_err(|_| ENOMEM)?,
                true,
            ))
        }
        _ => None,
    };
    do_mmap(addr, len, prot, flags, file, shared_anon, offset)
}

/// Make a mapping of `len` bytes (page aligned) at `addr` (exactly there
/// if `MAP_FIXED` or `MAP_FIXED_NOREPLACE` is in `flags`, else there if
/// free, else where there is room): of `file` from `offset`, of the shared
/// memory `shared_anon` (with whether `mprotect` may make it writable),
/// or anonymous. Linux's `do_mmap` after its argument checks; SysV
/// `shmat` maps its segments through it too.
pub fn do_mmap(
    addr: usize,
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    mut file: Option<Arc<MappedFile>>,
    shared_anon: Option<(Arc<SharedAnon>, bool)>,
    offset: usize,
) -> SysResult {
    let fixed = flags.any(MAP_FIXED | MAP_FIXED_NOREPLACE);
    let limits = vm_limits();
    // MAP_LOCKED, or any mapping after mlockall(MCL_FUTURE): mlock's
    // rules (Linux's do_mmap and mlock_future_check).
    let (lock_future, locked_vm) =
        current_mm()?.with(|m| (m.lock_future, m.locked_pages(0, usize::MAX)));
    if flags.any(MAP_LOCKED) && !can_do_mlock() {
        return Err(abi::errno::EPERM);
    }
    let locked = flags.any(MAP_LOCKED) || lock_future;
    if locked && len / PAGE_SIZE + locked_vm > memlock_pages() && !capable(CAP_IPC_LOCK) {
        return Err(abi::errno::EAGAIN);
    }
    // Faulted in now: MAP_POPULATE (unless MAP_NONBLOCK) or locked.
    let populate = locked || flags.bits() & (MAP_POPULATE | MAP_NONBLOCK) == MAP_POPULATE;
    let kind = match (&file, &shared_anon) {
        (Some(f), _) if f.shared => RegionKind::SharedFile,
        (Some(_), _) => RegionKind::File,
        // Grows-down shared memory makes no sense (Linux: -EINVAL).
        (None, Some(_)) if flags.any(MAP_GROWSDOWN) => return Err(EINVAL),
        (None, Some(_)) => RegionKind::SharedAnon,
        // MAP_GROWSDOWN: a stack (Linux's VM_GROWSDOWN, which is
        // VM_STACK on x86): grows on a fault below it, not data.
        (None, None) if flags.any(MAP_GROWSDOWN) => RegionKind::Stack,
        (None, None) => RegionKind::Anonymous,
    };
    let shared = file.as_ref().is_some_and(|f| f.shared) || shared_anon.is_some();
    let is_data = prot.any(PROT_WRITE) && !shared && kind != RegionKind::Stack;
    current_mm()?.with(|mm| {
        let start = if fixed {
            if addr.checked_add(len).is_none_or(|e| e > USER_TOP) {
                return Err(ENOMEM);
            }
            if flags.any(MAP_FIXED_NOREPLACE) && !mm.is_free(addr, addr + len) {
                return Err(abi::errno::EEXIST);
            }
            // The limits first (Linux's `mmap_region`): a refused MAP_FIXED
            // mapping leaves the old one in place.
            let replaced = mm.vm_pages_in(addr, addr + len);
            if !may_expand_vm(mm, len / PAGE_SIZE, is_data, replaced, limits) {
                return Err(ENOMEM);
            }
            mm.unmap(addr, addr + len)?;
            addr
        } else {
            let hint_ok = addr >= MMAP_MIN_ADDR
                && addr.is_multiple_of(PAGE_SIZE)
                && addr.checked_add(len).is_some_and(|e| e <= MMAP_TOP)
                && mm.is_free(addr, addr + len);
            if hint_ok {
                addr
            } else {
                let floor = page_ceil(mm.brk).unwrap_or(0).max(MMAP_MIN_ADDR);
                mm.find_free(len, floor, MMAP_TOP).ok_or(ENOMEM)?
            }
        };
        // The file's offsets fall where the mapping went (the only
        // reference yet: no allocation here).
        if let Some(f) = file.as_mut().and_then(Arc::get_mut) {
            f.delta = offset.wrapping_sub(start);
        }
        if !fixed && !may_expand_vm(mm, len / PAGE_SIZE, is_data, (0, 0), limits) {
            return Err(ENOMEM);
        }
        // Room for the file's range first: a mapping is all made or not.
        if let Some(f) = file {
            mm.add_file(start, start + len, f)?;
        }
        if let Some(m) = shared_anon {
            mm.add_shared_anon(start, start + len, m.0, m.1)?;
        }
        if let Err(e) = mm.add_region(Region::new(start, start + len, prot_of(prot), kind)) {
            let _ = mm.unmap(start, start + len);
            return Err(e.into());
        }
        if locked {
            // Only the flag, allocated: the mapping stands either way.
            let _ = mm.lock(start, start + len, true);
        }
        if populate {
            mm.populate_range(start, start + len);
        }
        Ok(start)
    })
}

/// `munmap(addr, length)`.
pub fn sys_munmap(UserAddr(addr): UserAddr, len: usize) -> SysResult {
    if !addr.is_multiple_of(PAGE_SIZE) || len == 0 {
        return Err(EINVAL);
    }
    let end = page_ceil(len)
        .and_then(|l| addr.checked_add(l))
        .filter(|&e| e <= USER_TOP)
        .ok_or(EINVAL)?;
    if let Ok(mm) = current_mm() {
        mm.with(|mm| mm.unmap(addr, end))?;
    }
    Ok(0)
}

/// `mprotect(addr, length, prot)`.
pub fn sys_mprotect(UserAddr(addr): UserAddr, len: usize, prot: ProtFlags) -> SysResult {
    if !addr.is_multiple_of(PAGE_SIZE)
        || prot.any(!(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_GROWSDOWN))
    {
        return Err(EINVAL);
    }
    if len == 0 {
        return Ok(0);
    }
    let end = page_ceil(len)
        .and_then(|l| addr.checked_add(l))
        .filter(|&e| e <= USER_TOP)
        .ok_or(ENOMEM)?;
    current_mm()?.with(|mm| mm.protect(addr, end, prot_of(prot)))?;
    Ok(0)
}

/// `msync(addr, length, flags)` (Linux's mm/msync.c): a tmpfs file's
/// pages are the file, so there is nothing to write back or invalidate;
/// what is checked is Linux's: `EINVAL` for unknown flags, both
/// `MS_ASYNC` and `MS_SYNC`, or an unaligned address; `ENOMEM` if part
/// of the range is not mapped.
pub fn sys_msync(UserAddr(addr): UserAddr, len: usize, flags: u32) -> SysResult {
    if flags & !(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0
        || !addr.is_multiple_of(PAGE_SIZE)
        || (flags & MS_ASYNC != 0 && flags & MS_SYNC != 0)
    {
        return Err(EINVAL);
    }
    let end = page_ceil(len)
        .and_then(|l| addr.checked_add(l))
        .ok_or(ENOMEM)?;
    if end == addr {
        return Ok(0);
    }
    let mapped = current_mm()?.with(|mm| {
        let mut cur = addr;
        while cur < end {
            match mm.region_at(cur) {
                Some(r) => cur = r.end,
                None => return false,
            }
        }
        true
    });
    if mapped { Ok(0) } else { Err(ENOMEM) }
}

/// `posix_fadvise` advice values (`POSIX_FADV_NORMAL` to `_NOREUSE`).
const POSIX_FADV_MAX: i32 = 5;

/// Linux's `ksys_fadvise64_64` and `generic_fadvise` (mm/fadvise.c):
/// advice about how a file will be read. Every file's pages are in
/// memory here, as on a file system whose backing device is
/// `noop_backing_dev_info`, so valid advice is taken and ignored; a pipe
/// is `ESPIPE`, a negative length or unknown advice `EINVAL`.
fn fadvise(fd: Fd, len: i64, advice: i32) -> SysResult {
    let f = with_current(|t| t.files.get(fd.0))?;
    let kind = f.lock().kind;
    drop(f);
    match kind {
        FileKind::Path => return Err(abi::errno::EBADF),
        FileKind::Pipe { .. } => return Err(abi::errno::ESPIPE),
        _ => {}
    }
    if len < 0 || !(0..=POSIX_FADV_MAX).contains(&advice) {
        return Err(EINVAL);
    }
    Ok(0)
}

/// `fadvise64_64(fd, offset, len, advice)`: offset and length in
/// register pairs.
pub fn sys_fadvise64_64(
    fd: Fd,
    _off_lo: u32,
    _off_hi: u32,
    len_lo: u32,
    len_hi: u32,
    advice: i32,
) -> SysResult {
    fadvise(
        fd,
        ((u64::from(len_hi) << 32) | u64::from(len_lo)) as i64,
        advice,
    )
}

/// `fadvise64(fd, offset, len, advice)`: a 64-bit offset, a 32-bit length.
pub fn sys_fadvise64(fd: Fd, _off_lo: u32, _off_hi: u32, len: usize, advice: i32) -> SysResult {
    fadvise(fd, len as i64, advice)
}

/// Is `[start, end)` part of one region (Linux's `vma_lookup` and the
/// `vm_end` checks of `mremap`)? The region, if `start` is in one.
fn region_of(mm: &AddressSpace, start: usize) -> Result<Region, Errno> {
    mm.region_at(start).copied().ok_or(EFAULT)
}

/// Linux's `vma_to_resize`: may the mapping at `addr` of `old_len`
/// bytes become `new_len` long?
fn vma_to_resize(
    mm: &AddressSpace,
    addr: usize,
    old_len: usize,
    new_len: usize,
    flags: u32,
    limits: (usize, usize),
) -> Result<Region, Errno> {
    let r = region_of(mm, addr)?;
    // A zero old_len duplicates a shared mapping; a private one would be
    // a new, unrelated mapping: refused.
    // Only shared memory may be duplicated (VM_MAYSHARE).
    if old_len == 0 && !r.is_shared() {
        return Err(EINVAL);
    }
    let special = matches!(r.kind, RegionKind::Vdso | RegionKind::Vvar);
    if flags & MREMAP_DONTUNMAP != 0 && special {
        return Err(EINVAL);
    }
    // Not across region boundaries.
    if old_len > r.end - addr {
        return Err(EFAULT);
    }
    if new_len == old_len {
        return Ok(r);
    }
    // The vDSO and vvar never grow (VM_DONTEXPAND, VM_PFNMAP).
    if special {
        return Err(EFAULT);
    }
    let grow = (new_len - old_len) / PAGE_SIZE;
    if !may_expand_vm(mm, grow, r.is_data(), (0, 0), limits) {
        return Err(ENOMEM);
    }
    Ok(r)
}

/// Linux's `move_vma`: move `[addr, addr + old_len)` of region `r` to
/// `new`, `new_len` long. The vDSO moves whole or not at all
/// (`special_mapping_split` refuses a split: `-EINVAL`). Returns where it
/// went, and the vDSO's old and new base if it was the vDSO.
fn move_vma(
    mm: &mut AddressSpace,
    r: Region,
    (addr, old_len): (usize, usize),
    (new, new_len): (usize, usize),
    flags: u32,
) -> Result<(usize, Option<usize>), Errno> {
    if mm.map_count() >= MAX_MAP_COUNT - 3 {
        return Err(ENOMEM);
    }
    let special = matches!(r.kind, RegionKind::Vdso | RegionKind::Vvar);
    if special && (r.start != addr || r.end != addr + old_len) {
        return Err(EINVAL);
    }
    mm.move_range(addr, old_len, new, new_len, flags & MREMAP_DONTUNMAP != 0)?;
    Ok((new, (r.kind == RegionKind::Vdso).then_some(new)))
}

/// Where a moved mapping goes when the caller did not say (Linux's
/// `get_unmapped_area`): the hint if it is free, else top-down.
fn unmapped_area(mm: &mut AddressSpace, hint: usize, len: usize) -> Result<usize, Errno> {
    if hint >= MMAP_MIN_ADDR
        && hint.is_multiple_of(PAGE_SIZE)
        && hint.checked_add(len).is_some_and(|e| e <= MMAP_TOP)
        && mm.is_free(hint, hint + len)
    {
        return Ok(hint);
    }
    let floor = page_ceil(mm.brk).unwrap_or(0).max(MMAP_MIN_ADDR);
    mm.find_free(len, floor, MMAP_TOP).ok_or(ENOMEM)
}

/// Linux's `mremap_to`: `MREMAP_FIXED` or `MREMAP_DONTUNMAP`.
fn mremap_to(
    mm: &mut AddressSpace,
    (addr, mut old_len): (usize, usize),
    (new_addr, new_len): (usize, usize),
    flags: u32,
    limits: (usize, usize),
) -> Result<(usize, Option<usize>), Errno> {
    if !new_addr.is_multiple_of(PAGE_SIZE) || new_len > USER_TOP || new_addr > USER_TOP - new_len {
        return Err(EINVAL);
    }
    // The old and new ranges may not overlap (compared as Linux does,
    // in wrapping arithmetic).
    if addr.wrapping_add(old_len) > new_addr && new_addr + new_len > addr {
        return Err(EINVAL);
    }
    // Room for both ranges to be split, so a late failure cannot leave
    // them half done.
    if mm.map_count() + 2 >= MAX_MAP_COUNT - 3 {
        return Err(ENOMEM);
    }
    let fixed = flags & MREMAP_FIXED != 0;
    if fixed {
        if new_addr < MMAP_MIN_ADDR {
            return Err(abi::errno::EPERM);
        }
        mm.unmap(new_addr, new_addr + new_len)?;
    }
    if old_len > new_len {
        let end = addr
            .checked_add(old_len)
            .filter(|&e| e <= USER_TOP)
            .ok_or(EINVAL)?;
        // new_len < old_len: addr + new_len < end, no overflow.
        mm.unmap(addr + new_len, end)?;
        old_len = new_len;
    }
    let r = vma_to_resize(mm, addr, old_len, new_len, flags, limits)?;
    // MREMAP_DONTUNMAP keeps the old range: the new one is all new.
    if flags & MREMAP_DONTUNMAP != 0
        && !may_expand_vm(mm, old_len / PAGE_SIZE, r.is_data(), (0, 0), limits)
    {
        return Err(ENOMEM);
    }
    let new = if fixed {
        new_addr
    } else {
        unmapped_area(mm, new_addr, new_len)?
    };
    move_vma(mm, r, (addr, old_len), (new, new_len), flags)
}

/// `mremap(old_address, old_size, new_size, flags, new_address)` (Linux's
/// mm/mremap.c): shrink in place, grow in place when the space after is
/// free, else move if `MREMAP_MAYMOVE` allows it (the page-table entries
/// move, not the pages); `MREMAP_FIXED` says where, `MREMAP_DONTUNMAP`
/// leaves the old range mapped and empty. Moving the vDSO moves where
/// signal handlers return and where SYSENTER lands (Linux's
/// `vdso_mremap`), including for this very call if it came through the
/// vDSO (`vdso_fix_landing`).
pub fn sys_mremap(
    ctx: &mut SyscallContext,
    UserAddr(addr): UserAddr,
    old_len: usize,
    new_len: usize,
    flags: u32,
    UserAddr(new_addr): UserAddr,
) -> SysResult {
    if flags & !(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP) != 0
        || (flags & MREMAP_FIXED != 0 && flags & MREMAP_MAYMOVE == 0)
        || (flags & MREMAP_DONTUNMAP != 0 && (flags & MREMAP_MAYMOVE == 0 || old_len != new_len))
        || !addr.is_multiple_of(PAGE_SIZE)
    {
        return Err(EINVAL);
    }
    // PAGE_ALIGN, which wraps to 0 as Linux's does.
    let align = |l: usize| page_ceil(l).unwrap_or(0);
    let (old_len, new_len) = (align(old_len), align(new_len));
    if new_len == 0 {
        return Err(EINVAL);
    }
    let mm = current_mm()?;
    let limits = vm_limits();
    let (ret, vdso) = mm.with(|m| -> Result<(usize, Option<usize>), Errno> {
        region_of(m, addr)?;
        if flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) != 0 {
            return mremap_to(m, (addr, old_len), (new_addr, new_len), flags, limits);
        }
        // Shrinking always works: it unmaps the tail.
        if old_len >= new_len {
            if old_len > new_len {
                let end = addr
                    .checked_add(old_len)
                    .filter(|&e| e <= USER_TOP)
                    .ok_or(EINVAL)?;
                m.unmap(addr + new_len, end)?;
            }
            return Ok((addr, None));
        }
        let r = vma_to_resize(m, addr, old_len, new_len, flags, limits)?;
        // The whole end of the region: can it just grow?
        if let Some(end) = addr.checked_add(new_len).filter(|&e| e <= USER_TOP)
            && old_len == r.end - addr
            && m.is_free(r.end, end)
        {
            m.grow_region(r.end, end)?;
            return Ok((addr, None));
        }
        if flags & MREMAP_MAYMOVE == 0 {
            return Err(ENOMEM);
        }
        let new = unmapped_area(m, 0, new_len)?;
        move_vma(m, r, (addr, old_len), (new, new_len), flags)
    })?;
    if let Some(new) = vdso {
        let old = mm.vdso();
        if ctx.regs.ip as usize == vdso::landing_pad_at(old) {
            ctx.regs.ip = vdso::landing_pad_at(new) as u32;
        }
        mm.set_vdso(new);
        vdso::switch_to(Some(&mm));
    }
    Ok(ret)
}

/// `madvise(addr, length, advice)` (Linux's mm/madvise.c): advice Linux
/// 6.1 knows is taken (see [`Advice`]), other values are `-EINVAL`, as
/// is an unaligned start; a range not all mapped is done where it is and
/// then `-ENOMEM`.
pub fn sys_madvise(UserAddr(start): UserAddr, len: usize, advice: i32) -> SysResult {
    let advice = match u32::try_from(advice).map_err(|_| EINVAL)? {
        MADV_DONTNEED => Advice::DontNeed,
        MADV_DONTNEED_LOCKED => Advice::DontNeedLocked,
        MADV_FREE => Advice::Free,
        MADV_REMOVE => Advice::Remove,
        MADV_POPULATE_READ => Advice::Populate { write: false },
        MADV_POPULATE_WRITE => Advice::Populate { write: true },
        MADV_DONTFORK => Advice::Fork { dont: true },
        MADV_DOFORK => Advice::Fork { dont: false },
        MADV_DODUMP => Advice::DoDump,
        MADV_WIPEONFORK => Advice::WipeOnFork,
        MADV_NORMAL | MADV_RANDOM | MADV_SEQUENTIAL | MADV_WILLNEED | MADV_MERGEABLE
        | MADV_UNMERGEABLE | MADV_HUGEPAGE | MADV_NOHUGEPAGE | MADV_COLLAPSE | MADV_DONTDUMP
        | MADV_KEEPONFORK | MADV_COLD | MADV_PAGEOUT => Advice::Hint,
        _ => return Err(EINVAL),
    };
    if !start.is_multiple_of(PAGE_SIZE) {
        return Err(EINVAL);
    }
    let end = page_ceil(len)
        .and_then(|l| start.checked_add(l))
        .ok_or(EINVAL)?;
    if end == start {
        return Ok(0);
    }
    if current_mm()?.with(|m| m.advise(start, end, advice))? {
        Ok(0)
    } else {
        Err(ENOMEM)
    }
}

/// `mincore(addr, length, vec)` (Linux's mm/mincore.c): one byte per
/// page, 1 if it is resident (see `AddressSpace::residency`). `-EINVAL`
/// for an unaligned start, `-ENOMEM` past user space or for a page not
/// mapped (the vector is written up to there), `-EFAULT` for a bad
/// vector.
pub fn sys_mincore(UserAddr(start): UserAddr, len: usize, vec: UserPtr<u8>) -> SysResult {
    if !start.is_multiple_of(PAGE_SIZE) {
        return Err(EINVAL);
    }
    if start.checked_add(len).is_none_or(|e| e > USER_TOP) {
        return Err(ENOMEM);
    }
    let pages = len.div_ceil(PAGE_SIZE);
    if vec.addr().checked_add(pages).is_none_or(|e| e > USER_TOP) {
        return Err(EFAULT);
    }
    let out = UserSlice::<Write>::new(vec.addr(), pages);
    let mm = current_mm()?;
    let mut buf = [0u8; 128];
    let mut done = 0;
    while done < pages {
        let n = (pages - done).min(buf.len());
        let mut hole = false;
        let got = mm.with(|m| {
            for (i, b) in buf[..n].iter_mut().enumerate() {
                match m.residency(start + (done + i) * PAGE_SIZE) {
                    Residency::Page(v) => *b = v,
                    Residency::Unmapped => {
                        hole = true;
                        return i;
                    }
                }
            }
            n
        });
        out.sub(done, got)?.write_prefix(&buf[..got])?;
        if hole {
            return Err(ENOMEM);
        }
        done += n;
    }
    Ok(0)
}

/// Linux's `can_do_mlock`: a nonzero `RLIMIT_MEMLOCK`, or `CAP_IPC_LOCK`.
fn can_do_mlock() -> bool {
    with_current(|t| t.rlimits[RLIMIT_MEMLOCK as usize].cur != 0) || capable(CAP_IPC_LOCK)
}

/// `RLIMIT_MEMLOCK` in pages.
fn memlock_pages() -> usize {
    let cur = with_current(|t| t.rlimits[RLIMIT_MEMLOCK as usize].cur);
    usize::try_from(cur / PAGE_SIZE as u64).unwrap_or(usize::MAX)
}

/// `[start, start + len)` widened to pages, as Linux's `mlock` does
/// (`PAGE_ALIGN(len + offset_in_page(start))`, wrapping): `Ok(None)` for
/// an empty range, `EINVAL` if it wraps.
fn lock_range(start: usize, len: usize) -> Result<Option<(usize, usize)>, Errno> {
    let len = len
        .wrapping_add(start % PAGE_SIZE)
        .wrapping_add(PAGE_SIZE - 1)
        & !(PAGE_SIZE - 1);
    let start = start - start % PAGE_SIZE;
    let end = start.checked_add(len).ok_or(EINVAL)?;
    Ok((end > start).then_some((start, end)))
}

/// Linux's `apply_vma_lock_flags`: lock or unlock `[start, end)`, every
/// page of which must be mapped (`-ENOMEM`).
fn apply_lock(m: &mut AddressSpace, (start, end): (usize, usize), on: bool) -> SysResult {
    if m.vm_pages_in(start, end).0 != (end - start) / PAGE_SIZE {
        return Err(ENOMEM);
    }
    m.lock(start, end, on)?;
    Ok(0)
}

/// Linux's `do_mlock`: nothing is swapped out here, so a lock only marks
/// the pages (`VmLck`) and faults them in (unless `on_fault`), but the
/// checks are Linux's: `-EPERM` without `RLIMIT_MEMLOCK` or
/// `CAP_IPC_LOCK`, `-ENOMEM` past the limit (pages already locked in the
/// range not counted twice) or for an unmapped page.
fn do_mlock(start: usize, len: usize, on_fault: bool) -> SysResult {
    if !can_do_mlock() {
        return Err(abi::errno::EPERM);
    }
    let Some((start, end)) = lock_range(start, len)? else {
        return Ok(0);
    };
    let limit = memlock_pages();
    let cap = capable(CAP_IPC_LOCK);
    current_mm()?.with(|m| {
        let mut locked = (end - start) / PAGE_SIZE + m.locked_pages(0, usize::MAX);
        if locked > limit && !cap {
            locked -= m.locked_pages(start, end);
        }
        if locked > limit && !cap {
            return Err(ENOMEM);
        }
        apply_lock(m, (start, end), true)?;
        if !on_fault {
            m.populate_range(start, end);
        }
        Ok(0)
    })
}

/// `mlock(addr, len)`.
pub fn sys_mlock(UserAddr(start): UserAddr, len: usize) -> SysResult {
    do_mlock(start, len, false)
}

/// `mlock2(addr, len, flags)`: `MLOCK_ONFAULT` or nothing.
pub fn sys_mlock2(UserAddr(start): UserAddr, len: usize, flags: u32) -> SysResult {
    if flags & !MLOCK_ONFAULT != 0 {
        return Err(EINVAL);
    }
    do_mlock(start, len, flags & MLOCK_ONFAULT != 0)
}

/// `munlock(addr, len)`: `-ENOMEM` for an unmapped page.
pub fn sys_munlock(UserAddr(start): UserAddr, len: usize) -> SysResult {
    match lock_range(start, len)? {
        Some(range) => current_mm()?.with(|m| apply_lock(m, range, false)),
        None => Ok(0),
    }
}

/// `mlockall(flags)` (Linux's checks: a valid combination of
/// `MCL_CURRENT`, `MCL_FUTURE` and `MCL_ONFAULT`, then `can_do_mlock`,
/// then with `MCL_CURRENT` the whole address space under
/// `RLIMIT_MEMLOCK` unless `CAP_IPC_LOCK`). Nothing is faulted in: the
/// stack's region is its whole 8 MiB here, not what was touched.
pub fn sys_mlockall(flags: u32) -> SysResult {
    if flags == 0 || flags & !(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT) != 0 || flags == MCL_ONFAULT
    {
        return Err(EINVAL);
    }
    if !can_do_mlock() {
        return Err(abi::errno::EPERM);
    }
    let (limit, cap) = (memlock_pages(), capable(CAP_IPC_LOCK));
    current_mm()?.with(|m| {
        if flags & MCL_CURRENT != 0 && m.vm_pages().0 > limit && !cap {
            return Err(ENOMEM);
        }
        // Linux's apply_mlockall_flags.
        m.lock_future = flags & MCL_FUTURE != 0;
        if flags & MCL_CURRENT != 0 {
            m.lock_all()?;
        }
        Ok(0)
    })
}

/// `munlockall()`.
pub fn sys_munlockall() -> SysResult {
    current_mm()?.with(|m| m.unlock_all());
    Ok(0)
}

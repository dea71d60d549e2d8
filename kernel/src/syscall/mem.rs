//! Memory system calls: brk, mmap2, munmap, mprotect, msync. Memory is
//! mapped lazily: the region is recorded now and each page is zero-filled,
//! or for a file mapping found in the file's page cache, on first touch
//! (see `mm/addrspace.rs`, `mm/filemap.rs`).
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

use super::args::{Fd, SysResult, UserAddr};
use crate::fs::char_dev::Device;
use crate::fs::file::FileKind;
use crate::mm::addrspace::{AddressSpace, MappedFile, Prot, Region, RegionKind, SharedAnon};
use crate::mm::{PAGE_SIZE, USER_TOP, page_ceil};
use crate::proc::exec::MMAP_TOP;
use crate::proc::{current_mm, with_current};
use abi::errno::{EACCES, EINVAL, ENODEV, ENOMEM, EOVERFLOW, Errno};
use abi::fcntl::{O_ACCMODE, O_RDONLY, O_WRONLY};
use abi::mman::*;
use abi::resource::{RLIMIT_AS, RLIMIT_DATA};
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
            Some(crate::mm::heap::for_user(|| Arc::try_new(m)).map_err(|_| ENOMEM)?)
        }
        _ => None,
    };
    do_mmap(addr, len, prot, flags, file, shared_anon, offset)
}

/// Make a mapping of `len` bytes (page aligned) at `addr` (exactly there
/// if `MAP_FIXED` or `MAP_FIXED_NOREPLACE` is in `flags`, else there if
/// free, else where there is room): of `file` from `offset`, of the shared
/// memory `shared_anon`, or anonymous. Linux's `do_mmap` after its
/// argument checks; SysV `shmat` maps its segments through it too.
pub fn do_mmap(
    addr: usize,
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    mut file: Option<Arc<MappedFile>>,
    shared_anon: Option<Arc<SharedAnon>>,
    offset: usize,
) -> SysResult {
    let fixed = flags.any(MAP_FIXED | MAP_FIXED_NOREPLACE);
    let limits = vm_limits();
    let kind = match (&file, &shared_anon) {
        (Some(f), _) if f.shared => RegionKind::SharedFile,
        (Some(_), _) => RegionKind::File,
        (None, Some(_)) => RegionKind::SharedAnon,
        (None, None) => RegionKind::Anonymous,
    };
    let shared = file.as_ref().is_some_and(|f| f.shared) || shared_anon.is_some();
    let is_data = prot.any(PROT_WRITE) && !shared;
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
            mm.add_shared_anon(start, start + len, m)?;
        }
        if let Err(e) = mm.add_region(Region::new(start, start + len, prot_of(prot), kind)) {
            let _ = mm.unmap(start, start + len);
            return Err(e.into());
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

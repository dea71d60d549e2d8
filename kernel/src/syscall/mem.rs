//! Memory system calls: brk, mmap2 (anonymous), munmap, mprotect.
//! Anonymous memory is mapped lazily: the region is recorded now and each
//! page is zero-filled on first touch (see `mm/addrspace.rs`).

use super::args::{Fd, SysResult, UserAddr};
use crate::mm::addrspace::{AddressSpace, Prot, Region, RegionKind};
use crate::mm::{PAGE_SIZE, USER_TOP, page_ceil};
use crate::proc::exec::MMAP_TOP;
use crate::proc::{current_mm, with_current};
use abi::errno::{EINVAL, ENODEV, ENOMEM};
use abi::mman::*;
use abi::resource::{RLIMIT_AS, RLIMIT_DATA};

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
            let r = Region {
                start: old_end,
                end: new_end,
                prot: Prot::RW,
                kind: RegionKind::Anonymous,
            };
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

/// `mmap2(addr, length, prot, flags, fd, pgoffset)`: anonymous private (or
/// shared, which without threads behaves the same until fork) mappings.
pub fn sys_mmap2(
    UserAddr(addr): UserAddr,
    len: usize,
    prot: ProtFlags,
    flags: MapFlags,
    fd: Fd,
    _pgoffset: usize,
) -> SysResult {
    if len == 0 {
        return Err(EINVAL);
    }
    let ty = flags.bits() & MAP_TYPE;
    if ty != MAP_PRIVATE && ty != MAP_SHARED && ty != MAP_SHARED_VALIDATE {
        return Err(EINVAL);
    }
    if !flags.any(MAP_ANONYMOUS) {
        with_current(|t| t.files.get(fd.0))?;
        return Err(ENODEV); // file mappings: not yet
    }
    let len = page_ceil(len).ok_or(ENOMEM)?;
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
    let limits = vm_limits();
    let is_data = Region {
        start: 0,
        end: PAGE_SIZE,
        prot: prot_of(prot),
        kind: RegionKind::Anonymous,
    }
    .is_data();
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
        let r = Region {
            start,
            end: start + len,
            prot: prot_of(prot),
            kind: RegionKind::Anonymous,
        };
        if !fixed && !may_expand_vm(mm, len / PAGE_SIZE, is_data, (0, 0), limits) {
            return Err(ENOMEM);
        }
        mm.add_region(r)?;
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

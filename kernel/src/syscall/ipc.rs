//! System V IPC system calls: `ipc` (117), the i386 multiplexer both C
//! libraries call, and the direct `shmget`, `shmctl`, `shmat` and `shmdt`
//! (395-398). The segments themselves are `ipc/shm.rs`'s; this file reads
//! and writes the user's structures and maps the segments
//! (`mem::do_mmap`), as Linux's ipc/syscall.c and the syscall halves of
//! ipc/shm.c do. Semaphores and message queues are not built: their
//! `ipc` calls are `ENOSYS`.

use super::args::{SysResult, UserAddr};
use super::mem::{MMAP_MIN_ADDR, do_mmap};
use super::uaccess::UserPtr;
use crate::ipc::shm;
use crate::mm::{PAGE_SIZE, page_ceil};
use crate::proc::{current_mm, with_current};
use abi::errno::{EINVAL, ENOSYS, EPERM};
use abi::ipc::*;
use abi::mman::*;
use abi::types::{Ipc64Perm, IpcPermOld, ShmInfo, Shmid64Ds, ShmidDsOld, Shminfo64, ShminfoOld};

/// `SHMLBA` on i386: attach addresses are page aligned.
const SHMLBA: usize = PAGE_SIZE;

/// `shmget(key, size, shmflg)`.
pub fn sys_shmget(key: i32, size: usize, flg: i32) -> SysResult {
    Ok(shm::shmget(key, size, flg as u32)? as usize)
}

/// `shmat(shmid, shmaddr, shmflg)`: the address attached at.
pub fn sys_shmat(shmid: i32, UserAddr(addr): UserAddr, flg: i32) -> SysResult {
    do_shmat(shmid, addr, flg as u32)
}

/// Linux's `do_shmat`: map segment `shmid` at `addr` (rounded down with
/// `SHM_RND`; replacing what is there only with `SHM_REMAP`), or where
/// there is room; read-only with `SHM_RDONLY`.
fn do_shmat(shmid: i32, mut addr: usize, flg: u32) -> SysResult {
    if shmid < 0 {
        return Err(EINVAL);
    }
    let mut flags = MAP_SHARED;
    if addr != 0 {
        if !addr.is_multiple_of(SHMLBA) {
            if flg & SHM_RND == 0 {
                return Err(EINVAL);
            }
            addr &= !(SHMLBA - 1);
            if addr == 0 && flg & SHM_REMAP != 0 {
                return Err(EINVAL);
            }
        }
        flags |= MAP_FIXED;
    } else if flg & SHM_REMAP != 0 {
        return Err(EINVAL);
    }
    let (mut prot, mut acc) = if flg & SHM_RDONLY != 0 {
        (PROT_READ, 0o444)
    } else {
        (PROT_READ | PROT_WRITE, 0o666)
    };
    if flg & SHM_EXEC != 0 {
        prot |= PROT_EXEC;
        acc |= 0o111;
    }
    let (mem, size) = shm::attach_prepare(shmid, acc)?;
    let len = page_ceil(size).ok_or(EINVAL)?;
    if addr != 0 && flg & SHM_REMAP == 0 {
        let end = addr.checked_add(len).ok_or(EINVAL)?;
        if !current_mm()?.with(|mm| mm.is_free(addr, end)) {
            return Err(EINVAL);
        }
    }
    if addr != 0 && addr < MMAP_MIN_ADDR {
        return Err(EPERM);
    }
    let at = do_mmap(
        addr,
        len,
        ProtFlags::from_bits(prot),
        MapFlags::from_bits(flags),
        None,
        // SHM_RDONLY: never writable (Linux's do_shmat leaves out
        // VM_MAYWRITE).
        Some((mem.clone(), flg & SHM_RDONLY == 0)),
        0,
    )?;
    shm::attached(&mem, true);
    Ok(at)
}

/// `shmdt(shmaddr)` (Linux's `ksys_shmdt`): take out the segment attached
/// at `addr` (the mapping of its first page must start there), every piece
/// of it within its size; `EINVAL` if none is.
pub fn sys_shmdt(UserAddr(addr): UserAddr) -> SysResult {
    if !addr.is_multiple_of(PAGE_SIZE) {
        return Err(EINVAL);
    }
    let mm = current_mm()?;
    let first = mm.with(|m| m.shared_anon_ranges(addr, addr + 1))?;
    let Some((start, _, mem, page)) = first.into_iter().next() else {
        return Err(EINVAL);
    };
    let size = shm::segment_size(&mem).ok_or(EINVAL)?;
    if start != addr || page != 0 {
        return Err(EINVAL);
    }
    let end = addr.saturating_add(page_ceil(size).ok_or(EINVAL)?);
    let pieces = mm.with(|m| m.shared_anon_ranges(addr, end))?;
    for (s, e, m, p) in pieces {
        // A piece of the same attach: the same memory, at its own page.
        if alloc::sync::Arc::ptr_eq(&m, &mem) && p == (s - addr) / PAGE_SIZE {
            drop(m);
            mm.with(|a| a.unmap(s, e))?;
        }
    }
    shm::attached(&mem, false);
    Ok(0)
}

/// `shmctl(shmid, cmd, buf)`: the 64-bit structures always (Linux's
/// `sys_shmctl`).
pub fn sys_shmctl(shmid: i32, cmd: i32, UserAddr(buf): UserAddr) -> SysResult {
    shmctl(shmid, cmd, buf, true)
}

fn split_time(t: i64) -> (u32, u32) {
    (t as u32, (t >> 32) as u32)
}

/// Linux's `ksys_shmctl`: `ipc64` picks `shmid64_ds` and `shminfo64`
/// over the old structures.
fn shmctl(shmid: i32, cmd: i32, buf: usize, ipc64: bool) -> SysResult {
    if cmd < 0 || shmid < 0 {
        return Err(EINVAL);
    }
    match cmd {
        IPC_INFO => {
            let (max, ..) = shm::info();
            let clamp = |v: usize| v.min(i32::MAX as usize) as i32;
            if ipc64 {
                let i = Shminfo64 {
                    shmmax: SHMMAX as u32,
                    shmmin: SHMMIN as u32,
                    shmmni: SHMMNI as u32,
                    shmseg: SHMMNI as u32,
                    shmall: SHMALL as u32,
                    unused: [0; 4],
                };
                UserPtr::<Shminfo64>::new(buf).write(&i)?;
            } else {
                let i = ShminfoOld {
                    shmmax: clamp(SHMMAX),
                    shmmin: SHMMIN as i32,
                    shmmni: SHMMNI as i32,
                    shmseg: SHMMNI as i32,
                    shmall: clamp(SHMALL),
                };
                UserPtr::<ShminfoOld>::new(buf).write(&i)?;
            }
            Ok(max)
        }
        SHM_INFO => {
            let (max, used, tot, rss) = shm::info();
            let i = ShmInfo {
                used_ids: used as i32,
                shm_tot: tot as u32,
                shm_rss: rss as u32,
                ..ShmInfo::ZERO
            };
            UserPtr::<ShmInfo>::new(buf).write(&i)?;
            Ok(max)
        }
        IPC_STAT | SHM_STAT | SHM_STAT_ANY => {
            let s = shm::stat(shmid, cmd != IPC_STAT, cmd == SHM_STAT_ANY)?;
            if ipc64 {
                let (atime, atime_high) = split_time(s.atime);
                let (dtime, dtime_high) = split_time(s.dtime);
                let (ctime, ctime_high) = split_time(s.ctime);
                let d = Shmid64Ds {
                    shm_perm: Ipc64Perm {
                        key: s.key,
                        uid: s.uid,
                        gid: s.gid,
                        cuid: s.cuid,
                        cgid: s.cgid,
                        mode: s.mode as u16,
                        seq: s.seq,
                        ..Ipc64Perm::ZERO
                    },
                    shm_segsz: s.size as u32,
                    shm_atime: atime,
                    shm_atime_high: atime_high,
                    shm_dtime: dtime,
                    shm_dtime_high: dtime_high,
                    shm_ctime: ctime,
                    shm_ctime_high: ctime_high,
                    shm_cpid: s.cpid,
                    shm_lpid: s.lpid,
                    shm_nattch: s.nattch as u32,
                    ..Shmid64Ds::ZERO
                };
                UserPtr::<Shmid64Ds>::new(buf).write(&d)?;
            } else {
                // Linux's high2lowuid: ids past 16 bits show as 65534.
                let low = |v: u32| u16::try_from(v).unwrap_or(65534);
                let d = ShmidDsOld {
                    shm_perm: IpcPermOld {
                        key: s.key,
                        uid: low(s.uid),
                        gid: low(s.gid),
                        cuid: low(s.cuid),
                        cgid: low(s.cgid),
                        mode: s.mode as u16,
                        seq: s.seq,
                    },
                    shm_segsz: s.size as i32,
                    shm_atime: s.atime as i32,
                    shm_dtime: s.dtime as i32,
                    shm_ctime: s.ctime as i32,
                    shm_cpid: s.cpid as u16,
                    shm_lpid: s.lpid as u16,
                    shm_nattch: s.nattch as u16,
                    ..ShmidDsOld::ZERO
                };
                UserPtr::<ShmidDsOld>::new(buf).write(&d)?;
            }
            Ok(if cmd == IPC_STAT { 0 } else { s.id as usize })
        }
        IPC_SET => {
            let (uid, gid, mode) = if ipc64 {
                let d = UserPtr::<Shmid64Ds>::new(buf).read()?;
                (d.shm_perm.uid, d.shm_perm.gid, u32::from(d.shm_perm.mode))
            } else {
                let d = UserPtr::<ShmidDsOld>::new(buf).read()?;
                let p = d.shm_perm;
                (u32::from(p.uid), u32::from(p.gid), u32::from(p.mode))
            };
            shm::set(shmid, uid, gid, mode)?;
            Ok(0)
        }
        IPC_RMID => {
            shm::rmid(shmid)?;
            Ok(0)
        }
        SHM_LOCK | SHM_UNLOCK => {
            let memlock = with_current(|t| t.rlimits[abi::resource::RLIMIT_MEMLOCK as usize].cur);
            shm::lock(shmid, cmd == SHM_LOCK, memlock)?;
            Ok(0)
        }
        _ => Err(EINVAL),
    }
}

/// `ipc(call, first, second, third, ptr, fifth)` (Linux's `ksys_ipc`):
/// the version in `call`'s high 16 bits, the shared memory calls
/// dispatched, `shmctl`'s command carrying `IPC_64` for the new
/// structures (`ipc_parse_version`).
pub fn sys_ipc(
    call: u32,
    first: i32,
    second: usize,
    third: usize,
    ptr: usize,
    _fifth: i32,
) -> SysResult {
    let version = call >> 16;
    match call & 0xffff {
        SHMAT => {
            if version == 1 {
                return Err(EINVAL); // iBCS2's entry point
            }
            let at = do_shmat(first, ptr, second as u32)?;
            UserPtr::<u32>::new(third).write(&(at as u32))?;
            Ok(0)
        }
        SHMDT => sys_shmdt(UserAddr(ptr)),
        SHMGET => sys_shmget(first, second, third as i32),
        SHMCTL => {
            let cmd = second as i32;
            let ipc64 = cmd & IPC_64 != 0;
            shmctl(first, cmd & !IPC_64, ptr, ipc64)
        }
        _ => Err(ENOSYS),
    }
}

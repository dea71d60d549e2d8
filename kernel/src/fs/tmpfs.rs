//! tmpfs: the root file system, every file in RAM (Linux's mm/shmem.c with
//! fs/libfs.c's `simple_*` directory operations).
//!
//! The boot archive is unpacked into it (`fs/initramfs.rs`), as Linux
//! unpacks its initramfs into the rootfs tmpfs. Directories are maps from
//! name to inode; files are byte vectors. The size limit is half the RAM,
//! tmpfs's default: a write past it is `ENOSPC`, and `statfs` tells how
//! much is left. Bytes are charged by pages, as tmpfs charges its pages.
//!
//! The functions here change one directory's entries and the counts that
//! go with it (`nlink`, times); which checks come first and which errno a
//! bad request gets is decided by the callers in `fs/namei.rs`.

use super::inode::{Data, Dir, Inode, InodeKind, InodeRef, Timespec};
use crate::mm::PAGE_SIZE;
use abi::errno::{EEXIST, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, Errno};
use abi::stat::{S_IFDIR, S_IFMT};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

/// `statfs`'s `f_type` for tmpfs (`TMPFS_MAGIC`).
pub const TMPFS_MAGIC: u32 = 0x0102_1994;
/// The root tmpfs's device number: anonymous 0:1, as Linux numbers its
/// first anonymous superblock.
pub const ROOT_DEV: (u32, u32) = (0, 1);

/// One tmpfs instance (Linux's `shmem_sb_info`).
#[derive(Debug)]
pub struct Tmpfs {
    pub dev: (u32, u32),
    /// Pages its files may hold (`size=`), and hold now.
    pub max_pages: usize,
    pub used_pages: AtomicUsize,
    /// Inodes it may hold (`nr_inodes=`), and holds now.
    pub max_inodes: usize,
    pub inodes: AtomicUsize,
}

static ROOT_SB: spin::Once<Tmpfs> = spin::Once::new();

/// The root tmpfs's accounting; sized at first use from the RAM there is.
pub fn root_sb() -> &'static Tmpfs {
    ROOT_SB.call_once(|| {
        let ram_pages = crate::mm::frame::free_frames();
        Tmpfs {
            dev: ROOT_DEV,
            // shmem_default_max_blocks: half the RAM; shmem_default_max_inodes:
            // half the RAM's pages (lowmem here is all the RAM).
            max_pages: ram_pages / 2,
            used_pages: AtomicUsize::new(0),
            max_inodes: ram_pages / 2,
            inodes: AtomicUsize::new(0),
        }
    })
}

fn pages(bytes: usize) -> usize {
    bytes.div_ceil(PAGE_SIZE)
}

impl Tmpfs {
    /// Charge the change of a file's size from `old` to `new` bytes:
    /// `ENOSPC` past the limit (nothing charged then).
    pub fn charge(&self, old: usize, new: usize) -> Result<(), Errno> {
        let (o, n) = (pages(old), pages(new));
        if n > o {
            let more = n - o;
            let used = self.used_pages.load(Ordering::Relaxed);
            if used + more > self.max_pages {
                return Err(ENOSPC);
            }
            self.used_pages.store(used + more, Ordering::Relaxed);
        } else {
            self.used_pages.fetch_sub(o - n, Ordering::Relaxed);
        }
        Ok(())
    }

    /// A new inode in this file system (`shmem_get_inode`): `ENOSPC` when
    /// `nr_inodes` are used or the heap is out of room.
    pub fn new_inode(
        &'static self,
        mode: u32,
        owner: (u32, u32),
        rdev: (u32, u32),
        data: Data,
    ) -> Result<InodeRef, Errno> {
        if self.inodes.load(Ordering::Relaxed) >= self.max_inodes {
            return Err(ENOSPC);
        }
        let len = data.len();
        self.charge(0, len)?;
        let Some(inode) = Inode::new(self.dev, mode, owner, rdev, data, Timespec::now()) else {
            let _ = self.charge(len, 0);
            return Err(ENOSPC);
        };
        self.inodes.fetch_add(1, Ordering::Relaxed);
        Ok(inode)
    }
}

/// The last reference to a tmpfs inode went (see `Inode`'s `Drop`): give
/// back its pages and its inode count (Linux's `shmem_evict_inode`).
pub fn evict(inode: &Inode) {
    if inode.dev != ROOT_DEV {
        return;
    }
    let sb = root_sb();
    if let InodeKind::File(d) | InodeKind::Symlink(d) = &inode.kind {
        let len = d.with(|d| d.len());
        let _ = sb.charge(len, 0);
    }
    sb.inodes.fetch_sub(1, Ordering::Relaxed);
}

/// A directory's entries cell, or `ENOTDIR`.
pub fn dir_of(inode: &Inode) -> Result<&crate::sync::UpCell<Dir>, Errno> {
    match &inode.kind {
        InodeKind::Dir(d) => Ok(d),
        _ => Err(ENOTDIR),
    }
}

/// The entry `name` of `dir`.
pub fn lookup(dir: &Inode, name: &[u8]) -> Result<Option<InodeRef>, Errno> {
    Ok(dir_of(dir)?.with(|d| d.get(name).cloned()))
}

/// Two copies of `name` for a directory entry (`Dir::insert` keeps one by
/// name and one by position): `ENOSPC` if the heap is out of room (as a
/// full tmpfs would say).
fn key(name: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Errno> {
    let copy = || -> Result<Vec<u8>, Errno> {
        let mut k = Vec::new();
        crate::mm::heap::for_user(|| k.try_reserve_exact(name.len())).map_err(|_| ENOSPC)?;
        k.extend_from_slice(name);
        Ok(k)
    };
    Ok((copy()?, copy()?))
}

/// Name `inode` as `name` in `dir` (which must not have it): `simple_link`
/// and the linking half of `shmem_mknod`. Counts the link, and for a
/// directory its `..` in the parent; the parent's mtime and ctime change.
pub fn add_entry(dir: &InodeRef, name: &[u8], inode: InodeRef) -> Result<(), Errno> {
    let (k, k2) = key(name)?;
    let is_dir = inode.mode() & S_IFMT == S_IFDIR;
    let parent = Arc::downgrade(dir);
    dir_of(dir)?.with(|d| {
        if d.dead {
            return Err(ENOENT);
        }
        if d.contains(name) {
            return Err(EEXIST);
        }
        d.insert(k, k2, inode.clone());
        Ok(())
    })?;
    if let InodeKind::Dir(sub) = &inode.kind {
        sub.with(|s| s.parent = parent);
    }
    inode.meta.with(|m| m.nlink += if is_dir { 2 } else { 1 });
    if is_dir {
        dir.meta.with(|m| m.nlink += 1);
    }
    inode.touch_ctime();
    dir.touch_mtime();
    Ok(())
}

/// Take the entry `name` out of `dir` (`simple_unlink`/`simple_rmdir`):
/// the link count drops (to 0 for a directory), the times change. Returns
/// the inode, which lives on while anything holds it. A directory must be
/// empty (`ENOTEMPTY`); it is marked dead so nothing is created in it.
pub fn remove_entry(dir: &InodeRef, name: &[u8]) -> Result<InodeRef, Errno> {
    let inode = lookup(dir, name)?.ok_or(ENOENT)?;
    if let InodeKind::Dir(sub) = &inode.kind {
        sub.with(|s| {
            if s.is_empty() {
                s.dead = true;
                Ok(())
            } else {
                Err(ENOTEMPTY)
            }
        })?;
    }
    dir_of(dir)?.with(|d| d.remove(name));
    if inode.is_dir() {
        inode.meta.with(|m| m.nlink = 0);
        dir.meta.with(|m| m.nlink -= 1);
    } else {
        inode.meta.with(|m| m.nlink -= 1);
    }
    inode.touch_ctime();
    dir.touch_mtime();
    Ok(inode)
}

/// Move the entry `old` of `old_dir` to `new` in `new_dir`, replacing what
/// is there (the caller has checked that replacing it is allowed: same
/// type, an empty directory). `simple_rename`'s bookkeeping: the replaced
/// inode loses its link, a moved directory's `..` changes parent.
pub fn rename(old_dir: &InodeRef, old: &[u8], new_dir: &InodeRef, new: &[u8]) -> Result<(), Errno> {
    let inode = lookup(old_dir, old)?.ok_or(ENOENT)?;
    let (k, k2) = key(new)?;
    if lookup(new_dir, new)?.is_some() {
        remove_entry(new_dir, new)?;
    }
    dir_of(old_dir)?.with(|d| d.remove(old));
    dir_of(new_dir)?.with(|d| d.insert(k, k2, inode.clone()));
    if let InodeKind::Dir(sub) = &inode.kind
        && !Arc::ptr_eq(old_dir, new_dir)
    {
        sub.with(|s| s.parent = Arc::downgrade(new_dir));
        old_dir.meta.with(|m| m.nlink -= 1);
        new_dir.meta.with(|m| m.nlink += 1);
    }
    inode.touch_ctime();
    old_dir.touch_mtime();
    new_dir.touch_mtime();
    Ok(())
}

/// Swap the entries `a` of `dir_a` and `b` of `dir_b` (`RENAME_EXCHANGE`).
pub fn exchange(dir_a: &InodeRef, a: &[u8], dir_b: &InodeRef, b: &[u8]) -> Result<(), Errno> {
    let ia = lookup(dir_a, a)?.ok_or(ENOENT)?;
    let ib = lookup(dir_b, b)?.ok_or(ENOENT)?;
    let ((ka, ka2), (kb, kb2)) = (key(a)?, key(b)?);
    dir_of(dir_a)?.with(|d| d.insert(ka, ka2, ib.clone()));
    dir_of(dir_b)?.with(|d| d.insert(kb, kb2, ia.clone()));
    if !Arc::ptr_eq(dir_a, dir_b) {
        for (inode, from, to) in [(&ia, dir_a, dir_b), (&ib, dir_b, dir_a)] {
            if let InodeKind::Dir(sub) = &inode.kind {
                sub.with(|s| s.parent = Arc::downgrade(to));
                from.meta.with(|m| m.nlink -= 1);
                to.meta.with(|m| m.nlink += 1);
            }
        }
    }
    ia.touch_ctime();
    ib.touch_ctime();
    dir_a.touch_mtime();
    dir_b.touch_mtime();
    Ok(())
}

/// Set a regular file's size (`shmem_setattr` with `ATTR_SIZE`): cut, or
/// grow with zeros. `ENOSPC` past the limit, `ENOMEM`-like failure of the
/// heap as `ENOSPC` too. Times change only if the size does (the caller
/// decides for `O_TRUNC`).
pub fn truncate(inode: &Inode, len: usize) -> Result<(), Errno> {
    let InodeKind::File(data) = &inode.kind else {
        return Err(abi::errno::EINVAL);
    };
    let sb = root_sb();
    data.with(|d| {
        let old = d.len();
        if old == len {
            return Ok(());
        }
        sb.charge(old, len)?;
        let Some(v) = d.owned() else {
            let _ = sb.charge(len, old);
            return Err(ENOSPC);
        };
        if len > old && crate::mm::heap::for_user(|| v.try_reserve(len - old)).is_err() {
            let _ = sb.charge(len, old);
            return Err(ENOSPC);
        }
        v.resize(len, 0);
        if len < old {
            v.shrink_to(len.next_multiple_of(PAGE_SIZE).max(len));
        }
        Ok(())
    })
}

/// Write `src` at byte `pos` of a regular file, growing it (zeros fill a
/// gap): `shmem_write_begin`/`end`. `ENOSPC` when full. Returns the bytes
/// written (all of them).
pub fn write_at(inode: &Inode, pos: usize, src: &[u8]) -> Result<usize, Errno> {
    let InodeKind::File(data) = &inode.kind else {
        return Err(abi::errno::EINVAL);
    };
    let end = pos.checked_add(src.len()).ok_or(abi::errno::EFBIG)?;
    let sb = root_sb();
    data.with(|d| {
        let old = d.len();
        let new = old.max(end);
        sb.charge(old, new)?;
        let Some(v) = d.owned() else {
            let _ = sb.charge(new, old);
            return Err(ENOSPC);
        };
        if new > old && crate::mm::heap::for_user(|| v.try_reserve(new - old)).is_err() {
            let _ = sb.charge(new, old);
            return Err(ENOSPC);
        }
        if new > old {
            v.resize(new, 0);
        }
        v[pos..end].copy_from_slice(src);
        Ok(src.len())
    })
}

/// Copy up to `dst.len()` bytes from byte `pos` of a file: the count.
pub fn read_at(inode: &Inode, pos: usize, dst: &mut [u8]) -> usize {
    match &inode.kind {
        InodeKind::File(data) => data.with(|d| {
            let b = d.bytes();
            let start = pos.min(b.len());
            let n = (b.len() - start).min(dst.len());
            dst[..n].copy_from_slice(&b[start..start + n]);
            n
        }),
        _ => 0,
    }
}

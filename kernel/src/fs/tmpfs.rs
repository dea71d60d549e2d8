//! tmpfs: the root file system, and any other mounted with `mount -t
//! tmpfs`, every file in RAM (Linux's mm/shmem.c with fs/libfs.c's
//! `simple_*` directory operations).
//!
//! The boot archive is unpacked into the root instance (`fs/initramfs.rs`),
//! as Linux unpacks its initramfs into the rootfs tmpfs. Directories are
//! maps from name to inode; files are byte vectors. Each instance ([`Tmpfs`],
//! Linux's `shmem_sb_info`) has its own device number and size limit, half
//! the RAM by default or `size=` at mount: a write past it is `ENOSPC`, and
//! `statfs` tells how much is left. Bytes are charged by pages, as tmpfs
//! charges its pages, to the instance the inode belongs to (`Inode::sb`).
//!
//! The functions here change one directory's entries and the counts that
//! go with it (`nlink`, times); which checks come first and which errno a
//! bad request gets is decided by the callers in `fs/namei.rs`.

use super::inode::{Data, Dir, Inode, InodeKind, InodeRef, Timespec};
use crate::mm::PAGE_SIZE;
use abi::errno::{EEXIST, EINVAL, ENOENT, ENOSPC, ENOTDIR, ENOTEMPTY, Errno};
use abi::stat::{S_IFDIR, S_IFMT, S_ISVTX};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicUsize, Ordering};

/// The root tmpfs's device number: anonymous 0:1, as Linux numbers its
/// first anonymous superblock.
pub const ROOT_DEV: (u32, u32) = (0, 1);

/// One tmpfs instance (Linux's `shmem_sb_info`).
#[derive(Debug)]
pub struct Tmpfs {
    pub dev: (u32, u32),
    /// Pages its files may hold (`size=`, changed by a remount), and hold
    /// now.
    pub max_pages: AtomicUsize,
    pub used_pages: AtomicUsize,
    /// Inodes it may hold (`nr_inodes=`), and holds now.
    pub max_inodes: AtomicUsize,
    pub inodes: AtomicUsize,
    /// What the mount asked for, for `/proc/mounts` (`shmem_show_options`
    /// shows only what differs from the defaults).
    pub opts: TmpfsOpts,
}

/// tmpfs's mount options (`shmem_parse_one`): `None` where the default
/// stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TmpfsOpts {
    /// `size=`, in pages.
    pub pages: Option<usize>,
    /// `nr_inodes=`.
    pub inodes: Option<usize>,
    /// `mode=`: the root directory's permission bits (01777 by default).
    pub mode: Option<u32>,
    pub uid: Option<u32>,
    pub gid: Option<u32>,
    /// `ro` among the options (`vfs_parse_sb_flag`): a read-only mount.
    pub rdonly: bool,
}

/// Half the RAM, in pages: tmpfs's default size and inode limit
/// (`shmem_default_max_blocks`, `shmem_default_max_inodes`, lowmem being
/// all the RAM here).
pub fn default_pages() -> usize {
    crate::mm::si_meminfo().total / PAGE_SIZE / 2
}

impl TmpfsOpts {
    /// Parse a mount's data string: comma-separated `size=N[kmg%]`,
    /// `nr_inodes=N[kmg]`, `mode=OCTAL`, `uid=N`, `gid=N`, plus the
    /// superblock flags every file system takes (`ro`, `rw`, `sync`, ...;
    /// `vfs_parse_sb_flag`). Anything else is `EINVAL`, as tmpfs says
    /// "Unknown parameter".
    pub fn parse(data: &[u8]) -> Result<Self, Errno> {
        let mut o = TmpfsOpts::default();
        for opt in data.split(|&b| b == b',').filter(|o| !o.is_empty()) {
            let (key, value) = match opt.iter().position(|&b| b == b'=') {
                Some(i) => (&opt[..i], Some(&opt[i + 1..])),
                None => (opt, None),
            };
            match (key, value) {
                (b"ro", None) => o.rdonly = true,
                (b"rw", None) => o.rdonly = false,
                (
                    b"sync" | b"async" | b"dirsync" | b"lazytime" | b"nolazytime" | b"mand"
                    | b"nomand" | b"silent",
                    None,
                ) => {}
                (b"size", Some(v)) => {
                    let pages = if let Some(pct) = v.strip_suffix(b"%") {
                        let pct = number(pct, 10)?;
                        (crate::mm::si_meminfo().total / PAGE_SIZE)
                            .checked_mul(pct)
                            .ok_or(EINVAL)?
                            / 100
                    } else {
                        memparse(v)?.div_ceil(PAGE_SIZE)
                    };
                    o.pages = Some(pages);
                }
                (b"nr_inodes", Some(v)) => o.inodes = Some(memparse(v)?),
                (b"mode", Some(v)) => o.mode = Some(number(v, 8)? as u32 & 0o7777),
                (b"uid", Some(v)) => {
                    o.uid = Some(u32::try_from(number(v, 10)?).map_err(|_| EINVAL)?)
                }
                (b"gid", Some(v)) => {
                    o.gid = Some(u32::try_from(number(v, 10)?).map_err(|_| EINVAL)?)
                }
                _ => return Err(EINVAL),
            }
        }
        Ok(o)
    }
}

/// A number in base `radix`: `EINVAL` if empty or not one.
fn number(s: &[u8], radix: u32) -> Result<usize, Errno> {
    let s = core::str::from_utf8(s).map_err(|_| EINVAL)?;
    usize::from_str_radix(s, radix).map_err(|_| EINVAL)
}

/// Linux's `memparse`: a number with an optional `k`, `m` or `g` suffix.
fn memparse(s: &[u8]) -> Result<usize, Errno> {
    let (digits, shift) = match s.last() {
        Some(b'k' | b'K') => (&s[..s.len() - 1], 10),
        Some(b'm' | b'M') => (&s[..s.len() - 1], 20),
        Some(b'g' | b'G') => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    number(digits, 10)?.checked_mul(1 << shift).ok_or(EINVAL)
}

static ROOT_SB: spin::Once<Arc<Tmpfs>> = spin::Once::new();

/// The root tmpfs, sized as any tmpfs by default: half the RAM
/// (`default_pages`). Not half of what is free at its first use: the
/// initramfs it is about to hold occupies RAM then, and the files it
/// unpacks into the tmpfs are that same memory (Linux frees the initrd
/// after unpacking, and counts all of RAM).
pub fn root_sb() -> &'static Arc<Tmpfs> {
    ROOT_SB.call_once(|| {
        Arc::new(Tmpfs::with_limits(
            ROOT_DEV,
            default_pages(),
            default_pages(),
            TmpfsOpts::default(),
        ))
    })
}

fn pages(bytes: usize) -> usize {
    bytes.div_ceil(PAGE_SIZE)
}

impl Tmpfs {
    fn with_limits(dev: (u32, u32), max_pages: usize, max_inodes: usize, opts: TmpfsOpts) -> Self {
        Tmpfs {
            dev,
            max_pages: AtomicUsize::new(max_pages),
            used_pages: AtomicUsize::new(0),
            max_inodes: AtomicUsize::new(max_inodes),
            inodes: AtomicUsize::new(0),
            opts,
        }
    }

    /// A new instance on device `dev` with `opts` and its root directory
    /// (`shmem_fill_super`): mode 01777 unless `mode=` says otherwise,
    /// owned by `uid=`/`gid=` (root by default).
    pub fn mount(dev: (u32, u32), opts: TmpfsOpts) -> Result<(Arc<Tmpfs>, InodeRef), Errno> {
        let default = default_pages();
        let sb = Tmpfs::with_limits(
            dev,
            opts.pages.unwrap_or(default),
            opts.inodes.unwrap_or(default),
            opts,
        );
        let sb = crate::mm::heap::for_user(|| Arc::try_new(sb)).map_err(|_| abi::errno::ENOMEM)?;
        let mode = S_IFDIR | opts.mode.unwrap_or(0o777 | S_ISVTX);
        let owner = (opts.uid.unwrap_or(0), opts.gid.unwrap_or(0));
        let root = sb.new_inode(mode, owner, (0, 0), Data::Static(&[]))?;
        root.meta.with(|m| m.nlink = 2);
        Ok((sb, root))
    }

    /// Change the limits after a remount's `size=`/`nr_inodes=`
    /// (`shmem_reconfigure`): `EINVAL` if what is used already exceeds
    /// them.
    pub fn reconfigure(&self, opts: &TmpfsOpts) -> Result<(), Errno> {
        if let Some(p) = opts.pages {
            if self.used_pages.load(Ordering::Relaxed) > p {
                return Err(EINVAL);
            }
            self.max_pages.store(p, Ordering::Relaxed);
        }
        if let Some(n) = opts.inodes {
            if self.inodes.load(Ordering::Relaxed) > n {
                return Err(EINVAL);
            }
            self.max_inodes.store(n, Ordering::Relaxed);
        }
        Ok(())
    }

    /// Charge the change of a file's size from `old` to `new` bytes:
    /// `ENOSPC` past the limit (nothing charged then).
    pub fn charge(&self, old: usize, new: usize) -> Result<(), Errno> {
        let (o, n) = (pages(old), pages(new));
        if n > o {
            let more = n - o;
            let used = self.used_pages.load(Ordering::Relaxed);
            if used + more > self.max_pages.load(Ordering::Relaxed) {
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
        self: &Arc<Self>,
        mode: u32,
        owner: (u32, u32),
        rdev: (u32, u32),
        data: Data,
    ) -> Result<InodeRef, Errno> {
        if self.inodes.load(Ordering::Relaxed) >= self.max_inodes.load(Ordering::Relaxed) {
            return Err(ENOSPC);
        }
        let len = data.len();
        self.charge(0, len)?;
        let Some(inode) = Inode::new(self, mode, owner, rdev, data, Timespec::now()) else {
            let _ = self.charge(len, 0);
            return Err(ENOSPC);
        };
        self.inodes.fetch_add(1, Ordering::Relaxed);
        Ok(inode)
    }
}

/// An instance's device number is free again when the last inode holding
/// the instance goes, after its unmount (`kill_litter_super` →
/// `free_anon_bdev`).
impl Drop for Tmpfs {
    fn drop(&mut self) {
        if self.dev != ROOT_DEV {
            super::namespace::free_anon_dev(self.dev);
        }
    }
}

/// The last reference to a tmpfs inode went (see `Inode`'s `Drop`): give
/// back its pages and its inode count to its instance (Linux's
/// `shmem_evict_inode`).
pub fn evict(inode: &Inode) {
    let Some(sb) = &inode.sb else {
        return;
    };
    let len = match &inode.kind {
        InodeKind::File(d) => d.with(|d| d.len()),
        InodeKind::Symlink(d) => d.with(|d| d.len()),
        _ => 0,
    };
    let _ = sb.charge(len, 0);
    sb.inodes.fetch_sub(1, Ordering::Relaxed);
}

/// Take apart the tree under `root`, a directory no longer reachable (an
/// unmounted instance's root), one directory at a time (Linux's
/// `shrink_dcache_for_umount`): dropping it whole would free nested
/// directories by recursion as deep as the tree, which a user can make
/// deeper than a kernel stack. A directory something else still holds (an
/// open file, a working directory) is left whole for its holder.
pub fn kill_tree(root: InodeRef) {
    let mut todo: Vec<InodeRef> = Vec::new();
    let mut next = Some(root);
    while let Some(dir) = next.take().or_else(|| todo.pop()) {
        if Arc::strong_count(&dir) > 1 {
            continue;
        }
        let InodeKind::Dir(cell) = &dir.kind else {
            continue;
        };
        let entries = cell.with(|d| d.take_entries());
        for (_, (_, child)) in entries {
            if child.is_dir() && crate::mm::heap::for_user(|| todo.try_reserve(1)).is_ok() {
                todo.push(child);
            }
            // Anything else (and a directory with no room to queue it)
            // drops here.
        }
    }
}

/// A directory's entries cell, or `ENOTDIR`.
pub fn dir_of(inode: &Inode) -> Result<&crate::sync::UpCell<Dir>, Errno> {
    match &inode.kind {
        InodeKind::Dir(d) => Ok(d),
        _ => Err(ENOTDIR),
    }
}

/// The entry `name` of `dir` (a tmpfs directory; the walk uses
/// `Inode::lookup`, which knows procfs too).
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
/// grow with zeros. `ENOSPC` past the limit. Times change only if the size
/// does (the caller decides for `O_TRUNC`). A cut first takes the pages
/// past the new end out of every mapping (`truncate_pagecache`): touching
/// them again is `SIGBUS`.
pub fn truncate(inode: &Inode, len: usize) -> Result<(), Errno> {
    let (InodeKind::File(data), Some(sb)) = (&inode.kind, &inode.sb) else {
        return Err(EINVAL);
    };
    let old = data.with(|d| d.len());
    if old == len {
        return Ok(());
    }
    sb.charge(old, len)?;
    if len < old {
        crate::mm::filemap::unmap_mapping_range(inode, len.next_multiple_of(PAGE_SIZE));
    }
    data.with(|d| d.set_len(len));
    Ok(())
}

/// Write `src` at byte `pos` of a regular file, growing it (zeros fill a
/// gap): `shmem_write_begin`/`end`, into the page cache, where every
/// mapping of the file sees it. `ENOSPC` when full (or out of frames).
/// Returns the bytes written (all of them).
pub fn write_at(inode: &Inode, pos: usize, src: &[u8]) -> Result<usize, Errno> {
    let (InodeKind::File(data), Some(sb)) = (&inode.kind, &inode.sb) else {
        return Err(EINVAL);
    };
    let end = pos.checked_add(src.len()).ok_or(abi::errno::EFBIG)?;
    data.with(|d| {
        let old = d.len();
        let new = old.max(end);
        sb.charge(old, new)?;
        if !d.write_at(pos, src) {
            // What was written stays (the size may have grown part way).
            let _ = sb.charge(new, d.len());
            return Err(ENOSPC);
        }
        Ok(src.len())
    })
}

/// Copy up to `dst.len()` bytes from byte `pos` of a file: the count.
pub fn read_at(inode: &Inode, pos: usize, dst: &mut [u8]) -> usize {
    match &inode.kind {
        InodeKind::File(data) => data.with(|d| d.read_at(pos, dst)),
        _ => 0,
    }
}

//! File-system statistics (Linux's fs/statfs.c): `statfs`, `fstatfs`,
//! `statfs64`, `fstatfs64`, of the instance a file is on: a tmpfs (whose
//! size limit and use `fs/tmpfs.rs` keeps), procfs, or the pipes' pipefs;
//! `f_flags` come from the mount (`fs/namespace.rs`).

use super::inode::InodeRef;
use super::namei::{file, lookup_at};
use crate::syscall::args::{DirFd, Fd, SysResult};
use crate::syscall::uaccess::{UserCStr, UserPtr};
use abi::errno::*;
use abi::fcntl::AT_FDCWD;
use abi::magic::{PIPEFS_MAGIC, PROC_SUPER_MAGIC, TMPFS_MAGIC};
use abi::mount::ST_VALID;
use abi::types::{Statfs, Statfs64};
use core::sync::atomic::Ordering;

/// `struct kstatfs` as `shmem_statfs` fills it for a tmpfs, and
/// `simple_statfs` for procfs and pipefs (nothing but the type, block
/// size and name length).
fn kstatfs(inode: Option<&InodeRef>) -> Statfs64 {
    let simple = |f_type, f_flags| Statfs64 {
        f_type,
        f_bsize: 4096,
        f_namelen: 255,
        f_frsize: 4096,
        f_flags,
        ..Statfs64::ZERO
    };
    let Some(inode) = inode else {
        return simple(PIPEFS_MAGIC, ST_VALID);
    };
    let flags = super::namespace::statfs_flags(inode);
    let Some(sb) = &inode.sb else {
        return simple(PROC_SUPER_MAGIC, flags);
    };
    let max = sb.max_pages.load(Ordering::Relaxed);
    let used = sb.used_pages.load(Ordering::Relaxed);
    let free = max.saturating_sub(used) as u64;
    let max_inodes = sb.max_inodes.load(Ordering::Relaxed);
    let inodes = sb.inodes.load(Ordering::Relaxed);
    Statfs64 {
        f_type: TMPFS_MAGIC,
        f_bsize: 4096,
        f_blocks: max as u64,
        f_bfree: free,
        f_bavail: free,
        f_files: max_inodes as u64,
        f_ffree: max_inodes.saturating_sub(inodes) as u64,
        f_fsid: [0, 0],
        f_namelen: 255,
        f_frsize: 4096,
        f_flags: flags,
        f_spare: [0; 4],
    }
}

/// `put_compat_statfs`-like narrowing for the old `struct statfs`: a count
/// that does not fit is `EOVERFLOW`.
fn narrow(k: &Statfs64) -> Result<Statfs, Errno> {
    let n = |v: u64| u32::try_from(v).map_err(|_| EOVERFLOW);
    Ok(Statfs {
        f_type: k.f_type,
        f_bsize: k.f_bsize,
        f_blocks: n(k.f_blocks)?,
        f_bfree: n(k.f_bfree)?,
        f_bavail: n(k.f_bavail)?,
        f_files: n(k.f_files)?,
        f_ffree: n(k.f_ffree)?,
        f_fsid: k.f_fsid,
        f_namelen: k.f_namelen,
        f_frsize: k.f_frsize,
        f_flags: k.f_flags,
        f_spare: [0; 4],
    })
}

fn path_statfs(path: UserCStr) -> Result<Statfs64, Errno> {
    let path = path.read_path()?;
    let inode = lookup_at(DirFd(AT_FDCWD), &path, true)?;
    Ok(kstatfs(Some(&inode)))
}

fn fd_statfs(fd: Fd) -> Result<Statfs64, Errno> {
    let f = file(fd.0)?;
    let inode = f.lock().inode.clone();
    Ok(kstatfs(inode.as_ref()))
}

/// `statfs(path, buf)`.
pub fn sys_statfs(path: UserCStr, buf: UserPtr<Statfs>) -> SysResult {
    buf.write(&narrow(&path_statfs(path)?)?)?;
    Ok(0)
}

/// `fstatfs(fd, buf)`.
pub fn sys_fstatfs(fd: Fd, buf: UserPtr<Statfs>) -> SysResult {
    buf.write(&narrow(&fd_statfs(fd)?)?)?;
    Ok(0)
}

/// `statfs64(path, size, buf)`: `size` must be the structure's (84), as
/// Linux checks (`EINVAL`).
pub fn sys_statfs64(path: UserCStr, size: usize, buf: UserPtr<Statfs64>) -> SysResult {
    if size != size_of::<Statfs64>() {
        return Err(EINVAL);
    }
    buf.write(&path_statfs(path)?)?;
    Ok(0)
}

/// `fstatfs64(fd, size, buf)`.
pub fn sys_fstatfs64(fd: Fd, size: usize, buf: UserPtr<Statfs64>) -> SysResult {
    if size != size_of::<Statfs64>() {
        return Err(EINVAL);
    }
    buf.write(&fd_statfs(fd)?)?;
    Ok(0)
}

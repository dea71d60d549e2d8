//! The `stat` family (`stat64`, `lstat64`, `fstat64`, `fstatat64`,
//! `statx`) and `readlink`/`readlinkat` (Linux's fs/stat.c).
//!
//! Linux's VFS answers these from a `struct kstat` filled by
//! `generic_fillattr()`; here [`Kstat`] plays that part for inodes, the
//! console and pipes, and each call copies it out in its own layout.

use super::file::{FileKind, FileRef};
use super::inode::PIPEFS_DEV;
use super::inode::{InodeKind, InodeRef, Timespec};
use super::namei::{self, file, lookup_at};
use crate::syscall::args::{DirFd, Fd, SysResult};
use crate::syscall::uaccess::{UserCStr, UserPtr, UserSlice, Write};
use abi::errno::*;
use abi::fcntl::*;
use abi::stat::*;
use abi::types::{Stat64, Statx, StatxTimestamp};
use alloc::vec::Vec;

// ---------------------------------------------------------------------------
// Kernel-internal constants (the Linux uapi ones are in `abi`).

/// `st_blksize`: one page, as `generic_fillattr()` reports
/// (`1 << inode->i_blkbits`, `PAGE_SHIFT` for tmpfs and pipes).
const BLKSIZE: u32 = 4096;

// ---------------------------------------------------------------------------
// struct kstat

/// What a `stat` call reports, before it is laid out for user space
/// (Linux's `struct kstat`, include/linux/stat.h).
#[derive(Clone, Copy, Debug)]
pub struct Kstat {
    /// Device holding the file, (major, minor).
    pub dev: (u32, u32),
    /// Never 0: glibc and busybox treat inode 0 as "deleted".
    pub ino: u64,
    pub mode: u32,
    pub nlink: u32,
    pub uid: u32,
    pub gid: u32,
    /// Device numbers of a device node, else (0, 0).
    pub rdev: (u32, u32),
    pub size: i64,
    /// 512-byte blocks.
    pub blocks: u64,
    pub blksize: u32,
    pub atime: Timespec,
    pub mtime: Timespec,
    pub ctime: Timespec,
    /// Is it the root of its mount (`STATX_ATTR_MOUNT_ROOT`)?
    pub mount_root: bool,
    /// The id of its mount (`statx`'s `stx_mnt_id`).
    pub mnt_id: u32,
}

/// Linux's `new_encode_dev()` (include/linux/kdev_t.h), which
/// `huge_encode_dev()` uses for `st_dev`/`st_rdev` in `cp_new_stat64()`:
/// minor bits 0-7, major bits 8-19, the rest of the minor from bit 20.
pub fn encode_dev((major, minor): (u32, u32)) -> u64 {
    u64::from((minor & 0xff) | (major << 8) | ((minor & !0xff) << 12))
}

/// `generic_fillattr()` for an inode. tmpfs counts blocks by the pages a
/// file holds (8 sectors each) and keeps a symlink of up to 128 bytes in
/// the inode itself (`SHORT_SYMLINK_LEN`: no block).
pub fn inode_stat(i: &InodeRef) -> Kstat {
    let mut m = i.meta.with(|m| *m);
    if let InodeKind::Proc(n) = &i.kind {
        // What changes while it is held: the root's link count follows
        // the processes (`proc_root_getattr`).
        m.nlink = super::proc::nlink(*n);
    }
    let size = i.size();
    let blocks = match &i.kind {
        InodeKind::File(_) => size.div_ceil(4096) * 8,
        InodeKind::Symlink(_) if size > 128 => 8,
        _ => 0,
    };
    Kstat {
        dev: i.dev,
        ino: i.ino,
        mode: m.mode,
        nlink: m.nlink,
        uid: m.uid,
        gid: m.gid,
        rdev: m.rdev,
        size: size as i64,
        blocks: blocks as u64,
        blksize: BLKSIZE,
        atime: m.atime,
        mtime: m.mtime,
        ctime: m.ctime,
        mount_root: super::namespace::is_mount_root(i),
        mnt_id: super::namespace::mount_of(i).map_or(0, |(id, _)| id),
    }
}

/// `vfs_fstat()`: what an open file refers to: its inode, or for an
/// anonymous pipe an inode of the pipe file system (both ends sharing one,
/// as on Linux), or for the console init was given without a `/dev` node,
/// a made-up one.
pub fn file_stat(f: &FileRef) -> Kstat {
    let (kind, inode) = {
        let of = f.lock();
        (of.kind, of.inode.clone())
    };
    if let Some(i) = inode {
        return inode_stat(&i);
    }
    let (dev, ino, mode, rdev) = match kind {
        FileKind::Pipe { id, .. } => (PIPEFS_DEV, u64::from(id), S_IFIFO | 0o600, (0, 0)),
        FileKind::Device(d) => {
            let rdev = d.numbers();
            (
                tmpfs_dev(),
                0xffff_0000 | encode_dev(rdev),
                S_IFCHR | 0o600,
                rdev,
            )
        }
        _ => (tmpfs_dev(), 0xffff_ffff, S_IFREG, (0, 0)),
    };
    Kstat {
        dev,
        ino,
        mode,
        nlink: 1,
        uid: 0,
        gid: 0,
        rdev,
        size: 0,
        blocks: 0,
        blksize: BLKSIZE,
        atime: Timespec::default(),
        mtime: Timespec::default(),
        ctime: Timespec::default(),
        mount_root: false,
        mnt_id: 0,
    }
}

fn tmpfs_dev() -> (u32, u32) {
    super::tmpfs::ROOT_DEV
}

// ---------------------------------------------------------------------------
// Path arguments

/// What an `*at` call operates on.
enum Target {
    Node(InodeRef),
    /// An empty path with `AT_EMPTY_PATH`: the open file `dirfd` itself.
    File(FileRef),
}

/// Read the path argument and resolve it for an `*at` call with `flags`
/// (`AT_SYMLINK_NOFOLLOW`, `AT_EMPTY_PATH`). With `AT_EMPTY_PATH`, an empty
/// path (or, as since Linux 6.11, a NULL one) names `dirfd` itself, which
/// may be any open file; otherwise an empty path is `ENOENT`.
fn target_at(dirfd: DirFd, path: UserCStr, flags: AtFlags) -> Result<Target, Errno> {
    let empty_ok = flags.any(AT_EMPTY_PATH);
    let path = if empty_ok && path.is_null() {
        Vec::new()
    } else {
        path.read_path()?
    };
    if path.is_empty() && empty_ok {
        return if dirfd.0 == AT_FDCWD {
            Ok(Target::Node(namei::cwd()))
        } else {
            file(dirfd.0).map(Target::File)
        };
    }
    lookup_at(dirfd, &path, !flags.any(AT_SYMLINK_NOFOLLOW)).map(Target::Node)
}

fn target_stat(t: &Target) -> Kstat {
    match t {
        Target::Node(i) => inode_stat(i),
        Target::File(f) => file_stat(f),
    }
}

/// The inode an `*at` call with `AT_EMPTY_PATH` support operates on (for
/// `fchmodat`, `fchownat`, `utimensat`, `faccessat`): `None` for an open
/// file with no inode (an anonymous pipe, init's console).
pub fn target_inode(
    dirfd: DirFd,
    path: UserCStr,
    flags: AtFlags,
) -> Result<Option<InodeRef>, Errno> {
    Ok(match target_at(dirfd, path, flags)? {
        Target::Node(i) => Some(i),
        Target::File(f) => f.lock().inode.clone(),
    })
}

/// The `stat` of what an `*at` call names.
pub fn stat_at(dirfd: DirFd, path: UserCStr, flags: AtFlags) -> Result<Kstat, Errno> {
    Ok(target_stat(&target_at(dirfd, path, flags)?))
}

// ---------------------------------------------------------------------------
// The stat family

/// `cp_new_stat64()` (fs/stat.c): `struct stat64` of
/// arch/x86/include/uapi/asm/stat.h, whose old 32-bit `__st_ino` is filled
/// too (`STAT64_HAS_BROKEN_ST_INO`).
fn put_stat64(buf: UserPtr<Stat64>, k: &Kstat) -> SysResult {
    let st = Stat64 {
        st_dev: encode_dev(k.dev),
        __st_ino: k.ino as u32,
        st_mode: k.mode,
        st_nlink: k.nlink,
        st_uid: k.uid,
        st_gid: k.gid,
        st_rdev: encode_dev(k.rdev),
        st_size: k.size,
        st_blksize: k.blksize,
        st_blocks: k.blocks,
        st_atime: k.atime.sec as u32,
        st_atime_nsec: k.atime.nsec,
        st_mtime: k.mtime.sec as u32,
        st_mtime_nsec: k.mtime.nsec,
        st_ctime: k.ctime.sec as u32,
        st_ctime_nsec: k.ctime.nsec,
        st_ino: k.ino,
        ..Stat64::ZERO
    };
    buf.write(&st)?;
    Ok(0)
}

/// `stat64(path, buf)`: follows a final symlink.
pub fn sys_stat64(path: UserCStr, buf: UserPtr<Stat64>) -> SysResult {
    let i = lookup_at(DirFd(AT_FDCWD), &path.read_path()?, true)?;
    put_stat64(buf, &inode_stat(&i))
}

/// `lstat64(path, buf)`: a final symlink is reported itself.
pub fn sys_lstat64(path: UserCStr, buf: UserPtr<Stat64>) -> SysResult {
    let i = lookup_at(DirFd(AT_FDCWD), &path.read_path()?, false)?;
    put_stat64(buf, &inode_stat(&i))
}

/// `fstat64(fd, buf)`.
pub fn sys_fstat64(fd: Fd, buf: UserPtr<Stat64>) -> SysResult {
    let f = file(fd.0)?;
    put_stat64(buf, &file_stat(&f))
}

/// The `*at` flags `vfs_statx()` accepts (fs/stat.c); anything else is
/// `EINVAL`. The sync-type bits mean nothing to a local tree.
const STAT_AT_FLAGS: u32 =
    AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE;

/// `fstatat64(dirfd, path, buf, flags)`.
pub fn sys_fstatat64(
    dirfd: DirFd,
    path: UserCStr,
    buf: UserPtr<Stat64>,
    flags: AtFlags,
) -> SysResult {
    if flags.any(!STAT_AT_FLAGS) {
        return Err(EINVAL);
    }
    let t = target_at(dirfd, path, flags)?;
    put_stat64(buf, &target_stat(&t))
}

/// `statx(dirfd, path, flags, mask, buf)`: `cp_statx()` (fs/stat.c) into
/// `struct statx` (include/uapi/linux/stat.h). Like Linux, every basic
/// field is filled whatever `mask` asks, plus the mount id; there is no
/// birth time.
pub fn sys_statx(
    dirfd: DirFd,
    path: UserCStr,
    flags: AtFlags,
    mask: u32,
    buf: UserPtr<Statx>,
) -> SysResult {
    if mask & STATX__RESERVED != 0 || flags.has(AT_STATX_SYNC_TYPE) || flags.any(!STAT_AT_FLAGS) {
        return Err(EINVAL);
    }
    let k = target_stat(&target_at(dirfd, path, flags)?);
    let ts = |t: Timespec| StatxTimestamp {
        tv_sec: t.sec,
        tv_nsec: t.nsec,
        ..StatxTimestamp::ZERO
    };
    let stx = Statx {
        stx_mask: STATX_BASIC_STATS | STATX_MNT_ID,
        stx_blksize: k.blksize,
        stx_attributes: if k.mount_root {
            STATX_ATTR_MOUNT_ROOT
        } else {
            0
        },
        stx_nlink: k.nlink,
        stx_uid: k.uid,
        stx_gid: k.gid,
        stx_mode: k.mode as u16,
        stx_ino: k.ino,
        stx_size: k.size as u64,
        stx_blocks: k.blocks,
        stx_attributes_mask: STATX_ATTR_AUTOMOUNT | STATX_ATTR_MOUNT_ROOT | STATX_ATTR_DAX,
        stx_atime: ts(k.atime),
        stx_ctime: ts(k.ctime),
        stx_mtime: ts(k.mtime),
        stx_rdev_major: k.rdev.0,
        stx_rdev_minor: k.rdev.1,
        stx_dev_major: k.dev.0,
        stx_dev_minor: k.dev.1,
        stx_mnt_id: u64::from(k.mnt_id),
        ..Statx::ZERO
    };
    buf.write(&stx)?;
    Ok(0)
}

// ---------------------------------------------------------------------------
// Symlinks

/// `do_readlinkat()` (fs/stat.c): `bufsiz` (the length of `buf`, a C
/// `int`) `<= 0` is `EINVAL` before the path is even read; the target is
/// copied without a NUL, truncated to `bufsiz`. Not a symlink: `EINVAL`
/// (`ENOENT` for an empty path, which names `dirfd` itself, never a symlink
/// here).
fn readlink(dirfd: DirFd, path: UserCStr, buf: UserSlice<Write>) -> SysResult {
    let size = buf.len() as i32;
    if size <= 0 {
        return Err(EINVAL);
    }
    let path = path.read_path()?;
    if path.is_empty() {
        if dirfd.0 != AT_FDCWD {
            file(dirfd.0)?;
        }
        return Err(ENOENT);
    }
    let inode = lookup_at(dirfd, &path, false)?;
    let mut out = match &inode.kind {
        InodeKind::Symlink(target) => {
            let mut out = crate::mm::heap::try_vec(size as usize)?;
            target.with(|t| out.extend_from_slice(&t.bytes()[..t.len().min(size as usize)]));
            out
        }
        InodeKind::Proc(n) if n.is_link() => super::proc::readlink(*n)?,
        _ => return Err(EINVAL),
    };
    out.truncate(size as usize);
    buf.write_prefix(&out)?;
    Ok(out.len())
}

/// `readlink(path, buf, bufsiz)`.
pub fn sys_readlink(path: UserCStr, buf: UserSlice<Write>) -> SysResult {
    readlink(DirFd(AT_FDCWD), path, buf)
}

/// `readlinkat(dirfd, path, buf, bufsiz)`.
pub fn sys_readlinkat(dirfd: DirFd, path: UserCStr, buf: UserSlice<Write>) -> SysResult {
    readlink(dirfd, path, buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test_case]
    fn device_numbers_are_encoded_like_linux() {
        // new_encode_dev(): what glibc's major()/minor() take apart.
        assert_eq!(encode_dev((5, 1)), 0x501);
        assert_eq!(encode_dev((1, 3)), 0x103);
        assert_eq!(encode_dev((0, 1)), 0x1);
        assert_eq!(encode_dev((4, 0x123)), 0x10_0423);
        assert_eq!(encode_dev((0xfff, 0)), 0xf_ff00);
    }
}

//! File-system metadata and descriptor-control calls: the `stat` family
//! (`stat64`, `lstat64`, `fstat64`, `fstatat64`, `statx`), directory
//! reading (`getdents64`, `getdents`), `readlink`/`readlinkat`,
//! `fcntl`/`fcntl64`, `dup3`, `lseek`/`_llseek` and `faccessat`/`faccessat2`.
//!
//! Linux's VFS answers these from a `struct kstat` filled by
//! `generic_fillattr()` (fs/stat.c); here [`Kstat`] plays that part for the
//! read-only initramfs tree, the console and pipes, and each call copies it
//! out in its own layout. Paths are resolved as Linux's `path_init()`
//! (fs/namei.c) does: absolute paths ignore the directory descriptor,
//! relative ones start at the current directory (`AT_FDCWD`) or at the
//! directory behind the descriptor.

use super::args::{DirFd, Fd, SysResult};
use super::uaccess::{UserCStr, UserPtr, UserSlice, Write};
use crate::fs::file::{FileKind, FileRef, install_new};
use crate::fs::ramfs::{self, Device, Ino, NodeKind, Ramfs};
use crate::proc::with_current;
use abi::errno::*;
use abi::fcntl::*;
use abi::stat::*;
use abi::types::{Stat64, Statx, StatxTimestamp};
use alloc::vec::Vec;

// ---------------------------------------------------------------------------
// Kernel-internal constants (the Linux uapi ones are in `abi`).

/// `st_dev` of the root tree: anonymous device 0:1 (Linux gives its
/// `rootfs` an anonymous `0:N` number from `get_anon_bdev()`).
const ROOT_DEV: (u32, u32) = (0, 1);
/// `st_dev` of pipes: another anonymous device, as Linux's `pipefs` has.
const PIPEFS_DEV: (u32, u32) = (0, 12);
/// `st_blksize`: one page, as `generic_fillattr()` reports
/// (`1 << inode->i_blkbits`, `PAGE_SHIFT` for ramfs and pipes).
const BLKSIZE: u32 = 4096;
/// The mount id `statx` reports for the one mount there is.
const ROOT_MNT_ID: u64 = 1;
/// `fcntl(F_SETFL)` may change only these (`SETFL_MASK`, fs/fcntl.c).
const SETFL_MASK: u32 = O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME;
/// Open flags that only matter while opening: `do_dentry_open()` clears
/// them from `f_flags`, and `O_CLOEXEC` lives in the descriptor table, so
/// `F_GETFL` never shows them.
const OPEN_ONLY_FLAGS: u32 = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;

// ---------------------------------------------------------------------------
// struct kstat

/// What a `stat` call reports, before it is laid out for user space
/// (Linux's `struct kstat`, include/linux/stat.h).
#[derive(Clone, Copy, Debug)]
struct Kstat {
    /// Device holding the file, (major, minor).
    dev: (u32, u32),
    /// Never 0: glibc and busybox treat inode 0 as "deleted".
    ino: u64,
    mode: u32,
    nlink: u32,
    /// Device numbers of a device node, else (0, 0).
    rdev: (u32, u32),
    size: i64,
    /// 512-byte blocks.
    blocks: u64,
    blksize: u32,
    /// atime = mtime = ctime, seconds.
    time: u32,
    /// Is it the root of its mount (`STATX_ATTR_MOUNT_ROOT`)?
    mount_root: bool,
}

/// Linux's `new_encode_dev()` (include/linux/kdev_t.h), which
/// `huge_encode_dev()` uses for `st_dev`/`st_rdev` in `cp_new_stat64()`:
/// minor bits 0-7, major bits 8-19, the rest of the minor from bit 20.
fn encode_dev((major, minor): (u32, u32)) -> u64 {
    u64::from((minor & 0xff) | (major << 8) | ((minor & !0xff) << 12))
}

/// The device numbers of a device node (Documentation/admin-guide/
/// devices.txt). The tree keeps only which device a node is, so the
/// console's several names are told apart by name: `tty` is 5:0, `ttyN`
/// is 4:N, anything else (`console`) 5:1.
fn device_numbers(fs: &Ramfs, ino: Ino, dev: Device) -> (u32, u32) {
    match dev {
        Device::Null => (1, 3),
        Device::Zero => (1, 5),
        Device::Console => {
            let name = match &fs.node(fs.node(ino).parent).kind {
                NodeKind::Dir(children) => children
                    .iter()
                    .find(|&(_, &c)| c == ino)
                    .map(|(n, _)| n.as_str()),
                _ => None,
            };
            match name {
                Some("tty") => (5, 0),
                Some(n) => match n.strip_prefix("tty").and_then(|v| v.parse().ok()) {
                    Some(minor) => (4, minor),
                    None => (5, 1),
                },
                None => (5, 1),
            }
        }
    }
}

/// `generic_fillattr()` for a node of the tree. Directories count `.`, the
/// entry in their parent and the `..` of each subdirectory (Linux's ramfs:
/// `inc_nlink()` in `ramfs_mkdir()`); their size is 0, as on ramfs.
fn node_stat(fs: &Ramfs, ino: Ino) -> Kstat {
    let n = fs.node(ino);
    let (nlink, size, rdev) = match &n.kind {
        NodeKind::Dir(children) => {
            let subdirs = children.values().filter(|&&c| fs.node(c).is_dir()).count();
            (2 + subdirs as u32, 0, (0, 0))
        }
        NodeKind::File | NodeKind::Symlink => (1, n.data.len() as i64, (0, 0)),
        NodeKind::Device(d) => (1, 0, device_numbers(fs, ino, *d)),
    };
    Kstat {
        dev: ROOT_DEV,
        ino: ino as u64 + 1,
        mode: n.mode,
        nlink,
        rdev,
        size,
        blocks: (size as u64).div_ceil(512),
        blksize: BLKSIZE,
        time: n.mtime,
        mount_root: ino == fs.root_ino(),
    }
}

/// `vfs_fstat()`: what an open file refers to. A device file does not
/// remember its node (the console descriptors of init never had one), so
/// the `/dev` node for that device stands in, or a made-up one if the tree
/// has none. A pipe is a FIFO on the pipe file system, both ends sharing
/// one inode, as on Linux.
fn file_stat(f: &FileRef) -> Kstat {
    let kind = f.lock().kind;
    let fs = ramfs::root();
    match kind {
        FileKind::Regular(ino) | FileKind::Dir(ino) => node_stat(fs, ino),
        FileKind::Device(d) => {
            let path: &[u8] = match d {
                Device::Console => b"/dev/console",
                Device::Null => b"/dev/null",
                Device::Zero => b"/dev/zero",
            };
            match fs.lookup(path, fs.root_ino(), true) {
                Ok(ino) if matches!(fs.node(ino).kind, NodeKind::Device(x) if x == d) => {
                    node_stat(fs, ino)
                }
                _ => {
                    let rdev = match d {
                        Device::Console => (5, 1),
                        Device::Null => (1, 3),
                        Device::Zero => (1, 5),
                    };
                    Kstat {
                        dev: ROOT_DEV,
                        ino: 0xffff_0000 | encode_dev(rdev),
                        mode: S_IFCHR | 0o620,
                        nlink: 1,
                        rdev,
                        size: 0,
                        blocks: 0,
                        blksize: BLKSIZE,
                        time: 0,
                        mount_root: false,
                    }
                }
            }
        }
        FileKind::Pipe { id, .. } => Kstat {
            dev: PIPEFS_DEV,
            ino: u64::from(id),
            mode: S_IFIFO | 0o600,
            nlink: 1,
            rdev: (0, 0),
            size: 0,
            blocks: 0,
            blksize: BLKSIZE,
            time: 0,
            mount_root: false,
        },
    }
}

// ---------------------------------------------------------------------------
// Path arguments

fn file(fd: i32) -> Result<FileRef, Errno> {
    with_current(|t| t.files.get(fd))
}

/// The inode of the current directory.
fn cwd_ino() -> Result<Ino, Errno> {
    let cwd = with_current(|t| t.cwd.clone());
    let fs = ramfs::root();
    fs.lookup(cwd.as_bytes(), fs.root_ino(), true)
}

/// The directory a relative path starts from (`path_init()`): the current
/// directory for `AT_FDCWD`, else the directory open as `dirfd` (`EBADF`,
/// or `ENOTDIR` if it is not a directory).
fn start_dir(dirfd: DirFd) -> Result<Ino, Errno> {
    if dirfd.0 == AT_FDCWD {
        return cwd_ino();
    }
    match file(dirfd.0)?.lock().kind {
        FileKind::Dir(ino) => Ok(ino),
        _ => Err(ENOTDIR),
    }
}

/// Resolve a non-empty `path` relative to `dirfd`.
fn lookup_at(dirfd: DirFd, path: &[u8], follow: bool) -> Result<Ino, Errno> {
    if path.is_empty() {
        return Err(ENOENT);
    }
    let fs = ramfs::root();
    let start = if path[0] == b'/' {
        fs.root_ino()
    } else {
        start_dir(dirfd)?
    };
    fs.lookup(path, start, follow)
}

/// What an `*at` call operates on.
enum Target {
    Node(Ino),
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
            cwd_ino().map(Target::Node)
        } else {
            file(dirfd.0).map(Target::File)
        };
    }
    lookup_at(dirfd, &path, !flags.any(AT_SYMLINK_NOFOLLOW)).map(Target::Node)
}

fn target_stat(t: &Target) -> Kstat {
    match t {
        Target::Node(ino) => node_stat(ramfs::root(), *ino),
        Target::File(f) => file_stat(f),
    }
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
        st_uid: 0,
        st_gid: 0,
        st_rdev: encode_dev(k.rdev),
        st_size: k.size,
        st_blksize: k.blksize,
        st_blocks: k.blocks,
        st_atime: k.time,
        st_mtime: k.time,
        st_ctime: k.time,
        st_ino: k.ino,
        ..Stat64::ZERO
    };
    buf.write(&st)?;
    Ok(0)
}

/// `stat64(path, buf)`: follows a final symlink.
pub fn sys_stat64(path: UserCStr, buf: UserPtr<Stat64>) -> SysResult {
    let ino = lookup_at(DirFd(AT_FDCWD), &path.read_path()?, true)?;
    put_stat64(buf, &node_stat(ramfs::root(), ino))
}

/// `lstat64(path, buf)`: a final symlink is reported itself.
pub fn sys_lstat64(path: UserCStr, buf: UserPtr<Stat64>) -> SysResult {
    let ino = lookup_at(DirFd(AT_FDCWD), &path.read_path()?, false)?;
    put_stat64(buf, &node_stat(ramfs::root(), ino))
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
    let ts = |sec: u32| StatxTimestamp {
        tv_sec: i64::from(sec),
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
        stx_uid: 0,
        stx_gid: 0,
        stx_mode: k.mode as u16,
        stx_ino: k.ino,
        stx_size: k.size as u64,
        stx_blocks: k.blocks,
        stx_attributes_mask: STATX_ATTR_AUTOMOUNT | STATX_ATTR_MOUNT_ROOT | STATX_ATTR_DAX,
        stx_atime: ts(k.time),
        stx_ctime: ts(k.time),
        stx_mtime: ts(k.time),
        stx_rdev_major: k.rdev.0,
        stx_rdev_minor: k.rdev.1,
        stx_dev_major: k.dev.0,
        stx_dev_minor: k.dev.1,
        stx_mnt_id: ROOT_MNT_ID,
        ..Statx::ZERO
    };
    buf.write(&stx)?;
    Ok(0)
}

// ---------------------------------------------------------------------------
// Directories

/// `d_type` of a node (`fs_umode_to_dtype()`, fs/fs_types.c).
fn dtype(fs: &Ramfs, ino: Ino) -> u8 {
    match fs.node(ino).kind {
        NodeKind::Dir(_) => DT_DIR,
        NodeKind::File => DT_REG,
        NodeKind::Symlink => DT_LNK,
        NodeKind::Device(_) => DT_CHR,
    }
}

/// One directory record in the layout of `getdents64` or `getdents`.
/// `next` is the position after this entry (`d_off`, what `telldir` gives).
fn dirent(wide: bool, ino: u64, next: u64, dtype: u8, name: &[u8]) -> Vec<u8> {
    let mut r = Vec::new();
    if wide {
        // struct linux_dirent64 (include/linux/dirent.h): u64 d_ino,
        // s64 d_off, u16 d_reclen, u8 d_type, char d_name[]; each record
        // padded to 8 bytes (`filldir64()`, fs/readdir.c).
        let reclen = (19 + name.len() + 1).next_multiple_of(8);
        r.extend_from_slice(&ino.to_le_bytes());
        r.extend_from_slice(&next.to_le_bytes());
        r.extend_from_slice(&(reclen as u16).to_le_bytes());
        r.push(dtype);
        r.extend_from_slice(name);
        r.resize(reclen, 0);
    } else {
        // struct linux_dirent (fs/readdir.c): unsigned long d_ino, d_off,
        // u16 d_reclen, char d_name[], a NUL, padding, then d_type in the
        // record's last byte; padded to 4 bytes (`filldir()`).
        let reclen = (10 + name.len() + 2).next_multiple_of(4);
        r.extend_from_slice(&(ino as u32).to_le_bytes());
        r.extend_from_slice(&(next as u32).to_le_bytes());
        r.extend_from_slice(&(reclen as u16).to_le_bytes());
        r.extend_from_slice(name);
        r.resize(reclen, 0);
        r[reclen - 1] = dtype;
    }
    r
}

/// `getdents64`/`getdents`: Linux's `dcache_readdir()` (fs/libfs.c) over a
/// tree directory. The file position counts entries: 0 is `.`, 1 is `..`,
/// 2.. the names in order. Records are added while they fit in `count`
/// (the length of `dirp`); if not even the first fits, `EINVAL`.
fn getdents(fd: Fd, dirp: UserSlice<Write>, wide: bool) -> SysResult {
    let f = file(fd.0)?;
    let count = dirp.len();
    let mut of = f.lock();
    let FileKind::Dir(dir) = of.kind else {
        return Err(ENOTDIR);
    };
    let fs = ramfs::root();
    let node = fs.node(dir);
    let NodeKind::Dir(children) = &node.kind else {
        return Err(ENOTDIR);
    };
    let dots = [(&b"."[..], dir), (&b".."[..], node.parent)];
    let entries = dots
        .into_iter()
        .chain(children.iter().map(|(n, &i)| (n.as_bytes(), i)))
        .skip(of.offset);
    let mut out = Vec::new();
    let mut pos = of.offset;
    for (name, ino) in entries {
        let rec = dirent(wide, ino as u64 + 1, pos as u64 + 1, dtype(fs, ino), name);
        if out.len() + rec.len() > count {
            if out.is_empty() {
                return Err(EINVAL);
            }
            break;
        }
        out.extend_from_slice(&rec);
        pos += 1;
    }
    dirp.write_prefix(&out)?;
    of.offset = pos;
    Ok(out.len())
}

/// `getdents64(fd, dirp, count)`.
pub fn sys_getdents64(fd: Fd, dirp: UserSlice<Write>) -> SysResult {
    getdents(fd, dirp, true)
}

/// `getdents(fd, dirp, count)`: the old record layout.
pub fn sys_getdents(fd: Fd, dirp: UserSlice<Write>) -> SysResult {
    getdents(fd, dirp, false)
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
    let fs = ramfs::root();
    let node = fs.node(lookup_at(dirfd, &path, false)?);
    if !matches!(node.kind, NodeKind::Symlink) {
        return Err(EINVAL);
    }
    let n = node.data.len().min(size as usize);
    buf.write_prefix(&node.data[..n])?;
    Ok(n)
}

/// `readlink(path, buf, bufsiz)`.
pub fn sys_readlink(path: UserCStr, buf: UserSlice<Write>) -> SysResult {
    readlink(DirFd(AT_FDCWD), path, buf)
}

/// `readlinkat(dirfd, path, buf, bufsiz)`.
pub fn sys_readlinkat(dirfd: DirFd, path: UserCStr, buf: UserSlice<Write>) -> SysResult {
    readlink(dirfd, path, buf)
}

// ---------------------------------------------------------------------------
// fcntl and dup3

/// Record locks (`fcntl_getlk()`/`fcntl_setlk()`, fs/locks.c). With one
/// process per file and nothing to conflict with, a lock is always granted
/// and a test always finds the range free; the arguments are still checked
/// as Linux checks them. `wide`: `struct flock64` (i386: two shorts, two
/// 4-byte-aligned `loff_t`, a pid: 24 bytes) rather than `struct flock`
/// (32-bit `off_t`: 16 bytes); both are read as bytes to keep that layout.
/// `arg` is `fcntl`'s third argument, the structure's address.
fn lock(f: &FileRef, arg: u32, wide: bool, get: bool, ofd: bool) -> SysResult {
    let addr = arg as usize;
    if wide {
        lock_as::<24>(f, UserPtr::new(addr), get, ofd)
    } else {
        lock_as::<16>(f, UserPtr::new(addr), get, ofd)
    }
}

/// [`lock`] on the `N` bytes of a `struct flock` (16) or `flock64` (24).
fn lock_as<const N: usize>(
    f: &FileRef,
    flock: UserPtr<[u8; N]>,
    get: bool,
    ofd: bool,
) -> SysResult {
    let mut raw = flock.read()?;
    let l_type = i16::from_le_bytes([raw[0], raw[1]]);
    let l_whence = i16::from_le_bytes([raw[2], raw[3]]);
    let l_pid = i32::from_le_bytes(raw[N - 4..].try_into().unwrap_or([0; 4]));
    if ofd && l_pid != 0 {
        return Err(EINVAL);
    }
    if !(0..=2).contains(&l_whence) {
        return Err(EINVAL);
    }
    let acc = f.lock().flags & O_ACCMODE;
    match l_type {
        F_RDLCK | F_WRLCK if get => {
            raw[0..2].copy_from_slice(&F_UNLCK.to_le_bytes());
            flock.write(&raw)?;
            Ok(0)
        }
        F_RDLCK if acc == O_WRONLY => Err(EBADF),
        F_WRLCK if acc == O_RDONLY => Err(EBADF),
        F_RDLCK | F_WRLCK | F_UNLCK if !get => Ok(0),
        _ => Err(EINVAL),
    }
}

/// `do_fcntl()` (fs/fcntl.c). `fcntl64` differs only in taking
/// `struct flock64` for `F_GETLK64`/`F_SETLK64`/`F_SETLKW64` and the OFD
/// commands. `arg` is a number or an address, depending on `cmd`.
fn fcntl(fd: Fd, cmd: u32, arg: u32, is64: bool) -> SysResult {
    let fd = fd.0;
    let f = file(fd)?;
    match cmd {
        F_DUPFD | F_DUPFD_CLOEXEC => {
            // `f_dupfd()`: a start past RLIMIT_NOFILE is EINVAL.
            if arg as usize >= with_current(|t| t.nofile_limit()) {
                return Err(EINVAL);
            }
            let cloexec = cmd == F_DUPFD_CLOEXEC;
            install_new(f, cloexec, arg as usize).map(|fd| fd as usize)
        }
        F_GETFD => {
            with_current(|t| t.files.cloexec(fd)).map(|c| if c { FD_CLOEXEC as usize } else { 0 })
        }
        F_SETFD => with_current(|t| t.files.set_cloexec(fd, arg & FD_CLOEXEC != 0)).map(|_| 0),
        F_GETFL => Ok((f.lock().flags & !OPEN_ONLY_FLAGS) as usize),
        F_SETFL => {
            // `setfl()`: O_NDELAY is O_NONBLOCK here; O_DIRECT needs a file
            // that supports direct I/O (none here) or a pipe (packet mode).
            let mut of = f.lock();
            if arg & O_DIRECT != 0 && !matches!(of.kind, FileKind::Pipe { .. }) {
                return Err(EINVAL);
            }
            of.flags = (arg & SETFL_MASK) | (of.flags & !SETFL_MASK);
            Ok(0)
        }
        F_GETLK | F_SETLK | F_SETLKW => lock(&f, arg, false, cmd == F_GETLK, false),
        F_GETLK64 | F_SETLK64 | F_SETLKW64 if is64 => lock(&f, arg, true, cmd == F_GETLK64, false),
        F_OFD_GETLK | F_OFD_SETLK | F_OFD_SETLKW => lock(&f, arg, is64, cmd == F_OFD_GETLK, true),
        // No SIGIO: no owner and the default signal, as for a file never
        // given one.
        F_GETOWN | F_GETSIG => Ok(0),
        F_SETOWN | F_SETSIG => Ok(0),
        // `pipe_fcntl()` (fs/pipe.c): EBADF for anything but a pipe.
        F_GETPIPE_SZ | F_SETPIPE_SZ => match f.lock().kind {
            FileKind::Pipe { .. } if cmd == F_GETPIPE_SZ => Ok(crate::fs::pipe::PIPE_CAPACITY),
            FileKind::Pipe { .. } => Err(EPERM),
            _ => Err(EBADF),
        },
        _ => Err(EINVAL),
    }
}

/// `fcntl(fd, cmd, arg)`.
pub fn sys_fcntl(fd: Fd, cmd: u32, arg: u32) -> SysResult {
    fcntl(fd, cmd, arg, false)
}

/// `fcntl64(fd, cmd, arg)`.
pub fn sys_fcntl64(fd: Fd, cmd: u32, arg: u32) -> SysResult {
    fcntl(fd, cmd, arg, true)
}

/// `dup3(old, new, flags)` (`ksys_dup3()`, fs/file.c): like `dup2`, but
/// `old == new` is `EINVAL` and `O_CLOEXEC` may be given.
pub fn sys_dup3(old: Fd, new: Fd, flags: u32) -> SysResult {
    if flags & !O_CLOEXEC != 0 || old == new {
        return Err(EINVAL);
    }
    do_dup2(old, new, flags & O_CLOEXEC != 0)
}

/// `do_dup2()` (fs/file.c), for `dup2` and `dup3`: `new` past
/// `RLIMIT_NOFILE` is `EBADF`, then `old` must be open.
pub fn do_dup2(old: Fd, new: Fd, cloexec: bool) -> SysResult {
    let limit = with_current(|t| t.nofile_limit());
    let Some(at) = usize::try_from(new.0).ok().filter(|&n| n < limit) else {
        return Err(EBADF);
    };
    let f = file(old.0)?;
    // Whatever leaves the table (the file that was at `new`, or ours if it
    // is refused) is dropped here, after the task borrow ends: a pipe end
    // closing wakes sleepers.
    let replaced = with_current(|t| t.files.install_at(at, f, cloexec, limit));
    match replaced {
        Ok(old_file) => {
            drop(old_file);
            Ok(at)
        }
        Err((e, ours)) => {
            drop(ours);
            Err(e)
        }
    }
}

// ---------------------------------------------------------------------------
// lseek

/// `vfs_llseek()` with each file's `llseek`: `generic_file_llseek()` for
/// regular files (SEEK_DATA/SEEK_HOLE see one extent of data),
/// `dcache_dir_lseek()` for directories (only SET and CUR; the position is
/// an entry index), `null_lseek()` for /dev/null and /dev/zero (always 0),
/// and `ESPIPE` for the console and pipes. `whence` is already `<= SEEK_MAX`.
pub(super) fn seek(f: &FileRef, offset: i64, whence: u32) -> Result<i64, Errno> {
    let mut of = f.lock();
    let pos = of.offset as i64;
    let new = match of.kind {
        FileKind::Regular(ino) => {
            let size = ramfs::root().node(ino).data.len() as i64;
            match whence {
                SEEK_SET => offset,
                SEEK_CUR => pos.checked_add(offset).ok_or(EINVAL)?,
                SEEK_END => size.checked_add(offset).ok_or(EINVAL)?,
                SEEK_DATA if (0..size).contains(&offset) => offset,
                SEEK_HOLE if (0..size).contains(&offset) => size,
                SEEK_DATA | SEEK_HOLE => return Err(ENXIO),
                _ => return Err(EINVAL),
            }
        }
        FileKind::Dir(_) => match whence {
            SEEK_SET => offset,
            SEEK_CUR => pos.checked_add(offset).ok_or(EINVAL)?,
            _ => return Err(EINVAL),
        },
        FileKind::Device(Device::Null | Device::Zero) => 0,
        FileKind::Device(Device::Console) | FileKind::Pipe { .. } => return Err(ESPIPE),
    };
    // `vfs_setpos()`: negative or past what the offset can hold.
    if new < 0 || new > usize::MAX as i64 {
        return Err(EINVAL);
    }
    of.offset = new as usize;
    Ok(new)
}

/// `lseek(fd, offset, whence)` with a 32-bit `off_t` (`ksys_lseek()`,
/// fs/read_write.c): a result that does not fit is `EOVERFLOW`, though the
/// position has moved, as on Linux.
pub fn sys_lseek(fd: Fd, offset: i32, whence: u32) -> SysResult {
    let f = file(fd.0)?;
    if whence > SEEK_MAX {
        return Err(EINVAL);
    }
    let new = seek(&f, i64::from(offset), whence)?;
    if new > i64::from(i32::MAX) {
        return Err(EOVERFLOW);
    }
    Ok(new as usize)
}

/// `_llseek(fd, offset_high, offset_low, result, whence)` (fs/read_write.c):
/// the 64-bit result goes to `*result`.
pub fn sys_llseek(
    fd: Fd,
    offset_high: u32,
    offset_low: u32,
    result: UserPtr<i64>,
    whence: u32,
) -> SysResult {
    let f = file(fd.0)?;
    if whence > SEEK_MAX {
        return Err(EINVAL);
    }
    let offset = ((u64::from(offset_high) << 32) | u64::from(offset_low)) as i64;
    let new = seek(&f, offset, whence)?;
    result.write(&new)?;
    Ok(0)
}

// ---------------------------------------------------------------------------
// faccessat

/// `do_faccessat()` (fs/open.c) for root on a read-only tree: asking to
/// write a file, directory or symlink is `EROFS` (devices and pipes are
/// writable); asking to execute a non-directory without any `x` bit is
/// `EACCES` (`generic_permission()`: even root needs one); all else is
/// allowed.
fn faccessat(dirfd: DirFd, path: UserCStr, mode: u32, flags: AtFlags) -> SysResult {
    // F_OK, X_OK, W_OK, R_OK: the `rwx` bits.
    if mode & !S_IRWXO != 0 {
        return Err(EINVAL);
    }
    if flags.any(!(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
        return Err(EINVAL);
    }
    let k = target_stat(&target_at(dirfd, path, flags)?);
    let fmt = k.mode & S_IFMT;
    if mode & W_OK != 0 && matches!(fmt, S_IFREG | S_IFDIR | S_IFLNK) {
        return Err(EROFS);
    }
    if mode & X_OK != 0 && fmt != S_IFDIR && k.mode & 0o111 == 0 {
        return Err(EACCES);
    }
    Ok(0)
}

/// `access(path, mode)`: `faccessat(AT_FDCWD, path, mode)`, as Linux's
/// `do_faccessat` serves both.
pub fn sys_access(path: UserCStr, mode: u32) -> SysResult {
    faccessat(DirFd(AT_FDCWD), path, mode, AtFlags::from_bits(0))
}

/// `faccessat(dirfd, path, mode)`: no flags.
pub fn sys_faccessat(dirfd: DirFd, path: UserCStr, mode: u32) -> SysResult {
    faccessat(dirfd, path, mode, AtFlags::from_bits(0))
}

/// `faccessat2(dirfd, path, mode, flags)`.
pub fn sys_faccessat2(dirfd: DirFd, path: UserCStr, mode: u32, flags: AtFlags) -> SysResult {
    faccessat(dirfd, path, mode, flags)
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

    #[test_case]
    fn dirent64_records() {
        let r = dirent(true, 7, 3, DT_REG, b"init");
        // 19-byte header + "init" + NUL = 24, already 8-aligned.
        assert_eq!(r.len(), 24);
        assert_eq!(u64::from_le_bytes(r[0..8].try_into().unwrap()), 7);
        assert_eq!(u64::from_le_bytes(r[8..16].try_into().unwrap()), 3);
        assert_eq!(u16::from_le_bytes([r[16], r[17]]), 24);
        assert_eq!(r[18], DT_REG);
        assert_eq!(&r[19..24], b"init\0");
        // "." needs 21 bytes: padded to 24.
        assert_eq!(dirent(true, 1, 1, DT_DIR, b".").len(), 24);
        assert_eq!(dirent(true, 1, 1, DT_DIR, b"abcdef").len(), 32);
    }

    #[test_case]
    fn old_dirent_records_end_with_d_type() {
        let r = dirent(false, 9, 2, DT_DIR, b"..");
        // 10-byte header + ".." + NUL + d_type = 14, padded to 16.
        assert_eq!(r.len(), 16);
        assert_eq!(u32::from_le_bytes(r[0..4].try_into().unwrap()), 9);
        assert_eq!(u32::from_le_bytes(r[4..8].try_into().unwrap()), 2);
        assert_eq!(u16::from_le_bytes([r[8], r[9]]), 16);
        assert_eq!(&r[10..13], b"..\0");
        assert_eq!(r[15], DT_DIR);
    }
}

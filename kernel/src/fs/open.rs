//! Opening files and changing their attributes (Linux's fs/open.c):
//! `open`, `openat`, `creat`, `close`, `chdir`, `fchdir`, `chroot`,
//! `getcwd`, `access`/`faccessat(2)`, `truncate`/`ftruncate` (and the 64-bit
//! forms), `fallocate`, `chmod`/`fchmod`/`fchmodat`, the `chown` family
//! and `umask`.

use super::file::{FileKind, FileRef, OpenFile, PathRef, install_new};
use super::inode::{Data, InodeKind, InodeRef};
use super::namei::inode_permission;
use super::namei::{self, Last, file, lookup_at, lookup_at_path, lookup_parent};
use super::stat::target_inode;
use super::{namespace, pipe, proc, tmpfs};
use crate::proc::cred::{Cred, MAY_EXEC, MAY_READ, MAY_WRITE};
use crate::proc::with_current;
use crate::syscall::args::{DirFd, Fd, Mode, OpenHow, SysResult};
use crate::syscall::uaccess::{UserCStr, UserSlice, Write};
use abi::cred::{CAP_CHOWN, CAP_FSETID, CAP_SYS_CHROOT};
use abi::errno::*;
use abi::fcntl::*;
use abi::stat::{S_IFMT, S_IFREG, S_IRWXO, S_ISGID, S_ISUID};

/// What `open` accepts in `flags` besides the access mode
/// (`VALID_OPEN_FLAGS`); others are ignored, as Linux ignores them.
const O_PATH_FLAGS: u32 = O_DIRECTORY | O_NOFOLLOW | O_PATH | O_CLOEXEC;

/// `do_sys_openat2()` → `path_openat()` → `do_open()`: resolve (and with
/// `O_CREAT` make) the file, check what the flags ask of it, and make the
/// open file description. The descriptor is installed by the caller.
pub fn do_open(dirfd: DirFd, path: &[u8], flags: u32, mode: u32) -> Result<FileRef, Errno> {
    if flags & O_TMPFILE == O_TMPFILE {
        return Err(EOPNOTSUPP); // O_TMPFILE: not yet
    }
    let path_only = flags & O_PATH != 0;
    // O_PATH keeps only the flags that make sense for it (`build_open_flags`).
    let flags = if path_only {
        flags & O_PATH_FLAGS
    } else {
        flags
    };
    let acc = flags & O_ACCMODE;
    let write = acc == O_WRONLY || acc == O_RDWR;
    let mut created = false;
    let (inode, at) = if flags & O_CREAT != 0 && !path_only {
        let (i, new, at) = open_create(dirfd, path, flags, mode)?;
        created = new;
        (i, at)
    } else {
        let (i, at) = lookup_at_path(dirfd, path, flags & O_NOFOLLOW == 0)?;
        if i.is_symlink() && !path_only {
            return Err(ELOOP); // O_NOFOLLOW on a symlink
        }
        (i, at)
    };
    if flags & O_DIRECTORY != 0 && !inode.is_dir() {
        return Err(ENOTDIR);
    }
    let opened = |kind, inode, flags| {
        let f = OpenFile::new(kind, Some(inode), flags);
        f.lock().path = at.clone();
        f
    };
    if path_only {
        return Ok(opened(FileKind::Path, inode, flags));
    }
    if !created {
        may_open(&inode, flags)?;
    }
    let kind = match &inode.kind {
        InodeKind::Dir(_) => {
            if write || flags & O_TRUNC != 0 && flags & O_CREAT != 0 {
                return Err(EISDIR);
            }
            FileKind::Dir
        }
        InodeKind::Proc(n) if n.is_dir() => {
            if write || flags & O_TRUNC != 0 && flags & O_CREAT != 0 {
                return Err(EISDIR);
            }
            FileKind::Dir
        }
        InodeKind::Proc(n) if n.is_link() => return Err(ELOOP),
        InodeKind::Proc(n) => {
            proc::may_open(*n)?;
            FileKind::Proc
        }
        InodeKind::File(_) => {
            if flags & O_TRUNC != 0 {
                truncate_inode(&inode, 0)?;
            }
            FileKind::Regular
        }
        InodeKind::Symlink(_) => return Err(ELOOP),
        InodeKind::CharDev => {
            FileKind::Device(super::char_dev::open(inode.meta.with(|m| m.rdev), flags)?)
        }
        InodeKind::Fifo(slot) => {
            let (r, w) = match acc {
                O_RDONLY => (true, false),
                O_WRONLY => (false, true),
                _ => (true, true),
            };
            let is_pipe = inode.is_pipefs();
            let id = pipe::fifo_open(slot, r, w, flags & O_NONBLOCK != 0, is_pipe)?;
            let s = pipe::status(id);
            let version = if r && !w && s.writers == 0 && !is_pipe {
                s.w_counter
            } else {
                0
            };
            let f = opened(FileKind::Pipe { id, write: !r }, inode.clone(), kept(flags));
            f.lock().version = version;
            return Ok(f);
        }
    };
    Ok(opened(kind, inode.clone(), kept(flags)))
}

/// The status flags an open file keeps (`f_flags`): the creation flags
/// are for open only.
fn kept(flags: u32) -> u32 {
    flags & !(O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC)
}

/// The `O_CREAT` half of `open_last_lookups()`: an existing file is opened
/// (`EEXIST` with `O_EXCL`, which never follows a final symlink); a
/// missing one is made, a regular file with `mode` less the umask. Returns
/// the inode, whether it was made, and where it is.
fn open_create(
    dirfd: DirFd,
    path: &[u8],
    flags: u32,
    mode: u32,
) -> Result<(InodeRef, bool, Option<PathRef>), Errno> {
    let (dir, last, trailing) = lookup_parent(dirfd, path)?;
    let name = match last {
        Last::Norm(n) => n,
        // `.`, `..`, `/`: directories, which O_CREAT cannot open.
        _ => return Err(EISDIR),
    };
    let at = |dir: &InodeRef, name: alloc::vec::Vec<u8>| {
        crate::mm::heap::for_user(|| {
            alloc::sync::Arc::try_new(super::file::FilePath {
                dir: dir.clone(),
                name,
            })
        })
        .map_err(|_| ENOMEM)
    };
    if let Some(existing) = dir.lookup(&name)? {
        if flags & O_EXCL != 0 {
            return Err(EEXIST);
        }
        if existing.is_symlink() {
            if flags & O_NOFOLLOW != 0 {
                return Err(ELOOP);
            }
            let (i, p) = lookup_at_path(dirfd, path, true)?;
            return Ok((i, false, p));
        }
        if trailing && !existing.is_dir() {
            return Err(ENOTDIR);
        }
        if existing.is_dir() {
            return Err(EISDIR);
        }
        return Ok((existing, false, Some(at(&dir, name)?)));
    }
    if trailing {
        return Err(EISDIR);
    }
    let mode = S_IFREG | (mode & 0o7777 & !namei::umask());
    let inode = namei::create_in(&dir, &name, mode, (0, 0), Data::Static(&[]))?;
    Ok((inode, true, Some(at(&dir, name)?)))
}

/// Linux's `may_open`: the access the flags ask for (`O_TRUNC` writes),
/// checked against the inode's mode; writing a directory is `EISDIR`.
/// A file the call has just created is not checked (`FMODE_CREATED`).
fn may_open(inode: &InodeRef, flags: u32) -> Result<(), Errno> {
    let mut want = match flags & O_ACCMODE {
        O_RDONLY => MAY_READ,
        O_WRONLY => MAY_WRITE,
        _ => MAY_READ | MAY_WRITE,
    };
    if flags & O_TRUNC != 0 {
        want |= MAY_WRITE;
    }
    if inode.is_dir() && want & MAY_WRITE != 0 {
        return Err(EISDIR);
    }
    inode_permission(&namei::cred(), inode, want)?;
    // A device node on a `nodev` mount opens nothing; nothing is written
    // on a read-only one.
    if matches!(inode.kind, InodeKind::CharDev)
        && namespace::mnt_flags(inode) & namespace::MNT_NODEV != 0
    {
        return Err(EACCES);
    }
    if want & MAY_WRITE != 0 && matches!(inode.kind, InodeKind::File(_) | InodeKind::Dir(_)) {
        namespace::mnt_want_write(inode)?;
    }
    Ok(())
}

/// `open(path, flags, mode)`.
pub fn sys_open(path: UserCStr, how: OpenHow) -> SysResult {
    let path = path.read_path()?;
    let f = do_open(DirFd(AT_FDCWD), &path, how.flags.bits(), how.mode)?;
    install_new(f, how.flags.any(O_CLOEXEC), 0).map(|fd| fd as usize)
}

/// `openat(dirfd, path, flags, mode)`.
pub fn sys_openat(dirfd: DirFd, path: UserCStr, how: OpenHow) -> SysResult {
    let path = path.read_path()?;
    let f = do_open(dirfd, &path, how.flags.bits(), how.mode)?;
    install_new(f, how.flags.any(O_CLOEXEC), 0).map(|fd| fd as usize)
}

/// `creat(path, mode)`: `open(path, O_CREAT|O_WRONLY|O_TRUNC, mode)`.
pub fn sys_creat(path: UserCStr, Mode(mode): Mode) -> SysResult {
    let path = path.read_path()?;
    let f = do_open(DirFd(AT_FDCWD), &path, O_CREAT | O_WRONLY | O_TRUNC, mode)?;
    install_new(f, false, 0).map(|fd| fd as usize)
}

/// `close(fd)`.
pub fn sys_close(fd: Fd) -> SysResult {
    let (pid, file) = with_current(|t| (t.tgid, t.files.close(fd.0)));
    let file = file?;
    // POSIX: closing any descriptor of a file drops the process's record
    // locks on it (`filp_close` → `locks_remove_posix`).
    super::locks::close_posix(pid, &file);
    // The file is dropped here, after the task borrow ends.
    drop(file);
    Ok(0)
}

// ---------------------------------------------------------------------------
// The working directory and the root

/// `getcwd(buf, size)`: returns the length including the NUL; a working
/// directory removed from the tree is `ENOENT`, as on Linux.
pub fn sys_getcwd(buf: UserSlice<Write>) -> SysResult {
    let cwd = namei::cwd();
    if tmpfs::dir_of(&cwd).is_ok_and(|d| d.with(|d| d.dead)) {
        return Err(ENOENT);
    }
    let mut path = namei::path_of(&cwd).ok_or(ENOENT)?;
    path.push(0);
    if buf.len() < path.len() {
        return Err(ERANGE);
    }
    // Only the bytes written must be valid user memory, as on Linux.
    buf.write_prefix(&path)?;
    Ok(path.len())
}

/// `chdir(path)`.
pub fn sys_chdir(path: UserCStr) -> SysResult {
    let path = path.read_path()?;
    let dir = lookup_at(DirFd(AT_FDCWD), &path, true)?;
    if !dir.is_dir() {
        return Err(ENOTDIR);
    }
    inode_permission(&namei::cred(), &dir, MAY_EXEC)?;
    // The old one is dropped after the borrow.
    let old = with_current(|t| core::mem::replace(&mut t.fs.cwd, dir));
    drop(old);
    Ok(0)
}

/// `fchdir(fd)`: to the directory open as `fd`.
pub fn sys_fchdir(fd: Fd) -> SysResult {
    let f = file(fd.0)?;
    let inode = f.lock().inode.clone();
    let dir = inode.filter(|i| i.is_dir()).ok_or(ENOTDIR)?;
    inode_permission(&namei::cred(), &dir, MAY_EXEC)?;
    let old = with_current(|t| core::mem::replace(&mut t.fs.cwd, dir));
    drop(old);
    Ok(0)
}

/// `chroot(path)`: the process's root becomes `path`'s directory (root
/// only: `EPERM` otherwise, once there are users).
pub fn sys_chroot(path: UserCStr) -> SysResult {
    let path = path.read_path()?;
    let dir = lookup_at(DirFd(AT_FDCWD), &path, true)?;
    if !dir.is_dir() {
        return Err(ENOTDIR);
    }
    let cred = namei::cred();
    inode_permission(&cred, &dir, MAY_EXEC)?;
    if !cred.capable(CAP_SYS_CHROOT) {
        return Err(EPERM);
    }
    let old = with_current(|t| core::mem::replace(&mut t.fs.root, dir));
    drop(old);
    Ok(0)
}

/// `umask(mask)`: set the file-creation mask, return the old one.
pub fn sys_umask(Mode(mask): Mode) -> SysResult {
    Ok(with_current(|t| core::mem::replace(&mut t.fs.umask, mask & 0o777)) as usize)
}

// ---------------------------------------------------------------------------
// access

/// `do_faccessat()` as root: every access is allowed but executing a
/// non-directory without any `x` bit (`generic_permission()`: even root
/// needs one).
fn faccessat(dirfd: DirFd, path: UserCStr, mode: u32, flags: AtFlags) -> SysResult {
    // F_OK, X_OK, W_OK, R_OK: the `rwx` bits.
    if mode & !S_IRWXO != 0 {
        return Err(EINVAL);
    }
    if flags.any(!(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
        return Err(EINVAL);
    }
    // `access_override_creds`: the real ids, unless AT_EACCESS.
    let cred = namei::cred();
    let check = if flags.any(AT_EACCESS) {
        cred
    } else {
        let mut c = Cred::clone(&cred);
        c.fsuid = c.uid;
        c.fsgid = c.gid;
        alloc::sync::Arc::new(c)
    };
    let old = with_current(|t| core::mem::replace(&mut t.cred, check.clone()));
    let r = target_inode(dirfd, path, flags);
    let old = with_current(|t| core::mem::replace(&mut t.cred, old));
    drop(old);
    let Some(inode) = r? else {
        return Ok(0);
    };
    if mode == F_OK {
        return Ok(0);
    }
    inode_permission(&check, &inode, mode)?;
    Ok(0)
}

/// `access(path, mode)`.
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

// ---------------------------------------------------------------------------
// truncate, fallocate

/// Set a file's size (`do_truncate`): `EISDIR` for a directory, `EINVAL`
/// for anything else that is not a regular file; mtime and ctime change.
/// A size past `RLIMIT_FSIZE` is `EFBIG` (and `SIGXFSZ`).
fn truncate_inode(inode: &InodeRef, len: i64) -> Result<(), Errno> {
    if len < 0 {
        return Err(EINVAL);
    }
    match inode.kind {
        InodeKind::File(_) => {}
        InodeKind::Dir(_) => return Err(EISDIR),
        _ => return Err(EINVAL),
    }
    let len = usize::try_from(len).map_err(|_| EFBIG)?;
    if len > super::read_write::fsize_limit() {
        return Err(super::read_write::fsize_exceeded());
    }
    tmpfs::truncate(inode, len)?;
    inode.touch_mtime();
    Ok(())
}

fn truncate_path(path: UserCStr, len: i64) -> SysResult {
    let path = path.read_path()?;
    let inode = lookup_at(DirFd(AT_FDCWD), &path, true)?;
    if inode.is_dir() {
        return Err(EISDIR);
    }
    inode_permission(&namei::cred(), &inode, MAY_WRITE)?;
    namespace::mnt_want_write(&inode)?;
    truncate_inode(&inode, len)?;
    Ok(0)
}

/// `ftruncate`: the file must be open for writing (`EINVAL` otherwise, as
/// `do_sys_ftruncate` says for a file without `FMODE_WRITE`).
fn ftruncate(fd: Fd, len: i64) -> SysResult {
    let f = file(fd.0)?;
    let (inode, flags, kind) = {
        let of = f.lock();
        (of.inode.clone(), of.flags, of.kind)
    };
    if kind == FileKind::Path {
        return Err(EBADF);
    }
    let inode = inode.ok_or(EINVAL)?;
    if flags & O_ACCMODE == O_RDONLY || !matches!(inode.kind, InodeKind::File(_)) {
        return Err(EINVAL);
    }
    truncate_inode(&inode, len)?;
    Ok(0)
}

/// `truncate(path, length)` with a 32-bit length.
pub fn sys_truncate(path: UserCStr, len: i32) -> SysResult {
    truncate_path(path, i64::from(len))
}

/// `ftruncate(fd, length)` with a 32-bit length.
pub fn sys_ftruncate(fd: Fd, len: i32) -> SysResult {
    ftruncate(fd, i64::from(len))
}

/// `truncate64(path, length)`: the length in two registers, low first.
pub fn sys_truncate64(path: UserCStr, lo: u32, hi: u32) -> SysResult {
    truncate_path(path, ((u64::from(hi) << 32) | u64::from(lo)) as i64)
}

/// `ftruncate64(fd, length)`.
pub fn sys_ftruncate64(fd: Fd, lo: u32, hi: u32) -> SysResult {
    ftruncate(fd, ((u64::from(hi) << 32) | u64::from(lo)) as i64)
}

/// `fallocate(fd, mode, offset, len)` with 64-bit offset and length in
/// register pairs: mode 0 (and `FALLOC_FL_KEEP_SIZE`) make sure the range
/// is backed; tmpfs files are dense, so that means growing the size.
pub fn sys_fallocate(
    fd: Fd,
    mode: u32,
    off_lo: u32,
    off_hi: u32,
    len_lo: u32,
    len_hi: u32,
) -> SysResult {
    const FALLOC_FL_KEEP_SIZE: u32 = 1;
    let off = ((u64::from(off_hi) << 32) | u64::from(off_lo)) as i64;
    let len = ((u64::from(len_hi) << 32) | u64::from(len_lo)) as i64;
    let f = file(fd.0)?;
    let (inode, flags) = {
        let of = f.lock();
        (of.inode.clone(), of.flags)
    };
    if off < 0 || len <= 0 {
        return Err(EINVAL);
    }
    if mode & !FALLOC_FL_KEEP_SIZE != 0 {
        return Err(EOPNOTSUPP);
    }
    if flags & O_ACCMODE == O_RDONLY {
        return Err(EBADF);
    }
    let inode = inode.ok_or(ESPIPE)?;
    match inode.kind {
        InodeKind::File(_) => {}
        InodeKind::Dir(_) => return Err(EISDIR),
        InodeKind::Fifo(_) => return Err(ESPIPE),
        _ => return Err(ENODEV),
    }
    let end = off.checked_add(len).ok_or(EFBIG)?;
    if mode & FALLOC_FL_KEEP_SIZE == 0 && end as usize > inode.size() {
        truncate_inode(&inode, end)?;
    }
    Ok(0)
}

// ---------------------------------------------------------------------------
// chmod, chown

/// `chmod_common()`: the permission bits change, the type stays; ctime.
fn chmod_inode(inode: &InodeRef, mode: u32) -> SysResult {
    // `setattr_prepare`: only the owner (or CAP_FOWNER); the set-group-ID
    // bit goes unless the caller is in the file's group or has CAP_FSETID.
    let cred = namei::cred();
    if !namei::owner_or_capable(&cred, inode) {
        return Err(EPERM);
    }
    // procfs keeps no modes (`proc_setattr`: EPERM).
    if inode.is_proc() {
        return Err(EPERM);
    }
    namespace::mnt_want_write(inode)?;
    let gid = inode.meta.with(|m| m.gid);
    let mut mode = mode & 0o7777;
    if !cred.in_group_p(gid) && !cred.capable(CAP_FSETID) {
        mode &= !S_ISGID;
    }
    inode.meta.with(|m| m.mode = (m.mode & S_IFMT) | mode);
    inode.touch_ctime();
    Ok(0)
}

/// `chmod(path, mode)`.
pub fn sys_chmod(path: UserCStr, Mode(mode): Mode) -> SysResult {
    let path = path.read_path()?;
    chmod_inode(&lookup_at(DirFd(AT_FDCWD), &path, true)?, mode)
}

/// `fchmod(fd, mode)`.
pub fn sys_fchmod(fd: Fd, Mode(mode): Mode) -> SysResult {
    match fd_inode(fd)? {
        Some(i) => chmod_inode(&i, mode),
        None => Ok(0), // a pipe's anonymous inode: nothing to keep it in
    }
}

/// The inode behind `fd` for the f* attribute calls (`None` for an
/// anonymous pipe); an `O_PATH` descriptor is `EBADF`, as Linux's `fdget`.
fn fd_inode(fd: Fd) -> Result<Option<InodeRef>, Errno> {
    let f = file(fd.0)?;
    let of = f.lock();
    if of.kind == FileKind::Path {
        return Err(EBADF);
    }
    Ok(of.inode.clone())
}

/// `fchmodat(dirfd, path, mode)`: follows symlinks (Linux's has no flags).
pub fn sys_fchmodat(dirfd: DirFd, path: UserCStr, Mode(mode): Mode) -> SysResult {
    let path = path.read_path()?;
    chmod_inode(&lookup_at(dirfd, &path, true)?, mode)
}

/// `chown_common()`: -1 leaves an id as it is; a change of owner or group
/// of a non-directory clears the set-user-ID bit, and the set-group-ID bit
/// if group execute is set (`should_remove_suid`); ctime.
fn chown_inode(inode: &InodeRef, uid: u32, gid: u32) -> SysResult {
    // `chown_ok`/`chgrp_ok`: a new owner needs CAP_CHOWN; a new group
    // needs the owner who is in that group, or CAP_CHOWN.
    let cred = namei::cred();
    let (ouid, ogid) = inode.meta.with(|m| (m.uid, m.gid));
    if uid != u32::MAX && uid != ouid && !cred.capable(CAP_CHOWN) {
        return Err(EPERM);
    }
    let owner = cred.fsuid == ouid;
    if gid != u32::MAX
        && gid != ogid
        && !(owner && cred.in_group_p(gid))
        && !cred.capable(CAP_CHOWN)
    {
        return Err(EPERM);
    }
    if (uid != u32::MAX || gid != u32::MAX) && !owner && !cred.capable(CAP_CHOWN) {
        return Err(EPERM);
    }
    // procfs owners follow the process; nothing keeps another one.
    if inode.is_proc() {
        return Err(EPERM);
    }
    namespace::mnt_want_write(inode)?;
    inode.meta.with(|m| {
        if uid != u32::MAX {
            m.uid = uid;
        }
        if gid != u32::MAX {
            m.gid = gid;
        }
        if (uid != u32::MAX || gid != u32::MAX) && m.mode & S_IFMT != abi::stat::S_IFDIR {
            let mut kill = S_ISUID;
            if m.mode & 0o010 != 0 {
                kill |= S_ISGID;
            }
            m.mode &= !kill;
        }
    });
    inode.touch_ctime();
    Ok(0)
}

/// The 16-bit uid/gid forms: 0xffff means -1 (`low2highuid`).
fn high(id: u32) -> u32 {
    let id = id & 0xffff;
    if id == 0xffff { u32::MAX } else { id }
}

fn chown_path(dirfd: DirFd, path: UserCStr, uid: u32, gid: u32, flags: AtFlags) -> SysResult {
    if flags.any(!(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) {
        return Err(EINVAL);
    }
    match target_inode(dirfd, path, flags)? {
        Some(i) => chown_inode(&i, uid, gid),
        None => Ok(0),
    }
}

fn fchown(fd: Fd, uid: u32, gid: u32) -> SysResult {
    match fd_inode(fd)? {
        Some(i) => chown_inode(&i, uid, gid),
        None => Ok(0),
    }
}

/// `chown32(path, uid, gid)`: follows symlinks.
pub fn sys_chown32(path: UserCStr, uid: u32, gid: u32) -> SysResult {
    chown_path(DirFd(AT_FDCWD), path, uid, gid, AtFlags::from_bits(0))
}

/// `lchown32(path, uid, gid)`: a symlink itself.
pub fn sys_lchown32(path: UserCStr, uid: u32, gid: u32) -> SysResult {
    chown_path(
        DirFd(AT_FDCWD),
        path,
        uid,
        gid,
        AtFlags::from_bits(AT_SYMLINK_NOFOLLOW),
    )
}

/// `fchown32(fd, uid, gid)`.
pub fn sys_fchown32(fd: Fd, uid: u32, gid: u32) -> SysResult {
    fchown(fd, uid, gid)
}

/// `fchownat(dirfd, path, uid, gid, flags)`.
pub fn sys_fchownat(dirfd: DirFd, path: UserCStr, uid: u32, gid: u32, flags: AtFlags) -> SysResult {
    chown_path(dirfd, path, uid, gid, flags)
}

/// `chown(path, uid, gid)` with 16-bit ids (i386's old `chown`, 182).
pub fn sys_chown16(path: UserCStr, uid: u32, gid: u32) -> SysResult {
    sys_chown32(path, high(uid), high(gid))
}

/// `lchown(path, uid, gid)` with 16-bit ids (16).
pub fn sys_lchown16(path: UserCStr, uid: u32, gid: u32) -> SysResult {
    sys_lchown32(path, high(uid), high(gid))
}

/// `fchown(fd, uid, gid)` with 16-bit ids (95).
pub fn sys_fchown16(fd: Fd, uid: u32, gid: u32) -> SysResult {
    fchown(fd, high(uid), high(gid))
}

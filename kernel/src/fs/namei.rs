//! Path names (Linux's fs/namei.c): the walk from a starting directory to
//! an inode, and the calls that change names: `mkdir`, `mknod`, `rmdir`,
//! `unlink`, `rename`, `link`, `symlink` and their `*at` forms.
//!
//! The walk follows `path_resolution(7)`: an absolute path starts at the
//! root, a relative one at the current directory or at the directory open
//! as `dirfd`; symlinks are followed in every component and in the last
//! one when asked, at most 40 in one walk (`MAXSYMLINKS`: `ELOOP`); `..`
//! of the root is the root; a trailing slash requires a directory; a path
//! of `PATH_MAX` bytes or more, or a component over `NAME_MAX`, is
//! `ENAMETOOLONG`.
//!
//! The walk crosses mounts (`fs/namespace.rs`): a directory something is
//! mounted on stands for the mounted root (the topmost, when mounts are
//! stacked), and `..` from the root of a mount goes up from its
//! mountpoint. procfs's magic links (`/proc/<pid>/fd/N`, `cwd`, `exe`, ...)
//! are followed to the inode they name, not through their text, as
//! Linux's `nd_jump_link` does.

use super::file::{FileKind, FilePath, FileRef, PathRef};
use super::inode::{Data, InodeKind, InodeRef};
use super::{namespace, proc, tmpfs};
use crate::proc::cred::{Cred, MAY_EXEC, MAY_WRITE, generic_permission};
use crate::proc::with_current;
use crate::syscall::args::{DirFd, Mode, SysResult};
use crate::syscall::uaccess::UserCStr;
use abi::cred::{CAP_FOWNER, CAP_MKNOD};
use abi::errno::*;
use abi::fcntl::{AT_EMPTY_PATH, AT_FDCWD, AT_REMOVEDIR, AT_SYMLINK_FOLLOW, AtFlags};
use abi::stat::{S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_IFSOCK, S_ISGID, S_ISVTX};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Longest path, NUL included (`PATH_MAX`, include/uapi/linux/limits.h).
pub const PATH_MAX: usize = 4096;
/// Longest file-name component (`NAME_MAX`).
pub const NAME_MAX: usize = 255;
/// Most symlinks followed in one walk (`MAXSYMLINKS`, include/linux/namei.h).
const MAXSYMLINKS: u32 = 40;

/// `renameat2` flags (include/uapi/linux/fs.h).
pub const RENAME_NOREPLACE: u32 = 1;
pub const RENAME_EXCHANGE: u32 = 2;
pub const RENAME_WHITEOUT: u32 = 4;

static ROOT: spin::Once<InodeRef> = spin::Once::new();

/// The root directory (set once at boot by `fs/initramfs.rs`; an empty
/// tmpfs root until then).
pub fn root() -> InodeRef {
    ROOT.call_once(|| {
        let r = tmpfs::root_sb()
            .new_inode(S_IFDIR | 0o755, (0, 0), (0, 0), Data::Static(&[]))
            .expect("room for the root directory");
        r.meta.with(|m| m.nlink = 2);
        r
    })
    .clone()
}

/// Where `/` is for the current process: its root (`chroot`), or the
/// tree's root with no process (Linux's `current->fs->root`).
pub fn proc_root() -> InodeRef {
    crate::proc::current_pid()
        .map(|_| with_current(|t| t.fs.root.clone()))
        .unwrap_or_else(root)
}

/// The current process's working directory (the root with no process).
pub fn cwd() -> InodeRef {
    crate::proc::current_pid()
        .map(|_| with_current(|t| t.fs.cwd.clone()))
        .unwrap_or_else(root)
}

/// The open file behind `fd`.
pub fn file(fd: i32) -> Result<FileRef, Errno> {
    with_current(|t| t.files.get(fd))
}

/// Where a relative path starts (`path_init()`): the current directory for
/// `AT_FDCWD`, else the directory open as `dirfd` (`EBADF`, or `ENOTDIR`
/// if it is not a directory).
pub fn start_dir(dirfd: DirFd) -> Result<InodeRef, Errno> {
    if dirfd.0 == AT_FDCWD {
        return Ok(cwd());
    }
    let f = file(dirfd.0)?;
    let of = f.lock();
    match (&of.kind, &of.inode) {
        (FileKind::Dir, Some(i)) => Ok(i.clone()),
        _ => Err(ENOTDIR),
    }
}

// ---------------------------------------------------------------------------
// Permissions

/// The credentials file checks use: the running task's (root before the
/// first process).
pub fn cred() -> Arc<Cred> {
    if crate::proc::current_pid().is_some() {
        crate::proc::cred::current_cred()
    } else {
        Arc::new(Cred::root())
    }
}

/// Linux's `inode_permission` (here `generic_permission` on the inode's
/// mode and owner): `EACCES` when `cred` may not access `inode` as `want`
/// (`MAY_READ | MAY_WRITE | MAY_EXEC`) says.
pub fn inode_permission(cred: &Cred, inode: &InodeRef, want: u32) -> Result<(), Errno> {
    let m = inode.meta.with(|m| *m);
    generic_permission(cred, m.mode, m.uid, m.gid, want, inode.is_dir())
}

/// Linux's `may_create`: a writable mount (`EROFS`), write and search
/// permission on the directory, which must still be in the tree.
pub fn may_create(cred: &Cred, dir: &InodeRef) -> Result<(), Errno> {
    namespace::mnt_want_write(dir)?;
    if let Ok(d) = tmpfs::dir_of(dir)
        && d.with(|d| d.dead)
    {
        return Err(ENOENT);
    }
    inode_permission(cred, dir, MAY_WRITE | MAY_EXEC)
}

/// Linux's `may_delete`: a writable mount (`EROFS`), write and search
/// permission on the directory, and in a sticky directory (`/tmp`) only
/// the owner of the entry or of the directory, or `CAP_FOWNER`, may remove
/// or rename it (`EPERM`).
pub fn may_delete(cred: &Cred, dir: &InodeRef, victim: &InodeRef) -> Result<(), Errno> {
    namespace::mnt_want_write(dir)?;
    inode_permission(cred, dir, MAY_WRITE | MAY_EXEC)?;
    let (dmode, duid) = dir.meta.with(|m| (m.mode, m.uid));
    let vuid = victim.meta.with(|m| m.uid);
    if dmode & S_ISVTX != 0 && cred.fsuid != vuid && cred.fsuid != duid && !cred.capable(CAP_FOWNER)
    {
        return Err(EPERM);
    }
    Ok(())
}

/// Is `cred` the inode's owner, or has it `CAP_FOWNER` (Linux's
/// `inode_owner_or_capable`)?
pub fn owner_or_capable(cred: &Cred, inode: &InodeRef) -> bool {
    cred.fsuid == inode.meta.with(|m| m.uid) || cred.capable(CAP_FOWNER)
}

/// Check a path's length and that it is not empty.
fn check_path(path: &[u8]) -> Result<(), Errno> {
    if path.len() >= PATH_MAX {
        return Err(ENAMETOOLONG);
    }
    if path.is_empty() {
        return Err(ENOENT);
    }
    Ok(())
}

/// Resolve `path` from `start`, following a final symlink if `follow`.
pub fn lookup(start: &InodeRef, path: &[u8], follow: bool) -> Result<InodeRef, Errno> {
    lookup_in(&proc_root(), start, path, follow)
}

/// [`lookup`] in a tree whose root is `root` (what `/` and a `..` at the
/// top mean: the process's root, Linux's `nd->root`).
pub fn lookup_in(
    root: &InodeRef,
    start: &InodeRef,
    path: &[u8],
    follow: bool,
) -> Result<InodeRef, Errno> {
    check_path(path)?;
    let mut links = 0;
    walk(root, start, path, follow, &mut links, false).map(|(i, _)| i)
}

/// Resolve a path argument of an `*at` call.
pub fn lookup_at(dirfd: DirFd, path: &[u8], follow: bool) -> Result<InodeRef, Errno> {
    check_path(path)?;
    let start = if path[0] == b'/' {
        proc_root()
    } else {
        start_dir(dirfd)?
    };
    lookup(&start, path, follow)
}

/// One step: the entry `name` of directory `dir` (`.`, `..` included;
/// `..` of the root is the root), across mounts: down into what is mounted
/// on the entry, and for `..` of the root of a mount, up from where it is
/// mounted (Linux's `follow_dotdot` and `handle_mounts`). Not inlined, as
/// the other helpers of [`walk`]: the walk recurses once per symlink, up
/// to 40 deep, so its own frame must stay small.
#[inline(never)]
fn step(root: &InodeRef, dir: &InodeRef, name: &[u8]) -> Result<InodeRef, Errno> {
    if name.len() > NAME_MAX {
        return Err(ENAMETOOLONG);
    }
    let next = match name {
        b"." => return Ok(dir.clone()),
        b".." => {
            let mut d = dir.clone();
            loop {
                if Arc::ptr_eq(&d, root) {
                    return Ok(d);
                }
                match namespace::mountpoint_of(&d) {
                    Some(mp) => d = mp,
                    None => break,
                }
            }
            d.parent().ok_or(ENOTDIR)?
        }
        _ => dir.lookup(name)?.ok_or(ENOENT)?,
    };
    Ok(namespace::follow_mounts(next))
}

/// Where a symlink leads: its text, to walk from the directory holding
/// it, or (a procfs magic link) straight to an inode.
pub enum Link {
    Text(Vec<u8>),
    /// The inode, and where it was opened (for a file descriptor's link).
    Jump(InodeRef, Option<PathRef>),
}

/// A symlink's target (a copy: the walk continues through it).
#[inline(never)]
fn link_target(inode: &InodeRef) -> Result<Link, Errno> {
    match &inode.kind {
        InodeKind::Symlink(d) => d.with(|d| {
            let mut v = crate::mm::heap::try_vec(d.len())?;
            v.extend_from_slice(d.bytes());
            Ok(Link::Text(v))
        }),
        InodeKind::Proc(n) => proc::get_link(*n),
        _ => Err(EINVAL),
    }
}

/// Where the walk found its last component: the directory and the name
/// (`.` and `..` name no entry). `ENOMEM` if the copy cannot be made.
#[inline(never)]
fn found_at(dir: &InodeRef, name: &[u8]) -> Result<Option<PathRef>, Errno> {
    if name == b"." || name == b".." {
        return Ok(None);
    }
    let mut n = crate::mm::heap::try_vec(name.len())?;
    n.extend_from_slice(name);
    let p = FilePath {
        dir: dir.clone(),
        name: n,
    };
    Ok(Some(
        crate::mm::heap::for_user(|| Arc::try_new(p)).map_err(|_| ENOMEM)?,
    ))
}

/// The walk proper; `links` counts symlinks followed so far. A symlink's
/// target is resolved from the directory holding the link. With `want`,
/// also where the final inode was found ([`found_at`]).
fn walk(
    root: &InodeRef,
    start: &InodeRef,
    path: &[u8],
    follow_last: bool,
    links: &mut u32,
    want: bool,
) -> Result<(InodeRef, Option<PathRef>), Errno> {
    let mut cur = if path.first() == Some(&b'/') {
        root.clone()
    } else {
        start.clone()
    };
    let mut found = None;
    let trailing_slash = path.last() == Some(&b'/');
    let cred = cred();
    let mut components = path
        .split(|&b| b == b'/')
        .filter(|c| !c.is_empty())
        .peekable();
    while let Some(name) = components.next() {
        let last = components.peek().is_none();
        if !cur.is_dir() {
            return Err(ENOTDIR);
        }
        // `may_lookup`: search permission on each directory passed.
        inode_permission(&cred, &cur, MAY_EXEC)?;
        let next = step(root, &cur, name)?;
        if next.is_symlink() && (!last || follow_last || trailing_slash) {
            if *links >= MAXSYMLINKS {
                return Err(ELOOP);
            }
            *links += 1;
            match link_target(&next)? {
                // Linux: an empty symlink target resolves to nothing.
                Link::Text(target) if target.is_empty() => return Err(ENOENT),
                Link::Text(target) => {
                    let (c, f) = walk(root, &cur, &target, true, links, want && last)?;
                    cur = c;
                    found = f;
                }
                Link::Jump(inode, f) => {
                    cur = inode;
                    found = f.filter(|_| want && last);
                }
            }
        } else {
            if want && last {
                found = found_at(&cur, name)?;
            }
            cur = next;
        }
    }
    if trailing_slash && !cur.is_dir() {
        return Err(ENOTDIR);
    }
    Ok((cur, found))
}

/// [`lookup_at`], also telling where the inode was found: the directory
/// and name of its last component, after symlinks (for `open` to remember,
/// as Linux's `f_path` does, and `execve` to know the program's path).
pub fn lookup_at_path(
    dirfd: DirFd,
    path: &[u8],
    follow: bool,
) -> Result<(InodeRef, Option<PathRef>), Errno> {
    check_path(path)?;
    let start = if path[0] == b'/' {
        proc_root()
    } else {
        start_dir(dirfd)?
    };
    let mut links = 0;
    walk(&proc_root(), &start, path, follow, &mut links, true)
}

/// The last component of a path, as Linux's `last_type` sorts it.
#[derive(Debug, PartialEq, Eq)]
pub enum Last {
    Norm(Vec<u8>),
    Dot,
    DotDot,
    /// The path is `/` (or only slashes).
    Root,
}

/// The directory holding the last component, the component, and whether a
/// slash followed it (`filename_parentat()`). The directory is the result
/// of a full walk (symlinks followed); the last component is not looked up.
pub fn lookup_parent(dirfd: DirFd, path: &[u8]) -> Result<(InodeRef, Last, bool), Errno> {
    check_path(path)?;
    let trailing_slash = path.last() == Some(&b'/');
    let trimmed = {
        let mut end = path.len();
        while end > 1 && path[end - 1] == b'/' {
            end -= 1;
        }
        &path[..end]
    };
    let (dir_part, name) = match trimmed.iter().rposition(|&b| b == b'/') {
        Some(i) => (&trimmed[..=i], &trimmed[i + 1..]),
        None => (&b""[..], trimmed),
    };
    let start = if path[0] == b'/' {
        proc_root()
    } else {
        start_dir(dirfd)?
    };
    let dir = if dir_part.is_empty() {
        start
    } else {
        lookup(&start, dir_part, true)?
    };
    if !dir.is_dir() {
        return Err(ENOTDIR);
    }
    if name.len() > NAME_MAX {
        return Err(ENAMETOOLONG);
    }
    let last = match name {
        b"" => Last::Root,
        b"." => Last::Dot,
        b".." => Last::DotDot,
        n => {
            let mut v = crate::mm::heap::try_vec(n.len())?;
            v.extend_from_slice(n);
            Last::Norm(v)
        }
    };
    Ok((dir, last, trailing_slash))
}

/// The owner a new inode in `dir` gets (`inode_init_owner`): the
/// creator's fs ids, but the directory's group if the directory is
/// set-group-ID (and then a new directory is set-group-ID too).
fn init_owner(cred: &Cred, dir: &InodeRef, mode: u32) -> ((u32, u32), u32) {
    let (dmode, dgid) = dir.meta.with(|m| (m.mode, m.gid));
    if dmode & S_ISGID != 0 {
        let mode = if mode & S_IFMT == S_IFDIR {
            mode | S_ISGID
        } else {
            mode
        };
        ((cred.fsuid, dgid), mode)
    } else {
        ((cred.fsuid, cred.fsgid), mode)
    }
}

/// The process's umask (applied to the mode of what it creates).
pub fn umask() -> u32 {
    crate::proc::current_pid()
        .map(|_| with_current(|t| t.fs.umask))
        .unwrap_or(0o022)
}

/// Create `name` in `dir` with `mode` (type bits included), as
/// `vfs_create`/`vfs_mkdir`/`vfs_mknod`/`vfs_symlink` do on tmpfs.
pub fn create_in(
    dir: &InodeRef,
    name: &[u8],
    mode: u32,
    rdev: (u32, u32),
    data: Data,
) -> Result<InodeRef, Errno> {
    let sb = dir.tmpfs()?.clone();
    let cred = cred();
    may_create(&cred, dir)?;
    let (owner, mode) = init_owner(&cred, dir, mode);
    let inode = sb.new_inode(mode, owner, rdev, data)?;
    tmpfs::add_entry(dir, name, inode.clone())?;
    Ok(inode)
}

/// The name a creating call gets: `EEXIST` for `.`, `..` and `/`, which
/// always exist (`filename_create()`).
fn creatable(last: Last) -> Result<Vec<u8>, Errno> {
    match last {
        Last::Norm(n) => Ok(n),
        _ => Err(EEXIST),
    }
}

// ---------------------------------------------------------------------------
// mkdir, mknod, symlink, link

/// `do_mkdirat()`: the mode's permission bits, less the umask, plus the
/// sticky bit if given (`S_IALLUGO & ~umask`, as `vfs_mkdir` keeps
/// `S_ISVTX`).
fn mkdirat(dirfd: DirFd, path: UserCStr, mode: u32) -> SysResult {
    let path = path.read_path()?;
    let (dir, last, _) = lookup_parent(dirfd, &path)?;
    let name = creatable(last)?;
    if dir.lookup(&name)?.is_some() {
        return Err(EEXIST);
    }
    let mode = S_IFDIR | (mode & 0o1777 & !umask());
    create_in(&dir, &name, mode, (0, 0), Data::Static(&[]))?;
    Ok(0)
}

/// `mkdir(path, mode)`.
pub fn sys_mkdir(path: UserCStr, Mode(mode): Mode) -> SysResult {
    mkdirat(DirFd(AT_FDCWD), path, mode)
}

/// `mkdirat(dirfd, path, mode)`.
pub fn sys_mkdirat(dirfd: DirFd, path: UserCStr, Mode(mode): Mode) -> SysResult {
    mkdirat(dirfd, path, mode)
}

/// `do_mknodat()`: regular files, FIFOs and character devices (block
/// devices and sockets: nothing here could use them, `EPERM` as for an
/// unprivileged caller... Linux would create them; we refuse with
/// `EINVAL` only for an unknown type). `dev` is `new_decode_dev`'s input.
fn mknodat(dirfd: DirFd, path: UserCStr, mode: u32, dev: u32) -> SysResult {
    let kind = match mode & S_IFMT {
        0 => S_IFREG,
        S_IFREG | S_IFCHR | S_IFIFO => mode & S_IFMT,
        S_IFSOCK | abi::stat::S_IFBLK => return Err(EPERM),
        S_IFDIR => return Err(EPERM),
        _ => return Err(EINVAL),
    };
    let path = path.read_path()?;
    let (dir, last, trailing) = lookup_parent(dirfd, &path)?;
    let name = creatable(last)?;
    if dir.lookup(&name)?.is_some() {
        return Err(EEXIST);
    }
    if trailing {
        return Err(ENOENT);
    }
    if kind == S_IFCHR && !cred().capable(CAP_MKNOD) {
        return Err(EPERM);
    }
    let rdev = if kind == S_IFCHR {
        // new_decode_dev(): major in bits 8-19, minor in 0-7 and 20-31.
        ((dev & 0xfff00) >> 8, (dev & 0xff) | ((dev >> 12) & 0xfff00))
    } else {
        (0, 0)
    };
    create_in(
        &dir,
        &name,
        kind | (mode & 0o7777 & !umask()),
        rdev,
        Data::Static(&[]),
    )?;
    Ok(0)
}

/// `mknod(path, mode, dev)`.
pub fn sys_mknod(path: UserCStr, Mode(mode): Mode, dev: u32) -> SysResult {
    mknodat(DirFd(AT_FDCWD), path, mode, dev)
}

/// `mknodat(dirfd, path, mode, dev)`.
pub fn sys_mknodat(dirfd: DirFd, path: UserCStr, Mode(mode): Mode, dev: u32) -> SysResult {
    mknodat(dirfd, path, mode, dev)
}

/// `do_symlinkat()`: the target is stored as given (not checked, may
/// dangle); an empty target is `ENOENT`.
fn symlinkat(target: UserCStr, dirfd: DirFd, path: UserCStr) -> SysResult {
    let target = target.read_path()?;
    if target.is_empty() {
        return Err(ENOENT);
    }
    let path = path.read_path()?;
    let (dir, last, _) = lookup_parent(dirfd, &path)?;
    let name = creatable(last)?;
    if dir.lookup(&name)?.is_some() {
        return Err(EEXIST);
    }
    create_in(&dir, &name, S_IFLNK | 0o777, (0, 0), Data::Owned(target))?;
    Ok(0)
}

/// `symlink(target, path)`.
pub fn sys_symlink(target: UserCStr, path: UserCStr) -> SysResult {
    symlinkat(target, DirFd(AT_FDCWD), path)
}

/// `symlinkat(target, dirfd, path)`.
pub fn sys_symlinkat(target: UserCStr, dirfd: DirFd, path: UserCStr) -> SysResult {
    symlinkat(target, dirfd, path)
}

/// `do_linkat()`: a new name for an existing non-directory (`EPERM` for a
/// directory). The old path's final symlink is followed only with
/// `AT_SYMLINK_FOLLOW`; `AT_EMPTY_PATH` links the file open as `olddirfd`.
fn linkat(
    olddirfd: DirFd,
    old: UserCStr,
    newdirfd: DirFd,
    new: UserCStr,
    flags: AtFlags,
) -> SysResult {
    if flags.any(!(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) {
        return Err(EINVAL);
    }
    let old = old.read_path()?;
    let inode = if old.is_empty() && flags.any(AT_EMPTY_PATH) {
        let f = file(olddirfd.0)?;
        let i = f.lock().inode.clone();
        i.ok_or(ENOENT)?
    } else {
        lookup_at(olddirfd, &old, flags.any(AT_SYMLINK_FOLLOW))?
    };
    let new = new.read_path()?;
    let (dir, last, trailing) = lookup_parent(newdirfd, &new)?;
    let name = creatable(last)?;
    if dir.lookup(&name)?.is_some() {
        return Err(EEXIST);
    }
    if inode.is_dir() {
        return Err(EPERM);
    }
    if trailing {
        return Err(ENOENT);
    }
    if inode.dev != dir.dev {
        return Err(EXDEV);
    }
    // An unlinked file cannot get a name again (`vfs_link`: ENOENT when
    // i_nlink is 0, unless it was O_TMPFILE).
    if inode.meta.with(|m| m.nlink) == 0 {
        return Err(ENOENT);
    }
    may_create(&cred(), &dir)?;
    tmpfs::add_entry(&dir, &name, inode)?;
    Ok(0)
}

/// `link(old, new)`.
pub fn sys_link(old: UserCStr, new: UserCStr) -> SysResult {
    linkat(
        DirFd(AT_FDCWD),
        old,
        DirFd(AT_FDCWD),
        new,
        AtFlags::from_bits(0),
    )
}

/// `linkat(olddirfd, old, newdirfd, new, flags)`.
pub fn sys_linkat(
    olddirfd: DirFd,
    old: UserCStr,
    newdirfd: DirFd,
    new: UserCStr,
    flags: AtFlags,
) -> SysResult {
    linkat(olddirfd, old, newdirfd, new, flags)
}

// ---------------------------------------------------------------------------
// rmdir, unlink

/// `do_rmdir()`: `.` is `EINVAL`, `..` `ENOTEMPTY`, `/` `EBUSY`; the entry
/// must be a directory (`ENOTDIR`) and empty (`ENOTEMPTY`).
fn rmdir(dirfd: DirFd, path: &[u8]) -> SysResult {
    let (dir, last, _) = lookup_parent(dirfd, path)?;
    let name = match last {
        Last::Norm(n) => n,
        Last::Dot => return Err(EINVAL),
        Last::DotDot => return Err(ENOTEMPTY),
        Last::Root => return Err(EBUSY),
    };
    let victim = dir.lookup(&name)?.ok_or(ENOENT)?;
    if !victim.is_dir() {
        return Err(ENOTDIR);
    }
    if Arc::ptr_eq(&victim, &root()) {
        return Err(EBUSY);
    }
    may_delete(&cred(), &dir, &victim)?;
    // procfs has no `rmdir` (`vfs_rmdir`: EPERM); a mountpoint is busy.
    if dir.is_proc() {
        return Err(EPERM);
    }
    if namespace::is_mountpoint(&victim) {
        return Err(EBUSY);
    }
    tmpfs::remove_entry(&dir, &name)?;
    Ok(0)
}

/// `rmdir(path)`.
pub fn sys_rmdir(path: UserCStr) -> SysResult {
    rmdir(DirFd(AT_FDCWD), &path.read_path()?)
}

/// `do_unlinkat()`: a directory is `EISDIR`; a trailing slash after a
/// non-directory `ENOTDIR`. The inode lives on while it is open.
fn unlink(dirfd: DirFd, path: &[u8]) -> SysResult {
    let (dir, last, trailing) = lookup_parent(dirfd, path)?;
    let name = match last {
        Last::Norm(n) => n,
        _ => return Err(EISDIR),
    };
    let victim = dir.lookup(&name)?.ok_or(ENOENT)?;
    if victim.is_dir() {
        return Err(EISDIR);
    }
    if trailing {
        return Err(ENOTDIR);
    }
    may_delete(&cred(), &dir, &victim)?;
    // procfs has no `unlink` (`vfs_unlink`: EPERM).
    if dir.is_proc() {
        return Err(EPERM);
    }
    let gone = tmpfs::remove_entry(&dir, &name)?;
    drop(gone); // the last reference, if nothing has it open: space back
    Ok(0)
}

/// `unlink(path)`.
pub fn sys_unlink(path: UserCStr) -> SysResult {
    unlink(DirFd(AT_FDCWD), &path.read_path()?)
}

/// `unlinkat(dirfd, path, flags)`: `AT_REMOVEDIR` makes it `rmdir`.
pub fn sys_unlinkat(dirfd: DirFd, path: UserCStr, flags: u32) -> SysResult {
    if flags & !AT_REMOVEDIR != 0 {
        return Err(EINVAL);
    }
    let path = path.read_path()?;
    if flags & AT_REMOVEDIR != 0 {
        rmdir(dirfd, &path)
    } else {
        unlink(dirfd, &path)
    }
}

// ---------------------------------------------------------------------------
// rename

/// Is `a` the directory `b` or one of its ancestors?
fn is_ancestor(a: &InodeRef, b: &InodeRef) -> bool {
    let mut cur = b.clone();
    loop {
        if Arc::ptr_eq(a, &cur) {
            return true;
        }
        match cur.parent() {
            Some(p) if !Arc::ptr_eq(&p, &cur) => cur = p,
            _ => return false,
        }
    }
}

/// `vfs_rename()`'s refusals after the permission checks: procfs renames
/// nothing (`EPERM`), and a mountpoint cannot move or be replaced
/// (`EBUSY`).
fn no_rename(dir: &InodeRef, source: &InodeRef, target: Option<&InodeRef>) -> Result<(), Errno> {
    if dir.is_proc() {
        return Err(EPERM);
    }
    if namespace::is_mountpoint(source) || target.is_some_and(|t| namespace::is_mountpoint(t)) {
        return Err(EBUSY);
    }
    Ok(())
}

/// `do_renameat2()` with `vfs_rename()`'s checks, in Linux's order.
fn renameat2(
    olddirfd: DirFd,
    old: UserCStr,
    newdirfd: DirFd,
    new: UserCStr,
    flags: u32,
) -> SysResult {
    if flags & !(RENAME_NOREPLACE | RENAME_EXCHANGE | RENAME_WHITEOUT) != 0 {
        return Err(EINVAL);
    }
    if flags & RENAME_EXCHANGE != 0 && flags & (RENAME_NOREPLACE | RENAME_WHITEOUT) != 0 {
        return Err(EINVAL);
    }
    if flags & RENAME_WHITEOUT != 0 {
        return Err(EINVAL); // tmpfs supports it; nothing here uses whiteouts
    }
    let old = old.read_path()?;
    let new = new.read_path()?;
    let (odir, olast, otrail) = lookup_parent(olddirfd, &old)?;
    let (ndir, nlast, ntrail) = lookup_parent(newdirfd, &new)?;
    let (Last::Norm(oname), Last::Norm(nname)) = (olast, nlast) else {
        return Err(EBUSY);
    };
    if odir.dev != ndir.dev {
        return Err(EXDEV);
    }
    let source = odir.lookup(&oname)?.ok_or(ENOENT)?;
    let target = match ndir.lookup(&nname) {
        Ok(t) => t,
        // A procfs directory answers ENOENT for a missing name.
        Err(ENOENT) => None,
        Err(e) => return Err(e),
    };
    if flags & RENAME_NOREPLACE != 0 && target.is_some() {
        return Err(EEXIST);
    }
    if flags & RENAME_EXCHANGE != 0 {
        let target = target.ok_or(ENOENT)?;
        if (otrail && !source.is_dir()) || (ntrail && !target.is_dir()) {
            return Err(ENOTDIR);
        }
        if Arc::ptr_eq(&source, &target) {
            return Ok(0);
        }
        let cred = cred();
        may_delete(&cred, &odir, &source)?;
        may_delete(&cred, &ndir, &target)?;
        no_rename(&odir, &source, Some(&target))?;
        // Neither may end up inside itself.
        if (source.is_dir() && is_ancestor(&source, &ndir))
            || (target.is_dir() && is_ancestor(&target, &odir))
        {
            return Err(EINVAL);
        }
        tmpfs::exchange(&odir, &oname, &ndir, &nname)?;
        return Ok(0);
    }
    if !source.is_dir() && (otrail || ntrail) {
        return Err(ENOTDIR);
    }
    // Renaming a file onto itself (or another name of the same inode):
    // nothing happens (`vfs_rename`: "source and target are the same").
    if let Some(t) = &target
        && Arc::ptr_eq(t, &source)
    {
        return Ok(0);
    }
    if source.is_dir() && is_ancestor(&source, &ndir) {
        return Err(EINVAL);
    }
    // `vfs_rename`'s permission checks: remove from the old directory,
    // add to (or replace in) the new one, and a directory that changes
    // parent must be writable itself (its `..` changes).
    let cred = cred();
    may_delete(&cred, &odir, &source)?;
    match &target {
        Some(t) => may_delete(&cred, &ndir, t)?,
        None => may_create(&cred, &ndir)?,
    }
    if source.is_dir() && !Arc::ptr_eq(&odir, &ndir) {
        inode_permission(&cred, &source, MAY_WRITE)?;
    }
    no_rename(&odir, &source, target.as_ref())?;
    if let Some(t) = &target {
        if t.is_dir() && !source.is_dir() {
            return Err(EISDIR);
        }
        if !t.is_dir() && source.is_dir() {
            return Err(ENOTDIR);
        }
        if t.is_dir() && is_ancestor(t, &odir) {
            return Err(ENOTEMPTY);
        }
    }
    tmpfs::rename(&odir, &oname, &ndir, &nname)?;
    Ok(0)
}

/// `rename(old, new)`.
pub fn sys_rename(old: UserCStr, new: UserCStr) -> SysResult {
    renameat2(DirFd(AT_FDCWD), old, DirFd(AT_FDCWD), new, 0)
}

/// `renameat(olddirfd, old, newdirfd, new)`.
pub fn sys_renameat(olddirfd: DirFd, old: UserCStr, newdirfd: DirFd, new: UserCStr) -> SysResult {
    renameat2(olddirfd, old, newdirfd, new, 0)
}

/// `renameat2(olddirfd, old, newdirfd, new, flags)`.
pub fn sys_renameat2(
    olddirfd: DirFd,
    old: UserCStr,
    newdirfd: DirFd,
    new: UserCStr,
    flags: u32,
) -> SysResult {
    renameat2(olddirfd, old, newdirfd, new, flags)
}

/// The absolute path of `inode` from the root, across mounts (for
/// `getcwd` and procfs's links; Linux's `d_path`): `None` for a directory
/// no longer in the tree or not reachable from the root (in an unmounted
/// file system).
pub fn path_of(inode: &InodeRef) -> Option<Vec<u8>> {
    let root = root();
    let mut names: Vec<Vec<u8>> = Vec::new();
    let mut cur = inode.clone();
    while !Arc::ptr_eq(&cur, &root) {
        if let Some(mp) = namespace::mountpoint_of(&cur) {
            cur = mp;
            continue;
        }
        let parent = cur.parent()?;
        if parent.dev == cur.dev && parent.ino == cur.ino {
            return None; // a root that is not ours
        }
        names.push(name_in(&parent, &cur)?);
        cur = parent;
    }
    let mut path = Vec::new();
    for n in names.iter().rev() {
        path.push(b'/');
        path.extend_from_slice(n);
    }
    if path.is_empty() {
        path.push(b'/');
    }
    Some(path)
}

/// The name `child` has in directory `parent`: procfs knows it from the
/// node; tmpfs looks for the entry.
fn name_in(parent: &InodeRef, child: &InodeRef) -> Option<Vec<u8>> {
    if let InodeKind::Proc(n) = &child.kind {
        return proc::name_of(*n);
    }
    tmpfs::dir_of(parent).ok()?.with(|d| {
        d.iter()
            .find(|(_, i)| Arc::ptr_eq(i, child))
            .map(|(n, _)| n.to_vec())
    })
}

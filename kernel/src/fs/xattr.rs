//! Extended attributes (`getxattr(2)` and its eleven siblings), on file
//! systems that keep none: every inode here is as on Linux's ramfs or
//! procfs, which register no xattr handlers. So a name is checked and the
//! file found and checked as Linux's `fs/xattr.c` does (its errors come
//! first), and then reading or changing an attribute is `EOPNOTSUPP`, and
//! the list is empty. Programs ask for them (coreutils' `ls -l` for ACLs
//! and SELinux labels) and take `EOPNOTSUPP` as "none here".

use super::file::FileKind;
use super::inode::InodeRef;
use super::namei::{self, lookup_at};
use crate::proc::cred::{MAY_READ, MAY_WRITE};
use crate::syscall::args::{DirFd, Fd, SysResult};
use crate::syscall::uaccess::{Read, UserCStr, UserSlice, Write};
use abi::errno::{E2BIG, EBADF, EINVAL, ENODATA, EOPNOTSUPP, EPERM, ERANGE, Errno};
use abi::fcntl::AT_FDCWD;
use abi::stat::{S_IFDIR, S_IFMT, S_IFREG, S_ISVTX};

/// Longest attribute name and value (Linux's `XATTR_NAME_MAX`,
/// `XATTR_SIZE_MAX`).
const XATTR_NAME_MAX: usize = 255;
const XATTR_SIZE_MAX: usize = 65536;
/// `setxattr` flags.
const XATTR_CREATE: u32 = 1;
const XATTR_REPLACE: u32 = 2;

/// The name, as Linux's `strncpy_from_user` into `XATTR_NAME_MAX + 1`
/// bytes takes it: empty or too long is `ERANGE`.
fn name(name: UserCStr) -> Result<alloc::vec::Vec<u8>, Errno> {
    let n = name.read(XATTR_NAME_MAX).map_err(|e| match e {
        abi::errno::ENAMETOOLONG => ERANGE,
        e => e,
    })?;
    if n.is_empty() {
        return Err(ERANGE);
    }
    Ok(n)
}

/// The inode a path names (`follow`: the `l*` calls do not follow a final
/// symlink), or an open file's (not an `O_PATH` one: `EBADF`, as `fdget`;
/// `None` for a pipe or a device without an inode in the tree).
enum Target {
    Path(UserCStr, bool),
    Fd(Fd),
}

impl Target {
    fn inode(self) -> Result<Option<InodeRef>, Errno> {
        match self {
            Target::Path(p, follow) => {
                lookup_at(DirFd(AT_FDCWD), &p.read_path()?, follow).map(Some)
            }
            Target::Fd(fd) => {
                let f = namei::file(fd.0)?;
                let of = f.lock();
                if of.kind == FileKind::Path {
                    return Err(EBADF);
                }
                Ok(of.inode.clone())
            }
        }
    }
}

/// Linux's `xattr_permission`: `trusted.*` is for the privileged (else
/// `EPERM` to write, `ENODATA` to read); `user.*` lives on regular files
/// and directories only, and a sticky directory's only by its owner;
/// `security.*` and `system.*` are left to the file system; the rest asks
/// the file's permission bits.
fn permission(inode: &InodeRef, name: &[u8], write: bool) -> Result<(), Errno> {
    let cred = namei::cred();
    let refused = if write { EPERM } else { ENODATA };
    if name.starts_with(b"security.") || name.starts_with(b"system.") {
        return Ok(());
    }
    if name.starts_with(b"trusted.") {
        return if cred.capable(abi::cred::CAP_SYS_ADMIN) {
            Ok(())
        } else {
            Err(refused)
        };
    }
    if name.starts_with(b"user.") {
        let mode = inode.mode();
        let dir = mode & S_IFMT == S_IFDIR;
        if !dir && mode & S_IFMT != S_IFREG {
            return Err(refused);
        }
        let sticky = mode & S_ISVTX != 0;
        if dir && sticky && write && !namei::owner_or_capable(&cred, inode) {
            return Err(EPERM);
        }
    }
    namei::inode_permission(&cred, inode, if write { MAY_WRITE } else { MAY_READ })
}

/// `setxattr`: flags, name and size are checked before the file is found.
fn set(target: Target, n: UserCStr, value: UserSlice<Read>, flags: u32) -> SysResult {
    if flags & !(XATTR_CREATE | XATTR_REPLACE) != 0 {
        return Err(EINVAL);
    }
    let n = name(n)?;
    if value.len() > XATTR_SIZE_MAX {
        return Err(E2BIG);
    }
    value.read_to_vec()?;
    let inode = target.inode()?.ok_or(EOPNOTSUPP)?;
    super::namespace::mnt_want_write(&inode)?;
    permission(&inode, &n, true)?;
    Err(EOPNOTSUPP)
}

fn get(target: Target, n: UserCStr) -> SysResult {
    let n = name(n)?;
    let inode = target.inode()?.ok_or(EOPNOTSUPP)?;
    permission(&inode, &n, false)?;
    Err(EOPNOTSUPP)
}

/// No attributes: an empty list, whatever the buffer.
fn list(target: Target) -> SysResult {
    target.inode()?;
    Ok(0)
}

fn remove(target: Target, n: UserCStr) -> SysResult {
    let n = name(n)?;
    let inode = target.inode()?.ok_or(EOPNOTSUPP)?;
    super::namespace::mnt_want_write(&inode)?;
    permission(&inode, &n, true)?;
    Err(EOPNOTSUPP)
}

/// `setxattr(path, name, value, size, flags)`.
pub fn sys_setxattr(path: UserCStr, n: UserCStr, value: UserSlice<Read>, flags: u32) -> SysResult {
    set(Target::Path(path, true), n, value, flags)
}

/// `lsetxattr(path, name, value, size, flags)`.
pub fn sys_lsetxattr(path: UserCStr, n: UserCStr, value: UserSlice<Read>, flags: u32) -> SysResult {
    set(Target::Path(path, false), n, value, flags)
}

/// `fsetxattr(fd, name, value, size, flags)`.
pub fn sys_fsetxattr(fd: Fd, n: UserCStr, value: UserSlice<Read>, flags: u32) -> SysResult {
    set(Target::Fd(fd), n, value, flags)
}

/// `getxattr(path, name, value, size)`.
pub fn sys_getxattr(path: UserCStr, n: UserCStr, _value: UserSlice<Write>) -> SysResult {
    get(Target::Path(path, true), n)
}

/// `lgetxattr(path, name, value, size)`.
pub fn sys_lgetxattr(path: UserCStr, n: UserCStr, _value: UserSlice<Write>) -> SysResult {
    get(Target::Path(path, false), n)
}

/// `fgetxattr(fd, name, value, size)`.
pub fn sys_fgetxattr(fd: Fd, n: UserCStr, _value: UserSlice<Write>) -> SysResult {
    get(Target::Fd(fd), n)
}

/// `listxattr(path, list, size)`.
pub fn sys_listxattr(path: UserCStr, _list: UserSlice<Write>) -> SysResult {
    list(Target::Path(path, true))
}

/// `llistxattr(path, list, size)`.
pub fn sys_llistxattr(path: UserCStr, _list: UserSlice<Write>) -> SysResult {
    list(Target::Path(path, false))
}

/// `flistxattr(fd, list, size)`.
pub fn sys_flistxattr(fd: Fd, _list: UserSlice<Write>) -> SysResult {
    list(Target::Fd(fd))
}

/// `removexattr(path, name)`.
pub fn sys_removexattr(path: UserCStr, n: UserCStr) -> SysResult {
    remove(Target::Path(path, true), n)
}

/// `lremovexattr(path, name)`.
pub fn sys_lremovexattr(path: UserCStr, n: UserCStr) -> SysResult {
    remove(Target::Path(path, false), n)
}

/// `fremovexattr(fd, name)`.
pub fn sys_fremovexattr(fd: Fd, n: UserCStr) -> SysResult {
    remove(Target::Fd(fd), n)
}

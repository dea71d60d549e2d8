//! Flushing to storage (Linux's fs/sync.c): `sync`, `syncfs`, `fsync`,
//! `fdatasync`. tmpfs is the storage, so there is nothing to flush; the
//! calls still check their descriptor as Linux does.

use super::file::FileKind;
use super::namei::file;
use crate::syscall::args::{Fd, SysResult};
use abi::errno::*;

/// `sync()`: always succeeds.
pub fn sys_sync() -> SysResult {
    Ok(0)
}

/// `syncfs(fd)`: `EBADF` for a bad descriptor.
pub fn sys_syncfs(fd: Fd) -> SysResult {
    file(fd.0)?;
    Ok(0)
}

/// `fsync(fd)` and `fdatasync(fd)`: `EINVAL` for what has no `fsync`
/// operation (pipes, the console; Linux's `vfs_fsync_range`), `EBADF` for
/// an `O_PATH` descriptor.
pub fn sys_fsync(fd: Fd) -> SysResult {
    match file(fd.0)?.lock().kind {
        FileKind::Regular | FileKind::Dir => Ok(0),
        FileKind::Path => Err(EBADF),
        FileKind::Pipe { .. } | FileKind::Device(_) | FileKind::Proc => Err(EINVAL),
    }
}

/// `fdatasync(fd)`.
pub fn sys_fdatasync(fd: Fd) -> SysResult {
    sys_fsync(fd)
}

//! Descriptor control (Linux's fs/fcntl.c and the `dup` calls of
//! fs/file.c): `fcntl`/`fcntl64`, `dup`, `dup2`, `dup3`.

use super::file::{FileKind, FileRef, install_new};
use super::namei::file;
use crate::proc::with_current;
use crate::syscall::args::{Fd, SysResult};
use crate::syscall::uaccess::UserPtr;
use abi::errno::*;
use abi::fcntl::*;

/// `fcntl(F_SETFL)` may change only these (`SETFL_MASK`, fs/fcntl.c).
const SETFL_MASK: u32 = O_APPEND | O_NONBLOCK | O_NDELAY | O_DIRECT | O_NOATIME;
/// Open flags that only matter while opening: `do_dentry_open()` clears
/// them from `f_flags`, and `O_CLOEXEC` lives in the descriptor table, so
/// `F_GETFL` never shows them.
const OPEN_ONLY_FLAGS: u32 = O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC;

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

/// `dup(fd)`.
pub fn sys_dup(fd: Fd) -> SysResult {
    let f = file(fd.0)?;
    install_new(f, false, 0).map(|fd| fd as usize)
}

/// `dup2(old, new)`.
pub fn sys_dup2(old: Fd, new: Fd) -> SysResult {
    if old == new {
        // `ksys_dup2()`: nothing to do, once `old` is known to be open.
        file(old.0)?;
        return Ok(new.0 as usize);
    }
    do_dup2(old, new, false)
}

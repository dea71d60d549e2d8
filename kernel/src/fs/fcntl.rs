//! Descriptor control (Linux's fs/fcntl.c and the `dup` calls of
//! fs/file.c): `fcntl`/`fcntl64`, `dup`, `dup2`, `dup3`.

use super::file::{FileKind, FileRef, install_new};
use super::locks;
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

/// Record locks (`fcntl_getlk()`/`fcntl_setlk()`, fs/locks.c) through
/// `fs/locks.rs`. `wide`: `struct flock64` (i386: two shorts, two
/// 4-byte-aligned `loff_t`, a pid: 24 bytes) rather than `struct flock`
/// (32-bit `off_t`: 16 bytes); both are read as bytes to keep that layout.
/// `arg` is `fcntl`'s third argument, the structure's address. `cmd` is
/// one of `F_GETLK`, `F_SETLK`, `F_SETLKW` (or their 64 or OFD forms,
/// told apart by `wide` and `ofd`).
fn lock(f: &FileRef, arg: u32, wide: bool, cmd: LockCmd, ofd: bool) -> SysResult {
    let addr = arg as usize;
    if wide {
        lock_as::<24>(f, UserPtr::new(addr), cmd, ofd)
    } else {
        lock_as::<16>(f, UserPtr::new(addr), cmd, ofd)
    }
}

/// What a record-lock command asks.
#[derive(Clone, Copy, PartialEq, Eq)]
enum LockCmd {
    Get,
    Set,
    SetWait,
}

/// [`lock`] on the `N` bytes of a `struct flock` (16) or `flock64` (24):
/// `l_type`, `l_whence` (i16 each), `l_start`, `l_len` (4 or 8 bytes
/// each), `l_pid`.
fn lock_as<const N: usize>(
    f: &FileRef,
    flock: UserPtr<[u8; N]>,
    cmd: LockCmd,
    ofd: bool,
) -> SysResult {
    let mut raw = flock.read()?;
    let w = (N - 8) / 2; // width of l_start and l_len
    let field = |off: usize| -> i64 {
        if w == 8 {
            i64::from_le_bytes(raw[off..off + 8].try_into().unwrap_or([0; 8]))
        } else {
            i64::from(i32::from_le_bytes(
                raw[off..off + 4].try_into().unwrap_or([0; 4]),
            ))
        }
    };
    let l_type = i16::from_le_bytes([raw[0], raw[1]]);
    let l_whence = i16::from_le_bytes([raw[2], raw[3]]);
    let (l_start, l_len) = (field(4), field(4 + w));
    let l_pid = i32::from_le_bytes(raw[N - 4..].try_into().unwrap_or([0; 4]));
    if ofd && l_pid != 0 {
        return Err(EINVAL);
    }
    let (acc, offset, inode, ofd_id) = {
        let of = f.lock();
        (
            of.flags & O_ACCMODE,
            of.offset,
            of.inode.clone(),
            &*of as *const _ as usize,
        )
    };
    // `flock_to_posix_lock()`: the range from whence, start and length (a
    // negative length reaches back), EINVAL below 0, 0 length to EOF.
    let base = match l_whence as u32 {
        SEEK_SET => 0,
        SEEK_CUR => offset as i64,
        SEEK_END => inode.as_ref().map_or(0, |i| i.size()) as i64,
        _ => return Err(EINVAL),
    };
    let start = base.checked_add(l_start).ok_or(EOVERFLOW)?;
    let (start, end) = match l_len {
        0 => (start, u64::MAX),
        n if n > 0 => (start, (start.checked_add(n - 1).ok_or(EOVERFLOW)?) as u64),
        n => (start.checked_add(n).ok_or(EINVAL)?, (start - 1) as u64),
    };
    if start < 0 {
        return Err(EINVAL);
    }
    let start = start as u64;
    let write = match l_type {
        F_RDLCK => false,
        F_WRLCK => true,
        F_UNLCK if cmd != LockCmd::Get => false,
        _ => return Err(EINVAL),
    };
    let Some(inode) = inode else {
        return Err(EBADF); // a pipe or the console: nothing to lock
    };
    let pid = with_current(|t| t.tgid);
    let want = locks::Lock {
        owner: if ofd {
            locks::Owner::File(ofd_id)
        } else {
            locks::Owner::Process(pid)
        },
        family: locks::Family::Record,
        write,
        start,
        end,
        pid: if ofd { -1 } else { pid as i32 },
    };
    match cmd {
        LockCmd::Get => {
            // F_GETLK: the first conflicting lock, or F_UNLCK.
            match locks::conflict(&inode, &want) {
                None => raw[0..2].copy_from_slice(&F_UNLCK.to_le_bytes()),
                Some(c) => {
                    let ty = if c.write { F_WRLCK } else { F_RDLCK };
                    let len = if c.end == u64::MAX {
                        0
                    } else {
                        c.end - c.start + 1
                    };
                    if w == 4 && (c.start > i32::MAX as u64 || len > i32::MAX as u64) {
                        return Err(EOVERFLOW);
                    }
                    raw[0..2].copy_from_slice(&ty.to_le_bytes());
                    raw[2..4].copy_from_slice(&(SEEK_SET as i16).to_le_bytes());
                    if w == 8 {
                        raw[4..12].copy_from_slice(&(c.start as i64).to_le_bytes());
                        raw[12..20].copy_from_slice(&(len as i64).to_le_bytes());
                    } else {
                        raw[4..8].copy_from_slice(&(c.start as i32).to_le_bytes());
                        raw[8..12].copy_from_slice(&(len as i32).to_le_bytes());
                    }
                    raw[N - 4..].copy_from_slice(&c.pid.to_le_bytes());
                }
            }
            flock.write(&raw)?;
            Ok(0)
        }
        _ => {
            // The descriptor must allow the lock's kind (`check_fmode_for_setlk`).
            if (l_type == F_RDLCK && acc == O_WRONLY) || (l_type == F_WRLCK && acc == O_RDONLY) {
                return Err(EBADF);
            }
            locks::set(&inode, want, l_type == F_UNLCK, cmd == LockCmd::SetWait)?;
            Ok(0)
        }
    }
}

/// `flock(fd, operation)` (fs/locks.c): a whole-file lock owned by the
/// open file description, shared (`LOCK_SH`) or exclusive (`LOCK_EX`),
/// `LOCK_NB` not to wait (`EWOULDBLOCK`), `LOCK_UN` to drop it. Changing
/// one's lock drops it first, as Linux does (not atomic).
pub fn sys_flock(fd: Fd, operation: u32) -> SysResult {
    const LOCK_SH: u32 = 1;
    const LOCK_EX: u32 = 2;
    const LOCK_NB: u32 = 4;
    const LOCK_UN: u32 = 8;
    let f = file(fd.0)?;
    let (inode, ofd_id, kind) = {
        let of = f.lock();
        (of.inode.clone(), &*of as *const _ as usize, of.kind)
    };
    if kind == FileKind::Path {
        return Err(EBADF);
    }
    let op = operation & !LOCK_NB;
    let write = match op {
        LOCK_SH => false,
        LOCK_EX => true,
        LOCK_UN => false,
        _ => return Err(EINVAL),
    };
    let Some(inode) = inode else {
        return Ok(0); // a pipe: Linux's flock works on any file; nothing to share
    };
    let owner = locks::Owner::File(ofd_id);
    locks::release(&inode, owner, locks::Family::Flock);
    if op == LOCK_UN {
        return Ok(0);
    }
    let want = locks::Lock {
        owner,
        family: locks::Family::Flock,
        write,
        start: 0,
        end: u64::MAX,
        pid: with_current(|t| t.pid) as i32,
    };
    locks::set(&inode, want, false, operation & LOCK_NB == 0)
        .map(|_| 0)
        .map_err(|e| if e == EAGAIN { EWOULDBLOCK } else { e })
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
        F_GETLK | F_SETLK | F_SETLKW => lock(&f, arg, false, lock_cmd(cmd), false),
        F_GETLK64 | F_SETLK64 | F_SETLKW64 if is64 => lock(&f, arg, true, lock_cmd(cmd), false),
        F_OFD_GETLK | F_OFD_SETLK | F_OFD_SETLKW => lock(&f, arg, is64, lock_cmd(cmd), true),
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

/// Which record-lock command `cmd` is.
fn lock_cmd(cmd: u32) -> LockCmd {
    match cmd {
        F_GETLK | F_GETLK64 | F_OFD_GETLK => LockCmd::Get,
        F_SETLKW | F_SETLKW64 | F_OFD_SETLKW => LockCmd::SetWait,
        _ => LockCmd::Set,
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
            if let Some(f) = &old_file {
                locks::close_posix(with_current(|t| t.pid), f);
            }
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

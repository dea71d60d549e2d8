//! Setting file times (Linux's fs/utimes.c): `utime`, `utimes`,
//! `futimesat`, `utimensat` and `utimensat_time64`, all through
//! [`do_utimes`].

use super::inode::{InodeRef, Timespec};
use super::namei::{file, lookup_at};
use crate::syscall::args::{DirFd, SysResult};
use crate::syscall::uaccess::{UserCStr, UserPtr};
use abi::errno::*;
use abi::fcntl::{AT_EMPTY_PATH, AT_FDCWD, AT_SYMLINK_NOFOLLOW, AtFlags};
use abi::stat::{UTIME_NOW, UTIME_OMIT};
use abi::types::{Timespec as Timespec32, Timespec64, Timeval, Utimbuf};

/// A requested time: now, unchanged, or a value.
#[derive(Clone, Copy)]
enum Want {
    Now,
    Omit,
    At(Timespec),
}

/// A `timespec` as `utimensat` reads it: `UTIME_NOW`/`UTIME_OMIT` in the
/// nanoseconds, else they must be below 10^9 (`EINVAL`).
fn want(sec: i64, nsec: i64) -> Result<Want, Errno> {
    match nsec {
        UTIME_NOW => Ok(Want::Now),
        UTIME_OMIT => Ok(Want::Omit),
        0..=999_999_999 => Ok(Want::At(Timespec {
            sec,
            nsec: nsec as u32,
        })),
        _ => Err(EINVAL),
    }
}

/// Apply `[atime, mtime]` to `inode` (`utimes_common`): ctime becomes now
/// unless both are omitted.
fn apply(inode: &InodeRef, times: [Want; 2]) {
    if matches!(times, [Want::Omit, Want::Omit]) {
        return;
    }
    let now = Timespec::now();
    inode.meta.with(|m| {
        for (slot, w) in [(&mut m.atime, times[0]), (&mut m.mtime, times[1])] {
            match w {
                Want::Now => *slot = now,
                Want::At(t) => *slot = t,
                Want::Omit => {}
            }
        }
        m.ctime = now;
    });
}

/// `do_utimes()`: a NULL path means `dirfd` itself (`futimens`); the
/// target is followed unless `AT_SYMLINK_NOFOLLOW`.
fn do_utimes(dirfd: DirFd, path: UserCStr, times: [Want; 2], flags: u32) -> SysResult {
    if flags & !(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(EINVAL);
    }
    let inode = if path.is_null() {
        if dirfd.0 == AT_FDCWD {
            return Err(EFAULT);
        }
        let f = file(dirfd.0)?;
        let i = f.lock().inode.clone();
        match i {
            Some(i) => i,
            None => return Ok(0),
        }
    } else {
        let p = path.read_path()?;
        if p.is_empty() && flags & AT_EMPTY_PATH != 0 {
            let f = file(dirfd.0)?;
            let i = f.lock().inode.clone();
            i.ok_or(EBADF)?
        } else {
            lookup_at(dirfd, &p, flags & AT_SYMLINK_NOFOLLOW == 0)?
        }
    };
    // `setattr_prepare`: setting a time to a chosen value needs the owner
    // (or CAP_FOWNER), EPERM; setting it to now also suits whoever may
    // write the file, EACCES otherwise.
    let cred = super::namei::cred();
    if !super::namei::owner_or_capable(&cred, &inode) {
        if times.iter().any(|w| matches!(w, Want::At(_))) {
            return Err(EPERM);
        }
        if times.iter().any(|w| matches!(w, Want::Now)) {
            super::namei::inode_permission(&cred, &inode, crate::proc::cred::MAY_WRITE)?;
        }
    }
    apply(&inode, times);
    Ok(0)
}

/// `utimensat(dirfd, path, times, flags)` with 32-bit `timespec`s.
pub fn sys_utimensat(
    dirfd: DirFd,
    path: UserCStr,
    times: UserPtr<[Timespec32; 2]>,
    flags: AtFlags,
) -> SysResult {
    let t = match times.read_opt()? {
        None => [Want::Now, Want::Now],
        Some(t) => [
            want(i64::from(t[0].tv_sec), i64::from(t[0].tv_nsec))?,
            want(i64::from(t[1].tv_sec), i64::from(t[1].tv_nsec))?,
        ],
    };
    do_utimes(dirfd, path, t, flags.bits())
}

/// `utimensat_time64(dirfd, path, times, flags)`.
pub fn sys_utimensat_time64(
    dirfd: DirFd,
    path: UserCStr,
    times: UserPtr<[Timespec64; 2]>,
    flags: AtFlags,
) -> SysResult {
    let t = match times.read_opt()? {
        None => [Want::Now, Want::Now],
        Some(t) => [
            want(t[0].tv_sec, t[0].tv_nsec)?,
            want(t[1].tv_sec, t[1].tv_nsec)?,
        ],
    };
    do_utimes(dirfd, path, t, flags.bits())
}

/// `timeval`s of `utimes`/`futimesat`: microseconds below 10^6.
fn from_timevals(times: UserPtr<[Timeval; 2]>) -> Result<[Want; 2], Errno> {
    Ok(match times.read_opt()? {
        None => [Want::Now, Want::Now],
        Some(t) => {
            let one = |v: Timeval| {
                if !(0..1_000_000).contains(&v.tv_usec) {
                    return Err(EINVAL);
                }
                Ok(Want::At(Timespec {
                    sec: i64::from(v.tv_sec),
                    nsec: v.tv_usec as u32 * 1000,
                }))
            };
            [one(t[0])?, one(t[1])?]
        }
    })
}

/// `utimes(path, times)`.
pub fn sys_utimes(path: UserCStr, times: UserPtr<[Timeval; 2]>) -> SysResult {
    let t = from_timevals(times)?;
    if path.is_null() {
        return Err(EFAULT);
    }
    do_utimes(DirFd(AT_FDCWD), path, t, 0)
}

/// `futimesat(dirfd, path, times)`.
pub fn sys_futimesat(dirfd: DirFd, path: UserCStr, times: UserPtr<[Timeval; 2]>) -> SysResult {
    let t = from_timevals(times)?;
    do_utimes(dirfd, path, t, 0)
}

/// `utime(path, times)`: whole seconds.
pub fn sys_utime(path: UserCStr, times: UserPtr<Utimbuf>) -> SysResult {
    let t = match times.read_opt()? {
        None => [Want::Now, Want::Now],
        Some(u) => [
            Want::At(Timespec::from_secs(i64::from(u.actime))),
            Want::At(Timespec::from_secs(i64::from(u.modtime))),
        ],
    };
    if path.is_null() {
        return Err(EFAULT);
    }
    do_utimes(DirFd(AT_FDCWD), path, t, 0)
}

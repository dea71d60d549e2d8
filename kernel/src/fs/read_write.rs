//! Reading and writing (Linux's fs/read_write.c): `read`, `write`,
//! `readv`, `writev`, `pread64`, `pwrite64`, `preadv`, `pwritev`,
//! `sendfile(64)`, `lseek`, `_llseek`.
//!
//! Every user buffer goes through `UserSlice`; the fd is checked first
//! (`-EBADF`), then the buffer (`-EFAULT`), as Linux does. Where the bytes
//! go depends on the open file's kind: a tmpfs file (`fs/tmpfs.rs`), a
//! pipe (`fs/pipe.rs`), the console (`fs/tty.rs`), a memory device
//! (`fs/char_dev.rs`) or a procfs file (`fs/proc.rs`).

use super::char_dev::{self, Device};
use super::file::{FileKind, FileRef};
use super::inode::Timespec;
use super::namei::file;
use super::{pipe, tmpfs, tty};
use crate::syscall::args::{Fd, SysResult};
use crate::syscall::uaccess::{Direction, Read, UserPtr, UserSlice, Write};
use abi::errno::*;
use abi::fcntl::{
    O_ACCMODE, O_APPEND, O_NONBLOCK, O_RDONLY, O_WRONLY, SEEK_CUR, SEEK_DATA, SEEK_END, SEEK_HOLE,
    SEEK_MAX, SEEK_SET,
};
use abi::types::Iovec;
use abi::uio::UIO_MAXIOV;
use alloc::vec::Vec;

/// Largest single read/write (Linux's `MAX_RW_COUNT`, INT_MAX & PAGE_MASK).
const MAX_RW_COUNT: usize = 0x7FFF_F000;
/// Bytes copied through the kernel at a time for regular files.
const CHUNK: usize = 4096;

/// The file's kind if it was opened for reading (`FMODE_READ`).
fn readable(f: &FileRef) -> Result<FileKind, Errno> {
    let f = f.lock();
    if f.flags & O_ACCMODE == O_WRONLY || f.kind == FileKind::Path {
        Err(EBADF)
    } else {
        Ok(f.kind)
    }
}

/// The file's kind if it was opened for writing (`FMODE_WRITE`).
fn writable(f: &FileRef) -> Result<FileKind, Errno> {
    let f = f.lock();
    if f.flags & O_ACCMODE == O_RDONLY || f.kind == FileKind::Path {
        Err(EBADF)
    } else {
        Ok(f.kind)
    }
}

/// Read into `buf` from `f`, at `pos` if given (`pread`) or at the file's
/// offset, which then moves; shared by every read call.
fn do_read(f: &FileRef, buf: UserSlice<Write>, pos: Option<usize>) -> SysResult {
    let len = buf.len().min(MAX_RW_COUNT);
    let buf = buf.truncate(len);
    match readable(f)? {
        FileKind::Device(Device::Console) => {
            // Validate the buffer before sleeping for input.
            buf.check()?;
            let data = tty::read(f, len)?;
            buf.write_prefix(&data)?;
            Ok(data.len())
        }
        FileKind::Device(d) => char_dev::read(d, buf),
        FileKind::Regular => {
            let inode = f.lock().inode.clone().ok_or(EBADF)?;
            let start = pos.unwrap_or_else(|| f.lock().offset);
            let mut chunk = [0u8; CHUNK];
            let mut done = 0;
            while done < len {
                let want = (len - done).min(CHUNK);
                let n = tmpfs::read_at(&inode, start + done, &mut chunk[..want]);
                if n == 0 {
                    break;
                }
                if let Err(e) = buf.sub(done, n)?.write_prefix(&chunk[..n]) {
                    if done == 0 {
                        return Err(e);
                    }
                    break;
                }
                done += n;
                if n < want {
                    break;
                }
            }
            if pos.is_none() {
                f.lock().offset = start + done;
            }
            inode.meta.with(|m| m.atime = Timespec::now());
            Ok(done)
        }
        FileKind::Dir => Err(EISDIR),
        FileKind::Proc => super::proc::read(f, buf, pos),
        FileKind::Pipe { id, .. } => {
            if pos.is_some() {
                return Err(ESPIPE);
            }
            // Validate the buffer before sleeping for data.
            buf.check()?;
            let nonblock = f.lock().flags & O_NONBLOCK != 0;
            let data = pipe::read(id, len, nonblock)?;
            buf.write_prefix(&data)?;
            Ok(data.len())
        }
        FileKind::Path => Err(EBADF),
    }
}

/// Write `buf` to `f`, at `pos` if given (`pwrite`) or at the file's
/// offset (its end with `O_APPEND`), which then moves.
fn do_write(f: &FileRef, buf: UserSlice<Read>, pos: Option<usize>) -> SysResult {
    let kind = writable(f)?;
    let len = buf.len().min(MAX_RW_COUNT);
    let buf = buf.truncate(len);
    match kind {
        FileKind::Device(Device::Console) => {
            tty::write_check(f)?;
            // In page-sized pieces, so a huge write needs no huge buffer.
            let mut done = 0;
            while done < len {
                let n = (len - done).min(4096);
                let data = buf.sub(done, n)?.read_to_vec()?;
                tty::write(&data);
                done += n;
            }
            Ok(len)
        }
        FileKind::Device(d) => char_dev::write(d, buf),
        FileKind::Regular => {
            let (inode, append, offset) = {
                let of = f.lock();
                (of.inode.clone(), of.flags & O_APPEND != 0, of.offset)
            };
            let inode = inode.ok_or(EBADF)?;
            // O_APPEND writes at the end even for pwrite, as on Linux
            // (pwrite(2), BUGS).
            let start = if append {
                inode.size()
            } else {
                pos.unwrap_or(offset)
            };
            // A write that would pass RLIMIT_FSIZE is cut short at it;
            // one that starts there fails (`generic_write_check_limits`).
            let limit = fsize_limit();
            let len = if start.saturating_add(len) > limit {
                if start >= limit {
                    return Err(fsize_exceeded());
                }
                limit - start
            } else {
                len
            };
            let mut chunk = [0u8; CHUNK];
            let mut done = 0;
            while done < len {
                let n = (len - done).min(CHUNK);
                if let Err(e) = buf.sub(done, n)?.read_into(&mut chunk[..n]) {
                    if done == 0 {
                        return Err(e);
                    }
                    break;
                }
                if let Err(e) = tmpfs::write_at(&inode, start + done, &chunk[..n]) {
                    if done == 0 {
                        return Err(e);
                    }
                    break;
                }
                done += n;
            }
            if pos.is_none() {
                f.lock().offset = start + done;
            }
            if done > 0 {
                inode.touch_mtime();
            }
            Ok(done)
        }
        FileKind::Dir | FileKind::Path => Err(EBADF),
        FileKind::Proc => super::proc::write(f, buf),
        FileKind::Pipe { id, .. } => {
            if pos.is_some() {
                return Err(ESPIPE);
            }
            let nonblock = f.lock().flags & O_NONBLOCK != 0;
            let mut done = 0;
            // Whole chunks of at least PIPE_BUF, so small writes stay atomic.
            while done < len {
                let n = (len - done).min(pipe::PIPE_CAPACITY);
                let data = match buf.sub(done, n)?.read_to_vec() {
                    Ok(d) => d,
                    Err(_) if done > 0 => return Ok(done),
                    Err(e) => return Err(e),
                };
                match pipe::write(id, &data, nonblock) {
                    Ok(w) => done += w,
                    Err((w, _)) if done + w > 0 => return Ok(done + w),
                    Err((_, pipe::WriteError::WouldBlock)) => return Err(EAGAIN),
                    Err((_, pipe::WriteError::Interrupted)) => return Err(ERESTARTSYS),
                    Err((_, pipe::WriteError::Broken)) => return Err(pipe::broken_pipe()),
                    Err((_, pipe::WriteError::NoMemory)) => return Err(ENOMEM),
                }
            }
            Ok(done)
        }
    }
}

/// How large the running process may make a file (`RLIMIT_FSIZE`).
pub fn fsize_limit() -> usize {
    crate::proc::with_current(|t| t.rlimits[abi::resource::RLIMIT_FSIZE as usize].soft())
}

/// Past `RLIMIT_FSIZE`: `SIGXFSZ` to the process, and `EFBIG`.
pub fn fsize_exceeded() -> Errno {
    crate::proc::signal::send_self(abi::signal::SIGXFSZ);
    EFBIG
}

/// `read(fd, buf, count)`.
pub fn sys_read(fd: Fd, buf: UserSlice<Write>) -> SysResult {
    let f = file(fd.0)?;
    do_read(&f, buf, None)
}

/// `write(fd, buf, count)`.
pub fn sys_write(fd: Fd, buf: UserSlice<Read>) -> SysResult {
    let f = file(fd.0)?;
    do_write(&f, buf, None)
}

/// A 64-bit file position from two registers (i386 passes `loff_t` in a
/// pair, low word first): `EINVAL` if negative.
fn pos64(lo: u32, hi: u32) -> Result<usize, Errno> {
    let p = ((u64::from(hi) << 32) | u64::from(lo)) as i64;
    if p < 0 {
        return Err(EINVAL);
    }
    usize::try_from(p).map_err(|_| EFBIG)
}

/// `pread64(fd, buf, count, pos)`: at `pos`, the offset unchanged; pipes
/// and the console are `ESPIPE`.
pub fn sys_pread64(fd: Fd, buf: UserSlice<Write>, lo: u32, hi: u32) -> SysResult {
    let f = file(fd.0)?;
    let pos = pos64(lo, hi)?;
    if matches!(
        f.lock().kind,
        FileKind::Pipe { .. } | FileKind::Device(Device::Console)
    ) {
        return Err(ESPIPE);
    }
    do_read(&f, buf, Some(pos))
}

/// `pwrite64(fd, buf, count, pos)`.
pub fn sys_pwrite64(fd: Fd, buf: UserSlice<Read>, lo: u32, hi: u32) -> SysResult {
    let f = file(fd.0)?;
    let pos = pos64(lo, hi)?;
    if matches!(
        f.lock().kind,
        FileKind::Pipe { .. } | FileKind::Device(Device::Console)
    ) {
        return Err(ESPIPE);
    }
    do_write(&f, buf, Some(pos))
}

/// Read an iovec array of `cnt` entries at `iov`, checking Linux's limits
/// (a count that is negative as an `int` is past `UIO_MAXIOV` too).
fn iovecs<D: Direction>(iov: UserPtr<Iovec>, cnt: usize) -> Result<Vec<UserSlice<D>>, Errno> {
    if cnt > UIO_MAXIOV {
        return Err(EINVAL);
    }
    let mut out = crate::mm::heap::try_vec(cnt)?;
    let mut total: usize = 0;
    for i in 0..cnt {
        let v = iov.offset(i)?.read()?;
        // Linux's rw_copy_check_uvector: a length that is negative as ssize_t
        // is -EINVAL; the total is cut at MAX_RW_COUNT, not refused.
        if v.len > i32::MAX as u32 {
            return Err(EINVAL);
        }
        let len = (v.len as usize).min(MAX_RW_COUNT - total);
        total += len;
        out.push(UserSlice::new(v.base as usize, len));
    }
    Ok(out)
}

/// `writev` and `pwritev`: the vectors in order, stopping at an error
/// after some bytes went (which are counted).
fn writev(fd: Fd, iov: UserPtr<Iovec>, iovcnt: usize, mut pos: Option<usize>) -> SysResult {
    let f = file(fd.0)?;
    let mut done = 0;
    for v in iovecs(iov, iovcnt)? {
        let len = v.len();
        match do_write(&f, v, pos) {
            Ok(n) => {
                done += n;
                pos = pos.map(|p| p + n);
                if n < len {
                    break;
                }
            }
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// `readv` and `preadv`: stops at the first short read.
fn readv(fd: Fd, iov: UserPtr<Iovec>, iovcnt: usize, mut pos: Option<usize>) -> SysResult {
    let f = file(fd.0)?;
    let mut done = 0;
    for v in iovecs(iov, iovcnt)? {
        let len = v.len();
        match do_read(&f, v, pos) {
            Ok(n) => {
                done += n;
                pos = pos.map(|p| p + n);
                if n < len {
                    break;
                }
            }
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// `writev(fd, iov, iovcnt)`.
pub fn sys_writev(fd: Fd, iov: UserPtr<Iovec>, iovcnt: usize) -> SysResult {
    writev(fd, iov, iovcnt, None)
}

/// `readv(fd, iov, iovcnt)`.
pub fn sys_readv(fd: Fd, iov: UserPtr<Iovec>, iovcnt: usize) -> SysResult {
    readv(fd, iov, iovcnt, None)
}

/// `preadv(fd, iov, iovcnt, pos_l, pos_h)`.
pub fn sys_preadv(fd: Fd, iov: UserPtr<Iovec>, iovcnt: usize, lo: u32, hi: u32) -> SysResult {
    let pos = pos64(lo, hi)?;
    readv(fd, iov, iovcnt, Some(pos))
}

/// `pwritev(fd, iov, iovcnt, pos_l, pos_h)`.
pub fn sys_pwritev(fd: Fd, iov: UserPtr<Iovec>, iovcnt: usize, lo: u32, hi: u32) -> SysResult {
    let pos = pos64(lo, hi)?;
    writev(fd, iov, iovcnt, Some(pos))
}

/// `do_sendfile()`: copy up to `count` bytes from `in_fd` (at `*offset`
/// if given, which is then advanced, else at its file offset) to `out_fd`,
/// a page at a time through the kernel. `wide`: `*offset` is a `loff_t`.
fn sendfile(out_fd: Fd, in_fd: Fd, offset: usize, count: usize, wide: bool) -> SysResult {
    let input = file(in_fd.0)?;
    let output = file(out_fd.0)?;
    readable(&input)?;
    writable(&output)?;
    if output.lock().flags & O_APPEND != 0 {
        return Err(EINVAL);
    }
    let mut pos = match (offset, wide) {
        (0, _) => None,
        (a, true) => Some(UserPtr::<i64>::new(a).read()?),
        (a, false) => Some(i64::from(UserPtr::<i32>::new(a).read()?)),
    };
    if pos.is_some_and(|p| p < 0) {
        return Err(EINVAL);
    }
    let count = count.min(MAX_RW_COUNT);
    let FileKind::Regular = input.lock().kind else {
        return Err(EINVAL); // only files can be the source (Linux: splice-capable)
    };
    let inode = input.lock().inode.clone().ok_or(EINVAL)?;
    let mut chunk = [0u8; CHUNK];
    let mut done = 0;
    while done < count {
        let at = pos.map_or_else(|| input.lock().offset, |p| p as usize);
        let want = (count - done).min(CHUNK);
        let n = tmpfs::read_at(&inode, at, &mut chunk[..want]);
        if n == 0 {
            break;
        }
        let w = match write_kernel(&output, &chunk[..n]) {
            Ok(w) => w,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        match &mut pos {
            Some(p) => *p += w as i64,
            None => input.lock().offset = at + w,
        }
        done += w;
        if w < n {
            break;
        }
    }
    match (offset, pos) {
        (a, Some(p)) if a != 0 && wide => UserPtr::<i64>::new(a).write(&p)?,
        (a, Some(p)) if a != 0 => UserPtr::<i32>::new(a).write(&(p as i32))?,
        _ => {}
    }
    Ok(done)
}

/// Write kernel bytes to an open file (sendfile's sink).
fn write_kernel(f: &FileRef, data: &[u8]) -> Result<usize, Errno> {
    let kind = f.lock().kind;
    match kind {
        FileKind::Regular => {
            let (inode, off) = {
                let of = f.lock();
                (of.inode.clone().ok_or(EBADF)?, of.offset)
            };
            let n = tmpfs::write_at(&inode, off, data)?;
            f.lock().offset = off + n;
            inode.touch_mtime();
            Ok(n)
        }
        FileKind::Device(Device::Console) => {
            tty::write_check(f)?;
            tty::write(data);
            Ok(data.len())
        }
        FileKind::Device(Device::Full) => Err(ENOSPC),
        FileKind::Device(_) => Ok(data.len()),
        FileKind::Pipe { id, .. } => {
            let nonblock = f.lock().flags & O_NONBLOCK != 0;
            match pipe::write(id, data, nonblock) {
                Ok(w) => Ok(w),
                Err((w, _)) if w > 0 => Ok(w),
                Err((_, pipe::WriteError::WouldBlock)) => Err(EAGAIN),
                Err((_, pipe::WriteError::Interrupted)) => Err(ERESTARTSYS),
                Err((_, pipe::WriteError::Broken)) => Err(pipe::broken_pipe()),
                Err((_, pipe::WriteError::NoMemory)) => Err(ENOMEM),
            }
        }
        _ => Err(EINVAL),
    }
}

/// `sendfile(out_fd, in_fd, *offset, count)` with a 32-bit offset.
pub fn sys_sendfile(out_fd: Fd, in_fd: Fd, offset: u32, count: usize) -> SysResult {
    sendfile(out_fd, in_fd, offset as usize, count, false)
}

/// `sendfile64(out_fd, in_fd, *offset, count)`.
pub fn sys_sendfile64(out_fd: Fd, in_fd: Fd, offset: u32, count: usize) -> SysResult {
    sendfile(out_fd, in_fd, offset as usize, count, true)
}

// ---------------------------------------------------------------------------
// lseek

/// `vfs_llseek()` with each file's `llseek`: `generic_file_llseek()` for
/// regular files (SEEK_DATA/SEEK_HOLE see one extent of data), the
/// directory's (only SET and CUR; the position is an entry's, see
/// `inode::Dir`), `null_lseek()` for the memory devices (always 0), and
/// `ESPIPE` for the console and pipes. `whence` is already `<= SEEK_MAX`.
pub fn seek(f: &FileRef, offset: i64, whence: u32) -> Result<i64, Errno> {
    let mut of = f.lock();
    let pos = of.offset as i64;
    let new = match of.kind {
        FileKind::Regular => {
            let size = of.inode.as_ref().map_or(0, |i| i.size()) as i64;
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
        // A directory, and a procfs file (`seq_lseek`): no end to seek from.
        FileKind::Dir | FileKind::Proc => match whence {
            SEEK_SET => offset,
            SEEK_CUR => pos.checked_add(offset).ok_or(EINVAL)?,
            _ => return Err(EINVAL),
        },
        FileKind::Device(d) if d.seeks_to_zero() => 0,
        FileKind::Device(_) | FileKind::Pipe { .. } => return Err(ESPIPE),
        FileKind::Path => return Err(EBADF),
    };
    // `vfs_setpos()`: negative or past what the offset can hold.
    if new < 0 || new > usize::MAX as i64 {
        return Err(EINVAL);
    }
    of.offset = new as usize;
    Ok(new)
}

/// `lseek(fd, offset, whence)` with a 32-bit `off_t` (`ksys_lseek()`): a
/// result that does not fit is `EOVERFLOW`, though the position has moved,
/// as on Linux.
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

/// `_llseek(fd, offset_high, offset_low, result, whence)`: the 64-bit
/// result goes to `*result`.
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

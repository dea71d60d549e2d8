//! File system calls: read, write, readv/writev, open/openat/close, ioctl,
//! lseek, dup, getcwd, chdir, access. Every user buffer goes through
//! `UserSlice`/`UserPtr`; the fd is checked first (`-EBADF`), then the
//! buffer (`-EFAULT`), as Linux does.

use super::args::{DirFd, Fd, SysResult};
use super::uaccess::{Direction, Read, UserCStr, UserPtr, UserSlice, Write};
use crate::fs::file::{FileKind, FileRef, OpenFile, install_new, open};
use crate::fs::pipe;
use crate::fs::ramfs::{self, Device, NodeKind};
use crate::fs::tty;
use crate::proc::with_current;
use abi::errno::*;
use abi::fcntl::{
    AT_FDCWD, O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_NONBLOCK, O_RDONLY, O_TRUNC, O_WRONLY,
    OpenFlags,
};
use abi::ioctl::*;
use abi::poll::{POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT};
use abi::types::{Iovec, Pollfd};
use abi::uio::UIO_MAXIOV;
use alloc::sync::Arc;
use alloc::vec::Vec;
use spin::Mutex;

/// Largest single read/write (Linux's `MAX_RW_COUNT`, INT_MAX & PAGE_MASK).
const MAX_RW_COUNT: usize = 0x7FFF_F000;

fn file(fd: i32) -> Result<FileRef, Errno> {
    with_current(|t| t.files.get(fd))
}

fn readable(f: &FileRef) -> Result<FileKind, Errno> {
    let f = f.lock();
    if f.flags & O_ACCMODE == O_WRONLY {
        Err(EBADF)
    } else {
        Ok(f.kind)
    }
}

fn writable(f: &FileRef) -> Result<FileKind, Errno> {
    let f = f.lock();
    if f.flags & O_ACCMODE == O_RDONLY {
        Err(EBADF)
    } else {
        Ok(f.kind)
    }
}

/// Read into `buf` from `f`; shared by `read` and `readv`.
fn do_read(f: &FileRef, buf: UserSlice<Write>) -> SysResult {
    let len = buf.len().min(MAX_RW_COUNT);
    match readable(f)? {
        FileKind::Device(Device::Console) => {
            // Validate the buffer before sleeping for input.
            buf.check()?;
            let data = tty::read(len)?;
            buf.write_prefix(&data)?;
            Ok(data.len())
        }
        FileKind::Device(Device::Null) => Ok(0),
        FileKind::Device(Device::Zero) => {
            // A page at a time: the length is the user's, the heap is not.
            let zeros = [0u8; 4096];
            let mut done = 0;
            while done < len {
                let n = (len - done).min(zeros.len());
                buf.sub(done, n)?.write_prefix(&zeros[..n])?;
                done += n;
            }
            Ok(len)
        }
        FileKind::Regular(ino) => {
            let data = ramfs::root().node(ino).data;
            let mut of = f.lock();
            let start = of.offset.min(data.len());
            let n = (data.len() - start).min(len);
            buf.write_prefix(&data[start..start + n])?;
            of.offset = start + n;
            Ok(n)
        }
        FileKind::Dir(_) => Err(EISDIR),
        FileKind::Pipe { id, .. } => {
            // Validate the buffer before sleeping for data.
            buf.check()?;
            let nonblock = f.lock().flags & O_NONBLOCK != 0;
            let data = pipe::read(id, len, nonblock)?;
            buf.write_prefix(&data)?;
            Ok(data.len())
        }
    }
}

/// Write `buf` to `f`; shared by `write` and `writev`.
fn do_write(f: &FileRef, buf: UserSlice<Read>) -> SysResult {
    let kind = writable(f)?;
    let len = buf.len().min(MAX_RW_COUNT);
    match kind {
        FileKind::Device(Device::Console) => {
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
        // /dev/null and /dev/zero discard writes without reading the buffer.
        FileKind::Device(_) => Ok(len),
        FileKind::Regular(_) | FileKind::Dir(_) => Err(EBADF),
        FileKind::Pipe { id, .. } => {
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
                    Err((_, pipe::WriteError::Interrupted)) => return Err(EINTR),
                    Err((_, pipe::WriteError::Broken)) => return Err(broken_pipe()),
                    Err((_, pipe::WriteError::NoMemory)) => return Err(ENOMEM),
                }
            }
            Ok(done)
        }
    }
}

/// Writing to a pipe nobody reads: `SIGPIPE` (whose default action ends
/// the process on the way out) and `-EPIPE`, as Linux's `pipe_write`.
fn broken_pipe() -> Errno {
    let me = with_current(|t| t.pid);
    let sig = abi::signal::SIGPIPE;
    let _ = crate::proc::signal::send(
        me,
        sig,
        crate::proc::signal::user_info(sig, abi::signal::SI_USER, me),
    );
    EPIPE
}

/// `pipe(fds)`.
pub fn sys_pipe(fds: UserPtr<[i32; 2]>) -> SysResult {
    make_pipe(fds, 0)
}

/// `pipe2(fds, flags)`: `O_CLOEXEC` and `O_NONBLOCK`.
pub fn sys_pipe2(fds: UserPtr<[i32; 2]>, flags: u32) -> SysResult {
    if flags & !(O_CLOEXEC | O_NONBLOCK | abi::fcntl::O_DIRECT) != 0 {
        return Err(EINVAL);
    }
    make_pipe(fds, flags)
}

fn make_pipe(fds: UserPtr<[i32; 2]>, flags: u32) -> SysResult {
    // Check the result array first, so a bad pointer leaks nothing.
    UserSlice::<Write>::new(fds.addr(), core::mem::size_of::<[i32; 2]>()).check()?;
    let id = pipe::create();
    let end = |write: bool| {
        let access = if write {
            abi::fcntl::O_WRONLY
        } else {
            O_RDONLY
        };
        Arc::new(Mutex::new(OpenFile {
            kind: FileKind::Pipe { id, write },
            offset: 0,
            flags: access | (flags & O_NONBLOCK),
        }))
    };
    let (r, w) = (end(false), end(true));
    let cloexec = flags & O_CLOEXEC != 0;
    // Linux's do_pipe2: reserve both numbers, copy them out, then install.
    // Nothing can fail after a file is in the table, and a file that is
    // not installed is dropped here, outside any borrow (its pipe end
    // closes and wakes sleepers through the scheduler).
    let (rfd, wfd) = with_current(|t| {
        let limit = t.nofile_limit();
        let rfd = t.files.alloc_fd(0, limit)?;
        match t.files.alloc_fd(0, limit) {
            Ok(wfd) => Ok((rfd, wfd)),
            Err(e) => {
                t.files.put_unused_fd(rfd);
                Err(e)
            }
        }
    })?;
    if let Err(e) = fds.write(&[rfd, wfd]) {
        with_current(|t| {
            t.files.put_unused_fd(rfd);
            t.files.put_unused_fd(wfd);
        });
        return Err(e);
    }
    with_current(|t| {
        t.files.fd_install(rfd, r, cloexec);
        t.files.fd_install(wfd, w, cloexec);
    });
    Ok(0)
}

/// `read(fd, buf, count)`.
pub fn sys_read(fd: Fd, buf: UserSlice<Write>) -> SysResult {
    let f = file(fd.0)?;
    do_read(&f, buf)
}

/// `write(fd, buf, count)`.
pub fn sys_write(fd: Fd, buf: UserSlice<Read>) -> SysResult {
    let f = file(fd.0)?;
    do_write(&f, buf)
}

/// Read an iovec array of `cnt` entries at `iov`, checking Linux's limits
/// (a count that is negative as an `int` is past `UIO_MAXIOV` too).
fn iovecs<D: Direction>(iov: UserPtr<Iovec>, cnt: usize) -> Result<Vec<UserSlice<D>>, Errno> {
    if cnt > UIO_MAXIOV {
        return Err(EINVAL);
    }
    let mut out = Vec::with_capacity(cnt);
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

/// `writev(fd, iov, iovcnt)`.
pub fn sys_writev(fd: Fd, iov: UserPtr<Iovec>, iovcnt: usize) -> SysResult {
    let f = file(fd.0)?;
    let mut done = 0;
    for v in iovecs(iov, iovcnt)? {
        match do_write(&f, v) {
            Ok(n) => done += n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// `readv(fd, iov, iovcnt)`: stops at the first short read.
pub fn sys_readv(fd: Fd, iov: UserPtr<Iovec>, iovcnt: usize) -> SysResult {
    let f = file(fd.0)?;
    let mut done = 0;
    for v in iovecs(iov, iovcnt)? {
        match do_read(&f, v) {
            Ok(n) => {
                done += n;
                if n < v.len() {
                    break;
                }
            }
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

fn open_common(dirfd: DirFd, path: &[u8], flags: OpenFlags) -> SysResult {
    if path.is_empty() {
        return Err(ENOENT);
    }
    let mut cwd = with_current(|t| t.cwd.clone());
    if dirfd.0 != AT_FDCWD && path[0] != b'/' {
        // Relative to a directory fd: only fds that are directories.
        let f = file(dirfd.0)?;
        let FileKind::Dir(ino) = f.lock().kind else {
            return Err(ENOTDIR);
        };
        cwd = ramfs::root().path_of(ino);
    }
    let f = match open(path, cwd.as_bytes(), flags.bits()) {
        Ok(f) => f,
        Err(ENOENT) if flags.any(O_CREAT) => return Err(EROFS),
        Err(e) => return Err(e),
    };
    let kind = f.lock().kind;
    let write = flags.bits() & O_ACCMODE != O_RDONLY;
    match kind {
        FileKind::Regular(_) if write || flags.any(O_TRUNC) => {
            return Err(EROFS);
        }
        FileKind::Dir(_) if write => return Err(EISDIR),
        FileKind::Regular(_) | FileKind::Device(_) if flags.any(O_DIRECTORY) => {
            return Err(ENOTDIR);
        }
        _ => {}
    }
    install_new(f, flags.any(O_CLOEXEC), 0).map(|fd| fd as usize)
}

/// `open(path, flags, mode)`: the initramfs is read-only (nothing is
/// created, so `mode` is not declared).
pub fn sys_open(path: UserCStr, flags: OpenFlags) -> SysResult {
    let path = path.read_path()?;
    open_common(DirFd(AT_FDCWD), &path, flags)
}

/// `openat(dirfd, path, flags, mode)`.
pub fn sys_openat(dirfd: DirFd, path: UserCStr, flags: OpenFlags) -> SysResult {
    let path = path.read_path()?;
    open_common(dirfd, &path, flags)
}

/// `close(fd)`.
pub fn sys_close(fd: Fd) -> SysResult {
    // The file is dropped here, after the task borrow ends.
    with_current(|t| t.files.close(fd.0)).map(|_| 0)
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
    super::fs::do_dup2(old, new, false)
}

/// `ioctl(fd, request, arg)`: the console answers the TTY requests (so
/// `isatty` works); everything else is `-ENOTTY`, as on Linux.
///
/// `arg` is a raw word: what it points to depends on `request`.
pub fn sys_ioctl(fd: Fd, request: u32, arg: u32) -> SysResult {
    let f = file(fd.0)?;
    let kind = f.lock().kind;
    let arg = arg as usize;
    if let FileKind::Pipe { id, .. } = kind {
        if request != FIONREAD {
            return Err(ENOTTY);
        }
        let n = pipe::status(id).0 as u32;
        UserPtr::new(arg).write(&n)?;
        return Ok(0);
    }
    if kind != FileKind::Device(Device::Console) {
        return Err(ENOTTY);
    }
    match request {
        TCGETS => UserPtr::new(arg).write(&tty::termios()).map(|_| 0),
        TCSETS | TCSETSW | TCSETSF => {
            let t = UserPtr::new(arg).read()?;
            tty::set_termios(t);
            Ok(0)
        }
        TIOCGWINSZ => UserPtr::new(arg).write(&tty::winsize()).map(|_| 0),
        TIOCSWINSZ => Ok(0),
        TIOCGPGRP => {
            let pid = with_current(|t| t.pid);
            UserPtr::new(arg).write(&pid).map(|_| 0)
        }
        TIOCSPGRP => Ok(0),
        FIONREAD => {
            let n = tty::available() as u32;
            UserPtr::new(arg).write(&n).map(|_| 0)
        }
        _ => Err(ENOTTY),
    }
}

/// `getcwd(buf, size)`: returns the length including the NUL.
pub fn sys_getcwd(buf: UserSlice<Write>) -> SysResult {
    let mut cwd = with_current(|t| t.cwd.clone()).into_bytes();
    cwd.push(0);
    if buf.len() < cwd.len() {
        return Err(ERANGE);
    }
    // Only the bytes written must be valid user memory, as on Linux.
    buf.write_prefix(&cwd)?;
    Ok(cwd.len())
}

/// `chdir(path)`.
pub fn sys_chdir(path: UserCStr) -> SysResult {
    let path = path.read_path()?;
    if path.is_empty() {
        return Err(ENOENT);
    }
    let fs = ramfs::root();
    let cwd = with_current(|t| t.cwd.clone());
    let cur = fs.lookup(cwd.as_bytes(), fs.root_ino(), true)?;
    let ino = fs.lookup(&path, cur, true)?;
    if !matches!(fs.node(ino).kind, NodeKind::Dir(_)) {
        return Err(ENOTDIR);
    }
    let p = fs.path_of(ino);
    with_current(|t| t.cwd = p);
    Ok(0)
}

/// `poll(fds, nfds, timeout_ms)`: readiness of consoles, pipes and files;
/// waits (tick by tick) until something is ready or the timeout passes.
pub fn sys_poll(ufds: UserPtr<Pollfd>, nfds: usize, timeout: i32) -> SysResult {
    // `do_sys_poll()`: more entries than RLIMIT_NOFILE is EINVAL.
    if nfds > with_current(|t| t.nofile_limit()) {
        return Err(EINVAL);
    }
    // Bounded by RLIMIT_NOFILE (at most NR_OPEN_MAX) above.
    let mut fds = ufds.read_array(nfds)?;
    let deadline =
        crate::time::uptime_ns().saturating_add(u64::from(timeout.max(0) as u32) * 1_000_000);
    loop {
        let mut ready = 0;
        for p in fds.iter_mut() {
            p.revents = 0;
            if p.fd < 0 {
                continue;
            }
            let Ok(f) = file(p.fd) else {
                p.revents = POLLNVAL;
                ready += 1;
                continue;
            };
            let kind = f.lock().kind;
            let state = match kind {
                FileKind::Device(Device::Console) => {
                    POLLOUT | if tty::available() > 0 { POLLIN } else { 0 }
                }
                FileKind::Pipe { id, write: false } => {
                    let (n, _, writers) = pipe::status(id);
                    (if n > 0 { POLLIN } else { 0 }) | if writers == 0 { POLLHUP } else { 0 }
                }
                FileKind::Pipe { id, write: true } => {
                    let (n, readers, _) = pipe::status(id);
                    (if n < pipe::PIPE_CAPACITY { POLLOUT } else { 0 })
                        | if readers == 0 { POLLERR } else { 0 }
                }
                _ => POLLIN | POLLOUT,
            };
            p.revents = state & (p.events | POLLERR | POLLHUP);
            if p.revents != 0 {
                ready += 1;
            }
        }
        if ready > 0 || timeout == 0 || (timeout > 0 && crate::time::uptime_ns() >= deadline) {
            for (i, p) in fds.iter().enumerate() {
                ufds.offset(i)?.write(p)?;
            }
            return Ok(ready);
        }
        if crate::proc::signal::pending() {
            return Err(EINTR);
        }
        crate::proc::sched::sleep(crate::proc::task::WaitChannel::Timer);
    }
}

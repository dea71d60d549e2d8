//! File system calls: read, write, readv/writev, open/openat/close, ioctl,
//! lseek, dup, getcwd, chdir, access. Every user buffer goes through
//! `UserSlice`/`UserPtr`; the fd is checked first (`-EBADF`), then the
//! buffer (`-EFAULT`), as Linux does.

use super::args::{SysResult, SyscallContext, efault};
use crate::fs::file::{FileKind, FileRef, OpenFile, open};
use crate::fs::pipe;
use crate::fs::ramfs::{self, Device, NodeKind};
use crate::fs::tty;
use crate::mm::usercopy::UserSlice;
use crate::proc::with_current;
use abi::errno::*;
use abi::fcntl::{
    AT_FDCWD, O_ACCMODE, O_CLOEXEC, O_CREAT, O_DIRECTORY, O_NONBLOCK, O_RDONLY, O_TRUNC, O_WRONLY,
};
use abi::ioctl::*;
use abi::types::Iovec;
use alloc::sync::Arc;
use alloc::vec::Vec;
use spin::Mutex;

/// Largest iovec count (Linux's `UIO_MAXIOV`).
const UIO_MAXIOV: usize = 1024;
/// Largest single read/write (Linux's `MAX_RW_COUNT`, INT_MAX & PAGE_MASK).
const MAX_RW_COUNT: usize = 0x7FFF_F000;

fn file(fd: i32) -> Result<FileRef, i32> {
    with_current(|t| t.files.get(fd))
}

fn readable(f: &FileRef) -> Result<FileKind, i32> {
    let f = f.lock();
    if f.flags & O_ACCMODE == O_WRONLY {
        Err(EBADF)
    } else {
        Ok(f.kind)
    }
}

fn writable(f: &FileRef) -> Result<FileKind, i32> {
    let f = f.lock();
    if f.flags & O_ACCMODE == O_RDONLY {
        Err(EBADF)
    } else {
        Ok(f.kind)
    }
}

/// Read into `buf` from `f`; shared by `read` and `readv`.
fn do_read(f: &FileRef, buf: UserSlice) -> SysResult {
    let len = buf.len().min(MAX_RW_COUNT);
    match readable(f)? {
        FileKind::Device(Device::Console) => {
            // Validate the buffer before sleeping for input.
            buf.check(true).map_err(efault)?;
            let data = tty::read(len)?;
            buf.write_prefix(&data).map_err(efault)?;
            Ok(data.len())
        }
        FileKind::Device(Device::Null) => Ok(0),
        FileKind::Device(Device::Zero) => {
            // A page at a time: the length is the user's, the heap is not.
            let zeros = [0u8; 4096];
            let mut done = 0;
            while done < len {
                let n = (len - done).min(zeros.len());
                crate::mm::usercopy::copy_to_user(buf.addr() + done, &zeros[..n])
                    .map_err(efault)?;
                done += n;
            }
            Ok(len)
        }
        FileKind::Regular(ino) => {
            let data = ramfs::root().node(ino).data;
            let mut of = f.lock();
            let start = of.offset.min(data.len());
            let n = (data.len() - start).min(len);
            buf.write_prefix(&data[start..start + n]).map_err(efault)?;
            of.offset = start + n;
            Ok(n)
        }
        FileKind::Dir(_) => Err(EISDIR),
        FileKind::Pipe { id, .. } => {
            // Validate the buffer before sleeping for data.
            buf.check(true).map_err(efault)?;
            let nonblock = f.lock().flags & O_NONBLOCK != 0;
            let data = pipe::read(id, len, nonblock)?;
            buf.write_prefix(&data).map_err(efault)?;
            Ok(data.len())
        }
    }
}

/// Write `buf` to `f`; shared by `write` and `writev`.
fn do_write(f: &FileRef, buf: UserSlice) -> SysResult {
    let kind = writable(f)?;
    let len = buf.len().min(MAX_RW_COUNT);
    match kind {
        FileKind::Device(Device::Console) => {
            // In page-sized pieces, so a huge write needs no huge buffer.
            let mut done = 0;
            while done < len {
                let n = (len - done).min(4096);
                let chunk = UserSlice::new(buf.addr() + done, n).map_err(efault)?;
                let data = chunk.read_to_vec().map_err(efault)?;
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
                let chunk = UserSlice::new(buf.addr() + done, n).map_err(efault)?;
                let data = match chunk.read_to_vec() {
                    Ok(d) => d,
                    Err(_) if done > 0 => return Ok(done),
                    Err(_) => return Err(EFAULT),
                };
                match pipe::write(id, &data, nonblock) {
                    Ok(w) => done += w,
                    Err((w, _)) if done + w > 0 => return Ok(done + w),
                    Err((_, pipe::WriteError::WouldBlock)) => return Err(EAGAIN),
                    Err((_, pipe::WriteError::Interrupted)) => return Err(EINTR),
                    Err((_, pipe::WriteError::Broken)) => return Err(broken_pipe()),
                }
            }
            Ok(done)
        }
    }
}

/// Writing to a pipe nobody reads: `SIGPIPE` (whose default action ends
/// the process on the way out) and `-EPIPE`, as Linux's `pipe_write`.
fn broken_pipe() -> i32 {
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
pub fn sys_pipe(ctx: &mut SyscallContext) -> SysResult {
    make_pipe(ctx.arg_usize(0), 0)
}

/// `pipe2(fds, flags)`: `O_CLOEXEC` and `O_NONBLOCK`.
pub fn sys_pipe2(ctx: &mut SyscallContext) -> SysResult {
    let flags = ctx.arg(1);
    if flags & !(O_CLOEXEC | O_NONBLOCK | abi::fcntl::O_DIRECT) != 0 {
        return Err(EINVAL);
    }
    make_pipe(ctx.arg_usize(0), flags)
}

fn make_pipe(fds: usize, flags: u32) -> SysResult {
    // Check the result array first, so a bad pointer leaks nothing.
    UserSlice::new(fds, 8)
        .and_then(|s| s.check(true))
        .map_err(efault)?;
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
    let rfd = with_current(|t| t.files.install(r, cloexec, 0))?;
    let wfd = match with_current(|t| t.files.install(w, cloexec, 0)) {
        Ok(fd) => fd,
        Err(e) => {
            let closed = with_current(|t| t.files.close(rfd));
            drop(closed);
            return Err(e);
        }
    };
    if let Err(e) = crate::mm::usercopy::put_user(fds, &[rfd, wfd]) {
        let closed = with_current(|t| [t.files.close(rfd), t.files.close(wfd)]);
        drop(closed);
        return Err(efault(e));
    }
    Ok(0)
}

/// `read(fd, buf, count)`.
pub fn sys_read(ctx: &mut SyscallContext) -> SysResult {
    let f = file(ctx.arg_i32(0))?;
    let buf = ctx.user_slice(1, 2)?;
    do_read(&f, buf)
}

/// `write(fd, buf, count)`.
pub fn sys_write(ctx: &mut SyscallContext) -> SysResult {
    let f = file(ctx.arg_i32(0))?;
    let buf = ctx.user_slice(1, 2)?;
    do_write(&f, buf)
}

/// Read an iovec array, checking Linux's limits.
fn iovecs(ctx: &SyscallContext) -> Result<Vec<UserSlice>, i32> {
    let cnt = ctx.arg_i32(2);
    if cnt < 0 || cnt as usize > UIO_MAXIOV {
        return Err(EINVAL);
    }
    let base = ctx.user_ptr::<Iovec>(1);
    let mut out = Vec::with_capacity(cnt as usize);
    let mut total: usize = 0;
    for i in 0..cnt as usize {
        let v = base.offset(i).map_err(efault)?.read().map_err(efault)?;
        // Linux's rw_copy_check_uvector: a length that is negative as ssize_t
        // is -EINVAL; the total is cut at MAX_RW_COUNT, not refused.
        if v.len > i32::MAX as u32 {
            return Err(EINVAL);
        }
        let len = (v.len as usize).min(MAX_RW_COUNT - total);
        total += len;
        out.push(UserSlice::new(v.base as usize, len).map_err(efault)?);
    }
    Ok(out)
}

/// `writev(fd, iov, iovcnt)`.
pub fn sys_writev(ctx: &mut SyscallContext) -> SysResult {
    let f = file(ctx.arg_i32(0))?;
    let mut done = 0;
    for v in iovecs(ctx)? {
        match do_write(&f, v) {
            Ok(n) => done += n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        }
    }
    Ok(done)
}

/// `readv(fd, iov, iovcnt)`: stops at the first short read.
pub fn sys_readv(ctx: &mut SyscallContext) -> SysResult {
    let f = file(ctx.arg_i32(0))?;
    let mut done = 0;
    for v in iovecs(ctx)? {
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

fn open_common(dirfd: i32, path: &[u8], flags: u32) -> SysResult {
    if path.is_empty() {
        return Err(ENOENT);
    }
    let mut cwd = with_current(|t| t.cwd.clone());
    if dirfd != AT_FDCWD && path[0] != b'/' {
        // Relative to a directory fd: only fds that are directories.
        let f = file(dirfd)?;
        let FileKind::Dir(ino) = f.lock().kind else {
            return Err(ENOTDIR);
        };
        cwd = ramfs::root().path_of(ino);
    }
    let f = match open(path, cwd.as_bytes(), flags) {
        Ok(f) => f,
        Err(ENOENT) if flags & O_CREAT != 0 => return Err(EROFS),
        Err(e) => return Err(e),
    };
    let kind = f.lock().kind;
    match kind {
        FileKind::Regular(_) if flags & O_ACCMODE != O_RDONLY || flags & O_TRUNC != 0 => {
            return Err(EROFS);
        }
        FileKind::Dir(_) if flags & O_ACCMODE != O_RDONLY => return Err(EISDIR),
        FileKind::Regular(_) | FileKind::Device(_) if flags & O_DIRECTORY != 0 => {
            return Err(ENOTDIR);
        }
        _ => {}
    }
    with_current(|t| t.files.install(f, flags & O_CLOEXEC != 0, 0)).map(|fd| fd as usize)
}

/// `open(path, flags, mode)`: the initramfs is read-only.
pub fn sys_open(ctx: &mut SyscallContext) -> SysResult {
    let path = ctx.user_path(0)?;
    open_common(AT_FDCWD, &path, ctx.arg(1))
}

/// `openat(dirfd, path, flags, mode)`.
pub fn sys_openat(ctx: &mut SyscallContext) -> SysResult {
    let path = ctx.user_path(1)?;
    open_common(ctx.arg_i32(0), &path, ctx.arg(2))
}

/// `close(fd)`.
pub fn sys_close(ctx: &mut SyscallContext) -> SysResult {
    // The file is dropped here, after the task borrow ends.
    with_current(|t| t.files.close(ctx.arg_i32(0))).map(|_| 0)
}

/// `dup(fd)`.
pub fn sys_dup(ctx: &mut SyscallContext) -> SysResult {
    let f = file(ctx.arg_i32(0))?;
    with_current(|t| t.files.install(f, false, 0)).map(|fd| fd as usize)
}

/// `dup2(old, new)`.
pub fn sys_dup2(ctx: &mut SyscallContext) -> SysResult {
    let (old, new) = (ctx.arg_i32(0), ctx.arg_i32(1));
    let f = file(old)?;
    if new < 0 {
        return Err(EBADF);
    }
    if old == new {
        return Ok(new as usize);
    }
    // The old file is dropped here, after the task borrow ends.
    with_current(|t| t.files.install_at(new as usize, f, false)).map(|_| new as usize)
}

/// `ioctl(fd, request, arg)`: the console answers the TTY requests (so
/// `isatty` works); everything else is `-ENOTTY`, as on Linux.
pub fn sys_ioctl(ctx: &mut SyscallContext) -> SysResult {
    let f = file(ctx.arg_i32(0))?;
    let kind = f.lock().kind;
    let arg = ctx.arg_usize(2);
    if let FileKind::Pipe { id, .. } = kind {
        if ctx.arg(1) != FIONREAD {
            return Err(ENOTTY);
        }
        let n = pipe::status(id).0 as u32;
        return crate::mm::usercopy::put_user(arg, &n)
            .map_err(efault)
            .map(|_| 0);
    }
    if kind != FileKind::Device(Device::Console) {
        return Err(ENOTTY);
    }
    match ctx.arg(1) {
        TCGETS => crate::mm::usercopy::put_user(arg, &tty::termios())
            .map_err(efault)
            .map(|_| 0),
        TCSETS | TCSETSW | TCSETSF => {
            let t = crate::mm::usercopy::get_user(arg).map_err(efault)?;
            tty::set_termios(t);
            Ok(0)
        }
        TIOCGWINSZ => crate::mm::usercopy::put_user(arg, &tty::winsize())
            .map_err(efault)
            .map(|_| 0),
        TIOCSWINSZ => Ok(0),
        TIOCGPGRP => {
            let pid = with_current(|t| t.pid);
            crate::mm::usercopy::put_user(arg, &pid)
                .map_err(efault)
                .map(|_| 0)
        }
        TIOCSPGRP => Ok(0),
        FIONREAD => {
            let n = tty::available() as u32;
            crate::mm::usercopy::put_user(arg, &n)
                .map_err(efault)
                .map(|_| 0)
        }
        _ => Err(ENOTTY),
    }
}

/// `getcwd(buf, size)`: returns the length including the NUL.
pub fn sys_getcwd(ctx: &mut SyscallContext) -> SysResult {
    let mut cwd = with_current(|t| t.cwd.clone()).into_bytes();
    cwd.push(0);
    if ctx.arg_usize(1) < cwd.len() {
        return Err(ERANGE);
    }
    // Only the bytes written must be valid user memory, as on Linux.
    crate::mm::usercopy::copy_to_user(ctx.arg_usize(0), &cwd).map_err(efault)?;
    Ok(cwd.len())
}

/// `chdir(path)`.
pub fn sys_chdir(ctx: &mut SyscallContext) -> SysResult {
    let path = ctx.user_path(0)?;
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

/// `access(path, mode)`: everything that exists is accessible to root,
/// except writing to the read-only tree.
pub fn sys_access(ctx: &mut SyscallContext) -> SysResult {
    let path = ctx.user_path(0)?;
    if path.is_empty() {
        return Err(ENOENT);
    }
    let mode = ctx.arg(1);
    if mode & !7 != 0 {
        return Err(EINVAL);
    }
    let cwd = with_current(|t| t.cwd.clone());
    let fs = ramfs::root();
    let cur = fs.lookup(cwd.as_bytes(), fs.root_ino(), true)?;
    let ino = fs.lookup(&path, cur, true)?;
    if mode & 2 != 0 && !matches!(fs.node(ino).kind, NodeKind::Device(_)) {
        return Err(EROFS);
    }
    Ok(0)
}

/// `poll(fds, nfds, timeout_ms)`: readiness of consoles, pipes and files;
/// waits (tick by tick) until something is ready or the timeout passes.
pub fn sys_poll(ctx: &mut SyscallContext) -> SysResult {
    const POLLIN: i16 = 0x1;
    const POLLOUT: i16 = 0x4;
    const POLLERR: i16 = 0x8;
    const POLLHUP: i16 = 0x10;
    const POLLNVAL: i16 = 0x20;
    let nfds = ctx.arg_usize(1);
    if nfds > crate::fs::file::NR_OPEN {
        return Err(EINVAL);
    }
    let base = ctx.user_ptr::<abi::types::Pollfd>(0);
    let mut fds = Vec::with_capacity(nfds);
    for i in 0..nfds {
        fds.push(base.offset(i).map_err(efault)?.read().map_err(efault)?);
    }
    let timeout = ctx.arg_i32(2);
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
                base.offset(i).map_err(efault)?.write(p).map_err(efault)?;
            }
            return Ok(ready);
        }
        if crate::proc::signal::pending() {
            return Err(EINTR);
        }
        crate::proc::sched::sleep(crate::proc::task::WaitChannel::Timer);
    }
}

//! Device control (Linux's fs/ioctl.c): `ioctl`. The console answers
//! the terminal requests (`fs/tty.rs`), pipes `FIONREAD`; everything else
//! is `-ENOTTY`, as on Linux.

use super::char_dev::Device;
use super::file::FileKind;
use super::namei::file;
use super::{pipe, tty};
use crate::syscall::args::{Fd, SysResult};
use crate::syscall::uaccess::UserPtr;
use abi::errno::*;
use abi::ioctl::FIONREAD;

/// `ioctl(fd, request, arg)`.
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
        let n = pipe::status(id).bytes as u32;
        UserPtr::new(arg).write(&n)?;
        return Ok(0);
    }
    if kind != FileKind::Device(Device::Console) {
        return Err(ENOTTY);
    }
    tty::ioctl(&f, request, arg)
}

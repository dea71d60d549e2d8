//! Port I/O from user mode (Linux's `arch/x86/kernel/ioport.c`): `ioperm`
//! grants ports one by one through the task's I/O permission bitmap, and
//! `iopl(3)` grants all of them. As in Linux since 5.5, `iopl` is emulated
//! with the bitmap: EFLAGS.IOPL stays 0, so `cli` and `sti` still fault.
//! Both need `CAP_SYS_RAWIO` to gain access (never to give it up); both
//! are kept across `fork` and `execve`. The switch to a task loads its
//! permissions into the TSS (`tss::set_io_ports`).

use super::tss::{IO_BITMAP_BYTES, IoPorts};
use crate::mm::heap;
use crate::proc::cred::capable;
use crate::proc::task::Task;
use crate::proc::with_current;
use crate::syscall::args::SysResult;
use abi::cred::CAP_SYS_RAWIO;
use abi::errno::{EINVAL, ENOMEM, EPERM};
use alloc::vec::Vec;

/// Ports there are (`IO_BITMAP_BITS`).
const IO_PORTS: usize = IO_BITMAP_BYTES * 8;

/// What the switch to `t` loads into the TSS.
pub fn ports_of(t: &Task) -> IoPorts<'_> {
    if t.iopl == 3 {
        IoPorts::All
    } else if let Some(b) = t.io_bitmap.as_deref().and_then(|b| b.try_into().ok()) {
        IoPorts::Bitmap(b)
    } else {
        IoPorts::None
    }
}

/// Load the current task's permissions now (after it changed them).
fn reload() {
    with_current(|t| super::tss::set_io_ports(ports_of(t)));
}

/// A copy of a bitmap for a child of `fork` (`None` if out of memory).
pub fn copy_bitmap(b: &[u8]) -> Option<Vec<u8>> {
    let mut v = heap::try_vec(b.len()).ok()?;
    v.extend_from_slice(b);
    Some(v)
}

/// `ioperm(from, num, turn_on)`: allow (or deny) ports `from` to
/// `from + num - 1`. `EINVAL` for an empty or out-of-range span, `EPERM`
/// to allow without `CAP_SYS_RAWIO`, `ENOMEM` if the bitmap cannot be had.
/// A bitmap that no longer allows anything is dropped, as Linux does.
pub fn sys_ioperm(from: usize, num: usize, turn_on: i32) -> SysResult {
    let end = from
        .checked_add(num)
        .filter(|&e| e > from && e <= IO_PORTS)
        .ok_or(EINVAL)?;
    if turn_on != 0 && !capable(CAP_SYS_RAWIO) {
        return Err(EPERM);
    }
    if with_current(|t| t.io_bitmap.is_none()) {
        if turn_on == 0 {
            return Ok(0); // nothing to take away
        }
        let mut b = heap::try_vec(IO_BITMAP_BYTES).map_err(|_| ENOMEM)?;
        b.resize(IO_BITMAP_BYTES, 0xFF);
        with_current(|t| t.io_bitmap = Some(b));
    }
    with_current(|t| {
        let b = t.io_bitmap.as_mut().expect("just set");
        for port in from..end {
            if turn_on != 0 {
                b[port / 8] &= !(1 << (port % 8));
            } else {
                b[port / 8] |= 1 << (port % 8);
            }
        }
        if b.iter().all(|&x| x == 0xFF) {
            t.io_bitmap = None;
        }
    });
    reload();
    Ok(0)
}

/// `iopl(level)`: 3 allows every port, below 3 only the bitmap's; raising
/// it needs `CAP_SYS_RAWIO`, lowering it (or keeping it) does not.
pub fn sys_iopl(level: u32) -> SysResult {
    if level > 3 {
        return Err(EINVAL);
    }
    let old = with_current(|t| t.iopl);
    if level == u32::from(old) {
        return Ok(0);
    }
    if level > u32::from(old) && !capable(CAP_SYS_RAWIO) {
        return Err(EPERM);
    }
    with_current(|t| t.iopl = level as u8);
    reload();
    Ok(0)
}

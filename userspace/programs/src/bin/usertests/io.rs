//! Tests of `read`, `write` and `writev`: counts, bad descriptors, and
//! buffers the kernel must refuse with `EFAULT` instead of faulting itself.

use abi::errno::{EBADF, EFAULT, EINVAL};
use abi::syscalls::{NR_READ, NR_WRITE, NR_WRITEV};
use abi::types::Iovec;
use rt::sys;
use rt::syscall::syscall3;

use crate::check::{TestResult, err, expect_ret};

/// Buffers no system call may read or write: `(address, length, label)`.
/// NULL, the kernel half (0xC0000000 and the last page), a range that wraps
/// around the top of the address space, and an unmapped low user page.
pub const BAD_BUFFERS: &[(usize, usize, &str)] = &[
    (0, 16, "NULL"),
    (0xC000_0000, 16, "kernel 0xc0000000"),
    (0xFFFF_F000, 16, "kernel 0xfffff000"),
    (0xFFFF_FF00, 0x200, "wrapping 0xffffff00+0x200"),
    (0x0001_0000, 16, "unmapped 0x10000"),
];

/// `write(1, msg)` returns the full count.
pub fn write_stdout() -> TestResult {
    let msg = b"usertests: write(1, ...) reached stdout\n";
    expect_ret!("write(1, msg)", sys::write(1, msg), msg.len() as isize);
    Ok(())
}

/// `write(1, buf, 0)` returns 0.
pub fn write_zero_len() -> TestResult {
    expect_ret!("write(1, buf, 0)", sys::write(1, &b"x"[..0]), 0);
    Ok(())
}

/// `read` and `write` on descriptors that are not open give `-EBADF`.
pub fn bad_fd() -> TestResult {
    let mut buf = [0u8; 4];
    for fd in [-1, 1000] {
        expect_ret!(
            alloc::format!("write(fd={fd})"),
            sys::write(fd, b"x"),
            err(EBADF)
        );
        expect_ret!(
            alloc::format!("read(fd={fd})"),
            sys::read(fd, &mut buf),
            err(EBADF)
        );
    }
    Ok(())
}

/// `read(0, bad, n)` gives `-EFAULT` (on fd 0, so a kernel that blocked
/// for input before checking the buffer would hang here).
pub fn read_bad_buffer() -> TestResult {
    for &(addr, len, label) in BAD_BUFFERS {
        // SAFETY: none of these addresses is memory Rust uses (NULL, the
        // kernel half, a never-mapped low page), so even a kernel that
        // wrongly wrote there could not corrupt a Rust object.
        let ret = unsafe { syscall3(NR_READ, 0, addr, len) };
        expect_ret!(alloc::format!("read(0, {label}, {len})"), ret, err(EFAULT));
    }
    Ok(())
}

/// `write(1, bad, n)` gives `-EFAULT`.
pub fn write_bad_buffer() -> TestResult {
    for &(addr, len, label) in BAD_BUFFERS {
        // SAFETY: write only reads from the buffer; the kernel must refuse
        // these addresses.
        let ret = unsafe { syscall3(NR_WRITE, 1, addr, len) };
        expect_ret!(alloc::format!("write(1, {label}, {len})"), ret, err(EFAULT));
    }
    Ok(())
}

/// `writev` gathers: `"ab"` + `"c"` writes 3 bytes; an iovec array or a
/// segment at a bad address gives `-EFAULT`; more than `UIO_MAXIOV` (1024)
/// segments give `-EINVAL`.
pub fn writev() -> TestResult {
    let iov = [sys::iovec(b"ab"), sys::iovec(b"c")];
    let ret = sys::writev(1, &iov);
    sys::write(1, b"\n");
    expect_ret!("writev(1, [\"ab\", \"c\"])", ret, 3);

    for (addr, label) in [(0usize, "NULL"), (0xC000_0000, "0xc0000000")] {
        // SAFETY: writev only reads the iovec array; the kernel must refuse
        // these addresses.
        let ret = unsafe { syscall3(NR_WRITEV, 1, addr, 2) };
        expect_ret!(
            alloc::format!("writev(1, iov={label}, 2)"),
            ret,
            err(EFAULT)
        );
    }

    for &(addr, len, label) in BAD_BUFFERS {
        let iov = [Iovec {
            base: addr as u32,
            len: len as u32,
        }];
        expect_ret!(
            alloc::format!("writev(1, [{label}])"),
            sys::writev(1, &iov),
            err(EFAULT)
        );
    }

    // SAFETY: the count is checked before anything is read.
    let ret = unsafe { syscall3(NR_WRITEV, 1, iov.as_ptr() as usize, 1025) };
    expect_ret!("writev(1, iov, 1025)", ret, err(EINVAL));
    Ok(())
}

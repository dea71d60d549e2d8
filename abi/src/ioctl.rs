//! `ioctl` request numbers for terminals and generic file descriptors, and
//! the `_IOC` encoding used by newer requests, as i386 Linux defines them
//! (x86 uses the generic values).
//!
//! The argument structures are [`crate::types::Termios`] and
//! [`crate::types::Winsize`]; the `termios` flag bits are in
//! [`crate::termios`].

// include/uapi/asm-generic/ioctl.h: request encoding. A request is
// dir:2 | size:14 | type:8 | nr:8, from bit 31 down to bit 0.

/// No data transfer.
pub const IOC_NONE: u32 = 0;
/// User space writes the argument (the kernel reads it).
pub const IOC_WRITE: u32 = 1;
/// User space reads the argument (the kernel writes it).
pub const IOC_READ: u32 = 2;

/// Encodes a request number (`_IOC`).
pub const fn ioc(dir: u32, ty: u8, nr: u8, size: u32) -> u32 {
    (dir << 30) | ((size & 0x3fff) << 16) | ((ty as u32) << 8) | nr as u32
}

/// A request without an argument (`_IO`).
pub const fn io(ty: u8, nr: u8) -> u32 {
    ioc(IOC_NONE, ty, nr, 0)
}

/// A request whose argument the kernel fills in (`_IOR`).
pub const fn ior(ty: u8, nr: u8, size: u32) -> u32 {
    ioc(IOC_READ, ty, nr, size)
}

/// A request whose argument the kernel reads (`_IOW`).
pub const fn iow(ty: u8, nr: u8, size: u32) -> u32 {
    ioc(IOC_WRITE, ty, nr, size)
}

/// A request whose argument goes both ways (`_IOWR`).
pub const fn iowr(ty: u8, nr: u8, size: u32) -> u32 {
    ioc(IOC_READ | IOC_WRITE, ty, nr, size)
}

// include/uapi/asm-generic/ioctls.h: terminal requests.

/// Get the terminal attributes (`struct termios`).
pub const TCGETS: u32 = 0x5401;
/// Set the terminal attributes now.
pub const TCSETS: u32 = 0x5402;
/// Set the terminal attributes after output drains.
pub const TCSETSW: u32 = 0x5403;
/// Set the terminal attributes after output drains, discarding input.
pub const TCSETSF: u32 = 0x5404;
/// Send a break (or, with a nonzero argument, drain output).
pub const TCSBRK: u32 = 0x5409;
/// Suspend or resume output or input (`TCOOFF` ...).
pub const TCXONC: u32 = 0x540A;
/// Discard queued input or output (`TCIFLUSH` ...).
pub const TCFLSH: u32 = 0x540B;
/// Exclusive mode: further opens fail with `EBUSY` (except for root).
pub const TIOCEXCL: u32 = 0x540C;
/// Leave exclusive mode.
pub const TIOCNXCL: u32 = 0x540D;
/// Make the terminal the controlling terminal.
pub const TIOCSCTTY: u32 = 0x540E;
/// Get the foreground process group.
pub const TIOCGPGRP: u32 = 0x540F;
/// Set the foreground process group.
pub const TIOCSPGRP: u32 = 0x5410;
/// Number of bytes in the output queue.
pub const TIOCOUTQ: u32 = 0x5411;
/// Insert a byte into the input queue, as if typed (`char`).
pub const TIOCSTI: u32 = 0x5412;
/// Get the window size (`struct winsize`).
pub const TIOCGWINSZ: u32 = 0x5413;
/// Set the window size (`struct winsize`).
pub const TIOCSWINSZ: u32 = 0x5414;
/// Number of bytes ready to read (`int`).
pub const FIONREAD: u32 = 0x541B;
/// Get a serial line's settings (`struct serial_struct`).
pub const TIOCGSERIAL: u32 = 0x541E;
/// Same as [`FIONREAD`].
pub const TIOCINQ: u32 = FIONREAD;
/// Set or clear non-blocking mode (`int`).
pub const FIONBIO: u32 = 0x5421;
/// Give up the controlling terminal.
pub const TIOCNOTTY: u32 = 0x5422;
/// Set the line discipline (`int`).
pub const TIOCSETD: u32 = 0x5423;
/// Get the line discipline (`int`).
pub const TIOCGETD: u32 = 0x5424;
/// Send a break (POSIX `tcsendbreak`, duration in tenths of a second).
pub const TCSBRKP: u32 = 0x5425;
/// Get the session ID of the terminal.
pub const TIOCGSID: u32 = 0x5429;
/// Get the pty number (`unsigned int`).
pub const TIOCGPTN: u32 = ior(b'T', 0x30, 4);
/// Lock or unlock a pty (`int`).
pub const TIOCSPTLCK: u32 = iow(b'T', 0x31, 4);
/// Clear close-on-exec.
pub const FIONCLEX: u32 = 0x5450;
/// Set close-on-exec.
pub const FIOCLEX: u32 = 0x5451;
/// Set or clear asynchronous I/O (`int`).
pub const FIOASYNC: u32 = 0x5452;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(TCGETS, 0x5401);
        assert_eq!(TIOCGWINSZ, 0x5413);
        assert_eq!(TIOCGPTN, 0x8004_5430);
        assert_eq!(TIOCSPTLCK, 0x4004_5431);
        assert_eq!(io(b'T', 0x01), 0x5401);
    }
}

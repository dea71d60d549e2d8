//! Formatted output over `write(2)`: [`print!`](crate::print),
//! [`println!`](crate::println), [`eprint!`](crate::eprint),
//! [`eprintln!`](crate::eprintln).
//!
//! Each macro call formats into a small stack buffer and issues as few
//! `write` calls as possible (one for any line shorter than the buffer), so
//! lines from a parent and a forked child do not interleave mid-line and a
//! `strace` of the program stays readable. Nothing is buffered across calls,
//! so there is nothing to flush before `fork` or `exit`.

use core::fmt::{self, Write};

use crate::sys;

/// Standard input's file descriptor.
pub const STDIN: i32 = 0;
/// Standard output's file descriptor.
pub const STDOUT: i32 = 1;
/// Standard error's file descriptor.
pub const STDERR: i32 = 2;

/// Writes all of `bytes` to `fd`, retrying after short writes. Returns the
/// first error as `Err(-errno)` (e.g. `Err(-9)` for `EBADF`).
pub fn write_all(fd: i32, mut bytes: &[u8]) -> Result<(), isize> {
    while !bytes.is_empty() {
        let n = sys::write(fd, bytes);
        if n < 0 {
            return Err(n);
        }
        if n == 0 {
            // The kernel accepted nothing: do not spin forever.
            return Err(abi::errno::EIO.neg());
        }
        bytes = &bytes[(n as usize).min(bytes.len())..];
    }
    Ok(())
}

/// A [`fmt::Write`] sink that gathers output in a fixed buffer and writes
/// it to a file descriptor when full and on [`flush`](Self::flush).
pub struct FdWriter {
    fd: i32,
    len: usize,
    buf: [u8; 256],
}

impl FdWriter {
    /// An empty writer for `fd`.
    pub const fn new(fd: i32) -> Self {
        Self {
            fd,
            len: 0,
            buf: [0; 256],
        }
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) -> Result<(), isize> {
        let len = core::mem::take(&mut self.len);
        write_all(self.fd, &self.buf[..len])
    }
}

impl Write for FdWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let mut bytes = s.as_bytes();
        while !bytes.is_empty() {
            if self.len == self.buf.len() {
                self.flush().map_err(|_| fmt::Error)?;
            }
            let n = bytes.len().min(self.buf.len() - self.len);
            self.buf[self.len..self.len + n].copy_from_slice(&bytes[..n]);
            self.len += n;
            bytes = &bytes[n..];
        }
        Ok(())
    }
}

/// Formats `args` to `fd` (what the print macros expand to). Errors are
/// ignored, as with `print!` when stdout is closed.
pub fn print_to(fd: i32, args: fmt::Arguments<'_>) {
    let mut w = FdWriter::new(fd);
    let _ = w.write_fmt(args);
    let _ = w.flush();
}

/// Prints to standard output.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => {
        $crate::io::print_to($crate::io::STDOUT, format_args!($($arg)*))
    };
}

/// Prints to standard output, with a newline.
#[macro_export]
macro_rules! println {
    () => {
        $crate::io::print_to($crate::io::STDOUT, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::io::print_to($crate::io::STDOUT, format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// Prints to standard error.
#[macro_export]
macro_rules! eprint {
    ($($arg:tt)*) => {
        $crate::io::print_to($crate::io::STDERR, format_args!($($arg)*))
    };
}

/// Prints to standard error, with a newline.
#[macro_export]
macro_rules! eprintln {
    () => {
        $crate::io::print_to($crate::io::STDERR, format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::io::print_to($crate::io::STDERR, format_args!("{}\n", format_args!($($arg)*)))
    };
}

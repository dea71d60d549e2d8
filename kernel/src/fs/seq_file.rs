//! The text of a generated file, built in one piece (Linux's
//! fs/seq_file.c, whose `seq_printf`/`seq_put_decimal_ull`/`seq_escape`
//! procfs uses to print `/proc/<pid>/status`, `/proc/mounts` and the rest).
//!
//! Linux fills a page at a time and asks the file's iterator for more; here
//! a file's whole text is made at once and kept by the open file until it
//! is read from offset 0 again (`fs/proc.rs`), which reads the same way:
//! consecutive reads see one snapshot, a reader that seeks back to 0 sees a
//! fresh one. Growing the buffer may fail (a user's read made it):
//! [`SeqFile::finish`] then says `ENOMEM` instead of the kernel panicking.

use abi::errno::{ENOMEM, Errno};
use alloc::vec::Vec;

/// A file's text being made (Linux's `struct seq_file`, its buffer).
#[derive(Default)]
pub struct SeqFile {
    buf: Vec<u8>,
    /// A write did not fit in the heap: the text is incomplete.
    overflow: bool,
}

impl SeqFile {
    pub fn new() -> Self {
        Self::default()
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.buf.len()
    }

    pub fn is_empty(&self) -> bool {
        self.buf.is_empty()
    }

    /// Room for `n` more bytes, or remember that there was none.
    fn room(&mut self, n: usize) -> bool {
        if self.overflow {
            return false;
        }
        let buf = &mut self.buf;
        if crate::mm::heap::for_user(|| buf.try_reserve(n)).is_err() {
            self.overflow = true;
            return false;
        }
        true
    }

    /// `seq_write`/`seq_puts`: bytes as they are.
    pub fn puts(&mut self, s: &[u8]) {
        if self.room(s.len()) {
            self.buf.extend_from_slice(s);
        }
    }

    /// `seq_putc`.
    pub fn putc(&mut self, c: u8) {
        self.puts(&[c]);
    }

    /// `seq_put_decimal_ull_width`: `delimiter`, then `num` right-aligned
    /// in `width` columns (0: no padding).
    pub fn put_decimal_width(&mut self, delimiter: &str, num: u64, width: usize) {
        self.puts(delimiter.as_bytes());
        let mut digits = [0u8; 20];
        let mut n = num;
        let mut i = digits.len();
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        let len = digits.len() - i;
        for _ in len..width {
            self.putc(b' ');
        }
        self.puts(&digits[i..]);
    }

    /// `seq_put_decimal_ull`: `delimiter`, then `num`.
    pub fn put_decimal(&mut self, delimiter: &str, num: u64) {
        self.put_decimal_width(delimiter, num, 0);
    }

    /// `seq_escape` (`mangle` in fs/proc_namespace.c): `s` with every byte
    /// of `esc` written as a backslash and three octal digits, so that a
    /// space in a mount point cannot split a `/proc/mounts` field.
    pub fn escape(&mut self, s: &[u8], esc: &[u8]) {
        for &b in s {
            if esc.contains(&b) {
                self.puts(&[
                    b'\\',
                    b'0' + (b >> 6),
                    b'0' + ((b >> 3) & 7),
                    b'0' + (b & 7),
                ]);
            } else {
                self.putc(b);
            }
        }
    }

    /// The text, or `ENOMEM` if some of it did not fit.
    pub fn finish(self) -> Result<Vec<u8>, Errno> {
        if self.overflow {
            Err(ENOMEM)
        } else {
            Ok(self.buf)
        }
    }
}

/// `seq_printf`: `write!(seq, ...)`.
impl core::fmt::Write for SeqFile {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        self.puts(s.as_bytes());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    #[test_case]
    fn decimals_escapes_and_printf() {
        let mut m = SeqFile::new();
        m.put_decimal_width("VmSize:\t", 5460, 8);
        m.puts(b" kB\n");
        m.put_decimal("Pid:\t", 0);
        m.putc(b'\n');
        m.escape(b"/mnt/a b\\c\td\n", b" \t\n\\");
        let _ = write!(m, " {:<4}|", "ab");
        assert_eq!(
            m.finish().unwrap(),
            b"VmSize:\t    5460 kB\nPid:\t0\n/mnt/a\\040b\\134c\\011d\\012 ab  |"
        );
    }
}

//! The serial console as a terminal: its job control (Linux's
//! drivers/tty/tty_io.c and tty_jobctrl.c) and its line discipline
//! (drivers/tty/n_tty.c), with Linux's default settings (`tty_std_termios`).
//!
//! *Job control.* A session leader acquires the terminal as its
//! controlling terminal by opening it without `O_NOCTTY` (through
//! `/dev/ttyS0`; `/dev/console` never gives one) or by `TIOCSCTTY`; the
//! terminal then belongs to that session, and one of its process groups
//! is the foreground (`TIOCSPGRP`). `^C`, `^\` and `^Z` signal the
//! foreground group; a background process that reads gets `SIGTTIN`, and
//! one that writes with `TOSTOP` set, or changes the settings, `SIGTTOU`
//! (Linux's `__tty_check_change`). Files opened through `/dev/console`
//! (init's descriptors) are exempt from both, as Linux's
//! `redirected_tty_write` files are. When the session leader exits, the
//! foreground group gets `SIGHUP` and the terminal is free again.
//!
//! *The line discipline.* Received bytes (from the COM1 interrupt, or
//! `TIOCSTI`) go through input processing (`ISTRIP`, `IGNCR`, `ICRNL`,
//! `INLCR`, `IUCLC`, `IXON`), the signal characters (`ISIG`), and in
//! canonical mode the line editing (`VERASE`, `VWERASE`, `VKILL`,
//! `VLNEXT`, `VREPRINT`, `VEOF`, `VEOL`, `VEOL2`); they are echoed
//! (`ECHO`, `ECHOE`, `ECHOK`, `ECHOKE`, `ECHOCTL`, `ECHONL`, `ECHOPRT`) and
//! kept for `read`, which in canonical mode returns a line at a time and in
//! raw mode follows `VMIN` and `VTIME`. Output, echo included, goes through
//! `OPOST` processing (`ONLCR`, `OCRNL`, `ONOCR`, `ONLRET`, `OLCUC`,
//! `XTABS`), which tracks the column so that erasing a tab backs up the
//! right amount; without `OPOST` bytes go out as written.
//!
//! Differences from Linux: the terminal is never hung up (its open files
//! keep working after the session leader exits); output is never stopped
//! (`^S`/`^Q` and `TCXONC` are accepted, and flow control is left to the
//! serial line); the window size starts at 80x24 rather than 0x0.

use super::file::FileRef;
use crate::drivers::serial;
use crate::proc::pid::PidType;
use crate::proc::sched::{self, SCHED};
use crate::proc::task::{Pid, WaitChannel};
use crate::proc::{jobctl, signal, with_current};
use crate::sync::UpCell;
use crate::syscall::args::SysResult;
use crate::syscall::uaccess::UserPtr;
use abi::errno::*;
use abi::fcntl::{O_ACCMODE, O_NOCTTY, O_NONBLOCK, O_WRONLY};
use abi::ioctl::*;
use abi::signal::{SIGCONT, SIGHUP, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIGWINCH};
use abi::termios::*;
use abi::types::{Termios, Winsize};
use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// Most bytes held for `read` (Linux's `N_TTY_BUF_SIZE`); more are dropped.
const N_TTY_BUF_SIZE: usize = 4096;

/// `/dev/console`: opening it never makes it a controlling terminal, and
/// its files are exempt from job control (Linux's `console_fops`).
const CONSOLE: (u32, u32) = (5, 1);
/// `/dev/tty`: the caller's controlling terminal.
const CURRENT_TTY: (u32, u32) = (5, 0);
/// `/dev/tty0`, the current virtual console: never a controlling terminal.
const TTY0: (u32, u32) = (4, 0);

struct Tty {
    termios: Termios,
    winsize: Winsize,
    /// n_tty's `read_buf` with its `read_flags`: bytes received and not
    /// yet read, oldest first, each marked if a line ends with it. An end
    /// of file (`VEOF`) is a marked NUL that `read` does not return.
    buf: VecDeque<(u8, bool)>,
    /// n_tty's `canon_head`: how many bytes at the front of `buf` make up
    /// whole lines (canonical `read` returns only those; the rest is the
    /// line being edited).
    canon: usize,
    /// `VLNEXT` came: the next byte is taken literally.
    lnext: bool,
    /// `ECHOPRT`: inside a run of erasures (`\` was echoed; `/` ends it).
    erasing: bool,
    /// The output column, and the column where the line being edited
    /// began (n_tty's `column` and `canon_column`).
    column: usize,
    canon_column: usize,
    /// The session whose controlling terminal this is, and its foreground
    /// process group (Linux's `tty->ctrl.session` and `ctrl.pgrp`).
    session: Option<Pid>,
    pgrp: Option<Pid>,
}

static TTY: UpCell<Option<Tty>> = UpCell::new(None);

/// Linux's `tty_std_termios` (drivers/tty/tty_io.c), at 38400 baud, with
/// `INIT_C_CC` (include/linux/tty.h).
fn default_termios() -> Termios {
    let mut t = Termios::ZERO;
    t.c_iflag = ICRNL | IXON;
    t.c_oflag = OPOST | ONLCR;
    t.c_cflag = B38400 | CS8 | CREAD | HUPCL;
    t.c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
    let cc = [
        3u8, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0,
    ];
    t.c_cc = cc;
    t
}

fn with_tty<R>(f: impl FnOnce(&mut Tty) -> R) -> R {
    TTY.with(|t| {
        f(t.get_or_insert_with(|| Tty {
            termios: default_termios(),
            winsize: Winsize {
                ws_row: 24,
                ws_col: 80,
                ws_xpixel: 0,
                ws_ypixel: 0,
            },
            // Made once, full size, at the first use (at boot): receiving
            // a byte never allocates.
            buf: VecDeque::with_capacity(N_TTY_BUF_SIZE),
            canon: 0,
            lnext: false,
            erasing: false,
            column: 0,
            canon_column: 0,
            session: None,
            pgrp: None,
        }))
    })
}

fn iscntrl(c: u8) -> bool {
    c < 0x20 || c == 0x7f
}

impl Tty {
    fn iflag(&self, f: u32) -> bool {
        self.termios.c_iflag & f != 0
    }
    fn oflag(&self, f: u32) -> bool {
        self.termios.c_oflag & f != 0
    }
    fn lflag(&self, f: u32) -> bool {
        self.termios.c_lflag & f != 0
    }
    fn canonical(&self) -> bool {
        self.lflag(ICANON) && !self.lflag(EXTPROC)
    }

    /// Is `c` the control character `which`? A disabled one (NUL) never
    /// matches: Linux keeps `__DISABLED_CHAR` out of its `char_map`.
    fn is(&self, c: u8, which: usize) -> bool {
        c != POSIX_VDISABLE && c == self.termios.c_cc[which]
    }

    /// A continuation byte of a UTF-8 character (`IUTF8`), which takes no
    /// column and is erased with the byte that starts it.
    fn is_continuation(&self, c: u8) -> bool {
        self.iflag(IUTF8) && c & 0xc0 == 0x80
    }

    // ---- output (n_tty's do_output_char and process_echoes) ----

    /// One byte through output processing (Linux's `do_output_char`).
    fn output_char(&mut self, mut c: u8, out: &mut Out) {
        if !self.oflag(OPOST) {
            out.push(c);
            return;
        }
        match c {
            b'\n' => {
                if self.oflag(ONLRET) {
                    self.column = 0;
                }
                if self.oflag(ONLCR) {
                    self.column = 0;
                    self.canon_column = 0;
                    out.push(b'\r');
                    out.push(b'\n');
                    return;
                }
                self.canon_column = self.column;
            }
            b'\r' => {
                if self.oflag(ONOCR) && self.column == 0 {
                    return;
                }
                if self.oflag(OCRNL) {
                    c = b'\n';
                    if self.oflag(ONLRET) {
                        self.column = 0;
                        self.canon_column = 0;
                    }
                } else {
                    self.column = 0;
                    self.canon_column = 0;
                }
            }
            b'\t' => {
                let spaces = 8 - (self.column & 7);
                self.column += spaces;
                if self.termios.c_oflag & TABDLY == XTABS {
                    for _ in 0..spaces {
                        out.push(b' ');
                    }
                    return;
                }
            }
            8 => self.column = self.column.saturating_sub(1),
            _ if !iscntrl(c) => {
                if self.oflag(OLCUC) {
                    c = c.to_ascii_uppercase();
                }
                if !self.is_continuation(c) {
                    self.column += 1;
                }
            }
            _ => {}
        }
        out.push(c);
    }

    /// Echo a byte as is (n_tty's `echo_char_raw`).
    fn echo_raw(&mut self, c: u8, out: &mut Out) {
        self.output_char(c, out);
    }

    /// Echo a received byte: a control character as `^X` with `ECHOCTL`
    /// (except tab), else as is (n_tty's `echo_char`).
    fn echo_char(&mut self, c: u8, out: &mut Out) {
        if self.lflag(ECHOCTL) && iscntrl(c) && c != b'\t' {
            out.push(b'^');
            out.push(c ^ 0o100);
            self.column += 2;
        } else {
            self.echo_raw(c, out);
        }
    }

    /// `ECHOPRT`: close a run of erasures with `/` (`finish_erasing`).
    fn finish_erasing(&mut self, out: &mut Out) {
        if self.erasing {
            self.echo_raw(b'/', out);
            self.erasing = false;
        }
    }

    /// The first byte of a line is about to be echoed: remember its column
    /// (`echo_set_canon_col`), from which a tab's width is counted.
    fn set_canon_col(&mut self) {
        if self.canon == self.buf.len() {
            self.canon_column = self.column;
        }
    }

    // ---- input (n_tty's receive path) ----

    /// Drop everything received (n_tty's `reset_buffer_flags`).
    fn flush_input(&mut self) {
        self.buf.clear();
        self.canon = 0;
        self.lnext = false;
        self.erasing = false;
    }

    /// Room for one more byte? In canonical mode one is kept for the
    /// newline that ends the line (Linux's `N_TTY_BUF_SIZE - 1`).
    fn room(&self) -> bool {
        self.buf.len() < N_TTY_BUF_SIZE - 1
    }

    fn put(&mut self, c: u8, eol: bool) {
        if self.buf.len() < N_TTY_BUF_SIZE {
            self.buf.push_back((c, eol));
        }
    }

    /// A byte that ends a line (newline, `VEOL`, `VEOL2`, or `VEOF` as a
    /// marked NUL): the line becomes readable.
    fn end_line(&mut self, c: u8) {
        self.put(c, true);
        self.canon = self.buf.len();
    }

    /// A byte kept as data, echoed if `ECHO` (n_tty's `n_tty_receive_char`).
    fn receive_plain(&mut self, c: u8, out: &mut Out) {
        if !self.room() {
            return;
        }
        if self.lflag(ECHO) {
            self.finish_erasing(out);
            if c == b'\n' {
                self.echo_raw(b'\n', out);
            } else {
                self.set_canon_col();
                self.echo_char(c, out);
            }
        }
        self.put(c, false);
        if !self.canonical() {
            self.canon = self.buf.len();
        }
    }

    /// One received byte (n_tty's `n_tty_receive_buf_standard` and
    /// `n_tty_receive_char_special`); returns the signal it raises, if any.
    fn receive(&mut self, mut c: u8, out: &mut Out) -> Option<i32> {
        if self.lnext {
            self.lnext = false;
            if self.iflag(ISTRIP) {
                c &= 0x7f;
            }
            if self.iflag(IUCLC) && self.lflag(IEXTEN) {
                c = c.to_ascii_lowercase();
            }
            self.receive_plain(c, out);
            return None;
        }
        if self.iflag(ISTRIP) {
            c &= 0x7f;
        }
        if self.iflag(IUCLC) && self.lflag(IEXTEN) {
            c = c.to_ascii_lowercase();
        }
        if self.lflag(EXTPROC) {
            self.put(c, false);
            self.canon = self.buf.len();
            return None;
        }
        // Flow control: taken out of the input (output is never stopped).
        if self.iflag(IXON) && (self.is(c, VSTART) || self.is(c, VSTOP)) {
            return None;
        }
        if self.lflag(ISIG) {
            let sig = if self.is(c, VINTR) {
                Some(SIGINT)
            } else if self.is(c, VQUIT) {
                Some(SIGQUIT)
            } else if self.is(c, VSUSP) {
                Some(SIGTSTP)
            } else {
                None
            };
            if let Some(sig) = sig {
                // isig(): unless NOFLSH, what was typed goes.
                if !self.lflag(NOFLSH) {
                    self.flush_input();
                }
                if self.lflag(ECHO) {
                    self.echo_char(c, out);
                }
                return Some(sig);
            }
        }
        if c == b'\r' {
            if self.iflag(IGNCR) {
                return None;
            }
            if self.iflag(ICRNL) {
                c = b'\n';
            }
        } else if c == b'\n' && self.iflag(INLCR) {
            c = b'\r';
        }
        if self.canonical() {
            let iexten = self.lflag(IEXTEN);
            if self.is(c, VERASE) || self.is(c, VKILL) || (iexten && self.is(c, VWERASE)) {
                self.eraser(c, out);
                return None;
            }
            if iexten && self.is(c, VLNEXT) {
                self.lnext = true;
                if self.lflag(ECHO) {
                    self.finish_erasing(out);
                    if self.lflag(ECHOCTL) {
                        self.echo_raw(b'^', out);
                        self.echo_raw(8, out);
                    }
                }
                return None;
            }
            if iexten && self.lflag(ECHO) && self.is(c, VREPRINT) {
                self.finish_erasing(out);
                self.echo_char(c, out);
                self.echo_raw(b'\n', out);
                for i in self.canon..self.buf.len() {
                    let b = self.buf[i].0;
                    self.echo_char(b, out);
                }
                return None;
            }
            if c == b'\n' {
                if self.lflag(ECHO) || self.lflag(ECHONL) {
                    self.echo_raw(b'\n', out);
                }
                self.end_line(c);
                return None;
            }
            if self.is(c, VEOF) {
                self.end_line(POSIX_VDISABLE);
                return None;
            }
            if self.is(c, VEOL) || (iexten && self.is(c, VEOL2)) {
                if self.lflag(ECHO) {
                    self.set_canon_col();
                    self.echo_char(c, out);
                }
                self.end_line(c);
                return None;
            }
        }
        self.receive_plain(c, out);
        None
    }

    /// `VERASE`, `VWERASE` or `VKILL` on the line being edited (n_tty's
    /// `eraser`): one character, a word (`ALTWERASE`: letters, digits and
    /// `_`, after any other characters), or the whole line, with the
    /// echo the flags ask for.
    fn eraser(&mut self, c: u8, out: &mut Out) {
        #[derive(PartialEq)]
        enum Kill {
            Erase,
            Werase,
            Line,
        }
        if self.buf.len() == self.canon {
            return; // nothing to erase
        }
        let kind = if self.is(c, VERASE) {
            Kill::Erase
        } else if self.is(c, VWERASE) {
            Kill::Werase
        } else {
            if !self.lflag(ECHO) {
                self.buf.truncate(self.canon);
                return;
            }
            if !self.lflag(ECHOK) || !self.lflag(ECHOKE) || !self.lflag(ECHOE) {
                self.buf.truncate(self.canon);
                self.finish_erasing(out);
                self.echo_char(c, out);
                if self.lflag(ECHOK) {
                    self.echo_raw(b'\n', out);
                }
                return;
            }
            Kill::Line
        };
        let mut seen_alnums = 0;
        while self.buf.len() > self.canon {
            // One character, with its continuation bytes.
            let mut head = self.buf.len();
            let mut ch;
            loop {
                head -= 1;
                ch = self.buf[head].0;
                if !(self.is_continuation(ch) && head > self.canon) {
                    break;
                }
            }
            if self.is_continuation(ch) {
                break; // do not erase part of a character
            }
            if kind == Kill::Werase {
                if ch.is_ascii_alphanumeric() || ch == b'_' {
                    seen_alnums += 1;
                } else if seen_alnums > 0 {
                    break;
                }
            }
            self.buf.truncate(head);
            if self.lflag(ECHO) {
                if self.lflag(ECHOPRT) {
                    if !self.erasing {
                        self.echo_raw(b'\\', out);
                        self.erasing = true;
                    }
                    self.echo_char(ch, out);
                } else if kind == Kill::Erase && !self.lflag(ECHOE) {
                    let e = self.termios.c_cc[VERASE];
                    self.echo_char(e, out);
                } else if ch == b'\t' {
                    self.erase_tab(out);
                } else {
                    let ctl = self.lflag(ECHOCTL);
                    // "^X" took two columns; a plain character one.
                    for _ in 0..usize::from(iscntrl(ch) && ctl) + usize::from(!iscntrl(ch) || ctl) {
                        self.echo_raw(8, out);
                        self.echo_raw(b' ', out);
                        self.echo_raw(8, out);
                    }
                }
            }
            if kind == Kill::Erase {
                break;
            }
        }
        if self.buf.len() == self.canon && self.lflag(ECHO) {
            self.finish_erasing(out);
        }
    }

    /// Back up over an erased tab: as many columns as it filled, counted
    /// from the previous tab or the start of the line (n_tty's
    /// `ECHO_OP_ERASE_TAB`).
    fn erase_tab(&mut self, out: &mut Out) {
        let mut cols = 0;
        let mut after_tab = false;
        for i in (self.canon..self.buf.len()).rev() {
            let b = self.buf[i].0;
            if b == b'\t' {
                after_tab = true;
                break;
            } else if iscntrl(b) {
                if self.lflag(ECHOCTL) {
                    cols += 2;
                }
            } else if !self.is_continuation(b) {
                cols += 1;
            }
        }
        if !after_tab {
            cols += self.canon_column;
        }
        for _ in 0..8 - (cols & 7) {
            out.push(8);
            self.column = self.column.saturating_sub(1);
        }
    }

    // ---- reading (n_tty_read) ----

    /// Is there something for `read` (`poll`: with `VMIN` bytes in raw
    /// mode when `VTIME` is 0; Linux's `input_available_p`)?
    fn input_available(&self, poll: bool) -> bool {
        if self.canonical() {
            return self.canon > 0;
        }
        let min = usize::from(self.termios.c_cc[VMIN]);
        let amt = if poll && self.termios.c_cc[VTIME] == 0 && min > 0 {
            min
        } else {
            1
        };
        self.buf.len() >= amt
    }

    /// Bytes `FIONREAD` reports: whole lines without their end-of-file
    /// markers in canonical mode, everything in raw mode.
    fn inq(&self) -> usize {
        if self.canonical() {
            let eofs = self
                .buf
                .iter()
                .take(self.canon)
                .filter(|&&(c, eol)| eol && c == POSIX_VDISABLE)
                .count();
            self.canon - eofs
        } else {
            self.buf.len()
        }
    }

    /// Move up to `max - out.len()` readable bytes into `out`: in canonical
    /// mode up to the end of the first line (its end-of-file marker taken
    /// but not returned: Linux's `canon_copy_from_read_buf`; and a read
    /// that fills the buffer just before one eats it: `canon_skip_eof`),
    /// in raw mode whatever there is.
    fn copy_out(&mut self, out: &mut Vec<u8>, max: usize) {
        let want = max - out.len();
        if self.canonical() {
            let n = want.min(self.canon);
            let eol = self.buf.iter().take(n).position(|&(_, eol)| eol);
            let eof_at = |i: usize| {
                self.buf
                    .get(i)
                    .is_some_and(|&(c, e)| e && c == POSIX_VDISABLE)
            };
            let (take, drop_marker) = match eol {
                Some(i) if eof_at(i) => (i, true),
                Some(i) => (i + 1, false),
                None => (n, n == want && eof_at(n)),
            };
            out.extend(self.buf.drain(..take).map(|(c, _)| c));
            self.canon -= take;
            if drop_marker {
                self.buf.pop_front();
                self.canon -= 1;
            }
        } else {
            let n = want.min(self.buf.len());
            out.extend(self.buf.drain(..n).map(|(c, _)| c));
            self.canon = self.canon.saturating_sub(n);
        }
    }

    /// New settings (Linux's `n_tty_set_termios`): switching between
    /// canonical and raw mode turns what is pending into one line, or into
    /// raw bytes.
    fn set_termios(&mut self, new: Termios) {
        let old = self.termios;
        self.termios = new;
        if (old.c_lflag ^ new.c_lflag) & (ICANON | EXTPROC) != 0 {
            for e in self.buf.iter_mut() {
                e.1 = false;
            }
            if !self.canonical() || self.buf.is_empty() {
                self.canon = if self.canonical() { 0 } else { self.buf.len() };
            } else {
                if let Some(last) = self.buf.back_mut() {
                    last.1 = true;
                }
                self.canon = self.buf.len();
            }
            self.erasing = false;
            self.lnext = false;
        }
    }
}

/// Bytes on their way to the serial line, sent a buffer at a time.
struct Out {
    buf: [u8; 128],
    len: usize,
}

impl Out {
    const fn new() -> Self {
        Out {
            buf: [0; 128],
            len: 0,
        }
    }
    fn push(&mut self, c: u8) {
        if self.len == self.buf.len() {
            self.flush();
        }
        self.buf[self.len] = c;
        self.len += 1;
    }
    fn flush(&mut self) {
        serial::write_bytes(&self.buf[..self.len]);
        self.len = 0;
    }
}

impl Drop for Out {
    fn drop(&mut self) {
        self.flush();
    }
}

/// Write bytes to the console through output processing.
pub fn write(bytes: &[u8]) {
    let mut out = Out::new();
    with_tty(|t| {
        for &c in bytes {
            t.output_char(c, &mut out);
        }
    });
}

/// Was `f` opened through `/dev/console` (or is it one of the console
/// descriptors init starts with)? Linux's `redirected_tty_write` files.
fn redirected(f: &FileRef) -> bool {
    f.lock()
        .inode
        .as_ref()
        .is_none_or(|i| i.meta.with(|m| m.rdev) == CONSOLE)
}

/// Received bytes through the line discipline: echo them, wake readers,
/// and signal the foreground group for `^C`, `^\` and `^Z`.
fn receive_bytes(bytes: impl Iterator<Item = u8>) {
    // The signals raised, as a mask (one of a kind is enough: standard
    // signals do not queue), sent once the terminal is let go.
    let mut signals = 0u64;
    let mut any = false;
    let fg = {
        let mut out = Out::new();
        with_tty(|t| {
            for b in bytes {
                any = true;
                if let Some(sig) = t.receive(b, &mut out) {
                    signals |= signal::sigbit(sig);
                }
            }
            t.pgrp
        })
    };
    if let Some(pgrp) = fg {
        for sig in [SIGINT, SIGQUIT, SIGTSTP] {
            if signals & signal::sigbit(sig) != 0 {
                let _ = jobctl::kill_pgrp(pgrp, sig, signal::priv_info(sig), false);
            }
        }
    }
    if any {
        sched::wake(WaitChannel::TtyInput, None);
    }
}

/// COM1 has input: run it through the line discipline.
pub fn serial_interrupt() {
    receive_bytes(core::iter::from_fn(serial::try_read_byte));
}

/// Linux's `__tty_check_change`: may the current process use the terminal
/// as a foreground job would (read it, or write it with `TOSTOP`, or
/// change its settings)? Only a process whose controlling terminal it is
/// can be told no: if it is in a background group, that group gets `sig`
/// (`SIGTTIN` or `SIGTTOU`) and the call is restarted once it is
/// continued in the foreground; but with `sig` ignored or blocked, a read
/// fails with `EIO` and the rest go ahead, and an orphaned group (which
/// no shell would ever continue) gets `EIO`.
fn check_change(sig: i32) -> Result<(), Errno> {
    let (ctty, pgid, ignored) = with_current(|t| {
        let ignored = t.sigmask & signal::sigbit(sig) != 0
            || t.sigactions[sig as usize - 1].sa_handler == abi::signal::SIG_IGN;
        (t.ctty, t.pgid, ignored)
    });
    if !ctty {
        return Ok(());
    }
    let Some(fg) = with_tty(|t| t.pgrp) else {
        return Ok(());
    };
    if fg == pgid {
        return Ok(());
    }
    if ignored {
        return if sig == SIGTTIN { Err(EIO) } else { Ok(()) };
    }
    if jobctl::is_current_pgrp_orphaned() {
        return Err(EIO);
    }
    let _ = jobctl::kill_pgrp(pgid, sig, signal::priv_info(sig), false);
    signal::wake_return_path();
    Err(ERESTARTSYS)
}

/// Read at most `max` bytes (Linux's `n_tty_read`): in canonical mode one
/// line (empty at end of file); in raw mode at least `VMIN` bytes, or
/// what came before `VTIME` ran out (all four combinations, `VTIME` in
/// tenths of a second). `EAGAIN` for `O_NONBLOCK` with nothing to read;
/// `ERESTARTSYS` if a signal comes first.
pub fn read(f: &FileRef, max: usize) -> Result<Vec<u8>, Errno> {
    if !redirected(f) {
        check_change(SIGTTIN)?;
    }
    let nonblock = f.lock().flags & O_NONBLOCK != 0;
    let (canon, vmin, vtime) = with_tty(|t| {
        let cc = t.termios.c_cc;
        (t.canonical(), usize::from(cc[VMIN]), u64::from(cc[VTIME]))
    });
    let tenths = vtime * 100_000_000;
    // minimum bytes, the inter-byte timer, and the deadline now running
    // (None: wait for ever), as n_tty_read sets them up.
    let (minimum, timer, mut deadline) = match (canon, vmin) {
        (true, _) => (0, None, None),
        (false, 0) => (1, None, Some(crate::time::uptime_ns() + tenths)),
        (false, m) => (m, (vtime > 0).then_some(tenths), None),
    };
    let mut out = Vec::new();
    out.try_reserve(max.min(N_TTY_BUF_SIZE))
        .map_err(|_| ENOMEM)?;
    let max = max.min(N_TTY_BUF_SIZE);
    while out.len() < max {
        // Poll too: a byte may have arrived while interrupts were masked.
        serial_interrupt();
        if !with_tty(|t| t.input_available(false)) {
            if deadline.is_some_and(|d| crate::time::uptime_ns() >= d) {
                break;
            }
            if nonblock {
                if out.is_empty() {
                    return Err(EAGAIN);
                }
                break;
            }
            if signal::pending() {
                if out.is_empty() {
                    return Err(ERESTARTSYS);
                }
                break;
            }
            // A timed wait looks again at every tick.
            sched::sleep(if deadline.is_some() {
                WaitChannel::Timer
            } else {
                WaitChannel::TtyInput
            });
            continue;
        }
        with_tty(|t| t.copy_out(&mut out, max));
        if canon || out.len() >= minimum {
            break;
        }
        if let Some(t) = timer {
            deadline = Some(crate::time::uptime_ns() + t);
        }
    }
    Ok(out)
}

/// Before writing `f`: with `TOSTOP`, a background process gets `SIGTTOU`
/// (Linux's `n_tty_write`; not for `/dev/console` files).
pub fn write_check(f: &FileRef) -> Result<(), Errno> {
    if with_tty(|t| t.lflag(TOSTOP)) && !redirected(f) {
        check_change(SIGTTOU)?;
    }
    Ok(())
}

/// The foreground process group, if the terminal has a session
/// (`/proc/<pid>/stat`'s `tpgid`).
pub fn foreground() -> Option<Pid> {
    with_tty(|t| t.pgrp)
}

/// Bytes available to `read` now (`FIONREAD`).
pub fn available() -> usize {
    with_tty(|t| t.inq())
}

/// Would `read` find something now (`poll`'s `POLLIN`)?
pub fn readable() -> bool {
    with_tty(|t| t.input_available(true))
}

/// Opening a console node (Linux's `tty_open`): `/dev/tty` is the caller's
/// controlling terminal (`ENXIO` without one); other nodes make it the
/// controlling terminal of a session leader that has none, if no session
/// has it and the node is opened for reading without `O_NOCTTY`
/// (`tty_open_proc_set_tty`), `/dev/console` and `/dev/tty0` excepted.
pub fn open(rdev: (u32, u32), flags: u32) -> Result<(), Errno> {
    let (pid, sid, ctty, pgid) = with_current(|t| (t.pid, t.sid, t.ctty, t.pgid));
    if rdev == CURRENT_TTY {
        return if ctty { Ok(()) } else { Err(ENXIO) };
    }
    let noctty = flags & O_NOCTTY != 0 || rdev == CONSOLE || rdev == TTY0;
    let readable = flags & O_ACCMODE != O_WRONLY;
    if !noctty && sid == pid && !ctty && readable && with_tty(|t| t.session.is_none()) {
        proc_set_tty(sid, pgid);
    }
    Ok(())
}

/// Make the terminal the current task's controlling terminal, with its
/// group in the foreground (Linux's `__proc_set_tty`).
fn proc_set_tty(sid: Pid, pgid: Pid) {
    with_tty(|t| {
        t.session = Some(sid);
        t.pgrp = Some(pgid);
    });
    SCHED.with(|s| s.tasks.set_pins(Some(sid), Some(pgid)));
    with_current(|t| t.ctty = true);
}

/// Every process of session `sid` loses its controlling terminal
/// (Linux's `session_clear_tty`).
fn session_clear_tty(sid: Pid) {
    jobctl::for_each_member(sid, PidType::Sid, |p| {
        SCHED.with(|s| {
            if let Some(t) = s.tasks.get_mut(p) {
                t.ctty = false;
            }
        });
    });
}

/// A session leader lets go of its controlling terminal (Linux's
/// `disassociate_ctty`): when it exits (`on_exit`), the foreground group
/// gets `SIGHUP` (the hangup); for `TIOCNOTTY`, `SIGHUP` and `SIGCONT`.
/// Then the terminal belongs to no session, and no process of the session
/// has it any more. Nothing for a process that leads no session.
pub fn disassociate_ctty(on_exit: bool) {
    let (pid, sid, ctty) = with_current(|t| (t.pid, t.sid, t.ctty));
    if sid != pid {
        return;
    }
    if ctty {
        if let Some(pgrp) = with_tty(|t| t.pgrp) {
            let info = |sig| {
                if on_exit {
                    signal::priv_info(sig)
                } else {
                    let mut i = signal::user_info(sig, abi::signal::SI_USER, pid);
                    i.fields[1] = with_current(|t| t.cred.uid);
                    i
                }
            };
            let _ = jobctl::kill_pgrp(pgrp, SIGHUP, info(SIGHUP), false);
            if !on_exit {
                let _ = jobctl::kill_pgrp(pgrp, SIGCONT, info(SIGCONT), false);
            }
        }
        with_tty(|t| {
            t.session = None;
            t.pgrp = None;
        });
        SCHED.with(|s| s.tasks.set_pins(None, None));
    }
    session_clear_tty(sid);
}

/// The session of process group (or, failing that, process) `nr`
/// (Linux's `session_of_pgrp`).
fn session_of_pgrp(nr: Pid) -> Option<Pid> {
    SCHED.with(|s| {
        let p = s.tasks.first_member(nr, PidType::Pgid).unwrap_or(nr);
        s.tasks.get(p).map(|t| t.sid)
    })
}

/// `TIOCSCTTY`: make the terminal the caller's controlling terminal
/// (Linux's `tiocsctty`). The caller must lead a session and have none;
/// a terminal another session has is taken only with `arg` 1 and
/// `CAP_SYS_ADMIN`; the file must be open for reading (or the caller
/// privileged).
fn tiocsctty(f: &FileRef, arg: usize) -> SysResult {
    let (pid, sid, ctty, pgid) = with_current(|t| (t.pid, t.sid, t.ctty, t.pgid));
    let owner = with_tty(|t| t.session);
    if sid == pid && owner == Some(sid) {
        return Ok(0);
    }
    if sid != pid || ctty {
        return Err(EPERM);
    }
    let admin = crate::proc::cred::capable(abi::cred::CAP_SYS_ADMIN);
    if let Some(other) = owner {
        if arg == 1 && admin {
            session_clear_tty(other);
        } else {
            return Err(EPERM);
        }
    }
    if f.lock().flags & O_ACCMODE == O_WRONLY && !admin {
        return Err(EPERM);
    }
    proc_set_tty(sid, pgid);
    Ok(0)
}

/// `TIOCSPGRP`: make `*arg` the foreground process group (Linux's
/// `tiocspgrp`): from the background this is a `SIGTTOU` matter
/// (`ENOTTY` for an orphaned group), then `EFAULT`, `EINVAL` for a
/// negative group, `ENOTTY` if the terminal is not the caller's, `ESRCH`
/// for a number no process uses, `EPERM` for a group of another session.
fn tiocspgrp(arg: usize) -> SysResult {
    match check_change(SIGTTOU) {
        Err(EIO) => return Err(ENOTTY),
        r => r?,
    }
    let nr: i32 = UserPtr::new(arg).read()?;
    if nr < 0 {
        return Err(EINVAL);
    }
    let nr = nr as Pid;
    let (ctty, sid) = with_current(|t| (t.ctty, t.sid));
    if !ctty || with_tty(|t| t.session) != Some(sid) {
        return Err(ENOTTY);
    }
    if !SCHED.with(|s| s.tasks.pid_in_use(nr)) {
        return Err(ESRCH);
    }
    if session_of_pgrp(nr) != Some(sid) {
        return Err(EPERM);
    }
    with_tty(|t| t.pgrp = Some(nr));
    SCHED.with(|s| s.tasks.set_pins(Some(sid), Some(nr)));
    Ok(0)
}

/// `TIOCSWINSZ`: a new window size; if it changed, the foreground group
/// gets `SIGWINCH` (Linux's `tty_do_resize`).
fn tiocswinsz(arg: usize) -> SysResult {
    let ws: Winsize = UserPtr::new(arg).read()?;
    let changed = with_tty(|t| {
        let changed = t.winsize != ws;
        t.winsize = ws;
        changed.then_some(t.pgrp).flatten()
    });
    if let Some(pgrp) = changed {
        let _ = jobctl::kill_pgrp(pgrp, SIGWINCH, signal::priv_info(SIGWINCH), false);
    }
    Ok(0)
}

/// What `TIOCGSERIAL` says of the line: COM1, a 16550A at 0x3F8 on IRQ 4,
/// `/dev/ttyS0` (Linux's `uart_get_info` for the 8250 driver's first
/// port: skip_test and boot_autoconf set, a 16-byte FIFO, 1.8432 MHz).
fn serial_info() -> abi::types::SerialStruct {
    abi::types::SerialStruct {
        type_: 4, // PORT_16550A
        line: 0,
        port: 0x3f8,
        irq: 4,
        flags: 0x40 | 1 << 28, // ASYNC_SKIP_TEST | UPF_BOOT_AUTOCONF
        xmit_fifo_size: 16,
        baud_base: 115_200,
        close_delay: 50,
        closing_wait: 3000,
        ..abi::types::SerialStruct::ZERO
    }
}

/// Send a byte to the other end of the line (`TCIOFF`/`TCION`).
fn send_xchar(c: u8) {
    if c != POSIX_VDISABLE {
        serial::write_bytes(&[c]);
    }
}

/// `ioctl` on the console (Linux's `tty_ioctl`, `tty_jobctrl_ioctl`,
/// `n_tty_ioctl` and `tty_mode_ioctl`, in their order); unknown requests
/// are `ENOTTY`.
pub fn ioctl(f: &FileRef, request: u32, arg: usize) -> SysResult {
    let ctty = with_current(|t| t.ctty);
    match request {
        TIOCSTI => {
            if !ctty && !crate::proc::cred::capable(abi::cred::CAP_SYS_ADMIN) {
                return Err(EPERM);
            }
            let c: u8 = UserPtr::new(arg).read()?;
            receive_bytes(core::iter::once(c));
            Ok(0)
        }
        TIOCGWINSZ => UserPtr::new(arg).write(&with_tty(|t| t.winsize)).map(|_| 0),
        TIOCSWINSZ => tiocswinsz(arg),
        TIOCGETD => UserPtr::new(arg).write(&N_TTY).map(|_| 0),
        TIOCSETD => {
            check_change(SIGTTOU)?;
            let d: u32 = UserPtr::new(arg).read()?;
            if d == N_TTY { Ok(0) } else { Err(EINVAL) }
        }
        // Breaks and draining: the serial line sends synchronously.
        TCSBRK | TCSBRKP => check_change(SIGTTOU).map(|()| 0),
        TIOCNOTTY => {
            if !ctty {
                return Err(ENOTTY);
            }
            disassociate_ctty(false);
            with_current(|t| t.ctty = false);
            Ok(0)
        }
        TIOCSCTTY => tiocsctty(f, arg),
        TIOCGPGRP => {
            if !ctty {
                return Err(ENOTTY);
            }
            let pgrp = with_tty(|t| t.pgrp).unwrap_or(0);
            UserPtr::new(arg).write(&pgrp).map(|_| 0)
        }
        TIOCSPGRP => tiocspgrp(arg),
        TIOCGSID => {
            if !ctty {
                return Err(ENOTTY);
            }
            let sid = with_tty(|t| t.session).ok_or(ENOTTY)?;
            UserPtr::new(arg).write(&sid).map(|_| 0)
        }
        TIOCOUTQ => UserPtr::new(arg).write(&0u32).map(|_| 0),
        TIOCGSERIAL => UserPtr::new(arg).write(&serial_info()).map(|_| 0),
        TIOCINQ => UserPtr::new(arg).write(&(available() as u32)).map(|_| 0),
        TCXONC => {
            check_change(SIGTTOU)?;
            match arg as u32 {
                TCOOFF | TCOON => {}
                TCIOFF => send_xchar(with_tty(|t| t.termios.c_cc[VSTOP])),
                TCION => send_xchar(with_tty(|t| t.termios.c_cc[VSTART])),
                _ => return Err(EINVAL),
            }
            Ok(0)
        }
        TCFLSH => {
            check_change(SIGTTOU)?;
            match arg as u32 {
                TCIFLUSH | TCIOFLUSH => with_tty(|t| t.flush_input()),
                TCOFLUSH => {}
                _ => return Err(EINVAL),
            }
            Ok(0)
        }
        TCGETS => UserPtr::new(arg).write(&with_tty(|t| t.termios)).map(|_| 0),
        TCSETS | TCSETSW | TCSETSF => {
            check_change(SIGTTOU)?;
            let new: Termios = UserPtr::new(arg).read()?;
            with_tty(|t| {
                // TCSETSF: what was typed and not read goes first.
                if request == TCSETSF {
                    t.flush_input();
                }
                t.set_termios(new);
            });
            // A reader may now be satisfied (a new VMIN, raw mode).
            sched::wake(WaitChannel::TtyInput, None);
            Ok(0)
        }
        _ => Err(ENOTTY),
    }
}

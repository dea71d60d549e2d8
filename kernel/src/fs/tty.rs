//! The serial console as a TTY, with Linux's default line discipline:
//! canonical input (a line is handed to `read` when Enter arrives;
//! backspace erases, Ctrl-D ends input), echo, CR-to-NL on input (ICRNL)
//! and NL-to-CRNL on output (ONLCR). Input arrives through the COM1
//! interrupt; a reader sleeps until a line (or, in raw mode, a byte) is ready.

use crate::drivers::serial;
use crate::proc::sched;
use crate::proc::task::WaitChannel;
use crate::sync::UpCell;
use abi::errno::Errno;
use abi::termios::*;
use abi::types::{Termios, Winsize};
use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// Most bytes held for `read` (Linux's `N_TTY_BUF_SIZE`); more are dropped.
const N_TTY_BUF_SIZE: usize = 4096;

struct Tty {
    termios: Termios,
    /// The line being edited (canonical mode).
    line: Vec<u8>,
    /// Input ready for `read`: whole lines in canonical mode (an empty
    /// record is an end-of-file from Ctrl-D), single bytes in raw mode.
    ready: VecDeque<Vec<u8>>,
}

static TTY: UpCell<Option<Tty>> = UpCell::new(None);

/// Linux's `tty_std_termios` (drivers/tty/tty_io.c), at 38400 baud.
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
            line: Vec::new(),
            ready: VecDeque::new(),
        }))
    })
}

/// Write bytes to the console, applying output processing.
pub fn write(bytes: &[u8]) {
    let onlcr = with_tty(|t| t.termios.c_oflag & (OPOST | ONLCR) == (OPOST | ONLCR));
    if !onlcr {
        serial::write_bytes(bytes);
        return;
    }
    for chunk in bytes.split_inclusive(|&b| b == b'\n') {
        match chunk.split_last() {
            Some((b'\n', head)) => {
                serial::write_bytes(head);
                serial::write_bytes(b"\r\n");
            }
            _ => serial::write_bytes(chunk),
        }
    }
}

/// COM1 has input: run it through the line discipline and wake readers.
pub fn serial_interrupt() {
    let mut echo = Vec::new();
    let mut any = false;
    let mut signal = None;
    while let Some(b) = serial::try_read_byte() {
        any = true;
        signal = with_tty(|t| input_byte(t, b, &mut echo)).or(signal);
    }
    if !echo.is_empty() {
        write(&echo);
    }
    if let Some(sig) = signal {
        signal_foreground(sig);
    }
    if any {
        sched::wake(WaitChannel::TtyInput, None);
    }
}

/// Ctrl-C / Ctrl-\ (ISIG): signal every process but init. With one terminal
/// and no job control yet, that stands in for the foreground process group.
fn signal_foreground(sig: i32) {
    let pids: Vec<u32> = sched::SCHED.with(|s| s.tasks.pids().filter(|&p| p != 1).collect());
    for pid in pids {
        let _ = crate::proc::signal::send(
            pid,
            sig,
            crate::proc::signal::user_info(sig, abi::signal::SI_KERNEL, 0),
        );
    }
}

/// One input byte through the line discipline; returns a signal to send
/// for the ISIG characters.
fn input_byte(t: &mut Tty, mut b: u8, echo: &mut Vec<u8>) -> Option<i32> {
    let lflag = t.termios.c_lflag;
    let cc = t.termios.c_cc;
    if lflag & ISIG != 0 && (b == cc[VINTR] || b == cc[VQUIT]) {
        t.line.clear();
        if lflag & ECHO != 0 {
            echo.extend_from_slice(if b == cc[VINTR] { b"^C\n" } else { b"^\\\n" });
        }
        return Some(if b == cc[VINTR] {
            abi::signal::SIGINT
        } else {
            abi::signal::SIGQUIT
        });
    }
    if b == b'\r' && t.termios.c_iflag & ICRNL != 0 {
        b = b'\n';
    }
    if lflag & ICANON == 0 {
        if t.ready.len() >= N_TTY_BUF_SIZE {
            return None;
        }
        t.ready.push_back(alloc::vec![b]);
        if lflag & ECHO != 0 {
            echo.push(b);
        }
        return None;
    }
    if b == cc[VERASE] || b == 8 {
        if t.line.pop().is_some() && lflag & ECHO != 0 {
            echo.extend_from_slice(b"\x08 \x08");
        }
    } else if b == cc[VEOF] {
        t.ready.push_back(core::mem::take(&mut t.line));
    } else if b == b'\n' {
        t.line.push(b);
        t.ready.push_back(core::mem::take(&mut t.line));
        if lflag & ECHO != 0 {
            echo.push(b'\n');
        }
    } else if t.line.len() < N_TTY_BUF_SIZE - 1 {
        t.line.push(b);
        if lflag & ECHO != 0 {
            echo.push(b);
        }
    }
    None
}

/// Read at most `max` bytes: sleeps until input is ready. In canonical mode
/// returns at most one line; empty means end of file. `Err(EINTR)` if a
/// signal arrives first.
pub fn read(max: usize) -> Result<Vec<u8>, Errno> {
    loop {
        // Poll too: a byte may have arrived while interrupts were masked.
        serial_interrupt();
        let got = with_tty(|t| {
            let canonical = t.termios.c_lflag & ICANON != 0;
            let mut out = Vec::new();
            while out.len() < max {
                let Some(front) = t.ready.front_mut() else {
                    break;
                };
                let n = front.len().min(max - out.len());
                out.extend(front.drain(..n));
                let empty_record = n == 0;
                if front.is_empty() {
                    t.ready.pop_front();
                }
                if canonical || empty_record {
                    return Some(out);
                }
            }
            (!out.is_empty()).then_some(out)
        });
        if let Some(v) = got {
            return Ok(v);
        }
        if max == 0 {
            return Ok(Vec::new());
        }
        if crate::proc::signal::pending() {
            return Err(abi::errno::EINTR);
        }
        sched::sleep(WaitChannel::TtyInput);
    }
}

/// Bytes available to `read` now (`FIONREAD`).
pub fn available() -> usize {
    with_tty(|t| t.ready.iter().map(|r| r.len()).sum())
}

pub fn termios() -> Termios {
    with_tty(|t| t.termios)
}

pub fn set_termios(new: Termios) {
    with_tty(|t| t.termios = new);
}

/// The console's size: the classic 80x24.
pub fn winsize() -> Winsize {
    Winsize {
        ws_row: 24,
        ws_col: 80,
        ws_xpixel: 0,
        ws_ypixel: 0,
    }
}

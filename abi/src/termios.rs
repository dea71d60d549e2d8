//! Terminal settings: the `c_cc` indices and the flag bits of
//! [`crate::types::Termios`], which `TCGETS`/`TCSETS` (see [`crate::ioctl`])
//! carry. x86 uses the generic values.

// include/uapi/asm-generic/termbits.h

/// Number of control characters in `c_cc`.
pub const NCCS: usize = 19;

// include/uapi/asm-generic/termbits.h: c_cc indices.

/// Interrupt character (`^C`, sends `SIGINT`).
pub const VINTR: usize = 0;
/// Quit character (`^\`, sends `SIGQUIT`).
pub const VQUIT: usize = 1;
/// Erase character (backspace).
pub const VERASE: usize = 2;
/// Kill-line character (`^U`).
pub const VKILL: usize = 3;
/// End-of-file character (`^D`).
pub const VEOF: usize = 4;
/// Non-canonical read timeout, in tenths of a second.
pub const VTIME: usize = 5;
/// Non-canonical read minimum byte count.
pub const VMIN: usize = 6;
/// Switch character (unused by Linux).
pub const VSWTC: usize = 7;
/// Start output character (`^Q`).
pub const VSTART: usize = 8;
/// Stop output character (`^S`).
pub const VSTOP: usize = 9;
/// Suspend character (`^Z`, sends `SIGTSTP`).
pub const VSUSP: usize = 10;
/// Additional end-of-line character.
pub const VEOL: usize = 11;
/// Reprint character (`^R`).
pub const VREPRINT: usize = 12;
/// Discard character (`^O`).
pub const VDISCARD: usize = 13;
/// Word-erase character (`^W`).
pub const VWERASE: usize = 14;
/// Literal-next character (`^V`).
pub const VLNEXT: usize = 15;
/// Second additional end-of-line character.
pub const VEOL2: usize = 16;

/// A `c_cc` entry with this value is disabled (`_POSIX_VDISABLE`; Linux's
/// `__DISABLED_CHAR`). n_tty still compares input against it, so a NUL
/// byte matches a disabled `VEOL`, as on Linux.
pub const POSIX_VDISABLE: u8 = 0;

// include/uapi/asm-generic/termbits-common.h and termbits.h: c_iflag bits.

/// Ignore break conditions.
pub const IGNBRK: u32 = 0x001;
/// Break sends `SIGINT`.
pub const BRKINT: u32 = 0x002;
/// Ignore characters with parity errors.
pub const IGNPAR: u32 = 0x004;
/// Mark parity errors.
pub const PARMRK: u32 = 0x008;
/// Enable input parity checking.
pub const INPCK: u32 = 0x010;
/// Strip the eighth bit.
pub const ISTRIP: u32 = 0x020;
/// Translate NL to CR on input.
pub const INLCR: u32 = 0x040;
/// Ignore CR on input.
pub const IGNCR: u32 = 0x080;
/// Translate CR to NL on input.
pub const ICRNL: u32 = 0x100;
/// Map upper case to lower case on input.
pub const IUCLC: u32 = 0x0200;
/// Enable XON/XOFF output flow control.
pub const IXON: u32 = 0x0400;
/// Any character restarts stopped output.
pub const IXANY: u32 = 0x800;
/// Enable XON/XOFF input flow control.
pub const IXOFF: u32 = 0x1000;
/// Ring the bell when the input queue is full.
pub const IMAXBEL: u32 = 0x2000;
/// Input is UTF-8 (for character erase in canonical mode).
pub const IUTF8: u32 = 0x4000;

// include/uapi/asm-generic/termbits-common.h and termbits.h: c_oflag bits.

/// Enable output processing.
pub const OPOST: u32 = 0x01;
/// Map lower case to upper case on output.
pub const OLCUC: u32 = 0x02;
/// Translate NL to CR-NL on output.
pub const ONLCR: u32 = 0x04;
/// Translate CR to NL on output.
pub const OCRNL: u32 = 0x08;
/// Do not output CR at column 0.
pub const ONOCR: u32 = 0x10;
/// NL also does a carriage return.
pub const ONLRET: u32 = 0x20;
/// Use fill characters for delays.
pub const OFILL: u32 = 0x40;
/// The fill character is DEL.
pub const OFDEL: u32 = 0x80;
/// Newline delay mask.
pub const NLDLY: u32 = 0x100;
/// Carriage-return delay mask.
pub const CRDLY: u32 = 0x600;
/// Horizontal-tab delay mask.
pub const TABDLY: u32 = 0x1800;
/// Tab delay 3: expand tabs to spaces on output (also called `XTABS`).
pub const TAB3: u32 = 0x1800;
/// Same as [`TAB3`].
pub const XTABS: u32 = TAB3;
/// Backspace delay mask.
pub const BSDLY: u32 = 0x2000;
/// Vertical-tab delay mask.
pub const VTDLY: u32 = 0x4000;
/// Form-feed delay mask.
pub const FFDLY: u32 = 0x8000;

// include/uapi/asm-generic/termbits.h: c_cflag bits.

/// Baud-rate mask.
pub const CBAUD: u32 = 0x0000_100f;
/// 38400 baud.
pub const B38400: u32 = 0x0000_000f;
/// 115200 baud.
pub const B115200: u32 = 0x0000_1002;
/// Character-size mask.
pub const CSIZE: u32 = 0x0000_0030;
/// 8-bit characters.
pub const CS8: u32 = 0x0000_0030;
/// Two stop bits.
pub const CSTOPB: u32 = 0x0000_0040;
/// Enable the receiver.
pub const CREAD: u32 = 0x0000_0080;
/// Enable parity.
pub const PARENB: u32 = 0x0000_0100;
/// Odd parity.
pub const PARODD: u32 = 0x0000_0200;
/// Hang up on last close.
pub const HUPCL: u32 = 0x0000_0400;
/// Ignore modem control lines.
pub const CLOCAL: u32 = 0x0000_0800;

// include/uapi/asm-generic/termbits.h: c_lflag bits.

/// Generate signals for `VINTR`, `VQUIT` and `VSUSP`.
pub const ISIG: u32 = 0x00001;
/// Canonical (line-by-line) input.
pub const ICANON: u32 = 0x00002;
/// Echo input characters.
pub const ECHO: u32 = 0x00008;
/// Echo erase as backspace-space-backspace.
pub const ECHOE: u32 = 0x00010;
/// Echo NL after the kill character.
pub const ECHOK: u32 = 0x00020;
/// Echo NL even without `ECHO`.
pub const ECHONL: u32 = 0x00040;
/// Do not flush queues on signals.
pub const NOFLSH: u32 = 0x00080;
/// Background writes send `SIGTTOU`.
pub const TOSTOP: u32 = 0x00100;
/// Echo control characters as `^X`.
pub const ECHOCTL: u32 = 0x00200;
/// Echo erased characters printing-style.
pub const ECHOPRT: u32 = 0x00400;
/// Echo kill by erasing the line.
pub const ECHOKE: u32 = 0x00800;
/// Output is being flushed (`VDISCARD` toggles it).
pub const FLUSHO: u32 = 0x01000;
/// Retype pending input at the next read or input character.
pub const PENDIN: u32 = 0x04000;
/// Enable implementation-defined input processing (`VLNEXT`, `VWERASE`, ...).
pub const IEXTEN: u32 = 0x08000;
/// External processing (pty packet mode): the line discipline does no
/// canonical processing.
pub const EXTPROC: u32 = 0x10000;
/// Canonical upper/lower presentation (obsolete; ignored by Linux).
pub const XCASE: u32 = 0x00004;

// include/uapi/asm-generic/termbits.h: tcsetattr() actions (the C library
// maps them to TCSETS, TCSETSW and TCSETSF).

/// Change now.
pub const TCSANOW: u32 = 0;
/// Change after output drains.
pub const TCSADRAIN: u32 = 1;
/// Change after output drains, discarding pending input.
pub const TCSAFLUSH: u32 = 2;

// include/uapi/asm-generic/termbits-common.h: TCFLSH arguments.

/// Discard received, unread data.
pub const TCIFLUSH: u32 = 0;
/// Discard written, unsent data.
pub const TCOFLUSH: u32 = 1;
/// Discard both.
pub const TCIOFLUSH: u32 = 2;

// include/uapi/asm-generic/termbits-common.h: TCXONC arguments.

/// Suspend output.
pub const TCOOFF: u32 = 0;
/// Restart suspended output.
pub const TCOON: u32 = 1;
/// Send a STOP character (ask the other end to stop sending).
pub const TCIOFF: u32 = 2;
/// Send a START character.
pub const TCION: u32 = 3;

// include/uapi/linux/tty.h: line disciplines (`TIOCGETD`/`TIOCSETD`).

/// The default line discipline, n_tty.
pub const N_TTY: u32 = 0;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(VMIN, 6);
        assert_eq!(VTIME, 5);
        assert_eq!(ICRNL, 0x100);
        assert_eq!(ICANON, 2);
        assert_eq!(ECHO, 8);
        assert_eq!(IEXTEN, 0x8000);
        assert_eq!(VEOL2, 16);
        assert_eq!(VLNEXT, 15);
        assert_eq!(VWERASE, 14);
        assert_eq!(VREPRINT, 12);
        assert_eq!(VSUSP, 10);
        assert_eq!(TABDLY, 0x1800);
        assert_eq!(TOSTOP, 0x100);
        assert_eq!(EXTPROC, 0x10000);
    }
}

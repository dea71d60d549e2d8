//! Terminal `ioctl` tests. On our kernel fd 1 is the serial console, a tty;
//! on a Linux host it may be a pipe or a file. So the tests first ask
//! whether fd 1 is a tty (`TCGETS` = `isatty`) and then demand the answers
//! Linux gives for that kind of file.

use abi::errno::{EBADF, EFAULT, ENOTTY};
use abi::ioctl::{TCGETS, TIOCGWINSZ};
use abi::{Termios, Winsize};
use rt::sys;

use crate::check::{TestResult, ensure, err, expect_ret, show};

/// A request number no driver knows (type 0xbe, number 0xef, no data).
const UNKNOWN_REQUEST: u32 = 0xBEEF;

/// `TCGETS` and `TIOCGWINSZ` on fd 1 both succeed (a tty, and then the
/// kernel really filled the `termios`) or both give `-ENOTTY`; a NULL
/// argument gives `-EFAULT` on a tty; an unknown request gives `-ENOTTY`;
/// a bad fd gives `-EBADF`.
pub fn ioctl_tty() -> TestResult {
    let mut t = Termios {
        c_cflag: 0xAAAA_AAAA,
        ..Termios::ZERO
    };
    // SAFETY: TCGETS writes one `struct termios` (36 bytes) to `t`.
    let tcgets = unsafe { sys::ioctl(1, TCGETS, &mut t as *mut Termios as usize) };
    ensure!(
        tcgets == 0 || tcgets == err(ENOTTY),
        "ioctl(1, TCGETS) = {}, expected 0 or -ENOTTY",
        show(tcgets)
    );
    let is_tty = tcgets == 0;
    if is_tty {
        ensure!(
            t.c_cflag != 0xAAAA_AAAA,
            "ioctl(1, TCGETS) returned 0 but did not fill in c_cflag"
        );
    }

    let mut ws = Winsize::ZERO;
    // SAFETY: TIOCGWINSZ writes one `struct winsize` to `ws`.
    let winsz = unsafe { sys::ioctl(1, TIOCGWINSZ, &mut ws as *mut Winsize as usize) };
    expect_ret!(
        alloc::format!("ioctl(1, TIOCGWINSZ) when TCGETS gave {}", show(tcgets)),
        winsz,
        tcgets
    );

    // SAFETY: the kernel must refuse the NULL pointer (or, for a non-tty,
    // the request).
    let ret = unsafe { sys::ioctl(1, TCGETS, 0) };
    let want = if is_tty { err(EFAULT) } else { err(ENOTTY) };
    expect_ret!("ioctl(1, TCGETS, NULL)", ret, want);

    // SAFETY: no driver knows this request; the argument is not used.
    let ret = unsafe { sys::ioctl(1, UNKNOWN_REQUEST, 0) };
    expect_ret!("ioctl(1, 0xbeef)", ret, err(ENOTTY));

    for fd in [-1, 1000] {
        // SAFETY: the fd check comes first; nothing is written.
        let ret = unsafe { sys::ioctl(fd, TCGETS, &mut t as *mut Termios as usize) };
        expect_ret!(alloc::format!("ioctl({fd}, TCGETS)"), ret, err(EBADF));
    }
    Ok(())
}

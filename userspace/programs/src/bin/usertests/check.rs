//! Assertion helpers: every check compares a real value with the expected
//! one and, on mismatch, returns an error message that shows both.

use alloc::format;
use alloc::string::String;

/// What a test returns: `Err` carries the reason it failed.
pub type TestResult = Result<(), String>;

/// `-errno` as a raw system-call result (`err(EBADF)` is -9).
pub const fn err(errno: abi::Errno) -> isize {
    errno.neg()
}

/// A raw result for messages: `-EBADF (-9)`, `3`, or `0xf7f00000`.
pub fn show(ret: isize) -> String {
    if let Some(e) = abi::Errno::from_ret(ret).filter(|_| rt::syscall::is_error(ret)) {
        format!("-{e} ({ret})")
    } else if (0..0x10000).contains(&ret) {
        format!("{ret}")
    } else {
        format!("{:#x}", ret as usize)
    }
}

/// Fails the test with a formatted message unless `cond` holds.
macro_rules! ensure {
    ($cond:expr, $($fmt:tt)+) => {
        if !$cond {
            return Err(alloc::format!($($fmt)+));
        }
    };
}

/// Fails the test unless the raw result `got` equals `want`; `what`
/// describes the call (`"write(fd=-1)"`).
macro_rules! expect_ret {
    ($what:expr, $got:expr, $want:expr) => {{
        let got: isize = $got;
        let want: isize = $want;
        if got != want {
            return Err(alloc::format!(
                "{}: got {}, expected {}",
                $what,
                $crate::check::show(got),
                $crate::check::show(want)
            ));
        }
    }};
}

/// Fails the test unless `got == want` (any `PartialEq + Debug` values).
macro_rules! expect_eq {
    ($what:expr, $got:expr, $want:expr) => {{
        let got = $got;
        let want = $want;
        if got != want {
            return Err(alloc::format!(
                "{}: got {:?}, expected {:?}",
                $what,
                got,
                want
            ));
        }
    }};
}

pub(crate) use {ensure, expect_eq, expect_ret};

//! Linux error numbers, which i386 takes unchanged from the generic headers.
//!
//! A system call fails by returning `-errno` in `eax`. Both sides name an
//! error by the [`Errno`] type (`errno::EFAULT`), so a handler returns
//! `Result<usize, Errno>` and `?` works; user programs decode raw results
//! with [`errno_name`] / [`errno_description`]. One table generates the
//! constants and both lookups.

use core::fmt;

/// A Linux error number (always in `1..=MAX_ERRNO`). `Display` prints the
/// symbolic name (`EFAULT`), as strace does.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Errno(i32);

impl Errno {
    /// The error for a raw number, if it is one a system call can return
    /// (`1..=MAX_ERRNO`; Linux's `IS_ERR_VALUE`).
    pub const fn new(e: i32) -> Option<Errno> {
        if e >= 1 && e <= MAX_ERRNO {
            Some(Errno(e))
        } else {
            None
        }
    }

    /// The error a raw system-call result stands for (`-14` is `EFAULT`),
    /// or `None` for a success.
    pub const fn from_ret(ret: isize) -> Option<Errno> {
        if ret < 0 && ret >= -(MAX_ERRNO as isize) {
            Some(Errno(-ret as i32))
        } else {
            None
        }
    }

    /// The positive number (`14` for `EFAULT`), as C's `errno`.
    pub const fn raw(self) -> i32 {
        self.0
    }

    /// The raw system-call result for this error: `-errno`.
    pub const fn neg(self) -> isize {
        -(self.0 as isize)
    }

    /// The symbolic name (`"EFAULT"`), or `None` for a number Linux leaves
    /// unused.
    pub const fn name(self) -> Option<&'static str> {
        match self.0 {
            512 => Some("ERESTARTSYS"),
            513 => Some("ERESTARTNOINTR"),
            514 => Some("ERESTARTNOHAND"),
            516 => Some("ERESTART_RESTARTBLOCK"),
            e => errno_name(e),
        }
    }

    /// One of the kernel's restart codes ([`ERESTARTSYS`] and the like),
    /// which must not reach user space.
    pub const fn is_restart(self) -> bool {
        matches!(self.0, 512..=514 | 516)
    }
}

impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "E{}", self.0),
        }
    }
}

impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self} ({})", self.0)
    }
}

/// Expands `number NAME "description",` lines into `pub const NAME: Errno`
/// constants and the [`errno_name`] / [`errno_description`] lookups.
macro_rules! errnos {
    ($($value:literal $name:ident $text:literal,)*) => {
        $(
            #[doc = concat!($text, " (", stringify!($value), ").")]
            pub const $name: Errno = Errno($value);
        )*

        /// The symbolic name of error number `e` (`"EFAULT"` for 14), or
        /// `None` if Linux defines no error with that number.
        pub const fn errno_name(e: i32) -> Option<&'static str> {
            match e {
                $($value => Some(stringify!($name)),)*
                _ => None,
            }
        }

        /// The description Linux's header gives error number `e` (`"Bad
        /// address"` for `EFAULT`), or `None` if there is no such error.
        pub const fn errno_description(e: i32) -> Option<&'static str> {
            match e {
                $($value => Some($text),)*
                _ => None,
            }
        }

        /// Every error number, in ascending order.
        #[cfg(test)]
        const ALL: &[Errno] = &[$($name),*];
    };
}

errnos! {
    // include/uapi/asm-generic/errno-base.h (1..=34)
    1   EPERM           "Operation not permitted",
    2   ENOENT          "No such file or directory",
    3   ESRCH           "No such process",
    4   EINTR           "Interrupted system call",
    5   EIO             "I/O error",
    6   ENXIO           "No such device or address",
    7   E2BIG           "Argument list too long",
    8   ENOEXEC         "Exec format error",
    9   EBADF           "Bad file number",
    10  ECHILD          "No child processes",
    11  EAGAIN          "Try again",
    12  ENOMEM          "Out of memory",
    13  EACCES          "Permission denied",
    14  EFAULT          "Bad address",
    15  ENOTBLK         "Block device required",
    16  EBUSY           "Device or resource busy",
    17  EEXIST          "File exists",
    18  EXDEV           "Cross-device link",
    19  ENODEV          "No such device",
    20  ENOTDIR         "Not a directory",
    21  EISDIR          "Is a directory",
    22  EINVAL          "Invalid argument",
    23  ENFILE          "File table overflow",
    24  EMFILE          "Too many open files",
    25  ENOTTY          "Not a typewriter",
    26  ETXTBSY         "Text file busy",
    27  EFBIG           "File too large",
    28  ENOSPC          "No space left on device",
    29  ESPIPE          "Illegal seek",
    30  EROFS           "Read-only file system",
    31  EMLINK          "Too many links",
    32  EPIPE           "Broken pipe",
    33  EDOM            "Math argument out of domain of func",
    34  ERANGE          "Math result not representable",
    // include/uapi/asm-generic/errno.h (35..=133; 41 and 58 are unused)
    35  EDEADLK         "Resource deadlock would occur",
    36  ENAMETOOLONG    "File name too long",
    37  ENOLCK          "No record locks available",
    38  ENOSYS          "Invalid system call number",
    39  ENOTEMPTY       "Directory not empty",
    40  ELOOP           "Too many symbolic links encountered",
    42  ENOMSG          "No message of desired type",
    43  EIDRM           "Identifier removed",
    44  ECHRNG          "Channel number out of range",
    45  EL2NSYNC        "Level 2 not synchronized",
    46  EL3HLT          "Level 3 halted",
    47  EL3RST          "Level 3 reset",
    48  ELNRNG          "Link number out of range",
    49  EUNATCH         "Protocol driver not attached",
    50  ENOCSI          "No CSI structure available",
    51  EL2HLT          "Level 2 halted",
    52  EBADE           "Invalid exchange",
    53  EBADR           "Invalid request descriptor",
    54  EXFULL          "Exchange full",
    55  ENOANO          "No anode",
    56  EBADRQC         "Invalid request code",
    57  EBADSLT         "Invalid slot",
    59  EBFONT          "Bad font file format",
    60  ENOSTR          "Device not a stream",
    61  ENODATA         "No data available",
    62  ETIME           "Timer expired",
    63  ENOSR           "Out of streams resources",
    64  ENONET          "Machine is not on the network",
    65  ENOPKG          "Package not installed",
    66  EREMOTE         "Object is remote",
    67  ENOLINK         "Link has been severed",
    68  EADV            "Advertise error",
    69  ESRMNT          "Srmount error",
    70  ECOMM           "Communication error on send",
    71  EPROTO          "Protocol error",
    72  EMULTIHOP       "Multihop attempted",
    73  EDOTDOT         "RFS specific error",
    74  EBADMSG         "Not a data message",
    75  EOVERFLOW       "Value too large for defined data type",
    76  ENOTUNIQ        "Name not unique on network",
    77  EBADFD          "File descriptor in bad state",
    78  EREMCHG         "Remote address changed",
    79  ELIBACC         "Can not access a needed shared library",
    80  ELIBBAD         "Accessing a corrupted shared library",
    81  ELIBSCN         ".lib section in a.out corrupted",
    82  ELIBMAX         "Attempting to link in too many shared libraries",
    83  ELIBEXEC        "Cannot exec a shared library directly",
    84  EILSEQ          "Illegal byte sequence",
    85  ERESTART        "Interrupted system call should be restarted",
    86  ESTRPIPE        "Streams pipe error",
    87  EUSERS          "Too many users",
    88  ENOTSOCK        "Socket operation on non-socket",
    89  EDESTADDRREQ    "Destination address required",
    90  EMSGSIZE        "Message too long",
    91  EPROTOTYPE      "Protocol wrong type for socket",
    92  ENOPROTOOPT     "Protocol not available",
    93  EPROTONOSUPPORT "Protocol not supported",
    94  ESOCKTNOSUPPORT "Socket type not supported",
    95  EOPNOTSUPP      "Operation not supported on transport endpoint",
    96  EPFNOSUPPORT    "Protocol family not supported",
    97  EAFNOSUPPORT    "Address family not supported by protocol",
    98  EADDRINUSE      "Address already in use",
    99  EADDRNOTAVAIL   "Cannot assign requested address",
    100 ENETDOWN        "Network is down",
    101 ENETUNREACH     "Network is unreachable",
    102 ENETRESET       "Network dropped connection because of reset",
    103 ECONNABORTED    "Software caused connection abort",
    104 ECONNRESET      "Connection reset by peer",
    105 ENOBUFS         "No buffer space available",
    106 EISCONN         "Transport endpoint is already connected",
    107 ENOTCONN        "Transport endpoint is not connected",
    108 ESHUTDOWN       "Cannot send after transport endpoint shutdown",
    109 ETOOMANYREFS    "Too many references: cannot splice",
    110 ETIMEDOUT       "Connection timed out",
    111 ECONNREFUSED    "Connection refused",
    112 EHOSTDOWN       "Host is down",
    113 EHOSTUNREACH    "No route to host",
    114 EALREADY        "Operation already in progress",
    115 EINPROGRESS     "Operation now in progress",
    116 ESTALE          "Stale file handle",
    117 EUCLEAN         "Structure needs cleaning",
    118 ENOTNAM         "Not a XENIX named type file",
    119 ENAVAIL         "No XENIX semaphores available",
    120 EISNAM          "Is a named type file",
    121 EREMOTEIO       "Remote I/O error",
    122 EDQUOT          "Quota exceeded",
    123 ENOMEDIUM       "No medium found",
    124 EMEDIUMTYPE     "Wrong medium type",
    125 ECANCELED       "Operation Canceled",
    126 ENOKEY          "Required key not available",
    127 EKEYEXPIRED     "Key has expired",
    128 EKEYREVOKED     "Key has been revoked",
    129 EKEYREJECTED    "Key was rejected by service",
    130 EOWNERDEAD      "Owner died",
    131 ENOTRECOVERABLE "State not recoverable",
    132 ERFKILL         "Operation not possible due to RF-kill",
    133 EHWPOISON       "Memory page has hardware error",
}

/// Aliases that Linux defines as another error's number
/// (`include/uapi/asm-generic/errno.h`).
pub const EWOULDBLOCK: Errno = EAGAIN;
/// See [`EWOULDBLOCK`].
pub const EDEADLOCK: Errno = EDEADLK;

// include/linux/errno.h: the kernel's own codes for an interrupted system
// call. They never reach user space: the return to user mode turns them
// into a restart or into `EINTR` (Linux's `handle_signal` and
// `arch_do_signal_or_restart`). strace shows them by name.

/// Restart if no handler runs, or the handler has `SA_RESTART`; else `EINTR`.
pub const ERESTARTSYS: Errno = Errno(512);
/// Always restart.
pub const ERESTARTNOINTR: Errno = Errno(513);
/// Restart if no handler runs; else `EINTR`.
pub const ERESTARTNOHAND: Errno = Errno(514);
/// Restart through `restart_syscall` (with what the task's restart block
/// remembers) if no handler runs; else `EINTR`.
pub const ERESTART_RESTARTBLOCK: Errno = Errno(516);

/// The largest error number a system call can return (as `-MAX_ERRNO`);
/// return values in `-MAX_ERRNO..=-1`, viewed as signed, are errors and
/// everything else is a result (`include/linux/err.h`).
pub const MAX_ERRNO: i32 = 4095;

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn spot_values_match_linux() {
        let raw = |e: Errno| e.raw();
        assert_eq!(raw(EPERM), 1);
        assert_eq!(raw(ENOENT), 2);
        assert_eq!(raw(EBADF), 9);
        assert_eq!(raw(EAGAIN), 11);
        assert_eq!(raw(EFAULT), 14);
        assert_eq!(raw(EINVAL), 22);
        assert_eq!(raw(ENOTTY), 25);
        assert_eq!(raw(ERANGE), 34);
        assert_eq!(raw(ENOSYS), 38);
        assert_eq!(raw(ELOOP), 40);
        assert_eq!(raw(ENOMSG), 42);
        assert_eq!(raw(EBFONT), 59);
        assert_eq!(raw(EOVERFLOW), 75);
        assert_eq!(raw(ETIMEDOUT), 110);
        assert_eq!(raw(EHWPOISON), 133);
        assert_eq!(EWOULDBLOCK, EAGAIN);
    }

    #[test]
    fn lookups() {
        assert_eq!(errno_name(14), Some("EFAULT"));
        assert_eq!(ENOSYS.name(), Some("ENOSYS"));
        assert_eq!(
            errno_description(ENOENT.raw()),
            Some("No such file or directory")
        );
        assert_eq!(std::format!("{EFAULT}"), "EFAULT");
        assert_eq!(std::format!("{EFAULT:?}"), "EFAULT (14)");
        assert_eq!(Errno::from_ret(-14), Some(EFAULT));
        assert_eq!(Errno::from_ret(0), None);
        assert_eq!(Errno::from_ret(-4096), None);
        assert_eq!(EBADF.neg(), -9);
        assert_eq!(Errno::new(0), None);
        assert_eq!(Errno::new(4096), None);
        assert_eq!(errno_name(0), None);
        assert_eq!(errno_name(41), None);
        assert_eq!(errno_name(58), None);
        assert_eq!(errno_name(134), None);
        assert_eq!(errno_name(-14), None);
    }

    #[test]
    fn table_is_complete_and_unique() {
        let values: HashSet<i32> = ALL.iter().map(|e| e.raw()).collect();
        assert_eq!(values.len(), ALL.len());
        let expected: HashSet<i32> = (1..=133).filter(|&e| e != 41 && e != 58).collect();
        assert_eq!(values, expected);
        let names: HashSet<&str> = ALL.iter().map(|&e| e.name().unwrap()).collect();
        assert_eq!(names.len(), ALL.len());
    }
}

//! Signal numbers (with the [`signal_name`] lookup), `sigaction` flags,
//! `sigprocmask` operations and `si_code` values, as i386 Linux defines them.
//!
//! The signal numbers are x86's own (`SIGBUS` is 7, `SIGCHLD` 17), not the
//! generic ones, so they come from `arch/x86/include/uapi/asm/signal.h`. The
//! `sigaction` structure itself is [`crate::types::KSigaction`].

/// Expands `number NAME,` lines into `pub const NAME: i32` constants and the
/// [`signal_name`] lookup.
macro_rules! signals {
    ($($value:literal $name:ident,)*) => {
        $(
            #[doc = concat!("Signal ", stringify!($value), ".")]
            pub const $name: i32 = $value;
        )*

        /// The name of standard signal `n` (`"SIGSEGV"` for 11), or `None`
        /// if `n` is not one of the standard signals 1 to 31 (real-time
        /// signals have no names).
        pub const fn signal_name(n: i32) -> Option<&'static str> {
            match n {
                $($value => Some(stringify!($name)),)*
                _ => None,
            }
        }
    };
}

// arch/x86/include/uapi/asm/signal.h
signals! {
    1  SIGHUP,
    2  SIGINT,
    3  SIGQUIT,
    4  SIGILL,
    5  SIGTRAP,
    6  SIGABRT,
    7  SIGBUS,
    8  SIGFPE,
    9  SIGKILL,
    10 SIGUSR1,
    11 SIGSEGV,
    12 SIGUSR2,
    13 SIGPIPE,
    14 SIGALRM,
    15 SIGTERM,
    16 SIGSTKFLT,
    17 SIGCHLD,
    18 SIGCONT,
    19 SIGSTOP,
    20 SIGTSTP,
    21 SIGTTIN,
    22 SIGTTOU,
    23 SIGURG,
    24 SIGXCPU,
    25 SIGXFSZ,
    26 SIGVTALRM,
    27 SIGPROF,
    28 SIGWINCH,
    29 SIGIO,
    30 SIGPWR,
    31 SIGSYS,
}

/// Same as [`SIGABRT`] (`arch/x86/include/uapi/asm/signal.h`).
pub const SIGIOT: i32 = SIGABRT;
/// Same as [`SIGIO`] (`arch/x86/include/uapi/asm/signal.h`).
pub const SIGPOLL: i32 = SIGIO;
/// The first real-time signal (`arch/x86/include/uapi/asm/signal.h`).
pub const SIGRTMIN: i32 = 32;
/// The last real-time signal (`_NSIG`).
pub const SIGRTMAX: i32 = 64;
/// Number of signals the kernel supports, and bits in a signal set: `_NSIG`
/// in `arch/x86/include/asm/signal.h`. (The user-space `NSIG` of 32 in the
/// UAPI header is a legacy value that rt_* system calls do not use.)
pub const NSIG: usize = 64;
/// Size in bytes of the kernel's `sigset_t`, the `sigsetsize` argument that
/// `rt_sigaction` and `rt_sigprocmask` require.
pub const SIGSET_SIZE: usize = NSIG / 8;

// include/uapi/asm-generic/signal-defs.h: handler values for sa_handler.

/// Default action.
pub const SIG_DFL: u32 = 0;
/// Ignore the signal.
pub const SIG_IGN: u32 = 1;
/// Error return from `signal()` (`(__sighandler_t)-1`).
pub const SIG_ERR: u32 = u32::MAX;

// include/uapi/asm-generic/signal-defs.h: sigprocmask(2) operations.

/// Add the set to the blocked signals.
pub const SIG_BLOCK: u32 = 0;
/// Remove the set from the blocked signals.
pub const SIG_UNBLOCK: u32 = 1;
/// Replace the blocked signals with the set.
pub const SIG_SETMASK: u32 = 2;

// include/uapi/asm-generic/signal-defs.h and arch/x86/include/uapi/asm/signal.h
// (SA_RESTORER): sa_flags.

/// `SIGCHLD`: no notification when children stop.
pub const SA_NOCLDSTOP: u32 = 0x0000_0001;
/// `SIGCHLD`: do not turn children into zombies.
pub const SA_NOCLDWAIT: u32 = 0x0000_0002;
/// The handler takes `(sig, siginfo *, ucontext *)`.
pub const SA_SIGINFO: u32 = 0x0000_0004;
/// `sa_restorer` holds the address of the return trampoline.
pub const SA_RESTORER: u32 = 0x0400_0000;
/// Run the handler on the alternate signal stack.
pub const SA_ONSTACK: u32 = 0x0800_0000;
/// Restart interrupted system calls.
pub const SA_RESTART: u32 = 0x1000_0000;
/// Do not block the signal while its handler runs.
pub const SA_NODEFER: u32 = 0x4000_0000;
/// Reset to `SIG_DFL` when the handler is entered.
pub const SA_RESETHAND: u32 = 0x8000_0000;

// include/uapi/linux/signal.h: sigaltstack(2) ss_flags.

/// The thread is running on the alternate stack.
pub const SS_ONSTACK: u32 = 1;
/// The alternate stack is disabled.
pub const SS_DISABLE: u32 = 2;
/// Disarm the alternate stack while a handler runs on it (Linux 4.7).
pub const SS_AUTODISARM: u32 = 1 << 31;
/// The flag bits `ss_flags` may carry beside the mode (`SS_FLAG_BITS`).
pub const SS_FLAG_BITS: u32 = SS_AUTODISARM;

// arch/x86/include/uapi/asm/signal.h: alternate-stack sizes.

/// Minimum alternate-stack size.
pub const MINSIGSTKSZ: usize = 2048;
/// Recommended alternate-stack size.
pub const SIGSTKSZ: usize = 8192;

// include/uapi/asm-generic/siginfo.h: si_code values.

/// Sent by `kill` or `raise`.
pub const SI_USER: i32 = 0;
/// Sent by the kernel.
pub const SI_KERNEL: i32 = 0x80;
/// Sent by `sigqueue`.
pub const SI_QUEUE: i32 = -1;
/// Sent by `tkill` or `tgkill`.
pub const SI_TKILL: i32 = -6;
/// Sent by a POSIX timer's expiry (`timer_create`).
pub const SI_TIMER: i32 = -2;

// include/uapi/asm-generic/siginfo.h: sigevent's sigev_notify.

/// Notify by sending `sigev_signo` to the process.
pub const SIGEV_SIGNAL: i32 = 0;
/// No notification (the timer is polled with `timer_gettime`).
pub const SIGEV_NONE: i32 = 1;
/// Notify by a new thread: the C library's business; the kernel treats
/// it as `SIGEV_SIGNAL`.
pub const SIGEV_THREAD: i32 = 2;
/// With `SIGEV_SIGNAL`: send to the thread `sigev_notify_thread_id`.
pub const SIGEV_THREAD_ID: i32 = 4;
/// `SIGILL`: illegal opcode.
pub const ILL_ILLOPC: i32 = 1;
/// `SIGILL`: illegal operand.
pub const ILL_ILLOPN: i32 = 2;
/// `SIGILL`: privileged opcode.
pub const ILL_PRVOPC: i32 = 5;
/// `SIGILL`: internal stack error (a faulting `iret`).
pub const ILL_BADSTK: i32 = 8;
/// `SIGFPE`: integer divide by zero.
pub const FPE_INTDIV: i32 = 1;
/// `SIGFPE`: integer overflow.
pub const FPE_INTOVF: i32 = 2;
/// `SIGSEGV`: address not mapped.
pub const SEGV_MAPERR: i32 = 1;
/// `SIGSEGV`: access not permitted by the mapping.
pub const SEGV_ACCERR: i32 = 2;
/// `SIGBUS`: misaligned address.
pub const BUS_ADRALN: i32 = 1;
/// `SIGBUS`: no such physical address (a file mapping's page past the end
/// of the file).
pub const BUS_ADRERR: i32 = 2;
/// `SIGTRAP`: breakpoint.
pub const TRAP_BRKPT: i32 = 1;
/// `SIGTRAP`: trace trap.
pub const TRAP_TRACE: i32 = 2;
/// `SIGCHLD`: the child exited.
pub const CLD_EXITED: i32 = 1;
/// `SIGCHLD`: the child was killed.
pub const CLD_KILLED: i32 = 2;
/// `SIGCHLD`: the child was killed and dumped core.
pub const CLD_DUMPED: i32 = 3;
/// `SIGCHLD`: a traced child trapped.
pub const CLD_TRAPPED: i32 = 4;
/// `SIGCHLD`: the child stopped.
pub const CLD_STOPPED: i32 = 5;
/// `SIGCHLD`: a stopped child continued.
pub const CLD_CONTINUED: i32 = 6;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(SIGILL, 4);
        assert_eq!(SIGTRAP, 5);
        assert_eq!(SIGBUS, 7);
        assert_eq!(SIGFPE, 8);
        assert_eq!(SIGKILL, 9);
        assert_eq!(SIGSEGV, 11);
        assert_eq!(SIGCHLD, 17);
        assert_eq!(SIGSTOP, 19);
        assert_eq!(SIGSYS, 31);
        assert_eq!(SIGSET_SIZE, 8);
    }

    #[test]
    fn names() {
        assert_eq!(signal_name(SIGSEGV), Some("SIGSEGV"));
        assert_eq!(signal_name(SIGIOT), Some("SIGABRT"));
        assert_eq!(signal_name(0), None);
        assert_eq!(signal_name(SIGRTMIN), None);
        for n in 1..=31 {
            assert!(signal_name(n).is_some());
        }
    }
}

//! Options for `wait4`/`waitpid`/`waitid` and the `waitid` ID types, from
//! `include/uapi/linux/wait.h`, plus the encoding of the status word that
//! `wait4` stores.

// include/uapi/linux/wait.h: options.

/// Return at once if no child has changed state.
pub const WNOHANG: u32 = 0x0000_0001;
/// Also report stopped (untraced) children.
pub const WUNTRACED: u32 = 0x0000_0002;
/// `waitid`: report stopped children (same bit as `WUNTRACED`).
pub const WSTOPPED: u32 = WUNTRACED;
/// `waitid`: report exited children.
pub const WEXITED: u32 = 0x0000_0004;
/// Report children continued by `SIGCONT`.
pub const WCONTINUED: u32 = 0x0000_0008;
/// `waitid`: leave the child waitable (do not reap it).
pub const WNOWAIT: u32 = 0x0100_0000;
/// Do not wait for children of other threads in the group.
pub const __WNOTHREAD: u32 = 0x2000_0000;
/// Wait for all children, whatever their exit signal.
pub const __WALL: u32 = 0x4000_0000;
/// Wait only for children whose exit signal is not `SIGCHLD`.
pub const __WCLONE: u32 = 0x8000_0000;

// include/uapi/linux/wait.h: waitid(2) ID types.

/// Wait for any child.
pub const P_ALL: u32 = 0;
/// Wait for the child with the given PID.
pub const P_PID: u32 = 1;
/// Wait for any child in the given process group.
pub const P_PGID: u32 = 2;
/// Wait for the child referred to by a pidfd.
pub const P_PIDFD: u32 = 3;

// The status word, as the kernel builds it in kernel/exit.c and the C
// library's <sys/wait.h> macros take it apart.

/// Status of a child that exited with `code` (`WIFEXITED`).
pub const fn exit_status(code: u8) -> u32 {
    (code as u32) << 8
}

/// Status of a child killed by signal `sig`, with `core` if it dumped core
/// (`WIFSIGNALED`).
pub const fn signaled_status(sig: u8, core: bool) -> u32 {
    (sig as u32 & 0x7f) | if core { 0x80 } else { 0 }
}

/// Status of a child stopped by signal `sig` (`WIFSTOPPED`).
pub const fn stopped_status(sig: u8) -> u32 {
    ((sig as u32) << 8) | 0x7f
}

/// Status of a child continued by `SIGCONT` (`WIFCONTINUED`).
pub const CONTINUED_STATUS: u32 = 0xffff;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(WNOHANG, 1);
        assert_eq!(WUNTRACED, 2);
        assert_eq!(exit_status(42), 0x2a00);
        assert_eq!(signaled_status(11, true), 0x8b);
        assert_eq!(stopped_status(19), 0x137f);
    }
}

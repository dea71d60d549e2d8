//! `clone` flags (`include/uapi/linux/sched.h`). The low byte of `clone`'s
//! flags is the signal the child sends its parent at exit (`CSIGNAL`).

/// The exit signal's bits.
pub const CSIGNAL: u32 = 0x0000_00ff;
/// Share the address space (threads, `vfork`).
pub const CLONE_VM: u32 = 0x0000_0100;
/// Share the working directory and umask.
pub const CLONE_FS: u32 = 0x0000_0200;
/// Share the file-descriptor table.
pub const CLONE_FILES: u32 = 0x0000_0400;
/// Share the signal handlers.
pub const CLONE_SIGHAND: u32 = 0x0000_0800;
/// Put a pidfd in `parent_tid`.
pub const CLONE_PIDFD: u32 = 0x0000_1000;
/// Let the tracer trace the child too.
pub const CLONE_PTRACE: u32 = 0x0000_2000;
/// The parent sleeps until the child execs or exits.
pub const CLONE_VFORK: u32 = 0x0000_4000;
/// The child's parent is the caller's parent.
pub const CLONE_PARENT: u32 = 0x0000_8000;
/// Same thread group: a thread.
pub const CLONE_THREAD: u32 = 0x0001_0000;
/// New mount namespace.
pub const CLONE_NEWNS: u32 = 0x0002_0000;
/// Share System V semaphore undo lists.
pub const CLONE_SYSVSEM: u32 = 0x0004_0000;
/// Set the TLS descriptor (a `user_desc *` on i386).
pub const CLONE_SETTLS: u32 = 0x0008_0000;
/// Store the child's tid at `parent_tid` in the parent.
pub const CLONE_PARENT_SETTID: u32 = 0x0010_0000;
/// Clear (and futex-wake) `child_tid` when the child exits.
pub const CLONE_CHILD_CLEARTID: u32 = 0x0020_0000;
/// Store the child's tid at `child_tid` in the child.
pub const CLONE_CHILD_SETTID: u32 = 0x0100_0000;

flags! {
    /// `clone`'s flags argument (the exit signal shows as the hex rest).
    pub struct CloneFlags {
        CLONE_VM, CLONE_FS, CLONE_FILES, CLONE_SIGHAND, CLONE_PIDFD, CLONE_PTRACE, CLONE_VFORK,
        CLONE_PARENT, CLONE_THREAD, CLONE_NEWNS, CLONE_SYSVSEM, CLONE_SETTLS,
        CLONE_PARENT_SETTID, CLONE_CHILD_CLEARTID, CLONE_CHILD_SETTID,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fcntl::*;
    use crate::mman::*;
    use std::format;

    #[test]
    fn flags_print_as_strace_does() {
        assert_eq!(format!("{}", OpenFlags(O_RDONLY)), "O_RDONLY");
        assert_eq!(
            format!("{}", OpenFlags(O_WRONLY | O_CREAT | O_CLOEXEC)),
            "O_WRONLY|O_CREAT|O_CLOEXEC"
        );
        assert_eq!(format!("{}", OpenFlags(O_CLOEXEC)), "O_RDONLY|O_CLOEXEC");
        assert_eq!(format!("{}", ProtFlags(PROT_NONE)), "PROT_NONE");
        assert_eq!(
            format!("{}", ProtFlags(PROT_READ | PROT_WRITE)),
            "PROT_READ|PROT_WRITE"
        );
        assert_eq!(
            format!("{}", MapFlags(MAP_PRIVATE | MAP_ANONYMOUS)),
            "MAP_PRIVATE|MAP_ANONYMOUS"
        );
        assert_eq!(format!("{}", AtFlags(0)), "0x0");
        assert_eq!(format!("{}", CloneFlags(CLONE_VM | 17)), "CLONE_VM|0x11");
        assert_eq!(format!("{}", OpenFlags(0x8000_0000)), "O_RDONLY|0x80000000");
    }
}

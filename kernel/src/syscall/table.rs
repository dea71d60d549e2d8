//! `SYS_CALL_TABLE`: the handler for each Linux i386 system-call number,
//! one line per implemented call; every other slot is `sys_ni_syscall`.
//! The numbers come from the shared `abi` crate (Linux's `syscall_32.tbl`).
//! The second column tells the tracer how to print the arguments:
//! `d` signed, `u` unsigned, `x` hex/pointer, `s` user string.

use super::args::{SysResult, SyscallContext};
use super::{file, fs, info, mem, proc, signal, time};
use abi::errno::ENOSYS;
use abi::syscalls::*;

pub type SyscallFn = fn(&mut SyscallContext) -> SysResult;

/// A table slot.
pub struct SyscallEntry {
    pub handler: SyscallFn,
    pub args: &'static str,
}

/// Not implemented: `-ENOSYS`, and the process carries on.
pub fn sys_ni_syscall(_: &mut SyscallContext) -> SysResult {
    Err(ENOSYS)
}

const NI: SyscallEntry = SyscallEntry {
    handler: sys_ni_syscall,
    args: "xxxxxx",
};

pub static SYS_CALL_TABLE: [SyscallEntry; NR_SYSCALLS] = {
    let mut t = [NI; NR_SYSCALLS];
    macro_rules! sys {
        ($nr:expr, $handler:path, $args:literal) => {
            t[$nr] = SyscallEntry {
                handler: $handler,
                args: $args,
            };
        };
    }
    sys!(NR_EXIT, proc::sys_exit, "d");
    sys!(NR_FORK, proc::sys_fork, "");
    sys!(NR_READ, file::sys_read, "dxu");
    sys!(NR_WRITE, file::sys_write, "dxu");
    sys!(NR_OPEN, file::sys_open, "sxx");
    sys!(NR_CLOSE, file::sys_close, "d");
    sys!(NR_WAITPID, proc::sys_waitpid, "dxx");
    sys!(NR_EXECVE, proc::sys_execve, "sxx");
    sys!(NR_CHDIR, file::sys_chdir, "s");
    sys!(NR_TIME, time::sys_time, "x");
    sys!(NR_GETPID, proc::sys_getpid, "");
    sys!(NR_GETUID, proc::sys_getuid, "");
    sys!(NR_ACCESS, file::sys_access, "sx");
    sys!(NR_KILL, signal::sys_kill, "dd");
    sys!(NR_DUP, file::sys_dup, "d");
    sys!(NR_BRK, mem::sys_brk, "x");
    sys!(NR_GETGID, proc::sys_getuid, "");
    sys!(NR_GETEUID, proc::sys_getuid, "");
    sys!(NR_GETEGID, proc::sys_getuid, "");
    sys!(NR_IOCTL, file::sys_ioctl, "dxx");
    sys!(NR_DUP2, file::sys_dup2, "dd");
    sys!(NR_GETPPID, proc::sys_getppid, "");
    sys!(NR_GETTIMEOFDAY, time::sys_gettimeofday, "xx");
    sys!(NR_REBOOT, info::sys_reboot, "xxxx");
    sys!(NR_MUNMAP, mem::sys_munmap, "xu");
    sys!(NR_PERSONALITY, info::sys_personality, "x");
    sys!(NR_WAIT4, proc::sys_wait4, "dxxx");
    sys!(NR_UNAME, info::sys_uname, "x");
    sys!(NR_MPROTECT, mem::sys_mprotect, "xux");
    sys!(NR__LLSEEK, fs::sys_llseek, "duuxd");
    sys!(NR_READV, file::sys_readv, "dxd");
    sys!(NR_WRITEV, file::sys_writev, "dxd");
    sys!(NR_NANOSLEEP, time::sys_nanosleep, "xx");
    sys!(NR_PRCTL, info::sys_prctl, "dxxxx");
    sys!(NR_RT_SIGACTION, signal::sys_rt_sigaction, "dxxu");
    sys!(NR_RT_SIGPROCMASK, signal::sys_rt_sigprocmask, "dxxu");
    sys!(NR_GETCWD, file::sys_getcwd, "xu");
    sys!(NR_SIGALTSTACK, signal::sys_sigaltstack, "xx");
    sys!(NR_VFORK, proc::sys_fork, "");
    sys!(NR_MMAP2, mem::sys_mmap2, "xuxxdx");
    sys!(NR_GETUID32, proc::sys_getuid, "");
    sys!(NR_GETGID32, proc::sys_getuid, "");
    sys!(NR_GETEUID32, proc::sys_getuid, "");
    sys!(NR_GETEGID32, proc::sys_getuid, "");
    sys!(NR_GETTID, proc::sys_getpid, "");
    sys!(NR_SET_THREAD_AREA, proc::sys_set_thread_area, "x");
    sys!(NR_EXIT_GROUP, proc::sys_exit, "d");
    sys!(NR_SET_TID_ADDRESS, proc::sys_set_tid_address, "x");
    sys!(NR_CLOCK_GETTIME, time::sys_clock_gettime, "dx");
    sys!(NR_TGKILL, signal::sys_tgkill, "ddd");
    sys!(NR_OPENAT, file::sys_openat, "dsxx");
    sys!(NR_CLOCK_GETTIME64, time::sys_clock_gettime64, "dx");
    sys!(NR_PIPE, file::sys_pipe, "x");
    sys!(NR_PIPE2, file::sys_pipe2, "xx");
    sys!(NR_POLL, file::sys_poll, "xud");
    sys!(NR_CLONE, proc::sys_clone, "xxxxx");
    sys!(NR_CLOCK_NANOSLEEP, time::sys_clock_nanosleep, "dxxx");
    sys!(
        NR_CLOCK_NANOSLEEP_TIME64,
        time::sys_clock_nanosleep_time64,
        "dxxx"
    );
    sys!(NR_SET_ROBUST_LIST, proc::sys_set_robust_list, "xu");
    sys!(NR_SCHED_YIELD, proc::sys_sched_yield, "");
    sys!(NR_SCHED_GETAFFINITY, proc::sys_sched_getaffinity, "dux");
    sys!(NR_GETPGRP, proc::sys_getpgrp, "");
    sys!(NR_GETPGID, proc::sys_getpgrp, "d");
    sys!(NR_GETSID, proc::sys_getpgrp, "d");
    sys!(NR_SETSID, proc::sys_getpgrp, "");
    sys!(NR_SETPGID, proc::sys_setpgid, "dd");
    sys!(NR_GETGROUPS, proc::sys_getgroups, "dx");
    sys!(NR_GETGROUPS32, proc::sys_getgroups, "dx");
    sys!(NR_UMASK, proc::sys_umask, "x");
    sys!(NR_GETRLIMIT, info::sys_getrlimit, "dx");
    sys!(NR_UGETRLIMIT, info::sys_getrlimit, "dx");
    sys!(NR_SETRLIMIT, info::sys_setrlimit, "dx");
    sys!(NR_PRLIMIT64, info::sys_prlimit64, "ddxx");
    sys!(NR_GETRANDOM, info::sys_getrandom, "xux");
    sys!(NR_SYSINFO, info::sys_sysinfo, "x");
    sys!(NR_RT_SIGPENDING, signal::sys_rt_sigpending, "xu");
    sys!(NR_TKILL, signal::sys_tkill, "dd");
    sys!(NR_SIGRETURN, signal::sys_sigreturn, "");
    sys!(NR_LSEEK, fs::sys_lseek, "ddd");
    sys!(NR_FCNTL, fs::sys_fcntl, "ddx");
    sys!(NR_READLINK, fs::sys_readlink, "sxd");
    sys!(NR_GETDENTS, fs::sys_getdents, "dxu");
    sys!(NR_STAT64, fs::sys_stat64, "sx");
    sys!(NR_LSTAT64, fs::sys_lstat64, "sx");
    sys!(NR_FSTAT64, fs::sys_fstat64, "dx");
    sys!(NR_GETDENTS64, fs::sys_getdents64, "dxu");
    sys!(NR_FCNTL64, fs::sys_fcntl64, "ddx");
    sys!(NR_FSTATAT64, fs::sys_fstatat64, "dsxx");
    sys!(NR_READLINKAT, fs::sys_readlinkat, "dsxd");
    sys!(NR_FACCESSAT, fs::sys_faccessat, "dsx");
    sys!(NR_DUP3, fs::sys_dup3, "ddx");
    sys!(NR_STATX, fs::sys_statx, "dsxxx");
    sys!(NR_FACCESSAT2, fs::sys_faccessat2, "dsxx");
    sys!(NR_RT_SIGRETURN, signal::sys_rt_sigreturn, "");
    t
};

//! `SYS_CALL_TABLE`: the handler for each Linux i386 system-call number,
//! one line per implemented call (Linux's `syscall_32.tbl`); every other
//! slot is `sys_ni_syscall`. The numbers come from the shared `abi` crate.
//!
//! A line names only the number and the handler: the handler's typed
//! signature is its declaration, and [`Handler`] derives from it both the
//! entry's argument decoding and its `strace` format.

use super::args::{Handler, SysResult, SyscallContext, encode};
use super::{cred, info, ipc, mem, proc, ptrace, sched, signal, time};
use crate::arch::x86::common::EntryPath;
use crate::arch::x86::ptregs::PtRegs;
use crate::fs::{
    fcntl, ioctl, namei, namespace, open, pipe, read_write, readdir, select, stat, statfs, sync,
    utimes, xattr,
};
use abi::errno::ENOSYS;
use abi::syscalls::*;
use alloc::string::String;

/// A table slot's call: decode the registers, run the handler, and return
/// the EAX value (`-errno` on failure). `fastcall` (frame in ECX, path in
/// EDX) because `dispatch` calls it on every system call.
pub type SyscallFn = extern "fastcall" fn(&mut PtRegs, EntryPath) -> u32;

/// A table slot: the decoding call and the trace formatter, both
/// generated from one handler.
pub struct SyscallEntry {
    pub call: SyscallFn,
    pub trace: fn(&[u32; 6], &mut String),
    /// The handler as the table line names it (for `pathtrace`).
    pub name: &'static str,
}

/// Not implemented: `-ENOSYS`, and the process carries on. Declared with
/// three words so that strace shows the first three registers in hex.
pub fn sys_ni_syscall(_: u32, _: u32, _: u32) -> SysResult {
    Err(ENOSYS)
}

/// The table entry for `handler`: a function made for it alone, so the
/// handler, its decoding and the `-errno` encoding inline into one body
/// (for `getpid`, a load and a return).
macro_rules! entry {
    ($handler:path) => {
        SyscallEntry {
            call: {
                extern "fastcall" fn call(regs: &mut PtRegs, path: EntryPath) -> u32 {
                    encode(Handler::call(&$handler, &mut SyscallContext { regs, path }))
                }
                call
            },
            trace: |raw, out| Handler::trace(&$handler, raw, out),
            name: stringify!($handler),
        }
    };
}

/// Every slot without a handler.
pub const NI: SyscallEntry = entry!(sys_ni_syscall);

pub static SYS_CALL_TABLE: [SyscallEntry; NR_SYSCALLS] = {
    let mut t = [NI; NR_SYSCALLS];
    macro_rules! sys {
        ($nr:expr, $handler:path) => {
            t[$nr] = entry!($handler);
        };
    }
    sys!(NR_EXIT, proc::sys_exit);
    sys!(NR_FORK, proc::sys_fork);
    sys!(NR_READ, read_write::sys_read);
    sys!(NR_WRITE, read_write::sys_write);
    sys!(NR_OPEN, open::sys_open);
    sys!(NR_CLOSE, open::sys_close);
    sys!(NR_WAITPID, proc::sys_waitpid);
    sys!(NR_EXECVE, proc::sys_execve);
    sys!(NR_CHDIR, open::sys_chdir);
    sys!(NR_TIME, time::sys_time);
    sys!(NR_GETPID, proc::sys_getpid);
    sys!(NR_MOUNT, namespace::sys_mount);
    sys!(NR_UMOUNT, namespace::sys_umount);
    sys!(NR_SETUID, cred::sys_setuid16);
    sys!(NR_GETUID, cred::sys_getuid16);
    sys!(NR_ACCESS, open::sys_access);
    sys!(NR_KILL, signal::sys_kill);
    sys!(NR_DUP, fcntl::sys_dup);
    sys!(NR_BRK, mem::sys_brk);
    sys!(NR_UMOUNT2, namespace::sys_umount2);
    sys!(NR_SETGID, cred::sys_setgid16);
    sys!(NR_GETGID, cred::sys_getgid16);
    sys!(NR_GETEUID, cred::sys_geteuid16);
    sys!(NR_GETEGID, cred::sys_getegid16);
    sys!(NR_SETREUID, cred::sys_setreuid16);
    sys!(NR_SETREGID, cred::sys_setregid16);
    sys!(NR_GETGROUPS, cred::sys_getgroups16);
    sys!(NR_SETGROUPS, cred::sys_setgroups16);
    sys!(NR_SETFSUID, cred::sys_setfsuid16);
    sys!(NR_SETFSGID, cred::sys_setfsgid16);
    sys!(NR_IOCTL, ioctl::sys_ioctl);
    sys!(NR_DUP2, fcntl::sys_dup2);
    sys!(NR_GETPPID, proc::sys_getppid);
    sys!(NR_GETTIMEOFDAY, time::sys_gettimeofday);
    sys!(NR_REBOOT, info::sys_reboot);
    sys!(NR_MUNMAP, mem::sys_munmap);
    sys!(NR_PERSONALITY, info::sys_personality);
    sys!(NR_WAIT4, proc::sys_wait4);
    sys!(NR_UNAME, info::sys_uname);
    sys!(NR_SETHOSTNAME, info::sys_sethostname);
    sys!(NR_SETDOMAINNAME, info::sys_setdomainname);
    sys!(NR_MPROTECT, mem::sys_mprotect);
    sys!(NR__LLSEEK, read_write::sys_llseek);
    sys!(NR_READV, read_write::sys_readv);
    sys!(NR_WRITEV, read_write::sys_writev);
    sys!(NR_NANOSLEEP, time::sys_nanosleep);
    sys!(NR_PRCTL, info::sys_prctl);
    sys!(NR_RT_SIGACTION, signal::sys_rt_sigaction);
    sys!(NR_SIGACTION, signal::sys_sigaction);
    sys!(NR_SIGNAL, signal::sys_signal);
    sys!(NR_SIGPROCMASK, signal::sys_sigprocmask);
    sys!(NR_SIGPENDING, signal::sys_sigpending);
    sys!(NR_RT_SIGPROCMASK, signal::sys_rt_sigprocmask);
    sys!(NR_GETCWD, open::sys_getcwd);
    sys!(NR_SIGALTSTACK, signal::sys_sigaltstack);
    sys!(NR_VFORK, proc::sys_vfork);
    sys!(NR_MMAP2, mem::sys_mmap2);
    sys!(NR_MSYNC, mem::sys_msync);
    sys!(NR_IPC, ipc::sys_ipc);
    sys!(NR_SHMGET, ipc::sys_shmget);
    sys!(NR_SHMCTL, ipc::sys_shmctl);
    sys!(NR_SHMAT, ipc::sys_shmat);
    sys!(NR_SHMDT, ipc::sys_shmdt);
    sys!(NR_MREMAP, mem::sys_mremap);
    sys!(NR_MADVISE, mem::sys_madvise);
    sys!(NR_MINCORE, mem::sys_mincore);
    sys!(NR_MLOCK, mem::sys_mlock);
    sys!(NR_MUNLOCK, mem::sys_munlock);
    sys!(NR_MLOCKALL, mem::sys_mlockall);
    sys!(NR_MUNLOCKALL, mem::sys_munlockall);
    sys!(NR_MLOCK2, mem::sys_mlock2);
    sys!(NR_GETUID32, cred::sys_getuid);
    sys!(NR_GETGID32, cred::sys_getgid);
    sys!(NR_GETEUID32, cred::sys_geteuid);
    sys!(NR_GETEGID32, cred::sys_getegid);
    sys!(NR_SETREUID32, cred::sys_setreuid);
    sys!(NR_SETREGID32, cred::sys_setregid);
    sys!(NR_GETGROUPS32, cred::sys_getgroups);
    sys!(NR_SETGROUPS32, cred::sys_setgroups);
    sys!(NR_SETRESUID32, cred::sys_setresuid);
    sys!(NR_GETRESUID32, cred::sys_getresuid);
    sys!(NR_SETRESGID32, cred::sys_setresgid);
    sys!(NR_GETRESGID32, cred::sys_getresgid);
    sys!(NR_SETUID32, cred::sys_setuid);
    sys!(NR_SETGID32, cred::sys_setgid);
    sys!(NR_SETFSUID32, cred::sys_setfsuid);
    sys!(NR_SETFSGID32, cred::sys_setfsgid);
    sys!(NR_SETRESUID, cred::sys_setresuid16);
    sys!(NR_GETRESUID, cred::sys_getresuid16);
    sys!(NR_SETRESGID, cred::sys_setresgid16);
    sys!(NR_GETRESGID, cred::sys_getresgid16);
    sys!(NR_GETTID, proc::sys_gettid);
    sys!(NR_SET_THREAD_AREA, proc::sys_set_thread_area);
    sys!(NR_GET_THREAD_AREA, proc::sys_get_thread_area);
    sys!(NR_MODIFY_LDT, crate::arch::x86::ldt::sys_modify_ldt);
    sys!(NR_EXIT_GROUP, proc::sys_exit_group);
    sys!(NR_SET_TID_ADDRESS, proc::sys_set_tid_address);
    sys!(NR_CLOCK_GETTIME, time::sys_clock_gettime);
    sys!(NR_TGKILL, signal::sys_tgkill);
    sys!(NR_OPENAT, open::sys_openat);
    sys!(NR_CLOCK_GETTIME64, time::sys_clock_gettime64);
    sys!(NR_CLOCK_GETRES, time::sys_clock_getres);
    sys!(NR_SETITIMER, time::sys_setitimer);
    sys!(NR_TIMER_CREATE, time::sys_timer_create);
    sys!(NR_TIMER_SETTIME, time::sys_timer_settime);
    sys!(NR_TIMER_GETTIME, time::sys_timer_gettime);
    sys!(NR_TIMER_GETOVERRUN, time::sys_timer_getoverrun);
    sys!(NR_TIMER_DELETE, time::sys_timer_delete);
    sys!(NR_TIMER_SETTIME64, time::sys_timer_settime64);
    sys!(NR_TIMER_GETTIME64, time::sys_timer_gettime64);
    sys!(NR_GETITIMER, time::sys_getitimer);
    sys!(NR_ALARM, time::sys_alarm);
    sys!(NR_CLOCK_GETRES_TIME64, time::sys_clock_getres_time64);
    sys!(NR_PIPE, pipe::sys_pipe);
    sys!(NR_PIPE2, pipe::sys_pipe2);
    sys!(NR_POLL, select::sys_poll);
    sys!(NR_CLONE, proc::sys_clone);
    sys!(NR_CLONE3, proc::sys_clone3);
    sys!(NR_CLOCK_NANOSLEEP, time::sys_clock_nanosleep);
    sys!(NR_CLOCK_NANOSLEEP_TIME64, time::sys_clock_nanosleep_time64);
    sys!(NR_SET_ROBUST_LIST, proc::sys_set_robust_list);
    sys!(NR_GET_ROBUST_LIST, proc::sys_get_robust_list);
    sys!(NR_FUTEX, proc::sys_futex);
    sys!(NR_FUTEX_TIME64, proc::sys_futex_time64);
    sys!(NR_SCHED_YIELD, sched::sys_sched_yield);
    sys!(NR_SCHED_GETAFFINITY, sched::sys_sched_getaffinity);
    sys!(NR_SCHED_SETAFFINITY, sched::sys_sched_setaffinity);
    sys!(NR_GETCPU, sched::sys_getcpu);
    sys!(NR_IOPERM, crate::arch::x86::ioport::sys_ioperm);
    sys!(NR_IOPL, crate::arch::x86::ioport::sys_iopl);
    sys!(NR_GETPGRP, proc::sys_getpgrp);
    sys!(NR_GETPGID, proc::sys_getpgid);
    sys!(NR_GETSID, proc::sys_getsid);
    sys!(NR_SETSID, proc::sys_setsid);
    sys!(NR_SETPGID, proc::sys_setpgid);
    sys!(NR_WAITID, proc::sys_waitid);
    sys!(NR_RESTART_SYSCALL, signal::sys_restart_syscall);
    sys!(NR_PAUSE, signal::sys_pause);
    sys!(NR_PTRACE, ptrace::sys_ptrace);
    sys!(NR_SIGSUSPEND, signal::sys_sigsuspend);
    sys!(NR_RT_SIGSUSPEND, signal::sys_rt_sigsuspend);
    sys!(NR_RT_SIGQUEUEINFO, signal::sys_rt_sigqueueinfo);
    sys!(NR_RT_TGSIGQUEUEINFO, signal::sys_rt_tgsigqueueinfo);
    sys!(NR_RT_SIGTIMEDWAIT, signal::sys_rt_sigtimedwait);
    sys!(
        NR_RT_SIGTIMEDWAIT_TIME64,
        signal::sys_rt_sigtimedwait_time64
    );
    sys!(NR_UMASK, open::sys_umask);
    sys!(NR_GETRLIMIT, info::sys_old_getrlimit);
    sys!(NR_UGETRLIMIT, info::sys_ugetrlimit);
    sys!(NR_SETRLIMIT, info::sys_setrlimit);
    sys!(NR_PRLIMIT64, info::sys_prlimit64);
    sys!(NR_GETRANDOM, info::sys_getrandom);
    sys!(NR_SYSINFO, info::sys_sysinfo);
    sys!(NR_GETRUSAGE, info::sys_getrusage);
    sys!(NR_TIMES, info::sys_times);
    sys!(NR_RT_SIGPENDING, signal::sys_rt_sigpending);
    sys!(NR_TKILL, signal::sys_tkill);
    sys!(NR_SIGRETURN, signal::sys_sigreturn);
    sys!(NR_LSEEK, read_write::sys_lseek);
    sys!(NR_FCNTL, fcntl::sys_fcntl);
    sys!(NR_READLINK, stat::sys_readlink);
    sys!(NR_GETDENTS, readdir::sys_getdents);
    sys!(NR_STAT64, stat::sys_stat64);
    sys!(NR_LSTAT64, stat::sys_lstat64);
    sys!(NR_FSTAT64, stat::sys_fstat64);
    sys!(NR_GETDENTS64, readdir::sys_getdents64);
    sys!(NR_FCNTL64, fcntl::sys_fcntl64);
    sys!(NR_FSTATAT64, stat::sys_fstatat64);
    sys!(NR_READLINKAT, stat::sys_readlinkat);
    sys!(NR_FACCESSAT, open::sys_faccessat);
    sys!(NR_DUP3, fcntl::sys_dup3);
    sys!(NR_STATX, stat::sys_statx);
    sys!(NR_FACCESSAT2, open::sys_faccessat2);
    sys!(NR_RT_SIGRETURN, signal::sys_rt_sigreturn);
    // Files (fs/): names, attributes, times, sizes.
    sys!(NR_CREAT, open::sys_creat);
    sys!(NR_LINK, namei::sys_link);
    sys!(NR_UNLINK, namei::sys_unlink);
    sys!(NR_MKNOD, namei::sys_mknod);
    sys!(NR_CHMOD, open::sys_chmod);
    sys!(NR_LCHOWN, open::sys_lchown16);
    sys!(NR_UTIME, utimes::sys_utime);
    sys!(NR_SYNC, sync::sys_sync);
    sys!(NR_RENAME, namei::sys_rename);
    sys!(NR_MKDIR, namei::sys_mkdir);
    sys!(NR_RMDIR, namei::sys_rmdir);
    sys!(NR_CHROOT, open::sys_chroot);
    sys!(NR_SYMLINK, namei::sys_symlink);
    sys!(NR_TRUNCATE, open::sys_truncate);
    sys!(NR_FTRUNCATE, open::sys_ftruncate);
    sys!(NR_FCHMOD, open::sys_fchmod);
    sys!(NR_FCHOWN, open::sys_fchown16);
    sys!(NR_STATFS, statfs::sys_statfs);
    sys!(NR_FSTATFS, statfs::sys_fstatfs);
    sys!(NR_FSYNC, sync::sys_fsync);
    sys!(NR_FCHDIR, open::sys_fchdir);
    sys!(NR_FDATASYNC, sync::sys_fdatasync);
    sys!(NR_PREAD64, read_write::sys_pread64);
    sys!(NR_PWRITE64, read_write::sys_pwrite64);
    sys!(NR_CHOWN, open::sys_chown16);
    sys!(NR_SENDFILE, read_write::sys_sendfile);
    sys!(NR_TRUNCATE64, open::sys_truncate64);
    sys!(NR_FTRUNCATE64, open::sys_ftruncate64);
    sys!(NR_LCHOWN32, open::sys_lchown32);
    sys!(NR_FCHOWN32, open::sys_fchown32);
    sys!(NR_CHOWN32, open::sys_chown32);
    sys!(NR_SENDFILE64, read_write::sys_sendfile64);
    sys!(NR_STATFS64, statfs::sys_statfs64);
    sys!(NR_FSTATFS64, statfs::sys_fstatfs64);
    sys!(NR_UTIMES, utimes::sys_utimes);
    sys!(NR_MKDIRAT, namei::sys_mkdirat);
    sys!(NR_MKNODAT, namei::sys_mknodat);
    sys!(NR_FCHOWNAT, open::sys_fchownat);
    sys!(NR_FUTIMESAT, utimes::sys_futimesat);
    sys!(NR_UNLINKAT, namei::sys_unlinkat);
    sys!(NR_RENAMEAT, namei::sys_renameat);
    sys!(NR_LINKAT, namei::sys_linkat);
    sys!(NR_SYMLINKAT, namei::sys_symlinkat);
    sys!(NR_FCHMODAT, open::sys_fchmodat);
    sys!(NR_UTIMENSAT, utimes::sys_utimensat);
    sys!(NR_FALLOCATE, open::sys_fallocate);
    sys!(NR_PREADV, read_write::sys_preadv);
    sys!(NR_PWRITEV, read_write::sys_pwritev);
    sys!(NR_SYNCFS, sync::sys_syncfs);
    sys!(NR_RENAMEAT2, namei::sys_renameat2);
    sys!(NR_UTIMENSAT_TIME64, utimes::sys_utimensat_time64);
    sys!(NR_FLOCK, fcntl::sys_flock);
    sys!(NR_SELECT, select::sys_old_select);
    sys!(NR__NEWSELECT, select::sys_newselect);
    sys!(NR_PSELECT6, select::sys_pselect6);
    sys!(NR_FADVISE64, mem::sys_fadvise64);
    sys!(NR_FADVISE64_64, mem::sys_fadvise64_64);
    sys!(NR_SETXATTR, xattr::sys_setxattr);
    sys!(NR_LSETXATTR, xattr::sys_lsetxattr);
    sys!(NR_FSETXATTR, xattr::sys_fsetxattr);
    sys!(NR_GETXATTR, xattr::sys_getxattr);
    sys!(NR_LGETXATTR, xattr::sys_lgetxattr);
    sys!(NR_FGETXATTR, xattr::sys_fgetxattr);
    sys!(NR_LISTXATTR, xattr::sys_listxattr);
    sys!(NR_LLISTXATTR, xattr::sys_llistxattr);
    sys!(NR_FLISTXATTR, xattr::sys_flistxattr);
    sys!(NR_REMOVEXATTR, xattr::sys_removexattr);
    sys!(NR_LREMOVEXATTR, xattr::sys_lremovexattr);
    sys!(NR_FREMOVEXATTR, xattr::sys_fremovexattr);
    sys!(NR_PSELECT6_TIME64, select::sys_pselect6_time64);
    sys!(NR_PPOLL, select::sys_ppoll);
    sys!(NR_PPOLL_TIME64, select::sys_ppoll_time64);
    t
};

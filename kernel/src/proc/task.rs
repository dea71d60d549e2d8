//! A task (a thread; a process is a group of them, `proc/thread.rs`): its
//! kernel stack, saved context, address space, open files, credentials,
//! FPU state and thread-local-storage descriptors.

use super::thread::{FsStruct, Shared, ThreadGroup};
use crate::arch::x86::fpu::FpuState;
use crate::arch::x86::gdt::GDT_ENTRY_TLS_ENTRIES;
use crate::arch::x86::ptregs::PtRegs;
use crate::arch::x86::switch::pt_regs_at;
use crate::fs::file::FdTable;
use crate::mm::MmRef;
use crate::mm::vmap::KernelStack;
use abi::signal::NSIG;
use abi::types::KSigaction;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;

pub type Pid = u32;

/// Why a task sleeps.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitChannel {
    /// Console input.
    TtyInput,
    /// One of its children changing state.
    Child,
    /// The next timer tick (`poll` timeouts, `VTIME`: they look again).
    Timer,
    /// The monotonic clock reaching this many ns (`nanosleep`): woken by
    /// the first tick at or past it, asleep (`S` in `ps`) until then, as
    /// Linux's hrtimer sleeps are.
    Until(u64),
    /// Data or room in a pipe (by id).
    Pipe(u32),
    /// A file lock going away (`fs/locks.rs`).
    Lock,
    /// Only a signal (`pause`, `sigsuspend`): nothing calls `wake` for it.
    Signal,
    /// A futex word (`proc/futex.rs` wakes the task by tid).
    Futex,
    /// A `vfork` child to exec or exit (woken by tid of the parent).
    Vfork,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskState {
    Runnable,
    Sleeping(WaitChannel),
    /// Stopped by a stop signal (Linux's `TASK_STOPPED`): not run until
    /// `SIGCONT` (or a fatal signal) wakes it (`proc/jobctl.rs`).
    Stopped,
    /// Stopped for its tracer (Linux's `TASK_TRACED`, `proc/ptrace.rs`):
    /// only the tracer's resume or `SIGKILL` wakes it, never `SIGCONT`.
    Traced,
    /// Exited; holds the wait status (`exit_code << 8` or the signal).
    Zombie(u32),
}

/// Job-control state a parent's `wait` and `SIGCHLD` report (Linux keeps
/// it in `signal_struct`: the `SIGNAL_STOP_*`/`SIGNAL_CLD_*` flags and
/// `group_exit_code`; one thread per process here).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct JobCtl {
    /// `SIGNAL_STOP_STOPPED`: stopped by a stop signal, not yet continued.
    pub stopped: bool,
    /// `group_exit_code`: the signal that stopped it, until a `WUNTRACED`
    /// wait reports the stop (then 0: a stop is reported once).
    pub code: u8,
    /// `SIGNAL_STOP_CONTINUED`: continued, and no `WCONTINUED` wait has
    /// reported it yet.
    pub continued: bool,
    /// `SIGNAL_CLD_CONTINUED`: continued, and its parent has not yet been
    /// sent `SIGCHLD` with `CLD_CONTINUED` (the task sends it itself when
    /// it runs again, as Linux's `get_signal` does).
    pub notify_continued: bool,
}

/// What `restart_syscall` (0) resumes after an interrupted call that
/// returned `ERESTART_RESTARTBLOCK` (Linux's `struct restart_block`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RestartBlock {
    /// A relative sleep: the monotonic deadline it sleeps to, and where to
    /// write the time left if a handler interrupts it again.
    Nanosleep {
        deadline_ns: u64,
        rem: usize,
        time64: bool,
    },
    /// A timed futex wait (`proc/futex.rs`), to the same deadline.
    Futex {
        uaddr: usize,
        val: u32,
        bitset: u32,
        shared: bool,
        deadline_ns: u64,
    },
}

/// The alternate signal stack (`sigaltstack`; Linux's `sas_ss_sp`,
/// `sas_ss_size`, `sas_ss_flags`): size 0 when there is none.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct AltStack {
    pub sp: usize,
    pub size: usize,
    /// `SS_AUTODISARM` or 0.
    pub flags: u32,
}

pub struct Task {
    /// Its own id (the tid; `gettid`).
    pub pid: Pid,
    /// Its thread group's id: the leader's tid (`getpid`).
    pub tgid: Pid,
    /// The parent process (a tgid). For a thread, its group's parent at
    /// the time it was made: `getppid` asks the leader.
    pub ppid: Pid,
    /// Its process group and session (Linux's `PIDTYPE_PGID` and
    /// `PIDTYPE_SID`): inherited at `fork`, changed by `setpgid` and
    /// `setsid` only through [`super::pid::TaskTable`], which keeps each
    /// group's and session's member list (`pgrp_link`, `session_link`).
    pub pgid: Pid,
    pub sid: Pid,
    pub pgrp_link: super::pid::Link,
    pub session_link: super::pid::Link,
    /// Forked and has not called `execve` yet (Linux's `PF_FORKNOEXEC`):
    /// its parent may still move it to another process group.
    pub forknoexec: bool,
    /// Its controlling terminal is the console (Linux's `signal->tty`;
    /// there is one terminal). Inherited at `fork`; `setsid` and the
    /// session leader's exit clear it (`fs/tty.rs`).
    pub ctty: bool,
    /// The program name (Linux's `comm`), for fault reports and tracing.
    pub comm: String,
    pub state: TaskState,
    pub kstack: KernelStack,
    /// Kernel stack pointer saved by `switch_to`.
    pub saved_sp: usize,
    /// The address space (`None` only for a task that has exited).
    pub mm: Option<MmRef>,
    /// Its descriptor table (shared with `CLONE_FILES`).
    pub files: Shared<FdTable>,
    pub fpu: Box<FpuState>,
    /// The ports `ioperm` allowed (a bitmap, 1 = denied) and the `iopl`
    /// level (`arch/x86/ioport.rs`), loaded into the TSS on every switch.
    pub io_bitmap: Option<alloc::vec::Vec<u8>>,
    pub iopl: u8,
    /// This task's GDT TLS slots (`set_thread_area`).
    pub tls: [u64; GDT_ENTRY_TLS_ENTRIES],
    /// `set_tid_address`: cleared (and futex-woken) at exit.
    pub clear_child_tid: usize,
    /// `set_robust_list`: the head of its robust futex list, walked at exit.
    pub robust_list: usize,
    /// The working directory, the root and the file-creation mask
    /// (Linux's `fs_struct`; shared with `CLONE_FS`).
    pub fs: Shared<FsStruct>,
    /// Timer ticks left in this time slice.
    pub slice: u32,
    /// Signal dispositions (`rt_sigaction`), index = signal - 1 (shared
    /// with `CLONE_SIGHAND`).
    pub sigactions: Shared<[KSigaction; NSIG]>,
    /// What the threads of its process share (`proc/thread.rs`).
    pub group: Shared<ThreadGroup>,
    /// The signal its parent gets when it exits (`clone`'s `CSIGNAL`; 0
    /// for none, as for a thread).
    pub exit_signal: i32,
    /// Made by `vfork` (`CLONE_VFORK`): the parent thread sleeping until
    /// this task execs or exits.
    pub vfork_parent: Option<Pid>,
    /// Blocked signals (`rt_sigprocmask`).
    pub sigmask: u64,
    /// While `rt_sigtimedwait` lets the signals it waits for through
    /// `sigmask`, the mask as it was (Linux's `real_blocked`): those
    /// signals still count as blocked, so none is thrown away as ignored.
    pub real_blocked: u64,
    /// The mask to put back once the signal that ended a temporary mask
    /// (`rt_sigsuspend`, `pselect6`, `ppoll`) is delivered: a handler's
    /// frame saves this one instead of the temporary mask (Linux's
    /// `saved_sigmask` with `TIF_RESTORE_SIGMASK`).
    pub saved_sigmask: Option<u64>,
    /// The alternate signal stack (`proc/signal.rs`): inherited by `fork`,
    /// gone after `execve`.
    pub sas: AltStack,
    /// What `restart_syscall` resumes (Linux's `restart_block`).
    pub restart_block: Option<RestartBlock>,
    /// Signals sent to this thread but not yet delivered, and their
    /// `siginfo` (the process's are in `group`).
    pub sigpending: u64,
    pub siginfo: super::signal::SigQueue,
    /// The exception vector behind a pending fault signal (for the frame).
    pub fault_trapno: u32,
    /// Resource limits (`proc/rlimit.rs`).
    pub rlimits: super::rlimit::Rlimits,
    /// Timer ticks this process has run, user and kernel time together
    /// (for `RLIMIT_CPU`), and of those, the ticks in the kernel
    /// (`/proc/<pid>/stat`'s `utime` and `stime`).
    pub cpu_ticks: u64,
    pub stime_ticks: u64,
    /// When it was made, in nanoseconds since boot (Linux's
    /// `start_boottime`: `/proc/<pid>/stat`'s `starttime`).
    pub start_time: u64,
    /// The wait status to exit with on the way back to user mode
    /// (`proc::exit_later`).
    pub exit_pending: Option<u32>,
    /// Its children, live and zombie (Linux's `children` list): `wait4`
    /// and `exit` look only at these, never at every task.
    pub children: alloc::vec::Vec<Pid>,
    /// Who it runs as (`proc/cred.rs`): shared with its parent after
    /// `fork`, replaced only by `cred::commit_creds`, which keeps the
    /// per-user process counts right.
    pub cred: Arc<super::cred::Cred>,
    /// A set*uid call moved it to a user already over `RLIMIT_NPROC`: its
    /// next `execve` fails with `-EAGAIN` (Linux's `PF_NPROC_EXCEEDED`).
    pub nproc_exceeded: bool,
    /// Its tracer and the state of a traced task, and the tasks it
    /// traces itself (`proc/ptrace.rs`).
    pub ptrace: super::ptrace::PtraceState,
}

impl Task {
    /// `RLIMIT_NOFILE`'s soft value: descriptors must stay below it.
    pub fn nofile_limit(&self) -> usize {
        self.rlimits[abi::resource::RLIMIT_NOFILE as usize].soft()
    }

    /// The user registers saved at the top of the kernel stack.
    pub fn regs(&mut self) -> &mut PtRegs {
        // SAFETY: every task's kernel stack holds its PtRegs at the top
        // (both entry paths and `prepare_new_stack` put it there), and the
        // stack lives as long as the task.
        unsafe { &mut *pt_regs_at(self.kstack.top()) }
    }
}

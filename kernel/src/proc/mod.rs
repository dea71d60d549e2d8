//! Processes: tasks, scheduling, ELF loading, the vDSO, user faults, and the
//! life cycle (`fork` here; `exit` and `wait` in `exit.rs`; sessions,
//! process groups and stops in `jobctl.rs` and `signal.rs`).

pub mod cred;
pub mod elf;
pub mod exec;
pub mod exit;
pub mod fault;
pub mod futex;
pub mod itimer;
pub mod jobctl;
pub mod pid;
pub mod posix_timers;
pub mod ptrace;
pub mod rlimit;
pub mod sched;
pub mod signal;
pub mod task;
pub mod thread;
pub mod vdso;

use crate::arch::x86::ptregs::PtRegs;
use crate::arch::x86::{fpu, switch};
use crate::mm::vmap::KernelStack;
use crate::mm::{MmRef, heap};
use abi::errno::{ENOMEM, Errno};
use alloc::boxed::Box;
pub use exit::exit;
use sched::SCHED;
use task::{Pid, Task, TaskState};

/// The running process's pid, if a process is running.
pub fn current_pid() -> Option<Pid> {
    SCHED.with(|s| s.current)
}

/// Run `f` on the current task. Do not sleep or schedule inside `f`, nor
/// drop a file there (a pipe end closing wakes sleepers).
#[track_caller]
pub fn with_current<R>(f: impl FnOnce(&mut Task) -> R) -> R {
    SCHED.with(|s| {
        assert!(!s.current_task.is_null(), "no current task");
        // SAFETY: `current_task` points into the boxed current task, which
        // stays in `s.tasks` while it is current (only zombies are reaped,
        // and never by themselves); the SCHED borrow we hold excludes any
        // other reference to it.
        f(unsafe { &mut *s.current_task })
    })
}

/// The running process's address space, for the user-copy chokepoint
/// (`-EFAULT` with no process, e.g. in kernel tests). A reference, not a
/// borrow: a page fault during the copy looks it up again.
pub fn current_mm() -> Result<MmRef, Errno> {
    SCHED
        .with(|s| {
            // SAFETY: as in `with_current`; the pointer is null when no task runs.
            unsafe { s.current_task.as_ref() }.and_then(|t| t.mm.clone())
        })
        .ok_or(abi::errno::EFAULT)
}

/// How `clone` wants the child set up (beyond a plain `fork`).
#[derive(Default)]
pub struct CloneArgs {
    /// `clone`'s flags (`CLONE_*`, with the exit signal in `CSIGNAL`),
    /// already checked by the caller (`sys_clone`).
    pub flags: u32,
    /// A new user stack pointer for the child.
    pub stack: Option<usize>,
    /// `CLONE_CHILD_SETTID`: write the child's tid here, in the child.
    pub child_settid: Option<usize>,
    /// `CLONE_CHILD_CLEARTID`: the child's `clear_child_tid`.
    pub child_cleartid: Option<usize>,
    /// `CLONE_SETTLS`: the TLS slot and descriptor the child starts with.
    pub tls: Option<(usize, u64)>,
    /// `clone3`'s `CLONE_CLEAR_SIGHAND`: the child's handlers reset to
    /// `SIG_DFL` (ignored signals stay ignored, as after `execve`).
    pub clear_sighand: bool,
}

/// `fork`: a copy of the current process whose `fork` returns 0.
pub fn fork(regs: &PtRegs) -> Result<Pid, Errno> {
    clone(
        regs,
        CloneArgs {
            flags: abi::signal::SIGCHLD as u32,
            ..CloneArgs::default()
        },
    )
}

/// Linux's `copy_process`: a new task whose system call returns 0. What
/// the flags name is shared with the caller (`CLONE_VM`: the address
/// space; `CLONE_FILES`, `CLONE_FS`, `CLONE_SIGHAND`; `CLONE_THREAD`: the
/// process itself, as a new thread of it), the rest copied, as `fork`
/// copies everything.
pub fn clone(regs: &PtRegs, args: CloneArgs) -> Result<Pid, Errno> {
    use abi::sched::*;
    let flags = args.flags;
    let has = |f: u32| flags & f != 0;
    // RLIMIT_NPROC, as Linux's copy_process checks it: a user may not have
    // more processes than its soft limit (the child counted), unless it is
    // root or has CAP_SYS_RESOURCE or CAP_SYS_ADMIN. The count is kept as
    // tasks come and go (`pid::TaskTable`), so this is no walk.
    let (cred, nproc) = with_current(|t| {
        let limit = t.rlimits[abi::resource::RLIMIT_NPROC as usize].cur;
        (t.cred.clone(), limit)
    });
    if cred.uid != 0
        && !cred.capable(abi::cred::CAP_SYS_RESOURCE)
        && !cred.capable(abi::cred::CAP_SYS_ADMIN)
        && SCHED.with(|s| s.tasks.user_processes(cred.uid)) as u64 + 1 > nproc
    {
        return Err(abi::errno::EAGAIN);
    }
    // Out of kernel-stack slots is Linux's threads-max: EAGAIN.
    let stack = KernelStack::new().ok_or(abi::errno::EAGAIN)?;
    // Out of pids is Linux's `alloc_pid` failing: EAGAIN too.
    let pid = sched::alloc_pid().ok_or(abi::errno::EAGAIN)?;
    let mut child_regs = *regs;
    child_regs.ax = 0;
    if let Some(sp) = args.stack {
        child_regs.sp = sp as u32;
    }
    // SAFETY: a fresh, unused kernel stack.
    let saved_sp = unsafe { switch::prepare_new_stack(stack.top(), &child_regs) };
    // The process the child belongs to, and its parent: a thread joins the
    // caller's process; CLONE_PARENT makes a sibling of the caller.
    let (me, my_tgid) = with_current(|t| (t.pid, t.tgid));
    let group_parent = SCHED.with(|s| s.tasks.get(my_tgid).map_or(0, |l| l.ppid));
    let tgid = if has(CLONE_THREAD) { my_tgid } else { pid };
    let ppid = if has(CLONE_THREAD | CLONE_PARENT) {
        group_parent
    } else {
        my_tgid
    };
    // Room in the lists the child joins, before anything is committed: its
    // parent's children (a new process only), its group's threads.
    SCHED.with(|s| -> Result<(), Errno> {
        if !has(CLONE_THREAD)
            && let Some(p) = s.tasks.get_mut(ppid)
        {
            heap::for_user(|| p.children.try_reserve(1)).map_err(|_| ENOMEM)?;
        }
        if has(CLONE_THREAD)
            && let Some(l) = s.tasks.get_mut(my_tgid)
        {
            heap::for_user(|| l.group.threads.try_reserve(1)).map_err(|_| ENOMEM)?;
        }
        Ok(())
    })?;
    let child = with_current(|parent| -> Result<Box<Task>, Errno> {
        let mm = match &parent.mm {
            Some(m) if has(CLONE_VM) => Some(m.clone()),
            Some(m) => Some(m.try_fork()?),
            None => None,
        };
        if let (Some(addr), Some(m)) = (args.child_settid, mm.as_ref()) {
            // In the child's memory, which may not be the current one.
            m.with(|m| {
                if !m.allows(addr, 4, true) || m.populate(addr, addr + 4).is_err() {
                    return Err(abi::errno::EFAULT);
                }
                m.write_bytes(addr, &pid.to_le_bytes())
                    .map_err(|_| abi::errno::EFAULT)
            })?;
        }
        // Every piece a user's fork asks the heap for may fail: -ENOMEM,
        // with what was built so far dropped (no file's last reference is
        // among it: the parent holds them all).
        let mut fpu_state = fpu::try_initial_box()?;
        fpu::save(&mut fpu_state);
        let files = if has(CLONE_FILES) {
            parent.files.share()
        } else {
            thread::Shared::try_new(parent.files.try_clone()?)?
        };
        let fs = if has(CLONE_FS) {
            parent.fs.share()
        } else {
            thread::Shared::try_new(parent.fs.copy())?
        };
        let sigactions = if has(CLONE_SIGHAND) {
            parent.sigactions.share()
        } else {
            let mut copy = *parent.sigactions;
            if args.clear_sighand {
                for a in copy.iter_mut() {
                    if a.sa_handler != abi::signal::SIG_IGN {
                        *a = abi::types::KSigaction::ZERO;
                    }
                }
            }
            thread::Shared::try_new(copy)?
        };
        let group = if has(CLONE_THREAD) {
            parent.group.share()
        } else {
            thread::ThreadGroup::try_new(pid)?
        };
        let mut tls = parent.tls;
        if let Some((i, d)) = args.tls {
            tls[i] = d;
        }
        // The ports ioperm allowed go with the child (Linux shares the
        // bitmap; here it is copied).
        let io_bitmap = match &parent.io_bitmap {
            Some(b) => Some(crate::arch::x86::ioport::copy_bitmap(b).ok_or(ENOMEM)?),
            None => None,
        };
        Ok(heap::try_box(Task {
            pid,
            tgid,
            ppid,
            pgid: parent.pgid,
            sid: parent.sid,
            pgrp_link: pid::Link::NONE,
            session_link: pid::Link::NONE,
            forknoexec: true,
            ctty: parent.ctty,
            comm: heap::try_string(&parent.comm)?,
            state: TaskState::Runnable,
            kstack: stack,
            saved_sp,
            mm,
            files,
            fpu: fpu_state,
            io_bitmap,
            iopl: parent.iopl,
            tls,
            clear_child_tid: args.child_cleartid.unwrap_or(0),
            robust_list: 0,
            fs,
            slice: 0,
            sigactions,
            group,
            exit_signal: if has(CLONE_THREAD) {
                0
            } else {
                (flags & CSIGNAL) as i32
            },
            vfork_parent: has(CLONE_VFORK).then_some(me),
            sigmask: parent.sigmask,
            real_blocked: 0,
            saved_sigmask: None,
            // A thread sharing the address space starts without the
            // caller's alternate stack (Linux's sas_ss_reset in
            // copy_process for CLONE_VM without CLONE_VFORK).
            sas: if flags & (CLONE_VM | CLONE_VFORK) == CLONE_VM {
                task::AltStack::default()
            } else {
                parent.sas
            },
            restart_block: None,
            sigpending: 0, // pending signals are not inherited
            siginfo: Default::default(),
            fault_trapno: 0,
            rlimits: parent.rlimits,
            cpu_ticks: 0,
            stime_ticks: 0,
            start_time: crate::time::uptime_ns(),
            exit_pending: None,
            children: alloc::vec::Vec::new(),
            cred: parent.cred.clone(),
            // Inherited, as Linux's dup_task_struct copies the flags.
            nproc_exceeded: parent.nproc_exceeded,
            ptrace: Default::default(),
        })?)
    })?;
    // Room to count the child under its user, before anything is committed.
    SCHED.with(|s| s.tasks.reserve_user(cred.uid))?;
    // A traced parent's tracer may follow the child too (proc/ptrace.rs).
    let trace = ptrace::clone_event(flags);
    if trace.is_some() {
        ptrace::reserve_tracee()?;
    }
    drop(cred);
    SCHED.with(|s| {
        if has(CLONE_THREAD) {
            if let Some(l) = s.tasks.get_mut(my_tgid) {
                l.group.threads.push(pid);
            }
        } else if let Some(p) = s.tasks.get_mut(ppid) {
            p.children.push(pid);
        }
    });
    // Under the limit (it was checked above): the next execve may go on.
    with_current(|parent| parent.nproc_exceeded = false);
    let mut child = child;
    if trace.is_some() {
        ptrace::init_child(&mut child);
    }
    sched::add_task(child);
    if let Some(ev) = trace {
        ptrace::event(ev, pid);
    }
    Ok(pid)
}

/// End the current process with wait status `status` once it is on its way
/// back to user mode, after every kernel frame between here and there has
/// returned. `exit` never returns, so calling it from deep inside a system
/// call or a fault would abandon those frames with what they own (an
/// address-space reference, a buffer) and leak it; this is how everything
/// but that last step ends a process. The caller returns as it would on an
/// error; `signal::on_return_to_user` does the rest.
///
/// The whole process goes (the other threads too, as Linux's
/// `do_group_exit`): every caller but `exit` itself ends a process.
pub fn exit_later(status: u32) {
    thread::group_exit_later(status);
}

/// Like [`exit_later`] for the calling thread alone (`exit`, Linux's
/// `do_exit` without the group).
pub fn exit_thread_later(status: u32) {
    with_current(|t| {
        t.exit_pending.get_or_insert(status);
    });
    signal::wake_return_path();
}

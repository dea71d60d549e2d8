//! Processes: tasks, scheduling, ELF loading, the vDSO, user faults, and the
//! life cycle (`fork`, `exit`, `wait4`).

pub mod cred;
pub mod elf;
pub mod exec;
pub mod fault;
pub mod pid;
pub mod rlimit;
pub mod sched;
pub mod signal;
pub mod task;
pub mod vdso;

use crate::arch::x86::ptregs::PtRegs;
use crate::arch::x86::{fpu, paging, switch};
use crate::mm::vmap::KernelStack;
use crate::mm::{Mm, MmRef, heap};
use abi::errno::{ECHILD, ENOMEM, Errno};
use alloc::boxed::Box;
use sched::SCHED;
use task::{Pid, Task, TaskState, WaitChannel};

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
    /// A new user stack pointer for the child.
    pub stack: Option<usize>,
    /// `CLONE_CHILD_SETTID`: write the child's tid here, in the child.
    pub child_settid: Option<usize>,
    /// `CLONE_CHILD_CLEARTID`: the child's `clear_child_tid`.
    pub child_cleartid: Option<usize>,
}

/// `fork`: a copy of the current process whose `fork` returns 0.
pub fn fork(regs: &PtRegs) -> Result<Pid, Errno> {
    clone(regs, CloneArgs::default())
}

/// `fork` with `clone`'s extras: a copy of the current process (its own
/// address space: no threads here) whose system call returns 0.
pub fn clone(regs: &PtRegs, args: CloneArgs) -> Result<Pid, Errno> {
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
    let child = with_current(|parent| -> Result<Box<Task>, Errno> {
        let mut mm = match &parent.mm {
            Some(m) => Some(m.with(|m| m.duplicate()).map_err(|_| ENOMEM)?),
            None => None,
        };
        if let (Some(addr), Some(m)) = (args.child_settid, mm.as_mut()) {
            // In the child's memory, which is not the current one.
            if !m.allows(addr, 4, true) || m.populate(addr, addr + 4).is_err() {
                return Err(abi::errno::EFAULT);
            }
            m.write_bytes(addr, &pid.to_le_bytes())
                .map_err(|_| abi::errno::EFAULT)?;
        }
        // Every piece a user's fork asks the heap for may fail: -ENOMEM,
        // with what was built so far dropped (no file's last reference is
        // among it: the parent holds them all).
        parent.children.try_reserve(1).map_err(|_| ENOMEM)?;
        let mut fpu_state = heap::try_box((*parent.fpu).clone())?;
        fpu::save(&mut fpu_state);
        let mm = match mm {
            Some(m) => Some(Mm::try_new(m)?),
            None => None,
        };
        Ok(heap::try_box(Task {
            pid,
            ppid: parent.pid,
            comm: heap::try_string(&parent.comm)?,
            state: TaskState::Runnable,
            kstack: stack,
            saved_sp,
            mm,
            files: parent.files.try_clone()?,
            fpu: fpu_state,
            tls: parent.tls,
            clear_child_tid: args.child_cleartid.unwrap_or(0),
            cwd: parent.cwd.clone(),
            root: parent.root.clone(),
            umask: parent.umask,
            slice: 0,
            sigactions: heap::try_box(*parent.sigactions)?,
            sigmask: parent.sigmask,
            sigpending: 0, // pending signals are not inherited
            siginfo: alloc::collections::BTreeMap::new(),
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
        })?)
    })?;
    // Room to count the child under its user, before anything is committed.
    SCHED.with(|s| s.tasks.reserve_user(cred.uid))?;
    drop(cred);
    with_current(|parent| {
        parent.children.push(pid);
        // Under the limit (it was checked above): the next execve may go on.
        parent.nproc_exceeded = false;
    });
    sched::add_task(child);
    Ok(pid)
}

/// End the current process with wait status `status` once it is on its way
/// back to user mode, after every kernel frame between here and there has
/// returned. `exit` never returns, so calling it from deep inside a system
/// call or a fault would abandon those frames with what they own (an
/// address-space reference, a buffer) and leak it; this is how everything
/// but that last step ends a process. The caller returns as it would on an
/// error; `signal::on_return_to_user` does the rest.
pub fn exit_later(status: u32) {
    with_current(|t| {
        t.exit_pending.get_or_insert(status);
    });
    signal::wake_return_path();
}

/// End the current process with wait status `status` (Linux's `do_exit`).
/// Call it only where no frame owns anything: the return to user mode
/// (`signal::on_return_to_user`), or a stub with nothing on the stack.
pub fn exit(status: u32) -> ! {
    let (pid, ppid, comm, files, children) = with_current(|t| {
        let files = t.files.close_all();
        // Leave the address space before freeing it.
        // SAFETY: the kernel page directory maps the kernel half like every
        // process directory does.
        unsafe { paging::switch_pd(paging::kernel_pd_phys()) };
        t.mm = None;
        t.state = TaskState::Zombie(status);
        // A zombie keeps no signals: nothing will ever deliver them.
        t.sigpending = 0;
        t.siginfo.clear();
        let children = core::mem::take(&mut t.children);
        (t.pid, t.ppid, t.comm.clone(), files, children)
    });
    // Record locks go with the descriptors (then any left: none should be).
    for f in &files {
        crate::fs::locks::close_posix(pid, f);
    }
    crate::fs::locks::exit(pid);
    drop(files); // pipe ends close here, waking their peers
    if pid == 1 {
        crate::init_exited(&comm, status);
    }
    // Everything this frame owns goes now: schedule() below never returns.
    drop(comm);
    // Orphans go to init, as on Linux (only our own children: no scan of
    // every task).
    SCHED.with(|s| {
        for c in &children {
            if let Some(t) = s.tasks.get_mut(*c) {
                t.ppid = 1;
            }
        }
        if let Some(init) = s.tasks.get_mut(1) {
            init.children.extend_from_slice(&children);
        }
    });
    drop(children);
    sched::wake(WaitChannel::Child, Some(ppid));
    sched::wake(WaitChannel::Child, Some(1));
    sched::schedule();
    unreachable!("a zombie was scheduled");
}

/// Outcome of looking for a child to reap.
pub enum Reaped {
    /// (pid, wait status)
    Child(Pid, u32),
    /// Matching children exist but none has exited.
    NotYet,
}

/// Reap a zombie child of the current task (`wait4`'s core): `which` is -1
/// for any child, or a pid.
pub fn reap_child(which: i32) -> Result<Reaped, Errno> {
    SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let (i, pid, status) = if which > 0 {
            // One pid: look it up, as Linux's `do_wait_pid` does, instead
            // of walking a children list that unreaped zombies may fill.
            let pid = which as Pid;
            let state = match s.tasks.get(pid) {
                Some(t) if t.ppid == me => t.state,
                _ => return Err(ECHILD),
            };
            let TaskState::Zombie(status) = state else {
                return Ok(Reaped::NotYet);
            };
            let children = &s.tasks.get(me).expect("current task").children;
            // From the end: the child waited for is most often the newest.
            let i = children.iter().rposition(|&c| c == pid);
            (
                i.expect("a child missing from its parent's list"),
                pid,
                status,
            )
        } else {
            // Any child: this task's children list, as Linux's do_wait walks it.
            let children = &s.tasks.get(me).expect("current task").children;
            if children.is_empty() {
                return Err(ECHILD);
            }
            let zombie = children.iter().enumerate().find_map(|(i, &c)| {
                match s.tasks.get(c).map(|t| t.state) {
                    Some(TaskState::Zombie(st)) => Some((i, c, st)),
                    _ => None,
                }
            });
            let Some(z) = zombie else {
                return Ok(Reaped::NotYet);
            };
            z
        };
        s.tasks
            .get_mut(me)
            .expect("current task")
            .children
            .swap_remove(i);
        s.tasks.remove(pid); // frees its kernel stack
        Ok(Reaped::Child(pid, status))
    })
}

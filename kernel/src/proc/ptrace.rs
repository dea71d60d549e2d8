//! `ptrace`: one process stops, inspects and steers another (Linux's
//! kernel/ptrace.c, the stops of kernel/signal.c, the register access of
//! arch/x86/kernel/ptrace.c).
//!
//! A traced task (a *tracee*) names its tracer (a process, by its tgid)
//! in [`PtraceState::tracer`]; the tracer keeps the list of its tracees
//! (Linux's `ptraced` list, on its group leader here). A tracee stops,
//! in its own context, at the points Linux's `ptrace_stop` is called
//! from: before a signal is delivered ([`signal_stop`]), at system-call
//! entry and exit ([`syscall_entry`], [`syscall_exit`]), at the events its
//! options ask for ([`event`]: fork, vfork, clone, exec, exit), and on
//! `PTRACE_INTERRUPT` ([`jobctl_trap`]). Stopped, it is in
//! `TaskState::Traced` with its stop code in `exit_code`; the tracer's
//! `wait` reports it ([`wait_traced`]), and its `ptrace` requests
//! (`syscall/ptrace.rs`) read and change the stopped task's registers and
//! memory, then resume it with a signal number in `exit_code`.
//!
//! A tracee's exit is reported to its tracer first (`exit.rs`
//! `do_notify_parent` asks [`tracer_of`]); a tracer that exits detaches its
//! tracees, killing those that asked for `PTRACE_O_EXITKILL`
//! ([`exit_ptrace`]). Not done: hardware breakpoints (the debug registers
//! read as 0), `PTRACE_LISTEN`, `PTRACE_GET_SYSCALL_INFO`,
//! `PTRACE_EVENT_VFORK_DONE`, and the exit of a traced thread other than
//! its process's leader: it is released at once, unseen by its tracer.

use super::sched::{self, SCHED};
use super::signal::{self, sigbit};
use super::task::{Pid, TaskState, WaitChannel};
use super::with_current;
use crate::arch::x86::common::mark_frame_dirty;
use crate::arch::x86::ptregs::{
    PtRegs, X86_EFLAGS_AC, X86_EFLAGS_CF, X86_EFLAGS_DF, X86_EFLAGS_RF, X86_EFLAGS_TF,
};
use abi::errno::{EINVAL, EIO, EPERM, ESRCH, Errno};
use abi::ptrace::*;
use abi::signal::{
    CLD_TRAPPED, SA_NOCLDSTOP, SI_USER, SIG_IGN, SIGCHLD, SIGKILL, SIGSTOP, SIGTRAP, TRAP_BRKPT,
};
use abi::types::Siginfo;
use alloc::vec::Vec;

/// The ptrace side of a task (Linux's `task->ptrace` flags, `parent`,
/// `exit_code`, `last_siginfo`, `ptrace_message`, the `JOBCTL_TRAP_STOP`
/// bit, the syscall-work bits, and the `ptraced` list).
#[derive(Default)]
pub struct PtraceState {
    /// The tracing process (its tgid), if traced.
    pub tracer: Option<Pid>,
    /// Attached by `PTRACE_SEIZE` (`PT_SEIZED`): no `SIGSTOP` at attach,
    /// `PTRACE_INTERRUPT` allowed.
    pub seized: bool,
    /// `PTRACE_O_*`.
    pub options: u32,
    /// Stop at system-call entry and exit (`SYSCALL_WORK_SYSCALL_TRACE`),
    /// stop at entry and skip the call (`SYSCALL_WORK_SYSCALL_EMU`), trap
    /// after each instruction (`TIF_SINGLESTEP`), and whether `ptrace` set
    /// TF itself (`TIF_FORCED_TF`: it hides and clears it again).
    pub syscall_trace: bool,
    pub sysemu: bool,
    pub singlestep: bool,
    pub forced_tf: bool,
    /// The stop's code while stopped, which `wait` reports once (then 0);
    /// the tracer's resume puts the signal to deliver here.
    pub exit_code: u32,
    /// The `siginfo` of the current stop (`PTRACE_GETSIGINFO`).
    pub last_siginfo: Option<Siginfo>,
    /// `PTRACE_GETEVENTMSG`: the new child's pid, the exit status, ...
    pub message: u32,
    /// A `PTRACE_INTERRUPT` (or a seized child's first stop) is due
    /// (`JOBCTL_TRAP_STOP`).
    pub trap_stop: bool,
    /// The tasks this process traces (kept on its leader; an entry whose
    /// task no longer names this tracer is stale and skipped).
    pub tracees: Vec<Pid>,
}

/// The syscall-work bits [`syscall_work`] returns.
pub const WORK_TRACE: u8 = 1;
pub const WORK_EMU: u8 = 2;
pub const WORK_STEP: u8 = 4;

/// The flags a tracer may change in EFLAGS (Linux's `FLAG_MASK_32`).
const FLAG_MASK: u32 = X86_EFLAGS_CF
    | 0x4 // PF
    | 0x10 // AF
    | 0x40 // ZF
    | 0x80 // SF
    | X86_EFLAGS_TF
    | X86_EFLAGS_DF
    | 0x800 // OF
    | X86_EFLAGS_RF
    | X86_EFLAGS_AC;

/// Is the current task traced?
pub fn traced() -> bool {
    with_current(|t| t.ptrace.tracer.is_some())
}

/// The process tracing task `pid`, if any.
pub fn tracer_of(s: &sched::Scheduler, pid: Pid) -> Option<Pid> {
    s.tasks.get(pid).and_then(|t| t.ptrace.tracer)
}

/// What the system-call path must do for the current task: `WORK_*` bits,
/// 0 for an untraced task.
pub fn syscall_work() -> u8 {
    with_current(|t| {
        let p = &t.ptrace;
        if p.tracer.is_none() {
            return 0;
        }
        (if p.syscall_trace { WORK_TRACE } else { 0 })
            | (if p.sysemu { WORK_EMU } else { 0 })
            | (if p.singlestep { WORK_STEP } else { 0 })
    })
}

/// A `siginfo` for a stop the tracee reports itself (Linux's
/// `ptrace_do_notify`): `SIGTRAP` with `code` as `si_code`, from the
/// tracee.
fn trap_info(code: u32) -> Siginfo {
    let (pid, uid) = with_current(|t| (t.tgid, t.cred.uid));
    let mut i = signal::user_info(SIGTRAP, code as i32, pid);
    i.fields[1] = uid;
    i
}

/// Linux's `ptrace_stop`: record the stop (`code` for `wait`, `info` for
/// `PTRACE_GETSIGINFO`, `message` for `PTRACE_GETEVENTMSG`), tell the
/// tracer (`SIGCHLD` with `CLD_TRAPPED` and a wake for its `wait`), and
/// sleep in `TaskState::Traced` until it resumes the task. Returns the
/// signal the tracer resumed it with and the `siginfo` as the tracer left
/// it; `None` if the task did not stop (not traced, or `SIGKILL` is
/// pending: a dying task stops for no one).
fn ptrace_stop(code: u32, info: Siginfo, message: Option<u32>) -> Option<(u32, Siginfo)> {
    let (tracer, chld) = SCHED.with(|s| {
        let cur = s.current?;
        let t = s.tasks.get_mut(cur)?;
        let tracer = t.ptrace.tracer?;
        if t.sigpending & sigbit(SIGKILL) != 0 {
            return None;
        }
        let act = s.tasks.get(tracer)?.sigactions[SIGCHLD as usize - 1];
        let t = s.tasks.get_mut(cur)?;
        if let Some(m) = message {
            t.ptrace.message = m;
        }
        t.ptrace.exit_code = code;
        t.ptrace.last_siginfo = Some(info);
        t.state = TaskState::Traced;
        // do_notify_parent_cldstop(current, true, CLD_TRAPPED).
        let mut chld = signal::user_info(SIGCHLD, CLD_TRAPPED, t.pid);
        chld.fields[1] = t.cred.uid;
        chld.fields[2] = code & 0x7f;
        chld.fields[3] = t.cpu_ticks as u32;
        let send = act.sa_handler != SIG_IGN && act.sa_flags & SA_NOCLDSTOP == 0;
        Some((tracer, send.then_some(chld)))
    })?;
    if let Some(chld) = chld {
        let _ = signal::send_process(tracer, SIGCHLD, chld);
    }
    sched::wake(WaitChannel::Child, Some(tracer));
    sched::schedule();
    // Resumed: the tracer may have rewritten the registers.
    mark_frame_dirty();
    signal::wake_return_path();
    Some(with_current(|t| {
        t.state = TaskState::Runnable;
        let info = t.ptrace.last_siginfo.take().unwrap_or(info);
        let code = core::mem::take(&mut t.ptrace.exit_code);
        let killed = t.sigpending & sigbit(SIGKILL) != 0;
        (if killed { 0 } else { code }, info)
    }))
}

/// Linux's `ptrace_signal`: the tracer sees signal `sig` before it is
/// delivered. `None` if it cancelled it (resumed with 0) or the new one
/// is blocked (queued again for later); else the signal to deliver, maybe
/// another one, with `siginfo` from the tracer if the number changed.
pub fn signal_stop(regs: &mut PtRegs, sig: i32, info: Siginfo) -> Option<(i32, Siginfo)> {
    if sig == SIGKILL || !traced() {
        return Some((sig, info));
    }
    let stopped = ptrace_stop(sig as u32, info, None);
    // The tracer may have rewritten the frame: the caller reads it anew.
    core::hint::black_box(&mut *regs);
    let Some((new, mut info)) = stopped else {
        return Some((sig, info));
    };
    let new = new as i32;
    if new == 0 {
        return None;
    }
    if new != info.si_signo {
        // "If the debugger wanted something specific in the siginfo
        // structure then it should have updated *info via
        // PTRACE_SETSIGINFO": from the tracer, SI_USER.
        let (tracer, uid) = SCHED.with(|s| {
            let me = s.current.expect("no current task");
            let tr = tracer_of(s, me).unwrap_or(0);
            (tr, s.tasks.get(tr).map_or(0, |t| t.cred.uid))
        });
        info = signal::user_info(new, SI_USER, tracer);
        info.fields[1] = uid;
    }
    if with_current(|t| t.sigmask & sigbit(new) != 0) {
        let me = with_current(|t| t.pid);
        let _ = signal::send(me, new, info);
        return None;
    }
    Some((new, info))
}

/// A pending `PTRACE_INTERRUPT` trap (Linux's `do_jobctl_trap` for a
/// seized tracee): stop with `SIGTRAP | PTRACE_EVENT_STOP << 8`.
pub fn jobctl_trap(regs: &mut PtRegs) {
    let due =
        with_current(|t| t.ptrace.tracer.is_some() && core::mem::take(&mut t.ptrace.trap_stop));
    if due {
        let code = SIGTRAP as u32 | PTRACE_EVENT_STOP << 8;
        ptrace_stop(code, trap_info(code), None);
        core::hint::black_box(&mut *regs);
    }
}

/// A handler is about to be set up for a single-stepped tracee (Linux's
/// `handle_signal`): stepping ends, and a TF that ptrace set leaves the
/// frame, so the saved context does not carry it. True if it was
/// stepping.
pub fn take_singlestep(regs: &mut PtRegs) -> bool {
    with_current(|t| {
        if t.ptrace.tracer.is_none() || !core::mem::take(&mut t.ptrace.singlestep) {
            return false;
        }
        if core::mem::take(&mut t.ptrace.forced_tf) {
            regs.flags &= !X86_EFLAGS_TF;
        }
        true
    })
}

/// ... and with the handler's frame built, the tracer sees a `SIGTRAP`
/// stop at the handler's first instruction (Linux's `signal_setup_done`
/// calling `ptrace_notify(SIGTRAP)`).
pub fn report_step(regs: &mut PtRegs) {
    let code = SIGTRAP as u32;
    ptrace_stop(code, trap_info(code), None);
    core::hint::black_box(&mut *regs);
}

/// A stop signal's group stop for a traced task (Linux's
/// `do_signal_stop` → `do_jobctl_trap`): reported as a ptrace stop, not a
/// plain stop, so only the tracer resumes it. True if it stopped so.
pub fn group_stop(sig: i32) -> bool {
    let seized = match with_current(|t| t.ptrace.tracer.map(|_| t.ptrace.seized)) {
        Some(s) => s,
        None => return false,
    };
    if seized {
        let code = sig as u32 | PTRACE_EVENT_STOP << 8;
        ptrace_stop(code, trap_info(code), None);
    } else {
        let mut info = Siginfo::ZERO;
        info.si_signo = sig;
        ptrace_stop(sig as u32, info, None);
    }
    true
}

/// Linux's `ptrace_report_syscall`: a syscall-entry or -exit stop, with
/// `SIGTRAP | 0x80` under `PTRACE_O_TRACESYSGOOD`. A signal the tracer
/// resumes with is sent to the task ("not the same as continuing with a
/// signal, but it will do for normal use").
fn report_syscall(message: u32) {
    let sysgood = with_current(|t| t.ptrace.options & PTRACE_O_TRACESYSGOOD != 0);
    let code = SIGTRAP as u32 | if sysgood { 0x80 } else { 0 };
    if let Some((sig, _)) = ptrace_stop(code, trap_info(code), Some(message))
        && sig != 0
    {
        let me = with_current(|t| t.pid);
        let _ = signal::send(me, sig as i32, signal::priv_info(sig as i32));
    }
    with_current(|t| t.ptrace.message = 0);
}

/// The system-call entry of a task with syscall work (Linux's
/// `syscall_trace_enter`): EAX reads `-ENOSYS` from here on (the entry
/// code of Linux stores it before any stop), the tracer sees the entry
/// stop and may change `orig_eax` (the number), the arguments or EAX.
/// False when the call is not to run: `PTRACE_SYSEMU`, a pending
/// `SIGKILL`, or a number past the table (then EAX is what it is:
/// `-ENOSYS`, or what the tracer put there).
pub fn syscall_entry(regs: &mut PtRegs, work: u8) -> bool {
    regs.ax = abi::errno::ENOSYS.neg() as u32;
    if work & (WORK_TRACE | WORK_EMU) != 0 {
        report_syscall(PTRACE_EVENTMSG_SYSCALL_ENTRY);
        // The tracer wrote the frame meanwhile: read it again.
        let regs = core::hint::black_box(&mut *regs);
        if work & WORK_EMU != 0 || with_current(|t| t.sigpending & sigbit(SIGKILL) != 0) {
            return false;
        }
        return (regs.orig_ax as usize) < abi::syscalls::NR_SYSCALLS;
    }
    (regs.orig_ax as usize) < abi::syscalls::NR_SYSCALLS
}

/// The system-call exit of a task with syscall work (Linux's
/// `syscall_exit_work`), before signals are delivered: a single-stepped
/// call traps at once (`user_single_step_report`: `SIGTRAP`,
/// `TRAP_BRKPT`), else the exit stop. Not for a task on its way out.
pub fn syscall_exit(regs: &mut PtRegs, work: u8) {
    if with_current(|t| t.exit_pending.is_some()) {
        return;
    }
    let step = work & WORK_STEP != 0 && work & WORK_EMU == 0;
    if step {
        let (me, tgid) = with_current(|t| (t.pid, t.tgid));
        let mut info = signal::user_info(SIGTRAP, TRAP_BRKPT, tgid);
        info.fields[0] = regs.ip; // si_addr
        let _ = signal::send(me, SIGTRAP, info);
    } else if work & WORK_TRACE != 0 {
        report_syscall(PTRACE_EVENTMSG_SYSCALL_EXIT);
    }
}

/// Linux's `ptrace_event(event, message)`: stop with `SIGTRAP | event <<
/// 8` if the tracer asked for the event. True if it was reported.
pub fn event(ev: u32, message: u32) -> bool {
    let wanted = with_current(|t| t.ptrace.tracer.is_some() && t.ptrace.options & (1 << ev) != 0);
    if wanted {
        let code = SIGTRAP as u32 | ev << 8;
        ptrace_stop(code, trap_info(code), Some(message));
    }
    wanted
}

/// After a successful `execve` (Linux's `ptrace_event(PTRACE_EVENT_EXEC,
/// old_vpid)` in `exec_binprm`): the event stop, or for a tracee attached
/// the old way without the option, a plain `SIGTRAP`.
pub fn exec_event(old_pid: Pid) {
    if !event(PTRACE_EVENT_EXEC, old_pid)
        && with_current(|t| t.ptrace.tracer.is_some() && !t.ptrace.seized)
    {
        let me = with_current(|t| t.pid);
        let _ = signal::send(me, SIGTRAP, signal::user_info(SIGTRAP, SI_USER, me));
    }
}

/// The event a `clone` with `flags` reports, if the current task's tracer
/// asked for it (Linux's `kernel_clone`); the child is then traced too.
pub fn clone_event(flags: u32) -> Option<u32> {
    const CLONE_UNTRACED: u32 = 0x0080_0000;
    if flags & CLONE_UNTRACED != 0 {
        return None;
    }
    let ev = if flags & abi::sched::CLONE_VFORK != 0 {
        PTRACE_EVENT_VFORK
    } else if (flags & abi::sched::CSIGNAL) as i32 != SIGCHLD {
        PTRACE_EVENT_CLONE
    } else {
        PTRACE_EVENT_FORK
    };
    with_current(|t| t.ptrace.tracer.is_some() && t.ptrace.options & (1 << ev) != 0).then_some(ev)
}

/// Room in the current tracer's list for one more tracee (before a
/// `clone` commits to a traced child).
pub fn reserve_tracee() -> Result<(), Errno> {
    let tracer = with_current(|t| t.ptrace.tracer).ok_or(ESRCH)?;
    SCHED.with(|s| {
        let t = s.tasks.get_mut(tracer).ok_or(ESRCH)?;
        crate::mm::heap::for_user(|| t.ptrace.tracees.try_reserve(1))
            .map_err(|_| abi::errno::ENOMEM)
    })
}

/// Linux's `ptrace_init_task` for a child made under a traced `clone`:
/// the current task's tracer traces it too, with the same options; it
/// starts with `SIGSTOP` pending (or, seized, a `PTRACE_EVENT_STOP` trap),
/// which it meets before it first runs user code.
pub fn init_child(child: &mut super::task::Task) {
    let (tracer, options, seized) =
        with_current(|t| (t.ptrace.tracer, t.ptrace.options, t.ptrace.seized));
    let Some(tracer) = tracer else { return };
    // Room was reserved (reserve_tracee): this cannot fail.
    if SCHED.with(|s| link(s, tracer, child.pid)).is_err() {
        return;
    }
    child.ptrace.tracer = Some(tracer);
    child.ptrace.options = options;
    child.ptrace.seized = seized;
    if seized {
        child.ptrace.trap_stop = true;
    } else {
        // No queue entry, as Linux's sigaddset: it reads as SI_USER.
        child.sigpending |= sigbit(SIGSTOP);
    }
    signal::wake_return_path();
}

/// Put `tracee` on `tracer`'s list; `ENOMEM` if the list cannot grow
/// (then nothing is linked: a tracee its tracer cannot find would never
/// be let go).
fn link(s: &mut sched::Scheduler, tracer: Pid, tracee: Pid) -> Result<(), Errno> {
    let t = s.tasks.get_mut(tracer).ok_or(ESRCH)?;
    if !t.ptrace.tracees.contains(&tracee) {
        crate::mm::heap::for_user(|| t.ptrace.tracees.try_reserve(1))
            .map_err(|_| abi::errno::ENOMEM)?;
        t.ptrace.tracees.push(tracee);
    }
    Ok(())
}

/// Take task `pid`, about to be released, off its tracer's list.
pub fn forget(s: &mut sched::Scheduler, pid: Pid) {
    if let Some(tracer) = tracer_of(s, pid)
        && let Some(t) = s.tasks.get_mut(tracer)
    {
        t.ptrace.tracees.retain(|&p| p != pid);
    }
}

/// `PTRACE_TRACEME` (Linux's `ptrace_traceme`): the parent traces the
/// caller. `EPERM` if it is traced already or has no parent.
pub fn traceme() -> Result<usize, Errno> {
    SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let t = s.tasks.get(me).expect("current task");
        if t.ptrace.tracer.is_some() || t.ppid == 0 {
            return Err(EPERM);
        }
        let parent = t.ppid;
        s.tasks.get_mut(parent).ok_or(EPERM)?;
        link(s, parent, me)?;
        s.tasks.get_mut(me).expect("current task").ptrace.tracer = Some(parent);
        Ok(0)
    })
}

/// Linux's `__ptrace_may_access` for `PTRACE_MODE_ATTACH_REALCREDS`: the
/// caller's real uid is each of the target's uids and its real gid each
/// of its gids, or it has `CAP_SYS_PTRACE`.
fn may_access(me: &super::cred::Cred, t: &super::cred::Cred) -> bool {
    (me.uid == t.euid
        && me.uid == t.suid
        && me.uid == t.uid
        && me.gid == t.egid
        && me.gid == t.sgid
        && me.gid == t.gid)
        || me.capable(abi::cred::CAP_SYS_PTRACE)
}

/// `PTRACE_ATTACH` and `PTRACE_SEIZE` (Linux's `ptrace_attach`).
pub fn attach(pid: Pid, seize: bool, addr: usize, data: usize) -> Result<usize, Errno> {
    if seize && (addr != 0 || data as u32 & !PTRACE_O_MASK != 0) {
        return Err(EIO);
    }
    SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let my = s.tasks.get(me).expect("current task");
        let my_tgid = my.tgid;
        let t = s.tasks.get(pid).ok_or(ESRCH)?;
        if t.tgid == my_tgid {
            return Err(EPERM);
        }
        if !may_access(&my.cred, &t.cred) {
            return Err(EPERM);
        }
        if matches!(t.state, TaskState::Zombie(_)) || t.ptrace.tracer.is_some() {
            return Err(EPERM);
        }
        let stopped = t.state == TaskState::Stopped;
        link(s, my_tgid, pid)?;
        let t = s.tasks.get_mut(pid).expect("checked above");
        t.ptrace = PtraceState {
            tracer: Some(my_tgid),
            seized: seize,
            options: if seize { data as u32 } else { 0 },
            tracees: core::mem::take(&mut t.ptrace.tracees),
            ..Default::default()
        };
        // A task in a group stop wakes to meet the ptrace stop (Linux's
        // JOBCTL_TRAP_STOP kick); a seized one reports it as an event.
        if stopped {
            if seize && let Some(t) = s.tasks.get_mut(pid) {
                t.ptrace.trap_stop = true;
            }
            s.resume(pid);
        }
        Ok(0)
    })?;
    if !seize {
        signal::send(pid, SIGSTOP, signal::priv_info(SIGSTOP))?;
    }
    signal::wake_return_path();
    Ok(0)
}

/// Linux's `ptrace_check_attach`: `pid` must be traced by the caller's
/// process and, unless `any_state`, stopped for it; else `ESRCH`.
pub fn check_attach(pid: Pid, any_state: bool) -> Result<(), Errno> {
    SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let my_tgid = s.tasks.get(me).expect("current task").tgid;
        let t = s.tasks.get(pid).ok_or(ESRCH)?;
        (t.ptrace.tracer == Some(my_tgid) && (any_state || t.state == TaskState::Traced))
            .then_some(())
            .ok_or(ESRCH)
    })
}

/// Run `f` on traced task `pid` (checked by [`check_attach`]).
pub fn with_tracee<R>(pid: Pid, f: impl FnOnce(&mut super::task::Task) -> R) -> R {
    SCHED.with(|s| f(s.tasks.get_mut(pid).expect("a checked tracee")))
}

/// Linux's `user_disable_single_step`: TF goes if ptrace set it.
fn disable_step(t: &mut super::task::Task) {
    t.ptrace.singlestep = false;
    if core::mem::take(&mut t.ptrace.forced_tf) {
        t.regs().flags &= !X86_EFLAGS_TF;
    }
}

/// `PTRACE_CONT`, `PTRACE_SYSCALL`, `PTRACE_SINGLESTEP`, `PTRACE_SYSEMU`,
/// `PTRACE_SYSEMU_SINGLESTEP` (Linux's `ptrace_resume`): set the syscall
/// work and the trap flag, and wake the tracee with signal `data`.
pub fn resume(pid: Pid, request: u32, data: usize) -> Result<usize, Errno> {
    if data > abi::signal::NSIG {
        return Err(EIO);
    }
    let step = matches!(request, PTRACE_SINGLESTEP | PTRACE_SYSEMU_SINGLESTEP);
    let work = request != PTRACE_CONT;
    SCHED.with(|s| {
        let t = s.tasks.get_mut(pid).expect("a checked tracee");
        t.ptrace.syscall_trace = request == PTRACE_SYSCALL;
        t.ptrace.sysemu = matches!(request, PTRACE_SYSEMU | PTRACE_SYSEMU_SINGLESTEP);
        if step {
            // Linux's enable_single_step: remember whether TF was ours.
            let regs = t.regs();
            if regs.flags & X86_EFLAGS_TF == 0 {
                regs.flags |= X86_EFLAGS_TF;
                t.ptrace.forced_tf = true;
            }
            t.ptrace.singlestep = true;
        } else {
            disable_step(t);
        }
        t.ptrace.exit_code = data as u32;
        s.wake_traced(pid);
    });
    if work {
        // The stops live on the system-call path's slow side.
        crate::syscall::enable_syscall_work();
    }
    signal::wake_return_path();
    Ok(0)
}

/// Untie tracee `pid` from its tracer (Linux's `__ptrace_unlink` and
/// `__ptrace_detach`): no more stops, TF cleared if ptrace set it, and a
/// task in a ptrace stop runs again with `signal`. A zombie no longer
/// traced is reported to its real parent now (true: released).
fn unlink(pid: Pid, signal: u32) -> bool {
    let zombie = SCHED.with(|s| {
        let Some(t) = s.tasks.get_mut(pid) else {
            return false;
        };
        disable_step(t);
        let tracer = t.ptrace.tracer;
        let tracees = core::mem::take(&mut t.ptrace.tracees);
        t.ptrace = PtraceState {
            tracees,
            exit_code: signal,
            ..Default::default()
        };
        let zombie = matches!(t.state, TaskState::Zombie(_)) && t.pid == t.tgid;
        s.wake_traced(pid);
        if let Some(tr) = tracer.and_then(|tr| s.tasks.get_mut(tr)) {
            tr.ptrace.tracees.retain(|&p| p != pid);
        }
        zombie
    });
    signal::wake_return_path();
    zombie && super::exit::notify_parent_released(pid)
}

/// `PTRACE_DETACH` (Linux's `ptrace_detach`): resume with `data`.
pub fn detach(pid: Pid, data: usize) -> Result<usize, Errno> {
    if data > abi::signal::NSIG {
        return Err(EIO);
    }
    unlink(pid, data as u32);
    Ok(0)
}

/// A tracer's process ends (Linux's `exit_ptrace`): each tracee is
/// detached, and killed if it asked for `PTRACE_O_EXITKILL`.
pub fn exit_ptrace(tgid: Pid) {
    let list = SCHED.with(|s| {
        s.tasks
            .get_mut(tgid)
            .map(|t| core::mem::take(&mut t.ptrace.tracees))
            .unwrap_or_default()
    });
    for &p in &list {
        let kill = SCHED.with(|s| {
            s.tasks.get(p).and_then(|t| {
                (t.ptrace.tracer == Some(tgid)).then_some(t.ptrace.options & PTRACE_O_EXITKILL != 0)
            })
        });
        let Some(kill) = kill else { continue };
        if kill {
            let _ = signal::send(p, SIGKILL, signal::priv_info(SIGKILL));
        }
        unlink(p, 0);
    }
    drop(list);
}

/// `PTRACE_INTERRUPT`: a seized tracee stops at its next return to user
/// mode; a sleeping call is interrupted for it (`EIO` unless seized).
pub fn interrupt(pid: Pid) -> Result<usize, Errno> {
    SCHED.with(|s| {
        let t = s.tasks.get_mut(pid).expect("a checked tracee");
        if !t.ptrace.seized {
            return Err(EIO);
        }
        t.ptrace.trap_stop = true;
        s.make_runnable(pid);
        Ok(0)
    })?;
    signal::wake_return_path();
    Ok(0)
}

/// One register of `struct user_regs_struct`, by index (Linux's `getreg`):
/// segment registers as 16 bits, EFLAGS without a TF ptrace set.
pub fn getreg(t: &mut super::task::Task, i: usize) -> u32 {
    let forced = t.ptrace.forced_tf;
    let r = t.regs();
    match i {
        0 => r.bx,
        1 => r.cx,
        2 => r.dx,
        3 => r.si,
        4 => r.di,
        5 => r.bp,
        6 => r.ax,
        7 => r.ds & 0xFFFF,
        8 => r.es & 0xFFFF,
        9 => r.fs & 0xFFFF,
        10 => r.gs & 0xFFFF,
        11 => r.orig_ax,
        12 => r.ip,
        13 => r.cs & 0xFFFF,
        14 => {
            if forced {
                r.flags & !X86_EFLAGS_TF
            } else {
                r.flags
            }
        }
        15 => r.sp,
        _ => r.ss & 0xFFFF,
    }
}

/// Set one register (Linux's `putreg`): a selector must be 0 or have RPL
/// 3 (`CS` and `SS` not 0), else `EIO`; EFLAGS takes only the bits user
/// code may change (`FLAG_MASK_32`), and TF set by the tracer itself is
/// no longer ptrace's to clear.
pub fn putreg(t: &mut super::task::Task, i: usize, v: u32) -> Result<(), Errno> {
    let seg = v & 0xFFFF;
    let bad_sel = v > 0xFFFF || (seg != 0 && seg & 3 != 3);
    if matches!(i, 7..=10 | 13 | 16) && (bad_sel || (matches!(i, 13 | 16) && seg == 0)) {
        return Err(EIO);
    }
    let mut v = v;
    if i == 14 {
        if v & X86_EFLAGS_TF != 0 {
            t.ptrace.forced_tf = false;
        } else if t.ptrace.forced_tf {
            v |= X86_EFLAGS_TF;
        }
    }
    let r = t.regs();
    match i {
        0 => r.bx = v,
        1 => r.cx = v,
        2 => r.dx = v,
        3 => r.si = v,
        4 => r.di = v,
        5 => r.bp = v,
        6 => r.ax = v,
        7 => r.ds = seg,
        8 => r.es = seg,
        9 => r.fs = seg,
        10 => r.gs = seg,
        11 => r.orig_ax = v,
        12 => r.ip = v,
        13 => r.cs = seg,
        14 => r.flags = (r.flags & !FLAG_MASK) | (v & FLAG_MASK),
        15 => r.sp = v,
        _ => r.ss = seg,
    }
    mark_frame_dirty();
    Ok(())
}

/// Tracee `t`'s x87/SSE state as an FXSAVE image (`user_fxsr_struct`).
/// Under XSAVE a component in its initial state (its `XSTATE_BV` bit
/// clear) reads as that initial state, as Linux's
/// `copy_xstate_to_uabi_buf` fills it in.
pub fn fxsave_view(t: &super::task::Task) -> UserFxsr {
    use crate::arch::x86::fpu;
    let mut fx = [0u8; 512];
    fx.copy_from_slice(&t.fpu.0[..fpu::FXSAVE_SIZE]);
    if fpu::xfeatures() != 0 {
        let bv = t.fpu.0[fpu::XSAVE_HDR];
        if bv & 1 == 0 {
            fx[..24].fill(0);
            fx[0..2].copy_from_slice(&0x37fu16.to_le_bytes());
            fx[32..160].fill(0);
        }
        if bv & 2 == 0 {
            fx[160..288].fill(0);
        }
    }
    fx
}

/// Put an FXSAVE image into tracee `t`'s state: under XSAVE the x87 and
/// SSE components are marked in use, so that XRSTOR loads them; MXCSR's
/// reserved bits are cleared (`fpu::sanitize`), or the load would fault.
pub fn set_fxsave(t: &mut super::task::Task, fx: &UserFxsr) {
    use crate::arch::x86::fpu;
    let mut new = *fx;
    // MXCSR_MASK is the CPU's, not the tracer's.
    new[28..32].copy_from_slice(&t.fpu.0[28..32]);
    t.fpu.0[..fpu::FXSAVE_SIZE].copy_from_slice(&new);
    if fpu::xfeatures() != 0 {
        t.fpu.0[fpu::XSAVE_HDR] |= 3;
    }
    fpu::sanitize(&mut t.fpu, fpu::xfeatures());
}

/// The x87 state as `struct user_i387_struct`, the FNSAVE layout
/// (Linux's `convert_from_fxsr`; the image itself without FXSR).
pub fn get_i387(t: &super::task::Task) -> UserI387 {
    use crate::arch::x86::fpu;
    let env = if fpu::have_fxsr() {
        fpu::fnsave_env(&fxsave_view(t))
    } else {
        t.fpu.0[..108].try_into().expect("108 bytes")
    };
    core::array::from_fn(|i| u32::from_le_bytes(env[i * 4..i * 4 + 4].try_into().expect("4 bytes")))
}

/// Set the x87 state from `struct user_i387_struct` (Linux's
/// `convert_to_fxsr`); MXCSR and the SSE registers stay.
pub fn set_i387(t: &mut super::task::Task, env: &UserI387) {
    use crate::arch::x86::fpu;
    let mut bytes = [0u8; 108];
    for (i, w) in env.iter().enumerate() {
        bytes[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    if !fpu::have_fxsr() {
        t.fpu.0[..108].copy_from_slice(&bytes);
        return;
    }
    let mut fx = fxsave_view(t);
    fpu::set_fnsave_env(&mut fx, &bytes);
    set_fxsave(t, &fx);
}

/// Read or write `buf.len()` bytes of traced task `pid`'s memory at
/// `addr` (Linux's `ptrace_access_vm` with `FOLL_FORCE`): any mapped
/// region, pages faulted in, a write to a read-only private page going
/// to the task's own copy; never the vDSO. `EIO` where nothing is mapped.
pub fn access_vm(pid: Pid, addr: usize, buf: &mut [u8], write: bool) -> Result<(), Errno> {
    use crate::mm::addrspace::{Fault, RegionKind};
    let mm = with_tracee(pid, |t| t.mm.clone()).ok_or(EIO)?;
    let end = addr.checked_add(buf.len()).ok_or(EIO)?;
    if end > crate::mm::USER_TOP {
        return Err(EIO);
    }
    mm.with(|m| {
        let mut va = addr;
        while va < end {
            let page = va & !(crate::mm::PAGE_SIZE - 1);
            let r = m.region_at(va).ok_or(EIO)?;
            // A forced write may copy a private page, never write through
            // a shared mapping without PROT_WRITE: that would be the file
            // or the segment itself (Linux's check_vma_flags: EFAULT, which
            // ptrace reports as EIO).
            let shared_ro = r.is_shared() && !r.prot.write;
            if write && (shared_ro || matches!(r.kind, RegionKind::Vdso | RegionKind::Vvar)) {
                return Err(EIO);
            }
            let w = write && r.prot.write;
            if m.translate(page).is_none() && m.handle_fault(page, w, false) != Fault::Served {
                return Err(EIO);
            }
            va = page + crate::mm::PAGE_SIZE;
        }
        if write {
            m.write_bytes(addr, buf).map_err(|_| EIO)
        } else if m.read_bytes(addr, buf) == buf.len() {
            Ok(())
        } else {
            Err(EIO)
        }
    })
}

/// A traced task's stop as the tracer's `wait` reports it (Linux's
/// `wait_task_stopped` with `ptrace`: `CLD_TRAPPED`, status
/// `exit_code << 8 | 0x7f`, reported once unless `WNOWAIT`).
pub fn wait_traced(t: &mut super::task::Task, flags: u32) -> Option<(u32, u32)> {
    if t.state != TaskState::Traced || t.ptrace.exit_code == 0 {
        return None;
    }
    let code = t.ptrace.exit_code;
    if flags & abi::wait::WNOWAIT == 0 {
        t.ptrace.exit_code = 0;
    }
    Some(((code << 8) | 0x7f, code))
}

/// Task `pid`'s TLS descriptor `idx` (a GDT entry number) as a
/// `user_desc` (Linux's `fill_user_desc`): `EINVAL` past the TLS slots.
pub fn thread_area(pid: Pid, idx: usize) -> Result<abi::types::UserDesc, Errno> {
    use crate::arch::x86::gdt::{GDT_ENTRY_TLS_ENTRIES, GDT_ENTRY_TLS_MIN};
    if !(GDT_ENTRY_TLS_MIN..GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES).contains(&idx) {
        return Err(EINVAL);
    }
    let d = with_tracee(pid, |t| t.tls[idx - GDT_ENTRY_TLS_MIN]);
    let base = ((d >> 16) & 0xff_ffff) as u32 | (((d >> 56) as u32) << 24);
    let limit = (d & 0xffff) as u32 | (((d >> 48) & 0xf) as u32) << 16;
    let typ = ((d >> 40) & 0xf) as u32;
    let present = (d >> 47) & 1;
    let avl = (d >> 52) & 1;
    let db = (d >> 54) & 1;
    let g = (d >> 55) & 1;
    let flags = db as u32
        | (typ >> 2) << 1
        | u32::from(typ & 2 == 0) << 3
        | (g as u32) << 4
        | u32::from(present == 0) << 5
        | (avl as u32) << 6;
    Ok(abi::types::UserDesc {
        entry_number: idx as u32,
        base_addr: base,
        limit,
        flags,
    })
}

/// The current tracer's `wait` reaps zombie `pid`: if it is a tracee that
/// is not the tracer's child, the tracer only lets go of it, and its real
/// parent hears of its exit now (Linux's `wait_task_zombie` for a
/// ptrace-reparented task). True if so (the caller releases nothing).
pub fn reap_foreign(pid: Pid) -> bool {
    let foreign = SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let tgid = s.tasks.get(me).expect("current task").tgid;
        s.tasks
            .get(pid)
            .is_some_and(|t| t.ppid != tgid && t.ptrace.tracer == Some(tgid))
    });
    if foreign {
        unlink(pid, 0);
    }
    foreign
}

//! Signal delivery (Linux's `kernel/signal.c` and `arch/x86/kernel/
//! signal_32.c`, in miniature).
//!
//! A signal is *sent* by setting a bit in the target's `sigpending` (and
//! waking it if it sleeps: its system call then returns `-EINTR` or asks to
//! be restarted). Sending first applies the job-control rules of Linux's
//! `prepare_signal`: `SIGCONT` resumes a stopped process and discards its
//! pending stop signals, a stop signal discards a pending `SIGCONT`, and a
//! signal the target ignores is dropped there and then. A signal is
//! *delivered* on the way back to user space ([`on_return_to_user`], called
//! by the entry code after a system call, an exception or an interrupt):
//! the default action (ignore, stop, or terminate), or a handler. For a
//! handler the kernel pushes a signal frame on the user stack — Linux's
//! `sigframe`, or `rt_sigframe` with `siginfo` and `ucontext` for
//! `SA_SIGINFO` — holding the interrupted registers, and points EIP at the
//! handler; the handler returns into `sa_restorer` (or the frame's own
//! `retcode`), which calls `sigreturn`/`rt_sigreturn` to restore them.
//!
//! A system call a signal interrupts returns one of the kernel's restart
//! codes (`ERESTARTSYS` and the like); the return path then either makes
//! it `EINTR` or backs EIP up over the `int $0x80` so that it runs again,
//! as Linux's `handle_signal` decides: a stopped and continued `read`
//! carries on as if nothing happened.
//!
//! An `SA_ONSTACK` handler runs on the alternate stack `sigaltstack` set
//! up ([`do_sigaltstack`]). Not yet: core dumps.

use super::cred::Cred;
use super::exit::do_group_exit;
use super::task::{AltStack, JobCtl, Pid, TaskState};
use super::{current_mm, exit, sched, vdso, with_current};
use crate::arch::x86::fpu_signal;
use crate::arch::x86::gdt::{USER_CS, USER_DS};
use crate::arch::x86::ptregs::{
    PtRegs, X86_EFLAGS_AC, X86_EFLAGS_CF, X86_EFLAGS_DF, X86_EFLAGS_RF, X86_EFLAGS_TF,
};
use crate::mm::usercopy::{copy_to_user, get_user};
use abi::errno::{
    EINTR, ERESTART_RESTARTBLOCK, ERESTARTNOHAND, ERESTARTNOINTR, ERESTARTSYS, Errno,
};
use abi::signal::*;
use abi::types::{KSigaction, Sigcontext, Siginfo, SignalStack, Ucontext};
use alloc::vec::Vec;
use core::mem::size_of;
use core::sync::atomic::{AtomicBool, Ordering};

/// Set when some task may have a pending signal: the return path then looks.
/// A hint only (cleared after a scan finds none), so the common return to
/// user space costs one load.
static IN_FLIGHT: AtomicBool = AtomicBool::new(false);

/// The mask bit of signal `sig` (1..=64).
pub const fn sigbit(sig: i32) -> u64 {
    1 << (sig - 1)
}

/// The stop signals (Linux's `SIG_KERNEL_STOP_MASK`).
const STOP_MASK: u64 = sigbit(SIGSTOP) | sigbit(SIGTSTP) | sigbit(SIGTTIN) | sigbit(SIGTTOU);

/// Is `sig` a stop signal (`sig_kernel_stop`)?
pub fn sig_kernel_stop(sig: i32) -> bool {
    (1..=NSIG as i32).contains(&sig) && STOP_MASK & sigbit(sig) != 0
}

/// Signals whose default action is to do nothing (`sig_kernel_ignore`).
fn sig_kernel_ignore(sig: i32) -> bool {
    matches!(sig, SIGCHLD | SIGURG | SIGWINCH | SIGCONT)
}

/// Signals whose default action dumps core (`sig_kernel_coredump`): they
/// kill too, but not through the shortcut that ends a stopped process.
fn sig_kernel_coredump(sig: i32) -> bool {
    matches!(
        sig,
        SIGQUIT
            | SIGILL
            | SIGTRAP
            | SIGABRT
            | SIGFPE
            | SIGSEGV
            | SIGBUS
            | SIGSYS
            | SIGXCPU
            | SIGXFSZ
    )
}

/// Signals no process can catch or block (`sig_kernel_only`).
fn sig_kernel_only(sig: i32) -> bool {
    sig == SIGKILL || sig == SIGSTOP
}

/// Would task `t` throw `sig` away at once (Linux's `sig_ignored`)? A
/// blocked signal (or one `rt_sigtimedwait` waits for) never is (its handler may change before it is
/// unblocked); init (Linux's `SIGNAL_UNKILLABLE`) ignores what it has no
/// handler for, `SIGKILL` and `SIGSTOP` included; anyone ignores what its
/// disposition or the default action ignores.
fn sig_ignored(t: &super::task::Task, sig: i32) -> bool {
    if (t.sigmask | t.real_blocked) & sigbit(sig) != 0 {
        return false;
    }
    // A tracer sees even ignored signals (proc/ptrace.rs), SIGKILL aside.
    if t.ptrace.tracer.is_some() && sig != SIGKILL {
        return false;
    }
    let handler = t.sigactions[sig as usize - 1].sa_handler;
    if t.tgid == 1 && (sig_kernel_only(sig) || handler == SIG_DFL) {
        return true;
    }
    handler == SIG_IGN || (handler == SIG_DFL && sig_kernel_ignore(sig))
}

/// Is `sp` on the alternate stack `sas` (Linux's `on_sig_stack`)? Never
/// while it is `SS_AUTODISARM`: such a stack is disarmed while in use, and
/// a stack pointer that strays near it must not keep signals off it.
pub fn on_sig_stack(sas: &AltStack, sp: usize) -> bool {
    sas.flags & SS_AUTODISARM == 0 && sp > sas.sp && sp - sas.sp <= sas.size
}

/// The alternate stack's state as `sigaltstack` reports it for stack
/// pointer `sp` (Linux's `sas_ss_flags`): disabled, in use, or 0.
fn sas_ss_flags(sas: &AltStack, sp: usize) -> u32 {
    if sas.size == 0 {
        SS_DISABLE
    } else if on_sig_stack(sas, sp) {
        SS_ONSTACK
    } else {
        0
    }
}

/// `sigaltstack` for the current task, whose user stack pointer is `sp`
/// (Linux's `do_sigaltstack`): the old stack as a `stack_t`, and the new
/// one set if given. Changing it while running on it is `-EPERM`; a mode
/// other than 0, `SS_ONSTACK` or `SS_DISABLE` is `-EINVAL`; a stack
/// smaller than `MINSIGSTKSZ` is `-ENOMEM`.
pub fn do_sigaltstack(new: Option<SignalStack>, sp: usize) -> Result<SignalStack, Errno> {
    with_current(|t| {
        let old = SignalStack {
            ss_sp: t.sas.sp as u32,
            ss_flags: (sas_ss_flags(&t.sas, sp) | (t.sas.flags & SS_FLAG_BITS)) as i32,
            ss_size: t.sas.size as u32,
        };
        if let Some(ss) = new {
            if on_sig_stack(&t.sas, sp) {
                return Err(abi::errno::EPERM);
            }
            let flags = ss.ss_flags as u32;
            let mode = flags & !SS_FLAG_BITS;
            if mode != 0 && mode != SS_ONSTACK && mode != SS_DISABLE {
                return Err(abi::errno::EINVAL);
            }
            t.sas = if mode == SS_DISABLE {
                AltStack {
                    sp: 0,
                    size: 0,
                    flags,
                }
            } else if (ss.ss_size as usize) < MINSIGSTKSZ {
                return Err(abi::errno::ENOMEM);
            } else {
                AltStack {
                    sp: ss.ss_sp as usize,
                    size: ss.ss_size as usize,
                    flags,
                }
            };
        }
        Ok(old)
    })
}

/// The `siginfo`s of a thread's or a process's pending signals, oldest
/// first (Linux's `sigpending.list` of `sigqueue`s): one per standard
/// signal, as many as were sent of a real-time one. Entries count against
/// `RLIMIT_SIGPENDING` through `ThreadGroup::sigqueued`, except a POSIX
/// timer's (marked `true`: Linux's `SIGQUEUE_PREALLOC`), which its timer
/// holds from creation.
#[derive(Default)]
pub struct SigQueue(Vec<(Siginfo, bool)>);

impl SigQueue {
    /// Queue `info` at the end; fails only for want of memory (a user's
    /// request: the kernel's reserve is not touched).
    fn push(&mut self, info: Siginfo, timer: bool) -> Result<(), crate::mm::heap::NoMemory> {
        crate::mm::heap::for_user(|| self.0.try_reserve(1))?;
        self.0.push((info, timer));
        Ok(())
    }

    /// Put `info` in place of the entry for its signal, or queue it if
    /// there is none and memory allows: true when a counted entry was
    /// added.
    fn replace(&mut self, info: Siginfo) -> bool {
        // A timer's entry stays its timer's.
        match self
            .0
            .iter_mut()
            .find(|q| q.0.si_signo == info.si_signo && !q.1)
        {
            Some(q) => {
                *q = (info, false);
                false
            }
            None => self.push(info, false).is_ok(),
        }
    }

    /// Take the oldest entry for `sig`, and say whether another remains.
    fn take(&mut self, sig: i32) -> (Option<(Siginfo, bool)>, bool) {
        let mut of_sig = self
            .0
            .iter()
            .enumerate()
            .filter(|(_, q)| q.0.si_signo == sig);
        let first = of_sig.next().map(|(i, _)| i);
        let more = of_sig.next().is_some();
        (first.map(|i| self.0.remove(i)), more)
    }

    /// Drop the entries of the signals in `mask`, telling `timer_gone`
    /// the id of each timer whose entry went; how many counted ones went.
    fn discard(&mut self, mask: u64, mut timer_gone: impl FnMut(i32)) -> usize {
        let mut counted = 0;
        self.0.retain(|q| {
            let keep = sigbit(q.0.si_signo) & mask == 0;
            if !keep && q.1 {
                timer_gone(q.0.fields[0] as i32); // si_tid
            } else if !keep {
                counted += 1;
            }
            keep
        });
        counted
    }

    /// Drop every entry; how many counted ones went.
    pub fn clear(&mut self) -> usize {
        let n = self.0.iter().filter(|q| !q.1).count();
        self.0.clear();
        n
    }
}

/// A `siginfo_t` for a signal sent by process `pid` (`SI_USER`/`SI_TKILL`).
/// Its `si_uid` (`fields[1]`) is 0; `kill` and `tkill` put the sender's
/// real uid there.
pub fn user_info(sig: i32, code: i32, pid: u32) -> Siginfo {
    let mut i = Siginfo::ZERO;
    i.si_signo = sig;
    i.si_code = code;
    i.fields[0] = pid; // si_pid
    i
}

/// May a process with credentials `cred` signal one with `tcred`? Linux's
/// `kill_ok_by_cred`: the sender's real or effective uid is the target's
/// real or saved uid (not its effective one: a setuid program that raised
/// its euid stays signalable by whoever started it, and one that lowered
/// it by its owner), or the sender has `CAP_KILL`.
pub fn kill_ok_by_cred(cred: &Cred, tcred: &Cred) -> bool {
    cred.euid == tcred.suid
        || cred.euid == tcred.uid
        || cred.uid == tcred.suid
        || cred.uid == tcred.uid
        || cred.capable(abi::cred::CAP_KILL)
}

/// A `siginfo_t` for a signal the kernel sends on its own behalf (Linux's
/// `SEND_SIG_PRIV`): `SI_KERNEL`, from no process.
pub fn priv_info(sig: i32) -> Siginfo {
    user_info(sig, SI_KERNEL, 0)
}

/// Linux's checks before a signal a user sends (`kill`, `tkill`,
/// `tgkill`, `rt_sigqueueinfo`; `sig` 0 only checks), in its order: no
/// such task is `-ESRCH`, then a bad signal `-EINVAL`, then a target in
/// another process that `kill_ok_by_cred` refuses `-EPERM` (Linux's
/// `check_kill_permission`), except `SIGCONT` within the sender's session,
/// which a shell's job control needs whoever runs the job. A zombie is
/// still there to be checked.
pub fn check_kill_permission(sig: i32, target: Pid) -> Result<(), Errno> {
    sched::SCHED.with(|s| {
        let me = s.current.expect("a signal sent by no task");
        let t = s.tasks.get(target).ok_or(abi::errno::ESRCH)?;
        if !(0..=NSIG as i32).contains(&sig) {
            return Err(abi::errno::EINVAL);
        }
        let cur = s.tasks.get(me).expect("current task");
        if target != me
            && !kill_ok_by_cred(&cur.cred, &t.cred)
            && !(sig == SIGCONT && t.sid == cur.sid)
        {
            return Err(abi::errno::EPERM);
        }
        Ok(())
    })
}

/// Send `sig` to the running process as if it had sent it itself, with
/// `SI_USER` from its own pid (Linux's `send_sig(sig, current, 0)`): the
/// signals a call raises besides its errno (`SIGPIPE`, `SIGXFSZ`).
pub fn send_self(sig: i32) {
    let me = super::with_current(|t| t.pid);
    let _ = send(me, sig, user_info(sig, SI_USER, me));
}

/// Send `sig` to thread `pid` (Linux's `send_sig_info` with `PIDTYPE_PID`:
/// `tgkill`, `tkill`, and the signals a call raises for its caller):
/// `-ESRCH` if there is no such task. See [`send_signal`].
pub fn send(pid: u32, sig: i32, info: Siginfo) -> Result<(), Errno> {
    send_signal(pid, sig, info, false, false).map(|_| ())
}

/// Send `sig` to the process task `pid` belongs to (Linux's
/// `group_send_sig_info`: `kill`, `SIGCHLD`, the terminal's signals): any
/// of its threads not blocking it takes it, `pid` first.
pub fn send_process(pid: u32, sig: i32, info: Siginfo) -> Result<(), Errno> {
    send_signal(pid, sig, info, true, false).map(|_| ())
}

/// Send a POSIX timer's signal (Linux's `send_sigqueue`) to thread `pid`
/// or (`group`) its process: `Ok(false)` if the target ignores it.
pub fn send_queued(pid: u32, sig: i32, info: Siginfo, group: bool) -> Result<bool, Errno> {
    send_signal(pid, sig, info, group, true)
}

/// Linux's `send_signal_locked`, with `prepare_signal` and
/// `complete_signal`. Apply the job-control side effects to the whole
/// process, drop the signal if the target ignores it, else mark it pending
/// for the thread or (`group`) for the process (a second standard signal
/// of a number already pending is merged into it, keeping the first
/// `siginfo`) and wake a thread that does not block it. A fatal signal (one
/// whose default action kills, unblocked, no core dump) ends the whole
/// process at once, as Linux's group-exit shortcut does; a stopped one
/// only for `SIGKILL`. `timer`: a POSIX timer's signal, whose queue entry
/// its timer holds. `Ok(false)`: dropped as ignored.
fn send_signal(pid: u32, sig: i32, info: Siginfo, group: bool, timer: bool) -> Result<bool, Errno> {
    if !(0..=NSIG as i32).contains(&sig) {
        return Err(abi::errno::EINVAL);
    }
    let queued = sched::SCHED.with(|s| -> Result<bool, Errno> {
        let t = s.tasks.get(pid).ok_or(abi::errno::ESRCH)?;
        let tgid = t.tgid;
        let dead = if group {
            t.group.threads.is_empty()
        } else {
            matches!(t.state, TaskState::Zombie(_))
        };
        if dead || sig == 0 {
            return Ok(false);
        }
        let n = t.group.threads.len();
        let thread = |s: &sched::Scheduler, i: usize| s.tasks.nth_thread(tgid, i);
        let mut resume = false;
        if sig_kernel_stop(sig) || sig == SIGCONT {
            let drop_mask = if sig == SIGCONT {
                STOP_MASK
            } else {
                sigbit(SIGCONT)
            };
            let t = s.tasks.get_mut(pid).expect("checked above");
            t.group.shared_pending &= !drop_mask;
            let g = &mut *t.group;
            let timers = &mut g.posix_timers;
            g.sigqueued -= g
                .shared_info
                .discard(drop_mask, |id| super::posix_timers::discarded(timers, id));
            for i in 0..n {
                if let Some(p) = thread(s, i)
                    && let Some(th) = s.tasks.get_mut(p)
                {
                    th.sigpending &= !drop_mask;
                    let g = &mut *th.group;
                    let timers = &mut g.posix_timers;
                    g.sigqueued -= th
                        .siginfo
                        .discard(drop_mask, |id| super::posix_timers::discarded(timers, id));
                }
            }
            let t = s.tasks.get_mut(pid).expect("checked above");
            if sig == SIGCONT && t.group.jobctl.stopped {
                // The process tells its parent (CLD_CONTINUED) when it runs.
                t.group.jobctl = JobCtl {
                    continued: true,
                    notify_continued: true,
                    ..JobCtl::default()
                };
                resume = true;
            }
        }
        let t = s.tasks.get_mut(pid).expect("checked above");
        let queued = !sig_ignored(t, sig);
        if queued {
            let bit = sigbit(sig);
            // Linux's __send_signal: a standard signal already pending is
            // merged into it (legacy_queue); any other gets a queue entry,
            // within RLIMIT_SIGPENDING unless a standard signal comes from
            // the kernel (override_rlimit). An RT signal sent with
            // information that cannot be queued is -EAGAIN; a plain one
            // is still marked pending, its siginfo lost.
            let limit = t.rlimits[abi::resource::RLIMIT_SIGPENDING as usize].cur;
            let g = &mut *t.group;
            let (pending, infos) = if group {
                (&mut g.shared_pending, &mut g.shared_info)
            } else {
                (&mut t.sigpending, &mut t.siginfo)
            };
            // A POSIX timer's entry was counted when the timer was made
            // (`proc/posix_timers.rs`), as Linux preallocates it, and is
            // queued even behind a pending standard signal
            // (send_sigqueue); without memory for it, the timer counts an
            // overrun instead.
            if timer {
                if infos.push(info, true).is_err() {
                    return Ok(false);
                }
                *pending |= bit;
            } else if *pending & bit == 0 || sig >= SIGRTMIN {
                let limited = sig >= SIGRTMIN || info.si_code < 0;
                let room = !limited || (g.sigqueued as u64) < limit;
                if room && infos.push(info, false).is_ok() {
                    g.sigqueued += 1;
                } else if sig >= SIGRTMIN && info.si_code != SI_USER {
                    return Err(abi::errno::EAGAIN);
                }
                *pending |= bit;
            }
            let handler = t.sigactions[sig as usize - 1].sa_handler;
            // Not for a signal rt_sigtimedwait waits for (it takes it).
            // Nor for a traced task: its tracer sees the signal first.
            let fatal = sig == SIGKILL
                || (handler == SIG_DFL
                    && t.ptrace.tracer.is_none()
                    && t.real_blocked & bit == 0
                    && !sig_kernel_ignore(sig)
                    && !sig_kernel_stop(sig)
                    && !sig_kernel_coredump(sig));
            // Linux's wants_signal: a thread that does not block it, is
            // not exiting, and (but for SIGKILL) is not stopped.
            let wants = |th: &super::task::Task| {
                !matches!(th.state, TaskState::Zombie(_))
                    && th.exit_pending.is_none()
                    && (th.sigmask & bit == 0 || sig == SIGKILL)
                    && (th.state != TaskState::Stopped || sig == SIGKILL)
            };
            let mut chosen = s.tasks.get(pid).filter(|th| wants(th)).map(|_| pid);
            if chosen.is_none() && group {
                chosen = (0..n)
                    .filter_map(|i| thread(s, i))
                    .find(|&p| s.tasks.get(p).is_some_and(wants));
            }
            if let Some(c) = chosen {
                if fatal {
                    super::thread::zap_threads(s, tgid, sig as u32, None);
                } else {
                    s.make_runnable(c);
                }
            }
        }
        if resume {
            for i in 0..n {
                if let Some(p) = thread(s, i) {
                    s.resume(p);
                }
            }
        }
        Ok(queued)
    })?;
    IN_FLIGHT.store(true, Ordering::Relaxed);
    Ok(queued)
}

/// Is a signal pending that the current task does not block? (Sleeping
/// system calls check this and return `-EINTR`.)
pub fn pending() -> bool {
    IN_FLIGHT.load(Ordering::Relaxed)
        && with_current(|t| {
            (t.sigpending | t.group.shared_pending) & !t.sigmask != 0
                // PTRACE_INTERRUPT ends a sleep as a signal does.
                || t.ptrace.trap_stop
        })
}

/// Take the lowest pending signal in `set` off the current task, with its
/// `siginfo` (Linux's `dequeue_signal`): for delivery, or for
/// `rt_sigtimedwait`, which takes blocked signals without a handler.
///
/// The thread's own signals come first, then the process's.
pub fn dequeue(set: u64) -> Option<(i32, Siginfo)> {
    with_current(|t| {
        let own = t.sigpending & set;
        let ready = if own != 0 {
            own
        } else {
            t.group.shared_pending & set
        };
        if ready == 0 {
            return None;
        }
        let sig = ready.trailing_zeros() as i32 + 1;
        let g = &mut *t.group;
        let (pending, infos) = if own != 0 {
            (&mut t.sigpending, &mut t.siginfo)
        } else {
            (&mut g.shared_pending, &mut g.shared_info)
        };
        // Linux's collect_signal: the oldest entry; the bit stays while
        // another of the same number is queued. One whose entry could not
        // be queued reads as SI_USER from no one.
        let (info, more) = infos.take(sig);
        if !more {
            *pending &= !sigbit(sig);
        }
        Some((
            sig,
            match info {
                Some((mut i, true)) => {
                    super::posix_timers::dequeued(g, &mut i);
                    i
                }
                Some((i, false)) => {
                    g.sigqueued -= 1;
                    i
                }
                None => user_info(sig, SI_USER, 0),
            },
        ))
    })
}

/// A fault in user mode (`arch/x86/traps.rs`): run the process's handler
/// for `sig` if it has one and does not block it; otherwise log `what` and
/// end the process, as Linux's `force_sig_fault` does.
pub fn force_fault(sig: i32, code: i32, addr: usize, trapno: u32, what: core::fmt::Arguments) {
    let handled = with_current(|t| {
        let a = t.sigactions[sig as usize - 1];
        let ok = a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN && t.sigmask & sigbit(sig) == 0;
        // A traced task takes the signal through its tracer (Linux's
        // force_sig_info_to_task: unblocked, SIG_DFL if it was ignored).
        let traced = t.ptrace.tracer.is_some();
        if traced && !ok {
            t.sigmask &= !sigbit(sig);
            if a.sa_handler == SIG_IGN {
                t.sigactions[sig as usize - 1].sa_handler = SIG_DFL;
            }
        }
        if ok || traced {
            let mut i = Siginfo::ZERO;
            i.si_signo = sig;
            i.si_code = code;
            i.fields[0] = addr as u32; // si_addr
            // The fault's own siginfo replaces one a `kill` may have
            // queued, so the handler sees the faulting address.
            if t.siginfo.replace(i) {
                t.group.sigqueued += 1;
            }
            t.sigpending |= sigbit(sig);
            t.fault_trapno = trapno;
        }
        ok || traced
    });
    if handled {
        IN_FLIGHT.store(true, Ordering::Relaxed);
    } else {
        super::fault::kill_current(sig, what);
    }
}

/// Have the next return to user space look at the current task (a signal
/// or an `exit_later` is waiting).
pub fn wake_return_path() {
    IN_FLIGHT.store(true, Ordering::Relaxed);
}

/// Deliver a pending signal, if any, before returning to user space from
/// an exception or an interrupt; or end the process, if `exit_later`
/// asked for it.
#[inline(always)]
pub fn on_return_to_user(regs: &mut PtRegs) {
    if IN_FLIGHT.load(Ordering::Relaxed) {
        deliver(regs, false);
    }
}

/// The same on the way back from a system call, whose restart codes are
/// settled there too. A call returns one only after it saw a signal
/// pending or sent one to its caller, both of which set the hint.
#[inline(always)]
pub fn on_syscall_exit(regs: &mut PtRegs) {
    if IN_FLIGHT.load(Ordering::Relaxed) {
        deliver(regs, true);
    }
}

/// A restart code, if the system call that `regs` returns from left one.
fn restart_code(regs: &PtRegs, syscall: bool) -> Option<Errno> {
    let e = Errno::from_ret(regs.ax as i32 as isize)?;
    (syscall && e.is_restart()).then_some(e)
}

/// Run the interrupted call again: back over the 2-byte `int $0x80`
/// (the SYSENTER path returns to the vDSO's landing pad, which follows an
/// `int $0x80` for this very purpose, with EBP already holding argument
/// six), with the number it was called with (or `restart_syscall`'s).
fn restart(regs: &mut PtRegs, nr: u32) {
    regs.ax = nr;
    regs.ip = regs.ip.wrapping_sub(2);
}

/// A stop signal's default action (Linux's `do_signal_stop`): record the
/// stop for the parent's `wait`, stop the other threads, tell the parent
/// (`CLD_STOPPED`), and sleep in `TASK_STOPPED` until `SIGCONT` or a fatal
/// signal wakes the process.
fn do_signal_stop(sig: i32) {
    // A tracee's group stop is a ptrace stop, ended by its tracer
    // (Linux's do_jobctl_trap).
    if super::ptrace::group_stop(sig) {
        return;
    }
    with_current(|t| {
        t.group.jobctl = JobCtl {
            stopped: true,
            code: sig as u8,
            ..JobCtl::default()
        };
    });
    super::thread::stop_other_threads();
    super::exit::notify_parent_cldstop(CLD_STOPPED);
    sched::stop_current();
}

#[cold]
#[inline(never)]
fn deliver(regs: &mut PtRegs, syscall: bool) {
    // A handler's frame (or sigreturn's) brings its own selectors.
    crate::arch::x86::common::mark_frame_dirty();
    let mut handled = false;
    loop {
        // The one place a process ends itself: nothing below owns anything.
        if let Some(status) = with_current(|t| t.exit_pending) {
            exit(status);
        }
        // Continued since it last looked: tell the parent (Linux's
        // get_signal, SIGNAL_CLD_CONTINUED).
        if with_current(|t| core::mem::take(&mut t.group.jobctl.notify_continued)) {
            super::exit::notify_parent_cldstop(CLD_CONTINUED);
        }
        // The lowest unblocked pending signal (SIGKILL cannot be blocked).
        // A PTRACE_INTERRUPT trap (proc/ptrace.rs).
        super::ptrace::jobctl_trap(regs);
        let unblocked = with_current(|t| !t.sigmask | sigbit(SIGKILL));
        let Some((sig, info)) = dequeue(unblocked) else {
            break;
        };
        // A tracee's tracer sees the signal first, and may cancel or
        // change it (Linux's ptrace_signal).
        let Some((sig, info)) = super::ptrace::signal_stop(regs, sig, info) else {
            continue;
        };
        let (act, pid) = with_current(|t| (t.sigactions[sig as usize - 1], t.tgid));
        match act.sa_handler {
            _ if sig == SIGKILL => do_group_exit(sig as u32),
            SIG_IGN => continue,
            SIG_DFL if sig_kernel_ignore(sig) => continue,
            // Init dies of nothing it has no handler for (it may have
            // blocked the signal when it came, and so kept it).
            SIG_DFL if pid == 1 => continue,
            SIG_DFL if sig_kernel_stop(sig) => {
                // The terminal's stops do nothing to an orphaned group: no
                // shell is left to continue it. SIGSTOP always stops.
                if sig == SIGSTOP || !super::jobctl::is_current_pgrp_orphaned() {
                    do_signal_stop(sig);
                }
            }
            SIG_DFL => do_group_exit(sig as u32),
            _ => {
                // Linux's handle_signal: settle the interrupted call first,
                // so that the frame saves what sigreturn must resume.
                match restart_code(regs, syscall) {
                    Some(ERESTARTSYS) if act.sa_flags & SA_RESTART != 0 => {
                        restart(regs, regs.orig_ax)
                    }
                    Some(ERESTARTNOINTR) => restart(regs, regs.orig_ax),
                    Some(_) => regs.ax = EINTR.neg() as u32,
                    None => {}
                }
                // A tracee being single-stepped stops at the handler's
                // first instruction, its TF out of the saved frame
                // (Linux's handle_signal and signal_setup_done).
                let stepping = super::ptrace::take_singlestep(regs);
                if setup_frame(regs, sig, &act, &info).is_err() {
                    // No room on the user stack for the frame: SIGSEGV in
                    // its place (Linux's signal_setup_done and
                    // force_sigsegv), delivered as any other if it has a
                    // handler it does not block (a stack too small for an
                    // SA_ONSTACK handler leaves the ordinary one), fatal
                    // if it was SIGSEGV's own frame that did not fit.
                    let what = format_args!("bad stack for signal {sig}");
                    if sig == SIGSEGV {
                        super::fault::kill_current(SIGSEGV, what);
                        do_group_exit(SIGSEGV as u32);
                    }
                    force_fault(SIGSEGV, SI_KERNEL, 0, 0, what);
                    if with_current(|t| t.exit_pending.is_some()) {
                        do_group_exit(SIGSEGV as u32);
                    }
                    continue;
                }
                if stepping {
                    super::ptrace::report_step(regs);
                }
                // Every deliverable signal gets its frame now, each on
                // top of the last (Linux's exit_to_user_mode_loop): the
                // last one taken runs first. The handler's mask holds back
                // what it blocks.
                handled = true;
            }
        }
    }
    if !handled {
        // No handler ran: the interrupted call goes on (Linux's
        // arch_do_signal_or_restart), and a temporary mask goes away.
        match restart_code(regs, syscall) {
            Some(ERESTART_RESTARTBLOCK) => restart(regs, abi::syscalls::NR_RESTART_SYSCALL as u32),
            Some(ERESTARTSYS | ERESTARTNOINTR | ERESTARTNOHAND) => restart(regs, regs.orig_ax),
            _ => {}
        }
        with_current(|t| {
            if let Some(mask) = t.saved_sigmask.take() {
                t.sigmask = mask;
            }
        });
    }
    IN_FLIGHT.store(sched::any_live_signal_pending(), Ordering::Relaxed);
}

/// `sigframe_ia32` (arch/x86/include/asm/sigframe.h): pretcode, sig,
/// sigcontext, an unused 624-byte fpstate, extramask, retcode.
const SIGFRAME_SC: usize = 8;
const SIGFRAME_EXTRAMASK: usize = SIGFRAME_SC + size_of::<Sigcontext>() + 624;
const SIGFRAME_RETCODE: usize = SIGFRAME_EXTRAMASK + 4;
const SIGFRAME_SIZE: usize = SIGFRAME_RETCODE + 8;
/// `rt_sigframe_ia32`: pretcode, sig, pinfo, puc, siginfo, ucontext, retcode.
const RT_INFO: usize = 16;
const RT_UC: usize = RT_INFO + size_of::<Siginfo>();
const RT_RETCODE: usize = RT_UC + size_of::<Ucontext>();
const RT_SIZE: usize = RT_RETCODE + 8;
const UC_STACK: usize = 8;
const UC_MCONTEXT: usize = 20;
const UC_SIGMASK: usize = UC_MCONTEXT + size_of::<Sigcontext>();

/// `AT_MINSIGSTKSZ`: the most a signal frame can take, as Linux's
/// `init_sigframe_size` counts it (the larger, old-style frame, 15 bytes to
/// align it, the FPU part and 63 to align that, rounded up to 16): 1440
/// with FXSAVE, more with XSAVE's components.
pub fn max_frame_size() -> usize {
    (SIGFRAME_SIZE + 15 + fpu_signal::frame_bytes() + 63).next_multiple_of(16)
}

fn bytes_of<T: abi::Pod>(v: &T) -> &[u8] {
    // SAFETY: Pod types are plain bytes without padding.
    unsafe { core::slice::from_raw_parts(v as *const T as *const u8, size_of::<T>()) }
}

fn sigcontext_of(regs: &PtRegs, oldmask: u32, trapno: u32, cr2: u32) -> Sigcontext {
    Sigcontext {
        gs: regs.gs & 0xFFFF,
        fs: regs.fs & 0xFFFF,
        es: regs.es & 0xFFFF,
        ds: regs.ds & 0xFFFF,
        di: regs.di,
        si: regs.si,
        bp: regs.bp,
        sp: regs.sp,
        bx: regs.bx,
        dx: regs.dx,
        cx: regs.cx,
        ax: regs.ax,
        trapno,
        err: if trapno != 0 { regs.orig_ax } else { 0 },
        ip: regs.ip,
        cs: regs.cs & 0xFFFF,
        flags: regs.flags,
        sp_at_signal: regs.sp,
        ss: regs.ss & 0xFFFF,
        fpstate: 0,
        oldmask,
        cr2,
    }
}

/// Build the frame on the user stack and aim `regs` at the handler.
fn setup_frame(regs: &mut PtRegs, sig: i32, act: &KSigaction, info: &Siginfo) -> Result<(), ()> {
    let rt = act.sa_flags & SA_SIGINFO != 0;
    let size = if rt { RT_SIZE } else { SIGFRAME_SIZE };
    // Which stack (Linux's get_sigframe): the alternate one for an
    // SA_ONSTACK handler if it is set up and not already in use, else the
    // interrupted one. A frame that would overflow the alternate stack is
    // refused (SIGSEGV), as Linux returns its "always-bogus address".
    let sas = with_current(|t| t.sas);
    let mut sp = regs.sp as usize;
    let nested = on_sig_stack(&sas, sp);
    let entering = act.sa_flags & SA_ONSTACK != 0 && sas_ss_flags(&sas, sp) == 0;
    if entering {
        sp = sas.sp.wrapping_add(sas.size);
    }
    // The interrupted FPU state goes on the user stack first, in Linux's
    // layout (`arch/x86/fpu_signal.rs`): a handler that never returns (it
    // longjmps out) then leaves nothing behind in the kernel.
    let fx = fpu_signal::alloc_mathframe(sp).ok_or(())?;
    // Linux's align_sigframe: (sp + 4) is 16-aligned at the handler's entry.
    let frame = (fx.checked_sub(size).ok_or(())? + 4) & !15;
    let frame = frame.checked_sub(4).ok_or(())?;
    if (nested || entering) && !(frame > sas.sp && frame - sas.sp <= sas.size) {
        return Err(());
    }
    // The mask sigreturn puts back: the one a temporary mask (sigsuspend)
    // replaced, if there is one.
    let (oldmask, trapno) = with_current(|t| {
        let old = t.saved_sigmask.take().unwrap_or(t.sigmask);
        (old, core::mem::take(&mut t.fault_trapno))
    });
    let cr2 = if sig == SIGSEGV || sig == SIGBUS {
        info.fields[0]
    } else {
        0
    };
    let mut sc = sigcontext_of(regs, oldmask as u32, trapno, cr2);
    sc.fpstate = fx as u32;
    let mm = current_mm().map_err(|_| ())?;
    fpu_signal::save_to_sigframe(&mm, fx).map_err(|_| ())?;
    let mut buf = crate::mm::heap::try_zeroed(size).map_err(|_| ())?;
    let mut put = |off: usize, b: &[u8]| buf[off..off + b.len()].copy_from_slice(b);
    let retcode_off = if rt { RT_RETCODE } else { SIGFRAME_RETCODE };
    // Where the handler returns (Linux's ia32_setup_frame): the caller's
    // restorer, else the vDSO's trampoline while the vDSO is mapped, else
    // the retcode in the frame itself.
    let pretcode = if act.sa_flags & SA_RESTORER != 0 {
        act.sa_restorer
    } else if let Some(tramp) = vdso::sigreturn_trampoline(&mm, rt) {
        tramp as u32
    } else {
        (frame + retcode_off) as u32
    };
    put(0, &pretcode.to_le_bytes());
    put(4, &sig.to_le_bytes());
    if rt {
        put(8, &((frame + RT_INFO) as u32).to_le_bytes());
        put(12, &((frame + RT_UC) as u32).to_le_bytes());
        put(RT_INFO, bytes_of(info));
        // The alternate stack as it was (Linux's __save_altstack), which
        // rt_sigreturn sets again: an SS_AUTODISARM stack is disarmed
        // while the handler runs and armed again when it returns.
        let uc = Ucontext {
            uc_flags: 0,
            uc_link: 0,
            uc_stack: SignalStack {
                ss_sp: sas.sp as u32,
                ss_flags: sas.flags as i32,
                ss_size: sas.size as u32,
            },
            uc_mcontext: sc,
            uc_sigmask: [oldmask as u32, (oldmask >> 32) as u32],
        };
        put(RT_UC, bytes_of(&uc));
        // movl $__NR_rt_sigreturn, %eax; int $0x80 (what gdb recognises)
        put(RT_RETCODE, &[0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0]);
    } else {
        put(SIGFRAME_SC, bytes_of(&sc));
        put(SIGFRAME_EXTRAMASK, &((oldmask >> 32) as u32).to_le_bytes());
        // popl %eax; movl $__NR_sigreturn, %eax; int $0x80
        put(SIGFRAME_RETCODE, &[0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80]);
    }
    copy_to_user(&mm, frame, &buf).map_err(|_| ())?;

    // The handler starts with a clean FPU; the interrupted state waits in
    // the frame.
    with_current(|t| {
        let add = u64::from(act.sa_mask[1]) << 32 | u64::from(act.sa_mask[0]);
        let self_bit = if act.sa_flags & SA_NODEFER != 0 {
            0
        } else {
            sigbit(sig)
        };
        t.sigmask |= (add | self_bit) & !(sigbit(SIGKILL) | sigbit(SIGSTOP));
        // SA_RESETHAND (SA_ONESHOT) resets the handler only: the flags and
        // the mask stay, as Linux's get_signal does.
        if act.sa_flags & SA_RESETHAND != 0 {
            t.sigactions[sig as usize - 1].sa_handler = SIG_DFL;
        }
        if rt && sas.flags & SS_AUTODISARM != 0 {
            t.sas = AltStack {
                sp: 0,
                size: 0,
                flags: SS_DISABLE,
            };
        }
    });
    fpu_signal::restore_from_sigframe(&mm, 0).map_err(|_| ())?;
    regs.sp = frame as u32;
    regs.ip = act.sa_handler;
    regs.ax = sig as u32;
    regs.dx = if rt { (frame + RT_INFO) as u32 } else { 0 };
    regs.cx = if rt { (frame + RT_UC) as u32 } else { 0 };
    regs.cs = u32::from(USER_CS);
    regs.ss = u32::from(USER_DS);
    regs.ds = u32::from(USER_DS);
    regs.es = u32::from(USER_DS);
    regs.flags &= !(X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_RF);
    Ok(())
}

/// Load the FPU state saved at user address `at` (a clean one if `at` is
/// 0): `false` if the frame cannot be read, a bad frame as in Linux's
/// `fpu__restore_sig`.
fn restore_fpu(at: usize) -> bool {
    current_mm().is_ok_and(|mm| fpu_signal::restore_from_sigframe(&mm, at).is_ok())
}

/// Restore the registers a signal frame saved; validates everything the
/// user could have tampered with, since the frame lives in user memory.
fn restore(regs: &mut PtRegs, sc: &Sigcontext, mask: u64) -> Result<usize, Errno> {
    // The selectors as the frame has them, CS and SS with RPL 3 (Linux's
    // restore_sigcontext): the return path loads them. A data selector
    // that cannot be loaded becomes the null selector there (the loads'
    // exception-table fixups, as Linux's); a CS or SS that cannot be
    // loaded makes the iret fault, which is SIGILL (traps.rs iret_error).
    let seg = |s: u32| s & 0xFFFF;
    // Only the flags user code may change (Linux's FIX_EFLAGS).
    const FIX: u32 = X86_EFLAGS_AC
        | 0x800
        | X86_EFLAGS_DF
        | X86_EFLAGS_TF
        | 0x80
        | 0x40
        | 0x10
        | 0x4
        | X86_EFLAGS_CF
        | X86_EFLAGS_RF;
    *regs = PtRegs {
        bx: sc.bx,
        cx: sc.cx,
        dx: sc.dx,
        si: sc.si,
        di: sc.di,
        bp: sc.bp,
        ax: sc.ax,
        ds: seg(sc.ds),
        es: seg(sc.es),
        fs: seg(sc.fs),
        gs: seg(sc.gs),
        orig_ax: u32::MAX, // not a system call: nothing to restart
        ip: sc.ip,
        cs: (sc.cs & 0xFFFF) | 3,
        flags: (regs.flags & !FIX) | (sc.flags & FIX),
        sp: sc.sp,
        ss: (sc.ss & 0xFFFF) | 3,
    };
    with_current(|t| {
        t.sigmask = mask & !(sigbit(SIGKILL) | sigbit(SIGSTOP));
        // A call interrupted before the handler ran stays interrupted
        // (Linux's restore_sigcontext: no restart_syscall after this).
        t.restart_block = None;
    });
    if !restore_fpu(sc.fpstate as usize) {
        return bad_frame();
    }
    IN_FLIGHT.store(true, Ordering::Relaxed); // unblocked signals may be waiting
    Ok(sc.ax as usize)
}

/// An unreadable or tampered frame: SIGSEGV, as Linux's `force_sig(SIGSEGV)`;
/// the process ends on its way out, the registers untouched.
fn bad_frame() -> Result<usize, Errno> {
    super::fault::kill_current(SIGSEGV, format_args!("bad sigreturn frame"));
    Err(abi::errno::EFAULT)
}

/// `sigreturn()`: the frame is `sigframe_ia32`, 8 bytes below `esp` (the
/// handler's `ret` popped pretcode, the restorer popped `sig`).
pub fn sys_sigreturn(regs: &mut PtRegs) -> Result<usize, Errno> {
    let frame = (regs.sp as usize).wrapping_sub(8);
    let mm = current_mm()?;
    let (Ok(sc), Ok(hi)) = (
        get_user::<Sigcontext>(&mm, frame.wrapping_add(SIGFRAME_SC)),
        get_user::<u32>(&mm, frame.wrapping_add(SIGFRAME_EXTRAMASK)),
    ) else {
        return bad_frame();
    };
    restore(regs, &sc, u64::from(hi) << 32 | u64::from(sc.oldmask))
}

/// `rt_sigreturn()`: the frame is `rt_sigframe_ia32`, 4 bytes below `esp`.
pub fn sys_rt_sigreturn(regs: &mut PtRegs) -> Result<usize, Errno> {
    let frame = (regs.sp as usize).wrapping_sub(4);
    let mm = current_mm()?;
    let (Ok(sc), Ok(m), Ok(ss)) = (
        get_user::<Sigcontext>(&mm, frame.wrapping_add(RT_UC + UC_MCONTEXT)),
        get_user::<[u32; 2]>(&mm, frame.wrapping_add(RT_UC + UC_SIGMASK)),
        get_user::<SignalStack>(&mm, frame.wrapping_add(RT_UC + UC_STACK)),
    ) else {
        return bad_frame();
    };
    let ret = restore(regs, &sc, u64::from(m[1]) << 32 | u64::from(m[0]))?;
    // Linux's restore_altstack: set the saved stack again, from the
    // restored stack pointer; its errors are ignored (on the stack still:
    // nothing to change).
    let _ = do_sigaltstack(Some(ss), regs.sp as usize);
    Ok(ret)
}

const _: () = assert!(
    RT_SIZE == 268 && SIGFRAME_SIZE == 732,
    "Linux's i386 frame sizes"
);

//! The end of a process and what its parent learns of it (Linux's
//! kernel/exit.c): `exit` (`do_exit` and `exit_notify`), the `SIGCHLD`
//! that reports a child's exit, stop or continuation (`do_notify_parent`,
//! `do_notify_parent_cldstop` from kernel/signal.c), and the waiting that
//! collects those reports (`do_wait`, behind `wait4`, `waitpid` and
//! `waitid`).
//!
//! An exiting process gives its children to init, may leave a process
//! group orphaned (`jobctl.rs`), and becomes a zombie holding its wait
//! status until its parent reaps it, unless the parent said it will not
//! wait (`SIGCHLD` ignored, or `SA_NOCLDWAIT`): then it is released at
//! once, and a parent blocked in `wait` learns there is one child fewer.
//! A session leader's exit also hangs up its controlling terminal
//! (`fs/tty.rs`).

use super::jobctl;
use super::sched::{self, SCHED};
use super::signal;
use super::task::{Pid, Task, TaskState, WaitChannel};
use super::thread;
use crate::arch::x86::paging;
use abi::errno::{ECHILD, ERESTARTSYS, Errno};
use abi::signal::{
    CLD_CONTINUED, CLD_DUMPED, CLD_EXITED, CLD_KILLED, CLD_STOPPED, SA_NOCLDSTOP, SA_NOCLDWAIT,
    SIG_IGN, SIGCHLD, SIGCONT,
};
use abi::types::Siginfo;
use abi::wait::{__WALL, __WCLONE, WCONTINUED, WEXITED, WNOHANG, WNOWAIT, WSTOPPED};
use alloc::boxed::Box;

/// End the current thread with wait status `status` (Linux's `do_exit`);
/// the last thread of a process ends the process. Call it only where no
/// frame owns anything: the return to user mode
/// (`signal::on_return_to_user`), or a stub with nothing on the stack.
///
/// A thread other than the leader is released at once (no one waits for
/// it); the leader stays a zombie until the last thread is gone, and only
/// then is the parent told (Linux's `delay_group_leader`).
pub fn exit(status: u32) -> ! {
    // A tracer that asked for PTRACE_O_TRACEEXIT sees the task first.
    super::ptrace::event(abi::ptrace::PTRACE_EVENT_EXIT, status);
    // The user memory a thread library watches, while the address space
    // is still this thread's.
    thread::mm_release();
    let empty = thread::empty_files();
    let (pid, tgid, comm, files, group_dead) = super::with_current(|t| {
        // A table still shared with a live thread stays with it; the last
        // user closes it.
        let files = if t.files.users() > 1 {
            drop(core::mem::replace(&mut t.files, empty));
            alloc::vec::Vec::new()
        } else {
            t.files.close_all()
        };
        // Leave the address space before freeing it.
        // SAFETY: the kernel page directory maps the kernel half like every
        // process directory does.
        unsafe { paging::switch_pd(paging::kernel_pd_phys()) };
        t.mm = None;
        // A dying thread keeps no signals (nothing will deliver them).
        t.sigpending = 0;
        t.group.sigqueued -= t.siginfo.clear();
        let me = t.pid;
        let spent = super::thread::CpuTimes::of(t);
        let g = &mut *t.group;
        g.threads.retain(|&p| p != me);
        g.dead_times = g.dead_times + spent;
        let group_dead = g.threads.is_empty();
        if group_dead {
            g.shared_pending = 0;
            g.sigqueued -= g.shared_info.clear();
            // Nor timers to send more.
            g.itimers = Default::default();
            super::posix_timers::exit_timers(g);
            // The last thread out decides the status, unless a group exit
            // did (Linux's synchronize_group_exit).
            g.group_exit.get_or_insert(status);
        }
        (t.pid, t.tgid, t.comm.clone(), files, group_dead)
    });
    super::futex::forget(pid);
    // Record locks go with the descriptors (then any left: none should be).
    for f in &files {
        crate::fs::locks::close_posix(tgid, f);
    }
    drop(files); // pipe ends close here, waking their peers
    if group_dead {
        crate::fs::locks::exit(tgid);
        if tgid == 1 {
            crate::init_exited(&comm, status);
        }
    }
    // Everything this frame owns goes now: schedule() below never returns.
    drop(comm);
    if group_dead {
        // A session leader's terminal is hung up (Linux's disassociate_ctty(1)).
        crate::fs::tty::disassociate_ctty(true);
        // Its tracees go free, or die with it (PTRACE_O_EXITKILL).
        super::ptrace::exit_ptrace(tgid);
        forget_original_parent(tgid);
        // Its own group may be orphaned by its going (kill_orphaned_pgrp(tsk,
        // NULL) in exit_notify).
        jobctl::kill_orphaned_pgrp(tgid, None);
    }
    // The status a group exit decided, if one did (`group_exit_code`).
    super::with_current(|t| t.state = TaskState::Zombie(t.group.group_exit.unwrap_or(status)));
    SCHED.with(|s| thread::notify_exec_waiter(s, tgid));
    if pid != tgid {
        // A thread: nobody waits for it. If it was the last, its leader,
        // a zombie already, is reported now, with the group's status.
        SCHED.with(|s| {
            if let Some(l) = s.tasks.get_mut(tgid)
                && let (TaskState::Zombie(_), Some(st)) = (l.state, l.group.group_exit)
            {
                l.state = TaskState::Zombie(st);
            }
        });
        if group_dead && do_notify_parent(tgid) {
            release(tgid);
        }
        let older = SCHED.with(|s| {
            super::ptrace::forget(s, pid);
            let me = s.tasks.remove(pid).expect("current task");
            s.bury(me)
        });
        drop(older);
    } else if group_dead && do_notify_parent(pid) {
        // Nobody will wait for it: released now, its memory freed by the
        // next switch away from its stack (`sched::schedule`).
        let older = SCHED.with(|s| {
            let ppid = s.tasks.get(pid).expect("current task").ppid;
            unlink_child(s, ppid, pid);
            let me = s.tasks.remove(pid).expect("current task");
            s.bury(me)
        });
        drop(older);
    }
    sched::schedule();
    unreachable!("a zombie was scheduled");
}

/// End the whole process (Linux's `do_group_exit`): the other threads are
/// told to go, then this one goes.
pub fn do_group_exit(status: u32) -> ! {
    SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let tgid = s.tasks.get(me).expect("current task").tgid;
        thread::zap_threads(s, tgid, status, Some(me));
    });
    exit(status)
}

/// Give task `father`'s children to init, as Linux does (there are no
/// subreapers here). A zombie among them is reported to init, which may
/// release it at once; any of their groups that `father` alone tied to
/// its session is orphaned now (`reparent_leader`).
fn forget_original_parent(father: Pid) {
    let children = SCHED
        .with(|s| core::mem::take(&mut s.tasks.get_mut(father).expect("exiting task").children));
    for &c in &children {
        let zombie = SCHED.with(|s| {
            let t = s.tasks.get_mut(c)?;
            t.ppid = 1;
            let zombie = matches!(t.state, TaskState::Zombie(_));
            // Its threads' copies of the parent's pid too (getppid).
            s.tasks.for_other_threads(c, |th| th.ppid = 1);
            // Init's list grows by one; if even that fails the orphan is
            // left off it (never reaped, but harmless) rather than panic.
            let init = s.tasks.get_mut(1)?;
            if init.children.try_reserve(1).is_ok() {
                init.children.push(c);
            }
            Some(zombie)
        });
        if zombie == Some(true) && do_notify_parent(c) {
            release(c);
        }
        jobctl::kill_orphaned_pgrp(c, Some(father));
    }
    drop(children);
}

/// Take `child` out of `parent`'s children list.
fn unlink_child(s: &mut sched::Scheduler, parent: Pid, child: Pid) {
    if let Some(p) = s.tasks.get_mut(parent)
        && let Some(i) = p.children.iter().rposition(|&c| c == child)
    {
        p.children.swap_remove(i);
    }
}

/// Release zombie `pid`, not the current task (Linux's `release_task`):
/// out of its parent's list and the pid table, its memory freed here.
fn release(pid: Pid) {
    let task: Option<Box<Task>> = SCHED.with(|s| {
        let ppid = s.tasks.get(pid)?.ppid;
        unlink_child(s, ppid, pid);
        super::ptrace::forget(s, pid);
        s.tasks.remove(pid)
    });
    drop(task); // frees its kernel stack, outside the borrow
}

/// The `SIGCHLD` fields every report carries: `si_pid`, `si_uid` (the
/// child's real uid), `si_status`, and `si_utime`/`si_stime` in clock
/// ticks (all its time counts as user time here).
fn chld_info(t: &Task, code: i32, status: u32) -> Siginfo {
    let mut i = signal::user_info(SIGCHLD, code, t.pid);
    i.fields[1] = t.cred.uid;
    i.fields[2] = status;
    i.fields[3] = t.cpu_ticks as u32;
    i
}

/// The `si_code` and `si_status` of an exit status (as `wait_task_zombie`
/// and `do_notify_parent` decode it).
fn exit_cause(status: u32) -> (i32, u32) {
    match status & 0x7f {
        0 => (CLD_EXITED, (status >> 8) & 0xff),
        sig if status & 0x80 != 0 => (CLD_DUMPED, sig),
        sig => (CLD_KILLED, sig),
    }
}

/// Tell zombie `child`'s parent that it exited (Linux's
/// `do_notify_parent`): `SIGCHLD` unless the parent ignores it, and a wake
/// for its `wait`. True if the parent will never wait for it (`SIGCHLD`
/// set to `SIG_IGN`, or `SA_NOCLDWAIT`): the child is then released at
/// once (`autoreap`).
fn do_notify_parent(child: Pid) -> bool {
    let Some((parent, info, autoreap)) = SCHED.with(|s| {
        let c = s.tasks.get(child)?;
        let TaskState::Zombie(status) = c.state else {
            return None;
        };
        let (code, st) = exit_cause(status);
        // A tracee reports to its tracer, with SIGCHLD unless that is its
        // parent too, and is never reaped before the tracer saw it
        // (Linux's exit_notify; proc/ptrace.rs).
        let tracer = c.ptrace.tracer;
        let to = tracer.unwrap_or(c.ppid);
        let sig = match tracer {
            Some(t) if t != c.ppid => SIGCHLD,
            _ => c.exit_signal,
        };
        let mut info = chld_info(c, code, st);
        info.si_signo = sig;
        let act = s.tasks.get(to)?.sigactions[SIGCHLD as usize - 1];
        // Only a child that reports with SIGCHLD is reaped for a parent
        // ignoring it (Linux's do_notify_parent).
        let autoreap = tracer.is_none()
            && sig == SIGCHLD
            && (act.sa_handler == SIG_IGN || act.sa_flags & SA_NOCLDWAIT != 0);
        // No signal for 0 or for a number past the last (clone's CSIGNAL
        // takes any byte; Linux's `valid_signal(sig) && sig`).
        let valid = (1..=abi::signal::NSIG as i32).contains(&sig);
        Some((to, valid.then_some((sig, info)), autoreap))
    }) else {
        return false;
    };
    if let Some((sig, info)) = info {
        let _ = signal::send_process(parent, sig, info);
    }
    sched::wake(WaitChannel::Child, Some(parent));
    autoreap
}

/// Zombie `child`, no longer traced, is reported to its real parent now
/// (`proc/ptrace.rs`, Linux's `__ptrace_detach`); released at once if
/// the parent will not wait for it. True if released.
pub fn notify_parent_released(child: Pid) -> bool {
    let reap = do_notify_parent(child);
    if reap {
        release(child);
    }
    reap
}

/// Tell the current task's parent that it stopped or continued (`why` is
/// `CLD_STOPPED` or `CLD_CONTINUED`; Linux's `do_notify_parent_cldstop`):
/// `SIGCHLD` unless the parent ignores it or set `SA_NOCLDSTOP`, and
/// always a wake for a `wait` with `WUNTRACED` or `WCONTINUED`.
pub fn notify_parent_cldstop(why: i32) {
    let Some((parent, info)) = SCHED.with(|s| {
        let me = s.current?;
        let t = s.tasks.get(s.tasks.get(me)?.tgid)?;
        let status = if why == CLD_CONTINUED {
            SIGCONT as u32
        } else {
            u32::from(t.group.jobctl.code)
        };
        let info = chld_info(t, why, status);
        let act = s.tasks.get(t.ppid)?.sigactions[SIGCHLD as usize - 1];
        let send = act.sa_handler != SIG_IGN && act.sa_flags & SA_NOCLDSTOP == 0;
        Some((t.ppid, send.then_some(info)))
    }) else {
        return;
    };
    if let Some(info) = info {
        let _ = signal::send_process(parent, SIGCHLD, info);
    }
    sched::wake(WaitChannel::Child, Some(parent));
}

/// Which children a wait is for (Linux's `wo_type` and `wo_pid`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WaitWho {
    /// Any child (`-1`, `P_ALL`).
    Any,
    /// The child with this pid (`P_PID`).
    Pid(Pid),
    /// Any child in this process group (`0`, `-pgid`, `P_PGID`).
    Pgid(Pid),
}

/// What a wait found (Linux's `waitid_info` plus the `wait4` status).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct WaitInfo {
    pub pid: Pid,
    /// The `wait4` status word (`WIFEXITED`, `WIFSTOPPED`, ...).
    pub status: u32,
    /// For `waitid`: `si_code` (`CLD_EXITED` ...) and `si_status`.
    pub code: i32,
    pub si_status: u32,
    /// The child's real uid (`si_uid`).
    pub uid: u32,
    /// Its CPU time, and its waited-for children's (`wait4`'s rusage;
    /// for a zombie, what its parent adds to its own children's time).
    pub times: super::thread::CpuTimes,
}

/// One look through the children (Linux's `__do_wait`).
enum Scan {
    Found(WaitInfo, bool),
    /// Some child may still report: sleep (or, with `WNOHANG`, say so).
    NotYet,
    /// None to wait for (`ECHILD`).
    None,
}

/// Wait for a child of the current task to change state (Linux's
/// `do_wait`): `flags` holds `WEXITED`, `WSTOPPED` (= `WUNTRACED`),
/// `WCONTINUED`, `WNOHANG`, `WNOWAIT`, `__WCLONE`, `__WALL`. `Ok(None)`
/// for `WNOHANG` with nothing to report yet; `ECHILD` when no child could
/// ever match; `ERESTARTSYS` when a signal interrupts the sleep.
pub fn do_wait(who: WaitWho, flags: u32) -> Result<Option<WaitInfo>, Errno> {
    loop {
        match SCHED.with(|s| scan(s, who, flags)) {
            Scan::Found(info, reap) => {
                // A tracee that is not our child goes back to its real
                // parent instead (proc/ptrace.rs).
                if reap && !super::ptrace::reap_foreign(info.pid) {
                    // The child's time joins the waiter's children's
                    // (Linux's wait_task_zombie: psig->cutime += ...).
                    super::with_current(|t| t.group.child_times = t.group.child_times + info.times);
                    release(info.pid);
                }
                return Ok(Some(info));
            }
            Scan::None => return Err(ECHILD),
            Scan::NotYet if flags & WNOHANG != 0 => return Ok(None),
            Scan::NotYet if signal::pending() => return Err(ERESTARTSYS),
            Scan::NotYet => sched::sleep(WaitChannel::Child),
        }
    }
}

fn scan(s: &mut sched::Scheduler, who: WaitWho, flags: u32) -> Scan {
    // The children of any thread are the process's (Linux's
    // do_wait walks every thread's list unless __WNOTHREAD; here they are
    // all on the leader's).
    let cur = s.current.expect("wait without a task");
    let me = s.tasks.get(cur).expect("current task").tgid;
    let mut found = None;
    let mut any = false;
    let mut consider = |t: &mut Task| {
        if found.is_some() {
            return;
        }
        // Linux's eligible_child: a "clone" child (one that reports with
        // another signal than SIGCHLD) only for __WCLONE, the others only
        // without it, both for __WALL.
        let clone_child = t.exit_signal != SIGCHLD;
        // A tracee of ours is always eligible, and its ptrace stops are
        // reported without WUNTRACED (proc/ptrace.rs).
        let traced = t.ptrace.tracer == Some(me);
        let eligible =
            match who {
                WaitWho::Any => true,
                WaitWho::Pid(p) => t.pid == p,
                WaitWho::Pgid(g) => t.pgid == g,
            } && (traced || flags & __WALL != 0 || clone_child == (flags & __WCLONE != 0));
        if !eligible {
            return;
        }
        if traced && let Some((status, code)) = super::ptrace::wait_traced(t, flags) {
            any = true;
            found = Some((
                WaitInfo {
                    pid: t.pid,
                    status,
                    code: abi::signal::CLD_TRAPPED,
                    si_status: code,
                    uid: t.cred.uid,
                    times: super::thread::CpuTimes::of(t),
                },
                false,
            ));
            return;
        }
        // A zombie traced by another process is collected by its tracer
        // first.
        if !traced && t.ptrace.tracer.is_some() && matches!(t.state, TaskState::Zombie(_)) {
            any = true;
            return;
        }
        found = wait_consider_task(t, flags, &mut any);
    };
    if let WaitWho::Pid(p) = who {
        // One pid: look it up, as Linux's `do_wait_pid` does, instead of
        // walking a children list that unreaped zombies may fill.
        match s.tasks.get_mut(p) {
            Some(t) if (t.ppid == me && t.tgid == p) || t.ptrace.tracer == Some(me) => consider(t),
            _ => {}
        }
    } else {
        let n = s.tasks.get(me).expect("current task").children.len();
        for i in 0..n {
            let c = s.tasks.get(me).expect("current task").children[i];
            if let Some(t) = s.tasks.get_mut(c) {
                consider(t);
            }
        }
        // Then its tracees that are not its children (proc/ptrace.rs).
        let n = s.tasks.get(me).map_or(0, |t| t.ptrace.tracees.len());
        for i in 0..n {
            let Some(c) = s
                .tasks
                .get(me)
                .and_then(|t| t.ptrace.tracees.get(i).copied())
            else {
                break;
            };
            if let Some(t) = s.tasks.get_mut(c)
                && t.ppid != me
                && t.ptrace.tracer == Some(me)
            {
                consider(t);
            }
        }
    }
    match found {
        Some((info, reap)) => Scan::Found(info, reap),
        None if any => Scan::NotYet,
        None => Scan::None,
    }
}

/// Linux's `wait_consider_task` for one eligible child: its exit (with
/// `WEXITED`), else an unreported stop (`WSTOPPED`), else an unreported
/// continuation (`WCONTINUED`). `WNOWAIT` leaves what it reports in
/// place. Sets `any` if the child may still report something (a zombie
/// counts only for `WEXITED`).
fn wait_consider_task(t: &mut Task, flags: u32, any: &mut bool) -> Option<(WaitInfo, bool)> {
    let nowait = flags & WNOWAIT != 0;
    // Its exited threads' time and its children's, and the leader's own
    // while it lives (other live threads' time is left out here).
    let live = match t.state {
        TaskState::Zombie(_) => super::thread::CpuTimes::default(),
        _ => super::thread::CpuTimes::of(t),
    };
    let mut info = WaitInfo {
        pid: t.pid,
        status: 0,
        code: 0,
        si_status: 0,
        uid: t.cred.uid,
        times: t.group.dead_times + t.group.child_times + live,
    };
    if let TaskState::Zombie(status) = t.state {
        if flags & WEXITED == 0 {
            return None;
        }
        *any = true;
        if !t.group.threads.is_empty() {
            // A leader whose threads live on: not exited yet for its parent
            // (Linux's delay_group_leader).
            return None;
        }
        let (code, st) = exit_cause(status);
        info.status = status;
        info.code = code;
        info.si_status = st;
        return Some((info, !nowait));
    }
    *any = true;
    if flags & WSTOPPED != 0 && t.group.jobctl.stopped && t.group.jobctl.code != 0 {
        let sig = u32::from(t.group.jobctl.code);
        if !nowait {
            t.group.jobctl.code = 0; // a stop is reported once
        }
        info.status = abi::wait::stopped_status(sig as u8);
        info.code = CLD_STOPPED;
        info.si_status = sig;
        return Some((info, false));
    }
    if flags & WCONTINUED != 0 && t.group.jobctl.continued {
        if !nowait {
            t.group.jobctl.continued = false;
        }
        info.status = abi::wait::CONTINUED_STATUS;
        info.code = CLD_CONTINUED;
        info.si_status = SIGCONT as u32;
        return Some((info, false));
    }
    None
}

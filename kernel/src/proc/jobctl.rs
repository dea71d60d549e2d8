//! Job control: sessions and process groups (Linux's `setsid`, `setpgid`,
//! `getpgid`, `getsid` in kernel/sys.c), signals to a whole group
//! (`__kill_pgrp_info` in kernel/signal.c), and orphaned process groups
//! (`will_become_orphaned_pgrp`, `kill_orphaned_pgrp` in kernel/exit.c).
//!
//! A session is a login: its leader (the process whose pid is the session
//! id) may own a controlling terminal (`fs/tty.rs`). A process group is a
//! job: the shell puts each pipeline in one, and the terminal lets one
//! group, the foreground, read and receive `^C`/`^Z`. A group is orphaned
//! when no member has a parent in another group of the same session, that
//! is, no shell is left to continue it: its stopped members would wait
//! forever, so they get `SIGHUP` and `SIGCONT`, and the terminal's stop
//! signals no longer stop it.
//!
//! The members of each group and session are kept by the pid table
//! (`pid.rs`). Walking a group to signal it takes the table one step at a
//! time ([`for_each_member`]): nothing is collected, so nothing a user
//! can grow is allocated, and no borrow is held while a signal is sent.

use super::pid::PidType;
use super::sched::{SCHED, Scheduler};
use super::signal;
use super::task::{Pid, TaskState};
use abi::errno::{EACCES, EINVAL, EPERM, ESRCH, Errno};
use abi::types::Siginfo;

/// `setsid()`: make the caller the leader of a new session and of a new
/// process group, both numbered by its pid, with no controlling terminal
/// (Linux's `ksys_setsid`). `EPERM` for a session leader, and for a
/// process whose pid already numbers a process group (a group leader).
pub fn setsid() -> Result<Pid, Errno> {
    SCHED.with(|s| {
        let cur = s.current.expect("setsid without a task");
        let me = s.tasks.get(cur).expect("current task").tgid;
        if s.tasks.get(me).expect("current task").sid == me {
            return Err(EPERM);
        }
        if s.tasks.first_member(me, PidType::Pgid).is_some() {
            return Err(EPERM);
        }
        s.tasks.set_special_pids(me);
        // proc_clear_tty: the terminal stays with the old session.
        s.tasks.get_mut(me).expect("current task").ctty = false;
        Ok(me)
    })
}

/// `setpgid(pid, pgid)`, with Linux's rules (kernel/sys.c): `pid` 0 is the
/// caller, `pgid` 0 is `pid`; a negative `pgid` is `EINVAL`; only the
/// caller itself or one of its children may be moved (`ESRCH`), a child
/// only while in the caller's session (`EPERM`) and before it calls
/// `execve` (`EACCES`); a session leader cannot move (`EPERM`); and the
/// group joined must exist in the caller's session (`EPERM`) unless it is
/// the new group numbered `pid`.
pub fn setpgid(pid: i32, pgid: i32) -> Result<(), Errno> {
    SCHED.with(|s| {
        let cur = s.current.expect("setpgid without a task");
        let me = s.tasks.get(cur).expect("current task").tgid;
        let pid = if pid == 0 { me as i32 } else { pid };
        let pgid = if pgid == 0 { pid } else { pgid };
        if pgid < 0 {
            return Err(EINVAL);
        }
        let pid = Pid::try_from(pid).map_err(|_| ESRCH)?;
        let pgid = pgid as Pid;
        let my_sid = s.tasks.get(me).expect("current task").sid;
        let p = s.tasks.get(pid).ok_or(ESRCH)?;
        if p.tgid != pid {
            return Err(EINVAL); // a thread that does not lead its process
        }
        if p.ppid == me && pid != me {
            if p.sid != my_sid {
                return Err(EPERM);
            }
            if !p.forknoexec {
                return Err(EACCES);
            }
        } else if pid != me {
            return Err(ESRCH);
        }
        if p.sid == pid {
            return Err(EPERM); // a session leader stays in its own group
        }
        if pgid != pid {
            let g = s.tasks.first_member(pgid, PidType::Pgid).ok_or(EPERM)?;
            if s.tasks.get(g).expect("a group member").sid != my_sid {
                return Err(EPERM);
            }
        }
        if p.pgid != pgid {
            s.tasks.set_pgid(pid, pgid);
        }
        Ok(())
    })
}

/// The process group (`getpgid`) or session (`getsid`) of task `pid`, 0
/// meaning the caller; `ESRCH` if there is no such task.
pub fn get_id(pid: i32, ty: PidType) -> Result<Pid, Errno> {
    SCHED.with(|s| {
        let pid = match pid {
            0 => s.current.expect("no current task"),
            p => Pid::try_from(p).map_err(|_| ESRCH)?,
        };
        let t = s.tasks.get(pid).ok_or(ESRCH)?;
        Ok(match ty {
            PidType::Pgid => t.pgid,
            PidType::Sid => t.sid,
        })
    })
}

/// Call `f` with each member of process group or session `id`, without a
/// borrow of the scheduler held across the call (it may send a signal).
/// Sending signals adds no task and takes none out of a list, so the next
/// member is still the next one after `f` returns.
pub fn for_each_member(id: Pid, ty: PidType, mut f: impl FnMut(Pid)) {
    let mut cur = SCHED.with(|s| s.tasks.first_member(id, ty));
    while let Some(p) = cur {
        cur = SCHED.with(|s| s.tasks.next_member(p, ty));
        f(p);
    }
}

/// Send `sig` to every member of process group `pgrp` (Linux's
/// `__kill_pgrp_info`): 0 if it reached at least one, else the last error
/// (`ESRCH` for an empty group). `check` says whether the sender's
/// permission is checked (a user's `kill`) or not (the kernel's own
/// signals: the terminal's, an orphaned group's).
pub fn kill_pgrp(pgrp: Pid, sig: i32, info: Siginfo, check: bool) -> Result<(), Errno> {
    let mut result = Err(ESRCH);
    let mut success = false;
    for_each_member(pgrp, PidType::Pgid, |p| {
        let r = if check {
            signal::check_kill_permission(sig, p)
        } else {
            Ok(())
        };
        let r = r.and_then(|()| signal::send_process(p, sig, info));
        success |= r.is_ok();
        result = r;
    });
    if success { Ok(()) } else { result }
}

/// Would process group `pgrp` be orphaned without task `ignored` (Linux's
/// `will_become_orphaned_pgrp`)? It is unless some member other than
/// `ignored`, neither a zombie nor a child of init, has its parent in
/// another group of the same session.
pub fn will_become_orphaned_pgrp(s: &Scheduler, pgrp: Pid, ignored: Option<Pid>) -> bool {
    !s.tasks.members(pgrp, PidType::Pgid).any(|p| {
        Some(p.pid) != ignored
            && !matches!(p.state, TaskState::Zombie(_))
            && p.ppid != 1
            && s.tasks
                .get(p.ppid)
                .is_some_and(|parent| parent.pgid != pgrp && parent.sid == p.sid)
    })
}

/// Is the current task's process group orphaned (Linux's
/// `is_current_pgrp_orphaned`)? Then the terminal's stop signals do not
/// stop it, and reading the terminal from the background is `EIO`.
pub fn is_current_pgrp_orphaned() -> bool {
    SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let pgrp = s.tasks.get(me).expect("current task").pgid;
        will_become_orphaned_pgrp(s, pgrp, None)
    })
}

/// Has process group `pgrp` a stopped member (`has_stopped_jobs`)?
fn has_stopped_jobs(s: &Scheduler, pgrp: Pid) -> bool {
    s.tasks
        .members(pgrp, PidType::Pgid)
        .any(|p| p.group.jobctl.stopped)
}

/// Linux's `kill_orphaned_pgrp(tsk, parent)`: when task `tsk` exits
/// (`parent` is `None`: its own parent is the link that goes) or when its
/// parent `parent` exits (it was reparented), its group may be orphaned
/// now; if so and a member is stopped, the group gets `SIGHUP` and then
/// `SIGCONT`, so that it neither waits forever nor dies unseen (POSIX
/// 3.2.2.2). Call it with no borrow held.
pub fn kill_orphaned_pgrp(tsk: Pid, parent: Option<Pid>) {
    let pgrp = SCHED.with(|s| {
        let t = s.tasks.get(tsk)?;
        let (ignored, parent) = match parent {
            None => (Some(tsk), t.ppid),
            Some(p) => (None, p),
        };
        let parent = s.tasks.get(parent)?;
        (parent.pgid != t.pgid
            && parent.sid == t.sid
            && will_become_orphaned_pgrp(s, t.pgid, ignored)
            && has_stopped_jobs(s, t.pgid))
        .then_some(t.pgid)
    });
    if let Some(pgrp) = pgrp {
        for sig in [abi::signal::SIGHUP, abi::signal::SIGCONT] {
            let _ = kill_pgrp(pgrp, sig, signal::priv_info(sig), false);
        }
    }
}

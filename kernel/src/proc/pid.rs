//! The pid table: every task, found by pid in one step (Linux's
//! `kernel/pid.c`, whose `idr` does the same job with a radix tree), and
//! the members of every process group and session.
//!
//! Linux's `struct pid` lists the tasks that use a number as their process
//! group (`PIDTYPE_PGID`) or session (`PIDTYPE_SID`), and lives as long as
//! any of them does, so a number still naming a group or a session is
//! never handed out again. Here the same lists are threaded through the
//! tasks themselves ([`Link`], doubly linked by pid), with their heads in
//! an array indexed by the group's or session's number: joining and
//! leaving cost O(1) and never allocate, and a number is in use while its
//! slot holds a task or a list head ([`TaskTable::pid_in_use`]). The
//! terminal pins its session and foreground group the same way
//! ([`TaskTable::set_pins`], Linux's `get_pid` in `tty->ctrl`).
//!
//! Pids are handed out in increasing order and wrap at `PID_MAX` back to
//! `RESERVED_PIDS`, skipping those in use, as `alloc_pid` does on Linux
//! (`pid_max` defaults to 32768). Because a pid is bounded, the table can be
//! a plain array indexed by pid: a lookup costs the same whether ten tasks
//! exist or ten thousand zombies wait for a parent that never reaps them
//! (an ordered map made every wake-up and switch slower as they piled up).

use super::cred::{Cred, Ucounts};
use super::task::{Pid, Task};
use crate::mm::heap::NoMemory;
use alloc::boxed::Box;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// Linux's `PID_MAX_DEFAULT`: pids are below this.
pub const PID_MAX: Pid = 0x8000;
/// Linux's `RESERVED_PIDS`: after wrapping, pids start here again, so the
/// low numbers of daemons started at boot are not reused at once.
pub const RESERVED_PIDS: Pid = 300;

/// The end of a member list (pids are below `PID_MAX`, so fit 15 bits).
const NIL: u16 = u16::MAX;

/// A task's place in one member list: the members before and after it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Link {
    prev: u16,
    next: u16,
}

impl Link {
    /// In no list (a task not yet in the table).
    pub const NONE: Link = Link {
        prev: NIL,
        next: NIL,
    };
}

/// Which of a task's numbers a list is about (Linux's `enum pid_type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PidType {
    /// The process group (`PIDTYPE_PGID`).
    Pgid = 0,
    /// The session (`PIDTYPE_SID`).
    Sid = 1,
}

impl PidType {
    fn id(self, t: &Task) -> Pid {
        match self {
            PidType::Pgid => t.pgid,
            PidType::Sid => t.sid,
        }
    }

    fn link(self, t: &mut Task) -> &mut Link {
        match self {
            PidType::Pgid => &mut t.pgrp_link,
            PidType::Sid => &mut t.session_link,
        }
    }
}

/// Tasks by pid.
pub struct TaskTable {
    /// Index = pid: `PID_MAX` entries (128 KiB), made at the first
    /// `alloc_pid` and kept, so the table's size never depends on how many
    /// processes ran (the leak test would see it grow).
    slots: Vec<Option<Box<Task>>>,
    /// Index = a process group's or session's number: the first member of
    /// each list (`[PidType::Pgid, PidType::Sid]`), made with `slots`.
    heads: Vec<[u16; 2]>,
    /// Numbers the terminal holds on to (its session and foreground
    /// group), which are not handed out again while it does.
    pins: [Option<Pid>; 2],
    len: usize,
    /// The last pid handed out (Linux's `pid_ns->idr` cursor).
    last: Pid,
    /// Tasks per real uid, for `RLIMIT_NPROC`: counted here, where tasks
    /// come and go, and where [`TaskTable::set_cred`] changes a real uid.
    ucounts: Ucounts,
}

impl TaskTable {
    pub const fn new() -> Self {
        Self {
            slots: Vec::new(),
            heads: Vec::new(),
            pins: [None; 2],
            len: 0,
            last: 0,
            ucounts: Ucounts::new(),
        }
    }

    /// A free pid, the one after the last handed out if it is free; `None`
    /// when every pid is taken or the table cannot grow (fork: `-EAGAIN`).
    /// Insert the task before anything can schedule, or the pid may be
    /// handed out twice.
    pub fn alloc_pid(&mut self) -> Option<Pid> {
        if self.slots.is_empty() {
            self.slots.try_reserve_exact(PID_MAX as usize).ok()?;
            self.heads.try_reserve_exact(PID_MAX as usize).ok()?;
            self.slots.resize_with(PID_MAX as usize, || None);
            self.heads.resize(PID_MAX as usize, [NIL; 2]);
        }
        let mut pid = self.last;
        for _ in 0..PID_MAX {
            pid = if pid + 1 >= PID_MAX {
                RESERVED_PIDS
            } else {
                pid + 1
            };
            if !self.pid_in_use(pid) {
                self.last = pid;
                return Some(pid);
            }
        }
        None
    }

    pub fn get(&self, pid: Pid) -> Option<&Task> {
        self.slots.get(pid as usize)?.as_deref()
    }

    pub fn get_mut(&mut self, pid: Pid) -> Option<&mut Task> {
        self.slots.get_mut(pid as usize)?.as_deref_mut()
    }

    pub fn contains(&self, pid: Pid) -> bool {
        self.get(pid).is_some()
    }

    /// Is number `nr` taken: by a task, a process group, a session, or a
    /// pin? (Linux's `find_vpid(nr) != NULL`.) `alloc_pid` skips these.
    pub fn pid_in_use(&self, nr: Pid) -> bool {
        self.contains(nr)
            || self.heads.get(nr as usize).is_some_and(|h| *h != [NIL; 2])
            || self.pins.contains(&Some(nr))
    }

    /// Put a task under its pid (from `alloc_pid`), which must be free,
    /// and into its process group's and session's lists. A user program's
    /// `fork` calls [`TaskTable::reserve_user`] first, so that counting the
    /// task allocates nothing here.
    pub fn insert(&mut self, task: Box<Task>) {
        self.ucounts.inc(task.cred.uid);
        let pid = task.pid;
        let slot = &mut self.slots[pid as usize];
        assert!(slot.is_none(), "pid {pid} handed out twice");
        let leader = task.pid == task.tgid;
        *slot = Some(task);
        self.len += 1;
        // Only a process (its leader) is in its group's and session's
        // lists, as Linux links `PIDTYPE_PGID`/`PIDTYPE_SID` to the leader.
        if leader {
            self.attach(pid, PidType::Pgid);
            self.attach(pid, PidType::Sid);
        }
    }

    /// `execve` in a thread that is not its group's leader (Linux's
    /// `de_thread` exchanging the two tasks' pids): task `tid` becomes
    /// `tgid`, in the leader's place in every list, and the old leader, a
    /// zombie, is taken out and returned for the caller to drop.
    pub fn take_over(&mut self, tgid: Pid, tid: Pid) -> Option<Box<Task>> {
        let mut old = self.slots[tgid as usize].take()?;
        let Some(mut me) = self.slots[tid as usize].take() else {
            self.slots[tgid as usize] = Some(old);
            return None;
        };
        me.pid = tgid;
        me.ppid = old.ppid;
        me.pgrp_link = old.pgrp_link;
        me.session_link = old.session_link;
        me.children = core::mem::take(&mut old.children);
        me.exit_signal = old.exit_signal;
        me.start_time = old.start_time;
        self.slots[tgid as usize] = Some(me);
        self.ucounts.dec(old.cred.uid);
        self.len -= 1;
        Some(old)
    }

    /// Take a task out (reaping it); the caller drops it. Its user's count
    /// drops only now, and it leaves its group and session only now, as in
    /// Linux's `release_task`: a zombie still counts and still belongs.
    pub fn remove(&mut self, pid: Pid) -> Option<Box<Task>> {
        if self.get(pid)?.tgid == pid {
            self.detach(pid, PidType::Pgid);
            self.detach(pid, PidType::Sid);
        }
        let task = self.slots[pid as usize].take()?;
        self.ucounts.dec(task.cred.uid);
        self.len -= 1;
        Some(task)
    }

    /// Move task `pid` to process group `pgid` (Linux's `change_pid`).
    pub fn set_pgid(&mut self, pid: Pid, pgid: Pid) {
        self.detach(pid, PidType::Pgid);
        self.get_mut(pid).expect("set_pgid on no task").pgid = pgid;
        self.attach(pid, PidType::Pgid);
        self.for_other_threads(pid, |t| t.pgid = pgid);
    }

    /// Thread `i` (in creation order) of process `tgid`, looked up afresh,
    /// so that a loop over a group may change tasks between steps.
    pub fn nth_thread(&self, tgid: Pid, i: usize) -> Option<Pid> {
        self.get(tgid).and_then(|l| l.group.threads.get(i).copied())
    }

    /// Apply `f` to every live thread of process `pid` but its leader (the
    /// copies of process-wide ids each thread keeps).
    pub fn for_other_threads(&mut self, pid: Pid, mut f: impl FnMut(&mut Task)) {
        let n = self.get(pid).map_or(0, |t| t.group.threads.len());
        for i in 0..n {
            let Some(p) = self.nth_thread(pid, i) else {
                break;
            };
            if p != pid
                && let Some(t) = self.get_mut(p)
            {
                f(t);
            }
        }
    }

    /// Make task `pid` the leader of a new session and process group, both
    /// numbered `pid` (Linux's `set_special_pids`).
    pub fn set_special_pids(&mut self, pid: Pid) {
        self.detach(pid, PidType::Sid);
        self.get_mut(pid).expect("setsid on no task").sid = pid;
        self.attach(pid, PidType::Sid);
        self.for_other_threads(pid, |t| {
            t.sid = pid;
            t.ctty = false;
        });
        self.set_pgid(pid, pid);
    }

    /// The first member of process group or session `id`, if any (Linux's
    /// `pid_task(pid, type)`).
    pub fn first_member(&self, id: Pid, ty: PidType) -> Option<Pid> {
        let h = self.heads.get(id as usize)?[ty as usize];
        (h != NIL).then_some(Pid::from(h))
    }

    /// The member after `pid` in its group's or session's list. Walk a
    /// list with this one step at a time, letting go of the table between
    /// steps (to send a signal): sending leaves the lists as they are.
    pub fn next_member(&self, pid: Pid, ty: PidType) -> Option<Pid> {
        let t = self.get(pid)?;
        let next = match ty {
            PidType::Pgid => t.pgrp_link.next,
            PidType::Sid => t.session_link.next,
        };
        (next != NIL).then_some(Pid::from(next))
    }

    /// Every member of process group or session `id`.
    pub fn members(&self, id: Pid, ty: PidType) -> impl Iterator<Item = &Task> + '_ {
        core::iter::successors(self.first_member(id, ty), move |&p| self.next_member(p, ty))
            .filter_map(|p| self.get(p))
    }

    /// The terminal's session and foreground group, kept from reuse.
    pub fn set_pins(&mut self, session: Option<Pid>, pgrp: Option<Pid>) {
        self.pins = [session, pgrp];
    }

    /// Every task, in pid order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Task> + '_ {
        self.slots.iter_mut().filter_map(|t| t.as_deref_mut())
    }

    /// The first task with a pid above `after` (for `kill(-1, ..)`, which
    /// visits every process one at a time).
    pub fn next_pid(&self, after: Pid) -> Option<Pid> {
        let from = after as usize + 1;
        self.slots
            .get(from..)?
            .iter()
            .position(|t| t.is_some())
            .map(|i| (from + i) as Pid)
    }

    /// Put `pid` at the front of its group's or session's list.
    fn attach(&mut self, pid: Pid, ty: PidType) {
        let t = self.slots[pid as usize]
            .as_deref_mut()
            .expect("attach: no task");
        let id = ty.id(t) as usize;
        let head = self.heads[id][ty as usize];
        *ty.link(t) = Link {
            prev: NIL,
            next: head,
        };
        if head != NIL {
            let h = self.slots[head as usize]
                .as_deref_mut()
                .expect("a list names no task");
            ty.link(h).prev = pid as u16;
        }
        self.heads[id][ty as usize] = pid as u16;
    }

    /// Take `pid` out of its group's or session's list.
    fn detach(&mut self, pid: Pid, ty: PidType) {
        let t = self.slots[pid as usize]
            .as_deref_mut()
            .expect("detach: no task");
        let id = ty.id(t) as usize;
        let l = core::mem::replace(ty.link(t), Link::NONE);
        if l.prev == NIL {
            self.heads[id][ty as usize] = l.next;
        } else {
            let p = self.slots[l.prev as usize]
                .as_deref_mut()
                .expect("a list names no task");
            ty.link(p).next = l.next;
        }
        if l.next != NIL {
            let n = self.slots[l.next as usize]
                .as_deref_mut()
                .expect("a list names no task");
            ty.link(n).prev = l.prev;
        }
    }

    /// How many tasks user `uid` has (real uid, zombies included).
    pub fn user_processes(&self, uid: u32) -> usize {
        self.ucounts.processes(uid)
    }

    /// Room to count one more task of `uid`, so that inserting it cannot
    /// fail.
    pub fn reserve_user(&mut self, uid: u32) -> Result<(), NoMemory> {
        self.ucounts.reserve(uid)
    }

    /// Give task `pid` the credentials `new`, returning the old ones (the
    /// one place a task's `cred` changes: `cred::commit_creds`). A new real
    /// uid moves the task to that user's count; that may need room, and
    /// without it nothing changes.
    pub fn set_cred(&mut self, pid: Pid, new: Arc<Cred>) -> Result<Arc<Cred>, NoMemory> {
        let old_uid = self.get(pid).expect("set_cred on no task").cred.uid;
        if new.uid != old_uid {
            self.ucounts.reserve(new.uid)?;
            self.ucounts.inc(new.uid);
            self.ucounts.dec(old_uid);
        }
        let t = self.get_mut(pid).expect("set_cred on no task");
        Ok(core::mem::replace(&mut t.cred, new))
    }

    /// The last pid handed out (`/proc/loadavg`'s last field).
    pub fn last_pid(&self) -> Pid {
        self.last
    }

    /// How many tasks exist, zombies included.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Every pid in use, in increasing order.
    pub fn pids(&self) -> impl Iterator<Item = Pid> + '_ {
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, t)| t.is_some())
            .map(|(p, _)| p as Pid)
    }
}

impl Default for TaskTable {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test_case]
    fn pids_increase_then_wrap_to_reserved() {
        let mut t = TaskTable::new();
        assert_eq!(t.alloc_pid(), Some(1));
        assert_eq!(t.alloc_pid(), Some(2));
        t.last = PID_MAX - 2;
        assert_eq!(t.alloc_pid(), Some(PID_MAX - 1));
        assert_eq!(t.alloc_pid(), Some(RESERVED_PIDS));
        assert_eq!(t.get(RESERVED_PIDS).map(|t| t.pid), None);
        assert!(t.is_empty());
        assert_eq!(t.pids().count(), 0);
    }
}

//! The pid table: every task, found by pid in one step (Linux's
//! `kernel/pid.c`, whose `idr` does the same job with a radix tree).
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

/// Tasks by pid.
pub struct TaskTable {
    /// Index = pid: `PID_MAX` entries (128 KiB), made at the first
    /// `alloc_pid` and kept, so the table's size never depends on how many
    /// processes ran (the leak test would see it grow).
    slots: Vec<Option<Box<Task>>>,
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
            self.slots.resize_with(PID_MAX as usize, || None);
        }
        let mut pid = self.last;
        for _ in 0..PID_MAX {
            pid = if pid + 1 >= PID_MAX {
                RESERVED_PIDS
            } else {
                pid + 1
            };
            if self.slots[pid as usize].is_none() {
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

    /// Put a task under its pid (from `alloc_pid`), which must be free.
    /// A user program's `fork` calls [`TaskTable::reserve_user`] first, so
    /// that counting the task allocates nothing here.
    pub fn insert(&mut self, task: Box<Task>) {
        self.ucounts.inc(task.cred.uid);
        let slot = &mut self.slots[task.pid as usize];
        assert!(slot.is_none(), "pid {} handed out twice", task.pid);
        *slot = Some(task);
        self.len += 1;
    }

    /// Take a task out (reaping it); the caller drops it. Its user's count
    /// drops only now, as Linux's `release_task` does: a zombie counts.
    pub fn remove(&mut self, pid: Pid) -> Option<Box<Task>> {
        let task = self.slots.get_mut(pid as usize)?.take()?;
        self.ucounts.dec(task.cred.uid);
        self.len -= 1;
        Some(task)
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

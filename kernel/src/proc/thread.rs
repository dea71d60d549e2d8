//! Threads: what the tasks of one process share (Linux's `files_struct`,
//! `fs_struct`, `sighand_struct` and `signal_struct`), the thread group
//! itself, and the steps of a thread's life that involve the others:
//! killing the group (`zap_other_threads`), the exit-time cleanup of the
//! user memory a thread library watches (`mm_release`: `clear_child_tid`
//! and the robust futex list), and `execve`'s `de_thread`.
//!
//! Each task is a thread with its own tid (`Task::pid`); `Task::tgid` is
//! the tid of its group's leader, which is what `getpid` returns. The
//! leader stays in the task table, a zombie if it exits first, until the
//! last thread is gone: only then is the parent told.

use super::sched::{self, SCHED, Scheduler};
use super::task::{JobCtl, Pid, TaskState};
use super::with_current;
use crate::fs::file::FdTable;
use crate::fs::inode::InodeRef;
use crate::mm::heap::{self, NoMemory};
use crate::sync::UpCell;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};

/// A piece of task state that `clone` may share between tasks (`CLONE_FILES`,
/// `CLONE_FS`, `CLONE_SIGHAND`, `CLONE_THREAD`): reference counted, and
/// reached only through the tasks that hold it.
///
/// Every task lives in the scheduler's table, reached only inside a
/// `SCHED` borrow (`with_current`, `SCHED.with`), and the table hands out
/// one `&mut Task` at a time; so a `&mut` to the shared value, which can be
/// made only from a `&mut Task`, is never alive beside another reference to
/// it (one CPU, and kernel code is not preempted).
pub struct Shared<T>(Arc<UnsafeCell<T>>);

impl<T> Shared<T> {
    /// A value no other task shares yet; `NoMemory` if the heap is full.
    pub fn try_new(v: T) -> Result<Self, NoMemory> {
        heap::for_user(|| Arc::try_new(UnsafeCell::new(v)))
            .map(Self)
            .map_err(|_| NoMemory)
    }

    /// The same value, for another task (never allocates).
    pub fn share(&self) -> Self {
        Self(self.0.clone())
    }

    /// How many tasks hold it.
    pub fn users(&self) -> usize {
        Arc::strong_count(&self.0)
    }

    /// Do `a` and `b` hold the same value?
    pub fn same(a: &Self, b: &Self) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: see the type's comment: no `&mut` to it is alive now.
        unsafe { &*self.0.get() }
    }
}

impl<T> DerefMut for Shared<T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: see the type's comment: this comes from the one `&mut
        // Task` alive, and no other reference to the value is.
        unsafe { &mut *self.0.get() }
    }
}

/// The working directory, the root and the file-creation mask (Linux's
/// `fs_struct`; shared with `CLONE_FS`).
pub struct FsStruct {
    pub cwd: InodeRef,
    pub root: InodeRef,
    pub umask: u32,
}

impl FsStruct {
    pub fn copy(&self) -> Self {
        Self {
            cwd: self.cwd.clone(),
            root: self.root.clone(),
            umask: self.umask,
        }
    }
}

/// CPU time in timer ticks: in user mode and in the kernel (Linux's
/// `utime` and `stime`, in `USER_HZ` ticks, which `HZ` equals here).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CpuTimes {
    pub utime: u64,
    pub stime: u64,
}

impl CpuTimes {
    /// The times a task has been charged (`sched::timer_tick`).
    pub fn of(t: &super::task::Task) -> Self {
        CpuTimes {
            utime: t.cpu_ticks - t.stime_ticks,
            stime: t.stime_ticks,
        }
    }
}

/// The CPU time of `t`'s whole process: its threads that exited and
/// those still running (Linux's `thread_group_cputime`).
pub fn process_times(s: &Scheduler, t: &super::task::Task) -> CpuTimes {
    t.group
        .threads
        .iter()
        .filter_map(|&p| s.tasks.get(p))
        .fold(t.group.dead_times, |acc, th| acc + CpuTimes::of(th))
}

impl core::ops::Add for CpuTimes {
    type Output = CpuTimes;
    fn add(self, o: CpuTimes) -> CpuTimes {
        CpuTimes {
            utime: self.utime + o.utime,
            stime: self.stime + o.stime,
        }
    }
}

/// What the threads of one process share (Linux's `signal_struct`).
#[derive(Default)]
pub struct ThreadGroup {
    /// The CPU time of its threads that have exited (Linux's
    /// `signal->utime`/`stime`), and of its children it has waited for,
    /// theirs included (`cutime`/`cstime`): `times` and `getrusage`.
    pub dead_times: CpuTimes,
    pub child_times: CpuTimes,
    /// The threads that have not exited yet, in creation order.
    pub threads: Vec<Pid>,
    /// Process-directed signals (`kill`) not yet taken by a thread, and
    /// their `siginfo` (Linux's `shared_pending`).
    pub shared_pending: u64,
    pub shared_info: super::signal::SigQueue,
    /// Queued `siginfo`s of the process and its threads, held against
    /// `RLIMIT_SIGPENDING` (Linux counts them per user, in `ucounts`).
    pub sigqueued: usize,
    /// The interval timers (`proc/itimer.rs`): kept by `execve`, not
    /// inherited by `fork`.
    pub itimers: super::itimer::Itimers,
    /// The POSIX timers (`proc/posix_timers.rs`) and the next id to try.
    pub posix_timers: Vec<super::posix_timers::PosixTimer>,
    pub next_timer_id: i32,
    /// Set once the whole group is ending (`exit_group`, a fatal signal,
    /// `execve`): its wait status (`SIGNAL_GROUP_EXIT`, `group_exit_code`).
    pub group_exit: Option<u32>,
    /// A thread in `execve` waiting for the others to go (Linux's
    /// `group_exec_task`).
    pub exec_task: Option<Pid>,
    /// Stop/continue state for `wait` and `SIGCHLD` (`proc/jobctl.rs`).
    pub jobctl: JobCtl,
}

impl ThreadGroup {
    /// A group of one thread, `pid`.
    pub fn try_new(pid: Pid) -> Result<Shared<Self>, NoMemory> {
        let mut threads = Vec::new();
        heap::for_user(|| threads.try_reserve(1)).map_err(|_| NoMemory)?;
        threads.push(pid);
        Shared::try_new(ThreadGroup {
            threads,
            ..Default::default()
        })
    }
}

/// An empty descriptor table that exited tasks hold instead of their own,
/// so that a shared table is closed by the last live thread, not by the
/// last zombie (made at boot: taking it never allocates).
static EMPTY_FILES: UpCell<Option<Shared<FdTable>>> = UpCell::new(None);

/// Make [`empty_files`]' table (at boot, with init).
pub fn init() {
    let empty = Shared::try_new(FdTable::default()).expect("no memory at boot");
    EMPTY_FILES.with(|e| *e = Some(empty));
}

/// A reference to the shared empty descriptor table.
pub fn empty_files() -> Shared<FdTable> {
    EMPTY_FILES.with(|e| e.as_ref().expect("thread::init not run").share())
}

/// Linux's `zap_other_threads` (and `complete_signal`'s group kill): every
/// thread of `tgid`'s group but `except` is to exit with `status`: it gets
/// `SIGKILL` pending so that any sleep it is in ends, and is woken, even
/// from a stop. A leader already a zombie takes the group's status, which
/// is what its parent's `wait` reports.
pub fn zap_threads(s: &mut Scheduler, tgid: Pid, status: u32, except: Option<Pid>) {
    let Some(leader) = s.tasks.get_mut(tgid) else {
        return;
    };
    leader.group.group_exit.get_or_insert(status);
    if let TaskState::Zombie(_) = leader.state {
        leader.state = TaskState::Zombie(status);
    }
    let n = leader.group.threads.len();
    for i in 0..n {
        let Some(p) = s.tasks.nth_thread(tgid, i) else {
            break;
        };
        if Some(p) == except {
            continue;
        }
        if let Some(t) = s.tasks.get_mut(p) {
            t.exit_pending.get_or_insert(status);
            t.sigpending |= super::signal::sigbit(abi::signal::SIGKILL);
        }
        s.make_runnable(p);
        s.resume(p);
        // SIGKILL ends a ptrace stop too (proc/ptrace.rs).
        s.wake_traced(p);
    }
    super::signal::wake_return_path();
}

/// Stop every other live thread of the current group (the group stop of
/// Linux's `do_signal_stop`): they are taken off the CPU where they are,
/// in user mode or in a sleep that looks again when they run, until
/// `SIGCONT` or a fatal signal resumes them.
pub fn stop_other_threads() {
    SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let Some(tgid) = s.tasks.get(me).map(|t| t.tgid) else {
            return;
        };
        let n = s.tasks.get(tgid).map_or(0, |l| l.group.threads.len());
        for i in 0..n {
            let Some(p) = s.tasks.nth_thread(tgid, i) else {
                break;
            };
            if p == me {
                continue;
            }
            if let Some(t) = s.tasks.get_mut(p)
                && t.exit_pending.is_none()
                && matches!(t.state, TaskState::Runnable | TaskState::Sleeping(_))
            {
                t.state = TaskState::Stopped;
            }
        }
    });
}

/// `exit_group(status)` from the current thread: the others are told to
/// go, and this one goes on its way back to user mode (Linux's
/// `do_group_exit`).
pub fn group_exit_later(status: u32) {
    SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let tgid = s.tasks.get(me).expect("current task").tgid;
        zap_threads(s, tgid, status, Some(me));
    });
    with_current(|t| {
        t.exit_pending.get_or_insert(status);
    });
    super::signal::wake_return_path();
}

/// Linux's `FUTEX_OWNER_DIED`, `FUTEX_WAITERS` and `FUTEX_TID_MASK`.
const FUTEX_WAITERS: u32 = 0x8000_0000;
const FUTEX_OWNER_DIED: u32 = 0x4000_0000;
const FUTEX_TID_MASK: u32 = 0x3fff_ffff;
/// Linux's `ROBUST_LIST_LIMIT`: a bound on a (maybe circular) user list.
const ROBUST_LIST_LIMIT: usize = 2048;

/// The user memory a thread library watches, settled as a thread leaves
/// its address space (at exit and at `execve`; Linux's `exit_robust_list`
/// and `mm_release`): each robust futex it still holds is marked
/// `FUTEX_OWNER_DIED` with one waiter woken; `clear_child_tid` gets 0 and a
/// futex wake (what `pthread_join` waits for); and a `vfork` parent may go
/// on. Faults are ignored, as Linux ignores them.
pub fn mm_release() {
    let (tid, robust, clear, shared_mm, vfork_parent) = with_current(|t| {
        (
            t.pid,
            core::mem::take(&mut t.robust_list),
            core::mem::take(&mut t.clear_child_tid),
            t.mm.as_ref().is_some_and(|m| Arc::strong_count(m) > 1),
            t.vfork_parent.take(),
        )
    });
    if robust != 0 {
        exit_robust_list(tid, robust);
    }
    // Only a shared address space has anyone left to look (Linux checks
    // `mm_users > 1` too).
    if clear != 0 && shared_mm && super::futex::put_u32(clear, 0).is_ok() {
        let _ = super::futex::wake_addr(clear, 1);
    }
    if let Some(parent) = vfork_parent {
        sched::wake(super::task::WaitChannel::Vfork, Some(parent));
    }
}

/// Walk the robust list whose head is at `head` (`struct robust_list_head`:
/// `next`, `futex_offset`, `list_op_pending`).
fn exit_robust_list(tid: Pid, head: usize) {
    use super::futex::get_u32;
    let (Ok(mut entry), Ok(offset), Ok(pending)) =
        (get_u32(head), get_u32(head + 4), get_u32(head + 8))
    else {
        return;
    };
    let offset = offset as i32 as isize;
    // The low bit of each pointer marks a PI futex; the address is the rest.
    let pending = pending as usize & !1;
    for _ in 0..ROBUST_LIST_LIMIT {
        let e = entry as usize & !1;
        if e == head {
            break;
        }
        // Read the next pointer first: the owner-died wake may free the entry.
        let Ok(next) = get_u32(e) else {
            return;
        };
        if e != pending {
            handle_futex_death(e.wrapping_add_signed(offset), tid);
        }
        entry = next;
    }
    if pending != 0 {
        handle_futex_death(pending.wrapping_add_signed(offset), tid);
    }
}

/// Linux's `handle_futex_death`: if the futex word at `uaddr` names `tid`
/// as its owner, mark it `FUTEX_OWNER_DIED` (keeping `FUTEX_WAITERS`) and
/// wake one waiter, which then finds `EOWNERDEAD` in the library.
fn handle_futex_death(uaddr: usize, tid: Pid) {
    use super::futex::{get_u32, put_u32, wake_addr};
    if !uaddr.is_multiple_of(4) {
        return;
    }
    let Ok(val) = get_u32(uaddr) else {
        return;
    };
    if val & FUTEX_TID_MASK != tid {
        return;
    }
    let new = (val & FUTEX_WAITERS) | FUTEX_OWNER_DIED;
    if put_u32(uaddr, new).is_ok() && val & FUTEX_WAITERS != 0 {
        let _ = wake_addr(uaddr, 1);
    }
}

/// Linux's `de_thread`, `unshare_sighand` and `unshare_files` for
/// `execve`, after the point of no return: every other thread of the group
/// is killed and waited for; a thread that is not the leader takes the
/// leader's place and its tid (the process keeps its pid); the
/// dispositions and descriptor table stop being shared with any other
/// process. `EAGAIN` if the caller is itself killed meanwhile (as Linux's
/// `-EAGAIN`; the caller then dies of it), `ENOMEM` if a copy fails.
pub fn de_thread() -> Result<(), abi::errno::Errno> {
    let (me, tgid, alone) = with_current(|t| (t.pid, t.tgid, t.group.threads.len() == 1));
    if !alone {
        SCHED.with(|s| {
            zap_threads(s, tgid, abi::signal::SIGKILL as u32, Some(me));
            // Not the group's exit: only the other threads go.
            if let Some(l) = s.tasks.get_mut(tgid) {
                l.group.group_exit = None;
                l.group.exec_task = Some(me);
            }
        });
        loop {
            let (others, killed) = SCHED.with(|s| {
                let t = s.tasks.get(me).expect("current task");
                let others = t.group.threads.iter().any(|&p| p != me)
                    || (me != tgid
                        && s.tasks
                            .get(tgid)
                            .is_some_and(|l| !matches!(l.state, TaskState::Zombie(_))));
                (others, t.exit_pending.is_some())
            });
            if killed {
                with_current(|t| t.group.exec_task = None);
                return Err(abi::errno::EAGAIN);
            }
            if !others {
                break;
            }
            sched::sleep(super::task::WaitChannel::Signal);
        }
        with_current(|t| t.group.exec_task = None);
    }
    if me != tgid {
        let old = SCHED.with(|s| {
            let old = s.tasks.take_over(tgid, me);
            s.current = Some(tgid);
            if let Some(t) = s.tasks.get_mut(tgid) {
                for p in t.group.threads.iter_mut() {
                    if *p == me {
                        *p = tgid;
                    }
                }
            }
            old
        });
        drop(old); // the old leader, a zombie: its stack is not in use
    }
    // No longer shared with another process (CLONE_VM children): copies.
    let sighand = with_current(|t| {
        (t.sigactions.users() > 1)
            .then(|| Shared::try_new(*t.sigactions))
            .transpose()
    })?;
    let files = with_current(|t| {
        (t.files.users() > 1)
            .then(|| t.files.try_clone().and_then(Shared::try_new))
            .transpose()
    })?;
    let old = with_current(|t| {
        if let Some(s) = sighand {
            t.sigactions = s;
        }
        files.map(|f| core::mem::replace(&mut t.files, f))
    });
    drop(old); // another holder remains: nothing closes here
    mm_release();
    Ok(())
}

/// Wake a thread waiting in `de_thread` for the others to go (called as a
/// thread of group `tgid` ends).
pub fn notify_exec_waiter(s: &mut Scheduler, tgid: Pid) {
    if let Some(w) = s.tasks.get(tgid).and_then(|l| l.group.exec_task) {
        s.make_runnable(w);
    }
}

/// Give every thread of task `tid`'s process that task's resource limits
/// (they are per process, as Linux keeps them in `signal_struct`; each
/// thread holds a copy so that reading one is a field load).
pub fn sync_rlimits(tid: Pid) {
    SCHED.with(|s| {
        let Some(t) = s.tasks.get(tid) else {
            return;
        };
        let (limits, tgid) = (t.rlimits, t.tgid);
        let n = thread_count(s, tgid);
        for i in 0..n {
            let Some(p) = s.tasks.nth_thread(tgid, i) else {
                break;
            };
            if let Some(th) = s.tasks.get_mut(p) {
                th.rlimits = limits;
            }
        }
        if let Some(l) = s.tasks.get_mut(tgid) {
            l.rlimits = limits;
        }
    });
}

/// The live threads of `tgid`'s group.
pub fn thread_count(s: &Scheduler, tgid: Pid) -> usize {
    s.tasks.get(tgid).map_or(0, |l| l.group.threads.len())
}

/// The tids of task `pid`'s group, for `/proc/<pid>/task`.
pub fn threads_of(pid: Pid) -> Vec<Pid> {
    SCHED.with(|s| {
        let Some(t) = s.tasks.get(pid) else {
            return Vec::new();
        };
        let mut v = Vec::new();
        if v.try_reserve(t.group.threads.len()).is_ok() {
            v.extend_from_slice(&t.group.threads);
        }
        v
    })
}

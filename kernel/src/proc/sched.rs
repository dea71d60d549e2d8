//! The scheduler: a round-robin run queue on one CPU.
//!
//! Kernel code is not preempted (interrupts are masked in the kernel); a
//! task gives up the CPU when it sleeps, exits, or when the timer interrupt
//! finds its time slice used up while it runs in user mode. Switching means:
//! the next task's kernel stack in TSS.esp0 and IA32_SYSENTER_ESP, its page
//! directory in CR3, its TLS descriptors in the GDT, its FPU state, and then
//! `switch_to` for the kernel stack itself.

use super::pid::TaskTable;
use super::task::{Pid, Task, TaskState, WaitChannel};
use crate::arch::x86::{fpu, gdt, instructions, paging, switch, sysenter, tss};
use crate::sync::UpCell;
use alloc::boxed::Box;
use alloc::collections::VecDeque;
use core::sync::atomic::{AtomicU32, AtomicU64, Ordering};

/// Timer ticks per time slice (50 ms at HZ = 100).
const TIME_SLICE: u32 = 5;

pub struct Scheduler {
    pub tasks: TaskTable,
    runq: VecDeque<Pid>,
    pub current: Option<Pid>,
    /// The tasks that sleep (Linux keeps a wait queue per event; one short
    /// list serves here): `wake` looks at these, not at every task, so
    /// zombies nobody reaps cost nothing.
    sleeping: alloc::vec::Vec<Pid>,
    /// The current task itself (it lives in a `Box` in `tasks`, so the
    /// address is stable): `with_current` needs no map lookup.
    pub current_task: *mut Task,
    /// The boot context's saved stack pointer (it becomes the idle loop).
    idle_sp: usize,
    /// A task released while it still ran on its kernel stack (an exit
    /// nobody waits for): freed by the next `schedule` that runs on
    /// another stack (Linux's `put_task_struct` in `finish_task_switch`).
    dead: Option<Box<Task>>,
}

/// The running task's thread-group id (Linux's `current->tgid`), kept
/// beside `SCHED` so that `getpid`, the call every benchmark makes, is one
/// load instead of a borrow. Written only where `current` changes.
static CURRENT_TGID: AtomicU32 = AtomicU32::new(0);

/// What `getpid` returns for the running task.
#[inline(always)]
pub fn current_tgid() -> Pid {
    CURRENT_TGID.load(Ordering::Relaxed)
}

pub static SCHED: UpCell<Scheduler> = UpCell::new(Scheduler {
    tasks: TaskTable::new(),
    runq: VecDeque::new(),
    current: None,
    sleeping: alloc::vec::Vec::new(),
    current_task: core::ptr::null_mut(),
    idle_sp: 0,
    dead: None,
});

impl Scheduler {
    /// Wake task `pid` if it sleeps, whatever it waits for (a signal came:
    /// its system call sees it and returns `-EINTR`).
    pub fn make_runnable(&mut self, pid: Pid) {
        if let Some(t) = self.tasks.get_mut(pid)
            && matches!(t.state, TaskState::Sleeping(_))
        {
            t.state = TaskState::Runnable;
            self.runq.push_back(pid);
        }
    }

    /// Wake task `pid` if it is stopped (`SIGCONT`, or a fatal signal:
    /// Linux's `wake_up_state(t, __TASK_STOPPED)`).
    pub fn resume(&mut self, pid: Pid) {
        if let Some(t) = self.tasks.get_mut(pid)
            && t.state == TaskState::Stopped
        {
            t.state = TaskState::Runnable;
            self.runq.push_back(pid);
        }
    }

    /// Wake task `pid` from a ptrace stop (its tracer resumed or left
    /// it, or `SIGKILL`: Linux's `wake_up_state(t, __TASK_TRACED)`).
    pub fn wake_traced(&mut self, pid: Pid) {
        if let Some(t) = self.tasks.get_mut(pid)
            && t.state == TaskState::Traced
        {
            t.state = TaskState::Runnable;
            self.runq.push_back(pid);
        }
    }

    /// Keep the current task, released from the table as it exits, until
    /// the switch away from its stack; frees the one kept before, which
    /// no longer runs.
    pub fn bury(&mut self, task: Box<Task>) -> Option<Box<Task>> {
        self.dead.replace(task)
    }
}

/// What `/proc/stat`, `/proc/uptime` and `/proc/loadavg` count, since
/// boot: timer ticks spent in user mode, in the kernel for a process, and
/// idle (Linux's `kcpustat`); processes made (`total_forks`); switches
/// between tasks (`nr_context_switches`); and the load averages
/// (`avenrun`, fixed point with `FSHIFT` bits).
static TICKS_USER: AtomicU64 = AtomicU64::new(0);
static TICKS_SYSTEM: AtomicU64 = AtomicU64::new(0);
static TICKS_IDLE: AtomicU64 = AtomicU64::new(0);
static TOTAL_FORKS: AtomicU64 = AtomicU64::new(0);
static CONTEXT_SWITCHES: AtomicU64 = AtomicU64::new(0);
static AVENRUN: [AtomicU64; 3] = [AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)];

/// include/linux/sched/loadavg.h: the load averages' fixed point and
/// decay per `LOAD_FREQ` (5 s) for 1, 5 and 15 minutes.
pub const FSHIFT: u32 = 11;
pub const FIXED_1: u64 = 1 << FSHIFT;
const EXP: [u64; 3] = [1884, 2014, 2037];
const LOAD_FREQ: u64 = 5 * crate::arch::x86::pit::HZ as u64 + 1;

/// (user, system, idle) timer ticks since boot.
pub fn cpu_ticks() -> (u64, u64, u64) {
    (
        TICKS_USER.load(Ordering::Relaxed),
        TICKS_SYSTEM.load(Ordering::Relaxed),
        TICKS_IDLE.load(Ordering::Relaxed),
    )
}

/// Processes made since boot (`fork`s and init).
pub fn total_forks() -> u64 {
    TOTAL_FORKS.load(Ordering::Relaxed)
}

/// Task switches since boot.
pub fn context_switches() -> u64 {
    CONTEXT_SWITCHES.load(Ordering::Relaxed)
}

/// The 1, 5 and 15 minute load averages, fixed point (`FSHIFT`).
pub fn loadavg() -> [u64; 3] {
    [0, 1, 2].map(|i| AVENRUN[i].load(Ordering::Relaxed))
}

/// Tasks that can run now, the running one included (`nr_running`).
fn nr_running_in(s: &Scheduler) -> u64 {
    let queued = s
        .runq
        .iter()
        .filter(|&&p| {
            s.tasks
                .get(p)
                .is_some_and(|t| t.state == TaskState::Runnable)
        })
        .count();
    let current = s.current.is_some_and(|p| {
        !s.runq.contains(&p)
            && s.tasks
                .get(p)
                .is_some_and(|t| t.state == TaskState::Runnable)
    });
    queued as u64 + u64::from(current)
}

/// [`nr_running_in`] the scheduler.
pub fn nr_running() -> u64 {
    SCHED.with(|s| nr_running_in(s))
}

/// Linux's `calc_load`: one step of an exponential moving average.
fn calc_load(load: u64, exp: u64, active: u64) -> u64 {
    let mut new = load * exp + active * (FIXED_1 - exp);
    if active >= load {
        new += FIXED_1 - 1;
    }
    new / FIXED_1
}

/// A free pid (`None`: all taken; fork fails with `-EAGAIN`).
pub fn alloc_pid() -> Option<Pid> {
    SCHED.with(|s| s.tasks.alloc_pid())
}

/// Make a new task runnable.
pub fn add_task(task: Box<Task>) {
    TOTAL_FORKS.fetch_add(1, Ordering::Relaxed);
    SCHED.with(|s| {
        s.runq.push_back(task.pid);
        s.tasks.insert(task);
    });
}

/// Wake every sleeping task whose state `due` accepts (its wait
/// channel, its tid and tgid); the rest sleep on.
fn wake_where(due: impl Fn(WaitChannel, Pid, Pid) -> bool) {
    SCHED.with(|s| {
        let Scheduler {
            tasks,
            runq,
            sleeping,
            ..
        } = s;
        sleeping.retain(|pid| {
            let Some(t) = tasks.get_mut(*pid) else {
                return false;
            };
            match t.state {
                TaskState::Sleeping(c) if due(c, *pid, t.tgid) => {
                    t.state = TaskState::Runnable;
                    runq.push_back(*pid);
                    false
                }
                TaskState::Sleeping(_) => true,
                _ => false, // woken by a signal meanwhile
            }
        });
    });
}

/// Wake every task sleeping on `chan`; with `only`, just the task with
/// that tid and the threads of the process with that pid (`Child`: a
/// parent's threads all wait for its children).
pub fn wake(chan: WaitChannel, only: Option<Pid>) {
    wake_where(|c, tid, tgid| c == chan && only.is_none_or(|p| p == tid || p == tgid));
}

/// The timer interrupt's wake-up: those waiting for the next tick
/// ([`WaitChannel::Timer`]) and those whose deadline ([`WaitChannel::Until`])
/// is `now_ns` or earlier.
pub fn wake_timers(now_ns: u64) {
    wake_where(|c, _, _| match c {
        WaitChannel::Timer => true,
        WaitChannel::Until(d) => d <= now_ns,
        _ => false,
    });
}

/// Sleep on `chan` until woken.
pub fn sleep(chan: WaitChannel) {
    SCHED.with(|s| {
        let cur = s.current.expect("sleep without a task");
        s.tasks.get_mut(cur).unwrap().state = TaskState::Sleeping(chan);
        if !s.sleeping.contains(&cur) {
            s.sleeping.push(cur);
        }
    });
    schedule();
}

/// Stop the current task (Linux's `TASK_STOPPED`) until `Scheduler::resume`
/// wakes it, unless it was continued or killed since it decided to stop.
pub fn stop_current() {
    let stop = SCHED.with(|s| {
        let cur = s.current.expect("stop without a task");
        let t = s.tasks.get_mut(cur).expect("current task");
        let stop = t.group.jobctl.stopped && t.exit_pending.is_none();
        if stop {
            t.state = TaskState::Stopped;
        }
        stop
    });
    if stop {
        schedule();
    }
}

/// Does a live task (running, runnable or asleep) have a signal pending?
/// Zombies keep none, so they need not be looked at.
pub fn any_live_signal_pending() -> bool {
    SCHED.with(|s| {
        s.current
            .into_iter()
            .chain(s.runq.iter().copied())
            .chain(s.sleeping.iter().copied())
            .any(|p| {
                s.tasks.get(p).is_some_and(|t| {
                    t.sigpending | t.group.shared_pending != 0
                            // A PTRACE_INTERRUPT trap waits too (proc/ptrace.rs).
                            || t.ptrace.trap_stop
                })
            })
    })
}

/// Called on each timer tick: charges the running task a tick of CPU time
/// (sending `RLIMIT_CPU`'s signals), and preempts a task that used its
/// slice in user mode.
pub fn timer_tick(from_user: bool) {
    let mut fired = super::itimer::Fired::default();
    let mut timers_fired = super::posix_timers::Fired::default();
    let (expired, cpu_signal) = SCHED.with(|s| {
        let tick_ns = u64::from(crate::time::tick_ns());
        let running = s.current;
        super::itimer::tick(s, running, from_user, tick_ns, &mut fired);
        super::posix_timers::tick(s, running, tick_ns, &mut timers_fired);
        // Every LOAD_FREQ ticks, the load averages take in how many tasks
        // could run (`calc_global_load`).
        if crate::time::jiffies().is_multiple_of(LOAD_FREQ) {
            let active = nr_running_in(s) * FIXED_1;
            for (a, exp) in AVENRUN.iter().zip(EXP) {
                a.store(
                    calc_load(a.load(Ordering::Relaxed), exp, active),
                    Ordering::Relaxed,
                );
            }
        }
        let Some(cur) = s.current else {
            TICKS_IDLE.fetch_add(1, Ordering::Relaxed);
            return (false, None);
        };
        // A sleeper the idle loop ran for, woken by this very tick (the
        // timer's sleepers are woken first), is queued, not running: the
        // tick was idle, not its CPU time.
        let queued = s.runq.contains(&cur);
        // A task released as it exits (nobody waits for it) stays
        // current, outside the table, until the switch away from it.
        let Some(t) = s.tasks.get_mut(cur) else {
            return (false, None);
        };
        if t.state != TaskState::Runnable || queued {
            // The idle loop runs on a sleeper's behalf.
            TICKS_IDLE.fetch_add(1, Ordering::Relaxed);
            return (false, None);
        }
        t.cpu_ticks += 1;
        if from_user {
            TICKS_USER.fetch_add(1, Ordering::Relaxed);
        } else {
            TICKS_SYSTEM.fetch_add(1, Ordering::Relaxed);
            t.stime_ticks += 1;
        }
        let sig = cpu_limit_signal(t);
        t.slice = t.slice.saturating_sub(1);
        (
            t.slice == 0 && !s.runq.is_empty(),
            sig.map(|sig| (cur, sig)),
        )
    });
    // Sent after the borrow: sending looks the task up again.
    // Timers signal the process (Linux's it_real_fn: kill_pid_info).
    for &(pid, sig) in fired.iter() {
        let _ = super::signal::send_process(pid, sig, super::signal::priv_info(sig));
    }
    super::posix_timers::send_fired(&timers_fired);
    if let Some((pid, sig)) = cpu_signal {
        let info = super::signal::user_info(sig, abi::signal::SI_KERNEL, 0);
        let _ = super::signal::send_process(pid, sig, info);
    }
    if expired && from_user {
        schedule();
    }
}

/// `RLIMIT_CPU` (Linux's `check_process_timers`): past the hard limit,
/// `SIGKILL`; at the soft limit and every second after it, `SIGXCPU`.
fn cpu_limit_signal(t: &Task) -> Option<i32> {
    use abi::resource::RLIMIT_CPU;
    let lim = t.rlimits[RLIMIT_CPU as usize];
    let hz = u64::from(crate::arch::x86::pit::HZ);
    let secs = t.cpu_ticks / hz;
    let whole_second = t.cpu_ticks.is_multiple_of(hz);
    if lim.max != super::rlimit::RLIM_INF && secs >= lim.max && whole_second {
        Some(abi::signal::SIGKILL)
    } else if lim.cur != super::rlimit::RLIM_INF && secs >= lim.cur && whole_second {
        Some(abi::signal::SIGXCPU)
    } else {
        None
    }
}

/// Pick the next runnable task and switch to it. Returns when the calling
/// task is scheduled again (never, for a zombie).
pub fn schedule() {
    // A task released while running on its own stack is freed once another
    // stack runs: here, unless this is still that task.
    let dead = SCHED.with(|s| {
        let running = s.current_task as *const Task;
        match &s.dead {
            Some(d) if !core::ptr::eq(&**d, running) => s.dead.take(),
            _ => None,
        }
    });
    drop(dead);
    loop {
        let plan = SCHED.with(|s| {
            let prev = s.current;
            if let Some(p) = prev
                && let Some(t) = s.tasks.get_mut(p)
                && t.state == TaskState::Runnable
                && !s.runq.contains(&p)
            {
                s.runq.push_back(p);
            }
            let next = loop {
                let n = s.runq.pop_front()?;
                if s.tasks
                    .get(n)
                    .is_some_and(|t| t.state == TaskState::Runnable)
                {
                    break n;
                }
            };
            if prev != Some(next) {
                CONTEXT_SWITCHES.fetch_add(1, Ordering::Relaxed);
            }
            s.current = Some(next);
            let next_task = s.tasks.get_mut(next).unwrap();
            CURRENT_TGID.store(next_task.tgid, Ordering::Relaxed);
            super::vdso::switch_to(next_task.mm.as_deref());
            s.current_task = &raw mut *next_task;
            next_task.slice = TIME_SLICE;
            let next_sp = next_task.saved_sp;
            let top = next_task.kstack.top();
            let pd = next_task
                .mm
                .as_ref()
                .map_or(paging::kernel_pd_phys(), |m| m.pd_phys());
            let tls = next_task.tls;
            let ldt = next_task.mm.as_ref().map_or(0, |m| m.ldt.descriptor());
            // Only a task with ports copies its bitmap in (rare: root
            // programs that called ioperm or iopl).
            tss::set_io_ports(crate::arch::x86::ioport::ports_of(next_task));
            let next_fpu: *const fpu::FpuState = &*next_task.fpu;
            let prev_sp: *mut usize = match prev.and_then(|p| s.tasks.get_mut(p)) {
                Some(t) if prev != Some(next) => {
                    fpu::save(&mut t.fpu);
                    &mut t.saved_sp
                }
                Some(_) => return Some(None), // the same task again: nothing to switch
                None => &mut s.idle_sp,
            };
            Some(Some((prev_sp, next_sp, top, pd, tls, ldt, next_fpu)))
        });
        match plan {
            Some(None) => return,
            Some(Some((prev_sp, next_sp, top, pd, tls, ldt, next_fpu))) => {
                tss::set_esp0(top);
                sysenter::set_stack(top);
                for (i, d) in tls.iter().enumerate() {
                    gdt::set_tls(i, *d);
                }
                gdt::forget_cached_fs_gs();
                crate::arch::x86::ldt::load(ldt);
                // SAFETY: `pd` is the next task's directory (with the kernel
                // half), `next_fpu` points into its boxed state, and
                // `next_sp` was saved by switch_to/prepare_new_stack on its
                // live kernel stack; `prev_sp` points into a boxed task or
                // the idle slot, which outlive the switch.
                unsafe {
                    paging::switch_pd(pd);
                    fpu::restore(&*next_fpu);
                    switch::switch_to(prev_sp, next_sp);
                }
                return;
            }
            None => {
                // Nothing runnable: wait for an interrupt to wake someone.
                instructions::sti_hlt_cli();
            }
        }
    }
}

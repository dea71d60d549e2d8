//! Interval timers (Linux's `kernel/time/itimer.c`): `setitimer`,
//! `getitimer` and `alarm`. `ITIMER_REAL` counts monotonic time and sends
//! `SIGALRM`; `ITIMER_VIRTUAL` counts the process's user time
//! (`SIGVTALRM`); `ITIMER_PROF` its user and system time (`SIGPROF`). Each
//! fires when its value runs out, and starts again from its interval if it
//! has one. They belong to the process (Linux's `signal_struct`), shared
//! by its threads, and count the CPU time of all of them. The timers
//! survive `execve`; a child of `fork` starts without.
//!
//! A real timer keeps its deadline; the timer tick ([`tick`]) looks at the
//! tasks only when the earliest deadline of all ([`REAL_NEXT`]) has come,
//! so an armed timer costs the tick one comparison. The CPU-time timers
//! count down the ticks the task is charged (`sched::timer_tick`), one
//! tick's worth of nanoseconds at a time, as Linux without
//! `CONFIG_HIGH_RES_TIMERS` for CPU time.

use super::task::Pid;
use super::with_current;
use abi::signal::{SIGALRM, SIGPROF, SIGVTALRM};
use abi::time::{ITIMER_PROF, ITIMER_REAL, ITIMER_VIRTUAL};
use core::sync::atomic::{AtomicU64, Ordering};

/// One timer: what is left (`ITIMER_REAL`: the monotonic deadline) and
/// the period to start again from; `value` 0 is disarmed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Itimer {
    pub value: u64,
    pub interval: u64,
}

/// A process's three timers, indexed by `ITIMER_*`.
pub type Itimers = [Itimer; 3];

/// The earliest real-timer deadline of any task (`u64::MAX`: none), so
/// that the tick scans the tasks only when one is due.
static REAL_NEXT: AtomicU64 = AtomicU64::new(u64::MAX);

/// The signal each timer sends.
fn signal_of(which: usize) -> i32 {
    [SIGALRM, SIGVTALRM, SIGPROF][which]
}

/// The current process's timer `which` as (nanoseconds left, interval), and
/// the timer set to `new` (same units) if given (Linux's `do_setitimer`
/// and `do_getitimer`). A real timer that is due but has not fired yet
/// shows 1 µs left, as Linux's `itimer_get_remtime` does.
pub fn get_set(which: i32, new: Option<(u64, u64)>) -> (u64, u64) {
    let which = which as usize;
    let now = crate::time::uptime_ns();
    let old = with_current(|t| {
        let old = t.group.itimers[which];
        if let Some((value, interval)) = new {
            t.group.itimers[which] = Itimer {
                value: match (value, which as i32) {
                    (0, _) => 0,
                    (v, ITIMER_REAL) => now.saturating_add(v),
                    (v, _) => v,
                },
                interval,
            };
            if which as i32 == ITIMER_REAL && value != 0 {
                REAL_NEXT.fetch_min(t.group.itimers[which].value, Ordering::Relaxed);
            }
        }
        old
    });
    let left = match (old.value, which as i32) {
        (0, _) => 0,
        (deadline, ITIMER_REAL) => deadline.saturating_sub(now).max(1000),
        (v, _) => v,
    };
    (left, old.interval)
}

/// The signals a tick's timers fire, gathered while the scheduler is
/// borrowed and sent after (`sched::timer_tick`): a fixed few, since an
/// interrupt allocates nothing. A timer that finds no room waits for the
/// next tick, its deadline untouched.
#[derive(Default)]
pub struct Fired {
    list: [(Pid, i32); 8],
    len: usize,
}

impl Fired {
    fn push(&mut self, pid: Pid, sig: i32) -> bool {
        let Some(slot) = self.list.get_mut(self.len) else {
            return false;
        };
        *slot = (pid, sig);
        self.len += 1;
        true
    }

    /// The (task, signal) pairs to send.
    pub fn iter(&self) -> impl Iterator<Item = &(Pid, i32)> {
        self.list[..self.len].iter()
    }
}

/// The timer tick: charge the running task's process's CPU-time timers
/// `tick_ns` (`user`: of user time), and fire the real timers that are
/// due. The signals go to the process (`send_process`).
pub fn tick(
    s: &mut super::sched::Scheduler,
    current: Option<Pid>,
    user: bool,
    tick_ns: u64,
    fired: &mut Fired,
) {
    // Only a task really running is charged (the idle loop may run on a
    // sleeper's behalf), as `timer_tick` charges its ticks.
    let running = current.and_then(|p| s.tasks.get_mut(p));
    if let Some(t) = running.filter(|t| t.state == super::task::TaskState::Runnable) {
        for which in [ITIMER_VIRTUAL, ITIMER_PROF] {
            let it = &mut t.group.itimers[which as usize];
            if it.value == 0 || (which == ITIMER_VIRTUAL && !user) {
                continue;
            }
            if it.value > tick_ns {
                it.value -= tick_ns;
            } else if fired.push(t.tgid, signal_of(which as usize)) {
                // Overrun carries into the next period, as Linux's
                // bump_cpu_timer keeps the period exact over time.
                let over = tick_ns - it.value;
                it.value = match it.interval {
                    0 => 0,
                    i => i.saturating_sub(over % i).max(1),
                };
            }
        }
    }
    let now = crate::time::uptime_ns();
    if now < REAL_NEXT.load(Ordering::Relaxed) {
        return;
    }
    let mut next = u64::MAX;
    // Each process once, through its leader (which stays, a zombie if it
    // must, while other threads live).
    for t in s.tasks.iter_mut().filter(|t| t.pid == t.tgid) {
        let it = &mut t.group.itimers[ITIMER_REAL as usize];
        if it.value != 0 && it.value <= now && fired.push(t.tgid, SIGALRM) {
            // Linux's it_real_fn: signal, then start the next period from
            // the deadline (not from now), skipping periods already gone.
            it.value = match it.interval {
                0 => 0,
                i => {
                    let missed = (now - it.value) / i + 1;
                    it.value.saturating_add(missed.saturating_mul(i))
                }
            };
        }
        if it.value != 0 {
            next = next.min(it.value);
        }
    }
    REAL_NEXT.store(next, Ordering::Relaxed);
}

/// Is `which` a timer this kernel has?
pub fn valid(which: i32) -> bool {
    matches!(which, ITIMER_REAL | ITIMER_VIRTUAL | ITIMER_PROF)
}

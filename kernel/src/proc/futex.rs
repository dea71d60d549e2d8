//! Fast user-space mutexes (Linux's kernel/futex/): tasks sleep on a
//! 32-bit word of user memory until another wakes them, and the kernel
//! checks the word's value as they go to sleep, so that no wake between
//! the user's test and the sleep is lost.
//!
//! A waiter is keyed as Linux keys it (`get_futex_key`): a private futex
//! (`FUTEX_PRIVATE_FLAG`) by its address space and address; a shared one
//! in a shared file mapping by the physical address of the word, so that
//! processes sharing the page meet on it whatever address each maps it at;
//! a shared one in private memory by address space and address again, but
//! apart from the private futex there (Linux's `FUT_OFF_MMSHARED`: the
//! kernel's own `clear_child_tid` wake is a shared one, and C libraries
//! wait for it as such). Shared anonymous memory (`MAP_SHARED |
//! MAP_ANONYMOUS`, the same frames after `fork`) is keyed by frame too;
//! private pages that copy-on-write `fork` still shares are not (they are
//! two processes' own memory, as on Linux).
//!
//! Waiters form one FIFO queue (Linux hashes them into buckets; a handful
//! of threads wait here at a time). A waiter is taken off the queue by the
//! task that wakes it, so the sleeper learns it was woken by finding
//! itself gone; a timeout or a signal takes it off itself.
//!
//! Not here: the priority-inheritance operations (`FUTEX_LOCK_PI` and the
//! rest: `-ENOSYS`, which the C libraries only need for `PTHREAD_PRIO_INHERIT`
//! mutexes), and `futex_waitv`.

use super::sched::{self, SCHED};
use super::task::{Pid, RestartBlock, WaitChannel};
use super::{current_mm, with_current};
use crate::mm::usercopy::{access_ok, get_user, put_user};
use crate::sync::UpCell;
use abi::errno::{
    EAGAIN, EFAULT, EINVAL, ENOMEM, ENOSYS, ERESTART_RESTARTBLOCK, ERESTARTSYS, ETIMEDOUT, Errno,
};
use alloc::collections::VecDeque;

/// `futex(2)` operations (`include/uapi/linux/futex.h`).
pub const FUTEX_WAIT: u32 = 0;
pub const FUTEX_WAKE: u32 = 1;
pub const FUTEX_FD: u32 = 2;
pub const FUTEX_REQUEUE: u32 = 3;
pub const FUTEX_CMP_REQUEUE: u32 = 4;
pub const FUTEX_WAKE_OP: u32 = 5;
pub const FUTEX_WAIT_BITSET: u32 = 9;
pub const FUTEX_WAKE_BITSET: u32 = 10;
pub const FUTEX_PRIVATE_FLAG: u32 = 128;
pub const FUTEX_CLOCK_REALTIME: u32 = 256;
pub const FUTEX_CMD_MASK: u32 = !(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
/// What `FUTEX_WAIT` and `FUTEX_WAKE` match against a waiter's bitset.
pub const FUTEX_BITSET_MATCH_ANY: u32 = u32::MAX;

/// Which futex a waiter sleeps on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Key {
    /// A private futex: the address space (its `Mm`'s address, held alive
    /// by the waiter's own reference) and the user address.
    Private { mm: usize, addr: usize },
    /// A shared futex in private memory (Linux's `FUT_OFF_MMSHARED`).
    MmShared { mm: usize, addr: usize },
    /// A shared futex in a shared mapping (of a file, or anonymous): the
    /// physical address of the word.
    Shared { phys: usize },
}

struct Waiter {
    key: Key,
    tid: Pid,
    bitset: u32,
}

/// Every task asleep on a futex, oldest first (woken in that order).
static QUEUE: UpCell<VecDeque<Waiter>> = UpCell::new(VecDeque::new());

/// Read a `u32` of the current address space.
pub fn get_u32(addr: usize) -> Result<u32, Errno> {
    get_user::<u32>(&*current_mm()?, addr)
}

/// Write a `u32` of the current address space.
pub fn put_u32(addr: usize, v: u32) -> Result<(), Errno> {
    put_user(&*current_mm()?, addr, &v)
}

/// Linux's `get_futex_key`: `EINVAL` for a misaligned address, `EFAULT`
/// for one outside user space or (shared) not mapped.
fn key_of(uaddr: usize, shared: bool) -> Result<Key, Errno> {
    if !uaddr.is_multiple_of(4) {
        return Err(EINVAL);
    }
    if !access_ok(uaddr, 4) {
        return Err(EFAULT);
    }
    let mm = current_mm()?;
    let id = alloc::sync::Arc::as_ptr(&mm) as usize;
    if !shared {
        return Ok(Key::Private {
            mm: id,
            addr: uaddr,
        });
    }
    // Touch the word so that its page is there (Linux's get_user_pages).
    get_user::<u32>(&mm, uaddr)?;
    let page = uaddr & !0xfff;
    let (frame, shared_map) = mm
        .with(|m| {
            let shared_map = m.file_at(uaddr).is_some_and(|f| f.shared)
                || m.region_at(uaddr)
                    .is_some_and(|r| r.kind == crate::mm::addrspace::RegionKind::SharedAnon);
            m.translate(page).map(|(f, _)| (f, shared_map))
        })
        .ok_or(EFAULT)?;
    Ok(if shared_map {
        Key::Shared {
            phys: frame + (uaddr & 0xfff),
        }
    } else {
        Key::MmShared {
            mm: id,
            addr: uaddr,
        }
    })
}

/// Is `tid` still queued (not yet woken)? Takes it off if `remove`.
fn queued(tid: Pid, remove: bool) -> bool {
    QUEUE.with(|q| match q.iter().position(|w| w.tid == tid) {
        Some(i) => {
            if remove {
                q.remove(i);
            }
            true
        }
        None => false,
    })
}

/// Wake up to `nr` waiters on `key` whose bitset meets `bitset`; how many.
fn wake_key(key: Key, nr: u32, bitset: u32) -> usize {
    let mut woken = 0;
    QUEUE.with(|q| {
        let mut i = 0;
        while i < q.len() && woken < nr as usize {
            if q[i].key == key && q[i].bitset & bitset != 0 {
                let w = q.remove(i).expect("index in range");
                SCHED.with(|s| s.make_runnable(w.tid));
                woken += 1;
            } else {
                i += 1;
            }
        }
    });
    woken
}

/// `FUTEX_WAKE` on the shared futex at `uaddr` (the exit-time wakes).
pub fn wake_addr(uaddr: usize, nr: u32) -> Result<usize, Errno> {
    Ok(wake_key(key_of(uaddr, true)?, nr, FUTEX_BITSET_MATCH_ANY))
}

/// How a wait ends if nothing wakes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout {
    /// The monotonic-clock time it gives up at.
    pub deadline_ns: u64,
}

/// `FUTEX_WAIT`/`FUTEX_WAIT_BITSET` (Linux's `futex_wait`): sleep on
/// `uaddr` if it still holds `val` (`EAGAIN` if not) until a wake whose
/// bitset meets `bitset` (0), the deadline (`ETIMEDOUT`), or a signal:
/// `ERESTARTSYS` without a timeout; with one, a restart block that waits
/// on to the same deadline if no handler runs (`EINTR` if one does).
pub fn wait(
    uaddr: usize,
    val: u32,
    bitset: u32,
    shared: bool,
    timeout: Option<Timeout>,
) -> Result<usize, Errno> {
    if bitset == 0 {
        return Err(EINVAL);
    }
    let key = key_of(uaddr, shared)?;
    // Linux queues the waiter before it reads the value (futex_wait_setup)
    // so that no wake is lost in between; on one CPU, with the kernel not
    // preempted, nothing runs between the read and the queueing here.
    let tid = with_current(|t| t.pid);
    let room = QUEUE.with(|q| crate::mm::heap::for_user(|| q.try_reserve(1)));
    room.map_err(|_| ENOMEM)?;
    if get_u32(uaddr)? != val {
        return Err(EAGAIN);
    }
    QUEUE.with(|q| q.push_back(Waiter { key, tid, bitset }));
    loop {
        if !queued(tid, false) {
            return Ok(0); // woken (a wake wins over a timeout or a signal)
        }
        if let Some(t) = timeout
            && crate::time::uptime_ns() >= t.deadline_ns
        {
            queued(tid, true);
            return Err(ETIMEDOUT);
        }
        if super::signal::pending() {
            queued(tid, true);
            return match timeout {
                None => Err(ERESTARTSYS),
                Some(t) => {
                    with_current(|task| {
                        task.restart_block = Some(RestartBlock::Futex {
                            uaddr,
                            val,
                            bitset,
                            shared,
                            deadline_ns: t.deadline_ns,
                        })
                    });
                    Err(ERESTART_RESTARTBLOCK)
                }
            };
        }
        // A wake makes the waiter runnable by its tid, whatever it sleeps
        // on: a timed wait sleeps to its deadline, an untimed one until a
        // wake or a signal.
        sched::sleep(match timeout {
            Some(t) => WaitChannel::Until(t.deadline_ns),
            None => WaitChannel::Futex,
        });
    }
}

/// `FUTEX_WAKE`/`FUTEX_WAKE_BITSET` (Linux's `futex_wake`).
pub fn wake(uaddr: usize, nr: u32, bitset: u32, shared: bool) -> Result<usize, Errno> {
    if bitset == 0 {
        return Err(EINVAL);
    }
    let key = key_of(uaddr, shared)?;
    Ok(wake_key(key, at_least_one(nr), bitset))
}

/// Linux's wake loops take `int nr_wake` and stop after `++ret >= nr_wake`:
/// a count of 0 or a negative one still wakes one waiter.
fn at_least_one(nr: u32) -> u32 {
    (nr as i32).max(1) as u32
}

/// `FUTEX_REQUEUE`/`FUTEX_CMP_REQUEUE` (Linux's `futex_requeue`): wake up
/// to `nr_wake` waiters on `uaddr` and move up to `nr_requeue` more to
/// `uaddr2`; with `cmpval`, first `EAGAIN` unless `uaddr` holds it.
/// Returns how many were woken and moved.
pub fn requeue(
    uaddr: usize,
    uaddr2: usize,
    nr_wake: i32,
    nr_requeue: i32,
    cmpval: Option<u32>,
    shared: bool,
) -> Result<usize, Errno> {
    if nr_wake < 0 || nr_requeue < 0 {
        return Err(EINVAL);
    }
    let key1 = key_of(uaddr, shared)?;
    let key2 = key_of(uaddr2, shared)?;
    if let Some(c) = cmpval
        && get_u32(uaddr)? != c
    {
        return Err(EAGAIN);
    }
    let woken = wake_key(key1, nr_wake as u32, FUTEX_BITSET_MATCH_ANY);
    let mut moved = 0;
    if key1 != key2 {
        QUEUE.with(|q| {
            for w in q.iter_mut() {
                if moved >= nr_requeue as usize {
                    break;
                }
                if w.key == key1 {
                    w.key = key2;
                    moved += 1;
                }
            }
        });
    }
    Ok(woken + moved)
}

/// `FUTEX_WAKE_OP` (Linux's `futex_wake_op`): change the word at `uaddr2`
/// by the operation encoded in `op`, wake up to `nr_wake` waiters on
/// `uaddr`, and, if the old value at `uaddr2` passes the comparison also
/// encoded in `op`, up to `nr_wake2` on `uaddr2`. `ENOSYS` for an unknown
/// operation or comparison (Linux's `arch_futex_atomic_op_inuser`).
pub fn wake_op(
    uaddr: usize,
    uaddr2: usize,
    nr_wake: u32,
    nr_wake2: u32,
    op: u32,
    shared: bool,
) -> Result<usize, Errno> {
    let key1 = key_of(uaddr, shared)?;
    let key2 = key_of(uaddr2, shared)?;
    let kind = (op >> 28) & 7;
    let cmp = (op >> 24) & 15;
    let mut oparg = sign_extend12((op >> 12) & 0xfff);
    let cmparg = sign_extend12(op & 0xfff);
    if op & (8 << 28) != 0 {
        // FUTEX_OP_OPARG_SHIFT: the argument is a shift count.
        oparg = 1 << (oparg & 31);
    }
    if kind > 4 || cmp > 5 {
        return Err(ENOSYS);
    }
    let old = get_u32(uaddr2)? as i32;
    let new = match kind {
        0 => oparg,                   // FUTEX_OP_SET
        1 => old.wrapping_add(oparg), // FUTEX_OP_ADD
        2 => old | oparg,             // FUTEX_OP_OR
        3 => old & !oparg,            // FUTEX_OP_ANDN
        _ => old ^ oparg,             // FUTEX_OP_XOR
    };
    put_u32(uaddr2, new as u32)?;
    let mut woken = wake_key(key1, at_least_one(nr_wake), FUTEX_BITSET_MATCH_ANY);
    let pass = match cmp {
        0 => old == cmparg,
        1 => old != cmparg,
        2 => old < cmparg,
        3 => old <= cmparg,
        4 => old > cmparg,
        _ => old >= cmparg,
    };
    if pass {
        woken += wake_key(key2, at_least_one(nr_wake2), FUTEX_BITSET_MATCH_ANY);
    }
    Ok(woken)
}

fn sign_extend12(v: u32) -> i32 {
    ((v << 20) as i32) >> 20
}

/// A task leaving: it is in no queue any more (a fatal signal ends its
/// wait through the same path as any signal; this is for safety).
pub fn forget(tid: Pid) {
    queued(tid, true);
}

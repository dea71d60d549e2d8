//! Waiting for descriptors (Linux's fs/select.c): `poll`, `ppoll`, the old
//! `select` (82), `_newselect`, `pselect6` and their `_time64` forms.
//!
//! Every file answers one question, [`poll_mask`]: which of `POLLIN`,
//! `POLLOUT`, `POLLHUP`, `POLLERR` hold now. `poll` reports that mask
//! filtered by what was asked; `select` turns it into three bit sets as
//! Linux's `do_select` does (`POLLIN_SET`, `POLLOUT_SET`, `POLLEX_SET`).
//! A caller with nothing ready sleeps a timer tick at a time until
//! something is, the timeout passes, or a signal comes (`EINTR`).

use super::char_dev::Device;
use super::file::{FileKind, FileRef};
use super::namei::file;
use super::{pipe, tty};
use crate::proc::with_current;
use crate::syscall::args::SysResult;
use crate::syscall::uaccess::UserPtr;
use abi::errno::*;
use abi::poll::{POLLERR, POLLHUP, POLLIN, POLLNVAL, POLLOUT, POLLPRI, POLLRDNORM, POLLWRNORM};
use abi::types::{Pollfd, Timespec, Timespec64, Timeval};
use alloc::vec::Vec;

/// `vfs_poll()`: what `f` is ready for now (each file type's `poll`).
pub fn poll_mask(f: &FileRef) -> i16 {
    let (kind, version) = {
        let of = f.lock();
        (of.kind, of.version)
    };
    match kind {
        FileKind::Device(Device::Console) => {
            POLLOUT
                | POLLWRNORM
                | if tty::readable() {
                    POLLIN | POLLRDNORM
                } else {
                    0
                }
        }
        // `pipe_poll()`: readable with data; hung up once the writers are
        // gone, but a FIFO reader that never saw a writer is not.
        FileKind::Pipe { id, write: false } => {
            let s = pipe::status(id);
            let mut m = if s.bytes > 0 { POLLIN | POLLRDNORM } else { 0 };
            if s.writers == 0 && s.w_counter != version {
                m |= POLLHUP;
            }
            // A FIFO open for reading and writing can write too.
            if f.lock().flags & abi::fcntl::O_ACCMODE == abi::fcntl::O_RDWR
                && s.bytes < pipe::PIPE_CAPACITY
            {
                m |= POLLOUT | POLLWRNORM;
            }
            m
        }
        FileKind::Pipe { id, write: true } => {
            let s = pipe::status(id);
            (if s.bytes < pipe::PIPE_CAPACITY {
                POLLOUT | POLLWRNORM
            } else {
                0
            }) | if s.readers == 0 { POLLERR } else { 0 }
        }
        // Regular files, directories and the memory devices are always
        // ready (`DEFAULT_POLLMASK`); an O_PATH descriptor is not pollable.
        FileKind::Path => POLLNVAL,
        _ => POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM,
    }
}

/// A deadline in uptime nanoseconds; `None`: wait forever.
type Deadline = Option<u64>;

fn deadline_after(ns: u64) -> Deadline {
    Some(crate::time::uptime_ns().saturating_add(ns))
}

fn expired(d: Deadline) -> bool {
    d.is_some_and(|d| crate::time::uptime_ns() >= d)
}

/// Sleep a tick, or `EINTR` if a signal is pending.
fn wait_a_tick() -> Result<(), Errno> {
    if crate::proc::signal::pending() {
        // Restarted (with the same timeout) if no handler runs.
        return Err(ERESTARTNOHAND);
    }
    crate::proc::sched::sleep(crate::proc::task::WaitChannel::Timer);
    Ok(())
}

/// Run `f` with the signal mask `mask` in place (`pselect6`/`ppoll`'s
/// `sigmask`). Interrupted by a signal, the call leaves that mask for the
/// signal's delivery and the old one saved to come back after it (Linux's
/// `restore_saved_sigmask_unless`): a signal only `mask` lets through
/// still runs its handler. Otherwise the old mask is back at once.
fn with_sigmask(mask: Option<u64>, f: impl FnOnce() -> SysResult) -> SysResult {
    let Some(mask) = mask else { return f() };
    let kill_stop = 1 << (abi::signal::SIGKILL - 1) | 1 << (abi::signal::SIGSTOP - 1);
    let old = with_current(|t| core::mem::replace(&mut t.sigmask, mask & !kill_stop));
    let r = f();
    with_current(|t| {
        if r == Err(ERESTARTNOHAND) {
            t.saved_sigmask = Some(old);
        } else {
            t.sigmask = old;
        }
    });
    r
}

/// `do_sys_poll()`: fill each entry's `revents`; returns how many are
/// non-zero once some are, or the deadline passed.
fn do_poll(ufds: UserPtr<Pollfd>, nfds: usize, deadline: Deadline) -> SysResult {
    // More entries than RLIMIT_NOFILE is EINVAL.
    if nfds > with_current(|t| t.nofile_limit()) {
        return Err(EINVAL);
    }
    // Bounded by RLIMIT_NOFILE (at most NR_OPEN_MAX) above.
    let mut fds = ufds.read_array(nfds)?;
    loop {
        let mut ready = 0;
        for p in fds.iter_mut() {
            p.revents = 0;
            if p.fd < 0 {
                continue;
            }
            p.revents = match file(p.fd) {
                Ok(f) => poll_mask(&f) & (p.events | POLLERR | POLLHUP | POLLNVAL),
                Err(_) => POLLNVAL,
            };
            if p.revents != 0 {
                ready += 1;
            }
        }
        if ready > 0 || expired(deadline) {
            for (i, p) in fds.iter().enumerate() {
                ufds.offset(i)?.write(p)?;
            }
            return Ok(ready);
        }
        wait_a_tick()?;
    }
}

/// `poll(fds, nfds, timeout_ms)`: a negative timeout waits forever.
pub fn sys_poll(ufds: UserPtr<Pollfd>, nfds: usize, timeout: i32) -> SysResult {
    let deadline = if timeout < 0 {
        None
    } else {
        deadline_after(timeout as u64 * 1_000_000)
    };
    do_poll(ufds, nfds, deadline)
}

/// A `timespec` timeout: `EINVAL` if out of range; NULL waits forever.
fn ts_deadline(sec: i64, nsec: i64) -> Result<Deadline, Errno> {
    if sec < 0 || !(0..1_000_000_000).contains(&nsec) {
        return Err(EINVAL);
    }
    Ok(deadline_after(
        (sec as u64)
            .saturating_mul(1_000_000_000)
            .saturating_add(nsec as u64),
    ))
}

/// The `sigmask` argument of `ppoll`/`pselect6`: a `sigset_t` of `size`
/// bytes (8: `EINVAL` otherwise).
fn read_sigmask(addr: u32, size: usize) -> Result<Option<u64>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    if size != 8 {
        return Err(EINVAL);
    }
    let s = UserPtr::<[u32; 2]>::new(addr as usize).read()?;
    Ok(Some(u64::from(s[1]) << 32 | u64::from(s[0])))
}

/// `ppoll(fds, nfds, tmo_p, sigmask, sigsetsize)` with a 32-bit timespec.
pub fn sys_ppoll(
    ufds: UserPtr<Pollfd>,
    nfds: usize,
    tmo: UserPtr<Timespec>,
    sigmask: u32,
    size: usize,
) -> SysResult {
    let deadline = match tmo.read_opt()? {
        Some(t) => ts_deadline(i64::from(t.tv_sec), i64::from(t.tv_nsec))?,
        None => None,
    };
    let mask = read_sigmask(sigmask, size)?;
    with_sigmask(mask, || do_poll(ufds, nfds, deadline))
}

/// `ppoll_time64(fds, nfds, tmo_p, sigmask, sigsetsize)`.
pub fn sys_ppoll_time64(
    ufds: UserPtr<Pollfd>,
    nfds: usize,
    tmo: UserPtr<Timespec64>,
    sigmask: u32,
    size: usize,
) -> SysResult {
    let deadline = match tmo.read_opt()? {
        Some(t) => ts_deadline(t.tv_sec, t.tv_nsec)?,
        None => None,
    };
    let mask = read_sigmask(sigmask, size)?;
    with_sigmask(mask, || do_poll(ufds, nfds, deadline))
}

// ---------------------------------------------------------------------------
// select

/// `POLLIN_SET`, `POLLOUT_SET`, `POLLEX_SET` (fs/select.c).
const POLLIN_SET: i16 = POLLRDNORM | POLLIN | POLLHUP | POLLERR;
const POLLOUT_SET: i16 = POLLWRNORM | POLLOUT | POLLERR;
const POLLEX_SET: i16 = POLLPRI;

/// An `fd_set` argument: `n` bits at `addr` (NULL: none), in 32-bit words.
fn read_set(addr: u32, n: usize) -> Result<Option<Vec<u32>>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    UserPtr::<u32>::new(addr as usize)
        .read_array(n.div_ceil(32))
        .map(Some)
}

fn write_set(addr: u32, set: &Option<Vec<u32>>) -> Result<(), Errno> {
    if let Some(words) = set {
        for (i, w) in words.iter().enumerate() {
            UserPtr::<u32>::new(addr as usize).offset(i)?.write(w)?;
        }
    }
    Ok(())
}

fn bit(set: &Option<Vec<u32>>, fd: usize) -> bool {
    set.as_ref()
        .is_some_and(|w| w[fd / 32] & (1 << (fd % 32)) != 0)
}

/// `core_sys_select()`: `n` past `RLIMIT_NOFILE`'s table is cut to it
/// (Linux cuts it at the table's size); a bit for a closed descriptor is
/// `EBADF`. The sets are rewritten with what is ready; returns the count
/// of bits set.
fn do_select(n: i32, inp: u32, outp: u32, exp: u32, deadline: Deadline) -> Result<usize, Errno> {
    if n < 0 {
        return Err(EINVAL);
    }
    let n = (n as usize).min(with_current(|t| t.nofile_limit()));
    let (rin, win, ein) = (read_set(inp, n)?, read_set(outp, n)?, read_set(exp, n)?);
    let zeroed = |s: &Option<Vec<u32>>| s.as_ref().map(|w| alloc::vec![0u32; w.len()]);
    loop {
        let (mut rout, mut wout, mut eout) = (zeroed(&rin), zeroed(&win), zeroed(&ein));
        let mut count = 0;
        for fd in 0..n {
            let (r, w, e) = (bit(&rin, fd), bit(&win, fd), bit(&ein, fd));
            if !(r || w || e) {
                continue;
            }
            let mask = poll_mask(&file(fd as i32)?);
            for (want, set, out) in [
                (r, POLLIN_SET, &mut rout),
                (w, POLLOUT_SET, &mut wout),
                (e, POLLEX_SET, &mut eout),
            ] {
                if want
                    && mask & set != 0
                    && let Some(o) = out
                {
                    o[fd / 32] |= 1 << (fd % 32);
                    count += 1;
                }
            }
        }
        if count > 0 || expired(deadline) {
            write_set(inp, &rout)?;
            write_set(outp, &wout)?;
            write_set(exp, &eout)?;
            return Ok(count);
        }
        wait_a_tick()?;
    }
}

/// The time left until `deadline`, for writing back (Linux's
/// `poll_select_finish`: select and pselect6 update their timeout).
fn left_ns(deadline: Deadline) -> u64 {
    deadline.map_or(0, |d| d.saturating_sub(crate::time::uptime_ns()))
}

/// `_newselect(n, inp, outp, exp, tvp)`: a `timeval` timeout, written back
/// with the time left.
pub fn sys_newselect(n: i32, inp: u32, outp: u32, exp: u32, tvp: UserPtr<Timeval>) -> SysResult {
    let deadline = match tvp.read_opt()? {
        Some(t) => {
            if t.tv_sec < 0 || !(0..1_000_000).contains(&t.tv_usec) {
                return Err(EINVAL);
            }
            deadline_after(t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1000)
        }
        None => None,
    };
    let r = do_select(n, inp, outp, exp, deadline);
    if !tvp.is_null() {
        let left = left_ns(deadline);
        let tv = Timeval {
            tv_sec: (left / 1_000_000_000) as i32,
            tv_usec: (left % 1_000_000_000 / 1000) as i32,
        };
        let _ = tvp.write(&tv);
    }
    r
}

/// The old `select(82)`: one pointer to `struct sel_arg_struct { n, inp,
/// outp, exp, tvp }` (`sys_old_select`).
pub fn sys_old_select(args: UserPtr<[u32; 5]>) -> SysResult {
    let a = args.read()?;
    sys_newselect(a[0] as i32, a[1], a[2], a[3], UserPtr::new(a[4] as usize))
}

/// `pselect6`'s sixth argument: `{ const sigset_t *ss; size_t ss_len; }`.
fn pselect_mask(sig: u32) -> Result<Option<u64>, Errno> {
    if sig == 0 {
        return Ok(None);
    }
    let [ss, len] = UserPtr::<[u32; 2]>::new(sig as usize).read()?;
    read_sigmask(ss, len as usize)
}

/// `pselect6(n, inp, outp, exp, tsp, sig)` with a 32-bit timespec.
pub fn sys_pselect6(
    n: i32,
    inp: u32,
    outp: u32,
    exp: u32,
    tsp: UserPtr<Timespec>,
    sig: u32,
) -> SysResult {
    let deadline = match tsp.read_opt()? {
        Some(t) => ts_deadline(i64::from(t.tv_sec), i64::from(t.tv_nsec))?,
        None => None,
    };
    let mask = pselect_mask(sig)?;
    let r = with_sigmask(mask, || do_select(n, inp, outp, exp, deadline));
    if !tsp.is_null() {
        let left = left_ns(deadline);
        let ts = Timespec {
            tv_sec: (left / 1_000_000_000) as i32,
            tv_nsec: (left % 1_000_000_000) as i32,
        };
        let _ = tsp.write(&ts);
    }
    r
}

/// `pselect6_time64(n, inp, outp, exp, tsp, sig)`.
pub fn sys_pselect6_time64(
    n: i32,
    inp: u32,
    outp: u32,
    exp: u32,
    tsp: UserPtr<Timespec64>,
    sig: u32,
) -> SysResult {
    let deadline = match tsp.read_opt()? {
        Some(t) => ts_deadline(t.tv_sec, t.tv_nsec)?,
        None => None,
    };
    let mask = pselect_mask(sig)?;
    let r = with_sigmask(mask, || do_select(n, inp, outp, exp, deadline));
    if !tsp.is_null() {
        let left = left_ns(deadline);
        let ts = Timespec64 {
            tv_sec: (left / 1_000_000_000) as i64,
            tv_nsec: (left % 1_000_000_000) as i64,
        };
        let _ = tsp.write(&ts);
    }
    r
}

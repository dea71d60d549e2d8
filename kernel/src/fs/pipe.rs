//! Pipes: a bounded byte queue between a read end and a write end
//! (Linux's `fs/pipe.c`, without the page juggling).
//!
//! An open file refers to a pipe by id (`FileKind::Pipe`); the queue and the
//! count of open ends live here. A reader sleeps while the pipe is empty and
//! a writer exists; a writer sleeps while it is full and a reader exists.
//! Reading with no writers left is end-of-file; writing with no readers left
//! is `EPIPE` (and `SIGPIPE`, decided by the caller).

use crate::proc::sched;
use crate::proc::task::WaitChannel;
use crate::sync::UpCell;
use abi::errno::Errno;
use alloc::collections::{BTreeMap, VecDeque};

/// Bytes a pipe holds (Linux's default: 16 pages).
pub const PIPE_CAPACITY: usize = 16 * 4096;
/// Writes up to this size are atomic (POSIX `PIPE_BUF`).
pub const PIPE_BUF: usize = 4096;
/// All pipes together may buffer this much of the kernel heap (Linux
/// limits pipe memory per user, `pipe-user-pages-hard`); past it, writers
/// wait as if their pipe were full.
pub const PIPES_TOTAL_MAX: usize = 2 << 20;

struct Pipe {
    data: VecDeque<u8>,
    readers: usize,
    writers: usize,
}

struct Pipes {
    next_id: u32,
    pipes: BTreeMap<u32, Pipe>,
    /// Bytes buffered in all pipes.
    total: usize,
}

static PIPES: UpCell<Pipes> = UpCell::new(Pipes {
    next_id: 1,
    pipes: BTreeMap::new(),
    total: 0,
});

/// A new pipe with one read end and one write end open; returns its id.
pub fn create() -> u32 {
    PIPES.with(|p| {
        let id = p.next_id;
        p.next_id += 1;
        p.pipes.insert(
            id,
            Pipe {
                data: VecDeque::new(),
                readers: 1,
                writers: 1,
            },
        );
        id
    })
}

/// One end was closed (its open file description went away).
pub fn close_end(id: u32, write_end: bool) {
    PIPES.with(|p| {
        if let Some(pipe) = p.pipes.get_mut(&id) {
            if write_end {
                pipe.writers -= 1;
            } else {
                pipe.readers -= 1;
            }
            if pipe.readers == 0 && pipe.writers == 0 {
                let left = pipe.data.len();
                p.pipes.remove(&id);
                p.total -= left;
            }
        }
    });
    // Readers waiting for data see EOF; writers waiting for room see EPIPE.
    sched::wake(WaitChannel::Pipe(id), None);
}

/// Read up to `max` bytes, sleeping while the pipe is empty and has a
/// writer. `Ok(empty)` is end-of-file; `Err(EAGAIN)` for a non-blocking read
/// of an empty pipe, `Err(EINTR)` if a signal arrives while waiting.
pub fn read(id: u32, max: usize, nonblock: bool) -> Result<alloc::vec::Vec<u8>, Errno> {
    loop {
        let got = PIPES.with(|p| {
            let pipe = p.pipes.get_mut(&id)?;
            if pipe.data.is_empty() {
                return (pipe.writers == 0).then(alloc::vec::Vec::new);
            }
            let n = pipe.data.len().min(max);
            let v: alloc::vec::Vec<u8> = pipe.data.drain(..n).collect();
            pipe.data.shrink_to(PIPE_BUF); // give the heap back
            p.total -= n;
            Some(v)
        });
        if let Some(v) = got {
            if !v.is_empty() {
                sched::wake(WaitChannel::Pipe(id), None); // room for writers
            }
            return Ok(v);
        }
        if nonblock || max == 0 {
            return if max == 0 {
                Ok(alloc::vec::Vec::new())
            } else {
                Err(abi::errno::EAGAIN)
            };
        }
        if crate::proc::signal::pending() {
            return Err(abi::errno::EINTR);
        }
        sched::sleep(WaitChannel::Pipe(id));
    }
}

/// Why a write stopped.
#[derive(Debug, PartialEq, Eq)]
pub enum WriteError {
    /// No reader is left (`EPIPE`/`SIGPIPE`).
    Broken,
    /// Non-blocking and full (`EAGAIN`).
    WouldBlock,
    /// A signal arrived while waiting for room (`EINTR`).
    Interrupted,
    /// The kernel heap had no room for the bytes (`ENOMEM`, as Linux's
    /// `pipe_write` when it cannot allocate a page).
    NoMemory,
}

/// Write all of `data`, sleeping while the pipe is full and has a reader.
/// Writes of at most [`PIPE_BUF`] bytes are never interleaved with others.
/// Returns the bytes written before a reader vanished, if any were.
pub fn write(id: u32, data: &[u8], nonblock: bool) -> Result<usize, (usize, WriteError)> {
    let mut done = 0;
    while done < data.len() {
        let step = PIPES.with(|p| {
            let total = p.total;
            let Some(pipe) = p.pipes.get_mut(&id) else {
                return Err(WriteError::Broken);
            };
            if pipe.readers == 0 {
                return Err(WriteError::Broken);
            }
            let room = (PIPE_CAPACITY - pipe.data.len()).min(PIPES_TOTAL_MAX.saturating_sub(total));
            let left = data.len() - done;
            // Atomic small writes: all or nothing.
            let n = if left <= PIPE_BUF && room < left {
                0
            } else {
                room.min(left)
            };
            crate::mm::heap::for_user(|| pipe.data.try_reserve(n))
                .map_err(|_| WriteError::NoMemory)?;
            pipe.data.extend(&data[done..done + n]);
            p.total += n;
            Ok(n)
        });
        match step {
            Ok(0) if nonblock => {
                return if done > 0 {
                    Ok(done)
                } else {
                    Err((0, WriteError::WouldBlock))
                };
            }
            Ok(0) if crate::proc::signal::pending() => {
                return if done > 0 {
                    Ok(done)
                } else {
                    Err((0, WriteError::Interrupted))
                };
            }
            Ok(0) => sched::sleep(WaitChannel::Pipe(id)),
            Ok(n) => {
                done += n;
                sched::wake(WaitChannel::Pipe(id), None); // data for readers
            }
            Err(e) => return Err((done, e)),
        }
    }
    Ok(done)
}

/// (readable bytes, readers, writers), for `poll` and `FIONREAD`.
pub fn status(id: u32) -> (usize, usize, usize) {
    PIPES.with(|p| {
        p.pipes
            .get(&id)
            .map_or((0, 0, 0), |x| (x.data.len(), x.readers, x.writers))
    })
}

//! Pipes: a bounded byte queue between a read end and a write end
//! (Linux's `fs/pipe.c`, without the page juggling).
//!
//! An open file refers to a pipe by id (`FileKind::Pipe`); the queue and the
//! count of open ends live here. A reader sleeps while the pipe is empty and
//! a writer exists; a writer sleeps while it is full and a reader exists.
//! Reading with no writers left is end-of-file; writing with no readers left
//! is `EPIPE` (and `SIGPIPE`, decided by the caller).

use super::file::{FileKind, OpenFile};
use crate::proc::task::WaitChannel;
use crate::proc::{sched, with_current};
use crate::sync::UpCell;
use crate::syscall::args::SysResult;
use crate::syscall::uaccess::{UserPtr, UserSlice, Write};
use abi::errno::{EINVAL, EPIPE, Errno};
use abi::fcntl::{O_CLOEXEC, O_NONBLOCK, O_RDONLY};
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
    /// How many times a read or write end was ever opened (Linux's
    /// `r_counter`/`w_counter`): a FIFO opener waiting for the other side
    /// wakes when these move, even if that side has closed again since.
    r_counter: usize,
    w_counter: usize,
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
                r_counter: 1,
                w_counter: 1,
            },
        );
        id
    })
}

/// Open one end of the FIFO whose pipe is `*slot` (a FIFO inode's cell
/// content), making the pipe if it has none (`fifo_open`). Blocking rules
/// of fifo(7): a reader waits for a writer and a writer for a reader,
/// unless `O_NONBLOCK` (then a writer with no reader gets `ENXIO`); `O_RDWR`
/// never waits. An anonymous pipe reopened through `/proc/<pid>/fd/<n>`
/// (`is_pipe`, Linux's `PIPEFS_MAGIC` test) never waits nor fails so: its
/// other side may have come and gone. Returns the pipe's id with the end
/// counted.
pub fn fifo_open(
    slot: &crate::sync::UpCell<Option<u32>>,
    read: bool,
    write: bool,
    nonblock: bool,
    is_pipe: bool,
) -> Result<u32, Errno> {
    let existing = slot.with(|s| *s);
    let id = match existing {
        Some(id) if PIPES.with(|p| p.pipes.contains_key(&id)) => id,
        _ => {
            let id = PIPES.with(|p| {
                let id = p.next_id;
                p.next_id += 1;
                p.pipes.insert(
                    id,
                    Pipe {
                        data: VecDeque::new(),
                        readers: 0,
                        writers: 0,
                        r_counter: 0,
                        w_counter: 0,
                    },
                );
                id
            });
            slot.with(|s| *s = Some(id));
            id
        }
    };
    if write && !read && nonblock && !is_pipe && status(id).readers == 0 {
        drop_if_unused(id);
        return Err(abi::errno::ENXIO);
    }
    let (rc, wc) = PIPES.with(|p| {
        let pipe = p.pipes.get_mut(&id).expect("the FIFO's pipe");
        if read {
            pipe.readers += 1;
            pipe.r_counter += 1;
        }
        if write {
            pipe.writers += 1;
            pipe.w_counter += 1;
        }
        (pipe.r_counter, pipe.w_counter)
    });
    sched::wake(WaitChannel::Pipe(id), None); // a waiting opener's peer came
    if read != write && !nonblock && !is_pipe {
        // Wait for the other side to open (or to have opened since).
        loop {
            let (readers, writers, r_now, w_now) = PIPES.with(|p| {
                p.pipes.get(&id).map_or((0, 0, 0, 0), |x| {
                    (x.readers, x.writers, x.r_counter, x.w_counter)
                })
            });
            let peer = if read {
                writers > 0 || w_now != wc
            } else {
                readers > 0 || r_now != rc
            };
            if peer {
                break;
            }
            if crate::proc::signal::pending() {
                close_end(id, write);
                return Err(abi::errno::ERESTARTSYS);
            }
            sched::sleep(WaitChannel::Pipe(id));
        }
    }
    Ok(id)
}

/// Forget a FIFO's pipe that no end has open.
fn drop_if_unused(id: u32) {
    PIPES.with(|p| {
        if p.pipes
            .get(&id)
            .is_some_and(|x| x.readers == 0 && x.writers == 0)
        {
            let left = p.pipes.remove(&id).map_or(0, |x| x.data.len());
            p.total -= left;
        }
    });
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
            // Restarted if no handler runs (a stop and continue).
            return Err(abi::errno::ERESTARTSYS);
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

/// A pipe's state, for `poll` and `FIONREAD`.
#[derive(Clone, Copy, Debug, Default)]
pub struct Status {
    /// Bytes waiting to be read.
    pub bytes: usize,
    pub readers: usize,
    pub writers: usize,
    /// Write ends ever opened (see `Pipe::w_counter`).
    pub w_counter: usize,
}

/// The state of pipe `id` (all zero if it is gone).
pub fn status(id: u32) -> Status {
    PIPES.with(|p| {
        p.pipes.get(&id).map_or(Status::default(), |x| Status {
            bytes: x.data.len(),
            readers: x.readers,
            writers: x.writers,
            w_counter: x.w_counter,
        })
    })
}

/// Writing to a pipe nobody reads: `SIGPIPE` (whose default action ends
/// the process on the way out) and `-EPIPE`, as Linux's `pipe_write`.
pub fn broken_pipe() -> Errno {
    crate::proc::signal::send_self(abi::signal::SIGPIPE);
    EPIPE
}

/// `pipe(fds)`.
pub fn sys_pipe(fds: UserPtr<[i32; 2]>) -> SysResult {
    make_pipe(fds, 0)
}

/// `pipe2(fds, flags)`: `O_CLOEXEC` and `O_NONBLOCK`.
pub fn sys_pipe2(fds: UserPtr<[i32; 2]>, flags: u32) -> SysResult {
    if flags & !(O_CLOEXEC | O_NONBLOCK | abi::fcntl::O_DIRECT) != 0 {
        return Err(EINVAL);
    }
    make_pipe(fds, flags)
}

fn make_pipe(fds: UserPtr<[i32; 2]>, flags: u32) -> SysResult {
    // Check the result array first, so a bad pointer leaks nothing.
    UserSlice::<Write>::new(fds.addr(), core::mem::size_of::<[i32; 2]>()).check()?;
    let id = create();
    let end = |write: bool| {
        let access = if write {
            abi::fcntl::O_WRONLY
        } else {
            O_RDONLY
        };
        OpenFile::new(
            FileKind::Pipe { id, write },
            None,
            access | (flags & O_NONBLOCK),
        )
    };
    let (r, w) = (end(false), end(true));
    let cloexec = flags & O_CLOEXEC != 0;
    // Linux's do_pipe2: reserve both numbers, copy them out, then install.
    // Nothing can fail after a file is in the table, and a file that is
    // not installed is dropped here, outside any borrow (its pipe end
    // closes and wakes sleepers through the scheduler).
    let (rfd, wfd) = with_current(|t| {
        let limit = t.nofile_limit();
        let rfd = t.files.alloc_fd(0, limit)?;
        match t.files.alloc_fd(0, limit) {
            Ok(wfd) => Ok((rfd, wfd)),
            Err(e) => {
                t.files.put_unused_fd(rfd);
                Err(e)
            }
        }
    })?;
    if let Err(e) = fds.write(&[rfd, wfd]) {
        with_current(|t| {
            t.files.put_unused_fd(rfd);
            t.files.put_unused_fd(wfd);
        });
        return Err(e);
    }
    with_current(|t| {
        t.files.fd_install(rfd, r, cloexec);
        t.files.fd_install(wfd, w, cloexec);
    });
    Ok(0)
}

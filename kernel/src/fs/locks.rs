//! File locks (Linux's fs/locks.c): `flock` locks, POSIX record locks
//! (`fcntl` `F_GETLK`/`F_SETLK`/`F_SETLKW`) and open-file-description
//! record locks (`F_OFD_*`).
//!
//! Every lock sits in one table keyed by inode. A lock has an owner: a
//! process for POSIX record locks (released when the process closes any
//! descriptor of the file, or exits), an open file description for `flock`
//! and OFD locks (released when its last descriptor closes). Locks of the
//! same owner never conflict; others conflict when their ranges overlap
//! and one of them is a write lock. `flock` and record locks do not see
//! each other, as on Linux. A waiter (`LOCK_EX` without `LOCK_NB`,
//! `F_SETLKW`) sleeps until some lock goes away and tries again.

use super::file::FileRef;
use super::inode::InodeRef;
use crate::proc::sched;
use crate::proc::task::{Pid, WaitChannel};
use crate::sync::UpCell;
use abi::errno::*;
use alloc::collections::BTreeMap;
use alloc::vec::Vec;

/// Who holds a lock.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Owner {
    /// A process: POSIX record locks.
    Process(Pid),
    /// An open file description (its address): `flock` and OFD locks.
    File(usize),
}

/// Which family a lock belongs to: families never conflict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Flock,
    /// POSIX and OFD record locks (which do conflict with each other).
    Record,
}

/// One lock: a byte range `[start, end]` (`end == u64::MAX`: to the end
/// of the file, however it grows).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lock {
    pub owner: Owner,
    pub family: Family,
    pub write: bool,
    pub start: u64,
    pub end: u64,
    /// The process that took it (what `F_GETLK` reports; -1 for OFD).
    pub pid: i32,
}

impl Lock {
    fn overlaps(&self, start: u64, end: u64) -> bool {
        self.start <= end && start <= self.end
    }

    fn conflicts(&self, other: &Lock) -> bool {
        self.family == other.family
            && self.owner != other.owner
            && (self.write || other.write)
            && self.overlaps(other.start, other.end)
    }
}

/// An inode's identity: its device and number.
type InodeKey = ((u32, u32), u64);

/// Locks by inode.
static LOCKS: UpCell<BTreeMap<InodeKey, Vec<Lock>>> = UpCell::new(BTreeMap::new());

fn key(inode: &InodeRef) -> InodeKey {
    (inode.dev, inode.ino)
}

/// The first lock of another owner that conflicts with `want` (Linux's
/// `posix_test_lock`/`flock` conflict search).
pub fn conflict(inode: &InodeRef, want: &Lock) -> Option<Lock> {
    LOCKS.with(|l| {
        l.get(&key(inode))
            .and_then(|v| v.iter().find(|x| x.conflicts(want)).copied())
    })
}

/// Take `want` (or, for `write == None`, release the range) for its owner:
/// the owner's own locks in the range are replaced, cut or merged as
/// `posix_lock_inode` does. `EAGAIN` if another owner's lock conflicts and
/// `wait` is false; otherwise sleeps until it can (`EINTR` on a signal).
/// `EDEADLK` is not detected.
pub fn set(inode: &InodeRef, want: Lock, unlock: bool, wait: bool) -> Result<(), Errno> {
    loop {
        if !unlock && conflict(inode, &want).is_some() {
            if !wait {
                return Err(EAGAIN);
            }
            if crate::proc::signal::pending() {
                return Err(ERESTARTSYS); // restarted if no handler runs
            }
            sched::sleep(WaitChannel::Lock);
            continue;
        }
        // Room for the worst case first (each lock kept, one cut in two
        // more, the new one), so the list does not grow under the borrow.
        let k = key(inode);
        let have = LOCKS.with(|l| l.get(&k).map_or(0, Vec::len));
        let mut fresh: Vec<Lock> = crate::mm::heap::try_vec(have + 3)?;
        let released = LOCKS.with(|l| {
            let mine = l.remove(&k).unwrap_or_default();
            let mut kept = core::mem::take(&mut fresh);
            let mut released = false;
            let mut merged = want;
            for x in mine {
                let same = x.owner == want.owner && x.family == want.family;
                if !same || !x.overlaps(want.start.saturating_sub(1), want.end.saturating_add(1)) {
                    kept.push(x);
                    continue;
                }
                let touching_only = !x.overlaps(want.start, want.end);
                if touching_only {
                    // Adjacent: merge when of the same type.
                    if !unlock && x.write == want.write {
                        merged.start = merged.start.min(x.start);
                        merged.end = merged.end.max(x.end);
                    } else {
                        kept.push(x);
                    }
                    continue;
                }
                released = true;
                if !unlock && x.write == want.write {
                    merged.start = merged.start.min(x.start);
                    merged.end = merged.end.max(x.end);
                    continue;
                }
                // Keep what lies outside the new range.
                if x.start < want.start {
                    kept.push(Lock {
                        end: want.start - 1,
                        ..x
                    });
                }
                if x.end > want.end {
                    kept.push(Lock {
                        start: want.end + 1,
                        ..x
                    });
                }
            }
            if !unlock {
                kept.push(merged);
            }
            kept.sort_by_key(|x| x.start);
            if !kept.is_empty() {
                l.insert(k, kept);
            }
            released
        });
        if released || unlock {
            sched::wake(WaitChannel::Lock, None);
        }
        return Ok(());
    }
}

/// Drop every lock `owner` holds on `inode` in `family` (`locks_remove_posix`,
/// `locks_remove_flock`), waking waiters.
pub fn release(inode: &InodeRef, owner: Owner, family: Family) {
    let k = key(inode);
    let any = LOCKS.with(|l| {
        let Some(v) = l.get_mut(&k) else { return false };
        let before = v.len();
        v.retain(|x| !(x.owner == owner && x.family == family));
        let any = v.len() != before;
        if v.is_empty() {
            l.remove(&k);
        }
        any
    });
    if any {
        sched::wake(WaitChannel::Lock, None);
    }
}

/// A descriptor of `file` was closed by process `pid`: POSIX says all of
/// that process's record locks on the file go (`filp_close` →
/// `locks_remove_posix`), whichever descriptor took them.
pub fn close_posix(pid: Pid, file: &FileRef) {
    let inode = file.lock().inode.clone();
    if let Some(i) = inode {
        release(&i, Owner::Process(pid), Family::Record);
    }
}

/// An open file description is gone (its last descriptor closed):
/// its `flock` and OFD locks go (`locks_remove_file`).
pub fn close_file(inode: &InodeRef, ofd: usize) {
    release(inode, Owner::File(ofd), Family::Flock);
    release(inode, Owner::File(ofd), Family::Record);
}

/// A process exited: nothing more to do than for each of its closed
/// descriptors, which `close_posix` handles as they are closed. Records
/// of a process that somehow still holds locks (none should) go too.
pub fn exit(pid: Pid) {
    let any = LOCKS.with(|l| {
        let mut any = false;
        l.retain(|_, v| {
            let before = v.len();
            v.retain(|x| x.owner != Owner::Process(pid));
            any |= v.len() != before;
            !v.is_empty()
        });
        any
    });
    if any {
        sched::wake(WaitChannel::Lock, None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::inode::Data;

    fn lock(owner: Pid, write: bool, start: u64, end: u64) -> Lock {
        Lock {
            owner: Owner::Process(owner),
            family: Family::Record,
            write,
            start,
            end,
            pid: owner as i32,
        }
    }

    fn held(inode: &InodeRef) -> Vec<(bool, u64, u64)> {
        LOCKS.with(|l| {
            l.get(&key(inode))
                .map(|v| v.iter().map(|x| (x.write, x.start, x.end)).collect())
                .unwrap_or_default()
        })
    }

    #[test_case]
    fn ranges_split_merge_and_conflict() {
        let inode = crate::fs::tmpfs::root_sb()
            .new_inode(
                abi::stat::S_IFREG | 0o644,
                (0, 0),
                (0, 0),
                Data::Static(&[]),
            )
            .unwrap();
        set(&inode, lock(1, true, 0, 99), false, false).unwrap();
        // A read lock inside one's own write lock cuts it in three.
        set(&inode, lock(1, false, 40, 59), false, false).unwrap();
        assert_eq!(
            held(&inode),
            [(true, 0, 39), (false, 40, 59), (true, 60, 99)]
        );
        // Another owner: a read lock over the read part is fine, not over
        // the write parts; a flock never conflicts with record locks.
        assert!(conflict(&inode, &lock(2, false, 45, 45)).is_none());
        assert_eq!(
            conflict(&inode, &lock(2, false, 10, 10)).map(|c| c.start),
            Some(0)
        );
        assert_eq!(
            set(&inode, lock(2, true, 50, 50), false, false),
            Err(EAGAIN)
        );
        let flock = Lock {
            family: Family::Flock,
            ..lock(2, true, 0, u64::MAX)
        };
        assert!(conflict(&inode, &flock).is_none());
        // Adjacent locks of one type merge; unlocking the middle splits.
        set(&inode, lock(1, true, 40, 59), false, false).unwrap();
        assert_eq!(held(&inode), [(true, 0, 99)]);
        set(&inode, lock(1, false, 10, 19), true, false).unwrap();
        assert_eq!(held(&inode), [(true, 0, 9), (true, 20, 99)]);
        release(&inode, Owner::Process(1), Family::Record);
        assert!(held(&inode).is_empty());
    }
}

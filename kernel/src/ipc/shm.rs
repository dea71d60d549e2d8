//! System V shared memory (Linux's ipc/shm.c): segments made by `shmget`,
//! attached by `shmat`, detached by `shmdt`, looked at and removed by
//! `shmctl`, and listed in `/proc/sysvipc/shm`.
//!
//! A segment's memory is a [`SharedAnon`], the object behind a
//! `MAP_SHARED` anonymous mapping: `shmat` maps it as such a mapping
//! (`syscall::mem::do_mmap`), so `fork` shares it, and `exec`, `exit` and
//! `munmap` let go of it, with nothing more here. Each mapping of it holds
//! a reference, so the attach count (`shm_nattch`) is the count of
//! references less the table's own, counting the pieces a split mapping
//! makes as Linux counts its VMAs. After `IPC_RMID` the table keeps only
//! a weak reference, so the memory goes with the last detach, and the
//! entry with it.

use crate::mm::addrspace::SharedAnon;
use crate::mm::{PAGE_SIZE, heap};
use crate::proc::cred::Cred;
use crate::sync::UpCell;
use abi::cred::{CAP_IPC_LOCK, CAP_IPC_OWNER, CAP_SYS_ADMIN};
use abi::errno::{EACCES, EEXIST, EINVAL, ENOENT, ENOMEM, ENOSPC, EPERM, Errno};
use abi::ipc::*;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;

/// A segment's memory: held by the table until `IPC_RMID`, then only by
/// its attaches.
enum Mem {
    Live(Arc<SharedAnon>),
    Dest(Weak<SharedAnon>),
}

/// One segment (Linux's `struct shmid_kernel` with its `kern_ipc_perm`).
pub struct Segment {
    pub key: i32,
    seq: u16,
    mem: Mem,
    /// The size asked for (`shm_segsz`); the memory is whole pages.
    pub size: usize,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    /// Permission bits, `SHM_DEST` and `SHM_LOCKED`.
    pub mode: u32,
    pub cpid: i32,
    pub lpid: i32,
    pub atime: i64,
    pub dtime: i64,
    pub ctime: i64,
}

impl Segment {
    fn mem(&self) -> Option<Arc<SharedAnon>> {
        match &self.mem {
            Mem::Live(m) => Some(m.clone()),
            Mem::Dest(w) => w.upgrade(),
        }
    }

    /// Current attaches (`shm_nattch`).
    pub fn nattch(&self) -> usize {
        match &self.mem {
            Mem::Live(m) => Arc::strong_count(m) - 1,
            Mem::Dest(w) => w.strong_count(),
        }
    }

    /// Pages with a frame (`shm_rss`).
    pub fn rss(&self) -> usize {
        self.mem().map_or(0, |m| m.resident())
    }

    fn pages(&self) -> usize {
        self.size.div_ceil(PAGE_SIZE)
    }

    /// Is it this memory?
    fn is(&self, mem: &Arc<SharedAnon>) -> bool {
        match &self.mem {
            Mem::Live(m) => Arc::ptr_eq(m, mem),
            Mem::Dest(w) => core::ptr::eq(w.as_ptr(), Arc::as_ptr(mem)),
        }
    }
}

/// The segments by index (Linux's `ipc_ids`): an id is `seq << 15 |
/// index`, the sequence number counting up each time the indices wrap, so
/// a stale id does not name a new segment.
struct Ids {
    segs: Vec<Option<Segment>>,
    last_idx: Option<usize>,
    seq: u16,
}

static SHM: UpCell<Ids> = UpCell::new(Ids {
    segs: Vec::new(),
    last_idx: None,
    seq: 0,
});

/// Linux's `IPCMNI_SHIFT` and its largest sequence number.
const IPCMNI_SHIFT: u32 = 15;
const SEQ_MAX: u16 = (i32::MAX >> IPCMNI_SHIFT) as u16;

fn id_of(idx: usize, seq: u16) -> i32 {
    (i32::from(seq) << IPCMNI_SHIFT) | idx as i32
}

/// Forget the segments removed whose last attach has gone (their memory
/// went with it).
fn sweep(ids: &mut Ids) {
    for s in ids.segs.iter_mut() {
        if let Some(seg) = s
            && let Mem::Dest(w) = &seg.mem
            && w.strong_count() == 0
        {
            *s = None;
        }
    }
}

/// Run `f` on the table (swept), not borrowed meanwhile: it is taken out
/// of its cell and put back, so `f` may allocate. Nothing in `f` blocks or
/// comes back here.
fn with_ids<R>(f: impl FnOnce(&mut Ids) -> R) -> R {
    let mut ids = SHM.with(|s| Ids {
        segs: core::mem::take(&mut s.segs),
        last_idx: s.last_idx,
        seq: s.seq,
    });
    sweep(&mut ids);
    let r = f(&mut ids);
    SHM.with(|s| {
        s.segs = ids.segs;
        s.last_idx = ids.last_idx;
        s.seq = ids.seq;
    });
    r
}

fn lookup(ids: &mut Ids, id: i32) -> Result<&mut Segment, Errno> {
    let idx = (id & ((1 << IPCMNI_SHIFT) - 1)) as usize;
    let seq = (id >> IPCMNI_SHIFT) as u16;
    match ids.segs.get_mut(idx) {
        Some(Some(s)) if s.seq == seq => Ok(s),
        _ => Err(EINVAL),
    }
}

fn now() -> i64 {
    crate::time::realtime().0 as i64
}

/// Linux's `ipcperms`: may `cred` access `seg` as the permission bits of
/// `flag` ask (read 4, write 2 in any of the three places)? The owner by
/// the effective uid, the group by `in_group_p` (the filesystem gid and
/// the supplementary groups), as Linux.
fn ipcperms(cred: &Cred, seg: &Segment, flag: u32) -> Result<(), Errno> {
    let requested = (flag >> 6 | flag >> 3 | flag) & 0o7;
    let mut granted = seg.mode;
    if cred.euid == seg.cuid || cred.euid == seg.uid {
        granted >>= 6;
    } else if cred.in_group_p(seg.cgid) || cred.in_group_p(seg.gid) {
        granted >>= 3;
    }
    if requested & !granted & 0o7 != 0 && !cred.capable(CAP_IPC_OWNER) {
        return Err(EACCES);
    }
    Ok(())
}

/// Is `cred` the segment's owner or creator, or may it act as one
/// (`ipcctl_obtain_check`'s test for `IPC_SET` and `IPC_RMID`)?
fn owner_or(cred: &Cred, seg: &Segment, cap: u32) -> bool {
    cred.euid == seg.cuid || cred.euid == seg.uid || cred.capable(cap)
}

/// `shmget(key, size, shmflg)` (Linux's `ksys_shmget`): the id of the
/// segment `key` names, made if `IPC_CREAT` asks (or always for
/// `IPC_PRIVATE`).
pub fn shmget(key: i32, size: usize, flg: u32) -> Result<i32, Errno> {
    let cred = crate::proc::cred::current_cred();
    if key != IPC_PRIVATE {
        let found = with_ids(|ids| {
            let (idx, seg) = ids.segs.iter().enumerate().find_map(|(i, s)| {
                s.as_ref()
                    .filter(|s| s.key == key && s.mode & SHM_DEST == 0)
                    .map(|s| (i, s))
            })?;
            // ipcget_public: EEXIST, then shm_more_checks, then ipcperms.
            Some(if flg & IPC_CREAT != 0 && flg & IPC_EXCL != 0 {
                Err(EEXIST)
            } else if seg.size < size {
                Err(EINVAL)
            } else {
                ipcperms(&cred, seg, flg).map(|()| id_of(idx, seg.seq))
            })
        });
        match found {
            Some(r) => return r,
            None if flg & IPC_CREAT == 0 => return Err(ENOENT),
            None => {}
        }
    }
    newseg(&cred, key, size, flg)
}

/// Make a segment (Linux's `newseg`).
fn newseg(cred: &Cred, key: i32, size: usize, flg: u32) -> Result<i32, Errno> {
    if !(SHMMIN..=SHMMAX).contains(&size) {
        return Err(EINVAL);
    }
    let pages = size.div_ceil(PAGE_SIZE);
    let total: usize = with_ids(|ids| ids.segs.iter().flatten().map(|s| s.pages()).sum());
    if total.checked_add(pages).is_none_or(|t| t > SHMALL) {
        return Err(ENOSPC);
    }
    let mem = SharedAnon::new(pages)?;
    let mem = heap::for_user(|| Arc::try_new(mem)).map_err(|_| ENOMEM)?;
    let seg = Segment {
        key,
        seq: 0,
        mem: Mem::Live(mem),
        size,
        uid: cred.euid,
        gid: cred.egid,
        cuid: cred.euid,
        cgid: cred.egid,
        mode: flg & 0o777,
        cpid: crate::proc::sched::current_tgid() as i32,
        lpid: 0,
        atime: 0,
        dtime: 0,
        ctime: now(),
    };
    with_ids(|ids| {
        // idr_alloc_cyclic: the first free index after the last one given.
        let n = ids.segs.len();
        let start = ids.last_idx.map_or(0, |l| l + 1);
        let idx = (start..n)
            .chain(0..start.min(n))
            .find(|&i| ids.segs[i].is_none())
            .or((n < SHMMNI).then_some(n))
            .ok_or(ENOSPC)?;
        if idx == n {
            heap::for_user(|| ids.segs.try_reserve(1)).map_err(|_| ENOMEM)?;
            ids.segs.push(None);
        }
        if ids.last_idx.is_some_and(|l| idx <= l) {
            // ipc_idr_alloc: counted up to `ipcid_seq_max()`, then 0.
            ids.seq = (ids.seq + 1) % SEQ_MAX;
        }
        ids.last_idx = Some(idx);
        let seq = ids.seq;
        // The segment's file is `/SYSV<key>` with its id for an inode
        // number (`maps`), as Linux's newseg names it.
        if let Mem::Live(m) = &seg.mem {
            m.set_sysv(key, id_of(idx, seq));
        }
        ids.segs[idx] = Some(Segment { seq, ..seg });
        Ok(id_of(idx, seq))
    })
}

/// What `shmat` needs of segment `id`, checked for an access of `acc`
/// (Linux's `do_shmat` up to the mapping): its memory and size.
pub fn attach_prepare(id: i32, acc: u32) -> Result<(Arc<SharedAnon>, usize), Errno> {
    let cred = crate::proc::cred::current_cred();
    with_ids(|ids| {
        let seg = lookup(ids, id)?;
        ipcperms(&cred, seg, acc)?;
        let mem = seg.mem().ok_or(EINVAL)?;
        Ok((mem, seg.size))
    })
}

/// A mapping of `mem` was made (`shm_open`) or taken out (`shm_close`):
/// the times and the last pid.
pub fn attached(mem: &Arc<SharedAnon>, attach: bool) {
    let pid = crate::proc::sched::current_tgid() as i32;
    with_ids(|ids| {
        if let Some(seg) = ids.segs.iter_mut().flatten().find(|s| s.is(mem)) {
            seg.lpid = pid;
            if attach {
                seg.atime = now();
            } else {
                seg.dtime = now();
            }
        }
    });
}

/// Is `mem` a segment's, and if so its size?
pub fn segment_size(mem: &Arc<SharedAnon>) -> Option<usize> {
    with_ids(|ids| {
        ids.segs
            .iter()
            .flatten()
            .find(|s| s.is(mem))
            .map(|s| s.size)
    })
}

/// A copy of what `shmctl`'s stat and set commands see of a segment.
#[derive(Clone, Copy)]
pub struct Stat {
    pub id: i32,
    pub key: i32,
    pub seq: u16,
    pub size: usize,
    pub uid: u32,
    pub gid: u32,
    pub cuid: u32,
    pub cgid: u32,
    pub mode: u32,
    pub cpid: i32,
    pub lpid: i32,
    pub nattch: usize,
    pub atime: i64,
    pub dtime: i64,
    pub ctime: i64,
    pub rss: usize,
}

fn stat_of(idx: usize, s: &Segment) -> Stat {
    Stat {
        id: id_of(idx, s.seq),
        key: s.key,
        seq: s.seq,
        size: s.size,
        uid: s.uid,
        gid: s.gid,
        cuid: s.cuid,
        cgid: s.cgid,
        mode: s.mode,
        cpid: s.cpid,
        lpid: s.lpid,
        nattch: s.nattch(),
        atime: s.atime,
        dtime: s.dtime,
        ctime: s.ctime,
        rss: s.rss(),
    }
}

/// `IPC_STAT` of `id` (read permission needed), or `SHM_STAT` /
/// `SHM_STAT_ANY` of index `id` (`any`: no permission check).
pub fn stat(id: i32, by_index: bool, any: bool) -> Result<Stat, Errno> {
    let cred = crate::proc::cred::current_cred();
    with_ids(|ids| {
        let idx = if by_index {
            usize::try_from(id).map_err(|_| EINVAL)?
        } else {
            (id & ((1 << IPCMNI_SHIFT) - 1)) as usize
        };
        let seg = if by_index {
            ids.segs
                .get_mut(idx)
                .and_then(|s| s.as_mut())
                .ok_or(EINVAL)?
        } else {
            lookup(ids, id)?
        };
        if !any {
            ipcperms(&cred, seg, 0o444)?;
        }
        Ok(stat_of(idx, seg))
    })
}

/// Every segment, in index order (for `/proc/sysvipc/shm`).
pub fn all() -> Result<Vec<Stat>, Errno> {
    with_ids(|ids| {
        let mut v = Vec::new();
        heap::for_user(|| v.try_reserve(ids.segs.len())).map_err(|_| ENOMEM)?;
        for (i, s) in ids.segs.iter().enumerate() {
            if let Some(s) = s {
                v.push(stat_of(i, s));
            }
        }
        Ok(v)
    })
}

/// `IPC_SET`: the owner and the permission bits (owner, creator or
/// `CAP_SYS_ADMIN`: `EPERM` otherwise).
pub fn set(id: i32, uid: u32, gid: u32, mode: u32) -> Result<(), Errno> {
    let cred = crate::proc::cred::current_cred();
    with_ids(|ids| {
        let seg = lookup(ids, id)?;
        if !owner_or(&cred, seg, CAP_SYS_ADMIN) {
            return Err(EPERM);
        }
        seg.uid = uid;
        seg.gid = gid;
        seg.mode = (seg.mode & !0o777) | (mode & 0o777);
        seg.ctime = now();
        Ok(())
    })
}

/// `IPC_RMID` (Linux's `do_shm_rmid`): gone now if nothing has it
/// attached, else marked `SHM_DEST`, its key made private, and gone with
/// the last detach.
pub fn rmid(id: i32) -> Result<(), Errno> {
    let cred = crate::proc::cred::current_cred();
    let dropped = with_ids(|ids| {
        let idx = (id & ((1 << IPCMNI_SHIFT) - 1)) as usize;
        let seg = lookup(ids, id)?;
        if !owner_or(&cred, seg, CAP_SYS_ADMIN) {
            return Err(EPERM);
        }
        if seg.nattch() == 0 {
            return Ok(ids.segs[idx].take().map(|s| s.mem));
        }
        seg.mode |= SHM_DEST;
        seg.key = IPC_PRIVATE;
        let weak = match &seg.mem {
            Mem::Live(m) => Arc::downgrade(m),
            Mem::Dest(w) => w.clone(),
        };
        Ok(Some(core::mem::replace(&mut seg.mem, Mem::Dest(weak))))
    })?;
    // The table's reference goes here, the table back in its cell.
    drop(dropped);
    Ok(())
}

/// `SHM_LOCK` / `SHM_UNLOCK` (Linux's `shmctl_do_lock`): set or clear
/// `SHM_LOCKED`; without `CAP_IPC_LOCK` only the owner or creator may, and
/// locking needs a non-zero `RLIMIT_MEMLOCK` (`EPERM`). Nothing is swapped
/// here, so the lock changes nothing else.
pub fn lock(id: i32, on: bool, memlock: u64) -> Result<(), Errno> {
    let cred = crate::proc::cred::current_cred();
    with_ids(|ids| {
        let seg = lookup(ids, id)?;
        if !cred.capable(CAP_IPC_LOCK) {
            if cred.euid != seg.uid && cred.euid != seg.cuid {
                return Err(EPERM);
            }
            if on && memlock == 0 {
                return Err(EPERM);
            }
        }
        if on {
            seg.mode |= SHM_LOCKED;
        } else {
            seg.mode &= !SHM_LOCKED;
        }
        Ok(())
    })
}

/// For `IPC_INFO` and `SHM_INFO`: the highest index in use (0 if none),
/// segments in use, their pages, and their resident pages.
pub fn info() -> (usize, usize, usize, usize) {
    with_ids(|ids| {
        let max = ids.segs.iter().rposition(|s| s.is_some()).unwrap_or(0);
        let used = ids.segs.iter().flatten().count();
        let tot = ids.segs.iter().flatten().map(|s| s.pages()).sum();
        let rss = ids.segs.iter().flatten().map(|s| s.rss()).sum();
        (max, used, tot, rss)
    })
}

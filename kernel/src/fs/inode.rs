//! Inodes: what a name in the tree refers to (Linux's `struct inode`,
//! include/linux/fs.h), shared by directory entries and open files.
//!
//! An inode lives as long as something refers to it: the entries that name
//! it (`nlink` counts them) and the open files and current directories that
//! hold an [`InodeRef`]. So a file unlinked while open keeps its data until
//! the last close, as on Linux, with no bookkeeping: the `Arc` does it.
//!
//! Each inode has two cells, borrowed separately and briefly: [`Meta`]
//! (what `stat` shows) and its contents ([`InodeKind`]: a directory's
//! entries, a file's bytes, a symlink's target). Never hold a borrow of one
//! inode's cell while borrowing the same cell again (a directory is never
//! its own entry, except through `.` and `..`, which are not stored).
//!
//! A tmpfs inode belongs to one tmpfs instance (`sb`), which charges its
//! space; procfs's inodes (`InodeKind::Proc`, `fs/proc.rs`) hold nothing:
//! they are made afresh at each lookup from what they name, as Linux's
//! `proc_pid_make_inode` makes them from a task.

use super::proc;
use super::tmpfs::Tmpfs;
use crate::mm::filemap::PageCache;
use crate::sync::UpCell;
use abi::errno::{ENOENT, ENOTDIR, Errno};
use abi::stat::{S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG};
use alloc::collections::BTreeMap;
use alloc::sync::{Arc, Weak};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicBool, AtomicU64, Ordering};

pub type InodeRef = Arc<Inode>;

/// The pipe file system's device number (anonymous pipes' `st_dev`).
pub const PIPEFS_DEV: (u32, u32) = (0, 12);

/// A point in time, as `struct timespec` holds it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
pub struct Timespec {
    pub sec: i64,
    pub nsec: u32,
}

impl Timespec {
    /// Now, by the wall clock (Linux's `current_time()`).
    pub fn now() -> Self {
        let (sec, nsec) = crate::time::realtime();
        Self {
            sec: sec as i64,
            nsec,
        }
    }

    pub const fn from_secs(sec: i64) -> Self {
        Self { sec, nsec: 0 }
    }
}

/// What `stat` reports of an inode, besides its size.
#[derive(Clone, Copy, Debug)]
pub struct Meta {
    /// The full `st_mode`, file type included.
    pub mode: u32,
    pub uid: u32,
    pub gid: u32,
    /// Names referring to it (a directory: 2 + its subdirectories).
    pub nlink: u32,
    /// A device node's (major, minor).
    pub rdev: (u32, u32),
    pub atime: Timespec,
    pub mtime: Timespec,
    pub ctime: Timespec,
}

/// A symlink's target, or what a new file starts with: borrowed from the
/// boot archive (unpacking the initramfs copies nothing) or owned. A
/// regular file keeps its bytes in a `PageCache`.
#[derive(Debug)]
pub enum Data {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl Data {
    pub fn bytes(&self) -> &[u8] {
        match self {
            Data::Static(s) => s,
            Data::Owned(v) => v,
        }
    }

    pub fn len(&self) -> usize {
        self.bytes().len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The bytes, owned and changeable (copied from the archive the first
    /// time): `None` if the copy cannot be allocated.
    pub fn owned(&mut self) -> Option<&mut Vec<u8>> {
        if let Data::Static(s) = *self {
            let mut v = Vec::new();
            crate::mm::heap::for_user(|| v.try_reserve_exact(s.len())).ok()?;
            v.extend_from_slice(s);
            *self = Data::Owned(v);
        }
        match self {
            Data::Owned(v) => Some(v),
            Data::Static(_) => None,
        }
    }
}

/// A directory's entries, without `.` and `..`.
///
/// Each entry gets a position when it is added, counting up from 2 (0 and
/// 1 are `.` and `..`), and `getdents` lists entries in position order
/// from the file's offset, as tmpfs's `simple_offset` maps do since Linux
/// 6.6: removing or adding entries never makes a reader skip or repeat one
/// it has not reached (the stability `readdir(3)` promises under
/// concurrent unlink).
#[derive(Debug)]
pub struct Dir {
    /// By name: the position and the inode.
    entries: BTreeMap<Vec<u8>, (u64, InodeRef)>,
    /// By position: the name.
    order: BTreeMap<u64, Vec<u8>>,
    next_pos: u64,
    /// The directory holding this one (itself for a root). Weak: a parent
    /// owns its children, not the other way round.
    pub parent: Weak<Inode>,
    /// Set by `rmdir`: nothing may be created in it any more (Linux's
    /// `S_DEAD`), though a process may still have it as its cwd.
    pub dead: bool,
}

impl Default for Dir {
    fn default() -> Self {
        Self {
            entries: BTreeMap::new(),
            order: BTreeMap::new(),
            next_pos: 2,
            parent: Weak::new(),
            dead: false,
        }
    }
}

impl Dir {
    pub fn get(&self, name: &[u8]) -> Option<&InodeRef> {
        self.entries.get(name).map(|(_, i)| i)
    }

    pub fn contains(&self, name: &[u8]) -> bool {
        self.entries.contains_key(name)
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Add (or replace) the entry `name`, at a new last position. `name`
    /// and `copy` are the same bytes, allocated by the caller (so that a
    /// failed allocation happens before anything changes).
    pub fn insert(&mut self, name: Vec<u8>, copy: Vec<u8>, inode: InodeRef) {
        self.remove(&name);
        let pos = self.next_pos;
        self.next_pos += 1;
        self.order.insert(pos, copy);
        self.entries.insert(name, (pos, inode));
    }

    pub fn remove(&mut self, name: &[u8]) -> Option<InodeRef> {
        let (pos, inode) = self.entries.remove(name)?;
        self.order.remove(&pos);
        Some(inode)
    }

    /// The entries at positions `>= from`, in position order.
    pub fn from_pos(&self, from: u64) -> impl Iterator<Item = (u64, &[u8], &InodeRef)> {
        self.order
            .range(from..)
            .filter_map(|(&p, n)| self.entries.get(n).map(|(_, i)| (p, n.as_slice(), i)))
    }

    /// Take every entry out (for taking an unmounted tree apart,
    /// `tmpfs::kill_tree`): by name, with positions.
    pub fn take_entries(&mut self) -> BTreeMap<Vec<u8>, (u64, InodeRef)> {
        self.order.clear();
        core::mem::take(&mut self.entries)
    }

    /// Every entry, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &InodeRef)> {
        self.entries.iter().map(|(n, (_, i))| (n.as_slice(), i))
    }
}

/// A regular file's page cache holding `data`: the archive's bytes in
/// place, owned bytes copied into frames (`None` if they cannot be had).
fn cache_of_data(data: Data) -> Option<PageCache> {
    match data {
        Data::Static(s) => Some(PageCache::new(s)),
        Data::Owned(v) => {
            let mut c = PageCache::new(&[]);
            c.write_at(0, &v).then_some(c)
        }
    }
}

/// What an inode is, with its contents.
pub enum InodeKind {
    Dir(UpCell<Dir>),
    /// A regular file: its bytes, in the page cache.
    File(UpCell<PageCache>),
    Symlink(UpCell<Data>),
    /// A character device node; which one is `Meta::rdev`.
    CharDev,
    /// A named pipe: the pipe while some process has it open.
    Fifo(UpCell<Option<u32>>),
    /// A procfs directory, file or link: what it shows is made from the
    /// node when it is listed, read or followed (`fs/proc.rs`).
    Proc(proc::Node),
}

/// One inode.
pub struct Inode {
    /// Its number, unique in its file system; never 0.
    pub ino: u64,
    /// Its file system's device number (`st_dev`).
    pub dev: (u32, u32),
    /// The tmpfs instance it lives in, which charges its pages and counts
    /// it (Linux's `i_sb`); `None` for procfs's inodes.
    pub sb: Option<Arc<Tmpfs>>,
    /// Something is mounted on this directory (Linux's `DCACHE_MOUNTED`):
    /// the path walk goes on in the mounted root (`fs/namespace.rs`).
    pub mounted: AtomicBool,
    pub meta: UpCell<Meta>,
    pub kind: InodeKind,
}

/// Inode numbers: one counter for every file system (each has its own
/// device number, so they need not be, but one is simpler).
impl core::fmt::Debug for Inode {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Inode({}:{} #{})", self.dev.0, self.dev.1, self.ino)
    }
}

static NEXT_INO: AtomicU64 = AtomicU64::new(1);

pub fn next_ino() -> u64 {
    NEXT_INO.fetch_add(1, Ordering::Relaxed)
}

impl Inode {
    /// A new inode of tmpfs instance `sb`, of the type in `mode`'s `S_IFMT`
    /// bits, owned by `uid:gid`, with all three times `now`; not yet named
    /// anywhere (`nlink` 0; the caller links it).
    pub fn new(
        sb: &Arc<Tmpfs>,
        mode: u32,
        (uid, gid): (u32, u32),
        rdev: (u32, u32),
        data: Data,
        now: Timespec,
    ) -> Option<InodeRef> {
        let kind = match mode & S_IFMT {
            S_IFDIR => InodeKind::Dir(UpCell::new(Dir::default())),
            S_IFREG => InodeKind::File(UpCell::new(cache_of_data(data)?)),
            S_IFLNK => InodeKind::Symlink(UpCell::new(data)),
            S_IFCHR => InodeKind::CharDev,
            S_IFIFO => InodeKind::Fifo(UpCell::new(None)),
            _ => return None,
        };
        let inode = Inode {
            ino: next_ino(),
            dev: sb.dev,
            sb: Some(sb.clone()),
            mounted: AtomicBool::new(false),
            meta: UpCell::new(Meta {
                mode,
                uid,
                gid,
                nlink: 0,
                rdev,
                atime: now,
                mtime: now,
                ctime: now,
            }),
            kind,
        };
        crate::mm::heap::for_user(|| Arc::try_new(inode)).ok()
    }

    /// The pipe file system's inode of anonymous pipe `id`, owned by
    /// `uid:gid` (`get_pipe_inode`: `S_IFIFO | 0600`, the pipe's id as its
    /// number): what `/proc/<pid>/fd/<n>` leads to for a pipe, so opening
    /// it opens another end of the same pipe, as `fifo_open` does on
    /// Linux (bash's `<(...)` reads `/dev/fd/63` so). `None` if the heap
    /// has no room.
    pub fn new_pipe(id: u32, (uid, gid): (u32, u32)) -> Option<InodeRef> {
        let now = Timespec::now();
        let inode = Inode {
            ino: u64::from(id),
            dev: PIPEFS_DEV,
            sb: None,
            mounted: AtomicBool::new(false),
            meta: UpCell::new(Meta {
                mode: S_IFIFO | 0o600,
                uid,
                gid,
                nlink: 1,
                rdev: (0, 0),
                atime: now,
                mtime: now,
                ctime: now,
            }),
            kind: InodeKind::Fifo(UpCell::new(Some(id))),
        };
        crate::mm::heap::for_user(|| Arc::try_new(inode)).ok()
    }

    /// Is this the pipe file system's inode of an anonymous pipe
    /// ([`Inode::new_pipe`])?
    pub fn is_pipefs(&self) -> bool {
        self.dev == PIPEFS_DEV
    }

    /// A procfs inode for `node` (`proc_pid_make_inode`): its number and
    /// what `stat` shows are decided by `fs/proc.rs`. `None` if the heap
    /// has no room.
    pub fn new_proc(dev: (u32, u32), ino: u64, meta: Meta, node: proc::Node) -> Option<InodeRef> {
        let inode = Inode {
            ino,
            dev,
            sb: None,
            mounted: AtomicBool::new(false),
            meta: UpCell::new(meta),
            kind: InodeKind::Proc(node),
        };
        crate::mm::heap::for_user(|| Arc::try_new(inode)).ok()
    }

    pub fn mode(&self) -> u32 {
        self.meta.with(|m| m.mode)
    }

    pub fn is_dir(&self) -> bool {
        match &self.kind {
            InodeKind::Dir(_) => true,
            InodeKind::Proc(n) => n.is_dir(),
            _ => false,
        }
    }

    pub fn is_symlink(&self) -> bool {
        match &self.kind {
            InodeKind::Symlink(_) => true,
            InodeKind::Proc(n) => n.is_link(),
            _ => false,
        }
    }

    /// Is it a procfs inode?
    pub fn is_proc(&self) -> bool {
        matches!(self.kind, InodeKind::Proc(_))
    }

    /// The size `stat` reports: bytes of a file or symlink target; for a
    /// directory, tmpfs's `BOGO_DIRENT_SIZE` (20) per entry, `.` and `..`
    /// included; 0 for the rest (procfs files included, as on Linux: their
    /// contents exist only when read).
    pub fn size(&self) -> usize {
        match &self.kind {
            InodeKind::File(d) => d.with(|d| d.len()),
            InodeKind::Symlink(d) => d.with(|d| d.len()),
            InodeKind::Dir(d) => d.with(|d| 20 * (2 + d.entries.len())),
            _ => 0,
        }
    }

    /// The directory's parent in its own file system (itself for a root);
    /// `None` if not a directory, or if a procfs parent cannot be made.
    /// Crossing mounts is the path walk's business (`namei::step`).
    pub fn parent(self: &InodeRef) -> Option<InodeRef> {
        match &self.kind {
            InodeKind::Dir(d) => Some(
                d.with(|d| d.parent.upgrade())
                    .unwrap_or_else(|| self.clone()),
            ),
            InodeKind::Proc(n) if n.is_dir() => match n.parent() {
                Some(p) => proc::inode(self.dev, p).ok(),
                None => Some(self.clone()),
            },
            _ => None,
        }
    }

    /// The entry `name` of this directory (`.` and `..` are the walk's):
    /// `Ok(None)` if there is none. A procfs directory never answers
    /// `None` but `ENOENT` (`proc_lookup` fails the lookup itself), which
    /// is also what creating a name in it then returns, as on Linux.
    pub fn lookup(self: &InodeRef, name: &[u8]) -> Result<Option<InodeRef>, Errno> {
        match &self.kind {
            InodeKind::Dir(d) => Ok(d.with(|d| d.get(name).cloned())),
            InodeKind::Proc(n) if n.is_dir() => proc::lookup(self, name).map(Some),
            _ => Err(ENOTDIR),
        }
    }

    /// The tmpfs instance holding it, for a call that changes the tree:
    /// procfs's directories take no new names (`ENOENT`, see
    /// [`Inode::lookup`]).
    pub fn tmpfs(&self) -> Result<&Arc<Tmpfs>, Errno> {
        self.sb.as_ref().ok_or(ENOENT)
    }

    /// Record a change of contents: mtime and ctime become now
    /// (`inode_set_mtime_to_ts`, `inode_set_ctime_current`).
    pub fn touch_mtime(&self) {
        let now = Timespec::now();
        self.meta.with(|m| {
            m.mtime = now;
            m.ctime = now;
        });
    }

    /// Record a change of metadata: ctime becomes now.
    pub fn touch_ctime(&self) {
        let now = Timespec::now();
        self.meta.with(|m| m.ctime = now);
    }
}

impl Drop for Inode {
    /// The last name, open file or cwd holding it went away: its file
    /// system takes back the space (Linux's `evict_inode`).
    fn drop(&mut self) {
        super::tmpfs::evict(self);
    }
}

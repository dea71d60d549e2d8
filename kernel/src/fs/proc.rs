//! procfs (Linux's fs/proc/): the processes and the system, as files made
//! when they are looked at. Mounted on `/proc` at boot
//! (`namespace::mount_proc_at_boot`).
//!
//! Nothing is stored. An inode of procfs names a [`Node`] (the root, an
//! entry of the fixed tree, a process's directory or an entry in it, one
//! of its descriptors) and is made afresh at each lookup
//! (`proc_pid_make_inode`), with the mode, owner (the process's effective
//! ids for its entries, as `task_dump_owner` gives) and number Linux gives
//! it; numbers are stable per (pid, entry). A directory lists its entries
//! when read (`proc_root_readdir`, `proc_pident_readdir`, `proc_readfd`); a
//! file's text is made when it is read from offset 0 and kept by the open
//! file for the reads that follow, as `seq_file` does; a link is followed
//! to the inode it names, not through its text (`proc_pid_get_link`).
//!
//! The formats are Linux 6.1's, byte for byte where programs parse them
//! (`ps`, `top`, `free`, `uptime`, `mount`, C libraries): `stat`,
//! `status`, `statm`, `maps`, `limits`, `mounts`, `mountinfo`, `meminfo`,
//! `cpuinfo`, `uptime`, `loadavg`, `/proc/stat`. What this kernel does not
//! have reads as Linux shows its absence (no swap: 0 kB). Only processes
//! (thread-group leaders) are listed in `/proc`, as on Linux; a thread's
//! tid still opens `/proc/<tid>`.
//!
//! Access follows Linux: the basic files are readable by all; a process's
//! `environ`, its `fd` directory and its `cwd`, `root`, `exe` and `fd/N`
//! links need the caller to be the same user as the process (all of its
//! uids and gids) or root (`ptrace_may_access` in read mode): `EACCES`.
//! Writing is refused as Linux refuses it: `EACCES` by the modes for an
//! ordinary user; for root, `EIO` for the system files, `EINVAL` for a
//! process's; `comm` and `sys/kernel/hostname` can be written.

use super::file::{FileKind, FileRef, PathRef};
use super::inode::{Inode, InodeKind, InodeRef, Meta, Timespec};
use super::namei::{self, Link};
use super::namespace;
use super::seq_file::SeqFile;
use crate::mm::MmRef;
use crate::mm::addrspace::{MappedFile, RegionKind};
use crate::proc::cred::Cred;
use crate::proc::rlimit::{RLIM_INF, Rlimits};
use crate::proc::sched::{self, SCHED};
use crate::proc::task::{Pid, TaskState};
use crate::syscall::args::SysResult;
use crate::syscall::info;
use crate::syscall::uaccess::{Read, UserSlice, Write};
use abi::cred::CAP_SYS_PTRACE;
use abi::errno::*;
use abi::fcntl::{O_ACCMODE, O_CLOEXEC, O_RDONLY, O_WRONLY};
use abi::stat::{DT_DIR, DT_LNK, DT_REG, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG};
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::fmt::Write as _;

/// The root's inode number (`PROC_ROOT_INO`); the other numbers fit in
/// 32 bits too, as an old `struct stat` needs (glibc's `lstat` of a
/// 32-bit program says `EOVERFLOW` otherwise): a process's entries are
/// numbered `pid << 17 | n`, the fixed ones below `1 << 17`.
const PROC_ROOT_INO: u64 = 1;
/// `/proc/self`'s number, and the first of the fixed entries'.
const SELF_INO: u64 = 2;
const BASE_INO: u64 = 0x10;
/// Directory positions in `/proc` (fs/proc/base.c): the fixed entries
/// from 2, `self` at `FIRST_PROCESS_ENTRY`, process `p` at
/// `TGID_OFFSET + p`, so a listing stays in place while processes come
/// and go.
const FIRST_PROCESS_ENTRY: u64 = 256;
const TGID_OFFSET: u64 = FIRST_PROCESS_ENTRY + 2;
/// `USER_HZ`: the clock ticks times are shown in (`nsec_to_clock_t`).
const USER_HZ: u64 = 100;

/// What a procfs inode names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Node {
    /// `/proc`.
    Root,
    /// `/proc/self`, a link to the caller's directory.
    SelfLink,
    /// An entry of the fixed tree: an index in [`BASE`].
    Base(u8),
    /// `/proc/<pid>`.
    Pid(Pid),
    /// An entry of `/proc/<pid>`: an index in [`PID_ENTRIES`].
    PidEntry(Pid, u8),
    /// `/proc/<pid>/fd/<n>`, a link to what descriptor `n` is.
    Fd(Pid, u32),
    /// `/proc/<pid>/fdinfo/<n>`.
    FdInfo(Pid, u32),
}

/// What an entry of the fixed tree or of a process directory is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum What {
    Dir,
    // The system's files (fs/proc/*.c, kernel/sysctl.c).
    Meminfo,
    Cpuinfo,
    Uptime,
    Loadavg,
    Stat,
    Version,
    Filesystems,
    SysvShm,
    MountsLink,
    Hostname,
    Ostype,
    Osrelease,
    PidMax,
    // A process's (fs/proc/base.c `tgid_base_stuff`).
    TaskDir,
    FdDir,
    FdInfoDir,
    Environ,
    Status,
    Limits,
    Comm,
    Cmdline,
    PidStat,
    Statm,
    Maps,
    Cwd,
    Root,
    Exe,
    Mounts,
    MountInfo,
}

struct Entry {
    name: &'static str,
    /// The parent in [`BASE`] (`None`: `/proc` itself).
    parent: Option<u8>,
    /// Type and permission bits.
    mode: u32,
    what: What,
}

const fn e(name: &'static str, parent: Option<u8>, mode: u32, what: What) -> Entry {
    Entry {
        name,
        parent,
        mode,
        what,
    }
}

const DIR: u32 = S_IFDIR | 0o555;
const RO: u32 = S_IFREG | 0o444;
const LNK: u32 = S_IFLNK | 0o777;
const SYS: Option<u8> = Some(0);
const SYSVIPC: Option<u8> = Some(7);
const KERNEL: Option<u8> = Some(10);

/// The fixed tree: `/proc`'s entries in the order Linux lists them (its
/// `proc_dir_entry` tree is ordered by name length, then bytes), and
/// `/proc/sys/kernel`'s (sysctl's, by name).
const BASE: &[Entry] = &[
    e("sys", None, DIR, What::Dir),
    e("stat", None, RO, What::Stat),
    e("mounts", None, LNK, What::MountsLink),
    e("uptime", None, RO, What::Uptime),
    e("cpuinfo", None, RO, What::Cpuinfo),
    e("loadavg", None, RO, What::Loadavg),
    e("meminfo", None, RO, What::Meminfo),
    e("sysvipc", None, DIR, What::Dir),
    e("version", None, RO, What::Version),
    e("filesystems", None, RO, What::Filesystems),
    e("kernel", SYS, DIR, What::Dir),
    e("hostname", KERNEL, S_IFREG | 0o644, What::Hostname),
    e("osrelease", KERNEL, RO, What::Osrelease),
    e("ostype", KERNEL, RO, What::Ostype),
    e("pid_max", KERNEL, S_IFREG | 0o644, What::PidMax),
    e("shm", SYSVIPC, RO, What::SysvShm),
];

/// A process's directory, in `tgid_base_stuff`'s order and modes.
const PID_ENTRIES: &[Entry] = &[
    e("task", None, DIR, What::TaskDir),
    e("fd", None, S_IFDIR | 0o500, What::FdDir),
    e("fdinfo", None, DIR, What::FdInfoDir),
    e("environ", None, S_IFREG | 0o400, What::Environ),
    e("status", None, RO, What::Status),
    e("limits", None, RO, What::Limits),
    e("comm", None, S_IFREG | 0o644, What::Comm),
    e("cmdline", None, RO, What::Cmdline),
    e("stat", None, RO, What::PidStat),
    e("statm", None, RO, What::Statm),
    e("maps", None, RO, What::Maps),
    e("cwd", None, LNK, What::Cwd),
    e("root", None, LNK, What::Root),
    e("exe", None, LNK, What::Exe),
    e("mounts", None, RO, What::Mounts),
    e("mountinfo", None, RO, What::MountInfo),
];

fn base(i: u8) -> &'static Entry {
    &BASE[i as usize]
}

fn pid_entry(i: u8) -> &'static Entry {
    &PID_ENTRIES[i as usize]
}

impl Node {
    /// Its type bits.
    fn ifmt(self) -> u32 {
        match self {
            Node::Root | Node::Pid(_) => S_IFDIR,
            Node::SelfLink | Node::Fd(..) => S_IFLNK,
            Node::FdInfo(..) => S_IFREG,
            Node::Base(i) => base(i).mode & S_IFMT,
            Node::PidEntry(_, i) => pid_entry(i).mode & S_IFMT,
        }
    }

    pub fn is_dir(self) -> bool {
        self.ifmt() == S_IFDIR
    }

    pub fn is_link(self) -> bool {
        self.ifmt() == S_IFLNK
    }

    /// The directory holding it (`None` for the root).
    pub fn parent(self) -> Option<Node> {
        Some(match self {
            Node::Root => return None,
            Node::SelfLink | Node::Pid(_) => Node::Root,
            Node::Base(i) => base(i).parent.map_or(Node::Root, Node::Base),
            Node::PidEntry(p, _) => Node::Pid(p),
            Node::Fd(p, _) => Node::PidEntry(p, entry_index(What::FdDir)),
            Node::FdInfo(p, _) => Node::PidEntry(p, entry_index(What::FdInfoDir)),
        })
    }

    /// The process it belongs to.
    fn pid(self) -> Option<Pid> {
        match self {
            Node::Pid(p) | Node::PidEntry(p, _) | Node::Fd(p, _) | Node::FdInfo(p, _) => Some(p),
            _ => None,
        }
    }

    fn what(self) -> Option<What> {
        match self {
            Node::Base(i) => Some(base(i).what),
            Node::PidEntry(_, i) => Some(pid_entry(i).what),
            _ => None,
        }
    }

    /// Its inode number: stable per (pid, entry), never 0, below 2^32.
    /// Descriptors up to 65503 have numbers of their own for `fdinfo`
    /// (beyond, which `RLIMIT_NOFILE` rarely allows, they share some).
    fn ino(self) -> u64 {
        let pid = |p: Pid| u64::from(p) << 17;
        match self {
            Node::Root => PROC_ROOT_INO,
            Node::SelfLink => SELF_INO,
            Node::Base(i) => BASE_INO + u64::from(i),
            Node::Pid(p) => pid(p),
            Node::PidEntry(p, i) => pid(p) | (1 + u64::from(i)),
            Node::FdInfo(p, n) => pid(p) | (u64::from(n) + 32) & 0xffff,
            Node::Fd(p, n) => pid(p) | 0x1_0000 | u64::from(n) & 0xffff,
        }
    }

    /// `d_type` of its directory entry.
    fn dtype(self) -> u8 {
        match self.ifmt() {
            S_IFDIR => DT_DIR,
            S_IFLNK => DT_LNK,
            _ => DT_REG,
        }
    }
}

fn entry_index(what: What) -> u8 {
    PID_ENTRIES
        .iter()
        .position(|e| e.what == what)
        .expect("an entry of the table") as u8
}

// ---------------------------------------------------------------------------
// The processes, as procfs sees them

/// What procfs shows of a process, copied out under one borrow of the
/// scheduler (the references in it are counted, nothing is allocated).
struct TaskView {
    pid: Pid,
    ppid: Pid,
    pgid: Pid,
    sid: Pid,
    /// Its process (thread group) and how many threads that has.
    tgid: Pid,
    threads: usize,
    /// The console is its controlling terminal.
    ctty: bool,
    state: TaskState,
    comm: [u8; 16],
    comm_len: usize,
    cred: Arc<Cred>,
    umask: u32,
    mm: Option<MmRef>,
    cwd: InodeRef,
    root: InodeRef,
    sigpending: u64,
    /// The process tracing it (`ptrace`), 0 if none.
    tracer: Pid,
    /// The process's pending signals and its queued `siginfo`s.
    shared_pending: u64,
    sigqueued: usize,
    sigmask: u64,
    sigign: u64,
    sigcgt: u64,
    rlimits: Rlimits,
    cpu_ticks: u64,
    stime_ticks: u64,
    start_time: u64,
    max_fds: usize,
}

impl TaskView {
    fn comm(&self) -> &[u8] {
        &self.comm[..self.comm_len]
    }

    fn zombie(&self) -> Option<u32> {
        match self.state {
            TaskState::Zombie(status) => Some(status),
            _ => None,
        }
    }

    /// The state letter and name (`get_task_state`).
    fn state(&self) -> (u8, &'static str) {
        match self.state {
            TaskState::Runnable => (b'R', "R (running)"),
            TaskState::Sleeping(_) => (b'S', "S (sleeping)"),
            TaskState::Stopped => (b'T', "T (stopped)"),
            TaskState::Traced => (b't', "t (tracing stop)"),
            TaskState::Zombie(_) => (b'Z', "Z (zombie)"),
        }
    }
}

/// The process `pid`, if it exists (zombies too).
fn task(pid: Pid) -> Option<TaskView> {
    SCHED.with(|s| {
        let t = s.tasks.get(pid)?;
        let mut comm = [0u8; 16];
        let n = t.comm.len().min(15);
        comm[..n].copy_from_slice(&t.comm.as_bytes()[..n]);
        let (mut sigign, mut sigcgt) = (0u64, 0u64);
        for (i, a) in t.sigactions.iter().enumerate() {
            match a.sa_handler {
                abi::signal::SIG_DFL => {}
                abi::signal::SIG_IGN => sigign |= 1 << i,
                _ => sigcgt |= 1 << i,
            }
        }
        let threads = crate::proc::thread::thread_count(s, t.tgid);
        Some(TaskView {
            pid: t.pid,
            tgid: t.tgid,
            threads,
            ppid: s.tasks.get(t.tgid).map_or(t.ppid, |l| l.ppid),
            pgid: t.pgid,
            sid: t.sid,
            ctty: t.ctty,
            state: t.state,
            comm,
            comm_len: n,
            cred: t.cred.clone(),
            umask: t.fs.umask,
            mm: t.mm.clone(),
            cwd: t.fs.cwd.clone(),
            root: t.fs.root.clone(),
            sigpending: t.sigpending,
            tracer: t.ptrace.tracer.unwrap_or(0),
            shared_pending: t.group.shared_pending,
            sigqueued: t.group.sigqueued,
            sigmask: t.sigmask,
            sigign,
            sigcgt,
            rlimits: t.rlimits,
            cpu_ticks: t.cpu_ticks,
            stime_ticks: t.stime_ticks,
            start_time: t.start_time,
            max_fds: t.files.max_fds(),
        })
    })
}

/// The open file behind descriptor `fd` of process `pid`.
fn task_file(pid: Pid, fd: u32) -> Option<FileRef> {
    SCHED.with(|s| s.tasks.get(pid)?.files.get(fd as i32).ok())
}

/// Is task `tid` a live thread of task `pid`'s process?
fn same_process(pid: Pid, tid: Pid) -> bool {
    SCHED.with(|s| {
        let tgid = s.tasks.get(pid).map(|t| t.tgid);
        s.tasks
            .get(tid)
            .is_some_and(|t| Some(t.tgid) == tgid && !matches!(t.state, TaskState::Zombie(_)))
    })
}

/// Does process `pid` still exist? (`pid_revalidate`.)
fn alive(pid: Pid) -> bool {
    SCHED.with(|s| s.tasks.contains(pid))
}

/// Linux's `ptrace_may_access(task, PTRACE_MODE_READ_FSCREDS)`: the caller
/// itself, or one whose filesystem ids are all of the process's user and
/// group ids, or one with `CAP_SYS_PTRACE`. Else `EACCES`.
fn may_access(t: &TaskView) -> Result<(), Errno> {
    if crate::proc::current_pid() == Some(t.pid) {
        return Ok(());
    }
    let me = namei::cred();
    let c = &t.cred;
    let same_user = [c.uid, c.euid, c.suid].iter().all(|&u| u == me.fsuid)
        && [c.gid, c.egid, c.sgid].iter().all(|&g| g == me.fsgid);
    if same_user || me.capable(CAP_SYS_PTRACE) {
        Ok(())
    } else {
        Err(EACCES)
    }
}

/// A name that is a decimal number without leading zeros (`name_to_int`).
fn number(name: &[u8]) -> Option<u32> {
    if name.is_empty() || name.len() > 10 || (name.len() > 1 && name[0] == b'0') {
        return None;
    }
    core::str::from_utf8(name).ok()?.parse().ok()
}

// ---------------------------------------------------------------------------
// Inodes

/// The inode of `node` in the procfs instance on device `dev`: `ENOENT`
/// if what it names is gone.
pub fn inode(dev: (u32, u32), node: Node) -> Result<InodeRef, Errno> {
    let boot = Timespec::from_secs(crate::time::boot_epoch() as i64);
    let (mut uid, mut gid, mut time) = (0, 0, boot);
    let mut mode = match node {
        Node::Root | Node::Pid(_) => DIR,
        Node::SelfLink => LNK,
        Node::Base(i) => base(i).mode,
        Node::PidEntry(_, i) => pid_entry(i).mode,
        Node::Fd(..) => S_IFLNK,
        Node::FdInfo(..) => S_IFREG | 0o400,
    };
    if let Some(pid) = node.pid() {
        let t = task(pid).ok_or(ENOENT)?;
        (uid, gid) = (t.cred.euid, t.cred.egid);
        time =
            Timespec::from_secs((crate::time::boot_epoch() + t.start_time / 1_000_000_000) as i64);
        if let Node::Fd(p, n) | Node::FdInfo(p, n) = node {
            let f = task_file(p, n).ok_or(ENOENT)?;
            // `proc_fd_instantiate`: r-x for reading, -wx for writing.
            if let Node::Fd(..) = node {
                let acc = f.lock().flags & O_ACCMODE;
                if acc != O_WRONLY {
                    mode |= 0o500;
                }
                if acc != O_RDONLY {
                    mode |= 0o300;
                }
            }
        }
    }
    let meta = Meta {
        mode,
        uid,
        gid,
        nlink: nlink(node),
        rdev: (0, 0),
        atime: time,
        mtime: time,
        ctime: time,
    };
    Inode::new_proc(dev, node.ino(), meta, node).ok_or(ENOMEM)
}

/// Its link count: 1 for a file or link; for a directory 2 and one per
/// subdirectory, and for the root one per process too
/// (`proc_root_getattr`).
pub fn nlink(node: Node) -> u32 {
    match node {
        Node::Root => {
            let dirs = BASE
                .iter()
                .filter(|e| e.parent.is_none() && e.mode & S_IFMT == S_IFDIR);
            2 + dirs.count() as u32 + SCHED.with(|s| s.tasks.len()) as u32
        }
        Node::Base(i) if node.is_dir() => {
            let dirs = BASE
                .iter()
                .filter(|e| e.parent == Some(i) && e.mode & S_IFMT == S_IFDIR);
            2 + dirs.count() as u32
        }
        Node::Pid(_) => {
            2 + PID_ENTRIES
                .iter()
                .filter(|e| e.mode & S_IFMT == S_IFDIR)
                .count() as u32
        }
        _ if node.is_dir() => 2,
        _ => 1,
    }
}

/// The entry `name` of procfs directory `dir` (`proc_root_lookup`,
/// `proc_pident_lookup`, `proc_lookupfd`): `ENOENT` if there is none.
pub fn lookup(dir: &InodeRef, name: &[u8]) -> Result<InodeRef, Errno> {
    let InodeKind::Proc(node) = dir.kind else {
        return Err(ENOTDIR);
    };
    let in_base = |parent: Option<u8>| {
        BASE.iter()
            .position(|e| e.parent == parent && e.name.as_bytes() == name)
            .map(|i| Node::Base(i as u8))
    };
    let child = match node {
        Node::Root if name == b"self" => crate::proc::current_pid().map(|_| Node::SelfLink),
        Node::Root => in_base(None).or_else(|| {
            let pid = number(name)?;
            alive(pid).then_some(Node::Pid(pid))
        }),
        Node::Base(i) => in_base(Some(i)),
        Node::Pid(p) => PID_ENTRIES
            .iter()
            .position(|e| e.name.as_bytes() == name)
            .map(|i| Node::PidEntry(p, i as u8)),
        Node::PidEntry(p, i) => {
            let n = number(name);
            match (pid_entry(i).what, n) {
                (What::FdDir, Some(n)) if task_file(p, n).is_some() => Some(Node::Fd(p, n)),
                (What::FdInfoDir, Some(n)) if task_file(p, n).is_some() => Some(Node::FdInfo(p, n)),
                // A thread's directory is its own /proc/<tid> (whose `..`
                // is /proc, not the task directory).
                (What::TaskDir, Some(n)) if same_process(p, n) => Some(Node::Pid(n)),
                _ => None,
            }
        }
        _ => None,
    };
    inode(dir.dev, child.ok_or(ENOENT)?)
}

/// The name `node` has in its directory (for `path_of`).
pub fn name_of(node: Node) -> Option<Vec<u8>> {
    let mut s = SeqFile::new();
    match node {
        Node::Root => return None,
        Node::SelfLink => s.puts(b"self"),
        Node::Base(i) => s.puts(base(i).name.as_bytes()),
        Node::PidEntry(_, i) => s.puts(pid_entry(i).name.as_bytes()),
        Node::Pid(n) => s.put_decimal("", u64::from(n)),
        Node::Fd(_, n) | Node::FdInfo(_, n) => s.put_decimal("", u64::from(n)),
    }
    s.finish().ok()
}

// ---------------------------------------------------------------------------
// Directories

/// One entry a procfs directory lists.
pub struct DirEntry {
    /// Its position (`getdents` continues after it).
    pub pos: u64,
    pub ino: u64,
    pub dtype: u8,
    name: [u8; 16],
    len: u8,
}

impl DirEntry {
    fn new(pos: u64, node: Node, name: &[u8]) -> Self {
        let mut n = [0u8; 16];
        let len = name.len().min(16);
        n[..len].copy_from_slice(&name[..len]);
        DirEntry {
            pos,
            ino: node.ino(),
            dtype: node.dtype(),
            name: n,
            len: len as u8,
        }
    }

    fn numbered(pos: u64, node: Node, n: u32) -> Self {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        let mut v = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (v % 10) as u8;
            v /= 10;
            if v == 0 {
                break;
            }
        }
        Self::new(pos, node, &digits[i..])
    }

    pub fn name(&self) -> &[u8] {
        &self.name[..self.len as usize]
    }
}

/// The entries of procfs directory `node` at positions `>= from`, `.` and
/// `..` included, in position order.
pub fn readdir(dir: &InodeRef, node: Node, from: u64) -> Result<Vec<DirEntry>, Errno> {
    if let Some(p) = node.pid()
        && !alive(p)
    {
        return Ok(Vec::new()); // gone: nothing more to list
    }
    // Room for everything first: the processes' and descriptors' lists
    // are copied under a borrow, where nothing may allocate.
    let room = 2 + BASE.len() + PID_ENTRIES.len() + 1 + SCHED.with(|s| s.tasks.len());
    let room = match node {
        Node::PidEntry(p, _) => {
            room + SCHED.with(|s| s.tasks.get(p).map_or(0, |t| t.files.count()))
        }
        _ => room,
    };
    let mut out: Vec<DirEntry> = crate::mm::heap::try_vec(room)?;
    let parent_ino = node.parent().map_or(dir.ino, |p| p.ino());
    out.push(DirEntry::new(0, node, b"."));
    out.push(DirEntry {
        ino: parent_ino,
        dtype: DT_DIR,
        ..DirEntry::new(1, node, b"..")
    });
    let base_entries = |parent: Option<u8>, out: &mut Vec<DirEntry>| {
        let mut pos = 2;
        for (i, e) in BASE.iter().enumerate() {
            if e.parent == parent {
                out.push(DirEntry::new(pos, Node::Base(i as u8), e.name.as_bytes()));
                pos += 1;
            }
        }
    };
    match node {
        Node::Root => {
            base_entries(None, &mut out);
            if crate::proc::current_pid().is_some() {
                out.push(DirEntry::new(FIRST_PROCESS_ENTRY, Node::SelfLink, b"self"));
            }
            SCHED.with(|s| {
                for p in s.tasks.pids() {
                    if s.tasks.get(p).is_some_and(|t| t.tgid == p) && out.len() < out.capacity() {
                        out.push(DirEntry::numbered(
                            TGID_OFFSET + u64::from(p),
                            Node::Pid(p),
                            p,
                        ));
                    }
                }
            });
        }
        Node::Base(i) => base_entries(Some(i), &mut out),
        Node::Pid(p) => {
            for (i, e) in PID_ENTRIES.iter().enumerate() {
                out.push(DirEntry::new(
                    2 + i as u64,
                    Node::PidEntry(p, i as u8),
                    e.name.as_bytes(),
                ));
            }
        }
        Node::PidEntry(p, i) if pid_entry(i).what == What::TaskDir => {
            for (k, tid) in crate::proc::thread::threads_of(p).into_iter().enumerate() {
                if out.len() < out.capacity() {
                    out.push(DirEntry::numbered(2 + k as u64, Node::Pid(tid), tid));
                }
            }
        }
        Node::PidEntry(p, i) => {
            let info = match pid_entry(i).what {
                What::FdDir => false,
                What::FdInfoDir => true,
                _ => return Err(ENOTDIR),
            };
            SCHED.with(|s| {
                let Some(t) = s.tasks.get(p) else {
                    return;
                };
                for (fd, _, _) in t.files.iter() {
                    if out.len() < out.capacity() {
                        let n = fd as u32;
                        let node = if info {
                            Node::FdInfo(p, n)
                        } else {
                            Node::Fd(p, n)
                        };
                        out.push(DirEntry::numbered(2 + u64::from(n), node, n));
                    }
                }
            });
        }
        _ => return Err(ENOTDIR),
    }
    out.retain(|e| e.pos >= from);
    Ok(out)
}

// ---------------------------------------------------------------------------
// Opening, reading and writing files

/// What `open` checks beyond the modes: a process's `environ` needs
/// access to it (`environ_open` → `mm_access`: `EACCES`).
pub fn may_open(node: Node) -> Result<(), Errno> {
    if node.what() == Some(What::Environ) {
        let t = task(node.pid().ok_or(ENOENT)?).ok_or(ENOENT)?;
        may_access(&t)?;
    }
    Ok(())
}

/// `read` of a procfs file at `pos` (or the file's offset, which then
/// moves): the text is made when reading from 0, or when there is none
/// yet, and kept for the reads after (`seq_read_iter`). A process that
/// has been reaped since the open is `ESRCH`.
pub fn read(f: &FileRef, buf: UserSlice<Write>, pos: Option<usize>) -> SysResult {
    let (inode, offset, kept) = {
        let mut of = f.lock();
        (of.inode.clone(), pos.unwrap_or(of.offset), of.seq.take())
    };
    let inode = inode.ok_or(EBADF)?;
    let InodeKind::Proc(node) = inode.kind else {
        return Err(EBADF);
    };
    let text = match kept {
        Some(t) if offset != 0 => t,
        _ => show(node)?,
    };
    let start = offset.min(text.len());
    let n = (text.len() - start).min(buf.len());
    let r = buf.write_prefix(&text[start..start + n]);
    let mut of = f.lock();
    of.seq = Some(text);
    r?;
    if pos.is_none() {
        of.offset = start + n;
    }
    Ok(n)
}

/// `write` to a procfs file opened for writing (which the modes let only
/// root do, but `comm` its owner): `comm` renames the calling process
/// (`comm_write`: another process's is `EINVAL`), `sys/kernel/hostname`
/// sets the host name (`proc_dostring`: up to a newline); a system file
/// without a write operation says `EIO` (`pde_write`), a process's
/// `EINVAL` (no `FMODE_CAN_WRITE`), `pid_max` accepts only the value it
/// has (pids here are fixed at `PID_MAX`).
pub fn write(f: &FileRef, buf: UserSlice<Read>) -> SysResult {
    let inode = f.lock().inode.clone().ok_or(EBADF)?;
    let InodeKind::Proc(node) = inode.kind else {
        return Err(EBADF);
    };
    let len = buf.len();
    match node.what() {
        Some(What::Comm) => {
            let mut name = [0u8; 15];
            let n = len.min(15);
            buf.truncate(n).read_into(&mut name[..n])?;
            let pid = node.pid().ok_or(EINVAL)?;
            if !alive(pid) {
                return Err(ESRCH);
            }
            if crate::proc::current_pid() != Some(pid) {
                return Err(EINVAL);
            }
            let end = name[..n].iter().position(|&b| b == 0).unwrap_or(n);
            let comm =
                crate::mm::heap::try_string(&alloc::string::String::from_utf8_lossy(&name[..end]))?;
            let old = crate::proc::with_current(|t| core::mem::replace(&mut t.comm, comm));
            drop(old);
            Ok(len)
        }
        Some(What::Hostname) => {
            let mut name = [0u8; info::UTS_LEN];
            let n = len.min(info::UTS_LEN);
            buf.truncate(n).read_into(&mut name[..n])?;
            let end = name[..n]
                .iter()
                .position(|&b| b == b'\n' || b == 0)
                .unwrap_or(n);
            info::set_hostname(&name[..end]);
            Ok(len)
        }
        Some(What::PidMax) => {
            let mut v = [0u8; 16];
            let n = len.min(16);
            buf.truncate(n).read_into(&mut v[..n])?;
            let text = core::str::from_utf8(&v[..n]).map_err(|_| EINVAL)?;
            match text.trim().parse::<u32>() {
                Ok(crate::proc::pid::PID_MAX) => Ok(len),
                _ => Err(EINVAL),
            }
        }
        _ if node.pid().is_some() => Err(EINVAL),
        _ => Err(EIO),
    }
}

/// The text of procfs file `node`.
fn show(node: Node) -> Result<Vec<u8>, Errno> {
    let mut m = SeqFile::new();
    if let Node::FdInfo(p, n) = node {
        show_fdinfo(&mut m, p, n)?;
        return m.finish();
    }
    let what = node.what().ok_or(EINVAL)?;
    if let Some(pid) = node.pid() {
        let t = task(pid).ok_or(ESRCH)?;
        match what {
            What::Status => show_status(&mut m, &t),
            What::PidStat => show_stat(&mut m, &t),
            What::Statm => show_statm(&mut m, &t),
            What::Limits => show_limits(&mut m, &t),
            What::Comm => {
                m.puts(t.comm());
                m.putc(b'\n');
            }
            What::Cmdline => show_range(&mut m, &t, false)?,
            What::Environ => {
                may_access(&t)?;
                show_range(&mut m, &t, true)?;
            }
            What::Maps => show_maps(&mut m, &t)?,
            What::Mounts => namespace::show(&mut m, false)?,
            What::MountInfo => namespace::show(&mut m, true)?,
            _ => return Err(EINVAL),
        }
        return m.finish();
    }
    match what {
        What::Meminfo => show_meminfo(&mut m),
        What::SysvShm => show_sysvipc_shm(&mut m),
        What::Cpuinfo => {
            let _ = crate::arch::x86::cpuinfo::show_cpuinfo(&mut m);
        }
        What::Uptime => {
            let up = crate::time::uptime_ns() / 10_000_000;
            let idle = sched::cpu_ticks().2 * (100 / u64::from(crate::arch::x86::pit::HZ));
            let _ = writeln!(
                m,
                "{}.{:02} {}.{:02}",
                up / 100,
                up % 100,
                idle / 100,
                idle % 100
            );
        }
        What::Loadavg => show_loadavg(&mut m),
        What::Stat => show_system_stat(&mut m),
        What::Version => {
            let _ = writeln!(
                m,
                "{} version {} (rusty@rusty-i386) (rustc) {}",
                info::UTS_SYSNAME,
                info::UTS_RELEASE,
                info::UTS_VERSION
            );
        }
        // `filesystems_proc_show`, in the order Linux registers them.
        What::Filesystems => m.puts(b"nodev\ttmpfs\nnodev\tproc\nnodev\tpipefs\n"),
        What::Hostname => {
            let mut h = [0u8; info::UTS_LEN];
            let n = info::hostname(&mut h);
            m.puts(&h[..n]);
            m.putc(b'\n');
        }
        What::Ostype => {
            let _ = writeln!(m, "{}", info::UTS_SYSNAME);
        }
        What::Osrelease => {
            let _ = writeln!(m, "{}", info::UTS_RELEASE);
        }
        What::PidMax => {
            let _ = writeln!(m, "{}", crate::proc::pid::PID_MAX);
        }
        _ => return Err(EINVAL),
    }
    m.finish()
}

// ---------------------------------------------------------------------------
// Links

/// Where a procfs link leads (`proc_self_get_link`, `proc_pid_get_link`,
/// `proc_fd_link`): `self` and `mounts` by their text, the others straight
/// to the inode, once the caller may see into the process.
pub fn get_link(node: Node) -> Result<Link, Errno> {
    match node {
        Node::SelfLink => Ok(Link::Text(self_text()?)),
        Node::Base(_) => Ok(Link::Text(b"self/mounts".to_vec())),
        Node::PidEntry(p, _) | Node::Fd(p, _) => {
            let t = task(p).ok_or(ENOENT)?;
            may_access(&t)?;
            let (inode, path) = link_target(&t, node)?;
            Ok(Link::Jump(inode, path))
        }
        _ => Err(EINVAL),
    }
}

/// The caller's pid, as `/proc/self`'s text.
fn self_text() -> Result<Vec<u8>, Errno> {
    let pid = crate::proc::current_pid().ok_or(ENOENT)?;
    let mut m = SeqFile::new();
    m.put_decimal("", u64::from(pid));
    m.finish()
}

/// What descriptor `n` of process `p` is open on: its kind, inode and
/// path, taken under the open file's lock and copied out of it.
fn fd_target(p: Pid, n: u32) -> Result<(FileKind, Option<InodeRef>, Option<PathRef>), Errno> {
    let f = task_file(p, n).ok_or(ENOENT)?;
    let of = f.lock();
    Ok((of.kind, of.inode.clone(), of.path.clone()))
}

/// What a process's link names: its working directory, root, program or
/// the file open as a descriptor (`ENOENT` if there is none: a zombie's
/// program, a pipe's inode).
fn link_target(t: &TaskView, node: Node) -> Result<(InodeRef, Option<PathRef>), Errno> {
    match node {
        Node::Fd(p, n) => {
            let (kind, inode, path) = fd_target(p, n)?;
            match (kind, inode) {
                (_, Some(i)) => Ok((i, path)),
                // An anonymous pipe: its pipefs inode, which opens as a
                // FIFO (`proc_fd_link` gives the file's own path).
                (FileKind::Pipe { id, .. }, None) => {
                    let c = namei::cred();
                    let i = Inode::new_pipe(id, (c.fsuid, c.fsgid)).ok_or(ENOMEM)?;
                    Ok((i, None))
                }
                _ => Err(ENOENT),
            }
        }
        Node::PidEntry(..) => match node.what() {
            Some(What::Cwd) => Ok((t.cwd.clone(), None)),
            Some(What::Root) => Ok((t.root.clone(), None)),
            Some(What::Exe) => {
                let exe = exe_of(t).ok_or(ENOENT)?;
                Ok((exe.inode.clone(), exe.path.clone()))
            }
            _ => Err(EINVAL),
        },
        _ => Err(EINVAL),
    }
}

/// The program process `t` runs (`get_mm_exe_file`).
fn exe_of(t: &TaskView) -> Option<Arc<MappedFile>> {
    t.mm.as_ref()?.with(|a| a.exe.clone())
}

/// `readlink` of a procfs link (`proc_pid_readlink`, `proc_fd_link`): the
/// path of what it names (`d_path`), `pipe:[N]` for a pipe, as Linux
/// names pipefs's inodes.
pub fn readlink(node: Node) -> Result<Vec<u8>, Errno> {
    match node {
        Node::SelfLink => self_text(),
        Node::Base(_) => Ok(b"self/mounts".to_vec()),
        Node::Fd(p, n) => {
            let t = task(p).ok_or(ENOENT)?;
            may_access(&t)?;
            let (kind, inode, path) = fd_target(p, n)?;
            match (kind, inode) {
                (FileKind::Pipe { id, .. }, i) if i.as_ref().is_none_or(|i| i.is_pipefs()) => {
                    let mut m = SeqFile::new();
                    m.put_decimal("pipe:[", u64::from(id));
                    m.putc(b']');
                    m.finish()
                }
                (_, Some(i)) => path_text(&i, path.as_deref()),
                (FileKind::Device(_), None) => Ok(b"/dev/console".to_vec()),
                _ => Err(ENOENT),
            }
        }
        Node::PidEntry(p, _) => {
            let t = task(p).ok_or(ENOENT)?;
            may_access(&t)?;
            let (inode, path) = link_target(&t, node)?;
            path_text(&inode, path.as_deref())
        }
        _ => Err(EINVAL),
    }
}

/// The path of `inode`, opened at `path` if known.
fn path_text(inode: &InodeRef, path: Option<&super::file::FilePath>) -> Result<Vec<u8>, Errno> {
    match path {
        Some(p) => p.path(inode),
        None => namei::path_of(inode),
    }
    .ok_or(ENOENT)
}

// ---------------------------------------------------------------------------
// A process's files

/// Pages of the address space: (total, resident, data, stack, page-table
/// kB), for `status`, `stat` and `statm`.
struct MemView {
    total: u64,
    rss: u64,
    data: u64,
    stack: u64,
    /// Pages `mlock`ed (`VmLck`).
    locked: u64,
    pte_kb: u64,
    layout: crate::mm::addrspace::Layout,
    brk_start: usize,
}

fn mem_view(mm: &MmRef) -> MemView {
    mm.with(|a| {
        let (total_kb, rss_kb, pte_kb) = a.footprint_kb();
        let (_, data) = a.vm_pages();
        let stack = a
            .regions()
            .filter(|r| r.kind == RegionKind::Stack)
            .map(|r| (r.end - r.start) / crate::mm::PAGE_SIZE)
            .sum::<usize>();
        MemView {
            total: total_kb as u64 / 4,
            rss: rss_kb as u64 / 4,
            data: data as u64,
            stack: stack as u64,
            locked: a.locked_pages(0, usize::MAX) as u64,
            pte_kb: pte_kb as u64,
            layout: a.layout,
            brk_start: a.brk_start,
        }
    })
}

/// Pages of program text (`VmExe`, `statm`'s text).
fn text_pages(l: &crate::mm::addrspace::Layout) -> u64 {
    let end = l.end_code.next_multiple_of(crate::mm::PAGE_SIZE);
    (end.saturating_sub(l.start_code & !(crate::mm::PAGE_SIZE - 1)) / crate::mm::PAGE_SIZE) as u64
}

/// A signal set as 16 hex digits (`render_sigset_t`, `render_cap_t`).
fn hex64(m: &mut SeqFile, label: &str, v: u64) {
    let _ = writeln!(m, "{label}{v:016x}");
}

/// `proc_pid_status`.
fn show_status(m: &mut SeqFile, t: &TaskView) {
    m.puts(b"Name:\t");
    // `proc_task_name` with escaping: a newline or backslash in the name
    // cannot break the line format.
    for &b in t.comm() {
        match b {
            b'\n' => m.puts(b"\\n"),
            b'\\' => m.puts(b"\\\\"),
            _ => m.putc(b),
        }
    }
    let c = &t.cred;
    let _ = write!(m, "\nUmask:\t{:04o}\nState:\t{}", t.umask, t.state().1);
    m.put_decimal("\nTgid:\t", u64::from(t.tgid));
    m.put_decimal("\nNgid:\t", 0);
    m.put_decimal("\nPid:\t", u64::from(t.pid));
    m.put_decimal("\nPPid:\t", u64::from(t.ppid));
    m.put_decimal("\nTracerPid:\t", u64::from(t.tracer));
    let _ = write!(m, "\nUid:\t{}\t{}\t{}\t{}", c.uid, c.euid, c.suid, c.fsuid);
    let _ = write!(m, "\nGid:\t{}\t{}\t{}\t{}", c.gid, c.egid, c.sgid, c.fsgid);
    m.put_decimal("\nFDSize:\t", t.max_fds as u64);
    m.puts(b"\nGroups:\t");
    for (i, g) in c.group_info.gids().iter().enumerate() {
        m.put_decimal(if i == 0 { "" } else { " " }, u64::from(*g));
    }
    m.putc(b' ');
    // No pid namespaces: one number each.
    m.put_decimal("\nNStgid:\t", u64::from(t.pid));
    m.put_decimal("\nNSpid:\t", u64::from(t.pid));
    m.put_decimal("\nNSpgid:\t", u64::from(t.pgid));
    m.put_decimal("\nNSsid:\t", u64::from(t.sid));
    m.putc(b'\n');
    if let Some(mm) = &t.mm {
        let v = mem_view(mm);
        let kb = |pages: u64| pages * 4;
        let lines = [
            ("VmPeak:\t", kb(v.total)),
            ("VmSize:\t", kb(v.total)),
            ("VmLck:\t", kb(v.locked)),
            ("VmPin:\t", 0),
            ("VmHWM:\t", kb(v.rss)),
            ("VmRSS:\t", kb(v.rss)),
            ("RssAnon:\t", kb(v.rss)),
            ("RssFile:\t", 0),
            ("RssShmem:\t", 0),
            ("VmData:\t", kb(v.data)),
            ("VmStk:\t", kb(v.stack)),
            ("VmExe:\t", kb(text_pages(&v.layout))),
            ("VmLib:\t", 0),
            ("VmPTE:\t", v.pte_kb),
            ("VmSwap:\t", 0),
        ];
        for (label, val) in lines {
            m.put_decimal_width(label, val, 8);
            m.puts(b" kB\n");
        }
        m.puts(b"CoreDumping:\t0\nTHP_enabled:\t0\n");
    }
    m.put_decimal("Threads:\t", t.threads.max(1) as u64);
    m.puts(b"\n");
    let sigq = t.rlimits[abi::resource::RLIMIT_SIGPENDING as usize].cur;
    let sigq = sigq.min(u64::from(u32::MAX));
    let _ = writeln!(m, "SigQ:\t{}/{sigq}", t.sigqueued);
    hex64(m, "SigPnd:\t", t.sigpending);
    hex64(m, "ShdPnd:\t", t.shared_pending);
    hex64(m, "SigBlk:\t", t.sigmask);
    hex64(m, "SigIgn:\t", t.sigign);
    hex64(m, "SigCgt:\t", t.sigcgt);
    // Root's capabilities are all of them (CAP_LAST_CAP + 1 bits); an
    // ordinary user's none (`cap_permitted` cleared with the ids).
    let full = (1u64 << (abi::cred::CAP_LAST_CAP + 1)) - 1;
    let prm = if c.uid == 0 || c.euid == 0 || c.suid == 0 {
        full
    } else {
        0
    };
    let eff = if c.euid == 0 { full } else { 0 };
    hex64(m, "CapInh:\t", 0);
    hex64(m, "CapPrm:\t", prm);
    hex64(m, "CapEff:\t", eff);
    hex64(m, "CapBnd:\t", full);
    hex64(m, "CapAmb:\t", 0);
    m.puts(b"NoNewPrivs:\t0\nSeccomp:\t0\nSeccomp_filters:\t0\n");
    m.puts(b"Speculation_Store_Bypass:\tunknown\nSpeculationIndirectBranch:\tunknown\n");
    m.puts(b"Cpus_allowed:\t1\nCpus_allowed_list:\t0\nMems_allowed:\t1\nMems_allowed_list:\t0\n");
    m.puts(b"voluntary_ctxt_switches:\t0\nnonvoluntary_ctxt_switches:\t0\n");
}

/// `do_task_stat` (`/proc/<pid>/stat`): 52 fields. Addresses are shown
/// only to those who may see into the process (`permitted`).
fn show_stat(m: &mut SeqFile, t: &TaskView) {
    let permitted = may_access(t).is_ok();
    let v = t.mm.as_ref().map(mem_view);
    let ticks = |n: u64| n * USER_HZ / u64::from(crate::arch::x86::pit::HZ);
    m.put_decimal("", u64::from(t.pid));
    m.puts(b" (");
    m.puts(t.comm());
    m.puts(b") ");
    m.putc(t.state().0);
    // ppid, pgrp, session, tty_nr (the console, ttyS0 4:64, encoded as
    // new_encode_dev does), tpgid (its foreground group, 0 if none; -1
    // without a terminal).
    let (tty_nr, tpgid) = match (t.ctty, super::tty::foreground()) {
        (true, fg) => ((4 << 8) | 64, fg.map_or(0, i64::from)),
        (false, _) => (0, -1),
    };
    let _ = write!(m, " {} {} {} {} {}", t.ppid, t.pgid, t.sid, tty_nr, tpgid);
    // flags (PF_EXITING for a zombie), minflt, cminflt, majflt, cmajflt.
    let _ = write!(m, " {} 0 0 0 0", if t.zombie().is_some() { 4 } else { 0 });
    let utime = ticks(t.cpu_ticks - t.stime_ticks);
    let _ = write!(m, " {} {} 0 0", utime, ticks(t.stime_ticks));
    // priority, nice, num_threads, itrealvalue, starttime.
    let _ = write!(
        m,
        " 20 0 {} 0 {}",
        t.threads.max(1),
        t.start_time / (1_000_000_000 / USER_HZ)
    );
    let rsslim = t.rlimits[abi::resource::RLIMIT_RSS as usize]
        .cur
        .min(u64::from(u32::MAX));
    let (vsize, rss) = v.as_ref().map_or((0, 0), |v| (v.total * 4096, v.rss));
    let _ = write!(m, " {vsize} {rss} {rsslim}");
    let (code, stack) = match &v {
        Some(v) if permitted => (
            (v.layout.start_code, v.layout.end_code),
            v.layout.start_stack,
        ),
        Some(_) => ((1, 1), 0),
        None => ((0, 0), 0),
    };
    // startcode, endcode, startstack, kstkesp, kstkeip.
    let _ = write!(m, " {} {} {} 0 0", code.0, code.1, stack);
    // The old 31-bit signal fields.
    let low = |s: u64| s & 0x7fff_ffff;
    let _ = write!(
        m,
        " {} {} {} {}",
        low(t.sigpending),
        low(t.sigmask),
        low(t.sigign),
        low(t.sigcgt)
    );
    // wchan (1: asleep), nswap, cnswap, exit_signal (SIGCHLD), processor,
    // rt_priority, policy, delayacct_blkio_ticks, guest_time, cguest_time.
    let asleep = matches!(t.state, TaskState::Sleeping(_));
    let _ = write!(
        m,
        " {} 0 0 {} 0 0 0 0 0 0",
        u8::from(asleep && permitted),
        abi::signal::SIGCHLD
    );
    match &v {
        Some(v) if permitted => {
            let l = &v.layout;
            let _ = write!(
                m,
                " {} {} {} {} {} {} {}",
                l.start_data,
                l.end_data,
                v.brk_start,
                l.arg_start,
                l.arg_end,
                l.env_start,
                l.env_end
            );
        }
        _ => m.puts(b" 0 0 0 0 0 0 0"),
    }
    let exit_code = if permitted {
        t.zombie().unwrap_or(0)
    } else {
        0
    };
    let _ = writeln!(m, " {exit_code}");
}

/// `proc_pid_statm`: size, resident, shared, text, lib (0), data + stack,
/// dirty (0), in pages.
fn show_statm(m: &mut SeqFile, t: &TaskView) {
    let (size, rss, text, data) = t.mm.as_ref().map_or((0, 0, 0, 0), |mm| {
        let v = mem_view(mm);
        (v.total, v.rss, text_pages(&v.layout), v.data + v.stack)
    });
    let _ = writeln!(m, "{size} {rss} 0 {text} 0 {data} 0");
}

/// `proc_pid_limits`: Linux's table, one line per resource.
fn show_limits(m: &mut SeqFile, t: &TaskView) {
    const NAMES: [(&str, &str); 16] = [
        ("Max cpu time", "seconds"),
        ("Max file size", "bytes"),
        ("Max data size", "bytes"),
        ("Max stack size", "bytes"),
        ("Max core file size", "bytes"),
        ("Max resident set", "bytes"),
        ("Max processes", "processes"),
        ("Max open files", "files"),
        ("Max locked memory", "bytes"),
        ("Max address space", "bytes"),
        ("Max file locks", "locks"),
        ("Max pending signals", "signals"),
        ("Max msgqueue size", "bytes"),
        ("Max nice priority", ""),
        ("Max realtime priority", ""),
        ("Max realtime timeout", "us"),
    ];
    let _ = writeln!(
        m,
        "{:<25} {:<20} {:<20} {:<10}",
        "Limit", "Soft Limit", "Hard Limit", "Units"
    );
    for (i, (name, unit)) in NAMES.iter().enumerate() {
        let Some(l) = t.rlimits.get(i) else {
            break;
        };
        let _ = write!(m, "{name:<25} ");
        for v in [l.cur, l.max] {
            if v == RLIM_INF {
                let _ = write!(m, "{:<20} ", "unlimited");
            } else {
                let _ = write!(m, "{v:<20} ");
            }
        }
        if unit.is_empty() {
            m.putc(b'\n');
        } else {
            let _ = writeln!(m, "{unit:<10}");
        }
    }
}

/// `cmdline` or `environ` (`get_mm_cmdline`, `environ_read`): the strings
/// `execve` put on the stack, NUL-separated, read from the process's
/// memory (so what it wrote over them shows); nothing for a zombie.
fn show_range(m: &mut SeqFile, t: &TaskView, env: bool) -> Result<(), Errno> {
    let Some(mm) = &t.mm else {
        return Ok(());
    };
    let l = mm.with(|a| a.layout);
    let (start, end) = if env {
        (l.env_start, l.env_end)
    } else {
        (l.arg_start, l.arg_end)
    };
    let mut buf = crate::mm::heap::try_zeroed(end.saturating_sub(start))?;
    let n = mm.with(|a| a.read_bytes(start, &mut buf));
    m.puts(&buf[..n]);
    Ok(())
}

/// One mapping, copied out of the address space.
struct MapView {
    start: usize,
    end: usize,
    prot: crate::mm::addrspace::Prot,
    shared: bool,
    kind: RegionKind,
    offset: usize,
    /// The inode of shared anonymous memory (its `/dev/zero (deleted)`),
    /// and a SysV segment's key (`/SYSV<key> (deleted)`).
    shared_ino: u32,
    sysv_key: Option<i32>,
    file: Option<Arc<MappedFile>>,
}

/// `show_map_vma` for every mapping (`/proc/<pid>/maps`): range, mode,
/// file offset, device, inode, and the file's path or `[heap]`,
/// `[stack]`, `[vdso]`, the name starting in column 49 (`seq_pad` to 48).
fn show_maps(m: &mut SeqFile, t: &TaskView) -> Result<(), Errno> {
    let Some(mm) = &t.mm else {
        return Ok(());
    };
    let n = mm.with(|a| a.map_count());
    let mut maps: Vec<MapView> = crate::mm::heap::try_vec(n)?;
    let (brk_start, brk, start_stack) = mm.with(|a| {
        for r in a.regions().take(n) {
            let file = a.file_at(r.start).cloned();
            maps.push(MapView {
                start: r.start,
                end: r.end,
                prot: r.prot,
                shared: file.as_ref().is_some_and(|f| f.shared) || r.kind == RegionKind::SharedAnon,
                kind: r.kind,
                offset: file.as_ref().map_or(0, |f| f.offset(r.start)),
                shared_ino: a.shared_anon_at(r.start).map_or(0, |m| m.ino()),
                sysv_key: a.shared_anon_at(r.start).and_then(|m| m.sysv_key()),
                file,
            });
        }
        (a.brk_start, a.brk, a.layout.start_stack)
    });
    for r in &maps {
        let line_start = m.len();
        let flag = |on: bool, c: u8| if on { c } else { b'-' };
        let _ = write!(m, "{:08x}-{:08x} ", r.start, r.end);
        m.putc(flag(r.prot.read, b'r'));
        m.putc(flag(r.prot.write, b'w'));
        m.putc(flag(r.prot.exec, b'x'));
        m.putc(if r.shared { b's' } else { b'p' });
        let (dev, ino) = match &r.file {
            Some(f) => (f.inode.dev, f.inode.ino),
            // Linux's shmem inode of the mapping, on its internal mount.
            None if r.kind == RegionKind::SharedAnon => ((0, 1), r.shared_ino.into()),
            None => ((0, 0), 0),
        };
        let _ = write!(m, " {:08x} {:02x}:{:02x} {} ", r.offset, dev.0, dev.1, ino);
        let pad = |m: &mut SeqFile| {
            for _ in m.len() - line_start..48 {
                m.putc(b' ');
            }
            m.putc(b' ');
        };
        if let Some(f) = &r.file {
            pad(m);
            let path = path_text(&f.inode, f.path.as_deref()).unwrap_or_default();
            m.escape(&path, b"\n");
        } else if r.kind == RegionKind::SharedAnon {
            pad(m);
            match r.sysv_key {
                Some(key) => {
                    let _ = write!(m, "/SYSV{:08x} (deleted)", key as u32);
                }
                None => m.puts(b"/dev/zero (deleted)"),
            }
        } else if r.kind == RegionKind::Vdso {
            pad(m);
            m.puts(b"[vdso]");
        } else if r.kind == RegionKind::Vvar {
            pad(m);
            m.puts(b"[vvar]");
        } else if r.start <= brk && r.end >= brk_start {
            pad(m);
            m.puts(b"[heap]");
        } else if r.start <= start_stack && r.end >= start_stack {
            pad(m);
            m.puts(b"[stack]");
        }
        m.putc(b'\n');
    }
    Ok(())
}

/// `/proc/<pid>/fdinfo/<n>` (`seq_show`): position, flags in octal (with
/// `O_CLOEXEC` if the descriptor has it), mount id and inode number.
fn show_fdinfo(m: &mut SeqFile, p: Pid, n: u32) -> Result<(), Errno> {
    let (f, cloexec) = SCHED
        .with(|s| {
            let t = s.tasks.get(p)?;
            let f = t.files.get(n as i32).ok()?;
            Some((f, t.files.cloexec(n as i32).unwrap_or(false)))
        })
        .ok_or(ENOENT)?;
    let (pos, mut flags, inode, kind) = {
        let of = f.lock();
        (of.offset, of.flags, of.inode.clone(), of.kind)
    };
    drop(f);
    if cloexec {
        flags |= O_CLOEXEC;
    }
    let (mnt_id, ino) = match (&inode, kind) {
        (Some(i), _) => (namespace::mount_of(i).map_or(0, |(id, _)| id), i.ino),
        (None, FileKind::Pipe { id, .. }) => (0, u64::from(id)),
        _ => (0, 0),
    };
    let _ = writeln!(
        m,
        "pos:\t{pos}\nflags:\t0{flags:o}\nmnt_id:\t{mnt_id}\nino:\t{ino}"
    );
    Ok(())
}

// ---------------------------------------------------------------------------
// The system's files

/// `meminfo_proc_show`: Linux 6.1's lines in its order for an i386
/// kernel without highmem, swap, huge pages or CMA, each `%8lu kB`. The
/// totals are `sysinfo`'s (`mm::si_meminfo`); tmpfs's pages are `Shmem`
/// and, as on Linux, part of `Cached`; the kernel heap in use is `Slab`.
fn show_meminfo(m: &mut SeqFile) {
    let i = crate::mm::si_meminfo();
    let kb = |bytes: usize| (bytes / 1024) as u64;
    let shmem = namespace::shmem_bytes();
    let slab = i.heap_used.saturating_sub(shmem);
    let stacks =
        SCHED.with(|s| s.tasks.len()) * crate::mm::vmap::KSTACK_PAGES * crate::mm::PAGE_SIZE;
    let vmalloc_total = crate::mm::VMAP_END - crate::mm::VMAP_START;
    let vmalloc_used = i.heap_size + stacks;
    let lines: [(&str, u64); 35] = [
        ("MemTotal:       ", kb(i.total)),
        ("MemFree:        ", kb(i.free)),
        ("MemAvailable:   ", kb(i.free)),
        ("Buffers:        ", 0),
        ("Cached:         ", kb(shmem)),
        ("SwapCached:     ", 0),
        ("Active:         ", 0),
        ("Inactive:       ", kb(shmem)),
        ("Active(anon):   ", 0),
        ("Inactive(anon): ", kb(shmem)),
        ("Active(file):   ", 0),
        ("Inactive(file): ", 0),
        ("Unevictable:    ", 0),
        ("Mlocked:        ", 0),
        ("SwapTotal:      ", 0),
        ("SwapFree:       ", 0),
        ("Dirty:          ", 0),
        ("Writeback:      ", 0),
        ("AnonPages:      ", 0),
        ("Mapped:         ", 0),
        ("Shmem:          ", kb(shmem)),
        ("KReclaimable:   ", 0),
        ("Slab:           ", kb(slab)),
        ("SReclaimable:   ", 0),
        ("SUnreclaim:     ", kb(slab)),
        ("KernelStack:    ", kb(stacks)),
        ("PageTables:     ", 0),
        ("SecPageTables:  ", 0),
        ("NFS_Unstable:   ", 0),
        ("Bounce:         ", 0),
        ("WritebackTmp:   ", 0),
        ("CommitLimit:    ", kb(i.total) / 2),
        ("Committed_AS:   ", 0),
        ("VmallocTotal:   ", kb(vmalloc_total)),
        ("VmallocUsed:    ", kb(vmalloc_used)),
    ];
    for (label, v) in lines {
        m.put_decimal_width(label, v, 8);
        m.puts(b" kB\n");
    }
    for (label, v) in [
        ("VmallocChunk:   ", 0),
        ("Percpu:         ", 0),
        // The direct map: 4 MiB pages over the RAM (arch_report_meminfo).
        ("DirectMap4k:    ", 0),
        (
            "DirectMap4M:    ",
            kb(i.total + 0x10_0000).next_multiple_of(4096),
        ),
    ] {
        m.put_decimal_width(label, v, 8);
        m.puts(b" kB\n");
    }
}

/// `loadavg_proc_show`: the three averages, running/all tasks, last pid.
/// `/proc/sysvipc/shm` (Linux's `sysvipc_shm_proc_show`, its 32-bit
/// layout): a header, then a line per segment.
fn show_sysvipc_shm(m: &mut SeqFile) {
    let _ = writeln!(
        m,
        "       key      shmid perms       size  cpid  lpid nattch   uid   gid  cuid  cgid      \
         atime      dtime      ctime        rss       swap"
    );
    for s in crate::ipc::shm::all().unwrap_or_default() {
        let _ = writeln!(
            m,
            "{:10} {:10}  {:4o} {:10} {:5} {:5}  {:5} {:5} {:5} {:5} {:5} {:10} {:10} {:10} {:10} {:10}",
            s.key,
            s.id,
            s.mode,
            s.size,
            s.cpid,
            s.lpid,
            s.nattch,
            s.uid,
            s.gid,
            s.cuid,
            s.cgid,
            s.atime,
            s.dtime,
            s.ctime,
            s.rss * crate::mm::PAGE_SIZE,
            0
        );
    }
}

fn show_loadavg(m: &mut SeqFile) {
    let fixed_1 = sched::FIXED_1;
    let (running, all, last) = SCHED.with(|s| (s.tasks.len(), s.tasks.len(), s.tasks.last_pid()));
    let running = sched::nr_running().min(running as u64);
    for (i, l) in sched::loadavg().into_iter().enumerate() {
        // `get_avenrun(..., FIXED_1/200, 0)`: rounded to hundredths.
        let l = l + fixed_1 / 200;
        let int = l >> sched::FSHIFT;
        let frac = ((l & (fixed_1 - 1)) * 100) >> sched::FSHIFT;
        let _ = write!(m, "{}{int}.{frac:02}", if i == 0 { "" } else { " " });
    }
    let _ = writeln!(m, " {running}/{all} {last}");
}

/// `show_stat` (`/proc/stat`): CPU time in `USER_HZ` ticks (user, nice,
/// system, idle, iowait, irq, softirq, steal, guest, guest_nice), for all
/// and for cpu0; interrupts (the timer's on IRQ 0 of the 16 the PICs
/// have); switches, boot time, processes made, running and blocked;
/// softirqs (none counted).
fn show_system_stat(m: &mut SeqFile) {
    let hz = u64::from(crate::arch::x86::pit::HZ);
    let (user, system, idle) = sched::cpu_ticks();
    let t = |n: u64| n * USER_HZ / hz;
    for label in ["cpu ", "cpu0"] {
        let _ = writeln!(
            m,
            "{label} {} 0 {} {} 0 0 0 0 0 0",
            t(user),
            t(system),
            t(idle)
        );
    }
    let timer = crate::time::jiffies();
    let _ = write!(m, "intr {timer} {timer}");
    for _ in 1..16 {
        m.puts(b" 0");
    }
    let _ = writeln!(
        m,
        "\nctxt {}\nbtime {}\nprocesses {}\nprocs_running {}\nprocs_blocked 0",
        sched::context_switches(),
        crate::time::boot_epoch(),
        sched::total_forks(),
        sched::nr_running()
    );
    m.puts(b"softirq 0 0 0 0 0 0 0 0 0 0 0\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A procfs root on its own device, as a mount makes it.
    fn root() -> InodeRef {
        inode((0, 77), Node::Root).unwrap()
    }

    fn names(dir: &InodeRef) -> Vec<alloc::string::String> {
        let InodeKind::Proc(n) = dir.kind else {
            panic!("not procfs");
        };
        readdir(dir, n, 0)
            .unwrap()
            .iter()
            .map(|e| alloc::string::String::from_utf8_lossy(e.name()).into_owned())
            .collect()
    }

    #[test_case]
    fn the_root_lists_the_fixed_entries_in_linux_order() {
        let r = root();
        assert_eq!(r.mode(), S_IFDIR | 0o555);
        assert_eq!(r.ino, PROC_ROOT_INO);
        let n = names(&r);
        assert_eq!(
            &n[..12],
            [
                ".",
                "..",
                "sys",
                "stat",
                "mounts",
                "uptime",
                "cpuinfo",
                "loadavg",
                "meminfo",
                "sysvipc",
                "version",
                "filesystems"
            ]
        );
        // No process runs the unit tests: no `self`, no pid directories.
        assert_eq!(n.len(), 12);
        assert_eq!(lookup(&r, b"self").err(), Some(ENOENT));
        assert_eq!(lookup(&r, b"1").err(), Some(ENOENT));
        assert_eq!(lookup(&r, b"nope").err(), Some(ENOENT));
    }

    #[test_case]
    fn entries_have_linux_modes_numbers_and_parents() {
        let r = root();
        let meminfo = lookup(&r, b"meminfo").unwrap();
        assert_eq!(meminfo.mode(), S_IFREG | 0o444);
        assert_eq!(meminfo.size(), 0);
        assert!(!meminfo.is_dir() && !meminfo.is_symlink());
        // Stable numbers: a second lookup gives the same inode number.
        assert_eq!(lookup(&r, b"meminfo").unwrap().ino, meminfo.ino);
        let mounts = lookup(&r, b"mounts").unwrap();
        assert!(mounts.is_symlink());
        assert_eq!(mounts.mode(), S_IFLNK | 0o777);
        let sys = lookup(&r, b"sys").unwrap();
        let kernel = lookup(&sys, b"kernel").unwrap();
        assert_eq!(
            names(&kernel)[2..],
            ["hostname", "osrelease", "ostype", "pid_max"]
        );
        let pid_max = lookup(&kernel, b"pid_max").unwrap();
        assert_eq!(pid_max.mode(), S_IFREG | 0o644);
        // `..` leads back up, to the same numbers.
        let up = kernel.parent().unwrap();
        assert_eq!(up.ino, sys.ino);
        assert_eq!(up.parent().unwrap().ino, PROC_ROOT_INO);
        assert_eq!(nlink(Node::Base(0)), 3);
        assert_eq!(name_of(Node::Base(14)).unwrap(), b"pid_max");
        // Nothing can be made in procfs.
        assert!(r.tmpfs().is_err());
    }

    #[test_case]
    fn system_files_have_linux_formats() {
        let r = root();
        let text = |name: &[u8]| {
            let i = lookup(&r, name).unwrap();
            let InodeKind::Proc(n) = i.kind else { panic!() };
            show(n).unwrap()
        };
        let pid_max = lookup(
            &lookup(&lookup(&r, b"sys").unwrap(), b"kernel").unwrap(),
            b"pid_max",
        )
        .unwrap();
        let InodeKind::Proc(n) = pid_max.kind else {
            panic!()
        };
        assert_eq!(show(n).unwrap(), b"32768\n");
        let m = text(b"meminfo");
        assert!(m.starts_with(b"MemTotal:       "));
        assert!(m.ends_with(b" kB\n"));
        let up = text(b"uptime");
        let dot = up.iter().position(|&b| b == b'.').unwrap();
        assert_eq!(up[dot + 3], b' ');
        assert_eq!(*up.last().unwrap(), b'\n');
        assert!(text(b"version").starts_with(b"Linux version 6.1.0-rusty-i386 ("));
        assert!(text(b"cpuinfo").starts_with(b"processor\t: 0\nvendor_id\t: "));
        assert!(text(b"stat").starts_with(b"cpu  "));
        let l = text(b"loadavg");
        assert_eq!(&l[..15], b"0.00 0.00 0.00 ");
    }
}

//! Open files and per-process descriptor tables.
//!
//! An open file (Linux's `struct file`) is shared between descriptors after
//! `dup` and between processes after `fork`, so it lives behind an `Arc`;
//! its offset is shared too, as on Linux. It remembers where it was opened
//! ([`FilePath`], Linux's `f_path`), for `/proc/<pid>/fd` and `maps`.

use super::char_dev::Device;
use super::inode::InodeRef;
use abi::errno::Errno;
use abi::errno::{EBADF, EMFILE};
use alloc::sync::Arc;
use alloc::vec::Vec;
use spin::Mutex;

/// What an open file reads and writes (Linux picks the `file_operations`
/// from the inode's type; this is that choice).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Device(Device),
    /// A regular file: its bytes are the inode's.
    Regular,
    Dir,
    /// One end of a pipe (`fs/pipe.rs`), anonymous or a FIFO's.
    Pipe {
        id: u32,
        write: bool,
    },
    /// `O_PATH`: a handle on a place in the tree, for `*at` calls and
    /// `fstat`; reads and writes are `EBADF`.
    Path,
    /// A procfs file: its text is made by `fs/proc.rs` when read.
    Proc,
}

/// Where a file was opened: the directory and the name it had there
/// (Linux's `f_path`, whose dentry knows both). Its path is found when
/// asked ([`FilePath::path`]), so a renamed directory above it shows.
#[derive(Debug)]
pub struct FilePath {
    pub dir: InodeRef,
    pub name: Vec<u8>,
}

/// A shared [`FilePath`] (an open file's, a mapping's).
pub type PathRef = Arc<FilePath>;

impl FilePath {
    /// The absolute path of `inode`, opened here (`d_path`): a directory's
    /// own path; else the directory's path and the name, with
    /// ` (deleted)` after it if the name no longer leads to `inode`, as
    /// Linux writes it for an unlinked file. `None` if the directory is out
    /// of the tree.
    pub fn path(&self, inode: &InodeRef) -> Option<Vec<u8>> {
        if inode.is_dir()
            && let Some(p) = super::namei::path_of(inode)
        {
            return Some(p);
        }
        let mut p = super::namei::path_of(&self.dir)?;
        if p != b"/" {
            p.push(b'/');
        }
        p.extend_from_slice(&self.name);
        let here = match &self.dir.kind {
            super::inode::InodeKind::Dir(d) => {
                d.with(|d| d.get(&self.name).is_some_and(|i| Arc::ptr_eq(i, inode)))
            }
            // procfs names are the same whenever looked up.
            _ => true,
        };
        if !here {
            p.extend_from_slice(b" (deleted)");
        }
        Some(p)
    }
}

/// An open file description (Linux's `struct file`).
#[derive(Debug)]
pub struct OpenFile {
    pub kind: FileKind,
    /// The inode opened (`f_inode`); `None` for anonymous pipes and the
    /// console descriptors init starts with.
    pub inode: Option<InodeRef>,
    pub offset: usize,
    /// `O_*` status flags given to `open`.
    pub flags: u32,
    /// Linux's `f_version`: for a FIFO opened to read without blocking
    /// while no writer existed, the pipe's write-open count then, so that
    /// `poll` reports no hang-up before a writer has come and gone.
    pub version: usize,
    /// Where it was opened (`f_path`): `None` for pipes and for files
    /// whose place is unknown.
    pub path: Option<PathRef>,
    /// A procfs file's text, made when it was read from offset 0 (Linux's
    /// `seq_file` in `private_data`, `fs/proc.rs`).
    pub seq: Option<Vec<u8>>,
}

impl OpenFile {
    /// A new open file description, behind the `Arc` descriptors share.
    pub fn new(kind: FileKind, inode: Option<InodeRef>, flags: u32) -> FileRef {
        Arc::new(Mutex::new(OpenFile {
            kind,
            inode,
            offset: 0,
            flags,
            version: 0,
            path: None,
            seq: None,
        }))
    }
}

impl Drop for OpenFile {
    /// The last descriptor of this open file went away: a pipe end closes.
    fn drop(&mut self) {
        // Its flock and OFD locks go with it (`locks_remove_file`).
        if let Some(inode) = &self.inode {
            super::locks::close_file(inode, self as *const OpenFile as usize);
        }
        if let FileKind::Pipe { id, write } = self.kind {
            super::pipe::close_end(id, write);
            // A FIFO opened O_RDWR counted as a reader and a writer.
            if self.flags & abi::fcntl::O_ACCMODE == abi::fcntl::O_RDWR {
                super::pipe::close_end(id, !write);
            }
        }
    }
}

pub type FileRef = Arc<Mutex<OpenFile>>;

/// The highest `RLIMIT_NOFILE` a process may set (Linux's `fs.nr_open`,
/// 1048576 there; lower here, where the kernel heap is small).
pub const NR_OPEN_MAX: usize = 65536;

/// One descriptor slot: free, reserved by [`FdTable::alloc_fd`] for a file
/// still being set up, or holding an open file.
#[derive(Clone)]
enum Slot {
    Reserved,
    Used { file: FileRef, cloexec: bool },
}

/// A process's descriptor table.
///
/// Nothing here ever drops a file: a file's last reference may close a pipe
/// end, which wakes sleepers through the scheduler, so it must go away
/// outside `with_current`. Installing a new file is therefore two steps, as
/// in Linux's `get_unused_fd_flags` + `fd_install`: reserve a number (which
/// can fail, with no file in hand), then install into it (which cannot).
/// Methods that remove descriptors hand the removed files back.
#[derive(Default)]
pub struct FdTable {
    fds: Vec<Option<Slot>>,
}

impl FdTable {
    /// A copy for `fork` (Linux's `dup_fd`): the same open files, shared,
    /// or `NoMemory` with nothing copied. Drops no file when it fails.
    pub fn try_clone(&self) -> Result<Self, crate::mm::heap::NoMemory> {
        let mut fds = crate::mm::heap::try_vec(self.fds.len())?;
        fds.extend(self.fds.iter().cloned());
        Ok(Self { fds })
    }

    /// fds 0, 1, 2 on the console (for init): `/dev/console` if the tree
    /// has it, as Linux's `console_on_rootfs` opens it.
    pub fn with_console() -> Self {
        let (node, path) = match super::namei::lookup_at_path(
            crate::syscall::args::DirFd(abi::fcntl::AT_FDCWD),
            b"/dev/console",
            true,
        ) {
            Ok((node, path)) => (Some(node), path),
            Err(_) => (None, None),
        };
        let console = OpenFile::new(FileKind::Device(Device::Console), node, abi::fcntl::O_RDWR);
        console.lock().path = path;
        let e = Slot::Used {
            file: console,
            cloexec: false,
        };
        Self {
            fds: alloc::vec![Some(e.clone()), Some(e.clone()), Some(e)],
        }
    }

    fn entry(&self, fd: i32) -> Option<(&FileRef, bool)> {
        match usize::try_from(fd).ok().and_then(|i| self.fds.get(i))? {
            Some(Slot::Used { file, cloexec }) => Some((file, *cloexec)),
            _ => None,
        }
    }

    /// The file behind `fd`, or `-EBADF` (a reserved number is not open
    /// yet).
    pub fn get(&self, fd: i32) -> Result<FileRef, Errno> {
        self.entry(fd).map(|(f, _)| f.clone()).ok_or(EBADF)
    }

    /// Reserve the lowest free descriptor `>= min` and below `limit` (the
    /// process's `RLIMIT_NOFILE`): `-EMFILE` if there is none (Linux's
    /// `alloc_fd`). Install into it with [`fd_install`](Self::fd_install),
    /// or give it back with [`put_unused_fd`](Self::put_unused_fd).
    pub fn alloc_fd(&mut self, min: usize, limit: usize) -> Result<i32, Errno> {
        let limit = limit.min(NR_OPEN_MAX);
        let slot = (min..limit)
            .find(|&i| self.fds.get(i).is_none_or(|e| e.is_none()))
            .ok_or(EMFILE)?;
        self.grow_to(slot + 1)?;
        self.fds[slot] = Some(Slot::Reserved);
        Ok(slot as i32)
    }

    /// Room for `len` descriptors: the table grows at a user's request, so
    /// running out of heap is `ENOMEM` (Linux's `expand_files`), never a
    /// panic.
    fn grow_to(&mut self, len: usize) -> Result<(), Errno> {
        if self.fds.len() < len {
            let more = len - self.fds.len();
            crate::mm::heap::for_user(|| self.fds.try_reserve(more))
                .map_err(|_| abi::errno::ENOMEM)?;
            self.fds.resize(len, None);
        }
        Ok(())
    }

    /// Put `file` into the descriptor [`alloc_fd`](Self::alloc_fd)
    /// reserved (Linux's `fd_install`).
    pub fn fd_install(&mut self, fd: i32, file: FileRef, cloexec: bool) {
        let slot = &mut self.fds[fd as usize];
        debug_assert!(
            matches!(slot, Some(Slot::Reserved)),
            "fd {fd} was not reserved"
        );
        *slot = Some(Slot::Used { file, cloexec });
    }

    /// Release a reserved descriptor that will not be used after all.
    pub fn put_unused_fd(&mut self, fd: i32) {
        if let Some(slot) = self.fds.get_mut(fd as usize)
            && matches!(slot, Some(Slot::Reserved))
        {
            *slot = None;
        }
    }

    /// Put `file` at exactly `fd`, as `dup2` does; returns what was there
    /// (`-EBADF` past `limit`, the process's `RLIMIT_NOFILE`).
    #[must_use = "drop the old file outside with_current"]
    pub fn install_at(
        &mut self,
        fd: usize,
        file: FileRef,
        cloexec: bool,
        limit: usize,
    ) -> Result<Option<FileRef>, (Errno, FileRef)> {
        if fd >= limit.min(NR_OPEN_MAX) {
            return Err((EBADF, file));
        }
        if let Err(e) = self.grow_to(fd + 1) {
            return Err((e, file));
        }
        // Linux's dup2 onto a number another thread reserved is -EBUSY.
        if matches!(self.fds[fd], Some(Slot::Reserved)) {
            return Err((abi::errno::EBUSY, file));
        }
        Ok(match self.fds[fd].replace(Slot::Used { file, cloexec }) {
            Some(Slot::Used { file, .. }) => Some(file),
            _ => None,
        })
    }

    /// Close `fd`; returns the file.
    #[must_use = "drop the file outside with_current"]
    pub fn close(&mut self, fd: i32) -> Result<FileRef, Errno> {
        self.entry(fd).ok_or(EBADF)?;
        match self.fds[fd as usize].take() {
            Some(Slot::Used { file, .. }) => Ok(file),
            _ => Err(EBADF),
        }
    }

    /// `FD_CLOEXEC` of `fd`.
    pub fn cloexec(&self, fd: i32) -> Result<bool, Errno> {
        self.entry(fd).map(|(_, c)| c).ok_or(EBADF)
    }

    pub fn set_cloexec(&mut self, fd: i32, on: bool) -> Result<(), Errno> {
        self.entry(fd).ok_or(EBADF)?;
        if let Some(Slot::Used { cloexec, .. }) = self.fds[fd as usize].as_mut() {
            *cloexec = on;
        }
        Ok(())
    }

    /// Every open descriptor, in order: its number, file and
    /// `FD_CLOEXEC` (for `/proc/<pid>/fd`).
    pub fn iter(&self) -> impl Iterator<Item = (i32, &FileRef, bool)> {
        self.fds.iter().enumerate().filter_map(|(i, s)| match s {
            Some(Slot::Used { file, cloexec }) => Some((i as i32, file, *cloexec)),
            _ => None,
        })
    }

    /// The size of the table as Linux's `max_fds` would be
    /// (`/proc/<pid>/status`'s `FDSize`): 32 slots (`NR_OPEN_DEFAULT`, a
    /// long's bits on i386) until more are used, then a power of two of at
    /// least 256 (`expand_fdtable`).
    pub fn max_fds(&self) -> usize {
        let used = self.fds.len();
        if used <= 32 {
            32
        } else {
            used.next_power_of_two().max(256)
        }
    }

    /// How many descriptors are open (for `/proc` and the leak tests).
    pub fn count(&self) -> usize {
        self.fds
            .iter()
            .filter(|s| matches!(s, Some(Slot::Used { .. })))
            .count()
    }

    /// Close everything; returns the files.
    #[must_use = "drop the files outside with_current"]
    pub fn close_all(&mut self) -> Vec<FileRef> {
        self.fds
            .drain(..)
            .filter_map(|s| match s {
                Some(Slot::Used { file, .. }) => Some(file),
                _ => None,
            })
            .collect()
    }

    /// Close the descriptors marked close-on-exec; returns the files.
    #[must_use = "drop the files outside with_current"]
    pub fn close_on_exec(&mut self) -> Vec<FileRef> {
        let mut out = Vec::new();
        for s in self.fds.iter_mut() {
            if matches!(s, Some(Slot::Used { cloexec: true, .. }))
                && let Some(Slot::Used { file, .. }) = s.take()
            {
                out.push(file);
            }
        }
        out
    }
}

/// Give `file` the lowest free descriptor `>= min` in the current process
/// (within its `RLIMIT_NOFILE`). On `-EMFILE` the file is dropped here,
/// outside any borrow, so a last reference may close what it must.
pub fn install_new(file: FileRef, cloexec: bool, min: usize) -> Result<i32, Errno> {
    let fd = crate::proc::with_current(|t| {
        let limit = t.nofile_limit();
        t.files.alloc_fd(min, limit)
    })?;
    crate::proc::with_current(|t| t.files.fd_install(fd, file, cloexec));
    Ok(fd)
}

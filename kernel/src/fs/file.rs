//! Open files and per-process descriptor tables.
//!
//! An open file (Linux's `struct file`) is shared between descriptors after
//! `dup` and between processes after `fork`, so it lives behind an `Arc`;
//! its offset is shared too, as on Linux.

use super::ramfs::{self, Device, Ino, NodeKind};
use abi::errno::Errno;
use abi::errno::{EBADF, EISDIR, EMFILE};
use alloc::sync::Arc;
use alloc::vec::Vec;
use spin::Mutex;

/// What an open file refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Device(Device),
    Regular(Ino),
    Dir(Ino),
    /// One end of a pipe (`fs/pipe.rs`).
    Pipe {
        id: u32,
        write: bool,
    },
}

/// An open file description.
#[derive(Debug)]
pub struct OpenFile {
    pub kind: FileKind,
    pub offset: usize,
    /// `O_*` status flags given to `open`.
    pub flags: u32,
}

impl Drop for OpenFile {
    /// The last descriptor of this open file went away: a pipe end closes.
    fn drop(&mut self) {
        if let FileKind::Pipe { id, write } = self.kind {
            super::pipe::close_end(id, write);
        }
    }
}

pub type FileRef = Arc<Mutex<OpenFile>>;

/// Most descriptors a process may have open (Linux's default `ulimit -n`).
pub const NR_OPEN: usize = 1024;

#[derive(Clone)]
struct FdEntry {
    file: FileRef,
    cloexec: bool,
}

/// A process's descriptor table.
///
/// Methods that remove descriptors hand the removed files back instead of
/// dropping them: the last drop of a pipe end wakes sleepers through the
/// scheduler, so callers drop them after releasing the current task
/// (`with_current`), never inside it.
#[derive(Clone, Default)]
pub struct FdTable {
    fds: Vec<Option<FdEntry>>,
}

impl FdTable {
    /// fds 0, 1, 2 on the console (for init).
    pub fn with_console() -> Self {
        let console = Arc::new(Mutex::new(OpenFile {
            kind: FileKind::Device(Device::Console),
            offset: 0,
            flags: abi::fcntl::O_RDWR,
        }));
        let e = FdEntry {
            file: console,
            cloexec: false,
        };
        Self {
            fds: alloc::vec![Some(e.clone()), Some(e.clone()), Some(e)],
        }
    }

    /// The file behind `fd`, or `-EBADF`.
    pub fn get(&self, fd: i32) -> Result<FileRef, Errno> {
        usize::try_from(fd)
            .ok()
            .and_then(|i| self.fds.get(i))
            .and_then(|e| e.as_ref())
            .map(|e| e.file.clone())
            .ok_or(EBADF)
    }

    /// Install `file` at the lowest free descriptor `>= min`.
    pub fn install(&mut self, file: FileRef, cloexec: bool, min: usize) -> Result<i32, Errno> {
        let slot = (min..NR_OPEN)
            .find(|&i| self.fds.get(i).is_none_or(|e| e.is_none()))
            .ok_or(EMFILE)?;
        if self.fds.len() <= slot {
            self.fds.resize(slot + 1, None);
        }
        self.fds[slot] = Some(FdEntry { file, cloexec });
        Ok(slot as i32)
    }

    /// Put `file` at exactly `fd`, as `dup2` does; returns what was there.
    #[must_use = "drop the old file outside with_current"]
    pub fn install_at(
        &mut self,
        fd: usize,
        file: FileRef,
        cloexec: bool,
    ) -> Result<Option<FileRef>, Errno> {
        if fd >= NR_OPEN {
            return Err(EBADF);
        }
        if self.fds.len() <= fd {
            self.fds.resize(fd + 1, None);
        }
        Ok(self.fds[fd]
            .replace(FdEntry { file, cloexec })
            .map(|e| e.file))
    }

    /// Close `fd`; returns the file.
    #[must_use = "drop the file outside with_current"]
    pub fn close(&mut self, fd: i32) -> Result<FileRef, Errno> {
        let i = usize::try_from(fd).map_err(|_| EBADF)?;
        self.fds
            .get_mut(i)
            .and_then(|e| e.take())
            .map(|e| e.file)
            .ok_or(EBADF)
    }

    /// `FD_CLOEXEC` of `fd`.
    pub fn cloexec(&self, fd: i32) -> Result<bool, Errno> {
        self.get(fd)?;
        Ok(self.fds[fd as usize].as_ref().is_some_and(|e| e.cloexec))
    }

    pub fn set_cloexec(&mut self, fd: i32, on: bool) -> Result<(), Errno> {
        self.get(fd)?;
        if let Some(e) = self.fds[fd as usize].as_mut() {
            e.cloexec = on;
        }
        Ok(())
    }

    /// Close everything; returns the files.
    #[must_use = "drop the files outside with_current"]
    pub fn close_all(&mut self) -> Vec<FileRef> {
        self.fds.drain(..).flatten().map(|e| e.file).collect()
    }

    /// Close the descriptors marked close-on-exec; returns the files.
    #[must_use = "drop the files outside with_current"]
    pub fn close_on_exec(&mut self) -> Vec<FileRef> {
        self.fds
            .iter_mut()
            .filter(|e| e.as_ref().is_some_and(|e| e.cloexec))
            .filter_map(|e| e.take())
            .map(|e| e.file)
            .collect()
    }
}

/// Open the node at `path`.
pub fn open(path: &[u8], cwd: &[u8], flags: u32) -> Result<FileRef, Errno> {
    let fs = ramfs::root();
    let cwd_ino = fs.lookup(cwd, fs.root_ino(), true)?;
    let follow = flags & abi::fcntl::O_NOFOLLOW == 0;
    let ino = fs.lookup(path, cwd_ino, follow)?;
    let kind = match &fs.node(ino).kind {
        NodeKind::Dir(_) => FileKind::Dir(ino),
        NodeKind::File => FileKind::Regular(ino),
        NodeKind::Device(d) => FileKind::Device(*d),
        NodeKind::Symlink => return Err(abi::errno::ELOOP),
    };
    Ok(Arc::new(Mutex::new(OpenFile {
        kind,
        offset: 0,
        flags,
    })))
}

/// The contents of a regular file (for `execve`).
pub fn read_whole_file(path: &[u8], cwd: &[u8]) -> Result<&'static [u8], Errno> {
    let fs = ramfs::root();
    let cwd_ino = fs.lookup(cwd, fs.root_ino(), true)?;
    let ino = fs.lookup(path, cwd_ino, true)?;
    match fs.node(ino).kind {
        NodeKind::File => Ok(fs.node(ino).data),
        NodeKind::Dir(_) => Err(EISDIR),
        _ => Err(abi::errno::EACCES),
    }
}

/// Does `path` exist?
pub fn exists(path: &[u8]) -> Result<(), Errno> {
    let fs = ramfs::root();
    fs.lookup(path, fs.root_ino(), true).map(|_| ())
}

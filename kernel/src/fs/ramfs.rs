//! The root file tree: a read-only, in-memory tree unpacked from the initramfs.
//!
//! At boot `main.rs` hands the initrd to [`Ramfs::from_cpio`] (the archive is
//! split by `fs::cpio`) and installs the result with [`set_root`]; the
//! system calls then resolve paths with [`Ramfs::lookup`] on [`root`]. Nodes
//! live in one `Vec` indexed by inode number ([`Ino`]), `/` being 0. File
//! contents and symlink targets are not copied: they borrow the archive,
//! which stays in memory for the life of the kernel.
//!
//! The tree is built the way Linux's `init/initramfs.c` unpacks an archive
//! into its rootfs: entries are applied in order and a later entry for a path
//! replaces an earlier one; a directory entry for an existing directory only
//! updates its mode. Unlike Linux, missing parent directories are created
//! (mode 0755), so an archive need not list every directory. Path lookup
//! follows `path_resolution(7)`: symlinks are followed in every component
//! (and in the last if asked), at most 40 of them (`MAXSYMLINKS`, `ELOOP`),
//! `..` of `/` is `/`, and a trailing slash requires a directory.

use crate::fs::cpio::{self, CpioError, Entry};
use abi::errno::Errno;
use abi::errno::{ELOOP, ENAMETOOLONG, ENOENT, ENOTDIR};
use abi::stat::{S_IFCHR, S_IFDIR, S_IFLNK, S_IFMT, S_IFREG};
use alloc::collections::BTreeMap;
use alloc::string::String;
use alloc::vec::Vec;

/// An inode number: the index of a node in the tree.
pub type Ino = usize;

/// `/`.
const ROOT: Ino = 0;
/// Longest path, NUL included (`PATH_MAX`, include/uapi/linux/limits.h).
const PATH_MAX: usize = 4096;
/// Longest file-name component (`NAME_MAX`).
const NAME_MAX: usize = 255;
/// Most symlinks followed in one lookup (`MAXSYMLINKS`, include/linux/namei.h).
const MAXSYMLINKS: u32 = 40;
/// Mode of directories the archive did not list.
const IMPLICIT_DIR_MODE: u32 = S_IFDIR | 0o755;

/// The character devices the kernel implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// The serial console (`/dev/console`, `/dev/tty`, `/dev/ttyN`).
    Console,
    /// `/dev/null`: reads see end of file, writes are discarded.
    Null,
    /// `/dev/zero`: reads give zeros, writes are discarded.
    Zero,
}

impl Device {
    /// The device a node with these numbers refers to
    /// (Documentation/admin-guide/devices.txt): 5,1 is `/dev/console`, 5,0
    /// `/dev/tty`, major 4 the virtual consoles `/dev/ttyN`; 1,3 is
    /// `/dev/null` and 1,5 `/dev/zero`.
    fn from_numbers(major: u32, minor: u32) -> Option<Device> {
        match (major, minor) {
            (5, 0) | (5, 1) | (4, _) => Some(Device::Console),
            (1, 3) => Some(Device::Null),
            (1, 5) => Some(Device::Zero),
            _ => None,
        }
    }
}

/// What a node is.
#[derive(Debug)]
pub enum NodeKind {
    /// A directory: its entries by name (without `.` and `..`).
    Dir(BTreeMap<String, Ino>),
    /// A regular file; the contents are [`Inode::data`].
    File,
    /// A symbolic link; the target is [`Inode::data`].
    Symlink,
    /// A character device node.
    Device(Device),
}

/// One node of the tree.
#[derive(Debug)]
pub struct Inode {
    /// This node's number.
    pub ino: Ino,
    /// The full `st_mode`, file-type bits included.
    pub mode: u32,
    /// Modification time, seconds since the epoch.
    pub mtime: u32,
    /// The directory holding this node (`/` for `/`). For a hard-linked
    /// file, the directory of its first name.
    pub parent: Ino,
    /// What the node is.
    pub kind: NodeKind,
    /// File contents or symlink target; empty for directories and devices.
    pub data: &'static [u8],
}

impl Inode {
    /// Whether this node is a directory.
    pub fn is_dir(&self) -> bool {
        matches!(self.kind, NodeKind::Dir(_))
    }
}

/// The read-only tree.
#[derive(Debug)]
pub struct Ramfs {
    /// All nodes, indexed by inode number; `nodes[0]` is `/`.
    nodes: Vec<Inode>,
}

impl Ramfs {
    /// A tree with nothing but `/` and the `/dev` nodes.
    pub fn empty() -> Ramfs {
        let mut fs = Ramfs::bare();
        fs.add_dev_nodes();
        fs
    }

    /// Unpack a newc archive (see `fs::cpio`) into a tree, then add the
    /// `/dev` nodes the archive lacks. Entries Linux would refuse or that
    /// this kernel cannot represent (FIFOs, sockets, block devices, unknown
    /// character devices, names with a `..` component or too long, a file
    /// under a non-directory) are skipped, as Linux skips entries it cannot
    /// create.
    pub fn from_cpio(archive: &'static [u8]) -> Result<Ramfs, CpioError> {
        let entries = cpio::parse(archive)?;
        let mut fs = Ramfs::bare();
        // The node each entry became, for hard links to find their file.
        let mut made: Vec<Option<Ino>> = Vec::with_capacity(entries.len());
        for e in &entries {
            let ino = fs.add_entry(e, &made);
            made.push(ino);
            // If the first name of a hard-linked file was skipped, the next
            // one that is created stands in for it.
            if let (Some(first), Some(ino)) = (e.hardlink_of, ino)
                && made[first].is_none()
            {
                made[first] = Some(ino);
            }
        }
        fs.add_dev_nodes();
        Ok(fs)
    }

    /// The root directory's inode number (0).
    pub fn root_ino(&self) -> Ino {
        ROOT
    }

    /// The node `ino`, which must come from this tree.
    pub fn node(&self, ino: Ino) -> &Inode {
        &self.nodes[ino]
    }

    /// Resolve `path` (absolute, or relative to directory `cwd`), following
    /// symlinks in every component and, if `follow_last`, in the last one
    /// too (at most 40 symlinks: `ELOOP`).
    ///
    /// Errors: `ENOENT` (missing, an empty path, or an empty symlink target),
    /// `ENOTDIR` (a non-directory used as a directory, or a trailing slash
    /// after a file), `ENAMETOOLONG` (a component over 255 bytes, or a path
    /// of 4096 bytes or more: `PATH_MAX` counts the NUL).
    pub fn lookup(&self, path: &[u8], cwd: Ino, follow_last: bool) -> Result<Ino, Errno> {
        if path.len() >= PATH_MAX {
            return Err(ENAMETOOLONG);
        }
        if path.is_empty() {
            return Err(ENOENT);
        }
        let mut links = 0;
        self.walk(path, cwd, follow_last, &mut links)
    }

    /// The absolute path of a directory (for `getcwd`), e.g. `/usr/bin`.
    pub fn path_of(&self, ino: Ino) -> String {
        let mut names: Vec<&str> = Vec::new();
        let mut cur = ino;
        // Bounded, so a corrupt parent chain cannot loop forever.
        for _ in 0..self.nodes.len() {
            if cur == ROOT {
                break;
            }
            let parent = self.nodes[cur].parent;
            if let NodeKind::Dir(children) = &self.nodes[parent].kind
                && let Some((name, _)) = children.iter().find(|&(_, &c)| c == cur)
            {
                names.push(name);
            }
            cur = parent;
        }
        if names.is_empty() {
            return String::from("/");
        }
        let mut path = String::new();
        for name in names.iter().rev() {
            path.push('/');
            path.push_str(name);
        }
        path
    }

    /// Resolve `path` from `start`, counting followed symlinks in `links`.
    /// A symlink's target is resolved recursively from the directory holding
    /// the link; the recursion is at most [`MAXSYMLINKS`] deep.
    fn walk(
        &self,
        path: &[u8],
        start: Ino,
        follow_last: bool,
        links: &mut u32,
    ) -> Result<Ino, Errno> {
        let mut cur = if path.first() == Some(&b'/') {
            ROOT
        } else {
            start
        };
        // path_resolution(7): a trailing slash makes the last component a
        // directory lookup, which follows a final symlink.
        let trailing_slash = path.last() == Some(&b'/');
        let mut components = path
            .split(|&b| b == b'/')
            .filter(|c| !c.is_empty())
            .peekable();
        while let Some(name) = components.next() {
            let last = components.peek().is_none();
            if name.len() > NAME_MAX {
                return Err(ENAMETOOLONG);
            }
            let NodeKind::Dir(children) = &self.nodes[cur].kind else {
                return Err(ENOTDIR);
            };
            let next = match name {
                b"." => cur,
                b".." => self.nodes[cur].parent,
                _ => {
                    // Every name in the tree is UTF-8 (fs::cpio insists).
                    let name = core::str::from_utf8(name).map_err(|_| ENOENT)?;
                    *children.get(name).ok_or(ENOENT)?
                }
            };
            let node = &self.nodes[next];
            if matches!(node.kind, NodeKind::Symlink) && (!last || follow_last || trailing_slash) {
                if *links >= MAXSYMLINKS {
                    return Err(ELOOP);
                }
                *links += 1;
                // Linux: an empty symlink target resolves to nothing.
                if node.data.is_empty() {
                    return Err(ENOENT);
                }
                cur = self.walk(node.data, cur, true, links)?;
            } else {
                cur = next;
            }
        }
        if trailing_slash && !self.nodes[cur].is_dir() {
            return Err(ENOTDIR);
        }
        Ok(cur)
    }

    /// Just `/`, mode 0755.
    fn bare() -> Ramfs {
        Ramfs {
            nodes: alloc::vec![Inode {
                ino: ROOT,
                mode: IMPLICIT_DIR_MODE,
                mtime: 0,
                parent: ROOT,
                kind: NodeKind::Dir(BTreeMap::new()),
                data: &[],
            }],
        }
    }

    /// Append a node (not yet named in any directory).
    fn alloc(
        &mut self,
        parent: Ino,
        mode: u32,
        mtime: u32,
        kind: NodeKind,
        data: &'static [u8],
    ) -> Ino {
        let ino = self.nodes.len();
        self.nodes.push(Inode {
            ino,
            mode,
            mtime,
            parent,
            kind,
            data,
        });
        ino
    }

    /// The entry `name` of directory `dir`, if any.
    fn child(&self, dir: Ino, name: &str) -> Option<Ino> {
        match &self.nodes[dir].kind {
            NodeKind::Dir(children) => children.get(name).copied(),
            _ => None,
        }
    }

    /// Make `name` in directory `dir` refer to `ino` (replacing what was
    /// there).
    fn set_child(&mut self, dir: Ino, name: &str, ino: Ino) {
        if let NodeKind::Dir(children) = &mut self.nodes[dir].kind {
            children.insert(String::from(name), ino);
        }
    }

    /// Whether `ino` is a directory with entries (which Linux's `rmdir` in
    /// `clean_path()` would refuse to remove, so nothing replaces it).
    fn is_nonempty_dir(&self, ino: Ino) -> bool {
        matches!(&self.nodes[ino].kind, NodeKind::Dir(c) if !c.is_empty())
    }

    /// Apply archive entry `e`; `made` holds the nodes of the entries before
    /// it. Returns the node it became, or `None` if it was skipped.
    fn add_entry(&mut self, e: &Entry<'static>, made: &[Option<Ino>]) -> Option<Ino> {
        if e.name.len() >= PATH_MAX {
            return None;
        }
        // `./bin/sh`, `/bin/sh` and `bin/sh` are all /bin/sh; `.` (the
        // archive root, which `find . | cpio` writes first) names `/`,
        // which already exists.
        let mut components: Vec<&str> = e
            .name
            .split('/')
            .filter(|c| !c.is_empty() && *c != ".")
            .collect();
        if components.iter().any(|c| *c == ".." || c.len() > NAME_MAX) {
            return None;
        }
        let name = components.pop()?;

        // The parent: walk down, creating missing directories and following
        // symlinks to directories (as Linux's path lookup would).
        let mut dir = ROOT;
        for c in components {
            dir = match self.child(dir, c) {
                None => {
                    let d = self.alloc(
                        dir,
                        IMPLICIT_DIR_MODE,
                        0,
                        NodeKind::Dir(BTreeMap::new()),
                        &[],
                    );
                    self.set_child(dir, c, d);
                    d
                }
                Some(d) if self.nodes[d].is_dir() => d,
                Some(link) if matches!(self.nodes[link].kind, NodeKind::Symlink) => {
                    let target = self.lookup(c.as_bytes(), dir, true).ok()?;
                    if !self.nodes[target].is_dir() {
                        return None;
                    }
                    target
                }
                Some(_) => return None,
            };
        }

        let existing = self.child(dir, name);
        let kind = match e.mode & S_IFMT {
            S_IFDIR => {
                if let Some(d) = existing
                    && self.nodes[d].is_dir()
                {
                    // Linux: mkdir fails with EEXIST, then chmod applies.
                    self.nodes[d].mode = e.mode;
                    self.nodes[d].mtime = e.mtime;
                    return Some(d);
                }
                NodeKind::Dir(BTreeMap::new())
            }
            S_IFREG => NodeKind::File,
            S_IFLNK => NodeKind::Symlink,
            S_IFCHR => NodeKind::Device(Device::from_numbers(e.rdevmajor, e.rdevminor)?),
            // FIFOs, sockets and block devices: nothing here could use them.
            _ => return None,
        };
        let data = match kind {
            NodeKind::File | NodeKind::Symlink => e.data,
            _ => &[],
        };

        // A hard link to an earlier file of the same type: name the same
        // node; data, if present, overwrites the file's (buffer-format.rst).
        if let Some(first) = e.hardlink_of
            && let Some(Some(ino)) = made.get(first).copied()
            && self.nodes[ino].mode & S_IFMT == e.mode & S_IFMT
            && existing.is_none_or(|x| x == ino || !self.is_nonempty_dir(x))
        {
            let node = &mut self.nodes[ino];
            node.mode = e.mode;
            node.mtime = e.mtime;
            if !data.is_empty() {
                node.data = data;
            }
            self.set_child(dir, name, ino);
            return Some(ino);
        }

        if existing.is_some_and(|x| self.is_nonempty_dir(x)) {
            return None;
        }
        let ino = self.alloc(dir, e.mode, e.mtime, kind, data);
        self.set_child(dir, name, ino);
        Some(ino)
    }

    /// Make sure `/dev` holds `console`, `tty`, `null` and `zero`, keeping
    /// any the archive provided. A `/dev` that is a symlink to a directory is
    /// followed; one that is not a directory at all is left alone.
    fn add_dev_nodes(&mut self) {
        let dev = match self.lookup(b"/dev", ROOT, true) {
            Ok(d) if self.nodes[d].is_dir() => d,
            Ok(_) => return,
            Err(_) => {
                if self.child(ROOT, "dev").is_some() {
                    // A dangling or looping /dev symlink: leave it.
                    return;
                }
                let d = self.alloc(
                    ROOT,
                    IMPLICIT_DIR_MODE,
                    0,
                    NodeKind::Dir(BTreeMap::new()),
                    &[],
                );
                self.set_child(ROOT, "dev", d);
                d
            }
        };
        let nodes = [
            ("console", 0o620, Device::Console),
            ("tty", 0o620, Device::Console),
            ("null", 0o666, Device::Null),
            ("zero", 0o666, Device::Zero),
        ];
        for (name, perm, device) in nodes {
            if self.child(dev, name).is_none() {
                let ino = self.alloc(dev, S_IFCHR | perm, 0, NodeKind::Device(device), &[]);
                self.set_child(dev, name, ino);
            }
        }
    }
}

/// The tree installed at boot.
static ROOT_FS: spin::Once<Ramfs> = spin::Once::new();
/// What [`root`] gives before [`set_root`] (or if it never runs).
static EMPTY_FS: spin::Once<Ramfs> = spin::Once::new();

/// The global tree: the one given to [`set_root`], or [`Ramfs::empty`] if
/// none has been set yet.
pub fn root() -> &'static Ramfs {
    ROOT_FS
        .get()
        .unwrap_or_else(|| EMPTY_FS.call_once(Ramfs::empty))
}

/// Install the global tree. Meant to run once, at boot; later calls are
/// ignored with a warning.
pub fn set_root(fs: Ramfs) {
    let mut installed = false;
    ROOT_FS.call_once(|| {
        installed = true;
        fs
    });
    if !installed {
        log::warn!("ramfs: the root tree is already set; ignoring a second one");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::cpio::build::{self, Hdr};
    use abi::stat::{S_IFBLK, S_IFIFO};
    use alloc::vec;

    /// Build a tree from an archive made at run time (leaked to be `'static`,
    /// as the boot archive is).
    fn tree(a: Vec<u8>) -> Ramfs {
        Ramfs::from_cpio(a.leak()).unwrap()
    }

    /// Resolve an absolute path, following every symlink.
    fn get(fs: &Ramfs, path: &str) -> Result<Ino, Errno> {
        fs.lookup(path.as_bytes(), fs.root_ino(), true)
    }

    /// A small system: implicit directories, files, relative, absolute and
    /// looping symlinks.
    fn sample() -> Ramfs {
        let mut a = Vec::new();
        build::dir(&mut a, ".", 0o755);
        build::file(&mut a, "./init", b"#!init");
        build::file(&mut a, "usr/bin/prog", b"PROG");
        build::file(&mut a, "usr/lib/libc.so", b"LIBC");
        build::file(&mut a, "/bin/busybox", b"BB");
        build::symlink(&mut a, "bin/sh", "busybox");
        build::symlink(&mut a, "lib", "/usr/lib");
        build::symlink(&mut a, "usr/bin/up", "../lib");
        build::symlink(&mut a, "loop/a", "b");
        build::symlink(&mut a, "loop/b", "a");
        build::symlink(&mut a, "loop/self", "self");
        build::symlink(&mut a, "loop/dangling", "/nowhere");
        build::symlink(&mut a, "loop/empty", "");
        // Listed after its contents: the later entry sets the mode.
        build::file(&mut a, "etc/passwd", b"root:x:0:0::/:/bin/sh\n");
        build::dir(&mut a, "etc", 0o700);
        build::trailer(&mut a);
        tree(a)
    }

    #[test_case]
    fn files_and_implicit_directories() {
        let fs = sample();
        assert_eq!(fs.root_ino(), 0);
        assert_eq!(fs.node(0).mode, S_IFDIR | 0o755);
        let init = get(&fs, "/init").unwrap();
        assert!(matches!(fs.node(init).kind, NodeKind::File));
        assert_eq!(fs.node(init).data, b"#!init");
        assert_eq!(fs.node(init).mode, S_IFREG | 0o644);
        assert_eq!(fs.node(init).parent, 0);
        let usr = get(&fs, "/usr").unwrap();
        assert_eq!(fs.node(usr).mode, S_IFDIR | 0o755);
        let prog = get(&fs, "/usr/bin/prog").unwrap();
        assert_eq!(fs.node(prog).data, b"PROG");
        assert_eq!(fs.node(fs.node(prog).parent).parent, usr);
        assert_eq!(fs.node(prog).ino, prog);
        assert_eq!(fs.node(get(&fs, "/etc").unwrap()).mode, S_IFDIR | 0o700);
        assert_eq!(fs.node(get(&fs, "/etc/passwd").unwrap()).data.len(), 22);
        // "/bin/busybox" (absolute name) landed in /bin, next to bin/sh.
        assert!(get(&fs, "/bin/busybox").is_ok());
        // Repeated and trailing slashes, "." components.
        assert_eq!(get(&fs, "//usr///bin/./prog"), Ok(prog));
        assert_eq!(get(&fs, "/usr/bin/"), Ok(fs.node(prog).parent));
        // Relative to a working directory.
        assert_eq!(fs.lookup(b"bin/prog", usr, true), Ok(prog));
        assert_eq!(fs.lookup(b".", usr, true), Ok(usr));
    }

    #[test_case]
    fn symlinks_are_followed() {
        let fs = sample();
        let bb = get(&fs, "/bin/busybox").unwrap();
        let libc = get(&fs, "/usr/lib/libc.so").unwrap();
        // Relative target, resolved from the link's directory.
        assert_eq!(get(&fs, "/bin/sh"), Ok(bb));
        // Not following the last component gives the link itself.
        let sh = fs.lookup(b"/bin/sh", 0, false).unwrap();
        assert!(matches!(fs.node(sh).kind, NodeKind::Symlink));
        assert_eq!(fs.node(sh).data, b"busybox");
        assert_eq!(fs.node(sh).mode & S_IFMT, S_IFLNK);
        // Absolute target in the middle of a path, with follow_last off.
        assert_eq!(fs.lookup(b"/lib/libc.so", 0, false), Ok(libc));
        // A relative target with "..", followed by another link.
        assert_eq!(get(&fs, "/usr/bin/up/libc.so"), Ok(libc));
        // A trailing slash follows a final link even without follow_last.
        assert_eq!(fs.lookup(b"/lib/", 0, false), get(&fs, "/usr/lib"));
    }

    #[test_case]
    fn symlink_loops_and_dangling_links() {
        let fs = sample();
        assert_eq!(get(&fs, "/loop/a"), Err(ELOOP));
        assert_eq!(get(&fs, "/loop/self"), Err(ELOOP));
        assert_eq!(get(&fs, "/loop/self/x"), Err(ELOOP));
        assert!(fs.lookup(b"/loop/a", 0, false).is_ok());
        assert_eq!(get(&fs, "/loop/dangling"), Err(ENOENT));
        assert_eq!(get(&fs, "/loop/empty"), Err(ENOENT));
        assert!(fs.lookup(b"/loop/dangling", 0, false).is_ok());

        // Exactly 40 links are followed; the 41st is one too many.
        let mut a = Vec::new();
        build::file(&mut a, "f", b"end");
        build::symlink(&mut a, "l0", "f");
        for i in 1..=40 {
            build::symlink(
                &mut a,
                &alloc::format!("l{i}"),
                &alloc::format!("l{}", i - 1),
            );
        }
        let fs = tree(a);
        let f = get(&fs, "/f").unwrap();
        assert_eq!(get(&fs, "/l39"), Ok(f));
        assert_eq!(get(&fs, "/l40"), Err(ELOOP));
    }

    #[test_case]
    fn dot_dot() {
        let fs = sample();
        let usr = get(&fs, "/usr").unwrap();
        let bin = get(&fs, "/bin").unwrap();
        assert_eq!(get(&fs, "/.."), Ok(0));
        assert_eq!(get(&fs, "/../../.."), Ok(0));
        assert_eq!(get(&fs, "/usr/bin/../.."), Ok(0));
        assert_eq!(get(&fs, "/usr/bin/.."), Ok(usr));
        assert_eq!(fs.lookup(b"../bin", usr, true), Ok(bin));
        assert_eq!(fs.lookup(b"..", 0, true), Ok(0));
        // ".." after a symlinked directory is the target's parent, as on
        // Linux (physical, not textual).
        assert_eq!(get(&fs, "/lib/.."), Ok(usr));
        // ".." of a missing directory is still an error.
        assert_eq!(get(&fs, "/nope/.."), Err(ENOENT));
    }

    #[test_case]
    fn lookup_errors() {
        let fs = sample();
        let init = get(&fs, "/init").unwrap();
        assert_eq!(get(&fs, ""), Err(ENOENT));
        assert_eq!(get(&fs, "/nope"), Err(ENOENT));
        assert_eq!(get(&fs, "/usr/nope/x"), Err(ENOENT));
        assert_eq!(get(&fs, "/init/x"), Err(ENOTDIR));
        assert_eq!(get(&fs, "/init/"), Err(ENOTDIR));
        assert_eq!(get(&fs, "/init/."), Err(ENOTDIR));
        assert_eq!(get(&fs, "/bin/sh/"), Err(ENOTDIR));
        assert_eq!(fs.lookup(b"/bin/sh/", 0, false), Err(ENOTDIR));
        // A relative path from a cwd that is not a directory.
        assert_eq!(fs.lookup(b"x", init, true), Err(ENOTDIR));
        // NAME_MAX and PATH_MAX.
        let long = "a".repeat(256);
        assert_eq!(get(&fs, &alloc::format!("/{long}")), Err(ENAMETOOLONG));
        assert_eq!(get(&fs, &alloc::format!("/{}", &long[1..])), Err(ENOENT));
        let deep = "/.".repeat(2048);
        assert_eq!(get(&fs, &deep), Err(ENAMETOOLONG));
        assert_eq!(get(&fs, &deep[..4094]), Ok(0));
        // Non-UTF-8 names are simply not there.
        assert_eq!(fs.lookup(b"/\xff", 0, true), Err(ENOENT));
    }

    #[test_case]
    fn path_of_directories() {
        let fs = sample();
        assert_eq!(fs.path_of(0), "/");
        let bin = get(&fs, "/usr/bin").unwrap();
        assert_eq!(fs.path_of(bin), "/usr/bin");
        // Reached through a symlink, the path is the real one.
        assert_eq!(fs.path_of(get(&fs, "/lib").unwrap()), "/usr/lib");
        assert_eq!(get(&fs, &fs.path_of(bin)), Ok(bin));
    }

    #[test_case]
    fn dev_nodes_are_always_there() {
        let check = |fs: &Ramfs| {
            for (name, mode, dev) in [
                ("/dev/console", S_IFCHR | 0o620, Device::Console),
                ("/dev/tty", S_IFCHR | 0o620, Device::Console),
                ("/dev/null", S_IFCHR | 0o666, Device::Null),
                ("/dev/zero", S_IFCHR | 0o666, Device::Zero),
            ] {
                let n = fs.node(get(fs, name).unwrap());
                assert_eq!(n.mode, mode);
                assert!(matches!(n.kind, NodeKind::Device(d) if d == dev));
                assert!(n.data.is_empty());
            }
        };
        let empty = Ramfs::empty();
        check(&empty);
        assert_eq!(empty.path_of(get(&empty, "/dev").unwrap()), "/dev");
        check(&sample());
        // The global tree (empty until set) has them too.
        assert!(get(root(), "/dev/null").is_ok());

        // Nodes the archive provides are kept; unknown devices, block
        // devices and FIFOs are skipped.
        let mut a = Vec::new();
        let node = |a: &mut Vec<u8>, name: &str, mode: u32, rdev: (u32, u32)| {
            build::push(
                a,
                Hdr {
                    rdev,
                    ..Hdr::new(mode)
                },
                name.as_bytes(),
                b"",
            );
        };
        node(&mut a, "dev/console", S_IFCHR | 0o600, (5, 1));
        node(&mut a, "dev/tty1", S_IFCHR | 0o620, (4, 1));
        node(&mut a, "dev/null", S_IFCHR | 0o600, (1, 5));
        node(&mut a, "dev/mem", S_IFCHR | 0o600, (1, 1));
        node(&mut a, "dev/sda", S_IFBLK | 0o600, (8, 0));
        node(&mut a, "dev/fifo", S_IFIFO | 0o600, (0, 0));
        let fs = tree(a);
        assert_eq!(
            fs.node(get(&fs, "/dev/console").unwrap()).mode,
            S_IFCHR | 0o600
        );
        assert!(matches!(
            fs.node(get(&fs, "/dev/tty1").unwrap()).kind,
            NodeKind::Device(Device::Console)
        ));
        // Numbers decide the device, not the name.
        assert!(matches!(
            fs.node(get(&fs, "/dev/null").unwrap()).kind,
            NodeKind::Device(Device::Zero)
        ));
        assert!(matches!(
            fs.node(get(&fs, "/dev/tty").unwrap()).kind,
            NodeKind::Device(Device::Console)
        ));
        for gone in ["/dev/mem", "/dev/sda", "/dev/fifo"] {
            assert_eq!(get(&fs, gone), Err(ENOENT));
        }
    }

    #[test_case]
    fn later_entries_win_across_concatenated_archives() {
        let mut a = Vec::new();
        build::file(&mut a, "etc/motd", b"one");
        build::symlink(&mut a, "link", "etc");
        build::file(&mut a, "was_file", b"x");
        build::file(&mut a, "full/inside", b"x");
        build::trailer(&mut a);
        a.resize(a.len() + 512, 0);
        build::file(&mut a, "./etc/motd", b"two");
        build::file(&mut a, "link", b"now a file");
        build::dir(&mut a, "was_file", 0o711);
        build::file(&mut a, "full", b"cannot replace a non-empty directory");
        build::dir(&mut a, "full", 0o750);
        build::trailer(&mut a);
        let fs = tree(a);
        assert_eq!(fs.node(get(&fs, "/etc/motd").unwrap()).data, b"two");
        let link = fs.lookup(b"/link", 0, false).unwrap();
        assert!(matches!(fs.node(link).kind, NodeKind::File));
        assert_eq!(
            fs.node(get(&fs, "/was_file").unwrap()).mode,
            S_IFDIR | 0o711
        );
        let full = get(&fs, "/full").unwrap();
        assert_eq!(fs.node(full).mode, S_IFDIR | 0o750);
        assert!(get(&fs, "/full/inside").is_ok());
    }

    #[test_case]
    fn entries_under_symlinks_and_odd_names() {
        let mut a = Vec::new();
        build::symlink(&mut a, "lib", "usr/lib");
        build::dir(&mut a, "usr/lib", 0o755);
        build::file(&mut a, "lib/libm.so", b"M");
        build::file(&mut a, "notdir", b"");
        build::file(&mut a, "notdir/x", b"skipped");
        build::file(&mut a, "../escape", b"skipped");
        build::file(&mut a, "a/../b", b"skipped");
        build::dir(&mut a, "/", 0o700);
        let fs = tree(a);
        assert_eq!(get(&fs, "/lib/libm.so"), get(&fs, "/usr/lib/libm.so"));
        assert!(get(&fs, "/usr/lib/libm.so").is_ok());
        assert_eq!(get(&fs, "/notdir/x"), Err(ENOTDIR));
        assert_eq!(get(&fs, "/escape"), Err(ENOENT));
        assert_eq!(get(&fs, "/b"), Err(ENOENT));
        assert_eq!(get(&fs, "/a"), Err(ENOENT));
        assert_eq!(fs.node(0).mode, S_IFDIR | 0o755);
    }

    #[test_case]
    fn hard_links_share_one_node() {
        let mut a = Vec::new();
        let h = Hdr {
            ino: 42,
            nlink: 2,
            ..Hdr::new(S_IFREG | 0o755)
        };
        // GNU cpio puts the data on the last name only.
        build::push(&mut a, h, b"bin/true", b"");
        build::push(&mut a, h, b"bin/false", b"shared");
        build::trailer(&mut a);
        // The same tuple in the next archive is a different file.
        build::push(&mut a, h, b"bin/other", b"mine");
        let fs = tree(a);
        let t = get(&fs, "/bin/true").unwrap();
        assert_eq!(get(&fs, "/bin/false"), Ok(t));
        assert_eq!(fs.node(t).data, b"shared");
        let o = get(&fs, "/bin/other").unwrap();
        assert_ne!(o, t);
        assert_eq!(fs.node(o).data, b"mine");
    }

    #[test_case]
    fn hostile_archives_are_errors() {
        assert_eq!(
            Ramfs::from_cpio(b"").err(),
            Some(CpioError::BadMagic { offset: 0 })
        );
        assert_eq!(
            Ramfs::from_cpio(&[0; 64]).err(),
            Some(CpioError::BadMagic { offset: 0 })
        );
        assert_eq!(
            Ramfs::from_cpio(b"070701000").err(),
            Some(CpioError::Truncated { offset: 0 })
        );
        let mut t = Vec::new();
        build::trailer(&mut t);
        let fs = tree(t);
        assert!(get(&fs, "/dev/console").is_ok());

        let mut a = Vec::new();
        build::file(&mut a, "x", b"abcd");
        let mut bad = a.clone();
        bad[6 + 8 * 6] = b'g'; // c_filesize
        assert!(matches!(
            Ramfs::from_cpio(bad.leak()),
            Err(CpioError::BadHeader { .. })
        ));
        let mut bad = a.clone();
        bad[6 + 8 * 6..6 + 8 * 7].copy_from_slice(b"00001000"); // runs past the end
        assert!(matches!(
            Ramfs::from_cpio(bad.leak()),
            Err(CpioError::Truncated { .. })
        ));
        let mut bad = a.clone();
        bad[6 + 8 * 11..6 + 8 * 12].copy_from_slice(b"ffffffff"); // c_namesize
        assert!(matches!(
            Ramfs::from_cpio(bad.leak()),
            Err(CpioError::Truncated { .. })
        ));
        let mut bad = a;
        bad[6 + 8 * 11..6 + 8 * 12].copy_from_slice(b"00000000");
        assert!(matches!(
            Ramfs::from_cpio(bad.leak()),
            Err(CpioError::BadName { .. })
        ));
    }

    #[test_case]
    fn corrupted_archives_never_panic() {
        let mut a = Vec::new();
        build::dir(&mut a, "d", 0o755);
        build::symlink(&mut a, "d/l", "../d/l");
        build::file(&mut a, "d/l/f", b"data");
        let archive: &'static [u8] = a.leak();
        let mut copy = vec![0u8; archive.len()];
        for i in 0..archive.len() {
            for v in [b'0', b'2', b'a', b'/', 0] {
                copy.copy_from_slice(archive);
                copy[i] = v;
                // Only archives that parse are leaked (to be 'static).
                if cpio::parse(&copy).is_ok() {
                    let fs = tree(copy.clone());
                    let _ = get(&fs, "/d/l/f");
                    let _ = fs.lookup(b"d/l/", 0, false);
                }
            }
        }
    }
}

//! Unpacking the boot archive into the root tmpfs (Linux's
//! init/initramfs.c).
//!
//! At boot `main.rs` hands the initrd to [`populate_root`]; the archive is
//! split by `fs::cpio` and each entry becomes an inode of the root tmpfs
//! with its mode, owner and mtime. File contents and symlink targets are
//! not copied: they borrow the archive (which stays in memory for the life
//! of the kernel) until first written (`inode::Data`).
//!
//! As Linux unpacks, entries are applied in order and a later entry for a
//! path replaces an earlier one (`clean_path`); a directory entry for an
//! existing directory only updates its mode and mtime. Unlike Linux,
//! missing parent directories are created (mode 0755), so an archive need
//! not list every directory. Entries that cannot be represented (sockets,
//! block devices, names with a `..` component or too long, a file under a
//! non-directory) are skipped, as Linux skips entries it cannot create.
//! Afterwards `/dev` gets the device nodes it lacks (`char_dev::DEV_NODES`).

use super::char_dev::DEV_NODES;
use super::cpio::{self, CpioError, Entry};
use super::inode::{Data, InodeRef, Timespec};
use super::namei::{self, NAME_MAX, PATH_MAX};
use super::tmpfs;
use abi::stat::{S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG};
use alloc::vec::Vec;

/// Mode of directories the archive did not list.
const IMPLICIT_DIR_MODE: u32 = S_IFDIR | 0o755;

/// Unpack `archive` into the root directory, then add the `/dev` nodes.
pub fn populate_root(archive: &'static [u8]) -> Result<(), CpioError> {
    unpack(&namei::root(), archive)
}

/// Unpack `archive` into the tree under `root` (a fresh tree in the tests).
pub fn unpack(root: &InodeRef, archive: &'static [u8]) -> Result<(), CpioError> {
    let entries = cpio::parse(archive)?;
    // The inode each entry became, for hard links to find their file.
    let mut made: Vec<Option<InodeRef>> = Vec::with_capacity(entries.len());
    for e in &entries {
        let inode = add_entry(root, e, &made);
        // If the first name of a hard-linked file was skipped, the next
        // one that is created stands in for it.
        if let (Some(first), Some(i)) = (e.hardlink_of, &inode)
            && made[first].is_none()
        {
            made[first] = Some(i.clone());
        }
        made.push(inode);
    }
    add_dev_nodes(root);
    Ok(())
}

/// A new inode for an entry, in the root tmpfs.
fn new_inode(mode: u32, e: &Entry<'static>, data: Data) -> Option<InodeRef> {
    let rdev = (e.rdevmajor, e.rdevminor);
    let inode = tmpfs::root_sb()
        .new_inode(mode, (e.uid, e.gid), rdev, data)
        .ok()?;
    let t = Timespec::from_secs(i64::from(e.mtime));
    inode.meta.with(|m| {
        m.atime = t;
        m.mtime = t;
        m.ctime = t;
    });
    Some(inode)
}

/// Apply archive entry `e` under `root`; `made` holds the inodes of the
/// entries before it. Returns the inode it became, or `None` if skipped.
fn add_entry(root: &InodeRef, e: &Entry<'static>, made: &[Option<InodeRef>]) -> Option<InodeRef> {
    if e.name.len() >= PATH_MAX {
        return None;
    }
    // `./bin/sh`, `/bin/sh` and `bin/sh` are all /bin/sh; `.` (the archive
    // root, which `find . | cpio` writes first) names `/`, which exists.
    let mut components: Vec<&str> = e
        .name
        .split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .collect();
    if components.iter().any(|c| *c == ".." || c.len() > NAME_MAX) {
        return None;
    }
    let name = components.pop()?.as_bytes();

    // The parent: walk down, creating missing directories and following
    // symlinks to directories (as Linux's path lookup would).
    let mut dir = root.clone();
    for c in components {
        dir = match tmpfs::lookup(&dir, c.as_bytes()).ok()? {
            None => {
                let d = new_inode(IMPLICIT_DIR_MODE, e, Data::Static(&[]))?;
                d.meta.with(|m| {
                    m.mtime = Timespec::default();
                    m.atime = Timespec::default();
                    m.ctime = Timespec::default();
                });
                tmpfs::add_entry(&dir, c.as_bytes(), d.clone()).ok()?;
                d.meta.with(|m| (m.uid, m.gid) = (0, 0));
                d
            }
            Some(d) if d.is_dir() => d,
            Some(link) if link.is_symlink() => {
                let target = namei::lookup_in(root, &dir, c.as_bytes(), true).ok()?;
                if !target.is_dir() {
                    return None;
                }
                target
            }
            Some(_) => return None,
        };
    }

    let existing = tmpfs::lookup(&dir, name).ok()?;
    let ty = e.mode & S_IFMT;
    match ty {
        S_IFDIR => {
            if let Some(d) = &existing
                && d.is_dir()
            {
                // Linux: mkdir fails with EEXIST, then chmod/chown apply.
                d.meta.with(|m| {
                    m.mode = e.mode;
                    m.uid = e.uid;
                    m.gid = e.gid;
                    m.mtime = Timespec::from_secs(i64::from(e.mtime));
                });
                return Some(d.clone());
            }
        }
        S_IFREG | S_IFLNK | S_IFCHR | S_IFIFO => {}
        // Sockets and block devices: nothing here could use them.
        _ => return None,
    }
    let data = match ty {
        S_IFREG | S_IFLNK => e.data,
        _ => &[],
    };

    // A later entry replaces an earlier one (`clean_path`), unless that is
    // a directory with entries, which Linux's rmdir would refuse.
    if let Some(x) = &existing {
        let keep_link = e.hardlink_of.and_then(|i| made.get(i).cloned().flatten());
        if keep_link
            .as_ref()
            .is_some_and(|l| alloc::sync::Arc::ptr_eq(l, x))
        {
            // The same file named again: fall through to update it.
        } else if tmpfs::remove_entry(&dir, name).is_err() {
            return None;
        }
    }

    // A hard link to an earlier file of the same type: name the same
    // inode; data, if present, overwrites the file's (buffer-format.rst).
    if let Some(first) = e.hardlink_of
        && let Some(Some(inode)) = made.get(first)
        && inode.mode() & S_IFMT == ty
    {
        inode.meta.with(|m| {
            m.mode = e.mode;
            m.mtime = Timespec::from_secs(i64::from(e.mtime));
        });
        if !data.is_empty()
            && let super::inode::InodeKind::File(d) = &inode.kind
        {
            let old = d.with(|d| d.len());
            if tmpfs::root_sb().charge(old, data.len()).is_ok() {
                d.with(|d| *d = crate::mm::filemap::PageCache::new(data));
            }
        }
        if tmpfs::lookup(&dir, name).ok()?.is_none() {
            tmpfs::add_entry(&dir, name, inode.clone()).ok()?;
        }
        return Some(inode.clone());
    }

    let inode = new_inode(e.mode, e, Data::Static(data))?;
    tmpfs::add_entry(&dir, name, inode.clone()).ok()?;
    // Linking set ctime (and the parent's mtime) to now; the archive's
    // times win, as they do after Linux's do_utime on each entry.
    let t = Timespec::from_secs(i64::from(e.mtime));
    inode.meta.with(|m| m.ctime = t);
    Some(inode)
}

/// Make sure `/dev` holds the device nodes of `char_dev::DEV_NODES`,
/// keeping any the archive provided. A `/dev` that is a symlink to a
/// directory is followed; one that is not a directory at all is left
/// alone.
fn add_dev_nodes(root: &InodeRef) {
    let dev = match namei::lookup_in(root, root, b"/dev", true) {
        Ok(d) if d.is_dir() => d,
        Ok(_) => return,
        Err(_) => {
            if tmpfs::lookup(root, b"dev").ok().flatten().is_some() {
                return; // a dangling or looping /dev symlink: leave it
            }
            let Ok(d) =
                tmpfs::root_sb().new_inode(IMPLICIT_DIR_MODE, (0, 0), (0, 0), Data::Static(&[]))
            else {
                return;
            };
            if tmpfs::add_entry(root, b"dev", d.clone()).is_err() {
                return;
            }
            d
        }
    };
    for &(name, perm, rdev) in DEV_NODES {
        if tmpfs::lookup(&dev, name.as_bytes())
            .ok()
            .flatten()
            .is_none()
            && let Ok(n) =
                tmpfs::root_sb().new_inode(S_IFCHR | perm, (0, 0), rdev, Data::Static(&[]))
        {
            let _ = tmpfs::add_entry(&dev, name.as_bytes(), n);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::cpio::build::{self, Hdr};
    use crate::fs::inode::InodeKind;
    use abi::errno::*;
    use abi::stat::{S_IFBLK, S_IFSOCK};
    use alloc::sync::Arc;
    use alloc::vec;

    /// A fresh tree from an archive made at run time (leaked to be
    /// `'static`, as the boot archive is).
    fn tree(a: Vec<u8>) -> InodeRef {
        let r = tmpfs::root_sb()
            .new_inode(IMPLICIT_DIR_MODE, (0, 0), (0, 0), Data::Static(&[]))
            .unwrap();
        unpack(&r, a.leak()).unwrap();
        r
    }

    /// Resolve a path from the tree's root, following every symlink.
    fn get(r: &InodeRef, path: &str) -> Result<InodeRef, Errno> {
        namei::lookup_in(r, r, path.as_bytes(), true)
    }

    fn nofollow(r: &InodeRef, path: &str) -> Result<InodeRef, Errno> {
        namei::lookup_in(r, r, path.as_bytes(), false)
    }

    fn same(a: Result<InodeRef, Errno>, b: &InodeRef) -> bool {
        a.is_ok_and(|a| Arc::ptr_eq(&a, b))
    }

    fn bytes(i: &InodeRef) -> Vec<u8> {
        match &i.kind {
            InodeKind::File(d) => d.with(|d| {
                let mut v = alloc::vec![0; d.len()];
                d.read_at(0, &mut v);
                v
            }),
            InodeKind::Symlink(d) => d.with(|d| d.bytes().to_vec()),
            _ => Vec::new(),
        }
    }

    /// A small system: implicit directories, files, relative, absolute and
    /// looping symlinks.
    fn sample() -> InodeRef {
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
        let r = sample();
        assert_eq!(r.mode(), S_IFDIR | 0o755);
        let init = get(&r, "/init").unwrap();
        assert!(matches!(init.kind, InodeKind::File(_)));
        assert_eq!(bytes(&init), b"#!init");
        assert_eq!(init.mode(), S_IFREG | 0o644);
        let usr = get(&r, "/usr").unwrap();
        assert_eq!(usr.mode(), S_IFDIR | 0o755);
        let prog = get(&r, "/usr/bin/prog").unwrap();
        assert_eq!(bytes(&prog), b"PROG");
        assert_eq!(get(&r, "/etc").unwrap().mode(), S_IFDIR | 0o700);
        assert_eq!(get(&r, "/etc/passwd").unwrap().size(), 22);
        assert!(get(&r, "/bin/busybox").is_ok());
        // Repeated and trailing slashes, "." components.
        assert!(same(get(&r, "//usr///bin/./prog"), &prog));
        assert!(same(get(&r, "/usr/bin/"), &get(&r, "/usr/bin").unwrap()));
        // Relative to a working directory.
        assert!(same(namei::lookup_in(&r, &usr, b"bin/prog", true), &prog));
        assert!(same(namei::lookup_in(&r, &usr, b".", true), &usr));
        // Directory link counts: 2 + subdirectories.
        assert_eq!(usr.meta.with(|m| m.nlink), 4);
    }

    #[test_case]
    fn symlinks_are_followed() {
        let r = sample();
        let bb = get(&r, "/bin/busybox").unwrap();
        let libc = get(&r, "/usr/lib/libc.so").unwrap();
        assert!(same(get(&r, "/bin/sh"), &bb));
        let sh = nofollow(&r, "/bin/sh").unwrap();
        assert!(sh.is_symlink());
        assert_eq!(bytes(&sh), b"busybox");
        assert_eq!(sh.mode() & S_IFMT, S_IFLNK);
        assert!(same(nofollow(&r, "/lib/libc.so"), &libc));
        assert!(same(get(&r, "/usr/bin/up/libc.so"), &libc));
        // A trailing slash follows a final link even without follow.
        assert!(same(nofollow(&r, "/lib/"), &get(&r, "/usr/lib").unwrap()));
    }

    #[test_case]
    fn symlink_loops_and_dangling_links() {
        let r = sample();
        assert_eq!(get(&r, "/loop/a").err(), Some(ELOOP));
        assert_eq!(get(&r, "/loop/self").err(), Some(ELOOP));
        assert_eq!(get(&r, "/loop/self/x").err(), Some(ELOOP));
        assert!(nofollow(&r, "/loop/a").is_ok());
        assert_eq!(get(&r, "/loop/dangling").err(), Some(ENOENT));
        assert_eq!(get(&r, "/loop/empty").err(), Some(ENOENT));
        assert!(nofollow(&r, "/loop/dangling").is_ok());

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
        let r = tree(a);
        let f = get(&r, "/f").unwrap();
        assert!(same(get(&r, "/l39"), &f));
        assert_eq!(get(&r, "/l40").err(), Some(ELOOP));
    }

    #[test_case]
    fn dot_dot() {
        let r = sample();
        let usr = get(&r, "/usr").unwrap();
        let bin = get(&r, "/bin").unwrap();
        assert!(same(get(&r, "/.."), &r));
        assert!(same(get(&r, "/../../.."), &r));
        assert!(same(get(&r, "/usr/bin/../.."), &r));
        assert!(same(get(&r, "/usr/bin/.."), &usr));
        assert!(same(namei::lookup_in(&r, &usr, b"../bin", true), &bin));
        // ".." after a symlinked directory is the target's parent.
        assert!(same(get(&r, "/lib/.."), &usr));
        assert_eq!(get(&r, "/nope/..").err(), Some(ENOENT));
    }

    #[test_case]
    fn lookup_errors() {
        let r = sample();
        let init = get(&r, "/init").unwrap();
        assert_eq!(get(&r, "").err(), Some(ENOENT));
        assert_eq!(get(&r, "/nope").err(), Some(ENOENT));
        assert_eq!(get(&r, "/usr/nope/x").err(), Some(ENOENT));
        assert_eq!(get(&r, "/init/x").err(), Some(ENOTDIR));
        assert_eq!(get(&r, "/init/").err(), Some(ENOTDIR));
        assert_eq!(get(&r, "/init/.").err(), Some(ENOTDIR));
        assert_eq!(get(&r, "/bin/sh/").err(), Some(ENOTDIR));
        assert_eq!(nofollow(&r, "/bin/sh/").err(), Some(ENOTDIR));
        assert_eq!(namei::lookup_in(&r, &init, b"x", true).err(), Some(ENOTDIR));
        let long = "a".repeat(256);
        assert_eq!(
            get(&r, &alloc::format!("/{long}")).err(),
            Some(ENAMETOOLONG)
        );
        assert_eq!(
            get(&r, &alloc::format!("/{}", &long[1..])).err(),
            Some(ENOENT)
        );
        let deep = "/.".repeat(2048);
        assert_eq!(get(&r, &deep).err(), Some(ENAMETOOLONG));
        assert!(same(get(&r, &deep[..4094]), &r));
    }

    #[test_case]
    fn dev_nodes_are_always_there() {
        let check = |r: &InodeRef| {
            for (name, mode, rdev) in [
                ("/dev/console", S_IFCHR | 0o600, (5, 1)),
                ("/dev/tty", S_IFCHR | 0o666, (5, 0)),
                ("/dev/null", S_IFCHR | 0o666, (1, 3)),
                ("/dev/zero", S_IFCHR | 0o666, (1, 5)),
                ("/dev/urandom", S_IFCHR | 0o666, (1, 9)),
            ] {
                let n = get(r, name).unwrap();
                assert_eq!(n.mode(), mode);
                assert_eq!(n.meta.with(|m| m.rdev), rdev);
            }
        };
        let mut t = Vec::new();
        build::trailer(&mut t);
        check(&tree(t));
        check(&sample());

        // Nodes the archive provides are kept, whatever their numbers;
        // FIFOs are made; block devices and sockets are skipped.
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
        node(&mut a, "dev/console", S_IFCHR | 0o620, (5, 1));
        node(&mut a, "dev/null", S_IFCHR | 0o600, (1, 5));
        node(&mut a, "dev/mem", S_IFCHR | 0o600, (1, 1));
        node(&mut a, "dev/sda", S_IFBLK | 0o600, (8, 0));
        node(&mut a, "dev/sock", S_IFSOCK | 0o600, (0, 0));
        node(&mut a, "dev/fifo", S_IFIFO | 0o600, (0, 0));
        let r = tree(a);
        assert_eq!(get(&r, "/dev/console").unwrap().mode(), S_IFCHR | 0o620);
        assert_eq!(get(&r, "/dev/null").unwrap().meta.with(|m| m.rdev), (1, 5));
        assert_eq!(get(&r, "/dev/mem").unwrap().meta.with(|m| m.rdev), (1, 1));
        assert_eq!(get(&r, "/dev/fifo").unwrap().mode(), S_IFIFO | 0o600);
        for gone in ["/dev/sda", "/dev/sock"] {
            assert_eq!(get(&r, gone).err(), Some(ENOENT));
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
        let r = tree(a);
        assert_eq!(bytes(&get(&r, "/etc/motd").unwrap()), b"two");
        assert!(matches!(
            nofollow(&r, "/link").unwrap().kind,
            InodeKind::File(_)
        ));
        assert_eq!(get(&r, "/was_file").unwrap().mode(), S_IFDIR | 0o711);
        assert_eq!(get(&r, "/full").unwrap().mode(), S_IFDIR | 0o750);
        assert!(get(&r, "/full/inside").is_ok());
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
        let r = tree(a);
        let m = get(&r, "/usr/lib/libm.so").unwrap();
        assert!(same(get(&r, "/lib/libm.so"), &m));
        assert_eq!(get(&r, "/notdir/x").err(), Some(ENOTDIR));
        assert_eq!(get(&r, "/escape").err(), Some(ENOENT));
        assert_eq!(get(&r, "/b").err(), Some(ENOENT));
        assert_eq!(get(&r, "/a").err(), Some(ENOENT));
        assert_eq!(r.mode(), S_IFDIR | 0o755);
    }

    #[test_case]
    fn hard_links_share_one_inode() {
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
        let r = tree(a);
        let t = get(&r, "/bin/true").unwrap();
        assert!(same(get(&r, "/bin/false"), &t));
        assert_eq!(bytes(&t), b"shared");
        assert_eq!(t.meta.with(|m| m.nlink), 2);
        let o = get(&r, "/bin/other").unwrap();
        assert!(!Arc::ptr_eq(&o, &t));
        assert_eq!(bytes(&o), b"mine");
    }

    #[test_case]
    fn hostile_archives_are_errors() {
        let r = tree({
            let mut t = Vec::new();
            build::trailer(&mut t);
            t
        });
        assert_eq!(
            unpack(&r, b"").err(),
            Some(CpioError::BadMagic { offset: 0 })
        );
        assert_eq!(
            unpack(&r, &[0; 64]).err(),
            Some(CpioError::BadMagic { offset: 0 })
        );
        assert_eq!(
            unpack(&r, b"070701000").err(),
            Some(CpioError::Truncated { offset: 0 })
        );
        let mut a = Vec::new();
        build::file(&mut a, "x", b"abcd");
        let mut bad = a.clone();
        bad[6 + 8 * 6] = b'g'; // c_filesize
        assert!(matches!(
            unpack(&r, bad.leak()),
            Err(CpioError::BadHeader { .. })
        ));
        let mut bad = a.clone();
        bad[6 + 8 * 6..6 + 8 * 7].copy_from_slice(b"00001000"); // runs past the end
        assert!(matches!(
            unpack(&r, bad.leak()),
            Err(CpioError::Truncated { .. })
        ));
        let mut bad = a;
        bad[6 + 8 * 11..6 + 8 * 12].copy_from_slice(b"00000000");
        assert!(matches!(
            unpack(&r, bad.leak()),
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
                    let r = tree(copy.clone());
                    let _ = get(&r, "/d/l/f");
                    let _ = nofollow(&r, "d/l/");
                }
            }
        }
    }
}

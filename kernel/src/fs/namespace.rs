//! Mounts (Linux's fs/namespace.c and fs/proc_namespace.c): the table of
//! mounted file systems, `mount`, `umount` and `umount2`, and the text of
//! `/proc/mounts` and `/proc/<pid>/mountinfo`.
//!
//! A mount puts the root of a file system instance (a new tmpfs, or
//! procfs) over a directory, its mountpoint. The path walk (`fs/namei.rs`)
//! asks two questions of the table: going down, what is mounted on this
//! directory ([`mounted_root`]; a flag on the inode, Linux's
//! `DCACHE_MOUNTED`, keeps the common answer "nothing" cheap); going up
//! (`..`) from the root of a mount, where it is mounted ([`mountpoint_of`]).
//! Mounts stack: mounting again on the same path mounts on the root of the
//! mount already there, which the walk has crossed into.
//!
//! Every instance has its own device number (an anonymous one, 0:N, as
//! Linux's `get_anon_bdev` gives), so an inode's `dev` names its mount:
//! there are no bind mounts, so one instance is mounted at most once. That
//! is how `statx` finds the mount id, `rename` and `link` refuse to cross
//! mounts (`EXDEV`), and the mount flags (`ro`, `nosuid`, `nodev`,
//! `noexec`) are checked.
//!
//! There is one mount namespace, and the process root is the root mount's
//! root for everyone (`chroot` is not followed by the walk yet).

use super::inode::{Inode, InodeRef};
use super::namei;
use super::proc;
use super::seq_file::SeqFile;
use super::tmpfs::{self, Tmpfs, TmpfsOpts};
use crate::proc::sched::SCHED;
use crate::sync::UpCell;
use crate::syscall::args::{DirFd, SysResult};
use crate::syscall::uaccess::UserCStr;
use abi::cred::CAP_SYS_ADMIN;
use abi::errno::*;
use abi::fcntl::AT_FDCWD;
use abi::mount::*;
use alloc::sync::Arc;
use alloc::vec::Vec;
use core::sync::atomic::Ordering;

// include/linux/mount.h: the per-mount flags (kernel-internal, unlike the
// MS_* flags they come from).
pub const MNT_NOSUID: u32 = 0x01;
pub const MNT_NODEV: u32 = 0x02;
pub const MNT_NOEXEC: u32 = 0x04;
pub const MNT_NOATIME: u32 = 0x08;
pub const MNT_NODIRATIME: u32 = 0x10;
pub const MNT_RELATIME: u32 = 0x20;
pub const MNT_READONLY: u32 = 0x40;
pub const MNT_NOSYMFOLLOW: u32 = 0x80;
const MNT_ATIME_MASK: u32 = MNT_NOATIME | MNT_NODIRATIME | MNT_RELATIME;

/// The root mount's id (what `statx` reported before there were others).
pub const ROOT_MNT_ID: u32 = 1;

/// The file system instance a mount shows.
#[derive(Clone)]
pub enum Fs {
    Tmpfs(Arc<Tmpfs>),
    /// procfs: its inodes hold nothing but its device number.
    Proc(Arc<AnonDev>),
}

/// An anonymous device number, given back when the last holder goes.
pub struct AnonDev(pub (u32, u32));

impl Drop for AnonDev {
    fn drop(&mut self) {
        free_anon_dev(self.0);
    }
}

/// One mount (Linux's `struct mount`).
pub struct Mount {
    /// Its id (`mnt_id`), and its parent's (its own for the root mount).
    pub id: u32,
    pub parent: u32,
    /// The directory it covers (`mnt_mountpoint`); `None` for the root.
    pub mountpoint: Option<InodeRef>,
    /// The instance's root directory (`mnt_root`).
    pub root: InodeRef,
    pub fs: Fs,
    /// The type's name (`rootfs` for the root tmpfs, as Linux's initramfs
    /// root is called).
    pub fstype: &'static str,
    /// What `mount` was given as the source (`mnt_devname`).
    pub source: Arc<Vec<u8>>,
    /// `MNT_*`.
    pub flags: u32,
    /// `MNT_EXPIRE` was asked once (`mnt_expiry_mark`).
    expiry_mark: bool,
}

impl Mount {
    fn dev(&self) -> (u32, u32) {
        self.root.dev
    }
}

/// The mount table, in the order mounts were made (which is the order
/// `/proc/mounts` lists them, as Linux's `ns->list`).
static MOUNTS: UpCell<Vec<Mount>> = UpCell::new(Vec::new());
static ROOT_MOUNTED: spin::Once<()> = spin::Once::new();

/// Run `f` on the table, the root mount in it.
fn mounts<R>(f: impl FnOnce(&mut Vec<Mount>) -> R) -> R {
    ROOT_MOUNTED.call_once(|| {
        let root = namei::root();
        let table = alloc::vec![Mount {
            id: ROOT_MNT_ID,
            parent: ROOT_MNT_ID,
            mountpoint: None,
            fs: Fs::Tmpfs(root.sb.clone().expect("the root is a tmpfs")),
            root,
            fstype: "rootfs",
            source: Arc::new(b"rootfs".to_vec()),
            flags: 0,
            expiry_mark: false,
        }];
        let old = MOUNTS.with(|m| core::mem::replace(m, table));
        drop(old);
    });
    MOUNTS.with(f)
}

// ---------------------------------------------------------------------------
// Anonymous device numbers

/// Minors of device 0 in use (Linux's `unnamed_dev_ida`): 1 is the root
/// tmpfs and 12 the pipes' pipefs (`fs/stat.rs`), taken from the start.
static ANON_DEVS: UpCell<[u64; 16]> = UpCell::new({
    let mut b = [0u64; 16];
    b[0] = 1 << 0 | 1 << 1 | 1 << 12;
    b
});

/// A free anonymous device number (`get_anon_bdev`): `EMFILE` when all
/// are taken, as Linux says.
pub fn alloc_anon_dev() -> Result<(u32, u32), Errno> {
    ANON_DEVS.with(|b| {
        for (w, word) in b.iter_mut().enumerate() {
            if *word != u64::MAX {
                let bit = word.trailing_ones();
                *word |= 1 << bit;
                return Ok((0, w as u32 * 64 + bit));
            }
        }
        Err(EMFILE)
    })
}

/// Give back a device number (`free_anon_bdev`).
pub fn free_anon_dev((major, minor): (u32, u32)) {
    if major != 0 || (minor as usize) >= 16 * 64 {
        return;
    }
    ANON_DEVS.with(|b| b[minor as usize / 64] &= !(1 << (minor % 64)));
}

// ---------------------------------------------------------------------------
// What the path walk asks

/// The root of what is mounted on `dir` (Linux's `lookup_mnt`), if
/// anything: the walk continues there.
pub fn mounted_root(dir: &Inode) -> Option<InodeRef> {
    if !dir.mounted.load(Ordering::Relaxed) {
        return None;
    }
    mounts(|m| {
        m.iter()
            .find(|m| {
                m.mountpoint
                    .as_deref()
                    .is_some_and(|p| core::ptr::eq(p, dir))
            })
            .map(|m| m.root.clone())
    })
}

/// Follow `inode` down through every mount stacked on it
/// (`follow_managed`/`__follow_mount_rcu`).
pub fn follow_mounts(mut inode: InodeRef) -> InodeRef {
    while let Some(r) = mounted_root(&inode) {
        inode = r;
    }
    inode
}

/// Is `inode` the root of a mount? It is the root of the mount on its
/// device, if its number is that root's (procfs makes its inodes afresh,
/// so identity is by device and number, not by address).
fn is_root_of(m: &Mount, inode: &Inode) -> bool {
    m.root.dev == inode.dev && m.root.ino == inode.ino
}

/// Where `dir` is mounted, if it is the root of a mount other than the
/// root mount: `..` from it goes up from there (`follow_dotdot`).
pub fn mountpoint_of(dir: &Inode) -> Option<InodeRef> {
    mounts(|m| {
        m.iter()
            .find(|m| is_root_of(m, dir))
            .and_then(|m| m.mountpoint.clone())
    })
}

/// Is `inode` the root of some mount (`STATX_ATTR_MOUNT_ROOT`)?
pub fn is_mount_root(inode: &Inode) -> bool {
    mounts(|m| m.iter().any(|m| is_root_of(m, inode)))
}

/// The id and `MNT_*` flags of the mount `inode` is in (by its device:
/// each instance is mounted once); `None` for an inode of an unmounted
/// instance (or a pipe's).
pub fn mount_of(inode: &Inode) -> Option<(u32, u32)> {
    mounts(|m| {
        m.iter()
            .find(|m| m.dev() == inode.dev)
            .map(|m| (m.id, m.flags))
    })
}

/// The `MNT_*` flags `inode` is under (none for an unmounted instance).
pub fn mnt_flags(inode: &Inode) -> u32 {
    mount_of(inode).map_or(0, |(_, f)| f)
}

/// Linux's `mnt_want_write`: `EROFS` if `inode` is on a read-only mount.
/// Every call that changes the tree or an inode asks first.
pub fn mnt_want_write(inode: &Inode) -> Result<(), Errno> {
    if mnt_flags(inode) & MNT_READONLY != 0 {
        Err(EROFS)
    } else {
        Ok(())
    }
}

/// Is `dir` a mountpoint (rmdir, rename and unlink of it are `EBUSY`,
/// Linux's `is_local_mountpoint`)?
pub fn is_mountpoint(dir: &Inode) -> bool {
    dir.mounted.load(Ordering::Relaxed)
}

/// Bytes every mounted tmpfs holds (`/proc/meminfo`'s `Shmem`, and
/// `sysinfo`'s `sharedram`).
pub fn shmem_bytes() -> usize {
    mounts(|m| {
        m.iter()
            .map(|m| match &m.fs {
                Fs::Tmpfs(t) => t.used_pages.load(Ordering::Relaxed),
                Fs::Proc(_) => 0,
            })
            .sum::<usize>()
    }) * crate::mm::PAGE_SIZE
}

// ---------------------------------------------------------------------------
// mount(2)

/// A string argument of `mount` (`copy_mount_string`): `None` for NULL; a
/// string of `PATH_MAX` bytes or more is `EINVAL` (`strndup_user`).
fn mount_string(s: UserCStr) -> Result<Option<Vec<u8>>, Errno> {
    if s.is_null() {
        return Ok(None);
    }
    match s.read(namei::PATH_MAX) {
        Ok(v) => Ok(Some(v)),
        Err(ENAMETOOLONG) => Err(EINVAL),
        Err(e) => Err(e),
    }
}

/// The `data` argument (`copy_mount_options`): up to a page, as a string
/// for the file systems here, which all take text options.
fn mount_data(data: UserCStr) -> Result<Vec<u8>, Errno> {
    if data.is_null() {
        return Ok(Vec::new());
    }
    match data.read(crate::mm::PAGE_SIZE - 1) {
        Ok(v) => Ok(v),
        Err(ENAMETOOLONG) => Err(EINVAL),
        Err(e) => Err(e),
    }
}

/// `mount(source, target, fstype, flags, data)` (Linux's `path_mount`,
/// checks in its order): the target is looked up first, then `CAP_SYS_ADMIN`
/// (`EPERM`), then what the flags ask: a remount (`MS_REMOUNT`), a change
/// of propagation type (accepted: every mount here is private), or a new
/// mount of `tmpfs` or `proc` (another type is `ENODEV`). Bind mounts
/// (`MS_BIND`) and moves (`MS_MOVE`) are not supported: `EINVAL`.
pub fn sys_mount(
    source: UserCStr,
    target: UserCStr,
    fstype: UserCStr,
    flags: MountFlags,
    data: UserCStr,
) -> SysResult {
    let fstype = mount_string(fstype)?;
    let source = mount_string(source)?;
    let data = mount_data(data)?;
    let path = target.read_path()?;
    let dir = namei::lookup_at(DirFd(AT_FDCWD), &path, true)?;
    let mut flags = flags.bits();
    if flags & MS_MGC_MSK == MS_MGC_VAL {
        flags &= !MS_MGC_MSK;
    }
    if flags & MS_NOUSER != 0 {
        return Err(EINVAL);
    }
    if !namei::cred().capable(CAP_SYS_ADMIN) {
        return Err(EPERM);
    }
    let mut new_flags = mnt_flags_of(flags);
    if flags & MS_REMOUNT != 0 {
        // The default atime behaviour of a remount is to keep it.
        if flags & (MS_NOATIME | MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME) == 0 {
            new_flags = (new_flags & !MNT_ATIME_MASK) | (mnt_flags(&dir) & MNT_ATIME_MASK);
        }
        do_remount(&dir, flags, new_flags, &data)?;
        return Ok(0);
    }
    if flags & MS_BIND != 0 {
        return Err(EINVAL);
    }
    if flags & (MS_SHARED | MS_PRIVATE | MS_SLAVE | MS_UNBINDABLE) != 0 {
        // `do_change_type`: on the root of a mount only.
        return if is_mount_root(&dir) {
            Ok(0)
        } else {
            Err(EINVAL)
        };
    }
    if flags & MS_MOVE != 0 {
        return Err(EINVAL);
    }
    let fstype = fstype.ok_or(EINVAL)?;
    let source = source.unwrap_or_else(|| b"none".to_vec());
    do_new_mount(&dir, &fstype, source, new_flags, &data)?;
    Ok(0)
}

/// The per-mount flags a `mount` asks for (`path_mount`): `relatime`
/// unless `noatime` or `strictatime`.
fn mnt_flags_of(flags: u32) -> u32 {
    let mut f = 0;
    if flags & MS_NOATIME == 0 {
        f |= MNT_RELATIME;
    }
    for (ms, mnt) in [
        (MS_NOSUID, MNT_NOSUID),
        (MS_NODEV, MNT_NODEV),
        (MS_NOEXEC, MNT_NOEXEC),
        (MS_NOATIME, MNT_NOATIME),
        (MS_NODIRATIME, MNT_NODIRATIME),
        (MS_RDONLY, MNT_READONLY),
        (MS_NOSYMFOLLOW, MNT_NOSYMFOLLOW),
    ] {
        if flags & ms != 0 {
            f |= mnt;
        }
    }
    if flags & MS_STRICTATIME != 0 {
        f &= !(MNT_RELATIME | MNT_NOATIME);
    }
    f
}

/// `do_remount`: the target must be the root of a mount (`EINVAL`); its
/// flags become the new ones, and a tmpfs takes a new `size=` or
/// `nr_inodes=` (`shmem_reconfigure`).
fn do_remount(dir: &Inode, flags: u32, mnt_flags: u32, data: &[u8]) -> Result<(), Errno> {
    let fs =
        mounts(|m| m.iter().find(|m| is_root_of(m, dir)).map(|m| m.fs.clone())).ok_or(EINVAL)?;
    if let Fs::Tmpfs(t) = &fs
        && flags & MS_BIND == 0
    {
        let opts = TmpfsOpts::parse(data)?;
        t.reconfigure(&opts)?;
    }
    mounts(|m| {
        if let Some(m) = m.iter_mut().find(|m| is_root_of(m, dir)) {
            m.flags = mnt_flags;
        }
    });
    Ok(())
}

/// procfs's mount options (`proc_parse_param`): `hidepid=`, `gid=` and
/// `subset=` are accepted and have no effect here (every process may see
/// every other, as with Linux's defaults); the common `ro`/`rw` flags too.
fn parse_proc_opts(data: &[u8]) -> Result<bool, Errno> {
    let mut rdonly = false;
    for opt in data.split(|&b| b == b',').filter(|o| !o.is_empty()) {
        let key = opt.split(|&b| b == b'=').next().unwrap_or(opt);
        match key {
            b"ro" => rdonly = true,
            b"rw" => rdonly = false,
            b"hidepid" | b"gid" | b"subset" | b"sync" | b"async" | b"silent" => {}
            _ => return Err(EINVAL),
        }
    }
    Ok(rdonly)
}

/// `do_new_mount`: make an instance of `fstype` and put its root over
/// `dir` (`graft_tree`: `ENOTDIR` unless `dir` is a directory).
fn do_new_mount(
    dir: &InodeRef,
    fstype: &[u8],
    source: Vec<u8>,
    mut mnt_flags: u32,
    data: &[u8],
) -> Result<(), Errno> {
    let (fs, name, root) = match fstype {
        b"tmpfs" => {
            let opts = TmpfsOpts::parse(data)?;
            if opts.rdonly {
                mnt_flags |= MNT_READONLY;
            }
            let dev = alloc_anon_dev()?;
            let (sb, root) = match Tmpfs::mount(dev, opts) {
                Ok(x) => x,
                Err(e) => {
                    free_anon_dev(dev);
                    return Err(e);
                }
            };
            (Fs::Tmpfs(sb), "tmpfs", root)
        }
        b"proc" => {
            if parse_proc_opts(data)? {
                mnt_flags |= MNT_READONLY;
            }
            let dev = AnonDev(alloc_anon_dev()?);
            let dev = crate::mm::heap::for_user(|| Arc::try_new(dev)).map_err(|_| ENOMEM)?;
            let root = proc::inode(dev.0, proc::Node::Root)?;
            (Fs::Proc(dev), "proc", root)
        }
        _ => return Err(ENODEV),
    };
    // On an error from here, the instance's number is given back as it
    // goes (`Tmpfs`'s and `AnonDev`'s drop).
    let dir = follow_mounts(dir.clone());
    if !dir.is_dir() {
        return Err(ENOTDIR);
    }
    // Only directories that persist can carry a mount; procfs makes its
    // directories afresh at each lookup.
    if dir.is_proc() {
        return Err(EINVAL);
    }
    let source = crate::mm::heap::for_user(|| Arc::try_new(source)).map_err(|_| ENOMEM)?;
    let parent = mount_of(&dir).map_or(ROOT_MNT_ID, |(id, _)| id);
    // A table one longer, made before the table is borrowed (nothing is
    // allocated under the borrow); the old one is dropped after it.
    let n = mounts(|m| m.len());
    let mut table = crate::mm::heap::try_vec::<Mount>(n + 1)?;
    let old = mounts(|m| {
        table.append(m);
        // The lowest free id (Linux's `mnt_id_ida`).
        let id = (1..)
            .find(|id| table.iter().all(|x| x.id != *id))
            .unwrap_or(0);
        table.push(Mount {
            id,
            parent,
            mountpoint: Some(dir.clone()),
            root: root.clone(),
            fs: fs.clone(),
            fstype: name,
            source,
            flags: mnt_flags,
            expiry_mark: false,
        });
        core::mem::replace(m, table)
    });
    drop(old);
    dir.mounted.store(true, Ordering::Relaxed);
    Ok(())
}

/// Mount procfs on `/proc` at boot, if the tree has that directory.
///
/// On Linux this is user space's job: init (or an init script) runs
/// `mount -t proc proc /proc` early. Here init is often a test program
/// started directly by `init=`, which does not, while the C libraries,
/// BusyBox and the tests expect `/proc/self/...`; so the kernel does what
/// such an init would have done, with the same flags (`rw,relatime`).
pub fn mount_proc_at_boot() {
    let Ok(dir) = namei::lookup(&namei::root(), b"/proc", true) else {
        return;
    };
    if !dir.is_dir() {
        return;
    }
    if let Err(e) = do_new_mount(&dir, b"proc", b"proc".to_vec(), mnt_flags_of(0), b"") {
        log::warn!("could not mount proc on /proc: {e}");
    }
}

/// Mount a tmpfs on `/dev/shm` at boot (`rw,nosuid,nodev`, as systemd and
/// the init scripts mount it), making the directory if `/dev` lacks it:
/// POSIX shared memory (`shm_open`, `sem_open`) lives there in both C
/// libraries. Nothing is done if the tree has no `/dev` directory.
pub fn mount_shm_at_boot() {
    let root = namei::root();
    let Ok(dev) = namei::lookup(&root, b"/dev", true) else {
        return;
    };
    if !dev.is_dir() || dev.is_proc() {
        return;
    }
    let shm = match namei::lookup(&root, b"/dev/shm", true) {
        Ok(d) => d,
        Err(_) => match namei::create_in(
            &dev,
            b"shm",
            abi::stat::S_IFDIR | 0o1777,
            (0, 0),
            super::inode::Data::Static(&[]),
        ) {
            Ok(d) => d,
            Err(e) => {
                log::warn!("could not make /dev/shm: {e}");
                return;
            }
        },
    };
    let flags = mnt_flags_of(MS_NOSUID | MS_NODEV);
    if let Err(e) = do_new_mount(&shm, b"tmpfs", b"tmpfs".to_vec(), flags, b"") {
        log::warn!("could not mount tmpfs on /dev/shm: {e}");
    }
}

// ---------------------------------------------------------------------------
// umount(2), umount2(2)

/// `umount2(target, flags)` (Linux's `ksys_umount` → `do_umount`): unknown
/// flags are `EINVAL`, then `CAP_SYS_ADMIN` (`EPERM`), then the target must
/// be the root of a mount (`EINVAL`). A mount with another mounted below
/// it, or in use (a process's directory, an open or mapped file in it), is
/// `EBUSY`, unless `MNT_DETACH`, which takes it and everything below out of
/// the tree at once and leaves what is in use to its users. The root mount
/// is always busy.
pub fn sys_umount2(target: UserCStr, flags: UmountFlags) -> SysResult {
    let flags = flags.bits();
    if flags & !(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW) != 0 {
        return Err(EINVAL);
    }
    if !namei::cred().capable(CAP_SYS_ADMIN) {
        return Err(EPERM);
    }
    let path = target.read_path()?;
    let dir = namei::lookup_at(DirFd(AT_FDCWD), &path, flags & UMOUNT_NOFOLLOW == 0)?;
    let (id, is_root) = mounts(|m| {
        m.iter()
            .find(|m| is_root_of(m, &dir))
            .map(|m| (m.id, m.mountpoint.is_none()))
    })
    .ok_or(EINVAL)?;
    if flags & MNT_EXPIRE != 0 {
        if is_root || flags & (MNT_FORCE | MNT_DETACH) != 0 {
            return Err(EINVAL);
        }
        // The first request only marks it (`mnt_expiry_mark`).
        let first = mounts(|m| {
            m.iter_mut()
                .find(|m| m.id == id)
                .is_some_and(|m| !core::mem::replace(&mut m.expiry_mark, true))
        });
        if first {
            return Err(EAGAIN);
        }
    }
    if is_root {
        return Err(EBUSY);
    }
    drop(dir);
    do_umount(id, flags & MNT_DETACH != 0)?;
    Ok(0)
}

/// `do_umount` of mount `id` (not the root mount): `EBUSY` if a mount is
/// below it or something of it is in use, unless `detach`.
fn do_umount(id: u32, detach: bool) -> Result<(), Errno> {
    if !detach && (mounts(|m| m.iter().any(|m| m.parent == id && m.id != id)) || in_use(id)) {
        return Err(EBUSY);
    }
    umount_tree(id);
    Ok(())
}

/// `umount(target)`: `umount2(target, 0)`.
pub fn sys_umount(target: UserCStr) -> SysResult {
    sys_umount2(target, UmountFlags::from_bits(0))
}

/// Is something of mount `id` in use: a process's working directory or
/// root, an open file, or a mapped file (Linux counts these as references
/// to the mount, `propagate_mount_busy`)?
fn in_use(id: u32) -> bool {
    let Some(dev) = mounts(|m| m.iter().find(|m| m.id == id).map(|m| m.dev())) else {
        return false;
    };
    SCHED.with(|s| {
        s.tasks.pids().any(|pid| {
            let Some(t) = s.tasks.get(pid) else {
                return false;
            };
            t.fs.cwd.dev == dev
                || t.fs.root.dev == dev
                || t.files
                    .iter()
                    .any(|(_, f, _)| f.lock().inode.as_ref().is_some_and(|i| i.dev == dev))
                || t.mm.as_ref().is_some_and(|mm| mm.with(|a| a.maps_dev(dev)))
        })
    })
}

/// Is `x` mount `top` or below it?
fn in_subtree(table: &[Mount], x: &Mount, top: u32) -> bool {
    let mut cur = x;
    loop {
        if cur.id == top {
            return true;
        }
        match table.iter().find(|p| p.id == cur.parent) {
            Some(p) if p.id != cur.id => cur = p,
            _ => return false,
        }
    }
}

/// Take mount `id` and every mount below it out of the table
/// (`umount_tree`), the lowest first; their trees are taken apart once
/// nothing else reaches them.
fn umount_tree(id: u32) {
    loop {
        let taken = mounts(|t| {
            let i = t.iter().position(|x| {
                in_subtree(t, x, id) && !t.iter().any(|c| c.parent == x.id && c.id != x.id)
            })?;
            Some(t.remove(i))
        });
        let Some(m) = taken else {
            return;
        };
        if let Some(p) = &m.mountpoint {
            p.mounted.store(false, Ordering::Relaxed);
        }
        // A tmpfs's tree is taken apart; a procfs's number goes with the
        // mount (its inodes hold nothing).
        let Mount { root, fs, .. } = m;
        if let Fs::Tmpfs(_) = fs {
            tmpfs::kill_tree(root);
        }
    }
}

// ---------------------------------------------------------------------------
// /proc/mounts, /proc/<pid>/mountinfo

/// What one line needs, copied out of the table.
struct Shown {
    id: u32,
    parent: u32,
    root: InodeRef,
    fs: Fs,
    fstype: &'static str,
    source: Arc<Vec<u8>>,
    flags: u32,
}

/// `show_mnt_opts`: the per-mount flags, each `,name`.
fn show_mnt_opts(m: &mut SeqFile, flags: u32) {
    for (f, name) in [
        (MNT_NOSUID, ",nosuid"),
        (MNT_NODEV, ",nodev"),
        (MNT_NOEXEC, ",noexec"),
        (MNT_NOATIME, ",noatime"),
        (MNT_NODIRATIME, ",nodiratime"),
        (MNT_RELATIME, ",relatime"),
        (MNT_NOSYMFOLLOW, ",nosymfollow"),
    ] {
        if flags & f != 0 {
            m.puts(name.as_bytes());
        }
    }
}

/// The file system's own options (`shmem_show_options`; procfs shows none
/// by default): only what differs from the defaults.
fn show_options(m: &mut SeqFile, fs: &Fs) {
    let Fs::Tmpfs(t) = fs else {
        return;
    };
    use core::fmt::Write;
    let o = &t.opts;
    if o.pages.is_some() {
        let kb = t.max_pages.load(Ordering::Relaxed) * (crate::mm::PAGE_SIZE / 1024);
        let _ = write!(m, ",size={kb}k");
    }
    if o.inodes.is_some() {
        let _ = write!(m, ",nr_inodes={}", t.max_inodes.load(Ordering::Relaxed));
    }
    if let Some(mode) = o.mode
        && mode != 0o1777
    {
        let _ = write!(m, ",mode={mode:03o}");
    }
    if let Some(uid) = o.uid.filter(|&u| u != 0) {
        let _ = write!(m, ",uid={uid}");
    }
    if let Some(gid) = o.gid.filter(|&g| g != 0) {
        let _ = write!(m, ",gid={gid}");
    }
}

/// What `seq_escape` turns into octal in paths and names.
const ESCAPED: &[u8] = b" \t\n\\";

/// The text of `/proc/mounts` (`show_vfsmnt`) or, with `info`,
/// `/proc/<pid>/mountinfo` (`show_mountinfo`).
pub fn show(m: &mut SeqFile, info: bool) -> Result<(), Errno> {
    // Copy the table out first: the paths are found by walking up through
    // it, and nothing is allocated while it is borrowed.
    let n = mounts(|m| m.len());
    let mut shown: Vec<Shown> = crate::mm::heap::try_vec(n)?;
    mounts(|t| {
        for x in t.iter().take(n) {
            shown.push(Shown {
                id: x.id,
                parent: x.parent,
                root: x.root.clone(),
                fs: x.fs.clone(),
                fstype: x.fstype,
                source: x.source.clone(),
                flags: x.flags,
            });
        }
    });
    for s in &shown {
        // A mount that cannot be reached from our root is left out, as
        // `seq_path_root` skips it.
        let Some(path) = namei::path_of(&s.root) else {
            continue;
        };
        let rw = if s.flags & MNT_READONLY != 0 {
            " ro"
        } else {
            " rw"
        };
        if info {
            use core::fmt::Write;
            let _ = write!(
                m,
                "{} {} {}:{} / ",
                s.id, s.parent, s.root.dev.0, s.root.dev.1
            );
            m.escape(&path, ESCAPED);
            m.puts(rw.as_bytes());
            show_mnt_opts(m, s.flags);
            m.puts(b" - ");
            m.puts(s.fstype.as_bytes());
            m.putc(b' ');
            m.escape(&s.source, ESCAPED);
            m.puts(rw.as_bytes());
            show_options(m, &s.fs);
            m.putc(b'\n');
        } else {
            m.escape(&s.source, ESCAPED);
            m.putc(b' ');
            m.escape(&path, ESCAPED);
            m.putc(b' ');
            m.puts(s.fstype.as_bytes());
            m.puts(rw.as_bytes());
            show_mnt_opts(m, s.flags);
            show_options(m, &s.fs);
            m.puts(b" 0 0\n");
        }
    }
    Ok(())
}

/// The statfs `f_flags` of `inode`'s mount (`calculate_f_flags`):
/// `ST_VALID` and the mount's flags.
pub fn statfs_flags(inode: &Inode) -> u32 {
    let f = mnt_flags(inode);
    let mut st = ST_VALID;
    for (mnt, bit) in [
        (MNT_READONLY, ST_RDONLY),
        (MNT_NOSUID, ST_NOSUID),
        (MNT_NODEV, ST_NODEV),
        (MNT_NOEXEC, ST_NOEXEC),
        (MNT_NOATIME, ST_NOATIME),
        (MNT_NODIRATIME, ST_NODIRATIME),
        (MNT_RELATIME, ST_RELATIME),
        (MNT_NOSYMFOLLOW, ST_NOSYMFOLLOW),
    ] {
        if f & mnt != 0 {
            st |= bit;
        }
    }
    st
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fs::inode::Data;
    use abi::stat::S_IFDIR;

    fn dir(parent: &InodeRef, name: &str) -> InodeRef {
        namei::create_in(
            parent,
            name.as_bytes(),
            S_IFDIR | 0o755,
            (0, 0),
            Data::Static(&[]),
        )
        .unwrap()
    }

    fn get(path: &str) -> Result<InodeRef, Errno> {
        namei::lookup(&namei::root(), path.as_bytes(), true)
    }

    fn same(a: Result<InodeRef, Errno>, b: &InodeRef) -> bool {
        a.is_ok_and(|a| Arc::ptr_eq(&a, b))
    }

    fn id_of(root: &InodeRef) -> u32 {
        mounts(|m| m.iter().find(|m| is_root_of(m, root)).map(|m| m.id)).unwrap()
    }

    #[test_case]
    fn the_walk_crosses_mounts_down_and_up() {
        let root = namei::root();
        let mnt = dir(&root, "t_mnt");
        let hidden = dir(&mnt, "hidden");
        do_new_mount(
            &mnt,
            b"tmpfs",
            b"none".to_vec(),
            mnt_flags_of(0),
            b"size=64k",
        )
        .unwrap();
        let top = get("/t_mnt").unwrap();
        assert!(!Arc::ptr_eq(&top, &mnt));
        assert_ne!(top.dev, root.dev);
        assert_eq!(top.mode(), S_IFDIR | 0o1777);
        assert!(is_mountpoint(&mnt) && is_mount_root(&top));
        assert_eq!(
            top.sb.as_ref().unwrap().max_pages.load(Ordering::Relaxed),
            16
        );
        // What the mount covers is out of sight; what is made is in it.
        assert_eq!(get("/t_mnt/hidden").err(), Some(ENOENT));
        let inner = dir(&top, "inner");
        assert_eq!(inner.dev, top.dev);
        assert!(same(get("/t_mnt/inner/.."), &top));
        assert!(same(get("/t_mnt/inner/../.."), &root));
        assert!(same(get("/t_mnt/../t_mnt/inner"), &inner));
        assert_eq!(namei::path_of(&inner).unwrap(), b"/t_mnt/inner");

        // A second mount on the same path goes on top of the first.
        do_new_mount(
            &mnt,
            b"tmpfs",
            b"second".to_vec(),
            mnt_flags_of(MS_NOEXEC),
            b"",
        )
        .unwrap();
        let top2 = get("/t_mnt").unwrap();
        assert!(!Arc::ptr_eq(&top2, &top) && top2.dev != top.dev);
        assert_eq!(get("/t_mnt/inner").err(), Some(ENOENT));
        assert!(same(get("/t_mnt/.."), &root));
        assert_eq!(namei::path_of(&top2).unwrap(), b"/t_mnt");
        assert_eq!(mnt_flags(&top2) & MNT_NOEXEC, MNT_NOEXEC);
        assert_eq!(mount_of(&top2).unwrap().0, id_of(&top2));

        // procfs below it: its fixed tree and `..` out of it.
        let p = dir(&top2, "p");
        do_new_mount(&p, b"proc", b"proc".to_vec(), mnt_flags_of(0), b"").unwrap();
        let kernel = get("/t_mnt/p/sys/kernel").unwrap();
        assert!(kernel.is_proc() && kernel.is_dir());
        assert_eq!(namei::path_of(&kernel).unwrap(), b"/t_mnt/p/sys/kernel");
        assert!(same(get("/t_mnt/p/sys/kernel/../../.."), &top2));
        assert!(get("/t_mnt/p/sys/kernel/pid_max").is_ok());
        assert_eq!(get("/t_mnt/p/nope").err(), Some(ENOENT));
        // Nothing is made in procfs: ENOENT, as its lookup says.
        assert_eq!(
            namei::create_in(&kernel, b"x", S_IFDIR | 0o755, (0, 0), Data::Static(&[])).err(),
            Some(ENOENT)
        );

        // The mount with procfs below it is busy; procfs goes first.
        let (id1, id2, idp) = (id_of(&top), id_of(&top2), id_of(&get("/t_mnt/p").unwrap()));
        assert_eq!(do_umount(id2, false), Err(EBUSY));
        drop(kernel);
        do_umount(idp, false).unwrap();
        assert!(same(get("/t_mnt/p"), &p));
        do_umount(id2, false).unwrap();
        assert!(same(get("/t_mnt"), &top));
        assert!(same(get("/t_mnt/inner"), &inner));
        // A lazy unmount takes what is below too.
        let q = dir(&inner, "q");
        do_new_mount(&q, b"tmpfs", b"q".to_vec(), mnt_flags_of(0), b"").unwrap();
        do_umount(id1, true).unwrap();
        assert!(same(get("/t_mnt"), &mnt));
        assert!(same(get("/t_mnt/hidden"), &hidden));
        assert!(!is_mountpoint(&mnt) && !is_mountpoint(&q));
        assert_eq!(mounts(|m| m.len()), 1);
        // What was held stays usable, out of the tree.
        assert!(namei::path_of(&inner).is_none());
        tmpfs::remove_entry(&mnt, b"hidden").unwrap();
        tmpfs::remove_entry(&root, b"t_mnt").unwrap();
    }

    #[test_case]
    fn mount_options_and_errors() {
        let root = namei::root();
        let m = dir(&root, "t_opts");
        assert_eq!(
            do_new_mount(&m, b"ext4", b"x".to_vec(), 0, b"").err(),
            Some(ENODEV)
        );
        assert_eq!(
            do_new_mount(&m, b"tmpfs", b"x".to_vec(), 0, b"bogus=1").err(),
            Some(EINVAL)
        );
        let file = namei::create_in(
            &m,
            b"f",
            abi::stat::S_IFREG | 0o644,
            (0, 0),
            Data::Static(&[]),
        )
        .unwrap();
        assert_eq!(
            do_new_mount(&file, b"tmpfs", b"x".to_vec(), 0, b"").err(),
            Some(ENOTDIR)
        );
        let o = TmpfsOpts::parse(b"size=2m,nr_inodes=10,mode=700,uid=5,ro").unwrap();
        assert_eq!(o.pages, Some(512));
        assert_eq!(
            (o.inodes, o.mode, o.uid, o.rdonly),
            (Some(10), Some(0o700), Some(5), true)
        );
        do_new_mount(
            &m,
            b"tmpfs",
            b"opt src".to_vec(),
            mnt_flags_of(MS_NOSUID),
            b"size=2m,mode=700,ro",
        )
        .unwrap();
        let top = get("/t_opts").unwrap();
        assert_eq!(top.mode(), S_IFDIR | 0o700);
        assert_eq!(mnt_want_write(&top), Err(EROFS));
        assert_eq!(
            namei::create_in(&top, b"x", S_IFDIR | 0o755, (0, 0), Data::Static(&[])).err(),
            Some(EROFS)
        );
        let mut seq = SeqFile::new();
        show(&mut seq, false).unwrap();
        let text = seq.finish().unwrap();
        let text = core::str::from_utf8(&text).unwrap();
        assert!(text.starts_with("rootfs / rootfs rw 0 0\n"), "{text}");
        assert!(
            text.contains("opt\\040src /t_opts tmpfs ro,nosuid,relatime,size=2048k,mode=700 0 0\n"),
            "{text}"
        );
        let mut seq = SeqFile::new();
        show(&mut seq, true).unwrap();
        let info = seq.finish().unwrap();
        let info = core::str::from_utf8(&info).unwrap();
        assert!(
            info.starts_with("1 1 0:1 / / rw - rootfs rootfs rw\n"),
            "{info}"
        );
        assert!(
            info.contains(
                " / /t_opts ro,nosuid,relatime - tmpfs opt\\040src ro,size=2048k,mode=700\n"
            ),
            "{info}"
        );
        do_umount(id_of(&top), false).unwrap();
        drop(top);
        drop(file);
        tmpfs::remove_entry(&m, b"f").unwrap();
        tmpfs::remove_entry(&root, b"t_opts").unwrap();
    }
}

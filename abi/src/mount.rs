//! Mounting: the `mount(2)` flags (`include/uapi/linux/mount.h`), the
//! `umount2(2)` flags (`include/linux/fs.h`, which C libraries copy into
//! `<sys/mount.h>`), and the `f_flags` bits `statfs` reports for a mount
//! (`include/linux/statfs.h`).

// include/uapi/linux/mount.h: mount(2) flags.

/// Mount read-only.
pub const MS_RDONLY: u32 = 1;
/// Ignore set-user-ID and set-group-ID bits.
pub const MS_NOSUID: u32 = 2;
/// Disallow access to device special files.
pub const MS_NODEV: u32 = 4;
/// Disallow program execution.
pub const MS_NOEXEC: u32 = 8;
/// Writes are synced at once.
pub const MS_SYNCHRONOUS: u32 = 16;
/// Alter the flags of a mounted file system.
pub const MS_REMOUNT: u32 = 32;
/// Allow mandatory locks.
pub const MS_MANDLOCK: u32 = 64;
/// Directory modifications are synchronous.
pub const MS_DIRSYNC: u32 = 128;
/// Do not follow symlinks.
pub const MS_NOSYMFOLLOW: u32 = 256;
/// Do not update access times.
pub const MS_NOATIME: u32 = 1024;
/// Do not update directory access times.
pub const MS_NODIRATIME: u32 = 2048;
/// Make a bind mount.
pub const MS_BIND: u32 = 4096;
/// Move a subtree.
pub const MS_MOVE: u32 = 8192;
/// Recursively, for `MS_BIND` and the propagation types.
pub const MS_REC: u32 = 16384;
/// Quieter messages (`MS_VERBOSE` of old).
pub const MS_SILENT: u32 = 32768;
/// The file system supports POSIX ACLs.
pub const MS_POSIXACL: u32 = 1 << 16;
/// Propagation type: unbindable.
pub const MS_UNBINDABLE: u32 = 1 << 17;
/// Propagation type: private.
pub const MS_PRIVATE: u32 = 1 << 18;
/// Propagation type: slave.
pub const MS_SLAVE: u32 = 1 << 19;
/// Propagation type: shared.
pub const MS_SHARED: u32 = 1 << 20;
/// Update access times relative to modification times.
pub const MS_RELATIME: u32 = 1 << 21;
/// A kernel-internal mount (not for user space).
pub const MS_KERNMOUNT: u32 = 1 << 22;
/// Update inode version numbers.
pub const MS_I_VERSION: u32 = 1 << 23;
/// Always update access times.
pub const MS_STRICTATIME: u32 = 1 << 24;
/// Update times lazily.
pub const MS_LAZYTIME: u32 = 1 << 25;
/// A file system user space may not mount (`EINVAL`).
pub const MS_NOUSER: u32 = 1 << 31;
/// The old magic in the high half of the flags, ignored (`MS_MGC_VAL`).
pub const MS_MGC_VAL: u32 = 0xC0ED_0000;
/// Where that magic lives.
pub const MS_MGC_MSK: u32 = 0xFFFF_0000;

flags! {
    /// `mount`'s `flags` argument.
    pub struct MountFlags {
        MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_SYNCHRONOUS, MS_REMOUNT, MS_MANDLOCK,
        MS_DIRSYNC, MS_NOSYMFOLLOW, MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_MOVE, MS_REC,
        MS_SILENT, MS_POSIXACL, MS_UNBINDABLE, MS_PRIVATE, MS_SLAVE, MS_SHARED, MS_RELATIME,
        MS_KERNMOUNT, MS_I_VERSION, MS_STRICTATIME, MS_LAZYTIME, MS_NOUSER,
    }
}

// include/linux/fs.h: umount2(2) flags.

/// Unmount even if busy (only network file systems honour it).
pub const MNT_FORCE: u32 = 1;
/// Detach now, clean up when no longer busy (a "lazy" unmount).
pub const MNT_DETACH: u32 = 2;
/// Mark for expiry.
pub const MNT_EXPIRE: u32 = 4;
/// Do not follow a final symlink of the target.
pub const UMOUNT_NOFOLLOW: u32 = 8;

flags! {
    /// `umount2`'s `flags` argument.
    pub struct UmountFlags {
        MNT_FORCE, MNT_DETACH, MNT_EXPIRE, UMOUNT_NOFOLLOW,
    }
}

// include/linux/statfs.h: statfs(2)'s f_flags, from the mount's flags.

/// Mounted read-only.
pub const ST_RDONLY: u32 = 0x0001;
/// Set-id bits ignored.
pub const ST_NOSUID: u32 = 0x0002;
/// Device files not usable.
pub const ST_NODEV: u32 = 0x0004;
/// Programs not executable.
pub const ST_NOEXEC: u32 = 0x0008;
/// Synchronous writes.
pub const ST_SYNCHRONOUS: u32 = 0x0010;
/// `f_flags` is filled in (always set by Linux since 2.6.36).
pub const ST_VALID: u32 = 0x0020;
/// Mandatory locks allowed.
pub const ST_MANDLOCK: u32 = 0x0040;
/// Access times not updated.
pub const ST_NOATIME: u32 = 0x0400;
/// Directory access times not updated.
pub const ST_NODIRATIME: u32 = 0x0800;
/// Access times updated relative to modification times.
pub const ST_RELATIME: u32 = 0x1000;
/// Symlinks not followed.
pub const ST_NOSYMFOLLOW: u32 = 0x2000;

//! File-mode bits (`st_mode`, the `mode` argument of `open`/`mkdir`/`chmod`),
//! the `statx` request mask and attribute bits, from
//! `include/uapi/linux/stat.h`, and the directory-entry types (`DT_*`).
//!
//! The structures that carry them ([`crate::Stat64`], [`crate::Statx`]) are in
//! [`crate::types`].

// include/uapi/linux/stat.h: file type, in the S_IFMT bits of the mode.

/// Mask of the file-type bits.
pub const S_IFMT: u32 = 0o170000;
/// Socket.
pub const S_IFSOCK: u32 = 0o140000;
/// Symbolic link.
pub const S_IFLNK: u32 = 0o120000;
/// Regular file.
pub const S_IFREG: u32 = 0o100000;
/// Block device.
pub const S_IFBLK: u32 = 0o060000;
/// Directory.
pub const S_IFDIR: u32 = 0o040000;
/// Character device.
pub const S_IFCHR: u32 = 0o020000;
/// FIFO (named pipe).
pub const S_IFIFO: u32 = 0o010000;

// include/uapi/linux/stat.h: permission bits.

/// Set user ID on execution.
pub const S_ISUID: u32 = 0o4000;
/// Set group ID on execution.
pub const S_ISGID: u32 = 0o2000;
/// Sticky bit (restricted deletion in directories).
pub const S_ISVTX: u32 = 0o1000;
/// Owner: read, write, execute.
pub const S_IRWXU: u32 = 0o700;
/// Owner: read.
pub const S_IRUSR: u32 = 0o400;
/// Owner: write.
pub const S_IWUSR: u32 = 0o200;
/// Owner: execute.
pub const S_IXUSR: u32 = 0o100;
/// Group: read, write, execute.
pub const S_IRWXG: u32 = 0o070;
/// Group: read.
pub const S_IRGRP: u32 = 0o040;
/// Group: write.
pub const S_IWGRP: u32 = 0o020;
/// Group: execute.
pub const S_IXGRP: u32 = 0o010;
/// Others: read, write, execute.
pub const S_IRWXO: u32 = 0o007;
/// Others: read.
pub const S_IROTH: u32 = 0o004;
/// Others: write.
pub const S_IWOTH: u32 = 0o002;
/// Others: execute.
pub const S_IXOTH: u32 = 0o001;

/// Whether `mode` is a directory (`S_ISDIR`).
pub const fn s_isdir(mode: u32) -> bool {
    mode & S_IFMT == S_IFDIR
}

/// Whether `mode` is a regular file (`S_ISREG`).
pub const fn s_isreg(mode: u32) -> bool {
    mode & S_IFMT == S_IFREG
}

/// Whether `mode` is a character device (`S_ISCHR`).
pub const fn s_ischr(mode: u32) -> bool {
    mode & S_IFMT == S_IFCHR
}

/// Whether `mode` is a symbolic link (`S_ISLNK`).
pub const fn s_islnk(mode: u32) -> bool {
    mode & S_IFMT == S_IFLNK
}

/// Whether `mode` is a FIFO (`S_ISFIFO`).
pub const fn s_isfifo(mode: u32) -> bool {
    mode & S_IFMT == S_IFIFO
}

// include/uapi/linux/stat.h: statx(2) mask bits (request and stx_mask).

/// `stx_mode & S_IFMT`.
pub const STATX_TYPE: u32 = 0x1;
/// `stx_mode & !S_IFMT`.
pub const STATX_MODE: u32 = 0x2;
/// `stx_nlink`.
pub const STATX_NLINK: u32 = 0x4;
/// `stx_uid`.
pub const STATX_UID: u32 = 0x8;
/// `stx_gid`.
pub const STATX_GID: u32 = 0x10;
/// `stx_atime`.
pub const STATX_ATIME: u32 = 0x20;
/// `stx_mtime`.
pub const STATX_MTIME: u32 = 0x40;
/// `stx_ctime`.
pub const STATX_CTIME: u32 = 0x80;
/// `stx_ino`.
pub const STATX_INO: u32 = 0x100;
/// `stx_size`.
pub const STATX_SIZE: u32 = 0x200;
/// `stx_blocks`.
pub const STATX_BLOCKS: u32 = 0x400;
/// Everything that `stat` returns.
pub const STATX_BASIC_STATS: u32 = 0x7ff;
/// `stx_btime`.
pub const STATX_BTIME: u32 = 0x800;
/// `stx_mnt_id`.
pub const STATX_MNT_ID: u32 = 0x1000;
/// Reserved for future `struct statx` expansion: a request with it is
/// `EINVAL`.
pub const STATX__RESERVED: u32 = 0x8000_0000;

// include/uapi/linux/stat.h: `stx_attributes` / `stx_attributes_mask` bits
// (a `__u64`).

/// The file is an automount trigger.
pub const STATX_ATTR_AUTOMOUNT: u64 = 0x1000;
/// The file is the root of a mount.
pub const STATX_ATTR_MOUNT_ROOT: u64 = 0x2000;
/// The file is in the DAX (CPU direct access) state.
pub const STATX_ATTR_DAX: u64 = 0x20_0000;

// include/linux/fs_types.h: directory-entry types (`d_type` of
// `getdents`/`getdents64`, a byte), `S_IFMT >> 12` (glibc <dirent.h>).

/// Unknown type.
pub const DT_UNKNOWN: u8 = 0;
/// FIFO (named pipe).
pub const DT_FIFO: u8 = 1;
/// Character device.
pub const DT_CHR: u8 = 2;
/// Directory.
pub const DT_DIR: u8 = 4;
/// Block device.
pub const DT_BLK: u8 = 6;
/// Regular file.
pub const DT_REG: u8 = 8;
/// Symbolic link.
pub const DT_LNK: u8 = 10;
/// Socket.
pub const DT_SOCK: u8 = 12;
/// Whiteout (union mounts).
pub const DT_WHT: u8 = 14;

// include/uapi/linux/stat.h: `utimensat` nanosecond values that are not times.

/// Set this time to now.
pub const UTIME_NOW: i64 = (1 << 30) - 1;
/// Leave this time as it is.
pub const UTIME_OMIT: i64 = (1 << 30) - 2;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(S_IFMT, 0xf000);
        assert_eq!(S_IFREG, 0x8000);
        assert_eq!(S_IFDIR, 0x4000);
        assert_eq!(S_IFCHR, 0x2000);
        assert_eq!(S_IFLNK, 0xa000);
        assert_eq!(S_IFIFO, 0x1000);
        assert!(s_isdir(S_IFDIR | 0o755));
        assert!(!s_isreg(S_IFDIR | 0o755));
        assert_eq!(STATX_BASIC_STATS, 0x7ff);
        assert_eq!(u32::from(DT_DIR), S_IFDIR >> 12);
        assert_eq!(u32::from(DT_LNK), S_IFLNK >> 12);
    }
}

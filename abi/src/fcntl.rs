//! File-descriptor flags: `open` flags, the `*at` directory-fd conventions,
//! `fcntl` commands and lock types, `lseek` origins and `access` modes, as
//! i386 Linux defines them.
//!
//! x86 has no `asm/fcntl.h` values of its own, so the open flags are the
//! generic ones (octal in the headers, kept octal here).

// include/uapi/asm-generic/fcntl.h: open(2) flags.

/// Mask of the access-mode bits.
pub const O_ACCMODE: u32 = 0o3;
/// Open for reading only.
pub const O_RDONLY: u32 = 0o0;
/// Open for writing only.
pub const O_WRONLY: u32 = 0o1;
/// Open for reading and writing.
pub const O_RDWR: u32 = 0o2;
/// Create the file if it does not exist.
pub const O_CREAT: u32 = 0o100;
/// With `O_CREAT`: fail with `EEXIST` if the file exists.
pub const O_EXCL: u32 = 0o200;
/// Do not make a terminal the controlling terminal.
pub const O_NOCTTY: u32 = 0o400;
/// Truncate a regular file to length 0.
pub const O_TRUNC: u32 = 0o1000;
/// Every write goes to the end of the file.
pub const O_APPEND: u32 = 0o2000;
/// Non-blocking I/O.
pub const O_NONBLOCK: u32 = 0o4000;
/// Same as `O_NONBLOCK`.
pub const O_NDELAY: u32 = O_NONBLOCK;
/// Synchronized data writes.
pub const O_DSYNC: u32 = 0o10000;
/// Signal-driven I/O (`fcntl` only).
pub const FASYNC: u32 = 0o20000;
/// Bypass the page cache.
pub const O_DIRECT: u32 = 0o40000;
/// Allow files larger than 2 GiB on 32-bit (`open` sets it itself on 64-bit).
pub const O_LARGEFILE: u32 = 0o100000;
/// Fail unless the path is a directory.
pub const O_DIRECTORY: u32 = 0o200000;
/// Fail if the last path component is a symbolic link.
pub const O_NOFOLLOW: u32 = 0o400000;
/// Do not update the access time.
pub const O_NOATIME: u32 = 0o1000000;
/// Close the descriptor on `execve`.
pub const O_CLOEXEC: u32 = 0o2000000;
/// Synchronized data and metadata writes (`__O_SYNC | O_DSYNC`).
pub const O_SYNC: u32 = 0o4000000 | O_DSYNC;
/// A descriptor that only names a location (no I/O).
pub const O_PATH: u32 = 0o10000000;
/// An unnamed temporary file in the given directory
/// (`__O_TMPFILE | O_DIRECTORY`).
pub const O_TMPFILE: u32 = 0o20000000 | O_DIRECTORY;

// include/uapi/asm-generic/fcntl.h and include/uapi/linux/fcntl.h: fcntl(2)
// commands.

/// Duplicate to the lowest free descriptor `>= arg`.
pub const F_DUPFD: u32 = 0;
/// Get the descriptor flags (`FD_CLOEXEC`).
pub const F_GETFD: u32 = 1;
/// Set the descriptor flags (`FD_CLOEXEC`).
pub const F_SETFD: u32 = 2;
/// Get the file status flags (`O_*`).
pub const F_GETFL: u32 = 3;
/// Set the file status flags (`O_APPEND`, `O_NONBLOCK`, ...).
pub const F_SETFL: u32 = 4;
/// Test for a record lock (`struct flock`).
pub const F_GETLK: u32 = 5;
/// Set a record lock without waiting.
pub const F_SETLK: u32 = 6;
/// Set a record lock, waiting for it.
pub const F_SETLKW: u32 = 7;
/// Set the process receiving `SIGIO`.
pub const F_SETOWN: u32 = 8;
/// Get the process receiving `SIGIO`.
pub const F_GETOWN: u32 = 9;
/// Set the signal sent instead of `SIGIO` (`__F_SETSIG`).
pub const F_SETSIG: u32 = 10;
/// Get the signal sent instead of `SIGIO` (`__F_GETSIG`).
pub const F_GETSIG: u32 = 11;
/// `F_GETLK` with `struct flock64` (32-bit only).
pub const F_GETLK64: u32 = 12;
/// `F_SETLK` with `struct flock64` (32-bit only).
pub const F_SETLK64: u32 = 13;
/// `F_SETLKW` with `struct flock64` (32-bit only).
pub const F_SETLKW64: u32 = 14;
/// Test for an open-file-description lock.
pub const F_OFD_GETLK: u32 = 36;
/// Set an open-file-description lock without waiting.
pub const F_OFD_SETLK: u32 = 37;
/// Set an open-file-description lock, waiting for it.
pub const F_OFD_SETLKW: u32 = 38;
/// Base of the Linux-specific commands.
pub const F_LINUX_SPECIFIC_BASE: u32 = 1024;
/// `F_DUPFD`, and set `FD_CLOEXEC` on the new descriptor.
pub const F_DUPFD_CLOEXEC: u32 = F_LINUX_SPECIFIC_BASE + 6;
/// Set a pipe's capacity.
pub const F_SETPIPE_SZ: u32 = F_LINUX_SPECIFIC_BASE + 7;
/// Get a pipe's capacity.
pub const F_GETPIPE_SZ: u32 = F_LINUX_SPECIFIC_BASE + 8;

/// The descriptor flag for `F_GETFD` / `F_SETFD`: close on `execve`.
pub const FD_CLOEXEC: u32 = 1;

// include/uapi/asm-generic/fcntl.h: `l_type` of `struct flock`/`flock64`
// (a `short`).

/// A read (shared) lock.
pub const F_RDLCK: i16 = 0;
/// A write (exclusive) lock.
pub const F_WRLCK: i16 = 1;
/// No lock: release one, or what `F_GETLK` reports for a free range.
pub const F_UNLCK: i16 = 2;

// include/uapi/linux/fcntl.h: the *at(2) conventions.

/// As a directory descriptor: resolve relative paths from the current
/// working directory.
pub const AT_FDCWD: i32 = -100;
/// Do not follow a final symbolic link.
pub const AT_SYMLINK_NOFOLLOW: u32 = 0x100;
/// `faccessat`: check with the effective IDs.
pub const AT_EACCESS: u32 = 0x200;
/// `unlinkat`: remove a directory (same bit as `AT_EACCESS`).
pub const AT_REMOVEDIR: u32 = 0x200;
/// `linkat`: follow a final symbolic link.
pub const AT_SYMLINK_FOLLOW: u32 = 0x400;
/// Do not trigger an automount on the final component.
pub const AT_NO_AUTOMOUNT: u32 = 0x800;
/// An empty path means the directory descriptor itself.
pub const AT_EMPTY_PATH: u32 = 0x1000;
/// `statx`: mask of the synchronisation type.
pub const AT_STATX_SYNC_TYPE: u32 = 0x6000;
/// `statx`: do what `stat` does.
pub const AT_STATX_SYNC_AS_STAT: u32 = 0x0000;
/// `statx`: force attributes to be synchronised with the server.
pub const AT_STATX_FORCE_SYNC: u32 = 0x2000;
/// `statx`: do not synchronise attributes with the server.
pub const AT_STATX_DONT_SYNC: u32 = 0x4000;
/// Apply to the entire subtree.
pub const AT_RECURSIVE: u32 = 0x8000;

// include/uapi/linux/fs.h: lseek(2) origins.

/// Offset is from the start of the file.
pub const SEEK_SET: u32 = 0;
/// Offset is from the current position.
pub const SEEK_CUR: u32 = 1;
/// Offset is from the end of the file.
pub const SEEK_END: u32 = 2;
/// Next data at or after the offset.
pub const SEEK_DATA: u32 = 3;
/// Next hole at or after the offset.
pub const SEEK_HOLE: u32 = 4;
/// The last origin `lseek` accepts.
pub const SEEK_MAX: u32 = SEEK_HOLE;

// access(2)/faccessat(2) modes: POSIX <unistd.h>, the values of
// include/linux/fs.h's `MAY_EXEC`/`MAY_WRITE`/`MAY_READ`.

/// The file exists (no permission bit asked for).
pub const F_OK: u32 = 0;
/// Execute (search, for a directory) permission.
pub const X_OK: u32 = 1;
/// Write permission.
pub const W_OK: u32 = 2;
/// Read permission.
pub const R_OK: u32 = 4;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(O_CREAT, 0x40);
        assert_eq!(O_TRUNC, 0x200);
        assert_eq!(O_APPEND, 0x400);
        assert_eq!(O_NONBLOCK, 0x800);
        assert_eq!(O_LARGEFILE, 0x8000);
        assert_eq!(O_DIRECTORY, 0x10000);
        assert_eq!(O_CLOEXEC, 0x80000);
        assert_eq!(O_SYNC, 0x101000);
        assert_eq!(O_PATH, 0x200000);
        assert_eq!(O_TMPFILE, 0x410000);
        assert_eq!(F_DUPFD_CLOEXEC, 1030);
    }
}

flags! {
    /// `open(2)`'s flags argument.
    pub struct OpenFlags [O_RDONLY if O_ACCMODE] {
        O_WRONLY, O_RDWR, O_CREAT, O_EXCL, O_NOCTTY, O_TRUNC, O_APPEND, O_NONBLOCK,
        O_DSYNC, FASYNC, O_DIRECT, O_LARGEFILE, O_DIRECTORY, O_NOFOLLOW, O_NOATIME,
        O_CLOEXEC, O_PATH,
    }
}

flags! {
    /// The `flags` argument of the `*at` calls (`fstatat`, `faccessat2`, ...).
    pub struct AtFlags {
        AT_SYMLINK_NOFOLLOW, AT_EACCESS, AT_SYMLINK_FOLLOW, AT_NO_AUTOMOUNT, AT_EMPTY_PATH,
        AT_STATX_FORCE_SYNC, AT_STATX_DONT_SYNC, AT_RECURSIVE,
    }
}

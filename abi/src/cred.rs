//! Credentials as the system calls see them: the supplementary group
//! limit (`include/uapi/linux/limits.h`), the 16-bit ids of the old i386
//! calls (`include/linux/highuid.h`, `kernel/uid16.c`), and the capability
//! numbers (`include/uapi/linux/capability.h`) that name each privilege a
//! permission check asks for.
//!
//! The original i386 calls (`getuid` = 24, `setuid` = 23, ...) carry ids as
//! `old_uid_t`, 16 bits; the `*32` calls added in Linux 2.4 carry 32. An id
//! that does not fit in 16 bits reads as [`DEFAULT_OVERFLOWUID`] through
//! the old calls, and the 16-bit "-1" (`0xffff`, "leave unchanged") widens
//! to the 32-bit one.

/// Most supplementary groups a process may have (`setgroups`: `-EINVAL`
/// past it).
pub const NGROUPS_MAX: usize = 65536;

/// `(uid_t)-1`: never a valid id; to the set*id calls, "leave this one
/// unchanged" (Linux's `INVALID_UID`, `uid_valid`).
pub const INVALID_UID: u32 = u32::MAX;
/// `(gid_t)-1`, the same for groups.
pub const INVALID_GID: u32 = u32::MAX;

/// What the 16-bit calls show for a uid above 65535 (Linux's `overflowuid`
/// sysctl starts at this, "nobody").
pub const DEFAULT_OVERFLOWUID: u16 = 65534;
/// The same for gids (`overflowgid`).
pub const DEFAULT_OVERFLOWGID: u16 = 65534;

/// Linux's `high2lowuid`: a 32-bit id as a 16-bit call returns it.
pub const fn high2lowuid(uid: u32) -> u16 {
    if uid & !0xFFFF != 0 {
        DEFAULT_OVERFLOWUID
    } else {
        uid as u16
    }
}

/// Linux's `high2lowgid`.
pub const fn high2lowgid(gid: u32) -> u16 {
    if gid & !0xFFFF != 0 {
        DEFAULT_OVERFLOWGID
    } else {
        gid as u16
    }
}

/// Linux's `low2highuid` (and `low2highgid`): a 16-bit id as the 32-bit
/// calls take it, the 16-bit `-1` staying `-1`.
pub const fn low2highuid(uid: u16) -> u32 {
    if uid == u16::MAX {
        INVALID_UID
    } else {
        uid as u32
    }
}

// include/uapi/linux/capability.h: capability numbers.

/// Change a file's owner and group at will.
pub const CAP_CHOWN: u32 = 0;
/// Bypass file read, write and execute permission checks.
pub const CAP_DAC_OVERRIDE: u32 = 1;
/// Bypass file read and directory search checks.
pub const CAP_DAC_READ_SEARCH: u32 = 2;
/// Act as the owner of any file (`chmod`, `utime`, ...).
pub const CAP_FOWNER: u32 = 3;
/// Keep set-user/group-ID bits when a file changes.
pub const CAP_FSETID: u32 = 4;
/// Send any signal to any process.
pub const CAP_KILL: u32 = 5;
/// Set any group id, and the supplementary groups.
pub const CAP_SETGID: u32 = 6;
/// Set any user id.
pub const CAP_SETUID: u32 = 7;
pub const CAP_SETPCAP: u32 = 8;
pub const CAP_LINUX_IMMUTABLE: u32 = 9;
pub const CAP_NET_BIND_SERVICE: u32 = 10;
pub const CAP_NET_BROADCAST: u32 = 11;
pub const CAP_NET_ADMIN: u32 = 12;
pub const CAP_NET_RAW: u32 = 13;
pub const CAP_IPC_LOCK: u32 = 14;
pub const CAP_IPC_OWNER: u32 = 15;
pub const CAP_SYS_MODULE: u32 = 16;
pub const CAP_SYS_RAWIO: u32 = 17;
/// `chroot`.
pub const CAP_SYS_CHROOT: u32 = 18;
pub const CAP_SYS_PTRACE: u32 = 19;
pub const CAP_SYS_PACCT: u32 = 20;
/// `mount`, `sethostname` and much else.
pub const CAP_SYS_ADMIN: u32 = 21;
/// `reboot`.
pub const CAP_SYS_BOOT: u32 = 22;
pub const CAP_SYS_NICE: u32 = 23;
/// Raise hard resource limits, exceed `RLIMIT_NPROC`.
pub const CAP_SYS_RESOURCE: u32 = 24;
pub const CAP_SYS_TIME: u32 = 25;
pub const CAP_SYS_TTY_CONFIG: u32 = 26;
/// Create device nodes.
pub const CAP_MKNOD: u32 = 27;
pub const CAP_LEASE: u32 = 28;
pub const CAP_AUDIT_WRITE: u32 = 29;
pub const CAP_AUDIT_CONTROL: u32 = 30;
pub const CAP_SETFCAP: u32 = 31;
pub const CAP_MAC_OVERRIDE: u32 = 32;
pub const CAP_MAC_ADMIN: u32 = 33;
pub const CAP_SYSLOG: u32 = 34;
pub const CAP_WAKE_ALARM: u32 = 35;
pub const CAP_BLOCK_SUSPEND: u32 = 36;
pub const CAP_AUDIT_READ: u32 = 37;
pub const CAP_PERFMON: u32 = 38;
pub const CAP_BPF: u32 = 39;
pub const CAP_CHECKPOINT_RESTORE: u32 = 40;
/// The highest capability number.
pub const CAP_LAST_CAP: u32 = CAP_CHECKPOINT_RESTORE;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sixteen_bit_ids_as_linux() {
        assert_eq!(CAP_SYS_RESOURCE, 24);
        assert_eq!(CAP_LAST_CAP, 40);
        assert_eq!(high2lowuid(1000), 1000);
        assert_eq!(high2lowuid(65535), 65535);
        assert_eq!(high2lowuid(65536), 65534);
        assert_eq!(high2lowgid(u32::MAX), 65534);
        assert_eq!(low2highuid(0xFFFF), u32::MAX);
        assert_eq!(low2highuid(0xFFFE), 0xFFFE);
    }
}

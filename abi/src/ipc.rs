//! System V IPC constants (include/uapi/linux/ipc.h, include/uapi/linux/shm.h):
//! the `ipc` multiplexer's calls, the key and flag values and the `shmctl`
//! commands. The structures are in `types` (`Ipc64Perm`, `Shmid64Ds`, ...).

/// The key that always makes a new segment.
pub const IPC_PRIVATE: i32 = 0;
/// Create if the key does not exist.
pub const IPC_CREAT: u32 = 0o1000;
/// Fail if the key exists.
pub const IPC_EXCL: u32 = 0o2000;
/// Return an error rather than wait.
pub const IPC_NOWAIT: u32 = 0o4000;

/// `shmctl` commands.
pub const IPC_RMID: i32 = 0;
pub const IPC_SET: i32 = 1;
pub const IPC_STAT: i32 = 2;
pub const IPC_INFO: i32 = 3;
pub const SHM_LOCK: i32 = 11;
pub const SHM_UNLOCK: i32 = 12;
pub const SHM_STAT: i32 = 13;
pub const SHM_INFO: i32 = 14;
pub const SHM_STAT_ANY: i32 = 15;
/// Or'ed into a command: the 64-bit structures (`ipc64_perm`, `shmid64_ds`).
pub const IPC_64: i32 = 0x100;

/// `shmat` flags.
pub const SHM_RDONLY: u32 = 0o10000;
pub const SHM_RND: u32 = 0o20000;
pub const SHM_REMAP: u32 = 0o40000;
pub const SHM_EXEC: u32 = 0o100000;

/// Mode bits beside the permissions: marked for destruction, locked.
pub const SHM_DEST: u32 = 0o1000;
pub const SHM_LOCKED: u32 = 0o2000;

/// The `ipc` (117) multiplexer's calls (`ipc/syscall.c`).
pub const SEMOP: u32 = 1;
pub const SEMTIMEDOP: u32 = 4;
pub const MSGSND: u32 = 11;
pub const MSGCTL: u32 = 14;
pub const SHMAT: u32 = 21;
pub const SHMDT: u32 = 22;
pub const SHMGET: u32 = 23;
pub const SHMCTL: u32 = 24;

/// Limits (include/uapi/linux/shm.h): smallest segment, most segments,
/// largest segment and total pages (`ULONG_MAX - 2^24` on 32 bits).
pub const SHMMIN: usize = 1;
pub const SHMMNI: usize = 4096;
pub const SHMMAX: usize = usize::MAX - (1 << 24);
pub const SHMALL: usize = usize::MAX - (1 << 24);

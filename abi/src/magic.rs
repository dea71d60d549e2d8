//! File-system magic numbers: what `statfs` reports as `f_type`
//! (`include/uapi/linux/magic.h`).

/// tmpfs (and the root file system, which is one).
pub const TMPFS_MAGIC: u32 = 0x0102_1994;
/// procfs.
pub const PROC_SUPER_MAGIC: u32 = 0x9fa0;
/// The pipe file system behind every pipe.
pub const PIPEFS_MAGIC: u32 = 0x5049_5045;

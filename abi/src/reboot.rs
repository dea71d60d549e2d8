//! `reboot(2)`'s magic numbers and commands (`include/uapi/linux/reboot.h`).

/// The first argument: guards against a stray call.
pub const LINUX_REBOOT_MAGIC1: u32 = 0xfee1_dead;
/// The second argument may be any of these (Linus's and his daughters'
/// birthdays, in hex).
pub const LINUX_REBOOT_MAGIC2: u32 = 672_274_793;
pub const LINUX_REBOOT_MAGIC2A: u32 = 85_072_278;
pub const LINUX_REBOOT_MAGIC2B: u32 = 369_367_448;
pub const LINUX_REBOOT_MAGIC2C: u32 = 537_993_216;

/// Restart the machine.
pub const LINUX_REBOOT_CMD_RESTART: u32 = 0x0123_4567;
/// Stop the machine.
pub const LINUX_REBOOT_CMD_HALT: u32 = 0xcdef_0123;
/// Power the machine off.
pub const LINUX_REBOOT_CMD_POWER_OFF: u32 = 0x4321_fedc;
/// Ctrl-Alt-Del reboots at once.
pub const LINUX_REBOOT_CMD_CAD_ON: u32 = 0x89ab_cdef;
/// Ctrl-Alt-Del sends SIGINT to init instead.
pub const LINUX_REBOOT_CMD_CAD_OFF: u32 = 0x0000_0000;

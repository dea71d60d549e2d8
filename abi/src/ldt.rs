//! `modify_ldt`'s functions and the LDT's size (Linux's
//! `arch/x86/include/uapi/asm/ldt.h` and `arch/x86/kernel/ldt.c`).

/// Read the LDT (`func` 0).
pub const MODIFY_LDT_READ: u32 = 0;
/// Write an entry, old mode (`func` 1): base and limit 0 clear it, and the
/// AVL (`useable`) bit is dropped.
pub const MODIFY_LDT_WRITE_OLD: u32 = 1;
/// Read the "default LDT": zeros (`func` 2).
pub const MODIFY_LDT_READ_DEFAULT: u32 = 2;
/// Write an entry, new mode (`func` 0x11).
pub const MODIFY_LDT_WRITE: u32 = 0x11;

/// Maximum number of LDT entries (`LDT_ENTRIES`).
pub const LDT_ENTRIES: u32 = 8192;
/// Bytes per entry (`LDT_ENTRY_SIZE`).
pub const LDT_ENTRY_SIZE: u32 = 8;
/// Bytes `modify_ldt(2, ...)` reads on i386: five zero descriptors.
pub const DEFAULT_LDT_SIZE: u32 = 5 * 8;

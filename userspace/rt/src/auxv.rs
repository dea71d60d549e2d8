//! The auxiliary vector: the `(key, value)` pairs the kernel placed after
//! `envp` on the initial stack, kept here for the life of the process.
//!
//! [`start`](crate::start) records every pair with a key below [`MAX_KEY`];
//! the rest of the runtime reads them back, most importantly `AT_SYSINFO`
//! (the address of the vDSO's `__kernel_vsyscall`, the sysenter path).

use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering::Relaxed};

pub use abi::auxv::{
    AT_BASE, AT_EGID, AT_ENTRY, AT_EUID, AT_EXECFN, AT_GID, AT_HWCAP, AT_PAGESZ, AT_PHDR, AT_PHENT,
    AT_PHNUM, AT_PLATFORM, AT_RANDOM, AT_SECURE, AT_SYSINFO, AT_SYSINFO_EHDR, AT_UID,
};

/// Keys at or above this are not recorded (Linux's highest today is
/// `AT_MINSIGSTKSZ` = 51).
pub const MAX_KEY: usize = 64;

// The process is single-threaded; atomics (all `Relaxed`) only make the
// statics safe to share without `unsafe`.
static VALUES: [AtomicUsize; MAX_KEY] = [const { AtomicUsize::new(0) }; MAX_KEY];
static PRESENT: [AtomicBool; MAX_KEY] = [const { AtomicBool::new(false) }; MAX_KEY];

/// Records one pair (called by `start` while walking the vector).
pub(crate) fn record(key: usize, value: usize) {
    if key < MAX_KEY {
        VALUES[key].store(value, Relaxed);
        PRESENT[key].store(true, Relaxed);
    }
}

/// The value the kernel passed for `key` (an `AT_*` constant), or `None` if
/// the vector had no such entry.
pub fn get(key: u32) -> Option<usize> {
    let key = key as usize;
    if key < MAX_KEY && PRESENT[key].load(Relaxed) {
        Some(VALUES[key].load(Relaxed))
    } else {
        None
    }
}

/// `AT_SYSINFO`: the entry of the vDSO's `__kernel_vsyscall`, if any.
pub fn sysinfo() -> Option<usize> {
    get(AT_SYSINFO).filter(|&a| a != 0)
}

/// `AT_SYSINFO_EHDR`: the address of the vDSO's ELF header, if any.
pub fn sysinfo_ehdr() -> Option<usize> {
    get(AT_SYSINFO_EHDR).filter(|&a| a != 0)
}

/// `AT_PAGESZ`, or 4096 if the kernel did not say.
pub fn page_size() -> usize {
    get(AT_PAGESZ).unwrap_or(4096)
}

//! One boot-information value for both boot protocols.
//!
//! `_start` hands over the boot loader's magic and a physical pointer; this
//! module recognises the protocol by the magic (Multiboot 1: 0x2BADB002,
//! Multiboot 2: 0x36D76289) and copies what the kernel needs (memory map,
//! command line, modules) into a [`BootInfo`] that owns its data, so nothing
//! later depends on where the loader put its tables.

pub mod multiboot1;
pub mod multiboot2;

use crate::arch::x86::boot::{MULTIBOOT1_BOOTLOADER_MAGIC, MULTIBOOT2_BOOTLOADER_MAGIC};

/// How many memory-map entries and modules we keep.
pub const MAX_REGIONS: usize = 64;
pub const MAX_MODULES: usize = 8;
pub const MAX_CMDLINE: usize = 4096;

/// The protocol the kernel was booted with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BootProtocol {
    Multiboot1,
    Multiboot2,
}

/// A memory-map entry: physical `[start, end)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MemoryRegion {
    pub start: u64,
    pub end: u64,
    /// True for RAM the OS may use (type 1 in both protocols).
    pub usable: bool,
}

/// A boot module: physical `[start, end)`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Module {
    pub start: u32,
    pub end: u32,
}

/// Everything the kernel keeps from the boot loader.
pub struct BootInfo {
    pub protocol: BootProtocol,
    regions: [MemoryRegion; MAX_REGIONS],
    nregions: usize,
    modules: [Module; MAX_MODULES],
    nmodules: usize,
    cmdline: [u8; MAX_CMDLINE],
    cmdline_len: usize,
    /// Physical range of the loader's information structure(s), reserved
    /// until we have copied it.
    pub info_range: (u32, u32),
}

/// Why the boot information could not be used.
#[derive(Debug)]
pub enum BootError {
    UnknownMagic(u32),
    Unreadable(&'static str),
}

impl BootInfo {
    /// An empty value of the given protocol.
    pub const fn new(protocol: BootProtocol) -> Self {
        Self {
            protocol,
            regions: [MemoryRegion {
                start: 0,
                end: 0,
                usable: false,
            }; MAX_REGIONS],
            nregions: 0,
            modules: [Module { start: 0, end: 0 }; MAX_MODULES],
            nmodules: 0,
            cmdline: [0; MAX_CMDLINE],
            cmdline_len: 0,
            info_range: (0, 0),
        }
    }

    /// Record one memory-map entry (extra entries are dropped with a warning).
    pub fn push_region(&mut self, r: MemoryRegion) {
        if self.nregions < MAX_REGIONS {
            self.regions[self.nregions] = r;
            self.nregions += 1;
        }
    }

    /// Record one module.
    pub fn push_module(&mut self, m: Module) {
        if self.nmodules < MAX_MODULES {
            self.modules[self.nmodules] = m;
            self.nmodules += 1;
        }
    }

    /// Record the command line (truncated to [`MAX_CMDLINE`] bytes).
    pub fn set_cmdline(&mut self, bytes: &[u8]) {
        let n = bytes.len().min(MAX_CMDLINE);
        self.cmdline[..n].copy_from_slice(&bytes[..n]);
        self.cmdline_len = n;
    }

    pub fn regions(&self) -> &[MemoryRegion] {
        &self.regions[..self.nregions]
    }

    pub fn modules(&self) -> &[Module] {
        &self.modules[..self.nmodules]
    }

    /// The raw command line, as the loader gave it.
    pub fn cmdline(&self) -> &str {
        core::str::from_utf8(&self.cmdline[..self.cmdline_len]).unwrap_or("")
    }

    /// Highest end address of usable RAM.
    pub fn usable_top(&self) -> u64 {
        self.regions()
            .iter()
            .filter(|r| r.usable)
            .map(|r| r.end)
            .max()
            .unwrap_or(0)
    }
}

/// Turn the loader's magic and pointer into a [`BootInfo`].
///
/// # Safety
/// `info_phys` must be what the boot loader passed in EBX, and the boot page
/// directory (which maps physical 0..16 MiB at `KERNEL_BASE`) must be active.
pub unsafe fn parse(magic: u32, info_phys: u32, out: &mut BootInfo) -> Result<(), BootError> {
    match magic {
        // SAFETY: the magic says EBX points at Multiboot 1 information.
        MULTIBOOT1_BOOTLOADER_MAGIC => unsafe { multiboot1::parse(info_phys, out) },
        // SAFETY: the magic says EBX points at Multiboot 2 information.
        MULTIBOOT2_BOOTLOADER_MAGIC => unsafe { multiboot2::parse(info_phys, out) },
        other => Err(BootError::UnknownMagic(other)),
    }
}

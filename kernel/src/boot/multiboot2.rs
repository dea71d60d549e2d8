//! Multiboot 2 boot information (GRUB's `multiboot2` command), parsed with
//! the `multiboot2` crate.

use super::{BootError, BootInfo, BootProtocol, MemoryRegion, Module};
use crate::mm::{EARLY_MAPPED_LIMIT, phys_to_virt};
use multiboot2::{BootInformation, BootInformationHeader, MemoryAreaType};

/// Parse Multiboot 2 information at `info` into `out`.
///
/// # Safety
/// `info` must be the physical address GRUB passed with magic 0x36D76289.
pub unsafe fn parse(info: u32, out: &mut BootInfo) -> Result<(), BootError> {
    *out = BootInfo::new(BootProtocol::Multiboot2);
    if info as usize + 8 > EARLY_MAPPED_LIMIT {
        return Err(BootError::Unreadable("multiboot2 information above 16 MiB"));
    }
    let ptr = phys_to_virt(info as usize) as *const BootInformationHeader;
    // SAFETY: the caller vouches that `info` is GRUB's information block, and
    // it lies in the early mapping (checked above).
    let bi = unsafe { BootInformation::load(ptr) }
        .map_err(|_| BootError::Unreadable("malformed multiboot2 information"))?;
    out.info_range = (info, info + bi.total_size() as u32);

    if let Some(tag) = bi.command_line_tag() {
        out.set_cmdline(tag.cmdline().unwrap_or("").as_bytes());
    }
    for m in bi.module_tags() {
        out.push_module(Module {
            start: m.start_address(),
            end: m.end_address(),
        });
    }
    let map = bi
        .memory_map_tag()
        .ok_or(BootError::Unreadable("multiboot2 gave no memory map"))?;
    for area in map.memory_areas() {
        out.push_region(MemoryRegion {
            start: area.start_address(),
            end: area.end_address(),
            usable: area.typ() == MemoryAreaType::Available,
        });
    }
    Ok(())
}

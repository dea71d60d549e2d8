//! Multiboot 1 boot information (as QEMU's `-kernel` and GRUB's `multiboot`
//! pass it), parsed by hand: it is a flat C struct (Multiboot spec 0.6.96,
//! section 3.3, "Boot information format").

use super::{BootError, BootInfo, BootProtocol, MemoryRegion, Module};
use crate::mm::EARLY_MAPPED_LIMIT;
use crate::mm::phys_to_virt;

/// `flags` bits saying which fields are valid.
const MB1_INFO_CMDLINE: u32 = 1 << 2;
const MB1_INFO_MODS: u32 = 1 << 3;
const MB1_INFO_MEM_MAP: u32 = 1 << 6;

/// Read a `T` at a physical address inside the early mapping.
///
/// # Safety
/// `[pa, pa + size_of::<T>())` must be readable memory.
unsafe fn read_phys<T: Copy>(pa: u32) -> Result<T, BootError> {
    let end = pa as usize + core::mem::size_of::<T>();
    if end > EARLY_MAPPED_LIMIT {
        return Err(BootError::Unreadable("multiboot1 data above 16 MiB"));
    }
    // SAFETY: below EARLY_MAPPED_LIMIT the boot page directory maps physical
    // memory at phys_to_virt; the caller vouches the bytes are there.
    Ok(unsafe { core::ptr::read_unaligned(phys_to_virt(pa as usize) as *const T) })
}

/// Parse Multiboot 1 information at `info` into `out`.
///
/// # Safety
/// `info` must be the physical address QEMU/GRUB passed with magic 0x2BADB002.
pub unsafe fn parse(info: u32, out: &mut BootInfo) -> Result<(), BootError> {
    *out = BootInfo::new(BootProtocol::Multiboot1);
    // SAFETY: `info` is the loader's structure, which the caller vouches
    // for; so are the addresses read from it below.
    let flags: u32 = unsafe { read_phys(info)? };
    out.info_range = (info, info + 120);

    if flags & MB1_INFO_CMDLINE != 0 {
        // SAFETY: see above.
        let ptr: u32 = unsafe { read_phys(info + 16)? };
        let mut buf = [0u8; super::MAX_CMDLINE];
        let mut n = 0;
        while n < buf.len() {
            // SAFETY: see above; the string is NUL-terminated.
            let b: u8 = unsafe { read_phys(ptr + n as u32)? };
            if b == 0 {
                break;
            }
            buf[n] = b;
            n += 1;
        }
        out.set_cmdline(&buf[..n]);
    }

    if flags & MB1_INFO_MODS != 0 {
        // SAFETY: see above.
        let (count, addr): (u32, u32) = unsafe { (read_phys(info + 20)?, read_phys(info + 24)?) };
        for i in 0..count.min(super::MAX_MODULES as u32) {
            // Each module entry: mod_start, mod_end, string, reserved.
            // SAFETY: see above.
            let (start, end): (u32, u32) =
                unsafe { (read_phys(addr + i * 16)?, read_phys(addr + i * 16 + 4)?) };
            out.push_module(Module { start, end });
        }
    }

    if flags & MB1_INFO_MEM_MAP != 0 {
        // SAFETY: see above.
        let (len, addr): (u32, u32) = unsafe { (read_phys(info + 44)?, read_phys(info + 48)?) };
        let mut off = 0;
        while off + 24 <= len {
            // Entry: size (not counting itself), base u64, length u64, type.
            // SAFETY: see above.
            let (size, base, length, typ): (u32, u64, u64, u32) = unsafe {
                (
                    read_phys(addr + off)?,
                    read_phys(addr + off + 4)?,
                    read_phys(addr + off + 12)?,
                    read_phys(addr + off + 20)?,
                )
            };
            out.push_region(MemoryRegion {
                start: base,
                end: base.saturating_add(length),
                usable: typ == 1,
            });
            off += size + 4;
        }
    } else {
        return Err(BootError::Unreadable("multiboot1 gave no memory map"));
    }
    Ok(())
}

//! The Local Descriptor Table and `modify_ldt` (Linux's
//! `arch/x86/kernel/ldt.c`), plus the `user_desc` encoding that
//! `set_thread_area` shares with it (Linux's `fill_ldt`, `LDT_empty`,
//! `LDT_zero` in `asm/desc.h`).
//!
//! Each address space has at most one LDT ([`MmLdt`], in `mm::Mm`):
//! shared by the threads of the mm, copied on fork, gone on exec (a new
//! mm). Like Linux's `ldt_struct`, a table is never changed while the CPU
//! may use it: `write_ldt` builds a new one, installs it and frees the old
//! one. The GDT's LDT slot ([`gdt::set_ldt`]) describes the table of the
//! running task; [`load`] reloads LDTR whenever the table to use differs
//! (on every task switch, after `modify_ldt`, after exec), and loads the
//! null selector for an mm without one, so no selector with TI set ever
//! reaches freed memory.
//!
//! A segment register holding a selector whose entry changed is handled
//! as on Linux: the return to user mode reloads DS/ES/FS/GS from the frame
//! (their loads have exception-table fixups that load the null selector),
//! and CS/SS by `iret`, whose fault becomes a signal (`traps.rs`
//! `iret_error`).

use super::gdt;
use crate::sync::UpCell;
use abi::UserDesc;
use abi::errno::{EFAULT, EINVAL, ENOMEM, ENOSYS, Errno};
use abi::ldt::{
    DEFAULT_LDT_SIZE, LDT_ENTRIES, LDT_ENTRY_SIZE, MODIFY_LDT_READ, MODIFY_LDT_READ_DEFAULT,
    MODIFY_LDT_WRITE, MODIFY_LDT_WRITE_OLD,
};
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU32, Ordering};

/// An mm's LDT: its descriptors (empty: no LDT). The CPU reads them at
/// the `Vec`'s address, so the `Vec` is never grown in place: a change
/// installs a new one.
pub struct MmLdt(UpCell<Vec<u64>>);

impl Default for MmLdt {
    fn default() -> Self {
        Self::new()
    }
}

impl MmLdt {
    pub const fn new() -> Self {
        Self(UpCell::new(Vec::new()))
    }

    /// A copy for a forked mm (Linux's `ldt_dup_context`).
    pub fn try_clone(&self) -> Result<Self, Errno> {
        let mut v = crate::mm::heap::try_vec(self.0.with(|e| e.len())).map_err(|_| ENOMEM)?;
        self.0.with(|e| v.extend_from_slice(e));
        Ok(Self(UpCell::new(v)))
    }

    /// The GDT system descriptor for this table (0: none).
    pub fn descriptor(&self) -> u64 {
        self.0.with(|e| ldt_descriptor(e))
    }

    /// Entry `idx`, 0 if beyond the table.
    pub fn entry(&self, idx: usize) -> u64 {
        self.0.with(|e| e.get(idx).copied().unwrap_or(0))
    }
}

impl Drop for MmLdt {
    fn drop(&mut self) {
        // The table the CPU is using goes away (the last task of the mm
        // exits or execs): load the null LDT first.
        if self.descriptor() != 0 && loaded() == self.descriptor() {
            load(0);
        }
    }
}

/// Access byte of an LDT's own descriptor: present, DPL 0, type 2 (LDT).
const ACCESS_LDT: u8 = 0x82;
/// The LDT's selector (in the GDT).
const LDT_SEL: u16 = (gdt::GDT_ENTRY_LDT << 3) as u16;

fn ldt_descriptor(entries: &[u64]) -> u64 {
    if entries.is_empty() {
        return 0;
    }
    gdt::descriptor(
        entries.as_ptr() as u32,
        (entries.len() * LDT_ENTRY_SIZE as usize - 1) as u32,
        ACCESS_LDT,
        0,
    )
}

/// The descriptor LDTR was last loaded from (0: the null LDT), in two
/// halves: a 64-bit atomic would be a locked `cmpxchg8b` on every switch.
/// Only the switch and `modify_ldt` touch it, with interrupts off.
static LOADED_LO: AtomicU32 = AtomicU32::new(0);
static LOADED_HI: AtomicU32 = AtomicU32::new(0);

fn loaded() -> u64 {
    u64::from(LOADED_HI.load(Ordering::Relaxed)) << 32
        | u64::from(LOADED_LO.load(Ordering::Relaxed))
}

/// Make `desc` (an mm's [`MmLdt::descriptor`]) the CPU's LDT, unless it
/// already is (Linux's `load_mm_ldt`/`switch_ldt`).
pub fn load(desc: u64) {
    if loaded() == desc {
        return;
    }
    LOADED_LO.store(desc as u32, Ordering::Relaxed);
    LOADED_HI.store((desc >> 32) as u32, Ordering::Relaxed);
    let sel = if desc == 0 {
        0
    } else {
        gdt::set_ldt(desc);
        LDT_SEL
    };
    // SAFETY: `sel` is null or the GDT's LDT slot, just written with a
    // present LDT descriptor for a live table; the kernel itself never uses
    // a selector with TI set.
    unsafe { core::arch::asm!("lldt {0:x}", in(reg) sel, options(nostack, preserves_flags)) };
}

/// Load the current task's LDT (after exec or `modify_ldt`).
pub fn load_current() {
    let desc = crate::proc::current_mm().map_or(0, |m| m.ldt.descriptor());
    load(desc);
}

/// `LDT_empty`: the `user_desc` that means "no segment".
pub fn ldt_empty(u: &UserDesc) -> bool {
    u.base_addr == 0
        && u.limit == 0
        && u.contents() == 0
        && u.read_exec_only()
        && !u.seg_32bit()
        && !u.limit_in_pages()
        && u.seg_not_present()
        && !u.useable()
}

/// `LDT_zero`: all zeros but `entry_number` (what programs often pass to
/// mean "no segment"; `set_thread_area` accepts it as that).
pub fn ldt_zero(u: &UserDesc) -> bool {
    u.base_addr == 0 && u.limit == 0 && u.flags & 0x7F == 0
}

/// `fill_ldt`: the descriptor a `user_desc` asks for: DPL 3, the accessed
/// bit set (the CPU then never writes the table), the L bit never.
pub fn fill_ldt(u: &UserDesc) -> u64 {
    let typ = (u32::from(!u.read_exec_only()) << 1) | (u.contents() << 2) | 1;
    let access = (u32::from(!u.seg_not_present()) << 7) | 0x60 | 0x10 | typ;
    let flags = (u32::from(u.limit_in_pages()) << 3)
        | (u32::from(u.seg_32bit()) << 2)
        | u32::from(u.useable());
    gdt::descriptor(u.base_addr, u.limit & 0xF_FFFF, access as u8, flags as u8)
}

/// The inverse (Linux's `fill_user_desc`, for `get_thread_area`).
pub fn user_desc_of(entry_number: u32, d: u64) -> UserDesc {
    let access = (d >> 40) as u8;
    let flags = (d >> 52) as u8;
    let mut u = UserDesc {
        entry_number,
        base_addr: ((d >> 16) & 0xFF_FFFF) as u32 | (((d >> 56) as u32) << 24),
        limit: (d & 0xFFFF) as u32 | (((d >> 48) & 0xF) as u32) << 16,
        flags: 0,
    };
    u.flags = u32::from(flags & 4 != 0)
        | (u32::from((access >> 2) & 3) << UserDesc::CONTENTS_SHIFT)
        | if access & 2 == 0 {
            UserDesc::READ_EXEC_ONLY
        } else {
            0
        }
        | if flags & 8 != 0 {
            UserDesc::LIMIT_IN_PAGES
        } else {
            0
        }
        | if access & 0x80 == 0 {
            UserDesc::SEG_NOT_PRESENT
        } else {
            0
        }
        | if flags & 1 != 0 { UserDesc::USEABLE } else { 0 };
    u
}

/// `modify_ldt(func, ptr, bytecount)`; an unknown `func` is `-ENOSYS`, as
/// Linux's.
pub fn sys_modify_ldt(func: u32, ptr: usize, bytecount: usize) -> Result<usize, Errno> {
    match func {
        MODIFY_LDT_READ => read_ldt(ptr, bytecount),
        MODIFY_LDT_WRITE_OLD => write_ldt(ptr, bytecount, true),
        MODIFY_LDT_READ_DEFAULT => {
            let n = bytecount.min(DEFAULT_LDT_SIZE as usize);
            clear_user(ptr, n)?;
            Ok(n)
        }
        MODIFY_LDT_WRITE => write_ldt(ptr, bytecount, false),
        _ => Err(ENOSYS),
    }
}

fn clear_user(ptr: usize, n: usize) -> Result<(), Errno> {
    let zeros = crate::mm::heap::try_zeroed(n).map_err(|_| ENOMEM)?;
    crate::mm::usercopy::copy_to_user(&*crate::proc::current_mm()?, ptr, &zeros)
}

/// Linux's `read_ldt`: the table's bytes, zero-filled up to `bytecount`
/// (at most the largest table); 0 without a table.
fn read_ldt(ptr: usize, bytecount: usize) -> Result<usize, Errno> {
    let mm = crate::proc::current_mm()?;
    let n = bytecount.min((LDT_ENTRIES * LDT_ENTRY_SIZE) as usize);
    let len = mm.ldt.0.with(|e| e.len()) * LDT_ENTRY_SIZE as usize;
    if len == 0 {
        return Ok(0);
    }
    let mut buf = crate::mm::heap::try_zeroed(n).map_err(|_| ENOMEM)?;
    mm.ldt.0.with(|e| {
        for (chunk, d) in buf.chunks_mut(8).zip(e.iter()) {
            chunk.copy_from_slice(&d.to_le_bytes()[..chunk.len()]);
        }
    });
    crate::mm::usercopy::copy_to_user(&mm, ptr, &buf)?;
    Ok(n)
}

/// Linux's `write_ldt`: check the `user_desc`, then install a new table
/// with that entry changed.
fn write_ldt(ptr: usize, bytecount: usize, oldmode: bool) -> Result<usize, Errno> {
    if bytecount != size_of::<UserDesc>() {
        return Err(EINVAL);
    }
    let mm = crate::proc::current_mm()?;
    let info: UserDesc = crate::mm::usercopy::get_user(&mm, ptr).map_err(|_| EFAULT)?;
    if info.entry_number >= LDT_ENTRIES {
        return Err(EINVAL);
    }
    // Conforming code only if not present (a present conforming code
    // segment would run user code at the caller's privilege: Linux's rule).
    if info.contents() == 3 && (oldmode || !info.seg_not_present()) {
        return Err(EINVAL);
    }
    let desc = if (oldmode && info.base_addr == 0 && info.limit == 0) || ldt_empty(&info) {
        0
    } else {
        // 16-bit segments are allowed: this kernel has espfix (entry_32.S).
        let d = fill_ldt(&info);
        if oldmode { d & !(1 << 52) } else { d }
    };
    let idx = info.entry_number as usize;
    let old_n = mm.ldt.0.with(|e| e.len());
    let new_n = old_n.max(idx + 1);
    let mut new = crate::mm::heap::try_vec(new_n).map_err(|_| ENOMEM)?;
    mm.ldt.0.with(|e| new.extend_from_slice(e));
    new.resize(new_n, 0);
    new[idx] = desc;
    let old = mm.ldt.0.with(|e| core::mem::replace(e, new));
    load(mm.ldt.descriptor());
    drop(old);
    // Selectors the user holds may name the changed entry: reload FS/GS
    // (and, as always when they differ, DS/ES) from the frame on the way
    // out, where a load that now faults gives the null selector.
    gdt::forget_cached_fs_gs();
    Ok(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn desc(base: u32, limit: u32, flags: u32) -> UserDesc {
        UserDesc {
            entry_number: 0,
            base_addr: base,
            limit,
            flags,
        }
    }

    #[test_case]
    fn fill_ldt_encodes_as_linux() {
        // 32-bit RW data, 4 bytes: P, DPL 3, S, type 3 (RW, accessed), D.
        assert_eq!(
            fill_ldt(&desc(0x1234_5678, 3, UserDesc::SEG_32BIT)),
            0x1240_F334_5678_0003
        );
        // AVL and G; not present.
        let d = fill_ldt(&desc(
            0,
            0xFFFFF,
            UserDesc::SEG_32BIT
                | UserDesc::LIMIT_IN_PAGES
                | UserDesc::USEABLE
                | UserDesc::SEG_NOT_PRESENT,
        ));
        assert_eq!(d, 0x00DF_7300_0000_FFFF);
    }

    #[test_case]
    fn user_desc_round_trips() {
        for flags in [
            UserDesc::SEG_32BIT,
            UserDesc::SEG_32BIT | (2 << UserDesc::CONTENTS_SHIFT) | UserDesc::READ_EXEC_ONLY,
            UserDesc::LIMIT_IN_PAGES | UserDesc::USEABLE | UserDesc::SEG_NOT_PRESENT,
        ] {
            let u = desc(0xBEEF_0000, 0x12345, flags);
            let back = user_desc_of(7, fill_ldt(&u));
            assert_eq!(
                (back.entry_number, back.base_addr, back.limit, back.flags),
                (7, u.base_addr, u.limit, u.flags)
            );
        }
        // An empty slot reads back as LDT_empty.
        assert!(ldt_empty(&user_desc_of(6, 0)));
    }

    #[test_case]
    fn empty_and_zero() {
        assert!(ldt_zero(&desc(0, 0, 0)));
        assert!(!ldt_empty(&desc(0, 0, 0)));
        assert!(ldt_empty(&desc(
            0,
            0,
            UserDesc::READ_EXEC_ONLY | UserDesc::SEG_NOT_PRESENT
        )));
    }
}

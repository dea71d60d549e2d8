//! The one chokepoint for user memory (Linux's `copy_from_user`/
//! `copy_to_user`, xv6's `copyin(pagetable, ...)`/`copyout`).
//!
//! Every copy takes the address space it checks ([`Mm`]), as xv6's take a
//! page table, so `mm` never asks `proc` which process is running. A copy
//! 1. refuses ranges that wrap or reach the kernel half (`access_ok`),
//! 2. refuses ranges outside the address space's regions (ring 0 ignores
//!    the U/S and read-protection bits, so the regions decide whether e.g. a
//!    `PROT_NONE` page may be touched), then
//! 3. copies with one `rep movsb` whose possible page fault the trap handler
//!    turns into a jump to a fixup label (the exception table), so an
//!    unmapped or read-only user page gives `-EFAULT`, never a panic.
//!
//! System-call handlers never call these directly: they hold typed user
//! pointers (`syscall/uaccess.rs`) that copy through here.

use super::{Mm, USER_TOP};
use abi::Pod;
use abi::errno::{EFAULT, ENAMETOOLONG, ENOMEM, Errno};
use alloc::vec::Vec;
use core::mem::{MaybeUninit, size_of};

/// Is `[addr, addr + len)` entirely user space, without wrapping? (Linux's
/// `access_ok`.)
pub fn access_ok(addr: usize, len: usize) -> bool {
    matches!(addr.checked_add(len), Some(end) if end <= USER_TOP)
}

core::arch::global_asm!(concat!(
    r#"
    .section .text.usercopy, "ax"
    /* size_t __copy_user(void *dst, const void *src, size_t n):
       returns the number of bytes NOT copied. */
    .global __copy_user
    __copy_user:
        push esi
        push edi
        mov edi, [esp + 12]
        mov esi, [esp + 16]
        mov ecx, [esp + 20]
    __copy_user_insn:
        rep movsb               /* may fault: then ECX holds the bytes left */
    __copy_user_fixup:
        mov eax, ecx
        pop edi
        pop esi
        ret
    "#,
    crate::ex_table!("__copy_user_insn", "__copy_user_fixup"),
));

unsafe extern "C" {
    fn __copy_user(dst: *mut u8, src: *const u8, n: usize) -> usize;
}

/// Copy `dst.len()` bytes from user address `src`, checking only that the
/// range is user space (the fixup catches unmapped pages).
fn copy_in(dst: &mut [u8], src: usize) -> Result<(), Errno> {
    if !access_ok(src, dst.len()) {
        return Err(EFAULT);
    }
    // SAFETY: dst is a valid kernel buffer; src is a user range below
    // USER_TOP, and a fault on it resumes at the fixup (no kernel memory can
    // be reached through it).
    let left = unsafe { __copy_user(dst.as_mut_ptr(), src as *const u8, dst.len()) };
    if left == 0 { Ok(()) } else { Err(EFAULT) }
}

/// Copy `src` to user address `dst`, checking only that the range is user
/// space.
fn copy_out(dst: usize, src: &[u8]) -> Result<(), Errno> {
    if !access_ok(dst, src.len()) {
        return Err(EFAULT);
    }
    // SAFETY: as in `copy_in`, with the roles swapped; CR0.WP makes a
    // read-only user page fault even in ring 0.
    let left = unsafe { __copy_user(dst as *mut u8, src.as_ptr(), src.len()) };
    if left == 0 { Ok(()) } else { Err(EFAULT) }
}

/// Does `mm` allow this access? (The region borrow ends before the copy,
/// whose page faults borrow `mm` again.)
fn region_ok(mm: &Mm, addr: usize, len: usize, write: bool) -> Result<(), Errno> {
    if len == 0 || mm.allows(addr, len, write) {
        Ok(())
    } else {
        Err(EFAULT)
    }
}

/// Copy `dst.len()` bytes from user address `src` in `mm`.
pub fn copy_from_user(mm: &Mm, dst: &mut [u8], src: usize) -> Result<(), Errno> {
    region_ok(mm, src, dst.len(), false)?;
    copy_in(dst, src)
}

/// Copy `src` to user address `dst` in `mm`.
pub fn copy_to_user(mm: &Mm, dst: usize, src: &[u8]) -> Result<(), Errno> {
    region_ok(mm, dst, src.len(), true)?;
    copy_out(dst, src)
}

/// Fail with `-EFAULT` unless all of `[addr, addr + len)` may be accessed:
/// for a call that must check its buffer *before* it blocks.
pub fn check_user(mm: &Mm, addr: usize, len: usize, write: bool) -> Result<(), Errno> {
    if !access_ok(addr, len) {
        return Err(EFAULT);
    }
    region_ok(mm, addr, len, write)
}

/// Read one `u32` from the running process's memory with a single load:
/// SYSENTER's sixth argument, on the hot path. The page tables decide
/// (no region check): the stack it reads is the one user code just used.
#[inline(always)]
pub fn get_user_u32(addr: usize) -> Result<u32, Errno> {
    if !access_ok(addr, 4) {
        return Err(EFAULT);
    }
    let value: u32;
    let failed: u32;
    // One load, inline (Linux's `__get_user_4` is a call; this is the hot
    // path, so no call at all). The load has an exception-table entry: if
    // it faults, the fixup sets `failed` and comes back after it.
    // SAFETY: addr is a user address (checked above), so the load cannot
    // reach kernel memory, and a fault on it resumes at the fixup.
    unsafe {
        core::arch::asm!(
            "2: mov {value:e}, [{addr:e}]",
            "3:",
            ".pushsection .fixup, \"ax\"",
            "4: mov {failed:e}, 1",
            "jmp 3b",
            ".popsection",
            crate::ex_table!("2b", "4b"),
            addr = in(reg) addr,
            value = lateout(reg) value,
            failed = inout(reg) 0u32 => failed,
            options(nostack, readonly, preserves_flags),
        );
    }
    if failed == 0 { Ok(value) } else { Err(EFAULT) }
}

/// Read one `T` from user memory.
pub fn get_user<T: Pod>(mm: &Mm, addr: usize) -> Result<T, Errno> {
    let mut v = MaybeUninit::<T>::uninit();
    // SAFETY: the MaybeUninit is size_of::<T>() bytes we own.
    let bytes =
        unsafe { core::slice::from_raw_parts_mut(v.as_mut_ptr() as *mut u8, size_of::<T>()) };
    copy_from_user(mm, bytes, addr)?;
    // SAFETY: fully written by the copy; T is Pod, so any bytes are valid.
    Ok(unsafe { v.assume_init() })
}

/// Write one `T` to user memory.
pub fn put_user<T: Pod>(mm: &Mm, addr: usize, value: &T) -> Result<(), Errno> {
    // SAFETY: T is Pod: its bytes are plain data without padding.
    let bytes =
        unsafe { core::slice::from_raw_parts(value as *const T as *const u8, size_of::<T>()) };
    copy_to_user(mm, addr, bytes)
}

/// Read a NUL-terminated user string of at most `max` bytes (without the
/// NUL), in chunks that never cross a page: `-EFAULT`, or `-ENAMETOOLONG`
/// past `max` (Linux's `strncpy_from_user` + `getname`).
pub fn strncpy_from_user(mm: &Mm, addr: usize, max: usize) -> Result<Vec<u8>, Errno> {
    let mut out = Vec::new();
    let mut cur = addr;
    loop {
        let chunk = (super::PAGE_SIZE - cur % super::PAGE_SIZE).min(64);
        let mut buf = [0u8; 64];
        copy_from_user(mm, &mut buf[..chunk], cur)?;
        if let Some(n) = buf[..chunk].iter().position(|&b| b == 0) {
            if out.len() + n > max {
                return Err(ENAMETOOLONG);
            }
            super::heap::for_user(|| out.try_reserve(n)).map_err(|_| ENOMEM)?;
            out.extend_from_slice(&buf[..n]);
            return Ok(out);
        }
        super::heap::for_user(|| out.try_reserve(chunk)).map_err(|_| ENOMEM)?;
        out.extend_from_slice(&buf[..chunk]);
        if out.len() > max {
            return Err(ENAMETOOLONG);
        }
        cur = cur.checked_add(chunk).ok_or(EFAULT)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test_case]
    fn access_ok_rejects_kernel_and_wrapping_ranges() {
        assert!(access_ok(0x0804_8000, 16));
        assert!(access_ok(0xBFFF_FFF0, 16));
        assert!(!access_ok(0xBFFF_FFF0, 17));
        assert!(!access_ok(0xC000_0000, 1));
        assert!(!access_ok(0xFFFF_FF00, 0x200));
        assert!(access_ok(0, 0));
    }

    #[test_case]
    fn hostile_pointers_give_efault_not_a_panic() {
        let mut buf = [0u8; 8];
        // Kernel addresses, even ones that are mapped.
        assert_eq!(copy_in(&mut buf, 0xC010_0000), Err(EFAULT));
        assert_eq!(copy_out(0xC010_0000, &buf), Err(EFAULT));
        // Unmapped user address: the copy faults and the fixup returns.
        assert_eq!(copy_in(&mut buf, 0x1000), Err(EFAULT));
        assert_eq!(copy_out(0x0040_0000, &buf), Err(EFAULT));
        // Wrapping.
        assert_eq!(copy_in(&mut buf, usize::MAX - 1), Err(EFAULT));
        assert_eq!(get_user_u32(0x1000), Err(EFAULT));
        assert_eq!(get_user_u32(0xC000_0000), Err(EFAULT));
        assert_eq!(get_user_u32(0xBFFF_FFFE), Err(EFAULT));
    }

    #[test_case]
    fn copies_check_the_address_space_they_are_given() {
        use crate::mm::addrspace::AddressSpace;
        // An empty address space allows nothing, mapped or not.
        let mm = Mm::new(AddressSpace::new().expect("a page directory"));
        let mut buf = [0u8; 8];
        assert_eq!(copy_from_user(&mm, &mut buf, 0x0804_8000), Err(EFAULT));
        assert_eq!(copy_to_user(&mm, 0x0804_8000, &buf), Err(EFAULT));
        assert_eq!(get_user::<u32>(&mm, usize::MAX - 1), Err(EFAULT));
        assert_eq!(strncpy_from_user(&mm, 0, 10), Err(EFAULT));
        assert_eq!(check_user(&mm, 0x0804_8000, 1, false), Err(EFAULT));
        assert_eq!(check_user(&mm, 0xFFFF_FF00, 0x200, false), Err(EFAULT));
        // Zero bytes touch nothing.
        assert_eq!(copy_from_user(&mm, &mut [], 0x0804_8000), Ok(()));
    }
}

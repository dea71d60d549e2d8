//! The one chokepoint for user memory (Linux's `copy_from_user`/
//! `copy_to_user`, xv6's `copyin`/`copyout`, Redox's `UserSlice`).
//!
//! System-call handlers never dereference a user pointer. They go through
//! [`UserPtr`] / [`UserSlice`] or the functions here, which
//! 1. refuse ranges that wrap or reach the kernel half (`access_ok`), then
//! 2. copy with one `rep movsb` whose possible page fault the trap handler
//!    turns into a jump to a fixup label (an exception table of one entry),
//!    so an unmapped or read-only user page gives `-EFAULT`, never a panic.

use super::USER_TOP;
use abi::Pod;
use abi::errno::EFAULT;
use alloc::vec::Vec;
use core::marker::PhantomData;
use core::mem::{MaybeUninit, size_of};

/// A failed user access: `-EFAULT`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Efault;

impl Efault {
    /// The value a system call returns for it, as a register.
    pub fn as_ret(self) -> u32 {
        (-EFAULT) as u32
    }
}

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
    r#"
    /* int __get_user_4(u32 addr, u32 *out): one load instead of a rep
       movsb, for the hot path (SYSENTER's sixth argument). Returns 0, or
       -1 if the load faulted. */
    .global __get_user_4
    __get_user_4:
        mov ecx, [esp + 4]
    __get_user_4_insn:
        mov edx, [ecx]          /* may fault */
        mov ecx, [esp + 8]
        mov [ecx], edx
        xor eax, eax
        ret
    __get_user_4_fixup:
        mov eax, -1
        ret
    "#,
    crate::ex_table!("__get_user_4_insn", "__get_user_4_fixup"),
));

unsafe extern "C" {
    fn __copy_user(dst: *mut u8, src: *const u8, n: usize) -> usize;
    fn __get_user_4(addr: usize, out: *mut u32) -> i32;
}

/// Is the range allowed by the current process's regions? Ring 0 ignores
/// the U/S and (for reads) protection bits of user pages, so the regions,
/// not the page tables, say whether e.g. a PROT_NONE page may be touched.
/// Without a process (kernel tests) only the page tables decide.
fn region_ok(addr: usize, len: usize, write: bool) -> bool {
    len == 0
        || crate::proc::current_pid().is_none()
        || crate::proc::current_mm_allows(addr, len, write)
}

/// Copy `dst.len()` bytes from user address `src`.
pub fn copy_from_user(dst: &mut [u8], src: usize) -> Result<(), Efault> {
    if !access_ok(src, dst.len()) || !region_ok(src, dst.len(), false) {
        return Err(Efault);
    }
    // SAFETY: dst is a valid kernel buffer; src is a user range below
    // USER_TOP, and a fault on it resumes at the fixup (no kernel memory can
    // be reached through it).
    let left = unsafe { __copy_user(dst.as_mut_ptr(), src as *const u8, dst.len()) };
    if left == 0 { Ok(()) } else { Err(Efault) }
}

/// Copy `src` to user address `dst`.
pub fn copy_to_user(dst: usize, src: &[u8]) -> Result<(), Efault> {
    if !access_ok(dst, src.len()) || !region_ok(dst, src.len(), true) {
        return Err(Efault);
    }
    // SAFETY: as in `copy_from_user`, with the roles swapped; CR0.WP makes a
    // read-only user page fault even in ring 0.
    let left = unsafe { __copy_user(dst as *mut u8, src.as_ptr(), src.len()) };
    if left == 0 { Ok(()) } else { Err(Efault) }
}

/// Read one `u32` from user memory with a single load.
pub fn get_user_u32(addr: usize) -> Result<u32, Efault> {
    if !access_ok(addr, 4) {
        return Err(Efault);
    }
    let mut v = 0;
    // SAFETY: addr is a user address (checked above); a fault on it resumes
    // at __get_user_4_fixup.
    if unsafe { __get_user_4(addr, &mut v) } == 0 {
        Ok(v)
    } else {
        Err(Efault)
    }
}

/// Read one `T` from user memory.
pub fn get_user<T: Pod>(addr: usize) -> Result<T, Efault> {
    let mut v = MaybeUninit::<T>::uninit();
    // SAFETY: the MaybeUninit is size_of::<T>() bytes we own.
    let bytes =
        unsafe { core::slice::from_raw_parts_mut(v.as_mut_ptr() as *mut u8, size_of::<T>()) };
    copy_from_user(bytes, addr)?;
    // SAFETY: fully written by the copy; T is Pod, so any bytes are valid.
    Ok(unsafe { v.assume_init() })
}

/// Write one `T` to user memory.
pub fn put_user<T: Pod>(addr: usize, value: &T) -> Result<(), Efault> {
    // SAFETY: T is Pod: its bytes are plain data without padding.
    let bytes =
        unsafe { core::slice::from_raw_parts(value as *const T as *const u8, size_of::<T>()) };
    copy_to_user(addr, bytes)
}

/// Why a user string could not be read.
#[derive(Debug, PartialEq, Eq)]
pub enum StrError {
    Fault,
    TooLong,
}

/// Read a NUL-terminated user string of at most `max` bytes (without the
/// NUL), page chunk by page chunk.
pub fn strncpy_from_user(addr: usize, max: usize) -> Result<Vec<u8>, StrError> {
    let mut out = Vec::new();
    let mut cur = addr;
    loop {
        let chunk = (super::PAGE_SIZE - cur % super::PAGE_SIZE).min(64);
        let mut buf = [0u8; 64];
        copy_from_user(&mut buf[..chunk], cur).map_err(|_| StrError::Fault)?;
        if let Some(n) = buf[..chunk].iter().position(|&b| b == 0) {
            out.extend_from_slice(&buf[..n]);
            return Ok(out);
        }
        out.extend_from_slice(&buf[..chunk]);
        if out.len() > max {
            return Err(StrError::TooLong);
        }
        cur = cur.checked_add(chunk).ok_or(StrError::Fault)?;
    }
}

/// A typed user pointer: `read`/`write` go through the chokepoint.
#[derive(Clone, Copy, Debug)]
pub struct UserPtr<T: Pod> {
    addr: usize,
    _t: PhantomData<T>,
}

impl<T: Pod> UserPtr<T> {
    pub fn new(addr: usize) -> Self {
        Self {
            addr,
            _t: PhantomData,
        }
    }
    pub fn addr(&self) -> usize {
        self.addr
    }
    pub fn is_null(&self) -> bool {
        self.addr == 0
    }
    pub fn read(&self) -> Result<T, Efault> {
        get_user(self.addr)
    }
    pub fn write(&self, v: &T) -> Result<(), Efault> {
        put_user(self.addr, v)
    }
    /// The `i`-th element of an array starting here.
    pub fn offset(&self, i: usize) -> Result<Self, Efault> {
        i.checked_mul(size_of::<T>())
            .and_then(|o| self.addr.checked_add(o))
            .map(Self::new)
            .ok_or(Efault)
    }
}

/// A user byte range `[addr, addr + len)`.
#[derive(Clone, Copy, Debug)]
pub struct UserSlice {
    addr: usize,
    len: usize,
}

impl UserSlice {
    /// Fails at once if the range wraps or reaches the kernel half.
    pub fn new(addr: usize, len: usize) -> Result<Self, Efault> {
        if access_ok(addr, len) {
            Ok(Self { addr, len })
        } else {
            Err(Efault)
        }
    }
    pub fn addr(&self) -> usize {
        self.addr
    }
    pub fn len(&self) -> usize {
        self.len
    }
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
    /// Copy the whole range into a new kernel buffer.
    pub fn read_to_vec(&self) -> Result<Vec<u8>, Efault> {
        let mut v = alloc::vec![0u8; self.len];
        copy_from_user(&mut v, self.addr)?;
        Ok(v)
    }
    /// Copy `data` to the start of the range (at most `len` bytes).
    pub fn write_prefix(&self, data: &[u8]) -> Result<(), Efault> {
        copy_to_user(self.addr, &data[..data.len().min(self.len)])
    }
    /// Is every byte of the range backed by a region of the current process
    /// that allows writing (or reading)? Used to fail with `-EFAULT` *before*
    /// blocking.
    pub fn check(&self, write: bool) -> Result<(), Efault> {
        if crate::proc::current_mm_allows(self.addr, self.len, write) {
            Ok(())
        } else {
            Err(Efault)
        }
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
        assert_eq!(copy_from_user(&mut buf, 0xC010_0000), Err(Efault));
        assert_eq!(copy_to_user(0xC010_0000, &buf), Err(Efault));
        // Unmapped user address: the copy faults and the fixup returns.
        assert_eq!(copy_from_user(&mut buf, 0x1000), Err(Efault));
        assert_eq!(copy_to_user(0x0040_0000, &buf), Err(Efault));
        // Wrapping.
        assert_eq!(get_user::<u32>(usize::MAX - 1), Err(Efault));
        assert_eq!(get_user_u32(0x1000), Err(Efault));
        assert_eq!(get_user_u32(0xC000_0000), Err(Efault));
        assert_eq!(get_user_u32(0xBFFF_FFFE), Err(Efault));
        assert_eq!(strncpy_from_user(0, 10), Err(StrError::Fault));
        assert!(UserSlice::new(0xFFFF_FF00, 0x200).is_err());
    }
}

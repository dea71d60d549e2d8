//! Typed user pointers: what a system-call handler holds instead of an
//! address. Each copies through the chokepoint (`mm/usercopy.rs`) with the
//! running process's address space, and the direction of a buffer is part
//! of its type: a handler can only read a [`UserSlice<Read>`] (`write(2)`'s
//! buffer) and only write a [`UserSlice<Write>`] (`read(2)`'s).
//!
//! Making one is free and cannot fail: like Linux's `access_ok` inside
//! `copy_from_user`, the range is checked when it is used, so a handler
//! checks its file descriptor (`-EBADF`) before its buffer (`-EFAULT`), in
//! Linux's order.

use crate::mm::usercopy;
use crate::proc::current_mm;
use abi::Pod;
use abi::errno::{E2BIG, EFAULT, ENAMETOOLONG, ENOMEM, Errno};
use alloc::vec::Vec;
use core::marker::PhantomData;
use core::mem::size_of;

/// Longest path accepted (Linux's `PATH_MAX`).
pub const PATH_MAX: usize = 4096;

/// A pointer to one `T` (or the first of an array) in user memory.
pub struct UserPtr<T: Pod> {
    addr: usize,
    _t: PhantomData<T>,
}

impl<T: Pod> Clone for UserPtr<T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T: Pod> Copy for UserPtr<T> {}

impl<T: Pod> UserPtr<T> {
    pub const fn new(addr: usize) -> Self {
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
    pub fn read(&self) -> Result<T, Errno> {
        usercopy::get_user(&*current_mm()?, self.addr)
    }
    pub fn write(&self, v: &T) -> Result<(), Errno> {
        usercopy::put_user(&*current_mm()?, self.addr, v)
    }
    /// `None` for NULL, else the value read (an optional input argument).
    pub fn read_opt(&self) -> Result<Option<T>, Errno> {
        if self.is_null() {
            Ok(None)
        } else {
            self.read().map(Some)
        }
    }
    /// Write `v` unless the pointer is NULL (an optional output argument).
    pub fn write_opt(&self, v: &T) -> Result<(), Errno> {
        if self.is_null() {
            Ok(())
        } else {
            self.write(v)
        }
    }
    /// The `i`-th element of an array starting here.
    pub fn offset(&self, i: usize) -> Result<Self, Errno> {
        i.checked_mul(size_of::<T>())
            .and_then(|o| self.addr.checked_add(o))
            .map(Self::new)
            .ok_or(EFAULT)
    }
    /// Read `n` elements of an array starting here (`n` bounded by the
    /// caller, so the kernel allocation is not the user's to choose).
    pub fn read_array(&self, n: usize) -> Result<Vec<T>, Errno> {
        let mm = current_mm()?;
        let mut out = crate::mm::heap::try_vec(n)?;
        for i in 0..n {
            out.push(usercopy::get_user(&mm, self.offset(i)?.addr)?);
        }
        Ok(out)
    }
}

/// The kernel reads this buffer (user → kernel, as `write(2)`'s).
pub enum Read {}
/// The kernel writes this buffer (kernel → user, as `read(2)`'s).
pub enum Write {}

/// Which accesses a direction checks (for [`UserSlice::check`]).
pub trait Direction {
    const WRITE: bool;
}
impl Direction for Read {
    const WRITE: bool = false;
}
impl Direction for Write {
    const WRITE: bool = true;
}

/// A user byte range `[addr, addr + len)`: an address and a length
/// argument, the direction in the type.
pub struct UserSlice<D: Direction> {
    addr: usize,
    len: usize,
    _d: PhantomData<D>,
}

impl<D: Direction> Clone for UserSlice<D> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<D: Direction> Copy for UserSlice<D> {}

impl<D: Direction> UserSlice<D> {
    pub const fn new(addr: usize, len: usize) -> Self {
        Self {
            addr,
            len,
            _d: PhantomData,
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
    /// The same start, at most `len` bytes.
    pub fn truncate(self, len: usize) -> Self {
        Self::new(self.addr, self.len.min(len))
    }
    /// `[addr + off, addr + off + len)`, which must lie inside this range.
    pub fn sub(&self, off: usize, len: usize) -> Result<Self, Errno> {
        match off.checked_add(len) {
            Some(end) if end <= self.len => Ok(Self::new(self.addr + off, len)),
            _ => Err(EFAULT),
        }
    }
    /// `-EFAULT` unless the whole range may be accessed in this direction:
    /// for a call that must fail before it blocks (a read of a pipe).
    pub fn check(&self) -> Result<(), Errno> {
        usercopy::check_user(&*current_mm()?, self.addr, self.len, D::WRITE)
    }
}

impl UserSlice<Read> {
    /// Copy the start of the range into `dst` (as much as both hold).
    pub fn read_into(&self, dst: &mut [u8]) -> Result<(), Errno> {
        let n = self.len.min(dst.len());
        usercopy::copy_from_user(&*current_mm()?, &mut dst[..n], self.addr)
    }

    /// Copy the whole range into a new kernel buffer (the length is bounded
    /// by the caller).
    pub fn read_to_vec(&self) -> Result<Vec<u8>, Errno> {
        let mut v = crate::mm::heap::try_zeroed(self.len)?;
        usercopy::copy_from_user(&*current_mm()?, &mut v, self.addr)?;
        Ok(v)
    }
}

impl UserSlice<Write> {
    /// Copy `data` to the start of the range (at most `len` bytes).
    pub fn write_prefix(&self, data: &[u8]) -> Result<(), Errno> {
        let data = &data[..data.len().min(self.len)];
        usercopy::copy_to_user(&*current_mm()?, self.addr, data)
    }
}

/// A NUL-terminated user string (a path, an argv entry).
#[derive(Clone, Copy)]
pub struct UserCStr {
    addr: usize,
}

impl UserCStr {
    pub const fn new(addr: usize) -> Self {
        Self { addr }
    }
    pub fn addr(&self) -> usize {
        self.addr
    }
    pub fn is_null(&self) -> bool {
        self.addr == 0
    }
    /// At most `max` bytes: `-EFAULT` or `-ENAMETOOLONG`.
    pub fn read(&self, max: usize) -> Result<Vec<u8>, Errno> {
        usercopy::strncpy_from_user(&*current_mm()?, self.addr, max)
    }
    /// A path (Linux's `getname`): shorter than `PATH_MAX` bytes, so that
    /// it fits with its NUL (4095 characters at most).
    pub fn read_path(&self) -> Result<Vec<u8>, Errno> {
        self.read(PATH_MAX - 1)
    }
}

/// Read a NULL-terminated array of string pointers (argv, envp), taking
/// at most `*budget` bytes in all (`-E2BIG` past it, checked while copying
/// so a hostile array cannot exhaust the heap).
pub fn read_cstr_array(array: UserPtr<u32>, budget: &mut usize) -> Result<Vec<Vec<u8>>, Errno> {
    let mut out = Vec::new();
    if array.is_null() {
        return Ok(out);
    }
    loop {
        let p = array.offset(out.len())?.read()?;
        if p == 0 {
            return Ok(out);
        }
        // Each pointer costs its slot on the new stack too.
        *budget = budget.checked_sub(4).ok_or(E2BIG)?;
        // Linux's MAX_ARG_STRLEN is 32 pages, the NUL included.
        let s = UserCStr::new(p as usize)
            .read((128 * 1024 - 1).min(*budget))
            .map_err(|e| if e == ENAMETOOLONG { E2BIG } else { e })?;
        *budget = budget.checked_sub(s.len() + 1).ok_or(E2BIG)?;
        crate::mm::heap::for_user(|| out.try_reserve(1)).map_err(|_| ENOMEM)?;
        out.push(s);
    }
}

//! `UpCell`: kernel-global state on a uniprocessor whose kernel code runs
//! with interrupts masked (they are enabled only in user mode and in the
//! idle loop). Under that rule nothing can interleave with a borrow except
//! re-entry from the same code path, which the borrow flag catches as a
//! panic instead of silent aliasing (a `RefCell` for statics).

use core::cell::{Cell, UnsafeCell};

pub struct UpCell<T> {
    borrowed: Cell<bool>,
    value: UnsafeCell<T>,
}

// SAFETY: one CPU, and kernel code is never interrupted while it holds a
// borrow (interrupts are masked in the kernel); `with` rejects re-entry.
unsafe impl<T> Sync for UpCell<T> {}

impl<T> UpCell<T> {
    pub const fn new(value: T) -> Self {
        Self {
            borrowed: Cell::new(false),
            value: UnsafeCell::new(value),
        }
    }

    /// Like [`UpCell::with`], but `None` instead of a panic if the value is
    /// borrowed (for the panic path, which may interrupt a borrow).
    pub fn try_with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        if self.borrowed.get() {
            return None;
        }
        Some(self.with(f))
    }

    /// Run `f` with exclusive access. Panics on re-entry.
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        assert!(!self.borrowed.replace(true), "UpCell borrowed twice");
        // SAFETY: the flag guarantees this is the only live reference.
        let r = f(unsafe { &mut *self.value.get() });
        self.borrowed.set(false);
        r
    }
}

//! `UpCell`: kernel-global state on a uniprocessor whose kernel code runs
//! with interrupts masked (they are enabled only in user mode and in the
//! idle loop). Under that rule nothing can interleave with a borrow except
//! re-entry from the same code path, which the borrow flag catches as a
//! panic instead of silent aliasing (a `RefCell` for statics). The flag
//! remembers where the live borrow was taken, so the panic names both
//! places: the bug is always in the code between them.

use core::cell::{Cell, UnsafeCell};
use core::panic::Location;

pub struct UpCell<T> {
    /// Where the live borrow was taken, if there is one.
    borrowed: Cell<Option<&'static Location<'static>>>,
    value: UnsafeCell<T>,
}

// SAFETY: one CPU, and kernel code is never interrupted while it holds a
// borrow (interrupts are masked in the kernel); `with` rejects re-entry.
unsafe impl<T> Sync for UpCell<T> {}

impl<T> UpCell<T> {
    pub const fn new(value: T) -> Self {
        Self {
            borrowed: Cell::new(None),
            value: UnsafeCell::new(value),
        }
    }

    /// Like [`UpCell::with`], but `None` instead of a panic if the value is
    /// borrowed (for the panic path, which may interrupt a borrow).
    #[track_caller]
    pub fn try_with<R>(&self, f: impl FnOnce(&mut T) -> R) -> Option<R> {
        if self.borrowed.get().is_some() {
            return None;
        }
        Some(self.with(f))
    }

    /// Run `f` with exclusive access. Panics on re-entry, naming where the
    /// first borrow was taken and where the second was tried.
    #[track_caller]
    pub fn with<R>(&self, f: impl FnOnce(&mut T) -> R) -> R {
        let here = Location::caller();
        if let Some(first) = self.borrowed.replace(Some(here)) {
            panic!("UpCell borrowed twice: first at {first}, again at {here}");
        }
        // SAFETY: the flag guarantees this is the only live reference.
        let r = f(unsafe { &mut *self.value.get() });
        self.borrowed.set(None);
        r
    }
}

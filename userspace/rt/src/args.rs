//! The program's arguments and environment, as the kernel laid them out on the
//! initial stack (NUL-terminated strings reached through pointer arrays).

use core::ffi::{CStr, c_char};

/// `argv` and `envp` of the running program. The strings live on the initial
/// stack, which stays valid for the whole life of the process, hence the
/// `'static` lifetimes.
#[derive(Clone, Copy, Debug)]
pub struct Args {
    argc: usize,
    argv: *const *const c_char,
    envp: *const *const c_char,
}

impl Args {
    /// Wraps the vectors found on the initial stack.
    ///
    /// # Safety
    ///
    /// `argv` must point to `argc` pointers to NUL-terminated strings followed
    /// by a NULL pointer, and `envp` to pointers to NUL-terminated strings
    /// ended by a NULL pointer; all of it must stay valid and unmodified for
    /// the rest of the process's life.
    pub(crate) unsafe fn new(
        argc: usize,
        argv: *const *const c_char,
        envp: *const *const c_char,
    ) -> Self {
        Self { argc, argv, envp }
    }

    /// Number of arguments (`argc`), including the program name.
    pub fn len(&self) -> usize {
        self.argc
    }

    /// True if not even a program name was passed (`argc == 0`).
    pub fn is_empty(&self) -> bool {
        self.argc == 0
    }

    /// Argument `i` (`argv[i]`), or `None` past the end.
    pub fn get(&self, i: usize) -> Option<&'static CStr> {
        if i >= self.argc {
            return None;
        }
        // SAFETY: `i < argc` and `new`'s contract says argv holds `argc`
        // valid pointers to NUL-terminated strings that live forever.
        unsafe { Some(CStr::from_ptr(*self.argv.add(i))) }
    }

    /// Argument `i` as UTF-8 text (`None` past the end or if not UTF-8).
    pub fn str(&self, i: usize) -> Option<&'static str> {
        self.get(i).and_then(|s| s.to_str().ok())
    }

    /// All arguments, `argv[0]` first.
    pub fn iter(&self) -> impl Iterator<Item = &'static CStr> + '_ {
        (0..self.argc).filter_map(|i| self.get(i))
    }

    /// The environment strings (`NAME=value`).
    pub fn env(&self) -> impl Iterator<Item = &'static CStr> {
        let mut p = self.envp;
        core::iter::from_fn(move || {
            if p.is_null() {
                return None;
            }
            // SAFETY: `new`'s contract: envp is a NULL-terminated array of
            // valid string pointers; we stop at (and never step past) the
            // NULL.
            let s = unsafe { *p };
            if s.is_null() {
                return None;
            }
            // SAFETY: as above, `p` is not yet the terminating entry, so
            // `p + 1` is still inside the array, and `s` is a valid string.
            unsafe {
                p = p.add(1);
                Some(CStr::from_ptr(s))
            }
        })
    }

    /// The value of environment variable `name`, if set.
    pub fn var(&self, name: &str) -> Option<&'static CStr> {
        self.env().find_map(|kv| {
            let bytes = kv.to_bytes();
            let rest = bytes.strip_prefix(name.as_bytes())?.strip_prefix(b"=")?;
            // The value is the tail of a NUL-terminated string, so it is one.
            CStr::from_bytes_until_nul(&kv.to_bytes_with_nul()[bytes.len() - rest.len()..]).ok()
        })
    }

    /// The raw `argv` array (NULL-terminated), e.g. to pass on to `execve`.
    pub fn argv_ptr(&self) -> *const *const c_char {
        self.argv
    }

    /// The raw `envp` array (NULL-terminated), e.g. to pass on to `execve`.
    pub fn envp_ptr(&self) -> *const *const c_char {
        self.envp
    }
}

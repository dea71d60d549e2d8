//! Typed flag words: a system call's flags argument as a type of its own
//! (`OpenFlags`, `MapFlags`, ...), so the kernel's declaration of the call
//! says what the register holds and `strace` can print it by name
//! (`O_WRONLY|O_CREAT|O_CLOEXEC`), as strace does.

/// Declares `pub struct $name(u32)` over existing `u32` constants: bit
/// tests, and a `Display` that names every known flag and prints what is
/// left in hex. `[NAME if MASK]` after the type's name prints NAME when
/// the bits of MASK are all clear (`O_RDONLY` in the access mode).
#[macro_export]
macro_rules! flags {
    (
        $(#[$meta:meta])*
        pub struct $name:ident $([$zero:ident if $zero_mask:expr])? {
            $($flag:ident),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, Default)]
        pub struct $name(pub u32);

        impl $name {
            /// Every flag this type names, with its name.
            pub const NAMES: &'static [(u32, &'static str)] =
                &[$(($flag, stringify!($flag))),*];

            pub const fn from_bits(bits: u32) -> Self {
                Self(bits)
            }
            pub const fn bits(self) -> u32 {
                self.0
            }
            /// Are all of `flag`'s bits set?
            pub const fn has(self, flag: u32) -> bool {
                self.0 & flag == flag
            }
            /// Is any of `mask`'s bits set?
            pub const fn any(self, mask: u32) -> bool {
                self.0 & mask != 0
            }
        }

        impl core::fmt::Display for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                let mut left = self.0;
                let mut first = true;
                let sep = |f: &mut core::fmt::Formatter<'_>, first: &mut bool| {
                    let r = if *first { Ok(()) } else { f.write_str("|") };
                    *first = false;
                    r
                };
                $(
                    if self.0 & ($zero_mask) == 0 {
                        sep(f, &mut first)?;
                        f.write_str(stringify!($zero))?;
                    }
                )?
                for &(bit, name) in Self::NAMES {
                    if bit != 0 && left & bit == bit {
                        sep(f, &mut first)?;
                        f.write_str(name)?;
                        left &= !bit;
                    }
                }
                if left != 0 || first {
                    sep(f, &mut first)?;
                    write!(f, "{left:#x}")?;
                }
                Ok(())
            }
        }

        impl core::fmt::Debug for $name {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                core::fmt::Display::fmt(self, f)
            }
        }
    };
}

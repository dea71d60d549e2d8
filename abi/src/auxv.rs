//! Auxiliary-vector keys: the `(key, value)` pairs the kernel places after
//! `envp` on a new program's stack and the C runtime reads (with
//! [`crate::types::AuxvEntry`] as the pair's layout).

// include/uapi/linux/auxvec.h

/// End of the vector.
pub const AT_NULL: u32 = 0;
/// Entry should be ignored.
pub const AT_IGNORE: u32 = 1;
/// File descriptor of the program.
pub const AT_EXECFD: u32 = 2;
/// Address of the program headers.
pub const AT_PHDR: u32 = 3;
/// Size of one program header entry.
pub const AT_PHENT: u32 = 4;
/// Number of program headers.
pub const AT_PHNUM: u32 = 5;
/// System page size.
pub const AT_PAGESZ: u32 = 6;
/// Base address of the interpreter.
pub const AT_BASE: u32 = 7;
/// Flags (unused, 0).
pub const AT_FLAGS: u32 = 8;
/// Entry point of the program.
pub const AT_ENTRY: u32 = 9;
/// Program is not ELF.
pub const AT_NOTELF: u32 = 10;
/// Real user ID.
pub const AT_UID: u32 = 11;
/// Effective user ID.
pub const AT_EUID: u32 = 12;
/// Real group ID.
pub const AT_GID: u32 = 13;
/// Effective group ID.
pub const AT_EGID: u32 = 14;
/// Address of a string naming the CPU (`"i686"`).
pub const AT_PLATFORM: u32 = 15;
/// CPU capability bits (CPUID 1 EDX on x86).
pub const AT_HWCAP: u32 = 16;
/// Frequency at which `times()` counts.
pub const AT_CLKTCK: u32 = 17;
/// Secure mode (setuid and the like): nonzero means distrust the environment.
pub const AT_SECURE: u32 = 23;
/// Address of a string naming the real platform.
pub const AT_BASE_PLATFORM: u32 = 24;
/// Address of 16 random bytes.
pub const AT_RANDOM: u32 = 25;
/// More CPU capability bits.
pub const AT_HWCAP2: u32 = 26;
/// Address of the file name of the program.
pub const AT_EXECFN: u32 = 31;
/// Minimal stack size for signal delivery.
pub const AT_MINSIGSTKSZ: u32 = 51;

// arch/x86/include/uapi/asm/auxvec.h

/// Entry point of the vsyscall page's system-call routine (`__kernel_vsyscall`).
pub const AT_SYSINFO: u32 = 32;
/// Address of the vDSO's ELF header.
pub const AT_SYSINFO_EHDR: u32 = 33;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(AT_PHDR, 3);
        assert_eq!(AT_PAGESZ, 6);
        assert_eq!(AT_ENTRY, 9);
        assert_eq!(AT_RANDOM, 25);
        assert_eq!(AT_SYSINFO, 32);
        assert_eq!(AT_SYSINFO_EHDR, 33);
        assert_eq!(AT_MINSIGSTKSZ, 51);
    }
}

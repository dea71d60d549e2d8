//! Resource limits for `getrlimit`/`setrlimit`/`prlimit64`, from
//! `include/uapi/asm-generic/resource.h` and `include/uapi/linux/resource.h`.
//! Resource numbers are `int`s in C, so `i32` here.

// include/uapi/asm-generic/resource.h: resources.

/// CPU time in seconds.
pub const RLIMIT_CPU: i32 = 0;
/// Largest file that may be created.
pub const RLIMIT_FSIZE: i32 = 1;
/// Largest data segment.
pub const RLIMIT_DATA: i32 = 2;
/// Largest stack.
pub const RLIMIT_STACK: i32 = 3;
/// Largest core file.
pub const RLIMIT_CORE: i32 = 4;
/// Largest resident set.
pub const RLIMIT_RSS: i32 = 5;
/// Most processes of the real user.
pub const RLIMIT_NPROC: i32 = 6;
/// One more than the highest file descriptor that may be opened.
pub const RLIMIT_NOFILE: i32 = 7;
/// Most memory that may be locked.
pub const RLIMIT_MEMLOCK: i32 = 8;
/// Largest address space.
pub const RLIMIT_AS: i32 = 9;
/// Most file locks.
pub const RLIMIT_LOCKS: i32 = 10;
/// Most queued signals.
pub const RLIMIT_SIGPENDING: i32 = 11;
/// Most bytes in POSIX message queues.
pub const RLIMIT_MSGQUEUE: i32 = 12;
/// Ceiling of the nice value (as `20 - limit`).
pub const RLIMIT_NICE: i32 = 13;
/// Ceiling of the real-time priority.
pub const RLIMIT_RTPRIO: i32 = 14;
/// Real-time CPU time without a blocking call, in microseconds.
pub const RLIMIT_RTTIME: i32 = 15;
/// How many resources there are.
pub const RLIM_NLIMITS: i32 = 16;

/// No limit, in the 32-bit `struct rlimit` of `getrlimit` (`~0UL` on i386).
pub const RLIM_INFINITY: u32 = u32::MAX;
/// No limit, in `prlimit64`'s `struct rlimit64` (`include/uapi/linux/resource.h`).
pub const RLIM64_INFINITY: u64 = u64::MAX;

// include/uapi/linux/resource.h: getrusage(2)'s `who`.

/// The calling process, all its threads.
pub const RUSAGE_SELF: i32 = 0;
/// Its children that it has waited for, and theirs.
pub const RUSAGE_CHILDREN: i32 = -1;
/// The calling thread.
pub const RUSAGE_THREAD: i32 = 1;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(RLIMIT_STACK, 3);
        assert_eq!(RLIMIT_NOFILE, 7);
        assert_eq!(RLIM_NLIMITS, 16);
    }
}

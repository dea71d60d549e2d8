//! `prctl(2)` options (`include/uapi/linux/prctl.h`).

/// Get the "dumpable" flag (may the process dump core, be ptraced).
pub const PR_GET_DUMPABLE: i32 = 3;
/// Set the "dumpable" flag (`arg2` is 0 or 1).
pub const PR_SET_DUMPABLE: i32 = 4;
/// Set the calling thread's name (`arg2`: at most 16 bytes with the NUL).
pub const PR_SET_NAME: i32 = 15;
/// Get the calling thread's name into a 16-byte buffer at `arg2`.
pub const PR_GET_NAME: i32 = 16;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(PR_GET_DUMPABLE, 3);
        assert_eq!(PR_SET_NAME, 15);
    }
}

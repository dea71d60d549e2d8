//! `getrandom(2)` flags (`include/uapi/linux/random.h`).

/// Do not block while the pool is uninitialised: `-EAGAIN` instead.
pub const GRND_NONBLOCK: u32 = 0x0001;
/// Draw from the (historical) blocking pool.
pub const GRND_RANDOM: u32 = 0x0002;
/// Return bytes even before the pool is initialised.
pub const GRND_INSECURE: u32 = 0x0004;

//! `poll` event bits (`include/uapi/asm-generic/poll.h`).

/// There is data to read.
pub const POLLIN: i16 = 0x001;
/// There is urgent data to read.
pub const POLLPRI: i16 = 0x002;
/// Writing will not block.
pub const POLLOUT: i16 = 0x004;
/// Error condition (output only).
pub const POLLERR: i16 = 0x008;
/// Hung up: the other end closed (output only).
pub const POLLHUP: i16 = 0x010;
/// The fd is not open (output only).
pub const POLLNVAL: i16 = 0x020;
/// Normal data may be read.
pub const POLLRDNORM: i16 = 0x040;
/// Normal data may be written.
pub const POLLWRNORM: i16 = 0x100;

//! Vectored I/O limits (`include/uapi/linux/uio.h`).

/// Largest iovec count `readv`/`writev` accept (`UIO_MAXIOV`).
pub const UIO_MAXIOV: usize = 1024;

//! The serial console TTY.

/// COM1 received data.
pub fn serial_interrupt() {
    while crate::drivers::serial::try_read_byte().is_some() {}
}

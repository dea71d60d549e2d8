//! Device drivers: the serial port and the console built on it.

pub mod console;
pub mod serial;

//! Files: the initramfs, the root tree and the console TTY.

pub mod tty;

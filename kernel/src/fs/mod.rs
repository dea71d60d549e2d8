//! Files: the initramfs (cpio "newc") unpacked into a read-only root tree,
//! open files and descriptor tables, and the serial console TTY.

pub mod cpio;
pub mod file;
pub mod pipe;
pub mod ramfs;
pub mod tty;

//! Files (Linux's fs/): inodes and the root tmpfs filled from the
//! initramfs, mounts of more tmpfs instances and of procfs, path walking,
//! open files and descriptor tables, pipes and FIFOs, the character
//! devices and the serial console TTY, and the system calls on them, one
//! file per concern as in Linux's tree.

pub mod binfmt_script;
pub mod char_dev;
pub mod cpio;
pub mod fcntl;
pub mod file;
pub mod initramfs;
pub mod inode;
pub mod ioctl;
pub mod locks;
pub mod namei;
pub mod namespace;
pub mod open;
pub mod pipe;
pub mod proc;
pub mod read_write;
pub mod readdir;
pub mod select;
pub mod seq_file;
pub mod stat;
pub mod statfs;
pub mod sync;
pub mod tmpfs;
pub mod tty;
pub mod utimes;
pub mod xattr;

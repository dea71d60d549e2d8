//! Character devices: which driver a device node's numbers name (Linux's
//! fs/char_dev.c), and the memory devices themselves (drivers/char/mem.c
//! and random.c): `/dev/null`, `zero`, `full`, `random`, `urandom`. The
//! console's driver is `fs/tty.rs`.
//!
//! Numbers from Documentation/admin-guide/devices.txt.

use crate::syscall::uaccess::{Read, UserSlice, Write};
use abi::errno::{ENOSPC, ENXIO, Errno};

/// The character devices the kernel implements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Device {
    /// The serial console (`/dev/console` 5:1, `/dev/ttyS0` 4:64, the
    /// virtual consoles 4:N), and `/dev/tty` 5:0, the caller's controlling
    /// terminal, which can only be the console (`fs/tty.rs`).
    Console,
    /// 1:3: reads see end of file, writes are discarded.
    Null,
    /// 1:5: reads give zeros, writes are discarded.
    Zero,
    /// 1:7: reads give zeros, writes fail with `ENOSPC`.
    Full,
    /// 1:8 and 1:9: random bytes.
    Random,
}

impl Device {
    /// The device behind the numbers `(major, minor)`, if the kernel has
    /// its driver (`chrdev_open`: otherwise `ENXIO`).
    pub fn from_numbers(rdev: (u32, u32)) -> Result<Device, Errno> {
        match rdev {
            (5, 0) | (5, 1) | (4, _) => Ok(Device::Console),
            (1, 3) => Ok(Device::Null),
            (1, 5) => Ok(Device::Zero),
            (1, 7) => Ok(Device::Full),
            (1, 8) | (1, 9) => Ok(Device::Random),
            _ => Err(ENXIO),
        }
    }

    /// The numbers of the node `/dev` gets for this device.
    pub fn numbers(self) -> (u32, u32) {
        match self {
            Device::Console => (5, 1),
            Device::Null => (1, 3),
            Device::Zero => (1, 5),
            Device::Full => (1, 7),
            Device::Random => (1, 9),
        }
    }

    /// Does `lseek` always succeed at 0 (`null_lseek`), as for the memory
    /// devices, rather than `ESPIPE`?
    pub fn seeks_to_zero(self) -> bool {
        self != Device::Console
    }
}

/// Open the device numbered `rdev` with open flags `flags` (Linux's
/// `chrdev_open`, and `tty_open` for the terminal: `/dev/tty` without a
/// controlling terminal is `ENXIO`; the console may become the caller's).
pub fn open(rdev: (u32, u32), flags: u32) -> Result<Device, Errno> {
    let dev = Device::from_numbers(rdev)?;
    if dev == Device::Console {
        super::tty::open(rdev, flags)?;
    }
    Ok(dev)
}

/// The `/dev` nodes made at boot if the archive lacks them: name, mode,
/// numbers (Linux's devtmpfs would make them; these are the ones a
/// static userland needs).
pub const DEV_NODES: &[(&str, u32, (u32, u32))] = &[
    ("console", 0o600, (5, 1)),
    ("tty", 0o666, (5, 0)),
    ("ttyS0", 0o660, (4, 64)),
    ("null", 0o666, (1, 3)),
    ("zero", 0o666, (1, 5)),
    ("full", 0o666, (1, 7)),
    ("random", 0o666, (1, 8)),
    ("urandom", 0o666, (1, 9)),
];

/// Read from a memory device (`read_null`, `read_iter_zero`,
/// `urandom_read_iter`): the count given to user space.
pub fn read(dev: Device, buf: UserSlice<Write>) -> Result<usize, Errno> {
    let len = buf.len();
    match dev {
        Device::Null => Ok(0),
        Device::Zero | Device::Full => {
            // A page at a time: the length is the user's, the heap is not.
            let zeros = [0u8; 4096];
            fill(buf, |chunk| chunk.copy_from_slice(&zeros[..chunk.len()]))?;
            Ok(len)
        }
        Device::Random => {
            let mut x = crate::arch::x86::instructions::rdtsc() | 1;
            fill(buf, |chunk| {
                for b in chunk.iter_mut() {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    *b = x as u8;
                }
            })?;
            Ok(len)
        }
        Device::Console => unreachable!("the console is read through fs::tty"),
    }
}

/// Write to a memory device (`write_null`, `write_full`, random's
/// `random_write_iter` which mixes the bytes in: here they are dropped).
pub fn write(dev: Device, buf: UserSlice<Read>) -> Result<usize, Errno> {
    match dev {
        Device::Full => Err(ENOSPC),
        _ => Ok(buf.len()),
    }
}

/// Fill `buf` 256 bytes at a time with what `f` puts in each chunk.
fn fill(buf: UserSlice<Write>, mut f: impl FnMut(&mut [u8])) -> Result<(), Errno> {
    let len = buf.len();
    let mut done = 0;
    let mut chunk = [0u8; 256];
    while done < len {
        let n = (len - done).min(chunk.len());
        f(&mut chunk[..n]);
        buf.sub(done, n)?.write_prefix(&chunk[..n])?;
        done += n;
    }
    Ok(())
}

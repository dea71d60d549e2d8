//! Leaving QEMU: the `isa-debug-exit` device at port 0xF4.
//!
//! Writing `v` makes QEMU exit with status `(v << 1) | 1`, so the kernel's
//! statuses are 33 (success), 35 (failure) and 37 (panic). Without the device
//! (real hardware, or QEMU started without it) the write does nothing and we
//! halt instead.

/// What to tell QEMU on the way out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u32)]
pub enum ExitCode {
    /// QEMU exits with 33.
    Success = 0x10,
    /// QEMU exits with 35.
    Failed = 0x11,
    /// QEMU exits with 37: a kernel panic.
    Panic = 0x12,
}

/// The I/O port of `-device isa-debug-exit,iobase=0xf4,iosize=0x04`.
const ISA_DEBUG_EXIT_PORT: u16 = 0xF4;

/// Power the machine off through `isa-debug-exit` (or halt forever).
pub fn exit_qemu(code: ExitCode) -> ! {
    // SAFETY: port 0xF4 is the debug-exit device or nothing; writing it has no
    // effect on memory.
    unsafe { x86::io::outl(ISA_DEBUG_EXIT_PORT, code as u32) };
    loop {
        super::instructions::cli();
        super::instructions::hlt();
    }
}

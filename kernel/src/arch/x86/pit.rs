//! The 8253/8254 Programmable Interval Timer: channel 0 ticks IRQ 0 at
//! [`HZ`] (like Linux's `HZ`), channel 2 measures the TSC at boot.

use x86::io::{inb, outb};

/// The PIT's input clock, Hz.
pub const PIT_FREQUENCY: u32 = 1_193_182;
/// Timer interrupts per second.
pub const HZ: u32 = 100;

const CHANNEL0: u16 = 0x40;
const CHANNEL2: u16 = 0x42;
const COMMAND: u16 = 0x43;
const PORT_B: u16 = 0x61;

/// Start channel 0 in mode 2 (rate generator) at [`HZ`].
pub fn init() {
    let divisor = (PIT_FREQUENCY / HZ) as u16;
    // SAFETY: the PIT's ports; channel 0, lobyte/hibyte, mode 2, binary.
    unsafe {
        outb(COMMAND, 0x34);
        outb(CHANNEL0, divisor as u8);
        outb(CHANNEL0, (divisor >> 8) as u8);
    }
}

/// Count TSC cycles across `ms` milliseconds timed by channel 2 (one-shot,
/// gate through port 0x61; the classic calibration, as Linux's
/// `pit_calibrate_tsc`). Returns cycles per millisecond.
pub fn calibrate_tsc(ms: u32) -> u64 {
    let count = (PIT_FREQUENCY / 1000 * ms) as u16;
    // SAFETY: channel 2 and port B belong to the PIT/speaker; we leave the
    // speaker output disabled.
    unsafe {
        let b = inb(PORT_B);
        outb(PORT_B, (b & !0x02) | 0x01); // gate on, speaker off
        outb(COMMAND, 0xB0); // channel 2, lobyte/hibyte, mode 0
        outb(CHANNEL2, count as u8);
        outb(CHANNEL2, (count >> 8) as u8);
        let start = super::instructions::rdtsc();
        while inb(PORT_B) & 0x20 == 0 {}
        let end = super::instructions::rdtsc();
        outb(PORT_B, b);
        (end - start) / u64::from(ms)
    }
}

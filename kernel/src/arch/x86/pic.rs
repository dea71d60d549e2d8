//! The two cascaded 8259A interrupt controllers, remapped to vectors 32..47.
//!
//! At reset they deliver IRQ 0..7 on vectors 8..15, on top of the CPU's
//! exceptions, so every x86 kernel reprograms them (8259A datasheet, ICW1-4;
//! OSDev "8259 PIC"). Written by hand: the usual crate depends on `x86_64`,
//! which does not build for i686.

use x86::io::{inb, outb};

const PIC1_CMD: u16 = 0x20;
const PIC1_DATA: u16 = 0x21;
const PIC2_CMD: u16 = 0xA0;
const PIC2_DATA: u16 = 0xA1;
const ICW1_INIT_ICW4: u8 = 0x11;
const ICW4_8086: u8 = 0x01;
const OCW2_EOI: u8 = 0x20;

/// The timer (PIT channel 0).
pub const IRQ_TIMER: u8 = 0;
/// COM1.
pub const IRQ_COM1: u8 = 4;

/// Remap to `base`, `base + 8` and mask everything but `enabled`.
pub fn init(base: u8, enabled: &[u8]) {
    let mut mask: u16 = !(1 << 2); // keep the cascade line open
    for &irq in enabled {
        mask &= !(1 << irq);
    }
    // SAFETY: these are the PC's PIC ports; the sequence is the documented
    // initialisation, with interrupts masked on the CPU.
    unsafe {
        outb(PIC1_CMD, ICW1_INIT_ICW4);
        outb(PIC2_CMD, ICW1_INIT_ICW4);
        outb(PIC1_DATA, base); // ICW2: vector base
        outb(PIC2_DATA, base + 8);
        outb(PIC1_DATA, 4); // ICW3: slave on IRQ 2
        outb(PIC2_DATA, 2); // ICW3: cascade identity
        outb(PIC1_DATA, ICW4_8086);
        outb(PIC2_DATA, ICW4_8086);
        outb(PIC1_DATA, mask as u8);
        outb(PIC2_DATA, (mask >> 8) as u8);
    }
}

/// Acknowledge an IRQ (slave first for 8..15).
pub fn end_of_interrupt(irq: u8) {
    // SAFETY: writing EOI to the PICs only ends the in-service interrupt.
    unsafe {
        if irq >= 8 {
            outb(PIC2_CMD, OCW2_EOI);
        }
        outb(PIC1_CMD, OCW2_EOI);
    }
}

/// The in-service register of the master (for spurious-IRQ checks).
pub fn master_isr() -> u8 {
    // SAFETY: OCW3 read of ISR; no side effect beyond the read mode.
    unsafe {
        outb(PIC1_CMD, 0x0B);
        inb(PIC1_CMD)
    }
}

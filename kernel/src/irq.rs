//! Hardware interrupt dispatch (the PIC's IRQ lines after remapping).

use crate::arch::x86::{pic, ptregs::PtRegs};

/// Handle IRQ `irq`; the caller sends the EOI.
pub fn handle(irq: u32, regs: &mut PtRegs) {
    match irq as u8 {
        pic::IRQ_TIMER => {
            crate::time::tick();
            crate::proc::sched::wake_timers(crate::time::uptime_ns());
            crate::proc::sched::timer_tick(regs.user_mode());
        }
        pic::IRQ_COM1 => crate::fs::tty::serial_interrupt(),
        7 if pic::master_isr() & 0x80 == 0 => {} // spurious
        _ => {}
    }
}

//! COM1, the 16550 UART at I/O port 0x3F8: the kernel's console.
//!
//! The register work (divisor latch, FIFO, line status) is done by the
//! `uart_16550` crate; this file owns the one global port and the receive
//! side used by the console TTY.

use spin::Mutex;
use uart_16550::backend::PioBackend;
use uart_16550::spec::registers::IER;
use uart_16550::{Config, Uart16550};

/// I/O base of the first PC serial port.
const COM1: u16 = 0x3F8;

static PORT: Mutex<Option<Uart16550<PioBackend>>> = Mutex::new(None);

/// Program COM1 (115200 8N1, FIFOs on) and enable its receive interrupt
/// (IRQ 4), so a blocked `read` wakes when a byte arrives.
pub fn init() {
    // SAFETY: 0x3F8 is COM1 on every PC and QEMU machine; this is the only
    // place that creates a driver for it.
    let mut uart = match unsafe { Uart16550::new_port(COM1) } {
        Ok(u) => u,
        Err(_) => return,
    };
    let config = Config {
        interrupts: IER::DATA_READY,
        // QEMU's serial backend does not model modem lines reliably.
        check_cts_before_sending: false,
        ..Config::default()
    };
    if uart.init(config).is_err() {
        return;
    }
    *PORT.lock() = Some(uart);
}

/// Send bytes, waiting for the transmitter as needed.
pub fn write_bytes(bytes: &[u8]) {
    if let Some(uart) = PORT.lock().as_mut() {
        uart.send_bytes_exact(bytes);
    }
}

/// Take one received byte if there is one.
pub fn try_read_byte() -> Option<u8> {
    PORT.lock().as_mut().and_then(|u| u.try_receive_byte().ok())
}

/// Break the lock for the panic path: the panicking code may hold it.
///
/// # Safety
/// Only for the panic handler, which never returns to the lock holder.
pub unsafe fn force_unlock() {
    // SAFETY: the caller promises the holder never runs again.
    unsafe { PORT.force_unlock() }
}

//! The kernel console: `print!`/`println!` and the `log` backend, on COM1.
//!
//! Log lines look like `[  0.123] INFO  message`; the kernel option
//! `loglevel=N` (Linux's numbers: 0 emerg .. 7 debug) chooses what is shown.

use core::fmt::{self, Write};
use log::{LevelFilter, Log, Metadata, Record};

struct SerialWriter;

impl Write for SerialWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        super::serial::write_bytes(s.as_bytes());
        Ok(())
    }
}

#[doc(hidden)]
pub fn _print(args: fmt::Arguments) {
    let _ = SerialWriter.write_fmt(args);
}

/// Print to the console.
#[macro_export]
macro_rules! print {
    ($($arg:tt)*) => ($crate::drivers::console::_print(format_args!($($arg)*)));
}

/// Print to the console, with a newline.
#[macro_export]
macro_rules! println {
    () => ($crate::print!("\n"));
    ($($arg:tt)*) => ($crate::drivers::console::_print(format_args!("{}\n", format_args!($($arg)*))));
}

struct KernelLogger;

impl Log for KernelLogger {
    fn enabled(&self, metadata: &Metadata) -> bool {
        metadata.level() <= log::max_level()
    }

    fn log(&self, record: &Record) {
        if self.enabled(record.metadata()) {
            let us = crate::time::uptime_us();
            println!(
                "[{:4}.{:06}] {:5} {}",
                us / 1_000_000,
                us % 1_000_000,
                record.level(),
                record.args()
            );
        }
    }

    fn flush(&self) {}
}

static LOGGER: KernelLogger = KernelLogger;

/// Install the logger; `loglevel` uses Linux's console log levels.
pub fn init_log(loglevel: Option<u32>) {
    let filter = match loglevel {
        Some(0..=3) => LevelFilter::Error,
        Some(4) => LevelFilter::Warn,
        Some(5 | 6) => LevelFilter::Info,
        Some(_) => LevelFilter::Debug,
        None => LevelFilter::Info,
    };
    let _ = log::set_logger(&LOGGER);
    log::set_max_level(filter);
}

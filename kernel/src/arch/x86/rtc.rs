//! The CMOS real-time clock (MC146818): wall-clock time at boot, read once.
//! Later time is boot time plus the TSC-measured uptime.

use x86::io::{inb, outb};

fn read_reg(reg: u8) -> u8 {
    // SAFETY: CMOS index/data ports; bit 7 of the index keeps NMIs enabled
    // state as is (we never rely on NMI masking).
    unsafe {
        outb(0x70, reg);
        inb(0x71)
    }
}

fn update_in_progress() -> bool {
    read_reg(0x0A) & 0x80 != 0
}

/// Seconds since the Unix epoch, from the RTC (assumed to keep UTC, as
/// QEMU's does by default).
pub fn read_epoch_seconds() -> u64 {
    let read = || {
        while update_in_progress() {}
        [
            read_reg(0x00),
            read_reg(0x02),
            read_reg(0x04),
            read_reg(0x07),
            read_reg(0x08),
            read_reg(0x09),
        ]
    };
    // Read until two reads agree, so we never see a half-updated time.
    let mut a = read();
    loop {
        let b = read();
        if a == b {
            break;
        }
        a = b;
    }
    let status_b = read_reg(0x0B);
    let bcd = status_b & 0x04 == 0;
    let conv = |v: u8| if bcd { (v & 0x0F) + (v >> 4) * 10 } else { v };
    let (sec, min) = (conv(a[0]), conv(a[1]));
    let mut hour = conv(a[2] & 0x7F);
    if status_b & 0x02 == 0 && a[2] & 0x80 != 0 {
        hour = (hour % 12) + 12; // 12-hour clock, PM
    }
    let (day, month, year) = (conv(a[3]), conv(a[4]), 2000 + u64::from(conv(a[5])));
    days_from_civil(year, u64::from(month), u64::from(day)) * 86400
        + u64::from(hour) * 3600
        + u64::from(min) * 60
        + u64::from(sec)
}

/// Days since 1970-01-01 of a Gregorian date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: u64, m: u64, d: u64) -> u64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

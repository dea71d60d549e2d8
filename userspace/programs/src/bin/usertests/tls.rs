//! Thread-local storage: `set_thread_area` fills a GDT slot that `%gs` can
//! name (what musl and glibc do at start-up), and clearing a slot that `%gs`
//! still names must not hurt the kernel: the selector simply becomes unusable
//! (Linux reloads the null selector).

use crate::check::{TestResult, ensure, expect_eq, expect_ret};
use abi::syscalls::{NR_GETPID, NR_SET_THREAD_AREA};
use abi::types::UserDesc;
use core::arch::asm;

/// The data `%gs:0` should show once the descriptor is loaded.
static TLS_BLOCK: [u32; 4] = [0x1234_5678, 0x9abc_def0, 0, 0];

fn set_thread_area(desc: &mut UserDesc) -> isize {
    // SAFETY: `desc` is a valid, writable user_desc.
    unsafe { rt::syscall::syscall1(NR_SET_THREAD_AREA, desc as *mut UserDesc as usize) }
}

fn load_gs(sel: u16) {
    // SAFETY: loads a selector that set_thread_area just made valid (or 0);
    // nothing else in this program uses %gs.
    unsafe { asm!("mov gs, {0:x}", in(reg) sel, options(nostack, preserves_flags)) };
}

fn gs_selector() -> u16 {
    let sel: u16;
    // SAFETY: reads a segment register.
    unsafe { asm!("mov {0:x}, gs", out(reg) sel, options(nomem, nostack, preserves_flags)) };
    sel
}

pub fn set_thread_area_tls() -> TestResult {
    let mut d = UserDesc::ZERO;
    d.entry_number = u32::MAX;
    d.base_addr = TLS_BLOCK.as_ptr() as u32;
    d.limit = 0xfffff;
    d.flags = 1 | (1 << 4) | (1 << 6); // seg_32bit, limit_in_pages, useable
    expect_ret!("set_thread_area(entry -1)", set_thread_area(&mut d), 0);
    let entry = d.entry_number;
    // i386 Linux uses GDT slots 6..8; an x86_64 kernel running us uses 12..14.
    ensure!(
        (6..=8).contains(&entry) || (12..=14).contains(&entry),
        "entry_number {entry}"
    );
    let sel = ((entry << 3) | 3) as u16;
    load_gs(sel);
    let v: u32;
    // SAFETY: %gs now names a flat segment based at TLS_BLOCK.
    unsafe {
        asm!("mov {0}, dword ptr gs:[4]", out(reg) v, options(nostack, readonly, preserves_flags))
    };
    expect_eq!("gs:[4]", v, 0x9abc_def0);

    // Clear the slot while %gs still names it ("empty" user_desc).
    let mut empty = UserDesc::ZERO;
    empty.entry_number = entry;
    empty.flags = (1 << 3) | (1 << 5); // read_exec_only, seg_not_present
    expect_ret!("set_thread_area(clear)", set_thread_area(&mut empty), 0);
    // A system call must come back normally...
    // SAFETY: getpid takes no arguments.
    let pid = unsafe { rt::syscall::syscall0(NR_GETPID) };
    ensure!(pid > 0, "getpid after clearing the TLS slot: {pid}");
    // ...with %gs no longer naming the dead descriptor.
    let after = gs_selector();
    ensure!(
        after & !3 != sel & !3 || after == 0,
        "gs still {after:#x} after the slot was cleared"
    );
    load_gs(0);
    Ok(())
}

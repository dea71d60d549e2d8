//! `sleep N`: says so, then sleeps N seconds with `nanosleep` (a program to
//! interrupt with Ctrl-C, or to keep a process waiting).

#![no_std]
#![no_main]

use abi::syscalls::NR_NANOSLEEP;
use abi::types::Timespec;
use rt::{Args, println};

rt::entry!(main);

fn main(args: &Args) -> i32 {
    let secs: i32 = args.str(1).and_then(|s| s.parse().ok()).unwrap_or(1);
    println!("sleep: {secs} s");
    let ts = Timespec {
        tv_sec: secs,
        tv_nsec: 0,
    };
    // SAFETY: a valid timespec; no remainder requested.
    let r = unsafe { rt::syscall::syscall2(NR_NANOSLEEP, &ts as *const Timespec as usize, 0) };
    if r < 0 { 1 } else { 0 }
}

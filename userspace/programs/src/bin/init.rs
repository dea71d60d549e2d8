//! `init`: the first process (pid 1). It runs programs one after another and
//! reports how each ended.
//!
//! - `init PROG...` runs each `PROG` (an absolute path) in turn; without
//!   arguments it runs [`DEFAULT_PROGRAMS`], the demonstration programs
//!   and then an interactive shell (`/bin/sh`).
//! - Each program runs in a child: `fork`, then `execve(PROG, [PROG], ENV)`
//!   in the child, `wait4` in the parent, which prints
//!   `init: PROG exited with status S` or `init: PROG killed by signal N`.
//! - init exits 0 if every program exited with status 0, else 1 (the kernel
//!   then prints `init exited: status=S` and powers off).
//! - If `fork` fails with `ENOSYS` (a kernel without processes yet), init
//!   says so and `execve`s the first program in its own place.

#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use core::ffi::CStr;

use abi::errno::{EINTR, ENOSYS};
use abi::wait::WNOHANG;
use rt::sys::{self, WaitStatus};
use rt::{Args, eprintln, println};

rt::entry!(main);

/// What init runs when it is given no arguments.
const DEFAULT_PROGRAMS: &[&CStr] = &[
    c"/bin/hello",
    c"/bin/sysenter_hello",
    c"/bin/int80_hello",
    c"/bin/usertests",
    c"/bin/sh",
];

/// The environment every program gets.
const ENV: &[&CStr] = &[c"PATH=/bin", c"HOME=/", c"TERM=linux"];

/// `"EFAULT"` for -14 and the like, for messages.
fn errno_str(ret: isize) -> &'static str {
    abi::errno_name(-ret as i32).unwrap_or("unknown error")
}

fn main(args: &Args) -> i32 {
    let programs: Vec<&CStr> = if args.len() > 1 {
        args.iter().skip(1).collect()
    } else {
        DEFAULT_PROGRAMS.to_vec()
    };
    println!(
        "init: pid {}, running {} program(s) via {}",
        sys::getpid(),
        programs.len(),
        rt::effective_path()
    );

    let mut all_ok = true;
    for &prog in &programs {
        let name = prog.to_str().unwrap_or("<non-UTF-8 path>");
        let pid = sys::fork();
        if pid == ENOSYS.neg() {
            println!("init: fork is not implemented (ENOSYS): execve {name} in place of init");
            let ret = sys::exec(prog, &[prog], ENV);
            eprintln!("init: execve {name} failed: {}", errno_str(ret));
            return 1;
        }
        if pid < 0 {
            eprintln!("init: fork failed: {}", errno_str(pid));
            all_ok = false;
            continue;
        }
        if pid == 0 {
            // The child: become the program.
            let ret = sys::exec(prog, &[prog], ENV);
            eprintln!("init: execve {name} failed: {}", errno_str(ret));
            sys::exit_group(127);
        }
        all_ok &= wait_for(pid as i32, name);
    }
    reap_orphans();
    if all_ok { 0 } else { 1 }
}

/// Waits for child `pid` (running `name`), prints how it ended; true if it
/// exited with status 0.
fn wait_for(pid: i32, name: &str) -> bool {
    let mut status = 0;
    loop {
        let ret = sys::wait4(pid, Some(&mut status), 0, None);
        if ret == EINTR.neg() {
            continue;
        }
        if ret != pid as isize {
            eprintln!("init: wait4({pid}) for {name} failed: {}", errno_str(ret));
            return false;
        }
        break;
    }
    match WaitStatus::decode(status) {
        WaitStatus::Exited(code) => {
            println!("init: {name} exited with status {code}");
            code == 0
        }
        WaitStatus::Signaled(sig, _) => {
            println!("init: {name} killed by signal {sig}");
            false
        }
        other => {
            println!("init: {name} ended with unexpected wait status {status:#x} ({other:?})");
            false
        }
    }
}

/// As pid 1, init inherits every orphan; collect those that already died.
fn reap_orphans() {
    loop {
        let ret = sys::wait4(-1, None, WNOHANG, None);
        // 0: children left but none dead; -ECHILD: no children at all.
        if ret <= 0 {
            break;
        }
    }
}

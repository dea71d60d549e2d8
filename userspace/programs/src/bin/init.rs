//! `init`: the first process (pid 1). It runs programs one after another and
//! reports how each ended.
//!
//! - `init PROG...` runs each `PROG` (an absolute path) in turn.
//! - Without arguments, if the initramfs has BusyBox (`/bin/busybox`, put
//!   there by `scripts/mkinitramfs`), init prints a banner of things to try
//!   and runs BusyBox's `ash` as a login shell in a session of its own on
//!   the console, starting a new one whenever it exits ([`session`]).
//!   Without BusyBox it runs [`DEFAULT_PROGRAMS`], the demonstration
//!   programs and then the small shell (`/bin/sh`).
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
use rt::{Args, eprintln, print, println};

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

/// Where BusyBox is, and what its login shell's environment is.
const BUSYBOX: &CStr = c"/bin/busybox";
const SHELL_ENV: &[&CStr] = &[
    c"PATH=/usr/sbin:/usr/bin:/sbin:/bin",
    c"HOME=/root",
    c"TERM=linux",
    c"SHELL=/bin/busybox",
    c"PS1=\\w # ",
];

const BANNER: &str = "\
rusty-i386: BusyBox ash on the serial console. Things to try:
  hello, sysenter_hello, int80_hello   the seeds' programs (int 0x80 and sysenter)
  usertests, bench                     the kernel's own checks and its benchmark
  ls -la /, ps, free, mount, vi /tmp/x ordinary Linux tools (BusyBox)
  bash                                 GNU bash
  strace: boot with `make run CMDLINE=strace` to trace every call
  poweroff -f                          (or Ctrl-A X) to leave
";

/// The console session of `make run`: a login `ash`, again whenever it
/// exits. Its child makes a new session and opens the serial line,
/// `/dev/ttyS0`, which becomes the session's controlling terminal (Linux's
/// getty does the same before exec'ing login), so the shell has job
/// control. Not `/dev/console`: files opened through it are exempt from
/// SIGTTIN/SIGTTOU, as on Linux, so background jobs would read the
/// shell's input.
fn session() -> i32 {
    print!("{BANNER}");
    loop {
        let pid = sys::fork();
        if pid < 0 {
            eprintln!("init: fork failed: {}", errno_str(pid));
            return 1;
        }
        if pid == 0 {
            sys::setsid();
            let mut fd = sys::open(c"/dev/ttyS0", abi::fcntl::O_RDWR);
            if fd < 0 {
                fd = sys::open(c"/dev/console", abi::fcntl::O_RDWR);
            }
            if fd >= 0 {
                for target in 0..3 {
                    sys::dup2(fd as i32, target);
                }
                if fd > 2 {
                    sys::close(fd as i32);
                }
            }
            // argv[0] "-sh": a login shell (reads /etc/profile).
            let ret = sys::exec(BUSYBOX, &[c"-sh"], SHELL_ENV);
            eprintln!("init: execve /bin/busybox failed: {}", errno_str(ret));
            sys::exit_group(127);
        }
        wait_for(pid as i32, "the shell");
        reap_orphans();
        println!("init: starting a new shell");
    }
}

/// The links to a process's own descriptors that programs expect in
/// `/dev` (bash's `<(...)` passes `/dev/fd/63`). The kernel's devtmpfs
/// does not make them on Linux either: early user space does
/// (systemd's `dev_setup()`, Debian's initramfs `init`), so init does here.
const DEV_LINKS: &[(&CStr, &CStr)] = &[
    (c"/proc/self/fd", c"/dev/fd"),
    (c"/proc/self/fd/0", c"/dev/stdin"),
    (c"/proc/self/fd/1", c"/dev/stdout"),
    (c"/proc/self/fd/2", c"/dev/stderr"),
];

fn main(args: &Args) -> i32 {
    for (target, link) in DEV_LINKS {
        // Already there (the archive has them) or no /dev: nothing to do.
        let _ = sys::symlink(target, link);
    }
    if args.len() <= 1 && sys::access(BUSYBOX, abi::fcntl::X_OK) == 0 {
        return session();
    }
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
/// exited with status 0. Waits for any child meanwhile: as pid 1, init
/// inherits every orphan, and reaps each as it dies (a real init's job),
/// not only once the shell it waits for has gone.
fn wait_for(pid: i32, name: &str) -> bool {
    let mut status = 0;
    loop {
        let ret = sys::wait4(-1, Some(&mut status), 0, None);
        if ret == EINTR.neg() || (ret > 0 && ret != pid as isize) {
            continue; // an orphan, now reaped
        }
        if ret != pid as isize {
            eprintln!(
                "init: wait4 for {name} (pid {pid}) failed: {}",
                errno_str(ret)
            );
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

//! `sh`: a very small interactive shell, so `make run` ends at a prompt.
//!
//! It reads a line from the console (the kernel's TTY does the line
//! editing), splits it into words (double quotes group words), and runs the
//! program with `fork` + `execve` + `wait4`; a name without `/` is looked up
//! in `/bin`. Built in: `cd DIR`, `exit [N]`, `fg`, `help`. End of input
//! (Ctrl-D) exits.
//!
//! Job control, as a real shell does it: without a controlling terminal,
//! the shell starts a session and takes the console (`setsid`,
//! `TIOCSCTTY`); each program runs in its own process group, which the
//! shell makes the terminal's foreground group while it waits, so Ctrl-C
//! and Ctrl-Z reach the program and not the shell (which ignores them,
//! and `SIGTTOU` so that it can take the terminal back). A stopped program
//! waits for `fg`. Children get the default actions back before `execve`.

#![no_std]
#![no_main]

extern crate alloc;

use abi::ioctl::{TIOCSCTTY, TIOCSPGRP};
use abi::signal::{SIG_DFL, SIG_IGN, SIGCONT, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU};
use abi::syscalls::{NR_CHDIR, NR_GETPGRP, NR_KILL, NR_RT_SIGACTION, NR_SETPGID, NR_SETSID};
use abi::types::KSigaction;
use abi::wait::WUNTRACED;
use alloc::ffi::CString;
use alloc::string::String;
use alloc::vec::Vec;
use rt::sys::{self, WaitStatus};
use rt::{Args, eprintln, print, println};

rt::entry!(main);

const ENV: &[&core::ffi::CStr] = &[c"PATH=/bin", c"HOME=/", c"TERM=linux"];

fn set_disposition(sig: i32, handler: u32) {
    let act = KSigaction {
        sa_handler: handler,
        ..KSigaction::ZERO
    };
    // SAFETY: a valid sigaction struct; no old action requested.
    unsafe {
        rt::syscall::syscall4(
            NR_RT_SIGACTION,
            sig as usize,
            &act as *const _ as usize,
            0,
            8,
        )
    };
}

/// The signals the shell ignores and its children get back.
const JOB_SIGNALS: [i32; 5] = [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU];

/// Make process group `pgrp` the terminal's foreground group (`tcsetpgrp`).
fn set_foreground(pgrp: isize) {
    let pgrp = pgrp as i32;
    // SAFETY: TIOCSPGRP reads one pid_t from the pointer.
    unsafe { sys::ioctl(0, TIOCSPGRP, &pgrp as *const i32 as usize) };
}

fn getpgrp() -> isize {
    // SAFETY: no arguments.
    unsafe { rt::syscall::syscall0(NR_GETPGRP) }
}

/// Words of a command line; double quotes group words.
fn split(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let (mut cur, mut in_word, mut quoted) = (String::new(), false, false);
    for c in line.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                in_word = true;
            }
            ' ' | '\t' | '\n' if !quoted => {
                if in_word {
                    words.push(core::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                cur.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    words
}

fn run(words: &[String], stopped: &mut Stopped) -> i32 {
    let path = if words[0].contains('/') {
        words[0].clone()
    } else {
        alloc::format!("/bin/{}", words[0])
    };
    let (Ok(cpath), Ok(argv)) = (
        CString::new(path.clone()),
        words
            .iter()
            .map(|w| CString::new(w.as_str()))
            .collect::<Result<Vec<_>, _>>(),
    ) else {
        eprintln!("sh: NUL byte in command");
        return 2;
    };
    let pid = sys::fork();
    if pid < 0 {
        eprintln!("sh: fork: {}", abi::errno_name(-pid as i32).unwrap_or("?"));
        return 2;
    }
    if pid == 0 {
        // Its own group, in the foreground (both sides do it: no race).
        // SAFETY: setpgid(0, 0) takes plain numbers.
        unsafe { rt::syscall::syscall2(NR_SETPGID, 0, 0) };
        set_foreground(getpgrp());
        for sig in JOB_SIGNALS {
            set_disposition(sig, SIG_DFL);
        }
        let refs: Vec<&core::ffi::CStr> = argv.iter().map(|c| c.as_c_str()).collect();
        let ret = sys::exec(&cpath, &refs, ENV);
        let err = abi::errno_name(-ret as i32).unwrap_or("?");
        eprintln!(
            "sh: {}: {}",
            words[0],
            if ret == -2 { "not found" } else { err }
        );
        sys::exit_group(if ret == -2 { 127 } else { 126 });
    }
    // SAFETY: setpgid(pid, pid) takes plain numbers.
    unsafe { rt::syscall::syscall2(NR_SETPGID, pid as usize, pid as usize) };
    wait_job(&path, pid as i32, stopped)
}

/// A stopped job, which `fg` resumes: its pid and path.
type Stopped = Option<(i32, String)>;

/// Wait for job `pid` in the foreground, then take the terminal back; a
/// job that stops is kept in `stopped`.
fn wait_job(path: &str, pid: i32, stopped: &mut Stopped) -> i32 {
    set_foreground(pid as isize);
    let mut status = 0;
    loop {
        let r = sys::wait4(pid, Some(&mut status), WUNTRACED, None);
        if r != abi::errno::EINTR.neg() {
            break;
        }
    }
    set_foreground(getpgrp());
    match WaitStatus::decode(status) {
        WaitStatus::Stopped(sig) => {
            println!(
                "\nsh: [{pid}] {path}: stopped by signal {sig} ({}); 'fg' continues it",
                abi::signal::signal_name(sig).unwrap_or("?")
            );
            *stopped = Some((pid, String::from(path)));
            128 + sig
        }
        WaitStatus::Exited(code) => code,
        WaitStatus::Signaled(sig, _) => {
            // After the echoed ^C, start a new line (as bash does).
            if sig == SIGINT {
                println!();
            }
            println!(
                "sh: {path}: killed by signal {sig} ({})",
                abi::signal::signal_name(sig).unwrap_or("?")
            );
            128 + sig
        }
        _ => 1,
    }
}

fn main(_args: &Args) -> i32 {
    for sig in JOB_SIGNALS {
        set_disposition(sig, SIG_IGN);
    }
    // A session of our own with the console as its terminal, unless we
    // have one already (both fail harmlessly then).
    // SAFETY: setsid and TIOCSCTTY take no pointers.
    unsafe {
        rt::syscall::syscall0(NR_SETSID);
        sys::ioctl(0, TIOCSCTTY, 0);
    }
    println!(
        "sh: a tiny shell; programs are in /bin (try: hello, usertests, sysenter_hello). 'help' for more."
    );
    let mut last = 0;
    let mut stopped: Stopped = None;
    loop {
        print!("# ");
        let mut buf = [0u8; 512];
        let n = sys::read(0, &mut buf);
        if n == abi::errno::EINTR.neg() {
            continue;
        }
        if n <= 0 {
            println!();
            return last;
        }
        let line = String::from_utf8_lossy(&buf[..n as usize]).into_owned();
        let words = split(&line);
        let Some(cmd) = words.first() else { continue };
        last = match cmd.as_str() {
            "exit" => return words.get(1).and_then(|w| w.parse().ok()).unwrap_or(last),
            "cd" => {
                let dir =
                    CString::new(words.get(1).map_or("/", |w| w.as_str())).unwrap_or_default();
                // SAFETY: a NUL-terminated path.
                let r = unsafe { rt::syscall::syscall1(NR_CHDIR, dir.as_ptr() as usize) };
                if r < 0 {
                    eprintln!("sh: cd: {}", abi::errno_name(-r as i32).unwrap_or("?"));
                    1
                } else {
                    0
                }
            }
            "fg" => {
                match stopped.take() {
                    Some((pid, path)) => {
                        println!("{path}");
                        // SAFETY: kill takes plain numbers.
                        unsafe { rt::syscall::syscall2(NR_KILL, -pid as usize, SIGCONT as usize) };
                        wait_job(&path, pid, &mut stopped)
                    }
                    None => {
                        eprintln!("sh: fg: no stopped job");
                        1
                    }
                }
            }
            "help" => {
                println!(
                    "built in: cd DIR, exit [N], fg, help; anything else runs /bin/NAME (or a path)."
                );
                println!(
                    "Ctrl-C ends the running program, Ctrl-Z stops it ('fg' continues it); \
                     Ctrl-D or 'exit' leaves (init then powers off)."
                );
                0
            }
            _ => run(&words, &mut stopped),
        };
    }
}

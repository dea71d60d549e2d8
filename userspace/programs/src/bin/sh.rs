//! `sh`: a very small interactive shell, so `make run` ends at a prompt.
//!
//! It reads a line from the console (the kernel's TTY does the line
//! editing), splits it into words (double quotes group words), and runs the
//! program with `fork` + `execve` + `wait4`; a name without `/` is looked up
//! in `/bin`. Built in: `cd DIR`, `exit [N]`, `help`. The shell ignores
//! SIGINT (Ctrl-C ends the program it runs, not the shell); children get
//! the default action back before `execve`. End of input (Ctrl-D) exits.

#![no_std]
#![no_main]

extern crate alloc;

use abi::signal::{SIG_DFL, SIG_IGN, SIGINT, SIGQUIT};
use abi::syscalls::{NR_CHDIR, NR_RT_SIGACTION};
use abi::types::KSigaction;
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

fn run(words: &[String]) -> i32 {
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
        set_disposition(SIGINT, SIG_DFL);
        set_disposition(SIGQUIT, SIG_DFL);
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
    let mut status = 0;
    loop {
        let r = sys::wait4(pid as i32, Some(&mut status), 0, None);
        if r != abi::errno::EINTR.neg() {
            break;
        }
    }
    match WaitStatus::decode(status) {
        WaitStatus::Exited(code) => code,
        WaitStatus::Signaled(sig, _) => {
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
    set_disposition(SIGINT, SIG_IGN);
    set_disposition(SIGQUIT, SIG_IGN);
    println!(
        "sh: a tiny shell; programs are in /bin (try: hello, usertests, sysenter_hello). 'help' for more."
    );
    let mut last = 0;
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
            "help" => {
                println!(
                    "built in: cd DIR, exit [N], help; anything else runs /bin/NAME (or a path)."
                );
                println!(
                    "Ctrl-C ends the running program; Ctrl-D or 'exit' leaves (init then powers off)."
                );
                0
            }
            _ => run(&words),
        };
    }
}

//! `hello`: prints one greeting line, with the process id and the system-call
//! entry path, and exits 0.
//!
//! `hello int80` or `hello sysenter` selects the path first (the default is
//! the runtime's: sysenter through the vDSO when the kernel offers one).

#![no_std]
#![no_main]

use rt::{Args, Path, println};

rt::entry!(main);

fn main(args: &Args) -> i32 {
    match args.str(1) {
        Some("int80") => rt::set_path(Path::Int80),
        Some("sysenter") => rt::set_path(Path::Sysenter),
        Some(other) => {
            rt::eprintln!("hello: unknown path {other:?} (use int80 or sysenter)");
            return 2;
        }
        None => {}
    }
    println!(
        "Hello from Rust userspace (pid {}) via {}",
        rt::sys::getpid(),
        rt::effective_path()
    );
    0
}

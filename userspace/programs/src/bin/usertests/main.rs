//! `usertests`: a system-call conformance suite in the style of xv6's
//! usertests, run once per entry path.
//!
//! Every test is a function returning `Ok(())` or `Err(reason)`; each
//! compares real results with what Linux returns. The runner runs every test
//! through `int 0x80` and then through the vDSO (`sysenter`), printing
//!
//! ```text
//! test <name> [int80]: ok
//! test <name> [sysenter]: FAILED: <reason>
//! ```
//!
//! and ends with exactly `N passed, N failed`; the exit status is 0 only if
//! nothing failed. `usertests NAME...` runs only the tests whose names
//! contain one of the given words.
//!
//! Everything here is also true on Linux: run the binary on an x86_64 Linux
//! host with i386 support. There, run it with stdin redirected from a
//! non-empty file (`< /etc/passwd`): Linux validates a `read` buffer only
//! when it copies data, so `read(0, bad, n)` on a terminal would wait for
//! input first (our kernel checks the buffer before blocking).

#![no_std]
#![no_main]

extern crate alloc;

mod check;
mod child;
mod entry;
mod info;
mod io;
mod mem;
mod proc;
mod time;
mod tls;
mod tty;
mod vdso;

use rt::{Args, Path, println};

use crate::check::TestResult;

rt::entry!(main);

/// One test: a name and a function.
struct Test {
    name: &'static str,
    run: fn() -> TestResult,
}

/// Builds the test table from paths to the test functions; the name is the
/// function's name.
macro_rules! tests {
    ($($module:ident :: $func:ident),* $(,)?) => {
        &[$(Test { name: stringify!($func), run: $module::$func }),*]
    };
}

/// The suite, in running order.
const TESTS: &[Test] = tests![
    // The entry mechanism.
    entry::unknown_syscalls,
    entry::registers_preserved,
    entry::paths_agree,
    // What a new process is given.
    info::auxv,
    info::vdso,
    info::args_env,
    info::uname,
    // I/O.
    io::write_stdout,
    io::write_zero_len,
    io::bad_fd,
    io::read_bad_buffer,
    io::write_bad_buffer,
    io::writev,
    tty::ioctl_tty,
    // Processes.
    proc::getpid_getppid,
    proc::uid_gid,
    proc::set_tid_address,
    proc::fork_wait,
    proc::exit_status,
    proc::wait_no_children,
    proc::wait_bad_status,
    proc::execve_errors,
    proc::faults_kill_child,
    tls::set_thread_area_tls,
    // Memory.
    mem::brk,
    mem::mmap2_anon,
    mem::mmap2_errors,
    mem::mprotect_none,
    mem::heap,
    // Time.
    time::time,
    time::clock_gettime,
    time::clock_gettime64,
];

fn main(args: &Args) -> i32 {
    if args.var(proc::EXEC_PROBE_VAR).is_some() {
        // An execve that should have failed ran us: report it and stop.
        return proc::EXEC_PROBE_STATUS;
    }
    let filters: alloc::vec::Vec<&str> = (1..args.len()).filter_map(|i| args.str(i)).collect();
    let selected = |t: &&Test| filters.is_empty() || filters.iter().any(|f| t.name.contains(f));

    println!(
        "usertests: pid {}, {} tests, each via int80 and sysenter (AT_SYSINFO {})",
        rt::sys::getpid(),
        TESTS.iter().filter(selected).count(),
        match rt::auxv::sysinfo() {
            Some(_) => "present",
            None => "MISSING: the sysenter runs fall back to int80",
        }
    );
    let (mut passed, mut failed) = (0u32, 0u32);
    for path in Path::ALL {
        rt::set_path(path);
        for test in TESTS.iter().filter(selected) {
            match (test.run)() {
                Ok(()) => {
                    passed += 1;
                    println!("test {} [{path}]: ok", test.name);
                }
                Err(reason) => {
                    failed += 1;
                    println!("test {} [{path}]: FAILED: {reason}", test.name);
                }
            }
        }
    }
    rt::set_path(Path::Sysenter);
    println!("{passed} passed, {failed} failed");
    if failed == 0 { 0 } else { 1 }
}

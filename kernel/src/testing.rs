//! The in-kernel test harness (`custom_test_frameworks`): each test kernel
//! prints every test's name and `[ok]` on serial, ends with the line
//! `N passed, N failed`, and leaves QEMU through `isa-debug-exit` (33 = all
//! passed). `scripts/qemu-test-runner` maps that to cargo's exit status.

use crate::arch::x86::qemu::{ExitCode, exit_qemu};
use crate::{print, println};
use core::panic::PanicInfo;
use core::sync::atomic::{AtomicUsize, Ordering};

static PASSED: AtomicUsize = AtomicUsize::new(0);

/// Anything the runner can run: a function printed by its path.
pub trait Testable {
    fn run(&self);
}

impl<T: Fn()> Testable for T {
    fn run(&self) {
        print!("{} ... ", core::any::type_name::<T>());
        self();
        println!("[ok]");
        PASSED.fetch_add(1, Ordering::Relaxed);
    }
}

/// Run all tests and exit QEMU.
pub fn test_runner(tests: &[&dyn Testable]) -> ! {
    println!("running {} tests", tests.len());
    for t in tests {
        t.run();
    }
    println!("{} passed, 0 failed", PASSED.load(Ordering::Relaxed));
    exit_qemu(ExitCode::Success)
}

/// A failing test panics: report it and exit with failure.
pub fn test_panic_handler(info: &PanicInfo) -> ! {
    println!("[failed]");
    println!("Error: {}", info);
    println!("{} passed, 1 failed", PASSED.load(Ordering::Relaxed));
    exit_qemu(ExitCode::Failed)
}

//! The panic handler: message, location, the CPU's control registers and
//! stack pointer, then power off with QEMU exit status 37 (see
//! `arch/x86/qemu.rs`). A test kernel may install a hook instead (e.g. a
//! `should_panic` test turns the panic into success).

use crate::arch::x86::qemu::{ExitCode, exit_qemu};
use crate::println;
use core::panic::PanicInfo;
use spin::Once;

static HOOK: Once<fn(&PanicInfo) -> !> = Once::new();

/// Let a test kernel take over panics.
pub fn set_hook(hook: fn(&PanicInfo) -> !) {
    HOOK.call_once(|| hook);
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    crate::arch::x86::instructions::cli();
    // SAFETY: we never return to whoever held the console lock.
    unsafe { crate::drivers::serial::force_unlock() };
    if let Some(hook) = HOOK.get() {
        hook(info);
    }
    if cfg!(test) {
        crate::testing::test_panic_handler(info);
    }
    println!();
    println!("Kernel panic: {}", info.message());
    if let Some(loc) = info.location() {
        println!("  at {}:{}:{}", loc.file(), loc.line(), loc.column());
    }
    dump_cpu_state();
    println!("---[ end Kernel panic ]---");
    exit_qemu(ExitCode::Panic)
}

/// Print the registers that matter at any panic.
fn dump_cpu_state() {
    let (esp, ebp): (u32, u32);
    // SAFETY: reads two registers.
    unsafe { core::arch::asm!("mov {}, esp", "mov {}, ebp", out(reg) esp, out(reg) ebp) };
    // SAFETY: reading control registers has no side effects.
    let (cr0, cr2, cr3, cr4) = unsafe {
        use x86::controlregs as c;
        (c::cr0().bits(), c::cr2(), c::cr3(), c::cr4().bits())
    };
    println!(
        "  ESP: {esp:08x} EBP: {ebp:08x} EFLAGS: {:08x}",
        crate::arch::x86::instructions::read_eflags()
    );
    println!("  CR0: {cr0:08x} CR2: {cr2:08x} CR3: {cr3:08x} CR4: {cr4:08x}");
    // try_with: the panic may have struck while the scheduler was borrowed.
    if let Some(Some(pid)) = crate::proc::sched::SCHED.try_with(|s| s.current) {
        println!("  current pid: {pid}");
    }
    // What memory looked like: a panic from exhaustion shows it here.
    // try_*: the panic may have struck inside the allocators.
    let frames = crate::mm::frame::try_free_frames();
    let heap = crate::mm::heap::try_usage();
    match (frames, heap) {
        (Some(free), Some((used, size))) => println!(
            "  memory: {free} frames free ({} KiB); kernel heap {} KiB used of {} KiB",
            free * 4,
            used / 1024,
            size / 1024
        ),
        _ => println!("  memory: allocator busy (the panic struck inside it)"),
    }
}

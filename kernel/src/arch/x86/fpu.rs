//! The x87 FPU and SSE state of user processes.
//!
//! The kernel itself is built soft-float and never touches these registers,
//! so a task's FPU/SSE state only has to be saved when switching away from it
//! and restored when switching back (eager switching with FXSAVE/FXRSTOR,
//! SDM Vol. 1, 10.5). Real i386 binaries use x87 and often SSE, so CR4.OSFXSR
//! and OSXMMEXCPT are set when the CPU has them (SDM Vol. 3A, 13.1).

use core::sync::atomic::{AtomicBool, Ordering};
use x86::controlregs::{Cr0, Cr4, cr0, cr0_write, cr4, cr4_write};

/// An FXSAVE image (512 bytes, 16-byte aligned). Without FXSR only the first
/// 108 bytes are used, by FNSAVE.
#[derive(Clone)]
#[repr(C, align(16))]
pub struct FpuState(pub [u8; 512]);

static HAVE_FXSR: AtomicBool = AtomicBool::new(false);
static mut INIT_STATE: FpuState = FpuState([0; 512]);

/// Enable the FPU (and SSE if present) and record the clean state new
/// processes start with.
pub fn init() {
    let (_, _, _, edx) = super::instructions::cpuid(1, 0);
    let fxsr = edx & (1 << 24) != 0;
    let sse = edx & (1 << 25) != 0;
    // SAFETY: standard FPU enabling sequence: EM off (no emulation), MP and NE
    // on (native error reporting), TS off (no lazy switching).
    unsafe {
        let mut c0 = cr0();
        c0.remove(Cr0::CR0_EMULATE_COPROCESSOR | Cr0::CR0_TASK_SWITCHED);
        c0.insert(Cr0::CR0_MONITOR_COPROCESSOR | Cr0::CR0_NUMERIC_ERROR);
        cr0_write(c0);
        if fxsr {
            let mut c4 = cr4() | Cr4::CR4_ENABLE_SSE;
            if sse {
                c4 |= Cr4::CR4_UNMASKED_SSE;
            }
            cr4_write(c4);
        }
        core::arch::asm!("fninit", options(nomem, nostack));
    }
    HAVE_FXSR.store(fxsr, Ordering::Relaxed);
    // SAFETY: early boot, single CPU: nothing else uses INIT_STATE yet.
    let init = unsafe { &mut *(&raw mut INIT_STATE) };
    save(init);
    if fxsr && sse {
        // MXCSR at offset 24: all exceptions masked (Linux's default 0x1F80).
        init.0[24..28].copy_from_slice(&0x1F80u32.to_le_bytes());
    }
}

/// The state a new process starts with.
pub fn initial_state() -> FpuState {
    // SAFETY: written once in `init`, read-only afterwards.
    unsafe { (*(&raw const INIT_STATE)).clone() }
}

/// Save the CPU's FPU state.
pub fn save(state: &mut FpuState) {
    // SAFETY: the buffer is 512 bytes and 16-byte aligned as FXSAVE needs.
    unsafe {
        if HAVE_FXSR.load(Ordering::Relaxed) {
            core::arch::asm!("fxsave [{}]", in(reg) state.0.as_mut_ptr(), options(nostack));
        } else {
            core::arch::asm!("fnsave [{}]", "frstor [{0}]", in(reg) state.0.as_mut_ptr(), options(nostack));
        }
    }
}

/// Load a saved FPU state into the CPU.
pub fn restore(state: &FpuState) {
    // SAFETY: the image was produced by `save` (or is the clean initial one).
    unsafe {
        if HAVE_FXSR.load(Ordering::Relaxed) {
            core::arch::asm!("fxrstor [{}]", in(reg) state.0.as_ptr(), options(nostack));
        } else {
            core::arch::asm!("frstor [{}]", in(reg) state.0.as_ptr(), options(nostack));
        }
    }
}

//! The SYSENTER MSRs (Intel SDM Vol. 2B, SYSENTER; Vol. 4, table 2-2).
//!
//! `IA32_SYSENTER_CS` (0x174) is the kernel code selector; the CPU derives
//! SS from it (+8) on entry and the user CS/SS (+16/+24) on SYSEXIT.
//! `IA32_SYSENTER_ESP` (0x175) is the stack SYSENTER switches to: the current
//! task's kernel stack top, like TSS.esp0, so both entry paths build
//! `PtRegs` at the same place. `IA32_SYSENTER_EIP` (0x176) is
//! `entry_SYSENTER_32`.

use super::entry::entry_SYSENTER_32;
use super::gdt::KERNEL_CS;
use core::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use x86::msr::{IA32_SYSENTER_CS, IA32_SYSENTER_EIP, IA32_SYSENTER_ESP, wrmsr};

static HAVE_SEP: AtomicBool = AtomicBool::new(false);
/// The value last written to IA32_SYSENTER_ESP (MSR writes are slow; skip
/// them when the stack did not change).
static SYSENTER_ESP: AtomicUsize = AtomicUsize::new(0);

/// Does the CPU have SYSENTER/SYSEXIT? CPUID.1:EDX.SEP[bit 11]; the Pentium
/// Pro reports SEP without supporting it (family 6, model < 3, stepping < 3).
pub fn cpu_has_sep() -> bool {
    let (eax, _, _, edx) = super::instructions::cpuid(1, 0);
    let family = (eax >> 8) & 0xF;
    let model = (eax >> 4) & 0xF;
    let stepping = eax & 0xF;
    edx & (1 << 11) != 0 && !(family == 6 && model < 3 && stepping < 3)
}

/// Program the MSRs if the CPU has SEP; returns whether it does.
pub fn init(stack_top: usize) -> bool {
    if !cpu_has_sep() {
        return false;
    }
    // SAFETY: SEP is present, so the MSRs exist; the selector and entry point
    // are valid kernel ones.
    unsafe {
        wrmsr(IA32_SYSENTER_CS, u64::from(KERNEL_CS));
        wrmsr(
            IA32_SYSENTER_EIP,
            entry_SYSENTER_32 as *const () as usize as u64,
        );
    }
    HAVE_SEP.store(true, Ordering::Relaxed);
    set_stack(stack_top);
    true
}

/// The three SYSENTER MSRs as the CPU holds them now: (CS, ESP, EIP), for
/// the `pathtrace` picture (`None` without SEP).
pub fn msrs() -> Option<(u64, u64, u64)> {
    if !enabled() {
        return None;
    }
    // SAFETY: SEP is present, so the MSRs exist; reading them has no effect.
    unsafe {
        Some((
            x86::msr::rdmsr(IA32_SYSENTER_CS),
            x86::msr::rdmsr(IA32_SYSENTER_ESP),
            x86::msr::rdmsr(IA32_SYSENTER_EIP),
        ))
    }
}

/// Was SYSENTER enabled?
pub fn enabled() -> bool {
    HAVE_SEP.load(Ordering::Relaxed)
}

/// Point IA32_SYSENTER_ESP at the next task's kernel stack top.
pub fn set_stack(stack_top: usize) {
    if enabled() && SYSENTER_ESP.swap(stack_top, Ordering::Relaxed) != stack_top {
        // SAFETY: SEP present; the value is a valid kernel stack top.
        unsafe { wrmsr(IA32_SYSENTER_ESP, stack_top as u64) };
    }
}

unsafe extern "C" {
    fn sysenter_flags_ok();
    fn sysenter_fix_flags();
    fn sysenter_fix_flags_end();
}

/// Is `ip` in the part of `entry_SYSENTER_32` that runs before TF is
/// cleared? SYSENTER does not clear TF, so a user `sysenter` with TF set
/// single-steps these instructions (Linux's `is_sysenter_singlestep`).
pub fn in_sysenter_entry(ip: usize) -> bool {
    let addr = |f: unsafe extern "C" fn()| f as *const () as usize;
    (addr(entry_SYSENTER_32)..=addr(sysenter_flags_ok)).contains(&ip)
        || (addr(sysenter_fix_flags)..=addr(sysenter_fix_flags_end)).contains(&ip)
        || super::floor::in_floor_entry(ip)
}

//! Thin wrappers for single instructions the `x86` crate does not offer for
//! 32-bit code, each named after the instruction it issues.

use core::arch::asm;

/// `hlt`: sleep until the next interrupt.
///
/// Like `cli` and `sti; hlt; cli` below, not `nomem`: interrupt handlers
/// read and write kernel memory, so the compiler must finish every store
/// before these instructions (and reload after them), e.g. the borrow flag
/// of an `UpCell` that an interrupt handler will take.
#[inline]
pub fn hlt() {
    // SAFETY: hlt only waits for an interrupt.
    unsafe { asm!("hlt", options(nostack, preserves_flags)) }
}

/// `cli`: mask maskable interrupts.
#[inline]
pub fn cli() {
    // SAFETY: the kernel runs with interrupts off except while idle; masking
    // them is always safe.
    unsafe { asm!("cli", options(nostack)) }
}

/// `sti; hlt`: enable interrupts and sleep, with no window between the two
/// (STI's interrupt shadow covers HLT), then mask interrupts again.
#[inline]
pub fn sti_hlt_cli() {
    // SAFETY: interrupt handlers preserve all registers and the kernel stack
    // is valid; interrupts are masked again before we return.
    unsafe { asm!("sti", "hlt", "cli", options(nostack)) }
}

/// `pushfd; pop`: read EFLAGS.
#[inline]
pub fn read_eflags() -> u32 {
    let flags: u32;
    // SAFETY: reads a register through the stack; no other effect.
    unsafe { asm!("pushfd", "pop {}", out(reg) flags, options(nomem, preserves_flags)) }
    flags
}

/// `rdtsc`: the time-stamp counter (Intel SDM Vol. 2B, RDTSC).
#[inline]
pub fn rdtsc() -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: RDTSC only reads the counter (CR4.TSD is clear in ring 0).
    unsafe { asm!("rdtsc", out("eax") lo, out("edx") hi, options(nomem, nostack, preserves_flags)) }
    (u64::from(hi) << 32) | u64::from(lo)
}

/// `invlpg`: drop the TLB entry for one page.
#[inline]
pub fn invlpg(addr: usize) {
    // SAFETY: invalidating a TLB entry never breaks memory safety; the next
    // access just walks the page tables again.
    unsafe { asm!("invlpg [{}]", in(reg) addr, options(nostack, preserves_flags)) }
}

/// `cpuid`: returns (eax, ebx, ecx, edx) for `leaf`/`subleaf`.
#[inline]
pub fn cpuid(leaf: u32, subleaf: u32) -> (u32, u32, u32, u32) {
    let r = core::arch::x86::__cpuid_count(leaf, subleaf);
    (r.eax, r.ebx, r.ecx, r.edx)
}

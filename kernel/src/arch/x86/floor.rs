//! The hardware floor for `make bench` (kernel option `bench_floor`).
//!
//! To show how much of a system call is the CPU's own transition and how
//! much is ours (SAVE_ALL, dispatch, the handler), this installs two entry
//! points that do no work at all:
//! * `IA32_SYSENTER_EIP` = `entry_SYSENTER_floor`: if EAX holds
//!   [`FLOOR_MAGIC`] it goes straight back with `sti; sysexit` (to EDX/ECX
//!   as the caller set them); anything else continues into the real
//!   `entry_SYSENTER_32`, so normal system calls keep working;
//! * vector 0x82 (DPL 3) = a stub that is only `iret`.
//!
//! Without the option none of this exists: the normal path pays nothing.

use super::entry::entry_SYSENTER_32;
use core::arch::global_asm;

/// EAX value that selects the floor round trip.
pub const FLOOR_MAGIC: u32 = 0x7FFF_F100;
/// The bare `int`→`iret` vector.
pub const FLOOR_VECTOR: usize = 0x82;

global_asm!(
    r#"
    .section .text.entry, "ax"
    .global entry_SYSENTER_floor
    entry_SYSENTER_floor:
        cmp eax, {magic}
        jne {real}
        sti
        sysexit
    .global entry_INT_floor
    entry_INT_floor:
        iretd
    "#,
    magic = const FLOOR_MAGIC,
    real = sym entry_SYSENTER_32,
);

unsafe extern "C" {
    fn entry_SYSENTER_floor();
    fn entry_INT_floor();
}

/// Is `ip` in the floor's SYSENTER stub (which, like the real entry, runs
/// with the user's TF until SYSEXIT)?
pub fn in_floor_entry(ip: usize) -> bool {
    let start = entry_SYSENTER_floor as *const () as usize;
    (start..entry_INT_floor as *const () as usize).contains(&ip)
}

/// Install the floor entry points (if the CPU has SYSENTER).
pub fn install() {
    if super::sysenter::enabled() {
        // SAFETY: SEP is present; the stub is a valid kernel entry point
        // that falls through to the real one for every other EAX.
        unsafe {
            x86::msr::wrmsr(
                x86::msr::IA32_SYSENTER_EIP,
                entry_SYSENTER_floor as *const () as u64,
            )
        };
    }
    super::idt::set_user_gate(FLOOR_VECTOR, entry_INT_floor as *const () as usize);
    log::info!(
        "bench_floor: bare sysenter/sysexit (eax={FLOOR_MAGIC:#x}) and int {FLOOR_VECTOR:#x}/iret installed"
    );
}

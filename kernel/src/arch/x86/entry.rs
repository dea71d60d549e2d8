//! Kernel entry and exit: assembles `entry_32.S` (the stubs and the stack
//! picture) with the constants it needs, names its entry points for Rust,
//! and holds the Rust functions the system-call stubs call.
//!
//! The stubs are Linux's `arch/x86/entry/entry_32.S` reduced to what a
//! student needs to see; the functions they call are below (Linux's
//! `common.c`) and in [`traps`](super::traps). Every frame offset the
//! assembly uses comes from `offset_of!` on [`PtRegs`], every flag bit and
//! selector from its Rust constant, passed below as named operands.

use super::gdt::{USER_CS, USER_DS};
use super::idt::{IRQ_BASE, STUB_VECTORS};
use super::ptregs::{
    PT_CX, PT_DS, PT_ES, PT_FLAGS, PT_FS, PT_GS, PT_IP, PT_SI, PT_SP, PtRegs, X86_EFLAGS_AC,
    X86_EFLAGS_FIXED, X86_EFLAGS_IF, X86_EFLAGS_IF_BIT, X86_EFLAGS_NT, X86_EFLAGS_TF,
};
use core::arch::global_asm;

global_asm!(
    include_str!("entry_32.S"),
    pt_cx = const PT_CX,
    pt_si = const PT_SI,
    pt_ds = const PT_DS,
    pt_es = const PT_ES,
    pt_fs = const PT_FS,
    pt_gs = const PT_GS,
    pt_ip = const PT_IP,
    pt_flags = const PT_FLAGS,
    pt_sp = const PT_SP,
    user_cs = const USER_CS as u32,
    user_ds = const USER_DS as u32,
    eflags_fixed = const X86_EFLAGS_FIXED,
    eflags_tf = const X86_EFLAGS_TF,
    eflags_if = const X86_EFLAGS_IF,
    eflags_if_bit = const X86_EFLAGS_IF_BIT,
    eflags_nt = const X86_EFLAGS_NT,
    eflags_ac = const X86_EFLAGS_AC,
    trap_stub_size = const TRAP_STUB_SIZE,
    stub_vectors = const STUB_VECTORS,
    irq_base = const IRQ_BASE,
    do_int80_syscall_32 = sym do_int80_syscall_32,
    do_fast_syscall_32 = sym do_fast_syscall_32,
    do_trap = sym super::traps::do_trap,
    iret_fault = sym super::traps::iret_fault,
    options(att_syntax),
);

unsafe extern "C" {
    /// The `int 0x80` entry point (IDT vector 0x80).
    pub fn entry_INT80_32();
    /// The SYSENTER entry point (`IA32_SYSENTER_EIP`).
    pub fn entry_SYSENTER_32();
    /// Return to user space by RESTORE_ALL + iret with `%esp` = &PtRegs.
    pub fn ret_from_fork();
    /// First of the exception/IRQ stubs, [`TRAP_STUB_SIZE`] bytes apart.
    pub fn trap_stubs();
}

/// Distance between two stubs in `trap_stubs`.
pub const TRAP_STUB_SIZE: usize = 16;

/// How a system call entered the kernel (for tracing and the return path).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryPath {
    Int80,
    Sysenter,
}

/// Called by `entry_INT80_32` with the frame it built (`fastcall`: in ECX).
pub extern "fastcall" fn do_int80_syscall_32(regs: &mut PtRegs) {
    if crate::syscall::tracing() {
        let line = crate::syscall::do_syscall_traced(regs, EntryPath::Int80);
        crate::syscall::trace_return(&line, "iret");
    } else {
        crate::syscall::dispatch(regs, EntryPath::Int80);
    }
    crate::proc::signal::on_return_to_user(regs);
}

/// Called by `entry_SYSENTER_32`, like Linux's `do_fast_syscall_32`: the
/// sixth argument is on the user stack at `[ebp]`, and the return address is
/// the vDSO landing pad (`pop %ebp; pop %edx; pop %ecx; ret`), which undoes
/// what `__kernel_vsyscall` (or the seed program) pushed. Returns nonzero
/// when `sysexit` may be used (`fastcall`: the frame in ECX, the result in
/// EAX).
pub extern "fastcall" fn do_fast_syscall_32(regs: &mut PtRegs) -> u32 {
    let pad = crate::proc::vdso::landing_pad();
    regs.ip = pad as u32;
    // Argument 6 lives at the user's stack pointer; fetch it through the
    // checked path. A bad pointer is -EFAULT, and we return by iret to the
    // landing pad, whose `pop %ebp` then faults on the same bad stack.
    match crate::mm::usercopy::get_user_u32(regs.sp as usize) {
        Ok(arg6) => regs.bp = arg6,
        Err(e) => {
            regs.ax = e.as_ret();
            crate::syscall::trace_fault(regs, EntryPath::Sysenter);
            return 0;
        }
    }
    if crate::syscall::tracing() {
        let line = crate::syscall::do_syscall_traced(regs, EntryPath::Sysenter);
        crate::proc::signal::on_return_to_user(regs);
        let sysexit = sysexit_allowed(regs, pad);
        crate::syscall::trace_return(&line, if sysexit { "sysexit" } else { "iret" });
        return u32::from(sysexit);
    }
    crate::syscall::dispatch(regs, EntryPath::Sysenter);
    // A signal handler to run changes EIP, so the return below is an iret.
    crate::proc::signal::on_return_to_user(regs);
    u32::from(sysexit_allowed(regs, pad))
}

/// SYSEXIT can only restore EIP/ESP (from EDX/ECX) and fixed CS/SS (and our
/// exit path skips DS/ES, which hold USER_DS in the kernel), so use it only
/// when the frame still says exactly that (Linux's checks in
/// `do_fast_syscall_32`); after exec, a signal, or a debugger, use iret.
fn sysexit_allowed(regs: &PtRegs, pad: usize) -> bool {
    use super::ptregs::{X86_EFLAGS_NT, X86_EFLAGS_RF, X86_EFLAGS_TF, X86_EFLAGS_VM};
    regs.cs == u32::from(USER_CS)
        && regs.ss == u32::from(USER_DS)
        && regs.ds & 0xFFFF == u32::from(USER_DS)
        && regs.es & 0xFFFF == u32::from(USER_DS)
        && regs.ip as usize == pad
        && regs.flags & (X86_EFLAGS_RF | X86_EFLAGS_TF | X86_EFLAGS_VM | X86_EFLAGS_NT) == 0
}

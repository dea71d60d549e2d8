//! Kernel entry and exit: assembles `entry_32.S` (the stubs and the stack
//! picture) with the constants it needs, and names its entry points for
//! Rust.
//!
//! The stubs are Linux's `arch/x86/entry/entry_32.S` reduced to what a
//! student needs to see; the Rust functions they call are in
//! [`common`](super::common) (Linux's `common.c`) and
//! [`traps`](super::traps). Every frame offset the assembly uses comes from
//! `offset_of!` on [`PtRegs`](super::ptregs::PtRegs), every flag bit and
//! selector from its Rust constant, passed below as named operands.

use super::gdt::{ESPFIX_SS, GDT_ENTRY_ESPFIX_SS, KERNEL_DS, USER_CS, USER_DS};
use super::idt::{IRQ_BASE, STUB_VECTORS};
use super::ptregs::{
    PT_CS, PT_CX, PT_DS, PT_ES, PT_FLAGS, PT_FS, PT_GS, PT_IP, PT_SI, PT_SP, PT_SS, X86_EFLAGS_AC,
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
    pt_cs = const PT_CS,
    pt_ss = const PT_SS,
    user_cs = const USER_CS as u32,
    user_ds = const USER_DS as u32,
    kernel_ds = const KERNEL_DS as u32,
    espfix_ss = const ESPFIX_SS as u32,
    gdt_espfix_off = const GDT_ENTRY_ESPFIX_SS * 8,
    gdt = sym super::gdt::GDT,
    iret_error_vector = const super::traps::IRET_ERROR_VECTOR,
    eflags_fixed = const X86_EFLAGS_FIXED,
    eflags_tf = const X86_EFLAGS_TF,
    eflags_if = const X86_EFLAGS_IF,
    eflags_if_bit = const X86_EFLAGS_IF_BIT,
    eflags_nt = const X86_EFLAGS_NT,
    eflags_ac = const X86_EFLAGS_AC,
    trap_stub_size = const TRAP_STUB_SIZE,
    stub_vectors = const STUB_VECTORS,
    irq_base = const IRQ_BASE,
    do_int80_syscall_32 = sym super::common::do_int80_syscall_32,
    do_fast_syscall_32 = sym super::common::do_fast_syscall_32,
    do_trap = sym super::traps::do_trap,
    schedule_tail = sym super::common::schedule_tail,
    frame_dirty = sym super::common::FRAME_DIRTY,
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

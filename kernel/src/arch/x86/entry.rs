//! Kernel entry and exit: the asm stubs, and the Rust functions they call.
//!
//! This is the i386 system-call path of Linux's `arch/x86/entry/entry_32.S`
//! and `common.c`, reduced to what a student needs to see. Every stub builds
//! the same frame, [`PtRegs`], and calls exactly one Rust function:
//!
//! ```text
//!  int 0x80 from ring 3                 sysenter from ring 3
//!  CPU: switch to TSS.ss0:esp0,         CPU: CS = IA32_SYSENTER_CS,
//!       push ss, esp, eflags, cs, eip        SS = CS + 8, ESP = IA32_SYSENTER_ESP,
//!                                            EIP = IA32_SYSENTER_EIP; pushes nothing
//!  entry_INT80_32:                      entry_SYSENTER_32:
//!                                         push $USER_DS; push %ebp (user esp);
//!                                         pushfl; push $USER_CS; push $0 (ip)
//!    push %eax (orig_ax)                  push %eax (orig_ax)
//!    SAVE_ALL                             SAVE_ALL
//!    call do_int80_syscall_32             call do_fast_syscall_32
//!    RESTORE_ALL; iret                    sysexit if the frame allows, else iret
//!
//!        higher addresses
//!   +----------------+  <- kernel stack top (TSS.esp0 == IA32_SYSENTER_ESP)
//!   | ss             |  \
//!   | sp             |   |  pushed by the CPU (int 0x80)
//!   | flags          |   |  or by entry_SYSENTER_32 by hand
//!   | cs             |   |
//!   | ip             |  /
//!   | orig_ax        |  <- the system-call number (EAX at entry)
//!   | gs fs es ds    |  \
//!   | ax bp di si    |   |  SAVE_ALL
//!   | dx cx bx       |  /   <- %esp = &PtRegs when the Rust code runs
//!   +----------------+
//!        lower addresses
//! ```
//!
//! Offsets into the frame come from `offset_of!` on [`PtRegs`].

use super::gdt::{USER_CS, USER_DS};
use super::ptregs::{
    PT_DS, PT_ES, PT_FLAGS, PT_FS, PT_GS, PT_IP, PT_SP, PtRegs, X86_EFLAGS_AC, X86_EFLAGS_FIXED,
    X86_EFLAGS_IF, X86_EFLAGS_NT, X86_EFLAGS_TF,
};
use core::arch::global_asm;

/// Push everything of `struct pt_regs` below `gs`, in its order (the part of
/// the seeds' `SAVE_ALL` that every entry shares; the exception path puts
/// `gs` in place afterwards).
macro_rules! push_regs_below_gs {
    () => {
        "
        cld
        pushl %fs
        pushl %es
        pushl %ds
        pushl %eax
        pushl %ebp
        pushl %edi
        pushl %esi
        pushl %edx
        pushl %ecx
        pushl %ebx
        "
    };
}

/// Make DS/ES the flat data segment. Like Linux, the kernel uses
/// `__USER_DS` (flat 4 GiB, DPL 3) in DS/ES: ring 0 may use it, and it is
/// what user code already has, so the SYSEXIT path need not reload them.
/// They are checked on entry because user code may have put any selector
/// there; a load is slow (descriptor checks), so only when needed. SS is
/// the kernel's (DPL 0), from TSS.ss0 or SYSENTER. Clobbers EDX.
macro_rules! load_user_ds {
    () => {
        "
        movl %ds, %edx
        cmpl ${user_ds}, %edx
        jne 1f
        movl %es, %edx
        cmpl ${user_ds}, %edx
        je 2f
    1:  movl ${user_ds}, %edx
        movl %edx, %ds
        movl %edx, %es
    2:
        "
    };
}

/// Load segment register `$seg` from the saved slot at `$off(%esp)`, but
/// only if it differs: a load goes through descriptor checks and is slow,
/// and usually nothing changed. A 32-bit push of a segment register may
/// leave the slot's upper half stale (SDM Vol. 2B, PUSH): then the compare
/// fails and the same selector is reloaded, which is merely slower
/// (zero-extending first costs more under TCG than it saves). Clobbers
/// ECX and EDX.
///
/// If the load faults (the selector cannot be loaded: a descriptor changed
/// under it), the exception table sends it to a fixup that loads the null
/// selector instead, as Linux does; the user's next use of it then faults
/// in user mode.
#[rustfmt::skip]
macro_rules! reload_seg {
    ($seg:literal, $off:literal) => {
        concat!(
            "
        movl %", $seg, ", %ecx
        movl ", $off, "(%esp), %edx
        cmpl %edx, %ecx
        je 1f
    2:  movl %edx, %", $seg, "
    1:
        .pushsection .fixup, \"ax\"
    3:  xorl %edx, %edx
        jmp 2b
        .popsection
        ",
            crate::ex_table!("2b", "3b")
        )
    };
}

/// The seeds' `SAVE_ALL`: push the general and segment registers in
/// `struct pt_regs` order, then load the kernel's data segments.
macro_rules! save_all {
    () => {
        concat!("pushl %gs\n", push_regs_below_gs!(), load_user_ds!())
    };
}

global_asm!(
    concat!(
        r#"
    .section .text.entry, "ax"

    /* int $0x80: the IDT gate (DPL 3) brought us here on the kernel stack. */
    .global entry_INT80_32
    entry_INT80_32:
        pushl %eax                      /* pt_regs->orig_ax */
    "#,
        save_all!(),
        r#"
        movl %esp, %eax
        pushl %eax                      /* &PtRegs */
        call {do_int80}
        addl $4, %esp
    /* RESTORE_ALL + iret: used by every path that returns by iret. */
    .global restore_all
    restore_all:
        /* Segment registers first (reload_seg!: only those that differ). */
    "#,
        reload_seg!("ds", "{pt_ds}"),
        reload_seg!("es", "{pt_es}"),
        reload_seg!("fs", "{pt_fs}"),
        reload_seg!("gs", "{pt_gs}"),
        r#"
        popl %ebx
        popl %ecx
        popl %edx
        popl %esi
        popl %edi
        popl %ebp
        popl %eax
        addl $20, %esp                  /* ds, es, fs, gs, orig_ax */
    9:  iret
    "#,
        crate::ex_table!("9b", "iret_exc"),
        r#"
    /* The iret itself faulted: the frame it was to restore is unusable.
       End that process (Linux's iret_error: SIGILL). */
    .pushsection .fixup, "ax"
    iret_exc:
        call {iret_fault}
        ud2
    .popsection

    /* sysenter: the CPU saved nothing, so build the iret frame by hand. */
    .global entry_SYSENTER_32
    entry_SYSENTER_32:
        pushl ${user_ds}                /* pt_regs->ss */
        pushl %ebp                      /* pt_regs->sp: the caller did mov %esp, %ebp */
        pushfl                          /* pt_regs->flags */
        orl ${eflags_if}, (%esp)        /* SYSENTER cleared IF; user code had it set */
        testl ${eflags_user_only}, (%esp) /* TF, NT, AC are the user's: rarely set, */
        jnz sysenter_fix_flags          /* and POPF is slow, so only when they are */
    .global sysenter_flags_ok
    sysenter_flags_ok:
        pushl ${user_cs}                /* pt_regs->cs */
        pushl $0                        /* pt_regs->ip: set by do_fast_syscall_32 */
        pushl %eax                      /* pt_regs->orig_ax */
    "#,
        save_all!(),
        r#"
        movl %esp, %eax
        pushl %eax                      /* &PtRegs */
        call {do_fast}
        addl $4, %esp
        testl %eax, %eax
        jz restore_all                  /* frame changed: return by iret */

        /* SYSEXIT: EIP = EDX, ESP = ECX (SDM Vol. 2B, SYSEXIT). */
        popl %ebx
        addl $8, %esp                   /* cx, dx: the vDSO pops its own */
        popl %esi
        popl %edi
        popl %ebp
        popl %eax
        addl $8, %esp                   /* ds, es: USER_DS already (sysexit_allowed checked) */
        /* fs, gs: the kernel never changes them, but another task may
           have run: reload only if they differ. */
    "#,
        reload_seg!("fs", "0"),
        reload_seg!("gs", "4"),
        r#"
        movl {ip_from_fs}(%esp), %edx   /* SYSEXIT: EIP = EDX, ESP = ECX */
        movl {sp_from_fs}(%esp), %ecx
        addl ${flags_from_fs}, %esp     /* now at pt_regs->flags */
        btrl $9, (%esp)                 /* restore flags but IF ... */
        popfl
        sti                             /* ... which STI sets with a one-instruction shadow */
        sysexit

    /* Rare: the user entered with TF, NT or AC set. Run the kernel without
       them (NT would turn a later iret into a task switch). The CPU's own
       flags still have them, so clear them with POPF. */
    .global sysenter_fix_flags
    sysenter_fix_flags:
        pushl ${eflags_fixed}
        popfl
        jmp sysenter_flags_ok
    .global sysenter_fix_flags_end
    sysenter_fix_flags_end:

    /* Exceptions and IRQs. Each stub pushes an error code if the CPU did not
       (into orig_ax; -1 for IRQs) and its vector into the gs slot, the way
       Linux's common_exception borrows that slot for the handler address. */
    .global trap_common
    trap_common:
    "#,
        push_regs_below_gs!(),
        r#"
        movl {pt_gs}(%esp), %ecx        /* the vector */
        movl %gs, %edx
        movl %edx, {pt_gs}(%esp)        /* the real gs */
    "#,
        load_user_ds!(),
        r#"
        movl %esp, %eax
        pushl %ecx                      /* vector */
        pushl %eax                      /* &PtRegs */
        call {do_trap}
        addl $8, %esp
        jmp restore_all

    /* A new task's first return to user space (see proc/task.rs). */
    .global ret_from_fork
    ret_from_fork:
        jmp restore_all

    /* 48 stubs, 16 bytes apart: vectors 0..31 (exceptions), 32..47 (IRQs). */
    .balign 16
    .global trap_stubs
    trap_stubs:
    .set vector, 0
    .rept 48
        .balign 16
        .if (vector == 8) | (vector == 10) | (vector == 11) | (vector == 12) | (vector == 13) | (vector == 14) | (vector == 17) | (vector == 21) | (vector == 29) | (vector == 30)
        .elseif vector >= 32
        pushl $-1
        .else
        pushl $0
        .endif
        pushl $vector
        jmp trap_common
        .set vector, vector + 1
    .endr
    "#
    ),
    user_ds = const USER_DS as u32,
    user_cs = const USER_CS as u32,
    eflags_if = const X86_EFLAGS_IF,
    eflags_fixed = const X86_EFLAGS_FIXED,
    pt_gs = const PT_GS,
    pt_ds = const PT_DS,
    pt_es = const PT_ES,
    pt_fs = const PT_FS,
    flags_from_fs = const PT_FLAGS - PT_FS,
    sp_from_fs = const PT_SP - PT_FS,
    ip_from_fs = const PT_IP - PT_FS,
    eflags_user_only = const X86_EFLAGS_TF | X86_EFLAGS_NT | X86_EFLAGS_AC,
    do_int80 = sym do_int80_syscall_32,
    do_fast = sym do_fast_syscall_32,
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
    /// First of the 48 exception/IRQ stubs, 16 bytes apart.
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

/// Called by `entry_INT80_32` with the frame it built.
extern "C" fn do_int80_syscall_32(regs: &mut PtRegs) {
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
/// when `sysexit` may be used.
extern "C" fn do_fast_syscall_32(regs: &mut PtRegs) -> u32 {
    let pad = crate::proc::vdso::landing_pad();
    regs.ip = pad as u32;
    // Argument 6 lives at the user's stack pointer; fetch it through the
    // checked path. A bad pointer is -EFAULT, and we return by iret to the
    // landing pad, whose `pop %ebp` then faults on the same bad stack.
    match crate::mm::usercopy::get_user_u32(regs.sp as usize) {
        Ok(arg6) => regs.bp = arg6,
        Err(e) => {
            regs.ax = e.neg() as u32;
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

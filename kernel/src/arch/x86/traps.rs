//! Exceptions and hardware interrupts: what `do_trap` does with each vector.
//!
//! From ring 3, a CPU exception kills only the faulting process, with the
//! signal Linux would send and a Linux-style log line (a page fault inside a
//! valid lazily-mapped region, such as the growing stack, is served instead).
//! From ring 0, an exception is a kernel bug and panics with a register dump;
//! the exceptions are faults on user memory inside the user-copy routines,
//! which resume at a fixup address so the system call returns `-EFAULT`.

use super::ptregs::PtRegs;
use super::{idt::IRQ_BASE, paging::read_cr2, pic};
use crate::mm::addrspace::Fault;
use abi::signal::{SIGBUS, SIGFPE, SIGILL, SIGSEGV, SIGTRAP};

/// Exception names (SDM Vol. 3A, table 6-1).
const EXCEPTION_NAMES: [&str; 32] = [
    "divide error",
    "debug",
    "NMI",
    "int3",
    "overflow",
    "bounds",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack segment",
    "general protection fault",
    "page fault",
    "reserved",
    "x87 floating point",
    "alignment check",
    "machine check",
    "SIMD floating point",
    "virtualization",
    "control protection",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "reserved",
    "hypervisor injection",
    "VMM communication",
    "security",
    "reserved",
];

pub const X86_TRAP_DE: u32 = 0;
pub const X86_TRAP_DB: u32 = 1;
pub const X86_TRAP_BP: u32 = 3;
pub const X86_TRAP_UD: u32 = 6;
pub const X86_TRAP_GP: u32 = 13;
pub const X86_TRAP_PF: u32 = 14;
/// Linux's software trap number for a faulting `iret` (`X86_TRAP_IRET`):
/// what a signal frame's `trapno` says then.
pub const X86_TRAP_IRET: u32 = 32;
/// What `iret_exc` (`entry_32.S`) passes `do_trap` as the vector: above
/// every real vector, so it is told from IRQ 0 (also 32).
pub const IRET_ERROR_VECTOR: u32 = 0x100 | X86_TRAP_IRET;

/// Name of an exception vector.
pub fn exception_name(vector: u32) -> &'static str {
    EXCEPTION_NAMES
        .get(vector as usize)
        .copied()
        .unwrap_or("interrupt")
}

/// The signal Linux sends for an exception in user mode
/// (arch/x86/kernel/traps.c).
fn exception_signal(vector: u32) -> i32 {
    match vector {
        0 | 16 | 19 => SIGFPE,
        1 | 3 => SIGTRAP,
        6 => SIGILL,
        11 | 12 | 17 => SIGBUS,
        _ => SIGSEGV,
    }
}

/// The one Rust function behind every exception and IRQ stub (`fastcall`,
/// as the system-call entries in `common.rs`: the frame in ECX, the vector
/// in EDX).
pub extern "fastcall" fn do_trap(regs: &mut PtRegs, vector: u32) {
    if vector == IRET_ERROR_VECTOR {
        iret_error(regs);
    } else if vector as usize >= IRQ_BASE {
        let irq = vector - IRQ_BASE as u32;
        // Acknowledge first: the handler may switch to another task (timer
        // preemption) and must not leave the PIC waiting meanwhile.
        pic::end_of_interrupt(irq as u8);
        crate::irq::handle(irq, regs);
    } else if regs.user_mode() {
        user_exception(regs, vector);
    } else {
        kernel_exception(regs, vector);
    }
    if regs.user_mode() {
        crate::proc::signal::on_return_to_user(regs);
    }
}

fn user_exception(regs: &mut PtRegs, vector: u32) {
    let error = regs.orig_ax;
    if vector == X86_TRAP_PF {
        let addr = read_cr2();
        match crate::proc::fault::handle_user_page_fault(addr, error) {
            Fault::Served => return,
            // Killed on the way out, which is next.
            Fault::NoMemory => return crate::proc::fault::oom_kill_current(),
            Fault::Bus => {
                return crate::proc::signal::force_fault(
                    abi::signal::SIGBUS,
                    abi::signal::BUS_ADRERR,
                    addr,
                    vector,
                    format_args!(
                        "bus error at {:x} ip {:08x} sp {:08x}",
                        addr, regs.ip, regs.sp
                    ),
                );
            }
            Fault::Bad => {}
        }
        // si_code: SEGV_MAPERR for a missing page, SEGV_ACCERR otherwise.
        let code = if error & 1 == 0 {
            abi::signal::SEGV_MAPERR
        } else {
            abi::signal::SEGV_ACCERR
        };
        crate::proc::signal::force_fault(
            SIGSEGV,
            code,
            addr,
            vector,
            format_args!(
                "segfault at {:x} ip {:08x} sp {:08x} error {:x}",
                addr, regs.ip, regs.sp, error
            ),
        );
    } else {
        crate::proc::signal::force_fault(
            exception_signal(vector),
            abi::signal::SI_KERNEL,
            regs.ip as usize,
            vector,
            format_args!(
                "trap {} ip:{:x} sp:{:x} error:{:x}",
                exception_name(vector),
                regs.ip,
                regs.sp,
                error
            ),
        );
    }
}

fn kernel_exception(regs: &mut PtRegs, vector: u32) {
    // A fault on something user space left behind (user memory, a saved
    // segment selector, the iret frame): resume at the instruction's fixup.
    if matches!(vector, 10..=14)
        && let Some(fixup) = super::extable::fixup_for(regs.ip as usize)
    {
        // A user page that is merely not mapped *yet* (the growing stack) is
        // served, and the copy retried.
        if vector == X86_TRAP_PF {
            match crate::proc::fault::handle_user_page_fault(read_cr2(), regs.orig_ax) {
                Fault::Served => return,
                // The copy fails (the fixup below: -EFAULT), and the process
                // is killed on its way out.
                Fault::NoMemory => crate::proc::fault::oom_kill_current(),
                // A system call reading or writing there: -EFAULT, no
                // signal, as Linux's fixup gives.
                Fault::Bad | Fault::Bus => {}
            }
        }
        regs.ip = fixup as u32;
        return;
    }
    // A user `sysenter` with TF set single-steps the entry stub until it
    // clears TF itself; ignore those steps (as Linux does). TF stays in the
    // saved user flags, so the return goes by iret and the user process
    // gets its SIGTRAP on the next instruction, as on Linux.
    if vector == X86_TRAP_DB && crate::arch::x86::sysenter::in_sysenter_entry(regs.ip as usize) {
        return;
    }
    let cr2 = if vector == X86_TRAP_PF { read_cr2() } else { 0 };
    panic!(
        "kernel {} (vector {}) error code {:#x} CR2 {:#010x}\n{}",
        exception_name(vector),
        vector,
        regs.orig_ax,
        cr2,
        regs
    );
}

/// `iret_exc` in `entry_32.S`: the `iret` back to user mode faulted, so
/// the frame names a CS or SS that cannot be loaded (a `sigreturn` asked
/// for it, or `modify_ldt` changed the entry under it). `regs` is that user
/// frame. Linux's 32-bit `iret_error`: SIGILL, `ILL_BADSTK`, no address,
/// `trapno` 32 and error code 0 in the signal frame; its handler can
/// repair the frame, and without one the process dies of it.
fn iret_error(regs: &mut PtRegs) {
    // A frame from the kernel itself cannot fault (a bug: the exception
    // table sent a kernel return here).
    assert!(regs.user_mode(), "iret to the kernel faulted\n{regs}");
    crate::proc::signal::force_fault(
        SIGILL,
        abi::signal::ILL_BADSTK,
        0,
        X86_TRAP_IRET,
        format_args!(
            "iret exception ip:{:x} cs:{:x} sp:{:x} ss:{:x}",
            regs.ip, regs.cs, regs.sp, regs.ss
        ),
    );
}

/// Entered through the task gate at vector 8, on the double-fault TSS's own
/// stack, with the CPU's error code pushed.
#[unsafe(naked)]
pub extern "C" fn doublefault_entry() -> ! {
    core::arch::naked_asm!("call {}", "ud2", sym double_fault_task)
}

extern "C" fn double_fault_task() -> ! {
    let (eip, esp, ebp, eflags) = super::tss::interrupted_state();
    panic!(
        "double fault (kernel stack overflow?): the interrupted task had\n\
         EIP: {eip:08x} ESP: {esp:08x} EBP: {ebp:08x} EFLAGS: {eflags:08x}\n\
         CR2: {:08x} (last page-fault address)",
        read_cr2()
    );
}

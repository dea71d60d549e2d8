//! `pathtrace=NAME` (or `=NR`): for each matching system call, a picture of
//! the path it took, drawn from live values. What `docs/syscall-path.md`
//! explains with one example, this shows for the student's own program:
//! the way in (the IDT gate of `int $0x80`, or the SYSENTER MSRs), the
//! kernel stack with the `PtRegs` frame at its real addresses and who
//! pushed each slot, the table slot and its handler, the six arguments and
//! where each came from, the result, and the way out (`sysexit`, or `iret`
//! and why).
//!
//! Called from `common.rs` only when tracing is on (the fast path pays one
//! load for both `strace` and `pathtrace`).

use super::common::EntryPath;
use super::gdt::{USER_CS, USER_DS};
use super::ptregs::{PtRegs, X86_EFLAGS_NT, X86_EFLAGS_RF, X86_EFLAGS_TF, X86_EFLAGS_VM};
use crate::println;
use core::mem::offset_of;
use core::sync::atomic::{AtomicU32, Ordering};

/// The traced system-call number (`u32::MAX`: none).
static TRACED: AtomicU32 = AtomicU32::new(u32::MAX);

/// Trace calls numbered `nr` (kernel option `pathtrace=`).
pub fn set(nr: u32) {
    TRACED.store(nr, Ordering::Relaxed);
}

/// Is some call traced?
pub fn enabled() -> bool {
    TRACED.load(Ordering::Relaxed) != u32::MAX
}

/// Is this call the traced one?
pub fn wants(regs: &PtRegs) -> bool {
    regs.orig_ax == TRACED.load(Ordering::Relaxed)
}

/// The slots of `PtRegs` from the top of the stack down, with who wrote
/// each on each path (see the stack picture in `entry_32.S`).
const SLOTS: [(&str, usize, &str, &str); 17] = [
    (
        "ss",
        offset_of!(PtRegs, ss),
        "the CPU (privilege change)",
        "the stub: push $USER_DS",
    ),
    (
        "sp",
        offset_of!(PtRegs, sp),
        "the CPU (user esp)",
        "the stub: push %ebp (user esp)",
    ),
    (
        "flags",
        offset_of!(PtRegs, flags),
        "the CPU (eflags)",
        "the stub: pushfl, IF set",
    ),
    (
        "cs",
        offset_of!(PtRegs, cs),
        "the CPU (user cs)",
        "the stub: push $USER_CS",
    ),
    (
        "ip",
        offset_of!(PtRegs, ip),
        "the CPU (after int $0x80)",
        "the stub (0), then the vDSO landing pad",
    ),
    (
        "orig_ax",
        offset_of!(PtRegs, orig_ax),
        "the stub: push %eax",
        "the stub: push %eax",
    ),
    ("gs", offset_of!(PtRegs, gs), "SAVE_ALL", "SAVE_ALL"),
    ("fs", offset_of!(PtRegs, fs), "SAVE_ALL", "SAVE_ALL"),
    ("es", offset_of!(PtRegs, es), "SAVE_ALL", "SAVE_ALL"),
    ("ds", offset_of!(PtRegs, ds), "SAVE_ALL", "SAVE_ALL"),
    (
        "ax",
        offset_of!(PtRegs, ax),
        "SAVE_ALL (later: the result)",
        "SAVE_ALL (later: the result)",
    ),
    (
        "bp",
        offset_of!(PtRegs, bp),
        "SAVE_ALL",
        "SAVE_ALL (then arg 6 from [ebp])",
    ),
    ("di", offset_of!(PtRegs, di), "SAVE_ALL", "SAVE_ALL"),
    ("si", offset_of!(PtRegs, si), "SAVE_ALL", "SAVE_ALL"),
    ("dx", offset_of!(PtRegs, dx), "SAVE_ALL", "SAVE_ALL"),
    ("cx", offset_of!(PtRegs, cx), "SAVE_ALL", "SAVE_ALL"),
    (
        "bx",
        offset_of!(PtRegs, bx),
        "SAVE_ALL",
        "SAVE_ALL  <- %esp = &PtRegs",
    ),
];

/// The picture up to the call: the way in, the frame, the table slot and
/// the arguments. `handler` is the table entry's name.
pub fn before(regs: &PtRegs, path: EntryPath, name: &str, handler: &str) {
    let pid = crate::proc::current_pid().unwrap_or(0);
    let base = regs as *const PtRegs as usize;
    let top = base + size_of::<PtRegs>();
    let on_int80 = path == EntryPath::Int80;
    println!(
        "pathtrace: [{pid}] {name} (nr {}) entered by {}",
        regs.orig_ax,
        if on_int80 { "int $0x80" } else { "sysenter" }
    );
    if on_int80 {
        let (sel, off, ty) = super::idt::gate(super::idt::SYSCALL_VECTOR);
        println!(
            "  way in: IDT[0x80] = gate type {ty:#04x} (present, DPL {}, 32-bit interrupt gate), selector {sel:#06x}, handler {off:#010x} (entry_INT80_32)",
            (ty >> 5) & 3
        );
        println!(
            "          the CPU switched to TSS.ss0:esp0 = {top:#010x} and pushed ss, esp, eflags, cs, eip"
        );
    } else if let Some((cs, esp, eip)) = super::sysenter::msrs() {
        println!(
            "  way in: IA32_SYSENTER_CS = {cs:#06x} (SS = CS + 8), IA32_SYSENTER_ESP = {esp:#010x}, IA32_SYSENTER_EIP = {eip:#010x} (entry_SYSENTER_32)"
        );
        println!("          the CPU pushed nothing: the stub built the top five slots by hand");
    }
    println!("  kernel stack, PtRegs at {base:#010x} (stack top {top:#010x}):");
    for (slot, off, by_int80, by_sysenter) in SLOTS {
        let addr = base + off;
        // SAFETY: `addr` lies inside `*regs` (an offset_of! of one of its
        // u32 fields), which is borrowed and so valid for reads.
        let value = unsafe { (addr as *const u32).read() };
        let who = if on_int80 { by_int80 } else { by_sysenter };
        println!("    {addr:#010x}  {slot:<8} {value:#010x}   {who}");
    }
    println!(
        "  call: orig_ax = {} -> sys_call_table[{}] = {handler}",
        regs.orig_ax, regs.orig_ax
    );
    let a = regs.syscall_args();
    let regs_in = ["ebx", "ecx", "edx", "esi", "edi", "ebp"];
    for (i, (v, r)) in a.iter().zip(regs_in).enumerate() {
        let from = if i == 5 && !on_int80 {
            alloc::format!(
                "[ebp] = [{:#010x}] on the user stack (EBP held the user's ESP)",
                regs.sp
            )
        } else {
            alloc::string::String::from(r)
        };
        println!("    arg{} = {v:#010x}  from {from}", i + 1);
    }
}

/// Why `sysexit` cannot return this frame (Linux's checks in
/// `do_fast_syscall_32`), or `None` if it can.
fn sysexit_refused(regs: &PtRegs, pad: usize) -> Option<&'static str> {
    if crate::proc::signal::pending() {
        return Some("a signal is to be delivered (the handler's frame needs iret)");
    }
    if regs.cs != u32::from(USER_CS) || regs.ss != u32::from(USER_DS) {
        return Some("CS or SS is not the flat user selector");
    }
    if regs.ds & 0xFFFF != u32::from(USER_DS) || regs.es & 0xFFFF != u32::from(USER_DS) {
        return Some("DS or ES is not USER_DS (sysexit restores neither)");
    }
    if regs.ip as usize != pad {
        return Some("EIP is not the vDSO landing pad (execve or a handler changed it)");
    }
    if regs.flags & (X86_EFLAGS_RF | X86_EFLAGS_TF | X86_EFLAGS_VM | X86_EFLAGS_NT) != 0 {
        return Some("TF, RF, NT or VM is set in EFLAGS");
    }
    None
}

/// The rest of the picture: the result and the way out.
pub fn after(regs: &PtRegs, path: EntryPath) {
    println!(
        "  result: eax = {:#010x} ({})",
        regs.ax,
        crate::syscall::args::decode_ret(regs.ax)
    );
    match path {
        EntryPath::Int80 => println!(
            "  way out: iret (int $0x80 always returns by iret), to {:#010x}",
            regs.ip
        ),
        EntryPath::Sysenter => match sysexit_refused(regs, crate::proc::vdso::landing_pad()) {
            None => println!(
                "  way out: sysexit: EIP = EDX = {:#010x} (landing pad), ESP = ECX = {:#010x}",
                regs.ip, regs.sp
            ),
            Some(why) => println!("  way out: iret, not sysexit: {why}"),
        },
    }
}

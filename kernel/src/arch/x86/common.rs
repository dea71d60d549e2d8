//! The Rust half of the system-call entry (Linux's
//! `arch/x86/entry/common.c`): the functions the stubs in `entry_32.S` call
//! with the frame they built, and the one tail both entry paths share.
//!
//! Both are `extern "fastcall"`: `&PtRegs` arrives in ECX, so a stub needs
//! one `mov` to pass it and nothing to pop afterwards. The result of
//! [`do_fast_syscall_32`] comes back in AL.

use super::gdt::{USER_CS, USER_DS};
use super::ptregs::{PtRegs, X86_EFLAGS_NT, X86_EFLAGS_RF, X86_EFLAGS_TF, X86_EFLAGS_VM};
use crate::proc::vdso::landing_pad;
use core::sync::atomic::{AtomicBool, Ordering};

/// Set when the way out can no longer trust what the entry stub left: the
/// frame may have been rewritten, or the CPU's user segment registers
/// (DS, ES, FS, GS) may differ from the frame's. Clear, the return knows
/// the frame is the one the stub built (`sysexit` needs no frame check)
/// and the CPU still holds the user's selectors (`restore_all` and
/// `sysexit_to_user` in `entry_32.S` reload none), which saves comparing
/// six frame fields and four segment registers on every return. Kernel
/// code never loads a segment register itself, and a typed handler never
/// sees the frame, so only these set it:
/// - an entry with DS/ES other than `USER_DS` (`LOAD_USER_DS`), or with
///   TF, NT or AC set (`sysenter_fix_flags`),
/// - every exception and interrupt (`trap_common`: a fault handler or the
///   timer may switch tasks, deliver a signal or rewrite the frame),
/// - a task switch or new TLS descriptors (`gdt::forget_cached_fs_gs`),
/// - a system call whose handler holds the registers (a `SyscallContext`
///   handler: `execve`, `sigreturn`, `set_thread_area`; `syscall/args.rs`),
/// - signal delivery (`proc/signal.rs` `deliver`).
///
/// The return to user mode clears it.
pub static FRAME_DIRTY: AtomicBool = AtomicBool::new(true);

/// The frame or the user's segment registers may have changed (see
/// [`FRAME_DIRTY`]).
#[inline(always)]
pub fn mark_frame_dirty() {
    FRAME_DIRTY.store(true, Ordering::Relaxed);
}

/// How a system call entered the kernel (for tracing and the return path).
/// `repr(u8)`: the table's `fastcall` entries take it in a register.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum EntryPath {
    Int80,
    Sysenter,
}

/// Called by `ret_from_fork` with a new task's frame before its first
/// return to user mode (Linux's `schedule_tail` and the exit work of
/// `ret_from_fork`): a signal already pending is delivered, and a traced
/// child stops for its tracer.
pub extern "fastcall" fn schedule_tail(regs: &mut PtRegs) {
    crate::proc::signal::on_return_to_user(regs);
}

/// Called by `entry_INT80_32` with the frame it built; returns by iret.
pub extern "fastcall" fn do_int80_syscall_32(regs: &mut PtRegs) {
    syscall_tail(regs, EntryPath::Int80);
}

/// Called by `entry_SYSENTER_32`, like Linux's `do_fast_syscall_32`: the
/// sixth argument is on the user stack at `[ebp]`, and the return address is
/// the vDSO landing pad (`pop %ebp; pop %edx; pop %ecx; ret`), which undoes
/// what `__kernel_vsyscall` (or the seed program) pushed. Returns true when
/// `sysexit` may be used (in AL: the stub tests only that byte).
pub extern "fastcall" fn do_fast_syscall_32(regs: &mut PtRegs) -> bool {
    regs.ip = landing_pad() as u32;
    // Argument 6 lives at the user's stack pointer; fetch it through the
    // checked path. A bad pointer is -EFAULT, and we return by iret to the
    // landing pad, whose `pop %ebp` then faults on the same bad stack.
    match crate::mm::usercopy::get_user_u32(regs.sp as usize) {
        Ok(arg6) => regs.bp = arg6,
        Err(e) => {
            regs.ax = e.neg() as u32;
            crate::syscall::trace_fault(regs, EntryPath::Sysenter);
            return false;
        }
    }
    syscall_tail(regs, EntryPath::Sysenter)
}

/// The one tail of both entry paths: run the call (traced or not), deliver
/// a pending signal, choose the return instruction and, when tracing, print
/// the finished line with it. Returns true when `sysexit` may be used.
#[inline(always)]
fn syscall_tail(regs: &mut PtRegs, path: EntryPath) -> bool {
    if crate::syscall::tracing() {
        return syscall_tail_traced(regs, path);
    }
    crate::syscall::dispatch(regs, path);
    exit_to_user(regs, path)
}

/// The same tail with tracing, kept off the fast path (with the trace
/// line's allocation).
#[cold]
#[inline(never)]
fn syscall_tail_traced(regs: &mut PtRegs, path: EntryPath) -> bool {
    // A ptrace tracee (proc/ptrace.rs): the syscall-entry stop, where the
    // tracer may change the call or have it skipped (Linux's
    // syscall_trace_enter), and after the call the exit stop, before any
    // signal is delivered (syscall_exit_work).
    let work = crate::proc::ptrace::syscall_work();
    if work != 0 && !crate::proc::ptrace::syscall_entry(regs, work) {
        crate::proc::ptrace::syscall_exit(regs, work);
        return exit_to_user(regs, path);
    }
    let picture = super::pathtrace::wants(regs);
    if picture {
        let nr = regs.orig_ax as usize;
        let name = abi::syscalls::syscall_name(nr).unwrap_or("?");
        super::pathtrace::before(regs, path, name, crate::syscall::handler_name(nr));
    }
    let line = crate::syscall::do_syscall_traced(regs, path);
    if picture {
        super::pathtrace::after(regs, path);
    }
    if work != 0 {
        crate::proc::ptrace::syscall_exit(regs, work);
    }
    // Print before delivering a signal: a fatal one never returns, and
    // strace shows the call's result all the same. A signal to deliver
    // means the return is by iret, which is then used even if it turns out
    // to be ignored, so the line never names the wrong instruction.
    let sysexit = path == EntryPath::Sysenter
        && !crate::proc::signal::pending()
        && sysexit_allowed(regs, landing_pad());
    if let Some(line) = line {
        crate::syscall::trace_return(&line, if sysexit { "sysexit" } else { "iret" });
    }
    // Nothing of ours is left on the stack when exit_to_user ends the
    // process (the line was dropped above).
    exit_to_user(regs, path) && sysexit
}

/// The last step before the return: deliver a pending signal, then choose
/// the return instruction (`sysexit` only on the SYSENTER path, and only if
/// the frame allows it; a signal handler to run changes EIP, so then iret).
#[inline(always)]
fn exit_to_user(regs: &mut PtRegs, path: EntryPath) -> bool {
    crate::proc::signal::on_syscall_exit(regs);
    // A clean frame is the one entry_SYSENTER_32 built, with ip set to the
    // landing pad above: sysexit can restore all of it.
    path == EntryPath::Sysenter
        && (!FRAME_DIRTY.load(Ordering::Relaxed) || sysexit_allowed(regs, landing_pad()))
}

/// SYSEXIT can only restore EIP/ESP (from EDX/ECX) and fixed CS/SS (and our
/// exit path skips DS/ES, which hold USER_DS in the kernel), so use it only
/// when the frame still says exactly that (Linux's checks in
/// `do_fast_syscall_32`); after exec, a signal, or a debugger, use iret.
fn sysexit_allowed(regs: &PtRegs, pad: usize) -> bool {
    regs.cs == u32::from(USER_CS)
        && regs.ss == u32::from(USER_DS)
        && regs.ds & 0xFFFF == u32::from(USER_DS)
        && regs.es & 0xFFFF == u32::from(USER_DS)
        && regs.ip as usize == pad
        && regs.flags & (X86_EFLAGS_RF | X86_EFLAGS_TF | X86_EFLAGS_VM | X86_EFLAGS_NT) == 0
}

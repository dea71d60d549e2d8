//! Switching kernel stacks between tasks (Linux's `__switch_to_asm`).
//!
//! `switch_to` pushes the callee-saved registers, stores the stack pointer
//! in `*prev_sp`, loads `next_sp`, pops the next task's callee-saved registers
//! and returns on its stack. A new task's stack is prepared by
//! [`prepare_new_stack`] so that this return lands in `ret_from_fork`, which
//! leaves for user space through `restore_all` with the task's `PtRegs`.

use super::entry::ret_from_fork;
use super::ptregs::PtRegs;
use core::mem::size_of;

/// Save the current kernel context into `*prev_sp` and resume the one saved
/// at `next_sp`.
///
/// # Safety
/// `next_sp` must come from an earlier `switch_to` or `prepare_new_stack`,
/// on a stack that is still alive.
#[unsafe(naked)]
pub unsafe extern "C" fn switch_to(prev_sp: *mut usize, next_sp: usize) {
    core::arch::naked_asm!(
        "push ebp",
        "push ebx",
        "push esi",
        "push edi",
        "mov eax, [esp + 20]", // prev_sp
        "mov edx, [esp + 24]", // next_sp
        "mov [eax], esp",
        "mov esp, edx",
        "pop edi",
        "pop esi",
        "pop ebx",
        "pop ebp",
        "ret",
    )
}

/// The `PtRegs` slot at the top of a kernel stack (where both entry paths
/// build the frame: Linux's `task_pt_regs`).
pub fn pt_regs_at(stack_top: usize) -> *mut PtRegs {
    (stack_top - size_of::<PtRegs>()) as *mut PtRegs
}

/// Write `regs` at the top of a fresh kernel stack, plus a `switch_to`
/// frame that returns into `ret_from_fork`; returns the saved stack pointer.
///
/// # Safety
/// `stack_top` must be the top of an unused, mapped kernel stack.
pub unsafe fn prepare_new_stack(stack_top: usize, regs: &PtRegs) -> usize {
    let frame = pt_regs_at(stack_top);
    // SAFETY: the caller gives us the stack; the frame fits below its top.
    unsafe {
        frame.write(*regs);
        let sp = (frame as *mut u32).sub(5);
        // edi, esi, ebx, ebp, return address
        sp.write(0);
        sp.add(1).write(0);
        sp.add(2).write(0);
        sp.add(3).write(0);
        sp.add(4).write(ret_from_fork as *const () as usize as u32);
        sp as usize
    }
}

//! The Task State Segments.
//!
//! The main TSS is used only for `ss0:esp0`: the stack the CPU switches to
//! when an interrupt or `int 0x80` arrives from ring 3 (SDM Vol. 3A, 6.12.1).
//! It is rewritten on every task switch to the next task's kernel stack top.
//! The I/O map base points past the segment, so ring 3 has no port access.
//!
//! The double-fault TSS is a whole second CPU context (its own stack, EIP,
//! CR3): the IDT's vector 8 is a task gate to it, so a double fault, typically
//! a kernel stack overflow, runs on a known-good stack (SDM Vol. 3A, 7.3).

use super::gdt::{KERNEL_CS, KERNEL_DS, USER_DS};
use core::mem::size_of;
use x86::bits32::task::TaskStateSegment;

/// Bytes of the double-fault handler's own stack.
const DOUBLEFAULT_STACK_SIZE: usize = 16 * 1024;

#[repr(C, align(16))]
struct Stack([u8; DOUBLEFAULT_STACK_SIZE]);

static mut TSS: TaskStateSegment = TaskStateSegment::new();
static mut DOUBLEFAULT_TSS: TaskStateSegment = TaskStateSegment::new();
static mut DOUBLEFAULT_STACK: Stack = Stack([0; DOUBLEFAULT_STACK_SIZE]);

pub const TSS_SIZE: usize = size_of::<TaskStateSegment>();
const _: () = assert!(TSS_SIZE == 104, "a 32-bit TSS is 104 bytes");

/// Set both TSSes up; returns their addresses for the GDT.
///
/// # Safety
/// Call once during early boot, before `ltr`.
pub unsafe fn init(doublefault_entry: usize, kernel_pd_phys: usize) -> (usize, usize) {
    // SAFETY: early boot; nothing else uses the TSSes yet.
    unsafe {
        let tss = &mut *(&raw mut TSS);
        tss.ss0 = KERNEL_DS;
        tss.iobp_offset = TSS_SIZE as u16;

        let df = &mut *(&raw mut DOUBLEFAULT_TSS);
        df.eip = doublefault_entry as u32;
        df.esp = (&raw const DOUBLEFAULT_STACK as usize + DOUBLEFAULT_STACK_SIZE) as u32;
        df.cr3 = kernel_pd_phys as u32;
        df.eflags = 0x2; // reserved bit 1; interrupts off
        df.cs = KERNEL_CS;
        df.ss = KERNEL_DS;
        df.ds = USER_DS;
        df.es = USER_DS;
        df.ss0 = KERNEL_DS;
        df.esp0 = df.esp;
        df.iobp_offset = TSS_SIZE as u16;
        (&raw const TSS as usize, &raw const DOUBLEFAULT_TSS as usize)
    }
}

/// Load the task register with the main TSS (`ltr`).
///
/// # Safety
/// The GDT must hold the TSS descriptor at `TSS_SEL`.
pub unsafe fn load() {
    // SAFETY: the caller vouches for the descriptor.
    unsafe {
        x86::task::load_tr(x86::segmentation::SegmentSelector::from_raw(
            super::gdt::TSS_SEL,
        ))
    };
}

/// Set the ring-0 stack for the next entry from ring 3.
pub fn set_esp0(esp0: usize) {
    // SAFETY: single CPU with interrupts off in the kernel: no concurrent
    // access; the CPU reads esp0 only on a ring change.
    unsafe { (*(&raw mut TSS)).esp0 = esp0 as u32 };
}

/// The state the CPU saved into the main TSS when the double fault switched
/// tasks: (eip, esp, ebp, eflags). (The CPU does not save CR3.)
pub fn interrupted_state() -> (u32, u32, u32, u32) {
    // SAFETY: read-only snapshot; the main task no longer runs.
    let t = unsafe { &*(&raw const TSS) };
    (t.eip, t.esp, t.ebp, t.eflags)
}

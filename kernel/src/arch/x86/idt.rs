//! The Interrupt Descriptor Table: 256 gates (SDM Vol. 3A, 6.11).
//!
//! Vectors 0..31 are the CPU's exceptions and 32..47 the remapped PIC's IRQs,
//! all interrupt gates (IF cleared on entry) with DPL 0, so `int $n` from ring
//! 3 for them is a #GP — except, as on Linux, `int3` (vector 3) and `into`
//! (vector 4), which user code may raise on purpose (debuggers, overflow
//! checks) and which become SIGTRAP and SIGSEGV. Vector 8, the double fault,
//! is a *task gate* to the double-fault TSS. Vector 0x80 is the system-call
//! gate with DPL 3: user code may execute `int $0x80`.

use super::entry::{TRAP_STUB_SIZE, entry_INT80_32, trap_stubs};
use super::gdt::{DOUBLEFAULT_TSS_SEL, KERNEL_CS};
use core::mem::size_of;

/// The system-call vector (Linux's `IA32_SYSCALL_VECTOR`).
pub const SYSCALL_VECTOR: usize = 0x80;
/// `int3` and `into`: callable from ring 3 (Linux's `set_system_intr_gate`).
const BREAKPOINT_VECTOR: usize = 3;
const OVERFLOW_VECTOR: usize = 4;
/// The double-fault vector.
pub const DOUBLE_FAULT_VECTOR: usize = 8;
/// First vector of the remapped PIC.
pub const IRQ_BASE: usize = 32;
/// Vectors with a stub in `trap_stubs`.
pub const STUB_VECTORS: usize = 48;

/// Gate type bytes: present | DPL | type (0xE: 32-bit interrupt gate, 0x5:
/// task gate).
const GATE_INTERRUPT_DPL0: u8 = 0x8E;
const GATE_INTERRUPT_DPL3: u8 = 0xEE;
const GATE_TASK: u8 = 0x85;

#[derive(Clone, Copy)]
#[repr(C)]
struct Gate {
    offset_low: u16,
    selector: u16,
    zero: u8,
    type_attr: u8,
    offset_high: u16,
}

impl Gate {
    const MISSING: Gate = Gate {
        offset_low: 0,
        selector: 0,
        zero: 0,
        type_attr: 0,
        offset_high: 0,
    };

    fn new(handler: usize, selector: u16, type_attr: u8) -> Gate {
        Gate {
            offset_low: handler as u16,
            selector,
            zero: 0,
            type_attr,
            offset_high: (handler >> 16) as u16,
        }
    }
}

static mut IDT: [Gate; 256] = [Gate::MISSING; 256];

/// Point `vector` at `handler` with an interrupt gate user code may call
/// (used only by the `bench_floor` option).
pub fn set_user_gate(vector: usize, handler: usize) {
    // SAFETY: single CPU, interrupts masked in the kernel; the CPU reads a
    // gate only when the vector is raised, and each 8-byte write here is of
    // a complete, valid gate.
    unsafe { (*(&raw mut IDT))[vector] = Gate::new(handler, KERNEL_CS, GATE_INTERRUPT_DPL3) };
}

/// A gate as the CPU reads it: (selector, handler offset, type byte), for
/// the `pathtrace` picture.
pub fn gate(vector: usize) -> (u16, u32, u8) {
    // SAFETY: a plain read of an entry of the static IDT, which is only
    // written at boot and by `set_user_gate` (single CPU, kernel code not
    // preempted), so no write races this read.
    let g = unsafe { (*(&raw const IDT))[vector] };
    (
        g.selector,
        u32::from(g.offset_high) << 16 | u32::from(g.offset_low),
        g.type_attr,
    )
}

#[repr(C, packed)]
struct IdtPointer {
    limit: u16,
    base: u32,
}

/// Fill and load the IDT.
///
/// # Safety
/// Call once during early boot, after the GDT (the gates name its selectors).
pub unsafe fn init() {
    // SAFETY: early boot; nothing else touches the IDT.
    let idt = unsafe { &mut *(&raw mut IDT) };
    for (v, gate) in idt.iter_mut().enumerate().take(STUB_VECTORS) {
        let stub = trap_stubs as *const () as usize + v * TRAP_STUB_SIZE;
        *gate = Gate::new(stub, KERNEL_CS, GATE_INTERRUPT_DPL0);
    }
    for v in [BREAKPOINT_VECTOR, OVERFLOW_VECTOR] {
        idt[v] = Gate::new(
            trap_stubs as *const () as usize + v * TRAP_STUB_SIZE,
            KERNEL_CS,
            GATE_INTERRUPT_DPL3,
        );
    }
    idt[DOUBLE_FAULT_VECTOR] = Gate::new(0, DOUBLEFAULT_TSS_SEL, GATE_TASK);
    idt[SYSCALL_VECTOR] = Gate::new(
        entry_INT80_32 as *const () as usize,
        KERNEL_CS,
        GATE_INTERRUPT_DPL3,
    );
    let ptr = IdtPointer {
        limit: (size_of::<[Gate; 256]>() - 1) as u16,
        base: idt.as_ptr() as u32,
    };
    // SAFETY: the table is static and complete.
    unsafe { core::arch::asm!("lidt [{}]", in(reg) &ptr, options(readonly, nostack)) };
}

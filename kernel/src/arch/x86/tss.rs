//! The Task State Segments.
//!
//! The main TSS is used for `ss0:esp0`: the stack the CPU switches to when
//! an interrupt or `int 0x80` arrives from ring 3 (SDM Vol. 3A, 6.12.1).
//! It is rewritten on every task switch to the next task's kernel stack top.
//! It also carries the I/O permission bitmap (SDM Vol. 1, 19.5.2): for a
//! task that `ioperm` or `iopl(3)` gave ports (`ioport.rs`), the switch
//! copies its bitmap in and points the I/O map base at it; for every other
//! task the base points past the segment's limit, so ring 3 has no port
//! access at all.
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

/// Bytes of an I/O permission bitmap: a bit per port, 1 = denied.
pub const IO_BITMAP_BYTES: usize = 65536 / 8;

/// The main TSS with its I/O bitmap right after it, and the byte of all
/// ones the CPU wants past the bitmap (SDM Vol. 1, 19.5.2).
#[repr(C, align(16))]
struct MainTss {
    tss: TaskStateSegment,
    io_bitmap: [u8; IO_BITMAP_BYTES],
    io_end: u8,
}

/// The main TSS's size, its bitmap included: the descriptor's limit + 1.
pub const MAIN_TSS_SIZE: usize = TSS_SIZE + IO_BITMAP_BYTES + 1;
const _: () = assert!(core::mem::offset_of!(MainTss, io_bitmap) == TSS_SIZE);

/// An I/O map base past the limit: no bitmap, every port denied.
const IO_BITMAP_OFFSET_INVALID: u16 = MAIN_TSS_SIZE as u16 + 1;

static mut TSS: MainTss = MainTss {
    tss: TaskStateSegment::new(),
    io_bitmap: [0xFF; IO_BITMAP_BYTES],
    io_end: 0xFF,
};
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
        let tss = &mut (*(&raw mut TSS)).tss;
        tss.ss0 = KERNEL_DS;
        tss.iobp_offset = IO_BITMAP_OFFSET_INVALID;

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
    unsafe { (*(&raw mut TSS)).tss.esp0 = esp0 as u32 };
}

/// The ports the next task may use from ring 3: `All` (`iopl(3)`), those
/// its bitmap allows (`ioperm`), or `None` (every other task).
pub enum IoPorts<'a> {
    None,
    Bitmap(&'a [u8; IO_BITMAP_BYTES]),
    All,
}

/// Load the next task's port permissions (Linux's
/// `tss_update_io_bitmap`): the common case, a task without any, only
/// moves the base past the limit.
pub fn set_io_ports(ports: IoPorts) {
    // SAFETY: single CPU with interrupts off in the kernel: no concurrent
    // access; the CPU reads the bitmap only for I/O instructions in ring 3.
    let t = unsafe { &mut *(&raw mut TSS) };
    match ports {
        IoPorts::None => {
            t.tss.iobp_offset = IO_BITMAP_OFFSET_INVALID;
            return;
        }
        IoPorts::Bitmap(b) => t.io_bitmap.copy_from_slice(b),
        IoPorts::All => t.io_bitmap.fill(0),
    }
    t.tss.iobp_offset = TSS_SIZE as u16;
}

/// The state the CPU saved into the main TSS when the double fault switched
/// tasks: (eip, esp, ebp, eflags). (The CPU does not save CR3.)
pub fn interrupted_state() -> (u32, u32, u32, u32) {
    // SAFETY: read-only snapshot; the main task no longer runs.
    let t = unsafe { &(*(&raw const TSS)).tss };
    (t.eip, t.esp, t.ebp, t.eflags)
}

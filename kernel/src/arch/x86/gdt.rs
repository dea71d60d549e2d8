//! The Global Descriptor Table.
//!
//! The order of the first entries is fixed by SYSENTER/SYSEXIT (Intel SDM
//! Vol. 2B, SYSEXIT): with `IA32_SYSENTER_CS` = the kernel code selector K,
//! SYSENTER loads CS = K and SS = K + 8, and SYSEXIT loads CS = K + 16 and
//! SS = K + 24 (with RPL 3). Hence kernel code, kernel data, user code, user
//! data, in that order. Entries 6..8 are the thread-local-storage slots that
//! `set_thread_area` fills (Linux's `GDT_ENTRY_TLS_MIN` is 6 too, and musl and
//! glibc load `%gs` with what it returns).

use core::mem::size_of;

/// GDT indices.
pub const GDT_ENTRY_KERNEL_CS: usize = 1;
pub const GDT_ENTRY_KERNEL_DS: usize = 2;
pub const GDT_ENTRY_USER_CS: usize = 3;
pub const GDT_ENTRY_USER_DS: usize = 4;
pub const GDT_ENTRY_TSS: usize = 5;
pub const GDT_ENTRY_TLS_MIN: usize = 6;
pub const GDT_ENTRY_TLS_ENTRIES: usize = 3;
pub const GDT_ENTRY_DOUBLEFAULT_TSS: usize = 9;
/// The descriptor of the running task's LDT (`ldt.rs`).
pub const GDT_ENTRY_LDT: usize = 10;
/// The espfix stack segment: a ring-0 stack whose base the return path
/// sets so that `iret` to a 16-bit stack keeps the user's high half of ESP
/// (Linux's `GDT_ENTRY_ESPFIX_SS`; `entry_32.S` `switch_to_espfix`).
pub const GDT_ENTRY_ESPFIX_SS: usize = 11;
const GDT_ENTRIES: usize = 12;

/// Selectors (index << 3 | RPL).
pub const KERNEL_CS: u16 = (GDT_ENTRY_KERNEL_CS << 3) as u16;
pub const KERNEL_DS: u16 = (GDT_ENTRY_KERNEL_DS << 3) as u16;
pub const USER_CS: u16 = (GDT_ENTRY_USER_CS << 3) as u16 | 3;
pub const USER_DS: u16 = (GDT_ENTRY_USER_DS << 3) as u16 | 3;
pub const TSS_SEL: u16 = (GDT_ENTRY_TSS << 3) as u16;
pub const DOUBLEFAULT_TSS_SEL: u16 = (GDT_ENTRY_DOUBLEFAULT_TSS << 3) as u16;
pub const ESPFIX_SS: u16 = (GDT_ENTRY_ESPFIX_SS << 3) as u16;

// SYSEXIT's arithmetic, checked at compile time.
const _: () = assert!(USER_CS & !3 == KERNEL_CS + 16 && USER_DS & !3 == KERNEL_CS + 24);

/// Access bytes (SDM Vol. 3A, 3.4.5): present, DPL, type.
const ACCESS_KERNEL_CODE: u8 = 0x9A;
const ACCESS_KERNEL_DATA: u8 = 0x92;
const ACCESS_USER_CODE: u8 = 0xFA;
const ACCESS_USER_DATA: u8 = 0xF2;
/// Present, DPL 0, type 9: available 32-bit TSS.
const ACCESS_TSS: u8 = 0x89;
/// Flags nibble: 4 KiB granularity, 32-bit segment.
const FLAGS_4K_32: u8 = 0xC;

/// Encode a segment descriptor (SDM Vol. 3A, figure 3-8).
pub const fn descriptor(base: u32, limit: u32, access: u8, flags: u8) -> u64 {
    (limit as u64 & 0xFFFF)
        | ((base as u64 & 0xFF_FFFF) << 16)
        | ((access as u64) << 40)
        | (((limit as u64 >> 16) & 0xF) << 48)
        | (((flags as u64) & 0xF) << 52)
        | (((base as u64 >> 24) & 0xFF) << 56)
}

/// The table (`entry_32.S` writes the espfix entry's base bytes).
pub(super) static mut GDT: [u64; GDT_ENTRIES] = [
    0,
    descriptor(0, 0xFFFFF, ACCESS_KERNEL_CODE, FLAGS_4K_32),
    descriptor(0, 0xFFFFF, ACCESS_KERNEL_DATA, FLAGS_4K_32),
    descriptor(0, 0xFFFFF, ACCESS_USER_CODE, FLAGS_4K_32),
    descriptor(0, 0xFFFFF, ACCESS_USER_DATA, FLAGS_4K_32),
    0,
    0,
    0,
    0,
    0,
    0,
    // Linux's GDT_ENTRY_INIT(0xc092, 0, 0xfffff): 32-bit, 4 GiB, DPL 0
    // data; only the base changes.
    descriptor(0, 0xFFFFF, ACCESS_KERNEL_DATA, FLAGS_4K_32),
];

#[repr(C, packed)]
struct DescriptorTablePointer {
    limit: u16,
    base: u32,
}

/// Install the TSS descriptors and load the GDT, reloading every segment
/// register so none holds a descriptor from the boot loader's GDT.
///
/// # Safety
/// Call once during early boot; `tss` and `df_tss` must be `'static`, of
/// `tss_size` and `df_size` bytes (the main one with its I/O bitmap).
pub unsafe fn init(tss: usize, tss_size: usize, df_tss: usize, df_size: usize) {
    // SAFETY: early boot, single CPU: nothing else touches the GDT yet.
    unsafe {
        GDT[GDT_ENTRY_TSS] = descriptor(tss as u32, (tss_size - 1) as u32, ACCESS_TSS, 0);
        GDT[GDT_ENTRY_DOUBLEFAULT_TSS] =
            descriptor(df_tss as u32, (df_size - 1) as u32, ACCESS_TSS, 0);
    }
    let ptr = DescriptorTablePointer {
        limit: (size_of::<[u64; GDT_ENTRIES]>() - 1) as u16,
        base: &raw const GDT as u32,
    };
    // SAFETY: the table is valid and static; the far return reloads CS with
    // our kernel code selector, which maps the same flat 4 GiB.
    unsafe {
        core::arch::asm!(
            "lgdt [{ptr}]",
            "push {cs}",
            "lea {tmp}, [2f]",
            "push {tmp}",
            "retf",
            "2:",
            "mov {tmp:e}, {ss}",
            "mov ss, {tmp:e}",
            "mov {tmp:e}, {ds}",
            "mov ds, {tmp:e}",
            "mov es, {tmp:e}",
            "xor {tmp:e}, {tmp:e}",
            "mov fs, {tmp:e}",
            "mov gs, {tmp:e}",
            // A null LDT. Left as the CPU's reset state (base 0), any
            // selector with TI set would read its descriptor from user
            // page 0: a user-built call gate into ring 0.
            "lldt {tmp:x}",
            ptr = in(reg) &ptr,
            cs = const KERNEL_CS as u32,
            ss = const KERNEL_DS as u32,
            // The kernel's DS/ES are the flat USER_DS, as on Linux (see
            // `LOAD_USER_DS` in entry_32.S).
            ds = const USER_DS as u32,
            tmp = out(reg) _,
        );
    }
}

/// Write one TLS slot (`index` 0..3), e.g. on a task switch or from
/// `set_thread_area`.
pub fn set_tls(index: usize, desc: u64) {
    assert!(index < GDT_ENTRY_TLS_ENTRIES);
    // SAFETY: single CPU, interrupts off in the kernel: no concurrent writer;
    // a TLS slot is never the descriptor of a loaded kernel segment.
    unsafe { GDT[GDT_ENTRY_TLS_MIN + index] = desc };
}

/// Drop the CPU's cached FS/GS descriptors after the TLS slots changed
/// (task switch, `set_thread_area`): the return to user space reloads a
/// segment register only if its selector differs from the saved one, and a
/// selector can stay the same (every musl program uses 0x33) while the
/// descriptor behind it is another task's.
pub fn forget_cached_fs_gs() {
    super::common::mark_frame_dirty();
    // SAFETY: the kernel does not use FS/GS; the null selector is always
    // loadable into them, and the user's values are reloaded on the way out.
    unsafe {
        core::arch::asm!("mov fs, {0:x}", "mov gs, {0:x}", in(reg) 0u32, options(nostack, preserves_flags))
    };
}

/// Write the LDT slot (`ldt::load`, just before `lldt`).
pub fn set_ldt(desc: u64) {
    // SAFETY: as for `set_tls`; the slot is used only by `lldt`.
    unsafe { GDT[GDT_ENTRY_LDT] = desc };
}

/// Read one TLS slot.
pub fn tls(index: usize) -> u64 {
    // SAFETY: as for `set_tls`.
    unsafe { GDT[GDT_ENTRY_TLS_MIN + index] }
}

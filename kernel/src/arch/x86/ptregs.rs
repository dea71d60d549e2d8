//! `PtRegs`: the saved user (or interrupted kernel) registers, in the exact
//! order of Linux's i386 `struct pt_regs` (arch/x86/include/asm/ptrace.h).
//!
//! The entry stubs in `entry_32.S` build this frame on the kernel stack; the
//! last five fields are what the CPU itself pushes on an interrupt from ring
//! 3 (for `sysenter` the stub pushes them by hand). System-call arguments are
//! read from it (`bx, cx, dx, si, di, bp`), the result is written to `ax`.

use core::mem::{offset_of, size_of};

/// The register frame of one kernel entry (17 dwords, lowest address first).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct PtRegs {
    pub bx: u32,
    pub cx: u32,
    pub dx: u32,
    pub si: u32,
    pub di: u32,
    pub bp: u32,
    pub ax: u32,
    pub ds: u32,
    pub es: u32,
    pub fs: u32,
    pub gs: u32,
    /// The system-call number (EAX at entry), the CPU's error code for an
    /// exception, or -1 for a hardware interrupt.
    pub orig_ax: u32,
    pub ip: u32,
    pub cs: u32,
    pub flags: u32,
    /// Only valid when `cs` is a ring-3 selector: the CPU pushes `sp`/`ss`
    /// only on a privilege change.
    pub sp: u32,
    pub ss: u32,
}

const _: () = assert!(size_of::<PtRegs>() == 17 * 4);

/// Byte offsets for the asm stubs (`offset_of!`, never typed by hand).
pub const PT_CX: usize = offset_of!(PtRegs, cx);
pub const PT_SI: usize = offset_of!(PtRegs, si);
pub const PT_AX: usize = offset_of!(PtRegs, ax);
pub const PT_DS: usize = offset_of!(PtRegs, ds);
pub const PT_ES: usize = offset_of!(PtRegs, es);
pub const PT_FS: usize = offset_of!(PtRegs, fs);
pub const PT_GS: usize = offset_of!(PtRegs, gs);
pub const PT_ORIG_AX: usize = offset_of!(PtRegs, orig_ax);
pub const PT_IP: usize = offset_of!(PtRegs, ip);
pub const PT_CS: usize = offset_of!(PtRegs, cs);
pub const PT_FLAGS: usize = offset_of!(PtRegs, flags);
pub const PT_SP: usize = offset_of!(PtRegs, sp);
pub const PT_SS: usize = offset_of!(PtRegs, ss);

/// EFLAGS bits (SDM Vol. 1, 3.4.3).
pub const X86_EFLAGS_CF: u32 = 1 << 0;
pub const X86_EFLAGS_FIXED: u32 = 1 << 1;
pub const X86_EFLAGS_TF: u32 = 1 << 8;
pub const X86_EFLAGS_IF_BIT: u32 = 9;
pub const X86_EFLAGS_IF: u32 = 1 << X86_EFLAGS_IF_BIT;
pub const X86_EFLAGS_DF: u32 = 1 << 10;
pub const X86_EFLAGS_IOPL: u32 = 3 << 12;
pub const X86_EFLAGS_NT: u32 = 1 << 14;
pub const X86_EFLAGS_RF: u32 = 1 << 16;
pub const X86_EFLAGS_VM: u32 = 1 << 17;
pub const X86_EFLAGS_AC: u32 = 1 << 18;

impl PtRegs {
    /// Did this entry come from ring 3?
    pub fn user_mode(&self) -> bool {
        self.cs & 3 == 3
    }

    /// The six system-call arguments, in the i386 order.
    pub fn syscall_args(&self) -> [u32; 6] {
        [self.bx, self.cx, self.dx, self.si, self.di, self.bp]
    }
}

impl core::fmt::Display for PtRegs {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        writeln!(
            f,
            "EAX: {:08x} EBX: {:08x} ECX: {:08x} EDX: {:08x}",
            self.ax, self.bx, self.cx, self.dx
        )?;
        writeln!(
            f,
            "ESI: {:08x} EDI: {:08x} EBP: {:08x} ORIG_EAX: {:08x}",
            self.si, self.di, self.bp, self.orig_ax
        )?;
        writeln!(
            f,
            "DS: {:04x} ES: {:04x} FS: {:04x} GS: {:04x}",
            self.ds & 0xFFFF,
            self.es & 0xFFFF,
            self.fs & 0xFFFF,
            self.gs & 0xFFFF
        )?;
        write!(
            f,
            "EIP: {:04x}:{:08x} EFLAGS: {:08x}",
            self.cs & 0xFFFF,
            self.ip,
            self.flags
        )?;
        if self.user_mode() {
            write!(f, " ESP: {:04x}:{:08x}", self.ss & 0xFFFF, self.sp)?;
        }
        Ok(())
    }
}

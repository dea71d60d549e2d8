//! The x87 FPU, SSE and XSAVE state of user processes.
//!
//! The kernel itself is built soft-float and never touches these registers,
//! so a task's FPU state only has to be saved when switching away from it
//! and restored when switching back (eager switching, SDM Vol. 1, 10.5).
//! Real i386 binaries use x87 and often SSE, so CR4.OSFXSR and OSXMMEXCPT
//! are set when the CPU has them (SDM Vol. 3A, 13.1). Where the CPU has
//! XSAVE (QEMU's `-cpu max`), CR4.OSXSAVE is set and XCR0 enables the user
//! state components Linux enables (x87, SSE, AVX, MPX, AVX-512, PKRU) that
//! fit [`XSTATE_MAX`], so programs may use AVX, and the state is switched
//! with XSAVE/XRSTOR (SDM Vol. 1, 13). How a signal frame carries the
//! state is in `fpu_signal.rs`.

use crate::mm::heap::NoMemory;
use alloc::boxed::Box;
use core::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use x86::controlregs::{Cr0, Cr4, cr0, cr0_write, cr4, cr4_write};

/// The largest state kept: the x87/SSE legacy area, the XSAVE header, AVX,
/// MPX and PKRU in the standard format (2696 bytes), rounded to 64.
/// Components beyond it (AVX-512) are not enabled.
pub const XSTATE_MAX: usize = 2752;

/// The legacy FXSAVE area, and where XSAVE's header follows it.
pub const FXSAVE_SIZE: usize = 512;
pub const XSAVE_HDR: usize = 512;
pub const XSAVE_HDR_SIZE: usize = 64;

/// XCR0 bits: x87 and SSE, which an FXSAVE image holds.
pub const XFEATURE_MASK_FPSSE: u64 = 0x3;
/// The user components Linux enables when the CPU has them: x87, SSE,
/// AVX, MPX (BNDREGS, BNDCSR), AVX-512 (opmask, ZMM_Hi256, Hi16_ZMM), PKRU.
const XFEATURE_MASK_USER: u64 = 0x3 | 0x4 | 0x18 | 0xe0 | 0x200;

/// A saved state: an FXSAVE image, or an XSAVE image in the standard
/// format; 64-byte aligned as XSAVE needs. Only the first [`size`] bytes
/// are used.
#[derive(Clone)]
#[repr(C, align(64))]
pub struct FpuState(pub [u8; XSTATE_MAX]);

static HAVE_FXSR: AtomicBool = AtomicBool::new(false);
/// XCR0 when XSAVE is in use, else 0 (its bits all lie in the low word:
/// a 64-bit atomic would be a locked `cmpxchg8b` on every switch).
static XFEATURES: AtomicU32 = AtomicU32::new(0);
/// The CPU's MXCSR_MASK (0xFFBF when FXSAVE reports 0, SDM Vol. 1,
/// 11.6.6): what MXCSR from user memory is masked with, as Linux's
/// `mxcsr_feature_mask`; never the mask a signal frame claims.
static MXCSR_MASK: AtomicU32 = AtomicU32::new(0xFFBF);
/// Bytes of the state in use: 108 (FNSAVE), 512 (FXSAVE) or XSAVE's size.
static SIZE: AtomicU32 = AtomicU32::new(108);
static mut INIT_STATE: FpuState = FpuState([0; XSTATE_MAX]);

/// Bytes of a saved state on this CPU.
pub fn size() -> usize {
    SIZE.load(Ordering::Relaxed) as usize
}

/// The CPU has FXSAVE (and the state has the FXSAVE layout).
pub fn have_fxsr() -> bool {
    HAVE_FXSR.load(Ordering::Relaxed)
}

/// XCR0 if the state is kept with XSAVE, else 0.
pub fn xfeatures() -> u64 {
    u64::from(XFEATURES.load(Ordering::Relaxed))
}

/// `xsetbv` of XCR0.
///
/// # Safety
/// CR4.OSXSAVE must be set and `v` a combination the CPU supports (SDM
/// Vol. 1, 13.3).
unsafe fn set_xcr0(v: u64) {
    // SAFETY: the caller's promise.
    unsafe {
        core::arch::asm!("xsetbv", in("ecx") 0, in("eax") v as u32, in("edx") (v >> 32) as u32,
            options(nomem, nostack));
    }
}

/// Turn on XSAVE with as many of Linux's user components as fit: the
/// state's size, or `None` without XSAVE.
fn enable_xsave() -> Option<usize> {
    let (_, _, ecx, _) = super::instructions::cpuid(1, 0);
    if ecx & (1 << 26) == 0 {
        return None;
    }
    let (lo, _, _, hi) = super::instructions::cpuid(0xd, 0);
    let mut mask = (u64::from(hi) << 32 | u64::from(lo)) & XFEATURE_MASK_USER;
    if mask & XFEATURE_MASK_FPSSE != XFEATURE_MASK_FPSSE {
        return None;
    }
    // Drop the highest components until the standard-format image fits
    // (each component's offset and size: CPUID.(EAX=0Dh,ECX=i)).
    let end = |i: u32| {
        let (sz, off, _, _) = super::instructions::cpuid(0xd, i);
        (off + sz) as usize
    };
    for i in (2..64u32).rev() {
        if mask & (1 << i) != 0 && end(i) > XSTATE_MAX {
            mask &= !(1 << i);
        }
    }
    // AVX-512 needs AVX, and its three parts come together; MPX's two too.
    if mask & 0x4 == 0 || mask & 0xe0 != 0xe0 {
        mask &= !0xe0;
    }
    if mask & 0x18 != 0x18 {
        mask &= !0x18;
    }
    // SAFETY: CR4.OSXSAVE before XSETBV, with bits CPUID reports (SDM
    // Vol. 1, 13.3).
    unsafe {
        cr4_write(cr4() | Cr4::CR4_ENABLE_OS_XSAVE);
        set_xcr0(mask);
    }
    XFEATURES.store(mask as u32, Ordering::Relaxed);
    // EBX of leaf 0Dh: the size for the components XCR0 enables now.
    let (_, size, _, _) = super::instructions::cpuid(0xd, 0);
    Some(size as usize)
}

/// Enable the FPU (and SSE, and XSAVE if present) and record the clean
/// state new processes start with.
pub fn init() {
    let (_, _, _, edx) = super::instructions::cpuid(1, 0);
    let fxsr = edx & (1 << 24) != 0;
    let sse = edx & (1 << 25) != 0;
    // SAFETY: standard FPU enabling sequence: EM off (no emulation), MP and NE
    // on (native error reporting), TS off (no lazy switching).
    unsafe {
        let mut c0 = cr0();
        c0.remove(Cr0::CR0_EMULATE_COPROCESSOR | Cr0::CR0_TASK_SWITCHED);
        c0.insert(Cr0::CR0_MONITOR_COPROCESSOR | Cr0::CR0_NUMERIC_ERROR);
        cr0_write(c0);
        if fxsr {
            let mut c4 = cr4() | Cr4::CR4_ENABLE_SSE;
            if sse {
                c4 |= Cr4::CR4_UNMASKED_SSE;
            }
            cr4_write(c4);
        }
        core::arch::asm!("fninit", options(nomem, nostack));
    }
    HAVE_FXSR.store(fxsr, Ordering::Relaxed);
    let size = match (fxsr, enable_xsave()) {
        (true, Some(s)) => s,
        (true, None) => FXSAVE_SIZE,
        (false, _) => 108,
    };
    SIZE.store(size as u32, Ordering::Relaxed);
    // SAFETY: early boot, single CPU: nothing else uses INIT_STATE yet.
    let init = unsafe { &mut *(&raw mut INIT_STATE) };
    save(init);
    if fxsr && sse {
        // MXCSR at offset 24: all exceptions masked (Linux's default 0x1F80).
        init.0[24..28].copy_from_slice(&0x1F80u32.to_le_bytes());
    }
    if fxsr {
        let m = u32_at(&init.0, 28);
        MXCSR_MASK.store(if m == 0 { 0xFFBF } else { m }, Ordering::Relaxed);
    }
}

/// Set `state` to the clean one a new process starts with.
pub fn reset(state: &mut FpuState) {
    // SAFETY: written once in `init`, read-only afterwards.
    state
        .0
        .copy_from_slice(unsafe { &(*(&raw const INIT_STATE)).0 });
}

/// A clean state on the heap (a new task's, or a scratch one), built in
/// place: the state is too big to pass around on a kernel stack.
pub fn try_initial_box() -> Result<Box<FpuState>, NoMemory> {
    let b = crate::mm::heap::for_user(Box::<FpuState>::try_new_zeroed)?;
    // SAFETY: FpuState is plain bytes, for which zeroes are a value.
    let mut b = unsafe { b.assume_init() };
    reset(&mut b);
    Ok(b)
}

/// Save the CPU's FPU state.
pub fn save(state: &mut FpuState) {
    let p = state.0.as_mut_ptr();
    // SAFETY: the buffer is XSTATE_MAX bytes (at least `size()`), 64-byte
    // aligned, as FXSAVE and XSAVE need.
    unsafe {
        if xfeatures() != 0 {
            core::arch::asm!("xsave [{}]", in(reg) p, in("eax") u32::MAX, in("edx") u32::MAX,
                options(nostack));
        } else if have_fxsr() {
            core::arch::asm!("fxsave [{}]", in(reg) p, options(nostack));
        } else {
            core::arch::asm!("fnsave [{}]", "frstor [{0}]", in(reg) p, options(nostack));
        }
    }
}

/// Load a saved FPU state into the CPU. A state that came from user memory
/// must have been through [`sanitize`] first.
pub fn restore(state: &FpuState) {
    let p = state.0.as_ptr();
    // SAFETY: the image was produced by `save` (or is the clean initial one,
    // or was sanitized), so the instruction cannot fault.
    unsafe {
        if xfeatures() != 0 {
            core::arch::asm!("xrstor [{}]", in(reg) p, in("eax") u32::MAX, in("edx") u32::MAX,
                options(nostack));
        } else if have_fxsr() {
            core::arch::asm!("fxrstor [{}]", in(reg) p, options(nostack));
        } else {
            core::arch::asm!("frstor [{}]", in(reg) p, options(nostack));
        }
    }
}

fn u16_at(b: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([b[at], b[at + 1]])
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Make a state user memory supplied safe to load (Linux's
/// `sanitize_restored_user_xstate`): MXCSR without reserved bits, and an
/// XSAVE header naming only enabled components (`xfeatures` of them) in
/// the standard format, its reserved bytes zero. XRSTOR would fault on
/// anything else (SDM Vol. 1, 13.8).
pub fn sanitize(state: &mut FpuState, xfeatures: u64) {
    if !have_fxsr() {
        return;
    }
    let s = &mut state.0;
    let mask = MXCSR_MASK.load(Ordering::Relaxed);
    let mxcsr = u32_at(s, 24) & mask;
    s[24..28].copy_from_slice(&mxcsr.to_le_bytes());
    // The mask field itself is the CPU's, whatever the frame said.
    s[28..32].copy_from_slice(&mask.to_le_bytes());
    let enabled = self::xfeatures();
    if enabled != 0 {
        let hdr = &mut s[XSAVE_HDR..XSAVE_HDR + XSAVE_HDR_SIZE];
        let bv = u64::from_le_bytes(hdr[..8].try_into().expect("8 bytes")) & xfeatures & enabled;
        hdr.fill(0);
        hdr[..8].copy_from_slice(&bv.to_le_bytes());
    }
}

/// Would XRSTOR take this XSAVE image from user memory (Linux's
/// `validate_user_xstate_header` and the MXCSR check of
/// `copy_uabi_to_xstate`)? Only enabled components, the standard format
/// (XCOMP_BV 0), reserved header bytes 0, MXCSR within its mask.
pub fn valid_xsave(state: &FpuState) -> bool {
    let s = &state.0;
    let hdr = &s[XSAVE_HDR..XSAVE_HDR + XSAVE_HDR_SIZE];
    let bv = u64::from_le_bytes(hdr[..8].try_into().expect("8 bytes"));
    let mask = MXCSR_MASK.load(Ordering::Relaxed);
    bv & !xfeatures() == 0 && hdr[8..].iter().all(|&b| b == 0) && u32_at(s, 24) & !mask == 0
}

/// The x87 state of an FXSAVE image in the FNSAVE layout (`struct
/// user_i387_ia32_struct`, 108 bytes: control, status and full tag words,
/// instruction and operand pointers, then the eight 10-byte registers in
/// stack order), as Linux's `convert_from_fxsr` builds it for signal
/// frames and `PTRACE_GETFPREGS`.
pub fn fnsave_env(fx: &[u8]) -> [u8; 108] {
    let mut env = [0u8; 108];
    let swd = u16_at(fx, 2);
    let top = u32::from(swd >> 11) & 7;
    // The abridged tag byte says only empty or not; the full tag of a
    // register in use comes from its contents (SDM Vol. 1, 10.5.1.1).
    let mut twd = 0xffff_0000u32;
    for phys in 0..8u32 {
        let tag = if fx[4] & (1 << phys) == 0 {
            3 // empty
        } else {
            let st = 32 + (((phys + 8 - top) & 7) as usize) * 16;
            let exp = u16_at(fx, st + 8) & 0x7fff;
            let mantissa = u64::from_le_bytes(fx[st..st + 8].try_into().expect("8 bytes"));
            match exp {
                0x7fff => 2,                   // special: infinity or NaN
                0 if mantissa == 0 => 1,       // zero
                0 => 2,                        // denormal
                _ if mantissa >> 63 == 1 => 0, // valid
                _ => 2,                        // unnormal
            }
        };
        twd |= tag << (2 * phys);
    }
    let fop = u32::from(u16_at(fx, 6));
    let words = [
        u32::from(u16_at(fx, 0)) | 0xffff_0000, // cwd
        u32::from(swd) | 0xffff_0000,           // swd
        twd,
        u32_at(fx, 8),                         // fip
        (u32_at(fx, 12) & 0xffff) | fop << 16, // fcs and the opcode
        u32_at(fx, 16),                        // foo
        u32_at(fx, 20),                        // fos
    ];
    for (i, w) in words.iter().enumerate() {
        env[i * 4..i * 4 + 4].copy_from_slice(&w.to_le_bytes());
    }
    for r in 0..8 {
        env[28 + r * 10..38 + r * 10].copy_from_slice(&fx[32 + r * 16..42 + r * 16]);
    }
    env
}

/// Put an FNSAVE-layout x87 state into an FXSAVE image (Linux's
/// `convert_to_fxsr`): the other direction of [`fnsave_env`]; the tag
/// word becomes the abridged one (empty or not).
pub fn set_fnsave_env(fx: &mut [u8], env: &[u8; 108]) {
    let word = |i: usize| u32_at(env, i * 4);
    fx[0..2].copy_from_slice(&(word(0) as u16).to_le_bytes());
    fx[2..4].copy_from_slice(&(word(1) as u16).to_le_bytes());
    let twd = word(2);
    let mut abridged = 0u8;
    for phys in 0..8 {
        if (twd >> (2 * phys)) & 3 != 3 {
            abridged |= 1 << phys;
        }
    }
    fx[4] = abridged;
    fx[5] = 0;
    fx[6..8].copy_from_slice(&((word(4) >> 16) as u16).to_le_bytes());
    fx[8..12].copy_from_slice(&word(3).to_le_bytes());
    fx[12..16].copy_from_slice(&(word(4) & 0xffff).to_le_bytes());
    fx[16..20].copy_from_slice(&word(5).to_le_bytes());
    fx[20..24].copy_from_slice(&word(6).to_le_bytes());
    for r in 0..8 {
        fx[32 + r * 16..42 + r * 16].copy_from_slice(&env[28 + r * 10..38 + r * 10]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test_case]
    fn fnsave_env_round_trips_and_classifies_tags() {
        let mut fx = [0u8; 512];
        fx[0..2].copy_from_slice(&0x037fu16.to_le_bytes());
        // TOP = 7; st(0) is physical register 7, holding 1.0.
        fx[2..4].copy_from_slice(&(7u16 << 11).to_le_bytes());
        fx[4] = 1 << 7 | 1 << 0; // physical 7 and 0 in use
        fx[32..40].copy_from_slice(&(1u64 << 63).to_le_bytes());
        fx[40..42].copy_from_slice(&0x3fffu16.to_le_bytes());
        // st(1) = physical 0: zero.
        let env = fnsave_env(&fx);
        let twd = u32::from_le_bytes(env[8..12].try_into().unwrap());
        assert_eq!(twd & 0xffff, 0b00_11_11_11_11_11_11_01);
        let mut back = [0u8; 512];
        set_fnsave_env(&mut back, &env);
        assert_eq!(back[..42], fx[..42]);
    }
}

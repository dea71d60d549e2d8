//! The FPU state in a signal frame, laid out as Linux's i386 frames lay it
//! out (`arch/x86/kernel/fpu/signal.c`, `struct _fpstate_32` in
//! `arch/x86/include/uapi/asm/sigcontext.h`), so that a handler reading
//! `uc_mcontext.fpregs`, or changing it before `sigreturn`, sees and
//! changes what it would on Linux.
//!
//! ```text
//!   sigcontext.fpstate ─► +0    108 bytes: the x87 state, FNSAVE layout
//!                         +108  status word (u16), magic (u16: 0 = FXSR
//!                               data follows, 0xffff = none)
//!   64-byte aligned ────► +112  the FXSAVE image (or XSAVE's, standard
//!                               format); its bytes 464..512 (sw_reserved)
//!                               say FP_XSTATE_MAGIC1, the sizes and the
//!                               components saved
//!                         +112+size  FP_XSTATE_MAGIC2 (with XSAVE only)
//! ```
//!
//! On the way back the header's x87 state wins over the image's (Linux's
//! `convert_to_fxsr`). A full XSAVE image must be one XRSTOR takes, or the
//! frame is bad; an image whose magic numbers or sizes are wrong restores
//! x87 and SSE only, with MXCSR's reserved bits dropped (as i386 Linux
//! does "for historical reasons").

use super::fpu::{self, FXSAVE_SIZE, XFEATURE_MASK_FPSSE, XSAVE_HDR, XSAVE_HDR_SIZE};
use crate::mm::Mm;
use crate::mm::usercopy::{copy_from_user, copy_to_user};

/// The frame cannot be written or read (a bad or full user stack, a
/// corrupt image), or the heap has no room for the copy.
#[derive(Debug)]
pub struct BadFrame;

impl From<abi::errno::Errno> for BadFrame {
    fn from(_: abi::errno::Errno) -> Self {
        BadFrame
    }
}

impl From<crate::mm::heap::NoMemory> for BadFrame {
    fn from(_: crate::mm::heap::NoMemory) -> Self {
        BadFrame
    }
}

/// `struct fregs_state`: the FNSAVE-layout header before the image.
pub const FREGS_SIZE: usize = 112;
const FP_XSTATE_MAGIC1: u32 = 0x4650_5853;
const FP_XSTATE_MAGIC2: u32 = 0x4650_5845;
const MAGIC2_SIZE: usize = 4;
/// `X86_FXSR_MAGIC` and the "no FXSR data" magic in the header.
const FXSR_MAGIC: u16 = 0x0000;
const FSAVE_MAGIC: u16 = 0xffff;
/// Where `struct _fpx_sw_bytes` sits in the FXSAVE area.
const SW_BYTES: usize = 464;

/// Bytes of the image in a frame, magic included (Linux's
/// `xstate_sigframe_size`): 0 without FXSR.
fn image_size() -> usize {
    match (fpu::have_fxsr(), fpu::xfeatures()) {
        (false, _) => 0,
        (true, 0) => FXSAVE_SIZE,
        (true, _) => fpu::size() + MAGIC2_SIZE,
    }
}

/// Make room below `sp` for the FPU state (Linux's
/// `fpu__alloc_mathframe`): the address `sigcontext.fpstate` gets, which is
/// also the new top of the stack; `None` if it would wrap.
pub fn alloc_mathframe(sp: usize) -> Option<usize> {
    if !fpu::have_fxsr() {
        return sp.checked_sub(FREGS_SIZE).map(|a| a & !7);
    }
    let buf_fx = sp.checked_sub(image_size())? & !63;
    buf_fx.checked_sub(FREGS_SIZE)
}

/// Bytes of a frame's FPU part, before alignment (Linux's
/// `fpu__get_fpstate_size`): for `AT_MINSIGSTKSZ`.
pub fn frame_bytes() -> usize {
    FREGS_SIZE + image_size()
}

/// Write the CPU's FPU state at `at` (from [`alloc_mathframe`]) in `mm`
/// (Linux's `copy_fpstate_to_sigframe` for an ia32 frame).
pub fn save_to_sigframe(mm: &Mm, at: usize) -> Result<(), BadFrame> {
    let mut st = fpu::try_initial_box()?;
    fpu::save(&mut st);
    if !fpu::have_fxsr() {
        // An FNSAVE image is the header itself; its magic says so.
        let mut hdr = [0u8; FREGS_SIZE];
        hdr[..108].copy_from_slice(&st.0[..108]);
        hdr[108..110].copy_from_slice(&st.0[4..6]); // the status word
        hdr[110..112].copy_from_slice(&FSAVE_MAGIC.to_le_bytes());
        copy_to_user(mm, at, &hdr)?;
        return Ok(());
    }
    let mut hdr = [0u8; FREGS_SIZE];
    hdr[..108].copy_from_slice(&fpu::fnsave_env(&st.0));
    hdr[108..110].copy_from_slice(&st.0[2..4]); // the status word
    hdr[110..112].copy_from_slice(&FXSR_MAGIC.to_le_bytes());
    let xf = fpu::xfeatures();
    let size = if xf != 0 { fpu::size() } else { FXSAVE_SIZE };
    // sw_reserved (Linux's save_sw_bytes): the header's size counts too.
    let sw = &mut st.0[SW_BYTES..FXSAVE_SIZE];
    sw.fill(0);
    sw[0..4].copy_from_slice(&FP_XSTATE_MAGIC1.to_le_bytes());
    let extended = size + MAGIC2_SIZE + FREGS_SIZE;
    sw[4..8].copy_from_slice(&(extended as u32).to_le_bytes());
    // The components saved: none are named without XSAVE (Linux 6.1's
    // user_xfeatures is 0 then).
    sw[8..16].copy_from_slice(&xf.to_le_bytes());
    sw[16..20].copy_from_slice(&(size as u32).to_le_bytes());
    if xf != 0 {
        // x87 and SSE are always marked saved, for old readers (Linux's
        // save_xstate_epilog).
        let bv = u64::from_le_bytes(st.0[XSAVE_HDR..XSAVE_HDR + 8].try_into().expect("8 bytes"));
        st.0[XSAVE_HDR..XSAVE_HDR + 8].copy_from_slice(&(bv | XFEATURE_MASK_FPSSE).to_le_bytes());
    }
    let buf_fx = at + FREGS_SIZE;
    copy_to_user(mm, at, &hdr)?;
    copy_to_user(mm, buf_fx, &st.0[..size])?;
    if xf != 0 {
        copy_to_user(mm, buf_fx + size, &FP_XSTATE_MAGIC2.to_le_bytes())?;
    }
    Ok(())
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Load the FPU state a frame holds at `at` into the CPU (Linux's
/// `__fpu_restore_sig`); `at` 0 means none: a clean state. `Err` when the
/// frame cannot be read, which `sigreturn` answers with `SIGSEGV`.
pub fn restore_from_sigframe(mm: &Mm, at: usize) -> Result<(), BadFrame> {
    let mut st = fpu::try_initial_box()?;
    if at == 0 {
        fpu::restore(&st);
        return Ok(());
    }
    if !fpu::have_fxsr() {
        copy_from_user(mm, &mut st.0[..108], at)?;
        fpu::restore(&st);
        return Ok(());
    }
    let mut env = [0u8; 108];
    copy_from_user(mm, &mut env, at)?;
    let buf_fx = at + FREGS_SIZE;
    copy_from_user(mm, &mut st.0[..FXSAVE_SIZE], buf_fx)?;
    let enabled = fpu::xfeatures();
    let mut xf = XFEATURE_MASK_FPSSE;
    if enabled != 0 {
        // Linux's check_xstate_in_sigframe: the extended state counts only
        // with both magic numbers and sizes that make sense; otherwise x87
        // and SSE alone, the rest clean.
        let sw = &st.0[SW_BYTES..FXSAVE_SIZE];
        let (magic1, extended, size) = (
            u32_at(sw, 0),
            u32_at(sw, 4) as usize,
            u32_at(sw, 16) as usize,
        );
        let user_xf = u64::from(u32_at(sw, 8)) | u64::from(u32_at(sw, 12)) << 32;
        let sizes_ok =
            (FXSAVE_SIZE + XSAVE_HDR_SIZE..=fpu::size()).contains(&size) && size <= extended;
        // magic2 is read only if the rest looks right; if it cannot be
        // read the frame is bad (check_xstate_in_sigframe), if it is wrong
        // x87 and SSE alone come back.
        let mut magic2 = [0u8; 4];
        let full = magic1 == FP_XSTATE_MAGIC1 && sizes_ok && {
            copy_from_user(mm, &mut magic2, buf_fx + size)?;
            u32::from_le_bytes(magic2) == FP_XSTATE_MAGIC2
        };
        if full {
            copy_from_user(mm, &mut st.0[..size], buf_fx)?;
            // Linux's copy_uabi_to_xstate refuses what XRSTOR would: an
            // unknown component, the compacted format, reserved bytes, an
            // MXCSR with reserved bits.
            if !fpu::valid_xsave(&st) {
                return Err(BadFrame);
            }
            xf = user_xf & enabled;
        } else {
            st.0[XSAVE_HDR..XSAVE_HDR + 8].copy_from_slice(&XFEATURE_MASK_FPSSE.to_le_bytes());
        }
    }
    fpu::set_fnsave_env(&mut st.0, &env);
    fpu::sanitize(&mut st, xf);
    fpu::restore(&st);
    Ok(())
}

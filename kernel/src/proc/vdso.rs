//! The vDSO: one page holding a real ELF shared object, built from
//! `userspace/vdso/vdso.S` by `kernel/build.rs`, mapped read+exec into every
//! process at [`VDSO_BASE`] and announced in the auxiliary vector
//! (`AT_SYSINFO_EHDR` = the image, `AT_SYSINFO` = `__kernel_vsyscall`).
//!
//! Below it, one read-only page of time data (the vvar page, `time.rs::VVAR`)
//! serves the vDSO's clock functions (`userspace/vdso/vclock_gettime.c`);
//! the trampolines `__kernel_sigreturn`/`__kernel_rt_sigreturn` are where a
//! handler without `SA_RESTORER` returns (`signal.rs::setup_frame`).
//!
//! `__kernel_vsyscall` is `push %ecx; push %edx; push %ebp; mov %esp,%ebp;
//! sysenter; int $0x80` followed by the landing pad `pop %ebp; pop %edx;
//! pop %ecx; ret`. SYSENTER returns (by SYSEXIT or iret) to the landing pad.

use crate::mm::addrspace::{AddressSpace, MapError, Prot, Region, RegionKind};
use crate::mm::{PAGE_SIZE, frame, phys_to_virt, virt_to_phys};
use core::sync::atomic::{AtomicUsize, Ordering};
use spin::Once;

mod syms {
    include!(concat!(env!("OUT_DIR"), "/vdso_syms.rs"));
}

const _: () = assert!(
    syms::VVAR_SHIFT == crate::time::VVAR_SHIFT,
    "vvar.h and time.rs disagree on VVAR_SHIFT"
);

/// The image, as built.
static IMAGE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/vdso.so"));
const _: () = assert!(IMAGE.len() <= PAGE_SIZE, "the vDSO must fit in one page");

/// Where every process sees the vDSO: the last user page.
pub const VDSO_BASE: usize = crate::mm::USER_TOP - PAGE_SIZE;

/// The physical frame holding the image (shared by all processes).
static FRAME: Once<usize> = Once::new();

fn frame() -> Result<usize, MapError> {
    FRAME
        .try_call_once(|| {
            let pa = frame::alloc_user_zeroed().ok_or(MapError::NoMemory)?;
            // SAFETY: a fresh frame in the direct map; the image fits.
            unsafe {
                core::ptr::copy_nonoverlapping(
                    IMAGE.as_ptr(),
                    phys_to_virt(pa) as *mut u8,
                    IMAGE.len(),
                )
            };
            Ok(pa)
        })
        .copied()
}

/// Where every process sees the vvar page (`time.rs::Vvar`): right below
/// the vDSO, where `userspace/vdso/vdso.lds` puts `vvar_page`.
pub const VVAR_BASE: usize = VDSO_BASE - PAGE_SIZE;

/// Map the vvar page (read-only) and the vDSO into an address space.
pub fn map_into(mm: &mut AddressSpace) -> Result<(), MapError> {
    // The kernel's own page, shared read-only: `mprotect` never makes a
    // shared page writable, and `munmap`/exit never free it.
    mm.map_shared_page(
        VVAR_BASE,
        virt_to_phys(&crate::time::VVAR as *const _ as usize),
    )?;
    mm.add_region(Region::new(
        VVAR_BASE,
        VVAR_BASE + PAGE_SIZE,
        Prot::R,
        RegionKind::Vvar,
    ))?;
    mm.map_shared_page(VDSO_BASE, frame()?)?;
    mm.add_region(Region::new(
        VDSO_BASE,
        VDSO_BASE + PAGE_SIZE,
        Prot::RX,
        RegionKind::Vdso,
    ))
}

/// `__kernel_vsyscall` in a process just started (`AT_SYSINFO`).
pub fn kernel_vsyscall() -> usize {
    VDSO_BASE + syms::VDSO_SYM___KERNEL_VSYSCALL
}

/// The running task's vDSO base (its `Mm::vdso`), loaded at every task
/// switch as CR3 is, and by `execve` and `mremap`: the SYSENTER path reads
/// it on every call, so it must cost one load.
static CURRENT_BASE: AtomicUsize = AtomicUsize::new(VDSO_BASE);

/// The running task's address space is now `mm` (a task switch, an
/// `execve`, or an `mremap` that moved the vDSO).
#[inline(always)]
pub fn switch_to(mm: Option<&crate::mm::Mm>) {
    CURRENT_BASE.store(mm.map_or(0, |m| m.vdso()), Ordering::Relaxed);
}

/// The landing pad SYSENTER returns to, in the running task's vDSO
/// (Linux's `do_fast_syscall_32` reads `mm->context.vdso`).
#[inline(always)]
pub fn landing_pad() -> usize {
    CURRENT_BASE.load(Ordering::Relaxed) + syms::VDSO_SYM_INT80_LANDING_PAD
}

/// The `sysenter` instruction inside the running task's
/// `__kernel_vsyscall`.
pub fn sysenter_insn() -> usize {
    CURRENT_BASE.load(Ordering::Relaxed) + syms::VDSO_SYM_SYSENTER
}

/// The landing pad of a vDSO at `base`.
pub fn landing_pad_at(base: usize) -> usize {
    base + syms::VDSO_SYM_INT80_LANDING_PAD
}

/// Where a handler without `SA_RESTORER` returns: `__kernel_rt_sigreturn`
/// (`rt`) or `__kernel_sigreturn` in `mm`'s vDSO, wherever `mremap` moved
/// it (Linux's `ia32_setup_frame` uses `mm->context.vdso`); `None` once the
/// process unmapped it.
pub fn sigreturn_trampoline(mm: &crate::mm::Mm, rt: bool) -> Option<usize> {
    let base = mm.vdso();
    let mapped = base != 0
        && mm.with(|m| {
            m.region_at(base)
                .is_some_and(|r| r.kind == RegionKind::Vdso && r.start == base)
        });
    let off = if rt {
        syms::VDSO_SYM___KERNEL_RT_SIGRETURN
    } else {
        syms::VDSO_SYM___KERNEL_SIGRETURN
    };
    mapped.then_some(base + off)
}

//! Raw system calls through the two i386 entry paths, and the process-wide
//! choice between them.
//!
//! Both paths use the same registers: `eax` = number, arguments in `ebx`,
//! `ecx`, `edx`, `esi`, `edi`, `ebp`, result (or `-errno`) back in `eax`,
//! every other register preserved.
//!
//! - [`Path::Int80`]: the instruction `int 0x80`, a trap through the IDT gate
//!   the kernel set with DPL 3; the kernel returns with `iret`.
//! - [`Path::Sysenter`]: `call *AT_SYSINFO`, i.e. the vDSO's
//!   `__kernel_vsyscall`, which saves `ecx`, `edx`, `ebp`, puts the user
//!   stack pointer in `ebp` and executes `sysenter`; the kernel returns with
//!   `sysexit` to the vDSO's landing pad, which restores them and `ret`urns
//!   here. This is what musl and glibc do. The program never executes
//!   `sysenter` itself: only the vDSO knows the landing-pad protocol. If the
//!   kernel passed no `AT_SYSINFO`, this path falls back to `int 0x80`.
//!
//! # Why the asm loads the registers from memory
//!
//! On i686, LLVM reserves `ebp` (frame pointer) and `esi` (base pointer of
//! functions with a realigned stack), so Rust's `asm!` refuses them as
//! operands; `ebx` is usable but would leave too few free registers. All six
//! argument registers plus `eax` are needed, so the asm gets one free
//! register, `edi`, pointing at an in-memory array of the six arguments (and,
//! for the vDSO, the entry address). It saves `ebp`, `esi`, `ebx` and `edi`
//! with `push`, loads the arguments from the array (`edi` itself last),
//! makes the call, and restores them with `pop`, so the compiler sees none of
//! them change.

use core::arch::asm;
use core::sync::atomic::{AtomicU8, Ordering::Relaxed};

use crate::auxv;

/// How a system call enters the kernel.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Path {
    /// `int 0x80` (returns by `iret`).
    Int80 = 0,
    /// `call *AT_SYSINFO` = the vDSO's `__kernel_vsyscall` (`sysenter`,
    /// returns by `sysexit`); `int 0x80` if there is no `AT_SYSINFO`.
    Sysenter = 1,
}

impl Path {
    /// Both paths, in the order test suites run them.
    pub const ALL: [Path; 2] = [Path::Int80, Path::Sysenter];

    /// The short name the kernel's `strace` option uses too: `"int80"` or
    /// `"sysenter"`.
    pub const fn name(self) -> &'static str {
        match self {
            Path::Int80 => "int80",
            Path::Sysenter => "sysenter",
        }
    }
}

impl core::fmt::Display for Path {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The path the typed wrappers in [`sys`](crate::sys) use.
static PATH: AtomicU8 = AtomicU8::new(Path::Int80 as u8);

/// Selects the entry path for every later system call of this process (and,
/// through `fork`, of its children until they change it). `start` selects
/// [`Path::Sysenter`] before `main`.
pub fn set_path(path: Path) {
    PATH.store(path as u8, Relaxed);
}

/// The selected path (as set by [`set_path`]).
pub fn path() -> Path {
    if PATH.load(Relaxed) == Path::Sysenter as u8 {
        Path::Sysenter
    } else {
        Path::Int80
    }
}

/// The path calls really take: the selected one, except that
/// [`Path::Sysenter`] without an `AT_SYSINFO` from the kernel is `int 0x80`.
pub fn effective_path() -> Path {
    match path() {
        Path::Sysenter if auxv::sysinfo().is_some() => Path::Sysenter,
        _ => Path::Int80,
    }
}

/// Interprets a raw result the Linux way: values in `-4095..=-1` are
/// `-errno`, everything else (including addresses above 2 GiB, which look
/// negative as `isize`) is a success.
pub fn is_error(ret: isize) -> bool {
    (-(abi::MAX_ERRNO as isize)..0).contains(&ret)
}

/// The one asm sequence both paths share: save the registers LLVM will not
/// let us name as operands (EBX, ESI, EBP, and EDI, which carries the
/// argument array), load the six arguments from the array at EDI into EBX,
/// ECX, EDX, ESI, EDI, EBP (the i386 order), run `$enter` (with `$pre` before
/// the loads and `$post` after), restore. EAX carries the number in and the
/// result out; ECX and EDX count as clobbered.
macro_rules! six_arg_syscall {
    ($nr:expr, $args:expr, [$($pre:literal),*], $enter:literal, [$($post:literal),*]) => {{
        let ret: usize;
        asm!(
            "push ebp",
            "push esi",
            "push ebx",
            "push edi",
            $($pre,)*
            "mov ebx, [edi]",
            "mov ecx, [edi + 4]",
            "mov edx, [edi + 8]",
            "mov esi, [edi + 12]",
            "mov ebp, [edi + 20]",
            "mov edi, [edi + 16]",
            $enter,
            $($post,)*
            "pop edi",
            "pop ebx",
            "pop esi",
            "pop ebp",
            inout("eax") $nr => ret,
            in("edi") $args,
            out("ecx") _,
            out("edx") _,
        );
        ret as isize
    }};
}

/// System call `nr` with six arguments through `int 0x80`.
///
/// # Safety
///
/// The call must not break Rust's memory model: memory the kernel writes
/// through pointer arguments must be valid for writes and not covered by a
/// live shared reference; calls that change the address space (`brk`,
/// `munmap`, `mmap2` with `MAP_FIXED`, `execve`, ...) must not unmap or
/// replace memory still in use.
pub unsafe fn syscall6_int80(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> isize {
    let regs: [usize; 6] = [a1, a2, a3, a4, a5, a6];
    // SAFETY: the asm only reads `regs` (valid for 6 dwords), restores every
    // register it changes except eax (the result) and ecx/edx (declared
    // clobbered), and leaves esp as it found it. What the kernel does with
    // the arguments is the caller's contract.
    unsafe { six_arg_syscall!(nr, regs.as_ptr(), [], "int 0x80", []) }
}

/// System call `nr` with six arguments through the vDSO's
/// `__kernel_vsyscall` (`call *AT_SYSINFO`, which uses `sysenter`). Without
/// an `AT_SYSINFO` it is [`syscall6_int80`].
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall6_vsyscall(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> isize {
    let Some(entry) = auxv::sysinfo() else {
        // SAFETY: same call, same contract, other instruction.
        return unsafe { syscall6_int80(nr, a1, a2, a3, a4, a5, a6) };
    };
    let regs: [usize; 7] = [a1, a2, a3, a4, a5, a6, entry];
    // SAFETY: as in `syscall6_int80`; in addition the entry address (the
    // array's seventh dword) is pushed before the loads and dropped after
    // the call, so esp is balanced, and `entry` is the kernel's AT_SYSINFO,
    // a function that follows the same register convention as `int 0x80`
    // (it preserves everything but eax).
    unsafe {
        six_arg_syscall!(
            nr,
            regs.as_ptr(),
            ["push dword ptr [edi + 24]"],
            "call dword ptr [esp]",
            ["add esp, 4"]
        )
    }
}

/// System call `nr` with six arguments through the selected [`path`].
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall6(
    nr: usize,
    a1: usize,
    a2: usize,
    a3: usize,
    a4: usize,
    a5: usize,
    a6: usize,
) -> isize {
    // SAFETY: the caller upholds the shared contract of both functions.
    unsafe {
        match path() {
            Path::Int80 => syscall6_int80(nr, a1, a2, a3, a4, a5, a6),
            Path::Sysenter => syscall6_vsyscall(nr, a1, a2, a3, a4, a5, a6),
        }
    }
}

/// System call `nr` with six arguments through the given path (whatever
/// [`path`] says).
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall_via(path: Path, nr: usize, args: [usize; 6]) -> isize {
    let [a1, a2, a3, a4, a5, a6] = args;
    // SAFETY: the caller upholds the shared contract of both functions.
    unsafe {
        match path {
            Path::Int80 => syscall6_int80(nr, a1, a2, a3, a4, a5, a6),
            Path::Sysenter => syscall6_vsyscall(nr, a1, a2, a3, a4, a5, a6),
        }
    }
}

/// System call `nr` without arguments through the selected path.
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall0(nr: usize) -> isize {
    // SAFETY: forwarded contract; unused argument registers get 0.
    unsafe { syscall6(nr, 0, 0, 0, 0, 0, 0) }
}

/// System call `nr` with one argument through the selected path.
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall1(nr: usize, a1: usize) -> isize {
    // SAFETY: forwarded contract; unused argument registers get 0.
    unsafe { syscall6(nr, a1, 0, 0, 0, 0, 0) }
}

/// System call `nr` with two arguments through the selected path.
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall2(nr: usize, a1: usize, a2: usize) -> isize {
    // SAFETY: forwarded contract; unused argument registers get 0.
    unsafe { syscall6(nr, a1, a2, 0, 0, 0, 0) }
}

/// System call `nr` with three arguments through the selected path.
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall3(nr: usize, a1: usize, a2: usize, a3: usize) -> isize {
    // SAFETY: forwarded contract; unused argument registers get 0.
    unsafe { syscall6(nr, a1, a2, a3, 0, 0, 0) }
}

/// System call `nr` with four arguments through the selected path.
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall4(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize) -> isize {
    // SAFETY: forwarded contract; unused argument registers get 0.
    unsafe { syscall6(nr, a1, a2, a3, a4, 0, 0) }
}

/// System call `nr` with five arguments through the selected path.
///
/// # Safety
///
/// As for [`syscall6_int80`].
pub unsafe fn syscall5(nr: usize, a1: usize, a2: usize, a3: usize, a4: usize, a5: usize) -> isize {
    // SAFETY: forwarded contract; unused argument registers get 0.
    unsafe { syscall6(nr, a1, a2, a3, a4, a5, 0) }
}

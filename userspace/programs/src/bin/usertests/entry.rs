//! Tests of the entry mechanism itself: unknown numbers, register
//! preservation across each path, and the two paths reaching the same
//! handlers.

use core::arch::asm;

use abi::errno::ENOSYS;
use abi::syscalls::{NR_GETPID, NR_GETPPID, NR_SYSCALLS};
use rt::syscall::{Path, syscall_via, syscall6};
use rt::{auxv, sys};

use crate::check::{TestResult, ensure, err, expect_eq, expect_ret};

/// Numbers no i386 kernel implements must give `-ENOSYS`, never kill the
/// process (musl probes new calls and falls back): -1, huge values, the
/// first number past the table, and holes inside it.
pub fn unknown_syscalls() -> TestResult {
    let numbers = [
        0xFFFF_FFFF,
        0x7FFF_FFFF,
        0x8000_0000,
        500,
        NR_SYSCALLS,
        222, // unused in syscall_32.tbl
        285, // unused in syscall_32.tbl
    ];
    for nr in numbers {
        // SAFETY: no kernel implements these numbers; the arguments are
        // plain integers that no handler may dereference.
        let ret = unsafe { syscall6(nr, 1, 2, 3, 4, 5, 6) };
        expect_ret!(alloc::format!("syscall({nr:#x})"), ret, err(ENOSYS));
    }
    Ok(())
}

/// Register image for [`probe`]: inputs and what came back.
#[repr(C)]
#[derive(Default)]
struct Probe {
    /// `ebx`, `ecx`, `edx`, `esi`, `edi`, `ebp` after the call.
    regs: [usize; 6],
    /// `eax` after the call.
    eax: usize,
    /// Entry address for the vDSO variant.
    entry: usize,
    /// `esp` just before and just after the call.
    esp_before: usize,
    esp_after: usize,
}

/// What [`probe`] loads into `ebx`, `ecx`, `edx`, `esi`, `edi`, `ebp`.
const PATTERN: [usize; 6] = [
    0x1111_1111,
    0x2222_2222,
    0x3333_3333,
    0x4444_4444,
    0x5555_5555,
    0x6666_6666,
];

/// The body of [`probe`]; `$call` is the instruction that enters the kernel.
/// `edi` points at a [`Probe`] (field offsets from `offset_of!`); `eax`
/// holds `getpid`'s number.
macro_rules! probe_asm {
    ($call:literal, $p:expr) => {
        asm!(
            "push ebp",
            "push esi",
            "push ebx",
            "push edi", // restored at the end
            "push edi", // scratch slot: the Probe pointer
            "push dword ptr [edi + {entry}]", // the vDSO entry (if used)
            "mov [edi + {esp_before}], esp",
            "mov ebx, 0x11111111",
            "mov ecx, 0x22222222",
            "mov edx, 0x33333333",
            "mov esi, 0x44444444",
            "mov ebp, 0x66666666",
            "mov edi, 0x55555555",
            $call,
            "xchg edi, [esp + 4]", // edi = Probe, scratch = edi after the call
            "mov [edi + {esp_after}], esp",
            "mov [edi + {regs}], ebx",
            "mov [edi + {regs} + 4], ecx",
            "mov [edi + {regs} + 8], edx",
            "mov [edi + {regs} + 12], esi",
            "mov ebx, [esp + 4]",
            "mov [edi + {regs} + 16], ebx",
            "mov [edi + {regs} + 20], ebp",
            "mov [edi + {eax}], eax",
            "add esp, 8",
            "pop edi",
            "pop ebx",
            "pop esi",
            "pop ebp",
            regs = const core::mem::offset_of!(Probe, regs),
            eax = const core::mem::offset_of!(Probe, eax),
            entry = const core::mem::offset_of!(Probe, entry),
            esp_before = const core::mem::offset_of!(Probe, esp_before),
            esp_after = const core::mem::offset_of!(Probe, esp_after),
            inout("eax") NR_GETPID => _,
            in("edi") $p,
            out("ecx") _,
            out("edx") _,
        )
    };
}

/// Calls `getpid` with every argument register set to a known pattern and
/// records the registers afterwards.
fn probe(path: Path) -> Probe {
    let mut p = Probe {
        entry: auxv::sysinfo().unwrap_or(0),
        ..Probe::default()
    };
    let ptr: *mut Probe = &mut p;
    // SAFETY: the asm writes only into `p` (through edi), restores ebp, esi,
    // ebx and edi, balances esp, and declares eax, ecx and edx clobbered;
    // getpid ignores its argument registers. The vDSO variant is used only
    // with the kernel's AT_SYSINFO as entry.
    unsafe {
        match path {
            Path::Sysenter if p.entry != 0 => probe_asm!("call dword ptr [esp]", ptr),
            _ => probe_asm!("int 0x80", ptr),
        }
    }
    p
}

/// Across a system call the kernel preserves every register but `eax`
/// (through `int 0x80`: `iret` restores the frame; through the vDSO: the
/// landing pad restores `ebp`, `edx`, `ecx`), and `eax` carries the result.
pub fn registers_preserved() -> TestResult {
    let path = rt::effective_path();
    let p = probe(path);
    let names = ["ebx", "ecx", "edx", "esi", "edi", "ebp"];
    for i in 0..6 {
        ensure!(
            p.regs[i] == PATTERN[i],
            "{} changed across getpid via {path}: {:#x} -> {:#x}",
            names[i],
            PATTERN[i],
            p.regs[i]
        );
    }
    expect_eq!("esp after the call", p.esp_after, p.esp_before);
    expect_ret!("eax (getpid's result)", p.eax as isize, sys::getpid());
    Ok(())
}

/// Both paths reach the same handlers: `getpid` and `getppid` agree.
pub fn paths_agree() -> TestResult {
    // SAFETY: getpid and getppid take no arguments and touch no memory.
    let call = |path, nr| unsafe { syscall_via(path, nr, [0; 6]) };
    let pid = call(Path::Int80, NR_GETPID);
    ensure!(pid > 0, "getpid via int80 = {pid}");
    expect_ret!("getpid via sysenter", call(Path::Sysenter, NR_GETPID), pid);
    let ppid = call(Path::Int80, NR_GETPPID);
    expect_ret!(
        "getppid via sysenter",
        call(Path::Sysenter, NR_GETPPID),
        ppid
    );
    Ok(())
}

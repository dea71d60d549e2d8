//! `ptrace` requests, options, events and the i386 register layouts it
//! copies (`include/uapi/linux/ptrace.h`, `arch/x86/include/uapi/asm/
//! ptrace-abi.h`, `arch/x86/include/asm/user_32.h`, `include/uapi/linux/
//! elf.h` for the regset notes).

// Requests (include/uapi/linux/ptrace.h, asm/ptrace-abi.h).
pub const PTRACE_TRACEME: u32 = 0;
pub const PTRACE_PEEKTEXT: u32 = 1;
pub const PTRACE_PEEKDATA: u32 = 2;
pub const PTRACE_PEEKUSR: u32 = 3;
pub const PTRACE_POKETEXT: u32 = 4;
pub const PTRACE_POKEDATA: u32 = 5;
pub const PTRACE_POKEUSR: u32 = 6;
pub const PTRACE_CONT: u32 = 7;
pub const PTRACE_KILL: u32 = 8;
pub const PTRACE_SINGLESTEP: u32 = 9;
pub const PTRACE_GETREGS: u32 = 12;
pub const PTRACE_SETREGS: u32 = 13;
pub const PTRACE_GETFPREGS: u32 = 14;
pub const PTRACE_SETFPREGS: u32 = 15;
pub const PTRACE_ATTACH: u32 = 16;
pub const PTRACE_DETACH: u32 = 17;
pub const PTRACE_GETFPXREGS: u32 = 18;
pub const PTRACE_SETFPXREGS: u32 = 19;
pub const PTRACE_SYSCALL: u32 = 24;
pub const PTRACE_GET_THREAD_AREA: u32 = 25;
pub const PTRACE_SET_THREAD_AREA: u32 = 26;
pub const PTRACE_SYSEMU: u32 = 31;
pub const PTRACE_SYSEMU_SINGLESTEP: u32 = 32;
pub const PTRACE_SETOPTIONS: u32 = 0x4200;
pub const PTRACE_GETEVENTMSG: u32 = 0x4201;
pub const PTRACE_GETSIGINFO: u32 = 0x4202;
pub const PTRACE_SETSIGINFO: u32 = 0x4203;
pub const PTRACE_GETREGSET: u32 = 0x4204;
pub const PTRACE_SETREGSET: u32 = 0x4205;
pub const PTRACE_SEIZE: u32 = 0x4206;
pub const PTRACE_INTERRUPT: u32 = 0x4207;
pub const PTRACE_LISTEN: u32 = 0x4208;
pub const PTRACE_GETSIGMASK: u32 = 0x420a;
pub const PTRACE_SETSIGMASK: u32 = 0x420b;

// Events: a stop's status is `SIGTRAP | event << 8` (`status >> 16`).
pub const PTRACE_EVENT_FORK: u32 = 1;
pub const PTRACE_EVENT_VFORK: u32 = 2;
pub const PTRACE_EVENT_CLONE: u32 = 3;
pub const PTRACE_EVENT_EXEC: u32 = 4;
pub const PTRACE_EVENT_VFORK_DONE: u32 = 5;
pub const PTRACE_EVENT_EXIT: u32 = 6;
pub const PTRACE_EVENT_STOP: u32 = 128;

// Options (PTRACE_SETOPTIONS, PTRACE_SEIZE's data): `1 << event`.
pub const PTRACE_O_TRACESYSGOOD: u32 = 1;
pub const PTRACE_O_TRACEFORK: u32 = 1 << PTRACE_EVENT_FORK;
pub const PTRACE_O_TRACEVFORK: u32 = 1 << PTRACE_EVENT_VFORK;
pub const PTRACE_O_TRACECLONE: u32 = 1 << PTRACE_EVENT_CLONE;
pub const PTRACE_O_TRACEEXEC: u32 = 1 << PTRACE_EVENT_EXEC;
pub const PTRACE_O_TRACEVFORKDONE: u32 = 1 << PTRACE_EVENT_VFORK_DONE;
pub const PTRACE_O_TRACEEXIT: u32 = 1 << PTRACE_EVENT_EXIT;
pub const PTRACE_O_TRACESECCOMP: u32 = 1 << 7;
pub const PTRACE_O_EXITKILL: u32 = 1 << 20;
pub const PTRACE_O_SUSPEND_SECCOMP: u32 = 1 << 21;
/// Every option Linux accepts (`PTRACE_O_MASK`).
pub const PTRACE_O_MASK: u32 = 0x0000_00ff | PTRACE_O_EXITKILL | PTRACE_O_SUSPEND_SECCOMP;

/// `ptrace_message` at a syscall stop: entry or exit
/// (`PTRACE_EVENTMSG_SYSCALL_ENTRY`/`_EXIT`).
pub const PTRACE_EVENTMSG_SYSCALL_ENTRY: u32 = 1;
pub const PTRACE_EVENTMSG_SYSCALL_EXIT: u32 = 2;

// Regset notes for PTRACE_GETREGSET (include/uapi/linux/elf.h).
pub const NT_PRSTATUS: u32 = 1;
pub const NT_PRFPREG: u32 = 2;
pub const NT_PRXFPREG: u32 = 0x46e6_2b7f;

/// `struct user_regs_struct` of i386 (`asm/user_32.h`): ebx, ecx, edx,
/// esi, edi, ebp, eax, xds, xes, xfs, xgs, orig_eax, eip, xcs, eflags,
/// esp, xss: the order of the kernel's `pt_regs`.
pub type UserRegs = [u32; 17];
/// `struct user_i387_struct`: the FSAVE image (27 longs).
pub type UserI387 = [u32; 27];
/// `struct user_fxsr_struct`: the FXSAVE image.
pub type UserFxsr = [u8; 512];

/// Byte offsets in `struct user` (`asm/user_32.h`), for PEEKUSR/POKEUSR:
/// the registers first, the debug registers at the end.
pub const USER_REGS_SIZE: usize = 17 * 4;
pub const USER_DEBUGREG_OFFSET: usize = 252;
pub const USER_SIZE: usize = 284;

//! Typed system-call declarations: the one layer between registers and
//! handlers.
//!
//! A handler is a plain Rust function whose parameters say what each
//! register holds: `fn sys_read(fd: Fd, buf: UserSlice<Write>) -> SysResult`.
//! From that one signature come the argument decoding ([`SysArg::decode`],
//! in order ebx, ecx, edx, esi, edi, ebp; a [`UserSlice`] takes two
//! registers, address and length), the `strace` format ([`SysArg::trace`])
//! and, through [`Handler`], the table entry (`table.rs` names the handler
//! once per number, as Linux's `syscall_32.tbl` does). A handler that needs
//! the registers themselves (`fork`, `execve`, `sigreturn`) takes a
//! `&mut SyscallContext` first.
//!
//! The result is `Result<usize, Errno>`, so `?` works on everything that
//! fails with an [`Errno`]; [`encode`] turns it into EAX (`-errno`).

use super::uaccess::{Read, UserCStr, UserPtr, UserSlice, Write};
use crate::arch::x86::common::EntryPath;
use crate::arch::x86::ptregs::PtRegs;
use abi::Pod;
use abi::errno::Errno;
use alloc::string::String;
use core::fmt::Write as _;

/// A handler's result: a non-negative value or an errno.
pub type SysResult = Result<usize, Errno>;

/// One system call's view of its registers, for the few handlers that need
/// more than their arguments.
pub struct SyscallContext<'a> {
    pub regs: &'a mut PtRegs,
    pub path: EntryPath,
}

/// A type a system-call argument can be declared as.
pub trait SysArg: Sized {
    /// Registers it takes (a user slice: address, then length).
    const REGS: usize = 1;
    /// The value from its `REGS` raw registers (never fails: pointers are
    /// checked when used, numbers by the handler, in Linux's order).
    fn decode(raw: &[u32]) -> Self;
    /// How `strace` shows it.
    fn trace(raw: &[u32], out: &mut String);
}

/// A file descriptor (checked by the fd table: `-EBADF`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fd(pub i32);

/// A user address the call works on but does not read or write through
/// (`brk`, `mmap`, `munmap`, `mprotect`): traced in hex, as strace does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UserAddr(pub usize);

/// A directory fd for the `*at` calls: an [`Fd`] or `AT_FDCWD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DirFd(pub i32);

/// A user id (`uid_t`): decimal, `(uid_t)-1` ("leave it unchanged")
/// shown as `-1`, as strace does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Uid(pub u32);

/// A group id (`gid_t`), shown the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gid(pub u32);

/// A user id of the original i386 calls (`old_uid_t`, 16 bits: `setuid` =
/// 23, not `setuid32`): the register's low half, as Linux's
/// `SYSCALL_DEFINE` truncates it; `widen` is Linux's `low2highuid`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OldUid(pub u16);

/// A 16-bit group id (`old_gid_t`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OldGid(pub u16);

impl OldUid {
    /// The 32-bit id, the 16-bit `-1` staying `-1`.
    pub fn widen(self) -> u32 {
        abi::cred::low2highuid(self.0)
    }
}

impl OldGid {
    /// The 32-bit id (Linux's `low2highgid`).
    pub fn widen(self) -> u32 {
        abi::cred::low2highuid(self.0)
    }
}

impl SysArg for i32 {
    fn decode(raw: &[u32]) -> Self {
        raw[0] as i32
    }
    fn trace(raw: &[u32], out: &mut String) {
        let _ = write!(out, "{}", raw[0] as i32);
    }
}

/// Lengths and counts: unsigned decimal.
impl SysArg for usize {
    fn decode(raw: &[u32]) -> Self {
        raw[0] as usize
    }
    fn trace(raw: &[u32], out: &mut String) {
        let _ = write!(out, "{}", raw[0]);
    }
}

/// Raw words (flags, commands, opaque values): hex.
impl SysArg for u32 {
    fn decode(raw: &[u32]) -> Self {
        raw[0]
    }
    fn trace(raw: &[u32], out: &mut String) {
        let _ = write!(out, "{:#x}", raw[0]);
    }
}

impl SysArg for Fd {
    fn decode(raw: &[u32]) -> Self {
        Fd(raw[0] as i32)
    }
    fn trace(raw: &[u32], out: &mut String) {
        i32::trace(raw, out)
    }
}

impl SysArg for DirFd {
    fn decode(raw: &[u32]) -> Self {
        DirFd(raw[0] as i32)
    }
    fn trace(raw: &[u32], out: &mut String) {
        if raw[0] as i32 == abi::fcntl::AT_FDCWD {
            out.push_str("AT_FDCWD");
        } else {
            i32::trace(raw, out)
        }
    }
}

/// An id in decimal, or `-1`.
fn trace_id(id: u32, minus_one: bool, out: &mut String) {
    let _ = if minus_one {
        write!(out, "-1")
    } else {
        write!(out, "{id}")
    };
}

macro_rules! id_arg {
    ($($t:ident: $raw:ty),* $(,)?) => {$(
        impl SysArg for $t {
            fn decode(raw: &[u32]) -> Self {
                $t(raw[0] as $raw)
            }
            fn trace(raw: &[u32], out: &mut String) {
                let id = raw[0] as $raw;
                trace_id(u32::from(id), id == <$raw>::MAX, out)
            }
        }
    )*};
}
id_arg!(Uid: u32, Gid: u32, OldUid: u16, OldGid: u16);

impl SysArg for UserAddr {
    fn decode(raw: &[u32]) -> Self {
        UserAddr(raw[0] as usize)
    }
    fn trace(raw: &[u32], out: &mut String) {
        trace_addr(raw[0], out)
    }
}

/// A file mode or permission bits (`mkdir`, `chmod`, `umask`): traced in
/// octal, as strace writes them (`0644`, `000`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mode(pub u32);

impl SysArg for Mode {
    fn decode(raw: &[u32]) -> Self {
        Mode(raw[0])
    }
    fn trace(raw: &[u32], out: &mut String) {
        let _ = write!(out, "0{:02o}", raw[0]);
    }
}

/// `open`'s flags and mode, two registers: the mode means something, and
/// strace shows it, only when the flags create a file (`O_CREAT`,
/// `O_TMPFILE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpenHow {
    pub flags: abi::fcntl::OpenFlags,
    pub mode: u32,
}

impl SysArg for OpenHow {
    const REGS: usize = 2;
    fn decode(raw: &[u32]) -> Self {
        OpenHow {
            flags: abi::fcntl::OpenFlags::from_bits(raw[0]),
            mode: raw[1],
        }
    }
    fn trace(raw: &[u32], out: &mut String) {
        let _ = write!(out, "{}", abi::fcntl::OpenFlags::from_bits(raw[0]));
        if raw[0] & (abi::fcntl::O_CREAT | abi::fcntl::O_TMPFILE) != 0 {
            out.push_str(", ");
            Mode::trace(&raw[1..], out);
        }
    }
}

fn trace_addr(addr: u32, out: &mut String) {
    if addr == 0 {
        out.push_str("NULL");
    } else {
        let _ = write!(out, "{addr:#x}");
    }
}

impl<T: Pod> SysArg for UserPtr<T> {
    fn decode(raw: &[u32]) -> Self {
        UserPtr::new(raw[0] as usize)
    }
    fn trace(raw: &[u32], out: &mut String) {
        trace_addr(raw[0], out)
    }
}

/// Quoted as strace does, with `...` when cut at `max`.
fn trace_bytes(bytes: &[u8], cut: bool, out: &mut String) {
    out.push('"');
    for &b in bytes {
        let _ = match b {
            b'\n' => write!(out, "\\n"),
            b'\t' => write!(out, "\\t"),
            b'"' | b'\\' => write!(out, "\\{}", b as char),
            0x20..=0x7e => write!(out, "{}", b as char),
            _ => write!(out, "\\x{b:02x}"),
        };
    }
    out.push('"');
    if cut {
        out.push_str("...");
    }
}

/// How much of a buffer or string the trace shows (strace's `-s 32`).
const TRACE_STRLEN: usize = 32;

impl SysArg for UserSlice<Read> {
    const REGS: usize = 2;
    fn decode(raw: &[u32]) -> Self {
        UserSlice::new(raw[0] as usize, raw[1] as usize)
    }
    /// The contents, as strace shows `write(1, "hi\n", 3)`.
    fn trace(raw: &[u32], out: &mut String) {
        let s = Self::decode(raw).truncate(TRACE_STRLEN);
        match s.read_to_vec() {
            Ok(v) => trace_bytes(&v, (raw[1] as usize) > TRACE_STRLEN, out),
            Err(_) => trace_addr(raw[0], out),
        }
        let _ = write!(out, ", {}", raw[1]);
    }
}

impl SysArg for UserSlice<Write> {
    const REGS: usize = 2;
    fn decode(raw: &[u32]) -> Self {
        UserSlice::new(raw[0] as usize, raw[1] as usize)
    }
    /// The address: the kernel has not filled it yet.
    fn trace(raw: &[u32], out: &mut String) {
        trace_addr(raw[0], out);
        let _ = write!(out, ", {}", raw[1]);
    }
}

impl SysArg for UserCStr {
    fn decode(raw: &[u32]) -> Self {
        UserCStr::new(raw[0] as usize)
    }
    fn trace(raw: &[u32], out: &mut String) {
        match UserCStr::new(raw[0] as usize).read(TRACE_STRLEN) {
            Ok(s) => trace_bytes(&s, false, out),
            Err(_) => trace_addr(raw[0], out),
        }
    }
}

/// A flags or command type from `abi` (declared with `abi::flags!`):
/// decoded from the register bits, traced by name (`O_RDONLY|O_CLOEXEC`).
macro_rules! flags_arg {
    ($($t:ty),* $(,)?) => {$(
        impl SysArg for $t {
            fn decode(raw: &[u32]) -> Self {
                <$t>::from_bits(raw[0])
            }
            fn trace(raw: &[u32], out: &mut String) {
                let _ = write!(out, "{}", <$t>::from_bits(raw[0]));
            }
        }
    )*};
}
flags_arg!(
    abi::fcntl::OpenFlags,
    abi::fcntl::AtFlags,
    abi::mman::ProtFlags,
    abi::mman::MapFlags,
    abi::mount::MountFlags,
    abi::mount::UmountFlags,
    abi::sched::CloneFlags,
);

/// The user registers as argument words, in the i386 order.
#[inline(always)]
fn raw_args(regs: &PtRegs) -> [u32; 6] {
    regs.syscall_args()
}

/// Decode the next argument of type `A` and advance the register index.
#[inline(always)]
fn take<A: SysArg>(raw: &[u32; 6], i: &mut usize) -> A {
    let a = A::decode(&raw[*i..*i + A::REGS]);
    *i += A::REGS;
    a
}

/// Append `A`'s trace, with a separator after the first.
fn trace_one<A: SysArg>(raw: &[u32; 6], i: &mut usize, out: &mut String) {
    if *i > 0 {
        out.push_str(", ");
    }
    A::trace(&raw[*i..*i + A::REGS], out);
    *i += A::REGS;
}

/// A handler's argument list, `(A, B, ..)`: decoded from the registers in
/// order, and traced the same way.
pub trait ArgList: Sized {
    fn decode(raw: &[u32; 6]) -> Self;
    fn trace(raw: &[u32; 6], out: &mut String);
}

/// A function usable as a table entry: implemented for every
/// `fn(A, B, ..) -> SysResult` whose parameters are [`SysArg`]s, and for
/// every `fn(&mut SyscallContext, A, ..) -> SysResult`. `Args` only tells
/// the two shapes apart.
pub trait Handler<Args> {
    /// Decode the registers and call.
    fn call(&self, ctx: &mut SyscallContext) -> SysResult;
    /// Format the arguments for `strace`.
    fn trace(&self, raw: &[u32; 6], out: &mut String);
}

/// Marks handlers that take the [`SyscallContext`] first.
pub enum WithContext {}

macro_rules! impl_handler {
    ($($a:ident),*) => {
        impl<$($a: SysArg),*> ArgList for ($($a,)*) {
            #[inline(always)]
            #[allow(unused_variables, unused_mut, clippy::unused_unit)]
            fn decode(raw: &[u32; 6]) -> Self {
                const { assert!(0 $(+ $a::REGS)* <= 6, "at most six registers") };
                let mut i = 0;
                ($(take::<$a>(raw, &mut i),)*)
            }
            #[allow(unused_variables, unused_mut)]
            fn trace(raw: &[u32; 6], out: &mut String) {
                let mut i = 0;
                $(trace_one::<$a>(raw, &mut i, out);)*
            }
        }

        impl<F, $($a: SysArg),*> Handler<($($a,)*)> for F
        where
            F: Fn($($a),*) -> SysResult,
        {
            #[inline(always)]
            #[allow(non_snake_case)]
            fn call(&self, ctx: &mut SyscallContext) -> SysResult {
                let ($($a,)*) = <($($a,)*)>::decode(&raw_args(ctx.regs));
                self($($a),*)
            }
            fn trace(&self, raw: &[u32; 6], out: &mut String) {
                <($($a,)*)>::trace(raw, out)
            }
        }

        impl<F, $($a: SysArg),*> Handler<(WithContext, $($a,)*)> for F
        where
            F: Fn(&mut SyscallContext, $($a),*) -> SysResult,
        {
            #[inline(always)]
            #[allow(non_snake_case)]
            fn call(&self, ctx: &mut SyscallContext) -> SysResult {
                let ($($a,)*) = <($($a,)*)>::decode(&raw_args(ctx.regs));
                // It holds the registers, so it may rewrite the frame's
                // segment selectors: have the way out reload them.
                crate::arch::x86::common::mark_frame_dirty();
                self(ctx, $($a),*)
            }
            fn trace(&self, raw: &[u32; 6], out: &mut String) {
                <($($a,)*)>::trace(raw, out)
            }
        }
    };
}
impl_handler!();
impl_handler!(A);
impl_handler!(A, B);
impl_handler!(A, B, C);
impl_handler!(A, B, C, D);
impl_handler!(A, B, C, D, E);
impl_handler!(A, B, C, D, E, G);

/// A result as the EAX value.
#[inline(always)]
pub fn encode(r: SysResult) -> u32 {
    match r {
        Ok(v) => v as u32,
        Err(e) => e.neg() as u32,
    }
}

/// An EAX value for the trace: `-14 EFAULT` or the number.
pub fn decode_ret(ax: u32) -> String {
    let v = ax as i32;
    match Errno::from_ret(v as isize) {
        Some(e) => alloc::format!("{v} {e}"),
        None if (0..0x10000).contains(&v) => alloc::format!("{v}"),
        None => alloc::format!("{v:#x}"),
    }
}

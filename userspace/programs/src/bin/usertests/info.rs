//! What the kernel tells a new process: `uname`, the auxiliary vector, the
//! vDSO it maps, and the argument and environment vectors.

use alloc::string::String;
use core::ffi::{CStr, c_char};

use abi::Utsname;
use abi::errno::EFAULT;
use abi::syscalls::{NR_PERSONALITY, NR_UNAME};
use rt::syscall::{syscall1, syscall6_int80};
use rt::{auxv, sys};

use crate::check::{TestResult, ensure, err, expect_eq, expect_ret, show};
use crate::vdso;

/// The personality of a 32-bit process on a 64-bit Linux run by
/// `setarch i686`/`linux32`.
const PER_LINUX32: isize = 0x0008;

/// A `uname` field up to its NUL (which must exist within the 65 bytes).
fn field<'a>(f: &'a [u8; 65], name: &str) -> Result<&'a str, String> {
    let s = CStr::from_bytes_until_nul(f)
        .map_err(|_| alloc::format!("{name} is not NUL-terminated"))?;
    s.to_str()
        .map_err(|_| alloc::format!("{name} is not UTF-8"))
}

/// `uname`: sysname "Linux", a non-empty release, machine "i386".."i686";
/// NULL and kernel-half buffers give `-EFAULT`. (A 32-bit program on a
/// 64-bit Linux host sees "x86_64" unless run with `setarch i686`; that is
/// accepted only when `personality` confirms such a host.)
pub fn uname() -> TestResult {
    let mut u = Utsname::ZERO;
    u.machine = [0xFF; 65];
    expect_ret!("uname(&buf)", sys::uname(&mut u), 0);
    expect_eq!("sysname", field(&u.sysname, "sysname")?, "Linux");
    ensure!(
        !field(&u.release, "release")?.is_empty(),
        "release is empty"
    );
    field(&u.version, "version")?;
    field(&u.nodename, "nodename")?;
    let machine = field(&u.machine, "machine")?;
    let b = machine.as_bytes();
    let ix86 =
        b.len() == 4 && b[0] == b'i' && (b'3'..=b'6').contains(&b[1]) && machine.ends_with("86");
    if !ix86 {
        // SAFETY: personality(0xffffffff) only queries.
        let pers = unsafe { syscall1(NR_PERSONALITY, 0xFFFF_FFFF) };
        let compat_host = machine == "x86_64" && pers >= 0 && pers & 0xff != PER_LINUX32;
        ensure!(
            compat_host,
            "machine is {machine:?}, expected i386..i686 (personality {})",
            show(pers)
        );
    }
    for (addr, label) in [
        (0usize, "NULL"),
        (0xC000_0000, "0xc0000000"),
        (0xFFFF_FF00, "0xffffff00 (wraps)"),
    ] {
        // SAFETY: the kernel must refuse these buffers.
        let ret = unsafe { syscall1(NR_UNAME, addr) };
        expect_ret!(alloc::format!("uname({label})"), ret, err(EFAULT));
    }
    Ok(())
}

unsafe extern "C" {
    /// The ELF header of this program, mapped at the start of the text
    /// segment (defined by the linker).
    static __ehdr_start: [u8; 52];
}

/// Reads a little-endian u16/u32 at `off` of `b`.
fn u16_at(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

/// The auxiliary vector carries the entries DESIGN §6 lists, with values
/// that match this program: `AT_PHDR`/`AT_PHENT`/`AT_PHNUM` describe our own
/// program headers, `AT_ENTRY` is `_start`, `AT_PAGESZ` is 4096, `AT_RANDOM`
/// points at 16 bytes that are not all zero, `AT_EXECFN` names the program,
/// and the vDSO entries are present.
pub fn auxv() -> TestResult {
    use auxv::*;
    for (key, name) in [
        (AT_PHDR, "AT_PHDR"),
        (AT_PHENT, "AT_PHENT"),
        (AT_PHNUM, "AT_PHNUM"),
        (AT_PAGESZ, "AT_PAGESZ"),
        (AT_ENTRY, "AT_ENTRY"),
        (AT_UID, "AT_UID"),
        (AT_EUID, "AT_EUID"),
        (AT_GID, "AT_GID"),
        (AT_EGID, "AT_EGID"),
        (AT_RANDOM, "AT_RANDOM"),
        (AT_EXECFN, "AT_EXECFN"),
        (AT_SYSINFO, "AT_SYSINFO"),
        (AT_SYSINFO_EHDR, "AT_SYSINFO_EHDR"),
    ] {
        ensure!(
            get(key).is_some(),
            "{name} missing from the auxiliary vector"
        );
    }
    let at = |key| get(key).unwrap_or(0);
    expect_eq!("AT_PAGESZ", at(AT_PAGESZ), 4096);
    expect_eq!("AT_ENTRY vs _start", at(AT_ENTRY), rt::start::entry_point());

    // SAFETY: the linker defines __ehdr_start at our ELF header, which the
    // text segment maps (user.ld: FILEHDR PHDRS).
    let ehdr: &[u8; 52] = unsafe { &*core::ptr::addr_of!(__ehdr_start) };
    let base = ehdr.as_ptr() as usize;
    let phoff = u32::from_le_bytes([ehdr[28], ehdr[29], ehdr[30], ehdr[31]]) as usize;
    expect_eq!("AT_PHDR vs our ELF header", at(AT_PHDR), base + phoff);
    expect_eq!(
        "AT_PHENT vs e_phentsize",
        at(AT_PHENT),
        usize::from(u16_at(ehdr, 42))
    );
    expect_eq!(
        "AT_PHNUM vs e_phnum",
        at(AT_PHNUM),
        usize::from(u16_at(ehdr, 44))
    );

    let random = at(AT_RANDOM);
    ensure!(random != 0, "AT_RANDOM is NULL");
    // SAFETY: AT_RANDOM points at 16 bytes on our initial stack.
    let bytes = unsafe { core::slice::from_raw_parts(random as *const u8, 16) };
    ensure!(
        bytes.iter().any(|&b| b != 0),
        "AT_RANDOM's 16 bytes are all zero"
    );

    let execfn = at(AT_EXECFN);
    ensure!(execfn != 0, "AT_EXECFN is NULL");
    // SAFETY: AT_EXECFN points at a NUL-terminated string on our stack.
    let name = unsafe { CStr::from_ptr(execfn as *const c_char) };
    ensure!(!name.is_empty(), "AT_EXECFN is an empty string");
    ensure!(
        at(AT_SYSINFO) != 0 && at(AT_SYSINFO_EHDR) != 0,
        "AT_SYSINFO or AT_SYSINFO_EHDR is 0"
    );
    Ok(())
}

/// The vDSO at `AT_SYSINFO_EHDR` is a 32-bit i386 ELF shared object whose
/// dynamic symbol `__kernel_vsyscall` is exactly `AT_SYSINFO`, and calling
/// that entry directly performs a system call.
pub fn vdso() -> TestResult {
    let base = auxv::sysinfo_ehdr().ok_or("no AT_SYSINFO_EHDR")?;
    let entry = auxv::sysinfo().ok_or("no AT_SYSINFO")?;
    ensure!(
        base.is_multiple_of(4096),
        "AT_SYSINFO_EHDR {base:#x} is not page-aligned"
    );
    let image = vdso::Image::parse(base)?;
    ensure!(
        image.contains(entry),
        "AT_SYSINFO {entry:#x} lies outside the vDSO {base:#x}..{:#x}",
        image.end
    );
    let sym = image
        .symbol(b"__kernel_vsyscall")?
        .ok_or("the vDSO exports no __kernel_vsyscall")?;
    expect_eq!("__kernel_vsyscall vs AT_SYSINFO", sym, entry);

    // SAFETY: getpid touches no memory.
    let pid = unsafe { syscall6_int80(abi::syscalls::NR_GETPID, 0, 0, 0, 0, 0, 0) };
    // SAFETY: as above, through the vDSO (entry is the kernel's AT_SYSINFO).
    let via_vdso =
        unsafe { rt::syscall::syscall6_vsyscall(abi::syscalls::NR_GETPID, 0, 0, 0, 0, 0, 0) };
    expect_ret!("getpid through __kernel_vsyscall", via_vdso, pid);
    Ok(())
}

/// `argv` has `argc` non-NULL strings and a NULL after them, `argv[0]` is
/// not empty, and every environment string has the form `NAME=value`.
pub fn args_env() -> TestResult {
    let args = rt::start::args();
    ensure!(!args.is_empty(), "argc is 0");
    // SAFETY: argv has argc + 1 entries, the last NULL (checked here).
    let last = unsafe { *args.argv_ptr().add(args.len()) };
    ensure!(last.is_null(), "argv[argc] is not NULL");
    for (i, a) in args.iter().enumerate() {
        ensure!(i > 0 || !a.is_empty(), "argv[0] is empty");
    }
    for e in args.env() {
        ensure!(
            e.to_bytes().contains(&b'='),
            "environment string {e:?} has no '='"
        );
    }
    Ok(())
}

//! Loading a program: a new address space from an ELF file, the initial
//! stack of the i386 System V ABI, and the switch of the current process to
//! it (`execve`), or the creation of the first process (`init`).
//!
//! User address-space layout:
//! ```text
//! 0x0804_8000           typical ET_EXEC image; the brk heap right after it
//! 0x5655_5000           where a PIE (ET_DYN) is loaded
//!   ...                 mmap2 areas, allocated top-down below the stack;
//!                       a program's interpreter (PT_INTERP) the first
//! STACK_TOP - 8 MiB     lowest stack page (below it: an unmapped guard gap)
//! STACK_TOP             0xBFFF_E000, argc/argv/envp/auxv just below it
//! VDSO_BASE             0xBFFF_F000, the vDSO page
//! 0xC000_0000           kernel
//! ```

use super::cred::{self, Cred};
use super::elf::{self, ElfInfo};
use super::task::{Task, TaskState};
use super::thread::{FsStruct, Shared};
use super::{sched, vdso, with_current};
use crate::arch::x86::gdt::{GDT_ENTRY_TLS_ENTRIES, USER_CS, USER_DS, set_tls};
use crate::arch::x86::ptregs::{PtRegs, X86_EFLAGS_FIXED, X86_EFLAGS_IF};
use crate::arch::x86::{fpu, instructions, paging, switch, sysenter};
use crate::fs::file::FdTable;
use crate::mm::addrspace::{AddressSpace, Layout, MappedFile, Prot, Region, RegionKind};
use crate::mm::vmap::KernelStack;
use crate::mm::{Mm, PAGE_SIZE, frame, heap, page_ceil, page_floor};
use abi::auxv::*;
use abi::errno::{E2BIG, ENOEXEC, ENOMEM, Errno};
use abi::signal::SIG_IGN;
use abi::types::KSigaction;
use alloc::boxed::Box;
use alloc::string::String;
use alloc::sync::Arc;
use alloc::vec::Vec;

/// The initial stack pointer's ceiling (one unmapped page below the vDSO).
pub const STACK_TOP: usize = vdso::VDSO_BASE - PAGE_SIZE;
/// How far the stack may grow (Linux's default `ulimit -s`).
pub const STACK_MAX: usize = 8 << 20;
/// Top of the mmap area: below the stack's reach and a guard page.
pub const MMAP_TOP: usize = STACK_TOP - STACK_MAX - PAGE_SIZE;
/// Load address of static PIE executables (Linux i386 without ASLR).
pub const PIE_BASE: usize = 0x5655_5000;
/// Bytes of argv + envp strings `execve` accepts under a stack limit of
/// `rlimit_stack` (Linux's `bprm_stack_limits`: a quarter of the stack
/// limit, at most 3/4 of the default stack, at least `ARG_MAX`, 32 pages).
pub fn arg_limit(rlimit_stack: u64) -> usize {
    let quarter = usize::try_from(rlimit_stack / 4).unwrap_or(usize::MAX);
    quarter.clamp(32 * PAGE_SIZE, (8 << 20) / 4 * 3)
}

/// The stack region's size under a stack limit of `rlimit_stack`: the
/// limit, within what the layout reserves for the stack (`STACK_MAX`) and
/// at least 128 KiB (Linux's `stack_expand` at exec).
fn stack_size(rlimit_stack: u64) -> usize {
    usize::try_from(rlimit_stack)
        .unwrap_or(usize::MAX)
        .clamp(128 * 1024, STACK_MAX)
        & !(PAGE_SIZE - 1)
}

/// A loaded program, ready to run.
pub struct Loaded {
    pub mm: AddressSpace,
    pub entry: usize,
    pub sp: usize,
}

/// Why a program could not be loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadError {
    /// `execve` fails with this errno; the caller runs on.
    Refused(Errno),
    /// What Linux finds only past `execve`'s point of no return (mapping
    /// the interpreter, `load_elf_interp`): the old program is gone there,
    /// so the caller is killed with `SIGSEGV` (`bprm_execve`).
    Fatal(Errno),
}

impl From<Errno> for LoadError {
    fn from(e: Errno) -> Self {
        LoadError::Refused(e)
    }
}

impl From<crate::mm::addrspace::MapError> for LoadError {
    fn from(e: crate::mm::addrspace::MapError) -> Self {
        LoadError::Refused(e.into())
    }
}

impl LoadError {
    /// The errno, fatal or not (for the boot's report).
    pub fn errno(self) -> Errno {
        match self {
            LoadError::Refused(e) | LoadError::Fatal(e) => e,
        }
    }
}

/// A program's interpreter (`PT_INTERP`), opened and its headers checked
/// as Linux's `load_elf_binary` does before the point of no return:
/// `open_exec` of the path (its errors: `ENOENT`, `EACCES`...), then
/// `-EIO` for a file shorter than an ELF header and `-ELIBBAD` for one
/// that is not an i386 ELF with a sane program header table.
fn open_interp(path: &[u8]) -> Result<Program, Errno> {
    let prog = read_program(path)?;
    elf::check_interp_header(&prog.image)?;
    Ok(prog)
}

/// Map the interpreter `file` into `mm` as Linux's `load_elf_interp` does:
/// an `ET_DYN` interpreter where `mmap` would put a mapping of its whole
/// span (top-down below `MMAP_TOP`), an `ET_EXEC` one at its own
/// addresses. Returns its load base (`AT_BASE`) and entry point.
fn map_interp(
    mm: &mut AddressSpace,
    file: &[u8],
    exe: Arc<MappedFile>,
) -> Result<(usize, usize), Errno> {
    let info = elf::parse(file).map_err(|e| {
        log::debug!("exec: refused interpreter: {e:?}");
        ENOEXEC
    })?;
    let base = if info.pie {
        let lo = info
            .segments
            .iter()
            .map(|s| page_floor(s.vaddr))
            .min()
            .unwrap_or(0);
        let hi = info
            .segments
            .iter()
            .map(|s| page_ceil(s.vaddr + s.memsz))
            .try_fold(0, |m, e| e.map(|e| m.max(e)))
            .ok_or(ENOMEM)?;
        let floor = page_ceil(mm.brk)
            .unwrap_or(0)
            .max(crate::syscall::mem::MMAP_MIN_ADDR);
        mm.find_free(hi - lo, floor, MMAP_TOP).ok_or(ENOMEM)? - lo
    } else {
        0
    };
    info.check_base(base).map_err(|_| ENOMEM)?;
    map_segments(mm, &info, base, file, &Some(exe))?;
    Ok((base, base + info.entry))
}

/// Build an address space for `file` with `argv`/`envp` on its stack;
/// `exe` is the program's file, which the segments' regions show. A
/// program with `PT_INTERP` gets its interpreter mapped too, and starts
/// there (Linux's `load_elf_binary`).
pub fn load(
    file: &[u8],
    exe: Option<Arc<MappedFile>>,
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
    execfn: &[u8],
    rlimit_stack: u64,
    cred: &Cred,
) -> Result<Loaded, LoadError> {
    let info = elf::parse(file).map_err(|e| {
        log::debug!("exec: refused ELF: {e:?}");
        e.errno()
    })?;
    let interp = match info.interp_path(file).map_err(|e| e.errno())? {
        Some(path) => Some(open_interp(path)?),
        None => None,
    };
    // A PIE goes to its fixed base (Linux without ASLR), with or without
    // an interpreter.
    let base = if info.pie { PIE_BASE } else { 0 };
    info.check_base(base).map_err(|_| ENOEXEC)?;
    let mut mm = AddressSpace::new()?;
    let image_end = map_segments(&mut mm, &info, base, file, &exe)?;
    mm.brk_start = image_end;
    mm.brk = image_end;
    mm.exe = exe;
    vdso::map_into(&mut mm)?;
    mm.add_region(Region::new(
        STACK_TOP - stack_size(rlimit_stack),
        STACK_TOP,
        Prot::RW,
        RegionKind::Stack,
    ))
    .map_err(|_| ENOEXEC)?;
    // The interpreter goes in after the stack and the vDSO, so that its
    // place is found among them, as `mmap` finds it on Linux.
    let (interp_base, entry) = match interp {
        Some(p) => map_interp(&mut mm, &p.image, p.file).map_err(LoadError::Fatal)?,
        None => (0, base + info.entry),
    };
    let (sp, args, env) = build_stack(
        &mut mm,
        &info,
        base,
        interp_base,
        argv,
        envp,
        execfn,
        rlimit_stack,
        cred,
    )?;
    mm.layout = layout(&info, base, sp, args, env);
    Ok(Loaded { mm, entry, sp })
}

/// Where the program's code and data are, as Linux's `load_elf_binary`
/// works them out for `mm_struct` (code: the executable segments; data:
/// up to the last segment's file bytes), and its stack, arguments and
/// environment.
fn layout(
    info: &ElfInfo,
    base: usize,
    sp: usize,
    (arg_start, arg_end): Span,
    (env_start, env_end): Span,
) -> Layout {
    let (mut start_code, mut end_code, mut start_data, mut end_data) = (usize::MAX, 0, 0, 0);
    for s in &info.segments {
        let k = s.vaddr;
        if s.exec && k < start_code {
            start_code = k;
        }
        start_data = start_data.max(k);
        let k = s.vaddr + s.filesz;
        if s.exec {
            end_code = end_code.max(k);
        }
        end_data = end_data.max(k);
    }
    if start_code == usize::MAX {
        start_code = 0;
    }
    Layout {
        start_code: base + start_code,
        end_code: base + end_code,
        start_data: base + start_data,
        end_data: base + end_data,
        start_stack: sp,
        arg_start,
        arg_end,
        env_start,
        env_end,
    }
}

/// Map every PT_LOAD segment and copy the file bytes; returns the image
/// end. Each segment becomes regions as Linux's `elf_map` and
/// `set_brk` make them: its file pages, showing `exe` at the segment's
/// offset, then its zero pages past the file's last page, anonymous. A
/// page two segments share stays with the first, with both permissions.
fn map_segments(
    mm: &mut AddressSpace,
    info: &ElfInfo,
    base: usize,
    file: &[u8],
    exe: &Option<Arc<MappedFile>>,
) -> Result<usize, Errno> {
    // Each region, with the file it shows if any.
    let mut ranges: Vec<(Region, Option<Arc<MappedFile>>)> = Vec::new();
    for s in &info.segments {
        let start = page_floor(base + s.vaddr);
        if start < crate::syscall::mem::MMAP_MIN_ADDR {
            return Err(abi::errno::EPERM); // as mmap_min_addr refuses it on Linux
        }
        let end = page_ceil(base + s.vaddr + s.memsz).ok_or(ENOEXEC)?;
        for va in (start..end).step_by(PAGE_SIZE) {
            match mm.translate(va) {
                None => {
                    // A page the file's bytes will fill whole (just below)
                    // needs no zeroing first: a page of instructions saved
                    // per page of the program. Should that copy fail, the
                    // address space is dropped and never seen.
                    let file_start = base + s.vaddr;
                    let filled = va >= file_start && va + PAGE_SIZE <= file_start + s.filesz;
                    let pa = if filled {
                        frame::alloc_user()
                    } else {
                        frame::alloc_user_zeroed()
                    }
                    .ok_or(ENOMEM)?;
                    if let Err(e) = mm.map_page(va, pa, s.write) {
                        frame::free(pa);
                        return Err(e.into());
                    }
                }
                Some((_, writable)) if s.write && !writable => mm.set_writable(va),
                Some(_) => {}
            }
        }
        mm.write_bytes(base + s.vaddr, &file[s.offset..s.offset + s.filesz])?;
        let prot = Prot {
            read: true,
            write: s.write,
            exec: s.exec,
        };
        let file_end = if s.filesz == 0 {
            start
        } else {
            page_ceil(base + s.vaddr + s.filesz).ok_or(ENOEXEC)?
        };
        // The segment's file pages show the program, each segment's its
        // own offsets.
        let file = match exe {
            Some(e) if file_end > start => {
                let m = MappedFile::new(
                    e.inode.clone(),
                    e.path.clone(),
                    false,
                    start,
                    s.offset.saturating_sub((base + s.vaddr) % PAGE_SIZE),
                );
                Some(heap::for_user(|| Arc::try_new(m)).map_err(|_| ENOMEM)?)
            }
            _ => None,
        };
        ranges.push((Region::new(start, file_end, prot, RegionKind::Fixed), file));
        // Mapped already, but anonymous memory as far as the regions go,
        // so the heap that `brk` makes after it joins it, as on Linux.
        ranges.push((
            Region::new(file_end, end, prot, RegionKind::Anonymous),
            None,
        ));
    }
    ranges.sort_by_key(|(r, _)| r.start);
    let mut merged: Vec<(Region, Option<Arc<MappedFile>>)> = Vec::new();
    for (mut r, f) in ranges {
        if let Some((last, _)) = merged.last_mut()
            && r.start < last.end
        {
            // The shared page stays with the region below, which gets
            // both permissions.
            last.prot.write |= r.prot.write;
            last.prot.exec |= r.prot.exec;
            r.start = last.end.min(r.end);
        }
        if r.start < r.end {
            merged.push((r, f));
        }
    }
    let end = merged.iter().map(|(r, _)| r.end).max().unwrap_or(0);
    for (r, f) in merged {
        mm.add_region(r).map_err(|_| ENOEXEC)?;
        if let Some(f) = f {
            mm.add_file(r.start, r.end, f)?;
        }
    }
    Ok(end)
}

/// 16 bytes for `AT_RANDOM` (seeds stack protectors and hash tables); the
/// TSC mixed by xorshift: unpredictable enough for a teaching kernel.
fn random_bytes() -> [u8; 16] {
    let mut x = instructions::rdtsc() | 1;
    let mut out = [0u8; 16];
    for chunk in out.chunks_mut(8) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        chunk.copy_from_slice(&x.to_le_bytes());
    }
    out
}

/// Push `bytes` below `*sp` on the new stack.
fn put(mm: &mut AddressSpace, sp: &mut usize, bytes: &[u8]) -> Result<usize, Errno> {
    *sp -= bytes.len();
    mm.populate(*sp, *sp + bytes.len())?;
    mm.write_bytes(*sp, bytes)?;
    Ok(*sp)
}

/// Push a NUL-terminated copy of `s`.
fn cstr(mm: &mut AddressSpace, sp: &mut usize, s: &[u8]) -> Result<usize, Errno> {
    put(mm, sp, &[0])?;
    put(mm, sp, s)
}

/// Where a run of strings was put: `[start, end)`.
type Span = (usize, usize);

/// Lay out the initial stack (i386 System V ABI, figure 3-31):
/// `argc, argv[], NULL, envp[], NULL, auxv pairs, AT_NULL`, strings above.
/// `cred` is what the program runs as (the auxv's `AT_UID`...);
/// `interp_base` where its interpreter is (`AT_BASE`, 0 for none). Returns the
/// stack pointer and where the argument and environment strings are
/// (`[start, end)` each, Linux's `arg_start`... `env_end`).
#[allow(clippy::too_many_arguments)]
fn build_stack(
    mm: &mut AddressSpace,
    info: &ElfInfo,
    base: usize,
    interp_base: usize,
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
    execfn: &[u8],
    rlimit_stack: u64,
    cred: &Cred,
) -> Result<(usize, Span, Span), Errno> {
    let strings: usize =
        argv.iter().chain(envp).map(|s| s.len() + 1).sum::<usize>() + execfn.len() + 1;
    if strings > arg_limit(rlimit_stack) {
        return Err(E2BIG);
    }
    let mut sp = STACK_TOP;
    let execfn_addr = cstr(mm, &mut sp, execfn)?;
    let platform = cstr(mm, &mut sp, b"i686")?;
    let env_end = sp;
    let mut env_ptrs = heap::try_vec(envp.len())?;
    for e in envp.iter().rev() {
        env_ptrs.push(cstr(mm, &mut sp, e)?);
    }
    env_ptrs.reverse();
    let (env_start, arg_end) = (sp, sp);
    let mut arg_ptrs = heap::try_vec(argv.len())?;
    for a in argv.iter().rev() {
        arg_ptrs.push(cstr(mm, &mut sp, a)?);
    }
    arg_ptrs.reverse();
    let arg_start = sp;
    sp &= !15;
    let random = put(mm, &mut sp, &random_bytes())?;

    let (_, _, _, hwcap) = instructions::cpuid(1, 0);
    let mut auxv: Vec<(u32, usize)> = Vec::new();
    if sysenter::enabled() {
        auxv.push((AT_SYSINFO, vdso::kernel_vsyscall()));
    }
    auxv.push((AT_SYSINFO_EHDR, vdso::VDSO_BASE));
    // Linux's ARCH_DLINFO: how big an alternate signal stack must be.
    auxv.push((AT_MINSIGSTKSZ, super::signal::max_frame_size()));
    auxv.push((AT_HWCAP, hwcap as usize));
    auxv.push((AT_PAGESZ, PAGE_SIZE));
    auxv.push((AT_CLKTCK, crate::arch::x86::pit::HZ as usize));
    auxv.push((AT_PHDR, info.phdr_vaddr.map_or(0, |p| base + p)));
    auxv.push((AT_PHENT, 32));
    auxv.push((AT_PHNUM, info.phnum));
    auxv.push((AT_BASE, interp_base));
    auxv.push((AT_FLAGS, 0));
    auxv.push((AT_ENTRY, base + info.entry));
    // Linux's create_elf_tables: the ids the program runs with. C
    // libraries read them instead of calling getuid at startup.
    auxv.push((AT_UID, cred.uid as usize));
    auxv.push((AT_EUID, cred.euid as usize));
    auxv.push((AT_GID, cred.gid as usize));
    auxv.push((AT_EGID, cred.egid as usize));
    // bprm->secureexec: the program runs with ids its caller did not have
    // (set-user-ID or set-group-ID), so its libc distrusts the environment.
    let secure = cred.euid != cred.uid || cred.egid != cred.gid;
    auxv.push((AT_SECURE, usize::from(secure)));
    auxv.push((AT_RANDOM, random));
    auxv.push((AT_HWCAP2, crate::arch::x86::cpuinfo::elf_hwcap2() as usize));
    auxv.push((AT_EXECFN, execfn_addr));
    auxv.push((AT_PLATFORM, platform));
    auxv.push((AT_NULL, 0));

    let mut words: Vec<u32> = heap::try_vec(argv.len() + envp.len() + 3 + 2 * auxv.len())?;
    words.push(arg_ptrs.len() as u32);
    words.extend(arg_ptrs.iter().map(|&p| p as u32));
    words.push(0);
    words.extend(env_ptrs.iter().map(|&p| p as u32));
    words.push(0);
    for (k, v) in auxv {
        words.push(k);
        words.push(v as u32);
    }
    sp = (sp - words.len() * 4) & !15;
    let mut bytes = heap::try_vec(words.len() * 4)?;
    bytes.extend(words.iter().flat_map(|w| w.to_le_bytes()));
    mm.populate(sp, sp + bytes.len())?;
    mm.write_bytes(sp, &bytes)?;
    Ok((sp, (arg_start, arg_end), (env_start, env_end)))
}

/// Registers for the first instruction of a freshly loaded program.
fn initial_regs(entry: usize, sp: usize) -> PtRegs {
    PtRegs {
        ip: entry as u32,
        sp: sp as u32,
        cs: u32::from(USER_CS),
        ss: u32::from(USER_DS),
        ds: u32::from(USER_DS),
        es: u32::from(USER_DS),
        flags: X86_EFLAGS_FIXED | X86_EFLAGS_IF,
        ..PtRegs::default()
    }
}

/// The file name part of a path (the process's `comm`, 15 bytes max).
fn comm_of(path: &[u8]) -> String {
    let name = path.rsplit(|&b| b == b'/').next().unwrap_or(path);
    String::from_utf8_lossy(&name[..name.len().min(15)]).into_owned()
}

/// An executable's bytes: borrowed from the boot archive, or a copy of a
/// file written since boot (the loader reads it while the old program's
/// memory goes away).
enum Image {
    Static(&'static [u8]),
    Owned(Vec<u8>),
}

impl core::ops::Deref for Image {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Image::Static(s) => s,
            Image::Owned(v) => v,
        }
    }
}

/// An executable, opened: its bytes, the file (for the process's `exe`
/// and `maps`) and its (mode, uid, gid) for the set-id bits.
struct Program {
    image: Image,
    file: Arc<MappedFile>,
    owner: (u32, u32, u32),
}

/// Open an executable (Linux's `do_open_execat`): a regular file the
/// caller may execute (`EACCES` otherwise, a directory included; even root
/// needs an execute bit, and nothing runs from a `noexec` mount), relative
/// to the current directory. A `nosuid` mount drops the set-id bits of
/// the owner it returns.
fn read_program(path: &[u8]) -> Result<Program, Errno> {
    use crate::fs::inode::InodeKind;
    use crate::fs::namespace::{self, MNT_NOEXEC, MNT_NOSUID};
    let (inode, at) = crate::fs::namei::lookup_at_path(
        crate::syscall::args::DirFd(abi::fcntl::AT_FDCWD),
        path,
        true,
    )?;
    let InodeKind::File(data) = &inode.kind else {
        return Err(abi::errno::EACCES);
    };
    let fs_cred = crate::fs::namei::cred();
    crate::fs::namei::inode_permission(&fs_cred, &inode, cred::MAY_EXEC)?;
    let mnt = namespace::mnt_flags(&inode);
    if mnt & MNT_NOEXEC != 0 {
        return Err(abi::errno::EACCES);
    }
    let mut owner = inode.meta.with(|m| (m.mode, m.uid, m.gid));
    if mnt & MNT_NOSUID != 0 {
        owner.0 &= !(abi::stat::S_ISUID | abi::stat::S_ISGID);
    }
    let image = data.with(|d| match d.as_static() {
        Some(s) => Ok::<_, Errno>(Image::Static(s)),
        None => {
            let mut copy = heap::try_vec(d.len())?;
            copy.resize(d.len(), 0);
            d.read_at(0, &mut copy);
            Ok(Image::Owned(copy))
        }
    })?;
    let exe = MappedFile::new(inode.clone(), at, false, 0, 0);
    let exe = heap::for_user(|| Arc::try_new(exe)).map_err(|_| ENOMEM)?;
    Ok(Program {
        image,
        file: exe,
        owner,
    })
}

/// argv or envp, as `execve` read them.
type Args = Vec<Vec<u8>>;

/// How many `#!` scripts may stand between `execve`'s file and the program
/// that runs (Linux's `exec_binprm` gives up with `ELOOP` past this).
const MAX_SCRIPT_DEPTH: usize = 5;

/// Open `path` to run it (Linux's `exec_binprm`): a program, or a `#!`
/// script whose interpreter is opened in its place, scripts naming
/// scripts up to `MAX_SCRIPT_DEPTH` deep. For a script argv becomes the
/// interpreter, its argument, the script's path as given and argv
/// without its first string (`load_script`, `remove_arg_zero`); the new
/// argv comes back when it changed. The script's own set-id bits count
/// for nothing: the interpreter's do.
fn open_program(path: &[u8], argv: &[Vec<u8>]) -> Result<(Program, Option<Args>), Errno> {
    let mut prog = read_program(path)?;
    let mut args: Option<Args> = None;
    let mut name = heap::try_vec(path.len())?;
    name.extend_from_slice(path);
    for depth in 1.. {
        let Some(line) = crate::fs::binfmt_script::parse(&prog.image)? else {
            break;
        };
        let interp = &prog.image[line.interp];
        let old = args.as_deref().unwrap_or(argv);
        // The interpreter, its argument and the script's name in place of
        // argv[0] (three more at most, for an empty argv).
        let mut new = heap::try_vec(old.len() + 3)?;
        for s in [
            Some(interp),
            line.arg.map(|a| &prog.image[a]),
            Some(&name[..]),
        ]
        .into_iter()
        .flatten()
        {
            let mut v = heap::try_vec(s.len())?;
            v.extend_from_slice(s);
            new.push(v);
        }
        for s in old.iter().skip(1) {
            let mut v = heap::try_vec(s.len())?;
            v.extend_from_slice(s);
            new.push(v);
        }
        name.clear();
        heap::for_user(|| name.try_reserve(interp.len())).map_err(|_| ENOMEM)?;
        name.extend_from_slice(interp);
        args = Some(new);
        // An empty name is the current directory to Linux's open_exec:
        // not a regular file.
        if name.is_empty() {
            return Err(abi::errno::EACCES);
        }
        prog = read_program(&name)?;
        if depth > MAX_SCRIPT_DEPTH {
            return Err(abi::errno::ELOOP);
        }
    }
    Ok((prog, args))
}

/// `execve`: replace the current program. On success the frame `regs` now
/// starts the new program (and the return goes by iret).
pub fn exec_current(
    regs: &mut PtRegs,
    path: &[u8],
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
) -> Result<(), Errno> {
    cred::exec_check_nproc()?;
    let (
        Program {
            image: file,
            file: exe,
            owner,
        },
        script_argv,
    ) = open_program(path, argv)?;
    let argv = script_argv.as_deref().unwrap_or(argv);
    // The new program's stack follows the caller's RLIMIT_STACK, which it
    // keeps across execve.
    let rlimit_stack = with_current(|t| t.rlimits[abi::resource::RLIMIT_STACK as usize].cur);
    // Credentials are kept across execve, with the saved ids reset.
    let old_cred = cred::current_cred();
    let new_cred = cred::prepare_exec_creds(&old_cred, owner)?;
    let runs_as = new_cred.as_deref().unwrap_or(&old_cred);
    let loaded = match load(&file, Some(exe), argv, envp, path, rlimit_stack, runs_as) {
        Ok(l) => l,
        Err(LoadError::Refused(e)) => return Err(e),
        Err(LoadError::Fatal(e)) => {
            // Past Linux's point of no return: the caller cannot go on.
            log::debug!("exec: interpreter failed to load ({e:?}): SIGSEGV");
            super::exit_later(abi::signal::SIGSEGV as u32);
            return Err(e);
        }
    };
    drop(old_cred);
    // The point of no return: the other threads go (Linux's de_thread).
    super::thread::de_thread()?;
    let closed = with_current(|t| {
        // SAFETY: the new directory maps the kernel half like every other.
        unsafe { paging::switch_pd(loaded.mm.pd_phys()) };
        t.mm = Some(Mm::new(loaded.mm)); // the old address space is freed here
        // No LDT in a new mm (Linux's destroy_context on the old one); the
        // old one may live on in a vfork parent or other threads.
        crate::arch::x86::ldt::load(0);
        vdso::switch_to(t.mm.as_deref());
        t.comm = comm_of(path);
        t.tls = [0; GDT_ENTRY_TLS_ENTRIES];
        for i in 0..GDT_ENTRY_TLS_ENTRIES {
            set_tls(i, 0);
        }
        fpu::reset(&mut t.fpu);
        fpu::restore(&t.fpu);
        let closed = t.files.close_on_exec();
        // Its parent can no longer move it to another group (setpgid).
        t.forknoexec = false;
        // Handlers do not survive exec (their code is gone); ignored
        // signals stay ignored (POSIX, Linux's flush_signal_handlers).
        for a in t.sigactions.iter_mut() {
            if a.sa_handler != SIG_IGN {
                *a = KSigaction::ZERO;
            }
        }
        // The alternate stack was in the old image (sigaltstack(2)).
        t.sas = super::task::AltStack::default();
        // POSIX timers do not survive exec (Linux's exit_itimers).
        super::posix_timers::exit_timers(&mut t.group);
        closed
    });
    let pid = with_current(|t| t.tgid);
    for f in &closed {
        crate::fs::locks::close_posix(pid, f);
    }
    drop(closed); // outside the task borrow: a pipe end may wake its peer
    if let Some(c) = new_cred {
        cred::install_exec_creds(c);
    }
    *regs = PtRegs {
        orig_ax: regs.orig_ax,
        ..initial_regs(loaded.entry, loaded.sp)
    };
    Ok(())
}

/// Create pid 1 running `path`, with fds 0, 1, 2 on the console.
pub fn spawn_init(path: &str, argv: &[Vec<u8>], envp: &[Vec<u8>]) -> Result<(), Errno> {
    let (
        Program {
            image: file,
            file: exe,
            ..
        },
        script_argv,
    ) = open_program(path.as_bytes(), argv)?;
    let argv = script_argv.as_deref().unwrap_or(argv);
    let rlimit_stack = super::rlimit::defaults()[abi::resource::RLIMIT_STACK as usize].cur;
    let cred = Arc::new(Cred::root());
    let loaded = load(
        &file,
        Some(exe),
        argv,
        envp,
        path.as_bytes(),
        rlimit_stack,
        &cred,
    )
    .map_err(LoadError::errno)?;
    let stack = KernelStack::new().ok_or(ENOMEM)?;
    let regs = initial_regs(loaded.entry, loaded.sp);
    // SAFETY: a fresh, unused kernel stack.
    let saved_sp = unsafe { switch::prepare_new_stack(stack.top(), &regs) };
    let pid = sched::alloc_pid().ok_or(ENOMEM)?;
    super::thread::init();
    sched::add_task(Box::new(Task {
        pid,
        tgid: pid,
        ppid: 0,
        // Session and group 0, as Linux's init inherits them from the
        // idle task: not a session leader, without a terminal, until it
        // calls setsid.
        pgid: 0,
        sid: 0,
        pgrp_link: super::pid::Link::NONE,
        session_link: super::pid::Link::NONE,
        forknoexec: false,
        ctty: false,
        comm: comm_of(path.as_bytes()),
        state: TaskState::Runnable,
        kstack: stack,
        saved_sp,
        mm: Some(Mm::new(loaded.mm)),
        files: Shared::try_new(FdTable::with_console())?,
        fpu: fpu::try_initial_box()?,
        io_bitmap: None,
        iopl: 0,
        tls: [0; GDT_ENTRY_TLS_ENTRIES],
        clear_child_tid: 0,
        robust_list: 0,
        fs: Shared::try_new(FsStruct {
            cwd: crate::fs::namei::root(),
            root: crate::fs::namei::root(),
            umask: 0o022,
        })?,
        slice: 0,
        sigactions: Shared::try_new([KSigaction::ZERO; abi::signal::NSIG])?,
        group: super::thread::ThreadGroup::try_new(pid)?,
        exit_signal: abi::signal::SIGCHLD,
        vfork_parent: None,
        sigmask: 0,
        real_blocked: 0,
        saved_sigmask: None,
        sas: super::task::AltStack::default(),
        restart_block: None,
        sigpending: 0,
        siginfo: Default::default(),
        fault_trapno: 0,
        rlimits: super::rlimit::defaults(),
        cpu_ticks: 0,
        stime_ticks: 0,
        start_time: crate::time::uptime_ns(),
        exit_pending: None,
        children: alloc::vec::Vec::new(),
        cred,
        nproc_exceeded: false,
        ptrace: Default::default(),
    }));
    Ok(())
}

//! ELF32 executables for i386: reading and checking the headers.
//!
//! Parsed by hand with bounds-checked reads (the System V ABI's ELF header
//! and program header tables are two fixed little-endian records): every
//! field of a hostile file is checked before it is used, so a truncated or
//! malicious file is refused with an error, never a kernel fault.

use crate::mm::USER_TOP;
use abi::errno::{EIO, ELIBBAD, ENOEXEC, Errno};
use alloc::vec::Vec;

const ET_EXEC: u16 = 2;
const ET_DYN: u16 = 3;
const EM_386: u16 = 3;
pub const PT_LOAD: u32 = 1;
pub const PT_INTERP: u32 = 3;
pub const PT_PHDR: u32 = 6;
const PF_X: u32 = 1;
const PF_W: u32 = 2;
const PF_R: u32 = 4;
const EHDR_SIZE: usize = 52;
const PHDR_SIZE: usize = 32;
/// Most program headers a file may have: Linux's `load_elf_phdrs` reads at
/// most `ELF_MIN_ALIGN` (a page) of them.
const PHNUM_MAX: usize = 4096 / PHDR_SIZE;
/// Longest interpreter path, its NUL included (Linux's `PATH_MAX`).
const PATH_MAX: usize = 4096;

/// Why an ELF file is refused (`-ENOEXEC`, but see [`ElfError::errno`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElfError {
    NotElf,
    Not32BitLittleEndian,
    NotI386,
    NotExecutable,
    Truncated,
    BadProgramHeaders,
    /// A segment reaches the kernel half or wraps around.
    SegmentOutOfRange,
    /// `p_filesz > p_memsz` or file data beyond the end of the file.
    BadSegment,
    NoLoadableSegment,
    /// The `PT_INTERP` path is shorter than 2 bytes, longer than
    /// `PATH_MAX`, or not NUL-terminated.
    BadInterpPath,
    /// The `PT_INTERP` path lies past the end of the file (Linux's
    /// `elf_read` comes back short: `-EIO`).
    InterpPathTruncated,
}

impl ElfError {
    /// What `execve` returns for a program refused so.
    pub fn errno(self) -> Errno {
        match self {
            ElfError::InterpPathTruncated => EIO,
            _ => ENOEXEC,
        }
    }
}

/// A `PT_LOAD` segment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Segment {
    pub vaddr: usize,
    pub memsz: usize,
    pub offset: usize,
    pub filesz: usize,
    pub read: bool,
    pub write: bool,
    pub exec: bool,
}

/// What the loader needs from the headers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElfInfo {
    /// `ET_DYN` (static PIE): loaded at a chosen base.
    pub pie: bool,
    pub entry: usize,
    pub phoff: usize,
    pub phnum: usize,
    pub segments: Vec<Segment>,
    /// The address of the program headers in memory, relative to the base.
    pub phdr_vaddr: Option<usize>,
    /// The first `PT_INTERP` (file offset, size), unchecked: only a
    /// program's is read ([`ElfInfo::interp_path`]); an interpreter's is
    /// ignored, as Linux's `load_elf_interp` ignores it.
    pub interp: Option<(usize, usize)>,
}

fn u16_at(d: &[u8], off: usize) -> Result<u16, ElfError> {
    let b = d.get(off..off + 2).ok_or(ElfError::Truncated)?;
    Ok(u16::from_le_bytes([b[0], b[1]]))
}

fn u32_at(d: &[u8], off: usize) -> Result<u32, ElfError> {
    let b = d.get(off..off + 4).ok_or(ElfError::Truncated)?;
    Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

/// Parse and check an ELF32 i386 executable.
pub fn parse(d: &[u8]) -> Result<ElfInfo, ElfError> {
    if d.len() < 4 || &d[..4] != b"\x7fELF" {
        return Err(ElfError::NotElf);
    }
    if d.len() < EHDR_SIZE {
        return Err(ElfError::Truncated);
    }
    if d[4] != 1 || d[5] != 1 {
        return Err(ElfError::Not32BitLittleEndian);
    }
    let etype = u16_at(d, 16)?;
    if u16_at(d, 18)? != EM_386 {
        return Err(ElfError::NotI386);
    }
    let pie = match etype {
        ET_EXEC => false,
        ET_DYN => true,
        _ => return Err(ElfError::NotExecutable),
    };
    let entry = u32_at(d, 24)? as usize;
    let phoff = u32_at(d, 28)? as usize;
    let phentsize = u16_at(d, 42)? as usize;
    let phnum = u16_at(d, 44)? as usize;
    if phentsize != PHDR_SIZE || phnum == 0 || phnum > PHNUM_MAX {
        return Err(ElfError::BadProgramHeaders);
    }
    let table_end = phnum
        .checked_mul(PHDR_SIZE)
        .and_then(|n| n.checked_add(phoff))
        .ok_or(ElfError::Truncated)?;
    if table_end > d.len() {
        return Err(ElfError::Truncated);
    }
    let mut segments = Vec::new();
    let mut phdr_vaddr = None;
    let mut interp = None;
    for i in 0..phnum {
        let p = phoff + i * PHDR_SIZE;
        let (ptype, offset, vaddr) = (
            u32_at(d, p)?,
            u32_at(d, p + 4)? as usize,
            u32_at(d, p + 8)? as usize,
        );
        let (filesz, memsz, flags) = (
            u32_at(d, p + 16)? as usize,
            u32_at(d, p + 20)? as usize,
            u32_at(d, p + 24)?,
        );
        match ptype {
            PT_INTERP if interp.is_none() => interp = Some((offset, filesz)),
            PT_PHDR => phdr_vaddr = Some(vaddr),
            PT_LOAD => {
                if filesz > memsz || offset.checked_add(filesz).is_none_or(|e| e > d.len()) {
                    return Err(ElfError::BadSegment);
                }
                if vaddr.checked_add(memsz).is_none_or(|e| e > USER_TOP) {
                    return Err(ElfError::SegmentOutOfRange);
                }
                if memsz > 0 {
                    segments.push(Segment {
                        vaddr,
                        memsz,
                        offset,
                        filesz,
                        read: flags & PF_R != 0,
                        write: flags & PF_W != 0,
                        exec: flags & PF_X != 0,
                    });
                }
            }
            _ => {}
        }
    }
    if segments.is_empty() {
        return Err(ElfError::NoLoadableSegment);
    }
    // Without PT_PHDR, the headers are in memory if a segment maps them.
    if phdr_vaddr.is_none() {
        phdr_vaddr = segments
            .iter()
            .find(|s| s.offset <= phoff && table_end <= s.offset + s.filesz)
            .map(|s| s.vaddr + (phoff - s.offset));
    }
    Ok(ElfInfo {
        pie,
        entry,
        phoff,
        phnum,
        segments,
        phdr_vaddr,
        interp,
    })
}

/// The checks Linux makes of an interpreter's headers before the point of
/// no return (`load_elf_binary`: `elf_read` of the ELF header, `-EIO` if
/// the file is shorter; then the magic, the machine and the program
/// header table, `-ELIBBAD`). What [`parse`] refuses besides is found by
/// Linux only while mapping the interpreter (`load_elf_interp`), when the
/// old program is gone already.
pub fn check_interp_header(d: &[u8]) -> Result<(), Errno> {
    if d.len() < EHDR_SIZE {
        return Err(EIO);
    }
    let bad = |c: bool| if c { Err(ELIBBAD) } else { Ok(()) };
    bad(&d[..4] != b"\x7fELF" || d[4] != 1 || d[5] != 1)?;
    bad(u16_at(d, 18) != Ok(EM_386))?;
    let phoff = u32_at(d, 28).map_err(|_| ELIBBAD)? as usize;
    let phentsize = u16_at(d, 42).map_err(|_| ELIBBAD)? as usize;
    let phnum = u16_at(d, 44).map_err(|_| ELIBBAD)? as usize;
    bad(phentsize != PHDR_SIZE || phnum == 0 || phnum > PHNUM_MAX)?;
    bad(phoff
        .checked_add(phnum * PHDR_SIZE)
        .is_none_or(|e| e > d.len()))
}

impl ElfInfo {
    /// The interpreter path of a program with `PT_INTERP`, checked as
    /// Linux's `load_elf_binary` checks it: 2 to `PATH_MAX` bytes, within
    /// the file, ending with a NUL (the path ends at its first NUL, as
    /// Linux's `open_exec` reads it as a C string).
    pub fn interp_path<'a>(&self, d: &'a [u8]) -> Result<Option<&'a [u8]>, ElfError> {
        let Some((offset, filesz)) = self.interp else {
            return Ok(None);
        };
        if !(2..=PATH_MAX).contains(&filesz) {
            return Err(ElfError::BadInterpPath);
        }
        let path = offset
            .checked_add(filesz)
            .and_then(|end| d.get(offset..end))
            .ok_or(ElfError::InterpPathTruncated)?;
        if path[filesz - 1] != 0 {
            return Err(ElfError::BadInterpPath);
        }
        let len = path.iter().position(|&b| b == 0).unwrap_or(filesz - 1);
        Ok(Some(&path[..len]))
    }

    /// Check that the image fits in user space when loaded at `base`.
    pub fn check_base(&self, base: usize) -> Result<(), ElfError> {
        for s in &self.segments {
            let start = s
                .vaddr
                .checked_add(base)
                .ok_or(ElfError::SegmentOutOfRange)?;
            if start.checked_add(s.memsz).is_none_or(|e| e > USER_TOP) {
                return Err(ElfError::SegmentOutOfRange);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use alloc::vec;

    /// A minimal valid ELF: header + one PT_LOAD covering the file.
    fn tiny(vaddr: u32, memsz: u32) -> Vec<u8> {
        let mut d = vec![0u8; 0x100];
        d[..4].copy_from_slice(b"\x7fELF");
        d[4] = 1;
        d[5] = 1;
        d[6] = 1;
        d[16..18].copy_from_slice(&ET_EXEC.to_le_bytes());
        d[18..20].copy_from_slice(&EM_386.to_le_bytes());
        d[24..28].copy_from_slice(&(vaddr + 0x80).to_le_bytes());
        d[28..32].copy_from_slice(&52u32.to_le_bytes());
        d[42..44].copy_from_slice(&32u16.to_le_bytes());
        d[44..46].copy_from_slice(&1u16.to_le_bytes());
        let p = 52;
        d[p..p + 4].copy_from_slice(&PT_LOAD.to_le_bytes());
        d[p + 8..p + 12].copy_from_slice(&vaddr.to_le_bytes());
        d[p + 16..p + 20].copy_from_slice(&0x100u32.to_le_bytes());
        d[p + 20..p + 24].copy_from_slice(&memsz.to_le_bytes());
        d[p + 24..p + 28].copy_from_slice(&(PF_R | PF_X).to_le_bytes());
        d
    }

    #[test_case]
    fn accepts_a_minimal_executable() {
        let info = parse(&tiny(0x0804_8000, 0x2000)).unwrap();
        assert_eq!(info.entry, 0x0804_8080);
        assert_eq!(info.segments.len(), 1);
        assert_eq!(info.phdr_vaddr, Some(0x0804_8000 + 52));
    }

    #[test_case]
    fn refuses_hostile_files() {
        assert_eq!(parse(b"hello"), Err(ElfError::NotElf));
        assert_eq!(
            parse(&tiny(0x0804_8000, 0x2000)[..40]),
            Err(ElfError::Truncated)
        );
        // A segment that reaches the kernel half.
        assert_eq!(
            parse(&tiny(0xBFFF_F000, 0x2000)),
            Err(ElfError::SegmentOutOfRange)
        );
        // A size that wraps around.
        assert_eq!(
            parse(&tiny(0x0804_8000, 0xFFFF_F000)),
            Err(ElfError::SegmentOutOfRange)
        );
        // filesz > memsz.
        assert_eq!(parse(&tiny(0x0804_8000, 0x10)), Err(ElfError::BadSegment));
        // Program headers beyond the end of the file.
        let mut d = tiny(0x0804_8000, 0x2000);
        d[28..32].copy_from_slice(&0xFFFF_FFF0u32.to_le_bytes());
        assert_eq!(parse(&d), Err(ElfError::Truncated));
        // File data beyond the end of the file.
        let mut d = tiny(0x0804_8000, 0x2000);
        d[52 + 4..52 + 8].copy_from_slice(&0x80u32.to_le_bytes());
        assert_eq!(parse(&d), Err(ElfError::BadSegment));
        // Wrong machine and a 64-bit class.
        let mut d = tiny(0x0804_8000, 0x2000);
        d[18] = 62;
        assert_eq!(parse(&d), Err(ElfError::NotI386));
        let mut d = tiny(0x0804_8000, 0x2000);
        d[4] = 2;
        assert_eq!(parse(&d), Err(ElfError::Not32BitLittleEndian));
        // A PIE base pushing the image into the kernel.
        assert!(
            parse(&tiny(0x1000, 0x2000))
                .unwrap()
                .check_base(0xBFFF_F000)
                .is_err()
        );
    }

    /// `tiny` with a PT_INTERP of `filesz` bytes at 0xC0 holding `path`.
    fn with_interp(path: &[u8], filesz: u32) -> Vec<u8> {
        let mut d = tiny(0x0804_8000, 0x2000);
        d[44..46].copy_from_slice(&2u16.to_le_bytes());
        let p = 52 + 32;
        d[p..p + 4].copy_from_slice(&PT_INTERP.to_le_bytes());
        d[p + 4..p + 8].copy_from_slice(&0xC0u32.to_le_bytes());
        d[p + 16..p + 20].copy_from_slice(&filesz.to_le_bytes());
        d[0xC0..0xC0 + path.len()].copy_from_slice(path);
        d
    }

    #[test_case]
    fn reads_the_interpreter_path_as_linux_does() {
        let d = with_interp(b"/lib/ld.so\0", 11);
        let info = parse(&d).unwrap();
        assert_eq!(info.interp_path(&d), Ok(Some(&b"/lib/ld.so"[..])));
        assert_eq!(parse(&tiny(0x0804_8000, 0x2000)).unwrap().interp, None);
        // No NUL at the end, too short, too long, past the end of the file.
        let d = with_interp(b"/lib/ld.so", 10);
        let e = parse(&d).unwrap().interp_path(&d);
        assert_eq!(e, Err(ElfError::BadInterpPath));
        let d = with_interp(b"\0", 1);
        let e = parse(&d).unwrap().interp_path(&d);
        assert_eq!(e, Err(ElfError::BadInterpPath));
        let d = with_interp(b"/x\0", 4097);
        let e = parse(&d).unwrap().interp_path(&d);
        assert_eq!(e, Err(ElfError::BadInterpPath));
        let d = with_interp(b"/x\0", 0x41);
        let e = parse(&d).unwrap().interp_path(&d);
        assert_eq!(e.map_err(ElfError::errno), Err(EIO));
    }

    #[test_case]
    fn checks_an_interpreter_header_with_linux_errnos() {
        assert_eq!(check_interp_header(&tiny(0, 0x2000)), Ok(()));
        assert_eq!(check_interp_header(b"\x7fELF"), Err(EIO));
        let mut text = vec![b'#'; 64];
        text[1] = b'!';
        assert_eq!(check_interp_header(&text), Err(ELIBBAD));
        let mut d = tiny(0, 0x2000);
        d[18] = 62;
        assert_eq!(check_interp_header(&d), Err(ELIBBAD));
        let mut d = tiny(0, 0x2000);
        d[44] = 0;
        assert_eq!(check_interp_header(&d), Err(ELIBBAD));
    }
}

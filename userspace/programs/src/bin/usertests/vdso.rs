//! A minimal, bounds-checked reader for the vDSO the kernel maps: its ELF32
//! header, its loaded extent, and its dynamic symbol table (found the way a
//! dynamic linker finds it: `PT_DYNAMIC` → `DT_SYMTAB`, `DT_STRTAB`,
//! `DT_HASH`). Every read is checked against the extent the vDSO's own
//! `PT_LOAD` claims, so a malformed image fails the test instead of faulting.

use alloc::format;
use alloc::string::String;

const PT_LOAD: u32 = 1;
const PT_DYNAMIC: u32 = 2;
const DT_NULL: u32 = 0;
const DT_HASH: u32 = 4;
const DT_STRTAB: u32 = 5;
const DT_SYMTAB: u32 = 6;
const SHN_UNDEF: u16 = 0;

/// The mapped vDSO.
pub struct Image {
    /// Address of the ELF header (`AT_SYSINFO_EHDR`).
    pub base: usize,
    /// One past the last byte of its `PT_LOAD`.
    pub end: usize,
    /// Load bias: run-time address minus link-time address.
    bias: usize,
    /// Run-time address of `PT_DYNAMIC`'s contents, if any.
    dynamic: Option<(usize, usize)>,
}

impl Image {
    /// Reads the header at `base` (only the first 52 bytes are trusted
    /// before the extent is known; `base` is a page the kernel mapped).
    pub fn parse(base: usize) -> Result<Self, String> {
        let mut img = Image {
            base,
            end: base + 52,
            bias: 0,
            dynamic: None,
        };
        let ident = img.bytes(base, 16)?;
        if ident[..4] != *b"\x7fELF" {
            return Err(format!(
                "vDSO at {base:#x} has no ELF magic: {:02x?}",
                &ident[..4]
            ));
        }
        if ident[4] != 1 || ident[5] != 1 {
            return Err(format!(
                "vDSO is not ELFCLASS32 little-endian: class {}, data {}",
                ident[4], ident[5]
            ));
        }
        let e_type = img.u16(base + 16)?;
        let e_machine = img.u16(base + 18)?;
        if e_type != 3 || e_machine != 3 {
            return Err(format!(
                "vDSO e_type {e_type} e_machine {e_machine}, expected 3 (ET_DYN) and 3 (EM_386)"
            ));
        }
        let phoff = img.u32(base + 28)? as usize;
        let phentsize = usize::from(img.u16(base + 42)?);
        let phnum = usize::from(img.u16(base + 44)?);
        if phentsize != 32 || phnum == 0 || phnum > 16 {
            return Err(format!("vDSO e_phentsize {phentsize}, e_phnum {phnum}"));
        }
        // The program headers must lie in the first page (which is mapped).
        img.end = base + 4096;
        let ph = |i: usize| base + phoff + i * phentsize;
        let mut load = None;
        let mut dynamic = None;
        for i in 0..phnum {
            let p = ph(i);
            let p_type = img.u32(p)?;
            let (offset, vaddr, memsz) = (
                img.u32(p + 4)? as usize,
                img.u32(p + 8)? as usize,
                img.u32(p + 20)? as usize,
            );
            match p_type {
                PT_LOAD if load.is_none() => load = Some((offset, vaddr, memsz)),
                PT_DYNAMIC => dynamic = Some((vaddr, memsz)),
                _ => {}
            }
        }
        let (offset, vaddr, memsz) = load.ok_or("vDSO has no PT_LOAD")?;
        if offset != 0 {
            return Err(format!(
                "vDSO's first PT_LOAD has offset {offset:#x}, expected 0"
            ));
        }
        img.bias = base.wrapping_sub(vaddr);
        img.end = base + memsz;
        img.dynamic = dynamic.map(|(v, sz)| (img.bias.wrapping_add(v), sz));
        Ok(img)
    }

    /// True if `addr` lies inside the mapped image.
    pub fn contains(&self, addr: usize) -> bool {
        (self.base..self.end).contains(&addr)
    }

    fn bytes(&self, addr: usize, len: usize) -> Result<&'static [u8], String> {
        let end = addr.checked_add(len).ok_or("address overflow")?;
        if addr < self.base || end > self.end {
            return Err(format!(
                "vDSO read {addr:#x}+{len} outside {:#x}..{:#x}",
                self.base, self.end
            ));
        }
        // SAFETY: the range lies inside the vDSO mapping the kernel made
        // (checked above), which is readable and never unmapped.
        Ok(unsafe { core::slice::from_raw_parts(addr as *const u8, len) })
    }

    fn u16(&self, addr: usize) -> Result<u16, String> {
        let b = self.bytes(addr, 2)?;
        Ok(u16::from_le_bytes([b[0], b[1]]))
    }

    fn u32(&self, addr: usize) -> Result<u32, String> {
        let b = self.bytes(addr, 4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// The run-time address of defined dynamic symbol `name`, `Ok(None)` if
    /// the image has no such symbol.
    pub fn symbol(&self, name: &[u8]) -> Result<Option<usize>, String> {
        let (dynamic, size) = self.dynamic.ok_or("vDSO has no PT_DYNAMIC")?;
        let (mut symtab, mut strtab, mut hash) = (None, None, None);
        for i in 0..size / 8 {
            let tag = self.u32(dynamic + 8 * i)?;
            let val = self.u32(dynamic + 8 * i + 4)? as usize;
            match tag {
                DT_NULL => break,
                DT_HASH => hash = Some(self.bias.wrapping_add(val)),
                DT_STRTAB => strtab = Some(self.bias.wrapping_add(val)),
                DT_SYMTAB => symtab = Some(self.bias.wrapping_add(val)),
                _ => {}
            }
        }
        let symtab = symtab.ok_or("vDSO has no DT_SYMTAB")?;
        let strtab = strtab.ok_or("vDSO has no DT_STRTAB")?;
        // Symbol count: DT_HASH's nchain, else the gap up to the string table.
        let count = match hash {
            Some(h) => self.u32(h + 4)? as usize,
            None if strtab > symtab => (strtab - symtab) / 16,
            None => return Err("vDSO has no DT_HASH and the symbol count is unknown".into()),
        };
        for i in 0..count.min(1024) {
            let sym = symtab + 16 * i;
            let st_name = self.u32(sym)? as usize;
            let st_value = self.u32(sym + 4)? as usize;
            let st_shndx = self.u16(sym + 14)?;
            if st_shndx == SHN_UNDEF || st_name == 0 {
                continue;
            }
            let start = strtab + st_name;
            let avail = self.end.saturating_sub(start).min(name.len() + 1);
            let s = self.bytes(start, avail)?;
            if s.len() == name.len() + 1 && &s[..name.len()] == name && s[name.len()] == 0 {
                return Ok(Some(self.bias.wrapping_add(st_value)));
            }
        }
        Ok(None)
    }
}

//! The initramfs archive format: "newc" cpio (`cpio -H newc`), read in place.
//!
//! The boot loader hands the kernel an initrd; [`parse`] splits it into
//! [`Entry`]s that borrow the archive (no copying), and `fs::initramfs` builds the
//! root tree from them. The format is the one Linux unpacks at boot,
//! described in the kernel's
//! `Documentation/driver-api/early-userspace/buffer-format.rst`:
//!
//! ```text
//! initramfs    := ("\0" | cpio_archive)*
//! cpio_archive := cpio_file* + (<nothing> | cpio_trailer)
//! cpio_file    := ALGN(4) + cpio_header + filename + "\0" + ALGN(4) + data
//! cpio_trailer := ALGN(4) + cpio_header + "TRAILER!!!\0" + ALGN(4)
//! ```
//!
//! A header is 110 ASCII bytes: the magic `070701` ("newc") or `070702`
//! ("crc"), then 13 fields of exactly eight hex digits (`c_ino`, `c_mode`,
//! `c_uid`, `c_gid`, `c_nlink`, `c_mtime`, `c_filesize`, `c_maj`, `c_min`,
//! `c_rmaj`, `c_rmin`, `c_namesize`, `c_chksum`). Alignment is counted from
//! the start of the whole buffer. Several archives may be concatenated with
//! NUL padding between them (that is how an early microcode archive and the
//! real initramfs are combined); compressed archives are not supported.
//!
//! The archive comes from outside the kernel, so every size and offset is
//! checked: a malformed archive gives a [`CpioError`], never a panic.

use alloc::collections::BTreeMap;
use alloc::vec::Vec;
use core::fmt;

/// Length of a newc header: 6 bytes of magic and 13 fields of 8 hex digits.
const HEADER_LEN: usize = 6 + 13 * 8;
/// `070701`: "newc", `c_chksum` is zero.
const MAGIC_NEWC: &[u8; 6] = b"070701";
/// `070702`: "crc", `c_chksum` is the sum of the data bytes.
const MAGIC_CRC: &[u8; 6] = b"070702";
/// The name of the end-of-archive entry.
const TRAILER: &str = "TRAILER!!!";

// Field indices in header order (buffer-format.rst, the c_* table).
const F_INO: usize = 0;
const F_MODE: usize = 1;
const F_UID: usize = 2;
const F_GID: usize = 3;
const F_NLINK: usize = 4;
const F_MTIME: usize = 5;
const F_FILESIZE: usize = 6;
const F_MAJ: usize = 7;
const F_MIN: usize = 8;
const F_RMAJ: usize = 9;
const F_RMIN: usize = 10;
const F_NAMESIZE: usize = 11;
const F_CHKSUM: usize = 12;

/// One file in the archive (the trailer is not returned).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry<'a> {
    /// The path as stored, e.g. `./bin/sh`, `bin/sh` or `/bin/sh`.
    pub name: &'a str,
    /// `c_mode`: the full `st_mode`, file type bits included.
    pub mode: u32,
    /// `c_uid` and `c_gid`: the owner.
    pub uid: u32,
    pub gid: u32,
    /// `c_mtime`, seconds since the epoch.
    pub mtime: u32,
    /// The data: file contents, or the target of a symlink.
    pub data: &'a [u8],
    /// `c_rmaj`: major number of the device a device node refers to.
    pub rdevmajor: u32,
    /// `c_rmin`: minor number of the device a device node refers to.
    pub rdevminor: u32,
    /// For a hard link, the index (in the `Vec` [`parse`] returns) of the
    /// first entry of the same file. buffer-format.rst, "Handling of hard
    /// links": a non-directory with `c_nlink > 1` whose `(c_maj, c_min,
    /// c_ino)` was seen before in the same archive is a link to it, not a new
    /// file; its data, if any, replaces the file's contents.
    pub hardlink_of: Option<usize>,
}

/// Why an archive was refused. Each offset is a byte offset into the buffer
/// given to [`parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpioError {
    /// No `070701`/`070702` magic where a header must start (for example an
    /// empty or compressed initrd, or an old-format `070707` archive).
    BadMagic { offset: usize },
    /// A header field (at `offset`) that is not eight hex digits, a header
    /// not aligned to 4 bytes, or a `070702` checksum that does not match.
    BadHeader { offset: usize },
    /// The entry whose header is at `offset` runs past the end of the buffer.
    Truncated { offset: usize },
    /// The entry whose header is at `offset` has an unusable name: empty, not
    /// NUL-terminated, with a NUL inside, or not UTF-8.
    BadName { offset: usize },
}

impl fmt::Display for CpioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            CpioError::BadMagic { offset } => write!(
                f,
                "no newc cpio header (magic 070701 or 070702) at byte {offset}; \
                 the initrd must be an uncompressed `cpio -H newc` archive"
            ),
            CpioError::BadHeader { offset } => write!(
                f,
                "bad cpio header at byte {offset}: not 8 hex digits, \
                 misaligned, or a 070702 checksum that does not match the data"
            ),
            CpioError::Truncated { offset } => write!(
                f,
                "the cpio entry at byte {offset} runs past the end of the archive"
            ),
            CpioError::BadName { offset } => write!(
                f,
                "the cpio entry at byte {offset} has a bad name \
                 (empty, not NUL-terminated, or not UTF-8)"
            ),
        }
    }
}

/// `x` rounded up to a multiple of 4, or `None` on overflow.
fn align4(x: usize) -> Option<usize> {
    Some(x.checked_add(3)? & !3)
}

/// Decode an eight-digit hex field (either case, no sign, no `0x`).
fn hex8(field: &[u8]) -> Option<u32> {
    field.iter().try_fold(0u32, |acc, &b| {
        let digit = char::from(b).to_digit(16)?;
        Some((acc << 4) | digit)
    })
}

/// Whether a node of this type may be a hard link (Linux's `maybe_link()` is
/// called for regular files and `mknod` nodes, not directories or symlinks).
fn may_hardlink(mode: u32) -> bool {
    use abi::stat::{S_IFBLK, S_IFCHR, S_IFIFO, S_IFMT, S_IFREG, S_IFSOCK};
    matches!(
        mode & S_IFMT,
        S_IFREG | S_IFCHR | S_IFBLK | S_IFIFO | S_IFSOCK
    )
}

/// A decoded header plus where its name and data are.
struct Raw<'a> {
    fields: [u32; 13],
    name: &'a str,
    data: &'a [u8],
    /// Offset just past the data and its padding.
    next: usize,
}

/// Decode the entry whose header starts at `off` (a 4-aligned offset with at
/// least one byte left).
fn entry_at(archive: &[u8], off: usize) -> Result<Raw<'_>, CpioError> {
    let rest = archive.get(off..).unwrap_or(&[]);
    let magic = &rest[..rest.len().min(6)];
    if !(MAGIC_NEWC.starts_with(magic) || MAGIC_CRC.starts_with(magic)) {
        return Err(CpioError::BadMagic { offset: off });
    }
    let Some(header) = rest.get(..HEADER_LEN) else {
        return Err(CpioError::Truncated { offset: off });
    };
    let mut fields = [0u32; 13];
    for (i, field) in fields.iter_mut().enumerate() {
        let at = 6 + 8 * i;
        *field = hex8(&header[at..at + 8]).ok_or(CpioError::BadHeader { offset: off + at })?;
    }

    // c_namesize counts the final NUL.
    let namesize = fields[F_NAMESIZE] as usize;
    if namesize < 2 {
        return Err(CpioError::BadName { offset: off });
    }
    let truncated = CpioError::Truncated { offset: off };
    let name_start = off + HEADER_LEN;
    let name_end = name_start.checked_add(namesize).ok_or(truncated)?;
    let name = archive.get(name_start..name_end).ok_or(truncated)?;
    // Linux (init/initramfs.c, do_name) refuses a name "without nulterm".
    let (0, name) = name.split_last().ok_or(truncated)? else {
        return Err(CpioError::BadName { offset: off });
    };
    if name.contains(&0) {
        return Err(CpioError::BadName { offset: off });
    }
    let name = core::str::from_utf8(name).map_err(|_| CpioError::BadName { offset: off })?;

    let data_start = align4(name_end).ok_or(truncated)?;
    let data_end = data_start
        .checked_add(fields[F_FILESIZE] as usize)
        .ok_or(truncated)?;
    let data = archive.get(data_start..data_end).ok_or(truncated)?;
    // The padding after the last entry may be missing; nothing follows it.
    let next = align4(data_end).unwrap_or(usize::MAX).min(archive.len());

    // buffer-format.rst: with 070702, c_chksum is "a simple 32-bit unsigned
    // sum of all the bytes in the data field". Linux checks it for regular
    // files only (do_copy), and so do we.
    if &header[..6] == MAGIC_CRC && fields[F_MODE] & abi::stat::S_IFMT == abi::stat::S_IFREG {
        let sum = data.iter().fold(0u32, |s, &b| s.wrapping_add(u32::from(b)));
        if sum != fields[F_CHKSUM] {
            return Err(CpioError::BadHeader {
                offset: off + 6 + 8 * F_CHKSUM,
            });
        }
    }
    Ok(Raw {
        fields,
        name,
        data,
        next,
    })
}

/// Split a buffer of one or more concatenated newc archives into entries, in
/// archive order (later entries for the same path win, as on Linux).
///
/// Zero-length or all-NUL input is [`CpioError::BadMagic`] at offset 0, so the
/// caller can say "the initrd is not a cpio archive"; an archive holding only
/// a trailer is `Ok` and empty. The trailer is optional (buffer-format.rst),
/// so data may also end right after any entry.
pub fn parse(archive: &[u8]) -> Result<Vec<Entry<'_>>, CpioError> {
    let mut entries = Vec::new();
    // (c_maj, c_min, c_ino) of files with c_nlink > 1, to the first entry's
    // index; "When a TRAILER!!! end-of-archive marker is seen, the tuple
    // buffer is reset" (buffer-format.rst).
    let mut links: BTreeMap<(u32, u32, u32), usize> = BTreeMap::new();
    let mut seen_header = false;
    let mut off = 0;
    loop {
        // Between entries and archives: any number of NULs (Linux's do_reset
        // eats them after every entry).
        while archive.get(off) == Some(&0) {
            off += 1;
        }
        if off >= archive.len() {
            return if seen_header {
                Ok(entries)
            } else {
                Err(CpioError::BadMagic { offset: 0 })
            };
        }
        let raw = entry_at(archive, off)?;
        // Checked after the magic, so junk is reported as junk; Linux calls a
        // header off the 4-byte grid "broken padding".
        if !off.is_multiple_of(4) {
            return Err(CpioError::BadHeader { offset: off });
        }
        seen_header = true;
        off = raw.next;
        if raw.name == TRAILER {
            links.clear();
            continue;
        }

        let f = &raw.fields;
        let mut hardlink_of = None;
        if f[F_NLINK] > 1 && may_hardlink(f[F_MODE]) {
            let key = (f[F_MAJ], f[F_MIN], f[F_INO]);
            match links.get(&key) {
                Some(&first) => hardlink_of = Some(first),
                None => {
                    links.insert(key, entries.len());
                }
            }
        }
        entries.push(Entry {
            name: raw.name,
            mode: f[F_MODE],
            uid: f[F_UID],
            gid: f[F_GID],
            mtime: f[F_MTIME],
            data: raw.data,
            rdevmajor: f[F_RMAJ],
            rdevminor: f[F_RMIN],
            hardlink_of,
        });
    }
}

/// Writers of newc archives for tests (here and in `fs::initramfs`).
#[cfg(test)]
pub(crate) mod build {
    use abi::stat::{S_IFDIR, S_IFLNK, S_IFREG};
    use alloc::format;
    use alloc::vec::Vec;

    /// Header fields of one entry; `None` sizes are computed from the name
    /// and data.
    #[derive(Clone, Copy)]
    pub(crate) struct Hdr {
        pub magic: &'static str,
        pub ino: u32,
        pub mode: u32,
        pub nlink: u32,
        pub mtime: u32,
        pub filesize: Option<u32>,
        pub rdev: (u32, u32),
        pub namesize: Option<u32>,
        pub check: u32,
    }

    impl Hdr {
        pub(crate) fn new(mode: u32) -> Hdr {
            Hdr {
                magic: "070701",
                ino: 0,
                mode,
                nlink: 1,
                mtime: 0,
                filesize: None,
                rdev: (0, 0),
                namesize: None,
                check: 0,
            }
        }
    }

    /// Append one entry: header, name and NUL, padding, data, padding.
    pub(crate) fn push(out: &mut Vec<u8>, h: Hdr, name: &[u8], data: &[u8]) {
        let namesize = h.namesize.unwrap_or(name.len() as u32 + 1);
        let filesize = h.filesize.unwrap_or(data.len() as u32);
        out.extend_from_slice(h.magic.as_bytes());
        for v in [
            h.ino, h.mode, 0, 0, h.nlink, h.mtime, filesize, 0, 0, h.rdev.0, h.rdev.1, namesize,
            h.check,
        ] {
            out.extend_from_slice(format!("{v:08x}").as_bytes());
        }
        out.extend_from_slice(name);
        out.push(0);
        pad(out);
        out.extend_from_slice(data);
        pad(out);
    }

    /// NUL-pad to a multiple of 4.
    pub(crate) fn pad(out: &mut Vec<u8>) {
        while !out.len().is_multiple_of(4) {
            out.push(0);
        }
    }

    pub(crate) fn file(out: &mut Vec<u8>, name: &str, data: &[u8]) {
        push(out, Hdr::new(S_IFREG | 0o644), name.as_bytes(), data);
    }

    pub(crate) fn dir(out: &mut Vec<u8>, name: &str, perm: u32) {
        push(out, Hdr::new(S_IFDIR | perm), name.as_bytes(), b"");
    }

    pub(crate) fn symlink(out: &mut Vec<u8>, name: &str, target: &str) {
        push(
            out,
            Hdr::new(S_IFLNK | 0o777),
            name.as_bytes(),
            target.as_bytes(),
        );
    }

    pub(crate) fn trailer(out: &mut Vec<u8>) {
        push(out, Hdr::new(0), b"TRAILER!!!", b"");
    }
}

#[cfg(test)]
mod tests {
    use super::build::{self, Hdr};
    use super::*;
    use abi::stat::{S_IFCHR, S_IFDIR, S_IFREG};
    use alloc::vec;

    fn sample() -> Vec<u8> {
        let mut a = Vec::new();
        build::dir(&mut a, ".", 0o755);
        build::file(&mut a, "./init", b"#!hello");
        build::symlink(&mut a, "bin/sh", "busybox");
        build::trailer(&mut a);
        a
    }

    #[test_case]
    fn reads_entries_in_order() {
        let a = sample();
        let e = parse(&a).unwrap();
        assert_eq!(e.len(), 3);
        assert_eq!(e[0].name, ".");
        assert_eq!(e[0].mode, S_IFDIR | 0o755);
        assert_eq!((e[1].name, e[1].data), ("./init", &b"#!hello"[..]));
        assert_eq!(e[2].data, b"busybox");
        assert_eq!(e[2].hardlink_of, None);
        // Every data field starts on a 4-byte boundary of the buffer.
        for x in &e {
            assert_eq!((x.data.as_ptr() as usize - a.as_ptr() as usize) % 4, 0);
        }
    }

    #[test_case]
    fn device_numbers_mtime_and_uppercase_hex() {
        let mut a = Vec::new();
        let mut h = Hdr::new(S_IFCHR | 0o600);
        h.rdev = (5, 1);
        h.mtime = 0x6543_21ab;
        build::push(&mut a, h, b"dev/console", b"");
        // Hex digits may be upper case (GNU cpio writes lower case).
        a[6 + 8 * F_MTIME..6 + 8 * F_MTIME + 8].copy_from_slice(b"654321AB");
        let e = parse(&a).unwrap();
        assert_eq!((e[0].rdevmajor, e[0].rdevminor), (5, 1));
        assert_eq!(e[0].mtime, 0x6543_21ab);
    }

    #[test_case]
    fn empty_zeros_and_trailer_only() {
        assert_eq!(parse(b""), Err(CpioError::BadMagic { offset: 0 }));
        assert_eq!(parse(&[0; 512]), Err(CpioError::BadMagic { offset: 0 }));
        let mut t = Vec::new();
        build::trailer(&mut t);
        assert_eq!(parse(&t), Ok(Vec::new()));
        // A trailer with zeros after it, as `cpio` pads to 512 bytes.
        t.resize(512, 0);
        assert_eq!(parse(&t), Ok(Vec::new()));
    }

    #[test_case]
    fn concatenated_archives_and_optional_trailer() {
        let mut a = sample();
        a.resize(a.len() + 512, 0);
        let second = a.len();
        build::file(&mut a, "etc/motd", b"hi\n");
        build::trailer(&mut a);
        a.resize(a.len() + 100, 0);
        let e = parse(&a).unwrap();
        assert_eq!(e.len(), 4);
        assert_eq!(e[3].name, "etc/motd");
        assert_eq!(
            e[3].data.as_ptr() as usize - a.as_ptr() as usize,
            second + 120
        ); // 110 + "etc/motd\0", aligned
        // No trailer at all: the grammar allows it.
        let mut b = Vec::new();
        build::file(&mut b, "x", b"1");
        assert_eq!(parse(&b).unwrap().len(), 1);
        // Junk after the trailer.
        let mut c = sample();
        let at = c.len();
        c.extend_from_slice(b"\x1f\x8b\x08\x00");
        assert_eq!(parse(&c), Err(CpioError::BadMagic { offset: at }));
        // A header off the 4-byte grid ("broken padding").
        let mut d = sample();
        d.push(0);
        let at = d.len();
        build::file(&mut d, "x", b"");
        assert_eq!(parse(&d), Err(CpioError::BadHeader { offset: at }));
    }

    #[test_case]
    fn hard_links_point_at_the_first_entry_until_a_trailer() {
        let mut a = Vec::new();
        let mut h = Hdr::new(S_IFREG | 0o755);
        h.nlink = 2;
        h.ino = 7;
        build::push(&mut a, h, b"bin/a", b"");
        build::file(&mut a, "other", b"");
        build::push(&mut a, h, b"bin/b", b"data");
        build::trailer(&mut a);
        build::push(&mut a, h, b"bin/c", b"new file");
        let e = parse(&a).unwrap();
        assert_eq!(e[0].hardlink_of, None);
        assert_eq!(e[2].hardlink_of, Some(0));
        assert_eq!(e[3].hardlink_of, None);
    }

    #[test_case]
    fn crc_variant_checks_the_data_sum() {
        let mut a = Vec::new();
        let mut h = Hdr::new(S_IFREG | 0o644);
        h.magic = "070702";
        h.check = b"abc".iter().map(|&b| u32::from(b)).sum();
        build::push(&mut a, h, b"f", b"abc");
        assert_eq!(parse(&a).unwrap()[0].data, b"abc");
        let mut b = Vec::new();
        h.check += 1;
        build::push(&mut b, h, b"f", b"abc");
        assert_eq!(
            parse(&b),
            Err(CpioError::BadHeader {
                offset: 6 + 8 * F_CHKSUM
            })
        );
    }

    #[test_case]
    fn refuses_hostile_archives() {
        use CpioError::*;
        let good = sample();
        // Truncated header, name and data.
        assert_eq!(parse(&good[..50]), Err(Truncated { offset: 0 }));
        assert_eq!(parse(&good[..3]), Err(Truncated { offset: 0 }));
        assert_eq!(parse(&good[..111]), Err(Truncated { offset: 0 }));
        // The first entry (".", no data) ends at 112: the second is cut.
        assert_eq!(parse(&good[..112]).map(|e| e.len()), Ok(1));
        assert_eq!(parse(&good[..130]), Err(Truncated { offset: 112 }));
        assert_eq!(
            parse(&good[..112 + 110 + 8]),
            Err(Truncated { offset: 112 })
        );
        // Bad magic: old portable format, garbage, a gzip stream.
        let mut odc = good.clone();
        odc[5] = b'7';
        assert_eq!(parse(&odc), Err(BadMagic { offset: 0 }));
        assert_eq!(parse(b"hello world"), Err(BadMagic { offset: 0 }));
        assert_eq!(parse(b"\x1f\x8b"), Err(BadMagic { offset: 0 }));
        // Magic of the second entry broken: reported at its offset.
        let mut second = Vec::new();
        build::file(&mut second, "a", b"");
        let at = second.len();
        second.extend_from_slice(&good);
        second[at] = b'X';
        assert_eq!(parse(&second), Err(BadMagic { offset: at }));
        // Not hex: in c_mode, and a sign or space in c_filesize.
        let mut bad = good.clone();
        bad[6 + 8 * F_MODE + 3] = b'g';
        assert_eq!(
            parse(&bad),
            Err(BadHeader {
                offset: 6 + 8 * F_MODE
            })
        );
        let mut bad = good.clone();
        bad[6 + 8 * F_FILESIZE] = b'-';
        assert_eq!(
            parse(&bad),
            Err(BadHeader {
                offset: 6 + 8 * F_FILESIZE
            })
        );
        let mut bad = good.clone();
        bad[6 + 8 * F_NAMESIZE + 7] = b' ';
        assert_eq!(
            parse(&bad),
            Err(BadHeader {
                offset: 6 + 8 * F_NAMESIZE
            })
        );

        let hostile = |h: Hdr, name: &[u8], data: &[u8]| {
            let mut a = Vec::new();
            build::push(&mut a, h, name, data);
            parse(&a).map(|e| e.len())
        };
        let file = Hdr::new(S_IFREG | 0o644);
        // Sizes running past the end, or overflowing.
        for size in [100, 0x7fff_ffff, 0xffff_fff0, 0xffff_ffff] {
            let h = Hdr {
                filesize: Some(size),
                ..file
            };
            assert_eq!(hostile(h, b"f", b"abcd"), Err(Truncated { offset: 0 }));
            let h = Hdr {
                namesize: Some(size),
                ..file
            };
            assert_eq!(hostile(h, b"f", b"abcd"), Err(Truncated { offset: 0 }));
        }
        // Names: size 0, only the NUL, no NUL, NUL inside, not UTF-8.
        assert_eq!(
            hostile(
                Hdr {
                    namesize: Some(0),
                    ..file
                },
                b"f",
                b""
            ),
            Err(BadName { offset: 0 })
        );
        assert_eq!(
            hostile(
                Hdr {
                    namesize: Some(1),
                    ..file
                },
                b"",
                b""
            ),
            Err(BadName { offset: 0 })
        );
        assert_eq!(
            hostile(
                Hdr {
                    namesize: Some(3),
                    ..file
                },
                b"abc",
                b""
            ),
            Err(BadName { offset: 0 })
        );
        assert_eq!(hostile(file, b"a\0b", b""), Err(BadName { offset: 0 }));
        assert_eq!(hostile(file, b"\xff\xfe", b""), Err(BadName { offset: 0 }));
    }

    #[test_case]
    fn every_truncation_and_corruption_is_handled_without_panic() {
        let mut a = sample();
        build::file(&mut a, "z", b"0123456789");
        for len in 0..a.len() {
            let _ = parse(&a[..len]);
        }
        for i in 0..a.len() {
            for v in [0u8, b'0', b'f', b'7', 0xff] {
                let mut b = a.clone();
                b[i] = v;
                let _ = parse(&b);
            }
        }
        let _ = parse(&vec![b'0'; 300]);
    }

    #[test_case]
    fn errors_display_their_offset() {
        let s = alloc::format!("{}", CpioError::Truncated { offset: 1234 });
        assert!(s.contains("1234"));
        let s = alloc::format!("{}", CpioError::BadMagic { offset: 0 });
        assert!(s.contains("cpio -H newc"));
    }
}

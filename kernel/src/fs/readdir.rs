//! Reading directories: `getdents64` and `getdents` (Linux's
//! fs/readdir.c), each record in its own layout, from a tmpfs directory or
//! a procfs one (whose entries `fs/proc.rs` lists).

use super::file::FileKind;
use super::namei::file;
use crate::syscall::args::{Fd, SysResult};
use crate::syscall::uaccess::{UserSlice, Write};
use abi::errno::*;
use abi::stat::*;
use alloc::vec::Vec;

/// `d_type` from a mode (`fs_umode_to_dtype()`, fs/fs_types.c).
fn dtype(mode: u32) -> u8 {
    ((mode & S_IFMT) >> 12) as u8
}

/// The length of a record for `name`: `linux_dirent64` is padded to 8
/// bytes (`filldir64()`), `linux_dirent` to 4 (`filldir()`).
fn reclen(wide: bool, name: &[u8]) -> usize {
    if wide {
        (19 + name.len() + 1).next_multiple_of(8)
    } else {
        (10 + name.len() + 2).next_multiple_of(4)
    }
}

/// Append one directory record in the layout of `getdents64` or
/// `getdents`. `next` is the position after this entry (`d_off`, what
/// `telldir` gives).
fn put_dirent(r: &mut Vec<u8>, wide: bool, ino: u64, next: u64, dtype: u8, name: &[u8]) {
    let start = r.len();
    let len = reclen(wide, name);
    if wide {
        // struct linux_dirent64 (include/linux/dirent.h): u64 d_ino,
        // s64 d_off, u16 d_reclen, u8 d_type, char d_name[].
        r.extend_from_slice(&ino.to_le_bytes());
        r.extend_from_slice(&next.to_le_bytes());
        r.extend_from_slice(&(len as u16).to_le_bytes());
        r.push(dtype);
        r.extend_from_slice(name);
        r.resize(start + len, 0);
    } else {
        // struct linux_dirent (fs/readdir.c): unsigned long d_ino, d_off,
        // u16 d_reclen, char d_name[], a NUL, padding, then d_type in the
        // record's last byte.
        r.extend_from_slice(&(ino as u32).to_le_bytes());
        r.extend_from_slice(&(next as u32).to_le_bytes());
        r.extend_from_slice(&(len as u16).to_le_bytes());
        r.extend_from_slice(name);
        r.resize(start + len, 0);
        r[start + len - 1] = dtype;
    }
}

/// `getdents64`/`getdents` (`iterate_dir()`, tmpfs's `offset_readdir()`):
/// the file position is the next entry's position in the directory (0 is
/// `.`, 1 is `..`, then each entry's own, see `inode::Dir`). Records are
/// added while they fit in `count` (the length of `dirp`, at most 64 KiB
/// taken at once); if not even the first fits, `EINVAL`. A directory
/// removed while open lists nothing more.
fn getdents(fd: Fd, dirp: UserSlice<Write>, wide: bool) -> SysResult {
    let f = file(fd.0)?;
    let limit = dirp.len().min(64 * 1024);
    let (kind, inode, pos) = {
        let of = f.lock();
        (of.kind, of.inode.clone(), of.offset as u64)
    };
    let (FileKind::Dir, Some(dir)) = (kind, inode) else {
        return Err(ENOTDIR);
    };
    if let super::inode::InodeKind::Proc(node) = dir.kind {
        return proc_getdents(&f, &dir, node, pos, dirp, limit, wide);
    }
    let parent = dir.parent().unwrap_or_else(|| dir.clone());
    let cell = super::tmpfs::dir_of(&dir)?;
    // Room for every record up front: nothing allocates under the borrow.
    let mut out = crate::mm::heap::try_vec(limit)?;
    let mut next = pos;
    let mut first_too_big = false;
    cell.with(|d| {
        let dots = [
            (0, dir.ino, DT_DIR, &b"."[..]),
            (1, parent.ino, DT_DIR, &b".."[..]),
        ];
        let dots = dots.into_iter().filter(|&(p, ..)| p >= pos);
        let entries = d
            .from_pos(pos.max(2))
            .filter(|_| !d.dead)
            .map(|(p, name, i)| (p, i.ino, dtype(i.mode()), name));
        for (p, ino, ty, name) in dots.chain(entries) {
            if out.len() + reclen(wide, name) > limit {
                first_too_big = out.is_empty();
                break;
            }
            put_dirent(&mut out, wide, ino, p + 1, ty, name);
            next = p + 1;
        }
    });
    if first_too_big {
        return Err(EINVAL);
    }
    dirp.write_prefix(&out)?;
    f.lock().offset = next as usize;
    dir.meta.with(|m| m.atime = super::inode::Timespec::now());
    Ok(out.len())
}

/// `getdents` of a procfs directory (`proc_readdir`, `proc_pid_readdir`,
/// `proc_readfd`): the same records, from the entries procfs lists at
/// positions `>= pos`.
fn proc_getdents(
    f: &super::file::FileRef,
    dir: &super::inode::InodeRef,
    node: super::proc::Node,
    pos: u64,
    dirp: UserSlice<Write>,
    limit: usize,
    wide: bool,
) -> SysResult {
    let entries = super::proc::readdir(dir, node, pos)?;
    let mut out = crate::mm::heap::try_vec(limit)?;
    let mut next = pos;
    for e in &entries {
        if out.len() + reclen(wide, e.name()) > limit {
            if out.is_empty() {
                return Err(EINVAL);
            }
            break;
        }
        put_dirent(&mut out, wide, e.ino, e.pos + 1, e.dtype, e.name());
        next = e.pos + 1;
    }
    dirp.write_prefix(&out)?;
    f.lock().offset = next as usize;
    Ok(out.len())
}

/// `getdents64(fd, dirp, count)`.
pub fn sys_getdents64(fd: Fd, dirp: UserSlice<Write>) -> SysResult {
    getdents(fd, dirp, true)
}

/// `getdents(fd, dirp, count)`: the old record layout.
pub fn sys_getdents(fd: Fd, dirp: UserSlice<Write>) -> SysResult {
    getdents(fd, dirp, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dirent(wide: bool, ino: u64, next: u64, dtype: u8, name: &[u8]) -> Vec<u8> {
        let mut r = Vec::new();
        put_dirent(&mut r, wide, ino, next, dtype, name);
        assert_eq!(r.len(), reclen(wide, name));
        r
    }

    #[test_case]
    fn dirent64_records() {
        let r = dirent(true, 7, 3, DT_REG, b"init");
        // 19-byte header + "init" + NUL = 24, already 8-aligned.
        assert_eq!(r.len(), 24);
        assert_eq!(u64::from_le_bytes(r[0..8].try_into().unwrap()), 7);
        assert_eq!(u64::from_le_bytes(r[8..16].try_into().unwrap()), 3);
        assert_eq!(u16::from_le_bytes([r[16], r[17]]), 24);
        assert_eq!(r[18], DT_REG);
        assert_eq!(&r[19..24], b"init\0");
        // "." needs 21 bytes: padded to 24.
        assert_eq!(dirent(true, 1, 1, DT_DIR, b".").len(), 24);
        assert_eq!(dirent(true, 1, 1, DT_DIR, b"abcdef").len(), 32);
    }

    #[test_case]
    fn old_dirent_records_end_with_d_type() {
        let r = dirent(false, 9, 2, DT_DIR, b"..");
        // 10-byte header + ".." + NUL + d_type = 14, padded to 16.
        assert_eq!(r.len(), 16);
        assert_eq!(u32::from_le_bytes(r[0..4].try_into().unwrap()), 9);
        assert_eq!(u32::from_le_bytes(r[4..8].try_into().unwrap()), 2);
        assert_eq!(u16::from_le_bytes([r[8], r[9]]), 16);
        assert_eq!(&r[10..13], b"..\0");
        assert_eq!(r[15], DT_DIR);
    }
}

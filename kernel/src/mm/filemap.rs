//! The page cache of a tmpfs file (Linux's `struct address_space` and
//! mm/filemap.c, in small): a regular file's bytes are held in page-sized
//! frames, and those frames are what `read(2)` and `write(2)` copy from and
//! to and what the fault path maps. So a write through a `MAP_SHARED`
//! mapping is in the file at once, and a `write(2)` shows in every mapping
//! of the page, shared or (until it writes the page itself) private.
//!
//! A file unpacked from the boot archive starts out as the archive's bytes
//! (`backing`) and gets a frame for a page the first time the page is
//! written or mapped: unpacking copies nothing. The cache holds one
//! reference to each of its frames; mappings map them unowned (as shared
//! anonymous memory is mapped), so a frame goes with the file, or with a
//! `truncate` that first takes it out of every address space
//! ([`unmap_mapping_range`], Linux's function of that name).

use super::{PAGE_SIZE, frame, phys_to_virt};
use crate::fs::inode::{Inode, InodeKind};
use alloc::vec::Vec;

/// A regular file's bytes.
#[derive(Debug, Default)]
pub struct PageCache {
    /// The file's bytes in the boot archive, for the pages without a frame
    /// yet; never longer than the file.
    backing: &'static [u8],
    /// A frame per page, 0 where there is none yet (the page then reads as
    /// `backing`'s bytes, zeros past them). As long as the highest page
    /// that has one.
    pages: Vec<usize>,
    /// The file's size in bytes.
    len: usize,
}

fn page_bytes<'a>(pa: usize) -> &'a mut [u8] {
    // SAFETY: a frame the cache holds, in the direct map, a page long;
    // borrowed only while the cache's cell is.
    unsafe { core::slice::from_raw_parts_mut(phys_to_virt(pa) as *mut u8, PAGE_SIZE) }
}

impl PageCache {
    /// The file whose bytes are `backing` (borrowed from the boot archive).
    pub const fn new(backing: &'static [u8]) -> Self {
        PageCache {
            backing,
            pages: Vec::new(),
            len: backing.len(),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The whole file, if it is still all the archive's bytes (an
    /// executable is then read in place).
    pub fn as_static(&self) -> Option<&'static [u8]> {
        (self.pages.is_empty() && self.backing.len() == self.len).then_some(self.backing)
    }

    /// The frame of page `i` if it has one.
    fn frame_of(&self, i: usize) -> Option<usize> {
        self.pages.get(i).copied().filter(|&pa| pa != 0)
    }

    /// The frame of page `i`, made from the archive's bytes (or zeros) if
    /// it has none yet (Linux's `filemap_fault` reading a page in):
    /// `None` if no frame or no room for the table can be had. The page
    /// may lie past the end of the file; callers check.
    pub fn page(&mut self, i: usize) -> Option<usize> {
        if let Some(pa) = self.frame_of(i) {
            return Some(pa);
        }
        if self.pages.len() <= i {
            let more = i + 1 - self.pages.len();
            super::heap::for_user(|| self.pages.try_reserve(more)).ok()?;
            self.pages.resize(i + 1, 0);
        }
        let pa = frame::alloc_user_zeroed()?;
        let from = (i * PAGE_SIZE).min(self.backing.len());
        let to = ((i + 1) * PAGE_SIZE).min(self.backing.len());
        page_bytes(pa)[..to - from].copy_from_slice(&self.backing[from..to]);
        self.pages[i] = pa;
        Some(pa)
    }

    /// Copy up to `dst.len()` bytes from byte `pos`: the count.
    pub fn read_at(&self, pos: usize, dst: &mut [u8]) -> usize {
        let end = self.len.min(pos.saturating_add(dst.len()));
        let mut at = pos;
        while at < end {
            let (i, off) = (at / PAGE_SIZE, at % PAGE_SIZE);
            let n = (PAGE_SIZE - off).min(end - at);
            let out = &mut dst[at - pos..at - pos + n];
            match self.frame_of(i) {
                Some(pa) => out.copy_from_slice(&page_bytes(pa)[off..off + n]),
                None => {
                    let b = self.backing.len();
                    let k = b.saturating_sub(at).min(n);
                    out[..k].copy_from_slice(&self.backing[at.min(b)..at.min(b) + k]);
                    out[k..].fill(0);
                }
            }
            at += n;
        }
        end.saturating_sub(pos)
    }

    /// Write `src` at byte `pos`, growing the file (a gap reads as zeros):
    /// `false`, with nothing past the pages already written changed, if a
    /// frame cannot be had. The caller has charged the space.
    pub fn write_at(&mut self, pos: usize, src: &[u8]) -> bool {
        let end = pos + src.len();
        let mut at = pos;
        while at < end {
            let (i, off) = (at / PAGE_SIZE, at % PAGE_SIZE);
            let n = (PAGE_SIZE - off).min(end - at);
            let Some(pa) = self.page(i) else {
                return false;
            };
            page_bytes(pa)[off..off + n].copy_from_slice(&src[at - pos..at - pos + n]);
            at += n;
            self.len = self.len.max(at);
        }
        true
    }

    /// Set the size to `len` (`truncate_setsize`): a shrink drops the
    /// frames wholly past the end and zeroes the rest of the last page
    /// (`truncate_inode_pages`), so a later growth reads zeros there. The
    /// caller has taken the dropped pages out of every address space.
    pub fn set_len(&mut self, len: usize) {
        if len < self.len {
            self.backing = &self.backing[..self.backing.len().min(len)];
            let keep = len.div_ceil(PAGE_SIZE);
            for pa in self.pages.drain(keep.min(self.pages.len())..) {
                if pa != 0 {
                    frame::put(pa);
                }
            }
            if let Some(pa) = self.frame_of(len / PAGE_SIZE) {
                page_bytes(pa)[len % PAGE_SIZE..].fill(0);
            }
        }
        self.len = len;
    }
}

impl Drop for PageCache {
    fn drop(&mut self) {
        for &pa in self.pages.iter().filter(|&&pa| pa != 0) {
            frame::put(pa);
        }
    }
}

/// Take the pages of `inode` from byte `from` on out of every address
/// space that maps them (Linux's `unmap_mapping_range` with `even_cows`,
/// as `truncate_pagecache` calls it): a later access faults, and past the
/// end of the file gets `SIGBUS`. There is no reverse map: every process's
/// mappings of the file are looked at.
pub fn unmap_mapping_range(inode: &Inode, from: usize) {
    crate::proc::sched::SCHED.with(|s| {
        for pid in s.tasks.pids() {
            if let Some(t) = s.tasks.get(pid)
                && let Some(mm) = &t.mm
            {
                mm.with(|a| a.zap_file(inode, from));
            }
        }
    });
}

/// A regular tmpfs file's cache, if `inode` is one.
pub fn cache_of(inode: &Inode) -> Option<&crate::sync::UpCell<PageCache>> {
    match &inode.kind {
        InodeKind::File(c) => Some(c),
        _ => None,
    }
}

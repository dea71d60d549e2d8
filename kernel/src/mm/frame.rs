//! The physical frame allocator: one bit per 4 KiB frame of the direct map.
//!
//! Built from the boot memory map: usable RAM minus the first MiB (BIOS
//! data, VGA, the loader's low structures), the kernel image, the boot
//! information and the modules. A bitmap is the simplest structure that can
//! also hand out physically contiguous runs (the kernel heap wants one) and
//! catch double frees.

use super::{DIRECT_MAP_LIMIT, PAGE_SIZE, phys_to_virt};
use core::sync::atomic::{AtomicU16, Ordering};
use spin::Mutex;

const MAX_FRAMES: usize = DIRECT_MAP_LIMIT / PAGE_SIZE;
const WORDS: usize = MAX_FRAMES / 32;

/// A bitmap of frames: bit set = in use (or not RAM).
pub struct FrameAllocator {
    used: [u32; WORDS],
    /// One past the highest frame number that exists.
    limit: usize,
    /// Where the next search starts.
    hint: usize,
    free: usize,
}

/// Why a frame could not be freed.
#[derive(Debug, PartialEq, Eq)]
pub enum FreeError {
    NotAllocated,
    OutOfRange,
}

impl FrameAllocator {
    /// An allocator with every frame in use; `add_free` opens ranges.
    pub const fn new() -> Self {
        Self {
            used: [u32::MAX; WORDS],
            limit: 0,
            hint: 0,
            free: 0,
        }
    }

    fn is_used(&self, f: usize) -> bool {
        self.used[f / 32] & (1 << (f % 32)) != 0
    }

    fn set(&mut self, f: usize, used: bool) {
        if used {
            self.used[f / 32] |= 1 << (f % 32);
        } else {
            self.used[f / 32] &= !(1 << (f % 32));
        }
    }

    /// Mark whole frames inside physical `[start, end)` free.
    pub fn add_free(&mut self, start: u64, end: u64) {
        let end = end.min(DIRECT_MAP_LIMIT as u64);
        let first = start.div_ceil(PAGE_SIZE as u64) as usize;
        let last = (end / PAGE_SIZE as u64) as usize;
        for f in first..last.max(first) {
            if self.is_used(f) {
                self.set(f, false);
                self.free += 1;
            }
        }
        self.limit = self.limit.max(last);
    }

    /// Mark every frame touching physical `[start, end)` in use.
    pub fn reserve(&mut self, start: u64, end: u64) {
        let first = (start / PAGE_SIZE as u64) as usize;
        let last = (end.div_ceil(PAGE_SIZE as u64) as usize).min(MAX_FRAMES);
        for f in first..last.max(first) {
            if !self.is_used(f) {
                self.set(f, true);
                self.free -= 1;
            }
        }
    }

    /// Take one frame: the lowest free one at or above the hint, a word
    /// of the bitmap at a time, wrapping once.
    fn alloc_one(&mut self) -> Option<usize> {
        let words = self.limit.div_ceil(32);
        let start = self.hint / 32;
        let w = (start..words)
            .chain(0..start)
            .find(|&w| self.used[w] != u32::MAX)?;
        let f = w * 32 + self.used[w].trailing_ones() as usize;
        if f >= self.limit {
            return None; // only the bits past the last frame were clear
        }
        self.set(f, true);
        self.free -= 1;
        self.hint = f + 1;
        Some(f * PAGE_SIZE)
    }

    /// Take `n` physically contiguous frames; returns the first's address.
    pub fn alloc_contiguous(&mut self, n: usize) -> Option<usize> {
        if n == 0 || n > self.free {
            return None;
        }
        if n == 1 {
            return self.alloc_one();
        }
        let mut run = 0;
        let mut f = 0;
        let mut scanned = 0;
        while scanned < self.limit {
            if f >= self.limit {
                f = 0;
                run = 0;
            }
            if self.is_used(f) {
                run = 0;
            } else {
                run += 1;
                if run == n {
                    let first = f + 1 - n;
                    for g in first..=f {
                        self.set(g, true);
                    }
                    self.free -= n;
                    self.hint = f + 1;
                    return Some(first * PAGE_SIZE);
                }
            }
            f += 1;
            scanned += 1;
        }
        None
    }

    /// Give a frame back.
    pub fn free(&mut self, pa: usize) -> Result<(), FreeError> {
        let f = pa / PAGE_SIZE;
        if f >= self.limit {
            return Err(FreeError::OutOfRange);
        }
        if !self.is_used(f) {
            return Err(FreeError::NotAllocated);
        }
        self.set(f, false);
        self.free += 1;
        // The next allocation reuses the lowest freed frame, as Linux's
        // per-CPU lists hand back the most recently freed ("hot") pages: a
        // small working set of frames, not a cursor sweeping all of RAM.
        // Under QEMU that sweep was what wore the kernel down: every frame
        // that ever held code carries translated blocks, and the first
        // write to such a frame invalidates them (fork, exec and mmap grew
        // 1.4-3.7 times dearer after the fuzzer's 10^6 calls).
        self.hint = self.hint.min(f);
        Ok(())
    }

    /// Frames currently free.
    pub fn free_frames(&self) -> usize {
        self.free
    }
}

impl Default for FrameAllocator {
    fn default() -> Self {
        Self::new()
    }
}

static FRAMES: Mutex<FrameAllocator> = Mutex::new(FrameAllocator::new());

/// Build the allocator: usable regions minus `reserved` ranges.
pub fn init(usable: impl Iterator<Item = (u64, u64)>, reserved: &[(u64, u64)]) {
    let mut fa = FRAMES.lock();
    for (s, e) in usable {
        fa.add_free(s, e);
    }
    for &(s, e) in reserved {
        fa.reserve(s, e);
    }
}

/// One frame, contents undefined.
pub fn alloc() -> Option<usize> {
    FRAMES.lock().alloc_contiguous(1)
}

/// One frame filled with zeros.
pub fn alloc_zeroed() -> Option<usize> {
    alloc().map(zeroed)
}

/// Fill the frame at `pa`, just allocated, with zeros; returns it.
fn zeroed(pa: usize) -> usize {
    // SAFETY: the frame was just allocated to the caller and lies in the
    // direct map.
    unsafe { core::ptr::write_bytes(phys_to_virt(pa) as *mut u8, 0, PAGE_SIZE) };
    pa
}

/// Frames user memory leaves to the kernel (Linux's `min_free_kbytes`
/// watermark, 1 MiB here): the pages, page tables and copies a process
/// causes fail below it, with `-ENOMEM` or the OOM killer, so the kernel
/// can still grow its heap and kernel stacks to finish its own work.
pub const KERNEL_RESERVE: usize = 256;

/// One frame for user memory (or a user page table), unless only the
/// kernel's reserve is left.
pub fn alloc_user() -> Option<usize> {
    let mut f = FRAMES.lock();
    if f.free_frames() <= KERNEL_RESERVE {
        return None;
    }
    f.alloc_contiguous(1)
}

/// [`alloc_user`], filled with zeros.
pub fn alloc_user_zeroed() -> Option<usize> {
    alloc_user().map(zeroed)
}

/// `n` contiguous frames.
pub fn alloc_contiguous(n: usize) -> Option<usize> {
    FRAMES.lock().alloc_contiguous(n)
}

/// Free a frame; freeing one that is not allocated is a kernel bug.
pub fn free(pa: usize) {
    if let Err(e) = FRAMES.lock().free(pa) {
        panic!("frame::free({pa:#x}): {e:?}");
    }
}

/// How many address spaces map each frame beyond the first (Linux's
/// `page_count` minus one): 0 for a frame with one owner, which is every
/// frame but the copy-on-write pages `fork` leaves shared. A frame is
/// freed by its last owner's [`put`].
static SHARERS: [AtomicU16; MAX_FRAMES] = [const { AtomicU16::new(0) }; MAX_FRAMES];

/// One more owner of the user frame `pa` (Linux's `get_page`); `false`,
/// changing nothing, if it has as many as can be counted (the caller
/// copies the page instead).
pub fn get(pa: usize) -> bool {
    let n = &SHARERS[pa / PAGE_SIZE];
    let c = n.load(Ordering::Relaxed);
    if c == u16::MAX {
        return false;
    }
    n.store(c + 1, Ordering::Relaxed);
    true
}

/// Does more than one address space own the frame `pa`?
pub fn is_shared(pa: usize) -> bool {
    SHARERS[pa / PAGE_SIZE].load(Ordering::Relaxed) != 0
}

/// One owner fewer (Linux's `put_page`): the last one frees the frame.
pub fn put(pa: usize) {
    let n = &SHARERS[pa / PAGE_SIZE];
    match n.load(Ordering::Relaxed) {
        0 => free(pa),
        c => n.store(c - 1, Ordering::Relaxed),
    }
}

/// Frames currently free.
pub fn free_frames() -> usize {
    FRAMES.lock().free_frames()
}

/// [`free_frames`], or `None` if the allocator is locked (for the panic
/// screen, which may interrupt it).
pub fn try_free_frames() -> Option<usize> {
    FRAMES.try_lock().map(|f| f.free_frames())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A second allocator for the test, built at compile time: 24 KiB of
    /// bitmap would not fit a kernel stack (Box::new builds on the stack).
    static TEST_FA: Mutex<FrameAllocator> = Mutex::new(FrameAllocator::new());

    #[test_case]
    fn bitmap_allocates_frees_and_catches_double_free() {
        let mut fa = TEST_FA.lock();
        fa.add_free(0x10_0000, 0x10_8000); // 8 frames
        fa.reserve(0x10_2000, 0x10_2001); // frame 2 of them
        assert_eq!(fa.free_frames(), 7);
        let a = fa.alloc_contiguous(1).unwrap();
        assert_eq!(a, 0x10_0000);
        // Three contiguous frames must skip the reserved one.
        assert_eq!(fa.alloc_contiguous(3), Some(0x10_3000));
        assert_eq!(fa.free(a), Ok(()));
        assert_eq!(fa.free(a), Err(FreeError::NotAllocated));
        assert_eq!(fa.free(0x9000_0000), Err(FreeError::OutOfRange));
        assert_eq!(fa.alloc_contiguous(5), None);
        // A freed frame is the next one handed out (below the hint).
        let b = fa.alloc_contiguous(1).unwrap();
        assert_eq!(b, 0x10_0000);
        assert_eq!(fa.free(b), Ok(()));
        assert_eq!(fa.alloc_contiguous(1), Some(b));
    }

    static TEST_FB: Mutex<FrameAllocator> = Mutex::new(FrameAllocator::new());

    #[test_case]
    fn single_frames_skip_full_words_and_wrap() {
        let mut fa = TEST_FB.lock();
        fa.add_free(0, 70 * PAGE_SIZE as u64); // frames 0..70: three words
        for f in 0..70 {
            assert_eq!(fa.alloc_contiguous(1), Some(f * PAGE_SIZE));
        }
        assert_eq!(fa.alloc_contiguous(1), None);
        // One free frame past two full words, then one before the hint.
        assert_eq!(fa.free(66 * PAGE_SIZE), Ok(()));
        assert_eq!(fa.alloc_contiguous(1), Some(66 * PAGE_SIZE));
        assert_eq!(fa.free(40 * PAGE_SIZE), Ok(()));
        fa.hint = 67;
        assert_eq!(fa.alloc_contiguous(1), Some(40 * PAGE_SIZE));
        assert_eq!(fa.free_frames(), 0);
    }
}

//! Memory-mapping flags for `mmap`/`mmap2`, `mprotect`, `mremap`, `msync` and
//! `madvise`, as i386 Linux defines them (x86 uses the generic values).

// arch/x86/include/asm/page_types.h: PAGE_SHIFT is 12 on x86.

/// The i386 page size; also the unit of `mmap2`'s offset argument.
pub const PAGE_SIZE: usize = 4096;

// include/uapi/asm-generic/mman-common.h: page protection.

/// Pages may not be accessed.
pub const PROT_NONE: u32 = 0x0;
/// Pages may be read.
pub const PROT_READ: u32 = 0x1;
/// Pages may be written.
pub const PROT_WRITE: u32 = 0x2;
/// Pages may be executed.
pub const PROT_EXEC: u32 = 0x4;
/// `mprotect`: extend the change down to the start of a grows-down mapping.
pub const PROT_GROWSDOWN: u32 = 0x0100_0000;
/// `mprotect`: extend the change up to the end of a grows-up mapping.
pub const PROT_GROWSUP: u32 = 0x0200_0000;

// include/uapi/linux/mman.h: mapping type.

/// Changes are shared with other mappings of the object.
pub const MAP_SHARED: u32 = 0x01;
/// Changes are private (copy on write).
pub const MAP_PRIVATE: u32 = 0x02;
/// `MAP_SHARED`, and reject unknown flags.
pub const MAP_SHARED_VALIDATE: u32 = 0x03;

// include/uapi/asm-generic/mman-common.h: mapping flags.

/// Mask of the mapping-type bits.
pub const MAP_TYPE: u32 = 0x0f;
/// Map exactly at the given address, replacing what is there.
pub const MAP_FIXED: u32 = 0x10;
/// Not backed by a file; zero-filled (the fd is ignored).
pub const MAP_ANONYMOUS: u32 = 0x20;
/// Prefault the page tables.
pub const MAP_POPULATE: u32 = 0x00_8000;
/// With `MAP_POPULATE`: do not block on I/O.
pub const MAP_NONBLOCK: u32 = 0x01_0000;
/// An address suitable for a process or thread stack.
pub const MAP_STACK: u32 = 0x02_0000;
/// Back the mapping with huge pages.
pub const MAP_HUGETLB: u32 = 0x04_0000;
/// Like `MAP_FIXED`, but fail with `EEXIST` instead of replacing a mapping.
pub const MAP_FIXED_NOREPLACE: u32 = 0x10_0000;

// include/uapi/asm-generic/mman.h: more mapping flags.

/// A stack-like mapping that grows down on faults below it.
pub const MAP_GROWSDOWN: u32 = 0x0100;
/// Ignored (historically: `ETXTBSY` on writes to the file).
pub const MAP_DENYWRITE: u32 = 0x0800;
/// Ignored (historically: mark as executable).
pub const MAP_EXECUTABLE: u32 = 0x1000;
/// Lock the pages in memory.
pub const MAP_LOCKED: u32 = 0x2000;
/// Do not reserve swap space.
pub const MAP_NORESERVE: u32 = 0x4000;

// include/uapi/linux/mman.h: mremap(2) flags.

/// The mapping may be moved to a new address.
pub const MREMAP_MAYMOVE: u32 = 1;
/// Move to exactly the given new address.
pub const MREMAP_FIXED: u32 = 2;
/// Move, leaving the old range mapped (and empty).
pub const MREMAP_DONTUNMAP: u32 = 4;

// include/uapi/asm-generic/mman.h: mlockall(2) and mlock2(2) flags.

/// Lock the pages mapped now.
pub const MCL_CURRENT: u32 = 1;
/// Lock the pages mapped from now on.
pub const MCL_FUTURE: u32 = 2;
/// With the others: lock pages as they are faulted in.
pub const MCL_ONFAULT: u32 = 4;
/// `mlock2`: lock pages as they are faulted in.
pub const MLOCK_ONFAULT: u32 = 1;

// include/uapi/asm-generic/mman-common.h: msync(2) flags.

/// Schedule the write-back and return.
pub const MS_ASYNC: u32 = 1;
/// Invalidate other mappings of the same file.
pub const MS_INVALIDATE: u32 = 2;
/// Write back and wait.
pub const MS_SYNC: u32 = 4;

// include/uapi/asm-generic/mman-common.h: madvise(2) advice.

/// No special treatment.
pub const MADV_NORMAL: u32 = 0;
/// Expect random access.
pub const MADV_RANDOM: u32 = 1;
/// Expect sequential access.
pub const MADV_SEQUENTIAL: u32 = 2;
/// Expect access soon.
pub const MADV_WILLNEED: u32 = 3;
/// Drop the pages (private anonymous memory reads back as zeros).
pub const MADV_DONTNEED: u32 = 4;
/// The pages may be freed lazily under memory pressure.
pub const MADV_FREE: u32 = 8;
/// Punch a hole in the shared memory behind the range.
pub const MADV_REMOVE: u32 = 9;
/// Do not map the range into a child at `fork`.
pub const MADV_DONTFORK: u32 = 10;
/// Undo `MADV_DONTFORK`.
pub const MADV_DOFORK: u32 = 11;
/// KSM may merge the pages.
pub const MADV_MERGEABLE: u32 = 12;
/// Undo `MADV_MERGEABLE`.
pub const MADV_UNMERGEABLE: u32 = 13;
/// Prefer transparent huge pages.
pub const MADV_HUGEPAGE: u32 = 14;
/// Avoid transparent huge pages.
pub const MADV_NOHUGEPAGE: u32 = 15;
/// Leave the range out of core dumps.
pub const MADV_DONTDUMP: u32 = 16;
/// Undo `MADV_DONTDUMP`.
pub const MADV_DODUMP: u32 = 17;
/// Zero the range in a child at `fork`.
pub const MADV_WIPEONFORK: u32 = 18;
/// Undo `MADV_WIPEONFORK`.
pub const MADV_KEEPONFORK: u32 = 19;
/// The pages are cold: reclaim them first.
pub const MADV_COLD: u32 = 20;
/// Reclaim the pages now.
pub const MADV_PAGEOUT: u32 = 21;
/// Fault the pages in, readable.
pub const MADV_POPULATE_READ: u32 = 22;
/// Fault the pages in, writable.
pub const MADV_POPULATE_WRITE: u32 = 23;
/// `MADV_DONTNEED`, allowed on locked pages.
pub const MADV_DONTNEED_LOCKED: u32 = 24;
/// Collapse the range into transparent huge pages.
pub const MADV_COLLAPSE: u32 = 25;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(PROT_READ | PROT_WRITE | PROT_EXEC, 7);
        assert_eq!(MAP_PRIVATE | MAP_ANONYMOUS, 0x22);
        assert_eq!(MAP_FIXED_NOREPLACE, 0x100000);
        assert_eq!(MAP_GROWSDOWN, 0x100);
        assert_eq!(MAP_NORESERVE, 0x4000);
    }
}

flags! {
    /// `mmap`'s and `mprotect`'s `prot` argument.
    pub struct ProtFlags [PROT_NONE if PROT_READ | PROT_WRITE | PROT_EXEC] {
        PROT_READ, PROT_WRITE, PROT_EXEC, PROT_GROWSDOWN, PROT_GROWSUP,
    }
}

flags! {
    /// `mmap`'s `flags` argument.
    pub struct MapFlags {
        MAP_SHARED_VALIDATE, MAP_SHARED, MAP_PRIVATE, MAP_FIXED, MAP_ANONYMOUS, MAP_GROWSDOWN,
        MAP_DENYWRITE, MAP_EXECUTABLE, MAP_LOCKED, MAP_NORESERVE, MAP_POPULATE, MAP_NONBLOCK,
        MAP_STACK, MAP_HUGETLB, MAP_FIXED_NOREPLACE,
    }
}

//! Memory tests: `brk` (grow, shrink, refuse), `mmap2`/`munmap` of anonymous
//! memory and their argument checks, and the runtime's heap on top of them.

use alloc::string::String;
use alloc::vec::Vec;
use alloc::{format, vec};
use core::ptr;

use abi::errno::{EBADF, EFAULT, EINVAL};
use abi::mman::{MAP_ANONYMOUS, MAP_PRIVATE, PROT_NONE, PROT_READ, PROT_WRITE};
use rt::sys;
use rt::syscall::is_error;

use crate::check::{TestResult, ensure, err, expect_eq, expect_ret, show};

const PAGE: usize = 4096;

/// Checks that `len` bytes at `addr` read as zero, then that a pattern
/// written there reads back. Volatile accesses, so every byte really goes
/// to memory and back (the compiler may not fold the read-back).
///
/// # Safety
///
/// `addr..addr + len` must be mapped read-write and hold no Rust object.
unsafe fn zero_then_writable(addr: usize, len: usize, what: &str) -> TestResult {
    let base = addr as *mut u8;
    let pattern = |i: usize| (i % 251) as u8;
    // SAFETY: the caller guarantees the range is ours, mapped RW, unused;
    // every offset below is < len.
    unsafe {
        for i in 0..len {
            let b = ptr::read_volatile(base.add(i));
            ensure!(
                b == 0,
                "{what}: byte at {:#x} is {b:#x}, expected 0",
                addr + i
            );
        }
        for i in 0..len {
            ptr::write_volatile(base.add(i), pattern(i));
        }
        for i in 0..len {
            let b = ptr::read_volatile(base.add(i));
            ensure!(
                b == pattern(i),
                "{what}: wrote {:#x} at {:#x}, read back {b:#x}",
                pattern(i),
                addr + i
            );
        }
    }
    Ok(())
}

/// `brk(0)` reports the break; growing by 64 KiB returns the new break and
/// gives zeroed writable memory; shrinking works and regrowing gives fresh
/// zero pages; impossible requests (kernel half, below the start) return the
/// break unchanged.
pub fn brk() -> TestResult {
    // SAFETY: (every brk call below) the runtime's heap does not use
    // brk, so no Rust object lives above the initial break.
    let brk = |addr| unsafe { sys::brk(addr) } as isize;
    let b0 = brk(0);
    ensure!(b0 > 0, "brk(0) = {}", show(b0));
    let b0 = b0 as usize;
    let grow = 64 * 1024;

    expect_ret!("brk(+64 KiB)", brk(b0 + grow), (b0 + grow) as isize);
    expect_ret!("brk(0) after growing", brk(0), (b0 + grow) as isize);
    // SAFETY: the kernel just mapped b0..b0+grow read-write for us.
    unsafe { zero_then_writable(b0, grow, "new brk memory")? };

    expect_ret!(
        "brk(shrink to +4 KiB)",
        brk(b0 + PAGE),
        (b0 + PAGE) as isize
    );
    expect_ret!("brk(0) after shrinking", brk(0), (b0 + PAGE) as isize);
    expect_ret!(
        "brk(regrow to +64 KiB)",
        brk(b0 + grow),
        (b0 + grow) as isize
    );
    // Whole pages given back and taken again must be zero again.
    let fresh = (b0 + PAGE).next_multiple_of(PAGE);
    // SAFETY: mapped read-write by the regrow, unused by Rust.
    unsafe { zero_then_writable(fresh, b0 + grow - fresh, "regrown brk memory")? };

    let now = (b0 + grow) as isize;
    for (addr, label) in [
        (0xFFFF_F000usize, "brk(0xfffff000) (kernel half)"),
        (0xFFFF_FFFF, "brk(0xffffffff)"),
        (0x1000, "brk(0x1000) (below the start)"),
    ] {
        expect_ret!(label, brk(addr), now);
    }
    expect_ret!("brk(back to the start)", brk(b0), b0 as isize);
    expect_ret!("brk(0) at the end", brk(0), b0 as isize);
    Ok(())
}

/// Maps `len` bytes of anonymous read-write memory.
fn map_anon(len: usize) -> isize {
    // SAFETY: no MAP_FIXED: the kernel picks a free range, nothing is
    // replaced.
    unsafe {
        sys::mmap2(
            0,
            len,
            PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS,
            -1,
            0,
        )
    }
}

/// Anonymous private read-write `mmap2` of 3 pages: page-aligned, zeroed,
/// writable, distinct from a second mapping; `munmap` returns 0.
pub fn mmap2_anon() -> TestResult {
    let len = 3 * PAGE;
    let p = map_anon(len);
    ensure!(!is_error(p) && p != 0, "mmap2(3 pages) = {}", show(p));
    let p = p as usize;
    ensure!(
        p.is_multiple_of(PAGE),
        "mmap2 returned {p:#x}, not page-aligned"
    );
    // SAFETY: freshly mapped read-write for us.
    unsafe { zero_then_writable(p, len, "mmap2 memory")? };

    let q = map_anon(len);
    ensure!(
        !is_error(q) && q != 0,
        "second mmap2(3 pages) = {}",
        show(q)
    );
    let q = q as usize;
    ensure!(
        q + len <= p || p + len <= q,
        "mappings overlap: {p:#x} and {q:#x} ({len:#x} bytes each)"
    );
    // SAFETY: freshly mapped read-write for us.
    unsafe { zero_then_writable(q, len, "second mmap2 memory")? };
    // SAFETY: the mappings hold no Rust object.
    unsafe {
        expect_ret!("munmap(first)", sys::munmap(p, len), 0);
        expect_ret!("munmap(second)", sys::munmap(q, len), 0);
    }
    Ok(())
}

/// `mmap2`/`munmap` argument checks: length 0, no sharing type, a file
/// mapping of fd -1, unaligned `munmap`, `munmap` of length 0.
pub fn mmap2_errors() -> TestResult {
    // SAFETY: (every call below) each request is invalid and must map
    // or unmap nothing.
    unsafe {
        let anon = MAP_PRIVATE | MAP_ANONYMOUS;
        let rw = PROT_READ | PROT_WRITE;
        expect_ret!(
            "mmap2(len 0)",
            sys::mmap2(0, 0, rw, anon, -1, 0),
            err(EINVAL)
        );
        expect_ret!(
            "mmap2(MAP_ANONYMOUS without PRIVATE/SHARED)",
            sys::mmap2(0, PAGE, rw, MAP_ANONYMOUS, -1, 0),
            err(EINVAL)
        );
        expect_ret!(
            "mmap2(file mapping of fd -1)",
            sys::mmap2(0, PAGE, rw, MAP_PRIVATE, -1, 0),
            err(EBADF)
        );
    }
    let p = map_anon(PAGE);
    ensure!(!is_error(p), "mmap2(1 page) = {}", show(p));
    let p = p as usize;
    // SAFETY: invalid requests change nothing; the final one unmaps our own
    // unused page.
    unsafe {
        expect_ret!("munmap(unaligned)", sys::munmap(p + 1, PAGE), err(EINVAL));
        expect_ret!("munmap(len 0)", sys::munmap(p, 0), err(EINVAL));
        expect_ret!("munmap(page)", sys::munmap(p, PAGE), 0);
    }
    Ok(())
}

/// The runtime's allocator (over `mmap2`) backs `Vec`, `String` and large
/// allocations that need several chunks.
pub fn heap() -> TestResult {
    let v: Vec<u32> = (0..20_000).collect();
    let sum: u64 = v.iter().map(|&x| u64::from(x)).sum();
    expect_eq!("sum of 0..20000 in a Vec", sum, 199_990_000);
    let mut s = String::new();
    for i in 0..100 {
        s.push_str(&format!("{i},"));
    }
    expect_eq!("String length", s.len(), 290);
    ensure!(
        s.starts_with("0,1,2,") && s.ends_with("98,99,"),
        "String contents"
    );
    let big = vec![0xA5u8; 1 << 20];
    ensure!(big.iter().all(|&b| b == 0xA5), "1 MiB vec! contents");
    Ok(())
}

/// A page made `PROT_NONE` by mprotect, after it was touched, is out of
/// reach for the kernel's user copies too: `write` from it is `-EFAULT`.
pub fn mprotect_none() -> TestResult {
    let p = map_anon(PAGE);
    ensure!(!is_error(p), "mmap2(1 page) = {}", show(p));
    let p = p as usize;
    // SAFETY: our own fresh RW page.
    unsafe { ptr::write_volatile(p as *mut u8, b'x') };
    // SAFETY: mprotect/munmap of our own page.
    unsafe {
        expect_ret!(
            "mprotect(PROT_NONE)",
            rt::syscall::syscall3(abi::syscalls::NR_MPROTECT, p, PAGE, PROT_NONE as usize),
            0
        );
    }
    // SAFETY: only the kernel reads the buffer, through its user copy.
    let r = sys::write(1, unsafe { core::slice::from_raw_parts(p as *const u8, 1) });
    expect_ret!("write(1, PROT_NONE page, 1)", r, err(EFAULT));
    // SAFETY: unmaps our own page.
    unsafe { expect_ret!("munmap", sys::munmap(p, PAGE), 0) };
    Ok(())
}

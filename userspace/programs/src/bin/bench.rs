//! `bench`: the cost of a system call, measured from user space with
//! `rdtsc`, on our kernel and on Linux alike (a static i386 ELF that uses
//! only the Linux ABI).
//!
//! Every metric is the median over `BATCHES` batches of the per-call cost
//! in a batch of `ITERS` calls; the loops are in asm so both kernels run the
//! very same instructions. Output lines (parsed by `scripts/bench`):
//!
//! ```text
//! bench boot_tsc <tsc at the first instruction of main>
//! bench <metric> <median cycles per call> <min> <max>
//! ```
//!
//! Kernels that have pipes also get a pipe round trip between two processes.
//! The metrics that need a C library's threads (futex round trip,
//! `pthread_create`+`join`) and the page-fault and file-mapping ones come
//! from `/bench_libc` (`userspace/c/bench_libc.c`), which this program runs
//! when the initramfs has it.
//!
//! `bench --floor` also measures the bare `sysenter`→`sysexit` and
//! `int`→`iret` round trips, which only our kernel booted with the option
//! `bench_floor` provides (see `kernel/src/arch/x86/floor.rs`).
//! `bench --profile fork|exec` does only that operation, `PROFILE_ROUNDS`
//! times between calls to `bench_profile_start` and `bench_profile_end`,
//! the markers `scripts/insn-profile` stops at to count its instructions.
//! At the end the program powers the machine off with `reboot(2)`.

#![no_std]
#![no_main]

extern crate alloc;

use abi::syscalls::{NR_EXECVE, NR_GETPID, NR_REBOOT, NR_WAIT4, NR_WRITE};
use alloc::vec::Vec;
use core::arch::{asm, global_asm};
use rt::{Args, println};

rt::entry!(main);

/// Batches per metric and calls per batch (30 × 10,000 as the issue asks).
const BATCHES: usize = 30;
const ITERS: u32 = 10_000;
/// The value in EAX that the floor stubs recognise.
const FLOOR_MAGIC: u32 = 0x7FFF_F100;

fn rdtsc() -> u64 {
    let (lo, hi): (u32, u32);
    // SAFETY: RDTSC only reads the time-stamp counter.
    unsafe { asm!("rdtsc", out("eax") lo, out("edx") hi, options(nomem, nostack)) };
    (u64::from(hi) << 32) | u64::from(lo)
}

global_asm!(
    r#"
    .text
    /* Each loop: u32 n on the stack (cdecl); callee-saved registers kept. */
    .global bench_loop_empty
    bench_loop_empty:
        push esi
        mov esi, [esp + 8]
    bench_empty_again:
        mov eax, {getpid}
        dec esi
        jnz bench_empty_again
        pop esi
        ret

    .global bench_loop_int80
    bench_loop_int80:
        push esi
        mov esi, [esp + 8]
    bench_int80_again:
        mov eax, {getpid}
        int 0x80
        dec esi
        jnz bench_int80_again
        pop esi
        ret

    /* (n, vsyscall address) */
    .global bench_loop_vsyscall
    bench_loop_vsyscall:
        push esi
        push edi
        mov esi, [esp + 12]
        mov edi, [esp + 16]
    bench_vsys_again:
        mov eax, {getpid}
        call edi
        dec esi
        jnz bench_vsys_again
        pop edi
        pop esi
        ret

    /* The seeds' raw sequence: push ret; push ecx; push edx; push ebp;
       mov ebp, esp; sysenter. The kernel returns to the vDSO landing pad,
       which pops ebp, edx, ecx and returns to bench_raw_ret. */
    .global bench_loop_raw_sysenter
    bench_loop_raw_sysenter:
        push esi
        push ebp
        mov esi, [esp + 12]
    bench_raw_again:
        mov eax, offset bench_raw_ret
        push eax
        mov eax, {getpid}
        push ecx
        push edx
        push ebp
        mov ebp, esp
        sysenter
    bench_raw_ret:
        dec esi
        jnz bench_raw_again
        pop ebp
        pop esi
        ret

    /* write(-1, NULL, 0) through the vDSO: the -EBADF path. (n, vsyscall) */
    .global bench_loop_badfd
    bench_loop_badfd:
        push ebx
        push esi
        push edi
        mov esi, [esp + 16]
        mov edi, [esp + 20]
    bench_badfd_again:
        mov eax, {write}
        mov ebx, -1
        xor ecx, ecx
        xor edx, edx
        call edi
        dec esi
        jnz bench_badfd_again
        pop edi
        pop esi
        pop ebx
        ret

    /* clock_gettime(CLOCK_MONOTONIC, &ts) through the vDSO's
       __vdso_clock_gettime, called as a C library calls it. (n, function) */
    .global bench_loop_vclock
    bench_loop_vclock:
        push esi
        push edi
        mov esi, [esp + 12]
        mov edi, [esp + 16]
        sub esp, 16
    bench_vclock_again:
        lea eax, [esp + 8]
        mov [esp + 4], eax
        mov dword ptr [esp], 1
        call edi
        dec esi
        jnz bench_vclock_again
        add esp, 16
        pop edi
        pop esi
        ret

    /* The hardware floor (our kernel with `bench_floor` only): sysenter to
       a stub that does nothing but sti; sysexit back to EDX/ECX. */
    .global bench_loop_floor_sysenter
    bench_loop_floor_sysenter:
        push esi
        mov esi, [esp + 8]
    bench_floor_se_again:
        mov eax, {magic}
        mov ecx, esp
        mov edx, offset bench_floor_se_ret
        sysenter
    bench_floor_se_ret:
        dec esi
        jnz bench_floor_se_again
        pop esi
        ret

    /* int 0x82 to a stub that is only iret. */
    .global bench_loop_floor_int
    bench_loop_floor_int:
        push esi
        mov esi, [esp + 8]
    bench_floor_int_again:
        int 0x82
        dec esi
        jnz bench_floor_int_again
        pop esi
        ret
    "#,
    getpid = const NR_GETPID,
    write = const NR_WRITE,
    magic = const FLOOR_MAGIC,
);

unsafe extern "C" {
    fn bench_loop_empty(n: u32);
    fn bench_loop_int80(n: u32);
    fn bench_loop_vsyscall(n: u32, vsys: usize);
    fn bench_loop_raw_sysenter(n: u32);
    fn bench_loop_badfd(n: u32, vsys: usize);
    fn bench_loop_vclock(n: u32, func: usize);
    fn bench_loop_floor_sysenter(n: u32);
    fn bench_loop_floor_int(n: u32);
}

/// The measured loops (in asm above).
#[derive(Clone, Copy)]
enum Loop {
    Empty,
    Int80,
    Vsyscall,
    RawSysenter,
    BadFd,
    /// `vsys` is `__vdso_clock_gettime` here.
    VdsoClock,
    FloorSysenter,
    FloorInt,
}

/// Run `n` iterations of a loop; `vsys` is `AT_SYSINFO` (for the vDSO loops).
fn run(l: Loop, n: u32, vsys: usize) {
    // SAFETY: each loop issues only getpid / write(-1, NULL, 0) system calls,
    // vDSO clock reads into its own stack, or the floor round trips, and
    // keeps every register the cdecl ABI needs; the vDSO loops run only
    // when `vsys` came from AT_SYSINFO (or the vDSO's symbol table) and the
    // floor loops only with --floor (our kernel booted with bench_floor).
    unsafe {
        match l {
            Loop::Empty => bench_loop_empty(n),
            Loop::Int80 => bench_loop_int80(n),
            Loop::Vsyscall => bench_loop_vsyscall(n, vsys),
            Loop::RawSysenter => bench_loop_raw_sysenter(n),
            Loop::BadFd => bench_loop_badfd(n, vsys),
            Loop::VdsoClock => bench_loop_vclock(n, vsys),
            Loop::FloorSysenter => bench_loop_floor_sysenter(n),
            Loop::FloorInt => bench_loop_floor_int(n),
        }
    }
}

/// The address of the vDSO's dynamic symbol `name`, from the ELF image at
/// `base` (`AT_SYSINFO_EHDR`): the dynamic section's symbol, string and
/// hash tables, as a dynamic linker finds them.
fn vdso_sym(base: usize, name: &[u8]) -> Option<usize> {
    // SAFETY: `base` is AT_SYSINFO_EHDR, a mapped, readable ELF image whose
    // headers and tables the kernel (or Linux) built; every offset read is
    // one that image's own headers give.
    let word = |addr: usize| unsafe { (addr as *const u32).read_unaligned() } as usize;
    // SAFETY: as for `word`.
    let half = |addr: usize| unsafe { (addr as *const u16).read_unaligned() } as usize;
    // SAFETY: as for `word`.
    let byte = |addr: usize| unsafe { *(addr as *const u8) };
    let (phoff, phnum) = (word(base + 28), half(base + 44));
    let (mut load, mut dynamic) = (None, None);
    for i in 0..phnum {
        let ph = base + phoff + i * 32;
        match word(ph) {
            1 if load.is_none() => load = Some(base + word(ph + 4) - word(ph + 8)),
            2 => dynamic = Some(base + word(ph + 4)),
            _ => {}
        }
    }
    let (load, mut d) = (load?, dynamic?);
    let (mut symtab, mut strtab, mut hash) = (0, 0, 0);
    while word(d) != 0 {
        let v = load + word(d + 4);
        match word(d) {
            4 => hash = v,   // DT_HASH
            5 => strtab = v, // DT_STRTAB
            6 => symtab = v, // DT_SYMTAB
            _ => {}
        }
        d += 8;
    }
    if symtab == 0 || strtab == 0 || hash == 0 {
        return None;
    }
    (0..word(hash + 4)).find_map(|i| {
        let sym = symtab + i * 16;
        // The name, NUL included, compared up to the first difference.
        let at = strtab + word(sym);
        if !name
            .iter()
            .chain(&[0])
            .enumerate()
            .all(|(i, &c)| byte(at + i) == c)
        {
            return None;
        }
        (half(sym + 14) != 0).then(|| load + word(sym + 4))
    })
}

/// Median, min and max of per-call cycles over the batches.
fn measure(iters: u32, mut f: impl FnMut(u32)) -> (u64, u64, u64) {
    f(iters.min(100)); // warm up: fault in pages, fill caches and TBs
    let mut v: Vec<u64> = (0..BATCHES)
        .map(|_| {
            let t0 = rdtsc();
            f(iters);
            (rdtsc() - t0) / u64::from(iters)
        })
        .collect();
    v.sort_unstable();
    (v[BATCHES / 2], v[0], v[BATCHES - 1])
}

fn report(name: &str, r: (u64, u64, u64)) {
    println!("bench {name} {} {} {}", r.0, r.1, r.2);
}

/// The metrics that involve processes, pipes and memory (the ones a
/// kernel's wear would show in), each name with `suffix`.
fn processes_and_memory(suffix: &str, v: usize) {
    let self_path = c"/bench";
    let name = |m: &str| alloc::format!("{m}{suffix}");
    if v != 0 && !suffix.is_empty() {
        report(
            &name("getpid_vsyscall"),
            measure(ITERS, |n| run(Loop::Vsyscall, n, v)),
        );
    }
    report(
        &name("fork_exit_wait4"),
        measure(100, |n| (0..n).for_each(|_| spawn(false, self_path))),
    );
    report(
        &name("fork_execve_wait4"),
        measure(20, |n| (0..n).for_each(|_| spawn(true, self_path))),
    );
    if let Some(r) = pipe_round_trips() {
        report(&name("pipe_round_trip"), r);
    }
    report(
        &name("mmap_touch_munmap"),
        measure(1000, |n| (0..n).for_each(|_| mmap_touch_munmap())),
    );
    report(
        &name("pipe2_close"),
        measure(1000, |n| (0..n).for_each(|_| pipe2_close())),
    );
}

/// One anonymous page mapped, written, unmapped.
fn mmap_touch_munmap() {
    let (prot, flags) = (
        abi::mman::PROT_READ | abi::mman::PROT_WRITE,
        abi::mman::MAP_PRIVATE | abi::mman::MAP_ANONYMOUS,
    );
    // SAFETY: no MAP_FIXED: the kernel picks a free range.
    let p = unsafe { rt::sys::mmap2(0, 4096, prot, flags, -1, 0) };
    if rt::syscall::is_error(p) {
        return;
    }
    // SAFETY: the page was just mapped read-write for us, and is unmapped
    // right after, with nothing else using it.
    unsafe {
        (p as *mut u8).write_volatile(1);
        rt::sys::munmap(p as usize, 4096);
    }
}

/// A pipe made and both ends closed.
fn pipe2_close() {
    let mut fds = [0i32; 2];
    // SAFETY: pipe2 writes two ints into our array.
    if unsafe { rt::syscall::syscall2(abi::syscalls::NR_PIPE2, fds.as_mut_ptr() as usize, 0) } == 0
    {
        for fd in fds {
            // SAFETY: closes our own descriptors.
            unsafe { rt::syscall::syscall1(abi::syscalls::NR_CLOSE, fd as usize) };
        }
    }
}

/// Run `/fuzz --seed 0x1234 --calls N` and wait for it; false if there is
/// no fuzzer in the initramfs.
fn churn(calls: &str) -> bool {
    let path = c"/fuzz";
    let mut arg = alloc::vec::Vec::from(calls.as_bytes());
    arg.push(0);
    let argv = [
        path.as_ptr() as usize,
        c"--seed".as_ptr() as usize,
        c"0x1234".as_ptr() as usize,
        c"--calls".as_ptr() as usize,
        arg.as_ptr() as usize,
        0,
    ];
    println!("bench: churn: /fuzz --seed 0x1234 --calls {calls}");
    let pid = rt::sys::fork();
    if pid == 0 {
        // SAFETY: NUL-terminated strings and a NULL-terminated argv.
        unsafe {
            rt::syscall::syscall3(NR_EXECVE, path.as_ptr() as usize, argv.as_ptr() as usize, 0)
        };
        rt::sys::exit_group(127);
    }
    let mut status = 0i32;
    // SAFETY: a valid status pointer; no rusage.
    unsafe { rt::syscall::syscall4(NR_WAIT4, pid as usize, &raw mut status as usize, 0, 0) };
    println!("bench: churn: done, status {status:#x}");
    status == 0
}

/// Run `/bench_libc /bench` (the metrics that need a C library) and wait
/// for it; it prints its own `bench` lines. Nothing if it is missing.
fn libc_metrics() {
    let path = c"/bench_libc";
    let argv = [path.as_ptr() as usize, c"/bench".as_ptr() as usize, 0];
    let pid = rt::sys::fork();
    if pid == 0 {
        // SAFETY: NUL-terminated strings and a NULL-terminated argv.
        unsafe {
            rt::syscall::syscall3(NR_EXECVE, path.as_ptr() as usize, argv.as_ptr() as usize, 0)
        };
        rt::sys::exit_group(127);
    }
    let mut status = 0i32;
    // SAFETY: a valid status pointer; no rusage.
    unsafe { rt::syscall::syscall4(NR_WAIT4, pid as usize, &raw mut status as usize, 0, 0) };
    if status != 0 && status != 127 << 8 {
        println!("bench: /bench_libc ended with status {status:#x}");
    }
}

/// fork + exit + wait4 (or fork + execve + exit + wait4 when `exec`).
fn spawn(exec: bool, self_path: &core::ffi::CStr) {
    let pid = rt::sys::fork();
    if pid == 0 {
        if exec {
            let argv = [self_path.as_ptr() as usize, c"--exit".as_ptr() as usize, 0];
            // SAFETY: NUL-terminated strings and a NULL-terminated argv.
            unsafe {
                rt::syscall::syscall3(
                    NR_EXECVE,
                    self_path.as_ptr() as usize,
                    argv.as_ptr() as usize,
                    0,
                )
            };
        }
        rt::sys::exit_group(0);
    }
    let mut status = 0i32;
    // SAFETY: a valid status pointer; no rusage.
    unsafe { rt::syscall::syscall4(NR_WAIT4, pid as usize, &raw mut status as usize, 0, 0) };
}

/// One byte to a child and back through two pipes: two context switches
/// and four pipe operations per round trip. Returns false without pipes.
fn pipe_round_trips() -> Option<(u64, u64, u64)> {
    let (mut to_child, mut to_parent) = ([0i32; 2], [0i32; 2]);
    // SAFETY: each pipe() writes two ints into our arrays.
    let ok = unsafe {
        rt::syscall::syscall1(abi::syscalls::NR_PIPE, to_child.as_mut_ptr() as usize) == 0
            && rt::syscall::syscall1(abi::syscalls::NR_PIPE, to_parent.as_mut_ptr() as usize) == 0
    };
    if !ok {
        return None;
    }
    let close = |fd: i32| {
        // SAFETY: closes one of our own descriptors.
        unsafe { rt::syscall::syscall1(abi::syscalls::NR_CLOSE, fd as usize) };
    };
    let pid = rt::sys::fork();
    if pid == 0 {
        // Each side closes the ends it does not use, or EOF never comes.
        close(to_child[1]);
        close(to_parent[0]);
        let mut b = [0u8; 1];
        while rt::sys::read(to_child[0], &mut b) == 1 {
            rt::sys::write(to_parent[1], &b);
        }
        rt::sys::exit_group(0);
    }
    close(to_child[0]);
    close(to_parent[1]);
    let mut b = [7u8; 1];
    let r = measure(1000, |n| {
        for _ in 0..n {
            rt::sys::write(to_child[1], &b);
            rt::sys::read(to_parent[0], &mut b);
        }
    });
    // The child sees EOF once our write end is closed, and exits.
    close(to_child[1]);
    close(to_parent[0]);
    // SAFETY: waits for our own child; no status or rusage pointers.
    unsafe { rt::syscall::syscall4(NR_WAIT4, pid as usize, 0, 0, 0) };
    Some(r)
}

/// Operations `--profile` runs between the markers.
const PROFILE_ROUNDS: usize = 10;

/// Where `scripts/insn-profile` switches QEMU's instruction log on.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn bench_profile_start() {
    // SAFETY: a `nop`: only keeps the function, at an address of its own.
    unsafe { asm!("nop", options(nomem, nostack)) };
}

/// Where `scripts/insn-profile` switches it off.
#[unsafe(no_mangle)]
#[inline(never)]
extern "C" fn bench_profile_end() {
    // SAFETY: as above, two of them (identical functions would be merged).
    unsafe { asm!("nop", "nop", options(nomem, nostack)) };
}

/// `--profile OP`: OP a few times to warm up, then `PROFILE_ROUNDS` times
/// between the markers; then power off.
fn profile(op: &str) {
    let exec = op == "exec";
    let once = || spawn(exec, c"/bench");
    (0..PROFILE_ROUNDS).for_each(|_| once());
    bench_profile_start();
    (0..PROFILE_ROUNDS).for_each(|_| once());
    bench_profile_end();
}

fn main(args: &Args) -> i32 {
    let boot_tsc = rdtsc();
    if args.str(1) == Some("--exit") {
        return 0;
    }
    if let Some(op) = (1..args.len())
        .position(|i| args.str(i) == Some("--profile"))
        .and_then(|i| args.str(i + 2))
    {
        profile(op);
        // SAFETY: powers the machine off; no memory is passed.
        unsafe { rt::syscall::syscall3(NR_REBOOT, 0xfee1_dead, 672_274_793, 0x4321_fedc) };
        return 0;
    }
    println!("bench: start");
    println!("bench boot_tsc {boot_tsc}");
    let floor = (1..args.len()).any(|i| args.str(i) == Some("--floor"));
    let vsys = rt::auxv::sysinfo();
    println!(
        "bench: AT_SYSINFO {}",
        if vsys.is_some() { "present" } else { "absent" }
    );

    let v = vsys.unwrap_or(0);
    report("empty_loop", measure(ITERS, |n| run(Loop::Empty, n, v)));
    report("getpid_int80", measure(ITERS, |n| run(Loop::Int80, n, v)));
    if vsys.is_some() {
        report(
            "getpid_vsyscall",
            measure(ITERS, |n| run(Loop::Vsyscall, n, v)),
        );
        report(
            "getpid_raw_sysenter",
            measure(ITERS, |n| run(Loop::RawSysenter, n, v)),
        );
        report(
            "write_badfd_vsyscall",
            measure(ITERS, |n| run(Loop::BadFd, n, v)),
        );
    }
    if let Some(f) = rt::auxv::sysinfo_ehdr().and_then(|b| vdso_sym(b, b"__vdso_clock_gettime")) {
        report(
            "clock_gettime_vdso",
            measure(ITERS, |n| run(Loop::VdsoClock, n, f)),
        );
    }
    if floor {
        report(
            "floor_sysenter_sysexit",
            measure(ITERS, |n| run(Loop::FloorSysenter, n, v)),
        );
        report(
            "floor_int_iret",
            measure(ITERS, |n| run(Loop::FloorInt, n, v)),
        );
    }
    processes_and_memory("", v);
    libc_metrics();
    // `--churn N`: N random calls by the fuzzer (/fuzz), then the same
    // metrics again: a kernel that wears down shows it here.
    if let Some(n) = (1..args.len())
        .position(|i| args.str(i) == Some("--churn"))
        .and_then(|i| args.str(i + 2))
        && churn(n)
    {
        report(
            "getpid_int80_churned",
            measure(ITERS, |n| run(Loop::Int80, n, v)),
        );
        processes_and_memory("_churned", v);
    }
    println!("bench: done");
    // reboot(LINUX_REBOOT_MAGIC1, MAGIC2, LINUX_REBOOT_CMD_POWER_OFF)
    // SAFETY: powers the machine off; no memory is passed.
    unsafe { rt::syscall::syscall3(NR_REBOOT, 0xfee1_dead, 672_274_793, 0x4321_fedc) };
    0
}

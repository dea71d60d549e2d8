//! Process tests: ids, `set_tid_address`, `fork` + `wait4` with exit-status
//! propagation, `wait4` without children, `execve` failures, and faults that
//! must kill only the faulting process.

use alloc::boxed::Box;
use alloc::format;
use core::arch::asm;
use core::ffi::{CStr, c_char};
use core::hint::black_box;
use core::ptr;
use core::sync::atomic::{AtomicI32, AtomicU32, Ordering::Relaxed};

use abi::errno::{ECHILD, EFAULT, ENOENT};
use abi::mman::{MAP_ANONYMOUS, MAP_PRIVATE, PROT_READ, PROT_WRITE};
use abi::signal::{SIGFPE, SIGILL, SIGSEGV, SIGTRAP};
use abi::syscalls::NR_EXECVE;
use abi::wait::WNOHANG;
use rt::sys::{self, WaitStatus};
use rt::{auxv, syscall};

use crate::check::{TestResult, ensure, err, expect_eq, expect_ret, show};
use crate::child::{exit_code_of_child, no_core_dump, run_in_child};

/// `getpid` is positive and stable; `getppid` is another process.
pub fn getpid_getppid() -> TestResult {
    let pid = sys::getpid();
    ensure!(pid > 0, "getpid() = {}", show(pid));
    expect_ret!("second getpid()", sys::getpid(), pid);
    let ppid = sys::getppid();
    ensure!(ppid >= 0, "getppid() = {}", show(ppid));
    ensure!(ppid != pid, "getppid() = getpid() = {pid}");
    Ok(())
}

/// The 32-bit id calls succeed and agree with each other (real = effective
/// for a program that is not set-uid) and with the auxiliary vector. (Our
/// kernel runs everything as root: 0; a Linux host gives the user's ids.)
pub fn uid_gid() -> TestResult {
    let uid = sys::getuid32();
    let euid = sys::geteuid32();
    let gid = sys::getgid32();
    let egid = sys::getegid32();
    for (name, v) in [
        ("getuid32", uid),
        ("geteuid32", euid),
        ("getgid32", gid),
        ("getegid32", egid),
    ] {
        ensure!(v >= 0, "{name}() = {}", show(v));
    }
    expect_ret!("geteuid32() vs getuid32()", euid, uid);
    expect_ret!("getegid32() vs getgid32()", egid, gid);
    for (key, name, v) in [
        (auxv::AT_UID, "AT_UID", uid),
        (auxv::AT_EUID, "AT_EUID", euid),
        (auxv::AT_GID, "AT_GID", gid),
        (auxv::AT_EGID, "AT_EGID", egid),
    ] {
        if let Some(a) = auxv::get(key) {
            expect_ret!(format!("{name} vs the system call"), a as isize, v);
        }
    }
    Ok(())
}

/// Where `set_tid_address` points the kernel (it writes 0 there at exit).
static CLEAR_TID: AtomicI32 = AtomicI32::new(-1);

/// `set_tid_address` returns the caller's thread id, which for the only
/// thread of a process is its pid.
pub fn set_tid_address() -> TestResult {
    let pid = sys::getpid();
    // SAFETY: CLEAR_TID is a static, valid for writes for the whole life of
    // the process.
    let ret = unsafe { sys::set_tid_address(CLEAR_TID.as_ptr()) };
    expect_ret!("set_tid_address(&static)", ret, pid);
    // SAFETY: NULL turns the exit-time write off.
    let ret = unsafe { sys::set_tid_address(ptr::null_mut()) };
    expect_ret!("set_tid_address(NULL)", ret, pid);
    Ok(())
}

static MARKER: AtomicU32 = AtomicU32::new(0);

/// `fork` gives the child a copy of the parent's memory (static, heap and
/// stack) and the parent's pid as its parent; `wait4` returns the child's
/// pid and status `7 << 8` for `exit_group(7)`; the child's writes do not
/// reach the parent; afterwards there is no child left (`-ECHILD`).
pub fn fork_wait() -> TestResult {
    let parent = sys::getpid();
    MARKER.store(0xAAAA_0001, Relaxed);
    let mut heap = Box::new(0xBBBB_0002u32);
    let mut stack = black_box(0xCCCC_0003u32);

    let pid = sys::fork();
    if pid == 0 {
        let code = if sys::getppid() != parent {
            20
        } else if sys::getpid() == parent {
            21
        } else if MARKER.load(Relaxed) != 0xAAAA_0001 {
            22
        } else if *black_box(&*heap) != 0xBBBB_0002 {
            23
        } else if *black_box(&stack) != 0xCCCC_0003 {
            24
        } else {
            7
        };
        // Scribble over all three copies: the parent must not see it.
        MARKER.store(0xDEAD, Relaxed);
        *heap = 0xDEAD;
        stack = 0xDEAD;
        black_box((&mut stack, &mut heap));
        sys::exit_group(code);
    }
    ensure!(pid > 0, "fork() = {}", show(pid));

    let mut status = -1;
    let ret = sys::wait4(pid as i32, Some(&mut status), 0, None);
    expect_ret!("wait4(child)", ret, pid);
    let why = match (status >> 8) & 0xff {
        20 => "child: getppid() is not the parent's pid",
        21 => "child: getpid() equals the parent's pid",
        22 => "child: static data not copied",
        23 => "child: heap not copied",
        24 => "child: stack not copied",
        _ => "",
    };
    ensure!(why.is_empty(), "{why}");
    ensure!(
        status == 7 << 8,
        "wait4 status: got {status:#x}, expected 0x700 (exit_group(7))"
    );
    expect_eq!(
        "parent's static after the child wrote it",
        MARKER.load(Relaxed),
        0xAAAA_0001
    );
    // Read through black_box'ed references: really load from memory.
    expect_eq!(
        "parent's heap after the child wrote it",
        *black_box(&*heap),
        0xBBBB_0002
    );
    expect_eq!(
        "parent's stack after the child wrote it",
        *black_box(&stack),
        0xCCCC_0003
    );
    let ret = sys::wait4(-1, Some(&mut status), 0, None);
    expect_ret!("wait4(-1) after reaping the only child", ret, err(ECHILD));
    Ok(())
}

/// Both `exit` and `exit_group` pass `status & 0xff` to the parent as
/// `(status & 0xff) << 8`.
pub fn exit_status() -> TestResult {
    let cases: [(bool, i32); 6] = [
        (true, 0),
        (true, 1),
        (true, 255),
        (true, 256),
        (false, 7),
        (false, 300),
    ];
    for (group, code) in cases {
        let status = run_in_child(|| {
            if group {
                sys::exit_group(code)
            } else {
                sys::exit(code)
            }
        })?;
        let call = if group { "exit_group" } else { "exit" };
        ensure!(
            status == (code & 0xff) << 8,
            "{call}({code}): wait status {status:#x}, expected {:#x}",
            (code & 0xff) << 8
        );
    }
    Ok(())
}

/// `wait4`/`waitpid` without children give `-ECHILD` (blocking or not, any
/// child or a given pid) and leave the status word alone.
pub fn wait_no_children() -> TestResult {
    let mut status = 0x5A5A_5A5A;
    expect_ret!(
        "wait4(-1, 0)",
        sys::wait4(-1, Some(&mut status), 0, None),
        err(ECHILD)
    );
    expect_ret!(
        "wait4(-1, WNOHANG)",
        sys::wait4(-1, Some(&mut status), WNOHANG, None),
        err(ECHILD)
    );
    expect_ret!(
        "waitpid(-1, 0)",
        sys::waitpid(-1, Some(&mut status), 0),
        err(ECHILD)
    );
    expect_ret!(
        "wait4(0x7ffffff0) (no such process)",
        sys::wait4(0x7fff_fff0, Some(&mut status), 0, None),
        err(ECHILD)
    );
    expect_eq!("status word after -ECHILD", status, 0x5A5A_5A5A);
    Ok(())
}

/// `wait4` with a status pointer it cannot write gives `-EFAULT`.
pub fn wait_bad_status() -> TestResult {
    let pid = sys::fork();
    if pid == 0 {
        sys::exit_group(0);
    }
    ensure!(pid > 0, "fork() = {}", show(pid));
    // SAFETY: the kernel must refuse the kernel-half status pointer.
    let ret =
        unsafe { syscall::syscall4(abi::syscalls::NR_WAIT4, pid as usize, 0xC000_0000, 0, 0) };
    // Linux has reaped the child at this point; a kernel that checks the
    // pointer first has not. Either way, leave no zombie behind.
    sys::wait4(pid as i32, None, 0, None);
    expect_ret!("wait4(child, status=0xc0000000)", ret, err(EFAULT));
    Ok(())
}

/// The environment variable that makes `usertests` exit at once with
/// [`EXEC_PROBE_STATUS`]: set for `execve`s that should fail, so a kernel
/// that wrongly runs them does not start the whole suite again.
pub const EXEC_PROBE_VAR: &str = "USERTESTS_EXEC_PROBE";
/// Exit status of a wrongly successful `execve` probe.
pub const EXEC_PROBE_STATUS: i32 = 99;

/// `execve` failures come back as errors and leave the caller running:
/// missing and empty paths give `-ENOENT`; NULL and kernel-half pointers
/// (path, argv array, an argv or envp string) give `-EFAULT`. Runs in a
/// child, so a wrong success cannot replace the suite.
pub fn execve_errors() -> TestResult {
    // Our own program file: a path that exists, for the bad-argv cases.
    let me = auxv::get(auxv::AT_EXECFN)
        .filter(|&a| a != 0)
        .map(|a| a as *const c_char)
        .or_else(|| rt::start::args().get(0).map(CStr::as_ptr))
        .ok_or("no AT_EXECFN and no argv[0]")?;
    let kernel = 0xC000_0000usize as *const c_char;
    let probe_env = c"USERTESTS_EXEC_PROBE=1".as_ptr();
    let argv: [*const c_char; 2] = [c"usertests".as_ptr(), ptr::null()];
    let bad_argv: [*const c_char; 3] = [c"usertests".as_ptr(), kernel, ptr::null()];
    let envp: [*const c_char; 2] = [probe_env, ptr::null()];
    let bad_envp: [*const c_char; 3] = [probe_env, kernel, ptr::null()];

    let (a, e) = (argv.as_ptr(), envp.as_ptr());
    let missing = c"/nonexistent/usertests-no-such-program".as_ptr();
    let kernel_argv = kernel as *const *const c_char;
    type Case = (
        &'static str,
        *const c_char,
        *const *const c_char,
        *const *const c_char,
        abi::Errno,
    );
    let cases: [Case; 7] = [
        ("missing path", missing, a, e, ENOENT),
        ("empty path", c"".as_ptr(), a, e, ENOENT),
        ("NULL path", ptr::null(), a, e, EFAULT),
        ("path at 0xc0000000", kernel, a, e, EFAULT),
        ("argv array at 0xc0000000", me, kernel_argv, e, EFAULT),
        ("argv[1] at 0xc0000000", me, bad_argv.as_ptr(), e, EFAULT),
        ("envp[1] at 0xc0000000", me, a, bad_envp.as_ptr(), EFAULT),
    ];
    for (i, &(label, path, argv, envp, errno)) in cases.iter().enumerate() {
        let code = exit_code_of_child(|| {
            // SAFETY: every pointer is valid or one the kernel must refuse;
            // a wrong success replaces only this child, which then exits at
            // once (EXEC_PROBE_VAR is in its environment).
            let ret = unsafe {
                syscall::syscall3(NR_EXECVE, path as usize, argv as usize, envp as usize)
            };
            if ret == err(errno) {
                0
            } else {
                rt::eprintln!(
                    "    execve({label}): got {}, expected {}",
                    show(ret),
                    show(err(errno))
                );
                1
            }
        })
        .map_err(|e| format!("execve({label}): {e}"))?;
        ensure!(
            code != EXEC_PROBE_STATUS,
            "execve({label}) succeeded (case {i}); expected {}",
            show(err(errno))
        );
        ensure!(code == 0, "execve({label}): wrong result (printed above)");
    }
    Ok(())
}

/// A fault in user mode kills the faulting process with the right signal
/// (and only it): each case runs in a child that should die.
pub fn faults_kill_child() -> TestResult {
    type Case = (&'static str, fn(), i32);
    let cases: [Case; 11] = [
        ("write to 0x10 (unmapped)", || store(0x10), SIGSEGV),
        (
            "read 0xc0000000 (kernel half)",
            || load(0xC000_0000),
            SIGSEGV,
        ),
        (
            "write to own text (R+X)",
            || store(faults_kill_child as *const () as usize),
            SIGSEGV,
        ),
        (
            "write to own rodata (R)",
            || store(RODATA.as_ptr() as usize),
            SIGSEGV,
        ),
        ("write to PROT_READ mmap", write_readonly_mapping, SIGSEGV),
        ("touch after munmap", touch_after_munmap, SIGSEGV),
        ("int 0x81 (DPL 0 gate)", int81, SIGSEGV),
        ("hlt (privileged)", hlt, SIGSEGV),
        ("ud2", ud2, SIGILL),
        ("divide by zero", divide_by_zero, SIGFPE),
        ("int3", int3, SIGTRAP),
    ];
    for (label, fault, signal) in cases {
        let status = run_in_child(|| {
            no_core_dump();
            fault();
            0
        })?;
        match WaitStatus::decode(status) {
            WaitStatus::Signaled(sig, _) if sig == signal => {}
            WaitStatus::Exited(0) => return Err(format!("{label}: the child survived")),
            other => {
                return Err(format!(
                    "{label}: child ended with {other:?} (status {status:#x}), expected signal {signal} ({})",
                    abi::signal_name(signal).unwrap_or("?")
                ));
            }
        }
    }
    Ok(())
}

/// Read-only data for the rodata case (never written by Rust).
static RODATA: [u8; 16] = [0x5A; 16];

/// Stores a byte at `addr` (in asm: a faulting store is not UB there).
fn store(addr: usize) {
    // SAFETY: the store is meant to fault and kill this child process; if
    // it does not, it hits memory no Rust object lives in (the child exits
    // right after).
    unsafe { asm!("mov byte ptr [{0}], 0x5a", in(reg) addr, options(nostack)) };
}

/// Loads a byte from `addr` (in asm, like [`store`]).
fn load(addr: usize) {
    // SAFETY: a load changes no memory; it is meant to fault.
    unsafe { asm!("mov {1}, byte ptr [{0}]", in(reg) addr, out(reg_byte) _, options(nostack)) };
}

fn write_readonly_mapping() {
    // SAFETY: a fresh anonymous mapping replaces nothing.
    let p = unsafe { sys::mmap2(0, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) };
    if syscall::is_error(p) {
        sys::exit_group(2);
    }
    store(p as usize);
}

fn touch_after_munmap() {
    // SAFETY: a fresh anonymous mapping replaces nothing.
    let p = unsafe {
        sys::mmap2(
            0,
            4096,
            PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if syscall::is_error(p) {
        sys::exit_group(2);
    }
    store(p as usize); // mapped: fine
    // SAFETY: the page is ours and holds no Rust object.
    if unsafe { sys::munmap(p as usize, 4096) } != 0 {
        sys::exit_group(3);
    }
    store(p as usize); // unmapped: must fault
}

fn int81() {
    // SAFETY: vector 0x81 has DPL 0: #GP, the child dies.
    unsafe { asm!("int 0x81", options(nostack)) };
}

fn hlt() {
    // SAFETY: hlt at CPL 3 raises #GP; the child dies.
    unsafe { asm!("hlt", options(nostack)) };
}

fn ud2() {
    // SAFETY: #UD; the child dies.
    unsafe { asm!("ud2", options(nostack)) };
}

fn divide_by_zero() {
    // SAFETY: #DE; the child dies. No memory is touched.
    unsafe {
        asm!(
            "xor edx, edx",
            "div {0}",
            in(reg) core::hint::black_box(0u32),
            inout("eax") 1u32 => _,
            out("edx") _,
            options(nostack),
        )
    };
}

fn int3() {
    // SAFETY: #BP; without a debugger attached, SIGTRAP kills the child.
    unsafe { asm!("int3", options(nostack)) };
}

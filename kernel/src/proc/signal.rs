//! Signal delivery (Linux's `kernel/signal.c` and `arch/x86/kernel/
//! signal_32.c`, in miniature).
//!
//! A signal is *sent* by setting a bit in the target's `sigpending` (and
//! waking it if it sleeps: its system call then returns `-EINTR`). It is
//! *delivered* on the way back to user space ([`on_return_to_user`], called
//! by the entry code after a system call, an exception or an interrupt):
//! the default action (ignore or terminate), or a handler. For a handler the
//! kernel pushes a signal frame on the user stack — Linux's `sigframe`, or
//! `rt_sigframe` with `siginfo` and `ucontext` for `SA_SIGINFO` — holding the
//! interrupted registers, and points EIP at the handler; the handler returns
//! into `sa_restorer` (or the frame's own `retcode`), which calls
//! `sigreturn`/`rt_sigreturn` to restore them.
//!
//! Not yet: stopping (SIGSTOP and friends are ignored), `sigaltstack`, core
//! dumps, restarting system calls (`SA_RESTART` calls return `-EINTR` too).

use super::cred::Cred;
use super::task::Pid;
use super::{current_mm, exit, sched, with_current};
use crate::arch::x86::fpu;
use crate::arch::x86::gdt::{GDT_ENTRY_TLS_ENTRIES, GDT_ENTRY_TLS_MIN, USER_CS, USER_DS};
use crate::arch::x86::ptregs::{
    PtRegs, X86_EFLAGS_AC, X86_EFLAGS_CF, X86_EFLAGS_DF, X86_EFLAGS_RF, X86_EFLAGS_TF,
};
use crate::mm::usercopy::{copy_to_user, get_user};
use abi::errno::Errno;
use abi::signal::*;
use abi::types::{KSigaction, Sigcontext, Siginfo, Ucontext};
use core::mem::size_of;
use core::sync::atomic::{AtomicBool, Ordering};

/// Set when some task may have a pending signal: the return path then looks.
/// A hint only (cleared after a scan finds none), so the common return to
/// user space costs one load.
static IN_FLIGHT: AtomicBool = AtomicBool::new(false);

/// The mask bit of signal `sig` (1..=64).
pub const fn sigbit(sig: i32) -> u64 {
    1 << (sig - 1)
}

/// Signals whose default action is to do nothing (SIGSTOP and the terminal
/// stops are ignored too: there is no job control yet).
fn default_ignored(sig: i32) -> bool {
    matches!(
        sig,
        SIGCHLD | SIGURG | SIGWINCH | SIGCONT | SIGSTOP | SIGTSTP | SIGTTIN | SIGTTOU
    )
}

/// A `siginfo_t` for a signal sent by process `pid` (`SI_USER`/`SI_TKILL`).
/// Its `si_uid` (`fields[1]`) is 0; `kill` and `tkill` put the sender's
/// real uid there.
pub fn user_info(sig: i32, code: i32, pid: u32) -> Siginfo {
    let mut i = Siginfo::ZERO;
    i.si_signo = sig;
    i.si_code = code;
    i.fields[0] = pid; // si_pid
    i
}

/// May a process with credentials `cred` signal one with `tcred`? Linux's
/// `kill_ok_by_cred`: the sender's real or effective uid is the target's
/// real or saved uid (not its effective one: a setuid program that raised
/// its euid stays signalable by whoever started it, and one that lowered
/// it by its owner), or the sender has `CAP_KILL`.
pub fn kill_ok_by_cred(cred: &Cred, tcred: &Cred) -> bool {
    cred.euid == tcred.suid
        || cred.euid == tcred.uid
        || cred.uid == tcred.suid
        || cred.uid == tcred.uid
        || cred.capable(abi::cred::CAP_KILL)
}

/// Linux's checks before a signal a user sends (`kill`, `tkill`,
/// `tgkill`, `rt_sigqueueinfo`; `sig` 0 only checks), in its order: no
/// such task is `-ESRCH`, then a bad signal `-EINVAL`, then a target in
/// another process that `kill_ok_by_cred` refuses `-EPERM` (Linux's
/// `check_kill_permission`). A zombie is still there to be checked. The
/// one exception Linux makes, `SIGCONT` within a session, has nothing to
/// apply to while every process is its own session.
pub fn check_kill_permission(sig: i32, target: Pid) -> Result<(), Errno> {
    sched::SCHED.with(|s| {
        let me = s.current.expect("a signal sent by no task");
        let t = s.tasks.get(target).ok_or(abi::errno::ESRCH)?;
        if !(0..=NSIG as i32).contains(&sig) {
            return Err(abi::errno::EINVAL);
        }
        let cred = &s.tasks.get(me).expect("current task").cred;
        if target != me && !kill_ok_by_cred(cred, &t.cred) {
            return Err(abi::errno::EPERM);
        }
        Ok(())
    })
}

/// Queue `sig` for task `pid`; wakes it if it sleeps. `-ESRCH` if there is
/// no such live task.
pub fn send(pid: u32, sig: i32, info: Siginfo) -> Result<(), Errno> {
    sched::SCHED.with(|s| -> Result<(), Errno> {
        let t = s.tasks.get_mut(pid).ok_or(abi::errno::ESRCH)?;
        if matches!(t.state, super::task::TaskState::Zombie(_)) {
            return Ok(());
        }
        t.sigpending |= sigbit(sig);
        t.siginfo.insert(sig, info);
        s.make_runnable(pid);
        Ok(())
    })?;
    IN_FLIGHT.store(true, Ordering::Relaxed);
    Ok(())
}

/// Is a signal pending that the current task does not block? (Sleeping
/// system calls check this and return `-EINTR`.)
pub fn pending() -> bool {
    IN_FLIGHT.load(Ordering::Relaxed) && with_current(|t| t.sigpending & !t.sigmask != 0)
}

/// A fault in user mode (`arch/x86/traps.rs`): run the process's handler
/// for `sig` if it has one and does not block it; otherwise log `what` and
/// end the process, as Linux's `force_sig_fault` does.
pub fn force_fault(sig: i32, code: i32, addr: usize, trapno: u32, what: core::fmt::Arguments) {
    let handled = with_current(|t| {
        let a = t.sigactions[sig as usize - 1];
        let ok = a.sa_handler != SIG_DFL && a.sa_handler != SIG_IGN && t.sigmask & sigbit(sig) == 0;
        if ok {
            let mut i = Siginfo::ZERO;
            i.si_signo = sig;
            i.si_code = code;
            i.fields[0] = addr as u32; // si_addr
            t.sigpending |= sigbit(sig);
            t.siginfo.insert(sig, i);
            t.fault_trapno = trapno;
        }
        ok
    });
    if handled {
        IN_FLIGHT.store(true, Ordering::Relaxed);
    } else {
        super::fault::kill_current(sig, what);
    }
}

/// Have the next return to user space look at the current task (a signal
/// or an `exit_later` is waiting).
pub fn wake_return_path() {
    IN_FLIGHT.store(true, Ordering::Relaxed);
}

/// Deliver a pending signal, if any, before returning to user space; or
/// end the process, if `exit_later` asked for it.
#[inline(always)]
pub fn on_return_to_user(regs: &mut PtRegs) {
    if IN_FLIGHT.load(Ordering::Relaxed) {
        deliver(regs);
    }
}

#[cold]
#[inline(never)]
fn deliver(regs: &mut PtRegs) {
    // A handler's frame (or sigreturn's) brings its own selectors.
    crate::arch::x86::common::mark_frame_dirty();
    // The one place a process ends itself: nothing below owns anything.
    if let Some(status) = with_current(|t| t.exit_pending) {
        exit(status);
    }
    loop {
        // The lowest unblocked pending signal (SIGKILL cannot be blocked).
        let next = with_current(|t| {
            let ready = t.sigpending & (!t.sigmask | sigbit(SIGKILL));
            if ready == 0 {
                return None;
            }
            let sig = ready.trailing_zeros() as i32 + 1;
            t.sigpending &= !sigbit(sig);
            let info = t
                .siginfo
                .remove(&sig)
                .unwrap_or_else(|| user_info(sig, SI_KERNEL, 0));
            Some((sig, t.sigactions[sig as usize - 1], info))
        });
        let Some((sig, act, info)) = next else { break };
        match act.sa_handler {
            _ if sig == SIGKILL => exit(sig as u32),
            SIG_IGN => continue,
            SIG_DFL if default_ignored(sig) => continue,
            SIG_DFL => exit(sig as u32),
            _ => {
                if setup_frame(regs, sig, &act, &info).is_err() {
                    // No room on the user stack for the frame: as on Linux.
                    super::fault::kill_current(SIGSEGV, format_args!("bad stack for signal {sig}"));
                    exit(SIGSEGV as u32);
                }
                break; // one handler per return; the rest on the next one
            }
        }
    }
    IN_FLIGHT.store(sched::any_live_signal_pending(), Ordering::Relaxed);
}

/// `sigframe_ia32` (arch/x86/include/asm/sigframe.h): pretcode, sig,
/// sigcontext, an unused 624-byte fpstate, extramask, retcode.
const SIGFRAME_SC: usize = 8;
const SIGFRAME_EXTRAMASK: usize = SIGFRAME_SC + size_of::<Sigcontext>() + 624;
const SIGFRAME_RETCODE: usize = SIGFRAME_EXTRAMASK + 4;
const SIGFRAME_SIZE: usize = SIGFRAME_RETCODE + 8;
/// `rt_sigframe_ia32`: pretcode, sig, pinfo, puc, siginfo, ucontext, retcode.
const RT_INFO: usize = 16;
const RT_UC: usize = RT_INFO + size_of::<Siginfo>();
const RT_RETCODE: usize = RT_UC + size_of::<Ucontext>();
const RT_SIZE: usize = RT_RETCODE + 8;
const UC_MCONTEXT: usize = 20;
const UC_SIGMASK: usize = UC_MCONTEXT + size_of::<Sigcontext>();

fn bytes_of<T: abi::Pod>(v: &T) -> &[u8] {
    // SAFETY: Pod types are plain bytes without padding.
    unsafe { core::slice::from_raw_parts(v as *const T as *const u8, size_of::<T>()) }
}

fn sigcontext_of(regs: &PtRegs, oldmask: u32, trapno: u32, cr2: u32) -> Sigcontext {
    Sigcontext {
        gs: regs.gs & 0xFFFF,
        fs: regs.fs & 0xFFFF,
        es: regs.es & 0xFFFF,
        ds: regs.ds & 0xFFFF,
        di: regs.di,
        si: regs.si,
        bp: regs.bp,
        sp: regs.sp,
        bx: regs.bx,
        dx: regs.dx,
        cx: regs.cx,
        ax: regs.ax,
        trapno,
        err: if trapno != 0 { regs.orig_ax } else { 0 },
        ip: regs.ip,
        cs: regs.cs & 0xFFFF,
        flags: regs.flags,
        sp_at_signal: regs.sp,
        ss: regs.ss & 0xFFFF,
        fpstate: 0,
        oldmask,
        cr2,
    }
}

/// Build the frame on the user stack and aim `regs` at the handler.
fn setup_frame(regs: &mut PtRegs, sig: i32, act: &KSigaction, info: &Siginfo) -> Result<(), ()> {
    let rt = act.sa_flags & SA_SIGINFO != 0;
    let size = if rt { RT_SIZE } else { SIGFRAME_SIZE };
    // The interrupted FPU state goes on the user stack first (FXSAVE wants
    // 16-byte alignment), as Linux does: a handler that never returns (it
    // longjmps out) then leaves nothing behind in the kernel.
    let fx = (regs.sp as usize).checked_sub(FPSTATE_SIZE).ok_or(())? & !63;
    // Linux's align_sigframe: (sp + 4) is 16-aligned at the handler's entry.
    let frame = (fx.checked_sub(size).ok_or(())? + 4) & !15;
    let frame = frame.checked_sub(4).ok_or(())?;
    let (oldmask, trapno) = with_current(|t| (t.sigmask, core::mem::take(&mut t.fault_trapno)));
    let cr2 = if sig == SIGSEGV || sig == SIGBUS {
        info.fields[0]
    } else {
        0
    };
    let mut sc = sigcontext_of(regs, oldmask as u32, trapno, cr2);
    sc.fpstate = fx as u32;
    let mut fpu_now = fpu::initial_state();
    fpu::save(&mut fpu_now);
    let mm = current_mm().map_err(|_| ())?;
    copy_to_user(&mm, fx, &fpu_now.0).map_err(|_| ())?;
    let mut buf = crate::mm::heap::try_zeroed(size).map_err(|_| ())?;
    let mut put = |off: usize, b: &[u8]| buf[off..off + b.len()].copy_from_slice(b);
    let retcode_off = if rt { RT_RETCODE } else { SIGFRAME_RETCODE };
    let pretcode = if act.sa_flags & SA_RESTORER != 0 {
        act.sa_restorer
    } else {
        (frame + retcode_off) as u32
    };
    put(0, &pretcode.to_le_bytes());
    put(4, &sig.to_le_bytes());
    if rt {
        put(8, &((frame + RT_INFO) as u32).to_le_bytes());
        put(12, &((frame + RT_UC) as u32).to_le_bytes());
        put(RT_INFO, bytes_of(info));
        let uc = Ucontext {
            uc_flags: 0,
            uc_link: 0,
            uc_stack: abi::types::SignalStack {
                ss_sp: 0,
                ss_flags: 2,
                ss_size: 0,
            },
            uc_mcontext: sc,
            uc_sigmask: [oldmask as u32, (oldmask >> 32) as u32],
        };
        put(RT_UC, bytes_of(&uc));
        // movl $__NR_rt_sigreturn, %eax; int $0x80 (what gdb recognises)
        put(RT_RETCODE, &[0xb8, 173, 0, 0, 0, 0xcd, 0x80, 0]);
    } else {
        put(SIGFRAME_SC, bytes_of(&sc));
        put(SIGFRAME_EXTRAMASK, &((oldmask >> 32) as u32).to_le_bytes());
        // popl %eax; movl $__NR_sigreturn, %eax; int $0x80
        put(SIGFRAME_RETCODE, &[0x58, 0xb8, 119, 0, 0, 0, 0xcd, 0x80]);
    }
    copy_to_user(&mm, frame, &buf).map_err(|_| ())?;

    // The handler starts with a clean FPU; the interrupted state waits in
    // the frame.
    with_current(|t| {
        let add = u64::from(act.sa_mask[1]) << 32 | u64::from(act.sa_mask[0]);
        let self_bit = if act.sa_flags & SA_NODEFER != 0 {
            0
        } else {
            sigbit(sig)
        };
        t.sigmask |= (add | self_bit) & !(sigbit(SIGKILL) | sigbit(SIGSTOP));
        if act.sa_flags & SA_RESETHAND != 0 {
            t.sigactions[sig as usize - 1] = KSigaction::ZERO;
        }
    });
    fpu::restore(&fpu::initial_state());
    regs.sp = frame as u32;
    regs.ip = act.sa_handler;
    regs.ax = sig as u32;
    regs.dx = if rt { (frame + RT_INFO) as u32 } else { 0 };
    regs.cx = if rt { (frame + RT_UC) as u32 } else { 0 };
    regs.cs = u32::from(USER_CS);
    regs.ss = u32::from(USER_DS);
    regs.ds = u32::from(USER_DS);
    regs.es = u32::from(USER_DS);
    regs.flags &= !(X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_RF);
    Ok(())
}

/// Can user code load `sel` into a data segment register right now?
fn data_selector_ok(sel: u32) -> bool {
    let sel = sel & 0xFFFF;
    if sel == 0 || sel == u32::from(USER_DS) || sel == u32::from(USER_CS) {
        return true;
    }
    let idx = (sel >> 3) as usize;
    // RPL 3, in the GDT (TI clear: there is no LDT), a TLS slot, and a
    // present data segment (set_thread_area makes nothing else).
    sel & 3 == 3
        && sel & 4 == 0
        && (GDT_ENTRY_TLS_MIN..GDT_ENTRY_TLS_MIN + GDT_ENTRY_TLS_ENTRIES).contains(&idx)
        && with_current(|t| {
            let access = (t.tls[idx - GDT_ENTRY_TLS_MIN] >> 40) as u8;
            access & 0x80 != 0 && access & 0x18 == 0x10 // present, S=1, data
        })
}

/// Bytes of the FPU state saved in a signal frame (an FXSAVE image).
const FPSTATE_SIZE: usize = 512;

/// Load the FPU state saved at user address `at` (or a clean one if there
/// is none or it cannot be read). MXCSR is masked first: reserved bits set
/// by a tampered frame would make FXRSTOR fault in the kernel.
fn restore_fpu(at: usize) {
    let mut state = fpu::initial_state();
    let read = |s: &mut [u8]| crate::mm::usercopy::copy_from_user(&*current_mm()?, s, at);
    if at != 0 && read(&mut state.0).is_err() {
        state = fpu::initial_state();
    }
    let mask = match u32::from_le_bytes([state.0[28], state.0[29], state.0[30], state.0[31]]) {
        0 => 0xFFBF, // MXCSR_MASK 0 means the default mask (SDM Vol. 1, 11.6.6)
        m => m & 0xFFFF,
    };
    let mxcsr = u32::from_le_bytes([state.0[24], state.0[25], state.0[26], state.0[27]]) & mask;
    state.0[24..28].copy_from_slice(&mxcsr.to_le_bytes());
    fpu::restore(&state);
}

/// Restore the registers a signal frame saved; validates everything the
/// user could have tampered with, since the frame lives in user memory.
fn restore(regs: &mut PtRegs, sc: &Sigcontext, mask: u64) -> Result<usize, Errno> {
    // CS/SS that iret could not load: SIGSEGV, as Linux's iret fault.
    let bad = sc.cs & 0xFFFF != u32::from(USER_CS) || sc.ss & 0xFFFF != u32::from(USER_DS);
    // A data selector that cannot be loaded becomes the null selector, as
    // Linux's segment-load fixups do.
    let seg = |s: u32| if data_selector_ok(s) { s & 0xFFFF } else { 0 };
    if bad {
        return bad_frame();
    }
    // Only the flags user code may change (Linux's FIX_EFLAGS).
    const FIX: u32 = X86_EFLAGS_AC
        | 0x800
        | X86_EFLAGS_DF
        | X86_EFLAGS_TF
        | 0x80
        | 0x40
        | 0x10
        | 0x4
        | X86_EFLAGS_CF
        | X86_EFLAGS_RF;
    *regs = PtRegs {
        bx: sc.bx,
        cx: sc.cx,
        dx: sc.dx,
        si: sc.si,
        di: sc.di,
        bp: sc.bp,
        ax: sc.ax,
        ds: seg(sc.ds),
        es: seg(sc.es),
        fs: seg(sc.fs),
        gs: seg(sc.gs),
        orig_ax: u32::MAX, // not a system call: nothing to restart
        ip: sc.ip,
        cs: u32::from(USER_CS),
        flags: (regs.flags & !FIX) | (sc.flags & FIX),
        sp: sc.sp,
        ss: u32::from(USER_DS),
    };
    with_current(|t| t.sigmask = mask & !(sigbit(SIGKILL) | sigbit(SIGSTOP)));
    restore_fpu(sc.fpstate as usize);
    IN_FLIGHT.store(true, Ordering::Relaxed); // unblocked signals may be waiting
    Ok(sc.ax as usize)
}

/// An unreadable or tampered frame: SIGSEGV, as Linux's `force_sig(SIGSEGV)`;
/// the process ends on its way out, the registers untouched.
fn bad_frame() -> Result<usize, Errno> {
    super::fault::kill_current(SIGSEGV, format_args!("bad sigreturn frame"));
    Err(abi::errno::EFAULT)
}

/// `sigreturn()`: the frame is `sigframe_ia32`, 8 bytes below `esp` (the
/// handler's `ret` popped pretcode, the restorer popped `sig`).
pub fn sys_sigreturn(regs: &mut PtRegs) -> Result<usize, Errno> {
    let frame = (regs.sp as usize).wrapping_sub(8);
    let mm = current_mm()?;
    let (Ok(sc), Ok(hi)) = (
        get_user::<Sigcontext>(&mm, frame.wrapping_add(SIGFRAME_SC)),
        get_user::<u32>(&mm, frame.wrapping_add(SIGFRAME_EXTRAMASK)),
    ) else {
        return bad_frame();
    };
    restore(regs, &sc, u64::from(hi) << 32 | u64::from(sc.oldmask))
}

/// `rt_sigreturn()`: the frame is `rt_sigframe_ia32`, 4 bytes below `esp`.
pub fn sys_rt_sigreturn(regs: &mut PtRegs) -> Result<usize, Errno> {
    let frame = (regs.sp as usize).wrapping_sub(4);
    let mm = current_mm()?;
    let (Ok(sc), Ok(m)) = (
        get_user::<Sigcontext>(&mm, frame.wrapping_add(RT_UC + UC_MCONTEXT)),
        get_user::<[u32; 2]>(&mm, frame.wrapping_add(RT_UC + UC_SIGMASK)),
    ) else {
        return bad_frame();
    };
    restore(regs, &sc, u64::from(m[1]) << 32 | u64::from(m[0]))
}

const _: () = assert!(
    RT_SIZE == 268 && SIGFRAME_SIZE == 732,
    "Linux's i386 frame sizes"
);

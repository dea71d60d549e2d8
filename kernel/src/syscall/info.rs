//! `uname`: who we say we are. "Linux" on "i686", with a 6.1 release
//! number, because C libraries compare it against their minimum; and the
//! other calls about the system as a whole: `reboot`, the resource limits,
//! `getrandom`, `sysinfo`, `personality`, `prctl`, `sethostname` and
//! `setdomainname`. `/proc/version` and
//! `/proc/sys/kernel/*` show the same names (`fs/proc.rs`).

use super::args::SysResult;
use super::uaccess::{Read, UserPtr, UserSlice, Write};
use crate::proc::cred::{capable, current_cred};
use crate::proc::rlimit::{self, RLIM_INF, Rlimit, Rlimits, do_prlimit};
use crate::proc::thread::CpuTimes;
use crate::proc::with_current;
use abi::cred::{CAP_SYS_ADMIN, CAP_SYS_BOOT, CAP_SYS_RESOURCE};
use abi::errno::{EFAULT, EINVAL, EPERM, ESRCH, Errno};
use abi::prctl::*;
use abi::random::{GRND_INSECURE, GRND_NONBLOCK, GRND_RANDOM};
use abi::reboot::*;
use abi::resource::*;
use abi::types::{Rusage, Sysinfo, Timeval, Tms, Utsname};

/// The system's names (Linux's `init_uts_ns`, include/linux/uts.h and the
/// generated compile.h).
pub const UTS_SYSNAME: &str = "Linux";
pub const UTS_RELEASE: &str = "6.1.0-rusty-i386";
pub const UTS_VERSION: &str = "#1 rusty-i386 teaching kernel";
pub const UTS_MACHINE: &str = "i686";
/// Longest host name (`__NEW_UTS_LEN`).
pub const UTS_LEN: usize = 64;

/// The host name (`utsname()->nodename`): "rusty" until
/// `/proc/sys/kernel/hostname` is written.
static HOSTNAME: spin::Mutex<([u8; UTS_LEN], usize)> = spin::Mutex::new({
    let mut b = [0u8; UTS_LEN];
    b[0] = b'r';
    b[1] = b'u';
    b[2] = b's';
    b[3] = b't';
    b[4] = b'y';
    (b, 5)
});

/// The host name's bytes (up to [`UTS_LEN`]), copied into `out`: its length.
pub fn hostname(out: &mut [u8; UTS_LEN]) -> usize {
    let h = HOSTNAME.lock();
    out.copy_from_slice(&h.0);
    h.1
}

/// Set the host name (`sethostname`'s effect): at most [`UTS_LEN`] bytes.
pub fn set_hostname(name: &[u8]) {
    let mut h = HOSTNAME.lock();
    let n = name.len().min(UTS_LEN);
    h.0 = [0; UTS_LEN];
    h.0[..n].copy_from_slice(&name[..n]);
    h.1 = n;
}

/// The NIS domain name (`utsname()->domainname`): "(none)" until
/// `setdomainname`.
static DOMAINNAME: spin::Mutex<([u8; UTS_LEN], usize)> = spin::Mutex::new({
    let mut b = [0u8; UTS_LEN];
    let none = *b"(none)";
    let mut i = 0;
    while i < none.len() {
        b[i] = none[i];
        i += 1;
    }
    (b, 6)
});

/// `sethostname(name, len)` and `setdomainname(name, len)` (kernel/sys.c):
/// `EPERM` without `CAP_SYS_ADMIN`, `EINVAL` for a length past
/// [`UTS_LEN`] (or negative), then the bytes are copied (`EFAULT`); the
/// name is exactly those bytes, as Linux keeps it.
fn set_uts_name(name: UserSlice<Read>, domain: bool) -> SysResult {
    if !capable(CAP_SYS_ADMIN) {
        return Err(EPERM);
    }
    if name.len() > UTS_LEN {
        return Err(EINVAL);
    }
    let mut tmp = [0u8; UTS_LEN];
    let n = name.len();
    name.read_into(&mut tmp[..n])?;
    if domain {
        let mut d = DOMAINNAME.lock();
        *d = (tmp, n);
    } else {
        set_hostname(&tmp[..n]);
    }
    Ok(0)
}

/// `sethostname(name, len)`.
pub fn sys_sethostname(name: UserSlice<Read>) -> SysResult {
    set_uts_name(name, false)
}

/// `setdomainname(name, len)`.
pub fn sys_setdomainname(name: UserSlice<Read>) -> SysResult {
    set_uts_name(name, true)
}

fn field(s: &[u8]) -> [u8; 65] {
    let mut f = [0u8; 65];
    f[..s.len()].copy_from_slice(s);
    f
}

/// `uname(*buf)`.
pub fn sys_uname(buf: UserPtr<Utsname>) -> SysResult {
    let mut host = [0u8; UTS_LEN];
    let n = hostname(&mut host);
    let u = Utsname {
        sysname: field(UTS_SYSNAME.as_bytes()),
        nodename: field(&host[..n]),
        release: field(UTS_RELEASE.as_bytes()),
        version: field(UTS_VERSION.as_bytes()),
        machine: field(UTS_MACHINE.as_bytes()),
        domainname: {
            let d = DOMAINNAME.lock();
            field(&d.0[..d.1])
        },
    };
    buf.write(&u)?;
    Ok(0)
}

/// `reboot(magic1, magic2, cmd, arg)`: power off (or "restart", which in
/// QEMU with -no-reboot is the same). As on Linux, only root may
/// (`CAP_SYS_BOOT`, `-EPERM` before anything else), and even root must
/// pass the magic numbers. Ctrl-Alt-Del's setting is accepted and has no
/// keyboard to act on.
pub fn sys_reboot(magic1: u32, magic2: u32, cmd: u32, _arg: u32) -> SysResult {
    if !capable(CAP_SYS_BOOT) {
        return Err(EPERM);
    }
    const MAGIC2: [u32; 4] = [
        LINUX_REBOOT_MAGIC2,
        LINUX_REBOOT_MAGIC2A,
        LINUX_REBOOT_MAGIC2B,
        LINUX_REBOOT_MAGIC2C,
    ];
    if magic1 != LINUX_REBOOT_MAGIC1 || !MAGIC2.contains(&magic2) {
        return Err(EINVAL);
    }
    match cmd {
        LINUX_REBOOT_CMD_POWER_OFF | LINUX_REBOOT_CMD_HALT | LINUX_REBOOT_CMD_RESTART => {
            crate::println!("reboot: Power down");
            crate::arch::x86::qemu::exit_qemu(crate::arch::x86::qemu::ExitCode::Success)
        }
        LINUX_REBOOT_CMD_CAD_ON | LINUX_REBOOT_CMD_CAD_OFF => Ok(0),
        _ => Err(EINVAL),
    }
}

/// A limit as the 32-bit `struct rlimit` of `ugetrlimit` and `setrlimit`
/// carries it: unlimited is `RLIM_INFINITY`.
fn to_rlim32(v: u64) -> u32 {
    u32::try_from(v).unwrap_or(RLIM_INFINITY)
}

/// The limits of process `pid` (0: the caller), changed by `f` (Linux's
/// `do_prlimit` on the task found by `find_task_by_vpid`). Another
/// process's limits need Linux's `check_prlimit_permission`: the caller's
/// real uid is all three of the target's uids and its real gid all three
/// gids, or the caller has `CAP_SYS_RESOURCE`; else `-EPERM`.
fn with_limits<R>(pid: i32, f: impl FnOnce(&mut Rlimits) -> Result<R, Errno>) -> Result<R, Errno> {
    let r = limits_of(pid, f);
    // The limits are the process's (Linux keeps them in signal_struct):
    // every thread gets the new ones.
    if r.is_ok() {
        let tid = if pid == 0 {
            with_current(|t| t.pid)
        } else {
            pid as u32
        };
        crate::proc::thread::sync_rlimits(tid);
    }
    r
}

fn limits_of<R>(pid: i32, f: impl FnOnce(&mut Rlimits) -> Result<R, Errno>) -> Result<R, Errno> {
    if pid == 0 {
        return with_current(|t| f(&mut t.rlimits));
    }
    let pid = u32::try_from(pid).map_err(|_| ESRCH)?;
    let cred = current_cred();
    let me = with_current(|t| t.pid);
    crate::proc::sched::SCHED.with(|s| match s.tasks.get_mut(pid) {
        Some(t) if !matches!(t.state, crate::proc::task::TaskState::Zombie(_)) => {
            let c = &t.cred;
            let id_match = [c.uid, c.euid, c.suid].iter().all(|&u| u == cred.uid)
                && [c.gid, c.egid, c.sgid].iter().all(|&g| g == cred.gid);
            if pid != me && !id_match && !cred.capable(CAP_SYS_RESOURCE) {
                return Err(EPERM);
            }
            f(&mut t.rlimits)
        }
        _ => Err(ESRCH),
    })
}

/// May the caller raise a hard limit? (`CAP_SYS_RESOURCE`: root.)
fn may_raise() -> bool {
    capable(CAP_SYS_RESOURCE)
}

/// `ugetrlimit(resource, *rlim)`: the 32-bit limits, unlimited as
/// `RLIM_INFINITY`.
pub fn sys_ugetrlimit(resource: i32, rlim: UserPtr<[u32; 2]>) -> SysResult {
    let old = with_limits(0, |l| do_prlimit(l, resource, None, false))?;
    rlim.write(&[to_rlim32(old.cur), to_rlim32(old.max)])?;
    Ok(0)
}

/// The old `getrlimit(resource, *rlim)` (number 76): as `ugetrlimit`, but
/// limits above `0x7fffffff` (unlimited included) read as `0x7fffffff`,
/// for programs that took `rlim_t` to be signed (Linux's
/// `sys_old_getrlimit`).
pub fn sys_old_getrlimit(resource: i32, rlim: UserPtr<[u32; 2]>) -> SysResult {
    let old = with_limits(0, |l| do_prlimit(l, resource, None, false))?;
    let clamp = |v: u64| v.min(0x7FFF_FFFF) as u32;
    rlim.write(&[clamp(old.cur), clamp(old.max)])?;
    Ok(0)
}

/// `setrlimit(resource, *rlim)`, 32-bit limits.
pub fn sys_setrlimit(resource: i32, rlim: UserPtr<[u32; 2]>) -> SysResult {
    rlimit::index(resource)?;
    let [cur, max] = rlim.read()?;
    let wide = |v: u32| {
        if v == RLIM_INFINITY {
            RLIM_INF
        } else {
            u64::from(v)
        }
    };
    let new = Rlimit {
        cur: wide(cur),
        max: wide(max),
    };
    let may_raise = may_raise();
    with_limits(0, |l| do_prlimit(l, resource, Some(new), may_raise))?;
    Ok(0)
}

/// `prlimit64(pid, resource, *new, *old)`: read the new limit first
/// (`-EFAULT` changes nothing), then swap, then write the old one.
pub fn sys_prlimit64(
    pid: i32,
    resource: i32,
    new: UserPtr<[u64; 2]>,
    old: UserPtr<[u64; 2]>,
) -> SysResult {
    rlimit::index(resource)?;
    let new = new.read_opt()?.map(|[cur, max]| Rlimit { cur, max });
    let may_raise = may_raise();
    let prev = with_limits(pid, |l| do_prlimit(l, resource, new, may_raise))?;
    old.write_opt(&[prev.cur, prev.max])?;
    Ok(0)
}

/// `getrandom(buf, len, flags)`: bytes from a TSC-seeded xorshift — fine
/// for hash seeds and stack canaries in a teaching kernel, not for keys.
pub fn sys_getrandom(buf: UserSlice<Write>, flags: u32) -> SysResult {
    if flags & !(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE) != 0 {
        return Err(EINVAL);
    }
    let buf = buf.truncate(32 << 20);
    let len = buf.len();
    // The whole range must be user memory before anything is written.
    if !crate::mm::usercopy::access_ok(buf.addr(), len) {
        return Err(EFAULT);
    }
    let mut x = crate::arch::x86::instructions::rdtsc() | 1;
    let mut done = 0;
    while done < len {
        let mut chunk = [0u8; 256];
        for w in chunk.chunks_mut(8) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            w.copy_from_slice(&x.to_le_bytes());
        }
        let n = (len - done).min(chunk.len());
        buf.sub(done, n)?.write_prefix(&chunk[..n])?;
        done += n;
    }
    Ok(len)
}

/// `sysinfo(*info)`: memory as `/proc/meminfo` shows it (both from
/// `mm::si_meminfo`), tmpfs's pages as shared memory (as Linux counts
/// shmem), and the load averages in `SI_LOAD_SHIFT` (16-bit) fixed point.
pub fn sys_sysinfo(info: UserPtr<Sysinfo>) -> SysResult {
    let mut s = Sysinfo::ZERO;
    s.uptime = (crate::time::uptime_ns() / 1_000_000_000) as i32;
    let m = crate::mm::si_meminfo();
    s.totalram = m.total as u32;
    s.freeram = m.free as u32;
    s.sharedram = crate::fs::namespace::shmem_bytes() as u32;
    let load = crate::proc::sched::loadavg();
    for (out, l) in s.loads.iter_mut().zip(load) {
        *out = (l << (16 - crate::proc::sched::FSHIFT)) as u32;
    }
    s.procs = crate::proc::sched::SCHED.with(|x| x.tasks.len()) as u16;
    s.mem_unit = 1;
    info.write(&s)?;
    Ok(0)
}

/// `personality(persona)`: only `PER_LINUX` (0); 0xffffffff queries.
pub fn sys_personality(persona: u32) -> SysResult {
    match persona {
        0 | 0xFFFF_FFFF => Ok(0),
        _ => Err(EINVAL),
    }
}

/// `prctl(option, arg2, arg3, arg4, arg5)`: the "dumpable" flag (no core
/// dumps here anyway) and the thread's name.
pub fn sys_prctl(option: i32, arg2: u32, _arg3: u32, _arg4: u32, _arg5: u32) -> SysResult {
    let name_ptr = UserPtr::<[u8; 16]>::new(arg2 as usize);
    match option {
        PR_GET_DUMPABLE => Ok(1),
        PR_SET_DUMPABLE if arg2 <= 1 => Ok(0),
        PR_SET_NAME => {
            let name = name_ptr.read()?;
            let n = name.iter().position(|&b| b == 0).unwrap_or(15).min(15);
            let comm = alloc::string::String::from_utf8_lossy(&name[..n]).into_owned();
            crate::proc::with_current(|t| t.comm = comm);
            Ok(0)
        }
        PR_GET_NAME => {
            let mut name = [0u8; 16];
            crate::proc::with_current(|t| {
                let b = t.comm.as_bytes();
                name[..b.len().min(15)].copy_from_slice(&b[..b.len().min(15)]);
            });
            name_ptr.write(&name)?;
            Ok(0)
        }
        _ => Err(EINVAL),
    }
}

/// The CPU time of the calling process (`RUSAGE_SELF`: its live threads'
/// and its exited ones'), of its waited-for children (`RUSAGE_CHILDREN`),
/// or of the calling thread (`RUSAGE_THREAD`).
fn cpu_times(who: i32) -> CpuTimes {
    crate::proc::sched::SCHED.with(|s| {
        let me = s.current.expect("no current task");
        let t = s.tasks.get(me).expect("current task");
        match who {
            RUSAGE_THREAD => CpuTimes::of(t),
            RUSAGE_CHILDREN => t.group.child_times,
            _ => crate::proc::thread::process_times(s, t),
        }
    })
}

/// Clock ticks as a `timeval` (a tick is 1/HZ s).
fn ticks_timeval(ticks: u64) -> Timeval {
    let us = ticks * (1_000_000 / u64::from(crate::arch::x86::pit::HZ));
    Timeval {
        tv_sec: (us / 1_000_000) as i32,
        tv_usec: (us % 1_000_000) as i32,
    }
}

/// A `struct rusage` with CPU times `c` and the largest resident set
/// `maxrss_kb` (the counters this kernel does not keep are 0).
pub fn rusage_of(c: CpuTimes, maxrss_kb: usize) -> Rusage {
    Rusage {
        ru_utime: ticks_timeval(c.utime),
        ru_stime: ticks_timeval(c.stime),
        ru_maxrss: maxrss_kb as i32,
        ..Rusage::ZERO
    }
}

/// `getrusage(who, *usage)` (Linux's `kernel/sys.c`): `EINVAL` for any
/// other `who`. The resident set reported is the current one, where
/// Linux keeps its high-water mark.
pub fn sys_getrusage(who: i32, usage: UserPtr<Rusage>) -> SysResult {
    if !matches!(who, RUSAGE_SELF | RUSAGE_CHILDREN | RUSAGE_THREAD) {
        return Err(EINVAL);
    }
    let rss = match who {
        RUSAGE_CHILDREN => 0,
        _ => crate::proc::current_mm().map_or(0, |mm| mm.with(|m| m.footprint_kb().1)),
    };
    usage.write(&rusage_of(cpu_times(who), rss))?;
    Ok(0)
}

/// `times(*buf)`: the process's and its waited-for children's CPU time
/// (`buf` may be NULL), and clock ticks since boot (`USER_HZ` = `HZ`).
pub fn sys_times(buf: UserPtr<Tms>) -> SysResult {
    let (me, children) = (cpu_times(RUSAGE_SELF), cpu_times(RUSAGE_CHILDREN));
    buf.write_opt(&Tms {
        tms_utime: me.utime as i32,
        tms_stime: me.stime as i32,
        tms_cutime: children.utime as i32,
        tms_cstime: children.stime as i32,
    })?;
    Ok(crate::time::jiffies() as usize)
}

//! `uname`: who we say we are. "Linux" on "i686", with a 6.1 release
//! number, because C libraries compare it against their minimum.

use super::args::{SysResult, SyscallContext, efault};
use abi::types::Utsname;

fn field(s: &str) -> [u8; 65] {
    let mut f = [0u8; 65];
    f[..s.len()].copy_from_slice(s.as_bytes());
    f
}

/// `uname(*buf)`.
pub fn sys_uname(ctx: &mut SyscallContext) -> SysResult {
    let u = Utsname {
        sysname: field("Linux"),
        nodename: field("rusty"),
        release: field("6.1.0-rusty-i386"),
        version: field("#1 rusty-i386 teaching kernel"),
        machine: field("i686"),
        domainname: field("(none)"),
    };
    ctx.user_ptr::<Utsname>(0).write(&u).map_err(efault)?;
    Ok(0)
}

/// `reboot(magic1, magic2, cmd, arg)`: power off (or "restart", which in
/// QEMU with -no-reboot is the same), after Linux's magic-number check.
pub fn sys_reboot(ctx: &mut SyscallContext) -> SysResult {
    const MAGIC1: u32 = 0xfee1_dead;
    const MAGIC2: [u32; 4] = [672_274_793, 85_072_278, 369_367_448, 537_993_216];
    const CMD_RESTART: u32 = 0x0123_4567;
    const CMD_HALT: u32 = 0xcdef_0123;
    const CMD_POWER_OFF: u32 = 0x4321_fedc;
    if ctx.arg(0) != MAGIC1 || !MAGIC2.contains(&ctx.arg(1)) {
        return Err(abi::errno::EINVAL);
    }
    match ctx.arg(2) {
        CMD_POWER_OFF | CMD_HALT | CMD_RESTART => {
            crate::println!("reboot: Power down");
            crate::arch::x86::qemu::exit_qemu(crate::arch::x86::qemu::ExitCode::Success)
        }
        _ => Err(abi::errno::EINVAL),
    }
}

/// `getrlimit`/`ugetrlimit(resource, *rlim)` with 32-bit limits, and
/// `prlimit64(pid, resource, *new, *old)`: Linux's defaults for a root
/// shell (8 MiB stack, 1024 files, everything else unlimited).
fn rlimit(resource: u32) -> Result<(u64, u64), i32> {
    const INF: u64 = u64::MAX;
    match resource {
        3 => Ok((8 << 20, INF)), // RLIMIT_STACK
        4 => Ok((0, INF)),       // RLIMIT_CORE
        7 => Ok((
            crate::fs::file::NR_OPEN as u64,
            crate::fs::file::NR_OPEN as u64,
        )), // RLIMIT_NOFILE
        0..=15 => Ok((INF, INF)),
        _ => Err(abi::errno::EINVAL),
    }
}

/// `ugetrlimit(resource, *rlim)` (and the old `getrlimit`).
pub fn sys_getrlimit(ctx: &mut SyscallContext) -> SysResult {
    let (cur, max) = rlimit(ctx.arg(0))?;
    let clamp = |v: u64| u32::try_from(v).unwrap_or(u32::MAX);
    ctx.user_ptr::<[u32; 2]>(1)
        .write(&[clamp(cur), clamp(max)])
        .map_err(efault)?;
    Ok(0)
}

/// `setrlimit(resource, *rlim)`: accepted (limits are not enforced).
pub fn sys_setrlimit(ctx: &mut SyscallContext) -> SysResult {
    rlimit(ctx.arg(0))?;
    ctx.user_ptr::<[u32; 2]>(1).read().map_err(efault)?;
    Ok(0)
}

/// `prlimit64(pid, resource, *new, *old)`.
pub fn sys_prlimit64(ctx: &mut SyscallContext) -> SysResult {
    let pid = ctx.arg(0);
    if pid != 0 && pid != crate::proc::with_current(|t| t.pid) {
        return Err(abi::errno::ESRCH);
    }
    let (cur, max) = rlimit(ctx.arg(1))?;
    let new = ctx.user_ptr::<[u64; 2]>(2);
    if !new.is_null() {
        new.read().map_err(efault)?;
    }
    let old = ctx.user_ptr::<[u64; 2]>(3);
    if !old.is_null() {
        old.write(&[cur, max]).map_err(efault)?;
    }
    Ok(0)
}

/// `getrandom(buf, len, flags)`: bytes from a TSC-seeded xorshift — fine
/// for hash seeds and stack canaries in a teaching kernel, not for keys.
pub fn sys_getrandom(ctx: &mut SyscallContext) -> SysResult {
    if ctx.arg(2) & !0x7 != 0 {
        return Err(abi::errno::EINVAL);
    }
    let len = ctx.arg_usize(1).min(32 << 20);
    let buf = crate::mm::usercopy::UserSlice::new(ctx.arg_usize(0), len).map_err(efault)?;
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
        crate::mm::usercopy::copy_to_user(buf.addr() + done, &chunk[..n]).map_err(efault)?;
        done += n;
    }
    Ok(len)
}

/// `sysinfo(*info)`.
pub fn sys_sysinfo(ctx: &mut SyscallContext) -> SysResult {
    let mut s = abi::types::Sysinfo::ZERO;
    s.uptime = (crate::time::uptime_ns() / 1_000_000_000) as i32;
    s.totalram = (crate::boot_info().usable_top() as u32).saturating_sub(0x10_0000);
    s.freeram = (crate::mm::frame::free_frames() * crate::mm::PAGE_SIZE) as u32;
    s.procs = crate::proc::sched::SCHED.with(|x| x.tasks.len()) as u16;
    s.mem_unit = 1;
    ctx.user_ptr::<abi::types::Sysinfo>(0)
        .write(&s)
        .map_err(efault)?;
    Ok(0)
}

/// `personality(persona)`: only `PER_LINUX` (0); 0xffffffff queries.
pub fn sys_personality(ctx: &mut SyscallContext) -> SysResult {
    match ctx.arg(0) {
        0 | 0xFFFF_FFFF => Ok(0),
        _ => Err(abi::errno::EINVAL),
    }
}

/// `prctl(option, ...)`: the "dumpable" flag (no core dumps here anyway).
pub fn sys_prctl(ctx: &mut SyscallContext) -> SysResult {
    const PR_GET_DUMPABLE: u32 = 3;
    const PR_SET_DUMPABLE: u32 = 4;
    const PR_SET_NAME: u32 = 15;
    const PR_GET_NAME: u32 = 16;
    match ctx.arg(0) {
        PR_GET_DUMPABLE => Ok(1),
        PR_SET_DUMPABLE if ctx.arg(1) <= 1 => Ok(0),
        PR_SET_NAME => {
            let mut name = [0u8; 16];
            crate::mm::usercopy::copy_from_user(&mut name, ctx.arg_usize(1)).map_err(efault)?;
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
            crate::mm::usercopy::copy_to_user(ctx.arg_usize(1), &name).map_err(efault)?;
            Ok(0)
        }
        _ => Err(abi::errno::EINVAL),
    }
}

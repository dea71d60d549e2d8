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
    match ctx.arg(0) {
        PR_GET_DUMPABLE => Ok(1),
        PR_SET_DUMPABLE if ctx.arg(1) <= 1 => Ok(0),
        _ => Err(abi::errno::EINVAL),
    }
}

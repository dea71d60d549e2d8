//! The credential system calls: `getuid` ... `setresgid`, `setfsuid`,
//! `getgroups`/`setgroups`, in their 16-bit (`kernel/uid16.c`) and 32-bit
//! (`kernel/sys.c`, `kernel/groups.c`) forms, with Linux's rules and errnos.
//!
//! Each rule is a function from the old credentials to the new ones
//! (Linux's `__sys_setuid` and friends between `prepare_creds` and
//! `commit_creds`), so the rules can be tested without a process; the
//! handlers read the current credentials, apply the rule and commit
//! (`proc/cred.rs`). "Privileged" is `CAP_SETUID` (`CAP_SETGID` for
//! groups): an effective uid of 0.
//!
//! The 16-bit calls (23, 24, 46, ...; the ones i386 had first) take and
//! return `old_uid_t`: an id above 65535 reads as 65534 (`high2lowuid`),
//! and the 16-bit `-1` means `-1` (`low2highuid`, in [`OldUid::widen`]).

use super::args::{Gid, OldGid, OldUid, SysResult, Uid};
use super::uaccess::{UserPtr, UserSlice, Write};
use crate::mm::heap::{for_user, try_vec};
use crate::proc::cred::{Cred, GroupInfo, capable, commit_creds, current_cred, prepare_creds};
use crate::proc::with_current;
use abi::cred::*;
use abi::errno::{EINVAL, ENOMEM, EPERM, Errno};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// `(uid_t)-1` or `(gid_t)-1`: "leave it unchanged".
const KEEP: u32 = INVALID_UID;

/// Linux's `uid_valid(make_kuid(ns, id))`: every id but -1.
fn valid(id: u32) -> Result<u32, Errno> {
    if id == INVALID_UID {
        Err(EINVAL)
    } else {
        Ok(id)
    }
}

/// `id` unless it is -1, which must otherwise be valid.
fn optional(id: u32) -> Option<u32> {
    (id != KEEP).then_some(id)
}

// The rules (kernel/sys.c), as pure functions of the old credentials and
// whether the caller holds CAP_SETUID / CAP_SETGID.

/// `__sys_setuid`: privileged, set real, effective, saved and fs uid;
/// otherwise only the effective (and fs) uid, to the real or saved one.
pub fn set_uid(old: &Cred, privileged: bool, uid: u32) -> Result<Cred, Errno> {
    let uid = valid(uid)?;
    let mut new = old.clone();
    if privileged {
        new.uid = uid;
        new.suid = uid;
    } else if uid != old.uid && uid != old.suid {
        return Err(EPERM);
    }
    new.euid = uid;
    new.fsuid = uid;
    Ok(new)
}

/// `__sys_setgid`: the same for groups.
pub fn set_gid(old: &Cred, privileged: bool, gid: u32) -> Result<Cred, Errno> {
    let gid = valid(gid)?;
    let mut new = old.clone();
    if privileged {
        new.gid = gid;
        new.sgid = gid;
    } else if gid != old.gid && gid != old.sgid {
        return Err(EPERM);
    }
    new.egid = gid;
    new.fsgid = gid;
    Ok(new)
}

/// `__sys_setreuid` (BSD style): unprivileged, the real uid may become
/// the effective one and the effective uid the real or saved one. Setting
/// the real uid, or an effective uid other than the old real one, also
/// sets the saved uid to the new effective one, so a setuid program can
/// drop its privilege for good.
pub fn set_reuid(old: &Cred, privileged: bool, ruid: u32, euid: u32) -> Result<Cred, Errno> {
    let (r, e) = (optional(ruid), optional(euid));
    let mut new = old.clone();
    if let Some(r) = r {
        if r != old.uid && r != old.euid && !privileged {
            return Err(EPERM);
        }
        new.uid = r;
    }
    if let Some(e) = e {
        if e != old.uid && e != old.euid && e != old.suid && !privileged {
            return Err(EPERM);
        }
        new.euid = e;
    }
    if r.is_some() || e.is_some_and(|e| e != old.uid) {
        new.suid = new.euid;
    }
    new.fsuid = new.euid;
    Ok(new)
}

/// `__sys_setregid`: the same for groups (Linux checks the real gid
/// against the old real and effective ones, and the effective against all
/// three).
pub fn set_regid(old: &Cred, privileged: bool, rgid: u32, egid: u32) -> Result<Cred, Errno> {
    let (r, e) = (optional(rgid), optional(egid));
    let mut new = old.clone();
    if let Some(r) = r {
        if r != old.gid && r != old.egid && !privileged {
            return Err(EPERM);
        }
        new.gid = r;
    }
    if let Some(e) = e {
        if e != old.gid && e != old.egid && e != old.sgid && !privileged {
            return Err(EPERM);
        }
        new.egid = e;
    }
    if r.is_some() || e.is_some_and(|e| e != old.gid) {
        new.sgid = new.egid;
    }
    new.fsgid = new.egid;
    Ok(new)
}

/// `__sys_setresuid`: each of real, effective and saved uid (-1: kept);
/// unprivileged, each only to one of the three current ones. `None`: it
/// changes nothing (Linux's no-op shortcut, which also keeps the fsuid).
pub fn set_resuid(
    old: &Cred,
    privileged: bool,
    ruid: u32,
    euid: u32,
    suid: u32,
) -> Result<Option<Cred>, Errno> {
    let (r, e, s) = (optional(ruid), optional(euid), optional(suid));
    if r.is_none_or(|r| r == old.uid)
        && e.is_none_or(|e| e == old.euid && e == old.fsuid)
        && s.is_none_or(|s| s == old.suid)
    {
        return Ok(None);
    }
    let is_new =
        |id: Option<u32>| id.is_some_and(|i| i != old.uid && i != old.euid && i != old.suid);
    if (is_new(r) || is_new(e) || is_new(s)) && !privileged {
        return Err(EPERM);
    }
    let mut new = old.clone();
    new.uid = r.unwrap_or(old.uid);
    new.euid = e.unwrap_or(old.euid);
    new.suid = s.unwrap_or(old.suid);
    new.fsuid = new.euid;
    Ok(Some(new))
}

/// `__sys_setresgid`: the same for groups.
pub fn set_resgid(
    old: &Cred,
    privileged: bool,
    rgid: u32,
    egid: u32,
    sgid: u32,
) -> Result<Option<Cred>, Errno> {
    let (r, e, s) = (optional(rgid), optional(egid), optional(sgid));
    if r.is_none_or(|r| r == old.gid)
        && e.is_none_or(|e| e == old.egid && e == old.fsgid)
        && s.is_none_or(|s| s == old.sgid)
    {
        return Ok(None);
    }
    let is_new =
        |id: Option<u32>| id.is_some_and(|i| i != old.gid && i != old.egid && i != old.sgid);
    if (is_new(r) || is_new(e) || is_new(s)) && !privileged {
        return Err(EPERM);
    }
    let mut new = old.clone();
    new.gid = r.unwrap_or(old.gid);
    new.egid = e.unwrap_or(old.egid);
    new.sgid = s.unwrap_or(old.sgid);
    new.fsgid = new.egid;
    Ok(Some(new))
}

/// `__sys_setfsuid`: the fsuid may become any of the four current uids
/// (any uid, privileged). `None`: refused or unchanged; the call reports
/// the old fsuid either way, never an error.
pub fn set_fsuid(old: &Cred, privileged: bool, uid: u32) -> Option<Cred> {
    let ok = uid != INVALID_UID
        && uid != old.fsuid
        && (privileged || [old.uid, old.euid, old.suid].contains(&uid));
    ok.then(|| Cred {
        fsuid: uid,
        ..old.clone()
    })
}

/// `__sys_setfsgid`: the same for groups.
pub fn set_fsgid(old: &Cred, privileged: bool, gid: u32) -> Option<Cred> {
    let ok = gid != INVALID_GID
        && gid != old.fsgid
        && (privileged || [old.gid, old.egid, old.sgid].contains(&gid));
    ok.then(|| Cred {
        fsgid: gid,
        ..old.clone()
    })
}

// The handlers.

/// The current credentials, and whether they hold `cap`.
fn old_and(cap: u32) -> (Cred, bool) {
    let old = prepare_creds();
    let privileged = old.capable(cap);
    (old, privileged)
}

fn ids(f: impl FnOnce(&Cred) -> u32) -> SysResult {
    Ok(with_current(|t| f(&t.cred)) as usize)
}

/// `getuid32()`: the real uid.
pub fn sys_getuid() -> SysResult {
    ids(|c| c.uid)
}

/// `geteuid32()`.
pub fn sys_geteuid() -> SysResult {
    ids(|c| c.euid)
}

/// `getgid32()`.
pub fn sys_getgid() -> SysResult {
    ids(|c| c.gid)
}

/// `getegid32()`.
pub fn sys_getegid() -> SysResult {
    ids(|c| c.egid)
}

/// `getuid()` (24, 16-bit): above 65535 reads as 65534.
pub fn sys_getuid16() -> SysResult {
    ids(|c| u32::from(high2lowuid(c.uid)))
}

/// `geteuid()` (49, 16-bit).
pub fn sys_geteuid16() -> SysResult {
    ids(|c| u32::from(high2lowuid(c.euid)))
}

/// `getgid()` (47, 16-bit).
pub fn sys_getgid16() -> SysResult {
    ids(|c| u32::from(high2lowgid(c.gid)))
}

/// `getegid()` (50, 16-bit).
pub fn sys_getegid16() -> SysResult {
    ids(|c| u32::from(high2lowgid(c.egid)))
}

/// `setuid32(uid)`.
pub fn sys_setuid(uid: Uid) -> SysResult {
    let (old, privileged) = old_and(CAP_SETUID);
    commit_creds(set_uid(&old, privileged, uid.0)?)?;
    Ok(0)
}

/// `setuid(uid)` (23, 16-bit).
pub fn sys_setuid16(uid: OldUid) -> SysResult {
    sys_setuid(Uid(uid.widen()))
}

/// `setgid32(gid)`.
pub fn sys_setgid(gid: Gid) -> SysResult {
    let (old, privileged) = old_and(CAP_SETGID);
    commit_creds(set_gid(&old, privileged, gid.0)?)?;
    Ok(0)
}

/// `setgid(gid)` (46, 16-bit).
pub fn sys_setgid16(gid: OldGid) -> SysResult {
    sys_setgid(Gid(gid.widen()))
}

/// `setreuid32(ruid, euid)`: invalid ids (`-EINVAL`) before permission.
pub fn sys_setreuid(ruid: Uid, euid: Uid) -> SysResult {
    let (old, privileged) = old_and(CAP_SETUID);
    commit_creds(set_reuid(&old, privileged, ruid.0, euid.0)?)?;
    Ok(0)
}

/// `setreuid(ruid, euid)` (70, 16-bit).
pub fn sys_setreuid16(ruid: OldUid, euid: OldUid) -> SysResult {
    sys_setreuid(Uid(ruid.widen()), Uid(euid.widen()))
}

/// `setregid32(rgid, egid)`.
pub fn sys_setregid(rgid: Gid, egid: Gid) -> SysResult {
    let (old, privileged) = old_and(CAP_SETGID);
    commit_creds(set_regid(&old, privileged, rgid.0, egid.0)?)?;
    Ok(0)
}

/// `setregid(rgid, egid)` (71, 16-bit).
pub fn sys_setregid16(rgid: OldGid, egid: OldGid) -> SysResult {
    sys_setregid(Gid(rgid.widen()), Gid(egid.widen()))
}

/// `setresuid32(ruid, euid, suid)`.
pub fn sys_setresuid(ruid: Uid, euid: Uid, suid: Uid) -> SysResult {
    let (old, privileged) = old_and(CAP_SETUID);
    if let Some(new) = set_resuid(&old, privileged, ruid.0, euid.0, suid.0)? {
        commit_creds(new)?;
    }
    Ok(0)
}

/// `setresuid(ruid, euid, suid)` (164, 16-bit).
pub fn sys_setresuid16(ruid: OldUid, euid: OldUid, suid: OldUid) -> SysResult {
    sys_setresuid(Uid(ruid.widen()), Uid(euid.widen()), Uid(suid.widen()))
}

/// `setresgid32(rgid, egid, sgid)`.
pub fn sys_setresgid(rgid: Gid, egid: Gid, sgid: Gid) -> SysResult {
    let (old, privileged) = old_and(CAP_SETGID);
    if let Some(new) = set_resgid(&old, privileged, rgid.0, egid.0, sgid.0)? {
        commit_creds(new)?;
    }
    Ok(0)
}

/// `setresgid(rgid, egid, sgid)` (170, 16-bit).
pub fn sys_setresgid16(rgid: OldGid, egid: OldGid, sgid: OldGid) -> SysResult {
    sys_setresgid(Gid(rgid.widen()), Gid(egid.widen()), Gid(sgid.widen()))
}

/// Write three ids in order, stopping at the first fault (Linux's
/// `put_user` chain in `getresuid`).
fn put_three<T: abi::Pod>(ptrs: [UserPtr<T>; 3], ids: [T; 3]) -> SysResult {
    for (p, id) in ptrs.iter().zip(ids.iter()) {
        p.write(id)?;
    }
    Ok(0)
}

/// `getresuid32(*ruid, *euid, *suid)`.
pub fn sys_getresuid(r: UserPtr<u32>, e: UserPtr<u32>, s: UserPtr<u32>) -> SysResult {
    let c = current_cred();
    put_three([r, e, s], [c.uid, c.euid, c.suid])
}

/// `getresuid(*ruid, *euid, *suid)` (165, 16-bit ids).
pub fn sys_getresuid16(r: UserPtr<u16>, e: UserPtr<u16>, s: UserPtr<u16>) -> SysResult {
    let c = current_cred();
    put_three([r, e, s], [c.uid, c.euid, c.suid].map(high2lowuid))
}

/// `getresgid32(*rgid, *egid, *sgid)`.
pub fn sys_getresgid(r: UserPtr<u32>, e: UserPtr<u32>, s: UserPtr<u32>) -> SysResult {
    let c = current_cred();
    put_three([r, e, s], [c.gid, c.egid, c.sgid])
}

/// `getresgid(*rgid, *egid, *sgid)` (171, 16-bit ids).
pub fn sys_getresgid16(r: UserPtr<u16>, e: UserPtr<u16>, s: UserPtr<u16>) -> SysResult {
    let c = current_cred();
    put_three([r, e, s], [c.gid, c.egid, c.sgid].map(high2lowgid))
}

/// `setfsuid32(uid)`: returns the old fsuid, whether or not it changed
/// (so the only way to learn it is a call that changes nothing, e.g. -1).
/// Out of memory it changes nothing either, as Linux's does.
pub fn sys_setfsuid(uid: Uid) -> SysResult {
    let (old, privileged) = old_and(CAP_SETUID);
    if let Some(new) = set_fsuid(&old, privileged, uid.0) {
        let _ = commit_creds(new);
    }
    Ok(old.fsuid as usize)
}

/// `setfsuid(uid)` (138, 16-bit argument; the old fsuid in full).
pub fn sys_setfsuid16(uid: OldUid) -> SysResult {
    sys_setfsuid(Uid(uid.widen()))
}

/// `setfsgid32(gid)`.
pub fn sys_setfsgid(gid: Gid) -> SysResult {
    let (old, privileged) = old_and(CAP_SETGID);
    if let Some(new) = set_fsgid(&old, privileged, gid.0) {
        let _ = commit_creds(new);
    }
    Ok(old.fsgid as usize)
}

/// `setfsgid(gid)` (139, 16-bit).
pub fn sys_setfsgid16(gid: OldGid) -> SysResult {
    sys_setfsgid(Gid(gid.widen()))
}

/// `getgroups`' common part (Linux's `sys_getgroups`): `size` 0 asks only
/// for the count; a list too short for all of them is `-EINVAL`. `put`
/// writes them out.
fn getgroups(size: i32, put: impl FnOnce(&[u32]) -> Result<(), Errno>) -> SysResult {
    let size = usize::try_from(size).map_err(|_| EINVAL)?;
    let cred = current_cred();
    let groups = cred.group_info.gids();
    if size != 0 {
        if groups.len() > size {
            return Err(EINVAL);
        }
        put(groups)?;
    }
    Ok(groups.len())
}

/// Copy `ids` out as `T`s (4 or 2 bytes each) in one go.
fn put_ids<const N: usize>(addr: usize, ids: &[u32], f: fn(u32) -> [u8; N]) -> Result<(), Errno> {
    let mut bytes: Vec<u8> = try_vec(ids.len() * N)?;
    bytes.extend(ids.iter().flat_map(|&g| f(g)));
    UserSlice::<Write>::new(addr, bytes.len()).write_prefix(&bytes)
}

/// `getgroups32(size, list)`.
pub fn sys_getgroups(size: i32, list: UserPtr<u32>) -> SysResult {
    getgroups(size, |g| put_ids(list.addr(), g, u32::to_le_bytes))
}

/// `getgroups(size, list)` (80, 16-bit gids, each clamped as `getgid`).
pub fn sys_getgroups16(size: i32, list: UserPtr<u16>) -> SysResult {
    getgroups(size, |g| {
        put_ids(list.addr(), g, |gid| high2lowgid(gid).to_le_bytes())
    })
}

/// `setgroups`' common part (Linux's `sys_setgroups`): root only
/// (`CAP_SETGID`, `-EPERM` first), at most `NGROUPS_MAX` (`-EINVAL`), no
/// -1 among them (`-EINVAL`); `read` fetches the `n` gids, widened.
fn setgroups(size: i32, read: impl FnOnce(usize) -> Result<Vec<u32>, Errno>) -> SysResult {
    if !capable(CAP_SETGID) {
        return Err(EPERM);
    }
    let n = size as u32 as usize;
    if n > NGROUPS_MAX {
        return Err(EINVAL);
    }
    let gids = read(n)?;
    if gids.contains(&INVALID_GID) {
        return Err(EINVAL);
    }
    let info = for_user(|| Arc::try_new(GroupInfo::new(gids))).map_err(|_| ENOMEM)?;
    let mut new = prepare_creds();
    new.group_info = info;
    commit_creds(new)?;
    Ok(0)
}

/// `setgroups32(size, list)`.
pub fn sys_setgroups(size: i32, list: UserPtr<u32>) -> SysResult {
    setgroups(size, |n| list.read_array(n))
}

/// `setgroups(size, list)` (81, 16-bit gids; 0xffff is -1, refused).
pub fn sys_setgroups16(size: i32, list: UserPtr<u16>) -> SysResult {
    setgroups(size, |n| {
        let small = list.read_array(n)?;
        let mut gids = try_vec(n)?;
        gids.extend(small.iter().map(|&g| OldGid(g).widen()));
        Ok(gids)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(r: u32, e: u32, s: u32) -> Cred {
        Cred {
            uid: r,
            euid: e,
            suid: s,
            fsuid: e,
            gid: r,
            egid: e,
            sgid: s,
            fsgid: e,
            ..Cred::root()
        }
    }

    fn res(c: &Cred) -> (u32, u32, u32, u32) {
        (c.uid, c.euid, c.suid, c.fsuid)
    }

    #[test_case]
    fn setuid_rules() {
        let root = Cred::root();
        assert_eq!(
            res(&set_uid(&root, true, 1000).unwrap()),
            (1000, 1000, 1000, 1000)
        );
        assert_eq!(set_uid(&root, true, KEEP), Err(EINVAL));
        // A setuid-root program run by 1000: back and forth through euid.
        let c = ids(1000, 0, 0);
        assert_eq!(
            res(&set_uid(&c, false, 1000).unwrap()),
            (1000, 1000, 0, 1000)
        );
        let d = ids(1000, 1000, 0);
        assert_eq!(res(&set_uid(&d, false, 0).unwrap()), (1000, 0, 0, 0));
        assert_eq!(set_uid(&d, false, 2000), Err(EPERM));
        assert_eq!(set_gid(&d, false, 2000), Err(EPERM));
        let g = set_gid(&d, false, 0).unwrap();
        assert_eq!((g.gid, g.egid, g.sgid, g.fsgid), (1000, 0, 0, 0));
    }

    #[test_case]
    fn setreuid_rules() {
        let c = ids(1000, 2000, 3000);
        // Swap real and effective: the saved uid follows the effective.
        assert_eq!(
            res(&set_reuid(&c, false, 2000, 1000).unwrap()),
            (2000, 1000, 1000, 1000)
        );
        // Effective to the saved one: saved becomes it too (it differs from
        // the real uid).
        assert_eq!(
            res(&set_reuid(&c, false, KEEP, 3000).unwrap()),
            (1000, 3000, 3000, 3000)
        );
        // Effective back to the real one only: saved kept.
        assert_eq!(
            res(&set_reuid(&c, false, KEEP, 1000).unwrap()),
            (1000, 1000, 3000, 1000)
        );
        // The real uid may not become the saved one.
        assert_eq!(set_reuid(&c, false, 3000, KEEP), Err(EPERM));
        assert_eq!(set_reuid(&c, false, KEEP, 4000), Err(EPERM));
        assert!(set_reuid(&c, true, 4000, 5000).is_ok());
        let g = set_regid(&c, false, KEEP, 3000).unwrap();
        assert_eq!((g.gid, g.egid, g.sgid, g.fsgid), (1000, 3000, 3000, 3000));
        assert_eq!(set_regid(&c, false, 3000, KEEP), Err(EPERM));
    }

    #[test_case]
    fn setresuid_rules() {
        let c = ids(1000, 2000, 3000);
        assert_eq!(set_resuid(&c, false, KEEP, KEEP, KEEP), Ok(None));
        let n = set_resuid(&c, false, 3000, 1000, 2000).unwrap().unwrap();
        assert_eq!(res(&n), (3000, 1000, 2000, 1000));
        assert_eq!(set_resuid(&c, false, 4000, KEEP, KEEP), Err(EPERM));
        assert!(set_resuid(&c, true, 4000, 4000, 4000).unwrap().is_some());
        // The shortcut: an unchanged euid with fsuid elsewhere is a change.
        let mut f = c.clone();
        f.fsuid = 1000;
        assert_eq!(
            res(&set_resuid(&f, false, KEEP, 2000, KEEP).unwrap().unwrap()).3,
            2000
        );
        assert_eq!(set_resgid(&c, false, 5, KEEP, KEEP), Err(EPERM));
        let g = set_resgid(&c, false, KEEP, 3000, KEEP).unwrap().unwrap();
        assert_eq!((g.gid, g.egid, g.sgid, g.fsgid), (1000, 3000, 3000, 3000));
    }

    #[test_case]
    fn setfsuid_rules() {
        let c = ids(1000, 2000, 3000);
        assert_eq!(set_fsuid(&c, false, 3000).map(|n| n.fsuid), Some(3000));
        assert_eq!(set_fsuid(&c, false, 4000), None);
        assert_eq!(set_fsuid(&c, false, KEEP), None);
        assert_eq!(set_fsuid(&c, false, 2000), None); // unchanged
        assert_eq!(set_fsuid(&c, true, 4000).map(|n| n.fsuid), Some(4000));
        assert_eq!(set_fsgid(&c, false, 1000).map(|n| n.fsgid), Some(1000));
        assert_eq!(set_fsgid(&c, false, 7), None);
    }
}

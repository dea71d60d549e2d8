//! Credentials: who a process is when the kernel checks what it may do
//! (Linux's `include/linux/cred.h`, `kernel/cred.c` and `kernel/groups.c`),
//! and the checks that depend only on them: `capable`, `in_group_p`, and
//! `generic_permission` for the VFS (`fs/namei.c`).
//!
//! A [`Cred`] holds the real, effective, saved and filesystem user and
//! group ids and the supplementary groups. As on Linux it never changes
//! once a task points at it: a task's credentials are an `Arc<Cred>`,
//! shared with its children after `fork` (no copy, so `fork` cannot fail
//! here), and a system call that changes them builds a new one
//! ([`prepare_creds`]), edits it, and swaps it in ([`commit_creds`]). So a
//! permission check may hold the credentials it read ([`current_cred`])
//! across a path walk that sleeps without them changing under it.
//!
//! There are no capability sets: as on Linux for root without securebits,
//! an effective uid of 0 has every capability, and a filesystem uid of 0
//! those of `CAP_FS_MASK` (Linux drops exactly those from the effective set
//! when `fsuid` leaves 0, and raises them when it returns).
//!
//! The set*id calls themselves are in `syscall/cred.rs`; the checks that
//! use credentials are with their subsystems (`kill` in `proc/signal.rs`,
//! `RLIMIT_NPROC` in `proc::clone`, limits in `syscall/info.rs`).

use super::sched::SCHED;
use super::with_current;
use crate::mm::heap::{NoMemory, for_user};
use abi::cred::*;
use abi::errno::{EACCES, EAGAIN, ENOMEM, Errno};
use abi::stat::{S_IXGRP, S_IXOTH, S_IXUSR};
use alloc::sync::Arc;
use alloc::vec::Vec;

/// `generic_permission`'s `want` bits (Linux's `MAY_*`, `include/linux/fs.h`).
pub const MAY_EXEC: u32 = 1;
pub const MAY_WRITE: u32 = 2;
pub const MAY_READ: u32 = 4;

/// The supplementary groups (Linux's `struct group_info`), sorted so that
/// [`GroupInfo::search`] can bisect, as `groups_sort` leaves them. Shared
/// between credentials: `setgroups` makes a new one.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct GroupInfo {
    gid: Vec<u32>,
}

impl GroupInfo {
    /// Groups from a `setgroups` list: sorted (Linux's `groups_sort`;
    /// `getgroups` then reports them in that order, duplicates kept).
    pub fn new(mut gid: Vec<u32>) -> Self {
        gid.sort_unstable();
        Self { gid }
    }

    /// Linux's `groups_search`.
    pub fn search(&self, grp: u32) -> bool {
        self.gid.binary_search(&grp).is_ok()
    }

    pub fn ngroups(&self) -> usize {
        self.gid.len()
    }

    pub fn gids(&self) -> &[u32] {
        &self.gid
    }
}

/// A task's credentials (Linux's `struct cred`, without the capability
/// sets, keys and security labels), in Linux's field order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cred {
    /// Real user id: who started the process (`kill` and `RLIMIT_NPROC`
    /// look at it).
    pub uid: u32,
    pub gid: u32,
    /// Saved ids: what an unprivileged process may switch back to.
    pub suid: u32,
    pub sgid: u32,
    /// Effective ids: privileges (`capable`).
    pub euid: u32,
    pub egid: u32,
    /// Filesystem ids: file permission checks (`generic_permission`); they
    /// follow the effective ids except after `setfsuid`/`setfsgid`.
    pub fsuid: u32,
    pub fsgid: u32,
    pub group_info: Arc<GroupInfo>,
}

/// The capabilities a filesystem uid of 0 carries (Linux's `CAP_FS_MASK`).
const CAP_FS_MASK: u64 = 1 << CAP_CHOWN
    | 1 << CAP_MKNOD
    | 1 << CAP_DAC_OVERRIDE
    | 1 << CAP_DAC_READ_SEARCH
    | 1 << CAP_FOWNER
    | 1 << CAP_FSETID
    | 1 << CAP_LINUX_IMMUTABLE
    | 1 << CAP_MAC_OVERRIDE;

impl Cred {
    /// Root, every id 0 and no supplementary groups (Linux's `init_cred`):
    /// init's credentials, and so everyone's until a process changes its own.
    pub fn root() -> Self {
        Self {
            uid: 0,
            gid: 0,
            suid: 0,
            sgid: 0,
            euid: 0,
            egid: 0,
            fsuid: 0,
            fsgid: 0,
            group_info: Arc::new(GroupInfo::default()),
        }
    }

    /// Has this process capability `cap` (a `CAP_*` number)? Linux's
    /// `capable`, with root's capability sets implied by the ids: the
    /// filesystem ones by `fsuid == 0`, every other by `euid == 0`.
    pub fn capable(&self, cap: u32) -> bool {
        if CAP_FS_MASK & (1 << cap) != 0 {
            self.fsuid == 0
        } else {
            self.euid == 0
        }
    }

    /// Linux's `in_group_p`: is `gid` the filesystem gid or a supplementary
    /// group? (File permission checks.)
    pub fn in_group_p(&self, gid: u32) -> bool {
        gid == self.fsgid || self.group_info.search(gid)
    }

    /// Linux's `in_egroup_p`: the same against the effective gid.
    pub fn in_egroup_p(&self, gid: u32) -> bool {
        gid == self.egid || self.group_info.search(gid)
    }
}

/// Linux's `in_group_p` as a free function, for the VFS.
pub fn in_group_p(cred: &Cred, gid: u32) -> bool {
    cred.in_group_p(gid)
}

/// The running task's credentials (Linux's `current_cred()`): a reference
/// that stays valid, and unchanged, however long it is held.
pub fn current_cred() -> Arc<Cred> {
    with_current(|t| t.cred.clone())
}

/// Does the running task have capability `cap`? (Linux's `capable`.)
pub fn capable(cap: u32) -> bool {
    with_current(|t| t.cred.capable(cap))
}

/// A copy of the running task's credentials to edit and then
/// [`commit_creds`] (Linux's `prepare_creds`). It shares the group list,
/// so it allocates nothing.
pub fn prepare_creds() -> Cred {
    with_current(|t| Cred::clone(&t.cred))
}

/// Make `new` the running task's credentials (Linux's `commit_creds`).
/// `-ENOMEM` if the kernel cannot hold them (nothing changes then). A new
/// real uid moves the task's count from the old user to the new one
/// (`RLIMIT_NPROC`) and, like Linux's `flag_nproc_exceeded`, if the new
/// user is already over the limit, marks the task so that its next
/// `execve` fails with `-EAGAIN` rather than this call, which too many
/// programs do not check.
pub fn commit_creds(new: Cred) -> Result<(), Errno> {
    let new = for_user(|| Arc::try_new(new)).map_err(|_| ENOMEM)?;
    let old = SCHED.with(|s| -> Result<Arc<Cred>, NoMemory> {
        let pid = s.current.expect("commit_creds without a task");
        let t = s.tasks.get(pid).expect("current task");
        // Counted before this task moves to the new user, as Linux does.
        let exceeded = (new.uid != t.cred.uid).then(|| {
            let limit = t.rlimits[abi::resource::RLIMIT_NPROC as usize].cur;
            new.uid != 0 && s.tasks.user_processes(new.uid) as u64 > limit
        });
        let old = s.tasks.set_cred(pid, new)?;
        if let Some(e) = exceeded {
            s.tasks.get_mut(pid).expect("current task").nproc_exceeded = e;
        }
        Ok(old)
    })?;
    drop(old);
    Ok(())
}

/// Linux's check at the start of `execve` (`do_execveat_common`): a
/// set*uid call moved this process to a user over `RLIMIT_NPROC`
/// ([`commit_creds`]), and that user still is: `-EAGAIN`. Otherwise the
/// mark goes.
pub fn exec_check_nproc() -> Result<(), Errno> {
    SCHED.with(|s| {
        let pid = s.current.expect("execve without a task");
        let t = s.tasks.get(pid).expect("current task");
        let limit = t.rlimits[abi::resource::RLIMIT_NPROC as usize].cur;
        if t.nproc_exceeded && s.tasks.user_processes(t.cred.uid) as u64 > limit {
            return Err(EAGAIN);
        }
        s.tasks.get_mut(pid).expect("current task").nproc_exceeded = false;
        Ok(())
    })
}

/// The credentials a new program runs with (Linux's `prepare_exec_creds`
/// and `cap_bprm_creds_from_file`): the saved and filesystem ids become
/// the effective ones, so a program that kept a saved uid cannot pass it
/// on. `None` when they already are, the usual case, so that `execve`
/// allocates nothing for them. Built before the old program is given up,
/// where failing is still possible.
/// `file` is the program's (mode, uid, gid): a set-user-ID file makes its
/// owner the effective user, a set-group-ID one with group execute its
/// group the effective group (Linux's `bprm_fill_uid`).
pub fn prepare_exec_creds(old: &Cred, file: (u32, u32, u32)) -> Result<Option<Arc<Cred>>, Errno> {
    let (mode, fuid, fgid) = file;
    let mut new = old.clone();
    if mode & abi::stat::S_ISUID != 0 {
        new.euid = fuid;
    }
    if mode & abi::stat::S_ISGID != 0 && mode & abi::stat::S_IXGRP != 0 {
        new.egid = fgid;
    }
    new.suid = new.euid;
    new.fsuid = new.euid;
    new.sgid = new.egid;
    new.fsgid = new.egid;
    if new == *old {
        return Ok(None);
    }
    Ok(Some(for_user(|| Arc::try_new(new)).map_err(|_| ENOMEM)?))
}

/// Install credentials from [`prepare_exec_creds`] once `execve` can no
/// longer fail (Linux's `begin_new_exec` committing `bprm->cred`). The
/// real uid is the same, so no count moves and nothing can fail.
pub fn install_exec_creds(new: Arc<Cred>) {
    let old = SCHED.with(|s| {
        let pid = s.current.expect("execve without a task");
        s.tasks
            .set_cred(pid, new)
            .expect("same real uid: no count to move")
    });
    drop(old);
}

/// Processes per real uid, zombies included until reaped (Linux's
/// `ucounts` for `UCOUNT_RLIMIT_NPROC`): what `RLIMIT_NPROC` limits, kept
/// up to date by the task table (`proc/pid.rs`) so `fork` need not count.
/// One entry per user with a process, so a handful.
#[derive(Default)]
pub struct Ucounts {
    counts: Vec<(u32, usize)>,
}

impl Ucounts {
    pub const fn new() -> Self {
        Self { counts: Vec::new() }
    }

    /// How many processes user `uid` has.
    pub fn processes(&self, uid: u32) -> usize {
        self.counts
            .iter()
            .find(|&&(u, _)| u == uid)
            .map_or(0, |&(_, n)| n)
    }

    /// Make room for counting a process of `uid`, so that [`Ucounts::inc`]
    /// then cannot fail (Linux's `alloc_ucounts` failing is `-EAGAIN` or
    /// `-ENOMEM` for the caller).
    pub fn reserve(&mut self, uid: u32) -> Result<(), NoMemory> {
        if self.processes(uid) == 0 {
            for_user(|| self.counts.try_reserve(1))?;
        }
        Ok(())
    }

    /// Count one more process of `uid` (after [`Ucounts::reserve`]).
    pub fn inc(&mut self, uid: u32) {
        match self.counts.iter_mut().find(|(u, _)| *u == uid) {
            Some((_, n)) => *n += 1,
            None => self.counts.push((uid, 1)),
        }
    }

    /// Count one process of `uid` fewer.
    pub fn dec(&mut self, uid: u32) {
        if let Some(i) = self.counts.iter().position(|&(u, _)| u == uid) {
            self.counts[i].1 -= 1;
            if self.counts[i].1 == 0 {
                self.counts.swap_remove(i);
            }
        }
    }
}

/// Linux's `acl_permission_check` without ACLs: the owner's, group's or
/// others' bits of `mode`, whichever class the filesystem ids fall in.
fn acl_permission_check(
    cred: &Cred,
    mode: u32,
    uid: u32,
    gid: u32,
    want: u32,
) -> Result<(), Errno> {
    let want = want & 7;
    let mut mode = mode;
    if cred.fsuid == uid {
        mode >>= 6;
    } else if want & (mode ^ (mode >> 3)) != 0 && cred.in_group_p(gid) {
        // The group's bits differ from the others' in what is asked:
        // only then does membership matter (Linux's shortcut).
        mode >>= 3;
    }
    if want & !mode != 0 {
        Err(EACCES)
    } else {
        Ok(())
    }
}

/// May `cred` access an inode with `mode`, owner `uid` and group `gid` as
/// `want` (`MAY_READ | MAY_WRITE | MAY_EXEC`) says? Linux's
/// `generic_permission`: the mode bits first, then root's overrides —
/// `CAP_DAC_READ_SEARCH` reads any file and searches any directory,
/// `CAP_DAC_OVERRIDE` reads and writes anything and executes a file only
/// if some execute bit is set. `-EACCES` when refused.
pub fn generic_permission(
    cred: &Cred,
    mode: u32,
    uid: u32,
    gid: u32,
    want: u32,
    is_dir: bool,
) -> Result<(), Errno> {
    let r = acl_permission_check(cred, mode, uid, gid, want);
    if r != Err(EACCES) {
        return r;
    }
    if is_dir {
        // DACs are overridable for directories.
        if want & MAY_WRITE == 0 && cred.capable(CAP_DAC_READ_SEARCH) {
            return Ok(());
        }
        if cred.capable(CAP_DAC_OVERRIDE) {
            return Ok(());
        }
        return Err(EACCES);
    }
    // Searching includes executable on directories, else just read.
    let want = want & (MAY_READ | MAY_WRITE | MAY_EXEC);
    if want == MAY_READ && cred.capable(CAP_DAC_READ_SEARCH) {
        return Ok(());
    }
    // Read/write DACs are always overridable; executable ones only when
    // at least one exec bit is set.
    if (want & MAY_EXEC == 0 || mode & (S_IXUSR | S_IXGRP | S_IXOTH) != 0)
        && cred.capable(CAP_DAC_OVERRIDE)
    {
        return Ok(());
    }
    Err(EACCES)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(uid: u32, gid: u32, groups: &[u32]) -> Cred {
        Cred {
            uid,
            gid,
            suid: uid,
            sgid: gid,
            euid: uid,
            egid: gid,
            fsuid: uid,
            fsgid: gid,
            group_info: Arc::new(GroupInfo::new(groups.to_vec())),
        }
    }

    const R: u32 = MAY_READ;
    const W: u32 = MAY_WRITE;
    const X: u32 = MAY_EXEC;

    #[test_case]
    fn owner_group_other_bits() {
        let u = user(1000, 100, &[20, 5]);
        // Owner: only the owner's bits count, even if others' allow more.
        assert_eq!(generic_permission(&u, 0o407, 1000, 0, R, false), Ok(()));
        assert_eq!(
            generic_permission(&u, 0o047, 1000, 100, W, false),
            Err(EACCES)
        );
        // Group, through the fsgid or a supplementary group.
        assert_eq!(generic_permission(&u, 0o060, 0, 100, R | W, false), Ok(()));
        assert_eq!(generic_permission(&u, 0o060, 0, 20, W, false), Ok(()));
        assert_eq!(generic_permission(&u, 0o064, 0, 7, W, false), Err(EACCES));
        // A member gets the group's bits even when others' allow more.
        assert_eq!(generic_permission(&u, 0o604, 0, 5, R, false), Err(EACCES));
        // Others.
        assert_eq!(generic_permission(&u, 0o005, 0, 0, R | X, false), Ok(()));
        assert_eq!(generic_permission(&u, 0o005, 0, 0, W, false), Err(EACCES));
        // Directories: search is the x bit, no override.
        assert_eq!(generic_permission(&u, 0o700, 0, 0, X, true), Err(EACCES));
        assert_eq!(generic_permission(&u, 0o711, 0, 0, X, true), Ok(()));
    }

    #[test_case]
    fn filesystem_ids_decide() {
        let mut u = user(1000, 100, &[]);
        u.fsuid = 2000;
        u.fsgid = 300;
        assert_eq!(
            generic_permission(&u, 0o600, 1000, 0, R, false),
            Err(EACCES)
        );
        assert_eq!(generic_permission(&u, 0o600, 2000, 0, R, false), Ok(()));
        assert_eq!(generic_permission(&u, 0o060, 0, 300, R, false), Ok(()));
        assert_eq!(generic_permission(&u, 0o060, 0, 100, R, false), Err(EACCES));
        assert!(u.in_group_p(300) && !u.in_group_p(100) && u.in_egroup_p(100));
    }

    #[test_case]
    fn root_overrides_as_cap_dac_override() {
        let root = Cred::root();
        // Read and write anything.
        assert_eq!(
            generic_permission(&root, 0o000, 1000, 1000, R | W, false),
            Ok(())
        );
        // Execute only if some x bit is set.
        assert_eq!(
            generic_permission(&root, 0o644, 1000, 1000, X, false),
            Err(EACCES)
        );
        assert_eq!(
            generic_permission(&root, 0o001, 1000, 1000, X, false),
            Ok(())
        );
        // Search and write any directory.
        assert_eq!(
            generic_permission(&root, 0o000, 1000, 1000, X | W, true),
            Ok(())
        );
        // A root whose fsuid left 0 has no override (CAP_FS_MASK dropped),
        // but keeps its other capabilities.
        let mut r = Cred::root();
        r.fsuid = 1000;
        assert_eq!(generic_permission(&r, 0o600, 0, 0, R, false), Err(EACCES));
        assert!(r.capable(CAP_SETUID) && !r.capable(CAP_DAC_OVERRIDE));
        // And an fsuid of 0 alone carries the filesystem capabilities only.
        let mut u = user(1000, 1000, &[]);
        u.fsuid = 0;
        assert!(u.capable(CAP_DAC_READ_SEARCH) && !u.capable(CAP_KILL));
    }

    #[test_case]
    fn groups_sorted_and_searched() {
        let g = GroupInfo::new(alloc::vec![30, 10, 20, 10]);
        assert_eq!(g.gids(), &[10, 10, 20, 30]);
        assert!(g.search(20) && !g.search(15));
        assert_eq!(g.ngroups(), 4);
    }

    #[test_case]
    fn ucounts_count_per_user() {
        let mut c = Ucounts::new();
        assert!(c.reserve(1000).is_ok());
        c.inc(1000);
        c.inc(1000);
        c.inc(0);
        assert_eq!(
            (c.processes(1000), c.processes(0), c.processes(5)),
            (2, 1, 0)
        );
        c.dec(1000);
        c.dec(0);
        assert_eq!((c.processes(1000), c.processes(0)), (1, 0));
    }
}

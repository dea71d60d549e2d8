//! Resource limits: each process's `[soft, hard]` pairs (Linux's
//! `signal->rlim`), their boot defaults (`INIT_RLIMITS`) and the one place
//! that changes them (`do_prlimit` in `kernel/sys.c`). They are inherited
//! across `fork` and kept across `execve`.
//!
//! Limits are stored as 64-bit values with `u64::MAX` for "unlimited", as
//! `prlimit64` speaks; this 32-bit kernel, like Linux's, cannot hold a limit
//! of 4 GiB or more, so [`Rlimit::normalize`] turns those into unlimited.
//!
//! Where they are enforced: `RLIMIT_NOFILE` by the descriptor table
//! (`fs/file.rs`), `RLIMIT_NPROC` by `fork` (`proc::clone`, against the
//! per-user counts of `proc/cred.rs`), `RLIMIT_AS` and `RLIMIT_DATA` by `brk` and `mmap2`
//! (`syscall/mem.rs`), `RLIMIT_STACK` by the stack's growth
//! (`proc/exec.rs`), `RLIMIT_CPU` by the timer tick (`proc/sched.rs`).

use abi::errno::{EINVAL, EPERM, Errno};
use abi::resource::*;

/// One limit: the soft value the kernel enforces and the hard ceiling the
/// soft value may be raised to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rlimit {
    pub cur: u64,
    pub max: u64,
}

/// No limit.
pub const RLIM_INF: u64 = RLIM64_INFINITY;

impl Rlimit {
    const fn new(cur: u64, max: u64) -> Self {
        Self { cur, max }
    }

    /// A 32-bit kernel keeps limits in `unsigned long`: a value that does
    /// not fit is unlimited (Linux's `rlim64_to_rlim`).
    pub fn normalize(self) -> Self {
        let n = |v: u64| {
            if v >= u64::from(RLIM_INFINITY) {
                RLIM_INF
            } else {
                v
            }
        };
        Self::new(n(self.cur), n(self.max))
    }

    /// The soft limit as a count, saturating (for comparisons).
    pub fn soft(&self) -> usize {
        usize::try_from(self.cur).unwrap_or(usize::MAX)
    }
}

pub type Rlimits = [Rlimit; RLIM_NLIMITS as usize];

/// Most processes (Linux sets `RLIMIT_NPROC` and `RLIMIT_SIGPENDING` from
/// `max_threads / 2` at boot; ours is the number of kernel stacks).
const TASKS_MAX: u64 =
    (crate::mm::VMAP_SIZE / (crate::mm::vmap::KSTACK_SIZE + crate::mm::PAGE_SIZE)) as u64;

/// Linux's `INIT_RLIMITS` (`include/asm-generic/resource.h`): what init
/// starts with, and so every process unless it changes them.
pub const fn defaults() -> Rlimits {
    let mut r = [Rlimit::new(RLIM_INF, RLIM_INF); RLIM_NLIMITS as usize];
    r[RLIMIT_STACK as usize] = Rlimit::new(8 << 20, RLIM_INF); // _STK_LIM
    r[RLIMIT_CORE as usize] = Rlimit::new(0, RLIM_INF);
    r[RLIMIT_NPROC as usize] = Rlimit::new(TASKS_MAX / 2, TASKS_MAX / 2);
    r[RLIMIT_NOFILE as usize] = Rlimit::new(1024, 4096); // INR_OPEN_CUR, INR_OPEN_MAX
    r[RLIMIT_MEMLOCK as usize] = Rlimit::new(8 << 20, 8 << 20); // MLOCK_LIMIT
    r[RLIMIT_SIGPENDING as usize] = Rlimit::new(TASKS_MAX / 2, TASKS_MAX / 2);
    r[RLIMIT_MSGQUEUE as usize] = Rlimit::new(819_200, 819_200); // MQ_BYTES_MAX
    r[RLIMIT_NICE as usize] = Rlimit::new(0, 0);
    r[RLIMIT_RTPRIO as usize] = Rlimit::new(0, 0);
    r
}

/// The limit for `resource`, or `-EINVAL` for a number Linux does not have.
pub fn index(resource: i32) -> Result<usize, Errno> {
    usize::try_from(resource)
        .ok()
        .filter(|&r| r < RLIM_NLIMITS as usize)
        .ok_or(EINVAL)
}

/// Linux's `do_prlimit`: return the old limit of `resource` and, if `new`
/// is given, set it. The soft limit may not exceed the hard one
/// (`-EINVAL`); `RLIMIT_NOFILE` may not exceed `fs.nr_open` (`-EPERM`).
/// Raising a hard limit needs `CAP_SYS_RESOURCE` (`-EPERM`): the caller
/// says in `may_raise` whether it has it (root); lowering one is for
/// everyone, and cannot be undone without it.
pub fn do_prlimit(
    limits: &mut Rlimits,
    resource: i32,
    new: Option<Rlimit>,
    may_raise: bool,
) -> Result<Rlimit, Errno> {
    let i = index(resource)?;
    let old = limits[i];
    if let Some(new) = new {
        let new = new.normalize();
        if new.cur > new.max {
            return Err(EINVAL);
        }
        if resource == RLIMIT_NOFILE && new.max > crate::fs::file::NR_OPEN_MAX as u64 {
            return Err(EPERM);
        }
        if new.max > old.max && !may_raise {
            return Err(EPERM);
        }
        limits[i] = new;
    }
    Ok(old)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test_case]
    fn prlimit_checks_as_linux() {
        let mut l = defaults();
        let nofile = |cur, max| Some(Rlimit { cur, max });
        assert_eq!(
            l[RLIMIT_NOFILE as usize],
            Rlimit {
                cur: 1024,
                max: 4096
            }
        );
        assert_eq!(
            do_prlimit(&mut l, RLIMIT_NOFILE, nofile(10, 5), true),
            Err(EINVAL)
        );
        assert_eq!(
            do_prlimit(&mut l, RLIMIT_NOFILE, nofile(10, 1 << 20), true),
            Err(EPERM)
        );
        assert!(do_prlimit(&mut l, RLIMIT_NOFILE, nofile(10, 20), false).is_ok());
        assert_eq!(l[RLIMIT_NOFILE as usize].soft(), 10);
        // Raising the hard limit back needs CAP_SYS_RESOURCE.
        assert_eq!(
            do_prlimit(&mut l, RLIMIT_NOFILE, nofile(10, 21), false),
            Err(EPERM)
        );
        assert!(do_prlimit(&mut l, RLIMIT_NOFILE, nofile(20, 20), false).is_ok());
        assert!(do_prlimit(&mut l, RLIMIT_NOFILE, nofile(10, 21), true).is_ok());
        assert_eq!(do_prlimit(&mut l, 16, None, true), Err(EINVAL));
        assert_eq!(do_prlimit(&mut l, -1, None, true), Err(EINVAL));
        // 4 GiB and more is unlimited on a 32-bit kernel.
        let big = Some(Rlimit {
            cur: 1 << 33,
            max: RLIM_INF,
        });
        assert!(do_prlimit(&mut l, RLIMIT_AS, big, true).is_ok());
        assert_eq!(l[RLIMIT_AS as usize].cur, RLIM_INF);
    }
}

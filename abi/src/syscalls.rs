//! The i386 system-call numbers: one table, one line per system call, from
//! which the `NR_*` constants, [`NR_SYSCALLS`] and the number-to-name lookup
//! [`syscall_name`] are all generated (as Linux generates `unistd_32.h` from
//! `arch/x86/entry/syscalls/syscall_32.tbl`).
//!
//! The kernel's dispatcher indexes its handler table with these numbers and
//! user programs put them in `eax` before `int $0x80`, so both sides must use
//! this module rather than writing a number by hand.

/// Expands the table below into one `pub const NR_<NAME>: usize` per entry and
/// the [`SYSCALLS`] list of `(number, name)` pairs.
///
/// Each line is `number CONSTANT name,`. The name is the "name" column of
/// `syscall_32.tbl` (so `_llseek`, `_newselect`, `mmap2`, `getuid32`); the
/// constant is `NR_` followed by that name in upper case, which a unit test
/// checks for every line.
macro_rules! syscalls {
    ($($nr:literal $konst:ident $name:ident,)*) => {
        $(
            #[doc = concat!("`", stringify!($name), "`: i386 system call ", stringify!($nr), ".")]
            pub const $konst: usize = $nr;
        )*

        /// Every i386 system call as `(number, name)`, in ascending order of
        /// number, without the unused numbers.
        pub const SYSCALLS: &[(usize, &str)] = &[$(($nr, stringify!($name))),*];

        /// The constant's identifier for each entry of [`SYSCALLS`], so a test
        /// can check that `NR_<NAME>` really spells the name.
        #[cfg(test)]
        const CONSTANT_NAMES: &[&str] = &[$(stringify!($konst)),*];
    };
}

// arch/x86/entry/syscalls/syscall_32.tbl, complete up to rseq_slice_yield (471).
// Entries marked "no entry point" have a number but no kernel function in
// Linux either (they return ENOSYS there); "sys_ni_syscall" ones were removed
// later and also return ENOSYS.
syscalls! {
    0   NR_RESTART_SYSCALL               restart_syscall,
    1   NR_EXIT                          exit,
    2   NR_FORK                          fork,
    3   NR_READ                          read,
    4   NR_WRITE                         write,
    5   NR_OPEN                          open,
    6   NR_CLOSE                         close,
    7   NR_WAITPID                       waitpid,
    8   NR_CREAT                         creat,
    9   NR_LINK                          link,
    10  NR_UNLINK                        unlink,
    11  NR_EXECVE                        execve,
    12  NR_CHDIR                         chdir,
    13  NR_TIME                          time,
    14  NR_MKNOD                         mknod,
    15  NR_CHMOD                         chmod,
    16  NR_LCHOWN                        lchown,
    17  NR_BREAK                         break,  // no entry point
    18  NR_OLDSTAT                       oldstat,
    19  NR_LSEEK                         lseek,
    20  NR_GETPID                        getpid,
    21  NR_MOUNT                         mount,
    22  NR_UMOUNT                        umount,
    23  NR_SETUID                        setuid,
    24  NR_GETUID                        getuid,
    25  NR_STIME                         stime,
    26  NR_PTRACE                        ptrace,
    27  NR_ALARM                         alarm,
    28  NR_OLDFSTAT                      oldfstat,
    29  NR_PAUSE                         pause,
    30  NR_UTIME                         utime,
    31  NR_STTY                          stty,  // no entry point
    32  NR_GTTY                          gtty,  // no entry point
    33  NR_ACCESS                        access,
    34  NR_NICE                          nice,
    35  NR_FTIME                         ftime,  // no entry point
    36  NR_SYNC                          sync,
    37  NR_KILL                          kill,
    38  NR_RENAME                        rename,
    39  NR_MKDIR                         mkdir,
    40  NR_RMDIR                         rmdir,
    41  NR_DUP                           dup,
    42  NR_PIPE                          pipe,
    43  NR_TIMES                         times,
    44  NR_PROF                          prof,  // no entry point
    45  NR_BRK                           brk,
    46  NR_SETGID                        setgid,
    47  NR_GETGID                        getgid,
    48  NR_SIGNAL                        signal,
    49  NR_GETEUID                       geteuid,
    50  NR_GETEGID                       getegid,
    51  NR_ACCT                          acct,
    52  NR_UMOUNT2                       umount2,
    53  NR_LOCK                          lock,  // no entry point
    54  NR_IOCTL                         ioctl,
    55  NR_FCNTL                         fcntl,
    56  NR_MPX                           mpx,  // no entry point
    57  NR_SETPGID                       setpgid,
    58  NR_ULIMIT                        ulimit,  // no entry point
    59  NR_OLDOLDUNAME                   oldolduname,
    60  NR_UMASK                         umask,
    61  NR_CHROOT                        chroot,
    62  NR_USTAT                         ustat,
    63  NR_DUP2                          dup2,
    64  NR_GETPPID                       getppid,
    65  NR_GETPGRP                       getpgrp,
    66  NR_SETSID                        setsid,
    67  NR_SIGACTION                     sigaction,
    68  NR_SGETMASK                      sgetmask,
    69  NR_SSETMASK                      ssetmask,
    70  NR_SETREUID                      setreuid,
    71  NR_SETREGID                      setregid,
    72  NR_SIGSUSPEND                    sigsuspend,
    73  NR_SIGPENDING                    sigpending,
    74  NR_SETHOSTNAME                   sethostname,
    75  NR_SETRLIMIT                     setrlimit,
    76  NR_GETRLIMIT                     getrlimit,
    77  NR_GETRUSAGE                     getrusage,
    78  NR_GETTIMEOFDAY                  gettimeofday,
    79  NR_SETTIMEOFDAY                  settimeofday,
    80  NR_GETGROUPS                     getgroups,
    81  NR_SETGROUPS                     setgroups,
    82  NR_SELECT                        select,
    83  NR_SYMLINK                       symlink,
    84  NR_OLDLSTAT                      oldlstat,
    85  NR_READLINK                      readlink,
    86  NR_USELIB                        uselib,
    87  NR_SWAPON                        swapon,
    88  NR_REBOOT                        reboot,
    89  NR_READDIR                       readdir,
    90  NR_MMAP                          mmap,
    91  NR_MUNMAP                        munmap,
    92  NR_TRUNCATE                      truncate,
    93  NR_FTRUNCATE                     ftruncate,
    94  NR_FCHMOD                        fchmod,
    95  NR_FCHOWN                        fchown,
    96  NR_GETPRIORITY                   getpriority,
    97  NR_SETPRIORITY                   setpriority,
    98  NR_PROFIL                        profil,  // no entry point
    99  NR_STATFS                        statfs,
    100 NR_FSTATFS                       fstatfs,
    101 NR_IOPERM                        ioperm,
    102 NR_SOCKETCALL                    socketcall,
    103 NR_SYSLOG                        syslog,
    104 NR_SETITIMER                     setitimer,
    105 NR_GETITIMER                     getitimer,
    106 NR_STAT                          stat,
    107 NR_LSTAT                         lstat,
    108 NR_FSTAT                         fstat,
    109 NR_OLDUNAME                      olduname,
    110 NR_IOPL                          iopl,
    111 NR_VHANGUP                       vhangup,
    112 NR_IDLE                          idle,  // no entry point
    113 NR_VM86OLD                       vm86old,
    114 NR_WAIT4                         wait4,
    115 NR_SWAPOFF                       swapoff,
    116 NR_SYSINFO                       sysinfo,
    117 NR_IPC                           ipc,
    118 NR_FSYNC                         fsync,
    119 NR_SIGRETURN                     sigreturn,
    120 NR_CLONE                         clone,
    121 NR_SETDOMAINNAME                 setdomainname,
    122 NR_UNAME                         uname,
    123 NR_MODIFY_LDT                    modify_ldt,
    124 NR_ADJTIMEX                      adjtimex,
    125 NR_MPROTECT                      mprotect,
    126 NR_SIGPROCMASK                   sigprocmask,
    127 NR_CREATE_MODULE                 create_module,  // no entry point
    128 NR_INIT_MODULE                   init_module,
    129 NR_DELETE_MODULE                 delete_module,
    130 NR_GET_KERNEL_SYMS               get_kernel_syms,  // no entry point
    131 NR_QUOTACTL                      quotactl,
    132 NR_GETPGID                       getpgid,
    133 NR_FCHDIR                        fchdir,
    134 NR_BDFLUSH                       bdflush,  // sys_ni_syscall
    135 NR_SYSFS                         sysfs,
    136 NR_PERSONALITY                   personality,
    137 NR_AFS_SYSCALL                   afs_syscall,  // no entry point
    138 NR_SETFSUID                      setfsuid,
    139 NR_SETFSGID                      setfsgid,
    140 NR__LLSEEK                       _llseek,
    141 NR_GETDENTS                      getdents,
    142 NR__NEWSELECT                    _newselect,
    143 NR_FLOCK                         flock,
    144 NR_MSYNC                         msync,
    145 NR_READV                         readv,
    146 NR_WRITEV                        writev,
    147 NR_GETSID                        getsid,
    148 NR_FDATASYNC                     fdatasync,
    149 NR__SYSCTL                       _sysctl,  // sys_ni_syscall
    150 NR_MLOCK                         mlock,
    151 NR_MUNLOCK                       munlock,
    152 NR_MLOCKALL                      mlockall,
    153 NR_MUNLOCKALL                    munlockall,
    154 NR_SCHED_SETPARAM                sched_setparam,
    155 NR_SCHED_GETPARAM                sched_getparam,
    156 NR_SCHED_SETSCHEDULER            sched_setscheduler,
    157 NR_SCHED_GETSCHEDULER            sched_getscheduler,
    158 NR_SCHED_YIELD                   sched_yield,
    159 NR_SCHED_GET_PRIORITY_MAX        sched_get_priority_max,
    160 NR_SCHED_GET_PRIORITY_MIN        sched_get_priority_min,
    161 NR_SCHED_RR_GET_INTERVAL         sched_rr_get_interval,
    162 NR_NANOSLEEP                     nanosleep,
    163 NR_MREMAP                        mremap,
    164 NR_SETRESUID                     setresuid,
    165 NR_GETRESUID                     getresuid,
    166 NR_VM86                          vm86,
    167 NR_QUERY_MODULE                  query_module,  // no entry point
    168 NR_POLL                          poll,
    169 NR_NFSSERVCTL                    nfsservctl,  // no entry point
    170 NR_SETRESGID                     setresgid,
    171 NR_GETRESGID                     getresgid,
    172 NR_PRCTL                         prctl,
    173 NR_RT_SIGRETURN                  rt_sigreturn,
    174 NR_RT_SIGACTION                  rt_sigaction,
    175 NR_RT_SIGPROCMASK                rt_sigprocmask,
    176 NR_RT_SIGPENDING                 rt_sigpending,
    177 NR_RT_SIGTIMEDWAIT               rt_sigtimedwait,
    178 NR_RT_SIGQUEUEINFO               rt_sigqueueinfo,
    179 NR_RT_SIGSUSPEND                 rt_sigsuspend,
    180 NR_PREAD64                       pread64,
    181 NR_PWRITE64                      pwrite64,
    182 NR_CHOWN                         chown,
    183 NR_GETCWD                        getcwd,
    184 NR_CAPGET                        capget,
    185 NR_CAPSET                        capset,
    186 NR_SIGALTSTACK                   sigaltstack,
    187 NR_SENDFILE                      sendfile,
    188 NR_GETPMSG                       getpmsg,  // no entry point
    189 NR_PUTPMSG                       putpmsg,  // no entry point
    190 NR_VFORK                         vfork,
    191 NR_UGETRLIMIT                    ugetrlimit,
    192 NR_MMAP2                         mmap2,
    193 NR_TRUNCATE64                    truncate64,
    194 NR_FTRUNCATE64                   ftruncate64,
    195 NR_STAT64                        stat64,
    196 NR_LSTAT64                       lstat64,
    197 NR_FSTAT64                       fstat64,
    198 NR_LCHOWN32                      lchown32,
    199 NR_GETUID32                      getuid32,
    200 NR_GETGID32                      getgid32,
    201 NR_GETEUID32                     geteuid32,
    202 NR_GETEGID32                     getegid32,
    203 NR_SETREUID32                    setreuid32,
    204 NR_SETREGID32                    setregid32,
    205 NR_GETGROUPS32                   getgroups32,
    206 NR_SETGROUPS32                   setgroups32,
    207 NR_FCHOWN32                      fchown32,
    208 NR_SETRESUID32                   setresuid32,
    209 NR_GETRESUID32                   getresuid32,
    210 NR_SETRESGID32                   setresgid32,
    211 NR_GETRESGID32                   getresgid32,
    212 NR_CHOWN32                       chown32,
    213 NR_SETUID32                      setuid32,
    214 NR_SETGID32                      setgid32,
    215 NR_SETFSUID32                    setfsuid32,
    216 NR_SETFSGID32                    setfsgid32,
    217 NR_PIVOT_ROOT                    pivot_root,
    218 NR_MINCORE                       mincore,
    219 NR_MADVISE                       madvise,
    220 NR_GETDENTS64                    getdents64,
    221 NR_FCNTL64                       fcntl64,
    // 222 is unused
    // 223 is unused
    224 NR_GETTID                        gettid,
    225 NR_READAHEAD                     readahead,
    226 NR_SETXATTR                      setxattr,
    227 NR_LSETXATTR                     lsetxattr,
    228 NR_FSETXATTR                     fsetxattr,
    229 NR_GETXATTR                      getxattr,
    230 NR_LGETXATTR                     lgetxattr,
    231 NR_FGETXATTR                     fgetxattr,
    232 NR_LISTXATTR                     listxattr,
    233 NR_LLISTXATTR                    llistxattr,
    234 NR_FLISTXATTR                    flistxattr,
    235 NR_REMOVEXATTR                   removexattr,
    236 NR_LREMOVEXATTR                  lremovexattr,
    237 NR_FREMOVEXATTR                  fremovexattr,
    238 NR_TKILL                         tkill,
    239 NR_SENDFILE64                    sendfile64,
    240 NR_FUTEX                         futex,
    241 NR_SCHED_SETAFFINITY             sched_setaffinity,
    242 NR_SCHED_GETAFFINITY             sched_getaffinity,
    243 NR_SET_THREAD_AREA               set_thread_area,
    244 NR_GET_THREAD_AREA               get_thread_area,
    245 NR_IO_SETUP                      io_setup,
    246 NR_IO_DESTROY                    io_destroy,
    247 NR_IO_GETEVENTS                  io_getevents,
    248 NR_IO_SUBMIT                     io_submit,
    249 NR_IO_CANCEL                     io_cancel,
    250 NR_FADVISE64                     fadvise64,
    // 251 is unused
    252 NR_EXIT_GROUP                    exit_group,
    253 NR_LOOKUP_DCOOKIE                lookup_dcookie,  // no entry point
    254 NR_EPOLL_CREATE                  epoll_create,
    255 NR_EPOLL_CTL                     epoll_ctl,
    256 NR_EPOLL_WAIT                    epoll_wait,
    257 NR_REMAP_FILE_PAGES              remap_file_pages,
    258 NR_SET_TID_ADDRESS               set_tid_address,
    259 NR_TIMER_CREATE                  timer_create,
    260 NR_TIMER_SETTIME                 timer_settime,
    261 NR_TIMER_GETTIME                 timer_gettime,
    262 NR_TIMER_GETOVERRUN              timer_getoverrun,
    263 NR_TIMER_DELETE                  timer_delete,
    264 NR_CLOCK_SETTIME                 clock_settime,
    265 NR_CLOCK_GETTIME                 clock_gettime,
    266 NR_CLOCK_GETRES                  clock_getres,
    267 NR_CLOCK_NANOSLEEP               clock_nanosleep,
    268 NR_STATFS64                      statfs64,
    269 NR_FSTATFS64                     fstatfs64,
    270 NR_TGKILL                        tgkill,
    271 NR_UTIMES                        utimes,
    272 NR_FADVISE64_64                  fadvise64_64,
    273 NR_VSERVER                       vserver,  // no entry point
    274 NR_MBIND                         mbind,
    275 NR_GET_MEMPOLICY                 get_mempolicy,
    276 NR_SET_MEMPOLICY                 set_mempolicy,
    277 NR_MQ_OPEN                       mq_open,
    278 NR_MQ_UNLINK                     mq_unlink,
    279 NR_MQ_TIMEDSEND                  mq_timedsend,
    280 NR_MQ_TIMEDRECEIVE               mq_timedreceive,
    281 NR_MQ_NOTIFY                     mq_notify,
    282 NR_MQ_GETSETATTR                 mq_getsetattr,
    283 NR_KEXEC_LOAD                    kexec_load,
    284 NR_WAITID                        waitid,
    // 285 is unused
    286 NR_ADD_KEY                       add_key,
    287 NR_REQUEST_KEY                   request_key,
    288 NR_KEYCTL                        keyctl,
    289 NR_IOPRIO_SET                    ioprio_set,
    290 NR_IOPRIO_GET                    ioprio_get,
    291 NR_INOTIFY_INIT                  inotify_init,
    292 NR_INOTIFY_ADD_WATCH             inotify_add_watch,
    293 NR_INOTIFY_RM_WATCH              inotify_rm_watch,
    294 NR_MIGRATE_PAGES                 migrate_pages,
    295 NR_OPENAT                        openat,
    296 NR_MKDIRAT                       mkdirat,
    297 NR_MKNODAT                       mknodat,
    298 NR_FCHOWNAT                      fchownat,
    299 NR_FUTIMESAT                     futimesat,
    300 NR_FSTATAT64                     fstatat64,
    301 NR_UNLINKAT                      unlinkat,
    302 NR_RENAMEAT                      renameat,
    303 NR_LINKAT                        linkat,
    304 NR_SYMLINKAT                     symlinkat,
    305 NR_READLINKAT                    readlinkat,
    306 NR_FCHMODAT                      fchmodat,
    307 NR_FACCESSAT                     faccessat,
    308 NR_PSELECT6                      pselect6,
    309 NR_PPOLL                         ppoll,
    310 NR_UNSHARE                       unshare,
    311 NR_SET_ROBUST_LIST               set_robust_list,
    312 NR_GET_ROBUST_LIST               get_robust_list,
    313 NR_SPLICE                        splice,
    314 NR_SYNC_FILE_RANGE               sync_file_range,
    315 NR_TEE                           tee,
    316 NR_VMSPLICE                      vmsplice,
    317 NR_MOVE_PAGES                    move_pages,
    318 NR_GETCPU                        getcpu,
    319 NR_EPOLL_PWAIT                   epoll_pwait,
    320 NR_UTIMENSAT                     utimensat,
    321 NR_SIGNALFD                      signalfd,
    322 NR_TIMERFD_CREATE                timerfd_create,
    323 NR_EVENTFD                       eventfd,
    324 NR_FALLOCATE                     fallocate,
    325 NR_TIMERFD_SETTIME               timerfd_settime,
    326 NR_TIMERFD_GETTIME               timerfd_gettime,
    327 NR_SIGNALFD4                     signalfd4,
    328 NR_EVENTFD2                      eventfd2,
    329 NR_EPOLL_CREATE1                 epoll_create1,
    330 NR_DUP3                          dup3,
    331 NR_PIPE2                         pipe2,
    332 NR_INOTIFY_INIT1                 inotify_init1,
    333 NR_PREADV                        preadv,
    334 NR_PWRITEV                       pwritev,
    335 NR_RT_TGSIGQUEUEINFO             rt_tgsigqueueinfo,
    336 NR_PERF_EVENT_OPEN               perf_event_open,
    337 NR_RECVMMSG                      recvmmsg,
    338 NR_FANOTIFY_INIT                 fanotify_init,
    339 NR_FANOTIFY_MARK                 fanotify_mark,
    340 NR_PRLIMIT64                     prlimit64,
    341 NR_NAME_TO_HANDLE_AT             name_to_handle_at,
    342 NR_OPEN_BY_HANDLE_AT             open_by_handle_at,
    343 NR_CLOCK_ADJTIME                 clock_adjtime,
    344 NR_SYNCFS                        syncfs,
    345 NR_SENDMMSG                      sendmmsg,
    346 NR_SETNS                         setns,
    347 NR_PROCESS_VM_READV              process_vm_readv,
    348 NR_PROCESS_VM_WRITEV             process_vm_writev,
    349 NR_KCMP                          kcmp,
    350 NR_FINIT_MODULE                  finit_module,
    351 NR_SCHED_SETATTR                 sched_setattr,
    352 NR_SCHED_GETATTR                 sched_getattr,
    353 NR_RENAMEAT2                     renameat2,
    354 NR_SECCOMP                       seccomp,
    355 NR_GETRANDOM                     getrandom,
    356 NR_MEMFD_CREATE                  memfd_create,
    357 NR_BPF                           bpf,
    358 NR_EXECVEAT                      execveat,
    359 NR_SOCKET                        socket,
    360 NR_SOCKETPAIR                    socketpair,
    361 NR_BIND                          bind,
    362 NR_CONNECT                       connect,
    363 NR_LISTEN                        listen,
    364 NR_ACCEPT4                       accept4,
    365 NR_GETSOCKOPT                    getsockopt,
    366 NR_SETSOCKOPT                    setsockopt,
    367 NR_GETSOCKNAME                   getsockname,
    368 NR_GETPEERNAME                   getpeername,
    369 NR_SENDTO                        sendto,
    370 NR_SENDMSG                       sendmsg,
    371 NR_RECVFROM                      recvfrom,
    372 NR_RECVMSG                       recvmsg,
    373 NR_SHUTDOWN                      shutdown,
    374 NR_USERFAULTFD                   userfaultfd,
    375 NR_MEMBARRIER                    membarrier,
    376 NR_MLOCK2                        mlock2,
    377 NR_COPY_FILE_RANGE               copy_file_range,
    378 NR_PREADV2                       preadv2,
    379 NR_PWRITEV2                      pwritev2,
    380 NR_PKEY_MPROTECT                 pkey_mprotect,
    381 NR_PKEY_ALLOC                    pkey_alloc,
    382 NR_PKEY_FREE                     pkey_free,
    383 NR_STATX                         statx,
    384 NR_ARCH_PRCTL                    arch_prctl,
    385 NR_IO_PGETEVENTS                 io_pgetevents,
    386 NR_RSEQ                          rseq,
    // 387 is unused
    // 388 is unused
    // 389 is unused
    // 390 is unused
    // 391 is unused
    // 392 is unused
    393 NR_SEMGET                        semget,
    394 NR_SEMCTL                        semctl,
    395 NR_SHMGET                        shmget,
    396 NR_SHMCTL                        shmctl,
    397 NR_SHMAT                         shmat,
    398 NR_SHMDT                         shmdt,
    399 NR_MSGGET                        msgget,
    400 NR_MSGSND                        msgsnd,
    401 NR_MSGRCV                        msgrcv,
    402 NR_MSGCTL                        msgctl,
    403 NR_CLOCK_GETTIME64               clock_gettime64,
    404 NR_CLOCK_SETTIME64               clock_settime64,
    405 NR_CLOCK_ADJTIME64               clock_adjtime64,
    406 NR_CLOCK_GETRES_TIME64           clock_getres_time64,
    407 NR_CLOCK_NANOSLEEP_TIME64        clock_nanosleep_time64,
    408 NR_TIMER_GETTIME64               timer_gettime64,
    409 NR_TIMER_SETTIME64               timer_settime64,
    410 NR_TIMERFD_GETTIME64             timerfd_gettime64,
    411 NR_TIMERFD_SETTIME64             timerfd_settime64,
    412 NR_UTIMENSAT_TIME64              utimensat_time64,
    413 NR_PSELECT6_TIME64               pselect6_time64,
    414 NR_PPOLL_TIME64                  ppoll_time64,
    // 415 is unused
    416 NR_IO_PGETEVENTS_TIME64          io_pgetevents_time64,
    417 NR_RECVMMSG_TIME64               recvmmsg_time64,
    418 NR_MQ_TIMEDSEND_TIME64           mq_timedsend_time64,
    419 NR_MQ_TIMEDRECEIVE_TIME64        mq_timedreceive_time64,
    420 NR_SEMTIMEDOP_TIME64             semtimedop_time64,
    421 NR_RT_SIGTIMEDWAIT_TIME64        rt_sigtimedwait_time64,
    422 NR_FUTEX_TIME64                  futex_time64,
    423 NR_SCHED_RR_GET_INTERVAL_TIME64  sched_rr_get_interval_time64,
    424 NR_PIDFD_SEND_SIGNAL             pidfd_send_signal,
    425 NR_IO_URING_SETUP                io_uring_setup,
    426 NR_IO_URING_ENTER                io_uring_enter,
    427 NR_IO_URING_REGISTER             io_uring_register,
    428 NR_OPEN_TREE                     open_tree,
    429 NR_MOVE_MOUNT                    move_mount,
    430 NR_FSOPEN                        fsopen,
    431 NR_FSCONFIG                      fsconfig,
    432 NR_FSMOUNT                       fsmount,
    433 NR_FSPICK                        fspick,
    434 NR_PIDFD_OPEN                    pidfd_open,
    435 NR_CLONE3                        clone3,
    436 NR_CLOSE_RANGE                   close_range,
    437 NR_OPENAT2                       openat2,
    438 NR_PIDFD_GETFD                   pidfd_getfd,
    439 NR_FACCESSAT2                    faccessat2,
    440 NR_PROCESS_MADVISE               process_madvise,
    441 NR_EPOLL_PWAIT2                  epoll_pwait2,
    442 NR_MOUNT_SETATTR                 mount_setattr,
    443 NR_QUOTACTL_FD                   quotactl_fd,
    444 NR_LANDLOCK_CREATE_RULESET       landlock_create_ruleset,
    445 NR_LANDLOCK_ADD_RULE             landlock_add_rule,
    446 NR_LANDLOCK_RESTRICT_SELF        landlock_restrict_self,
    447 NR_MEMFD_SECRET                  memfd_secret,
    448 NR_PROCESS_MRELEASE              process_mrelease,
    449 NR_FUTEX_WAITV                   futex_waitv,
    450 NR_SET_MEMPOLICY_HOME_NODE       set_mempolicy_home_node,
    451 NR_CACHESTAT                     cachestat,
    452 NR_FCHMODAT2                     fchmodat2,
    453 NR_MAP_SHADOW_STACK              map_shadow_stack,
    454 NR_FUTEX_WAKE                    futex_wake,
    455 NR_FUTEX_WAIT                    futex_wait,
    456 NR_FUTEX_REQUEUE                 futex_requeue,
    457 NR_STATMOUNT                     statmount,
    458 NR_LISTMOUNT                     listmount,
    459 NR_LSM_GET_SELF_ATTR             lsm_get_self_attr,
    460 NR_LSM_SET_SELF_ATTR             lsm_set_self_attr,
    461 NR_LSM_LIST_MODULES              lsm_list_modules,
    462 NR_MSEAL                         mseal,
    463 NR_SETXATTRAT                    setxattrat,
    464 NR_GETXATTRAT                    getxattrat,
    465 NR_LISTXATTRAT                   listxattrat,
    466 NR_REMOVEXATTRAT                 removexattrat,
    467 NR_OPEN_TREE_ATTR                open_tree_attr,
    468 NR_FILE_GETATTR                  file_getattr,
    469 NR_FILE_SETATTR                  file_setattr,
    470 NR_LISTNS                        listns,
    471 NR_RSEQ_SLICE_YIELD              rseq_slice_yield,
}

/// One more than the highest i386 system-call number: the length of a
/// dispatch table indexed by number.
pub const NR_SYSCALLS: usize = SYSCALLS[SYSCALLS.len() - 1].0 + 1;

// The table must be strictly ascending: that rules out a number used twice
// and makes the last entry the highest number.
const _: () = {
    let mut i = 1;
    while i < SYSCALLS.len() {
        assert!(
            SYSCALLS[i - 1].0 < SYSCALLS[i].0,
            "syscall table out of order"
        );
        i += 1;
    }
};

/// The name of each system-call number (`None` for numbers that i386 leaves
/// unused), indexed by number.
pub const SYSCALL_NAMES: [Option<&str>; NR_SYSCALLS] = {
    let mut names = [None; NR_SYSCALLS];
    let mut i = 0;
    while i < SYSCALLS.len() {
        names[SYSCALLS[i].0] = Some(SYSCALLS[i].1);
        i += 1;
    }
    names
};

/// The `syscall_32.tbl` name of system call `nr` (`"write"` for 4), or `None`
/// if i386 has no system call with that number.
pub const fn syscall_name(nr: usize) -> Option<&'static str> {
    if nr < NR_SYSCALLS {
        SYSCALL_NAMES[nr]
    } else {
        None
    }
}

/// The number of the system call called `name` in `syscall_32.tbl`, if any.
pub fn syscall_number(name: &str) -> Option<usize> {
    SYSCALLS
        .iter()
        .find(|&&(_, n)| n == name)
        .map(|&(nr, _)| nr)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;
    use std::string::String;

    #[test]
    fn spot_values_match_linux() {
        assert_eq!(NR_RESTART_SYSCALL, 0);
        assert_eq!(NR_EXIT, 1);
        assert_eq!(NR_READ, 3);
        assert_eq!(NR_WRITE, 4);
        assert_eq!(NR_OPEN, 5);
        assert_eq!(NR_EXECVE, 11);
        assert_eq!(NR_BRK, 45);
        assert_eq!(NR_IOCTL, 54);
        assert_eq!(NR__LLSEEK, 140);
        assert_eq!(NR__NEWSELECT, 142);
        assert_eq!(NR_WRITEV, 146);
        assert_eq!(NR_RT_SIGACTION, 174);
        assert_eq!(NR_MMAP2, 192);
        assert_eq!(NR_FSTAT64, 197);
        assert_eq!(NR_GETUID32, 199);
        assert_eq!(NR_GETDENTS64, 220);
        assert_eq!(NR_SET_THREAD_AREA, 243);
        assert_eq!(NR_EXIT_GROUP, 252);
        assert_eq!(NR_SET_TID_ADDRESS, 258);
        assert_eq!(NR_CLOCK_GETTIME, 265);
        assert_eq!(NR_OPENAT, 295);
        assert_eq!(NR_STATX, 383);
        assert_eq!(NR_CLOCK_GETTIME64, 403);
        assert_eq!(NR_CLONE3, 435);
        assert_eq!(NR_MSEAL, 462);
    }

    #[test]
    fn names_round_trip() {
        assert_eq!(syscall_name(NR_WRITE), Some("write"));
        assert_eq!(syscall_name(NR__LLSEEK), Some("_llseek"));
        assert_eq!(syscall_name(NR_GETUID32), Some("getuid32"));
        assert_eq!(syscall_number("mmap2"), Some(NR_MMAP2));
        assert_eq!(syscall_number("no_such_call"), None);
        for &(nr, name) in SYSCALLS {
            assert_eq!(syscall_name(nr), Some(name));
            assert_eq!(syscall_number(name), Some(nr));
        }
    }

    #[test]
    fn holes_have_no_name() {
        for nr in [222, 223, 251, 285, 387, 388, 389, 390, 391, 392, 415] {
            assert_eq!(syscall_name(nr), None, "{nr} should be unused");
        }
        assert_eq!(syscall_name(NR_SYSCALLS), None);
        assert_eq!(syscall_name(usize::MAX), None);
        assert!(syscall_name(NR_SYSCALLS - 1).is_some());
    }

    #[test]
    fn names_are_unique() {
        let mut seen = HashSet::new();
        for &(_, name) in SYSCALLS {
            assert!(seen.insert(name), "{name} appears twice");
        }
    }

    #[test]
    fn constants_spell_the_names() {
        assert_eq!(CONSTANT_NAMES.len(), SYSCALLS.len());
        for (konst, &(_, name)) in CONSTANT_NAMES.iter().zip(SYSCALLS) {
            let expected = String::from("NR_") + &name.to_uppercase();
            assert_eq!(*konst, expected);
        }
    }
}

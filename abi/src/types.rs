//! The structures that system calls copy between user and kernel memory, laid
//! out exactly as on i386 Linux, and the [`Pod`] marker that says a type may
//! be copied to or from raw user memory.
//!
//! Every structure is declared through one macro that adds `#[repr(C)]`, the
//! usual derives, an all-zero `ZERO` constant (also its `Default`), and
//! compile-time checks that the size is the one Linux has, that there is no
//! padding, and that every field is itself [`Pod`]; only then does it
//! implement [`Pod`].
//!
//! Pointers and `long`s are written as `u32`/`i32`, so the layouts are the
//! i386 ones even when the crate is compiled for the host to run its tests.

use core::mem::size_of;

/// Plain old data: a type whose values may be created from, and turned into,
/// raw bytes — as the kernel does when it copies a structure from or to user
/// memory, and user programs when they hand buffers to the kernel.
///
/// # Safety
///
/// Implement this only for a `Copy` type where:
///
/// - every bit pattern of `size_of::<Self>()` bytes is a valid value (so no
///   `bool`, `char`, enums, references or `NonZero*`);
/// - there are no padding bytes, so every byte of a value is initialized and
///   copying a value out never leaks uninitialized (kernel) memory;
/// - there are no pointers or references (user addresses are plain `u32`),
///   so bytes from user memory can never become a pointer the kernel trusts.
///
/// Code that copies bytes into a `T: Pod` may rely on these properties for
/// soundness.
pub unsafe trait Pod: Copy + 'static {}

/// Types with an all-zero value, used to build each structure's `ZERO`.
trait Zero: Copy {
    const ZERO: Self;
}

/// Implements [`Pod`] and [`Zero`] for the primitive integers.
macro_rules! pod_integers {
    ($($t:ty),*) => {
        $(
            // SAFETY: an integer has no padding and no invalid bit patterns,
            // and it is not a pointer.
            unsafe impl Pod for $t {}

            impl Zero for $t {
                const ZERO: Self = 0;
            }
        )*
    };
}

pod_integers!(u8, i8, u16, i16, u32, i32, u64, i64, usize, isize);

// SAFETY: an array has no padding between elements (its size is N times the
// element's, which is a multiple of its alignment), so if every element
// satisfies the Pod rules, so does the array.
unsafe impl<T: Pod, const N: usize> Pod for [T; N] {}

impl<T: Zero, const N: usize> Zero for [T; N] {
    const ZERO: Self = [T::ZERO; N];
}

/// Compiles only if `T` is [`Pod`]; used by [`abi_structs`] on every field.
const fn assert_pod<T: Pod>() {}

/// Declares `#[repr(C)]` ABI structures, one block per structure:
///
/// ```text
/// /// Documentation.
/// pub struct Name (SIZE bytes) {
///     /// Field documentation.
///     pub field: Type,
/// }
/// ```
///
/// and, for each, asserts at compile time that the size is SIZE, that it
/// equals the sum of the field sizes (no padding) and that every field type
/// is [`Pod`], then implements [`Pod`], `ZERO` and `Default`.
macro_rules! abi_structs {
    ($(
        $(#[$attr:meta])*
        pub struct $name:ident ($size:literal bytes) {
            $(
                $(#[$field_attr:meta])*
                pub $field:ident: $ty:ty,
            )*
        }
    )*) => {$(
        $(#[$attr])*
        #[repr(C)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub struct $name {
            $(
                $(#[$field_attr])*
                pub $field: $ty,
            )*
        }

        const _: () = {
            assert!(size_of::<$name>() == $size, "size differs from Linux's");
            assert!(
                size_of::<$name>() == 0 $(+ size_of::<$ty>())*,
                "structure has padding"
            );
            $(assert_pod::<$ty>();)*
        };

        // SAFETY: the assertions above check that there is no padding and
        // that every field is Pod (valid for every bit pattern, not a
        // pointer); a repr(C) structure of such fields is therefore Pod too.
        unsafe impl Pod for $name {}

        impl $name {
            /// The value with every byte zero.
            pub const ZERO: Self = Self {
                $($field: Zero::ZERO,)*
            };
        }

        impl Zero for $name {
            const ZERO: Self = Self::ZERO;
        }

        impl Default for $name {
            fn default() -> Self {
                Self::ZERO
            }
        }
    )*};
}

abi_structs! {
    /// `struct new_utsname` for `uname` (`include/uapi/linux/utsname.h`):
    /// NUL-terminated strings of up to 64 bytes each.
    pub struct Utsname (390 bytes) {
        /// Operating-system name (`"Linux"`).
        pub sysname: [u8; 65],
        /// Host name.
        pub nodename: [u8; 65],
        /// Kernel release.
        pub release: [u8; 65],
        /// Kernel version (build description).
        pub version: [u8; 65],
        /// Hardware name (`"i686"`).
        pub machine: [u8; 65],
        /// NIS domain name.
        pub domainname: [u8; 65],
    }

    /// The 32-bit `struct timespec` of the original i386 system calls
    /// (`struct old_timespec32`, `include/vdso/time32.h`), as taken by
    /// `clock_gettime` (265) and `nanosleep`.
    pub struct Timespec (8 bytes) {
        /// Seconds.
        pub tv_sec: i32,
        /// Nanoseconds, `0..1_000_000_000`.
        pub tv_nsec: i32,
    }

    /// `struct __kernel_timespec` (`include/uapi/linux/time_types.h`): 64-bit
    /// seconds and nanoseconds (`long long` both), as taken by the `*_time64`
    /// system calls such as `clock_gettime64` (403).
    pub struct Timespec64 (16 bytes) {
        /// Seconds.
        pub tv_sec: i64,
        /// Nanoseconds, `0..1_000_000_000` (64 bits wide on i386 too).
        pub tv_nsec: i64,
    }

    /// The 32-bit `struct timeval` (`struct __kernel_old_timeval`,
    /// `include/uapi/linux/time_types.h`), as taken by `gettimeofday` and
    /// `select`.
    pub struct Timeval (8 bytes) {
        /// Seconds.
        pub tv_sec: i32,
        /// Microseconds, `0..1_000_000`.
        pub tv_usec: i32,
    }

    /// `struct tms` for `times` (`include/uapi/linux/times.h`): clock
    /// ticks (`USER_HZ`) as 32-bit `clock_t`s.
    pub struct Tms (16 bytes) {
        pub tms_utime: i32,
        pub tms_stime: i32,
        /// Of the children waited for, theirs included.
        pub tms_cutime: i32,
        pub tms_cstime: i32,
    }

    /// The 32-bit `struct itimerspec` (`struct old_itimerspec32`) of
    /// `timer_settime` and `timer_gettime` (260, 261).
    pub struct Itimerspec (16 bytes) {
        /// The period to start again from (zero: once).
        pub it_interval: Timespec,
        /// Time until the timer fires (zero: disarmed).
        pub it_value: Timespec,
    }

    /// `struct __kernel_itimerspec` of the `*_time64` timer calls (408, 409).
    pub struct Itimerspec64 (32 bytes) {
        pub it_interval: Timespec64,
        pub it_value: Timespec64,
    }

    /// `struct sigevent` of i386 (`include/uapi/asm-generic/siginfo.h`,
    /// `SIGEV_MAX_SIZE` 64 bytes), as `timer_create` reads it: the value
    /// the signal carries, the signal, how to notify (`SIGEV_*`), and for
    /// `SIGEV_THREAD_ID` the thread (the first word of the union).
    pub struct Sigevent (64 bytes) {
        pub sigev_value: u32,
        pub sigev_signo: i32,
        pub sigev_notify: i32,
        pub sigev_notify_thread_id: i32,
        pub pad: [u32; 12],
    }

    /// `struct __kernel_old_itimerval` for `setitimer`/`getitimer`.
    pub struct Itimerval (16 bytes) {
        /// The period to start again from (zero: once).
        pub it_interval: Timeval,
        /// Time left until the timer fires (zero: disarmed).
        pub it_value: Timeval,
    }

    /// `struct statfs` of i386 (`arch/x86/include/uapi/asm/statfs.h` via
    /// `asm-generic/statfs.h`), filled by `statfs`/`fstatfs` (99/100).
    pub struct Statfs (64 bytes) {
        /// File-system type (`TMPFS_MAGIC`, `PROC_SUPER_MAGIC`, ...).
        pub f_type: u32,
        /// Block size.
        pub f_bsize: u32,
        /// Blocks in all, free, free to unprivileged users.
        pub f_blocks: u32,
        pub f_bfree: u32,
        pub f_bavail: u32,
        /// Inodes in all, free.
        pub f_files: u32,
        pub f_ffree: u32,
        /// File-system id.
        pub f_fsid: [i32; 2],
        /// Longest file name.
        pub f_namelen: u32,
        /// Fragment size.
        pub f_frsize: u32,
        /// Mount flags (`ST_*`).
        pub f_flags: u32,
        pub f_spare: [u32; 4],
    }

    /// `struct statfs64` of i386 (packed to 4 bytes: 84, not 88), filled
    /// by `statfs64`/`fstatfs64` (268/269).
    #[repr(packed(4))]
    pub struct Statfs64 (84 bytes) {
        pub f_type: u32,
        pub f_bsize: u32,
        pub f_blocks: u64,
        pub f_bfree: u64,
        pub f_bavail: u64,
        pub f_files: u64,
        pub f_ffree: u64,
        pub f_fsid: [i32; 2],
        pub f_namelen: u32,
        pub f_frsize: u32,
        pub f_flags: u32,
        pub f_spare: [u32; 4],
    }

    /// `struct utimbuf` (`include/uapi/linux/utime.h`), for `utime` (30).
    pub struct Utimbuf (8 bytes) {
        /// Access time, seconds.
        pub actime: i32,
        /// Modification time, seconds.
        pub modtime: i32,
    }

    /// `struct iovec` for `readv`/`writev` (`include/uapi/linux/uio.h`).
    pub struct Iovec (8 bytes) {
        /// User address of the buffer (`void *`).
        pub base: u32,
        /// Length of the buffer in bytes (`size_t`).
        pub len: u32,
    }

    /// `struct serial_struct` for `TIOCGSERIAL` (`include/uapi/linux/
    /// serial.h`): which UART a serial terminal is (BusyBox's `cttyhack`
    /// finds `/dev/ttyS<line>` behind `/dev/console` with it). The
    /// `unsigned char *iomem_base` is a `u32` here.
    pub struct SerialStruct (60 bytes) {
        /// The UART type (`PORT_16550A` is 4).
        pub type_: i32,
        /// The line number: `/dev/ttyS<line>`.
        pub line: i32,
        /// The I/O port base.
        pub port: u32,
        pub irq: i32,
        /// `ASYNC_*`/`UPF_*` flags.
        pub flags: i32,
        pub xmit_fifo_size: i32,
        pub custom_divisor: i32,
        /// The clock divided by 16: the highest baud rate.
        pub baud_base: i32,
        /// In hundredths of a second.
        pub close_delay: u16,
        pub io_type: u8,
        pub reserved_char: u8,
        pub hub6: i32,
        /// In hundredths of a second.
        pub closing_wait: u16,
        pub closing_wait2: u16,
        pub iomem_base: u32,
        pub iomem_reg_shift: u16,
        pub reserved: u16,
        pub port_high: u32,
        pub iomap_base: u32,
    }

    /// `struct winsize` for `TIOCGWINSZ`/`TIOCSWINSZ`
    /// (`include/uapi/asm-generic/termios.h`).
    pub struct Winsize (8 bytes) {
        /// Rows, in characters.
        pub ws_row: u16,
        /// Columns, in characters.
        pub ws_col: u16,
        /// Width in pixels (unused).
        pub ws_xpixel: u16,
        /// Height in pixels (unused).
        pub ws_ypixel: u16,
    }

    /// The kernel's `struct termios` for `TCGETS`/`TCSETS*`
    /// (`include/uapi/asm-generic/termbits.h`; x86 uses the generic one). The
    /// flag bits and `c_cc` indices are in [`crate::termios`].
    pub struct Termios (36 bytes) {
        /// Input modes.
        pub c_iflag: u32,
        /// Output modes.
        pub c_oflag: u32,
        /// Control modes.
        pub c_cflag: u32,
        /// Local modes.
        pub c_lflag: u32,
        /// Line discipline.
        pub c_line: u8,
        /// Control characters, indexed by `VINTR` and the like.
        pub c_cc: [u8; 19],
    }

    /// `struct user_desc` for `set_thread_area`/`get_thread_area`/`modify_ldt`
    /// (`arch/x86/include/uapi/asm/ldt.h`). The C bit-fields are the single
    /// `flags` word here; use the accessor methods for them.
    pub struct UserDesc (16 bytes) {
        /// GDT/LDT entry index; `u32::MAX` (-1) asks `set_thread_area` to
        /// pick a free TLS entry and write its index back.
        pub entry_number: u32,
        /// Segment base address.
        pub base_addr: u32,
        /// Segment limit (in pages if `limit_in_pages`).
        pub limit: u32,
        /// The bit-fields `seg_32bit:1, contents:2, read_exec_only:1,
        /// limit_in_pages:1, seg_not_present:1, useable:1`, from bit 0 up.
        pub flags: u32,
    }

    /// `struct stat64` for `stat64`/`lstat64`/`fstat64`/`fstatat64`
    /// (`arch/x86/include/uapi/asm/stat.h`, the i386 branch), including its
    /// odd padding. On i386 a `long long` is only 4-byte aligned inside a
    /// structure, so `st_size` sits at offset 44; the `packed(4)` keeps that
    /// layout when the crate is compiled for a 64-bit host. Read fields by
    /// value (`let size = st.st_size;`): references to them are not allowed.
    #[repr(packed(4))]
    pub struct Stat64 (96 bytes) {
        /// Device containing the file.
        pub st_dev: u64,
        /// Padding.
        pub __pad0: [u8; 4],
        /// Low 32 bits of the inode number (see `st_ino`).
        pub __st_ino: u32,
        /// File type and permissions (`S_IF*` bits in [`crate::stat`]).
        pub st_mode: u32,
        /// Number of hard links.
        pub st_nlink: u32,
        /// Owner user ID.
        pub st_uid: u32,
        /// Owner group ID.
        pub st_gid: u32,
        /// Device number, for device files.
        pub st_rdev: u64,
        /// Padding.
        pub __pad3: [u8; 4],
        /// Size in bytes.
        pub st_size: i64,
        /// Preferred I/O block size.
        pub st_blksize: u32,
        /// Number of 512-byte blocks allocated.
        pub st_blocks: u64,
        /// Last access, seconds.
        pub st_atime: u32,
        /// Last access, nanoseconds.
        pub st_atime_nsec: u32,
        /// Last modification, seconds.
        pub st_mtime: u32,
        /// Last modification, nanoseconds.
        pub st_mtime_nsec: u32,
        /// Last status change, seconds.
        pub st_ctime: u32,
        /// Last status change, nanoseconds.
        pub st_ctime_nsec: u32,
        /// The full inode number.
        pub st_ino: u64,
    }

    /// `struct statx_timestamp` (`include/uapi/linux/stat.h`).
    pub struct StatxTimestamp (16 bytes) {
        /// Seconds since the epoch.
        pub tv_sec: i64,
        /// Nanoseconds.
        pub tv_nsec: u32,
        /// Reserved, zero.
        pub __reserved: i32,
    }

    /// `struct statx` for `statx` (383) (`include/uapi/linux/stat.h`). musl
    /// on i386 calls `statx` before `fstatat64`, to get 64-bit times.
    pub struct Statx (256 bytes) {
        /// Which fields were filled in (`STATX_*` in [`crate::stat`]).
        pub stx_mask: u32,
        /// Preferred I/O block size.
        pub stx_blksize: u32,
        /// File attributes (`STATX_ATTR_*`).
        pub stx_attributes: u64,
        /// Number of hard links.
        pub stx_nlink: u32,
        /// Owner user ID.
        pub stx_uid: u32,
        /// Owner group ID.
        pub stx_gid: u32,
        /// File type and permissions.
        pub stx_mode: u16,
        /// Spare.
        pub __spare0: [u16; 1],
        /// Inode number.
        pub stx_ino: u64,
        /// Size in bytes.
        pub stx_size: u64,
        /// Number of 512-byte blocks allocated.
        pub stx_blocks: u64,
        /// Which `stx_attributes` bits are supported.
        pub stx_attributes_mask: u64,
        /// Last access.
        pub stx_atime: StatxTimestamp,
        /// Creation.
        pub stx_btime: StatxTimestamp,
        /// Last status change.
        pub stx_ctime: StatxTimestamp,
        /// Last modification.
        pub stx_mtime: StatxTimestamp,
        /// Device number major, for device files.
        pub stx_rdev_major: u32,
        /// Device number minor, for device files.
        pub stx_rdev_minor: u32,
        /// Major number of the device containing the file.
        pub stx_dev_major: u32,
        /// Minor number of the device containing the file.
        pub stx_dev_minor: u32,
        /// Mount ID.
        pub stx_mnt_id: u64,
        /// Direct-I/O memory alignment.
        pub stx_dio_mem_align: u32,
        /// Direct-I/O file-offset alignment.
        pub stx_dio_offset_align: u32,
        /// Spare (later kernels give some of it meaning; zero it).
        pub __spare3: [u64; 12],
    }

    /// `struct rusage` for `getrusage` and `wait4`
    /// (`include/uapi/linux/resource.h`, with 32-bit `long`s).
    pub struct Rusage (72 bytes) {
        /// User CPU time used.
        pub ru_utime: Timeval,
        /// System CPU time used.
        pub ru_stime: Timeval,
        /// Maximum resident set size, in KiB.
        pub ru_maxrss: i32,
        /// Integral shared memory size.
        pub ru_ixrss: i32,
        /// Integral unshared data size.
        pub ru_idrss: i32,
        /// Integral unshared stack size.
        pub ru_isrss: i32,
        /// Page reclaims (minor faults).
        pub ru_minflt: i32,
        /// Page faults (major faults).
        pub ru_majflt: i32,
        /// Swaps.
        pub ru_nswap: i32,
        /// Block input operations.
        pub ru_inblock: i32,
        /// Block output operations.
        pub ru_oublock: i32,
        /// Messages sent.
        pub ru_msgsnd: i32,
        /// Messages received.
        pub ru_msgrcv: i32,
        /// Signals received.
        pub ru_nsignals: i32,
        /// Voluntary context switches.
        pub ru_nvcsw: i32,
        /// Involuntary context switches.
        pub ru_nivcsw: i32,
    }

    /// `struct sysinfo` for `sysinfo` (`include/uapi/linux/sysinfo.h`, with
    /// 32-bit `long`s).
    pub struct Sysinfo (64 bytes) {
        /// Seconds since boot.
        pub uptime: i32,
        /// 1, 5 and 15 minute load averages, scaled by 65536.
        pub loads: [u32; 3],
        /// Total usable main memory, in `mem_unit`s.
        pub totalram: u32,
        /// Available memory.
        pub freeram: u32,
        /// Shared memory.
        pub sharedram: u32,
        /// Memory used by buffers.
        pub bufferram: u32,
        /// Total swap space.
        pub totalswap: u32,
        /// Swap space still available.
        pub freeswap: u32,
        /// Number of current processes.
        pub procs: u16,
        /// Explicit padding.
        pub pad: u16,
        /// Total high memory.
        pub totalhigh: u32,
        /// Available high memory.
        pub freehigh: u32,
        /// Memory unit size in bytes.
        pub mem_unit: u32,
        /// Padding for libc5.
        pub _f: [u8; 8],
    }

    /// The kernel's `struct sigaction` for `rt_sigaction`
    /// (`include/linux/signal_types.h`; x86 has `sa_restorer`, and its
    /// `sigset_t` in `arch/x86/include/asm/signal.h` is two 32-bit words).
    /// It is not the C library's `struct sigaction`.
    pub struct KSigaction (20 bytes) {
        /// Handler address, or `SIG_DFL` / `SIG_IGN`.
        pub sa_handler: u32,
        /// `SA_*` flags from [`crate::signal`].
        pub sa_flags: u32,
        /// Address of the return trampoline (with `SA_RESTORER`).
        pub sa_restorer: u32,
        /// Signals blocked while the handler runs: bit `n - 1` is signal
        /// `n`, low word first.
        pub sa_mask: [u32; 2],
    }

    /// `struct old_sigaction` (`arch/x86/include/asm/signal.h`) for the
    /// old `sigaction` (67): a one-word mask, and the fields in another
    /// order than [`KSigaction`].
    pub struct OldSigaction (16 bytes) {
        /// Handler address, or `SIG_DFL` / `SIG_IGN`.
        pub sa_handler: u32,
        /// Signals 1 to 32 blocked while the handler runs.
        pub sa_mask: u32,
        /// `SA_*` flags from [`crate::signal`].
        pub sa_flags: u32,
        /// Address of the return trampoline (with `SA_RESTORER`).
        pub sa_restorer: u32,
    }

    /// `stack_t` for `sigaltstack` (`arch/x86/include/uapi/asm/signal.h`).
    pub struct SignalStack (12 bytes) {
        /// Base address of the stack.
        pub ss_sp: u32,
        /// `SS_ONSTACK` / `SS_DISABLE`.
        pub ss_flags: i32,
        /// Size of the stack in bytes.
        pub ss_size: u32,
    }

    /// `struct sigcontext_32` (`arch/x86/include/uapi/asm/sigcontext.h`): the
    /// registers saved in a signal frame and restored by `sigreturn`.
    pub struct Sigcontext (88 bytes) {
        pub gs: u32,
        pub fs: u32,
        pub es: u32,
        pub ds: u32,
        pub di: u32,
        pub si: u32,
        pub bp: u32,
        pub sp: u32,
        pub bx: u32,
        pub dx: u32,
        pub cx: u32,
        pub ax: u32,
        /// The exception vector that caused the signal (or 0).
        pub trapno: u32,
        /// The exception's error code.
        pub err: u32,
        pub ip: u32,
        pub cs: u32,
        pub flags: u32,
        pub sp_at_signal: u32,
        pub ss: u32,
        /// Pointer to the saved FPU state (0: none in the frame).
        pub fpstate: u32,
        /// The low word of the blocked mask before the handler.
        pub oldmask: u32,
        /// The faulting address for SIGSEGV.
        pub cr2: u32,
    }

    /// `siginfo_t` (`include/uapi/asm-generic/siginfo.h`), 128 bytes: the
    /// first three fields, then the union (for `kill`: pid, uid; for faults:
    /// the address).
    pub struct Siginfo (128 bytes) {
        pub si_signo: i32,
        pub si_errno: i32,
        pub si_code: i32,
        pub fields: [u32; 29],
    }

    /// `struct ucontext` (`include/uapi/asm-generic/ucontext.h`) for i386.
    pub struct Ucontext (116 bytes) {
        pub uc_flags: u32,
        pub uc_link: u32,
        pub uc_stack: SignalStack,
        pub uc_mcontext: Sigcontext,
        /// The blocked mask to restore (64 signals).
        pub uc_sigmask: [u32; 2],
    }

    /// `struct pollfd` for `poll`/`ppoll` (`include/uapi/asm-generic/poll.h`).
    pub struct Pollfd (8 bytes) {
        /// File descriptor (ignored if negative).
        pub fd: i32,
        /// Requested events.
        pub events: i16,
        /// Returned events.
        pub revents: i16,
    }

    /// One auxiliary-vector entry as the kernel writes it on the initial
    /// stack: two `elf_addr_t`s (`fs/binfmt_elf.c`), keys in [`crate::auxv`].
    pub struct AuxvEntry (8 bytes) {
        /// The `AT_*` key.
        pub a_type: u32,
        /// The value.
        pub a_val: u32,
    }
}

impl UserDesc {
    /// `seg_32bit`: a 32-bit (not 16-bit) segment.
    pub const SEG_32BIT: u32 = 1 << 0;
    /// Shift of the two `contents` bits.
    pub const CONTENTS_SHIFT: u32 = 1;
    /// `read_exec_only`: data not writable / code not readable.
    pub const READ_EXEC_ONLY: u32 = 1 << 3;
    /// `limit_in_pages`: the limit counts 4 KiB pages.
    pub const LIMIT_IN_PAGES: u32 = 1 << 4;
    /// `seg_not_present`: the segment is not present.
    pub const SEG_NOT_PRESENT: u32 = 1 << 5;
    /// `useable`: the AVL bit, free for software.
    pub const USEABLE: u32 = 1 << 6;

    /// Whether the segment is 32-bit.
    pub const fn seg_32bit(&self) -> bool {
        self.flags & Self::SEG_32BIT != 0
    }

    /// The segment contents: 0 data, 1 stack (expand-down data), 2 code.
    pub const fn contents(&self) -> u32 {
        (self.flags >> Self::CONTENTS_SHIFT) & 0b11
    }

    /// Whether the segment is read-only (data) or execute-only (code).
    pub const fn read_exec_only(&self) -> bool {
        self.flags & Self::READ_EXEC_ONLY != 0
    }

    /// Whether the limit is in pages rather than bytes.
    pub const fn limit_in_pages(&self) -> bool {
        self.flags & Self::LIMIT_IN_PAGES != 0
    }

    /// Whether the segment is marked not present.
    pub const fn seg_not_present(&self) -> bool {
        self.flags & Self::SEG_NOT_PRESENT != 0
    }

    /// The software-available (AVL) bit.
    pub const fn useable(&self) -> bool {
        self.flags & Self::USEABLE != 0
    }

    /// Sets or clears the `seg_32bit` bit.
    pub const fn set_seg_32bit(&mut self, on: bool) {
        self.set_bit(Self::SEG_32BIT, on);
    }

    /// Sets the two `contents` bits (only the low two bits of `contents`
    /// are used).
    pub const fn set_contents(&mut self, contents: u32) {
        self.flags = (self.flags & !(0b11 << Self::CONTENTS_SHIFT))
            | ((contents & 0b11) << Self::CONTENTS_SHIFT);
    }

    /// Sets or clears the `read_exec_only` bit.
    pub const fn set_read_exec_only(&mut self, on: bool) {
        self.set_bit(Self::READ_EXEC_ONLY, on);
    }

    /// Sets or clears the `limit_in_pages` bit.
    pub const fn set_limit_in_pages(&mut self, on: bool) {
        self.set_bit(Self::LIMIT_IN_PAGES, on);
    }

    /// Sets or clears the `seg_not_present` bit.
    pub const fn set_seg_not_present(&mut self, on: bool) {
        self.set_bit(Self::SEG_NOT_PRESENT, on);
    }

    /// Sets or clears the `useable` bit.
    pub const fn set_useable(&mut self, on: bool) {
        self.set_bit(Self::USEABLE, on);
    }

    const fn set_bit(&mut self, bit: u32, on: bool) {
        if on {
            self.flags |= bit;
        } else {
            self.flags &= !bit;
        }
    }
}

impl KSigaction {
    /// The blocked-signal mask as one 64-bit set (bit `n - 1` is signal `n`).
    pub const fn mask(&self) -> u64 {
        self.sa_mask[0] as u64 | (self.sa_mask[1] as u64) << 32
    }

    /// Sets the blocked-signal mask from one 64-bit set.
    pub const fn set_mask(&mut self, mask: u64) {
        self.sa_mask = [mask as u32, (mask >> 32) as u32];
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    #[test]
    fn sizes_match_i386() {
        assert_eq!(size_of::<Utsname>(), 390);
        assert_eq!(size_of::<Timespec>(), 8);
        assert_eq!(size_of::<Timespec64>(), 16);
        assert_eq!(size_of::<Timeval>(), 8);
        assert_eq!(size_of::<Iovec>(), 8);
        assert_eq!(size_of::<Winsize>(), 8);
        assert_eq!(size_of::<SerialStruct>(), 60);
        assert_eq!(size_of::<Termios>(), 36);
        assert_eq!(size_of::<UserDesc>(), 16);
        assert_eq!(size_of::<Stat64>(), 96);
        assert_eq!(size_of::<Statx>(), 256);
        assert_eq!(size_of::<Rusage>(), 72);
        assert_eq!(size_of::<Sysinfo>(), 64);
        assert_eq!(size_of::<KSigaction>(), 20);
        assert_eq!(size_of::<SignalStack>(), 12);
    }

    #[test]
    fn offsets_match_i386() {
        assert_eq!(offset_of!(Stat64, __st_ino), 12);
        assert_eq!(offset_of!(Stat64, st_mode), 16);
        assert_eq!(offset_of!(Stat64, st_rdev), 32);
        assert_eq!(offset_of!(Stat64, st_size), 44);
        assert_eq!(offset_of!(Stat64, st_blksize), 52);
        assert_eq!(offset_of!(Stat64, st_blocks), 56);
        assert_eq!(offset_of!(Stat64, st_atime), 64);
        assert_eq!(offset_of!(Stat64, st_ino), 88);
        assert_eq!(offset_of!(Statx, stx_ino), 0x20);
        assert_eq!(offset_of!(Statx, stx_atime), 0x40);
        assert_eq!(offset_of!(Statx, stx_rdev_major), 0x80);
        assert_eq!(offset_of!(Statx, stx_mnt_id), 0x90);
        assert_eq!(offset_of!(Statx, __spare3), 0xa0);
        assert_eq!(offset_of!(Termios, c_line), 16);
        assert_eq!(offset_of!(Termios, c_cc), 17);
        assert_eq!(offset_of!(SerialStruct, close_delay), 32);
        assert_eq!(offset_of!(SerialStruct, hub6), 36);
        assert_eq!(offset_of!(SerialStruct, iomem_base), 44);
        assert_eq!(offset_of!(SerialStruct, port_high), 52);
        assert_eq!(offset_of!(Sysinfo, procs), 40);
        assert_eq!(offset_of!(Sysinfo, mem_unit), 52);
        assert_eq!(offset_of!(Utsname, domainname), 325);
    }

    #[test]
    fn zero_and_default() {
        assert_eq!(Utsname::default(), Utsname::ZERO);
        assert_eq!(Utsname::ZERO.machine, [0; 65]);
        let st = Stat64::default();
        let size = st.st_size;
        assert_eq!(size, 0);
        assert_eq!(Statx::ZERO.stx_atime, StatxTimestamp::ZERO);
    }

    #[test]
    fn user_desc_bits() {
        // The flags glibc and musl pass for a TLS segment: seg_32bit,
        // limit_in_pages, useable.
        let mut desc = UserDesc {
            entry_number: u32::MAX,
            base_addr: 0x1000,
            limit: 0xfffff,
            flags: 0x51,
        };
        assert!(desc.seg_32bit());
        assert_eq!(desc.contents(), 0);
        assert!(!desc.read_exec_only());
        assert!(desc.limit_in_pages());
        assert!(!desc.seg_not_present());
        assert!(desc.useable());
        desc.set_contents(2);
        desc.set_useable(false);
        desc.set_seg_not_present(true);
        assert_eq!(desc.contents(), 2);
        assert_eq!(desc.flags, 0x01 | 0x04 | 0x10 | 0x20);
    }

    #[test]
    fn sigaction_mask_words() {
        let mut act = KSigaction::ZERO;
        act.set_mask(0x8000_0000_0000_0001);
        assert_eq!(act.sa_mask, [1, 0x8000_0000]);
        assert_eq!(act.mask(), 0x8000_0000_0000_0001);
    }

    #[test]
    fn integers_and_arrays_are_pod() {
        // These compile only if the types implement Pod.
        assert_pod::<u8>();
        assert_pod::<i64>();
        assert_pod::<[i32; 2]>();
        assert_pod::<[Iovec; 4]>();
    }
}

abi_structs! {
    /// `struct ipc64_perm` (include/uapi/asm-generic/ipcbuf.h, i386's
    /// 16-bit `__kernel_mode_t`): owner, creator and mode of an IPC object.
    pub struct Ipc64Perm (36 bytes) {
        pub key: i32,
        pub uid: u32,
        pub gid: u32,
        pub cuid: u32,
        pub cgid: u32,
        pub mode: u16,
        pub pad1: u16,
        pub seq: u16,
        pub pad2: u16,
        pub unused1: u32,
        pub unused2: u32,
    }

    /// `struct shmid64_ds` (include/uapi/asm-generic/shmbuf.h, 32-bit):
    /// what `shmctl(IPC_STAT)` reports with `IPC_64`.
    pub struct Shmid64Ds (84 bytes) {
        pub shm_perm: Ipc64Perm,
        pub shm_segsz: u32,
        pub shm_atime: u32,
        pub shm_atime_high: u32,
        pub shm_dtime: u32,
        pub shm_dtime_high: u32,
        pub shm_ctime: u32,
        pub shm_ctime_high: u32,
        pub shm_cpid: i32,
        pub shm_lpid: i32,
        pub shm_nattch: u32,
        pub unused4: u32,
        pub unused5: u32,
    }

    /// The old `struct ipc_perm` (include/uapi/linux/ipc.h, i386's 16-bit
    /// ids and mode): `shmctl` without `IPC_64`.
    pub struct IpcPermOld (16 bytes) {
        pub key: i32,
        pub uid: u16,
        pub gid: u16,
        pub cuid: u16,
        pub cgid: u16,
        pub mode: u16,
        pub seq: u16,
    }

    /// The old `struct shmid_ds` (include/uapi/linux/shm.h).
    pub struct ShmidDsOld (48 bytes) {
        pub shm_perm: IpcPermOld,
        pub shm_segsz: i32,
        pub shm_atime: i32,
        pub shm_dtime: i32,
        pub shm_ctime: i32,
        pub shm_cpid: u16,
        pub shm_lpid: u16,
        pub shm_nattch: u16,
        pub shm_unused: u16,
        pub shm_unused2: u32,
        pub shm_unused3: u32,
    }

    /// `struct shminfo64`: the limits `shmctl(IPC_INFO)` reports.
    pub struct Shminfo64 (36 bytes) {
        pub shmmax: u32,
        pub shmmin: u32,
        pub shmmni: u32,
        pub shmseg: u32,
        pub shmall: u32,
        pub unused: [u32; 4],
    }

    /// The old `struct shminfo` (`int`s).
    pub struct ShminfoOld (20 bytes) {
        pub shmmax: i32,
        pub shmmin: i32,
        pub shmmni: i32,
        pub shmseg: i32,
        pub shmall: i32,
    }

    /// `struct shm_info`: what `shmctl(SHM_INFO)` reports (pages).
    pub struct ShmInfo (24 bytes) {
        pub used_ids: i32,
        pub shm_tot: u32,
        pub shm_rss: u32,
        pub shm_swp: u32,
        pub swap_attempts: u32,
        pub swap_successes: u32,
    }
}

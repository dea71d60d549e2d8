//! An i386 teaching kernel whose system calls follow the Linux i386 ABI.
//!
//! Reading order: `arch/x86/boot.rs` (the first instructions), [`kernel_init`]
//! (bring-up), `arch/x86/entry_32.S` and `arch/x86/common.rs` (the
//! system-call path), `syscall/` (dispatch and handlers), `proc/` (processes,
//! ELF loading, the vDSO). See `docs/` for walkthroughs.

#![no_std]
#![cfg_attr(test, no_main)]
#![feature(allocator_api)]
#![feature(custom_test_frameworks)]
#![test_runner(crate::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

extern crate alloc;

pub mod arch;
pub mod boot;
pub mod cmdline;
pub mod drivers;
pub mod fs;
pub mod ipc;
pub mod irq;
pub mod mm;
pub mod panic;
pub mod proc;
pub mod sync;
pub mod syscall;
pub mod testing;
pub mod time;

use arch::x86::{fpu, gdt, idt, paging, pic, pit, sysenter, traps, tss};
use boot::BootInfo;
use mm::{KERNEL_BASE, frame, heap, virt_to_phys, vmap::KernelStack};

/// The boot information, filled once by [`kernel_init`].
static mut BOOT_INFO: BootInfo = BootInfo::new(boot::BootProtocol::Multiboot1);

/// The parsed kernel command line.
pub static CMDLINE: spin::Once<cmdline::Cmdline> = spin::Once::new();

unsafe extern "Rust" {
    /// Defined by the kernel binary (`main.rs`) or by a test kernel, with
    /// [`entry_point!`].
    fn kernel_main(boot: &'static BootInfo) -> !;
}

/// Name the function a kernel image runs after bring-up.
#[macro_export]
macro_rules! entry_point {
    ($path:path) => {
        #[unsafe(no_mangle)]
        fn kernel_main(boot: &'static $crate::boot::BootInfo) -> ! {
            let f: fn(&'static $crate::boot::BootInfo) -> ! = $path;
            f(boot)
        }
    };
}

unsafe extern "C" {
    static __kernel_start: u8;
    static __kernel_end: u8;
}

/// The kernel heap's first size; it grows from free frames as needed
/// (`mm/heap.rs`).
const INITIAL_HEAP: usize = 1 << 20;

/// Bring the machine up, in dependency order, then run `kernel_main` on a
/// guarded kernel stack.
pub fn kernel_init(magic: u32, info_phys: u32) -> ! {
    drivers::serial::init();

    // SAFETY: single-threaded early boot; BOOT_INFO is written only here and
    // read-only afterwards.
    let boot = unsafe { &mut *(&raw mut BOOT_INFO) };
    // SAFETY: magic and pointer are what the boot loader passed to _start,
    // and the boot page directory is active.
    if let Err(e) = unsafe { boot::parse(magic, info_phys, boot) } {
        panic!("cannot use the boot information: {e:?}");
    }

    // SAFETY: early boot, once, in this order: TSSes, GDT (which names
    // them), task register, IDT (which names GDT selectors).
    unsafe {
        let (tss, df_tss) = tss::init(
            traps::doublefault_entry as *const () as usize,
            paging::kernel_pd_phys(),
        );
        gdt::init(tss, tss::MAIN_TSS_SIZE, df_tss, tss::TSS_SIZE);
        tss::load();
        idt::init();
    }

    let ram_top = boot.usable_top() as usize;
    // SAFETY: once; the kernel image lies in low RAM, inside the direct map.
    unsafe { paging::init(ram_top) };

    // Linker symbols: only their addresses are used.
    let (kstart, kend) = (
        &raw const __kernel_start as usize,
        &raw const __kernel_end as usize,
    );
    let mut reserved = alloc_free_reserved(boot, virt_to_phys(kstart), virt_to_phys(kend));
    frame::init(
        boot.regions()
            .iter()
            .filter(|r| r.usable)
            .map(|r| (r.start, r.end)),
        reserved.as_slice(),
    );
    reserved.clear();
    if !heap::init(INITIAL_HEAP) {
        panic!(
            "no memory for the kernel heap ({} MiB of RAM)",
            ram_top >> 20
        );
    }

    let cmdline = CMDLINE.call_once(|| cmdline::Cmdline::parse(boot.cmdline()));
    drivers::console::init_log(cmdline.loglevel);
    syscall::set_strace(cmdline.strace);
    if let Some(call) = &cmdline.pathtrace {
        match syscall::number_of(call) {
            Some(nr) => syscall::set_pathtrace(nr),
            None => log::warn!("pathtrace: no system call {call:?}"),
        }
    }

    pic::init(idt::IRQ_BASE as u8, &[pic::IRQ_TIMER, pic::IRQ_COM1]);
    pit::init();
    time::init();
    fpu::init();
    arch::x86::cpuinfo::init();

    let stack =
        KernelStack::with_pages(mm::vmap::KSTACK_PAGES).expect("no memory for the boot stack");
    let top = stack.top();
    core::mem::forget(stack); // the boot context lives forever (it becomes the idle task)
    tss::set_esp0(top);
    sysenter::init(top);
    if cmdline.bench_floor {
        arch::x86::floor::install();
    }

    // SAFETY: `top` is the top of a mapped kernel stack nobody else uses;
    // we never return to the boot stack.
    unsafe {
        core::arch::asm!(
            "mov esp, {top}",
            "push {boot}",
            "call {main}",
            "ud2",
            top = in(reg) top,
            boot = in(reg) boot as *const BootInfo,
            main = sym call_kernel_main,
            options(noreturn)
        )
    }
}

extern "C" fn call_kernel_main(boot: &'static BootInfo) -> ! {
    log::info!(
        "kernel {:#x}..{:#x}, {} MiB RAM, {} free frames",
        KERNEL_BASE,
        KERNEL_BASE + (boot.usable_top() as usize),
        boot.usable_top() >> 20,
        frame::free_frames()
    );
    // SAFETY: defined by exactly one kernel image through `entry_point!`.
    unsafe { kernel_main(boot) }
}

/// The physical ranges the frame allocator must not hand out.
struct Reserved {
    ranges: [(u64, u64); 4 + boot::MAX_MODULES],
    n: usize,
}

impl Reserved {
    fn as_slice(&self) -> &[(u64, u64)] {
        &self.ranges[..self.n]
    }
    fn clear(&mut self) {
        self.n = 0;
    }
}

fn alloc_free_reserved(boot: &BootInfo, kstart: usize, kend: usize) -> Reserved {
    let mut r = Reserved {
        ranges: [(0, 0); 4 + boot::MAX_MODULES],
        n: 0,
    };
    let mut push = |s: u64, e: u64| {
        r.ranges[r.n] = (s, e);
        r.n += 1;
    };
    push(0, 0x10_0000); // real-mode IVT, BIOS data, EBDA, VGA, option ROMs
    push(kstart as u64, kend as u64);
    push(u64::from(boot.info_range.0), u64::from(boot.info_range.1));
    for m in boot.modules() {
        push(u64::from(m.start), u64::from(m.end));
    }
    r
}

/// pid 1 ended: report it as Linux's boot interface contract says and
/// power off (QEMU exit status 33).
pub fn init_exited(comm: &str, status: u32) -> ! {
    let sig = status & 0x7F;
    if sig == 0 {
        println!("init exited: status={}", (status >> 8) & 0xFF);
    } else {
        println!("init killed: signal={sig}");
    }
    log::info!("{comm}: powering off");
    arch::x86::qemu::exit_qemu(arch::x86::qemu::ExitCode::Success)
}

/// The boot information (valid after bring-up).
pub fn boot_info() -> &'static BootInfo {
    // SAFETY: written once during early boot, read-only afterwards.
    unsafe { &*(&raw const BOOT_INFO) }
}

#[cfg(test)]
mod test_entry {
    crate::entry_point!(test_kernel_main);

    fn test_kernel_main(_boot: &'static crate::boot::BootInfo) -> ! {
        crate::test_main();
        unreachable!()
    }
}

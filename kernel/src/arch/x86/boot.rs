//! The very first instructions: the Multiboot 1 and 2 headers and `_start`.
//!
//! A boot loader (QEMU's `-kernel` for Multiboot 1, GRUB's `multiboot2` for
//! Multiboot 2) loads `kernel.elf` at its physical load addresses (1 MiB up)
//! and jumps to `_start` with paging off, EAX = the boot magic and EBX = the
//! physical address of the boot information. The kernel is *linked* at
//! 0xC0100000 (see `linker.ld`), so until paging is on every address used here
//! is a link address minus `KERNEL_BASE`.
//!
//! `_start` loads `boot_page_directory`, a static page directory that maps the
//! first 16 MiB twice, at 0 (so the next instruction still exists) and at
//! 0xC0000000 (where the kernel is linked), using 4 MiB pages (CR4.PSE). It then
//! jumps to the higher half, takes the boot stack and calls [`boot_entry`].
//! `mm::paging::init` later replaces this directory with one that has no
//! identity map at all.

use core::arch::global_asm;

/// Multiboot 1 magic in EAX at entry (Multiboot spec 0.6.96, section 3.2).
pub const MULTIBOOT1_BOOTLOADER_MAGIC: u32 = 0x2BAD_B002;
/// Multiboot 2 magic in EAX at entry (Multiboot2 spec, section 3.3).
pub const MULTIBOOT2_BOOTLOADER_MAGIC: u32 = 0x36D7_6289;

/// Size of the stack `_start` runs Rust on, until `kernel_init` moves to a
/// guarded stack.
pub const BOOT_STACK_SIZE: usize = 16 * 1024;

global_asm!(
    r#"
    .section .multiboot, "a"
    /* Multiboot 1 header: magic, flags (bit 0: page-align modules, bit 1:
       give us a memory map), checksum so that the three sum to 0. */
    .align 4
    multiboot1_header:
    .long 0x1BADB002
    .long 0x00000003
    .long -(0x1BADB002 + 0x00000003)

    /* Multiboot 2 header: magic, architecture 0 (i386 protected mode),
       header length, checksum, then the end tag (type 0, size 8). */
    .align 8
    multiboot2_header:
    .long 0xE85250D6
    .long 0
    .long multiboot2_header_end - multiboot2_header
    .long -(0xE85250D6 + 0 + (multiboot2_header_end - multiboot2_header))
    .word 0
    .word 0
    .long 8
    multiboot2_header_end:

    /* The boot page directory: PDEs 0..3 and 768..771 map physical 0..16 MiB
       with 4 MiB pages (bit 7 PS, bit 1 RW, bit 0 P). Intel SDM Vol. 3A
       4.3, "32-bit paging", table 4-4. */
    .section .data.boot_page_directory, "aw"
    .align 4096
    .global boot_page_directory
    boot_page_directory:
    .set pde, 0
    .rept 4
    .long (pde << 22) | 0x83
    .set pde, pde + 1
    .endr
    .fill 764, 4, 0
    .set pde, 0
    .rept 4
    .long (pde << 22) | 0x83
    .set pde, pde + 1
    .endr
    .fill 252, 4, 0

    .section .bss.boot_stack, "aw", @nobits
    .align 16
    boot_stack_bottom:
    .skip {stack_size}
    boot_stack_top:

    .section .text.boot, "ax"
    .global _start
    _start:
        cli
        cld
        /* Paging is off: use the physical address of the directory. */
        mov ecx, offset boot_page_directory - 0xC0000000
        mov cr3, ecx
        mov ecx, cr4
        or ecx, 0x10            /* CR4.PSE: allow 4 MiB pages */
        mov cr4, ecx
        mov ecx, cr0
        or ecx, 0x80010000      /* CR0.PG | CR0.WP */
        mov cr0, ecx
        /* An absolute jump to the link (virtual) address. */
        mov ecx, offset boot_higher_half
        jmp ecx
    boot_higher_half:
        mov esp, offset boot_stack_top
        xor ebp, ebp
        push ebx                /* physical address of the boot information */
        push eax                /* boot loader magic */
        call {entry}
        ud2
    "#,
    stack_size = const BOOT_STACK_SIZE,
    entry = sym boot_entry,
);

/// First Rust code: called by `_start` on the boot stack, in the higher half.
extern "C" fn boot_entry(magic: u32, info_phys: u32) -> ! {
    crate::kernel_init(magic, info_phys)
}

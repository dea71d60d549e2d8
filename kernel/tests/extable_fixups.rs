//! The exception table in action: `restore_all` is handed a frame whose
//! saved DS is a TSS selector, which no data segment register may hold
//! (#GP on the load). The fault must go to the reload's fixup, which loads
//! the null selector and carries on, instead of panicking the kernel.

#![no_std]
#![no_main]
#![feature(custom_test_frameworks)]
#![test_runner(kernel::testing::test_runner)]
#![reexport_test_harness_main = "test_main"]

use core::arch::global_asm;
use kernel::arch::x86::gdt::{DOUBLEFAULT_TSS_SEL, KERNEL_CS, USER_DS};
use kernel::boot::BootInfo;

kernel::entry_point!(main);

fn main(_boot: &'static BootInfo) -> ! {
    test_main();
    unreachable!()
}

global_asm!(
    r#"
    .data
    extable_saved_esp: .long 0
    .text
    /* u32 return_with_bad_ds(void): returns DS as restore_all left it. */
    .global return_with_bad_ds
    return_with_bad_ds:
        push ebx
        push esi
        push edi
        push ebp
        mov [extable_saved_esp], esp
        /* A PtRegs frame for a return to kernel mode, highest field first. */
        pushfd                          /* flags */
        push {kcs}                      /* cs */
        mov eax, offset extable_after
        push eax                        /* ip */
        push -1                         /* orig_ax */
        push 0                          /* gs */
        push 0                          /* fs */
        push {uds}                      /* es */
        push {bad}                      /* ds: a TSS selector */
        push 0                          /* ax */
        push 0                          /* bp */
        push 0                          /* di */
        push 0                          /* si */
        push 0                          /* dx */
        push 0                          /* cx */
        push 0                          /* bx */
        jmp restore_all
    extable_after:
        mov eax, ds                     /* what the fixup left */
        mov ecx, {uds}
        mov ds, ecx                     /* the kernel's data segment again */
        mov es, ecx
        mov esp, [extable_saved_esp]
        pop ebp
        pop edi
        pop esi
        pop ebx
        ret
    "#,
    kcs = const KERNEL_CS as u32,
    uds = const USER_DS as u32,
    bad = const DOUBLEFAULT_TSS_SEL as u32,
);

unsafe extern "C" {
    fn return_with_bad_ds() -> u32;
}

#[test_case]
fn a_bad_saved_selector_becomes_null_not_a_panic() {
    // SAFETY: the asm builds a complete kernel-mode frame and restores the
    // stack and DS/ES before returning.
    let ds = unsafe { return_with_bad_ds() };
    assert_eq!(
        ds & 0xFFFF,
        0,
        "the fixup should have loaded the null selector"
    );
}

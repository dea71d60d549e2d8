//! `memcpy` and `memset` with `rep movsl` / `rep stosl`, as Linux's i386
//! `__memcpy` and `__memset_generic` (arch/x86/include/asm/string_32.h,
//! arch/x86/lib/memcpy_32.c).
//!
//! They replace compiler_builtins' portable versions (weak symbols), which
//! move a word per loop of four or five instructions. A page is zeroed or
//! copied by one string instruction of 1024 iterations instead (`frame.rs`
//! `zeroed`, the copy-on-write copy, every large struct move): under
//! `-icount` a quarter of the instructions, and on CPUs without fast short
//! `rep` no slower for the sizes the kernel copies. The direction flag is
//! clear in the kernel (`cld` in `SAVE_ALL`, and the SysV ABI requires it
//! at every call).

use core::arch::global_asm;

global_asm!(
    r#"
    .section .text.memcpy, "ax"
    /* void *memcpy(void *dst, const void *src, size_t n) */
    .global memcpy
    memcpy:
        push edi
        push esi
        mov edi, [esp + 12]
        mov esi, [esp + 16]
        mov ecx, [esp + 20]
        mov eax, edi
        mov edx, ecx
        shr ecx, 2
        rep movsd
        mov ecx, edx
        and ecx, 3
        rep movsb
        pop esi
        pop edi
        ret

    /* void *memset(void *dst, int c, size_t n) */
    .global memset
    memset:
        push edi
        mov edi, [esp + 8]
        movzx eax, byte ptr [esp + 12]
        mov ecx, [esp + 16]
        imul eax, eax, 0x01010101
        mov edx, ecx
        shr ecx, 2
        rep stosd
        mov ecx, edx
        and ecx, 3
        rep stosb
        mov eax, [esp + 8]
        pop edi
        ret
    "#
);

; A far call through LDT selector 0x0f. The kernel loads a null LDT, so any
; selector with TI set is a #GP in user mode: SIGSEGV (as on Linux). With the
; CPU's reset LDT (base 0) it would read a descriptor from user page 0.
        section .text
        global _start
_start:
        call 0x0f:0
        mov ebx, 1              ; not reached
        mov eax, 1
        int 0x80

; sysenter with EFLAGS.TF set: the CPU raises #DB on the kernel's first
; instruction; the kernel must shrug that off, return by iret (TF is in the
; saved flags), and the program is then single-stepped: SIGTRAP, as on Linux.
        section .text
        global _start
_start:
        mov eax, 20             ; getpid
        push ret_label
        push ecx
        push edx
        push ebp
        mov ebp, esp
        pushfd
        or dword [esp], 0x100   ; TF
        popfd                   ; the trap comes after the next instruction...
        sysenter                ; ...which enters the kernel
ret_label:
        mov ebx, 0              ; single-stepping: SIGTRAP lands here
        mov eax, 1
        int 0x80

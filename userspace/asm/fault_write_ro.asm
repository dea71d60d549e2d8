; fault_write_ro: writes into its own .text (mapped r-x); Linux: page fault (#PF, protection, user write) -> SIGSEGV (11), shell status 139.
        section .text
        global _start
_start:
        mov dword [_start], 0   ; .text is read+execute only: #PF on the write
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

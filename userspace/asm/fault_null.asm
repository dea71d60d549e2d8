; fault_null: reads a dword from address 0 (NULL); Linux: page fault (#PF, not-present, user read) -> SIGSEGV (11), shell status 139.
        section .text
        global _start
_start:
        mov eax, [0]            ; page 0 is never mapped: #PF
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

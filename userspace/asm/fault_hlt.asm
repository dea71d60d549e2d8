; fault_hlt: executes the privileged hlt in ring 3; Linux: #GP(0) (vector 13) -> SIGSEGV (11), shell status 139.
        section .text
        global _start
_start:
        hlt                     ; CPL 3 != 0: #GP
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

; fault_cli: executes cli in ring 3 with IOPL 0; Linux: #GP(0) (vector 13) -> SIGSEGV (11), shell status 139.
        section .text
        global _start
_start:
        cli                     ; CPL 3 > IOPL 0: #GP
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

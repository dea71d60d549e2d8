; fault_int81: executes int 0x81, whose IDT gate has DPL 0 (only 0x80 and the int3/into gates are DPL 3); Linux: #GP(0x81*8+2) -> SIGSEGV (11), shell status 139.
        section .text
        global _start
_start:
        int 0x81                ; gate DPL 0 < CPL 3: #GP with error code (vector << 3) | 2
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

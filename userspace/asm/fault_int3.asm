; fault_int3: executes int3 (breakpoint) with no debugger attached; Linux: #BP (vector 3) -> SIGTRAP (5), shell status 133.
        section .text
        global _start
_start:
        int3                    ; CC: the IDT gate for vector 3 has DPL 3, so this is a trap, not a #GP
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

; fault_ud2: executes ud2, the defined-undefined opcode; Linux: #UD (vector 6) -> SIGILL (4), shell status 132.
        section .text
        global _start
_start:
        ud2                     ; 0F 0B: always raises #UD
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

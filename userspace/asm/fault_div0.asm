; fault_div0: divides by zero with div; Linux: #DE (vector 0) -> SIGFPE (8), shell status 136.
        section .text
        global _start
_start:
        xor edx, edx            ; dividend edx:eax = 1
        mov eax, 1
        xor ecx, ecx            ; divisor = 0
        div ecx                 ; #DE
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

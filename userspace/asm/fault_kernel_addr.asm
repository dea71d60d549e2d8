; fault_kernel_addr: reads 0xC0001000 (kernel half on a 3G/1G i386 kernel); Linux: page fault -> SIGSEGV (11), shell status 139 (also on x86_64 hosts, where it is an unmapped user address).
        section .text
        global _start
_start:
        mov eax, [0xC0001000]   ; supervisor page (or unmapped): #PF from ring 3
        mov ebx, 1              ; not reached on Linux: exit(1) means "no fault"
        mov eax, 1              ; __NR_exit
        int 0x80

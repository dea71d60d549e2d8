; fault_sysenter_kernel_ebp: the seed's sysenter write(1,msg,len) but with EBP = 0xC0000000 (kernel half on i386); Linux (Intel/i386): the 6th-argument fetch from [EBP] fails -> write NOT done, -EFAULT, iret to the vDSO landing pad, whose pop ebp faults -> SIGSEGV (11), status 139; on an AMD64 host sysenter is #UD in compat mode -> SIGILL (4), status 132.
        section .data
msg db "BUG: sysenter with EBP=0xC0000000 was not rejected", 0x0a
len equ $ - msg

        section .text
        global _start
_start:
        mov edx, len            ; size_t count
        mov ecx, msg            ; const char *buf
        mov ebx, 1              ; unsigned int fd
        mov eax, 4              ; write
        push sysenter_ret       ; the seed's return address for the landing pad's ret
        push ecx
        push edx
        push ebp
        mov ebp, 0xC0000000     ; the hostile part: a kernel address as the user stack pointer
        sysenter

sysenter_ret:                   ; not reached on Linux
        mov ebx, 1              ; exit(1) means "the kernel did not reject it"
        mov eax, 1              ; __NR_exit
        int 0x80

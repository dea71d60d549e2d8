; getpid_paths: three getpid calls through the vDSO (call *AT_SYSINFO), then
; three through int 0x80, then exit(0). Used by scripts/trace-path to list,
; instruction by instruction, what each entry path executes. Runs on Linux too.
        section .text
        global _start
_start:
        mov esi, esp            ; argc, argv..., 0, envp..., 0, auxv
        mov eax, [esi]
        lea esi, [esi + eax*4 + 8]      ; envp
.env:   lodsd
        test eax, eax
        jnz .env                ; esi -> auxv
.aux:   lodsd                   ; a_type
        mov edx, eax
        lodsd                   ; a_val
        test edx, edx
        jz .noauxv              ; AT_NULL: no AT_SYSINFO, skip the vDSO calls
        cmp edx, 32             ; AT_SYSINFO
        jne .aux
        mov edi, eax            ; __kernel_vsyscall
        mov ecx, 3
.vdso:  push ecx
        mov eax, 20             ; __NR_getpid
        call edi
        pop ecx
        loop .vdso
.noauxv:
        mov ecx, 3
.int80: mov eax, 20
        int 0x80
        loop .int80
        xor ebx, ebx
        mov eax, 1              ; __NR_exit
        int 0x80

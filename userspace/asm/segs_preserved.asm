; segs_preserved: the user's segment registers survive system calls.
; ES = 0 (null) across int 0x80 and across the vDSO's sysenter; FS = the
; flat data selector (as DS) across nanosleep, during which the kernel
; switches to another task and back; and FS again across a read that
; blocks until a child, which set its own FS and GS to 0, writes to a pipe
; and goes to sleep (the switch back must not leave the child's selectors
; behind). Exit
; status 0, or the failing step. Linux and our kernel must give them back
; exactly as they were.
        section .text
        global _start
_start:
        mov esi, esp            ; find AT_SYSINFO in the auxv (as getpid_paths)
        mov eax, [esi]
        lea esi, [esi + eax*4 + 8]
.env:   lodsd
        test eax, eax
        jnz .env
        xor edi, edi            ; __kernel_vsyscall, or 0 without one
.aux:   lodsd
        mov edx, eax
        lodsd
        test edx, edx
        jz .step1
        cmp edx, 32             ; AT_SYSINFO
        jne .aux
        mov edi, eax
.step1: xor eax, eax            ; 1: ES = 0 across int 0x80
        mov es, ax
        mov eax, 20             ; getpid
        int 0x80
        mov ax, es
        mov ebx, 1
        test ax, ax
        jnz fail
        test edi, edi           ; 2: ES = 0 across sysenter (if there is a vDSO)
        jz .step3
        mov eax, 20
        call edi
        mov ax, es
        mov ebx, 2
        test ax, ax
        jnz fail
.step3: mov ax, ds              ; ES back to DS: from here on, only FS is odd
        mov es, ax
        mov fs, ax              ; 3: FS = DS across a sleep (a task switch)
        push dword 1000000      ; tv_nsec: 1 ms
        push dword 0            ; tv_sec
        mov ebx, esp
        xor ecx, ecx
        mov eax, 162            ; nanosleep
        int 0x80
        add esp, 8
        mov ax, fs
        mov cx, ds
        mov ebx, 3
        cmp ax, cx
        jne fail
        sub esp, 8              ; 4: FS across a read woken by a child
        mov ebx, esp            ; int fds[2]
        mov eax, 42             ; pipe
        int 0x80
        mov ebx, 4
        test eax, eax
        jnz fail
        mov eax, 2              ; fork
        int 0x80
        test eax, eax
        jz child
        mov ebp, eax            ; the child's pid
        mov ebx, [esp]          ; parent: read(fds[0], buf, 1) blocks
        lea ecx, [esp + 4]
        mov edx, 1
        mov eax, 3
        int 0x80
        mov ax, fs
        mov cx, ds
        mov ebx, 4
        cmp ax, cx
        jne fail
        mov ebx, ebp            ; kill(child, SIGKILL): it sleeps on
        mov ecx, 9
        mov eax, 37
        int 0x80
        xor ebx, ebx
        jmp fail
child:  xor eax, eax            ; the child's own FS and GS: null
        mov fs, ax
        mov gs, ax
        mov ebx, [esp + 4]      ; write(fds[1], "x", 1)
        push dword 'x'
        mov ecx, esp
        mov edx, 1
        mov eax, 4
        int 0x80
        push dword 0            ; then sleep 100 s: the parent runs next,
        push dword 100          ; with no exit and no SIGCHLD in between
        mov ebx, esp
        xor ecx, ecx
        mov eax, 162            ; nanosleep
        int 0x80
        xor ebx, ebx            ; exit(0)
fail:   mov eax, 1              ; exit(ebx)
        int 0x80

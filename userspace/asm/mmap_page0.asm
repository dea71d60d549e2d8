; mmap2(0, 4096, RWX, MAP_FIXED|MAP_PRIVATE|MAP_ANONYMOUS) must fail with
; EPERM: Linux's vm.mmap_min_addr, which Linux waives only for CAP_SYS_RAWIO
; (root); we apply it to everyone. Exit 0 if it failed so, 1 if not.
        section .text
        global _start
_start:
        mov eax, 192
        xor ebx, ebx
        mov ecx, 4096
        mov edx, 7
        mov esi, 0x32
        mov edi, -1
        xor ebp, ebp
        int 0x80
        xor ebx, ebx
        cmp eax, -1             ; -EPERM
        je done
        mov ebx, 1
done:
        mov eax, 1
        int 0x80

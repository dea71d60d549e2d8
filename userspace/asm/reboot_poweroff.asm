; reboot(2): a wrong magic number is EINVAL (exit 1 if not); the right ones
; with LINUX_REBOOT_CMD_POWER_OFF power the machine off, so "init exited"
; never appears.
        section .text
        global _start
_start:
        mov eax, 88             ; reboot
        mov ebx, 0x12345678     ; wrong magic1
        mov ecx, 672274793
        mov edx, 0x4321fedc
        int 0x80
        cmp eax, -22            ; -EINVAL
        jne fail
        mov eax, 88
        mov ebx, 0xfee1dead     ; LINUX_REBOOT_MAGIC1
        mov ecx, 672274793      ; LINUX_REBOOT_MAGIC2
        mov edx, 0x4321fedc     ; LINUX_REBOOT_CMD_POWER_OFF
        int 0x80
fail:
        mov ebx, 1
        mov eax, 1
        int 0x80

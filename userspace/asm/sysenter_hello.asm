        section .data
msg db "Hello World!", 0x0a
len equ $ - msg

        section .text
        global _start

_start:
        mov edx, len       ; size_t count
        mov ecx, msg       ; const char *buf
        mov ebx, 1         ; unsigned int fd
        mov eax, 4         ; write システムコール
        push sysenter_ret  ; sysenter からの戻り先を保存
        push ecx           ; レジスタ ECX の保存
        push edx           ; レジスタ EDX の保存
        push ebp           ; レジスタ EBP の保存
        mov ebp, esp       ; レジスタ EBP に ESP の値を移動(複写)
        sysenter

sysenter_ret:
        mov ebx, 0         ; error_code
        mov eax, 1         ; exit システムコール
        push sysenter_ret
        push ecx
        push edx
        push ebp
        mov ebp, esp
        sysenter

; exit42: calls exit(42) via int 0x80 and nothing else; Linux: no output, exit status 42.
        section .text
        global _start
_start:
        mov ebx, 42             ; status
        mov eax, 1              ; __NR_exit
        int 0x80

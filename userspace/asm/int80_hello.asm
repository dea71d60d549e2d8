section .data ; data section
msg: db "this is test",10 ; the string to print, 10=cr
len: equ $-msg ; "$" means "here"
; len is a value, not an address
section .text ; code section
global main ; make label available to linker as invoked by gcc
global _start ; make label available to linker w/ default entry
main: ; standard gcc entry point
_start:
mov edx,len ; arg3, length of string to print
mov ecx,msg ; arg2, 输出内容的长度
mov ebx,1 ; arg1, 调用号
mov eax,4 ; write command to int 80 hex
int 0x80 ; interrupt 80 hex, call kernel
mov ebx,0 ; exit code, 错误代码,设置为0标识正常
mov eax,1 ; exit command to kernel
int 0x80 ; interrupt 80 hex, call kernel

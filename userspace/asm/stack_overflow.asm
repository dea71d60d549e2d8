; stack_overflow: recurses forever (push + call) until the stack hits its limit/guard; Linux: #PF below the stack -> SIGSEGV (11), shell status 139.
        section .text
        global _start
_start:
recurse:
        push eax                ; 4 bytes of "locals"
        call recurse            ; 4 bytes of return address, forever

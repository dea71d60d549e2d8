/*
 * Kernel entry and exit: the i386 system-call path of Linux's
 * arch/x86/entry/entry_32.S, reduced to what a student needs to see, plus
 * the exception and IRQ stubs. Every stub builds the same frame, PtRegs
 * (ptregs.rs), and calls exactly one Rust function (common.rs, traps.rs):
 *
 *  int 0x80 from ring 3                 sysenter from ring 3
 *  CPU: switch to TSS.ss0:esp0,         CPU: CS = IA32_SYSENTER_CS,
 *       push ss, esp, eflags, cs, eip        SS = CS + 8, ESP = IA32_SYSENTER_ESP,
 *                                            EIP = IA32_SYSENTER_EIP; pushes nothing
 *  entry_INT80_32:                      entry_SYSENTER_32:
 *                                         push $USER_DS; push %ebp (user esp);
 *                                         pushfl; push $USER_CS; push $0 (ip)
 *    push %eax (orig_ax)                  push %eax (orig_ax)
 *    SAVE_ALL                             SAVE_ALL
 *    call do_int80_syscall_32             call do_fast_syscall_32
 *    RESTORE_ALL; iret                    sysexit if the frame allows, else iret
 *
 *       higher addresses
 *  +----------------+  <- kernel stack top (TSS.esp0 == IA32_SYSENTER_ESP)
 *  | ss             |  \
 *  | sp             |   |  pushed by the CPU (int 0x80)
 *  | flags          |   |  or by entry_SYSENTER_32 by hand
 *  | cs             |   |
 *  | ip             |  /
 *  | orig_ax        |  <- the system-call number (EAX at entry)
 *  | gs fs es ds    |  \
 *  | ax bp di si    |   |  SAVE_ALL
 *  | dx cx bx       |  /   <- %esp = &PtRegs when the Rust code runs
 *  +----------------+
 *       lower addresses
 *
 * The Rust functions are `extern "fastcall"`: the first argument goes in
 * ECX and the second in EDX, so a stub passes &PtRegs with one mov and has
 * no argument to pop afterwards; a result comes back in EAX.
 *
 * This file is Rust's global_asm! input (entry.rs), not run through cpp:
 * each constant below arrives as a named operand, from `offset_of!` on
 * PtRegs and from the selector and EFLAGS constants, so no frame offset or
 * flag bit is typed by hand. (Operands are substituted before the assembler
 * runs, so braces are reserved for them.)
 */

/* Offsets into PtRegs. */
.set PT_CX,	{pt_cx}
.set PT_SI,	{pt_si}
.set PT_DS,	{pt_ds}
.set PT_ES,	{pt_es}
.set PT_FS,	{pt_fs}
.set PT_GS,	{pt_gs}
.set PT_IP,	{pt_ip}
.set PT_FLAGS,	{pt_flags}
.set PT_SP,	{pt_sp}
.set PT_CS,	{pt_cs}
.set PT_SS,	{pt_ss}

/* Selectors (gdt.rs) and EFLAGS bits (ptregs.rs). */
.set USER_CS,	{user_cs}
.set USER_DS,	{user_ds}
.set KERNEL_DS,	{kernel_ds}
.set ESPFIX_SS,	{espfix_ss}
.set X86_EFLAGS_FIXED,	{eflags_fixed}
.set X86_EFLAGS_TF,	{eflags_tf}
.set X86_EFLAGS_IF,	{eflags_if}
.set X86_EFLAGS_IF_BIT,	{eflags_if_bit}
.set X86_EFLAGS_NT,	{eflags_nt}
.set X86_EFLAGS_AC,	{eflags_ac}

/* The exception and IRQ stubs (idt.rs). */
.set TRAP_STUB_SIZE,	{trap_stub_size}
.set STUB_VECTORS,	{stub_vectors}
.set FIRST_EXTERNAL_VECTOR,	{irq_base}
.set IRET_ERROR_VECTOR,	{iret_error_vector}

/*
 * An exception-table entry (extable.rs): if the instruction at `from`
 * faults, continue at `to` instead of panicking. The same layout as the
 * ex_table! Rust macro: two addresses in .ex_table.
 */
.macro _ASM_EXTABLE from, to
	.pushsection .ex_table, "a"
	.balign 4
	.long \from, \to
	.popsection
.endm

/*
 * Push everything of struct pt_regs below gs, in its order (the part of the
 * seeds' SAVE_ALL that every entry shares; the exception path puts gs in
 * place afterwards).
 */
.macro PUSH_REGS_BELOW_GS
	cld
	pushl	%fs
	pushl	%es
	pushl	%ds
	pushl	%eax
	pushl	%ebp
	pushl	%edi
	pushl	%esi
	pushl	%edx
	pushl	%ecx
	pushl	%ebx
.endm

/*
 * Make DS/ES the flat data segment. Like Linux, the kernel uses __USER_DS
 * (flat 4 GiB, DPL 3) in DS/ES: ring 0 may use it, and it is what user code
 * already has, so the SYSEXIT path need not reload them. They are checked
 * on entry because user code may have put any selector there; a load is
 * slow (descriptor checks), so only when needed. SS is the kernel's
 * (DPL 0), from TSS.ss0 or SYSENTER. Clobbers EDX.
 */
.macro LOAD_USER_DS
	movl	%ds, %edx
	cmpl	$USER_DS, %edx
	jne	1f
	movl	%es, %edx
	cmpl	$USER_DS, %edx
	je	2f
1:	movl	$USER_DS, %edx
	movl	%edx, %ds
	movl	%edx, %es
	movb	$1, {frame_dirty}	/* the frame's DS/ES differ: restore them */
2:
.endm

/*
 * The seeds' SAVE_ALL: push the general and segment registers in
 * struct pt_regs order, then load the kernel's data segments.
 */
.macro SAVE_ALL
	pushl	%gs
	PUSH_REGS_BELOW_GS
	LOAD_USER_DS
.endm

/* Pop the general registers SAVE_ALL pushed, up to and including eax. */
.macro RESTORE_REGS
	popl	%ebx
	popl	%ecx
	popl	%edx
	popl	%esi
	popl	%edi
	popl	%ebp
	popl	%eax
.endm

/*
 * Load segment register \seg from the saved slot at \off(%esp), but only
 * if it differs: a load goes through descriptor checks and is slow, and
 * usually nothing changed. A 32-bit push of a segment register may leave
 * the slot's upper half stale (SDM Vol. 2B, PUSH): then the compare fails
 * and the same selector is reloaded, which is merely slower (zero-extending
 * first costs more under TCG than it saves). Clobbers ECX and EDX.
 *
 * If the load faults (the selector cannot be loaded: a descriptor changed
 * under it), the exception table sends it to a fixup that loads the null
 * selector instead, as Linux does; the user's next use of it then faults
 * in user mode.
 */
.macro RELOAD_SEG seg, off
	movl	%\seg, %ecx
	movl	\off(%esp), %edx
	cmpl	%edx, %ecx
	je	1f
2:	movl	%edx, %\seg
1:
	.pushsection .fixup, "ax"
3:	xorl	%edx, %edx
	jmp	2b
	.popsection
	_ASM_EXTABLE 2b, 3b
.endm

	.section .text.entry, "ax"

/* int $0x80: the IDT gate (DPL 3) brought us here on the kernel stack. */
	.global entry_INT80_32
entry_INT80_32:
	pushl	%eax			/* pt_regs->orig_ax */
	SAVE_ALL
	movl	%esp, %ecx		/* &PtRegs */
	call	{do_int80_syscall_32}

/* RESTORE_ALL + iret: used by every path that returns by iret. */
	.global restore_all
restore_all:
	/*
	 * Segment registers: the CPU still holds the user's, unless something
	 * may have changed them or the frame since entry; that something set
	 * frame_dirty (common.rs FRAME_DIRTY says who).
	 */
	cmpb	$0, %ss:{frame_dirty}
	jne	restore_segments
restore_regs:
	testb	$3, PT_CS(%esp)		/* to user mode ... */
	jz	restore_regs_now
	testb	$4, PT_SS(%esp)		/* ... with a stack segment in the LDT? */
	jnz	switch_to_espfix
restore_regs_now:
	RESTORE_REGS
	addl	$PT_IP-PT_DS, %esp	/* ds, es, fs, gs, orig_ax */
9:	iret
	_ASM_EXTABLE 9b, iret_exc

/*
 * espfix (Linux's CONFIG_X86_ESPFIX32): iret to a 16-bit stack segment
 * loads only SP, the low half of ESP, and leaves the high half as it was:
 * the kernel's, leaked to the user, and the user's lost. So, for a return
 * to an LDT stack segment (the only place a 16-bit one can be; a 32-bit
 * one does no harm), run the iret on a ring-0 stack segment (ESPFIX_SS)
 * whose base makes ESP's high half the user's while addressing the same
 * kernel stack: base = kernel esp - new esp, new esp = the user's high
 * half : the kernel's low half. The base goes into the GDT entry's base
 * bytes (16..23 at +4, 24..31 at +7; 0..15 stay 0). EAX and EDX are
 * restored from the frame afterwards. An iret fault taken there comes
 * back to the flat stack in trap_common.
 */
switch_to_espfix:
	movl	%esp, %edx		/* kernel esp */
	movl	PT_SP(%esp), %eax	/* user esp */
	movw	%dx, %ax		/* new esp */
	subl	%eax, %edx		/* segment base (low word 0) */
	shrl	$16, %edx
	movb	%dl, %ss:{gdt}+{gdt_espfix_off}+4
	movb	%dh, %ss:{gdt}+{gdt_espfix_off}+7
	pushl	$ESPFIX_SS
	pushl	%eax
	lss	(%esp), %esp		/* the same memory, through ESPFIX_SS */
	jmp	restore_regs_now

/*
 * The dirty case, out of line: reload each segment register whose saved
 * selector differs (RELOAD_SEG). A return to user mode then has the CPU
 * and the frame agree again; a return to the kernel (a trap during a
 * system call) leaves the flag for the system call's own return.
 */
restore_segments:
	RELOAD_SEG ds, PT_DS
	RELOAD_SEG es, PT_ES
	RELOAD_SEG fs, PT_FS
	RELOAD_SEG gs, PT_GS
	testb	$3, PT_CS(%esp)		/* returning to ring 3? */
	jz	restore_regs
	movb	$0, %ss:{frame_dirty}	/* DS may be the user's now */
	jmp	restore_regs

/*
 * The iret itself faulted (#GP, #NP, #SS: a CS or SS the frame names
 * cannot be loaded, e.g. after sigreturn or modify_ldt): the kernel-mode
 * fault went to its fixup here, back on the flat stack with %esp at the
 * user's iret frame and every user register still loaded. Make that a
 * user-mode trap, as Linux's asm_iret_error does: orig_ax 0 (no error
 * code), then the exception path, whose do_trap sends SIGILL (traps.rs
 * iret_error) and delivers it.
 */
	.pushsection .fixup, "ax"
iret_exc:
	pushl	$0			/* pt_regs->orig_ax */
	pushl	$IRET_ERROR_VECTOR	/* in the gs slot, for trap_common */
	jmp	trap_common
	.popsection

/* sysenter: the CPU saved nothing, so build the iret frame by hand. */
	.global entry_SYSENTER_32
entry_SYSENTER_32:
	pushl	$USER_DS		/* pt_regs->ss */
	pushl	%ebp			/* pt_regs->sp: the caller did mov %esp, %ebp */
	pushfl				/* pt_regs->flags */
	orl	$X86_EFLAGS_IF, (%esp)	/* SYSENTER cleared IF; user code had it set */
	/* TF, NT, AC are the user's: rarely set, and POPF is slow, so only when they are */
	testl	$X86_EFLAGS_TF|X86_EFLAGS_NT|X86_EFLAGS_AC, (%esp)
	jnz	sysenter_fix_flags
	.global sysenter_flags_ok
sysenter_flags_ok:
	pushl	$USER_CS		/* pt_regs->cs */
	pushl	$0			/* pt_regs->ip: set by do_fast_syscall_32 */
	pushl	%eax			/* pt_regs->orig_ax */
	SAVE_ALL
	movl	%esp, %ecx		/* &PtRegs */
	call	{do_fast_syscall_32}
	testb	%al, %al		/* a Rust bool: only AL is defined */
	jz	restore_all		/* frame changed: return by iret */

/* SYSEXIT: EIP = EDX, ESP = ECX (SDM Vol. 2B, SYSEXIT). */
sysexit_to_user:
	popl	%ebx
	addl	$PT_SI-PT_CX, %esp	/* cx, dx: the vDSO pops its own */
	popl	%esi
	popl	%edi
	popl	%ebp
	popl	%eax
	addl	$PT_FS-PT_DS, %esp	/* ds, es: USER_DS already (sysexit_allowed checked) */
	/*
	 * Now %esp points at pt_regs->fs. fs, gs: the kernel never changes
	 * them, but another task may have run, or a handler rewritten the
	 * frame: then frame_dirty is set, and each is reloaded if it
	 * differs.
	 */
	cmpb	$0, %ss:{frame_dirty}
	je	4f
	RELOAD_SEG fs, PT_FS-PT_FS
	RELOAD_SEG gs, PT_GS-PT_FS
	movb	$0, %ss:{frame_dirty}
4:	movl	PT_IP-PT_FS(%esp), %edx	/* SYSEXIT: EIP = EDX, ESP = ECX */
	movl	PT_SP-PT_FS(%esp), %ecx
	addl	$PT_FLAGS-PT_FS, %esp	/* now at pt_regs->flags */
	btrl	$X86_EFLAGS_IF_BIT, (%esp)	/* restore flags but IF ... */
	popfl
	sti				/* ... which STI sets with a one-instruction shadow */
	sysexit

/*
 * Rare: the user entered with TF, NT or AC set. Run the kernel without
 * them (NT would turn a later iret into a task switch). The CPU's own flags
 * still have them, so clear them with POPF.
 */
	.global sysenter_fix_flags
sysenter_fix_flags:
	movb	$1, %ss:{frame_dirty}	/* (DS is still the user's) */	/* the frame's flags bar sysexit: check them */
	pushl	$X86_EFLAGS_FIXED
	popfl
	jmp	sysenter_flags_ok
	.global sysenter_fix_flags_end
sysenter_fix_flags_end:

/*
 * Exceptions and IRQs. Each stub pushes an error code if the CPU did not
 * (into orig_ax; -1 for IRQs) and its vector into the gs slot, the way
 * Linux's common_exception borrows that slot for the handler address.
 */
	.global trap_common
trap_common:
	pushl	%eax
	movl	%ss, %eax
	cmpw	$ESPFIX_SS, %ax		/* an iret fault on the espfix stack? */
	je	unwind_espfix
espfix_unwound:
	popl	%eax
	PUSH_REGS_BELOW_GS
	/* through SS: DS is still whatever the user (or a faulting iret) left */
	movb	$1, %ss:{frame_dirty}	/* a trap may switch tasks or rewrite the frame */
	movl	%gs, %ecx
	movl	PT_GS(%esp), %eax	/* the vector */
	movl	%ecx, PT_GS(%esp)	/* the real gs */
	LOAD_USER_DS			/* (clobbers EDX) */
	movl	%eax, %edx		/* vector */
	movl	%esp, %ecx		/* &PtRegs */
	call	{do_trap}
	jmp	restore_all

/*
 * Back from the espfix stack to the flat one (Linux's FIXUP_ESPFIX_STACK):
 * the same memory, at base + esp; the base is read from the GDT through
 * CS, the one segment known to be flat here. Only EAX (saved) is used.
 */
unwind_espfix:
	movb	%cs:{gdt}+{gdt_espfix_off}+4, %al
	movb	%cs:{gdt}+{gdt_espfix_off}+7, %ah
	shll	$16, %eax
	addl	%esp, %eax		/* the flat address of the saved EAX */
	pushl	$KERNEL_DS
	pushl	%eax
	lss	(%esp), %esp
	jmp	espfix_unwound

/*
 * A new task's first return to user space (see proc/task.rs). Like
 * Linux's ret_from_fork it passes the signal check first: a traced
 * child meets its SIGSTOP (proc/ptrace.rs) before any user instruction.
 */
	.global ret_from_fork
ret_from_fork:
	movl	%esp, %ecx		/* &PtRegs */
	call	{schedule_tail}
	jmp	restore_all

/*
 * One stub per vector, TRAP_STUB_SIZE bytes apart: exceptions below
 * FIRST_EXTERNAL_VECTOR, then the PIC's IRQs. The listed vectors are those
 * for which the CPU pushes an error code itself (SDM Vol. 3A, 6.13).
 */
	.balign TRAP_STUB_SIZE
	.global trap_stubs
trap_stubs:
	.set vector, 0
	.rept STUB_VECTORS
	.balign TRAP_STUB_SIZE
	.if (vector == 8) | (vector == 10) | (vector == 11) | (vector == 12) | (vector == 13) | (vector == 14) | (vector == 17) | (vector == 21) | (vector == 29) | (vector == 30)
	.elseif vector >= FIRST_EXTERNAL_VECTOR
	pushl	$-1			/* pt_regs->orig_ax */
	.else
	pushl	$0			/* pt_regs->orig_ax */
	.endif
	pushl	$vector			/* in the gs slot, for trap_common */
	jmp	trap_common
	.set vector, vector + 1
	.endr

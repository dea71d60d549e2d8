/*
 * userspace/vdso/vdso.S -- the vDSO ("virtual dynamic shared object").
 *
 * GNU as, AT&T syntax, 32-bit (`as --32`). Built by build.sh beside this file
 * into one page: a real ELF32 shared object named linux-gate.so.1, the same
 * name Linux gives its i386 vDSO. The kernel maps that page read+execute into
 * every process and tells the process where it is through the auxiliary
 * vector:
 *
 *   AT_SYSINFO_EHDR = address of the page (the ELF header is at its start)
 *   AT_SYSINFO      = address of __kernel_vsyscall in it
 *
 * musl and glibc look for AT_SYSINFO and then make every system call with
 * `call *AT_SYSINFO` instead of `int $0x80`, so it is this code that decides
 * how user space enters the kernel: here, by SYSENTER.
 *
 * Why a vDSO at all?  SYSENTER is fast because the CPU saves nothing: no
 * return address and no user stack pointer (see the Japanese seed and
 * docs).  So the kernel and user space must agree on where to come back to,
 * and where the user stack is.  Linux's agreement, which we copy exactly:
 *
 *   - user space pushes ecx, edx and ebp, and puts its stack pointer in EBP
 *     (`mov %esp,%ebp`) just before `sysenter`: the kernel takes the user
 *     ESP from EBP, and the sixth syscall argument (which travels in EBP
 *     with int $0x80) from the dword at [EBP], i.e. the pushed ebp;
 *   - the kernel always returns to one fixed place, the landing pad below
 *     (SYSEXIT: EIP = EDX = landing pad, ESP = ECX = the saved EBP), whatever
 *     address the `sysenter` itself was at.  The kernel learns the pad's
 *     offset at build time from build.sh (VDSO_SYM_INT80_LANDING_PAD);
 *   - the landing pad pops ebp, edx, ecx and returns.
 *
 * A user program that does the pushes by hand and then its own `sysenter`
 * (the Japanese seed, userspace/asm/sysenter_hello.asm) also lands on this
 * pad: its extra `push sysenter_ret` is what the pad's `ret` pops.
 *
 * The stack as the kernel sees it at `sysenter` (ESP = EBP):
 *
 *       higher addresses
 *     | return address  |  <- pushed by `call *AT_SYSINFO` (or by the seed's push)
 *     | saved ecx       |
 *     | saved edx       |
 *     | saved ebp       |  <- ESP = EBP: the kernel reads arg 6 from here
 *       lower addresses
 *
 * If the kernel cannot read [EBP] (a hostile EBP: NULL, a kernel address), it
 * returns -EFAULT by iret to the same landing pad with ESP = that EBP, and
 * the pad's first `pop %ebp` faults: the process gets SIGSEGV, as on Linux.
 *
 * This file contains no absolute addresses and nothing needing relocation:
 * the page works wherever the kernel maps it. build.sh checks that.
 */

	.text
	.globl	__kernel_vsyscall
	.type	__kernel_vsyscall, @function
	.p2align 4
__kernel_vsyscall:
	.cfi_startproc			/* unwind info, so gdb and C++/pthread  */
					/* unwinders can walk back through here */
	pushl	%ecx			/* SYSEXIT will clobber ecx (user ESP)  */
	.cfi_adjust_cfa_offset	4
	.cfi_rel_offset		ecx, 0
	pushl	%edx			/* ... and edx (user EIP)               */
	.cfi_adjust_cfa_offset	4
	.cfi_rel_offset		edx, 0
	pushl	%ebp			/* arg 6; the kernel reads it at [ebp]  */
	.cfi_adjust_cfa_offset	4
	.cfi_rel_offset		ebp, 0
	movl	%esp, %ebp		/* tell the kernel where our stack is   */
vdso_sysenter:				/* local symbol: the SYSENTER itself    */
	sysenter			/* -> IA32_SYSENTER_EIP, never returns  */
					/*    to the next instruction           */

	/*
	 * Never reached after a successful sysenter: the kernel returns to the
	 * landing pad, past this instruction.  Linux keeps `int $0x80` here as
	 * the fallback path (its vDSO patches the sysenter away on CPUs without
	 * SEP); with it, the pad below is also the return address of an
	 * int $0x80 made from the vDSO, which is where the name comes from.
	 * We keep the same layout but do not patch: on a CPU without SEP the
	 * kernel gives no AT_SYSINFO, so C libraries use int $0x80 directly.
	 */
	int	$0x80

int80_landing_pad:			/* local symbol: where the kernel returns */
	popl	%ebp
	.cfi_restore		ebp
	.cfi_adjust_cfa_offset	-4
	popl	%edx
	.cfi_restore		edx
	.cfi_adjust_cfa_offset	-4
	popl	%ecx
	.cfi_restore		ecx
	.cfi_adjust_cfa_offset	-4
	ret				/* to the caller (or to the seed's label) */
	.cfi_endproc
	.size	__kernel_vsyscall, . - __kernel_vsyscall

/*
 * The signal trampolines (Linux's vdso32/sigreturn.S): where a handler
 * returns when its sigaction gave no SA_RESTORER. The kernel puts their
 * address in the frame's pretcode (kernel/src/proc/signal.rs::setup_frame),
 * so the handler's `ret` lands here with ESP just past pretcode.
 *
 * The unwind info says how to find the interrupted registers in the frame,
 * so a debugger or a C++/pthread unwinder walks from a handler back into
 * the interrupted code: CFA = the saved ESP in the sigcontext, and each
 * register at its sigcontext slot. ESP at the first instruction points at
 * `sig`; the sigcontext follows it (sigframe_ia32), or, for rt frames,
 * pinfo, puc, the 128-byte siginfo and ucontext's 20-byte header
 * (rt_sigframe_ia32). DWARF register numbers: eax 0, ecx 1, edx 2, ebx 3,
 * esp 4, ebp 5, esi 6, edi 7, eip 8, eflags 9.
 */

/* DW_CFA_expression: register \reg is saved at ESP + \off. */
	.macro	saved_at reg, off
	.if	(\off) < 64
	.cfi_escape 0x10, \reg, 2, 0x74, (\off)
	.else
	.cfi_escape 0x10, \reg, 3, 0x74, ((\off) & 0x7f) | 0x80, (\off) >> 7
	.endif
	.endm

/* The CFA and every register, for a sigcontext at ESP + \sc. */
	.macro	sigcontext_cfi sc
	.cfi_signal_frame
	/* DW_CFA_def_cfa_expression: CFA = *(ESP + \sc + 28), the saved esp */
	.if	(\sc) + 28 < 64
	.cfi_escape 0x0f, 3, 0x74, (\sc) + 28, 0x06
	.else
	.cfi_escape 0x0f, 4, 0x74, (((\sc) + 28) & 0x7f) | 0x80, ((\sc) + 28) >> 7, 0x06
	.endif
	saved_at 0, \sc + 44	/* eax */
	saved_at 1, \sc + 40	/* ecx */
	saved_at 2, \sc + 36	/* edx */
	saved_at 3, \sc + 32	/* ebx */
	saved_at 5, \sc + 24	/* ebp */
	saved_at 6, \sc + 20	/* esi */
	saved_at 7, \sc + 16	/* edi */
	saved_at 8, \sc + 56	/* eip */
	saved_at 9, \sc + 64	/* eflags */
	.endm

	.globl	__kernel_sigreturn
	.type	__kernel_sigreturn, @function
	.p2align 5
	.cfi_startproc simple
	sigcontext_cfi 4
	nop			/* unwinders look up the return address - 1 */
__kernel_sigreturn:
	popl	%eax		/* sig */
	movl	$119, %eax	/* __NR_sigreturn */
	int	$0x80
	.cfi_endproc
	.size	__kernel_sigreturn, . - __kernel_sigreturn

	.globl	__kernel_rt_sigreturn
	.type	__kernel_rt_sigreturn, @function
	.p2align 5
	.cfi_startproc simple
	sigcontext_cfi (4 + 4 + 4 + 128 + 20)
	nop
__kernel_rt_sigreturn:
	movl	$173, %eax	/* __NR_rt_sigreturn */
	int	$0x80
	.cfi_endproc
	.size	__kernel_rt_sigreturn, . - __kernel_rt_sigreturn

	/* Our stack need not be executable: say so, or ld warns. */
	.section .note.GNU-stack, "", @progbits

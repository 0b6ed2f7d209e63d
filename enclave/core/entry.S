/* SPDX-License-Identifier: MIT */
/*
 * Entering and leaving the enclave (docs/execution.md).
 *
 * EENTER lands at encl_entry with RAX = CSSA, RBX = TCS, RCX = the address
 * after the host's ENCLU, FS/GS bases = the thread-data page (TCS.OFSBASE,
 * OGSBASE) and the host's RSP/RBP. Nothing else in the registers or flags
 * is ours: the entry decides what this entry means from the thread's own
 * state, moves to a trusted stack and loads a clean FPU state before
 * running C.
 *
 * Every exit goes through encl_exit: it scrubs the registers and the FPU,
 * puts back the host's RSP/RBP and EEXITs to the saved return address with
 * RDI = reason, RSI/RDX = values.
 */
#include "enclave/core/thread.h"

/* abi/boundary.h (checked against it in tls.c) */
#define ENCL_OP_START		1
#define ENCL_OP_ORET		2
#define ENCL_OP_CLONE		3
#define ENCL_EXIT_OCALL		1
#define ENCL_EXIT_FATAL		5
#define ENCL_FATAL_ENTRY	1
#define ENCL_FATAL_PARAMS	2
#define ENCL_FATAL_TCS		5
#define ENCL_PARAMS_MAGIC	0x314d5250434e45	/* params.h */

#define SGX_EEXIT		4
#define ENCLU			.byte 0x0f, 0x01, 0xd7

	/* Linker-defined and runtime symbols, all inside this image. */
	.hidden	__ehdr_start
	.hidden	_end
	.hidden	encl_fs_volatile
	.hidden	encl_tcs_added
	.hidden	encl_tcs_added_count

/* What a fresh start needs at least below the exception stack. */
#define MIN_PROGRAM_STACK	(16 * 1024)

/*
 * The trampoline's way back: every register and RFLAGS as the program had
 * them (RAX the result), RSP at the return-address slot.
 */
.macro restore_program
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%r11
	pop	%r10
	pop	%r9
	pop	%r8
	pop	%rdi
	pop	%rsi
	pop	%rbp
	pop	%rbx
	pop	%rdx
	pop	%rcx
	pop	%rax
	popfq
	lea	8(%rsp), %rsp			/* the thread-data slot; LEA keeps the flags */
.endm

/*
 * Zero this thread's stack [stack_low, stack_high) (R12 = thread data, RBX
 * = base), registers only: it was EADDed unmeasured, so the host chose its
 * contents. Refuses a stack too small for the exception handler and a
 * start. Clobbers RAX, RCX, RDI.
 */
.macro zero_stack
	mov	TD_INIT_STACK_LOW(%r12), %rdi
	mov	TD_INIT_STACK_HIGH(%r12), %rcx
	sub	%rdi, %rcx
	jbe	.Lrefuse
	cmp	$(ENCL_EXC_STACK_SIZE + MIN_PROGRAM_STACK), %rcx
	jb	.Lrefuse
	add	%rbx, %rdi
	xor	%eax, %eax
	shr	$3, %rcx
	rep stosq
	movq	$1, TD_STACK_READY(%r12)
.endm

/*
 * RSP := below the exception handler's part of this thread's stack, with
 * a clean RFLAGS (AC and the rest were the host's) and no frame pointer.
 */
.macro runtime_stack
	mov	TD_INIT_STACK_HIGH(%r12), %rsp
	add	%rbx, %rsp
	sub	$ENCL_EXC_STACK_SIZE, %rsp
	and	$-16, %rsp
	xor	%ebp, %ebp
	pushq	$0
	popfq
.endm

	.text

/*
 * encl_entry: TCS.OENTRY.
 *
 * The thread data is found from RBX, the TCS the CPU entered (it checked
 * that it is a TCS of this enclave), and the measured layout: the
 * parameter page one guard page after the image, and the thread block's
 * td_in_block - tcs_in_block. FS is not used: it points at the thread data
 * too, but a simulator on a kernel that does not support FSGSBASE cannot
 * promise that it stays there (abi.h, ENCL_START_FS_VOLATILE).
 */
	.globl	encl_entry
	.type	encl_entry, @function
encl_entry:
	/* DF is the host's: string instructions below and C need it clear. */
	cld
	mov	%rax, %r8			/* CSSA */
	mov	%rdx, %r14			/* CLONE: the ocall area's size (DIV takes RDX) */
	lea	__ehdr_start(%rip), %r9		/* enclave base: the ELF header is at offset 0 */
	lea	_end(%rip), %r10
	add	$4095, %r10
	and	$-4096, %r10
	add	$4096, %r10			/* the parameter page */
	movabs	$ENCL_PARAMS_MAGIC, %rax
	cmp	%rax, P_MAGIC(%r10)
	jne	.Lrefuse_early
	/*
	 * Only the runtime's TCSs run: a measured one, where RBX - base is
	 * thread_offset + index * thread_stride + tcs_in_block with index <
	 * tcs_count, or one the runtime added (threads.c), which it recorded
	 * in encl_tcs_added before accepting it. A TCS page made any other
	 * way has ordinary memory where its thread data would be, maybe not
	 * even committed: refuse before reading it.
	 */
	mov	%rbx, %rax
	sub	%r9, %rax
	sub	P_THREAD_OFFSET(%r10), %rax
	jb	.Ladded
	sub	P_TCS_IN_BLOCK(%r10), %rax
	jb	.Ladded
	mov	P_THREAD_STRIDE(%r10), %r11
	test	%r11, %r11
	jz	.Lrefuse_tcs
	xor	%edx, %edx
	div	%r11				/* rax = index, rdx = offset in the block */
	test	%rdx, %rdx
	jnz	.Ladded
	mov	P_TCS_COUNT(%r10), %edx
	cmp	%rdx, %rax
	jae	.Ladded
.Lthread_data:
	mov	P_TD_IN_BLOCK(%r10), %r12
	sub	P_TCS_IN_BLOCK(%r10), %r12
	add	%rbx, %r12			/* r12 = thread data, kept across the C calls */
	mov	TD_INIT_TCS(%r12), %rax		/* whose measured head names this TCS */
	add	%r9, %rax
	cmp	%rax, %rbx
	jne	.Lrefuse_early

	mov	%rsp, TD_HOST_RSP(%r12)
	mov	%rbp, TD_HOST_RBP(%r12)
	mov	%rcx, TD_HOST_RET(%r12)
	mov	%r9, TD_BASE(%r12)
	mov	%r12, TD_SELF(%r12)
	mov	%r9, %rbx			/* rbx = base from here on */
	/*
	 * The host chose the x87 control word and MXCSR (masked exceptions,
	 * rounding), and may have left anything in the other components:
	 * start from the architectural initial state instead.
	 */
	mov	encl_xfrm(%rip), %eax
	mov	encl_xfrm+4(%rip), %edx
	xrstor	encl_fpu_init(%rip)

	test	%r8, %r8
	jnz	.Lexception
	cmpq	$TD_STATE_OCALL, TD_STATE(%r12)
	je	.Loret
	cmpq	$TD_STATE_NEW, TD_STATE(%r12)
	je	.Lstart
	cmpq	$TD_STATE_CLONE, TD_STATE(%r12)
	je	.Lclone
	jmp	.Lrefuse

/* An added TCS: its linear address is in the table (count read once, acquire on x86). */
.Ladded:
	mov	encl_tcs_added_count(%rip), %eax
	lea	encl_tcs_added(%rip), %r11
1:	test	%eax, %eax
	jz	.Lrefuse_tcs
	dec	%eax
	cmp	(%r11,%rax,8), %rbx
	jne	1b
	jmp	.Lthread_data

/*
 * START: the first entry of this TCS. Its stack was EADDed unmeasured, so
 * it holds whatever the host put there: zero it (registers only, nothing
 * runs on it yet), then run the C start-up on it.
 */
.Lstart:
	cmp	$ENCL_OP_START, %rdi
	jne	.Lrefuse
	movq	$TD_STATE_RUNNING, TD_STATE(%r12)
	mov	%rsi, %r13			/* struct encl_start * (host memory) */
	zero_stack
	runtime_stack
	mov	%r12, %rdi
	mov	%r13, %rsi
	call	encl_start_main
	/* encl_start_main ends in exit_group; getting here is a bug. */
	jmp	.Lrefuse

/*
 * CLONE: threads.c recorded a new thread's start state in this thread
 * data; RSI/R14 are the host thread's ocall area. The runtime's part of
 * the start runs on the top of this TCS's own stack (zeroed first if it
 * is a measured one never used), then encl_clone_main loads the program's
 * context through the exception handler and ERESUME.
 */
.Lclone:
	cmp	$ENCL_OP_CLONE, %rdi
	jne	.Lrefuse
	movq	$TD_STATE_RUNNING, TD_STATE(%r12)
	mov	%rsi, %r13
	cmpq	$0, TD_STACK_READY(%r12)
	jne	1f
	zero_stack
1:	runtime_stack
	mov	%r12, %rdi
	mov	%r13, %rsi
	mov	%r14, %rdx
	call	encl_clone_main
	jmp	.Lrefuse

/*
 * ORET: the host has served the ocall this thread is waiting in. Back to
 * the stack encl_ocall_switch left, with the program's thread pointer.
 */
.Loret:
	cmp	$ENCL_OP_ORET, %rdi
	jne	.Lrefuse
	movq	$TD_STATE_RUNNING, TD_STATE(%r12)
	mov	TD_ENCL_RSP(%r12), %rsp
	mov	TD_TP(%r12), %rax
	test	%rax, %rax
	jz	1f
	wrfsbase %rax
	/* Where WRFSBASE may not persist, resume the program through ERESUME. */
	cmpb	$0, encl_fs_volatile(%rip)
	je	1f
	movq	$1, TD_FS_DIRTY(%r12)
1:	pushq	$0
	popfq
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	ret

/*
 * CSSA = 1: an AEX interrupted the program and the host asks us to look at
 * it. The handler runs on the top of this thread's stack, which the program
 * never uses.
 */
.Lexception:
	cmp	$1, %r8
	jne	.Lrefuse
	/*
	 * Any state but NEW: an interrupt can land in the runtime's own way
	 * into or out of an ocall, a start or an end, where the state says
	 * OCALL, CLONE, IDLE or DEAD; encl_exception only resumes those.
	 * NEW has never run: its stack was never zeroed.
	 */
	cmpq	$TD_STATE_NEW, TD_STATE(%r12)
	je	.Lrefuse
	mov	TD_INIT_STACK_HIGH(%r12), %rsp
	add	%rbx, %rsp
	and	$-16, %rsp
	xor	%ebp, %ebp
	pushq	$0
	popfq
	/* The host's RDI/RSI: ENCL_OP_SIGNAL and the signals, or 0 for an exception (checked in C). */
	mov	%rsi, %rdx
	mov	%rdi, %rsi
	mov	%r12, %rdi
	call	encl_exception			/* rax = exit reason, rdx = value */
	mov	%rax, %rdi
	mov	%rdx, %rsi
	xor	%edx, %edx
	mov	%r12, %rcx
	jmp	encl_exit

/*
 * An EENTER that fits nothing: refuse it without touching a stack (the
 * thread's may be live, or never zeroed). The thread stays dead.
 */
.Lrefuse:
	movq	$TD_STATE_DEAD, TD_STATE(%r12)
	mov	$ENCL_EXIT_FATAL, %edi
	xor	%esi, %esi
	mov	$ENCL_FATAL_ENTRY, %edx
	mov	%r12, %rcx
	jmp	.Lexit_nostack

/*
 * Not even the thread data could be found (a layout that does not match
 * this image, or a TCS that is not a measured thread's): nothing has been
 * changed yet, RSP/RBP are still the host's.
 */
.Lrefuse_tcs:
	mov	$ENCL_FATAL_TCS, %edx
	jmp	1f
.Lrefuse_early:
	mov	$ENCL_FATAL_PARAMS, %edx
1:	mov	%rcx, %rbx
	mov	$ENCL_EXIT_FATAL, %edi
	xor	%esi, %esi
	xor	%ecx, %ecx
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	mov	$SGX_EEXIT, %eax
	ENCLU
	ud2
	.size	encl_entry, . - encl_entry

/*
 * void encl_exit(reason, value, value2, struct encl_thread *td): the one way
 * out. RDI/RSI/RDX go to the host; every other register is cleared.
 */
	.globl	encl_exit
	.type	encl_exit, @function
encl_exit:
	pushq	$0
	popfq
.Lexit_nostack:
	mov	TD_HOST_RET(%rcx), %rbx
	mov	TD_HOST_RSP(%rcx), %r8
	mov	TD_HOST_RBP(%rcx), %r9
	/*
	 * Scrub every XFRM component (x87, SSE, and AVX or AVX-512 where
	 * signed): XRSTOR from an image whose XSTATE_BV is 0 is the init state.
	 */
	mov	%rdx, %r10
	mov	encl_xfrm(%rip), %eax
	mov	encl_xfrm+4(%rip), %edx
	xrstor	encl_fpu_init(%rip)
	mov	%r10, %rdx
	xor	%ecx, %ecx
	xor	%r10d, %r10d
	xor	%r11d, %r11d
	xor	%r12d, %r12d
	xor	%r13d, %r13d
	xor	%r14d, %r14d
	xor	%r15d, %r15d
	mov	%r8, %rsp
	mov	%r9, %rbp
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	mov	$SGX_EEXIT, %eax
	ENCLU
	ud2
	.size	encl_exit, . - encl_exit

/*
 * void encl_ocall_switch(struct encl_thread *td, uint64_t area): EEXIT with
 * ENCL_EXIT_OCALL, keeping the callee-saved registers on this stack; the
 * ORET entry above pops them and returns here.
 */
	.globl	encl_ocall_switch
	.type	encl_ocall_switch, @function
encl_ocall_switch:
	push	%rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, TD_ENCL_RSP(%rdi)
	movq	$TD_STATE_OCALL, TD_STATE(%rdi)
	mov	%rdi, %rcx
	mov	$ENCL_EXIT_OCALL, %edi
	xor	%edx, %edx
	jmp	encl_exit
	.size	encl_ocall_switch, . - encl_ocall_switch

/*
 * The syscall trampoline. The exception handler saw `syscall` at RIP and
 * made ERESUME come here instead: every register is the program's, RSP
 * points at two slots the handler wrote below the red zone,
 *	[rsp]     the thread data
 *	[rsp + 8] RIP after the syscall instruction
 * and the program's RSP is rsp + 16 + 128. Save everything (the XFRM
 * components of the extended state too: a system call keeps every vector
 * register), run the dispatcher with a clean FPU, put its result in RAX,
 * restore everything and return past the red zone, leaving it untouched.
 */
	.globl	encl_syscall_trampoline
	.hidden	encl_syscall_trampoline
	.type	encl_syscall_trampoline, @function
encl_syscall_trampoline:
	pushfq
	push	%rax
	push	%rcx
	push	%rdx
	push	%rbx
	push	%rbp
	push	%rsi
	push	%rdi
	push	%r8
	push	%r9
	push	%r10
	push	%r11
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	mov	%rsp, %rbx			/* struct encl_syscall_regs * */
	cld
	sub	$ENCL_XSAVE_MAX, %rsp
	and	$-64, %rsp
	/* XSAVE writes only the XSTATE_BV bits of RFBM; XRSTOR wants the rest of the header zero. */
	xor	%eax, %eax
	.irp	off, 512, 520, 528, 536, 544, 552, 560, 568
	mov	%rax, \off(%rsp)
	.endr
	mov	encl_xfrm(%rip), %eax
	mov	encl_xfrm+4(%rip), %edx
	xsave64	(%rsp)
	xrstor	encl_fpu_init(%rip)
	pushq	$0
	popfq
	mov	%rbx, %rdi
	call	encl_syscall
	mov	%rax, 14*8(%rbx)		/* regs->rax */
	mov	encl_xfrm(%rip), %eax
	mov	encl_xfrm+4(%rip), %edx
	xrstor64 (%rsp)
	mov	%rbx, %rsp
	mov	16*8(%rbx), %rax		/* regs->td */
	cmpq	$0, TD_FS_DIRTY(%rax)
	jne	.Lsync_exit
	restore_program
	ret	$128

/*
 * The thread pointer was set with WRFSBASE during this call (an ORET, or
 * arch_prctl) and may not persist: return through a #UD that the exception
 * handler resumes (RIP + 2, SSA.FSBASE = the recorded thread pointer), so
 * that ERESUME loads it.
 */
.Lsync_exit:
	movq	$0, TD_FS_DIRTY(%rax)
	restore_program
	.globl	encl_fs_sync_ret
	.hidden	encl_fs_sync_ret
encl_fs_sync_ret:
	ud2
	ret	$128
	.size	encl_syscall_trampoline, . - encl_syscall_trampoline

/*
 * void encl_fs_sync(void): make the recorded thread pointer the live FS
 * through the same #UD / ERESUME round trip.
 */
	.globl	encl_fs_sync
	.hidden	encl_fs_sync
	.type	encl_fs_sync, @function
encl_fs_sync:
	.globl	encl_fs_sync_insn
	.hidden	encl_fs_sync_insn
encl_fs_sync_insn:
	ud2
	ret
	.size	encl_fs_sync, . - encl_fs_sync

/* void encl_switch_stack(td, stack, fn): fn(td) on @stack, no way back. */
	.globl	encl_switch_stack
	.hidden	encl_switch_stack
	.type	encl_switch_stack, @function
encl_switch_stack:
	mov	%rsi, %rsp
	and	$-16, %rsp
	xor	%ebp, %ebp
	call	*%rdx
	ud2
	.size	encl_switch_stack, . - encl_switch_stack

/*
 * void encl_clone_jump(void): the #UD at which a new thread's runtime part
 * ends; the exception handler makes SSA[0] the program's context recorded
 * in the thread data, and ERESUME loads all of it at once (RSP, RIP, RFLAGS
 * and FS included).
 */
	.globl	encl_clone_jump
	.hidden	encl_clone_jump
	.type	encl_clone_jump, @function
encl_clone_jump:
	.globl	encl_clone_insn
	.hidden	encl_clone_insn
encl_clone_insn:
	ud2
	.size	encl_clone_jump, . - encl_clone_jump

/*
 * An XSAVE image in the init state for x87 and SSE (XSTATE_BV = 0) with
 * the default MXCSR, which XRSTOR loads whenever RFBM[1] is set.
 */
	.section .rodata
	.balign	64
	.type	encl_fpu_init, @object
encl_fpu_init:
	.word	0x037f				/* FCW (unused: x87 is initialized) */
	.fill	22, 1, 0
	.long	0x1f80				/* MXCSR */
	.long	0xffff				/* MXCSR_MASK (ignored by XRSTOR) */
	.fill	576 - 32, 1, 0
	.size	encl_fpu_init, . - encl_fpu_init

	.section .note.GNU-stack, "", @progbits

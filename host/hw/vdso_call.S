/* SPDX-License-Identifier: MIT */
/*
 * int hw_vdso_call(vdso_sgx_enter_enclave_t fn, unsigned long rdi,
 *                  unsigned long rsi, unsigned long rdx,
 *                  unsigned int function, struct sgx_enclave_run *run);
 *
 * Calls __vdso_sgx_enter_enclave(rdi, rsi, rdx, function, 0, 0, run) from C.
 * The vDSO keeps only RBX, RBP and RSP for its caller: R12-R15 reach the
 * enclave as they are and come back as the enclave leaves them, and so do
 * MXCSR and the x87 control word (uapi asm/sgx.h: "cannot be called from C
 * code without careful consideration"). This wrapper saves everything the
 * SysV ABI calls callee-saved, so the C caller may assume nothing changed.
 * The result is the vDSO's int, left in EAX: the upper half of RAX is not
 * part of it (-EINVAL is 0x00000000ffffffea there).
 */
	.text
	.globl	hw_vdso_call
	.type	hw_vdso_call, @function
hw_vdso_call:
	.cfi_startproc
	push	%rbp
	.cfi_adjust_cfa_offset 8
	.cfi_rel_offset %rbp, 0
	mov	%rsp, %rbp
	.cfi_def_cfa_register %rbp
	push	%rbx
	push	%r12
	push	%r13
	push	%r14
	push	%r15
	/* 16 bytes for MXCSR and the FPU control word; RSP is now 8 mod 16. */
	sub	$16, %rsp
	stmxcsr	(%rsp)
	fnstcw	4(%rsp)

	/* The 7th argument, run, goes on the stack: RSP is 16-aligned at the call. */
	push	%r9
	mov	%rdi, %rax		/* fn */
	mov	%rsi, %rdi		/* rdi */
	mov	%rdx, %rsi		/* rsi */
	mov	%rcx, %rdx		/* rdx */
	mov	%r8d, %ecx		/* function */
	xor	%r8d, %r8d
	xor	%r9d, %r9d
	call	*%rax
	add	$8, %rsp

	ldmxcsr	(%rsp)
	fldcw	4(%rsp)
	add	$16, %rsp
	pop	%r15
	pop	%r14
	pop	%r13
	pop	%r12
	pop	%rbx
	pop	%rbp
	.cfi_def_cfa %rsp, 8
	ret
	.cfi_endproc
	.size	hw_vdso_call, .-hw_vdso_call

	.section .note.GNU-stack, "", @progbits

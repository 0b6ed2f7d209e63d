# SPDX-License-Identifier: MIT
#
# encl's replacement of musl's src/thread/x86_64/syscall_cp.s (docs/libc.md):
# long __syscall_cp_asm(volatile int *cancel, long nr, long a1, ..., long a6),
# the system call of a cancellation point.
#
# musl's cancellation handler acts on a thread interrupted at a RIP in
# [__cp_begin, __cp_end): the call there has not started, or was
# interrupted and would start again. So the way into the runtime lies in
# that range: encl_syscall_enter (enclave/core/syscall_direct.S) takes
# RCX = where to resume, __cp_end, as `syscall` would set it, and the
# instruction before __cp_end is a real `syscall`: the trap path when
# ENCL_SYSCALL_TRAP=1 (encl_syscall_trap), and where a restarted call
# resumes (RIP - 2, as for any `syscall`), inside the range.

	.text
	.global	__cp_begin
	.hidden	__cp_begin
	.global	__cp_end
	.hidden	__cp_end
	.global	__cp_cancel
	.hidden	__cp_cancel
	.hidden	__cancel
	.hidden	encl_syscall_enter
	.hidden	encl_syscall_trap
	.global	__syscall_cp_asm
	.hidden	__syscall_cp_asm
	.type	__syscall_cp_asm, @function
__syscall_cp_asm:
__cp_begin:
	mov	(%rdi), %eax			# cancelled already?
	test	%eax, %eax
	jnz	__cp_cancel
	mov	%rdi, %r11
	mov	%rsi, %rax			# the number, then the arguments in the
	mov	%rdx, %rdi			# registers `syscall` takes them in
	mov	%rcx, %rsi
	mov	%r8, %rdx
	mov	%r9, %r10
	mov	8(%rsp), %r8
	mov	16(%rsp), %r9
	mov	%r11, 8(%rsp)
	cmpb	$0, encl_syscall_trap(%rip)
	jne	1f
	lea	__cp_end(%rip), %rcx
	jmp	encl_syscall_enter
1:	syscall
__cp_end:
	ret
__cp_cancel:
	jmp	__cancel
	.size	__syscall_cp_asm, . - __syscall_cp_asm
	.section .note.GNU-stack, "", @progbits

/* SPDX-License-Identifier: MIT */
/*
 * System calls as calls (docs/libc.md). encl's musl (musl/) calls
 * encl_syscall_direct where Debian's executes `syscall`, with the
 * instruction's contract: RAX the number, RDI RSI RDX R10 R8 R9 the
 * arguments, the result in RAX, RCX and R11 clobbered. No AEX, no exception
 * entry, no ERESUME: the same frame the exception handler and the
 * trampoline build for a trapped `syscall` is built here, and the trampoline
 * (entry.S) serves it, so signal delivery, restarts and sigreturn see no
 * difference.
 *
 * The frame's RIP is a point right after a real `syscall` instruction, so
 * that a restarted call (RIP - 2, sys_signal.c) goes through the trap
 * path once, with its registers as they were. The same `syscall` is the
 * whole path when encl_syscall_trap is set (ENCL_SYSCALL_TRAP=1 on the
 * host, struct encl_start): every call then traps, as with Debian's musl.
 */
#include "enclave/core/thread.h"

#define RED_ZONE	128

	.text

/*
 * long encl_syscall_direct(void): called, [RSP] the return address; the
 * way back is .Lreturn's `ret`.
 */
	.globl	encl_syscall_direct
	.hidden	encl_syscall_direct
	.type	encl_syscall_direct, @function
encl_syscall_direct:
	cmpb	$0, encl_syscall_trap(%rip)
	jne	.Ltrap
	lea	.Lreturn(%rip), %rcx
	/* fall through */

/*
 * encl_syscall_enter: jumped to with RCX = where the program resumes (as
 * `syscall` sets it) and RSP the program's, the registers as for
 * `syscall`. Lays out what the exception handler writes for a trapped
 * call (exception.c, redirect_syscall): the thread data, then RIP, then
 * a red zone's room, and the trampoline's `ret $128` comes back to RCX
 * with this RSP. (RFLAGS is whatever the caller's test of
 * encl_syscall_trap left: a call does not keep the flags.)
 */
	.globl	encl_syscall_enter
	.hidden	encl_syscall_enter
encl_syscall_enter:
	lea	-(RED_ZONE + 8)(%rsp), %rsp
	mov	%rcx, (%rsp)			/* the frame's RIP */
	pushq	%gs:TD_SELF			/* the thread data (runtime.h, encl_self) */
	jmp	encl_syscall_trampoline

.Ltrap:
	syscall
.Lreturn:
	ret
	.size	encl_syscall_direct, . - encl_syscall_direct

/* Set once at START, before the program runs (start.c): 1 = every call traps. */
	.bss
	.globl	encl_syscall_trap
	.hidden	encl_syscall_trap
	.type	encl_syscall_trap, @object
encl_syscall_trap:
	.byte	0
	.size	encl_syscall_trap, 1

	.section .note.GNU-stack, "", @progbits

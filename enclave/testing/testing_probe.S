/* SPDX-License-Identifier: MIT */
/*
 * The probes of the test interface (enclave/testing/testing.h): one 8-byte access
 * each, at a known instruction, with a known place to go instead when the
 * access faults. A fault hook that answers ENCL_FAULT_ABORT_PROBE for a
 * fault at *_insn has the exception handler resume at *_fixup, which
 * returns -1 (testing.c holds the table). Nothing else is touched, so the
 * call is safe to abandon at that point.
 */

	.text

/* int encl_probe_read(const volatile uint64_t *p, uint64_t *value) */
	.globl	encl_probe_read
	.type	encl_probe_read, @function
encl_probe_read:
	.globl	encl_probe_read_insn
	.hidden	encl_probe_read_insn
encl_probe_read_insn:
	mov	(%rdi), %rax
	mov	%rax, (%rsi)
	xor	%eax, %eax
	ret
	.globl	encl_probe_read_fixup
	.hidden	encl_probe_read_fixup
encl_probe_read_fixup:
	mov	$-1, %eax
	ret
	.size	encl_probe_read, . - encl_probe_read

/* int encl_probe_write(volatile uint64_t *p, uint64_t value) */
	.globl	encl_probe_write
	.type	encl_probe_write, @function
encl_probe_write:
	.globl	encl_probe_write_insn
	.hidden	encl_probe_write_insn
encl_probe_write_insn:
	mov	%rsi, (%rdi)
	xor	%eax, %eax
	ret
	.globl	encl_probe_write_fixup
	.hidden	encl_probe_write_fixup
encl_probe_write_fixup:
	mov	$-1, %eax
	ret
	.size	encl_probe_write, . - encl_probe_write

	.section .note.GNU-stack, "", @progbits

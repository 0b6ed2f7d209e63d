/* SPDX-License-Identifier: MIT */
/*
 * int encl_rdrand64(uint64_t *out): one RDRAND, 1 when the CPU delivered a
 * value (CF = 1), 0 when it had none ready. RDRAND is legal inside an
 * enclave; a CPU without it raises #UD here, and the exception handler
 * recognises encl_rdrand_insn to fail with a clear reason.
 */
	.text
	.globl	encl_rdrand64
	.type	encl_rdrand64, @function
encl_rdrand64:
	.globl	encl_rdrand_insn
	.hidden	encl_rdrand_insn
encl_rdrand_insn:
	rdrand	%rax
	jnc	1f
	mov	%rax, (%rdi)
	mov	$1, %eax
	ret
1:	xor	%eax, %eax
	ret
	.size	encl_rdrand64, . - encl_rdrand64

	.section .note.GNU-stack, "", @progbits

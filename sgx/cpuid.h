/* SPDX-License-Identifier: MIT */
/*
 * CPUID decoding for SGX (SDM Vol. 2A, CPUID; Vol. 3D 36.7.2 "Intel SGX
 * Resource Enumeration Leaves"). Decoding is pure: it takes register values
 * from a callback, so tests can feed canned values from any CPU. Only
 * sgx_cpuid_native() executes the instruction.
 *
 *   leaf 0            EAX max basic leaf; EBX-EDX-ECX vendor string
 *   leaf 7, sub 0     EBX[2] SGX, ECX[30] SGX_LC (flexible launch control)
 *   leaf 0x12, sub 0  EAX[0] SGX1, EAX[1] SGX2, EBX MISCSELECT supported
 *                     (bit 0 EXINFO), EDX[7:0]/[15:8] log2 max enclave size
 *                     outside/inside 64-bit mode
 *   leaf 0x12, sub 1  EAX|EBX<<32 ATTRIBUTES allowed, ECX|EDX<<32 XFRM allowed
 *   leaf 0x12, sub n  n >= 2: EPC sections; EAX[3:0] = 1 for a valid one,
 *                     base EAX[31:12]|EBX[19:0]<<32, size ECX[31:12]|EDX[19:0]<<32
 *
 * Leaf 0x12 is read only on a GenuineIntel CPU whose leaf 7 reports SGX: on
 * other CPUs it means something else or nothing.
 */
#ifndef ENCL_SGX_CPUID_H
#define ENCL_SGX_CPUID_H

#include <stdint.h>

struct sgx_cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

/* Fills @r with CPUID(@leaf, @subleaf). */
typedef void (*sgx_cpuid_fn)(uint32_t leaf, uint32_t subleaf,
			     struct sgx_cpuid_regs *r, void *ctx);

#define SGX_CPUID_LEAF		0x12
#define SGX_CPUID_EPC_FIRST	2
#define SGX_CPUID_EPC_MAX	64	/* subleaves scanned before giving up */

struct sgx_cpu_info {
	char vendor[13];		/* "GenuineIntel", "AuthenticAMD", ... */
	int intel;
	int sgx;			/* CPUID.7.0:EBX[2] */
	int flc;			/* CPUID.7.0:ECX[30], SGX_LC */
	int sgx1;			/* CPUID.12H.0:EAX[0] */
	int sgx2;			/* CPUID.12H.0:EAX[1] */
	int exinfo;			/* CPUID.12H.0:EBX[0], MISCSELECT.EXINFO */
	uint32_t miscselect;		/* CPUID.12H.0:EBX */
	unsigned max_size_log2_64;	/* CPUID.12H.0:EDX[15:8] */
	unsigned max_size_log2_32;	/* CPUID.12H.0:EDX[7:0] */
	uint64_t attributes;		/* CPUID.12H.1: ATTRIBUTES bits that may be set */
	uint64_t xfrm;			/* CPUID.12H.1: XFRM bits that may be set */
	unsigned epc_sections;
	uint64_t epc_size;		/* sum of the EPC sections, bytes */
};

/* Decode from @fn. Never reads leaf 0x12 unless the CPU is Intel with SGX. */
void sgx_cpuid_decode(struct sgx_cpu_info *ci, sgx_cpuid_fn fn, void *ctx);

/* The CPUID instruction itself; @ctx unused. */
void sgx_cpuid_native(uint32_t leaf, uint32_t subleaf, struct sgx_cpuid_regs *r, void *ctx);

/* Decode this CPU. */
void sgx_cpu_info_read(struct sgx_cpu_info *ci);

/*
 * XCR0 of this CPU (XGETBV 0): the XSAVE state the OS enabled, which
 * bounds every enclave's XFRM at EENTER. x87|SSE when the OS did not
 * enable XSAVE (CPUID.1:ECX[27] OSXSAVE clear), where XGETBV would be #UD.
 */
uint64_t sgx_xcr0_native(void);

/*
 * Why this CPU cannot run enclaves under the Linux driver, in one line
 * naming the CPU, or NULL when it can (SGX1 and FLC). The driver refuses to
 * load without FLC, so FLC is part of "can".
 */
const char *sgx_cpu_why_not(const struct sgx_cpu_info *ci, char *buf, unsigned len);

#endif

// SPDX-License-Identifier: MIT
/*
 * CPUID decoding for SGX; see cpuid.h for the bit map.
 */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#include "sgx/arch.h"
#include "sgx/cpuid.h"

#define CPUID7_EBX_SGX		(1U << 2)
#define CPUID7_ECX_SGX_LC	(1U << 30)
#define CPUID12_EAX_SGX1	(1U << 0)
#define CPUID12_EAX_SGX2	(1U << 1)
#define CPUID12_EPC_TYPE_MASK	0xfU
#define CPUID12_EPC_TYPE_INVALID 0
#define CPUID12_EPC_TYPE_SECTION 1
#define CPUID1_ECX_OSXSAVE	(1U << 27)

void sgx_cpuid_native(uint32_t leaf, uint32_t subleaf, struct sgx_cpuid_regs *r, void *ctx)
{
	(void)ctx;
	__cpuid_count(leaf, subleaf, r->eax, r->ebx, r->ecx, r->edx);
}

/* EAX[31:12] | EBX[19:0] << 32: the encoding of both EPC base and size. */
static uint64_t epc_field(uint32_t low, uint32_t high)
{
	return (uint64_t)(low & 0xfffff000U) | ((uint64_t)(high & 0xfffffU) << 32);
}

static void decode_leaf12(struct sgx_cpu_info *ci, sgx_cpuid_fn fn, void *ctx)
{
	struct sgx_cpuid_regs r;
	uint32_t sub;

	fn(SGX_CPUID_LEAF, 0, &r, ctx);
	ci->sgx1 = !!(r.eax & CPUID12_EAX_SGX1);
	ci->sgx2 = !!(r.eax & CPUID12_EAX_SGX2);
	ci->miscselect = r.ebx;
	ci->exinfo = !!(r.ebx & 1U);
	ci->max_size_log2_32 = r.edx & 0xff;
	ci->max_size_log2_64 = (r.edx >> 8) & 0xff;

	fn(SGX_CPUID_LEAF, 1, &r, ctx);
	ci->attributes = (uint64_t)r.eax | ((uint64_t)r.ebx << 32);
	ci->xfrm = (uint64_t)r.ecx | ((uint64_t)r.edx << 32);

	/* The first invalid subleaf ends the list (SDM: "all remaining are invalid"). */
	for (sub = SGX_CPUID_EPC_FIRST; sub < SGX_CPUID_EPC_FIRST + SGX_CPUID_EPC_MAX; sub++) {
		fn(SGX_CPUID_LEAF, sub, &r, ctx);
		if ((r.eax & CPUID12_EPC_TYPE_MASK) != CPUID12_EPC_TYPE_SECTION)
			break;
		ci->epc_sections++;
		ci->epc_size += epc_field(r.ecx, r.edx);
	}
}

void sgx_cpuid_decode(struct sgx_cpu_info *ci, sgx_cpuid_fn fn, void *ctx)
{
	struct sgx_cpuid_regs r;
	uint32_t max_leaf;

	memset(ci, 0, sizeof(*ci));
	fn(0, 0, &r, ctx);
	max_leaf = r.eax;
	/* The vendor string is EBX, EDX, ECX in that order. */
	memcpy(ci->vendor, &r.ebx, 4);
	memcpy(ci->vendor + 4, &r.edx, 4);
	memcpy(ci->vendor + 8, &r.ecx, 4);
	ci->vendor[12] = '\0';
	ci->intel = strcmp(ci->vendor, "GenuineIntel") == 0;

	if (max_leaf < 7)
		return;
	fn(7, 0, &r, ctx);
	/* Leaf 7 is architectural on every vendor; the SGX bits are Intel's. */
	ci->sgx = ci->intel && (r.ebx & CPUID7_EBX_SGX);
	ci->flc = ci->intel && (r.ecx & CPUID7_ECX_SGX_LC);

	if (!ci->sgx || max_leaf < SGX_CPUID_LEAF)
		return;
	decode_leaf12(ci, fn, ctx);
}

void sgx_cpu_info_read(struct sgx_cpu_info *ci)
{
	sgx_cpuid_decode(ci, sgx_cpuid_native, NULL);
}

uint64_t sgx_xcr0_native(void)
{
	struct sgx_cpuid_regs r;
	uint32_t lo, hi;

	sgx_cpuid_native(1, 0, &r, NULL);
	if (!(r.ecx & CPUID1_ECX_OSXSAVE))
		return SGX_XFRM_LEGACY;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return (uint64_t)hi << 32 | lo;
}

const char *sgx_cpu_why_not(const struct sgx_cpu_info *ci, char *buf, unsigned len)
{
	if (!ci->intel) {
		const char *who = !strcmp(ci->vendor, "AuthenticAMD") ? "an AMD processor" :
				  !strcmp(ci->vendor, "HygonGenuine") ? "a Hygon processor" :
				  "a processor";
		snprintf(buf, len, "the CPU is %s (%s), not Intel: it has no SGX", who,
			 ci->vendor[0] ? ci->vendor : "vendor unknown");
	} else if (!ci->sgx) {
		snprintf(buf, len, "the Intel CPU reports no SGX (CPUID.7:EBX[2] clear; "
			 "absent, or disabled in the BIOS)");
	} else if (!ci->sgx1) {
		snprintf(buf, len, "the Intel CPU reports SGX but not the SGX1 leaf functions "
			 "(CPUID.12H:EAX[0] clear)");
	} else if (!ci->flc) {
		snprintf(buf, len, "the Intel CPU has SGX but no flexible launch control "
			 "(SGX_LC), which the Linux driver requires");
	} else {
		return NULL;
	}
	return buf;
}

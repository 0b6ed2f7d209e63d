// SPDX-License-Identifier: MIT
/*
 * XSAVE state components and the SSA frame size; see xsave.h.
 */
#include <stdio.h>
#include <string.h>

#include "sgx/xsave.h"

/*
 * Offsets and sizes as every Intel CPU enumerates them in CPUID leaf 0xD
 * (tests/unit/test_xsave.c compares them with the CPU it runs on).
 */
static const struct sgx_xsave_component components[] = {
	{  0, "x87",               0,    0 },
	{  1, "SSE",               0,    0 },
	{  2, "AVX",               576,  256 },
	{  3, "MPX BNDREGS",       960,  64 },
	{  4, "MPX BNDCSR",        1024, 64 },
	{  5, "AVX-512 opmask",    1088, 64 },
	{  6, "AVX-512 ZMM_Hi256", 1152, 512 },
	{  7, "AVX-512 Hi16_ZMM",  1664, 1024 },
	{  9, "PKRU",              2688, 8 },
	{ 17, "AMX TILECFG",       2752, 64 },
	{ 18, "AMX TILEDATA",      2816, 8192 },
};

#define NCOMP	(sizeof(components) / sizeof(components[0]))

const struct sgx_xsave_component *sgx_xsave_components(size_t *n)
{
	*n = NCOMP;
	return components;
}

static uint64_t known_bits(void)
{
	uint64_t m = 0;
	size_t i;

	for (i = 0; i < NCOMP; i++)
		m |= 1ULL << components[i].bit;
	return m;
}

/* Components that XSETBV enables all together or not at all. */
static int all_or_none(uint64_t xfrm, uint64_t group)
{
	return (xfrm & group) == 0 || (xfrm & group) == group;
}

int sgx_xfrm_check(uint64_t xfrm, const char **why)
{
	if ((xfrm & SGX_XFRM_LEGACY) != SGX_XFRM_LEGACY)
		*why = "x87 and SSE (bits 0 and 1) must be set";
	else if (xfrm & ~known_bits())
		*why = "sets a bit that is not a user state component (supervisor or unknown)";
	else if (!all_or_none(xfrm, SGX_XFRM_AVX512))
		*why = "AVX-512 opmask, ZMM_Hi256 and Hi16_ZMM (bits 5-7) go together";
	else if ((xfrm & SGX_XFRM_AVX512) && !(xfrm & SGX_XFRM_AVX))
		*why = "AVX-512 (bits 5-7) needs AVX (bit 2)";
	else if (!all_or_none(xfrm, SGX_XFRM_MPX))
		*why = "MPX BNDREGS and BNDCSR (bits 3 and 4) go together";
	else if (!all_or_none(xfrm, SGX_XFRM_AMX))
		*why = "AMX TILECFG and TILEDATA (bits 17 and 18) go together";
	else
		return 0;
	return -1;
}

uint32_t sgx_xsave_size(uint64_t xfrm)
{
	uint32_t size = SGX_XSAVE_LEGACY_SIZE + SGX_XSAVE_HEADER_SIZE;
	size_t i;

	for (i = 0; i < NCOMP; i++)
		if ((xfrm >> components[i].bit & 1) &&
		    components[i].offset + components[i].size > size)
			size = components[i].offset + components[i].size;
	return size;
}

uint32_t sgx_ssa_misc_size(uint32_t miscselect)
{
	return miscselect & SGX_MISC_EXINFO ? SGX_SSA_EXINFO_SIZE : 0;
}

uint32_t sgx_ssa_frame_pages(uint64_t xfrm, uint32_t miscselect)
{
	uint32_t bytes = sgx_xsave_size(xfrm) + sgx_ssa_misc_size(miscselect) + SGX_SSA_GPR_SIZE;

	return (bytes + SGX_PAGE_SIZE - 1) / SGX_PAGE_SIZE;
}

const char *sgx_xfrm_names(uint64_t bits, char *buf, size_t len)
{
	size_t used = 0;
	unsigned bit;

	buf[0] = '\0';
	for (bit = 0; bit < 64; bit++) {
		const char *name = NULL;
		char other[16];
		size_t i;

		if (!(bits >> bit & 1))
			continue;
		for (i = 0; i < NCOMP; i++)
			if (components[i].bit == bit)
				name = components[i].name;
		if (!name) {
			snprintf(other, sizeof(other), "bit %u", bit);
			name = other;
		}
		if (used < len)
			used += snprintf(buf + used, len - used, "%s%s", used ? ", " : "", name);
	}
	return buf;
}

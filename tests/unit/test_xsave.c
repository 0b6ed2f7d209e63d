// SPDX-License-Identifier: MIT
/*
 * XSAVE areas, legal XFRMs and SSA frames (sgx/xsave.c), checked against
 * the SDM's sizes and against CPUID leaf 0xD of this CPU.
 */
#include <cpuid.h>
#include <string.h>

#include "sgx/cpuid.h"
#include "sgx/xsave.h"
#include "tests/harness.h"

#define AVX	(SGX_XFRM_LEGACY | SGX_XFRM_AVX)
#define AVX512	(AVX | SGX_XFRM_AVX512)

static void test_xsave_size(void)
{
	CHECK_EQ_INT(sgx_xsave_size(SGX_XFRM_LEGACY), 576);
	CHECK_EQ_INT(sgx_xsave_size(AVX), 832);
	CHECK_EQ_INT(sgx_xsave_size(AVX512), 2688);
	/* the end of the last component counts, not the sum */
	CHECK_EQ_INT(sgx_xsave_size(SGX_XFRM_LEGACY | SGX_XFRM_PKRU), 2696);
	CHECK_EQ_INT(sgx_xsave_size(SGX_XFRM_LEGACY | SGX_XFRM_AMX), 11008);
}

static void test_ssa_frame_pages(void)
{
	/* XSAVE area + EXINFO (16) + GPRSGX (184) */
	CHECK_EQ_INT(sgx_ssa_misc_size(0), 0);
	CHECK_EQ_INT(sgx_ssa_misc_size(SGX_MISC_EXINFO), 16);
	CHECK_EQ_INT(sgx_ssa_frame_pages(SGX_XFRM_LEGACY, 0), 1);
	CHECK_EQ_INT(sgx_ssa_frame_pages(SGX_XFRM_LEGACY, SGX_MISC_EXINFO), 1);
	CHECK_EQ_INT(sgx_ssa_frame_pages(AVX, SGX_MISC_EXINFO), 1);
	CHECK_EQ_INT(sgx_ssa_frame_pages(AVX512, SGX_MISC_EXINFO), 1);
	/* 11008 + 16 + 184 = 11208 bytes */
	CHECK_EQ_INT(sgx_ssa_frame_pages(AVX512 | SGX_XFRM_AMX, SGX_MISC_EXINFO), 3);
}

static void expect_illegal(uint64_t xfrm, const char *rule)
{
	const char *why = "";

	CHECK_EQ_INT(sgx_xfrm_check(xfrm, &why), -1);
	CHECK_STR_CONTAINS(why, rule);
}

static void test_xfrm_check(void)
{
	const char *why = NULL;

	CHECK_EQ_INT(sgx_xfrm_check(SGX_XFRM_LEGACY, &why), 0);
	CHECK_EQ_INT(sgx_xfrm_check(AVX, &why), 0);
	CHECK_EQ_INT(sgx_xfrm_check(AVX512, &why), 0);
	CHECK_EQ_INT(sgx_xfrm_check(AVX512 | SGX_XFRM_MPX | SGX_XFRM_PKRU | SGX_XFRM_AMX, &why), 0);
	expect_illegal(SGX_XFRM_X87, "x87 and SSE");
	expect_illegal(SGX_XFRM_LEGACY | (1ULL << 8), "not a user state component");	/* PT */
	expect_illegal(SGX_XFRM_LEGACY | (1ULL << 40), "not a user state component");
	expect_illegal(AVX | SGX_XFRM_OPMASK, "go together");
	expect_illegal(SGX_XFRM_LEGACY | SGX_XFRM_AVX512, "needs AVX");
	expect_illegal(SGX_XFRM_LEGACY | SGX_XFRM_BNDREGS, "MPX");
	expect_illegal(SGX_XFRM_LEGACY | SGX_XFRM_TILEDATA, "AMX");
}

static void test_names(void)
{
	char buf[160];

	CHECK(!strcmp(sgx_xfrm_names(SGX_XFRM_AVX512, buf, sizeof(buf)),
		      "AVX-512 opmask, AVX-512 ZMM_Hi256, AVX-512 Hi16_ZMM"));
	CHECK(!strcmp(sgx_xfrm_names(SGX_XFRM_AVX | (1ULL << 8), buf, sizeof(buf)), "AVX, bit 8"));
	sgx_xfrm_names(~0ULL, buf, 20);
	CHECK_EQ_INT(strlen(buf), 19);
}

static void test_cpuid_leaf_0xd(void)
{
	const struct sgx_xsave_component *c = NULL;
	uint64_t xcr0 = sgx_xcr0_native(), known = 0;
	struct sgx_cpu_info ci;
	unsigned a, b, cx, d;
	size_t n, i;

	sgx_cpu_info_read(&ci);
	if (!ci.intel) {
		SKIP("the offsets are Intel's; this CPU is not");
		return;
	}
	c = sgx_xsave_components(&n);
	for (i = 0; i < n; i++) {
		known |= 1ULL << c[i].bit;
		if (c[i].bit < 2 || !(xcr0 >> c[i].bit & 1))
			continue;
		__cpuid_count(0xd, c[i].bit, a, b, cx, d);
		if (a != c[i].size || b != c[i].offset)
			fprintf(stderr, "  component %u (%s): CPUID says size %u offset %u\n",
				c[i].bit, c[i].name, a, b);
		CHECK(a == c[i].size && b == c[i].offset);
	}
	/* EBX of sub-leaf 0: the area for what XCR0 enables now. */
	__cpuid_count(0xd, 0, a, b, cx, d);
	if (!(xcr0 & ~known))
		CHECK_EQ_INT(sgx_xsave_size(xcr0), b);
	(void)d;
}

int main(void)
{
	HARNESS_PLAN(5);
	RUN(test_xsave_size);
	RUN(test_ssa_frame_pages);
	RUN(test_xfrm_check);
	RUN(test_names);
	RUN(test_cpuid_leaf_0xd);
	HARNESS_EXIT();
}

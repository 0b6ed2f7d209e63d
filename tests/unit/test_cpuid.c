// SPDX-License-Identifier: MIT
/*
 * CPUID decoding for SGX with canned register values: an Intel CPU with
 * SGX2 and FLC and two EPC sections, an Intel SGX1 CPU without FLC, an
 * Intel CPU without SGX, and an AMD CPU (whose leaf 7 EBX bit 2 must not be
 * read as SGX). Leaf 0x12 must never be read unless the CPU is Intel with
 * SGX. Then this machine's CPU, decoded for real.
 */
#include <stdint.h>
#include <string.h>

#include "tests/harness.h"
#include "sgx/cpuid.h"

struct canned {
	const char *vendor;
	uint32_t max_leaf;
	uint32_t l7_ebx, l7_ecx;
	struct sgx_cpuid_regs l12[6];	/* subleaves 0-5 */
	int l12_reads;			/* how often leaf 0x12 was read */
};

static void vendor_regs(const char *v, struct sgx_cpuid_regs *r)
{
	memcpy(&r->ebx, v, 4);
	memcpy(&r->edx, v + 4, 4);
	memcpy(&r->ecx, v + 8, 4);
}

static void canned_cpuid(uint32_t leaf, uint32_t sub, struct sgx_cpuid_regs *r, void *ctx)
{
	struct canned *c = ctx;

	memset(r, 0, sizeof(*r));
	if (leaf == 0) {
		r->eax = c->max_leaf;
		vendor_regs(c->vendor, r);
	} else if (leaf == 7 && sub == 0) {
		r->ebx = c->l7_ebx;
		r->ecx = c->l7_ecx;
	} else if (leaf == 0x12) {
		c->l12_reads++;
		if (sub < 6)
			*r = c->l12[sub];
	}
}

static void test_intel_sgx2_flc(void)
{
	struct canned c = {
		.vendor = "GenuineIntel", .max_leaf = 0x1b,
		.l7_ebx = 1U << 2, .l7_ecx = 1U << 30,
		.l12 = {
			{ 0x3, 0x1, 0, 0x241f },		/* SGX1, SGX2; EXINFO; 2^31 / 2^36 */
			{ 0x36, 0x0, 0xe7, 0x0 },		/* ATTRIBUTES, XFRM allowed */
			{ 0x70200001, 0, 0x05f80001, 0 },	/* EPC section: 95.5 MiB */
			{ 0x00000001, 0x1, 0x00000001, 0x1 },	/* EPC section: 4 GiB */
			{ 0, 0, 0, 0 },				/* end */
			{ 0x00000001, 0, 0x10000001, 0 },	/* after the end: not counted */
		},
	};
	struct sgx_cpu_info ci;
	char why[160];

	sgx_cpuid_decode(&ci, canned_cpuid, &c);
	CHECK(!strcmp(ci.vendor, "GenuineIntel"));
	CHECK(ci.intel && ci.sgx && ci.flc && ci.sgx1 && ci.sgx2 && ci.exinfo);
	CHECK_EQ_INT(ci.miscselect, 1);
	CHECK_EQ_INT(ci.max_size_log2_32, 31);
	CHECK_EQ_INT(ci.max_size_log2_64, 36);
	CHECK_EQ_INT(ci.attributes, 0x36);
	CHECK_EQ_INT(ci.xfrm, 0xe7);
	CHECK_EQ_INT(ci.epc_sections, 2);
	CHECK_EQ_INT(ci.epc_size, 0x05f80000ULL + 0x100000000ULL);
	CHECK(sgx_cpu_why_not(&ci, why, sizeof(why)) == NULL);
}

static void test_intel_sgx1_only(void)
{
	struct canned c = {
		.vendor = "GenuineIntel", .max_leaf = 0x16,
		.l7_ebx = (1U << 2) | 0xffff0000U, .l7_ecx = 0,
		.l12 = { { 0x1, 0x0, 0, 0x241f }, { 0x36, 0, 0x1f, 0 },
			 { 0x80000001, 0, 0x05d80001, 0 } },
	};
	struct sgx_cpu_info ci;
	char why[160];

	sgx_cpuid_decode(&ci, canned_cpuid, &c);
	CHECK(ci.intel && ci.sgx && ci.sgx1);
	CHECK(!ci.sgx2 && !ci.flc && !ci.exinfo);
	CHECK_EQ_INT(ci.epc_sections, 1);
	CHECK_EQ_INT(ci.epc_size, 0x05d80000);
	/* The Linux driver needs FLC: that is what is missing. */
	CHECK(sgx_cpu_why_not(&ci, why, sizeof(why)) != NULL);
	CHECK_STR_CONTAINS(why, "launch control");

	c.l7_ecx = 1U << 30;
	sgx_cpuid_decode(&ci, canned_cpuid, &c);
	CHECK(ci.flc && ci.sgx1 && !ci.sgx2);
	CHECK(sgx_cpu_why_not(&ci, why, sizeof(why)) == NULL);
}

static void test_intel_no_sgx(void)
{
	struct canned c = {
		.vendor = "GenuineIntel", .max_leaf = 0x1f, .l7_ebx = ~(1U << 2),
		.l7_ecx = 1U << 30,
		.l12 = { { 0x3, 0x1, 0, 0x241f } },	/* must not be read */
	};
	struct sgx_cpu_info ci;
	char why[160];

	sgx_cpuid_decode(&ci, canned_cpuid, &c);
	CHECK(ci.intel && !ci.sgx && !ci.sgx1 && !ci.sgx2);
	CHECK_EQ_INT(c.l12_reads, 0);
	CHECK_EQ_INT(ci.epc_size, 0);
	CHECK(sgx_cpu_why_not(&ci, why, sizeof(why)) != NULL);
	CHECK_STR_CONTAINS(why, "no SGX");
	CHECK_STR_CONTAINS(why, "BIOS");

	/* SGX in leaf 7 but a maximum leaf below 0x12: nothing more to read. */
	c.l7_ebx = 1U << 2;
	c.max_leaf = 0x0d;
	c.l12_reads = 0;
	sgx_cpuid_decode(&ci, canned_cpuid, &c);
	CHECK(ci.sgx && !ci.sgx1);
	CHECK_EQ_INT(c.l12_reads, 0);
	CHECK(sgx_cpu_why_not(&ci, why, sizeof(why)) != NULL);
}

static void test_amd(void)
{
	struct canned c = {
		.vendor = "AuthenticAMD", .max_leaf = 0x12,
		.l7_ebx = 0xffffffffU, .l7_ecx = 0xffffffffU,	/* not SGX bits on AMD */
		.l12 = { { 0x3, 0x1, 0, 0x241f } },
	};
	struct sgx_cpu_info ci;
	char why[160];

	sgx_cpuid_decode(&ci, canned_cpuid, &c);
	CHECK(!strcmp(ci.vendor, "AuthenticAMD"));
	CHECK(!ci.intel && !ci.sgx && !ci.flc && !ci.sgx1 && !ci.sgx2 && !ci.exinfo);
	CHECK_EQ_INT(c.l12_reads, 0);
	CHECK(sgx_cpu_why_not(&ci, why, sizeof(why)) != NULL);
	CHECK_STR_CONTAINS(why, "AMD");
	CHECK_STR_CONTAINS(why, "no SGX");

	/* A CPU too old for leaf 7. */
	c.vendor = "GenuineIntel";
	c.max_leaf = 5;
	sgx_cpuid_decode(&ci, canned_cpuid, &c);
	CHECK(ci.intel && !ci.sgx);
	CHECK_EQ_INT(c.l12_reads, 0);
}

/* This machine: decodes without crashing, and consistently. */
static void test_this_cpu(void)
{
	struct sgx_cpu_info ci;
	char why[160];
	const char *r;

	sgx_cpu_info_read(&ci);
	CHECK_EQ_INT(strlen(ci.vendor), 12);
	r = sgx_cpu_why_not(&ci, why, sizeof(why));
	printf("  # this CPU: %s, SGX %d, SGX2 %d, FLC %d: %s\n", ci.vendor, ci.sgx, ci.sgx2,
	       ci.flc, r ? r : "can run enclaves");
	if (!ci.intel) {
		CHECK(!ci.sgx && !ci.sgx1 && r != NULL);
	}
	if (!ci.sgx)
		CHECK(!ci.sgx1 && !ci.sgx2 && !ci.epc_size);
}

int main(void)
{
	HARNESS_PLAN(5);
	RUN(test_intel_sgx2_flc);
	RUN(test_intel_sgx1_only);
	RUN(test_intel_no_sgx);
	RUN(test_amd);
	RUN(test_this_cpu);
	HARNESS_EXIT();
}

// SPDX-License-Identifier: MIT
/*
 * The XFRM choices (image/xfrm.c), through the configuration too, and what
 * a program's x86 feature note needs.
 */
#include <elf.h>
#include <string.h>

#include "image/config.h"
#include "image/xfrm.h"
#include "sgx/xsave.h"
#include "tests/harness.h"

static char err[512];

static void test_choices(void)
{
	struct encl_config c;
	uint64_t x = 0;

	CHECK(encl_xfrm_parse("--xfrm", "legacy", &x, err, sizeof(err)) == 0 && x == 0x3);
	CHECK(encl_xfrm_parse("--xfrm", "avx", &x, err, sizeof(err)) == 0 && x == 0x7);
	CHECK(encl_xfrm_parse("--xfrm", "avx512", &x, err, sizeof(err)) == 0 && x == 0xe7);
	CHECK(encl_xfrm_parse("--xfrm", "auto", &x, err, sizeof(err)) == 0 && x == ENCL_XFRM_AUTO);
	CHECK_EQ_INT(encl_xfrm_parse("--xfrm", "AVX", &x, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "--xfrm: invalid value 'AVX' (expected legacy, avx, avx512 or auto)");
	CHECK(!strcmp(encl_xfrm_name(0xe7), "avx512"));
	CHECK(encl_xfrm_name(0xf) == NULL);
	CHECK_EQ_INT(encl_xfrm_largest(0x3), 0x3);
	CHECK_EQ_INT(encl_xfrm_largest(0x7 | SGX_XFRM_OPMASK), 0x7);
	CHECK_EQ_INT(encl_xfrm_largest(0x2ff), 0xe7);
	CHECK_EQ_INT(encl_xfrm_largest(0x1), 0);
	CHECK(!strcmp(encl_xfrm_format(0xe7, (char[32]){ 0 }), "avx512 (0xe7)"));
	CHECK(!strcmp(encl_xfrm_format(SGX_XFRM_LEGACY | SGX_XFRM_PKRU, (char[32]){ 0 }), "0x203"));

	/* through the configuration: default, setter, and the final rules */
	encl_config_default(&c);
	CHECK_EQ_INT(c.xfrm, SGX_XFRM_LEGACY);
	CHECK(encl_config_set(&c, "xfrm", "avx", "--xfrm", err, sizeof(err)) == 0 && c.xfrm == 0x7);
	CHECK_EQ_INT(encl_config_finish(&c, err, sizeof(err)), 0);
	CHECK_EQ_INT(encl_config_set(&c, "xfrm", "sse4", "--xfrm", err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "'sse4'");
	CHECK(encl_config_set(&c, "xfrm", "auto", "--xfrm", err, sizeof(err)) == 0);
	CHECK_EQ_INT(encl_config_finish(&c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "auto");
	c.xfrm = SGX_XFRM_LEGACY | SGX_XFRM_HI16_ZMM;
	CHECK_EQ_INT(encl_config_finish(&c, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "XFRM 0x83 cannot be enabled");
}

/* An image whose note says @used and @isa. */
static struct encl_elf noted(uint32_t used, uint32_t isa)
{
	struct encl_elf e;

	memset(&e, 0, sizeof(e));
	e.x86_used_known = e.x86_isa_used_known = 1;
	e.x86_used = ENCL_X86_FEATURE_2_X86 | used;
	e.x86_isa_used = GNU_PROPERTY_X86_ISA_1_BASELINE | isa;
	return e;
}

static void test_program(void)
{
	struct encl_elf sse = noted(ENCL_X86_FEATURE_2_XMM, 0);
	struct encl_elf ymm = noted(ENCL_X86_FEATURE_2_XMM | ENCL_X86_FEATURE_2_YMM,
				    GNU_PROPERTY_X86_ISA_1_V3);
	/* vaddsd and friends: VEX on XMM registers, no YMM recorded */
	struct encl_elf vex = noted(ENCL_X86_FEATURE_2_XMM, GNU_PROPERTY_X86_ISA_1_V3);
	/* lzcnt alone: x86-64-v3 without vector registers */
	struct encl_elf bmi = noted(0, GNU_PROPERTY_X86_ISA_1_V3);
	struct encl_elf mask = noted(ENCL_X86_FEATURE_2_MASK, GNU_PROPERTY_X86_ISA_1_V4);
	struct encl_elf tmm = noted(ENCL_X86_FEATURE_2_TMM, 0);
	struct encl_elf none;
	uint64_t x;

	memset(&none, 0, sizeof(none));
	CHECK_EQ_INT(encl_xfrm_needed(&sse), 0x3);
	CHECK_EQ_INT(encl_xfrm_needed(&ymm), 0x7);
	CHECK_EQ_INT(encl_xfrm_needed(&vex), 0x7);
	CHECK_EQ_INT(encl_xfrm_needed(&bmi), 0x3);
	CHECK_EQ_INT(encl_xfrm_needed(&mask), 0xe7);
	CHECK_EQ_INT(encl_xfrm_needed(&tmm), SGX_XFRM_LEGACY | SGX_XFRM_AMX);

	CHECK_EQ_INT(encl_xfrm_check_program(&sse, 0x3, err, sizeof(err)), 0);
	CHECK_EQ_INT(encl_xfrm_check_program(&ymm, 0x7, err, sizeof(err)), 0);
	CHECK_EQ_INT(encl_xfrm_check_program(&ymm, 0x3, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "uses YMM registers (AVX), which XFRM legacy (0x3) does not enable");
	CHECK_STR_CONTAINS(err, "sign with --xfrm avx");
	CHECK_EQ_INT(encl_xfrm_check_program(&vex, 0x3, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "VEX-encoded instructions");
	CHECK_EQ_INT(encl_xfrm_check_program(&mask, 0x7, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "opmask registers (AVX-512), which XFRM avx (0x7)");
	CHECK_STR_CONTAINS(err, "--xfrm avx512");
	CHECK_EQ_INT(encl_xfrm_check_program(&tmm, 0xe7, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "AMX tile registers, which no --xfrm choice enables");
	/* no note: nothing to say */
	CHECK_EQ_INT(encl_xfrm_check_program(&none, 0x3, err, sizeof(err)), 0);

	CHECK(encl_xfrm_for_program(&sse, &x, err, sizeof(err)) == 0 && x == 0x3);
	CHECK(encl_xfrm_for_program(&vex, &x, err, sizeof(err)) == 0 && x == 0x7);
	CHECK(encl_xfrm_for_program(&mask, &x, err, sizeof(err)) == 0 && x == 0xe7);
	CHECK_EQ_INT(encl_xfrm_for_program(&tmm, &x, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "--xfrm auto: the program uses AMX tile registers");
	CHECK_EQ_INT(encl_xfrm_for_program(&none, &x, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "does not record the registers it uses");
}

int main(void)
{
	HARNESS_PLAN(2);
	RUN(test_choices);
	RUN(test_program);
	HARNESS_EXIT();
}

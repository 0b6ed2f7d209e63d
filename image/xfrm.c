// SPDX-License-Identifier: MIT
/*
 * The XFRM choices and the registers a program needs; see xfrm.h.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "image/xfrm.h"
#include "sgx/xsave.h"

static const struct {
	const char *name;
	uint64_t xfrm;
} levels[] = {
	{ "legacy", SGX_XFRM_LEGACY },
	{ "avx", SGX_XFRM_LEGACY | SGX_XFRM_AVX },
	{ "avx512", SGX_XFRM_LEGACY | SGX_XFRM_AVX | SGX_XFRM_AVX512 },
};

#define NLEVELS	(sizeof(levels) / sizeof(levels[0]))

/*
 * What the note shows and the state components it needs: a row applies
 * when the program uses every register of @feature and, if @isa is set,
 * code of that ISA level. The assembler records YMM only for instructions
 * that have 256-bit forms, not for VEX-encoded ones on XMM registers
 * (vmovd, vaddsd, vaesenc, ...), which #UD without AVX state as well: those
 * are seen through their ISA level.
 */
static const struct {
	uint32_t feature;	/* ENCL_X86_FEATURE_2_* */
	uint32_t isa;		/* GNU_PROPERTY_X86_ISA_1_*, or 0 */
	uint64_t xfrm;
	const char *what;
} uses[] = {
	{ ENCL_X86_FEATURE_2_YMM, 0, SGX_XFRM_AVX, "YMM registers (AVX)" },
	{ ENCL_X86_FEATURE_2_XMM, GNU_PROPERTY_X86_ISA_1_V3, SGX_XFRM_AVX,
	  "VEX-encoded instructions (x86-64-v3)" },
	{ ENCL_X86_FEATURE_2_ZMM, 0, SGX_XFRM_AVX | SGX_XFRM_AVX512, "ZMM registers (AVX-512)" },
	{ ENCL_X86_FEATURE_2_MASK, 0, SGX_XFRM_AVX | SGX_XFRM_AVX512, "opmask registers (AVX-512)" },
	{ 0, GNU_PROPERTY_X86_ISA_1_V4, SGX_XFRM_AVX | SGX_XFRM_AVX512,
	  "AVX-512 instructions (x86-64-v4)" },
	{ ENCL_X86_FEATURE_2_TMM, 0, SGX_XFRM_AMX, "AMX tile registers" },
};

#define NUSES	(sizeof(uses) / sizeof(uses[0]))

static int applies(size_t i, const struct encl_elf *elf)
{
	return (elf->x86_used & uses[i].feature) == uses[i].feature &&
	       (!uses[i].isa || (elf->x86_isa_used & uses[i].isa));
}

int encl_xfrm_parse(const char *name, const char *s, uint64_t *xfrm, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; s && i < NLEVELS; i++)
		if (!strcmp(s, levels[i].name)) {
			*xfrm = levels[i].xfrm;
			return 0;
		}
	if (s && !strcmp(s, "auto")) {
		*xfrm = ENCL_XFRM_AUTO;
		return 0;
	}
	snprintf(err, errlen, "%s: invalid value '%s' (expected legacy, avx, avx512 or auto)",
		 name, s ? s : "");
	return -1;
}

const char *encl_xfrm_name(uint64_t xfrm)
{
	size_t i;

	for (i = 0; i < NLEVELS; i++)
		if (levels[i].xfrm == xfrm)
			return levels[i].name;
	return NULL;
}

const char *encl_xfrm_format(uint64_t xfrm, char buf[32])
{
	const char *name = encl_xfrm_name(xfrm);

	if (name)
		snprintf(buf, 32, "%s (%#" PRIx64 ")", name, xfrm);
	else
		snprintf(buf, 32, "%#" PRIx64, xfrm);
	return buf;
}

uint64_t encl_xfrm_largest(uint64_t allowed)
{
	uint64_t best = 0;
	size_t i;

	for (i = 0; i < NLEVELS; i++)
		if (!(levels[i].xfrm & ~allowed))
			best = levels[i].xfrm;
	return best;
}

uint64_t encl_xfrm_needed(const struct encl_elf *elf)
{
	uint64_t need = SGX_XFRM_LEGACY;
	size_t i;

	for (i = 0; i < NUSES; i++)
		if (applies(i, elf))
			need |= uses[i].xfrm;
	return need;
}

/* The smallest named XFRM holding @need, or 0. */
static uint64_t smallest(uint64_t need)
{
	size_t i;

	for (i = 0; i < NLEVELS; i++)
		if (!(need & ~levels[i].xfrm))
			return levels[i].xfrm;
	return 0;
}

/*
 * "YMM registers (AVX) and ZMM registers (AVX-512)": what needs more than
 * @xfrm, one row per requirement that the rows before it do not cover.
 */
static const char *lacking(const struct encl_elf *elf, uint64_t xfrm, char *buf, size_t len)
{
	uint64_t named = xfrm;
	size_t i, used = 0;

	buf[0] = '\0';
	for (i = 0; i < NUSES; i++)
		if (applies(i, elf) && (uses[i].xfrm & ~named) && used < len) {
			used += snprintf(buf + used, len - used, "%s%s", used ? " and " : "",
					 uses[i].what);
			named |= uses[i].xfrm;
		}
	return buf;
}

/* Registers beyond every choice (AMX): -1 with a message. */
static int beyond_choices(const char *prefix, const struct encl_elf *elf, char *err, size_t errlen)
{
	char what[160];

	snprintf(err, errlen, "%sthe program uses %s, which no --xfrm choice enables (legacy, avx, avx512)",
		 prefix, lacking(elf, levels[NLEVELS - 1].xfrm, what, sizeof(what)));
	return -1;
}

int encl_xfrm_check_program(const struct encl_elf *elf, uint64_t xfrm, char *err, size_t errlen)
{
	uint64_t need = encl_xfrm_needed(elf), fix;
	char what[160], have[32];

	if (!elf->x86_used_known || !(need & ~xfrm))
		return 0;
	fix = smallest(need | xfrm);
	if (!fix)
		return beyond_choices("", elf, err, errlen);
	snprintf(err, errlen, "the program uses %s, which XFRM %s does not enable: on SGX hardware its first such instruction would fault (#UD); sign with --xfrm %s",
		 lacking(elf, xfrm, what, sizeof(what)), encl_xfrm_format(xfrm, have),
		 encl_xfrm_name(fix));
	return -1;
}

int encl_xfrm_for_program(const struct encl_elf *elf, uint64_t *xfrm, char *err, size_t errlen)
{
	if (!elf->x86_used_known) {
		snprintf(err, errlen, "--xfrm auto: the enclave image does not record the registers it uses (no GNU_PROPERTY_X86_FEATURE_2_USED note): build it with encl-cc, or give --xfrm legacy, avx or avx512");
		return -1;
	}
	*xfrm = smallest(encl_xfrm_needed(elf));
	return *xfrm ? 0 : beyond_choices("--xfrm auto: ", elf, err, errlen);
}

// SPDX-License-Identifier: MIT
/*
 * The .encl_meta section (image/meta.c) and the signing helpers that do
 * not need a key (image/sign.c): SIGSTRUCT fields and DATE.
 */
#include <stdlib.h>
#include <string.h>

#include "image/meta.h"
#include "image/sign.h"
#include "tests/harness.h"

static uint8_t sec[ENCL_META_SIZE];
static char err[256];

static void make_meta(void)
{
	struct encl_meta m;
	struct encl_config c;

	memset(&m, 0, sizeof(m));
	memcpy(m.magic, ENCL_META_MAGIC, sizeof(m.magic));
	m.version = ENCL_META_VERSION;
	m.length = sizeof(m);
	m.flags = ENCL_META_DEBUG;
	encl_config_default(&c);
	c.heap = 1ULL << 30;
	encl_meta_set_config(&m, &c);
	encl_meta_seal(&m);
	memset(sec, 0, sizeof(sec));
	memcpy(sec, &m, sizeof(m));
}

static void test_round_trip(void)
{
	struct encl_meta m;
	struct encl_config c;

	make_meta();
	CHECK_EQ_INT(encl_meta_read(sec, sizeof(sec), &m, err, sizeof(err)), 1);
	encl_meta_get_config(&m, &c);
	CHECK(c.heap == 1ULL << 30 && c.tcs == ENCL_DEFAULT_TCS && c.stack == ENCL_DEFAULT_STACK);
	CHECK(m.flags == ENCL_META_DEBUG);
}

static void test_unsigned(void)
{
	struct encl_meta m;

	memset(sec, 0, sizeof(sec));
	CHECK_EQ_INT(encl_meta_read(sec, sizeof(sec), &m, err, sizeof(err)), 0);
}

static void expect_bad(size_t len, const char *what)
{
	struct encl_meta m;

	err[0] = 0;
	CHECK_EQ_INT(encl_meta_read(sec, len, &m, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, what);
	make_meta();
}

static void test_corruption(void)
{
	size_t i;
	int caught = 1;

	make_meta();
	expect_bad(4096, "bytes");
	sec[0] ^= 1;
	expect_bad(sizeof(sec), "bad magic");
	sec[8] = 9;
	expect_bad(sizeof(sec), "version");
	sec[ENCL_META_SIZE - 1] = 1;		/* past the struct: must stay zero */
	expect_bad(sizeof(sec), "checksum");
	/* every byte of the struct after the header is covered by the checksum */
	for (i = 16; i < sizeof(struct encl_meta); i++) {
		struct encl_meta m;

		sec[i] ^= 0x40;
		caught &= encl_meta_read(sec, sizeof(sec), &m, err, sizeof(err)) == -1;
		sec[i] ^= 0x40;
	}
	CHECK(caught);
}

static void test_fields(void)
{
	struct sgx_sigstruct_fields f;
	uint8_t mr[SGX_HASH_SIZE] = { 1, 2, 3 };

	encl_sigstruct_fields(ENCL_MODE_SGX1, 1, SGX_XFRM_LEGACY, 7, 3, 0x20240517, mr, &f);
	CHECK(f.attributes.flags == (SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG));
	CHECK(f.attributes.xfrm == 3 && f.attributemask.xfrm == ~0ULL);
	CHECK(f.attributemask.flags == ~0ULL);
	CHECK(f.miscselect == 0 && f.miscmask == 0 && f.vendor == 0);
	CHECK(f.isvprodid == 7 && f.isvsvn == 3 && f.date == 0x20240517);
	CHECK(!memcmp(f.enclavehash, mr, sizeof(mr)));
	encl_sigstruct_fields(ENCL_MODE_EDMM, 0, 0xe7, 0, 0, 0, mr, &f);
	CHECK(f.attributes.flags == SGX_ATTR_MODE64BIT);
	CHECK(f.attributes.xfrm == 0xe7 && f.attributemask.xfrm == ~0ULL);
	CHECK(f.miscselect == SGX_MISC_EXINFO && f.miscmask == SGX_MISC_EXINFO);
}

static void test_date(void)
{
	uint32_t d = 0;

	setenv("SOURCE_DATE_EPOCH", "1715904000", 1);	/* 2024-05-17 00:00 UTC */
	CHECK(encl_sign_date(&d, err, sizeof(err)) == 0);
	CHECK_EQ_INT(d, 0x20240517);
	setenv("SOURCE_DATE_EPOCH", "0", 1);
	CHECK(encl_sign_date(&d, err, sizeof(err)) == 0);
	CHECK_EQ_INT(d, 0x19700101);
	setenv("SOURCE_DATE_EPOCH", "yesterday", 1);
	CHECK(encl_sign_date(&d, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "SOURCE_DATE_EPOCH");
	unsetenv("SOURCE_DATE_EPOCH");
	CHECK(encl_sign_date(&d, err, sizeof(err)) == 0);
	CHECK(d >> 16 >= 0x2024);
}

int main(void)
{
	HARNESS_PLAN(5);
	RUN(test_round_trip);
	RUN(test_unsigned);
	RUN(test_corruption);
	RUN(test_fields);
	RUN(test_date);
	HARNESS_EXIT();
}

// SPDX-License-Identifier: MIT
/*
 * The MRENCLAVE builder: vectors a, b and c built from their description in
 * vectors/README.md (not from the layout files, which test_dump reads), and
 * every EADD/EEXTEND/ECREATE rule the CPU enforces.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/testutil.h"
#include "sgx/measure.h"
#include "sgx/sigstruct.h"

#define REG_RW	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)
#define REG_RX	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X)
#define REG_R	(SGX_SECINFO_REG | SGX_SECINFO_R)

static uint8_t tcs_page[4096] __attribute__((aligned(4096)));
static uint8_t zero_page[4096], cc_page[4096];

static void pages_init(void)
{
	struct sgx_tcs *tcs = (struct sgx_tcs *)tcs_page;

	memset(tcs_page, 0, sizeof(tcs_page));
	tcs->ossa = 0x3000;
	tcs->nssa = 1;
	tcs->oentry = 0x2000;
	tcs->fslimit = 0xfff;
	tcs->gslimit = 0xfff;
	memset(cc_page, 0xcc, sizeof(cc_page));
}

/* A new builder after a successful ECREATE with @size. */
static struct sgx_measure *created(uint64_t size)
{
	struct sgx_measure *m = sgx_measure_new();

	CHECK(m != NULL);
	CHECK_EQ_INT(sgx_measure_ecreate(m, 1, size), 0);
	return m;
}

/* Vector a's three measured pages into @m, after ECREATE with @size. */
static struct sgx_measure *three_pages(uint64_t size)
{
	struct sgx_measure *m = created(size);

	CHECK_EQ_INT(sgx_measure_add_page(m, 0x0, SGX_SECINFO_TCS, tcs_page, 1), 0);
	CHECK_EQ_INT(sgx_measure_add_page(m, 0x1000, REG_RW, zero_page, 1), 0);
	CHECK_EQ_INT(sgx_measure_add_page(m, 0x2000, REG_RX, cc_page, 1), 0);
	return m;
}

static void check_hash(struct sgx_measure *m, const char *vector)
{
	uint8_t h[SGX_HASH_SIZE];
	char got[65], want[65];

	CHECK_EQ_INT(sgx_measure_finalize(m, h), 0);
	sgx_hex(h, sizeof(h), got);
	CHECK_EQ_INT(testutil_vector_mrenclave(vector, want), 0);
	if (strcmp(got, want)) {
		fprintf(stderr, "  vector %s: got %s\n  expected %s\n", vector, got, want);
		harness_failed = 1;
	}
	sgx_measure_free(m);
}

static void test_vector_a(void)
{
	check_hash(three_pages(0x10000), "a");
}

static void test_vector_b_unmeasured_run(void)
{
	struct sgx_measure *m = three_pages(0x20000);

	CHECK_EQ_INT(sgx_measure_add_unmeasured(m, 0x3000, 16, REG_RW), 0);
	check_hash(m, "b");
}

/* The fast path must hash exactly what 16 single EADDs hash. */
static void test_vector_b_single_eadds(void)
{
	struct sgx_measure *m = three_pages(0x20000);
	uint64_t off;

	for (off = 0x3000; off < 0x13000; off += 0x1000)
		CHECK_EQ_INT(sgx_measure_eadd(m, off, REG_RW), 0);
	check_hash(m, "b");
}

static void test_vector_c(void)
{
	check_hash(three_pages(0x20000), "c");
}

/* EADD then EEXTEND by hand, and a NULL page for zeros, equal add_page. */
static void test_vector_a_by_hand(void)
{
	struct sgx_measure *m = created(0x10000);
	int i;

	CHECK_EQ_INT(sgx_measure_eadd(m, 0x0, SGX_SECINFO_TCS), 0);
	for (i = 0; i < 16; i++)
		CHECK_EQ_INT(sgx_measure_eextend(m, i * 256, tcs_page + i * 256), 0);
	CHECK_EQ_INT(sgx_measure_add_page(m, 0x1000, REG_RW, NULL, 1), 0);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x2000, REG_RX), 0);
	for (i = 0; i < 16; i++)
		CHECK_EQ_INT(sgx_measure_eextend(m, 0x2000 + i * 256, cc_page + i * 256), 0);
	check_hash(m, "a");
}

/* Runs a builder into an error and checks the message names the problem. */
static void expect_eadd_error(uint64_t size, uint64_t offset, uint64_t flags, const char *msg)
{
	struct sgx_measure *m = created(size);

	CHECK_EQ_INT(sgx_measure_eadd(m, offset, flags), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), msg);
	sgx_measure_free(m);
}

static void test_tcs_with_rwx(void)
{
	expect_eadd_error(0x10000, 0, SGX_SECINFO_TCS | SGX_SECINFO_R, "TCS");
	expect_eadd_error(0x10000, 0, SGX_SECINFO_TCS | SGX_SECINFO_PERM_MASK, "R, W and X clear");
	expect_eadd_error(0x10000, 0, SGX_SECINFO_TCS | SGX_SECINFO_X, "TCS");
}

static void test_pending_modified_pr(void)
{
	expect_eadd_error(0x10000, 0, REG_RW | SGX_SECINFO_PENDING, "PENDING");
	expect_eadd_error(0x10000, 0, REG_RW | SGX_SECINFO_MODIFIED, "MODIFIED");
	expect_eadd_error(0x10000, 0, REG_RW | SGX_SECINFO_PR, "PR");
}

static void test_w_without_r(void)
{
	expect_eadd_error(0x10000, 0, SGX_SECINFO_REG | SGX_SECINFO_W, "W without R");
	expect_eadd_error(0x10000, 0, SGX_SECINFO_REG | SGX_SECINFO_W | SGX_SECINFO_X,
			  "W without R");
}

static void test_page_types(void)
{
	expect_eadd_error(0x10000, 0, SGX_SECINFO_TRIM, "PT_TRIM");
	expect_eadd_error(0x10000, 0, SGX_PT_SECS << SGX_SECINFO_PT_SHIFT | SGX_SECINFO_R, "PT_SECS");
	expect_eadd_error(0x10000, 0, (uint64_t)SGX_PT_VA << SGX_SECINFO_PT_SHIFT, "PT_REG and PT_TCS");
	expect_eadd_error(0x10000, 0, (uint64_t)SGX_PT_SS_FIRST << SGX_SECINFO_PT_SHIFT | REG_R,
			  "PT_REG and PT_TCS");
}

static void test_reserved_bits(void)
{
	expect_eadd_error(0x10000, 0, REG_RW | 0x40, "reserved");
	expect_eadd_error(0x10000, 0, REG_RW | 0x80, "reserved");
	expect_eadd_error(0x10000, 0, REG_RW | 0x10000, "reserved");
	expect_eadd_error(0x10000, 0, REG_RW | (1ULL << 63), "reserved");
}

static void test_offsets(void)
{
	struct sgx_measure *m;

	expect_eadd_error(0x10000, 0x800, REG_RW, "not page aligned");
	expect_eadd_error(0x10000, 0x10000, REG_RW, "outside ELRANGE");
	expect_eadd_error(0x10000, ~0ULL & ~0xfffULL, REG_RW, "outside ELRANGE");

	/* A run that starts inside and ends outside, or wraps around. */
	m = created(0x10000);
	CHECK_EQ_INT(sgx_measure_add_unmeasured(m, 0xf000, 2, REG_RW), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "outside ELRANGE");
	sgx_measure_free(m);
	m = created(0x10000);
	CHECK_EQ_INT(sgx_measure_add_unmeasured(m, 0x1000, 1ULL << 52, REG_RW), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "outside ELRANGE");
	sgx_measure_free(m);
}

static void test_page_added_twice(void)
{
	struct sgx_measure *m = created(0x100000);

	CHECK_EQ_INT(sgx_measure_eadd(m, 0x1000, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x1000, REG_RW), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "0x1000: page already added");
	sgx_measure_free(m);

	/* Out of order adds, gaps filled, then a run overlapping one page. */
	m = created(0x100000);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x8000, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x2000, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x4000, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x3000, REG_RW), 0);	/* joins 2 and 4 */
	CHECK_EQ_INT(sgx_measure_add_unmeasured(m, 0x5000, 3, REG_RW), 0); /* joins 8 */
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x0, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_add_unmeasured(m, 0x9000, 4, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_add_unmeasured(m, 0xc000, 2, REG_RW), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "already added");
	sgx_measure_free(m);

	m = created(0x100000);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x8000, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_add_unmeasured(m, 0x1000, 16, REG_RW), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "already added");
	sgx_measure_free(m);
}

/* Many pages in a scrambled order: every re-add is caught, nothing else is. */
static void test_scrambled_order(void)
{
	const uint64_t n = 4096;
	struct sgx_measure *m = created(n * SGX_PAGE_SIZE);
	uint64_t i, p;

	/* 1031 is prime and odd, so i * 1031 mod n visits every page once. */
	for (i = 0; i < n; i++) {
		p = (i * 1031) % n;
		if (sgx_measure_eadd(m, p * SGX_PAGE_SIZE, REG_RW)) {
			CHECK(0);
			break;
		}
	}
	for (i = 0; i < n; i += 97)
		CHECK_EQ_INT(sgx_measure_eextend(m, i * SGX_PAGE_SIZE, zero_page), 0);
	CHECK_EQ_INT(sgx_measure_eadd(m, 1234 * SGX_PAGE_SIZE, REG_RW), -1);
	sgx_measure_free(m);
}

static void test_ecreate_rules(void)
{
	struct sgx_measure *m;
	uint8_t h[SGX_HASH_SIZE];
	static const uint64_t bad[] = { 0, 0x1000, 0x3000, 0x10001, 0x30000, ~0ULL };
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = sgx_measure_new();
		CHECK_EQ_INT(sgx_measure_ecreate(m, 1, bad[i]), -1);
		CHECK_STR_CONTAINS(sgx_measure_error(m), "SECS.SIZE");
		sgx_measure_free(m);
	}
	m = sgx_measure_new();
	CHECK_EQ_INT(sgx_measure_ecreate(m, 1, 0x30000), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "not a power of two");
	sgx_measure_free(m);

	m = sgx_measure_new();
	CHECK_EQ_INT(sgx_measure_ecreate(m, 0, 0x10000), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "SSAFRAMESIZE");
	sgx_measure_free(m);

	m = sgx_measure_new();
	CHECK_EQ_INT(sgx_measure_eadd(m, 0, REG_RW), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "before ECREATE");
	sgx_measure_free(m);

	m = sgx_measure_new();
	CHECK_EQ_INT(sgx_measure_finalize(m, h), -1);
	sgx_measure_free(m);

	m = sgx_measure_new();
	CHECK_EQ_INT(sgx_measure_ecreate(m, 1, 0x2000), 0);
	CHECK_EQ_INT(sgx_measure_ecreate(m, 1, 0x2000), -1);
	sgx_measure_free(m);

	/* The largest SIZE a 64-bit ELRANGE can have. */
	m = created(1ULL << 63);
	CHECK_EQ_INT(sgx_measure_eadd(m, (1ULL << 63) - 0x1000, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_finalize(m, h), 0);
	sgx_measure_free(m);
}

/* EEXTEND at @offset, with only page 0x1000 added, fails naming the problem. */
static void expect_eextend_error(uint64_t offset, const char *msg)
{
	struct sgx_measure *m = created(0x10000);

	CHECK_EQ_INT(sgx_measure_eadd(m, 0x1000, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_eextend(m, offset, zero_page), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), msg);
	sgx_measure_free(m);
}

static void test_eextend_rules(void)
{
	expect_eextend_error(0x2000, "was not added");
	expect_eextend_error(0x1080, "256-byte aligned");
}

/* After an error or after finalize, the builder keeps refusing. */
static void test_spent_builder(void)
{
	struct sgx_measure *m = created(0x10000);
	uint8_t h[SGX_HASH_SIZE];

	CHECK_EQ_INT(sgx_measure_eadd(m, 0x1000, REG_RW | SGX_SECINFO_PENDING), -1);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x2000, REG_RW), -1);
	CHECK_EQ_INT(sgx_measure_finalize(m, h), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "PENDING");
	sgx_measure_free(m);

	m = created(0x10000);
	CHECK_EQ_INT(sgx_measure_finalize(m, h), 0);
	CHECK_EQ_INT(sgx_measure_eadd(m, 0x2000, REG_RW), -1);
	CHECK_STR_CONTAINS(sgx_measure_error(m), "finalized");
	sgx_measure_free(m);
}

static void test_secinfo_check(void)
{
	const char *why = NULL;

	CHECK_EQ_INT(sgx_secinfo_check_eadd(SGX_SECINFO_TCS, &why), 0);
	CHECK(why == NULL);
	CHECK_EQ_INT(sgx_secinfo_check_eadd(REG_RW, NULL), 0);
	CHECK_EQ_INT(sgx_secinfo_check_eadd(REG_RX, NULL), 0);
	CHECK_EQ_INT(sgx_secinfo_check_eadd(SGX_SECINFO_REG, NULL), 0);
	CHECK_EQ_INT(sgx_secinfo_check_eadd(SGX_SECINFO_REG | SGX_SECINFO_PERM_MASK, NULL), 0);
	CHECK_EQ_INT(sgx_secinfo_check_eadd(SGX_SECINFO_TCS | SGX_SECINFO_W, &why), -1);
	CHECK(why != NULL);
}

int main(void)
{
	HARNESS_PLAN(17);
	/* gcc's -Wformat-overflow sees harness.h print a reason that is never set. */
	harness_skip_reason = "";
	pages_init();
	RUN(test_vector_a);
	RUN(test_vector_b_unmeasured_run);
	RUN(test_vector_b_single_eadds);
	RUN(test_vector_c);
	RUN(test_vector_a_by_hand);
	RUN(test_tcs_with_rwx);
	RUN(test_pending_modified_pr);
	RUN(test_w_without_r);
	RUN(test_page_types);
	RUN(test_reserved_bits);
	RUN(test_offsets);
	RUN(test_page_added_twice);
	RUN(test_scrambled_order);
	RUN(test_ecreate_rules);
	RUN(test_eextend_rules);
	RUN(test_spent_builder);
	RUN(test_secinfo_check);
	HARNESS_EXIT();
}

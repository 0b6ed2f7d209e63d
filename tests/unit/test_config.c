// SPDX-License-Identifier: MIT
/* Sizes, thread counts and SCONE_* overrides (image/config.c). */
#include <stdint.h>
#include <stdlib.h>

#include "image/config.h"
#include "tests/harness.h"

static char err[512];

static uint64_t size_ok(const char *s)
{
	uint64_t v = 12345;

	CHECK(encl_size_parse("X", s, &v, err, sizeof(err)) == 0);
	return v;
}

static void size_bad(const char *s, const char *what)
{
	uint64_t v = 7;

	err[0] = 0;
	CHECK(encl_size_parse("SCONE_HEAP", s, &v, err, sizeof(err)) == -1);
	CHECK(v == 7);
	CHECK_STR_CONTAINS(err, "SCONE_HEAP");
	CHECK_STR_CONTAINS(err, what);
}

static void test_sizes(void)
{
	CHECK(size_ok("0") == 0);
	CHECK(size_ok("4096") == 4096);
	CHECK(size_ok("1K") == 1024);
	CHECK(size_ok("64M") == 64ULL << 20);
	CHECK(size_ok("64m") == 64ULL << 20);
	CHECK(size_ok("8G") == 8ULL << 30);
	CHECK(size_ok("8589934592G") == 1ULL << 63);
	CHECK(size_ok("9223372036854775808") == 1ULL << 63);
}

static void test_bad_sizes(void)
{
	size_bad("abc", "invalid size");
	size_bad("-1", "invalid size");
	size_bad("+1", "invalid size");
	size_bad(" 1", "invalid size");
	size_bad("1 ", "invalid size");
	size_bad("10X", "invalid size");
	size_bad("1KB", "invalid size");
	size_bad("", "invalid size");
	size_bad("0x10", "invalid size");
	size_bad("99999999999G", "too large");
	size_bad("8589934593G", "too large");
	size_bad("99999999999999999999999", "too large");
	size_bad("9223372036854775809", "too large");
}

static void test_counts(void)
{
	uint32_t n = 0;

	CHECK(encl_count_parse("SCONE_TCS", "1", &n, err, sizeof(err)) == 0 && n == 1);
	CHECK(encl_count_parse("SCONE_TCS", "4096", &n, err, sizeof(err)) == 0 && n == 4096);
	CHECK(encl_count_parse("SCONE_TCS", "0", &n, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "SCONE_TCS");
	CHECK(encl_count_parse("SCONE_TCS", "4097", &n, err, sizeof(err)) == -1);
	CHECK(encl_count_parse("SCONE_TCS", "2K", &n, err, sizeof(err)) == -1);
	CHECK(encl_count_parse("SCONE_TCS", "-3", &n, err, sizeof(err)) == -1);
}

static void clear_env(void)
{
	unsetenv("SCONE_HEAP");
	unsetenv("SCONE_MIN_HEAP");
	unsetenv("SCONE_STACK");
	unsetenv("SCONE_TCS");
}

static void test_env(void)
{
	struct encl_config c;

	clear_env();
	encl_config_default(&c);
	CHECK(encl_config_from_env(&c, err, sizeof(err)) == 0);
	CHECK(c.heap == 64ULL << 20 && c.min_heap == 20ULL << 20 && c.stack == 2ULL << 20);
	CHECK(c.tcs == 8 && c.enclave_size == 64ULL << 30);

	setenv("SCONE_HEAP", "1G", 1);
	setenv("SCONE_STACK", "100", 1);	/* rounded up to a page */
	setenv("SCONE_TCS", "3", 1);
	CHECK(encl_config_from_env(&c, err, sizeof(err)) == 0);
	CHECK(c.heap == 1ULL << 30 && c.stack == 4096 && c.tcs == 3);

	setenv("SCONE_MIN_HEAP", "2G", 1);	/* above the heap: clamped */
	CHECK(encl_config_from_env(&c, err, sizeof(err)) == 0);
	CHECK(c.min_heap == c.heap);

	setenv("SCONE_TCS", "0", 1);
	CHECK(encl_config_from_env(&c, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "SCONE_TCS");
	setenv("SCONE_TCS", "2", 1);
	setenv("SCONE_MIN_HEAP", "lots", 1);
	CHECK(encl_config_from_env(&c, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "SCONE_MIN_HEAP");
	setenv("SCONE_MIN_HEAP", "1M", 1);
	setenv("SCONE_STACK", "0", 1);
	CHECK(encl_config_from_env(&c, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "SCONE_STACK");
	clear_env();
}

static void test_set(void)
{
	struct encl_config c;

	encl_config_default(&c);
	CHECK(encl_config_set(&c, "enclave_size", "128G", "--enclave-size", err, sizeof(err)) == 0);
	CHECK(c.enclave_size == 128ULL << 30);
	CHECK(encl_config_set(&c, "enclave_size", "100G", "--enclave-size", err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "--enclave-size");
	CHECK_STR_CONTAINS(err, "power of two");
	CHECK(encl_config_set(&c, "heap", "5000", "--heap", err, sizeof(err)) == 0);
	CHECK(c.heap == 8192);
	CHECK(encl_config_set(&c, "nonsense", "1", "--x", err, sizeof(err)) == -1);
}

static void test_format(void)
{
	char b[32];

	CHECK(!strcmp(encl_size_format(64ULL << 20, b), "64M"));
	CHECK(!strcmp(encl_size_format(1ULL << 30, b), "1G"));
	CHECK(!strcmp(encl_size_format(4096, b), "4K"));
	CHECK(!strcmp(encl_size_format(4097, b), "4097"));
	CHECK(!strcmp(encl_size_format(0, b), "0"));
}

int main(void)
{
	HARNESS_PLAN(6);
	RUN(test_sizes);
	RUN(test_bad_sizes);
	RUN(test_counts);
	RUN(test_env);
	RUN(test_set);
	RUN(test_format);
	HARNESS_EXIT();
}

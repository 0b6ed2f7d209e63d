/* SPDX-License-Identifier: MIT */
/*
 * A minimal test harness. Each test is a function; CHECK records a failure
 * with its location and lets the test continue. main() begins with
 * HARNESS_PLAN(n), the number of RUN()s it makes, runs the tests listed with
 * RUN() and ends with HARNESS_EXIT(). It prints lines for tests/run to count:
 *
 *   PLAN: file n
 *   PASS: file:test    FAIL: file:test    SKIP: file:test (reason)
 *
 * A program that stops early (a crash, an early return) reports fewer tests
 * than it planned, and tests/run counts that as a failure.
 */
#ifndef ENCL_TESTS_HARNESS_H
#define ENCL_TESTS_HARNESS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int harness_failed, harness_skipped, harness_total_failed;
static int harness_planned = -1, harness_ran;
static const char *harness_skip_reason = "";

#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
		harness_failed = 1; \
	} \
} while (0)

#define CHECK_EQ_INT(a, b) do { \
	long long _a = (long long)(a), _b = (long long)(b); \
	if (_a != _b) { \
		fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
			__FILE__, __LINE__, #a, _a, #b, _b); \
		harness_failed = 1; \
	} \
} while (0)

#define CHECK_STR_CONTAINS(hay, needle) do { \
	const char *_h = (hay), *_n = (needle); \
	if (!_n || !*_n) { \
		/* "" is in every string: the check would pass whatever @hay says. */ \
		fprintf(stderr, "  %s:%d: CHECK_STR_CONTAINS(%s, %s): the expected text is empty;" \
			" name the message expected\n", __FILE__, __LINE__, #hay, #needle); \
		harness_failed = 1; \
	} else if (!_h || !strstr(_h, _n)) { \
		fprintf(stderr, "  %s:%d: \"%s\" does not contain \"%s\"\n", \
			__FILE__, __LINE__, _h ? _h : "(null)", _n); \
		harness_failed = 1; \
	} \
} while (0)

/* Marks the running test skipped; it still returns through its own code. */
#define SKIP(reason) do { harness_skipped = 1; harness_skip_reason = (reason); } while (0)

/* First in main(), before anything that can fail; flushed, so a crash keeps it. */
#define HARNESS_PLAN(n) do { \
	harness_planned = (n); \
	printf("PLAN: %s %d\n", __FILE__, harness_planned); \
	fflush(stdout); \
} while (0)

#define RUN(test) do { \
	harness_failed = 0; harness_skipped = 0; harness_ran++; \
	test(); \
	if (harness_failed) { \
		printf("FAIL: %s:%s\n", __FILE__, #test); harness_total_failed++; \
	} else if (harness_skipped) { \
		printf("SKIP: %s:%s (%s)\n", __FILE__, #test, harness_skip_reason); \
	} else { \
		printf("PASS: %s:%s\n", __FILE__, #test); \
	} \
	fflush(stdout); \
} while (0)

static inline int harness_exit(const char *file)
{
	if (harness_planned < 0) {
		printf("FAIL: %s:plan (no HARNESS_PLAN(n) at the start of main())\n", file);
		return 1;
	}
	if (harness_ran != harness_planned) {
		printf("FAIL: %s:plan (%d RUN()s, HARNESS_PLAN(%d): make them agree)\n",
		       file, harness_ran, harness_planned);
		return 1;
	}
	return harness_total_failed ? 1 : 0;
}

#define HARNESS_EXIT() return harness_exit(__FILE__)

/* The public test vectors, tests/vectors (run from the top), overridable with ENCL_VECTORS. */
static inline const char *harness_vectors(void)
{
	const char *v = getenv("ENCL_VECTORS");
	return v ? v : "tests/vectors";
}

#endif

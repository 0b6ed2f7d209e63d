// SPDX-License-Identifier: MIT
/* encl_getopt: values in both spellings, and errors that name the option. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/harness.h"
#include "tools/encl/getopt.c"
#include "tools/encl/util.c"

enum { OPT_HEAP = 256, OPT_MIN_HEAP, OPT_PRODUCTION };

static const struct option opts[] = {
	{ "heap", required_argument, NULL, OPT_HEAP },
	{ "min-heap", required_argument, NULL, OPT_MIN_HEAP },
	{ "production", no_argument, NULL, OPT_PRODUCTION },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* The first encl_getopt result over @args, and what it wrote to stderr. */
static int parse(char *const *args, int n, char *msg, size_t len)
{
	char *argv[8];
	FILE *f = tmpfile();
	int saved = dup(2), c;
	size_t got;

	memcpy(argv, args, n * sizeof(*argv));
	argv[n] = NULL;
	fflush(stderr);
	dup2(fileno(f), 2);
	optind = 0;
	c = encl_getopt("sign", n, argv, "o:h", opts);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	rewind(f);
	got = fread(msg, 1, len - 1, f);
	msg[got] = '\0';
	fclose(f);
	return c;
}

static void test_distance(void)
{
	CHECK_EQ_INT(edit_distance("heep", 4, "heap"), 1);
	CHECK_EQ_INT(edit_distance("heap", 4, "heap"), 0);
	CHECK_EQ_INT(edit_distance("minheap", 7, "min-heap"), 1);
	CHECK_EQ_INT(edit_distance("", 0, "tcs"), 3);
	CHECK_EQ_INT(edit_distance("heap=1G", 4, "heap"), 0);
}

static void test_closest(void)
{
	CHECK(closest("heep", 4, opts) && !strcmp(closest("heep", 4, opts), "heap"));
	CHECK(closest("min-hep", 7, opts) && !strcmp(closest("min-hep", 7, opts), "min-heap"));
	CHECK(closest("frobnicate", 10, opts) == NULL);
	/* two edits of a two-letter word explain anything: no suggestion */
	CHECK(closest("xy", 2, opts) == NULL);
}

static void test_values(void)
{
	char msg[256];

	CHECK_EQ_INT(parse((char *[]){ "encl sign", "--heap=1G" }, 2, msg, sizeof(msg)), OPT_HEAP);
	CHECK(!strcmp(optarg, "1G") && !msg[0]);
	CHECK_EQ_INT(parse((char *[]){ "encl sign", "--heap", "2G" }, 3, msg, sizeof(msg)), OPT_HEAP);
	CHECK(!strcmp(optarg, "2G") && !msg[0]);
}

static void test_errors(void)
{
	char msg[256];

	CHECK_EQ_INT(parse((char *[]){ "encl sign", "--heep=1G" }, 2, msg, sizeof(msg)), '?');
	CHECK_STR_CONTAINS(msg, "encl sign: unknown option '--heep'; did you mean '--heap'?");
	CHECK_EQ_INT(parse((char *[]){ "encl sign", "--frobnicate" }, 2, msg, sizeof(msg)), '?');
	CHECK_STR_CONTAINS(msg, "encl sign: unknown option '--frobnicate'\n");
	CHECK_EQ_INT(parse((char *[]){ "encl sign", "--heap" }, 2, msg, sizeof(msg)), '?');
	CHECK_STR_CONTAINS(msg, "option '--heap' needs a value");
	CHECK_EQ_INT(parse((char *[]){ "encl sign", "--production=1" }, 2, msg, sizeof(msg)), '?');
	CHECK_STR_CONTAINS(msg, "option '--production' takes no value");
	CHECK_EQ_INT(parse((char *[]){ "encl sign", "--he" }, 2, msg, sizeof(msg)), '?');
	CHECK_STR_CONTAINS(msg, "ambiguous option '--he'");
	CHECK_EQ_INT(parse((char *[]){ "encl sign", "-o" }, 2, msg, sizeof(msg)), '?');
	CHECK_STR_CONTAINS(msg, "option '-o' needs a value");
	CHECK_EQ_INT(parse((char *[]){ "encl sign", "-q" }, 2, msg, sizeof(msg)), '?');
	CHECK_STR_CONTAINS(msg, "unknown option '-q'");
}

int main(void)
{
	HARNESS_PLAN(4);
	RUN(test_distance);
	RUN(test_closest);
	RUN(test_values);
	RUN(test_errors);
	HARNESS_EXIT();
}

/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the unit tests that read the vectors in
 * tests/vectors (or $ENCL_VECTORS) and work in a scratch directory.
 */
#ifndef ENCL_TESTS_TESTUTIL_H
#define ENCL_TESTS_TESTUTIL_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/harness.h"

/* @buf = VECTORS/NAME.EXT */
static inline void testutil_vector_path(char *buf, size_t len, const char *name, const char *ext)
{
	snprintf(buf, len, "%s/%s.%s", harness_vectors(), name, ext);
}

/* The expected MRENCLAVE of vector @name: NAME.mrenclave, exactly 64 characters. */
static inline int testutil_vector_mrenclave(const char *name, char hex[65])
{
	char path[4096], word[81];
	FILE *f;
	int ok;

	hex[0] = '\0';
	testutil_vector_path(path, sizeof(path), name, "mrenclave");
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "  cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	ok = fscanf(f, "%80s", word) == 1 && strlen(word) == 64;
	fclose(f);
	if (!ok) {
		fprintf(stderr, "  %s: not 64 hex digits\n", path);
		return -1;
	}
	memcpy(hex, word, 65);
	return 0;
}

/* Remove a scratch directory made with mkdtemp, and everything in it. */
static inline void testutil_rmtree(const char *dir)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "  could not remove %s\n", dir);
}

#endif

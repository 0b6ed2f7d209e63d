// SPDX-License-Identifier: MIT
/*
 * Option errors for the subcommands: getopt_long parses, this file words
 * the errors, naming the option and, for a mistyped one, the closest known.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "tools/encl/cmd.h"

/* Levenshtein distance of @a (its first @n bytes) and @b; both are short. */
static size_t edit_distance(const char *a, size_t n, const char *b)
{
	size_t m = strlen(b), row[64], i, j;

	if (n >= 64 || m >= 64)
		return SIZE_MAX;
	for (j = 0; j <= m; j++)
		row[j] = j;
	for (i = 1; i <= n; i++) {
		size_t diag = row[0], up;

		row[0] = i;
		for (j = 1; j <= m; j++) {
			up = row[j];
			row[j] = diag + (a[i - 1] != b[j - 1]);
			if (up + 1 < row[j])
				row[j] = up + 1;
			if (row[j - 1] + 1 < row[j])
				row[j] = row[j - 1] + 1;
			diag = up;
		}
	}
	return row[m];
}

/*
 * The long option closest to the first @n bytes of @name, when a typo
 * (at most two edits, fewer than the name has) explains the difference.
 */
static const char *closest(const char *name, size_t n, const struct option *longopts)
{
	const char *best = NULL;
	size_t best_d = 3, d;

	for (; longopts->name; longopts++) {
		d = edit_distance(name, n, longopts->name);
		if (d < best_d && d < n) {
			best_d = d;
			best = longopts->name;
		}
	}
	return best;
}

static const struct option *by_val(const struct option *longopts, int val)
{
	for (; longopts->name; longopts++)
		if (longopts->val == val && !longopts->flag)
			return longopts;
	return NULL;
}

static void unknown_long(const char *cmd, const char *arg, const struct option *longopts)
{
	const char *name = arg + 2;
	size_t n = strcspn(name, "=");
	const struct option *o;
	const char *best;
	int prefixes = 0;

	for (o = longopts; o->name; o++)
		prefixes += !strncmp(o->name, name, n);
	if (prefixes > 1) {
		encl_error(cmd, "ambiguous option '--%.*s': spell it out", (int)n, name);
		return;
	}
	best = closest(name, n, longopts);
	if (best)
		encl_error(cmd, "unknown option '--%.*s'; did you mean '--%s'?", (int)n, name, best);
	else
		encl_error(cmd, "unknown option '--%.*s'", (int)n, name);
}

int encl_getopt(const char *cmd, int argc, char **argv, const char *shortopts,
		const struct option *longopts)
{
	const struct option *o;
	const char *arg;
	int c, prev = optind ? optind : 1;

	opterr = 0;
	c = getopt_long(argc, argv, shortopts, longopts, NULL);
	if (c != '?')
		return c;
	/*
	 * getopt_long has moved optind past the bad element, or stays on it
	 * for a bad letter within a group of short options (-xq).
	 */
	arg = argv[optind > prev ? optind - 1 : prev];
	if (arg && !strncmp(arg, "--", 2)) {
		o = optopt ? by_val(longopts, optopt) : NULL;
		if (!o)
			unknown_long(cmd, arg, longopts);
		else if (o->has_arg == required_argument)
			encl_error(cmd, "option '--%s' needs a value", o->name);
		else
			encl_error(cmd, "option '--%s' takes no value", o->name);
	} else if (optopt && strchr(shortopts, optopt)) {
		encl_error(cmd, "option '-%c' needs a value", optopt);
	} else {
		encl_error(cmd, "unknown option '-%c'", optopt);
	}
	return c;
}

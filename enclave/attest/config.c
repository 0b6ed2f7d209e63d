// SPDX-License-Identifier: MIT
/*
 * The decrypted configuration (abi/cas.h): argc, envc, then each string as
 * a length and its bytes. Checked strictly before any of it is copied:
 * every length within what is left, no NUL inside a string (it would cut
 * it short unseen), environment strings NAME=value, nothing after the
 * last string.
 */
#include <string.h>

#include "enclave/attest/attest.h"

static uint32_t get32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));	/* little-endian, as x86-64 */
	return v;
}

const char *attest_config_parse(const uint8_t *plain, uint64_t len, struct attest_config *c)
{
	uint64_t at = 8, n, bytes = 0;

	if (len < 8)
		return "the configuration is shorter than its counts";
	c->argc = get32(plain);
	c->envc = get32(plain + 4);
	n = (uint64_t)c->argc + c->envc;
	if (c->argc == 0)
		return "the configuration has no argv[0]";
	if (n > ENCL_CAS_STRINGS_MAX)
		return "the configuration has more than ENCL_CAS_STRINGS_MAX strings";
	for (uint64_t i = 0; i < n; i++) {
		uint32_t l;

		if (len - at < 4)
			return "the configuration is truncated in a string's length";
		l = get32(plain + at);
		at += 4;
		if (l > len - at)
			return "the configuration has a string longer than what is left";
		if (memchr(plain + at, 0, l))
			return "the configuration has a NUL inside a string";
		if (i >= c->argc && (l == 0 || plain[at] == '=' || !memchr(plain + at, '=', l)))
			return "the configuration has an environment string that is not NAME=value";
		at += l;
		bytes += (uint64_t)l + 1;
	}
	if (at != len)
		return "the configuration has bytes after its last string";
	c->bytes = bytes;
	return NULL;
}

void attest_config_fill(const uint8_t *plain, const struct attest_config *c, char **vec,
			char *strings)
{
	uint64_t at = 8, n = (uint64_t)c->argc + c->envc;
	char **v = vec;

	for (uint64_t i = 0; i < n; i++) {
		uint32_t l = get32(plain + at);

		if (i == c->argc)
			*v++ = NULL;
		memcpy(strings, plain + at + 4, l);
		strings[l] = 0;
		*v++ = strings;
		strings += l + 1;
		at += 4 + l;
	}
	if (c->envc == 0)
		*v++ = NULL;
	*v = NULL;
}

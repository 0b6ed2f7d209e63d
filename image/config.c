// SPDX-License-Identifier: MIT
/*
 * Layout parameters: defaults, size parsing, SCONE_* overrides.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "abi/page.h"
#include "image/config.h"
#include "image/xfrm.h"
#include "sgx/xsave.h"

void encl_config_default(struct encl_config *c)
{
	c->heap = ENCL_DEFAULT_HEAP;
	c->min_heap = ENCL_DEFAULT_MIN_HEAP;
	c->stack = ENCL_DEFAULT_STACK;
	c->enclave_size = ENCL_DEFAULT_ENCLAVE_SIZE;
	c->tcs = ENCL_DEFAULT_TCS;
	c->xfrm = SGX_XFRM_LEGACY;
	c->min_heap_asked = 0;
	c->cas_pinned = 0;
	memset(c->cas_key, 0, sizeof(c->cas_key));
}

/*
 * Decimal digits only: strtoull alone would accept a sign and leading
 * blanks. Returns 0, -1 when @s does not start with a digit, -ERANGE on
 * overflow.
 */
static int parse_decimal(const char *s, const char **end, uint64_t *out)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++)
		if (__builtin_mul_overflow(v, 10, &v) ||
		    __builtin_add_overflow(v, (uint64_t)(*p - '0'), &v))
			return -ERANGE;
	*end = p;
	*out = v;
	return 0;
}

/* 2^63 bytes: anything larger would overflow the page arithmetic further on. */
#define ENCL_MAX_SIZE_G		(UINT64_C(1) << 33)

int encl_size_parse(const char *name, const char *s, uint64_t *out, char *err, size_t errlen)
{
	const char *end = NULL;
	unsigned shift = 0;
	uint64_t v = 0;
	int r = s ? parse_decimal(s, &end, &v) : -1;

	if (!r) {
		switch (*end) {
		case 'K': case 'k': shift = 10; end++; break;
		case 'M': case 'm': shift = 20; end++; break;
		case 'G': case 'g': shift = 30; end++; break;
		}
		if (*end)
			r = -1;
		else if (v > (UINT64_C(1) << 63) >> shift)
			r = -ERANGE;
	}
	if (r == -ERANGE) {
		snprintf(err, errlen, "%s: size '%s' is too large (at most %" PRIu64 "G)",
			 name, s, ENCL_MAX_SIZE_G);
		return -1;
	}
	if (r) {
		snprintf(err, errlen, "%s: invalid size '%s' (expected bytes with an optional K, M or G suffix)",
			 name, s ? s : "");
		return -1;
	}
	*out = v << shift;
	return 0;
}

int encl_count_parse(const char *name, const char *s, uint32_t *out, char *err, size_t errlen)
{
	const char *end;
	uint64_t v;

	if (!s || parse_decimal(s, &end, &v) || *end || v == 0 || v > ENCL_MAX_TCS) {
		snprintf(err, errlen, "%s: invalid thread count '%s' (expected 1 to %u)",
			 name, s ? s : "", ENCL_MAX_TCS);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* The one table of upper bounds (image/config.h says why each). */
static const struct {
	const char *key;
	size_t off;
	uint64_t max;
	const char *fix;
} limits[] = {
	{ "heap", offsetof(struct encl_config, heap), ENCL_MAX_HEAP,
	  "lower SCONE_HEAP or encl sign --heap" },
	{ "min_heap", offsetof(struct encl_config, min_heap), ENCL_MAX_HEAP,
	  "lower SCONE_MIN_HEAP or encl sign --min-heap" },
	{ "stack", offsetof(struct encl_config, stack), ENCL_MAX_STACK,
	  "lower SCONE_STACK or encl sign --stack" },
	{ "enclave_size", offsetof(struct encl_config, enclave_size), ENCL_MAX_ENCLAVE_SIZE,
	  "lower encl sign --enclave-size" },
};

/*
 * The size @key of @c within its limit, errors calling it @name; with @key
 * NULL, every size and the stacks together, errors calling each by its key.
 */
static int check_limits(const struct encl_config *c, const char *key, const char *name,
			char *err, size_t errlen)
{
	char v[32], m[32];
	size_t i;

	for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
		uint64_t x = *(const uint64_t *)((const char *)c + limits[i].off);

		if (key && strcmp(key, limits[i].key))
			continue;
		if (x > limits[i].max) {
			snprintf(err, errlen, "%s %s is above the limit of %s; %s", name ? name : limits[i].key,
				 encl_size_format(x, v), encl_size_format(limits[i].max, m), limits[i].fix);
			return -1;
		}
	}
	if (key)
		return 0;
	if ((uint64_t)c->tcs * c->stack > ENCL_MAX_STACKS) {
		snprintf(err, errlen, "%u threads with a %s stack need %s of stacks, above the limit of %s; lower SCONE_STACK or SCONE_TCS (encl sign --stack, --tcs)",
			 c->tcs, encl_size_format(c->stack, v),
			 encl_size_format((uint64_t)c->tcs * c->stack, (char[32]){ 0 }),
			 encl_size_format(ENCL_MAX_STACKS, m));
		return -1;
	}
	return 0;
}

int encl_config_set(struct encl_config *c, const char *key, const char *value,
		    const char *name, char *err, size_t errlen)
{
	uint64_t v;

	if (!strcmp(key, "tcs"))
		return encl_count_parse(name, value, &c->tcs, err, errlen);
	if (!strcmp(key, "xfrm"))
		return encl_xfrm_parse(name, value, &c->xfrm, err, errlen);
	if (encl_size_parse(name, value, &v, err, errlen))
		return -1;
	if (!strcmp(key, "heap")) {
		c->heap = ENCL_PAGE_UP(v);
	} else if (!strcmp(key, "min_heap")) {
		c->min_heap = ENCL_PAGE_UP(v);
	} else if (!strcmp(key, "stack")) {
		if (v == 0) {
			snprintf(err, errlen, "%s: the stack cannot be empty", name);
			return -1;
		}
		c->stack = ENCL_PAGE_UP(v);
	} else if (!strcmp(key, "enclave_size")) {
		if (v < SGX_MIN_ENCLAVE_SIZE || (v & (v - 1)) || v > ENCL_MAX_ENCLAVE_SIZE) {
			snprintf(err, errlen, "%s: the enclave size must be a power of two from 8K to %" PRIu64 "G, not '%s'",
				 name, ENCL_MAX_ENCLAVE_SIZE >> 30, value);
			return -1;
		}
		c->enclave_size = v;
	} else {
		snprintf(err, errlen, "%s: unknown parameter", name);
		return -1;
	}
	return check_limits(c, key, name, err, errlen);
}

static const struct {
	const char *var, *key;
} env_vars[] = {
	{ "SCONE_HEAP", "heap" },
	{ "SCONE_MIN_HEAP", "min_heap" },
	{ "SCONE_STACK", "stack" },
	{ "SCONE_TCS", "tcs" },
};

int encl_config_from_env(struct encl_config *c, char *err, size_t errlen)
{
	size_t i;

	for (i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++) {
		const char *v = getenv(env_vars[i].var);

		if (v && encl_config_set(c, env_vars[i].key, v, env_vars[i].var, err, errlen))
			return -1;
	}
	return encl_config_finish(c, err, errlen);
}

size_t encl_config_env_set(char *buf, size_t len)
{
	size_t i, n = 0;

	if (len)
		buf[0] = 0;
	for (i = 0; i < sizeof(env_vars) / sizeof(env_vars[0]); i++) {
		const char *v = getenv(env_vars[i].var);

		if (v && n < len)
			n += (size_t)snprintf(buf + n, len - n, "%s%s=%s", n ? " " : "",
					      env_vars[i].var, v);
	}
	return n;
}

int encl_config_finish(struct encl_config *c, char *err, size_t errlen)
{
	const char *why;

	if (check_limits(c, NULL, NULL, err, errlen))
		return -1;
	c->min_heap_asked = 0;
	if (c->min_heap > c->heap) {
		c->min_heap_asked = c->min_heap;
		c->min_heap = c->heap;
	}
	if (c->tcs == 0 || c->tcs > ENCL_MAX_TCS) {
		snprintf(err, errlen, "thread count %u out of range 1..%u", c->tcs, ENCL_MAX_TCS);
		return -1;
	}
	if (c->stack == 0) {
		snprintf(err, errlen, "the stack cannot be empty");
		return -1;
	}
	if ((c->stack | c->heap | c->min_heap) & (SGX_PAGE_SIZE - 1)) {
		snprintf(err, errlen, "heap %" PRIu64 ", min_heap %" PRIu64 " and stack %" PRIu64 " must be whole pages (multiples of %lu)",
			 c->heap, c->min_heap, c->stack, (unsigned long)SGX_PAGE_SIZE);
		return -1;
	}
	if (c->enclave_size < SGX_MIN_ENCLAVE_SIZE || (c->enclave_size & (c->enclave_size - 1)) ||
	    c->enclave_size > ENCL_MAX_ENCLAVE_SIZE) {
		snprintf(err, errlen, "enclave size %#" PRIx64 " is not a power of two within limits",
			 c->enclave_size);
		return -1;
	}
	if (c->xfrm == ENCL_XFRM_AUTO) {
		snprintf(err, errlen, "XFRM auto is chosen from the program: only encl sign resolves it");
		return -1;
	}
	if (sgx_xfrm_check(c->xfrm, &why)) {
		snprintf(err, errlen, "XFRM %#" PRIx64 " cannot be enabled: %s", c->xfrm, why);
		return -1;
	}
	return 0;
}

const char *encl_size_format(uint64_t v, char buf[32])
{
	static const char suffix[] = "GMK";
	int shift;

	for (shift = 30; shift >= 10; shift -= 10)
		if (v && !(v & ((UINT64_C(1) << shift) - 1))) {
			snprintf(buf, 32, "%" PRIu64 "%c", v >> shift, suffix[(30 - shift) / 10]);
			return buf;
		}
	snprintf(buf, 32, "%" PRIu64, v);
	return buf;
}

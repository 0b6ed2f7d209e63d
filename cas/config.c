/* SPDX-License-Identifier: MIT */
/*
 * The configuration an attested enclave receives (abi/cas.h): argc, envc,
 * then each string as a uint32_t length and its bytes, with every
 * $$SCONE::name$$ replaced by the secret's value. References were checked
 * when the session was stored (policy/parse.c); a generated secret missing
 * here means the database lost it, which is refused, not papered over.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/crypto.h>
#include "cas/cas.h"

struct buf {
	uint8_t *p;
	size_t len, cap;
	int failed;
};

static void add(struct buf *b, const void *v, size_t n)
{
	uint8_t *p;

	if (b->failed)
		return;
	if (b->len + n > ENCL_CAS_CONFIG_MAX) {
		b->failed = 1;
		return;
	}
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;

		while (cap < b->len + n)
			cap *= 2;
		p = malloc(cap);	/* not realloc: the old copy is cleansed */
		if (!p) {
			b->failed = 1;
			return;
		}
		if (b->p) {
			memcpy(p, b->p, b->len);
			OPENSSL_cleanse(b->p, b->cap);
			free(b->p);
		}
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, v, n);
	b->len += n;
}

static void add_u32(struct buf *b, uint32_t v)
{
	uint8_t le[4] = { v, v >> 8, v >> 16, v >> 24 };

	add(b, le, 4);
}

/* One secret's value as it is substituted. */
static int secret_text(const struct encl_policy *p, const char *name, size_t len,
		       const struct encl_cas_secret_value *gen, size_t ngen, struct buf *out,
		       char *err, size_t errlen)
{
	const struct encl_policy_secret *s = encl_policy_secret(p, name, len);
	char hex[2 * ENCL_SECRET_SIZE_MAX + 1];
	size_t i;

	if (!s) {
		snprintf(err, errlen, "unknown secret '%.*s'", (int)len, name);
		return -1;
	}
	if (s->value) {
		add(out, s->value, s->value_len);
		return 0;
	}
	for (i = 0; i < ngen && strcmp(gen[i].name, s->name); i++)
		;
	if (i == ngen) {
		snprintf(err, errlen, "generated secret '%s' is missing from the database",
			 s->name);
		return -1;
	}
	if (s->kind != ENCL_SECRET_HEX) {
		add(out, gen[i].v, gen[i].len);
		return 0;
	}
	sgx_hex(gen[i].v, gen[i].len, hex);
	add(out, hex, 2 * gen[i].len);
	OPENSSL_cleanse(hex, sizeof(hex));
	return 0;
}

/* @prefix (NULL for none), then @str with its references replaced, as one string. */
static int add_string(const struct encl_policy *p, const char *prefix, const char *str,
		      const struct encl_cas_secret_value *gen, size_t ngen, struct buf *b,
		      char *err, size_t errlen)
{
	const size_t open = strlen(ENCL_SECRET_REF_OPEN);
	struct buf s = { 0 };
	const char *at, *end;
	int rc = 0;

	if (prefix) {
		add(&s, prefix, strlen(prefix));
		add(&s, "=", 1);
	}
	while ((at = strstr(str, ENCL_SECRET_REF_OPEN)) &&
	       (end = strstr(at + open, ENCL_SECRET_REF_CLOSE))) {
		add(&s, str, at - str);
		rc = secret_text(p, at + open, end - at - open, gen, ngen, &s, err, errlen);
		if (rc)
			break;
		str = end + strlen(ENCL_SECRET_REF_CLOSE);
	}
	if (!rc) {
		add(&s, str, strlen(str));
		add_u32(b, s.len);
		add(b, s.p, s.len);
	}
	if (s.p) {
		OPENSSL_cleanse(s.p, s.cap);
		free(s.p);
	}
	return rc;
}

int encl_cas_config_plaintext(const struct encl_policy *p, const struct encl_policy_service *s,
			      const struct encl_cas_secret_value *gen, size_t ngen,
			      uint8_t **out, size_t *len, char *err, size_t errlen)
{
	struct buf b = { 0 };
	size_t i;
	int rc = 0;

	if (s->argc + s->nenv > ENCL_CAS_STRINGS_MAX) {
		snprintf(err, errlen, "service '%s' has %zu strings, more than the %u a "
			 "configuration holds", s->name, s->argc + s->nenv, ENCL_CAS_STRINGS_MAX);
		return -1;
	}
	add_u32(&b, s->argc);
	add_u32(&b, s->nenv);
	for (i = 0; !rc && i < s->argc; i++)
		rc = add_string(p, NULL, s->argv[i], gen, ngen, &b, err, errlen);
	for (i = 0; !rc && i < s->nenv; i++)
		rc = add_string(p, s->env[i].name, s->env[i].value, gen, ngen, &b, err, errlen);
	if (!rc && b.failed) {
		snprintf(err, errlen, "service '%s': the configuration is larger than %u bytes "
			 "or memory ran out", s->name, ENCL_CAS_CONFIG_MAX);
		rc = -1;
	}
	if (rc) {
		if (b.p)
			OPENSSL_cleanse(b.p, b.cap);
		free(b.p);
		return -1;
	}
	*out = b.p;
	*len = b.len;
	return 0;
}

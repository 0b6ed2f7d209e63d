// SPDX-License-Identifier: MIT
/*
 * The .encl_meta section: sealing and validating it.
 */
#include <stdio.h>
#include <string.h>
#include <openssl/sha.h>

#include "image/meta.h"

void encl_meta_seal(struct encl_meta *m)
{
	SHA256((const unsigned char *)m, offsetof(struct encl_meta, checksum), m->checksum);
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

int encl_meta_read(const uint8_t *sec, size_t len, struct encl_meta *m, char *err, size_t errlen)
{
	uint8_t sum[SGX_HASH_SIZE];

	if (len != ENCL_META_SIZE) {
		snprintf(err, errlen, "bad %s section: %zu bytes, expected %d", ENCL_META_SECTION,
			 len, ENCL_META_SIZE);
		return -1;
	}
	if (all_zero(sec, len))
		return 0;
	memcpy(m, sec, sizeof(*m));
	if (memcmp(m->magic, ENCL_META_MAGIC, sizeof(m->magic))) {
		snprintf(err, errlen, "corrupted signature metadata (bad magic)");
		return -1;
	}
	if (m->version != ENCL_META_VERSION || m->length != sizeof(*m)) {
		snprintf(err, errlen, "signature metadata version %u is not supported (expected %d)",
			 m->version, ENCL_META_VERSION);
		return -1;
	}
	SHA256(sec, offsetof(struct encl_meta, checksum), sum);
	if (memcmp(sum, m->checksum, sizeof(sum)) || !all_zero(sec + sizeof(*m), len - sizeof(*m))) {
		snprintf(err, errlen, "corrupted signature metadata (checksum mismatch)");
		return -1;
	}
	return 1;
}

void encl_meta_get_config(const struct encl_meta *m, struct encl_config *c)
{
	c->heap = m->heap;
	c->min_heap = m->min_heap;
	c->stack = m->stack;
	c->enclave_size = m->enclave_size;
	c->tcs = m->tcs;
	c->cas_pinned = !!(m->flags & ENCL_META_CAS_PINNED);
	memcpy(c->cas_key, m->cas_key, sizeof(c->cas_key));
	/* Not stored twice: the signed XFRM is the SIGSTRUCTs' ATTRIBUTES.XFRM. */
	c->xfrm = m->sigstruct[ENCL_MODE_SGX1].attributes.xfrm;
}

void encl_meta_set_config(struct encl_meta *m, const struct encl_config *c)
{
	m->heap = c->heap;
	m->min_heap = c->min_heap;
	m->stack = c->stack;
	m->enclave_size = c->enclave_size;
	m->tcs = c->tcs;
	m->flags = (m->flags & ~ENCL_META_CAS_PINNED) | (c->cas_pinned ? ENCL_META_CAS_PINNED : 0);
	memcpy(m->cas_key, c->cas_key, sizeof(m->cas_key));
}

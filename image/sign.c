// SPDX-License-Identifier: MIT
/*
 * Signing both layouts of an enclave executable.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/sha.h>

#include "image/key.h"
#include "image/layout_build.h"
#include "image/sign.h"
#include "image/xfrm.h"

void encl_sigstruct_fields(enum encl_mode mode, int debug, uint64_t xfrm, uint16_t isvprodid,
			   uint16_t isvsvn, uint32_t date, const uint8_t mrenclave[SGX_HASH_SIZE],
			   struct sgx_sigstruct_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->date = date;
	f->attributes.flags = SGX_ATTR_MODE64BIT | (debug ? SGX_ATTR_DEBUG : 0);
	f->attributes.xfrm = xfrm;
	f->attributemask.flags = ~UINT64_C(0);
	f->attributemask.xfrm = ~UINT64_C(0);
	if (mode == ENCL_MODE_EDMM) {
		/* The EDMM runtime needs the #PF address to commit heap pages. */
		f->miscselect = SGX_MISC_EXINFO;
		f->miscmask = SGX_MISC_EXINFO;
	}
	memcpy(f->enclavehash, mrenclave, SGX_HASH_SIZE);
	f->isvprodid = isvprodid;
	f->isvsvn = isvsvn;
}

static uint32_t bcd(unsigned v, unsigned digits)
{
	uint32_t r = 0;
	unsigned i;

	for (i = 0; i < digits; i++, v /= 10)
		r |= (uint32_t)(v % 10) << (4 * i);
	return r;
}

int encl_sign_date(uint32_t *date, char *err, size_t errlen)
{
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	time_t t = time(NULL);
	struct tm tm;

	if (sde && *sde) {
		char *end;

		errno = 0;
		t = (time_t)strtoll(sde, &end, 10);
		if (errno || *end || t < 0) {
			snprintf(err, errlen, "SOURCE_DATE_EPOCH: invalid value '%s'", sde);
			return -1;
		}
	}
	if (!gmtime_r(&t, &tm) || tm.tm_year + 1900 > 9999) {
		snprintf(err, errlen, "cannot represent the signing date");
		return -1;
	}
	*date = bcd(tm.tm_year + 1900, 4) << 16 | bcd(tm.tm_mon + 1, 2) << 8 | bcd(tm.tm_mday, 2);
	return 0;
}

/*
 * The heap must fit the EDMM ELRANGE by the rule start-up applies
 * (abi/heap.h), or the EDMM identity could never run it.
 */
int encl_sign_check_fit(const struct encl_binary *b, const struct encl_config *c,
			struct encl_sign_fix *fix, char *err, size_t errlen)
{
	struct encl_heap_fit f;
	char x[32], y[32], z[32], w[32];

	fix->option = NULL;

	/* Without EDMM the signed heap is the whole heap range. */
	if (c->heap < ENCL_HEAP_RANGE_MIN) {
		snprintf(err, errlen, "heap %s is below the %s the memory manager needs for the SGX1 identity; raise it to --heap %s",
			 encl_size_format(c->heap, x), encl_size_format(ENCL_HEAP_RANGE_MIN, y),
			 encl_size_format(ENCL_HEAP_RANGE_MIN, z));
		fix->option = "--heap";
		encl_size_format(ENCL_HEAP_RANGE_MIN, fix->value);
		return -1;
	}
	if (encl_binary_heap_fit(b, c, c->heap, &f, err, errlen))
		return -1;
	if (f.fits)
		return 0;
	if (!f.enclave_size) {
		snprintf(err, errlen, "heap %s does not fit even the largest enclave (%s); lower --heap",
			 encl_size_format(c->heap, x), encl_size_format(ENCL_MAX_ENCLAVE_SIZE, y));
		return -1;
	}
	snprintf(err, errlen, "heap %s does not fit in the enclave size %s (room for %s of heap after the memory manager's metadata); raise it to --enclave-size %s or lower --heap",
		 encl_size_format(c->heap, x), encl_size_format(c->enclave_size, y),
		 encl_size_format(f.room, z), encl_size_format(f.enclave_size, w));
	fix->option = "--enclave-size";
	encl_size_format(f.enclave_size, fix->value);
	return -1;
}

static int sign_one(const struct encl_binary *b, const struct encl_sign_opts *o,
		    enum encl_mode mode, uint32_t date, EVP_PKEY *key,
		    struct sgx_sigstruct *ss, char *err, size_t errlen)
{
	struct sgx_sigstruct_fields f;
	uint8_t mr[SGX_HASH_SIZE];
	char why[256];

	if (encl_binary_mrenclave(b, &o->config, mode, mr, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s layout: %s", b->path, encl_mode_name(mode), why);
		return -1;
	}
	encl_sigstruct_fields(mode, !o->production, o->config.xfrm, o->isvprodid, o->isvsvn, date,
			      mr, &f);
	return sgx_sigstruct_sign(ss, &f, key, err, errlen);
}

int encl_sign_binary(const struct encl_binary *b, const struct encl_sign_opts *o,
		     char *err, size_t errlen)
{
	struct encl_sign_fix fix;
	struct encl_meta m;
	char keypath[4096];
	EVP_PKEY *key;
	uint32_t date;
	int ret = -1;

	if (encl_xfrm_check_program(&b->elf, o->config.xfrm, err, errlen) ||
	    encl_sign_check_fit(b, &o->config, &fix, err, errlen) ||
	    encl_sign_date(&date, err, errlen))
		return -1;
	key = encl_signing_key(o->key, keypath, sizeof(keypath), err, errlen);
	if (!key)
		return -1;
	memset(&m, 0, sizeof(m));
	m.flags = o->production ? 0 : ENCL_META_DEBUG;
	encl_meta_set_config(&m, &o->config);
	m.isvprodid = o->isvprodid;
	m.isvsvn = o->isvsvn;
	m.image_length = b->image_len;
	SHA256(b->image, b->image_len, m.image_sha256);
	if (!sign_one(b, o, ENCL_MODE_SGX1, date, key, &m.sigstruct[ENCL_MODE_SGX1], err, errlen) &&
	    !sign_one(b, o, ENCL_MODE_EDMM, date, key, &m.sigstruct[ENCL_MODE_EDMM], err, errlen))
		ret = encl_binary_write_meta(b, o->out ? o->out : b->path, &m, err, errlen);
	EVP_PKEY_free(key);
	return ret;
}

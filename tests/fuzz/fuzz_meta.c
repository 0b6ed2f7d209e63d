// SPDX-License-Identifier: MIT
/*
 * A `.encl_meta` section (image/meta.c), then the configuration it signs and
 * both SIGSTRUCTs. The input is the section's start (the rest is zeros, as
 * `encl sign` pads it). A SHA-256 checksum guards every field, which random
 * bytes never match: each input is read once as it is, and once more with
 * the checksum recomputed, so that the checks behind it are reached too.
 */
#include <string.h>

#include "image/config.h"
#include "image/meta.h"
#include "sgx/sigstruct.h"
#include "tests/fuzz/fuzz.h"

static void read_section(const uint8_t *sec)
{
	struct encl_config c;
	struct encl_meta m;
	char err[256];

	if (encl_meta_read(sec, ENCL_META_SIZE, &m, err, sizeof(err)))
		return;
	encl_meta_get_config(&m, &c);
	encl_config_finish(&c, err, sizeof(err));
	for (int i = 0; i < 2; i++)
		sgx_sigstruct_verify(&m.sigstruct[i], err, sizeof(err));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t sec[ENCL_META_SIZE];
	struct encl_meta m;

	if (size > ENCL_META_SIZE)
		return 0;
	memset(sec, 0, sizeof(sec));
	memcpy(sec, data, size);
	read_section(sec);
	memcpy(&m, sec, sizeof(m));
	encl_meta_seal(&m);
	memcpy(sec, &m, sizeof(m));
	read_section(sec);
	return 0;
}

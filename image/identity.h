/* SPDX-License-Identifier: MIT */
/*
 * The identities an enclave executable presents, one per layout, for the
 * effective configuration (signed parameters overridden by SCONE_* from the
 * environment, exactly as SCONE_HASH/SCONE_EDMM_HASH compute them).
 */
#ifndef ENCL_IMAGE_IDENTITY_H
#define ENCL_IMAGE_IDENTITY_H

#include <stddef.h>
#include <stdint.h>
#include "sgx/arch.h"

enum encl_mode { ENCL_MODE_SGX1 = 0, ENCL_MODE_EDMM = 1 };

struct encl_identity {
	enum encl_mode mode;
	uint8_t mrenclave[SGX_HASH_SIZE];	/* recomputed for the effective configuration */
	uint8_t mrsigner[SGX_HASH_SIZE];	/* from the signing key */
	uint16_t isvprodid;
	uint16_t isvsvn;
	int debug;				/* ATTRIBUTES.DEBUG as signed */
};

static inline const char *encl_mode_name(enum encl_mode m)
{
	return m == ENCL_MODE_EDMM ? "edmm" : "sgx1";
}

/*
 * Fill out[ENCL_MODE_SGX1] and out[ENCL_MODE_EDMM] for the executable at
 * @path. Returns 0, or -1 with a message naming the file in @err.
 */
int encl_identities(const char *path, struct encl_identity out[2], char *err, size_t errlen);

#endif

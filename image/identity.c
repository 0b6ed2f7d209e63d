// SPDX-License-Identifier: MIT
/*
 * The two identities of an enclave executable for the effective
 * configuration.
 */
#include <stdio.h>
#include <string.h>

#include "image/binary.h"
#include "image/identity.h"
#include "sgx/sigstruct.h"

static int identity(const struct encl_binary *b, const struct encl_config *c,
		    enum encl_mode mode, struct encl_identity *id, char *err, size_t errlen)
{
	const struct sgx_sigstruct *ss = encl_binary_sigstruct(b, mode);
	char why[256];

	memset(id, 0, sizeof(*id));
	id->mode = mode;
	if (encl_binary_mrenclave(b, c, mode, id->mrenclave, why, sizeof(why))) {
		snprintf(err, errlen, "%s: %s layout: %s", b->path, encl_mode_name(mode), why);
		return -1;
	}
	sgx_sigstruct_mrsigner(ss, id->mrsigner);
	id->isvprodid = ss->isvprodid;
	id->isvsvn = ss->isvsvn;
	id->debug = !!(ss->attributes.flags & SGX_ATTR_DEBUG);
	return 0;
}

int encl_identities(const char *path, struct encl_identity out[2], char *err, size_t errlen)
{
	struct encl_binary b;
	struct encl_config c;
	char why[256];
	int ret = -1;

	if (encl_binary_open(&b, path, 0, err, errlen))
		return -1;
	if (encl_binary_effective_config(&b, &c, why, sizeof(why)))
		snprintf(err, errlen, "%s", why);
	else if (!identity(&b, &c, ENCL_MODE_SGX1, &out[ENCL_MODE_SGX1], err, errlen) &&
		 !identity(&b, &c, ENCL_MODE_EDMM, &out[ENCL_MODE_EDMM], err, errlen))
		ret = 0;
	encl_binary_close(&b);
	return ret;
}

// SPDX-License-Identifier: MIT
/* The Linux SGX driver's checks before EINIT; see linux_driver.h. */
#include <errno.h>
#include <stdio.h>

#include "sgx/linux_driver.h"

void sgx_linux_masks_for(struct sgx_linux_masks *m, uint64_t attributes, uint32_t miscselect,
			 uint64_t xfrm)
{
	m->attributes = ~attributes | SGX_LINUX_ATTR_RESERVED;
	m->miscselect = ~miscselect | ~SGX_MISC_EXINFO;
	m->xfrm = ~xfrm;
}

int sgx_linux_einit_check(const struct sgx_linux_masks *m, uint64_t secs_attributes,
			  int provision, const struct sgx_sigstruct *ss, char *why, size_t len)
{
	uint64_t granted = SGX_LINUX_ATTR_UNPRIV | (provision ? SGX_ATTR_PROVISIONKEY : 0);
	uint64_t bad;

	if (ss->vendor != 0 && ss->vendor != SGX_SIGSTRUCT_VENDOR_INTEL) {
		snprintf(why, len, "SIGSTRUCT.VENDOR %#x is neither 0 nor 0x8086", ss->vendor);
		return -EINVAL;
	}
	bad = secs_attributes & ~granted;
	if (bad) {
		snprintf(why, len, "SECS.ATTRIBUTES %#llx has %#llx outside what the driver grants "
			 "(" SGX_LINUX_ATTR_GRANTED ")", (unsigned long long)secs_attributes,
			 (unsigned long long)bad);
		return -EACCES;
	}
	bad = ss->attributes.flags & ss->attributemask.flags & m->attributes;
	if (bad) {
		snprintf(why, len, "SIGSTRUCT requires ATTRIBUTES %#llx that this CPU or the kernel "
			 "does not support", (unsigned long long)bad);
		return -EINVAL;
	}
	bad = ss->miscselect & ss->miscmask & m->miscselect;
	if (bad) {
		snprintf(why, len, "SIGSTRUCT requires MISCSELECT %#llx that this CPU does not "
			 "support", (unsigned long long)bad);
		return -EINVAL;
	}
	bad = ss->attributes.xfrm & ss->attributemask.xfrm & m->xfrm;
	if (bad) {
		snprintf(why, len, "SIGSTRUCT requires XFRM %#llx that this CPU does not support",
			 (unsigned long long)bad);
		return -EINVAL;
	}
	return 0;
}

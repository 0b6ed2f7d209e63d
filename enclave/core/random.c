// SPDX-License-Identifier: MIT
/*
 * Randomness from inside the enclave: AT_RANDOM and getrandom() never ask
 * the host. RDRAND can transiently run dry; the SDM's guidance is to retry
 * a few times, and persistent failure means the enclave cannot produce
 * secrets safely, so it stops.
 */
#include <string.h>

#include "enclave/core/runtime.h"

#define RDRAND_RETRIES	32

static uint64_t rdrand(void)
{
	uint64_t v;

	for (int i = 0; i < RDRAND_RETRIES; i++)
		if (encl_rdrand64(&v))
			return v;
	encl_fatal("RDRAND returned no random data %d times in a row", RDRAND_RETRIES);
}

void encl_random(void *buf, uint64_t len)
{
	unsigned char *p = buf;

	while (len) {
		uint64_t v = rdrand();
		uint64_t n = len < sizeof(v) ? len : sizeof(v);

		memcpy(p, &v, n);
		v = 0;
		p += n;
		len -= n;
	}
}

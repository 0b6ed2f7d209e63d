// SPDX-License-Identifier: MIT
/*
 * The enclave's key pair for one attestation: P-256, made inside the
 * enclave. The service encrypts the configuration to it, so its private
 * half never leaves enclave memory and is wiped once the answer is read.
 */
#include <string.h>

#include <mbedtls/platform_util.h>

#include "enclave/attest/attest.h"

const char *attest_keygen(struct attest_key *k, attest_rng_fn rng, void *rng_ctx)
{
	size_t n = 0;

	mbedtls_ecp_keypair_init(&k->pair);
	if (mbedtls_ecp_gen_key(MBEDTLS_ECP_DP_SECP256R1, &k->pair, rng, rng_ctx))
		return "making the enclave's P-256 key failed";
	if (mbedtls_ecp_point_write_binary(&k->pair.grp, &k->pair.Q, MBEDTLS_ECP_PF_UNCOMPRESSED,
					   &n, k->pub, sizeof(k->pub)) || n != sizeof(k->pub))
		return "encoding the enclave's public key failed";
	return NULL;
}

void attest_key_wipe(struct attest_key *k)
{
	mbedtls_ecp_keypair_free(&k->pair);	/* zeroizes the private scalar */
	mbedtls_platform_zeroize(k, sizeof(*k));
}

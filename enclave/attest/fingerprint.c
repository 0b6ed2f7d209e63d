// SPDX-License-Identifier: MIT
/*
 * A key's fingerprint (abi/cas.h): SHA-256 of its DER SubjectPublicKeyInfo,
 * the same bytes `openssl pkey -pubin -outform DER | sha256sum` hashes, so
 * that the fingerprint the service prints is the one a pin names.
 */
#include <string.h>

#include <mbedtls/pk.h>
#include <mbedtls/sha256.h>

#include "enclave/attest/attest.h"

#define SPKI_MAX	128	/* a P-256 SubjectPublicKeyInfo is 91 bytes */

const char *attest_fingerprint(const uint8_t point[ENCL_P256_POINT_SIZE],
			       uint8_t fp[ENCL_CAS_FP_SIZE])
{
	unsigned char der[SPKI_MAX];
	const char *why = NULL;
	mbedtls_pk_context pk;
	mbedtls_ecp_keypair *ec;
	int n;

	mbedtls_pk_init(&pk);
	if (mbedtls_pk_setup(&pk, mbedtls_pk_info_from_type(MBEDTLS_PK_ECKEY))) {
		why = "setting up a public key failed";
		goto out;
	}
	ec = mbedtls_pk_ec(pk);
	if (mbedtls_ecp_group_load(&ec->grp, MBEDTLS_ECP_DP_SECP256R1) ||
	    mbedtls_ecp_point_read_binary(&ec->grp, &ec->Q, point, ENCL_P256_POINT_SIZE) ||
	    mbedtls_ecp_check_pubkey(&ec->grp, &ec->Q)) {
		why = "the service's key is not a P-256 point";
		goto out;
	}
	n = mbedtls_pk_write_pubkey_der(&pk, der, sizeof(der));
	if (n <= 0 || mbedtls_sha256_ret(der + sizeof(der) - n, (size_t)n, fp, 0))
		why = "fingerprinting the service's key failed";
out:
	mbedtls_pk_free(&pk);
	return why;
}

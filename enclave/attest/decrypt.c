// SPDX-License-Identifier: MIT
/*
 * Opening a verified answer (abi/cas.h): ECDH between the enclave's key
 * and the service's one-time key, HKDF-SHA256 salted with the nonce, and
 * AES-256-GCM with the answer's head as additional data. Every secret on
 * the way (the shared x, the AES key) is wiped before returning, and the
 * plaintext is left only where the tag checked.
 */
#include <string.h>

#include <mbedtls/ecdh.h>
#include <mbedtls/gcm.h>
#include <mbedtls/hkdf.h>
#include <mbedtls/platform_util.h>

#include "enclave/attest/attest.h"

#define AES256_KEY_SIZE	32
#define P256_COORD_SIZE	32

static const char *derive_key(const struct encl_cas_config *h, struct attest_key *k,
			      attest_rng_fn rng, void *rng_ctx, uint8_t key[AES256_KEY_SIZE])
{
	const char *why = NULL;
	uint8_t shared[P256_COORD_SIZE];
	mbedtls_ecp_point eph;
	mbedtls_mpi z;

	mbedtls_ecp_point_init(&eph);
	mbedtls_mpi_init(&z);
	if (mbedtls_ecp_point_read_binary(&k->pair.grp, &eph, h->ephemeral_key,
					  ENCL_P256_POINT_SIZE) ||
	    mbedtls_ecp_check_pubkey(&k->pair.grp, &eph)) {
		why = "the answer's ephemeral key is not a P-256 point";
		goto out;
	}
	if (mbedtls_ecdh_compute_shared(&k->pair.grp, &z, &eph, &k->pair.d, rng, rng_ctx) ||
	    mbedtls_mpi_write_binary(&z, shared, sizeof(shared))) {
		why = "the key agreement with the service failed";
		goto out;
	}
	if (mbedtls_hkdf(mbedtls_md_info_from_type(MBEDTLS_MD_SHA256), h->nonce, sizeof(h->nonce),
			 shared, sizeof(shared), (const unsigned char *)ENCL_CAS_HKDF_INFO,
			 sizeof(ENCL_CAS_HKDF_INFO) - 1, key, AES256_KEY_SIZE))
		why = "deriving the configuration key failed";
out:
	mbedtls_platform_zeroize(shared, sizeof(shared));
	mbedtls_mpi_free(&z);	/* zeroizes */
	mbedtls_ecp_point_free(&eph);
	return why;
}

const char *attest_decrypt(const uint8_t *answer, uint64_t len, struct attest_key *k,
			   attest_rng_fn rng, void *rng_ctx, uint8_t *plain, uint64_t *plain_len)
{
	struct encl_cas_config h;
	uint8_t key[AES256_KEY_SIZE];
	mbedtls_gcm_context gcm;
	const char *why;
	uint64_t n;

	/* attest_verify() checked the layout; the sizes are checked again here for safety. */
	if (len < sizeof(h))
		return "the service's answer is shorter than its head";
	memcpy(&h, answer, sizeof(h));
	if (h.ciphertext_size < ENCL_CAS_GCM_TAG_SIZE ||
	    h.ciphertext_size > ENCL_CAS_CONFIG_MAX + ENCL_CAS_GCM_TAG_SIZE ||
	    len < sizeof(h) + h.ciphertext_size)
		return "the service's answer has a ciphertext size out of range";
	n = h.ciphertext_size - ENCL_CAS_GCM_TAG_SIZE;
	why = derive_key(&h, k, rng, rng_ctx, key);
	if (why)
		goto out;
	mbedtls_gcm_init(&gcm);
	if (mbedtls_gcm_setkey(&gcm, MBEDTLS_CIPHER_ID_AES, key, 8 * AES256_KEY_SIZE))
		why = "setting up AES-256-GCM failed";
	else if (mbedtls_gcm_auth_decrypt(&gcm, n, h.iv, sizeof(h.iv), answer, sizeof(h),
					  answer + sizeof(h) + n, ENCL_CAS_GCM_TAG_SIZE,
					  answer + sizeof(h), plain))
		why = "the configuration does not decrypt: its tag does not match";
	mbedtls_gcm_free(&gcm);
	if (why)
		mbedtls_platform_zeroize(plain, n);
	else
		*plain_len = n;
out:
	mbedtls_platform_zeroize(key, sizeof(key));
	return why;
}

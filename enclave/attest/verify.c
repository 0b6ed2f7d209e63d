// SPDX-License-Identifier: MIT
/*
 * Judging the service's ATTEST_CONFIG answer before anything in it is
 * used: its layout and sizes, the service's key (the one the challenge
 * named, and the pinned one where there is a pin), the signature over the
 * head and the ciphertext, and only then what the signed head says: that
 * it answers this enclave's nonce, key and config id. A relay that
 * changes a byte fails the signature; an answer recorded for another
 * attestation fails the nonce or the key.
 */
#include <string.h>

#include <mbedtls/ecdsa.h>
#include <mbedtls/sha256.h>

#include "enclave/attest/attest.h"

static int zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return !acc;
}

static const char *check_layout(const struct encl_cas_config *h, uint64_t len)
{
	uint64_t ct = h->ciphertext_size;

	if (h->magic != ENCL_CAS_CONFIG_MAGIC || h->version != 1)
		return "the service's answer is not a version 1 configuration";
	if (!zero(h->reserved, sizeof(h->reserved)))
		return "the service's answer has reserved bytes set";
	if (ct < ENCL_CAS_GCM_TAG_SIZE || ct > ENCL_CAS_CONFIG_MAX + ENCL_CAS_GCM_TAG_SIZE)
		return "the service's answer has a ciphertext size out of range";
	if (len != sizeof(*h) + ct + ENCL_P256_SIG_SIZE)
		return "the service's answer is truncated or has trailing bytes";
	if (!memchr(h->config_id, 0, sizeof(h->config_id)))
		return "the service's answer has an unterminated config id";
	return NULL;
}

static const char *check_signature(const uint8_t *answer, uint64_t signed_len,
				   const uint8_t *service_key, const uint8_t *sig)
{
	const char *why = "bad signature: the answer is not signed by the service's key";
	uint8_t hash[32];
	mbedtls_ecp_group grp;
	mbedtls_ecp_point q;
	mbedtls_mpi r, s;

	mbedtls_ecp_group_init(&grp);
	mbedtls_ecp_point_init(&q);
	mbedtls_mpi_init(&r);
	mbedtls_mpi_init(&s);
	if (mbedtls_ecp_group_load(&grp, MBEDTLS_ECP_DP_SECP256R1) ||
	    mbedtls_ecp_point_read_binary(&grp, &q, service_key, ENCL_P256_POINT_SIZE) ||
	    mbedtls_ecp_check_pubkey(&grp, &q)) {
		why = "the service's key is not a P-256 point";
		goto out;
	}
	if (mbedtls_sha256_ret(answer, signed_len, hash, 0) ||
	    mbedtls_mpi_read_binary(&r, sig, ENCL_P256_SIG_SIZE / 2) ||
	    mbedtls_mpi_read_binary(&s, sig + ENCL_P256_SIG_SIZE / 2, ENCL_P256_SIG_SIZE / 2))
		goto out;
	if (mbedtls_ecdsa_verify(&grp, hash, sizeof(hash), &q, &r, &s) == 0)
		why = NULL;
out:
	mbedtls_mpi_free(&s);
	mbedtls_mpi_free(&r);
	mbedtls_ecp_point_free(&q);
	mbedtls_ecp_group_free(&grp);
	return why;
}

const char *attest_verify(const uint8_t *answer, uint64_t len, const struct attest_expect *e,
			  uint8_t fp[ENCL_CAS_FP_SIZE])
{
	struct encl_cas_config h;
	const char *why;
	uint64_t signed_len;

	if (len < sizeof(h))
		return "the service's answer is shorter than its head";
	memcpy(&h, answer, sizeof(h));
	why = check_layout(&h, len);
	if (why)
		return why;
	if (memcmp(h.service_key, e->service_key, ENCL_P256_POINT_SIZE))
		return "wrong key: the answer names another service key than the challenge";
	why = attest_fingerprint(h.service_key, fp);
	if (why)
		return why;
	if (e->pin && memcmp(fp, e->pin, ENCL_CAS_FP_SIZE))
		return "wrong key: the service's key is not the pinned one";
	signed_len = sizeof(h) + h.ciphertext_size;
	why = check_signature(answer, signed_len, h.service_key, answer + signed_len);
	if (why)
		return why;
	if (memcmp(h.nonce, e->nonce, ENCL_CAS_NONCE_SIZE))
		return "replayed or mismatched nonce: the answer is not for this attestation";
	if (memcmp(h.enclave_key, e->enclave_key, ENCL_P256_POINT_SIZE))
		return "wrong key: the answer is encrypted to another enclave's key";
	if (strcmp(h.config_id, e->config_id))
		return "the answer is for another config id";
	return NULL;
}

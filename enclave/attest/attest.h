/* SPDX-License-Identifier: MIT */
/*
 * The enclave's side of attestation (docs/attestation.md, abi/cas.h): one
 * file per step. The steps that judge the service's answer (verify.c,
 * decrypt.c, config.c) touch no enclave state and return NULL or the
 * reason they refused, so that the unit tests run them on the host too;
 * exchange.c turns a reason into the runtime's one fatal line.
 */
#ifndef ENCL_ENCLAVE_ATTEST_H
#define ENCL_ENCLAVE_ATTEST_H

#include <stddef.h>
#include <stdint.h>

#include <mbedtls/ecp.h>

#include "abi/cas.h"

/* The enclave's P-256 key pair, made for one attestation (keygen.c). */
struct attest_key {
	mbedtls_ecp_keypair pair;
	uint8_t pub[ENCL_P256_POINT_SIZE];	/* uncompressed */
};

/*
 * mbed TLS's memory (arena.c): @size bytes at @mem until attest_arena_end(),
 * which wipes what was used and returns how much that was.
 */
#define ATTEST_ARENA_SIZE	(4U << 20)	/* one attestation takes ~0.9M (test_attest) */
void attest_arena_begin(void *mem, uint64_t size);
uint64_t attest_arena_end(void);

/* mbed TLS's random-number callback signature. */
typedef int (*attest_rng_fn)(void *ctx, unsigned char *out, size_t len);

const char *attest_keygen(struct attest_key *k, attest_rng_fn rng, void *rng_ctx);
void attest_key_wipe(struct attest_key *k);

/* SHA-256 of @point's DER SubjectPublicKeyInfo: the key's fingerprint. */
const char *attest_fingerprint(const uint8_t point[ENCL_P256_POINT_SIZE],
			       uint8_t fp[ENCL_CAS_FP_SIZE]);

/* What the answer must match: what this enclave sent and was sent. */
struct attest_expect {
	const uint8_t *nonce;		/* the CHALLENGE's */
	const uint8_t *enclave_key;	/* ours, uncompressed */
	const uint8_t *service_key;	/* the CHALLENGE's */
	const char *config_id;
	const uint8_t *pin;		/* ENCL_CAS_FP_SIZE bytes, or NULL: no pin */
};

/*
 * An ATTEST_CONFIG body (@len bytes, already in enclave memory): its
 * layout, the service's key against the pin, the signature over the head
 * and the ciphertext, and that it answers this enclave's own evidence.
 * @fp receives the service key's fingerprint.
 */
const char *attest_verify(const uint8_t *answer, uint64_t len, const struct attest_expect *e,
			  uint8_t fp[ENCL_CAS_FP_SIZE]);

/*
 * Decrypt a verified answer into @plain (ENCL_CAS_CONFIG_MAX bytes);
 * *@plain_len the configuration's size. @rng blinds the ECDH. The shared
 * secret and the AES key are wiped.
 */
const char *attest_decrypt(const uint8_t *answer, uint64_t len, struct attest_key *k,
			   attest_rng_fn rng, void *rng_ctx, uint8_t *plain, uint64_t *plain_len);

/* REPORTDATA for the quote (report.c): the key bound to the nonce, abi/cas.h. */
void attest_reportdata(const uint8_t nonce[ENCL_CAS_NONCE_SIZE],
		       const uint8_t key[ENCL_P256_POINT_SIZE], uint8_t rd[64]);

struct sgx_targetinfo;
struct sgx_report;
/* EREPORT for @target; @out is 512-byte aligned. */
void attest_report(const struct sgx_targetinfo *target, const uint8_t reportdata[64],
		   struct sgx_report *out);

/* A decrypted configuration's shape (config.c). */
struct attest_config {
	uint32_t argc, envc;
	uint64_t bytes;			/* the strings with a NUL each */
};

/* Check the configuration's layout strictly; fill @c. */
const char *attest_config_parse(const uint8_t *plain, uint64_t len, struct attest_config *c);

/*
 * Copy a parsed configuration out: @vec gets argv, NULL, envp, NULL
 * (argc + envc + 2 pointers), the strings go to @strings (c->bytes).
 */
void attest_config_fill(const uint8_t *plain, const struct attest_config *c, char **vec,
			char *strings);

#endif

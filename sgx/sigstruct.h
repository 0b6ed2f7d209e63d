/* SPDX-License-Identifier: MIT */
/*
 * SIGSTRUCT construction, signing and verification (SDM 34.14 and EINIT's
 * checks in 38.1). RSA-3072 with e = 3, PKCS#1 v1.5 over SHA-256 of bytes
 * 0-127 followed by bytes 900-1027. Modulus, signature, Q1 and Q2 are stored
 * little endian. All cryptography is OpenSSL libcrypto's.
 */
#ifndef ENCL_SGX_SIGSTRUCT_H
#define ENCL_SGX_SIGSTRUCT_H

#include <stddef.h>
#include <stdint.h>
#include <openssl/evp.h>
#include "sgx/arch.h"

/* The fields a signer chooses; everything else is zero or architectural. */
struct sgx_sigstruct_fields {
	uint32_t vendor;
	uint32_t date;
	uint32_t swdefined;
	uint32_t miscselect;
	uint32_t miscmask;
	struct sgx_attributes attributes;
	struct sgx_attributes attributemask;
	uint8_t  enclavehash[SGX_HASH_SIZE];
	uint16_t isvprodid;
	uint16_t isvsvn;
	uint8_t  isvfamilyid[16];
	uint8_t  isvextprodid[16];
};

/*
 * Parse an RSA-3072, e = 3 private key from PEM bytes; @name labels the
 * messages (the caller's file name). On failure returns NULL and writes to
 * @err whether it was not a key, not RSA, not 3072-bit, or had the wrong
 * exponent. Reading and writing key files is image/key.c's job.
 */
EVP_PKEY *sgx_key_from_pem(const void *pem, size_t len, const char *name,
			   char *err, size_t errlen);

/* A new RSA-3072, e = 3 key, or NULL. */
EVP_PKEY *sgx_key_new(void);

/* @key as PKCS#1 PEM in a buffer the caller releases with OPENSSL_clear_free. */
int sgx_key_to_pem(EVP_PKEY *key, unsigned char **pem, size_t *len);

/* MRSIGNER of a key: SHA-256 of its little-endian modulus. Returns 0 or -1. */
int sgx_key_mrsigner(EVP_PKEY *key, uint8_t mrsigner[SGX_HASH_SIZE]);

/* Fill @ss from @f, sign with @key, compute Q1 and Q2. */
int sgx_sigstruct_sign(struct sgx_sigstruct *ss, const struct sgx_sigstruct_fields *f,
		       EVP_PKEY *key, char *err, size_t errlen);

/*
 * EINIT's own checks on a SIGSTRUCT: HEADER/HEADER2, EXPONENT = 3, the
 * signature against the embedded modulus, and Q1/Q2. Returns 0 or -1 with
 * the first failed check in @err.
 */
int sgx_sigstruct_verify(const struct sgx_sigstruct *ss, char *err, size_t errlen);

/* MRSIGNER: SHA-256 of the little-endian modulus. */
void sgx_sigstruct_mrsigner(const struct sgx_sigstruct *ss, uint8_t mrsigner[SGX_HASH_SIZE]);

#include "sgx/hex.h"

#endif

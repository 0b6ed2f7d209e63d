// SPDX-License-Identifier: MIT
/*
 * SIGSTRUCT: building, signing and EINIT's checks (SDM 34.14, 38.1 EINIT).
 *
 * The signature is RSA-3072 PKCS#1 v1.5 with SHA-256 over the two signed
 * ranges (bytes 0-127, then 900-1027) taken as one message. SGX stores the
 * modulus, signature, Q1 and Q2 little endian; OpenSSL speaks big endian,
 * so every crossing goes through BN_lebin2bn/BN_bn2lebinpad or a reversal.
 *
 * Q1 and Q2 let the CPU check s^3 mod N without a division:
 *   Q1 = floor(s^2 / N),  Q2 = floor((s^3 - Q1 * s * N) / N).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/param_build.h>
#include <openssl/pem.h>

#include "sgx/sigstruct.h"

static const uint8_t sigstruct_header[16] = {
	0x06, 0x00, 0x00, 0x00, 0xe1, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
};
static const uint8_t sigstruct_header2[16] = {
	0x01, 0x01, 0x00, 0x00, 0x60, 0x00, 0x00, 0x00,
	0x60, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00,
};

#define SGX_RSA_BITS	3072
#define SGX_RSA_EXP	3

/* The OpenSSL reason for the last failure, for messages; "" when none. */
static const char *ossl_reason(void)
{
	static __thread char buf[160];
	unsigned long e = ERR_peek_last_error();

	buf[0] = '\0';
	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

static void reverse(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		dst[i] = src[n - 1 - i];
}

/* ---- keys ------------------------------------------------------------- */

/* Never prompt: an encrypted key is refused rather than blocking on a tty. */
static int no_passphrase(char *buf, int size, int rwflag, void *u)
{
	(void)buf; (void)size; (void)rwflag; (void)u;
	return -1;
}

/* The SGX constraints on a key: RSA, 3072 bits, e = 3. */
static int key_check(EVP_PKEY *key, const char *name, char *err, size_t errlen)
{
	BIGNUM *e = NULL;
	char *dec;
	int bits;

	if (EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
		snprintf(err, errlen, "%s: not an RSA key (it is %s); SGX signs with RSA-3072, e = 3",
			 name, EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "unknown");
		return -1;
	}
	bits = EVP_PKEY_get_bits(key);
	if (bits != SGX_RSA_BITS) {
		snprintf(err, errlen, "%s: the RSA key is %d-bit; SGX needs a 3072-bit key", name, bits);
		return -1;
	}
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_E, &e)) {
		snprintf(err, errlen, "%s: cannot read the RSA public exponent", name);
		return -1;
	}
	if (!BN_is_word(e, SGX_RSA_EXP)) {
		dec = BN_bn2dec(e);
		snprintf(err, errlen, "%s: the RSA public exponent is %s; SGX needs exponent 3",
			 name, dec ? dec : "?");
		OPENSSL_free(dec);
		BN_free(e);
		return -1;
	}
	BN_free(e);
	return 0;
}

EVP_PKEY *sgx_key_from_pem(const void *pem, size_t len, const char *name,
			   char *err, size_t errlen)
{
	BIO *bio = BIO_new_mem_buf(pem, (int)len);
	EVP_PKEY *key;

	if (!bio || len > INT_MAX) {
		BIO_free(bio);
		snprintf(err, errlen, "%s: cannot read the key", name);
		return NULL;
	}
	key = PEM_read_bio_PrivateKey(bio, NULL, no_passphrase, NULL);
	BIO_free(bio);
	if (!key) {
		snprintf(err, errlen, "%s: not an unencrypted PEM private key (%s)", name, ossl_reason());
		return NULL;
	}
	if (key_check(key, name, err, errlen)) {
		EVP_PKEY_free(key);
		return NULL;
	}
	return key;
}

int sgx_key_to_pem(EVP_PKEY *key, unsigned char **pem, size_t *len)
{
	OSSL_ENCODER_CTX *ectx;
	int ret = -1;

	*pem = NULL;
	*len = 0;
	/* "type-specific" is PKCS#1 for RSA, the format the SGX tools expect. */
	ectx = OSSL_ENCODER_CTX_new_for_pkey(key, OSSL_KEYMGMT_SELECT_KEYPAIR, "PEM",
					     "type-specific", NULL);
	if (ectx && OSSL_ENCODER_to_data(ectx, pem, len))
		ret = 0;
	OSSL_ENCODER_CTX_free(ectx);
	return ret;
}

EVP_PKEY *sgx_key_new(void)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *key = NULL;
	BIGNUM *e = BN_new();

	if (!ctx || !e || !BN_set_word(e, SGX_RSA_EXP) ||
	    EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, SGX_RSA_BITS) <= 0 ||
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, e) <= 0 ||
	    EVP_PKEY_keygen(ctx, &key) <= 0) {
		EVP_PKEY_free(key);
		key = NULL;
	}
	BN_free(e);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

/*
 * The modulus N of @key, little endian as SIGSTRUCT.MODULUS holds it.
 * @n receives N (the caller frees it) or NULL. Returns 0 or -1.
 */
static int key_modulus(EVP_PKEY *key, uint8_t mod[SGX_MODULUS_SIZE], BIGNUM **n)
{
	*n = NULL;
	if (!EVP_PKEY_get_bn_param(key, OSSL_PKEY_PARAM_RSA_N, n) ||
	    BN_bn2lebinpad(*n, mod, SGX_MODULUS_SIZE) != SGX_MODULUS_SIZE)
		return -1;
	return 0;
}

/* MRSIGNER: SHA-256 of the little-endian modulus. */
static int mrsigner_of(const uint8_t mod[SGX_MODULUS_SIZE], uint8_t mrsigner[SGX_HASH_SIZE])
{
	return EVP_Digest(mod, SGX_MODULUS_SIZE, mrsigner, NULL, EVP_sha256(), NULL) ? 0 : -1;
}

int sgx_key_mrsigner(EVP_PKEY *key, uint8_t mrsigner[SGX_HASH_SIZE])
{
	uint8_t mod[SGX_MODULUS_SIZE];
	BIGNUM *n;
	int ret = key_modulus(key, mod, &n) || mrsigner_of(mod, mrsigner) ? -1 : 0;

	BN_free(n);
	return ret;
}

/* ---- Q1 and Q2 ------------------------------------------------------------- */

/* Q1 and Q2 (little endian) for signature @s under modulus @n. */
static int compute_q1q2(const BIGNUM *s, const BIGNUM *n,
			uint8_t q1[SGX_MODULUS_SIZE], uint8_t q2[SGX_MODULUS_SIZE])
{
	BN_CTX *bc = BN_CTX_new();
	BIGNUM *s2, *s3, *bq1, *bq2, *t;
	int ret = -1;

	if (!bc)
		return -1;
	BN_CTX_start(bc);
	s2 = BN_CTX_get(bc);
	s3 = BN_CTX_get(bc);
	bq1 = BN_CTX_get(bc);
	bq2 = BN_CTX_get(bc);
	t = BN_CTX_get(bc);
	if (!t ||
	    !BN_sqr(s2, s, bc) ||			/* s^2 */
	    !BN_div(bq1, NULL, s2, n, bc) ||		/* Q1 = s^2 / N */
	    !BN_mul(s3, s2, s, bc) ||			/* s^3 */
	    !BN_mul(t, bq1, s, bc) ||
	    !BN_mul(t, t, n, bc) ||			/* Q1 * s * N */
	    !BN_sub(t, s3, t) ||
	    !BN_div(bq2, NULL, t, n, bc))		/* Q2 */
		goto out;
	if (BN_bn2lebinpad(bq1, q1, SGX_MODULUS_SIZE) < 0 ||
	    BN_bn2lebinpad(bq2, q2, SGX_MODULUS_SIZE) < 0)
		goto out;
	ret = 0;
out:
	BN_CTX_end(bc);
	BN_CTX_free(bc);
	return ret;
}

/* The 256 signed bytes: 0-127 then 900-1027. */
static void signed_bytes(const struct sgx_sigstruct *ss, uint8_t msg[2 * SGX_SIGSTRUCT_SIGNED_LEN])
{
	const uint8_t *p = (const uint8_t *)ss;

	memcpy(msg, p + SGX_SIGSTRUCT_SIGNED1_OFF, SGX_SIGSTRUCT_SIGNED_LEN);
	memcpy(msg + SGX_SIGSTRUCT_SIGNED_LEN, p + SGX_SIGSTRUCT_SIGNED2_OFF,
	       SGX_SIGSTRUCT_SIGNED_LEN);
}

/* ---- signing ------------------------------------------------------------- */

static void sigstruct_fill(struct sgx_sigstruct *ss, const struct sgx_sigstruct_fields *f)
{
	memset(ss, 0, sizeof(*ss));
	memcpy(ss->header, sigstruct_header, sizeof(ss->header));
	ss->vendor = f->vendor;
	ss->date = f->date;
	memcpy(ss->header2, sigstruct_header2, sizeof(ss->header2));
	ss->swdefined = f->swdefined;
	ss->exponent = SGX_RSA_EXP;
	ss->miscselect = f->miscselect;
	ss->miscmask = f->miscmask;
	memcpy(ss->isvfamilyid, f->isvfamilyid, sizeof(ss->isvfamilyid));
	ss->attributes = f->attributes;
	ss->attributemask = f->attributemask;
	memcpy(ss->enclavehash, f->enclavehash, sizeof(ss->enclavehash));
	memcpy(ss->isvextprodid, f->isvextprodid, sizeof(ss->isvextprodid));
	ss->isvprodid = f->isvprodid;
	ss->isvsvn = f->isvsvn;
}

int sgx_sigstruct_sign(struct sgx_sigstruct *ss, const struct sgx_sigstruct_fields *f,
		       EVP_PKEY *key, char *err, size_t errlen)
{
	uint8_t msg[2 * SGX_SIGSTRUCT_SIGNED_LEN], sig[SGX_MODULUS_SIZE];
	EVP_MD_CTX *mctx = NULL;
	BIGNUM *n, *s = NULL;
	size_t siglen = sizeof(sig);
	int ret = -1;

	if (key_check(key, "signing key", err, errlen))
		return -1;
	sigstruct_fill(ss, f);
	if (key_modulus(key, ss->modulus, &n)) {
		snprintf(err, errlen, "cannot read the RSA modulus (%s)", ossl_reason());
		goto out;
	}
	signed_bytes(ss, msg);

	/* RSA keys sign with PKCS#1 v1.5 padding unless told otherwise. */
	mctx = EVP_MD_CTX_new();
	if (!mctx ||
	    EVP_DigestSignInit_ex(mctx, NULL, "SHA256", NULL, NULL, key, NULL) <= 0 ||
	    EVP_DigestSign(mctx, sig, &siglen, msg, sizeof(msg)) <= 0 ||
	    siglen != sizeof(sig)) {
		snprintf(err, errlen, "RSA signing failed (%s)", ossl_reason());
		goto out;
	}
	reverse(ss->signature, sig, sizeof(sig));

	s = BN_bin2bn(sig, sizeof(sig), NULL);
	if (!s || compute_q1q2(s, n, ss->q1, ss->q2)) {
		snprintf(err, errlen, "computing Q1 and Q2 failed (%s)", ossl_reason());
		goto out;
	}
	ret = 0;
out:
	EVP_MD_CTX_free(mctx);
	BN_free(n);
	BN_free(s);
	return ret;
}

/* ---- verification ------------------------------------------------------------ */

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* A public key from the SIGSTRUCT's own MODULUS and e = 3. */
static EVP_PKEY *pubkey_from(const BIGNUM *n)
{
	OSSL_PARAM_BLD *bld = OSSL_PARAM_BLD_new();
	OSSL_PARAM *params = NULL;
	EVP_PKEY_CTX *ctx = NULL;
	EVP_PKEY *key = NULL;
	BIGNUM *e = BN_new();

	if (!bld || !e || !BN_set_word(e, SGX_RSA_EXP) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_N, n) ||
	    !OSSL_PARAM_BLD_push_BN(bld, OSSL_PKEY_PARAM_RSA_E, e))
		goto out;
	params = OSSL_PARAM_BLD_to_param(bld);
	ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	if (!params || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
out:
	EVP_PKEY_CTX_free(ctx);
	OSSL_PARAM_free(params);
	OSSL_PARAM_BLD_free(bld);
	BN_free(e);
	return key;
}

/* HEADER, VENDOR, HEADER2, EXPONENT and the reserved fields (EINIT's first check). */
static int verify_fixed_fields(const struct sgx_sigstruct *ss, char *err, size_t errlen)
{
	const char *bad = NULL;

	if (memcmp(ss->header, sigstruct_header, sizeof(ss->header)))
		bad = "HEADER is not 06000000E10000000000010000000000";
	else if (ss->vendor != 0 && ss->vendor != SGX_SIGSTRUCT_VENDOR_INTEL)
		bad = "VENDOR is neither 0 nor 0x8086";
	else if (memcmp(ss->header2, sigstruct_header2, sizeof(ss->header2)))
		bad = "HEADER2 is not 01010000600000006000000001000000";
	else if (ss->exponent != SGX_RSA_EXP)
		bad = "EXPONENT is not 3";
	else if (!all_zero(ss->reserved1, sizeof(ss->reserved1)) ||
		 !all_zero(ss->reserved2, sizeof(ss->reserved2)) ||
		 !all_zero(ss->reserved3, sizeof(ss->reserved3)) ||
		 !all_zero(ss->reserved4, sizeof(ss->reserved4)))
		bad = "a reserved field is not zero";
	if (bad)
		snprintf(err, errlen, "%s", bad);
	return bad ? -1 : 0;
}

static int verify_signature(const struct sgx_sigstruct *ss, EVP_PKEY *pub,
			    char *err, size_t errlen)
{
	uint8_t msg[2 * SGX_SIGSTRUCT_SIGNED_LEN], sig[SGX_MODULUS_SIZE];
	EVP_MD_CTX *mctx = EVP_MD_CTX_new();
	int ok;

	signed_bytes(ss, msg);
	reverse(sig, ss->signature, sizeof(sig));
	ok = mctx &&
	     EVP_DigestVerifyInit_ex(mctx, NULL, "SHA256", NULL, NULL, pub, NULL) > 0 &&
	     EVP_DigestVerify(mctx, sig, sizeof(sig), msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(mctx);
	ERR_clear_error();
	if (!ok)
		snprintf(err, errlen, "SIGNATURE does not verify against MODULUS");
	return ok ? 0 : -1;
}

int sgx_sigstruct_verify(const struct sgx_sigstruct *ss, char *err, size_t errlen)
{
	uint8_t q1[SGX_MODULUS_SIZE], q2[SGX_MODULUS_SIZE];
	BIGNUM *n = NULL, *s = NULL;
	EVP_PKEY *pub = NULL;
	int ret = -1;

	if (verify_fixed_fields(ss, err, errlen))
		return -1;
	n = BN_lebin2bn(ss->modulus, sizeof(ss->modulus), NULL);
	s = BN_lebin2bn(ss->signature, sizeof(ss->signature), NULL);
	if (!n || !s) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (BN_num_bits(n) != SGX_RSA_BITS || !BN_is_odd(n)) {
		snprintf(err, errlen, "MODULUS is not a 3072-bit RSA modulus");
		goto out;
	}
	if (BN_cmp(s, n) >= 0) {
		snprintf(err, errlen, "SIGNATURE is not below MODULUS");
		goto out;
	}
	pub = pubkey_from(n);
	if (!pub) {
		snprintf(err, errlen, "MODULUS is not usable as an RSA key (%s)", ossl_reason());
		goto out;
	}
	if (verify_signature(ss, pub, err, errlen))
		goto out;
	if (compute_q1q2(s, n, q1, q2)) {
		snprintf(err, errlen, "computing Q1 and Q2 failed (%s)", ossl_reason());
		goto out;
	}
	if (memcmp(q1, ss->q1, sizeof(q1))) {
		snprintf(err, errlen, "Q1 is not floor(SIGNATURE^2 / MODULUS)");
		goto out;
	}
	if (memcmp(q2, ss->q2, sizeof(q2))) {
		snprintf(err, errlen, "Q2 is not floor((SIGNATURE^3 - Q1 * SIGNATURE * MODULUS) / MODULUS)");
		goto out;
	}
	ret = 0;
out:
	EVP_PKEY_free(pub);
	BN_free(n);
	BN_free(s);
	return ret;
}

void sgx_sigstruct_mrsigner(const struct sgx_sigstruct *ss, uint8_t mrsigner[SGX_HASH_SIZE])
{
	mrsigner_of(ss->modulus, mrsigner);
}

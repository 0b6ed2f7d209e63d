/* SPDX-License-Identifier: MIT */
/* ECDSA P-256 over SHA-256 with the wire's raw r || s signatures (abi/cas.h). */
#include <openssl/ec.h>
#include <openssl/evp.h>
#include "cas/cas.h"

int encl_cas_sign(EVP_PKEY *key, const void *data, size_t len, uint8_t sig[ENCL_P256_SIG_SIZE])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[80];
	const unsigned char *p = der;
	size_t n = sizeof(der);
	ECDSA_SIG *s = NULL;
	int rc = -1;

	if (md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(md, der, &n, data, len) == 1 && (s = d2i_ECDSA_SIG(NULL, &p, n)) &&
	    BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, 32) == 32 &&
	    BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + 32, 32) == 32)
		rc = 0;
	ECDSA_SIG_free(s);
	EVP_MD_CTX_free(md);
	return rc;
}

int encl_cas_verify(EVP_PKEY *key, const void *data, size_t len,
		    const uint8_t sig[ENCL_P256_SIG_SIZE])
{
	ECDSA_SIG *s = ECDSA_SIG_new();
	BIGNUM *r = BN_bin2bn(sig, 32, NULL), *sv = BN_bin2bn(sig + 32, 32, NULL);
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char *der = NULL;
	int n, rc = -1;

	if (!s || !r || !sv || !md || !ECDSA_SIG_set0(s, r, sv)) {
		BN_free(r);
		BN_free(sv);
		goto out;
	}
	n = i2d_ECDSA_SIG(s, &der);
	if (n > 0 && EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(md, der, n, data, len) == 1)
		rc = 0;
out:
	OPENSSL_free(der);
	EVP_MD_CTX_free(md);
	ECDSA_SIG_free(s);
	return rc;
}

// SPDX-License-Identifier: MIT
/*
 * The simulator's quoting enclave (docs/attestation.md, "Quotes"): an
 * identity of its own, the TARGETINFO enclaves make their REPORTs for, and
 * ENCL_QUOTE_SIM quotes (abi/cas.h). As a real quoting enclave does, it
 * trusts a REPORT only after checking its MAC with its own report key
 * (EGETKEY, host/sim/keys.c), then signs the report body with its quoting
 * key.
 *
 * The quoting key is a P-256 key made once per process, and travels in
 * every quote: a sim quote shows that the report was not changed on the
 * way to the service, nothing about who made it. The service accepts one
 * only for sessions that tolerate `simulation`.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "abi/cas.h"
#include "host/sim/keys.h"
#include "host/sim/quote.h"

/* The quoting enclave's MRENCLAVE is SHA-256 of this label. */
#define SIM_QE_LABEL	"encl simulated quoting enclave v1"

static EVP_PKEY *quoting_key;
static pthread_once_t qe_once = PTHREAD_ONCE_INIT;

static void qe_init(void)
{
	quoting_key = EVP_EC_gen("P-256");
}

void sim_quote_target(struct sgx_targetinfo *ti)
{
	memset(ti, 0, sizeof(*ti));
	EVP_Digest(SIM_QE_LABEL, sizeof(SIM_QE_LABEL) - 1, ti->mrenclave, NULL, EVP_sha256(), NULL);
	ti->attributes.flags = SGX_ATTR_INIT | SGX_ATTR_MODE64BIT;
	ti->attributes.xfrm = SGX_XFRM_LEGACY;
}

/* ECDSA P-256 over SHA-256 of @msg, as raw r || s. */
static int sign_raw(const uint8_t *msg, size_t len, uint8_t sig[ENCL_P256_SIG_SIZE])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[128];
	const unsigned char *p = der;
	size_t n = sizeof(der);
	ECDSA_SIG *s = NULL;
	int ok;

	ok = md && EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, quoting_key) == 1 &&
	     EVP_DigestSign(md, der, &n, msg, len) == 1 &&
	     (s = d2i_ECDSA_SIG(NULL, &p, (long)n)) != NULL &&
	     BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, 32) == 32 &&
	     BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + 32, 32) == 32;
	ECDSA_SIG_free(s);
	EVP_MD_CTX_free(md);
	return ok ? 0 : -1;
}

int64_t sim_quote(const struct sgx_report *rep, void *out, uint64_t room)
{
	struct sgx_targetinfo qe;
	struct encl_quote q;
	size_t n = 0;
	int r;

	if (room < sizeof(q))
		return -ENOSPC;
	pthread_once(&qe_once, qe_init);
	if (!quoting_key)
		return -ENOMEM;
	sim_quote_target(&qe);
	r = sim_report_check(&qe, rep);
	if (r)
		return r > 0 ? -EBADMSG : -ENOMEM;	/* a REPORT not made for this QE */
	memset(&q, 0, sizeof(q));
	q.magic = ENCL_QUOTE_MAGIC;
	q.version = 1;
	q.type = ENCL_QUOTE_SIM;
	_Static_assert(sizeof(q.report_body) == sizeof(rep->body), "report body");
	memcpy(q.report_body, &rep->body, sizeof(q.report_body));
	if (EVP_PKEY_get_octet_string_param(quoting_key, OSSL_PKEY_PARAM_PUB_KEY, q.quoting_key,
					    sizeof(q.quoting_key), &n) != 1 ||
	    n != sizeof(q.quoting_key) ||
	    sign_raw((const uint8_t *)&q, offsetof(struct encl_quote, signature), q.signature))
		return -ENOMEM;
	memcpy(out, &q, sizeof(q));
	return sizeof(q);
}

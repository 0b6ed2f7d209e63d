// SPDX-License-Identifier: MIT
/*
 * The simulator's quoting enclave (host/sim/quote.c): a REPORT made for it
 * (its MAC from EREPORT's key derivation, host/sim/keys.c) is quoted, the
 * quote's signature checks with the key it carries, and a REPORT whose MAC
 * is wrong, or made for another enclave, is refused.
 */
#include <errno.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include "abi/cas.h"
#include "host/sim/keys.h"
#include "host/sim/quote.h"
#include "tests/harness.h"

/* What EREPORT writes for an enclave reporting to @ti. */
static void make_report(const struct sgx_targetinfo *ti, struct sgx_report *rep)
{
	memset(rep, 0, sizeof(*rep));
	memset(rep->body.mrenclave, 0xab, sizeof(rep->body.mrenclave));
	memset(rep->body.reportdata, 0x5c, sizeof(rep->body.reportdata));
	rep->body.attributes.flags = SGX_ATTR_INIT | SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
	rep->body.attributes.xfrm = SGX_XFRM_LEGACY;
	CHECK(sim_report_mac(ti, rep) == 0);
}

static int quote_verifies(const struct encl_quote *q)
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "P-256", 0),
		OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)q->quoting_key,
					sizeof(q->quoting_key)),
		OSSL_PARAM_END,
	};
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *k = NULL;
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	ECDSA_SIG *s = ECDSA_SIG_new();
	unsigned char *der = NULL;
	int n, ok;

	CHECK(c && EVP_PKEY_fromdata_init(c) == 1);
	CHECK(EVP_PKEY_fromdata(c, &k, EVP_PKEY_PUBLIC_KEY, params) == 1);
	CHECK(ECDSA_SIG_set0(s, BN_bin2bn(q->signature, 32, NULL),
			     BN_bin2bn(q->signature + 32, 32, NULL)) == 1);
	n = i2d_ECDSA_SIG(s, &der);
	CHECK(n > 0);
	ok = EVP_DigestVerifyInit(md, NULL, EVP_sha256(), NULL, k) == 1 &&
	     EVP_DigestVerify(md, der, (size_t)n, (const unsigned char *)q,
			      offsetof(struct encl_quote, signature)) == 1;
	OPENSSL_free(der);
	ECDSA_SIG_free(s);
	EVP_MD_CTX_free(md);
	EVP_PKEY_free(k);
	EVP_PKEY_CTX_free(c);
	return ok;
}

static void test_good_report_quoted(void)
{
	struct sgx_targetinfo qe, again;
	struct sgx_report rep;
	struct encl_quote q;
	uint8_t label_hash[32];
	static const char label[] = "encl simulated quoting enclave v1";

	sim_quote_target(&qe);
	sim_quote_target(&again);
	CHECK(memcmp(&qe, &again, sizeof(qe)) == 0);	/* a fixed identity */
	CHECK(EVP_Digest(label, sizeof(label) - 1, label_hash, NULL, EVP_sha256(), NULL) == 1);
	CHECK(memcmp(qe.mrenclave, label_hash, sizeof(label_hash)) == 0);

	make_report(&qe, &rep);
	CHECK_EQ_INT(sim_quote(&rep, &q, sizeof(q)), sizeof(q));
	CHECK(q.magic == ENCL_QUOTE_MAGIC && q.version == 1 && q.type == ENCL_QUOTE_SIM);
	CHECK(memcmp(q.report_body, &rep.body, sizeof(q.report_body)) == 0);
	CHECK(quote_verifies(&q));
	q.report_body[100] ^= 1;
	CHECK(!quote_verifies(&q));
	CHECK_EQ_INT(sim_quote(&rep, &q, sizeof(q) - 1), -ENOSPC);
}

static void test_bad_mac_refused(void)
{
	struct sgx_targetinfo qe, other;
	struct sgx_report rep;
	struct encl_quote q;

	sim_quote_target(&qe);
	make_report(&qe, &rep);
	rep.mac[3] ^= 0x10;
	CHECK_EQ_INT(sim_quote(&rep, &q, sizeof(q)), -EBADMSG);
	rep.mac[3] ^= 0x10;
	rep.body.reportdata[0] ^= 1;	/* the body changed after EREPORT */
	CHECK_EQ_INT(sim_quote(&rep, &q, sizeof(q)), -EBADMSG);

	other = qe;
	other.mrenclave[0] ^= 1;	/* a REPORT for another enclave */
	make_report(&other, &rep);
	CHECK_EQ_INT(sim_quote(&rep, &q, sizeof(q)), -EBADMSG);
}

int main(void)
{
	HARNESS_PLAN(2);
	RUN(test_good_report_quoted);
	RUN(test_bad_mac_refused);
	HARNESS_EXIT();
}

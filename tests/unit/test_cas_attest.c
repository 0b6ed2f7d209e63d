// SPDX-License-Identifier: MIT
/*
 * The service's side of attestation (cas/attest.c): a simulation quote made
 * here with OpenSSL over a REPORT body made here, accepted once, and each
 * way it is refused; the CONFIG answer decrypted and checked here with
 * OpenSSL, so that the format round-trips as abi/cas.h says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include "cas/cas.h"
#include "sgx/arch.h"
#include "tests/harness.h"

#define MRE "1111111111111111111111111111111111111111111111111111111111111111"
#define OWNER "0000000000000000000000000000000000000000000000000000000000000000"

static const char session_sim[] =
	"name: s\nversion: \"0.3\"\nservices:\n  - name: svc\n    attestation:\n"
	"      - mrenclave: [" MRE "]\n"
	"    command: [prog, \"--pw=$$SCONE::pw$$\"]\n"
	"    environment:\n      KEY: $$SCONE::k$$\n      BIN: $$SCONE::b$$\n"
	"secrets:\n  - name: pw\n    kind: ascii\n    size: 20\n"
	"  - name: k\n    kind: hex\n    value: \"c0ffee\"\n"
	"  - name: b\n    kind: hex\n    size: 4\n"
	"security:\n  attestation:\n    tolerate: [simulation]\n";

static const char session_hw[] =
	"name: hw\nversion: \"0.3\"\nservices:\n  - name: svc\n    attestation:\n"
	"      - mrenclave: [" MRE "]\n";

static struct encl_cas_db *db;
static struct encl_cas_attest *att;
static EVP_PKEY *identity, *quoting, *enclave;
static char dir[] = "/tmp/test_cas_attest.XXXXXX";
static char log_[1024];

static void put_session(const char *yaml)
{
	char *ans;
	size_t n;

	CHECK_EQ_INT(encl_cas_session_request(db, OWNER, ENCL_CAS_SESSION_CREATE,
					      (const uint8_t *)yaml, strlen(yaml), &ans, &n),
		     ENCL_CAS_OK);
	free(ans);
}

/* HELLO for @id; the nonce, or 0 when refused (with the answer in log_). */
static int hello(const char *id, uint8_t nonce[ENCL_CAS_NONCE_SIZE])
{
	uint8_t *ans;
	size_t n;
	uint16_t t = encl_cas_attest_hello(att, (const uint8_t *)id, strlen(id), &ans, &n,
					   log_, sizeof(log_));

	if (t == ENCL_CAS_ATTEST_CHALLENGE && n == sizeof(struct encl_cas_challenge))
		memcpy(nonce, ((struct encl_cas_challenge *)ans)->nonce, ENCL_CAS_NONCE_SIZE);
	free(ans);
	return t == ENCL_CAS_ATTEST_CHALLENGE;
}

enum tamper { NONE, BAD_SIG, OTHER_MRE, DEBUG, BAD_REPORTDATA, DCAP };

struct ev {
	struct encl_cas_evidence e;
	struct encl_quote q;
} __attribute__((packed));

static void make_evidence(struct ev *ev, const uint8_t nonce[ENCL_CAS_NONCE_SIZE],
			  const char *id, enum tamper how)
{
	struct sgx_report_body *r = (struct sgx_report_body *)ev->q.report_body;
	EVP_MD_CTX *md = EVP_MD_CTX_new();

	memset(ev, 0, sizeof(*ev));
	memcpy(ev->e.nonce, nonce, ENCL_CAS_NONCE_SIZE);
	CHECK(!encl_cas_point(enclave, ev->e.enclave_key));
	ev->e.quote_size = sizeof(ev->q);
	snprintf(ev->e.config_id, sizeof(ev->e.config_id), "%s", id);
	ev->q.magic = ENCL_QUOTE_MAGIC;
	ev->q.version = 1;
	ev->q.type = how == DCAP ? ENCL_QUOTE_DCAP : ENCL_QUOTE_SIM;
	memset(r->mrenclave, how == OTHER_MRE ? 0x22 : 0x11, SGX_HASH_SIZE);
	memset(r->mrsigner, 0x33, SGX_HASH_SIZE);
	r->attributes.flags = SGX_ATTR_INIT | SGX_ATTR_MODE64BIT | (how == DEBUG ? SGX_ATTR_DEBUG : 0);
	EVP_DigestInit_ex(md, EVP_sha256(), NULL);
	EVP_DigestUpdate(md, ENCL_CAS_REPORTDATA_LABEL, strlen(ENCL_CAS_REPORTDATA_LABEL));
	EVP_DigestUpdate(md, nonce, ENCL_CAS_NONCE_SIZE);
	EVP_DigestUpdate(md, ev->e.enclave_key, ENCL_P256_POINT_SIZE);
	EVP_DigestFinal_ex(md, r->reportdata, NULL);
	EVP_MD_CTX_free(md);
	if (how == BAD_REPORTDATA)
		r->reportdata[0] ^= 1;
	CHECK(!encl_cas_point(quoting, ev->q.quoting_key));
	CHECK(!encl_cas_sign(quoting, &ev->q, offsetof(struct encl_quote, signature),
			     ev->q.signature));
	if (how == BAD_SIG)
		r->isvsvn = 7;	/* after signing: a relay changed it */
}

/* EVIDENCE: the answer type, the body in *ans. */
static uint16_t evidence(const struct ev *ev, uint8_t **ans, size_t *n)
{
	return encl_cas_attest_evidence(att, (const uint8_t *)ev, sizeof(*ev), ans, n,
					log_, sizeof(log_));
}

/* A fresh nonce, evidence tampered as @how, and the refusal must name @what. */
static void refused(const char *id, enum tamper how, const char *what)
{
	uint8_t nonce[ENCL_CAS_NONCE_SIZE], *ans;
	struct ev ev;
	size_t n;

	CHECK(hello(id, nonce));
	make_evidence(&ev, nonce, id, how);
	CHECK_EQ_INT(evidence(&ev, &ans, &n), ENCL_CAS_ERROR);
	CHECK(ans && n == strlen((char *)ans));
	CHECK_STR_CONTAINS((char *)ans, what);
	free(ans);
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Decrypt and check a CONFIG as an enclave would, with OpenSSL only. */
static void open_config(const uint8_t *body, size_t n, const uint8_t nonce[ENCL_CAS_NONCE_SIZE],
			const char *want[], size_t nwant)
{
	const struct encl_cas_config *h = (const void *)body;
	uint8_t point[ENCL_P256_POINT_SIZE], shared[32], key[32], pt[4096];
	EVP_PKEY *eph = NULL, *svc = NULL;
	EVP_PKEY_CTX *dh, *kdf;
	EVP_CIPHER_CTX *gcm;
	size_t len = sizeof(shared), i, off;
	int outl, ptlen;

	CHECK(n >= sizeof(*h) + ENCL_P256_SIG_SIZE);
	if (n < sizeof(*h) + ENCL_P256_SIG_SIZE)
		return;
	CHECK_EQ_INT(h->magic, ENCL_CAS_CONFIG_MAGIC);
	CHECK_EQ_INT(h->version, 1);
	CHECK_EQ_INT(n, sizeof(*h) + h->ciphertext_size + ENCL_P256_SIG_SIZE);
	CHECK(!memcmp(h->nonce, nonce, ENCL_CAS_NONCE_SIZE));
	CHECK(!encl_cas_point(enclave, point) && !memcmp(point, h->enclave_key, sizeof(point)));
	CHECK(!encl_cas_point(identity, point) && !memcmp(point, h->service_key, sizeof(point)));
	CHECK(!strcmp(h->config_id, "s/svc"));
	svc = encl_cas_point_key(h->service_key);
	CHECK(svc && !encl_cas_verify(svc, body, sizeof(*h) + h->ciphertext_size,
				      body + sizeof(*h) + h->ciphertext_size));
	eph = encl_cas_point_key(h->ephemeral_key);
	dh = EVP_PKEY_CTX_new(enclave, NULL);
	CHECK(eph && dh && EVP_PKEY_derive_init(dh) > 0 && EVP_PKEY_derive_set_peer(dh, eph) > 0 &&
	      EVP_PKEY_derive(dh, shared, &len) > 0 && len == 32);
	kdf = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	len = sizeof(key);
	CHECK(EVP_PKEY_derive_init(kdf) > 0 && EVP_PKEY_CTX_set_hkdf_md(kdf, EVP_sha256()) > 0 &&
	      EVP_PKEY_CTX_set1_hkdf_salt(kdf, nonce, ENCL_CAS_NONCE_SIZE) > 0 &&
	      EVP_PKEY_CTX_set1_hkdf_key(kdf, shared, 32) > 0 &&
	      EVP_PKEY_CTX_add1_hkdf_info(kdf, (const unsigned char *)ENCL_CAS_HKDF_INFO,
					  strlen(ENCL_CAS_HKDF_INFO)) > 0 &&
	      EVP_PKEY_derive(kdf, key, &len) > 0);
	gcm = EVP_CIPHER_CTX_new();
	ptlen = h->ciphertext_size - ENCL_CAS_GCM_TAG_SIZE;
	CHECK(ptlen > 0 && (size_t)ptlen <= sizeof(pt));
	CHECK(EVP_DecryptInit_ex(gcm, EVP_aes_256_gcm(), NULL, key, h->iv) == 1 &&
	      EVP_DecryptUpdate(gcm, NULL, &outl, body, sizeof(*h)) == 1 &&
	      EVP_DecryptUpdate(gcm, pt, &outl, body + sizeof(*h), ptlen) == 1 &&
	      EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_SET_TAG, ENCL_CAS_GCM_TAG_SIZE,
				  (void *)(body + sizeof(*h) + ptlen)) == 1 &&
	      EVP_DecryptFinal_ex(gcm, pt + outl, &outl) == 1);
	/* argc, envc, then length-prefixed strings */
	CHECK_EQ_INT(le32(pt), 2);
	CHECK_EQ_INT(le32(pt + 4), 2);
	for (i = 0, off = 8; i < nwant && off + 4 <= (size_t)ptlen; i++) {
		uint32_t l = le32(pt + off);
		char s[256];

		snprintf(s, sizeof(s), "%.*s", (int)l, pt + off + 4);
		CHECK_EQ_INT(strncmp(s, want[i], strlen(want[i])), 0);
		if (i == 1)	/* "--pw=" and 20 generated letters and digits */
			CHECK(l == 25 && strspn(s + 5, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") == 20);
		if (i == 3)	/* BIN= and 4 generated bytes in hex */
			CHECK(l == 12 && strspn(s + 4, "0123456789abcdef") == 8);
		off += 4 + l;
	}
	CHECK_EQ_INT(off, ptlen);
	EVP_CIPHER_CTX_free(gcm);
	EVP_PKEY_CTX_free(kdf);
	EVP_PKEY_CTX_free(dh);
	EVP_PKEY_free(eph);
	EVP_PKEY_free(svc);
}

static void test_accepted_config_round_trips(void)
{
	static const char *want[] = { "prog", "--pw=", "KEY=c0ffee", "BIN=" };
	uint8_t nonce[ENCL_CAS_NONCE_SIZE], *ans;
	struct ev ev;
	size_t n;

	CHECK(hello("s/svc", nonce));
	make_evidence(&ev, nonce, "s/svc", NONE);
	CHECK_EQ_INT(evidence(&ev, &ans, &n), ENCL_CAS_ATTEST_CONFIG);
	CHECK_STR_CONTAINS(log_, "accepted");
	CHECK_STR_CONTAINS(log_, "simulation");
	open_config(ans, n, nonce, want, 4);
	free(ans);
	/* the same evidence again: its nonce is spent */
	CHECK_EQ_INT(evidence(&ev, &ans, &n), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS((char *)ans, "replayed or unknown nonce");
	free(ans);
}

static void test_refusals(void)
{
	refused("s/svc", BAD_SIG, "bad quote signature");
	refused("s/svc", OTHER_MRE, "policy mismatch for MRENCLAVE "
		"2222222222222222222222222222222222222222222222222222222222222222");
	refused("s/svc", DEBUG, "debug-mode");
	refused("s/svc", BAD_REPORTDATA, "REPORTDATA mismatch");
	refused("s/svc", DCAP, "DCAP quote verification is not built in");
	refused("hw/svc", NONE, "simulation not tolerated");
}

static void test_hello_refusals(void)
{
	uint8_t nonce[ENCL_CAS_NONCE_SIZE];

	CHECK(!hello("nosuch/svc", nonce));
	CHECK_STR_CONTAINS(log_, "unknown session 'nosuch'");
	CHECK(!hello("s/nosuch", nonce));
	CHECK_STR_CONTAINS(log_, "unknown service 'nosuch'");
	CHECK(!hello("no-slash", nonce));
	CHECK_STR_CONTAINS(log_, "is not session/service");
}

/* A nonce issued for one config id is no good for another. */
static void test_nonce_bound_to_config_id(void)
{
	uint8_t nonce[ENCL_CAS_NONCE_SIZE], *ans;
	struct ev ev;
	size_t n;

	CHECK(hello("hw/svc", nonce));
	make_evidence(&ev, nonce, "s/svc", NONE);
	CHECK_EQ_INT(evidence(&ev, &ans, &n), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS((char *)ans, "replayed or unknown nonce");
	free(ans);
	/* and a truncated evidence is malformed, not a crash */
	CHECK_EQ_INT(encl_cas_attest_evidence(att, (const uint8_t *)&ev, sizeof(ev) - 1, &ans, &n,
					      log_, sizeof(log_)), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS((char *)ans, "malformed evidence");
	free(ans);
}

/* A nonce is good for its time to live: evidence that comes later is refused. */
static void test_nonce_expires(void)
{
	struct encl_cas_attest *usual = att;
	uint8_t nonce[ENCL_CAS_NONCE_SIZE], *ans;
	struct ev ev;
	size_t n;

	att = encl_cas_attest_new(db, identity, 1);
	CHECK(att != NULL);
	if (!att) {
		att = usual;
		return;
	}
	CHECK(hello("s/svc", nonce));
	make_evidence(&ev, nonce, "s/svc", NONE);
	sleep(2);	/* the clock counts whole seconds: 2 is more than 1 */
	CHECK_EQ_INT(evidence(&ev, &ans, &n), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS((char *)ans, "replayed or unknown nonce");
	CHECK_STR_CONTAINS((char *)ans, "for 1 s");
	free(ans);
	/* in time, the same evidence for a new nonce is accepted */
	CHECK(hello("s/svc", nonce));
	make_evidence(&ev, nonce, "s/svc", NONE);
	CHECK_EQ_INT(evidence(&ev, &ans, &n), ENCL_CAS_ATTEST_CONFIG);
	free(ans);
	encl_cas_attest_free(att);
	att = usual;
}

int main(void)
{
	char path[64], err[256];

	HARNESS_PLAN(5);
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/cas.db", dir);
	db = encl_cas_db_open(path, err, sizeof(err));
	identity = EVP_EC_gen("P-256");
	quoting = EVP_EC_gen("P-256");
	enclave = EVP_EC_gen("P-256");
	att = db && identity ? encl_cas_attest_new(db, identity, ENCL_CAS_NONCE_TTL) : NULL;
	if (!att) {
		fprintf(stderr, "set-up failed: %s\n", err);
		return 1;
	}
	put_session(session_sim);
	put_session(session_hw);
	RUN(test_accepted_config_round_trips);
	RUN(test_refusals);
	RUN(test_hello_refusals);
	RUN(test_nonce_bound_to_config_id);
	RUN(test_nonce_expires);
	encl_cas_attest_free(att);
	encl_cas_db_close(db);
	EVP_PKEY_free(identity);
	EVP_PKEY_free(quoting);
	EVP_PKEY_free(enclave);
	snprintf(path, sizeof(path), "rm -rf %s", dir);
	if (system(path))
		return 1;
	HARNESS_EXIT();
}

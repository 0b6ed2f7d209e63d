/* SPDX-License-Identifier: MIT */
/*
 * The service's side of an enclave's attestation (docs/attestation.md, "The
 * enclave's side"): HELLO gets a nonce; EVIDENCE is checked -- nonce, quote
 * type, quote signature, REPORTDATA, the report against the service's
 * policy -- and answered with the service's configuration sealed to the
 * enclave's key and signed with the service's identity key.
 */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include "cas/cas.h"
#include "sgx/arch.h"

#define NONCES_MAX	4096

struct nonce {
	uint8_t v[ENCL_CAS_NONCE_SIZE];
	char config_id[ENCL_CAS_CONFIG_ID_MAX];
	time_t issued;			/* CLOCK_MONOTONIC seconds; 0: free */
};

struct encl_cas_attest {
	struct encl_cas_db *db;
	EVP_PKEY *identity;
	uint8_t service_key[ENCL_P256_POINT_SIZE];
	unsigned nonce_ttl;		/* seconds */
	pthread_mutex_t lock;
	struct nonce nonce[NONCES_MAX];
};

static time_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + 1;	/* never 0, which marks a free slot */
}

struct encl_cas_attest *encl_cas_attest_new(struct encl_cas_db *db, EVP_PKEY *identity,
					    unsigned nonce_ttl)
{
	struct encl_cas_attest *a = calloc(1, sizeof(*a));

	if (!a)
		return NULL;
	if (encl_cas_point(identity, a->service_key)) {
		free(a);
		return NULL;
	}
	a->db = db;
	a->identity = identity;
	a->nonce_ttl = nonce_ttl;
	pthread_mutex_init(&a->lock, NULL);
	return a;
}

void encl_cas_attest_free(struct encl_cas_attest *a)
{
	if (!a)
		return;
	pthread_mutex_destroy(&a->lock);
	free(a);
}

static uint16_t refuse(uint8_t **ans, size_t *anslen, char *log, size_t loglen,
		       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The one line goes both to the enclave and to the service's log. */
static uint16_t refuse(uint8_t **ans, size_t *anslen, char *log, size_t loglen,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(log, loglen, fmt, ap);
	va_end(ap);
	*anslen = strlen(log);
	*ans = (uint8_t *)strdup(log);
	if (!*ans)
		*anslen = 0;
	return ENCL_CAS_ERROR;
}

/*
 * Session @id ("session/service") and its service, parsed from the
 * database. 0, or 1 with the reason in @err.
 */
static int lookup(struct encl_cas_attest *a, const char *id, struct encl_policy **p,
		  const struct encl_policy_service **s, char *err, size_t errlen)
{
	struct encl_cas_stored st;
	char session[ENCL_CAS_CONFIG_ID_MAX];
	const char *slash = strrchr(id, '/');
	int rc;

	if (!slash || slash == id || !slash[1]) {
		snprintf(err, errlen, "config id '%.255s' is not session/service", id);
		return 1;
	}
	snprintf(session, sizeof(session), "%.*s", (int)(slash - id), id);
	rc = encl_cas_db_get(a->db, session, &st, err, errlen);
	if (rc)
		return 1;
	*p = encl_policy_parse_string(session, st.yaml, st.len, err, errlen);
	encl_cas_stored_free(&st);
	if (!*p)
		return 1;
	*s = encl_policy_service(*p, slash + 1);
	if (!*s) {
		snprintf(err, errlen, "unknown service '%s' in session '%s'", slash + 1, session);
		encl_policy_free(*p);
		return 1;
	}
	return 0;
}

static int all_zero(const uint8_t *v, size_t n)
{
	while (n--)
		if (*v++)
			return 0;
	return 1;
}

/* A config id in a body or a struct: printable, then only NULs up to @len. */
static int config_id(const char *v, size_t len, char out[ENCL_CAS_CONFIG_ID_MAX])
{
	size_t i, n = strnlen(v, len);

	if (!n || n >= ENCL_CAS_CONFIG_ID_MAX || !all_zero((const uint8_t *)v + n, len - n))
		return -1;
	for (i = 0; i < n; i++)
		if ((unsigned char)v[i] < 0x20 || v[i] == 0x7f)
			return -1;
	memmove(out, v, n);
	out[n] = 0;
	return 0;
}

uint16_t encl_cas_attest_hello(struct encl_cas_attest *a, const uint8_t *body, size_t len,
			       uint8_t **ans, size_t *anslen, char *log, size_t loglen)
{
	struct encl_cas_challenge *c;
	char id[ENCL_CAS_CONFIG_ID_MAX], err[512];
	const struct encl_policy_service *s;
	struct encl_policy *p;
	struct nonce *slot = NULL;
	time_t t = now();
	size_t i;

	log[0] = 0;
	if (len >= ENCL_CAS_CONFIG_ID_MAX || config_id((const char *)body, len, id))
		return refuse(ans, anslen, log, loglen, "attestation refused: the config id must "
			      "be session/service, 1 to %u printable bytes",
			      ENCL_CAS_CONFIG_ID_MAX - 1);
	if (lookup(a, id, &p, &s, err, sizeof(err)))
		return refuse(ans, anslen, log, loglen, "attestation of '%s' refused: %s", id, err);
	encl_policy_free(p);
	c = calloc(1, sizeof(*c));
	if (!c)
		return refuse(ans, anslen, log, loglen, "out of memory");
	if (RAND_bytes(c->nonce, sizeof(c->nonce)) != 1) {
		free(c);
		return refuse(ans, anslen, log, loglen, "no randomness for a nonce");
	}
	memcpy(c->service_key, a->service_key, sizeof(c->service_key));
	pthread_mutex_lock(&a->lock);
	for (i = 0; i < NONCES_MAX; i++) {
		struct nonce *n = &a->nonce[i];

		if (n->issued && t - n->issued > a->nonce_ttl)
			n->issued = 0;
		if (!n->issued && !slot)
			slot = n;
	}
	if (slot) {
		memcpy(slot->v, c->nonce, sizeof(slot->v));
		memcpy(slot->config_id, id, sizeof(id));
		slot->issued = t;
	}
	pthread_mutex_unlock(&a->lock);
	if (!slot) {
		free(c);
		return refuse(ans, anslen, log, loglen, "attestation of '%s' refused: %u "
			      "attestations are pending; try again in a minute", id, NONCES_MAX);
	}
	*ans = (uint8_t *)c;
	*anslen = sizeof(*c);
	return ENCL_CAS_ATTEST_CHALLENGE;
}

/* Take the nonce: it is good once, for @id, within the nonce's time to live. */
static int take_nonce(struct encl_cas_attest *a, const uint8_t v[ENCL_CAS_NONCE_SIZE],
		      const char *id)
{
	time_t t = now();
	int rc = -1;
	size_t i;

	pthread_mutex_lock(&a->lock);
	for (i = 0; i < NONCES_MAX; i++) {
		struct nonce *n = &a->nonce[i];

		if (!n->issued || CRYPTO_memcmp(n->v, v, ENCL_CAS_NONCE_SIZE))
			continue;
		if (t - n->issued <= a->nonce_ttl && !strcmp(n->config_id, id))
			rc = 0;
		n->issued = 0;
		break;
	}
	pthread_mutex_unlock(&a->lock);
	return rc;
}

/*
 * Encrypt @pt to @enclave_key (abi/cas.h, struct encl_cas_config) and sign
 * it: the whole CONFIG body in *out.
 */
static int seal(struct encl_cas_attest *a, const struct encl_cas_evidence *ev,
		const char *id, const uint8_t *pt, size_t ptlen, uint8_t **out, size_t *outlen,
		char *err, size_t errlen)
{
	EVP_PKEY *eph = NULL, *peer = NULL;
	EVP_PKEY_CTX *dh = NULL, *kdf = NULL;
	EVP_CIPHER_CTX *gcm = NULL;
	struct encl_cas_config *h;
	uint8_t shared[32], key[32], *body = NULL, *ct;
	size_t n = sizeof(shared), total;
	int outl, rc = -1;

	total = sizeof(*h) + ptlen + ENCL_CAS_GCM_TAG_SIZE + ENCL_P256_SIG_SIZE;
	body = calloc(1, total);
	peer = encl_cas_point_key(ev->enclave_key);
	if (!peer) {
		snprintf(err, errlen, "the enclave key is not a P-256 point");
		goto out;
	}
	eph = EVP_EC_gen("P-256");
	dh = eph ? EVP_PKEY_CTX_new(eph, NULL) : NULL;
	kdf = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	gcm = EVP_CIPHER_CTX_new();
	if (!body || !dh || !kdf || !gcm || EVP_PKEY_derive_init(dh) <= 0 ||
	    EVP_PKEY_derive_set_peer(dh, peer) <= 0 || EVP_PKEY_derive(dh, shared, &n) <= 0 ||
	    n != sizeof(shared))
		goto crypto;
	n = sizeof(key);
	if (EVP_PKEY_derive_init(kdf) <= 0 || EVP_PKEY_CTX_set_hkdf_md(kdf, EVP_sha256()) <= 0 ||
	    EVP_PKEY_CTX_set1_hkdf_salt(kdf, ev->nonce, ENCL_CAS_NONCE_SIZE) <= 0 ||
	    EVP_PKEY_CTX_set1_hkdf_key(kdf, shared, sizeof(shared)) <= 0 ||
	    EVP_PKEY_CTX_add1_hkdf_info(kdf, (const unsigned char *)ENCL_CAS_HKDF_INFO,
					strlen(ENCL_CAS_HKDF_INFO)) <= 0 ||
	    EVP_PKEY_derive(kdf, key, &n) <= 0)
		goto crypto;
	h = (struct encl_cas_config *)body;
	h->magic = ENCL_CAS_CONFIG_MAGIC;
	h->version = 1;
	memcpy(h->nonce, ev->nonce, sizeof(h->nonce));
	memcpy(h->enclave_key, ev->enclave_key, sizeof(h->enclave_key));
	memcpy(h->service_key, a->service_key, sizeof(h->service_key));
	if (encl_cas_point(eph, h->ephemeral_key) || RAND_bytes(h->iv, sizeof(h->iv)) != 1)
		goto crypto;
	h->ciphertext_size = ptlen + ENCL_CAS_GCM_TAG_SIZE;
	snprintf(h->config_id, sizeof(h->config_id), "%s", id);
	ct = body + sizeof(*h);
	if (EVP_EncryptInit_ex(gcm, EVP_aes_256_gcm(), NULL, key, h->iv) != 1 ||
	    EVP_EncryptUpdate(gcm, NULL, &outl, body, sizeof(*h)) != 1 ||
	    EVP_EncryptUpdate(gcm, ct, &outl, pt, ptlen) != 1 ||
	    EVP_EncryptFinal_ex(gcm, ct + outl, &outl) != 1 ||
	    EVP_CIPHER_CTX_ctrl(gcm, EVP_CTRL_GCM_GET_TAG, ENCL_CAS_GCM_TAG_SIZE,
				ct + ptlen) != 1 ||
	    encl_cas_sign(a->identity, body, sizeof(*h) + h->ciphertext_size,
			  ct + h->ciphertext_size))
		goto crypto;
	*out = body;
	*outlen = total;
	body = NULL;
	rc = 0;
	goto out;
crypto:
	snprintf(err, errlen, "cannot seal the configuration: %s", encl_cas_ssl_error());
out:
	OPENSSL_cleanse(shared, sizeof(shared));
	OPENSSL_cleanse(key, sizeof(key));
	free(body);
	EVP_CIPHER_CTX_free(gcm);
	EVP_PKEY_CTX_free(kdf);
	EVP_PKEY_CTX_free(dh);
	EVP_PKEY_free(eph);
	EVP_PKEY_free(peer);
	return rc;
}

/* The quote's own checks: format, type as tolerated, signature. 0, or 1 with @err. */
static int check_quote(const struct encl_quote *q, const struct encl_policy *p,
		       char *err, size_t errlen)
{
	EVP_PKEY *qk;
	int bad;

	if (q->magic != ENCL_QUOTE_MAGIC || q->version != 1) {
		snprintf(err, errlen, "not a quote (magic %#x, version %u)", q->magic, q->version);
		return 1;
	}
	if (q->type == ENCL_QUOTE_DCAP) {
		snprintf(err, errlen, "DCAP quote verification is not built in (docs/attestation.md, "
			 "Hardware)");
		return 1;
	}
	if (q->type != ENCL_QUOTE_SIM) {
		snprintf(err, errlen, "unknown quote type %u", q->type);
		return 1;
	}
	if (!(p->tolerate & ENCL_TOLERATE_SIMULATION)) {
		snprintf(err, errlen, "simulation not tolerated: the quote is from the simulator; "
			 "add security: attestation: tolerate: [simulation] to the session to "
			 "accept it");
		return 1;
	}
	qk = encl_cas_point_key(q->quoting_key);
	bad = !qk || encl_cas_verify(qk, q, offsetof(struct encl_quote, signature), q->signature);
	EVP_PKEY_free(qk);
	if (bad) {
		snprintf(err, errlen, "bad quote signature: the quote was changed after it was made");
		return 1;
	}
	return 0;
}

static int check_reportdata(const struct sgx_report_body *r, const struct encl_cas_evidence *ev)
{
	uint8_t want[SGX_HASH_SIZE];
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	int ok = md && EVP_DigestInit_ex(md, EVP_sha256(), NULL) &&
		 EVP_DigestUpdate(md, ENCL_CAS_REPORTDATA_LABEL,
				  strlen(ENCL_CAS_REPORTDATA_LABEL)) &&
		 EVP_DigestUpdate(md, ev->nonce, sizeof(ev->nonce)) &&
		 EVP_DigestUpdate(md, ev->enclave_key, sizeof(ev->enclave_key)) &&
		 EVP_DigestFinal_ex(md, want, NULL);

	EVP_MD_CTX_free(md);
	return ok && !CRYPTO_memcmp(r->reportdata, want, sizeof(want)) &&
	       all_zero(r->reportdata + 32, 32) ? 0 : -1;
}

uint16_t encl_cas_attest_evidence(struct encl_cas_attest *a, const uint8_t *body, size_t len,
				  uint8_t **ans, size_t *anslen, char *log, size_t loglen)
{
	const struct encl_cas_evidence *ev = (const void *)body;
	const struct encl_quote *q = (const void *)(body + sizeof(*ev));
	const struct sgx_report_body *r = (const void *)q->report_body;
	char id[ENCL_CAS_CONFIG_ID_MAX], err[512], reason[768], mr[2 * SGX_HASH_SIZE + 1];
	struct encl_cas_secret_value *gen = NULL;
	const struct encl_policy_service *s;
	struct encl_identity ident = { 0 };
	struct encl_policy *p;
	uint8_t *pt = NULL;
	size_t ngen = 0, ptlen = 0;
	uint16_t type;

	log[0] = 0;
	if (len < sizeof(*ev) || ev->quote_size != len - sizeof(*ev) ||
	    ev->quote_size != sizeof(*q) || !all_zero(ev->reserved, sizeof(ev->reserved)) ||
	    !all_zero(q->reserved, sizeof(q->reserved)) ||
	    config_id(ev->config_id, sizeof(ev->config_id), id))
		return refuse(ans, anslen, log, loglen, "attestation refused: malformed evidence "
			      "(%zu bytes; expected %zu with a %zu-byte quote)", len,
			      sizeof(*ev) + sizeof(*q), sizeof(*q));
	if (take_nonce(a, ev->nonce, id))
		return refuse(ans, anslen, log, loglen, "attestation of '%s' refused: replayed or "
			      "unknown nonce (each nonce is good once, for its config id, for %u s)",
			      id, a->nonce_ttl);
	if (lookup(a, id, &p, &s, err, sizeof(err)))
		return refuse(ans, anslen, log, loglen, "attestation of '%s' refused: %s", id, err);
	sgx_hex(r->mrenclave, SGX_HASH_SIZE, mr);
	if (check_quote(q, p, err, sizeof(err))) {
		type = refuse(ans, anslen, log, loglen, "attestation of '%s' refused: %s", id, err);
		goto out;
	}
	if (check_reportdata(r, ev)) {
		type = refuse(ans, anslen, log, loglen, "attestation of '%s' refused: REPORTDATA "
			      "mismatch: the report does not bind this nonce and enclave key", id);
		goto out;
	}
	memcpy(ident.mrenclave, r->mrenclave, SGX_HASH_SIZE);
	memcpy(ident.mrsigner, r->mrsigner, SGX_HASH_SIZE);
	ident.isvprodid = r->isvprodid;
	ident.isvsvn = r->isvsvn;
	ident.debug = !!(r->attributes.flags & SGX_ATTR_DEBUG);
	if (encl_policy_eval(p, s, &ident, 0, reason, sizeof(reason)) != ENCL_POLICY_ACCEPTED) {
		type = refuse(ans, anslen, log, loglen, "attestation of '%s' refused: policy "
			      "mismatch for MRENCLAVE %s: %s", id, mr, reason);
		goto out;
	}
	if (encl_cas_db_secrets(a->db, p->name, &gen, &ngen, err, sizeof(err)) ||
	    encl_cas_config_plaintext(p, s, gen, ngen, &pt, &ptlen, err, sizeof(err)) ||
	    seal(a, ev, id, pt, ptlen, ans, anslen, err, sizeof(err))) {
		type = refuse(ans, anslen, log, loglen, "attestation of '%s' failed: %s", id, err);
		goto out;
	}
	snprintf(log, loglen, "attestation of '%s' accepted: MRENCLAVE %s, simulation quote "
		 "(proves nothing about hardware): %s", id, mr, reason);
	type = ENCL_CAS_ATTEST_CONFIG;
out:
	if (pt)
		OPENSSL_cleanse(pt, ptlen);
	free(pt);
	encl_cas_secrets_free(gen, ngen);
	encl_policy_free(p);
	return type;
}

// SPDX-License-Identifier: MIT
/*
 * The enclave's judgement of the service's answer (enclave/attest/: verify,
 * decrypt, config), run on the host with mbed TLS's host build, against
 * answers made here with OpenSSL the way abi/cas.h says the service makes
 * them. Every check must refuse the one thing it is there for.
 */
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>
#include <openssl/x509.h>

#include "cas/cas.h"
#include "enclave/attest/arena.c"
#include "enclave/attest/config.c"
#include "enclave/attest/decrypt.c"
#include "enclave/attest/fingerprint.c"
#include "enclave/attest/keygen.c"
#include "enclave/attest/verify.c"
#include "tests/harness.h"

#define ID	"my-session/my-service"

static int test_rng(void *ctx, unsigned char *out, size_t len)
{
	(void)ctx;
	return RAND_bytes(out, (int)len) == 1 ? 0 : -1;
}

static EVP_PKEY *p256_new(void)
{
	EVP_PKEY *k = EVP_EC_gen("P-256");

	CHECK(k);
	return k;
}

/* The service's own key helpers (cas/tls.c): the enclave must agree with them. */
static void p256_point(EVP_PKEY *k, uint8_t out[ENCL_P256_POINT_SIZE])
{
	CHECK(encl_cas_point(k, out) == 0);
}

static EVP_PKEY *p256_from_point(const uint8_t point[ENCL_P256_POINT_SIZE])
{
	EVP_PKEY *k = encl_cas_point_key(point);

	CHECK(k != NULL);
	return k;
}

static void openssl_fingerprint(EVP_PKEY *k, uint8_t fp[ENCL_CAS_FP_SIZE])
{
	CHECK(encl_cas_fingerprint(k, fp) == 0);
}

/* The world of one attestation: the service's key and what the enclave sent. */
static struct {
	EVP_PKEY *service, *other_service;
	uint8_t service_key[ENCL_P256_POINT_SIZE];
	uint8_t other_key[ENCL_P256_POINT_SIZE];
	uint8_t fp[ENCL_CAS_FP_SIZE];
	uint8_t nonce[ENCL_CAS_NONCE_SIZE];
	struct attest_key enclave;
} w;

/* How to make one answer: the fields a test wants wrong. */
struct make {
	const uint8_t *nonce, *enclave_key, *service_key;
	const char *config_id;
	EVP_PKEY *signer;
	const uint8_t *plain;
	size_t plain_len;
	int wrong_salt;		/* derive the AES key with another salt */
	int32_t ct_delta;	/* added to ciphertext_size after encrypting */
};

static void sign_raw(EVP_PKEY *k, const uint8_t *msg, size_t len, uint8_t sig[ENCL_P256_SIG_SIZE])
{
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	unsigned char der[80];
	const unsigned char *p = der;
	size_t n = sizeof(der);
	ECDSA_SIG *s;

	CHECK(EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL, k) == 1);
	CHECK(EVP_DigestSign(md, der, &n, msg, len) == 1);
	EVP_MD_CTX_free(md);
	s = d2i_ECDSA_SIG(NULL, &p, (long)n);
	CHECK(s);
	CHECK(BN_bn2binpad(ECDSA_SIG_get0_r(s), sig, 32) == 32);
	CHECK(BN_bn2binpad(ECDSA_SIG_get0_s(s), sig + 32, 32) == 32);
	ECDSA_SIG_free(s);
}

static void service_key_of(EVP_PKEY *eph, const uint8_t *enclave_key, const uint8_t *salt,
			   uint8_t key[32])
{
	EVP_PKEY *peer = p256_from_point(enclave_key);
	EVP_PKEY_CTX *c = EVP_PKEY_CTX_new(eph, NULL);
	uint8_t x[32];
	size_t n = sizeof(x);

	CHECK(EVP_PKEY_derive_init(c) == 1 && EVP_PKEY_derive_set_peer(c, peer) == 1);
	CHECK(EVP_PKEY_derive(c, x, &n) == 1 && n == 32);
	EVP_PKEY_CTX_free(c);
	EVP_PKEY_free(peer);

	c = EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, NULL);
	n = 32;
	CHECK(EVP_PKEY_derive_init(c) == 1);
	CHECK(EVP_PKEY_CTX_set_hkdf_md(c, EVP_sha256()) == 1);
	CHECK(EVP_PKEY_CTX_set1_hkdf_salt(c, salt, ENCL_CAS_NONCE_SIZE) == 1);
	CHECK(EVP_PKEY_CTX_set1_hkdf_key(c, x, sizeof(x)) == 1);
	CHECK(EVP_PKEY_CTX_add1_hkdf_info(c, (const unsigned char *)ENCL_CAS_HKDF_INFO,
					  sizeof(ENCL_CAS_HKDF_INFO) - 1) == 1);
	CHECK(EVP_PKEY_derive(c, key, &n) == 1 && n == 32);
	EVP_PKEY_CTX_free(c);
}

/* An ATTEST_CONFIG body as the service makes it; its size in *@len. */
static uint8_t *make_answer(const struct make *m, uint64_t *len)
{
	struct encl_cas_config h = { .magic = ENCL_CAS_CONFIG_MAGIC, .version = 1 };
	EVP_PKEY *eph = p256_new();
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t key[32], salt[ENCL_CAS_NONCE_SIZE], *out;
	size_t ct = m->plain_len + ENCL_CAS_GCM_TAG_SIZE;
	int n;

	memcpy(h.nonce, m->nonce ? m->nonce : w.nonce, sizeof(h.nonce));
	memcpy(h.enclave_key, m->enclave_key ? m->enclave_key : w.enclave.pub, sizeof(h.enclave_key));
	memcpy(h.service_key, m->service_key ? m->service_key : w.service_key, sizeof(h.service_key));
	p256_point(eph, h.ephemeral_key);
	CHECK(RAND_bytes(h.iv, sizeof(h.iv)) == 1);
	h.ciphertext_size = (uint32_t)ct;
	strcpy(h.config_id, m->config_id ? m->config_id : ID);

	memcpy(salt, h.nonce, sizeof(salt));
	if (m->wrong_salt)
		salt[0] ^= 1;
	service_key_of(eph, h.enclave_key, salt, key);
	EVP_PKEY_free(eph);

	out = malloc(sizeof(h) + ct + ENCL_P256_SIG_SIZE);
	CHECK(out);
	memcpy(out, &h, sizeof(h));
	CHECK(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, h.iv) == 1);
	CHECK(EVP_EncryptUpdate(c, NULL, &n, out, sizeof(h)) == 1);
	CHECK(EVP_EncryptUpdate(c, out + sizeof(h), &n, m->plain, (int)m->plain_len) == 1);
	CHECK(EVP_EncryptFinal_ex(c, out + sizeof(h) + n, &n) == 1);
	CHECK(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, ENCL_CAS_GCM_TAG_SIZE,
				  out + sizeof(h) + m->plain_len) == 1);
	EVP_CIPHER_CTX_free(c);
	if (m->ct_delta) {
		h.ciphertext_size = (uint32_t)(ct + m->ct_delta);
		memcpy(out, &h, sizeof(h));
	}
	sign_raw(m->signer ? m->signer : w.service, out, sizeof(h) + ct, out + sizeof(h) + ct);
	*len = sizeof(h) + ct + ENCL_P256_SIG_SIZE;
	return out;
}

/* argc 2, envc 2: what a session's command and environment become. */
static size_t good_plain(uint8_t *p)
{
	static const char *s[] = { "my-service", "--port", "DB_PASSWORD=s3cret", "MODE=prod" };
	size_t at = 8;
	uint32_t v = 2;

	memcpy(p, &v, 4);
	memcpy(p + 4, &v, 4);
	for (unsigned i = 0; i < 4; i++) {
		v = (uint32_t)strlen(s[i]);
		memcpy(p + at, &v, 4);
		memcpy(p + at + 4, s[i], v);
		at += 4 + v;
	}
	return at;
}

static const char *judge(const uint8_t *ans, uint64_t len, const uint8_t *pin, uint8_t *plain,
			 uint64_t *plain_len)
{
	struct attest_expect e = {
		.nonce = w.nonce, .enclave_key = w.enclave.pub, .service_key = w.service_key,
		.config_id = ID, .pin = pin,
	};
	uint8_t fp[ENCL_CAS_FP_SIZE];
	const char *why = attest_verify(ans, len, &e, fp);

	if (why)
		return why;
	CHECK(memcmp(fp, w.fp, sizeof(fp)) == 0);
	return attest_decrypt(ans, len, &w.enclave, test_rng, NULL, plain, plain_len);
}

static uint8_t plain_in[1024], plain_out[ENCL_CAS_CONFIG_MAX];

static void setup(void)
{
	w.service = p256_new();
	w.other_service = p256_new();
	p256_point(w.service, w.service_key);
	p256_point(w.other_service, w.other_key);
	openssl_fingerprint(w.service, w.fp);
	CHECK(RAND_bytes(w.nonce, sizeof(w.nonce)) == 1);
	CHECK(attest_keygen(&w.enclave, test_rng, NULL) == NULL);
}

static void test_fingerprint_is_openssls(void)
{
	uint8_t fp[ENCL_CAS_FP_SIZE];

	CHECK(attest_fingerprint(w.service_key, fp) == NULL);
	CHECK(memcmp(fp, w.fp, sizeof(fp)) == 0);
	memset(plain_in, 0, ENCL_P256_POINT_SIZE);
	plain_in[0] = 4;
	CHECK_STR_CONTAINS(attest_fingerprint(plain_in, fp), "not a P-256 point");
}

static void test_good_answer(void)
{
	struct make m = { .plain = plain_in, .plain_len = good_plain(plain_in) };
	uint64_t len, plain_len = 0;
	uint8_t *ans = make_answer(&m, &len);
	struct attest_config c;
	char *vec[8], strings[128];

	CHECK(judge(ans, len, NULL, plain_out, &plain_len) == NULL);
	CHECK(plain_len == m.plain_len && memcmp(plain_out, plain_in, plain_len) == 0);
	CHECK(judge(ans, len, w.fp, plain_out, &plain_len) == NULL);	/* the right pin */
	CHECK(attest_config_parse(plain_out, plain_len, &c) == NULL);
	CHECK(c.argc == 2 && c.envc == 2 && c.bytes <= sizeof(strings));
	attest_config_fill(plain_out, &c, vec, strings);
	CHECK(strcmp(vec[0], "my-service") == 0 && strcmp(vec[1], "--port") == 0 && !vec[2]);
	CHECK(strcmp(vec[3], "DB_PASSWORD=s3cret") == 0 && strcmp(vec[4], "MODE=prod") == 0);
	CHECK(!vec[5]);
	free(ans);
}

/* A relay that changes any one byte of the answer is caught. */
static void test_every_flipped_byte(void)
{
	struct make m = { .plain = plain_in, .plain_len = good_plain(plain_in) };
	uint64_t len, plain_len, refused = 0;
	uint8_t *ans = make_answer(&m, &len);

	for (uint64_t i = 0; i < len; i++) {
		ans[i] ^= 0x20;
		refused += judge(ans, len, NULL, plain_out, &plain_len) != NULL;
		ans[i] ^= 0x20;
	}
	CHECK_EQ_INT(refused, len);
	CHECK(judge(ans, len, NULL, plain_out, &plain_len) == NULL);
	free(ans);
}

static void refused(const struct make *m, const uint8_t *pin, const char *why)
{
	uint64_t len, plain_len;
	uint8_t *ans = make_answer(m, &len);

	CHECK_STR_CONTAINS(judge(ans, len, pin, plain_out, &plain_len), why);
	free(ans);
}

static void test_wrong_fields(void)
{
	uint8_t nonce[ENCL_CAS_NONCE_SIZE], fp[ENCL_CAS_FP_SIZE];
	struct attest_key other;
	struct make m = { .plain = plain_in, .plain_len = good_plain(plain_in) };

	memcpy(nonce, w.nonce, sizeof(nonce));
	nonce[31] ^= 1;
	m.nonce = nonce;
	refused(&m, NULL, "replayed or mismatched nonce");
	m.nonce = NULL;

	CHECK(attest_keygen(&other, test_rng, NULL) == NULL);
	m.enclave_key = other.pub;
	refused(&m, NULL, "another enclave's key");
	attest_key_wipe(&other);
	m.enclave_key = NULL;

	m.config_id = "my-session/other-service";
	refused(&m, NULL, "another config id");
	m.config_id = NULL;

	/* Signed by another key, though naming the challenge's. */
	m.signer = w.other_service;
	refused(&m, NULL, "bad signature");
	/* Another service altogether. */
	m.service_key = w.other_key;
	refused(&m, NULL, "wrong key");
	m.signer = NULL;
	m.service_key = NULL;

	/* A pin that is not the service's. */
	memcpy(fp, w.fp, sizeof(fp));
	fp[5] ^= 0x80;
	refused(&m, fp, "not the pinned one");

	/* Signed and sound, but not encrypted with the key the nonce makes. */
	m.wrong_salt = 1;
	refused(&m, NULL, "does not decrypt");
}

static void test_sizes(void)
{
	struct make m = { .plain = plain_in, .plain_len = good_plain(plain_in) };
	uint64_t len, plain_len;
	uint8_t *ans = make_answer(&m, &len);

	CHECK_STR_CONTAINS(judge(ans, 100, NULL, plain_out, &plain_len), "shorter than its head");
	CHECK_STR_CONTAINS(judge(ans, len - 1, NULL, plain_out, &plain_len), "truncated");
	free(ans);

	m.ct_delta = 1;
	refused(&m, NULL, "truncated or has trailing bytes");
	m.ct_delta = -(int32_t)m.plain_len - 1;		/* shorter than the tag */
	refused(&m, NULL, "ciphertext size out of range");
	m.ct_delta = (int32_t)ENCL_CAS_CONFIG_MAX;	/* more than the largest plaintext */
	refused(&m, NULL, "ciphertext size out of range");
}

static const char *parse(const uint8_t *p, uint64_t len)
{
	struct attest_config c;

	return attest_config_parse(p, len, &c);
}

static void test_config_strings(void)
{
	uint8_t p[256];
	size_t n = good_plain(p);
	uint32_t v;

	CHECK(parse(p, n) == NULL);
	CHECK_STR_CONTAINS(parse(p, n - 1), "longer than what is left");
	CHECK_STR_CONTAINS(parse(p, 6), "shorter than its counts");
	CHECK_STR_CONTAINS(parse(p, 10), "truncated in a string's length");
	p[n] = 'x';
	CHECK_STR_CONTAINS(parse(p, n + 1), "bytes after its last string");
	p[8 + 4 + 2] = 0;		/* "my\0service" */
	CHECK_STR_CONTAINS(parse(p, n), "NUL inside a string");
	n = good_plain(p);
	p[n - 5] = '-';			/* "MODE-prod" */
	CHECK_STR_CONTAINS(parse(p, n), "not NAME=value");
	n = good_plain(p);
	v = 0;
	memcpy(p, &v, 4);
	CHECK_STR_CONTAINS(parse(p, n), "no argv[0]");
	v = ENCL_CAS_STRINGS_MAX;
	memcpy(p, &v, 4);
	CHECK_STR_CONTAINS(parse(p, n), "more than ENCL_CAS_STRINGS_MAX");
	v = UINT32_MAX;
	memcpy(p, &v, 4);
	memcpy(p + 4, &v, 4);
	CHECK_STR_CONTAINS(parse(p, n), "more than ENCL_CAS_STRINGS_MAX");
	n = good_plain(p);
	v = UINT32_MAX;
	memcpy(p + 8, &v, 4);
	CHECK_STR_CONTAINS(parse(p, n), "longer than what is left");
}

/* One whole attestation's mbed TLS work fits the arena the enclave gives it. */
static void test_arena_suffices(void)
{
	static uint8_t mem[ATTEST_ARENA_SIZE] __attribute__((aligned(16)));
	struct make m = { .plain = plain_in, .plain_len = good_plain(plain_in) };
	struct attest_expect e = {
		.nonce = w.nonce, .service_key = w.service_key, .config_id = ID, .pin = w.fp,
	};
	uint8_t fp[ENCL_CAS_FP_SIZE], *ans;
	struct attest_key k;
	uint64_t len, plain_len = 0, peak;

	attest_arena_begin(mem, sizeof(mem));
	CHECK(attest_keygen(&k, test_rng, NULL) == NULL);
	m.enclave_key = e.enclave_key = k.pub;
	ans = make_answer(&m, &len);
	CHECK(attest_verify(ans, len, &e, fp) == NULL);
	CHECK(attest_decrypt(ans, len, &k, test_rng, NULL, plain_out, &plain_len) == NULL);
	CHECK(plain_len == m.plain_len);
	attest_key_wipe(&k);
	peak = attest_arena_end();
	mbedtls_platform_set_calloc_free(calloc, free);
	printf("# mbed TLS arena: %llu of %u bytes used\n", (unsigned long long)peak,
	       ATTEST_ARENA_SIZE);
	CHECK(peak > 0 && peak < ATTEST_ARENA_SIZE);
	for (uint64_t i = 0; i < peak; i++)
		if (mem[i]) {
			CHECK(!"the arena is wiped at the end");
			break;
		}
	free(ans);
}

int main(void)
{
	HARNESS_PLAN(7);
	setup();
	RUN(test_fingerprint_is_openssls);
	RUN(test_good_answer);
	RUN(test_every_flipped_byte);
	RUN(test_wrong_fields);
	RUN(test_sizes);
	RUN(test_config_strings);
	RUN(test_arena_suffices);
	attest_key_wipe(&w.enclave);
	EVP_PKEY_free(w.service);
	EVP_PKEY_free(w.other_service);
	HARNESS_EXIT();
}

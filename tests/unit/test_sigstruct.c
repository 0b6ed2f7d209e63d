// SPDX-License-Identifier: MIT
/*
 * SIGSTRUCT signing and verification: the vectors byte for byte, EINIT's
 * checks against every single-byte corruption, and the key loader's errors.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "tests/testutil.h"
#include "image/key.h"
#include "sgx/sigstruct.h"

#define TEST_KEY_MRSIGNER "20f3d60eff4f6a4656e3cdc33ed30aa36eccf2f0a2dda026399b6ccd626c3548"

static char tmpdir[] = "/tmp/encl-test-sigstruct-XXXXXX";

static int read_file(const char *path, void *buf, size_t len)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	if (!f) {
		fprintf(stderr, "  cannot open %s: %s\n", path, strerror(errno));
		return -1;
	}
	n = fread(buf, 1, len, f);
	fclose(f);
	return n == len ? 0 : -1;
}

static int read_vector_sigstruct(const char *name, struct sgx_sigstruct *ss)
{
	char path[4096];

	testutil_vector_path(path, sizeof(path), name, "sigstruct");
	return read_file(path, ss, sizeof(*ss));
}

static EVP_PKEY *test_key(void)
{
	char path[4096], err[512];
	EVP_PKEY *key;

	testutil_vector_path(path, sizeof(path), "test-key", "pem");
	key = encl_key_load(path, err, sizeof(err));
	if (!key)
		fprintf(stderr, "  %s\n", err);
	return key;
}

/* The vectors' fields: MODE64BIT, XFRM 3, the hash, everything else zero. */
static int vector_fields(const char *name, struct sgx_sigstruct_fields *f)
{
	char hex[65];

	memset(f, 0, sizeof(*f));
	f->attributes.flags = SGX_ATTR_MODE64BIT;
	f->attributes.xfrm = SGX_XFRM_LEGACY;
	if (testutil_vector_mrenclave(name, hex))
		return -1;
	return sgx_unhex(hex, f->enclavehash, sizeof(f->enclavehash));
}

static void sign_vector(const char *name)
{
	struct sgx_sigstruct_fields f;
	struct sgx_sigstruct ss, want;
	EVP_PKEY *key = test_key();
	char err[512] = "";
	size_t i;

	CHECK(key != NULL);
	CHECK_EQ_INT(vector_fields(name, &f), 0);
	CHECK_EQ_INT(read_vector_sigstruct(name, &want), 0);
	if (!key)
		return;
	CHECK_EQ_INT(sgx_sigstruct_sign(&ss, &f, key, err, sizeof(err)), 0);
	for (i = 0; i < sizeof(ss); i++) {
		if (((uint8_t *)&ss)[i] != ((uint8_t *)&want)[i]) {
			fprintf(stderr, "  vector %s: first difference at byte %zu\n", name, i);
			harness_failed = 1;
			break;
		}
	}
	CHECK_EQ_INT(sgx_sigstruct_verify(&ss, err, sizeof(err)), 0);
	EVP_PKEY_free(key);
}

static void test_sign_vector_a(void) { sign_vector("a"); }
static void test_sign_vector_b(void) { sign_vector("b"); }
static void test_sign_vector_c(void) { sign_vector("c"); }

static void test_verify_vectors_and_mrsigner(void)
{
	static const char *names[] = { "a", "b", "c" };
	struct sgx_sigstruct ss;
	uint8_t mrsigner[SGX_HASH_SIZE];
	char err[512] = "", hex[65];
	EVP_PKEY *key;
	size_t i;

	for (i = 0; i < 3; i++) {
		CHECK_EQ_INT(read_vector_sigstruct(names[i], &ss), 0);
		CHECK_EQ_INT(sgx_sigstruct_verify(&ss, err, sizeof(err)), 0);
		sgx_sigstruct_mrsigner(&ss, mrsigner);
		sgx_hex(mrsigner, sizeof(mrsigner), hex);
		CHECK_STR_CONTAINS(hex, TEST_KEY_MRSIGNER);
	}
	key = test_key();
	CHECK(key != NULL);
	if (!key)
		return;
	CHECK_EQ_INT(sgx_key_mrsigner(key, mrsigner), 0);
	sgx_hex(mrsigner, sizeof(mrsigner), hex);
	CHECK_STR_CONTAINS(hex, TEST_KEY_MRSIGNER);
	EVP_PKEY_free(key);
}

/* Flipping any one byte of a SIGSTRUCT must make EINIT's checks fail. */
static void test_every_flipped_byte_fails(void)
{
	struct sgx_sigstruct ss;
	uint8_t *p = (uint8_t *)&ss;
	char err[512];
	size_t i, passed = 0;

	CHECK_EQ_INT(read_vector_sigstruct("a", &ss), 0);
	for (i = 0; i < sizeof(ss); i++) {
		p[i] ^= 0x01;
		if (sgx_sigstruct_verify(&ss, err, sizeof(err)) == 0) {
			fprintf(stderr, "  flipping byte %zu still verifies\n", i);
			passed++;
		}
		p[i] ^= 0x01;
	}
	CHECK_EQ_INT(passed, 0);
	CHECK_EQ_INT(sgx_sigstruct_verify(&ss, err, sizeof(err)), 0);
}

static void expect_verify_error(size_t off, uint8_t xor, const char *msg)
{
	struct sgx_sigstruct ss;
	char err[512] = "";

	CHECK_EQ_INT(read_vector_sigstruct("b", &ss), 0);
	((uint8_t *)&ss)[off] ^= xor;
	CHECK_EQ_INT(sgx_sigstruct_verify(&ss, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, msg);
}

static void test_verify_messages(void)
{
	expect_verify_error(0, 0xff, "HEADER");
	expect_verify_error(25, 0x01, "HEADER2");
	expect_verify_error(512, 0x01, "EXPONENT");
	expect_verify_error(16, 0x01, "VENDOR");
	expect_verify_error(60, 0x01, "reserved");
	expect_verify_error(1030, 0x01, "reserved");
	expect_verify_error(960, 0x01, "SIGNATURE does not verify");	/* ENCLAVEHASH */
	expect_verify_error(600, 0x01, "SIGNATURE does not verify");
	expect_verify_error(200, 0x01, "SIGNATURE");			/* MODULUS */
	expect_verify_error(1040, 0x01, "Q1");
	expect_verify_error(1500, 0x01, "Q2");
	expect_verify_error(511, 0xff, "MODULUS");			/* top byte */
}

/* ---- keys -------------------------------------------------------------- */

static EVP_PKEY *gen_rsa(unsigned bits, unsigned e)
{
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "RSA", NULL);
	EVP_PKEY *key = NULL;
	BIGNUM *bn = BN_new();

	if (!ctx || !bn || !BN_set_word(bn, e) || EVP_PKEY_keygen_init(ctx) <= 0 ||
	    EVP_PKEY_CTX_set_rsa_keygen_bits(ctx, bits) <= 0 ||
	    EVP_PKEY_CTX_set1_rsa_keygen_pubexp(ctx, bn) <= 0 ||
	    EVP_PKEY_keygen(ctx, &key) <= 0)
		key = NULL;
	BN_free(bn);
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static int write_key(EVP_PKEY *key, const char *path)
{
	FILE *f = fopen(path, "w");
	int ok;

	if (!f)
		return -1;
	ok = key && PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
	fclose(f);
	return ok ? 0 : -1;
}

static void expect_load_error(const char *path, const char *msg)
{
	char err[512] = "";
	EVP_PKEY *key = encl_key_load(path, err, sizeof(err));

	CHECK(key == NULL);
	EVP_PKEY_free(key);
	CHECK_STR_CONTAINS(err, path);
	CHECK_STR_CONTAINS(err, msg);
}

/* @key, written to TMPDIR/@file, is refused by the loader with @msg. */
static void expect_key_refused(EVP_PKEY *key, const char *file, const char *msg)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", tmpdir, file);
	CHECK_EQ_INT(write_key(key, path), 0);
	EVP_PKEY_free(key);
	expect_load_error(path, msg);
}

static void test_key_2048_bit(void)
{
	expect_key_refused(gen_rsa(2048, 3), "rsa2048.pem", "2048-bit");
}

static void test_key_e65537(void)
{
	expect_key_refused(gen_rsa(3072, 65537), "e65537.pem", "exponent is 65537");
}

static void test_key_not_rsa(void)
{
	expect_key_refused(EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-256"), "ec.pem", "not an RSA key");
}

static void test_key_unreadable_or_garbage(void)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/missing.pem", tmpdir);
	expect_load_error(path, "No such file or directory");
	snprintf(path, sizeof(path), "%s/garbage.pem", tmpdir);
	f = fopen(path, "w");
	CHECK(f != NULL);
	if (f) {
		fputs("not a key\n", f);
		fclose(f);
	}
	expect_load_error(path, "not an unencrypted PEM private key");
}

/* A 2048-bit key handed straight to the signer is refused too. */
static void test_sign_refuses_bad_key(void)
{
	struct sgx_sigstruct_fields f;
	struct sgx_sigstruct ss;
	EVP_PKEY *key = gen_rsa(2048, 3);
	char err[512] = "";

	memset(&f, 0, sizeof(f));
	CHECK(key != NULL);
	CHECK_EQ_INT(sgx_sigstruct_sign(&ss, &f, key, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "3072-bit");
	EVP_PKEY_free(key);
}

static void test_keygen_round_trip(void)
{
	struct sgx_sigstruct_fields f;
	struct sgx_sigstruct ss;
	char path[4096], err[512] = "", head[40] = "";
	struct stat st;
	EVP_PKEY *key;
	FILE *fp;

	snprintf(path, sizeof(path), "%s/new.pem", tmpdir);
	CHECK_EQ_INT(encl_key_generate(path, err, sizeof(err)), 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 0777, 0600);
	fp = fopen(path, "r");
	CHECK(fp != NULL);
	if (fp) {
		CHECK(fgets(head, sizeof(head), fp) != NULL);
		fclose(fp);
	}
	CHECK_STR_CONTAINS(head, "-----BEGIN RSA PRIVATE KEY-----");

	key = encl_key_load(path, err, sizeof(err));
	CHECK(key != NULL);
	if (!key)
		return;
	CHECK_EQ_INT(vector_fields("a", &f), 0);
	f.isvprodid = 7;
	f.isvsvn = 3;
	f.attributes.flags |= SGX_ATTR_DEBUG;
	CHECK_EQ_INT(sgx_sigstruct_sign(&ss, &f, key, err, sizeof(err)), 0);
	CHECK_EQ_INT(sgx_sigstruct_verify(&ss, err, sizeof(err)), 0);
	CHECK_EQ_INT(ss.isvprodid, 7);
	EVP_PKEY_free(key);

	snprintf(path, sizeof(path), "%s/no-such-dir/new.pem", tmpdir);
	CHECK_EQ_INT(encl_key_generate(path, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "no-such-dir");
}

static void test_hex(void)
{
	uint8_t b[3];
	char out[7];

	CHECK_EQ_INT(sgx_unhex("00aBfF", b, 3), 0);
	CHECK(b[0] == 0 && b[1] == 0xab && b[2] == 0xff);
	sgx_hex(b, 3, out);
	CHECK_STR_CONTAINS(out, "00abff");
	CHECK_EQ_INT(sgx_unhex("00abf", b, 3), -1);
	CHECK_EQ_INT(sgx_unhex("00abfff", b, 3), -1);
	CHECK_EQ_INT(sgx_unhex("00abfg", b, 3), -1);
}

int main(void)
{
	HARNESS_PLAN(13);
	/* gcc's -Wformat-overflow sees harness.h print a reason that is never set. */
	harness_skip_reason = "";
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_sign_vector_a);
	RUN(test_sign_vector_b);
	RUN(test_sign_vector_c);
	RUN(test_verify_vectors_and_mrsigner);
	RUN(test_every_flipped_byte_fails);
	RUN(test_verify_messages);
	RUN(test_key_2048_bit);
	RUN(test_key_e65537);
	RUN(test_key_not_rsa);
	RUN(test_key_unreadable_or_garbage);
	RUN(test_sign_refuses_bad_key);
	RUN(test_keygen_round_trip);
	RUN(test_hex);
	testutil_rmtree(tmpdir);
	HARNESS_EXIT();
}

/* SPDX-License-Identifier: MIT */
/*
 * Identity keys and TLS 1.3 contexts. Both ends name each other by key
 * fingerprint, not by a certificate chain: the certificates are
 * self-signed carriers for the keys, and each side checks the other's
 * fingerprint itself (the service: who owns a session; the client: TOFU
 * or --cas-cert).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include "cas/cas.h"

const char *encl_cas_ssl_error(void)
{
	static __thread char buf[256];
	unsigned long e = ERR_get_error();

	if (!e)
		return "unknown TLS error";
	ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return buf;
}

int encl_cas_fingerprint(EVP_PKEY *key, uint8_t fp[ENCL_CAS_FP_SIZE])
{
	unsigned char *der = NULL;
	int n = i2d_PUBKEY(key, &der);
	unsigned int len;
	int ok;

	if (n <= 0)
		return -1;
	ok = EVP_Digest(der, n, fp, &len, EVP_sha256(), NULL);
	OPENSSL_free(der);
	return ok ? 0 : -1;
}

int encl_cas_point(EVP_PKEY *key, uint8_t out[ENCL_P256_POINT_SIZE])
{
	size_t len;

	if (!EVP_PKEY_get_octet_string_param(key, OSSL_PKEY_PARAM_ENCODED_PUBLIC_KEY, out,
					     ENCL_P256_POINT_SIZE, &len) ||
	    len != ENCL_P256_POINT_SIZE || out[0] != 4)
		return -1;
	return 0;
}

EVP_PKEY *encl_cas_point_key(const uint8_t in[ENCL_P256_POINT_SIZE])
{
	OSSL_PARAM params[] = {
		OSSL_PARAM_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, "prime256v1", 0),
		OSSL_PARAM_octet_string(OSSL_PKEY_PARAM_PUB_KEY, (void *)in, ENCL_P256_POINT_SIZE),
		OSSL_PARAM_END,
	};
	EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new_from_name(NULL, "EC", NULL);
	EVP_PKEY *key = NULL;

	if (in[0] != 4 || !ctx || EVP_PKEY_fromdata_init(ctx) <= 0 ||
	    EVP_PKEY_fromdata(ctx, &key, EVP_PKEY_PUBLIC_KEY, params) <= 0)
		key = NULL;
	EVP_PKEY_CTX_free(ctx);
	return key;
}

static X509 *self_signed(EVP_PKEY *key)
{
	X509 *crt = X509_new();
	X509_NAME *name;

	if (!crt)
		return NULL;
	name = X509_get_subject_name(crt);
	if (!X509_set_version(crt, 2) ||
	    !ASN1_INTEGER_set(X509_get_serialNumber(crt), 1) ||
	    !X509_gmtime_adj(X509_getm_notBefore(crt), -3600) ||
	    !X509_gmtime_adj(X509_getm_notAfter(crt), 100L * 365 * 86400) ||
	    !X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
					(const unsigned char *)"encl cas", -1, -1, 0) ||
	    !X509_set_issuer_name(crt, name) || !X509_set_pubkey(crt, key) ||
	    !X509_sign(crt, key, EVP_sha256())) {
		X509_free(crt);
		return NULL;
	}
	return crt;
}

/* Write @path whole or not at all: a temporary file, fsync, rename. */
static int write_atomic(const char *path, int (*put)(FILE *, void *), void *obj,
			char *err, size_t errlen)
{
	char tmp[4096];
	FILE *f;
	int fd;

	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		return -1;
	}
	f = fdopen(fd, "w");
	if (!f || !put(f, obj) || fflush(f) || fsync(fd)) {
		snprintf(err, errlen, "%s: cannot write: %s", tmp, strerror(errno));
		f ? fclose(f) : close(fd);
		unlink(tmp);
		return -1;
	}
	fclose(f);
	if (rename(tmp, path)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}

static int put_key(FILE *f, void *key)
{
	return PEM_write_PrivateKey(f, key, NULL, NULL, 0, NULL, NULL);
}

static int put_crt(FILE *f, void *crt)
{
	return PEM_write_X509(f, crt);
}

int encl_cas_identity(const char *key_path, const char *crt_path, EVP_PKEY **key, X509 **crt,
		      char *err, size_t errlen)
{
	FILE *f = fopen(key_path, "r");

	*key = NULL;
	*crt = NULL;
	if (f) {
		*key = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		fclose(f);
		if (!*key || EVP_PKEY_get_base_id(*key) != EVP_PKEY_EC) {
			snprintf(err, errlen, "%s: not a P-256 private key in PEM (%s); move it away "
				 "to make a new one", key_path, encl_cas_ssl_error());
			goto fail;
		}
	} else if (errno != ENOENT) {
		snprintf(err, errlen, "%s: %s", key_path, strerror(errno));
		return -1;
	} else {
		*key = EVP_EC_gen("P-256");
		if (!*key) {
			snprintf(err, errlen, "cannot make a P-256 key: %s", encl_cas_ssl_error());
			return -1;
		}
		if (write_atomic(key_path, put_key, *key, err, errlen))
			goto fail;
	}
	if (crt_path) {
		f = fopen(crt_path, "r");
		if (f) {
			*crt = PEM_read_X509(f, NULL, NULL, NULL);
			fclose(f);
			if (*crt && X509_check_private_key(*crt, *key) != 1) {
				X509_free(*crt);
				*crt = NULL;
			}
		}
		ERR_clear_error();
	}
	/* A missing or foreign certificate is remade: the key is what counts. */
	if (!*crt) {
		*crt = self_signed(*key);
		if (!*crt) {
			snprintf(err, errlen, "cannot make a certificate: %s", encl_cas_ssl_error());
			goto fail;
		}
		if (crt_path && write_atomic(crt_path, put_crt, *crt, err, errlen))
			goto fail;
	}
	return 0;
fail:
	EVP_PKEY_free(*key);
	X509_free(*crt);
	*key = NULL;
	*crt = NULL;
	return -1;
}

static int accept_any(int ok, X509_STORE_CTX *ctx)
{
	(void)ok;
	(void)ctx;
	return 1;	/* the peer is named by its key's fingerprint, checked after */
}

static SSL_CTX *context(const SSL_METHOD *method, EVP_PKEY *key, X509 *crt,
			char *err, size_t errlen)
{
	SSL_CTX *ctx = SSL_CTX_new(method);

	if (!ctx || !SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) ||
	    !SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) ||
	    (crt && SSL_CTX_use_certificate(ctx, crt) != 1) ||
	    (key && SSL_CTX_use_PrivateKey(ctx, key) != 1)) {
		snprintf(err, errlen, "cannot set up TLS: %s", encl_cas_ssl_error());
		SSL_CTX_free(ctx);
		return NULL;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, accept_any);
	return ctx;
}

SSL_CTX *encl_cas_server_ctx(EVP_PKEY *key, X509 *crt, char *err, size_t errlen)
{
	SSL_CTX *ctx = context(TLS_server_method(), key, crt, err, errlen);

	if (ctx)
		SSL_CTX_set_num_tickets(ctx, 0);
	return ctx;
}

SSL_CTX *encl_cas_client_ctx(EVP_PKEY *key, X509 *crt, char *err, size_t errlen)
{
	return context(TLS_client_method(), key, crt, err, errlen);
}

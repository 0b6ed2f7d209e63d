/* SPDX-License-Identifier: MIT */
/*
 * The configuration and attestation service (docs/attestation.md), and the
 * parts its command-line client shares with it. The wire format is
 * abi/cas.h; this header is the C interface between cas/ files:
 *
 *   frame.c    frames on a TLS connection, ENCL_CAS_FRAME_MAX enforced
 *   tls.c      identity keys, self-signed certificates, TLS 1.3 contexts
 *   sig.c      ECDSA signatures in the wire's raw form
 *   db.c       sessions and generated secrets in SQLite
 *   session.c  session requests: create, update, show, delete
 *   config.c   the configuration plaintext, secrets substituted
 *   attest.c   HELLO/EVIDENCE: nonces, quote checks, the sealed CONFIG
 *   server.c   the accept loop and one thread per connection
 */
#ifndef ENCL_CAS_CAS_H
#define ENCL_CAS_CAS_H

#include <sys/socket.h>
#include <stddef.h>
#include <stdint.h>
#include <openssl/ssl.h>
#include "abi/cas.h"
#include "policy/policy.h"
#include "sgx/sigstruct.h"

/* ---- frame.c ---------------------------------------------------------- */

/* 0, or -1 when the connection failed. */
int encl_cas_frame_write(SSL *ssl, uint16_t type, const void *body, size_t len);

/* ENCL_CAS_ERROR with the formatted line as its body. */
int encl_cas_frame_error(SSL *ssl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Read one frame into *body (malloc'd, NUL-terminated for convenience).
 * 0; -1 when the connection closed or failed; -2 when the header is bad or
 * the frame is larger than ENCL_CAS_FRAME_MAX (the body is not read), with
 * a message in @err.
 */
int encl_cas_frame_read(SSL *ssl, uint16_t *type, uint8_t **body, size_t *len,
			char *err, size_t errlen);

/* ---- tls.c ------------------------------------------------------------ */

/*
 * Load the P-256 key at @key_path and its self-signed certificate at
 * @crt_path; when the key does not exist, make both (key mode 0600, each
 * written to a temporary file and renamed). 0, or -1 with @err.
 */
int encl_cas_identity(const char *key_path, const char *crt_path, EVP_PKEY **key, X509 **crt,
		      char *err, size_t errlen);

/* SHA-256 of the DER SubjectPublicKeyInfo (abi/cas.h); sgx_hex() prints it. */
int encl_cas_fingerprint(EVP_PKEY *key, uint8_t fp[ENCL_CAS_FP_SIZE]);

/* The public key as an uncompressed P-256 point; 0 or -1. */
int encl_cas_point(EVP_PKEY *key, uint8_t out[ENCL_P256_POINT_SIZE]);
/* The reverse: a new EVP_PKEY, or NULL for a point not on the curve. */
EVP_PKEY *encl_cas_point_key(const uint8_t in[ENCL_P256_POINT_SIZE]);

/* TLS 1.3 only. The server asks for, but does not require, a client certificate. */
SSL_CTX *encl_cas_server_ctx(EVP_PKEY *key, X509 *crt, char *err, size_t errlen);
SSL_CTX *encl_cas_client_ctx(EVP_PKEY *key, X509 *crt, char *err, size_t errlen);

/* The last OpenSSL error as text, for messages. */
const char *encl_cas_ssl_error(void);

/* ---- sig.c ------------------------------------------------------------ */

/* ECDSA P-256 over SHA-256 of @data, raw r || s. 0, or -1 (bad signature, or failure). */
int encl_cas_sign(EVP_PKEY *key, const void *data, size_t len, uint8_t sig[ENCL_P256_SIG_SIZE]);
int encl_cas_verify(EVP_PKEY *key, const void *data, size_t len,
		    const uint8_t sig[ENCL_P256_SIG_SIZE]);

/* ---- db.c ------------------------------------------------------------- */

#define ENCL_CAS_SCHEMA_VERSION	1
#define ENCL_CAS_HASH_HEX	(2 * ENCL_CAS_FP_SIZE + 1)

struct encl_cas_db;

struct encl_cas_db *encl_cas_db_open(const char *path, char *err, size_t errlen);
void encl_cas_db_close(struct encl_cas_db *db);
/* PRAGMA integrity_check: 0 when "ok", else -1 with the first problem. */
int encl_cas_db_check(struct encl_cas_db *db, char *err, size_t errlen);

/* What a stored session is: the YAML as submitted, its owner and version. */
struct encl_cas_stored {
	char owner[ENCL_CAS_HASH_HEX];
	char hash[ENCL_CAS_HASH_HEX];
	char *yaml;
	size_t len;
};

/* A generated secret's value. */
struct encl_cas_secret_value {
	char *name;
	uint8_t *v;
	size_t len;
};

/*
 * Results: 0 done, 1 refused (@err says why, for the client), -1 the
 * database failed (@err says how).
 */
int encl_cas_db_get(struct encl_cas_db *db, const char *name, struct encl_cas_stored *out,
		    char *err, size_t errlen);
void encl_cas_stored_free(struct encl_cas_stored *s);

/*
 * Store a new session (@predecessor NULL) or replace the version
 * @predecessor of one owned by @owner, generating each of @p's secrets
 * with a size that the session does not have yet: one transaction.
 */
int encl_cas_db_put(struct encl_cas_db *db, const struct encl_policy *p, const char *owner,
		    const char *hash, const char *yaml, size_t len, const char *predecessor,
		    char *err, size_t errlen);
int encl_cas_db_delete(struct encl_cas_db *db, const char *name, const char *owner,
		       char *err, size_t errlen);
/* The generated secrets of session @name; *out is an array of *n. */
int encl_cas_db_secrets(struct encl_cas_db *db, const char *name,
			struct encl_cas_secret_value **out, size_t *n, char *err, size_t errlen);
void encl_cas_secrets_free(struct encl_cas_secret_value *v, size_t n);

/* ---- session.c -------------------------------------------------------- */

/*
 * Answer one session request (ENCL_CAS_SESSION_*) from the client whose
 * key has fingerprint @owner (64 hex). Returns the answer type (OK or
 * ERROR) and its body in @ans (malloc'd) / @anslen.
 */
uint16_t encl_cas_session_request(struct encl_cas_db *db, const char *owner, uint16_t type,
				  const uint8_t *body, size_t len, char **ans, size_t *anslen);


/* ---- config.c --------------------------------------------------------- */

/*
 * The configuration plaintext (abi/cas.h) of service @s of session @p,
 * with $$SCONE::name$$ replaced by given values or @gen's generated ones.
 * 0, or -1 with @err.
 */
int encl_cas_config_plaintext(const struct encl_policy *p, const struct encl_policy_service *s,
			      const struct encl_cas_secret_value *gen, size_t ngen,
			      uint8_t **out, size_t *len, char *err, size_t errlen);

/* ---- attest.c --------------------------------------------------------- */

struct encl_cas_attest;

/* A nonce it issues is good for @nonce_ttl seconds (ENCL_CAS_NONCE_TTL unless told). */
struct encl_cas_attest *encl_cas_attest_new(struct encl_cas_db *db, EVP_PKEY *identity,
					    unsigned nonce_ttl);
void encl_cas_attest_free(struct encl_cas_attest *a);

/*
 * The service's side of an enclave's attestation. Each takes a request
 * body and returns the answer type (CHALLENGE, CONFIG or ERROR) with its
 * body in @ans (malloc'd). A line saying what was decided goes to @log
 * (empty when nothing is worth logging).
 */
uint16_t encl_cas_attest_hello(struct encl_cas_attest *a, const uint8_t *body, size_t len,
			       uint8_t **ans, size_t *anslen, char *log, size_t loglen);
uint16_t encl_cas_attest_evidence(struct encl_cas_attest *a, const uint8_t *body, size_t len,
				  uint8_t **ans, size_t *anslen, char *log, size_t loglen);

/* ---- server.c --------------------------------------------------------- */

#define ENCL_CAS_MAX_CONNECTIONS	64
#define ENCL_CAS_IO_TIMEOUT		10	/* seconds, handshake and each read */

/* Serve until SIGTERM or SIGINT. Returns an exit code (0 after a signal). */
int encl_cas_serve(const char *db_path, const char *listen_addr, unsigned nonce_ttl);

/* "host:port" into a socket address; 0 or -1 with @err. */
int encl_cas_parse_addr(const char *s, struct sockaddr_storage *ss, socklen_t *sslen,
			char *err, size_t errlen);

#endif

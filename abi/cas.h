/* SPDX-License-Identifier: MIT */
/*
 * The configuration and attestation service's wire format (docs/attestation.md),
 * shared by the service (cas/), its command-line client (tools/encl/cas.c),
 * the host runtime that relays an enclave's attestation (host/attest.c) and
 * the enclave that attests (enclave/attest/). Everything travels inside one
 * TLS 1.3 connection as frames; the host relays attestation frames as
 * opaque bytes and can neither read the secrets nor forge the answers.
 *
 * All integers are little-endian. Public keys are NIST P-256 points,
 * uncompressed (0x04 || X || Y); signatures are ECDSA P-256 over SHA-256,
 * raw r || s. A key's fingerprint is SHA-256 of its DER SubjectPublicKeyInfo
 * (what `openssl pkey -pubin -outform DER | sha256sum` prints).
 */
#ifndef ENCL_ABI_CAS_H
#define ENCL_ABI_CAS_H

#include <stdint.h>

#define ENCL_CAS_DEFAULT_PORT	8081
#define ENCL_CAS_FRAME_MAX	(1U << 20)	/* body bytes; a larger frame is refused */

#define ENCL_P256_POINT_SIZE	65
#define ENCL_P256_SIG_SIZE	64
#define ENCL_CAS_NONCE_SIZE	32
#define ENCL_CAS_FP_SIZE	32		/* SHA-256 fingerprint */
#define ENCL_CAS_CONFIG_ID_MAX	256		/* "session/service", NUL-terminated */

/*
 * A frame: this header, then `length` body bytes. Requests and answers
 * alternate on a connection; every request gets exactly one answer, either
 * its own kind or ENCL_CAS_ERROR (body: one line of UTF-8, no NUL, saying
 * what was wrong and, where there is one, the fix).
 */
struct encl_cas_frame {
	uint32_t length;
	uint16_t type;			/* ENCL_CAS_* */
	uint16_t reserved;		/* zero */
};

/* Session management: the TLS client certificate's key owns what it creates. */
#define ENCL_CAS_SESSION_CREATE	1	/* body: session YAML -> OK, body: version hash (64 hex) */
#define ENCL_CAS_SESSION_UPDATE	2	/* body: session YAML with `predecessor:` -> OK, hash */
#define ENCL_CAS_SESSION_SHOW	3	/* body: name -> OK, body: YAML (generated secrets left out) */
#define ENCL_CAS_SESSION_DELETE	4	/* body: name -> OK, empty body */
#define ENCL_CAS_OK		5

/* Attestation: no client certificate; the enclave's evidence is the credential. */
#define ENCL_CAS_ATTEST_HELLO	16	/* body: config id "session/service" -> CHALLENGE */
#define ENCL_CAS_ATTEST_CHALLENGE 17	/* body: struct encl_cas_challenge */
#define ENCL_CAS_ATTEST_EVIDENCE 18	/* body: struct encl_cas_evidence, then the quote -> CONFIG */
#define ENCL_CAS_ATTEST_CONFIG	19	/* body: struct encl_cas_config, ciphertext, signature */

#define ENCL_CAS_ERROR		255

/*
 * A nonce is good for one EVIDENCE, for the config id it was issued for,
 * for ENCL_CAS_NONCE_TTL seconds (encl cas serve --nonce-ttl sets it, up to
 * ENCL_CAS_NONCE_TTL_MAX); anything else is a replay.
 */
#define ENCL_CAS_NONCE_TTL	60
#define ENCL_CAS_NONCE_TTL_MAX	3600

struct encl_cas_challenge {
	uint8_t nonce[ENCL_CAS_NONCE_SIZE];
	uint8_t service_key[ENCL_P256_POINT_SIZE];	/* the service's identity key */
	uint8_t reserved[31];				/* zero */
};

/*
 * The enclave's key pair is made inside it for this one attestation. Its
 * REPORTDATA binds the key to the nonce:
 *   REPORTDATA[0..31]  = SHA-256(ENCL_CAS_REPORTDATA_LABEL || nonce || enclave_key)
 *   REPORTDATA[32..63] = zero
 * (the label without its NUL).
 */
#define ENCL_CAS_REPORTDATA_LABEL	"encl-cas-reportdata-v1"

struct encl_cas_evidence {
	uint8_t nonce[ENCL_CAS_NONCE_SIZE];
	uint8_t enclave_key[ENCL_P256_POINT_SIZE];
	uint8_t reserved[3];				/* zero */
	uint32_t quote_size;				/* bytes of quote after this struct */
	char config_id[ENCL_CAS_CONFIG_ID_MAX];		/* NUL-terminated, zero-padded */
};

/*
 * A quote: the enclave's REPORT body, vouched for by a quoting key.
 * ENCL_QUOTE_SIM is made by the simulator's quoting enclave (host/sim/quote.c)
 * and says "simulation": it proves nothing about hardware, and the service
 * accepts it only for a session that tolerates `simulation`. Its signature
 * covers every byte before `signature`, with `quoting_key`; a sim quote
 * carries its key in the clear, so it protects the report against a relay
 * that changes bytes, not against anyone who can run the simulator.
 * ENCL_QUOTE_DCAP is Intel's ECDSA quote (version 3), which encl neither makes
 * nor verifies yet (docs/attestation.md, "Hardware").
 */
#define ENCL_QUOTE_MAGIC	0x31545145U		/* "EQT1" */
#define ENCL_QUOTE_SIM		1
#define ENCL_QUOTE_DCAP		3

struct encl_quote {
	uint32_t magic;
	uint16_t version;				/* 1 */
	uint16_t type;					/* ENCL_QUOTE_* */
	uint8_t report_body[384];			/* struct sgx_report_body, as EREPORT wrote it */
	uint8_t quoting_key[ENCL_P256_POINT_SIZE];
	uint8_t reserved[59];				/* zero */
	uint8_t signature[ENCL_P256_SIG_SIZE];
};

/*
 * The service's answer. `ephemeral_key` is a P-256 key the service made for
 * this answer alone; the AES-256-GCM key is
 *   HKDF-SHA256(IKM = ECDH(ephemeral, enclave_key).x, salt = nonce,
 *               info = ENCL_CAS_HKDF_INFO), 32 bytes,
 * the IV is `iv`, the additional data is this struct. After the struct come
 * `ciphertext_size` bytes (the configuration, then the 16-byte tag), then
 * the signature with `service_key` over the struct and the ciphertext.
 */
#define ENCL_CAS_CONFIG_MAGIC	0x31434345U		/* "ECC1" */
#define ENCL_CAS_HKDF_INFO	"encl-cas-config-v1"
#define ENCL_CAS_GCM_TAG_SIZE	16

struct encl_cas_config {
	uint32_t magic;
	uint32_t version;				/* 1 */
	uint8_t nonce[ENCL_CAS_NONCE_SIZE];
	uint8_t enclave_key[ENCL_P256_POINT_SIZE];
	uint8_t service_key[ENCL_P256_POINT_SIZE];
	uint8_t ephemeral_key[ENCL_P256_POINT_SIZE];
	uint8_t iv[12];
	uint8_t reserved[1];				/* zero */
	uint32_t ciphertext_size;			/* including the tag */
	char config_id[ENCL_CAS_CONFIG_ID_MAX];
};

/*
 * The configuration, once decrypted: argc, envc, then argc + envc strings,
 * each a uint32_t length and that many bytes (no NUL inside). Secrets are
 * already substituted for their $$SCONE::name$$ references.
 */
#define ENCL_CAS_CONFIG_MAX	(256U * 1024)	/* plaintext bytes */
#define ENCL_CAS_STRINGS_MAX	4096		/* argc + envc */

_Static_assert(sizeof(struct encl_cas_frame) == 8, "frame header");
_Static_assert(sizeof(struct encl_cas_challenge) == 128, "challenge");
_Static_assert(sizeof(struct encl_cas_evidence) == 360, "evidence");
_Static_assert(sizeof(struct encl_quote) == 580, "quote");
_Static_assert(sizeof(struct encl_cas_config) == 508, "config head");

#endif

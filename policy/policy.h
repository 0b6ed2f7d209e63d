/* SPDX-License-Identifier: MIT */
/*
 * Session policies: which enclave identities a service accepts.
 *
 * A subset of SCONE's session language 0.3 (docs/policy.md), read with
 * libyaml:
 *
 *   name: my-session
 *   version: "0.3"
 *   services:
 *     - name: test-c
 *       attestation:          # a list: any one holds (OR); a map: all hold (AND)
 *         - mrenclave: [<sgx1 hash>, <edmm hash>]
 *         - signer: {mrsigner: <hex>, isvprodid: 1, isvsvn_min: 2}
 *   security:
 *     attestation:
 *       tolerate: [debug-mode]
 *
 * A parsed policy is a plain tree: each service has one attestation
 * expression whose inner nodes are ANY (a YAML list) and ALL (a YAML map)
 * and whose leaves are MRENCLAVE sets and SIGNER constraints. Every node
 * keeps the line and column it came from, so that a verdict can name the
 * rule that decided it.
 */
#ifndef ENCL_POLICY_POLICY_H
#define ENCL_POLICY_POLICY_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "sgx/arch.h"
#include "image/identity.h"

enum encl_policy_node_type {
	ENCL_POLICY_ANY,	/* list: at least one child holds */
	ENCL_POLICY_ALL,	/* map: every child holds */
	ENCL_POLICY_MRENCLAVE,	/* MRENCLAVE is one of a set */
	ENCL_POLICY_SIGNER,	/* MRSIGNER plus ISVPRODID/ISVSVN constraints */
};

struct encl_policy_hash {
	uint8_t v[SGX_HASH_SIZE];
	unsigned line;
};

/* mrsigner is required; each other field is checked only when present. */
struct encl_policy_signer {
	uint8_t mrsigner[SGX_HASH_SIZE];
	unsigned has_isvprodid:1, has_isvsvn:1, has_isvsvn_min:1, has_isvsvn_max:1;
	uint16_t isvprodid;
	uint16_t isvsvn;		/* exact */
	uint16_t isvsvn_min, isvsvn_max;	/* inclusive */
};

struct encl_policy_node {
	enum encl_policy_node_type type;
	unsigned line, column;		/* 1-based, in the policy file */
	union {
		struct {		/* ANY, ALL: never empty */
			struct encl_policy_node *child;
			size_t n;
		} list;
		struct {		/* MRENCLAVE: never empty */
			struct encl_policy_hash *hash;
			size_t n;
		} mrenclave;
		struct encl_policy_signer signer;	/* SIGNER */
	};
};

/* One `environment` entry; values may hold $$SCONE::name$$ references. */
struct encl_policy_env {
	char *name, *value;
};

struct encl_policy_service {
	char *name;
	unsigned line, column;
	struct encl_policy_node attestation;
	char **argv;			/* `command`, argv[0] included; NULL when absent */
	size_t argc;
	struct encl_policy_env *env;	/* `environment`, in file order */
	size_t nenv;
};

/* A session's `secrets[]` entry (docs/attestation.md, "Sessions"). */
enum encl_secret_kind { ENCL_SECRET_ASCII, ENCL_SECRET_HEX, ENCL_SECRET_BINARY };

struct encl_policy_secret {
	char *name;
	enum encl_secret_kind kind;
	size_t size;			/* bytes to generate; 0 when `value` is given */
	char *value;			/* given value, NULL when generated */
	size_t value_len;
};

#define ENCL_SECRET_SIZE_MAX	4096
#define ENCL_SECRET_REF_OPEN	"$$SCONE::"
#define ENCL_SECRET_REF_CLOSE	"$$"


/* security.attestation.tolerate; only debug-mode changes what check decides. */
#define ENCL_TOLERATE_DEBUG_MODE		(1u << 0)
#define ENCL_TOLERATE_HYPERTHREADING		(1u << 1)
#define ENCL_TOLERATE_OUTDATED_TCB		(1u << 2)
#define ENCL_TOLERATE_INSECURE_IGPU		(1u << 3)
#define ENCL_TOLERATE_SOFTWARE_HARDENING	(1u << 4)
#define ENCL_TOLERATE_INSECURE_CONFIGURATION	(1u << 5)
#define ENCL_TOLERATE_SIMULATION		(1u << 6)	/* the service accepts sim quotes */

struct encl_policy {
	char *name;			/* session name, NULL when absent */
	size_t nservice;
	struct encl_policy_service *service;	/* in file order */
	struct encl_policy_service **by_name;	/* service[] sorted by name */
	unsigned tolerate;		/* ENCL_TOLERATE_* */
	int has_predecessor;
	uint8_t predecessor[SGX_HASH_SIZE];	/* `predecessor:`, the version replaced */
	struct encl_policy_secret *secret;
	size_t nsecret;
};

const struct encl_policy_secret *encl_policy_secret(const struct encl_policy *p,
						    const char *name, size_t len);

/*
 * Parse a policy. On error return NULL and write "FILE:LINE:COL: message"
 * to @err. @file names the input in messages. Both never leave a partial
 * policy behind.
 */
struct encl_policy *encl_policy_parse_file(const char *path, char *err, size_t errlen);
struct encl_policy *encl_policy_parse_string(const char *file, const char *buf, size_t len,
					     char *err, size_t errlen);
void encl_policy_free(struct encl_policy *p);

const struct encl_policy_service *encl_policy_service(const struct encl_policy *p,
						      const char *name);

/*
 * The one rule for a hex hash (MRENCLAVE, MRSIGNER): exactly 64 hex digits,
 * either case. On error, @bad is the offending character's index (0 for a
 * wrong length) and @err says what is wrong, without naming the field.
 */
int encl_policy_parse_hash(const char *s, size_t len, uint8_t out[SGX_HASH_SIZE],
			   size_t *bad, char *err, size_t errlen);

/* For encl_policy_eval: the identity's MRSIGNER/ISVPRODID/ISVSVN are unknown. */
#define ENCL_POLICY_NO_SIGNER	(1u << 0)

enum encl_policy_verdict { ENCL_POLICY_REJECTED = 0, ENCL_POLICY_ACCEPTED = 1 };

/*
 * Would @id be accepted as service @s of policy @p? Writes a one-line
 * reason to @reason: the rule that matched, or why none did.
 */
enum encl_policy_verdict encl_policy_eval(const struct encl_policy *p,
					  const struct encl_policy_service *s,
					  const struct encl_identity *id, unsigned flags,
					  char *reason, size_t len);

/*
 * Write a policy with one service that accepts the @n identities: an
 * alternative listing their MRENCLAVEs and, only with @signer, one per
 * distinct signer (MRSIGNER, ISVPRODID, ISVSVN at least the lowest given),
 * which accepts any enclave of that signer and product. It tolerates
 * debug-mode only when one of them is a debug enclave. @session defaults
 * to @service. Returns 0, or -1 with a message in @err.
 */
int encl_policy_template(FILE *out, const char *session, const char *service,
			 const struct encl_identity *id, size_t n, int signer,
			 char *err, size_t errlen);

#endif

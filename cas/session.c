/* SPDX-License-Identifier: MIT */
/*
 * Session requests. A session's version is the SHA-256 of the YAML bytes as
 * submitted, so a client can recompute it from what `show` returns; its
 * owner is the fingerprint of the client key that created it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <openssl/evp.h>
#include "cas/cas.h"

static uint16_t answer(char **ans, size_t *anslen, uint16_t type, const char *s, size_t len)
{
	*ans = malloc(len + 1);
	if (!*ans) {
		*anslen = 0;
		return ENCL_CAS_ERROR;
	}
	memcpy(*ans, s, len);
	(*ans)[len] = 0;
	*anslen = len;
	return type;
}

static uint16_t refuse(char **ans, size_t *anslen, const char *msg)
{
	return answer(ans, anslen, ENCL_CAS_ERROR, msg, strlen(msg));
}

/* A session name as a request body: one printable line. */
static int check_name(const uint8_t *body, size_t len, char *err, size_t errlen)
{
	size_t i;

	if (!len || len > 255) {
		snprintf(err, errlen, "a session name must be 1 to 255 bytes, got %zu", len);
		return -1;
	}
	for (i = 0; i < len; i++)
		if (body[i] < 0x20 || body[i] == 0x7f) {
			snprintf(err, errlen, "a session name holds no control characters");
			return -1;
		}
	return 0;
}

static uint16_t put(struct encl_cas_db *db, const char *owner, uint16_t type,
		    const uint8_t *body, size_t len, char **ans, size_t *anslen)
{
	char err[512], hash[ENCL_CAS_HASH_HEX], pred[ENCL_CAS_HASH_HEX];
	uint8_t digest[ENCL_CAS_FP_SIZE];
	struct encl_policy *p;
	int rc;

	p = encl_policy_parse_string("session.yaml", (const char *)body, len, err, sizeof(err));
	if (!p)
		return refuse(ans, anslen, err);
	if (!p->name) {
		rc = snprintf(err, sizeof(err), "session.yaml: the session needs a name");
	} else if (type == ENCL_CAS_SESSION_CREATE && p->has_predecessor) {
		rc = snprintf(err, sizeof(err), "session.yaml: a new session has no predecessor; "
			      "remove it, or use update");
	} else if (type == ENCL_CAS_SESSION_UPDATE && !p->has_predecessor) {
		rc = snprintf(err, sizeof(err), "session.yaml: update needs predecessor: with the "
			      "hash of the version it replaces (create, update and show print it)");
	} else {
		rc = 0;
	}
	if (rc) {
		encl_policy_free(p);
		return refuse(ans, anslen, err);
	}
	EVP_Digest(body, len, digest, NULL, EVP_sha256(), NULL);
	sgx_hex(digest, sizeof(digest), hash);
	sgx_hex(p->predecessor, sizeof(p->predecessor), pred);
	rc = encl_cas_db_put(db, p, owner, hash, (const char *)body, len,
			     p->has_predecessor ? pred : NULL, err, sizeof(err));
	encl_policy_free(p);
	if (rc)
		return refuse(ans, anslen, err);
	return answer(ans, anslen, ENCL_CAS_OK, hash, strlen(hash));
}

uint16_t encl_cas_session_request(struct encl_cas_db *db, const char *owner, uint16_t type,
				  const uint8_t *body, size_t len, char **ans, size_t *anslen)
{
	struct encl_cas_stored cur;
	char err[512];
	int rc;

	if (!owner)
		return refuse(ans, anslen, "session requests need a client key, sent as the TLS "
			      "client certificate (encl cas session makes one)");
	switch (type) {
	case ENCL_CAS_SESSION_CREATE:
	case ENCL_CAS_SESSION_UPDATE:
		return put(db, owner, type, body, len, ans, anslen);
	case ENCL_CAS_SESSION_SHOW:
		if (check_name(body, len, err, sizeof(err)))
			return refuse(ans, anslen, err);
		rc = encl_cas_db_get(db, (const char *)body, &cur, err, sizeof(err));
		if (rc)
			return refuse(ans, anslen, err);
		if (strcmp(cur.owner, owner)) {
			encl_cas_stored_free(&cur);
			snprintf(err, sizeof(err), "not the owner: session '%s' belongs to another "
				 "client key", body);
			return refuse(ans, anslen, err);
		}
		/*
		 * The stored YAML holds only given values; generated ones live
		 * in their own table and are never read here.
		 */
		type = answer(ans, anslen, ENCL_CAS_OK, cur.yaml, cur.len);
		encl_cas_stored_free(&cur);
		return type;
	case ENCL_CAS_SESSION_DELETE:
		if (check_name(body, len, err, sizeof(err)))
			return refuse(ans, anslen, err);
		if (encl_cas_db_delete(db, (const char *)body, owner, err, sizeof(err)))
			return refuse(ans, anslen, err);
		return answer(ans, anslen, ENCL_CAS_OK, "", 0);
	}
	snprintf(err, sizeof(err), "unknown request type %u", type);
	return refuse(ans, anslen, err);
}

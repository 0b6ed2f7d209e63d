// SPDX-License-Identifier: MIT
/*
 * Session files for the attestation service: the keys sessions add to
 * policies (predecessor, command, environment, secrets, tolerate
 * simulation), bad input named with its line and column, and the
 * service's session requests: owner, stale predecessor, generated secrets
 * kept across updates and never shown.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "cas/cas.h"
#include "tests/harness.h"

#define MRE "1111111111111111111111111111111111111111111111111111111111111111"
#define ME  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define YOU "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

#define HEAD "name: s\nversion: \"0.3\"\nservices:\n  - name: svc\n    attestation:\n" \
	     "      - mrenclave: [" MRE "]\n"

static char err[1024];
static struct encl_cas_db *db;

static struct encl_policy *parse(const char *yaml)
{
	err[0] = 0;
	return encl_policy_parse_string("t.yaml", yaml, strlen(yaml), err, sizeof(err));
}

static void bad(const char *yaml, const char *where, const char *what)
{
	struct encl_policy *p = parse(yaml);

	CHECK(!p);
	CHECK_STR_CONTAINS(err, where);
	CHECK_STR_CONTAINS(err, what);
	encl_policy_free(p);
}

static void test_parse_session_keys(void)
{
	struct encl_policy *p = parse(
		HEAD "    command: [prog, -v, \"$$SCONE::pw$$\"]\n"
		"    environment:\n      A: x$$SCONE::pw$$y\n      B: $$SCONE::bin$$\n"
		"predecessor: " MRE "\n"
		"secrets:\n  - name: pw\n    kind: ascii\n    size: 12\n"
		"  - name: bin\n    kind: binary\n    value: \"xyz\"\n"
		"security:\n  attestation:\n    tolerate: [simulation, debug-mode]\n");
	const struct encl_policy_service *s;

	CHECK(p);
	if (!p) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	s = encl_policy_service(p, "svc");
	CHECK(s && s->argc == 3 && !strcmp(s->argv[2], "$$SCONE::pw$$"));
	CHECK(s && s->nenv == 2 && !strcmp(s->env[0].name, "A") &&
	      !strcmp(s->env[1].value, "$$SCONE::bin$$"));
	CHECK(p->has_predecessor && p->predecessor[0] == 0x11);
	CHECK_EQ_INT(p->nsecret, 2);
	CHECK(p->secret[0].size == 12 && !p->secret[0].value);
	CHECK(p->secret[1].kind == ENCL_SECRET_BINARY && p->secret[1].value_len == 3);
	CHECK(p->tolerate & ENCL_TOLERATE_SIMULATION);
	encl_policy_free(p);
}

static void test_parse_bad_input(void)
{
	bad(HEAD "    command: [a, \"$$SCONE::nope$$\"]\n", "t.yaml:4:5:",
	    "unknown secret 'nope'");
	bad(HEAD "    command: [\"$$SCONE::b$$\"]\nsecrets:\n  - {name: b, kind: binary, size: 4}\n",
	    "t.yaml:4:5:", "binary secret 'b' can only be a whole environment value");
	bad(HEAD "secrets:\n  - {name: x, kind: ascii}\n", "t.yaml:8:5:",
	    "needs either size (to be generated) or value");
	bad(HEAD "secrets:\n  - {name: x, kind: text, size: 3}\n", "t.yaml:8:21:",
	    "unknown secret kind 'text'");
	bad(HEAD "secrets:\n  - {name: x, kind: hex, value: xyz}\n", "t.yaml:8:5:",
	    "is hex but its value is not hex digits");
	bad(HEAD "    colour: red\n", "t.yaml:7:5:", "unknown key 'colour' in a service");
	bad(HEAD "security:\n  attestation:\n    tolerate: [simulated]\n", "t.yaml:9:16:",
	    "unknown tolerate entry 'simulated'");
	bad(HEAD "    command: [a, [b]]\n", "t.yaml:7:18:", "must be a string");
	bad(HEAD "    environment: {A: 1, A: 2}\n", "t.yaml:7:25:", "duplicate environment");
	bad(HEAD "predecessor: 12\n", "t.yaml:7:14:", "predecessor");
	bad("name: s\nservices: [ {name: a\n", "t.yaml:3:1:", "did not find expected");
}

static uint16_t req(const char *owner, uint16_t type, const char *body, char **ans)
{
	size_t n;

	return encl_cas_session_request(db, owner, type, (const uint8_t *)body, strlen(body),
					ans, &n);
}

static void test_requests(void)
{
	char yaml[2048], *v1, *v2, *ans;
	struct encl_cas_secret_value *sec, *sec2;
	size_t nsec, nsec2;

	CHECK_EQ_INT(req(ME, ENCL_CAS_SESSION_CREATE, HEAD "secrets:\n  - {name: g, kind: hex, "
			 "size: 16}\n", &v1), ENCL_CAS_OK);
	CHECK_EQ_INT(strlen(v1), 64);
	CHECK_EQ_INT(encl_cas_db_secrets(db, "s", &sec, &nsec, err, sizeof(err)), 0);
	CHECK(nsec == 1 && sec[0].len == 16);
	/* another key can neither read, change nor delete it */
	CHECK_EQ_INT(req(YOU, ENCL_CAS_SESSION_SHOW, "s", &ans), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS(ans, "not the owner");
	free(ans);
	snprintf(yaml, sizeof(yaml), HEAD "predecessor: %s\n", v1);
	CHECK_EQ_INT(req(YOU, ENCL_CAS_SESSION_UPDATE, yaml, &ans), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS(ans, "not the owner");
	free(ans);
	CHECK_EQ_INT(req(YOU, ENCL_CAS_SESSION_DELETE, "s", &ans), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS(ans, "not the owner");
	free(ans);
	/* an update keeps the generated secret */
	snprintf(yaml, sizeof(yaml), HEAD "predecessor: %s\nsecrets:\n  - {name: g, kind: hex, "
		 "size: 16}\n", v1);
	CHECK_EQ_INT(req(ME, ENCL_CAS_SESSION_UPDATE, yaml, &v2), ENCL_CAS_OK);
	CHECK(strcmp(v1, v2));
	CHECK_EQ_INT(encl_cas_db_secrets(db, "s", &sec2, &nsec2, err, sizeof(err)), 0);
	CHECK(nsec2 == 1 && sec2[0].len == 16 && !memcmp(sec[0].v, sec2[0].v, 16));
	/* the old version is stale now, and the message names the current one */
	CHECK_EQ_INT(req(ME, ENCL_CAS_SESSION_UPDATE, yaml, &ans), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS(ans, "stale predecessor");
	CHECK_STR_CONTAINS(ans, v2);
	free(ans);
	CHECK_EQ_INT(req(ME, ENCL_CAS_SESSION_SHOW, "s", &ans), ENCL_CAS_OK);
	CHECK(!strcmp(ans, yaml));
	free(ans);
	/* create with a predecessor, update without one, no client key */
	CHECK_EQ_INT(req(ME, ENCL_CAS_SESSION_CREATE, yaml, &ans), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS(ans, "a new session has no predecessor");
	free(ans);
	CHECK_EQ_INT(req(ME, ENCL_CAS_SESSION_UPDATE, HEAD, &ans), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS(ans, "update needs predecessor");
	free(ans);
	CHECK_EQ_INT(req(NULL, ENCL_CAS_SESSION_SHOW, "s", &ans), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS(ans, "need a client key");
	free(ans);
	CHECK_EQ_INT(req(ME, ENCL_CAS_SESSION_DELETE, "s", &ans), ENCL_CAS_OK);
	free(ans);
	CHECK_EQ_INT(req(ME, ENCL_CAS_SESSION_SHOW, "s", &ans), ENCL_CAS_ERROR);
	CHECK_STR_CONTAINS(ans, "unknown session 's'");
	free(ans);
	encl_cas_secrets_free(sec2, nsec2);
	/* and its secrets went with it */
	CHECK_EQ_INT(encl_cas_db_secrets(db, "s", &sec2, &nsec2, err, sizeof(err)), 0);
	CHECK_EQ_INT(nsec2, 0);
	encl_cas_secrets_free(sec, nsec);
	encl_cas_secrets_free(sec2, nsec2);
	free(v1);
	free(v2);
}

/* A database of another schema version is refused, not read. */
static void test_schema_version(void)
{
	char path[128];
	sqlite3 *h;

	snprintf(path, sizeof(path), "/tmp/test_cas_session.%d.db", (int)getpid());
	unlink(path);
	CHECK(sqlite3_open(path, &h) == SQLITE_OK &&
	      sqlite3_exec(h, "PRAGMA user_version=7", NULL, NULL, NULL) == SQLITE_OK);
	sqlite3_close(h);
	CHECK(!encl_cas_db_open(path, err, sizeof(err)));
	CHECK_STR_CONTAINS(err, "schema version 7");
	unlink(path);
}

int main(void)
{
	char path[128];

	HARNESS_PLAN(4);
	snprintf(path, sizeof(path), "/tmp/test_cas_session.%d.sessions.db", (int)getpid());
	db = encl_cas_db_open(path, err, sizeof(err));
	if (!db) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	RUN(test_parse_session_keys);
	RUN(test_parse_bad_input);
	RUN(test_requests);
	RUN(test_schema_version);
	encl_cas_db_close(db);
	unlink(path);
	strcat(path, "-wal");
	unlink(path);
	path[strlen(path) - 4] = 0;
	strcat(path, "-shm");
	unlink(path);
	HARNESS_EXIT();
}

// SPDX-License-Identifier: MIT
/*
 * Session policies: parse errors with their line and column, OR/AND
 * semantics, signer constraints, debug-mode, and the template round trip,
 * all on synthetic identities.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "policy/policy.h"
#include "tests/harness.h"

/* Four distinct hashes, as the policy writes them and as bytes. */
#define HA "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define HB "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define HC "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
#define HS "5151515151515151515151515151515151515151515151515151515151515151"

static struct encl_identity ident(enum encl_mode mode, uint8_t mre, uint8_t mrs,
				  uint16_t prodid, uint16_t svn, int debug)
{
	struct encl_identity id = { .mode = mode, .isvprodid = prodid, .isvsvn = svn,
				    .debug = debug };

	memset(id.mrenclave, mre, sizeof(id.mrenclave));
	memset(id.mrsigner, mrs, sizeof(id.mrsigner));
	return id;
}

static char err[1024];

static struct encl_policy *parse(const char *yaml)
{
	err[0] = 0;
	return encl_policy_parse_string("t.yaml", yaml, strlen(yaml), err, sizeof(err));
}

/* The policy must be refused, with @where ("t.yaml:L:C:") and @what in the message. */
static void refused(const char *yaml, const char *where, const char *what)
{
	struct encl_policy *p = parse(yaml);

	CHECK(p == NULL);
	encl_policy_free(p);
	CHECK(!strncmp(err, where, strlen(where)));
	if (strncmp(err, where, strlen(where)))
		fprintf(stderr, "  got \"%s\", expected it to start with \"%s\"\n", err, where);
	CHECK_STR_CONTAINS(err, what);
}

/* Verdict of @id against service "s" of @yaml; @reason gets the why. */
static int verdict(const char *yaml, const struct encl_identity *id, unsigned flags,
		   char *reason, size_t len)
{
	struct encl_policy *p = parse(yaml);
	const struct encl_policy_service *s;
	int v;

	if (!p) {
		fprintf(stderr, "  unexpected parse error: %s\n", err);
		return -1;
	}
	s = encl_policy_service(p, "s");
	if (!s) {
		encl_policy_free(p);
		return -1;
	}
	v = encl_policy_eval(p, s, id, flags, reason, len);
	encl_policy_free(p);
	return v;
}

/* ---- parse errors --------------------------------------------------------- */

static void test_malformed_yaml(void)
{
	refused("services:\n  - name: s\n    attestation: [\n", "t.yaml:4:1:",
		"did not find expected node content");
	refused("name: a\nservices: - x\n", "t.yaml:2:", "not allowed");
	refused("name: 'unterminated\n", "t.yaml:2:1:", "quoted scalar");
	refused("", "t.yaml:1:1:", "empty");
	refused("services:\n  - name: s\n    attestation: {mrenclave: " HA "}\n---\nname: x\n",
		"t.yaml:4:1:", "one YAML document");
}

static void test_unknown_keys(void)
{
	refused("name: x\nservices:\n  - name: s\n    attestaton: []\n",
		"t.yaml:4:5:", "unknown key 'attestaton'");
	refused("nam: x\n", "t.yaml:1:1:", "unknown key 'nam' in the session");
	refused("services:\n  - name: s\n    attestation:\n      - mrenclave: " HA "\n"
		"        mrsigner: " HB "\n",
		"t.yaml:5:9:", "unknown key 'mrsigner' in an attestation map");
	refused("services:\n  - name: s\n    attestation:\n      - signer: {mrsigner: " HB
		", isvsvnmin: 2}\n", "t.yaml:4:", "unknown key 'isvsvnmin' in signer");
	refused("services:\n  - name: s\n    attestation: [{mrenclave: " HA "}]\n"
		"security:\n  attestation:\n    tolerat: [debug-mode]\n",
		"t.yaml:6:5:", "unknown key 'tolerat'");
	refused("services:\n  - name: s\n    attestation: [{mrenclave: " HA "}]\n"
		"security: {attestation: {tolerate: [debug]}}\n",
		"t.yaml:4:37:", "unknown tolerate entry 'debug'");
}

static void test_bad_hashes(void)
{
	/* 63 characters */
	refused("services:\n  - name: s\n    attestation:\n      - mrenclave: "
		"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		"t.yaml:4:20:", "must be 64 hex characters, got 63");
	refused("services:\n  - name: s\n    attestation:\n      - mrenclave: " HA "a\n",
		"t.yaml:4:20:", "got 65");
	/* A 'g' at position 5: the column points at it. */
	refused("services:\n  - name: s\n    attestation:\n      - mrenclave: "
		"aaaagaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n",
		"t.yaml:4:24:", "not hex at position 5");
	refused("services:\n  - name: s\n    attestation:\n      - mrenclave:\n"
		"        - " HA "\n        - \"" HB " \"\n",
		"t.yaml:6:11:", "got 65");
	refused("services:\n  - name: s\n    attestation:\n      - mrenclave:\n"
		"        - '" HA "'\n"
		"        - 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb '\n",
		"t.yaml:6:75:", "not hex at position 64");
	refused("services:\n  - name: s\n    attestation:\n      - signer: {mrsigner: 0x"
		HS "}\n", "t.yaml:4:", "mrsigner must be 64 hex characters, got 66");
	refused("services:\n  - name: s\n    attestation:\n      - mrenclave: []\n",
		"t.yaml:4:20:", "mrenclave is an empty list");
}

static void test_duplicates(void)
{
	refused("services:\n  - name: s\n    attestation: [{mrenclave: " HA "}]\n"
		"  - name: t\n    attestation: [{mrenclave: " HA "}]\n"
		"  - name: s\n    attestation: [{mrenclave: " HB "}]\n",
		"t.yaml:6:5:", "duplicate service name 's' (first at line 2)");
	refused("services:\n  - name: s\n    name: t\n    attestation: [{mrenclave: " HA "}]\n",
		"t.yaml:3:5:", "duplicate key 'name'");
	refused("services:\n  - name: s\n    attestation: {mrenclave: " HA ", mrenclave: " HB "}\n",
		"t.yaml:3:", "duplicate key 'mrenclave'");
}

static void test_empty(void)
{
	refused("services:\n  - name: s\n    attestation: []\n",
		"t.yaml:3:18:", "empty list in attestation");
	refused("services:\n  - name: s\n    attestation:\n      - {}\n",
		"t.yaml:4:9:", "empty map in attestation");
	refused("services:\n  - name: s\n    attestation:\n      - [{mrenclave: " HA "}, []]\n",
		"t.yaml:4:", "empty list in attestation");
	refused("services: []\n", "t.yaml:1:11:", "services is an empty list");
	refused("name: x\n", "t.yaml:1:1:", "no services");
	refused("services:\n  - name: s\n", "t.yaml:2:5:", "needs attestation");
	refused("services:\n  - attestation: [{mrenclave: " HA "}]\n", "t.yaml:2:5:",
		"needs a name");
	refused("services:\n  - name:\n    attestation: [{mrenclave: " HA "}]\n",
		"t.yaml:2:10:", "service name must be a string, got an empty value");
}

static void test_wrong_types(void)
{
	refused("- a\n", "t.yaml:1:1:", "the session must be a map, got a list");
	refused("services: {name: s}\n", "t.yaml:1:11:", "services must be a list, got a map");
	refused("services:\n  - name: [s]\n    attestation: [{mrenclave: " HA "}]\n",
		"t.yaml:2:11:", "service name must be a string, got a list");
	refused("services:\n  - name: s\n    attestation: " HA "\n",
		"t.yaml:3:18:", "attestation must be a list (any of) or a map (all of)");
	refused("services:\n  - name: s\n    attestation: [" HA "]\n",
		"t.yaml:3:19:", "got a scalar");
	refused("services:\n  - name: s\n    attestation: [{mrenclave: {x: y}}]\n",
		"t.yaml:3:31:", "mrenclave must be a hash or a list of hashes, got a map");
	refused("services:\n  - name: s\n    attestation: [{signer: " HS "}]\n",
		"t.yaml:3:28:", "signer must be a map, got a scalar");
	refused("services:\n  - name: s\n    attestation:\n      - signer:\n"
		"          mrsigner: " HS "\n          isvprodid: \"1\"\n",
		"t.yaml:6:22:", "isvprodid must be an integer, got a quoted string");
	refused("services:\n  - name: s\n    attestation:\n      - signer:\n"
		"          mrsigner: " HS "\n          isvsvn: 65536\n",
		"t.yaml:6:19:", "isvsvn must be an integer from 0 to 65535, got '65536'");
	refused("services:\n  - name: s\n    attestation:\n      - signer:\n"
		"          mrsigner: " HS "\n          isvsvn_min: -1\n",
		"t.yaml:6:23:", "got '-1'");
	refused("services:\n  - name: s\n    attestation: [{mrenclave: " HA "}]\n"
		"security: {attestation: {tolerate: debug-mode}}\n",
		"t.yaml:4:36:", "tolerate must be a list");
	refused("version: 0.4\n", "t.yaml:1:10:", "unsupported version '0.4'");
	refused("version: [0.3]\n", "t.yaml:1:10:", "version must be a string");
}

static void test_signer_rules(void)
{
	refused("services:\n  - name: s\n    attestation:\n      - signer: {isvprodid: 1}\n",
		"t.yaml:4:17:", "signer needs mrsigner");
	refused("services:\n  - name: s\n    attestation:\n      - signer: {mrsigner: " HS
		", isvsvn: 1, isvsvn_min: 1}\n", "t.yaml:4:17:", "both isvsvn and isvsvn_min");
	refused("services:\n  - name: s\n    attestation:\n      - signer: {mrsigner: " HS
		", isvsvn_min: 3, isvsvn_max: 2}\n", "t.yaml:4:17:",
		"isvsvn_min 3 above isvsvn_max 2");
}

/* Aliases are refused where they are used; deep nesting is refused early. */
static void test_aliases_and_depth(void)
{
	char deep[256];
	int i, n;

	refused("services:\n  - name: s\n    attestation: &a [{mrenclave: " HA "}]\n"
		"  - name: t\n    attestation: *a\n", "t.yaml:5:18:", "aliases are not supported");
	n = snprintf(deep, sizeof(deep), "services:\n  - name: s\n    attestation: ");
	for (i = 0; i < 40; i++)
		deep[n++] = '[';
	strcpy(deep + n, "\n");
	refused(deep, "t.yaml:3:34:", "nested more than 16 levels");
}

/* ---- a valid policy ------------------------------------------------------- */

static const char session[] =
	"name: my-session\n"
	"version: \"0.3\"\n"
	"services:\n"
	"  - name: s\n"
	"    attestation:\n"
	"      - mrenclave:\n"
	"          - " HA "\n"
	"          - " HB "\n"
	"      - signer: {mrsigner: " HS ", isvprodid: 1, isvsvn_min: 2}\n"
	"  - name: other\n"
	"    attestation: {mrenclave: " HC "}\n"
	"security:\n"
	"  attestation:\n"
	"    tolerate: [debug-mode, hyperthreading]\n";

static void test_parse_valid(void)
{
	struct encl_policy *p = parse(session);
	const struct encl_policy_service *s;
	const struct encl_policy_node *a;

	CHECK(p != NULL);
	if (!p) {
		fprintf(stderr, "  %s\n", err);
		return;
	}
	CHECK(p->name && !strcmp(p->name, "my-session"));
	CHECK_EQ_INT(p->nservice, 2);
	CHECK_EQ_INT(p->tolerate, ENCL_TOLERATE_DEBUG_MODE | ENCL_TOLERATE_HYPERTHREADING);
	CHECK(encl_policy_service(p, "nope") == NULL);
	s = encl_policy_service(p, "s");
	CHECK(s && s->line == 4);
	a = &s->attestation;
	CHECK_EQ_INT(a->type, ENCL_POLICY_ANY);
	CHECK_EQ_INT(a->list.n, 2);
	CHECK_EQ_INT(a->list.child[0].type, ENCL_POLICY_ALL);
	CHECK_EQ_INT(a->list.child[0].list.child[0].type, ENCL_POLICY_MRENCLAVE);
	CHECK_EQ_INT(a->list.child[0].list.child[0].mrenclave.n, 2);
	CHECK_EQ_INT(a->list.child[0].list.child[0].mrenclave.hash[1].line, 8);
	CHECK_EQ_INT(a->list.child[1].list.child[0].type, ENCL_POLICY_SIGNER);
	CHECK_EQ_INT(a->list.child[1].list.child[0].signer.isvsvn_min, 2);
	CHECK_EQ_INT(a->list.child[1].list.child[0].signer.mrsigner[0], 0x51);
	s = encl_policy_service(p, "other");
	CHECK(s && s->attestation.type == ENCL_POLICY_ALL);
	encl_policy_free(p);

	/* Point releases of 0.3 and upper-case hex are fine. */
	p = parse("version: 0.3.10\nservices:\n  - name: s\n    attestation: {mrenclave: "
		  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA}\n");
	CHECK(p != NULL);
	encl_policy_free(p);
}

static void test_parse_file(void)
{
	char path[] = "/tmp/encl-test-policy-XXXXXX";
	struct encl_policy *p;
	FILE *f;
	int fd = mkstemp(path);

	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	fputs("services:\n  - name: s\n    attestation: [{mrenclave: " HA "}]\n  - bad\n", f);
	fclose(f);
	p = encl_policy_parse_file(path, err, sizeof(err));
	CHECK(p == NULL);
	CHECK_STR_CONTAINS(err, path);
	CHECK_STR_CONTAINS(err, ":4:5: a service must be a map");
	unlink(path);
	p = encl_policy_parse_file(path, err, sizeof(err));
	CHECK(p == NULL);
	CHECK_STR_CONTAINS(err, "No such file");
}

/* ---- semantics ------------------------------------------------------------ */

static void test_or(void)
{
	struct encl_identity a = ident(ENCL_MODE_SGX1, 0xaa, 0x11, 0, 0, 0);
	struct encl_identity b = ident(ENCL_MODE_EDMM, 0xbb, 0x11, 0, 0, 0);
	struct encl_identity c = ident(ENCL_MODE_EDMM, 0xcc, 0x11, 0, 0, 0);
	struct encl_identity sig = ident(ENCL_MODE_EDMM, 0xcc, 0x51, 1, 2, 0);
	char why[1024];

	CHECK_EQ_INT(verdict(session, &a, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
	CHECK_STR_CONTAINS(why, "alternative 1 (line 6): mrenclave listed at line 7");
	CHECK_EQ_INT(verdict(session, &b, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
	CHECK_STR_CONTAINS(why, "listed at line 8");
	CHECK_EQ_INT(verdict(session, &c, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "none of 2 alternatives matched");
	CHECK_STR_CONTAINS(why, "mrenclave cccccccccccccccc... is not among the 2 listed "
			   "at line 7");
	CHECK_STR_CONTAINS(why, "signer at line 9: mrsigner 1111111111111111... differs");
	CHECK_EQ_INT(verdict(session, &sig, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
	CHECK_STR_CONTAINS(why, "alternative 2 (line 9): signer at line 9 matches");
	CHECK_STR_CONTAINS(why, "isvsvn 2 >= 2");
	/* Without a signer identity, no signer rule matches. */
	CHECK_EQ_INT(verdict(session, &sig, ENCL_POLICY_NO_SIGNER, why, sizeof(why)),
		     ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "no MRSIGNER was given");
}

/* A policy that lists only the SGX1 hash: the EDMM layout is rejected, with a reason. */
static void test_sgx1_only(void)
{
	static const char yaml[] =
		"services:\n  - name: s\n    attestation:\n      - mrenclave: " HA "\n";
	struct encl_identity sgx1 = ident(ENCL_MODE_SGX1, 0xaa, 0x51, 1, 2, 0);
	struct encl_identity edmm = ident(ENCL_MODE_EDMM, 0xbb, 0x51, 1, 2, 0);
	char why[1024];

	CHECK_EQ_INT(verdict(yaml, &sgx1, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
	CHECK_STR_CONTAINS(why, "mrenclave listed at line 4");
	CHECK_EQ_INT(verdict(yaml, &edmm, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "mrenclave bbbbbbbbbbbbbbbb... is not the one at line 4");
}

/* A map needs every rule in it: mrenclave and signer. */
static void test_and(void)
{
	static const char yaml[] =
		"services:\n"
		"  - name: s\n"
		"    attestation:\n"
		"      mrenclave: " HA "\n"
		"      signer: {mrsigner: " HS ", isvprodid: 7}\n";
	struct encl_identity both = ident(ENCL_MODE_SGX1, 0xaa, 0x51, 7, 0, 0);
	struct encl_identity hash_only = ident(ENCL_MODE_SGX1, 0xaa, 0x52, 7, 0, 0);
	struct encl_identity signer_only = ident(ENCL_MODE_SGX1, 0xab, 0x51, 7, 0, 0);
	struct encl_identity other_prod = ident(ENCL_MODE_SGX1, 0xaa, 0x51, 8, 0, 0);
	char why[1024];

	CHECK_EQ_INT(verdict(yaml, &both, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
	CHECK_STR_CONTAINS(why, "mrenclave listed at line 4 and signer at line 5 matches");
	CHECK_EQ_INT(verdict(yaml, &hash_only, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "signer at line 5: mrsigner 5252525252525252... differs");
	CHECK(!strstr(why, "mrenclave"));
	CHECK_EQ_INT(verdict(yaml, &signer_only, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "mrenclave abababababababab... is not the one at line 4");
	CHECK_EQ_INT(verdict(yaml, &other_prod, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "isvprodid 8 is not 7");
}

static void test_isvsvn(void)
{
	static const char range[] =
		"services:\n  - name: s\n    attestation:\n"
		"      - signer: {mrsigner: " HS ", isvprodid: 1, isvsvn_min: 3, isvsvn_max: 5}\n";
	static const char exact[] =
		"services:\n  - name: s\n    attestation:\n"
		"      - signer: {mrsigner: " HS ", isvprodid: 1, isvsvn: 4}\n";
	struct encl_identity id = ident(ENCL_MODE_EDMM, 0xaa, 0x51, 1, 2, 0);
	char why[1024];

	/* isvsvn_min above the binary's value rejects. */
	CHECK_EQ_INT(verdict(range, &id, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "isvsvn 2 is below isvsvn_min 3");
	id.isvsvn = 3;
	CHECK_EQ_INT(verdict(range, &id, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
	CHECK_STR_CONTAINS(why, "isvsvn 3 in 3..5");
	id.isvsvn = 5;
	CHECK_EQ_INT(verdict(range, &id, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
	id.isvsvn = 6;
	CHECK_EQ_INT(verdict(range, &id, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "isvsvn 6 is above isvsvn_max 5");
	CHECK_EQ_INT(verdict(exact, &id, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "isvsvn 6 is not 4");
	id.isvsvn = 4;
	CHECK_EQ_INT(verdict(exact, &id, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
}

static void test_debug(void)
{
	static const char strict[] =
		"services:\n  - name: s\n    attestation: {mrenclave: " HA "}\n";
	static const char tolerant[] =
		"services:\n  - name: s\n    attestation: {mrenclave: " HA "}\n"
		"security: {attestation: {tolerate: [debug-mode]}}\n";
	struct encl_identity dbg = ident(ENCL_MODE_SGX1, 0xaa, 0x51, 0, 0, 1);
	char why[1024];

	CHECK_EQ_INT(verdict(strict, &dbg, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_STR_CONTAINS(why, "debug enclave");
	CHECK_STR_CONTAINS(why, "debug-mode");
	CHECK_EQ_INT(verdict(tolerant, &dbg, 0, why, sizeof(why)), ENCL_POLICY_ACCEPTED);
	CHECK_STR_CONTAINS(why, "debug-mode tolerated");
	/* Tolerating debug-mode does not make a wrong hash right. */
	dbg.mrenclave[0] = 0;
	CHECK_EQ_INT(verdict(tolerant, &dbg, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
}

/* A long reason is cut at the buffer's end, never overrun. */
static void test_reason_truncated(void)
{
	struct encl_identity c = ident(ENCL_MODE_EDMM, 0xcc, 0x11, 0, 0, 0);
	char why[24];

	memset(why, 'x', sizeof(why));
	CHECK_EQ_INT(verdict(session, &c, 0, why, sizeof(why)), ENCL_POLICY_REJECTED);
	CHECK_EQ_INT(strlen(why), sizeof(why) - 1);
}

/* ---- template ------------------------------------------------------------- */

/* Writes a template for @id into a string, parses it back, checks every identity. */
static void round_trip(const struct encl_identity *id, size_t n, const char *service,
		       const char *sess, int expect_debug)
{
	const struct encl_policy_service *s;
	struct encl_identity other;
	struct encl_policy *p;
	char *text = NULL, why[1024];
	size_t len = 0, i;
	FILE *f = open_memstream(&text, &len);

	CHECK(f != NULL);
	CHECK_EQ_INT(encl_policy_template(f, sess, service, id, n, 0, err, sizeof(err)), 0);
	fclose(f);
	p = encl_policy_parse_string("template", text, len, err, sizeof(err));
	CHECK(p != NULL);
	if (!p) {
		fprintf(stderr, "  %s\n%s", err, text);
		free(text);
		return;
	}
	CHECK(!strcmp(p->name, sess ? sess : service));
	CHECK_EQ_INT(!!(p->tolerate & ENCL_TOLERATE_DEBUG_MODE), expect_debug);
	CHECK_EQ_INT(!!strstr(text, "debug-mode"), expect_debug);
	s = encl_policy_service(p, service);
	CHECK(s != NULL);
	/* Without --signer, the same signer's other programs are not accepted. */
	CHECK(!strstr(text, "mrsigner"));
	other = id[0];
	other.mrenclave[0] ^= 0xff;
	if (s)
		CHECK_EQ_INT(encl_policy_eval(p, s, &other, 0, why, sizeof(why)),
			     ENCL_POLICY_REJECTED);
	for (i = 0; s && i < n; i++) {
		CHECK_EQ_INT(encl_policy_eval(p, s, &id[i], 0, why, sizeof(why)),
			     ENCL_POLICY_ACCEPTED);
		CHECK_STR_CONTAINS(why, "mrenclave listed");
		CHECK_EQ_INT(encl_policy_eval(p, s, &id[i], ENCL_POLICY_NO_SIGNER, why,
					      sizeof(why)), ENCL_POLICY_ACCEPTED);
	}
	encl_policy_free(p);
	free(text);
}

static void test_template_round_trip(void)
{
	struct encl_identity id[2] = {
		ident(ENCL_MODE_SGX1, 0x12, 0x51, 3, 4, 0),
		ident(ENCL_MODE_EDMM, 0x34, 0x51, 3, 4, 0),
	};
	struct encl_identity newer = ident(ENCL_MODE_EDMM, 0x56, 0x51, 3, 5, 0);
	struct encl_identity older = ident(ENCL_MODE_EDMM, 0x56, 0x51, 3, 3, 0);
	struct encl_policy *p;
	char *text = NULL, why[1024];
	size_t len = 0;
	FILE *f;

	round_trip(id, 2, "test-c", NULL, 0);
	round_trip(id, 2, "yes", "1 \"odd\" name: #", 0);
	round_trip(id, 2, "caf\xc3\xa9", "s", 0);
	id[0].debug = id[1].debug = 1;
	round_trip(id, 2, "test-c", "session", 1);
	id[0].debug = id[1].debug = 0;

	/* The signer alternative: a newer build of the same product passes, an older one not. */
	f = open_memstream(&text, &len);
	CHECK_EQ_INT(encl_policy_template(f, NULL, "s", id, 2, 1, err, sizeof(err)), 0);
	fclose(f);
	CHECK_STR_CONTAINS(text, "mrsigner: " HS);
	CHECK_STR_CONTAINS(text, "isvprodid: 3");
	CHECK_STR_CONTAINS(text, "isvsvn_min: 4");
	p = encl_policy_parse_string("template", text, len, err, sizeof(err));
	CHECK(p != NULL);
	if (p) {
		const struct encl_policy_service *s = encl_policy_service(p, "s");

		CHECK_EQ_INT(encl_policy_eval(p, s, &newer, 0, why, sizeof(why)),
			     ENCL_POLICY_ACCEPTED);
		CHECK_STR_CONTAINS(why, "alternative 2");
		CHECK_EQ_INT(encl_policy_eval(p, s, &older, 0, why, sizeof(why)),
			     ENCL_POLICY_REJECTED);
		CHECK_STR_CONTAINS(why, "isvsvn 3 is below isvsvn_min 4");
	}
	encl_policy_free(p);
	free(text);

	f = open_memstream(&text, &len);
	CHECK_EQ_INT(encl_policy_template(f, NULL, "bad\nname", id, 2, 0, err, sizeof(err)), -1);
	CHECK_EQ_INT(encl_policy_template(f, NULL, "", id, 2, 0, err, sizeof(err)), -1);
	fclose(f);
	free(text);
}

/* Many services: each is found by name, and a duplicate far apart is still caught. */
static void test_many_services(void)
{
	size_t cap = 2000 * 120, n = 0, i;
	char *yaml = malloc(cap), name[32];
	struct encl_policy *p;

	n += snprintf(yaml + n, cap - n, "services:\n");
	for (i = 0; i < 2000; i++)
		n += snprintf(yaml + n, cap - n, "  - name: svc-%zu\n    attestation: "
			      "{mrenclave: " HA "}\n", i);
	p = parse(yaml);
	CHECK(p != NULL);
	CHECK_EQ_INT(p ? p->nservice : 0, 2000);
	for (i = 0; p && i < 2000; i += 37) {
		snprintf(name, sizeof(name), "svc-%zu", i);
		CHECK(encl_policy_service(p, name) == &p->service[i]);
	}
	encl_policy_free(p);
	n += snprintf(yaml + n, cap - n, "  - name: svc-7\n    attestation: {mrenclave: " HA "}\n");
	refused(yaml, "t.yaml:4002:5:", "duplicate service name 'svc-7' (first at line 16)");
	free(yaml);
}

int main(void)
{
	HARNESS_PLAN(18);
	RUN(test_malformed_yaml);
	RUN(test_unknown_keys);
	RUN(test_bad_hashes);
	RUN(test_duplicates);
	RUN(test_empty);
	RUN(test_wrong_types);
	RUN(test_signer_rules);
	RUN(test_aliases_and_depth);
	RUN(test_parse_valid);
	RUN(test_parse_file);
	RUN(test_or);
	RUN(test_sgx1_only);
	RUN(test_and);
	RUN(test_isvsvn);
	RUN(test_debug);
	RUN(test_reason_truncated);
	RUN(test_template_round_trip);
	RUN(test_many_services);
	HARNESS_EXIT();
}

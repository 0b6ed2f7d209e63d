// SPDX-License-Identifier: MIT
/*
 * Policy templates: a session with one service that accepts a given set of
 * identities, written with libyaml's emitter so that names are quoted and
 * escaped as YAML requires.
 */
#include <stdarg.h>
#include <string.h>
#include <yaml.h>
#include "policy/policy.h"

struct out {
	yaml_emitter_t em;
	int failed;
};

/*
 * Every emit is a no-op after the first failure, so the caller checks once.
 * The emitter owns an event it was given; one it was not is freed here.
 */
static void emit(struct out *o, yaml_event_t *ev, int ok)
{
	if (!ok) {
		o->failed = 1;
		return;
	}
	if (o->failed) {
		yaml_event_delete(ev);
		return;
	}
	if (!yaml_emitter_emit(&o->em, ev))
		o->failed = 1;
}

static void scalar(struct out *o, const char *s, yaml_scalar_style_t style)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s,
						  strlen(s), 1, 1, style));
}

/*
 * A name is written plain only when no YAML reader could take it for
 * anything but a string: no leading digit or sign, and none of YAML 1.1's
 * boolean or null words. Everything else is double-quoted.
 */
static int plain_name(const char *s)
{
	static const char *const words[] = {
		"y", "n", "yes", "no", "true", "false", "on", "off", "null",
	};
	size_t i;

	if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || *s == '_'))
		return 0;
	for (i = 0; s[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-",
			    s[i]))
			return 0;
	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (!strcasecmp(s, words[i]))
			return 0;
	return 1;
}

static void name(struct out *o, const char *s)
{
	scalar(o, s, plain_name(s) ? YAML_PLAIN_SCALAR_STYLE : YAML_DOUBLE_QUOTED_SCALAR_STYLE);
}

static void hash(struct out *o, const uint8_t h[SGX_HASH_SIZE])
{
	char hex[2 * SGX_HASH_SIZE + 1];
	int i;

	for (i = 0; i < SGX_HASH_SIZE; i++)
		sprintf(hex + 2 * i, "%02x", h[i]);
	scalar(o, hex, YAML_PLAIN_SCALAR_STYLE);
}

static void number(struct out *o, unsigned v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", v);
	scalar(o, buf, YAML_PLAIN_SCALAR_STYLE);
}

static void key(struct out *o, const char *k)
{
	scalar(o, k, YAML_PLAIN_SCALAR_STYLE);
}

static void map_start(struct out *o)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
							 YAML_BLOCK_MAPPING_STYLE));
}

static void map_end(struct out *o)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_mapping_end_event_initialize(&ev));
}

static void seq_start(struct out *o, yaml_sequence_style_t style)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, style));
}

static void seq_end(struct out *o)
{
	yaml_event_t ev;

	emit(o, &ev, yaml_sequence_end_event_initialize(&ev));
}

/* - mrenclave: [every distinct MRENCLAVE, in the order given] */
static void mrenclave_alternative(struct out *o, const struct encl_identity *id, size_t n)
{
	size_t i, j;

	map_start(o);
	key(o, "mrenclave");
	seq_start(o, YAML_BLOCK_SEQUENCE_STYLE);
	for (i = 0; i < n; i++) {
		for (j = 0; j < i && memcmp(id[j].mrenclave, id[i].mrenclave, SGX_HASH_SIZE); j++)
			;
		if (j == i)
			hash(o, id[i].mrenclave);
	}
	seq_end(o);
	map_end(o);
}

static int same_signer(const struct encl_identity *a, const struct encl_identity *b)
{
	return !memcmp(a->mrsigner, b->mrsigner, SGX_HASH_SIZE) && a->isvprodid == b->isvprodid;
}

/*
 * - signer: {mrsigner, isvprodid, isvsvn_min} for each distinct signer.
 * isvsvn_min is the lowest ISVSVN given, so later versions are accepted and
 * older ones, which may have known flaws, are not.
 */
static void signer_alternatives(struct out *o, const struct encl_identity *id, size_t n)
{
	size_t i, j;
	uint16_t svn;

	for (i = 0; i < n; i++) {
		for (j = 0; j < i && !same_signer(&id[j], &id[i]); j++)
			;
		if (j < i)
			continue;
		svn = id[i].isvsvn;
		for (j = i + 1; j < n; j++)
			if (same_signer(&id[j], &id[i]) && id[j].isvsvn < svn)
				svn = id[j].isvsvn;
		map_start(o);
		key(o, "signer");
		map_start(o);
		key(o, "mrsigner");
		hash(o, id[i].mrsigner);
		key(o, "isvprodid");
		number(o, id[i].isvprodid);
		key(o, "isvsvn_min");
		number(o, svn);
		map_end(o);
		map_end(o);
	}
}

static void service(struct out *o, const char *svc, const struct encl_identity *id, size_t n,
		    int signer)
{
	map_start(o);
	key(o, "name");
	name(o, svc);
	key(o, "attestation");
	seq_start(o, YAML_BLOCK_SEQUENCE_STYLE);
	mrenclave_alternative(o, id, n);
	if (signer)
		signer_alternatives(o, id, n);
	seq_end(o);
	map_end(o);
}

static void tolerate_debug(struct out *o)
{
	key(o, "security");
	map_start(o);
	key(o, "attestation");
	map_start(o);
	key(o, "tolerate");
	seq_start(o, YAML_FLOW_SEQUENCE_STYLE);
	scalar(o, "debug-mode", YAML_PLAIN_SCALAR_STYLE);
	seq_end(o);
	map_end(o);
	map_end(o);
}

static void document(struct out *o, const char *session, const char *svc,
		     const struct encl_identity *id, size_t n, int signer)
{
	yaml_event_t ev;
	size_t i;
	int debug = 0;

	for (i = 0; i < n; i++)
		debug |= id[i].debug;
	emit(o, &ev, yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING));
	emit(o, &ev, yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1));
	map_start(o);
	key(o, "name");
	name(o, session);
	key(o, "version");
	scalar(o, "0.3", YAML_DOUBLE_QUOTED_SCALAR_STYLE);
	key(o, "services");
	seq_start(o, YAML_BLOCK_SEQUENCE_STYLE);
	service(o, svc, id, n, signer);
	seq_end(o);
	if (debug)
		tolerate_debug(o);
	map_end(o);
	emit(o, &ev, yaml_document_end_event_initialize(&ev, 1));
	emit(o, &ev, yaml_stream_end_event_initialize(&ev));
}

/* The parser refuses what it could not print back; so does the template. */
static int printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

int encl_policy_template(FILE *f, const char *session, const char *svc,
			 const struct encl_identity *id, size_t n, int signer,
			 char *err, size_t errlen)
{
	struct out o = { .failed = 0 };
	size_t i;

	if (!session)
		session = svc;
	if (!n || !svc || !*svc || !*session || !printable(svc) || !printable(session)) {
		snprintf(err, errlen, "a template needs an identity and non-empty names "
			 "without control characters");
		return -1;
	}
	fprintf(f, "# Session policy from encl policy template. MRENCLAVEs, in order:");
	for (i = 0; i < n; i++)
		fprintf(f, " %s", encl_mode_name(id[i].mode));
	fprintf(f, ".\n# They are computed for the effective configuration "
		"(SCONE_* from the environment);\n# the sgx1 one changes with SCONE_HEAP.\n");
	if (signer)
		fprintf(f, "# The signer alternatives accept ANY enclave signed with the same key\n"
			"# (MRSIGNER) and the same ISVPRODID, with an ISVSVN at least the one\n"
			"# given: other programs signed with that key too, not only this one.\n");
	else
		fprintf(f, "# Only these MRENCLAVEs are accepted: another program, or this one\n"
			"# rebuilt differently, is not, even when signed with the same key.\n");
	if (!yaml_emitter_initialize(&o.em)) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	yaml_emitter_set_output_file(&o.em, f);
	yaml_emitter_set_unicode(&o.em, 1);
	yaml_emitter_set_width(&o.em, -1);
	document(&o, session, svc, id, n, signer);
	if (!o.failed && !yaml_emitter_flush(&o.em))
		o.failed = 1;
	if (o.failed)
		snprintf(err, errlen, "writing the policy: %s",
			 o.em.problem ? o.em.problem : "write error");
	yaml_emitter_delete(&o.em);
	return o.failed ? -1 : 0;
}

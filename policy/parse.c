// SPDX-License-Identifier: MIT
/*
 * Policy parser: libyaml turns the file into events, and this file reads
 * them by recursive descent over the session language, building struct
 * encl_policy as it goes. Since nothing unknown is ever skipped, the
 * descent is only as deep as the grammar (plus a bound on attestation
 * nesting), whatever the input.
 *
 * Every check is strict, because a policy decides what may run with a
 * session's secrets: unknown keys, wrong types, malformed hashes, duplicate
 * keys or service names and empty lists or maps are all errors that name
 * the line and column. An empty list under attestation would accept
 * nothing and an empty map would accept anything; neither is what the
 * author meant.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "policy/policy.h"

struct ctx {
	const char *file;
	yaml_parser_t *parser;
	yaml_event_t ev;	/* the current event */
	int have_ev;
	unsigned depth;		/* of attestation lists and maps */
	char *err;
	size_t errlen;
};

/*
 * A handler for the value of one known key of a map. It is called on the
 * value's first event and consumes the value up to its last event.
 */
struct key {
	const char *name;
	int (*parse)(struct ctx *c, void *arg);
};

static int errorf(struct ctx *c, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int errorf(struct ctx *c, yaml_mark_t m, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (!c->err || !c->errlen)
		return -1;
	n = snprintf(c->err, c->errlen, "%s:%zu:%zu: ", c->file, m.line + 1, m.column + 1);
	if (n >= 0 && (size_t)n < c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err + n, c->errlen - n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

#define ev_error(c, ...) errorf((c), (c)->ev.start_mark, __VA_ARGS__)

static const yaml_mark_t start_of_file = { 0, 0, 0 };

static int yaml_error(struct ctx *c)
{
	yaml_parser_t *parser = c->parser;
	const char *problem = parser->problem ? parser->problem : "malformed YAML";

	if (parser->error == YAML_MEMORY_ERROR)
		return errorf(c, start_of_file, "out of memory");
	if (parser->error == YAML_READER_ERROR)
		return errorf(c, start_of_file, "%s at byte %zu", problem, parser->problem_offset);
	if (parser->context)
		return errorf(c, parser->problem_mark, "%s (%s at line %zu, column %zu)",
			      problem, parser->context, parser->context_mark.line + 1,
			      parser->context_mark.column + 1);
	return errorf(c, parser->problem_mark, "%s", problem);
}

/*
 * Move to the next event. The grammar is a tree, so aliases are refused
 * where they appear; that also rules out alias-bomb documents.
 */
static int next(struct ctx *c)
{
	if (c->have_ev)
		yaml_event_delete(&c->ev);
	c->have_ev = 0;
	if (!yaml_parser_parse(c->parser, &c->ev))
		return yaml_error(c);
	c->have_ev = 1;
	if (c->ev.type == YAML_ALIAS_EVENT)
		return ev_error(c, "aliases are not supported in policies");
	return 0;
}

#define SCALAR(c) ((const char *)(c)->ev.data.scalar.value)
#define SCALAR_LEN(c) ((c)->ev.data.scalar.length)

/* The current scalar made printable for a message: control bytes become '?', long ones are cut. */
static const char *shown(const struct ctx *c, char buf[48])
{
	size_t i, len = SCALAR_LEN(c);

	if (len > 40)
		len = 40;
	for (i = 0; i < len; i++) {
		unsigned char ch = SCALAR(c)[i];
		buf[i] = ch < 0x20 || ch == 0x7f ? '?' : ch;
	}
	strcpy(buf + len, SCALAR_LEN(c) > len ? "..." : "");
	return buf;
}

static const char *type_name(const struct ctx *c)
{
	switch (c->ev.type) {
	case YAML_SCALAR_EVENT:
		return SCALAR_LEN(c) ? "a scalar" : "an empty value";
	case YAML_SEQUENCE_START_EVENT:
		return "a list";
	case YAML_MAPPING_START_EVENT:
		return "a map";
	default:
		return "nothing";
	}
}

/* The current event must start a value of @type; an empty scalar is no string. */
static int expect(struct ctx *c, yaml_event_type_t type, const char *what)
{
	const char *want = type == YAML_SCALAR_EVENT ? "a string" :
			   type == YAML_SEQUENCE_START_EVENT ? "a list" : "a map";

	if (c->ev.type == type && (type != YAML_SCALAR_EVENT || SCALAR_LEN(c)))
		return 0;
	return ev_error(c, "%s must be %s, got %s", what, want, type_name(c));
}

static int scalar_is(const struct ctx *c, const char *s)
{
	return SCALAR_LEN(c) == strlen(s) && !memcmp(SCALAR(c), s, SCALAR_LEN(c));
}

/*
 * Walk the map that starts at the current event: every key must be in
 * @keys, at most once. Returns the bitmask of the keys present, or -1.
 */
static long walk_map(struct ctx *c, const char *what, const struct key *keys, size_t nkeys,
		     void *arg)
{
	unsigned long seen = 0;
	char buf[48], list[160];
	size_t i;

	if (expect(c, YAML_MAPPING_START_EVENT, what))
		return -1;
	for (;;) {
		if (next(c))
			return -1;
		if (c->ev.type == YAML_MAPPING_END_EVENT)
			return seen;
		if (c->ev.type != YAML_SCALAR_EVENT)
			return ev_error(c, "a key in %s must be a name, got %s", what,
					type_name(c));
		for (i = 0; i < nkeys && !scalar_is(c, keys[i].name); i++)
			;
		if (i == nkeys) {
			list[0] = 0;
			for (i = 0; i < nkeys; i++)
				snprintf(list + strlen(list), sizeof(list) - strlen(list),
					 "%s%s", i ? ", " : "", keys[i].name);
			return ev_error(c, "unknown key '%s' in %s (expected %s)",
					shown(c, buf), what, list);
		}
		if (seen & (1ul << i))
			return ev_error(c, "duplicate key '%s' in %s", keys[i].name, what);
		seen |= 1ul << i;
		if (next(c) || keys[i].parse(c, arg))
			return -1;
	}
}

/*
 * Room for element @n of the array at @base (@n elements so far), zeroed.
 * Returns the array, perhaps moved, or NULL with @base still valid.
 * Doubling at powers of two keeps 10,000 services cheap.
 */
static void *grow(struct ctx *c, void *base, size_t n, size_t size)
{
	if (!(n & (n - 1))) {
		base = realloc(base, (n ? 2 * n : 1) * size);
		if (!base) {
			ev_error(c, "out of memory");
			return NULL;
		}
	}
	memset((char *)base + n * size, 0, size);
	return base;
}

/* Hex digit values plus one; 0 marks a byte that is not a hex digit. */
static const unsigned char hex1[256] = {
	['0'] = 1, ['1'] = 2, ['2'] = 3, ['3'] = 4, ['4'] = 5,
	['5'] = 6, ['6'] = 7, ['7'] = 8, ['8'] = 9, ['9'] = 10,
	['a'] = 11, ['b'] = 12, ['c'] = 13, ['d'] = 14, ['e'] = 15, ['f'] = 16,
	['A'] = 11, ['B'] = 12, ['C'] = 13, ['D'] = 14, ['E'] = 15, ['F'] = 16,
};

/* The one rule for hex hashes, shared with the command line. */
int encl_policy_parse_hash(const char *s, size_t len, uint8_t out[SGX_HASH_SIZE],
			   size_t *bad, char *err, size_t errlen)
{
	size_t i;

	*bad = 0;
	if (len != 2 * SGX_HASH_SIZE) {
		snprintf(err, errlen, "must be %d hex characters, got %zu",
			 2 * SGX_HASH_SIZE, len);
		return -1;
	}
	for (i = 0; i < len; i += 2) {
		unsigned hi = hex1[(unsigned char)s[i]], lo = hex1[(unsigned char)s[i + 1]];

		if (!hi || !lo) {
			*bad = hi ? i + 1 : i;
			snprintf(err, errlen, "has a character that is not hex at position %zu",
				 *bad + 1);
			return -1;
		}
		out[i / 2] = (hi - 1) << 4 | (lo - 1);
	}
	return 0;
}

static int parse_hash(struct ctx *c, const char *what, uint8_t out[SGX_HASH_SIZE])
{
	yaml_mark_t m = c->ev.start_mark;
	char msg[96];
	size_t bad;

	if (expect(c, YAML_SCALAR_EVENT, what))
		return -1;
	if (!encl_policy_parse_hash(SCALAR(c), SCALAR_LEN(c), out, &bad, msg, sizeof(msg)))
		return 0;
	/*
	 * A bad character is pointed at when the scalar is written as it is
	 * stored: plain, or quoted on one line without escapes.
	 */
	if (SCALAR_LEN(c) != 2 * SGX_HASH_SIZE)
		;
	else if (c->ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
		m.column += bad;
	else if (c->ev.end_mark.line == m.line &&
		 c->ev.end_mark.column - m.column == SCALAR_LEN(c) + 2)
		m.column += 1 + bad;
	return errorf(c, m, "%s %s", what, msg);
}

/* ISVPRODID and ISVSVN: 16-bit, written as a plain decimal integer. */
static int parse_u16(struct ctx *c, const char *what, uint16_t *out)
{
	const char *s = SCALAR(c);
	unsigned long v = 0;
	size_t i;
	char buf[48];

	if (expect(c, YAML_SCALAR_EVENT, what))
		return -1;
	if (c->ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return ev_error(c, "%s must be an integer, got a quoted string", what);
	for (i = 0; i < SCALAR_LEN(c) && v <= UINT16_MAX; i++) {
		if (s[i] < '0' || s[i] > '9')
			break;
		v = v * 10 + (s[i] - '0');
	}
	if (i < SCALAR_LEN(c) || v > UINT16_MAX)
		return ev_error(c, "%s must be an integer from 0 to 65535, got '%s'",
				what, shown(c, buf));
	*out = v;
	return 0;
}

/* A name that is printed back must not carry control bytes. */
static int parse_name(struct ctx *c, const char *what, char **out)
{
	size_t i;

	if (expect(c, YAML_SCALAR_EVENT, what))
		return -1;
	for (i = 0; i < SCALAR_LEN(c); i++) {
		unsigned char ch = SCALAR(c)[i];

		if (ch < 0x20 || ch == 0x7f)
			return ev_error(c, "%s contains a control character", what);
	}
	*out = strdup(SCALAR(c));
	if (!*out)
		return ev_error(c, "out of memory");
	return 0;
}

/* ---- attestation expressions ------------------------------------------- */

static int parse_expr(struct ctx *c, struct encl_policy_node *e);

static void node_init(struct ctx *c, struct encl_policy_node *e,
		      enum encl_policy_node_type type)
{
	e->type = type;
	e->line = c->ev.start_mark.line + 1;
	e->column = c->ev.start_mark.column + 1;
}

static int parse_one_mrenclave(struct ctx *c, struct encl_policy_node *e)
{
	struct encl_policy_hash *h = grow(c, e->mrenclave.hash, e->mrenclave.n, sizeof(*h));

	if (!h)
		return -1;
	e->mrenclave.hash = h;
	h += e->mrenclave.n++;
	h->line = c->ev.start_mark.line + 1;
	return parse_hash(c, "mrenclave", h->v);
}

/* mrenclave: one hash, or a list of them. */
static int parse_mrenclave(struct ctx *c, void *arg)
{
	struct encl_policy_node *all = arg, *e;
	yaml_mark_t m = c->ev.start_mark;

	e = grow(c, all->list.child, all->list.n, sizeof(*e));
	if (!e)
		return -1;
	all->list.child = e;
	e += all->list.n++;
	node_init(c, e, ENCL_POLICY_MRENCLAVE);
	if (c->ev.type == YAML_SCALAR_EVENT)
		return parse_one_mrenclave(c, e);
	if (c->ev.type != YAML_SEQUENCE_START_EVENT)
		return ev_error(c, "mrenclave must be a hash or a list of hashes, got %s",
				type_name(c));
	for (;;) {
		if (next(c))
			return -1;
		if (c->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		if (parse_one_mrenclave(c, e))
			return -1;
	}
	if (!e->mrenclave.n)
		return errorf(c, m, "mrenclave is an empty list");
	return 0;
}

static int parse_mrsigner(struct ctx *c, void *arg)
{
	return parse_hash(c, "mrsigner", ((struct encl_policy_signer *)arg)->mrsigner);
}

static int parse_isvprodid(struct ctx *c, void *arg)
{
	struct encl_policy_signer *s = arg;

	s->has_isvprodid = 1;
	return parse_u16(c, "isvprodid", &s->isvprodid);
}

static int parse_isvsvn(struct ctx *c, void *arg)
{
	struct encl_policy_signer *s = arg;

	s->has_isvsvn = 1;
	return parse_u16(c, "isvsvn", &s->isvsvn);
}

static int parse_isvsvn_min(struct ctx *c, void *arg)
{
	struct encl_policy_signer *s = arg;

	s->has_isvsvn_min = 1;
	return parse_u16(c, "isvsvn_min", &s->isvsvn_min);
}

static int parse_isvsvn_max(struct ctx *c, void *arg)
{
	struct encl_policy_signer *s = arg;

	s->has_isvsvn_max = 1;
	return parse_u16(c, "isvsvn_max", &s->isvsvn_max);
}

static const struct key signer_keys[] = {
	{ "mrsigner", parse_mrsigner },
	{ "isvprodid", parse_isvprodid },
	{ "isvsvn", parse_isvsvn },
	{ "isvsvn_min", parse_isvsvn_min },
	{ "isvsvn_max", parse_isvsvn_max },
};

static int parse_signer(struct ctx *c, void *arg)
{
	struct encl_policy_node *all = arg, *e;
	yaml_mark_t m = c->ev.start_mark;
	struct encl_policy_signer *s;
	long seen;

	e = grow(c, all->list.child, all->list.n, sizeof(*e));
	if (!e)
		return -1;
	all->list.child = e;
	e += all->list.n++;
	node_init(c, e, ENCL_POLICY_SIGNER);
	s = &e->signer;
	seen = walk_map(c, "signer", signer_keys, 5, s);
	if (seen < 0)
		return -1;
	if (!(seen & 1))
		return errorf(c, m, "signer needs mrsigner");
	if (s->has_isvsvn && (s->has_isvsvn_min || s->has_isvsvn_max))
		return errorf(c, m, "signer has both isvsvn and isvsvn_min/isvsvn_max; "
			      "use one or the other");
	if (s->has_isvsvn_min && s->has_isvsvn_max && s->isvsvn_min > s->isvsvn_max)
		return errorf(c, m, "signer has isvsvn_min %u above isvsvn_max %u",
			      s->isvsvn_min, s->isvsvn_max);
	return 0;
}

static const struct key all_keys[] = {
	{ "mrenclave", parse_mrenclave },
	{ "signer", parse_signer },
};

/* A map: every rule in it must hold. */
static int parse_all(struct ctx *c, struct encl_policy_node *e)
{
	yaml_mark_t m = c->ev.start_mark;
	long seen;

	node_init(c, e, ENCL_POLICY_ALL);
	seen = walk_map(c, "an attestation map", all_keys, 2, e);
	if (seen < 0)
		return -1;
	if (!seen)
		return errorf(c, m, "empty map in attestation; it would accept any enclave");
	return 0;
}

/* A list: at least one alternative must hold. */
static int parse_any(struct ctx *c, struct encl_policy_node *e)
{
	yaml_mark_t m = c->ev.start_mark;
	struct encl_policy_node *child;

	node_init(c, e, ENCL_POLICY_ANY);
	for (;;) {
		if (next(c))
			return -1;
		if (c->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		child = grow(c, e->list.child, e->list.n, sizeof(*child));
		if (!child)
			return -1;
		e->list.child = child;
		if (parse_expr(c, &child[e->list.n++]))
			return -1;
	}
	if (!e->list.n)
		return errorf(c, m, "empty list in attestation; it would accept nothing");
	return 0;
}

/*
 * Nesting is bounded, so that evaluation, which recurses, stays shallow
 * and a file of nothing but '[' is refused after a few bytes.
 */
#define MAX_DEPTH 16

static int parse_expr(struct ctx *c, struct encl_policy_node *e)
{
	int ret;

	if (c->ev.type != YAML_SEQUENCE_START_EVENT && c->ev.type != YAML_MAPPING_START_EVENT)
		return ev_error(c, "attestation must be a list (any of) or a map (all of), got %s",
				type_name(c));
	if (c->depth == MAX_DEPTH)
		return ev_error(c, "attestation is nested more than %d levels deep", MAX_DEPTH);
	c->depth++;
	if (c->ev.type == YAML_SEQUENCE_START_EVENT)
		ret = parse_any(c, e);
	else
		ret = parse_all(c, e);
	c->depth--;
	return ret;
}

/* ---- services, security, session ----------------------------------------- */

static int parse_service_name(struct ctx *c, void *arg)
{
	return parse_name(c, "service name", &((struct encl_policy_service *)arg)->name);
}

static int parse_attestation(struct ctx *c, void *arg)
{
	return parse_expr(c, &((struct encl_policy_service *)arg)->attestation);
}

/* A string handed to the enclave: any scalar, but no NUL (the config format forbids it). */
static int parse_string(struct ctx *c, const char *what, char **out)
{
	if (c->ev.type != YAML_SCALAR_EVENT)
		return ev_error(c, "%s must be a string, got %s", what, type_name(c));
	if (strlen(SCALAR(c)) != SCALAR_LEN(c))
		return ev_error(c, "%s contains a NUL byte", what);
	*out = strdup(SCALAR(c));
	if (!*out)
		return ev_error(c, "out of memory");
	return 0;
}

static int parse_command(struct ctx *c, void *arg)
{
	struct encl_policy_service *s = arg;
	yaml_mark_t m = c->ev.start_mark;
	char **v;

	if (expect(c, YAML_SEQUENCE_START_EVENT, "command"))
		return -1;
	for (;;) {
		if (next(c))
			return -1;
		if (c->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		v = grow(c, s->argv, s->argc, sizeof(*v));
		if (!v)
			return -1;
		s->argv = v;
		if (parse_string(c, "a command argument", &s->argv[s->argc++]))
			return -1;
	}
	if (!s->argc)
		return errorf(c, m, "command is an empty list; it needs at least argv[0]");
	return 0;
}

static int parse_environment(struct ctx *c, void *arg)
{
	struct encl_policy_service *s = arg;
	struct encl_policy_env *e;
	size_t i;

	if (expect(c, YAML_MAPPING_START_EVENT, "environment"))
		return -1;
	for (;;) {
		if (next(c))
			return -1;
		if (c->ev.type == YAML_MAPPING_END_EVENT)
			return 0;
		if (expect(c, YAML_SCALAR_EVENT, "an environment variable name"))
			return -1;
		if (strchr(SCALAR(c), '=') || strlen(SCALAR(c)) != SCALAR_LEN(c))
			return ev_error(c, "environment variable name '%s' contains '=' or a NUL",
					SCALAR(c));
		for (i = 0; i < s->nenv; i++)
			if (!strcmp(s->env[i].name, SCALAR(c)))
				return ev_error(c, "duplicate environment variable '%s'", SCALAR(c));
		e = grow(c, s->env, s->nenv, sizeof(*e));
		if (!e)
			return -1;
		s->env = e;
		e = &s->env[s->nenv++];
		if (parse_string(c, "an environment variable name", &e->name) || next(c) ||
		    parse_string(c, "an environment value", &e->value))
			return -1;
	}
}

static const struct key service_keys[] = {
	{ "name", parse_service_name },
	{ "attestation", parse_attestation },
	{ "command", parse_command },
	{ "environment", parse_environment },
};

static int parse_service(struct ctx *c, struct encl_policy_service *s)
{
	yaml_mark_t m = c->ev.start_mark;
	long seen;

	s->line = m.line + 1;
	s->column = m.column + 1;
	seen = walk_map(c, "a service", service_keys, 4, s);
	if (seen < 0)
		return -1;
	if (!(seen & 1))
		return errorf(c, m, "service needs a name");
	if (!(seen & 2))
		return errorf(c, m, "service '%s' needs attestation", s->name);
	return 0;
}

static int parse_services(struct ctx *c, void *arg)
{
	struct encl_policy *p = arg;
	struct encl_policy_service *s;
	yaml_mark_t m = c->ev.start_mark;

	if (expect(c, YAML_SEQUENCE_START_EVENT, "services"))
		return -1;
	for (;;) {
		if (next(c))
			return -1;
		if (c->ev.type == YAML_SEQUENCE_END_EVENT)
			break;
		s = grow(c, p->service, p->nservice, sizeof(*s));
		if (!s)
			return -1;
		p->service = s;
		if (parse_service(c, &s[p->nservice++]))
			return -1;
	}
	if (!p->nservice)
		return errorf(c, m, "services is an empty list");
	return 0;
}

static const struct {
	const char *name;
	unsigned flag;
} tolerations[] = {
	{ "debug-mode", ENCL_TOLERATE_DEBUG_MODE },
	{ "hyperthreading", ENCL_TOLERATE_HYPERTHREADING },
	{ "outdated-tcb", ENCL_TOLERATE_OUTDATED_TCB },
	{ "insecure-igpu", ENCL_TOLERATE_INSECURE_IGPU },
	{ "software-hardening-needed", ENCL_TOLERATE_SOFTWARE_HARDENING },
	{ "insecure-configuration", ENCL_TOLERATE_INSECURE_CONFIGURATION },
	{ "simulation", ENCL_TOLERATE_SIMULATION },
};

#define NTOLERATIONS (sizeof(tolerations) / sizeof(tolerations[0]))

static int parse_tolerate(struct ctx *c, void *arg)
{
	unsigned *tolerate = arg;
	char buf[48];
	size_t i;

	if (expect(c, YAML_SEQUENCE_START_EVENT, "tolerate"))
		return -1;
	for (;;) {
		if (next(c))
			return -1;
		if (c->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		if (expect(c, YAML_SCALAR_EVENT, "a tolerate entry"))
			return -1;
		for (i = 0; i < NTOLERATIONS && !scalar_is(c, tolerations[i].name); i++)
			;
		if (i == NTOLERATIONS)
			return ev_error(c, "unknown tolerate entry '%s' (expected debug-mode, "
					"hyperthreading, outdated-tcb, insecure-igpu, "
					"software-hardening-needed, insecure-configuration "
					"or simulation)",
					shown(c, buf));
		*tolerate |= tolerations[i].flag;
	}
}

static const struct key security_attestation_keys[] = {
	{ "tolerate", parse_tolerate },
};

static int parse_security_attestation(struct ctx *c, void *arg)
{
	return walk_map(c, "security.attestation", security_attestation_keys, 1, arg) < 0 ?
	       -1 : 0;
}

static const struct key security_keys[] = {
	{ "attestation", parse_security_attestation },
};

static int parse_security(struct ctx *c, void *arg)
{
	struct encl_policy *p = arg;

	return walk_map(c, "security", security_keys, 1, &p->tolerate) < 0 ? -1 : 0;
}

static int parse_session_name(struct ctx *c, void *arg)
{
	return parse_name(c, "name", &((struct encl_policy *)arg)->name);
}

/* 0.3 and its point releases: the subset read here has not changed in them. */
static int parse_version(struct ctx *c, void *arg)
{
	const char *v = SCALAR(c);
	char buf[48];
	size_t i;

	(void)arg;
	if (expect(c, YAML_SCALAR_EVENT, "version"))
		return -1;
	if (strncmp(v, "0.3", 3) || (v[3] && v[3] != '.') || (v[3] && !v[4]))
		goto bad;
	for (i = 4; v[3] && v[i]; i++)
		if (v[i] < '0' || v[i] > '9')
			goto bad;
	return 0;
bad:
	return ev_error(c, "unsupported version '%s'; encl reads session language 0.3",
			shown(c, buf));
}

static int parse_predecessor(struct ctx *c, void *arg)
{
	struct encl_policy *p = arg;

	p->has_predecessor = 1;
	return parse_hash(c, "predecessor", p->predecessor);
}

static int parse_secret_name(struct ctx *c, void *arg)
{
	struct encl_policy_secret *s = arg;
	size_t i;

	if (parse_name(c, "secret name", &s->name))
		return -1;
	for (i = 0; s->name[i]; i++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.",
			    s->name[i]))
			return ev_error(c, "secret name '%s' may hold only letters, digits, "
					"'_', '-' and '.'", s->name);
	return 0;
}

static int parse_secret_kind(struct ctx *c, void *arg)
{
	struct encl_policy_secret *s = arg;
	char buf[48];

	if (expect(c, YAML_SCALAR_EVENT, "kind"))
		return -1;
	if (scalar_is(c, "ascii"))
		s->kind = ENCL_SECRET_ASCII;
	else if (scalar_is(c, "hex"))
		s->kind = ENCL_SECRET_HEX;
	else if (scalar_is(c, "binary"))
		s->kind = ENCL_SECRET_BINARY;
	else
		return ev_error(c, "unknown secret kind '%s' (expected ascii, hex or binary)",
				shown(c, buf));
	return 0;
}

static int parse_secret_size(struct ctx *c, void *arg)
{
	struct encl_policy_secret *s = arg;
	uint16_t v;

	if (parse_u16(c, "size", &v))
		return -1;
	if (!v || v > ENCL_SECRET_SIZE_MAX)
		return ev_error(c, "secret size %u is out of range (1 to %u bytes)", v,
				ENCL_SECRET_SIZE_MAX);
	s->size = v;
	return 0;
}

static int parse_secret_value(struct ctx *c, void *arg)
{
	struct encl_policy_secret *s = arg;

	if (expect(c, YAML_SCALAR_EVENT, "value"))
		return -1;
	s->value = malloc(SCALAR_LEN(c) + 1);
	if (!s->value)
		return ev_error(c, "out of memory");
	memcpy(s->value, SCALAR(c), SCALAR_LEN(c) + 1);
	s->value_len = SCALAR_LEN(c);
	return 0;
}

static const struct key secret_keys[] = {
	{ "name", parse_secret_name },
	{ "kind", parse_secret_kind },
	{ "size", parse_secret_size },
	{ "value", parse_secret_value },
};

static int parse_secret(struct ctx *c, struct encl_policy_secret *s)
{
	yaml_mark_t m = c->ev.start_mark;
	long seen = walk_map(c, "a secret", secret_keys, 4, s);

	if (seen < 0)
		return -1;
	if (!(seen & 1))
		return errorf(c, m, "secret needs a name");
	if (!(seen & 2))
		return errorf(c, m, "secret '%s' needs a kind (ascii, hex or binary)", s->name);
	if (!!(seen & 4) == !!(seen & 8))
		return errorf(c, m, "secret '%s' needs either size (to be generated) or value",
			      s->name);
	if (s->value && strlen(s->value) != s->value_len)
		return errorf(c, m, "secret '%s': a value cannot hold a NUL byte", s->name);
	if (s->value && s->kind == ENCL_SECRET_HEX &&
	    strspn(s->value, "0123456789abcdefABCDEF") != s->value_len)
		return errorf(c, m, "secret '%s' is hex but its value is not hex digits", s->name);
	return 0;
}

static int parse_secrets(struct ctx *c, void *arg)
{
	struct encl_policy *p = arg;
	struct encl_policy_secret *s;
	size_t i;

	if (expect(c, YAML_SEQUENCE_START_EVENT, "secrets"))
		return -1;
	for (;;) {
		yaml_mark_t m;

		if (next(c))
			return -1;
		if (c->ev.type == YAML_SEQUENCE_END_EVENT)
			return 0;
		m = c->ev.start_mark;
		s = grow(c, p->secret, p->nsecret, sizeof(*s));
		if (!s)
			return -1;
		p->secret = s;
		s = &p->secret[p->nsecret++];
		if (parse_secret(c, s))
			return -1;
		for (i = 0; i + 1 < p->nsecret; i++)
			if (!strcmp(p->secret[i].name, s->name))
				return errorf(c, m, "duplicate secret '%s'", s->name);
	}
}

static const struct key session_keys[] = {
	{ "name", parse_session_name },
	{ "version", parse_version },
	{ "services", parse_services },
	{ "security", parse_security },
	{ "predecessor", parse_predecessor },
	{ "secrets", parse_secrets },
};

const struct encl_policy_secret *encl_policy_secret(const struct encl_policy *p,
						    const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < p->nsecret; i++)
		if (strlen(p->secret[i].name) == len && !memcmp(p->secret[i].name, name, len))
			return &p->secret[i];
	return NULL;
}

/*
 * Every $$SCONE::name$$ in a command or environment value names a secret of
 * the session, and a binary secret is only ever a whole environment value.
 */
static int check_refs(struct ctx *c, const struct encl_policy *p, const struct encl_policy_service *s,
		      const char *str, int whole_ok)
{
	const size_t open = strlen(ENCL_SECRET_REF_OPEN);
	const struct encl_policy_secret *sec;
	const char *at, *name, *end;
	yaml_mark_t m = { 0, s->line - 1, s->column - 1 };

	for (at = str; (at = strstr(at, ENCL_SECRET_REF_OPEN)); at = end + 2) {
		name = at + open;
		end = strstr(name, ENCL_SECRET_REF_CLOSE);
		if (!end)
			return errorf(c, m, "service '%s': unterminated reference '%.40s' "
				      "(write $$SCONE::name$$)", s->name, at);
		sec = encl_policy_secret(p, name, end - name);
		if (!sec)
			return errorf(c, m, "service '%s' refers to unknown secret '%.*s' "
				      "(add it to secrets:)", s->name, (int)(end - name), name);
		if (sec->kind == ENCL_SECRET_BINARY && (!whole_ok || at != str || end[2]))
			return errorf(c, m, "service '%s': binary secret '%s' can only be a "
				      "whole environment value", s->name, sec->name);
	}
	return 0;
}

static int check_services_refs(struct ctx *c, const struct encl_policy *p)
{
	size_t i, j;

	for (i = 0; i < p->nservice; i++) {
		const struct encl_policy_service *s = &p->service[i];

		for (j = 0; j < s->argc; j++)
			if (check_refs(c, p, s, s->argv[j], 0))
				return -1;
		for (j = 0; j < s->nenv; j++)
			if (check_refs(c, p, s, s->env[j].value, 1))
				return -1;
	}
	return 0;
}

static int by_name_cmp(const void *a, const void *b)
{
	const struct encl_policy_service *x = *(const struct encl_policy_service *const *)a;
	const struct encl_policy_service *y = *(const struct encl_policy_service *const *)b;
	int r = strcmp(x->name, y->name);

	/* Equal names stay in file order, so the second one is reported. */
	return r ? r : (x > y) - (x < y);
}

/* Sorting also finds duplicates in O(n log n); a session may have many services. */
static int index_services(struct ctx *c, struct encl_policy *p)
{
	size_t i;

	p->by_name = malloc(p->nservice * sizeof(*p->by_name));
	if (!p->by_name)
		return errorf(c, start_of_file, "out of memory");
	for (i = 0; i < p->nservice; i++)
		p->by_name[i] = &p->service[i];
	qsort(p->by_name, p->nservice, sizeof(*p->by_name), by_name_cmp);
	for (i = 1; i < p->nservice; i++) {
		const struct encl_policy_service *a = p->by_name[i - 1], *b = p->by_name[i];

		if (!strcmp(a->name, b->name))
			return errorf(c, (yaml_mark_t){ 0, b->line - 1, b->column - 1 },
				      "duplicate service name '%s' (first at line %u)",
				      b->name, a->line);
	}
	return 0;
}

static int parse_session(struct ctx *c, struct encl_policy *p)
{
	yaml_mark_t m = c->ev.start_mark;
	long seen = walk_map(c, "the session", session_keys, 6, p);

	if (seen < 0)
		return -1;
	if (!(seen & 4))
		return errorf(c, m, "the session has no services");
	if (check_services_refs(c, p))
		return -1;
	return index_services(c, p);
}

/* A policy is one YAML document holding one map. */
static int parse_stream(struct ctx *c, struct encl_policy *p)
{
	if (next(c) || next(c))		/* STREAM-START, then DOCUMENT-START */
		return -1;
	if (c->ev.type == YAML_STREAM_END_EVENT)
		return ev_error(c, "the policy is empty");
	if (next(c) || parse_session(c, p))
		return -1;
	if (next(c) || next(c))		/* DOCUMENT-END, then STREAM-END */
		return -1;
	if (c->ev.type != YAML_STREAM_END_EVENT)
		return ev_error(c, "a policy is one YAML document; found a second one");
	return 0;
}

static struct encl_policy *parse(struct ctx *c, yaml_parser_t *parser)
{
	struct encl_policy *p = calloc(1, sizeof(*p));

	c->parser = parser;
	if (!p) {
		errorf(c, start_of_file, "out of memory");
		return NULL;
	}
	if (parse_stream(c, p)) {
		encl_policy_free(p);
		p = NULL;
	}
	if (c->have_ev)
		yaml_event_delete(&c->ev);
	return p;
}

struct encl_policy *encl_policy_parse_string(const char *file, const char *buf, size_t len,
					     char *err, size_t errlen)
{
	struct ctx c = { .file = file, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	struct encl_policy *p;

	if (!yaml_parser_initialize(&parser)) {
		errorf(&c, start_of_file, "out of memory");
		return NULL;
	}
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	p = parse(&c, &parser);
	yaml_parser_delete(&parser);
	return p;
}

/* "-" reads standard input, so that a template can be piped into check. */
struct encl_policy *encl_policy_parse_file(const char *path, char *err, size_t errlen)
{
	int is_stdin = !strcmp(path, "-");
	struct ctx c = { .file = is_stdin ? "<stdin>" : path, .err = err, .errlen = errlen };
	yaml_parser_t parser;
	struct encl_policy *p = NULL;
	FILE *f;

	f = is_stdin ? stdin : fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (!yaml_parser_initialize(&parser)) {
		errorf(&c, start_of_file, "out of memory");
		goto out;
	}
	yaml_parser_set_input_file(&parser, f);
	p = parse(&c, &parser);
	yaml_parser_delete(&parser);
out:
	if (!is_stdin)
		fclose(f);
	return p;
}

static void node_free(struct encl_policy_node *e)
{
	size_t i;

	switch (e->type) {
	case ENCL_POLICY_ANY:
	case ENCL_POLICY_ALL:
		for (i = 0; i < e->list.n; i++)
			node_free(&e->list.child[i]);
		free(e->list.child);
		break;
	case ENCL_POLICY_MRENCLAVE:
		free(e->mrenclave.hash);
		break;
	case ENCL_POLICY_SIGNER:
		break;
	}
}

void encl_policy_free(struct encl_policy *p)
{
	size_t i;

	if (!p)
		return;
	for (i = 0; i < p->nservice; i++) {
		struct encl_policy_service *s = &p->service[i];
		size_t j;

		free(s->name);
		node_free(&s->attestation);
		for (j = 0; j < s->argc; j++)
			free(s->argv[j]);
		free(s->argv);
		for (j = 0; j < s->nenv; j++) {
			free(s->env[j].name);
			free(s->env[j].value);
		}
		free(s->env);
	}
	for (i = 0; i < p->nsecret; i++) {
		free(p->secret[i].name);
		free(p->secret[i].value);
	}
	free(p->secret);
	free(p->service);
	free(p->by_name);
	free(p->name);
	free(p);
}

static int service_key_cmp(const void *key, const void *elem)
{
	return strcmp(key, (*(const struct encl_policy_service *const *)elem)->name);
}

const struct encl_policy_service *encl_policy_service(const struct encl_policy *p,
						      const char *name)
{
	struct encl_policy_service *const *s;

	s = bsearch(name, p->by_name, p->nservice, sizeof(*p->by_name), service_key_cmp);
	return s ? *s : NULL;
}

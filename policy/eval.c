// SPDX-License-Identifier: MIT
/*
 * Policy evaluation: does an enclave identity satisfy a service's
 * attestation expression, and which rule decided it?
 *
 * Deciding and explaining are two passes. holds() is the decision and
 * nothing else; explain() then walks the same tree knowing each answer, so
 * an accepted identity is explained by the rule that matched and a rejected
 * one by every alternative that failed.
 */
#include <stdarg.h>
#include <string.h>
#include "policy/policy.h"

struct text {
	char *buf;
	size_t len, pos;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Appends, truncating at the buffer's end; a truncated reason is still a reason. */
static void put(struct text *t, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (t->pos + 1 >= t->len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->pos, t->len - t->pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		t->pos += (size_t)n < t->len - t->pos ? (size_t)n : t->len - t->pos - 1;
}

/* The first 8 bytes of a hash: enough to tell hashes apart in a message. */
static void put_hash(struct text *t, const uint8_t h[SGX_HASH_SIZE])
{
	int i;

	for (i = 0; i < 8; i++)
		put(t, "%02x", h[i]);
	put(t, "...");
}

static int mrenclave_listed(const struct encl_policy_node *e, const struct encl_identity *id)
{
	size_t i;

	for (i = 0; i < e->mrenclave.n; i++)
		if (!memcmp(e->mrenclave.hash[i].v, id->mrenclave, SGX_HASH_SIZE))
			return (int)i + 1;
	return 0;
}

static int signer_holds(const struct encl_policy_signer *s, const struct encl_identity *id,
			unsigned flags)
{
	if (flags & ENCL_POLICY_NO_SIGNER)
		return 0;
	return !memcmp(s->mrsigner, id->mrsigner, SGX_HASH_SIZE) &&
	       (!s->has_isvprodid || s->isvprodid == id->isvprodid) &&
	       (!s->has_isvsvn || s->isvsvn == id->isvsvn) &&
	       (!s->has_isvsvn_min || id->isvsvn >= s->isvsvn_min) &&
	       (!s->has_isvsvn_max || id->isvsvn <= s->isvsvn_max);
}

static int holds(const struct encl_policy_node *e, const struct encl_identity *id,
		 unsigned flags)
{
	size_t i;

	switch (e->type) {
	case ENCL_POLICY_ANY:
		for (i = 0; i < e->list.n; i++)
			if (holds(&e->list.child[i], id, flags))
				return 1;
		return 0;
	case ENCL_POLICY_ALL:
		for (i = 0; i < e->list.n; i++)
			if (!holds(&e->list.child[i], id, flags))
				return 0;
		return 1;
	case ENCL_POLICY_MRENCLAVE:
		return mrenclave_listed(e, id) != 0;
	case ENCL_POLICY_SIGNER:
		return signer_holds(&e->signer, id, flags);
	}
	return 0;
}

static void explain(struct text *t, const struct encl_policy_node *e,
		    const struct encl_identity *id, unsigned flags, int ok);

static void explain_mrenclave(struct text *t, const struct encl_policy_node *e,
			      const struct encl_identity *id, int ok)
{
	size_t i;

	if (ok) {
		i = mrenclave_listed(e, id) - 1;
		put(t, "mrenclave listed at line %u", e->mrenclave.hash[i].line);
		return;
	}
	put(t, "mrenclave ");
	put_hash(t, id->mrenclave);
	if (e->mrenclave.n == 1)
		put(t, " is not the one at line %u", e->line);
	else
		put(t, " is not among the %zu listed at line %u", e->mrenclave.n, e->line);
}

static void explain_svn_range(struct text *t, const struct encl_policy_signer *s, uint16_t svn)
{
	if (s->has_isvsvn_min && s->has_isvsvn_max)
		put(t, ", isvsvn %u in %u..%u", svn, s->isvsvn_min, s->isvsvn_max);
	else if (s->has_isvsvn_min)
		put(t, ", isvsvn %u >= %u", svn, s->isvsvn_min);
	else if (s->has_isvsvn_max)
		put(t, ", isvsvn %u <= %u", svn, s->isvsvn_max);
}

static void explain_signer(struct text *t, const struct encl_policy_node *e,
			   const struct encl_identity *id, unsigned flags, int ok)
{
	const struct encl_policy_signer *s = &e->signer;
	const char *sep = "";

	put(t, "signer at line %u", e->line);
	if (ok) {
		put(t, " matches: mrsigner ");
		put_hash(t, s->mrsigner);
		if (s->has_isvprodid)
			put(t, ", isvprodid %u", s->isvprodid);
		if (s->has_isvsvn)
			put(t, ", isvsvn %u", s->isvsvn);
		explain_svn_range(t, s, id->isvsvn);
		return;
	}
	put(t, ": ");
	if (flags & ENCL_POLICY_NO_SIGNER) {
		put(t, "no MRSIGNER was given for the enclave");
		return;
	}
	if (memcmp(s->mrsigner, id->mrsigner, SGX_HASH_SIZE)) {
		put(t, "mrsigner ");
		put_hash(t, id->mrsigner);
		put(t, " differs");
		sep = ", ";
	}
	if (s->has_isvprodid && s->isvprodid != id->isvprodid) {
		put(t, "%sisvprodid %u is not %u", sep, id->isvprodid, s->isvprodid);
		sep = ", ";
	}
	if (s->has_isvsvn && s->isvsvn != id->isvsvn) {
		put(t, "%sisvsvn %u is not %u", sep, id->isvsvn, s->isvsvn);
		sep = ", ";
	}
	if (s->has_isvsvn_min && id->isvsvn < s->isvsvn_min) {
		put(t, "%sisvsvn %u is below isvsvn_min %u", sep, id->isvsvn, s->isvsvn_min);
		sep = ", ";
	}
	if (s->has_isvsvn_max && id->isvsvn > s->isvsvn_max)
		put(t, "%sisvsvn %u is above isvsvn_max %u", sep, id->isvsvn, s->isvsvn_max);
}

/* An accepted ANY names the first alternative that matched. */
static void explain_any(struct text *t, const struct encl_policy_node *e,
			const struct encl_identity *id, unsigned flags, int ok)
{
	const struct encl_policy_node *c;
	size_t i;

	if (e->list.n == 1) {
		explain(t, &e->list.child[0], id, flags, ok);
		return;
	}
	if (ok) {
		for (i = 0; !holds(&e->list.child[i], id, flags); i++)
			;
		c = &e->list.child[i];
		put(t, "alternative %zu (line %u): ", i + 1, c->line);
		explain(t, c, id, flags, 1);
		return;
	}
	put(t, "none of %zu alternatives matched: ", e->list.n);
	for (i = 0; i < e->list.n; i++) {
		c = &e->list.child[i];
		put(t, "%s%zu (line %u): ", i ? "; " : "", i + 1, c->line);
		explain(t, c, id, flags, 0);
	}
}

/* An accepted ALL lists every rule; a rejected one only those that failed. */
static void explain_all(struct text *t, const struct encl_policy_node *e,
			const struct encl_identity *id, unsigned flags, int ok)
{
	const char *sep = "";
	size_t i;

	for (i = 0; i < e->list.n; i++) {
		const struct encl_policy_node *c = &e->list.child[i];
		int c_ok = holds(c, id, flags);

		if (!ok && c_ok)
			continue;
		put(t, "%s", sep);
		explain(t, c, id, flags, c_ok);
		sep = " and ";
	}
}

static void explain(struct text *t, const struct encl_policy_node *e,
		    const struct encl_identity *id, unsigned flags, int ok)
{
	switch (e->type) {
	case ENCL_POLICY_ANY:
		explain_any(t, e, id, flags, ok);
		break;
	case ENCL_POLICY_ALL:
		explain_all(t, e, id, flags, ok);
		break;
	case ENCL_POLICY_MRENCLAVE:
		explain_mrenclave(t, e, id, ok);
		break;
	case ENCL_POLICY_SIGNER:
		explain_signer(t, e, id, flags, ok);
		break;
	}
}

enum encl_policy_verdict encl_policy_eval(const struct encl_policy *p,
					  const struct encl_policy_service *s,
					  const struct encl_identity *id, unsigned flags,
					  char *reason, size_t len)
{
	struct text t = { .buf = reason, .len = len };
	int ok;

	if (len)
		reason[0] = 0;
	/* A debug enclave's memory can be read by the host: no rule can vouch for it. */
	if (id->debug && !(p->tolerate & ENCL_TOLERATE_DEBUG_MODE)) {
		put(&t, "debug enclave (ATTRIBUTES.DEBUG) and the policy does not tolerate "
		    "debug-mode: add security: attestation: tolerate: [debug-mode] to the "
		    "policy, or sign with encl sign --production");
		return ENCL_POLICY_REJECTED;
	}
	ok = holds(&s->attestation, id, flags);
	explain(&t, &s->attestation, id, flags, ok);
	if (ok && id->debug)
		put(&t, "; debug enclave, debug-mode tolerated");
	return ok ? ENCL_POLICY_ACCEPTED : ENCL_POLICY_REJECTED;
}

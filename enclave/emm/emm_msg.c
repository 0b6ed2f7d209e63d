// SPDX-License-Identifier: MIT
/*
 * The EMM's messages. Each kind is a template whose conversions name one of
 * the kind's numbers by its index, then how to write it: %0u decimal, %0x
 * hexadecimal with 0x, %0z a size the way SCONE_HEAP is written (64M, 1G,
 * 1536K or bytes), so that the value a message names can be pasted back
 * into the environment.
 */
#include "abi/boundary.h"
#include "enclave/emm/emm_internal.h"

static const char *const text[EMM_MSG_KINDS] = {
	[EMM_MSG_HEAP_REACHED] =
		"SCONE_HEAP=%0z reached: cannot map %1u more bytes; raise SCONE_HEAP "
		"(e.g. SCONE_HEAP=%2z)",
	[EMM_MSG_HEAP_REACHED_SGX1] =
		"SCONE_HEAP=%0z reached: cannot map %1u more bytes; raise SCONE_HEAP "
		"(e.g. SCONE_HEAP=%2z) and " ENCL_LOG_SIGN_HINT " --heap %2z",
	[EMM_MSG_REMOVE_REFUSED] =
		"the host failed to remove trimmed enclave pages at enclave offset %0x "
		"(%1u bytes); they stay unusable",
	[EMM_MSG_TRIM_REFUSED] =
		"the host would not trim the pages of an unmapped range at enclave offset %0x "
		"(%1u bytes); they keep the program's old data, so the range is never mapped again",
	[EMM_MSG_FAULT_LOCKED] =
		"page fault at enclave offset %0x (error code %1x) inside the memory manager, "
		"which holds its lock and cannot go on: the host changed the enclave's page "
		"protections behind its back, or the memory manager touched a page it must not",
	/* The end of the exit line: the host completes the command with the path. */
	[EMM_MSG_ADVICE] =
		"advice: SCONE_MIN_HEAP=%0z SCONE_HEAP=%1z, " ENCL_LOG_SIGN_HINT
		" --min-heap %0z --heap %1z",
	[EMM_MSG_ADVICE_SGX1] =
		"advice: SCONE_HEAP=%1z, " ENCL_LOG_SIGN_HINT " --heap %1z",
};

struct out {
	char *p, *end;		/* end: the byte kept for the terminator */
};

static void put_c(struct out *o, char c)
{
	if (o->p < o->end)
		*o->p++ = c;
}

static void put_num(struct out *o, uint64_t v, unsigned base)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = "0123456789abcdef"[v % base];
	while ((v /= base));
	while (n)
		put_c(o, tmp[--n]);
}

static void put_size(struct out *o, uint64_t v)
{
	static const char sfx[] = "GMK";
	int s;

	for (s = 0; s < 3; s++) {
		unsigned shift = 30 - 10 * (unsigned)s;

		if (v && !(v & ((1ULL << shift) - 1))) {
			put_num(o, v >> shift, 10);
			put_c(o, sfx[s]);
			return;
		}
	}
	put_num(o, v, 10);
}

size_t emm_msg_format(char *buf, size_t size, enum emm_msg kind,
		      const uint64_t arg[EMM_MSG_ARGS])
{
	struct out o = { buf, buf + (size ? size - 1 : 0) };
	const char *t;

	if (!size)
		return 0;
	for (t = (unsigned)kind < EMM_MSG_KINDS ? text[kind] : "?"; *t; t++) {
		uint64_t v;

		if (t[0] != '%' || t[1] < '0' || t[1] >= '0' + EMM_MSG_ARGS || !t[2]) {
			put_c(&o, *t);
			continue;
		}
		v = arg[t[1] - '0'];
		t += 2;
		if (*t == 'x') {
			put_c(&o, '0');
			put_c(&o, 'x');
			put_num(&o, v, 16);
		} else if (*t == 'z') {
			put_size(&o, v);
		} else {
			put_num(&o, v, 10);
		}
	}
	*o.p = 0;
	return (size_t)(o.p - buf);
}

void emm_msg_warn_once(struct emm *m, enum emm_msg kind, const uint64_t arg[EMM_MSG_ARGS])
{
	char msg[EMM_MSG_MAX];

	if (m->warned & (1U << kind))
		return;
	m->warned |= 1U << kind;
	emm_msg_format(msg, sizeof(msg), kind, arg);
	m->ops->warn(msg);
}

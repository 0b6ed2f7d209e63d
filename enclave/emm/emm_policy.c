// SPDX-License-Identifier: MIT
/*
 * The trim policy and the counters behind the heap advice (emm.h, docs/emm.md
 * "Trim policy" and "The heap advisor"): how much freed memory stays
 * committed, and how much the program needed at start-up and at its peak.
 * Arithmetic on the instance only, so the fault path may call it too.
 */
#include <errno.h>

#include "enclave/emm/emm_internal.h"

#define MIB	(1ULL << 20)

/* Committed pages of mappings: what the program uses, without the pool. */
static uint64_t in_use(const struct emm *m)
{
	return m->st.committed - m->st.pool;
}

static uint64_t recent_peak(const struct emm *m)
{
	return m->win_peak > m->prev_peak ? m->win_peak : m->prev_peak;
}

/* After every change that can raise the memory in use or the mapped bytes. */
void emm_note_use(struct emm *m)
{
	uint64_t u = in_use(m);

	if (u > m->win_peak)
		m->win_peak = u;
	if (m->phase != EMM_PHASE_RUNNING && u > m->st.startup)
		m->st.startup = u;
	if (m->st.mapped > m->st.mapped_peak)
		m->st.mapped_peak = m->st.mapped;
}

/*
 * @len new bytes were mapped (mmap, a growing brk). The adaptive reserve's
 * window closes once the bytes mapped in it reach a few times the recent
 * peak: the program has then had every chance to come back to that peak.
 */
void emm_note_mapped(struct emm *m, uint64_t len)
{
	uint64_t w = recent_peak(m) * EMM_TRIM_WINDOW_PEAKS;

	emm_note_use(m);
	if (w < EMM_TRIM_WINDOW_MIN)
		w = EMM_TRIM_WINDOW_MIN;
	m->win_mapped += len;
	if (m->win_mapped >= w) {
		m->prev_peak = m->win_peak;
		m->win_peak = in_use(m);
		m->win_mapped = 0;
	}
}

/* The program gave memory back: after main, that ends its start-up. */
void emm_note_release(struct emm *m)
{
	if (m->phase == EMM_PHASE_STARTUP)
		m->phase = EMM_PHASE_RUNNING;
}

/* A fault was handled: enough of them after main end the start-up too. */
void emm_note_fault(struct emm *m)
{
	if (m->phase == EMM_PHASE_STARTUP && m->st.faults - m->st.main_faults >= EMM_STARTUP_FAULTS)
		m->phase = EMM_PHASE_RUNNING;
}

/*
 * How many committed bytes the policy keeps now, or UINT64_MAX when it
 * trims nothing now. The trimmer takes only FREE pages, down to this.
 */
uint64_t emm_trim_target(const struct emm *m)
{
	uint64_t keep;

	if (m->mode != EMM_MODE_EDMM || m->st.pool <= m->trim_threshold)
		return ~0ULL;
	switch (m->trim_policy) {
	case EMM_TRIM_OFF:
		return ~0ULL;
	case EMM_TRIM_EAGER:
		return m->min_heap;
	default:
		keep = recent_peak(m);
		if (keep < m->min_heap)
			keep = m->min_heap;
		/* hysteresis: a reserve overrun by less than the threshold waits */
		return m->st.committed > keep + m->trim_threshold ? keep : ~0ULL;
	}
}

void emm_main_begins(struct emm *m)
{
	emm_lock(m);
	if (m->phase == EMM_PHASE_BEFORE_MAIN) {
		m->phase = EMM_PHASE_STARTUP;
		m->st.main_committed = m->st.committed;
		m->st.main_faults = m->st.faults;
	}
	emm_unlock(m);
}

static const char *const policy_names[] = {
	[EMM_TRIM_ADAPTIVE] = "adaptive",
	[EMM_TRIM_EAGER] = "eager",
	[EMM_TRIM_OFF] = "off",
};

const char *emm_trim_policy_name(enum emm_trim_policy p)
{
	return (unsigned)p < sizeof(policy_names) / sizeof(policy_names[0]) ? policy_names[p] : "?";
}

/* No libc here: the EMM runs where there is none. */
static int same(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

int emm_trim_policy_parse(const char *s, enum emm_trim_policy *p)
{
	unsigned i;

	for (i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++)
		if (same(s, policy_names[i])) {
			*p = (enum emm_trim_policy)i;
			return 0;
		}
	return -EINVAL;
}

void emm_set_trim_policy(struct emm *m, enum emm_trim_policy p)
{
	emm_lock(m);
	m->trim_policy = p;
	emm_unlock(m);
}

static uint64_t mib_up(uint64_t v)
{
	return v ? (v + MIB - 1) & ~(MIB - 1) : MIB;
}

/*
 * SCONE_MIN_HEAP: the memory in use at its highest during start-up, so that
 * the committed pool covers it and nothing faults before main. SCONE_HEAP:
 * the mapped peak and a quarter, or twice the limit that was reached (what
 * the SCONE_HEAP warning suggests too), and never below SCONE_MIN_HEAP.
 */
void emm_advise(const struct emm *m, const struct emm_stats *st, struct emm_advice *a)
{
	a->min_heap = mib_up(st->startup);
	a->heap = st->enomem ? mib_up(m->heap_shown * 2) : mib_up(st->mapped_peak + st->mapped_peak / 4);
	if (a->heap < a->min_heap)
		a->heap = a->min_heap;
}

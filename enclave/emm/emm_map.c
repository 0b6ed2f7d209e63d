// SPDX-License-Identifier: MIT
/*
 * Mapping and unmapping ranges of the heap: where a new mapping goes, what
 * it takes over from FREE regions, and what unmapping leaves committed
 * (a FREE region), trims, or must never hand out again (a LOST region).
 */
#include <errno.h>

#include "enclave/emm/emm_internal.h"

/*
 * Splitting a FREE region can leave a piece with no committed page; it
 * would only cost metadata, so drop it. @r may be NULL.
 */
static void tidy(struct emm *m, struct emm_region *r)
{
	if (r && r->kind == EMM_REGION_FREE && !r->ncommitted)
		emm_region_free(m, r);
}

/*
 * Take [s, e), which holds no USED region, for a new USED region. FREE
 * regions inside give their committed pages, which are zeroed (they held
 * the program's old data); in SGX1 the whole range is zeroed, since the
 * pages are either as the host EADDed them or were used before.
 */
int emm_map_range(struct emm *m, uint64_t s, uint64_t e, unsigned prot)
{
	struct emm_region *r, *q, *prev, *next;
	uint64_t to = emm_perms_of(prot);
	int err = 0;

	if (emm_region_split(m, s) || emm_region_split(m, e))
		return -ENOMEM;
	r = emm_region_new(m, s, e, EMM_REGION_USED, prot);
	if (!r)
		return -ENOMEM;
	prev = emm_region_before(m, s);
	for (q = prev ? prev->next : m->head; q && q->start < e; q = next) {
		uint64_t off = (q->start - s) >> EMM_PAGE_SHIFT, n = emm_region_pages(q), i = 0;

		next = q->next;
		while ((i = emm_next(q, i, n, 1)) < n) {
			uint64_t j = emm_next(q, i, n, 0), k;

			m->ops->zero((void *)emm_addr_of(q, i), (j - i) * EMM_PAGE_SIZE);
			m->st.zeroed += (j - i) * EMM_PAGE_SIZE;
			for (k = i; k < j; k++)
				emm_bit_set(r->bits, off + k);
			r->ncommitted += j - i;
			m->st.pool -= (j - i) * EMM_PAGE_SIZE;
			i = j;
		}
		emm_region_free(m, q);
	}
	emm_region_link(m, prev, r);
	m->st.mapped += e - s;
	emm_note_use(m);
	tidy(m, r->next);
	if (prev && prev->kind == EMM_REGION_FREE) {
		tidy(m, prev);
		prev = emm_region_before(m, s);
	}

	if (m->mode == EMM_MODE_SGX1) {
		m->ops->zero((void *)s, e - s);
		m->st.zeroed += e - s;
	} else if (to != EMM_PERM_RW) {
		err = emm_change_region_perms(m, r, 0, emm_region_pages(r), EMM_PERM_RW, to);
		if (!err && !emm_lazy_prot(prot))
			err = emm_commit_region(m, r, 0, emm_region_pages(r));
	}
	if (!err && to != EMM_PERM_RW && emm_protect(m, s, e - s, prot))
		err = -EACCES;
	if (err)
		return err;	/* the caller unmaps */

	/* Grow the region below instead of adding one: brk, bottom-up mmaps. */
	if (prev && prev->end == s && prev->kind == EMM_REGION_USED && prev->prot == prot)
		(void)emm_region_merge(m, prev, r);	/* failure: two regions, still right */
	return 0;
}

/*
 * Unmap [s, e). In EDMM a RW region's committed pages stay committed in a
 * FREE region, to be reused or trimmed lazily; pages with other permissions
 * are trimmed now, so that FREE pages are always RW and can be zeroed.
 * Host PTEs go back to RW, the state of unmapped heap.
 */
int emm_unmap_range(struct emm *m, uint64_t s, uint64_t e)
{
	struct emm_region *r, *next;

	if (emm_region_split(m, s) || emm_region_split(m, e))
		return -ENOMEM;
	r = emm_region_before(m, s + 1);
	for (r = r ? r : m->head; r && r->start < e; r = next) {
		next = r->next;
		if (r->start < s || r->kind != EMM_REGION_USED)
			continue;
		m->st.mapped -= r->end - r->start;
		if (emm_perms_of(r->prot) != EMM_PERM_RW) {
			(void)emm_protect(m, r->start, r->end - r->start,
				      EMM_PROT_READ | EMM_PROT_WRITE);
			if (r->bits) {
				uint64_t n = emm_region_pages(r);

				emm_trim_region(m, r, 0, n, n);
				if (r->ncommitted) {
					/*
					 * The host would not trim them: they are still
					 * valid with the program's old data, so the range
					 * is never handed out again (see docs/emm.md).
					 */
					emm_msg_warn_once(m, EMM_MSG_TRIM_REFUSED,
							  (const uint64_t[EMM_MSG_ARGS]){ r->start - m->base,
									      r->end - r->start });
					r->kind = EMM_REGION_LOST;
					continue;
				}
			}
		}
		if (r->ncommitted && m->mode == EMM_MODE_EDMM) {
			r->kind = EMM_REGION_FREE;
			r->prot = EMM_PROT_READ | EMM_PROT_WRITE;
			r->batch = m->batch_pages;
			r->next_fault = ~0ULL;
			m->st.pool += r->ncommitted * EMM_PAGE_SIZE;
		} else {
			emm_region_free(m, r);
		}
	}
	r = emm_region_before(m, s);
	tidy(m, r);
	tidy(m, emm_region_find(m, e));
	return 0;
}

/*
 * Where a new mapping of @len bytes goes: the hint if it is free; else the
 * highest gap below m->top (top-down, away from the break, and onto the
 * committed SCONE_MIN_HEAP first); else the lowest gap above m->top.
 */
uint64_t emm_place(struct emm *m, uint64_t hint, uint64_t len)
{
	struct emm_region *r;
	uint64_t prev_end = m->lo, best = 0;

	if (hint && !(hint & (EMM_PAGE_SIZE - 1)) && hint >= m->lo && hint <= m->hi - len &&
	    !emm_used_bytes(m, hint, hint + len) && !emm_touches_lost(m, hint, hint + len))
		return hint;
	for (r = m->head;; r = r->next) {
		uint64_t gs, ge;

		if (r && r->kind == EMM_REGION_FREE)
			continue;	/* reusable; USED and LOST are not */
		gs = prev_end;
		ge = r ? r->start : m->hi;
		if (ge > m->top)
			ge = m->top;
		if (ge >= gs && ge - gs >= len)
			best = ge - len;
		if (!r || r->end >= m->top)
			break;
		prev_end = r->end;
	}
	if (best)
		return best;
	prev_end = m->top;
	for (r = m->head;; r = r->next) {
		if (r && (r->kind == EMM_REGION_FREE || r->end <= m->top))
			continue;
		if ((r ? r->start : m->hi) >= prev_end &&
		    (r ? r->start : m->hi) - prev_end >= len)
			return prev_end;
		if (!r)
			return 0;
		if (r->end > prev_end)
			prev_end = r->end;
	}
}

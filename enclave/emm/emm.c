// SPDX-License-Identifier: MIT
/*
 * The EMM's API (emm.h): argument checks, the lock, and the system calls
 * put together from the jobs of the other files: emm_map.c (placing,
 * mapping, unmapping), emm_commit.c (committing, permissions, trimming),
 * emm_region.c and emm_meta.c (the data structure), emm_fault.c (the #PF
 * path), emm_policy.c (the trim policy, the advice's counters), emm_msg.c
 * (what the user is told). docs/emm.md has the policies.
 */
#include <errno.h>

#include "enclave/emm/emm_internal.h"

/*
 * A request refused for lack of heap: counted, and the user is told once
 * which SCONE_HEAP was reached and what to set instead. Without EDMM the
 * heap is part of MRENCLAVE, so a new value needs a new signature too.
 */
static void heap_reached(struct emm *m, uint64_t len)
{
	m->st.enomem++;
	emm_msg_warn_once(m, m->mode == EMM_MODE_SGX1 ? EMM_MSG_HEAP_REACHED_SGX1 : EMM_MSG_HEAP_REACHED,
			  (const uint64_t[EMM_MSG_ARGS]){ m->heap_shown, len, m->heap_shown * 2 });
}

/* Is [addr, addr + len) a page-aligned range inside the program's heap? */
static int in_heap(const struct emm *m, uint64_t addr, uint64_t len)
{
	return !(addr & (EMM_PAGE_SIZE - 1)) && addr >= m->lo && addr <= m->hi &&
	       len <= m->hi - addr;
}

/*
 * The checks of a request on [@addr, @addr + *@len), *@len rounded up to
 * pages: -EINVAL for a misaligned @addr, -ENOMEM for a range beyond the
 * heap, else 0, with *@len 0 for an empty request.
 */
static int request_range(const struct emm *m, uint64_t addr, uint64_t *len)
{
	if (addr & (EMM_PAGE_SIZE - 1))
		return -EINVAL;
	if (!*len)
		return 0;
	*len = emm_pg_up(*len);
	if (!*len || !in_heap(m, addr, *len))
		return -ENOMEM;
	return 0;
}

int emm_init(struct emm *m, const struct emm_config *c, const struct emm_ops *ops)
{
	uint64_t heap_lo, meta, max, min;
	struct emm_region *r;
	uint64_t i;

	if (!ops || !ops->eaccept || !ops->emodpe || !ops->ocall || !ops->zero || !ops->warn)
		return -EINVAL;
	ops->zero(m, sizeof(*m));
	m->ops = ops;
	if ((c->mode != EMM_MODE_SGX1 && c->mode != EMM_MODE_EDMM) ||
	    (c->heap_offset | c->heap_size | c->base) & (EMM_PAGE_SIZE - 1) ||
	    c->heap_size < ENCL_HEAP_RANGE_MIN || c->heap_offset > ~0ULL - c->base ||
	    c->heap_size > ~0ULL - (c->base + c->heap_offset))
		return -EINVAL;
	m->mode = c->mode;
	m->base = c->base;
	heap_lo = c->base + c->heap_offset;
	meta = emm_meta_size(c->heap_size);
	m->lo = heap_lo;
	m->hi = heap_lo + c->heap_size - meta;
	m->meta_lo = m->meta_bump = m->meta_committed_end = m->hi;
	m->meta_hi = heap_lo + c->heap_size;

	/* The hints are the host's: clamp them to the measured heap. */
	max = c->max_heap & ~(EMM_PAGE_SIZE - 1);
	if (!max || max > m->hi - m->lo)
		max = m->hi - m->lo;
	min = emm_pg_up(c->min_heap);
	if (min > max || c->min_heap > max)
		min = max;
	m->max_heap = max;
	/*
	 * What the SCONE_HEAP warning names: the user's own value, not the
	 * cap after the metadata reserve (the user never wrote 65280K), unless
	 * it had to be clamped to the measured heap, whose size is then the
	 * honest answer.
	 */
	m->heap_shown = c->max_heap && c->max_heap <= c->heap_size ? c->max_heap : max;
	m->min_heap = c->mode == EMM_MODE_EDMM ? min : 0;
	m->top = m->lo + max;
	m->brk_start = m->brk_cur = m->lo;

	m->batch_pages = c->batch_pages ? c->batch_pages : EMM_BATCH_PAGES;
	m->batch_max = c->batch_max_pages ? c->batch_max_pages : EMM_BATCH_MAX_PAGES;
	/* powers of two, so that windows are aligned and sequential runs line up */
	while (m->batch_pages & (m->batch_pages - 1))
		m->batch_pages &= m->batch_pages - 1;
	while (m->batch_max & (m->batch_max - 1))
		m->batch_max &= m->batch_max - 1;
	if (m->batch_max < m->batch_pages)
		m->batch_max = m->batch_pages;
	m->trim_threshold = c->trim_threshold ? c->trim_threshold : EMM_TRIM_THRESHOLD;
	m->trim_policy = c->trim_policy <= EMM_TRIM_OFF ? c->trim_policy : EMM_TRIM_ADAPTIVE;

	if (m->mode == EMM_MODE_SGX1) {
		m->st.committed = m->st.peak = c->heap_size;
		return 0;
	}
	if (!m->min_heap)
		return 0;
	/* SCONE_MIN_HEAP: committed now, as a FREE region where mmap looks first. */
	r = emm_region_new(m, m->top - m->min_heap, m->top, EMM_REGION_FREE,
			   EMM_PROT_READ | EMM_PROT_WRITE);
	if (!r)
		return -ENOMEM;
	emm_region_link(m, NULL, r);
	m->st.commits++;
	for (i = 0; i < emm_region_pages(r); i++)
		if (emm_commit_page(m, r, i))
			return -ENOMEM;
	return 0;
}

long emm_mmap(struct emm *m, uint64_t hint, uint64_t len, int prot, int flags)
{
	uint64_t s, e, overlap = 0;
	long ret;
	int err;

	if (!len || (prot & ~(EMM_PROT_READ | EMM_PROT_WRITE | EMM_PROT_EXEC)))
		return -EINVAL;
	if (len > m->hi - m->lo) {
		emm_lock(m);
		heap_reached(m, len);
		emm_unlock(m);
		return -ENOMEM;
	}
	len = emm_pg_up(len);
	emm_lock(m);
	if (flags & (EMM_MAP_FIXED | EMM_MAP_FIXED_NOREPLACE)) {
		err = -EINVAL;
		if (!in_heap(m, hint, len))
			goto out;	/* fixed mappings only within the heap */
		s = hint;
		err = -ENOMEM;
		if (emm_touches_lost(m, s, s + len))
			goto out;	/* see EMM_REGION_LOST */
		overlap = emm_used_bytes(m, s, s + len);
		err = -EEXIST;
		if (overlap && !(flags & EMM_MAP_FIXED))
			goto out;	/* MAP_FIXED_NOREPLACE */
	} else {
		s = 0;
	}
	err = -ENOMEM;
	if (m->st.mapped - overlap + len > m->max_heap)
		goto enomem;
	if (!s) {
		s = emm_place(m, hint, len);
		if (!s)
			goto enomem;
	}
	e = s + len;
	if (overlap && (err = emm_unmap_range(m, s, e)))
		goto out;
	err = emm_map_range(m, s, e, (unsigned)prot);
	if (err) {
		(void)emm_unmap_range(m, s, e);
		goto out;
	}
	emm_note_mapped(m, len);
	(void)emm_trim_pending_locked(m);	/* a MAP_FIXED may have freed pages */
	ret = (long)s;
	emm_unlock(m);
	return ret;
enomem:
	heap_reached(m, len);
out:
	emm_unlock(m);
	return err;
}

int emm_munmap(struct emm *m, uint64_t addr, uint64_t len)
{
	int err;

	if (!len || !in_heap(m, addr, emm_pg_up(len)) || emm_pg_up(len) < len)
		return -EINVAL;
	emm_lock(m);
	err = emm_unmap_range(m, addr, addr + emm_pg_up(len));
	emm_note_release(m);
	(void)emm_trim_pending_locked(m);
	emm_unlock(m);
	return err;
}

int emm_mprotect(struct emm *m, uint64_t addr, uint64_t len, int prot)
{
	struct emm_region *r;
	uint64_t e;
	int err = 0;

	if (prot & ~(EMM_PROT_READ | EMM_PROT_WRITE | EMM_PROT_EXEC))
		return -EINVAL;
	err = request_range(m, addr, &len);
	if (err || !len)
		return err;
	e = addr + len;
	emm_lock(m);
	if (!emm_fully_mapped(m, addr, e) || emm_region_split(m, addr) || emm_region_split(m, e)) {
		err = -ENOMEM;
		goto out;
	}
	/*
	 * The leaves below read their page through the host's PTE, and the
	 * kernel EAUGs on their fault only where the mapping may be read
	 * (access_error): behind a PROT_NONE PTE they fault, while this code
	 * holds the lock. So a protection that can be read reaches the PTEs
	 * before the leaves. PROT_NONE reaches them after: its leaves
	 * (restrict, EACCEPT(PR)) act only on pages that had permissions,
	 * whose PTEs are readable until then.
	 */
	if (prot != EMM_PROT_NONE && emm_protect(m, addr, len, (unsigned)prot)) {
		err = -EACCES;
		goto out;
	}
	for (r = emm_region_find(m, addr); r && r->start < e; r = r->next) {
		uint64_t n = emm_region_pages(r), from = emm_perms_of(r->prot);

		r->prot = (uint8_t)prot;
		if (!r->bits)
			continue;
		if (emm_change_region_perms(m, r, 0, n, from, emm_perms_of((unsigned)prot)))
			err = -EACCES;
		if (!emm_lazy_prot((unsigned)prot) && emm_commit_region(m, r, 0, n))
			err = -ENOMEM;
	}
	if (prot == EMM_PROT_NONE && emm_protect(m, addr, len, EMM_PROT_NONE))
		err = -EACCES;
out:
	emm_unlock(m);
	return err;
}

/*
 * MADV_DONTNEED: the next read sees zeros. EDMM trims the committed pages at
 * once (an explicit request to give memory back; the next touch commits
 * fresh ones) and recommits regions that cannot commit on fault. SGX1 can
 * only zero, with the host PTE opened for it when the region is not
 * writable.
 */
int emm_madvise_dontneed(struct emm *m, uint64_t addr, uint64_t len)
{
	struct emm_region *r;
	uint64_t e;
	int err = 0;

	err = request_range(m, addr, &len);
	if (err || !len)
		return err;
	e = addr + len;
	emm_lock(m);
	if (!emm_fully_mapped(m, addr, e)) {
		err = -ENOMEM;
		goto out;
	}
	emm_note_release(m);
	for (r = emm_region_find(m, addr); r && r->start < e; r = r->next) {
		uint64_t s = r->start > addr ? r->start : addr;
		uint64_t t = r->end < e ? r->end : e;
		uint64_t i = (s - r->start) >> EMM_PAGE_SHIFT, j = (t - r->start) >> EMM_PAGE_SHIFT;

		if (r->bits) {
			/* EACCEPT(TRIM) reads the page: not through a PROT_NONE PTE. */
			int closed = r->prot == EMM_PROT_NONE && emm_next(r, i, j, 1) < j;

			if (closed)
				(void)emm_protect(m, s, t - s, EMM_PROT_READ);
			emm_trim_region(m, r, i, j, j - i);
			if (closed)
				(void)emm_protect(m, s, t - s, EMM_PROT_NONE);
			if (!emm_lazy_prot(r->prot) && emm_commit_region(m, r, i, j))
				err = -ENOMEM;
			continue;
		}
		if (!(r->prot & EMM_PROT_WRITE))
			(void)emm_protect(m, s, t - s, EMM_PROT_READ | EMM_PROT_WRITE);
		m->ops->zero((void *)s, t - s);
		m->st.zeroed += t - s;
		if (!(r->prot & EMM_PROT_WRITE))
			(void)emm_protect(m, s, t - s, r->prot);
	}
out:
	emm_unlock(m);
	return err;
}

uint64_t emm_brk(struct emm *m, uint64_t newbrk)
{
	uint64_t cur, ce, ne;

	emm_lock(m);
	cur = m->brk_cur;
	if (newbrk < m->brk_start || newbrk > m->hi)
		goto out;
	ce = emm_pg_up(cur);
	ne = emm_pg_up(newbrk);
	if (ne > ce) {
		if (emm_used_bytes(m, ce, ne))
			goto out;	/* ran into a mapping: brk fails, malloc uses mmap */
		if (m->st.mapped + (ne - ce) > m->max_heap) {
			heap_reached(m, ne - ce);
			goto out;
		}
		if (emm_map_range(m, ce, ne, EMM_PROT_READ | EMM_PROT_WRITE)) {
			(void)emm_unmap_range(m, ce, ne);
			goto out;
		}
		emm_note_mapped(m, ne - ce);
	} else if (ne < ce) {
		if (emm_unmap_range(m, ne, ce))
			goto out;
		emm_note_release(m);
		(void)emm_trim_pending_locked(m);
	}
	m->brk_cur = cur = newbrk;
out:
	emm_unlock(m);
	return cur;
}

int emm_commit(struct emm *m, uint64_t addr, uint64_t len)
{
	struct emm_region *r;
	uint64_t e;
	int err = 0;

	if (addr & (EMM_PAGE_SIZE - 1))
		return -EINVAL;
	len = emm_pg_up(len);
	if (!in_heap(m, addr, len))
		return -ENOMEM;
	e = addr + len;
	emm_lock(m);
	if (!emm_fully_mapped(m, addr, e)) {
		err = -ENOMEM;
		goto out;
	}
	for (r = emm_region_find(m, addr); r && r->start < e && !err; r = r->next) {
		uint64_t s = r->start > addr ? r->start : addr;
		uint64_t t = r->end < e ? r->end : e;

		/* Nothing can use a PROT_NONE page, and no leaf can read it. */
		if (r->prot == EMM_PROT_NONE)
			continue;
		err = emm_commit_region(m, r, (s - r->start) >> EMM_PAGE_SHIFT,
				    (t - r->start) >> EMM_PAGE_SHIFT);
	}
out:
	emm_unlock(m);
	return err;
}

uint64_t emm_trim_pending(struct emm *m)
{
	uint64_t n;

	emm_lock(m);
	n = emm_trim_pending_locked(m);
	emm_unlock(m);
	return n;
}

int emm_is_mapped(struct emm *m, uint64_t addr)
{
	struct emm_region *r;
	int mapped;

	emm_lock(m);
	r = emm_region_find(m, addr);
	mapped = r && r->kind == EMM_REGION_USED;
	emm_unlock(m);
	return mapped;
}

void emm_get_stats(struct emm *m, struct emm_stats *st)
{
	emm_lock(m);
	*st = m->st;
	emm_unlock(m);
}

// SPDX-License-Identifier: MIT
/*
 * The EMM's operations: commit, permission changes, trimming, and the system
 * calls built on them. emm.h describes the model; docs/emm.md the policies.
 *
 * Invariants (EDMM):
 *  - a committed page of a USED region has exactly the EPCM permissions of
 *    its region's protection; a committed page of a FREE region is RW;
 *  - a USED region whose protection lacks R or W but is not PROT_NONE is
 *    fully committed: committing it later would need the restrict ocall,
 *    which the fault handler cannot make;
 *  - the bitmaps hold exactly the pages this EMM EACCEPTed and has not
 *    trimmed. Nothing is marked committed on the host's word: only a
 *    successful EACCEPT sets a bit.
 */
#include <errno.h>

#include "abi/boundary.h"
#include "enclave/emm/emm_internal.h"

#define PAGE	EMM_PAGE_SIZE

static uint64_t pg_up(uint64_t a)
{
	return (a + PAGE - 1) & ~(PAGE - 1);
}

/*
 * The EPCM permissions for a protection: x86 pages have no write-only or
 * execute-only form, and SECINFO forbids W without R.
 */
static uint64_t perms_of(unsigned prot)
{
	uint64_t p = prot & (EMM_PROT_READ | EMM_PROT_WRITE | EMM_PROT_EXEC);

	return p ? p | SGX_SECINFO_R : 0;
}

/* Can a page of this protection be committed by the fault handler? */
static int lazy_prot(unsigned prot)
{
	uint64_t p = perms_of(prot);

	return p == 0 || (p & EMM_PERM_RW) == EMM_PERM_RW;
}

static uint64_t addr_of(const struct emm_region *r, uint64_t i)
{
	return r->start + (i << EMM_PAGE_SHIFT);
}

static long host(struct emm *m, long nr, uint64_t addr, uint64_t len, uint64_t arg)
{
	return m->ops->ocall(nr, addr - m->base, len, arg);
}

/*
 * The host's PTEs for pages of protection @prot: the EPCM permissions'
 * bits (equal to PROT_*), so that a PTE that is not PROT_NONE lets the
 * EMM's own leaves read the page (SDM: EACCEPT and EMODPE read their
 * target; an execute-only PTE would fault them).
 */
static long protect(struct emm *m, uint64_t addr, uint64_t len, unsigned prot)
{
	return host(m, ENCL_OCALL_PROTECT, addr, len, perms_of(prot));
}

static void lock(struct emm *m)
{
	while (__atomic_exchange_n(&m->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&m->lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
}

static void unlock(struct emm *m)
{
	__atomic_store_n(&m->lock, 0, __ATOMIC_RELEASE);
}

/* ---- messages (no libc here) ---------------------------------------------- */

static char *put_str(char *p, const char *s)
{
	while (*s)
		*p++ = *s++;
	return p;
}

static char *put_u64(char *p, uint64_t v)
{
	char tmp[20];
	int n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	while (n)
		*p++ = tmp[--n];
	return p;
}

/* A size the way SCONE_HEAP is written: 64M, 1G, 1536K or bytes. */
static char *put_size(char *p, uint64_t v)
{
	static const char sfx[] = "GMK";
	int s;

	for (s = 0; s < 3; s++) {
		unsigned shift = 30 - 10 * (unsigned)s;

		if (v && !(v & ((1ULL << shift) - 1))) {
			p = put_u64(p, v >> shift);
			*p++ = sfx[s];
			return p;
		}
	}
	return put_u64(p, v);
}

static void warn_heap(struct emm *m, uint64_t len)
{
	char msg[224], *p = msg;

	m->st.enomem++;
	if (m->warned_heap)
		return;
	m->warned_heap = 1;
	p = put_str(p, "encl: SCONE_HEAP=");
	p = put_size(p, m->heap_shown);
	p = put_str(p, " reached: cannot map ");
	p = put_u64(p, len);
	p = put_str(p, " more bytes; raise SCONE_HEAP (e.g. SCONE_HEAP=");
	p = put_size(p, m->heap_shown * 2);
	/* Without EDMM the heap is part of MRENCLAVE: a new value needs a new signature. */
	p = put_str(p, m->mode == EMM_MODE_SGX1 ? " and re-sign with encl sign --heap " : ")");
	if (m->mode == EMM_MODE_SGX1) {
		p = put_size(p, m->heap_shown * 2);
		p = put_str(p, ")");
	}
	*p = 0;
	m->ops->warn(msg);
}

static void warn_remove(struct emm *m)
{
	if (m->warned_remove)
		return;
	m->warned_remove = 1;
	m->ops->warn("encl: the host failed to remove trimmed enclave pages; they stay unusable");
}

/* ---- committing, permissions, trimming -------------------------------------- */

static void account_commit(struct emm *m, struct emm_region *r, uint64_t i)
{
	emm_bit_set(r->bits, i);
	r->ncommitted++;
	m->st.committed += PAGE;
	if (m->st.committed > m->st.peak)
		m->st.peak = m->st.committed;
	if (r->kind == EMM_REGION_FREE)
		m->st.pool += PAGE;
}

static void account_uncommit(struct emm *m, struct emm_region *r, uint64_t i)
{
	emm_bit_clr(r->bits, i);
	r->ncommitted--;
	m->st.committed -= PAGE;
	if (r->kind == EMM_REGION_FREE)
		m->st.pool -= PAGE;
}

/*
 * EACCEPT-first commit of one page: if the kernel has not EAUGed it yet, the
 * EACCEPT faults, the kernel EAUGs the page on that fault and the EACCEPT is
 * retried. Either way it comes back REG, RW, accepted and zeroed.
 */
static int commit_page(struct emm *m, struct emm_region *r, uint64_t i)
{
	if (emm_accept(m, addr_of(r, i), EMM_SECINFO_AUG))
		return -ENOMEM;
	account_commit(m, r, i);
	return 0;
}

/*
 * Change the EPCM permissions of @n committed pages at @addr from @from to
 * @to: EMODPE adds permissions (enclave only); removing them takes the
 * restrict ioctl (EMODPR by the kernel) and then EACCEPT(PR) of each page,
 * which is also what proves the host really restricted them.
 */
static int change_perms(struct emm *m, uint64_t addr, uint64_t n, uint64_t from, uint64_t to)
{
	uint64_t k;
	int err = 0;

	if (to & ~from)
		for (k = 0; k < n; k++)
			m->ops->emodpe(addr + k * PAGE, to);
	if (from & ~to) {
		(void)host(m, ENCL_OCALL_RESTRICT, addr, n * PAGE, to);
		for (k = 0; k < n; k++)
			if (emm_accept(m, addr + k * PAGE, SGX_SECINFO_REG | to | SGX_SECINFO_PR))
				err = -EACCES;
	}
	return err;
}

/* Apply change_perms to every committed run of pages [i, j) of @r. */
static int change_region_perms(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j,
			       uint64_t from, uint64_t to)
{
	int err = 0;

	if (from == to)
		return 0;
	while ((i = emm_next(r, i, j, 1)) < j) {
		uint64_t e = emm_next(r, i, j, 0);

		if (change_perms(m, addr_of(r, i), e - i, from, to))
			err = -EACCES;
		i = e;
	}
	return err;
}

/*
 * Commit the uncommitted pages of [i, j) of @r and give them the region's
 * permissions (which may take an ocall: not for the fault handler).
 */
static int commit_region(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j)
{
	uint64_t to = perms_of(r->prot);
	int err = 0;

	if (!r->bits)
		return 0;
	m->st.commits++;
	while (!err && (i = emm_next(r, i, j, 0)) < j) {
		uint64_t e = emm_next(r, i, j, 1), k;

		for (k = i; k < e; k++)
			if ((err = commit_page(m, r, k)))
				break;
		if (k > i && change_perms(m, addr_of(r, i), k - i, EMM_PERM_RW, to))
			err = -EACCES;
		i = e;
	}
	return err;
}

/*
 * Trim the committed pages of [i, j) of @r: the modify-types ioctl makes
 * them PT_TRIM (EMODT), EACCEPT(TRIM|MODIFIED) confirms each one, and the
 * remove ioctl (EREMOVE) gives them back. Only pages whose EACCEPT
 * succeeded are forgotten; a host that skipped the EMODT leaves them
 * committed. Returns the pages trimmed.
 */
static uint64_t trim_run(struct emm *m, struct emm_region *r, uint64_t i, uint64_t n)
{
	uint64_t k, run = 0, done = 0;
	int inrun = 0;

	m->st.trims++;
	(void)host(m, ENCL_OCALL_MODIFY_TYPES, addr_of(r, i), n * PAGE, SGX_PT_TRIM);
	for (k = i; k <= i + n; k++) {
		int ok = k < i + n &&
			 !emm_accept(m, addr_of(r, k), SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED);

		if (ok) {
			account_uncommit(m, r, k);
			done++;
			if (!inrun)
				run = k;
			inrun = 1;
		} else if (inrun) {
			if (host(m, ENCL_OCALL_REMOVE, addr_of(r, run), (k - run) * PAGE, 0))
				warn_remove(m);
			inrun = 0;
		}
	}
	m->st.trimmed += done * PAGE;
	return done;
}

/* Trim up to @budget committed pages of [i, j) of @r; returns the pages trimmed. */
static uint64_t trim_region(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j,
			    uint64_t budget)
{
	uint64_t done = 0;

	if (!r->bits)
		return 0;
	while (done < budget && (i = emm_next(r, i, j, 1)) < j) {
		uint64_t e = emm_next(r, i, j, 0);

		if (e - i > budget - done)
			e = i + (budget - done);
		done += trim_run(m, r, i, e - i);
		i = e;
	}
	return done;
}

static uint64_t trim_pending_locked(struct emm *m)
{
	struct emm_region *r, *next;
	uint64_t budget, done = 0;

	if (m->mode != EMM_MODE_EDMM || m->st.pool <= m->trim_threshold)
		return 0;
	/* never below the SCONE_MIN_HEAP floor */
	budget = m->st.committed > m->min_heap ? (m->st.committed - m->min_heap) / PAGE : 0;
	for (r = m->head; r && done < budget; r = next) {
		next = r->next;
		if (r->kind != EMM_REGION_FREE)
			continue;
		done += trim_region(m, r, 0, emm_region_pages(r), budget - done);
		if (!r->ncommitted)
			emm_region_free(m, r);
	}
	return done;
}

/* ---- mapping and unmapping ----------------------------------------------- */

/* Bytes of USED regions inside [s, e). */
static uint64_t used_bytes(struct emm *m, uint64_t s, uint64_t e)
{
	struct emm_region *r;
	uint64_t n = 0;

	for (r = m->head; r && r->start < e; r = r->next)
		if (r->kind == EMM_REGION_USED && r->end > s)
			n += (r->end < e ? r->end : e) - (r->start > s ? r->start : s);
	return n;
}

/* Does [s, e) touch a LOST region? */
static int touches_lost(struct emm *m, uint64_t s, uint64_t e)
{
	struct emm_region *r;

	for (r = m->head; r && r->start < e; r = r->next)
		if (r->kind == EMM_REGION_LOST && r->end > s)
			return 1;
	return 0;
}

/* Is [s, e) entirely covered by USED regions? */
static int fully_mapped(struct emm *m, uint64_t s, uint64_t e)
{
	return used_bytes(m, s, e) == e - s;
}

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
static int map_range(struct emm *m, uint64_t s, uint64_t e, unsigned prot)
{
	struct emm_region *r, *q, *prev, *next;
	uint64_t to = perms_of(prot);
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

			m->ops->zero((void *)addr_of(q, i), (j - i) * PAGE);
			m->st.zeroed += (j - i) * PAGE;
			for (k = i; k < j; k++)
				emm_bit_set(r->bits, off + k);
			r->ncommitted += j - i;
			m->st.pool -= (j - i) * PAGE;
			i = j;
		}
		emm_region_free(m, q);
	}
	emm_region_link(m, prev, r);
	m->st.mapped += e - s;
	tidy(m, r->next);
	if (prev && prev->kind == EMM_REGION_FREE) {
		tidy(m, prev);
		prev = emm_region_before(m, s);
	}

	if (m->mode == EMM_MODE_SGX1) {
		m->ops->zero((void *)s, e - s);
		m->st.zeroed += e - s;
	} else if (to != EMM_PERM_RW) {
		err = change_region_perms(m, r, 0, emm_region_pages(r), EMM_PERM_RW, to);
		if (!err && !lazy_prot(prot))
			err = commit_region(m, r, 0, emm_region_pages(r));
	}
	if (!err && to != EMM_PERM_RW && protect(m, s, e - s, prot))
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
static int unmap_range(struct emm *m, uint64_t s, uint64_t e)
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
		if (perms_of(r->prot) != EMM_PERM_RW) {
			(void)protect(m, r->start, r->end - r->start,
				      EMM_PROT_READ | EMM_PROT_WRITE);
			if (r->bits) {
				uint64_t n = emm_region_pages(r);

				trim_region(m, r, 0, n, n);
				if (r->ncommitted) {
					/*
					 * The host would not trim them: they are still
					 * valid with the program's old data, so the range
					 * is never handed out again (see docs/emm.md).
					 */
					warn_remove(m);
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
			m->st.pool += r->ncommitted * PAGE;
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
static uint64_t place(struct emm *m, uint64_t hint, uint64_t len)
{
	struct emm_region *r;
	uint64_t prev_end = m->lo, best = 0;

	if (hint && !(hint & (PAGE - 1)) && hint >= m->lo && hint <= m->hi - len &&
	    !used_bytes(m, hint, hint + len) && !touches_lost(m, hint, hint + len))
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

/* Is [addr, addr + len) a page-aligned range inside the program's heap? */
static int in_heap(const struct emm *m, uint64_t addr, uint64_t len)
{
	return !(addr & (PAGE - 1)) && addr >= m->lo && addr <= m->hi &&
	       len <= m->hi - addr;
}

/*
 * The checks of a request on [@addr, @addr + *@len), *@len rounded up to
 * pages: -EINVAL for a misaligned @addr, -ENOMEM for a range beyond the
 * heap, else 0, with *@len 0 for an empty request.
 */
static int request_range(const struct emm *m, uint64_t addr, uint64_t *len)
{
	if (addr & (PAGE - 1))
		return -EINVAL;
	if (!*len)
		return 0;
	*len = pg_up(*len);
	if (!*len || !in_heap(m, addr, *len))
		return -ENOMEM;
	return 0;
}

/* ---- the API ------------------------------------------------------------- */

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
	    (c->heap_offset | c->heap_size | c->base) & (PAGE - 1) ||
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
	max = c->max_heap & ~(PAGE - 1);
	if (!max || max > m->hi - m->lo)
		max = m->hi - m->lo;
	min = pg_up(c->min_heap);
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
		if (commit_page(m, r, i))
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
		lock(m);
		warn_heap(m, len);
		unlock(m);
		return -ENOMEM;
	}
	len = pg_up(len);
	lock(m);
	if (flags & (EMM_MAP_FIXED | EMM_MAP_FIXED_NOREPLACE)) {
		err = -EINVAL;
		if (!in_heap(m, hint, len))
			goto out;	/* fixed mappings only within the heap */
		s = hint;
		err = -ENOMEM;
		if (touches_lost(m, s, s + len))
			goto out;	/* see EMM_REGION_LOST */
		overlap = used_bytes(m, s, s + len);
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
		s = place(m, hint, len);
		if (!s)
			goto enomem;
	}
	e = s + len;
	if (overlap && (err = unmap_range(m, s, e)))
		goto out;
	err = map_range(m, s, e, (unsigned)prot);
	if (err) {
		(void)unmap_range(m, s, e);
		goto out;
	}
	(void)trim_pending_locked(m);	/* a MAP_FIXED may have freed pages */
	ret = (long)s;
	unlock(m);
	return ret;
enomem:
	warn_heap(m, len);
out:
	unlock(m);
	return err;
}

int emm_munmap(struct emm *m, uint64_t addr, uint64_t len)
{
	int err;

	if (!len || !in_heap(m, addr, pg_up(len)) || pg_up(len) < len)
		return -EINVAL;
	lock(m);
	err = unmap_range(m, addr, addr + pg_up(len));
	(void)trim_pending_locked(m);
	unlock(m);
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
	lock(m);
	if (!fully_mapped(m, addr, e) || emm_region_split(m, addr) || emm_region_split(m, e)) {
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
	if (prot != EMM_PROT_NONE && protect(m, addr, len, (unsigned)prot)) {
		err = -EACCES;
		goto out;
	}
	for (r = emm_region_find(m, addr); r && r->start < e; r = r->next) {
		uint64_t n = emm_region_pages(r), from = perms_of(r->prot);

		r->prot = (uint8_t)prot;
		if (!r->bits)
			continue;
		if (change_region_perms(m, r, 0, n, from, perms_of((unsigned)prot)))
			err = -EACCES;
		if (!lazy_prot((unsigned)prot) && commit_region(m, r, 0, n))
			err = -ENOMEM;
	}
	if (prot == EMM_PROT_NONE && protect(m, addr, len, EMM_PROT_NONE))
		err = -EACCES;
out:
	unlock(m);
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
	lock(m);
	if (!fully_mapped(m, addr, e)) {
		err = -ENOMEM;
		goto out;
	}
	for (r = emm_region_find(m, addr); r && r->start < e; r = r->next) {
		uint64_t s = r->start > addr ? r->start : addr;
		uint64_t t = r->end < e ? r->end : e;
		uint64_t i = (s - r->start) >> EMM_PAGE_SHIFT, j = (t - r->start) >> EMM_PAGE_SHIFT;

		if (r->bits) {
			/* EACCEPT(TRIM) reads the page: not through a PROT_NONE PTE. */
			int closed = r->prot == EMM_PROT_NONE && emm_next(r, i, j, 1) < j;

			if (closed)
				(void)protect(m, s, t - s, EMM_PROT_READ);
			trim_region(m, r, i, j, j - i);
			if (closed)
				(void)protect(m, s, t - s, EMM_PROT_NONE);
			if (!lazy_prot(r->prot) && commit_region(m, r, i, j))
				err = -ENOMEM;
			continue;
		}
		if (!(r->prot & EMM_PROT_WRITE))
			(void)protect(m, s, t - s, EMM_PROT_READ | EMM_PROT_WRITE);
		m->ops->zero((void *)s, t - s);
		m->st.zeroed += t - s;
		if (!(r->prot & EMM_PROT_WRITE))
			(void)protect(m, s, t - s, r->prot);
	}
out:
	unlock(m);
	return err;
}

uint64_t emm_brk(struct emm *m, uint64_t newbrk)
{
	uint64_t cur, ce, ne;

	lock(m);
	cur = m->brk_cur;
	if (newbrk < m->brk_start || newbrk > m->hi)
		goto out;
	ce = pg_up(cur);
	ne = pg_up(newbrk);
	if (ne > ce) {
		if (used_bytes(m, ce, ne))
			goto out;	/* ran into a mapping: brk fails, malloc uses mmap */
		if (m->st.mapped + (ne - ce) > m->max_heap) {
			warn_heap(m, ne - ce);
			goto out;
		}
		if (map_range(m, ce, ne, EMM_PROT_READ | EMM_PROT_WRITE)) {
			(void)unmap_range(m, ce, ne);
			goto out;
		}
	} else if (ne < ce) {
		if (unmap_range(m, ne, ce))
			goto out;
		(void)trim_pending_locked(m);
	}
	m->brk_cur = cur = newbrk;
out:
	unlock(m);
	return cur;
}

int emm_fault(struct emm *m, uint64_t addr, uint32_t errcd)
{
	struct emm_region *r;
	uint64_t i, n, b, ws, we, k, p;
	int ok = EMM_FAULT_DECLINED;

	/*
	 * The runtime runs one thread, so a fault that finds the lock held
	 * interrupted an EMM call on this very thread, which cannot go on
	 * before the handler returns: waiting for the lock would never end.
	 */
	if (__atomic_load_n(&m->lock, __ATOMIC_ACQUIRE))
		return EMM_FAULT_LOCKED;
	if (m->mode != EMM_MODE_EDMM || addr < m->lo || addr >= m->hi)
		return EMM_FAULT_DECLINED;
	lock(m);
	r = emm_region_find(m, addr);
	if (!r || r->kind != EMM_REGION_USED)
		goto out;
	p = perms_of(r->prot);
	if ((p & EMM_PERM_RW) != EMM_PERM_RW)
		goto out;	/* PROT_NONE, or a violation of R/RX */
	if ((errcd & X86_PF_INSTR) && !(p & SGX_SECINFO_X))
		goto out;
	i = (addr - r->start) >> EMM_PAGE_SHIFT;
	if (emm_committed(r, i))
		goto out;	/* committed and still faulting: not ours */

	/* The window: doubled for each fault that continues a sequential run. */
	b = i == r->next_fault ? (uint64_t)r->batch * 2 : m->batch_pages;
	if (b > m->batch_max)
		b = m->batch_max;
	r->batch = (uint32_t)b;
	n = emm_region_pages(r);
	ws = i & ~(b - 1);
	we = ws + b < n ? ws + b : n;
	r->next_fault = we;

	/* The faulting page first: the others are a bonus. */
	if (commit_page(m, r, i))
		goto out;
	if (p != EMM_PERM_RW)
		m->ops->emodpe(addr_of(r, i), p);
	for (k = ws; k < we; k++) {
		if (emm_committed(r, k))
			continue;
		if (commit_page(m, r, k))
			break;
		if (p != EMM_PERM_RW)
			m->ops->emodpe(addr_of(r, k), p);
	}
	m->st.commits++;
	m->st.faults++;
	ok = EMM_FAULT_FIXED;
out:
	unlock(m);
	return ok;
}

int emm_commit(struct emm *m, uint64_t addr, uint64_t len)
{
	struct emm_region *r;
	uint64_t e;
	int err = 0;

	if (addr & (PAGE - 1))
		return -EINVAL;
	len = pg_up(len);
	if (!in_heap(m, addr, len))
		return -ENOMEM;
	e = addr + len;
	lock(m);
	if (!fully_mapped(m, addr, e)) {
		err = -ENOMEM;
		goto out;
	}
	for (r = emm_region_find(m, addr); r && r->start < e && !err; r = r->next) {
		uint64_t s = r->start > addr ? r->start : addr;
		uint64_t t = r->end < e ? r->end : e;

		/* Nothing can use a PROT_NONE page, and no leaf can read it. */
		if (r->prot == EMM_PROT_NONE)
			continue;
		err = commit_region(m, r, (s - r->start) >> EMM_PAGE_SHIFT,
				    (t - r->start) >> EMM_PAGE_SHIFT);
	}
out:
	unlock(m);
	return err;
}

uint64_t emm_trim_pending(struct emm *m)
{
	uint64_t n;

	lock(m);
	n = trim_pending_locked(m);
	unlock(m);
	return n;
}

void emm_get_stats(struct emm *m, struct emm_stats *st)
{
	lock(m);
	*st = m->st;
	unlock(m);
}

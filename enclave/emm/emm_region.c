// SPDX-License-Identifier: MIT
/*
 * The sorted region list: creating, linking, freeing, looking up, splitting
 * and merging regions, and what the list says about a range. The bitmaps
 * and the nodes themselves come from emm_meta.c.
 */
#include <errno.h>

#include "enclave/emm/emm_internal.h"

struct emm_region *emm_region_new(struct emm *m, uint64_t start, uint64_t end,
				  unsigned kind, unsigned prot)
{
	struct emm_region *r = emm_meta_alloc(m, sizeof(*r), NULL);
	unsigned c;

	if (!r)
		return NULL;
	r->start = start;
	r->end = end;
	r->kind = (uint8_t)kind;
	r->prot = (uint8_t)prot;
	r->batch = m->batch_pages;
	r->next_fault = ~0ULL;
	if (m->mode == EMM_MODE_EDMM) {
		r->bits = emm_meta_alloc(m, emm_bits_bytes((end - start) >> EMM_PAGE_SHIFT), &c);
		if (!r->bits) {
			emm_meta_free(m, r, emm_meta_class(sizeof(*r)));
			return NULL;
		}
		r->bits_class = (uint8_t)c;
	}
	m->st.regions++;
	return r;
}

/* Link @r after @prev (NULL: at the head). */
void emm_region_link(struct emm *m, struct emm_region *prev, struct emm_region *r)
{
	r->prev = prev;
	r->next = prev ? prev->next : m->head;
	if (r->next)
		r->next->prev = r;
	if (prev)
		prev->next = r;
	else
		m->head = r;
}

void emm_region_free(struct emm *m, struct emm_region *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else if (m->head == r)
		m->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	if (m->last == r)
		m->last = NULL;
	if (r->bits)
		emm_meta_free(m, r->bits, r->bits_class);
	emm_meta_free(m, r, emm_meta_class(sizeof(*r)));
	m->st.regions--;
}

struct emm_region *emm_region_find(struct emm *m, uint64_t addr)
{
	struct emm_region *r = m->last;

	if (r && addr >= r->start && addr < r->end)
		return r;
	for (r = m->head; r && r->start <= addr; r = r->next)
		if (addr < r->end)
			return m->last = r;
	return NULL;
}

/* The last region that starts below @addr, or NULL. */
struct emm_region *emm_region_before(struct emm *m, uint64_t addr)
{
	struct emm_region *r, *prev = NULL;

	for (r = m->head; r && r->start < addr; r = r->next)
		prev = r;
	return prev;
}

/*
 * Make @addr a region boundary: a region that straddles it becomes two. The
 * head's bitmap is shrunk when it is more than twice what it needs, so that
 * splitting never leaves metadata sized for pages a region no longer has.
 */
int emm_region_split(struct emm *m, uint64_t addr)
{
	struct emm_region *r = emm_region_find(m, addr), *t;
	uint64_t k, n;

	if (!r || r->start == addr)
		return 0;
	t = emm_region_new(m, addr, r->end, r->kind, r->prot);
	if (!t)
		return -ENOMEM;
	t->batch = r->batch;
	k = (addr - r->start) >> EMM_PAGE_SHIFT;
	n = emm_region_pages(r);
	if (r->bits) {
		uint64_t i = k;

		t->ncommitted = emm_bits_or(t->bits, 0, r->bits, k, n - k);
		r->ncommitted -= t->ncommitted;
		while ((i = emm_bits_find(r->bits, i, n, 1)) < n)
			emm_bit_clr(r->bits, i++);
	}
	r->end = addr;
	if (r->bits && emm_bits_bytes(k) * 2 <= (64ULL << r->bits_class))
		(void)emm_bits_resize(m, r, k);	/* failure only wastes space */
	emm_region_link(m, r, t);
	return 0;
}

/*
 * Append @b to @a (adjacent, same kind and protection) and free @b. Only the
 * upper region's bits are copied and the lower's bitmap grows by classes,
 * so extending the break page by page costs amortized O(1) per page.
 */
int emm_region_merge(struct emm *m, struct emm_region *a, struct emm_region *b)
{
	uint64_t na = emm_region_pages(a), nb = emm_region_pages(b);

	if (a->bits && emm_bits_bytes(na + nb) > (64ULL << a->bits_class)) {
		/* grow to double the need, so repeated appends amortize */
		if (emm_bits_resize(m, a, (na + nb) * 2))
			return -ENOMEM;
	}
	if (a->bits)
		a->ncommitted += emm_bits_or(a->bits, na, b->bits, 0, nb);
	a->end = b->end;
	emm_region_free(m, b);
	return 0;
}

/* Bytes of USED regions inside [s, e). */
uint64_t emm_used_bytes(struct emm *m, uint64_t s, uint64_t e)
{
	struct emm_region *r;
	uint64_t n = 0;

	for (r = m->head; r && r->start < e; r = r->next)
		if (r->kind == EMM_REGION_USED && r->end > s)
			n += (r->end < e ? r->end : e) - (r->start > s ? r->start : s);
	return n;
}

/* Does [s, e) touch a LOST region? */
int emm_touches_lost(struct emm *m, uint64_t s, uint64_t e)
{
	struct emm_region *r;

	for (r = m->head; r && r->start < e; r = r->next)
		if (r->kind == EMM_REGION_LOST && r->end > s)
			return 1;
	return 0;
}

/* Is [s, e) entirely covered by USED regions? */
int emm_fully_mapped(struct emm *m, uint64_t s, uint64_t e)
{
	return emm_used_bytes(m, s, e) == e - s;
}

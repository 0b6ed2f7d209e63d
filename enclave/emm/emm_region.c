// SPDX-License-Identifier: MIT
/*
 * The EMM's data structure: the metadata allocator, commit bitmaps and the
 * sorted region list (split, merge, lookup). No policy and no ENCLU leaves
 * here except the EACCEPTs that commit the metadata area itself.
 *
 * Metadata allocator. Region nodes and bitmaps come from an area at the top
 * of the heap range that the EMM keeps for itself (so it needs no malloc:
 * malloc is built on the EMM). Blocks are power-of-two size classes from
 * 64 bytes, carved by a bump pointer and recycled through per-class free
 * lists; the area is committed (EDMM) page by page as the bump pointer
 * moves. Every block is zeroed when handed out: in SGX1 the area's initial
 * contents are the host's.
 */
#include <errno.h>

#include "enclave/emm/emm_internal.h"

static unsigned meta_class(uint64_t size)
{
	unsigned c = 0;

	while ((64ULL << c) < size)
		c++;
	return c;
}

/* EDMM: commit the metadata area up to @end. */
static int meta_commit(struct emm *m, uint64_t end)
{
	while (m->meta_committed_end < end) {
		if (m->mode == EMM_MODE_EDMM &&
		    emm_accept(m, m->meta_committed_end, EMM_SECINFO_AUG))
			return -ENOMEM;
		m->meta_committed_end += EMM_PAGE_SIZE;
		m->st.meta_committed += EMM_PAGE_SIZE;
	}
	return 0;
}

void *emm_meta_alloc(struct emm *m, uint64_t size, unsigned *class_out)
{
	unsigned c = meta_class(size);
	uint64_t sz = 64ULL << c;
	void *p;

	if (c >= EMM_META_CLASSES)
		return NULL;
	p = m->meta_free[c];
	if (p) {
		m->meta_free[c] = *(void **)p;
	} else {
		if (sz > m->meta_hi - m->meta_bump)
			return NULL;
		if (meta_commit(m, m->meta_bump + sz))
			return NULL;
		p = (void *)m->meta_bump;
		m->meta_bump += sz;
	}
	m->ops->zero(p, sz);
	m->st.meta += sz;
	if (class_out)
		*class_out = c;
	return p;
}

void emm_meta_free(struct emm *m, void *p, unsigned c)
{
	*(void **)p = m->meta_free[c];
	m->meta_free[c] = p;
	m->st.meta -= 64ULL << c;
}

/* ---- bitmaps -------------------------------------------------------------- */

/* The first index in [i, n) whose bit equals @set, or n. */
uint64_t emm_bits_find(const uint64_t *b, uint64_t i, uint64_t n, int set)
{
	while (i < n) {
		uint64_t w = b[i >> 6];

		if (!set)
			w = ~w;
		w >>= i & 63;
		if (w) {
			i += (uint64_t)__builtin_ctzll(w);
			return i < n ? i : n;
		}
		i = (i | 63) + 1;
	}
	return n;
}

/* OR @n bits of @src from @soff into @dst at @doff; returns the bits set. */
static uint64_t bits_or(uint64_t *dst, uint64_t doff, const uint64_t *src,
			uint64_t soff, uint64_t n)
{
	uint64_t i = soff, end = soff + n, count = 0;

	while ((i = emm_bits_find(src, i, end, 1)) < end) {
		emm_bit_set(dst, doff + (i - soff));
		count++;
		i++;
	}
	return count;
}

static uint64_t bits_bytes(uint64_t npages)
{
	return ((npages + 63) / 64) * 8;
}

/* Replace @r's bitmap by one of exactly the right class for @npages. */
static int bits_resize(struct emm *m, struct emm_region *r, uint64_t npages)
{
	uint64_t keep = emm_region_pages(r);
	unsigned c;
	uint64_t *nb = emm_meta_alloc(m, bits_bytes(npages), &c);

	if (!nb)
		return -ENOMEM;
	if (keep > npages)
		keep = npages;
	bits_or(nb, 0, r->bits, 0, keep);
	emm_meta_free(m, r->bits, r->bits_class);
	r->bits = nb;
	r->bits_class = (uint8_t)c;
	return 0;
}

/* ---- regions -------------------------------------------------------------- */

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
		r->bits = emm_meta_alloc(m, bits_bytes((end - start) >> EMM_PAGE_SHIFT), &c);
		if (!r->bits) {
			emm_meta_free(m, r, meta_class(sizeof(*r)));
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
	emm_meta_free(m, r, meta_class(sizeof(*r)));
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

		t->ncommitted = bits_or(t->bits, 0, r->bits, k, n - k);
		r->ncommitted -= t->ncommitted;
		while ((i = emm_bits_find(r->bits, i, n, 1)) < n)
			emm_bit_clr(r->bits, i++);
	}
	r->end = addr;
	if (r->bits && bits_bytes(k) * 2 <= (64ULL << r->bits_class))
		(void)bits_resize(m, r, k);	/* failure only wastes space */
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

	if (a->bits && bits_bytes(na + nb) > (64ULL << a->bits_class)) {
		/* grow to double the need, so repeated appends amortize */
		if (bits_resize(m, a, (na + nb) * 2))
			return -ENOMEM;
	}
	if (a->bits)
		a->ncommitted += bits_or(a->bits, na, b->bits, 0, nb);
	a->end = b->end;
	emm_region_free(m, b);
	return 0;
}

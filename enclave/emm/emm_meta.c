// SPDX-License-Identifier: MIT
/*
 * The EMM's metadata: the allocator of the area at the top of the heap range
 * that holds region nodes and commit bitmaps, and the bitmaps' operations.
 * No policy and no ENCLU leaves here except the EACCEPTs that commit the
 * metadata area itself.
 *
 * Region nodes and bitmaps come from an area the EMM keeps for itself (so it
 * needs no malloc: malloc is built on the EMM). Blocks are power-of-two size
 * classes from 64 bytes, carved by a bump pointer and recycled through
 * per-class free lists; the area is committed (EDMM) page by page as the
 * bump pointer moves. Every block is zeroed when handed out: in SGX1 the
 * area's initial contents are the host's.
 */
#include <errno.h>

#include "enclave/emm/emm_internal.h"

unsigned emm_meta_class(uint64_t size)
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
	unsigned c = emm_meta_class(size);
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
uint64_t emm_bits_or(uint64_t *dst, uint64_t doff, const uint64_t *src,
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

uint64_t emm_bits_bytes(uint64_t npages)
{
	return ((npages + 63) / 64) * 8;
}

/* Replace @r's bitmap by one of exactly the right class for @npages. */
int emm_bits_resize(struct emm *m, struct emm_region *r, uint64_t npages)
{
	uint64_t keep = emm_region_pages(r);
	unsigned c;
	uint64_t *nb = emm_meta_alloc(m, emm_bits_bytes(npages), &c);

	if (!nb)
		return -ENOMEM;
	if (keep > npages)
		keep = npages;
	emm_bits_or(nb, 0, r->bits, 0, keep);
	emm_meta_free(m, r->bits, r->bits_class);
	r->bits = nb;
	r->bits_class = (uint8_t)c;
	return 0;
}

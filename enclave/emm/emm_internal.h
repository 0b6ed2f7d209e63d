/* SPDX-License-Identifier: MIT */
/*
 * Shared by the EMM's own files (emm.c, emm_region.c); not part of the API.
 */
#ifndef ENCL_ENCLAVE_EMM_EMM_INTERNAL_H
#define ENCL_ENCLAVE_EMM_EMM_INTERNAL_H

#include "enclave/emm/emm.h"
#include "sgx/arch.h"

/* SECINFO of a page the kernel EAUGed: REG, RW, PENDING (SDM EAUG). */
#define EMM_SECINFO_AUG	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_PENDING)
#define EMM_PERM_RW	(SGX_SECINFO_R | SGX_SECINFO_W)

static inline uint64_t emm_region_pages(const struct emm_region *r)
{
	return (r->end - r->start) >> EMM_PAGE_SHIFT;
}

static inline int emm_bit_get(const uint64_t *b, uint64_t i)
{
	return (int)((b[i >> 6] >> (i & 63)) & 1);
}

static inline void emm_bit_set(uint64_t *b, uint64_t i)
{
	b[i >> 6] |= 1ULL << (i & 63);
}

static inline void emm_bit_clr(uint64_t *b, uint64_t i)
{
	b[i >> 6] &= ~(1ULL << (i & 63));
}

/* Is page @i of @r committed? Everything is, in SGX1. */
static inline int emm_committed(const struct emm_region *r, uint64_t i)
{
	return !r->bits || emm_bit_get(r->bits, i);
}

static inline int emm_accept(struct emm *m, uint64_t addr, uint64_t flags)
{
	m->st.eaccepts++;
	return m->ops->eaccept(addr, flags);
}

uint64_t emm_bits_find(const uint64_t *b, uint64_t i, uint64_t n, int set);

/* The next page index in [i, n) of @r that is (set) or is not committed. */
static inline uint64_t emm_next(const struct emm_region *r, uint64_t i, uint64_t n, int set)
{
	if (!r->bits)
		return set ? (i < n ? i : n) : n;
	return emm_bits_find(r->bits, i, n, set);
}

void *emm_meta_alloc(struct emm *m, uint64_t size, unsigned *class_out);
void emm_meta_free(struct emm *m, void *p, unsigned c);

struct emm_region *emm_region_new(struct emm *m, uint64_t start, uint64_t end,
				  unsigned kind, unsigned prot);
void emm_region_link(struct emm *m, struct emm_region *prev, struct emm_region *r);
void emm_region_free(struct emm *m, struct emm_region *r);
struct emm_region *emm_region_find(struct emm *m, uint64_t addr);
struct emm_region *emm_region_before(struct emm *m, uint64_t addr);
int emm_region_split(struct emm *m, uint64_t addr);
int emm_region_merge(struct emm *m, struct emm_region *a, struct emm_region *b);

#endif

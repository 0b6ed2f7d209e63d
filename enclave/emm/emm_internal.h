/* SPDX-License-Identifier: MIT */
/*
 * Shared by the EMM's own files (emm*.c, one job each: emm.c names them);
 * not part of the API.
 */
#ifndef ENCL_ENCLAVE_EMM_EMM_INTERNAL_H
#define ENCL_ENCLAVE_EMM_EMM_INTERNAL_H

#include "abi/boundary.h"
#include "enclave/emm/emm.h"
#include "enclave/emm/emm_msg.h"
#include "sgx/arch.h"

/* SECINFO of a page the kernel EAUGed: REG, RW, PENDING (SDM EAUG). */
#define EMM_SECINFO_AUG	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_PENDING)
#define EMM_PERM_RW	(SGX_SECINFO_R | SGX_SECINFO_W)

static inline uint64_t emm_pg_up(uint64_t a)
{
	return (a + EMM_PAGE_SIZE - 1) & ~(EMM_PAGE_SIZE - 1);
}

/*
 * The EPCM permissions for a protection: x86 pages have no write-only or
 * execute-only form, and SECINFO forbids W without R.
 */
static inline uint64_t emm_perms_of(unsigned prot)
{
	uint64_t p = prot & (EMM_PROT_READ | EMM_PROT_WRITE | EMM_PROT_EXEC);

	return p ? p | SGX_SECINFO_R : 0;
}

/* Can a page of this protection be committed by the fault handler? */
static inline int emm_lazy_prot(unsigned prot)
{
	uint64_t p = emm_perms_of(prot);

	return p == 0 || (p & EMM_PERM_RW) == EMM_PERM_RW;
}

static inline uint64_t emm_addr_of(const struct emm_region *r, uint64_t i)
{
	return r->start + (i << EMM_PAGE_SHIFT);
}

static inline long emm_host(struct emm *m, long nr, uint64_t addr, uint64_t len, uint64_t arg)
{
	m->st.ocalls++;
	return m->ops->ocall(nr, addr - m->base, len, arg);
}

/* Where the program is, for the start-up counters (emm_policy.c). */
#define EMM_PHASE_BEFORE_MAIN	0
#define EMM_PHASE_STARTUP	1	/* main began; see EMM_STARTUP_FAULTS */
#define EMM_PHASE_RUNNING	2

/*
 * The host's PTEs for pages of protection @prot: the EPCM permissions'
 * bits (equal to PROT_*), so that a PTE that is not PROT_NONE lets the
 * EMM's own leaves read the page (SDM: EACCEPT and EMODPE read their
 * target; an execute-only PTE would fault them).
 */
static inline long emm_protect(struct emm *m, uint64_t addr, uint64_t len, unsigned prot)
{
	return emm_host(m, ENCL_OCALL_PROTECT, addr, len, emm_perms_of(prot));
}

static inline uint64_t emm_self(const struct emm *m)
{
	return m->ops->self ? m->ops->self() : 1;
}

static inline void emm_lock(struct emm *m)
{
	while (__atomic_exchange_n(&m->lock, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&m->lock, __ATOMIC_RELAXED))
			__builtin_ia32_pause();
	m->owner = emm_self(m);
}

static inline void emm_unlock(struct emm *m)
{
	m->owner = 0;
	__atomic_store_n(&m->lock, 0, __ATOMIC_RELEASE);
}

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

/* emm_meta.c */
unsigned emm_meta_class(uint64_t size);
void *emm_meta_alloc(struct emm *m, uint64_t size, unsigned *class_out);
void emm_meta_free(struct emm *m, void *p, unsigned c);
uint64_t emm_bits_or(uint64_t *dst, uint64_t doff, const uint64_t *src, uint64_t soff, uint64_t n);
uint64_t emm_bits_bytes(uint64_t npages);
int emm_bits_resize(struct emm *m, struct emm_region *r, uint64_t npages);

/* emm_region.c */

struct emm_region *emm_region_new(struct emm *m, uint64_t start, uint64_t end,
				  unsigned kind, unsigned prot);
void emm_region_link(struct emm *m, struct emm_region *prev, struct emm_region *r);
void emm_region_free(struct emm *m, struct emm_region *r);
struct emm_region *emm_region_find(struct emm *m, uint64_t addr);
struct emm_region *emm_region_before(struct emm *m, uint64_t addr);
int emm_region_split(struct emm *m, uint64_t addr);
int emm_region_merge(struct emm *m, struct emm_region *a, struct emm_region *b);
uint64_t emm_used_bytes(struct emm *m, uint64_t s, uint64_t e);
int emm_touches_lost(struct emm *m, uint64_t s, uint64_t e);
int emm_fully_mapped(struct emm *m, uint64_t s, uint64_t e);

/* emm_commit.c; emm_commit_region and emm_change_region_perms may make ocalls */
int emm_commit_page(struct emm *m, struct emm_region *r, uint64_t i);
int emm_change_region_perms(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j,
			    uint64_t from, uint64_t to);
int emm_commit_region(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j);
uint64_t emm_trim_region(struct emm *m, struct emm_region *r, uint64_t i, uint64_t j,
			 uint64_t budget);
uint64_t emm_trim_pending_locked(struct emm *m);

/* emm_policy.c */
void emm_note_use(struct emm *m);
void emm_note_mapped(struct emm *m, uint64_t len);
void emm_note_release(struct emm *m);
void emm_note_fault(struct emm *m);
uint64_t emm_trim_target(const struct emm *m);

/* emm_map.c */
int emm_map_range(struct emm *m, uint64_t s, uint64_t e, unsigned prot);
int emm_unmap_range(struct emm *m, uint64_t s, uint64_t e);
uint64_t emm_place(struct emm *m, uint64_t hint, uint64_t len);

#endif

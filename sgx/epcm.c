// SPDX-License-Identifier: MIT
/*
 * The EPCM and the SDM's rules for the leaves that read or change it
 * (SDM Vol. 3D ch. 38-40: EADD, EAUG, EMODPR, EMODT, EREMOVE, EACCEPT,
 * EACCEPTCOPY, EMODPE), checked in the order the SDM's pseudocode checks
 * them, so that when several things are wrong the same one is reported.
 *
 * What a simulated EPCM cannot have is left out: BLOCKED (no EWB), the
 * concurrency checks (the caller serializes), ENCLAVESECS (one table per
 * enclave) and tracking (ETRACK is implicit: SGX_NOT_TRACKED never occurs).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sgx/epcm.h"

#define LEAF_SHIFT	9			/* 512 entries: 2 MiB of ELRANGE */
#define LEAF_ENTRIES	(1U << LEAF_SHIFT)

struct epcm_leaf {
	epcm_entry_t e[LEAF_ENTRIES];
	uint32_t nvalid;			/* freed when it drops to zero */
};

struct epcm {
	uint64_t base, size;
	uint64_t attributes;			/* SECS.ATTRIBUTES.FLAGS */
	int initialized;			/* SECS.ATTRIBUTES.INIT */
	uint64_t nvalid;
	uint64_t nleaves, leaves_used;
	struct epcm_leaf **dir;
};

/* #PF error codes of enclave accesses: always user mode. */
#define PF_NOT_PRESENT(wr)	(X86_PF_USER | (wr))
#define PF_EPCM(wr)		(X86_PF_USER | X86_PF_PROT | X86_PF_SGX | (wr))

struct epcm *epcm_new(uint64_t base, uint64_t size, uint64_t attributes)
{
	struct epcm *c;

	if ((base | size) & (SGX_PAGE_SIZE - 1) || !size || base + size < base)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->base = base;
	c->size = size;
	c->attributes = attributes;
	c->nleaves = ((size >> SGX_PAGE_SHIFT) + LEAF_ENTRIES - 1) >> LEAF_SHIFT;
	c->dir = calloc(c->nleaves, sizeof(*c->dir));
	if (!c->dir) {
		free(c);
		return NULL;
	}
	return c;
}

void epcm_free(struct epcm *c)
{
	if (!c)
		return;
	for (uint64_t i = 0; i < c->nleaves; i++)
		free(c->dir[i]);
	free(c->dir);
	free(c);
}

void epcm_set_initialized(struct epcm *c)
{
	c->initialized = 1;
}

uint64_t epcm_count(const struct epcm *c)
{
	return c->nvalid;
}

size_t epcm_overhead(const struct epcm *c)
{
	return sizeof(*c) + c->nleaves * sizeof(*c->dir) +
	       c->leaves_used * sizeof(struct epcm_leaf);
}

static int in_elrange(const struct epcm *c, uint64_t addr)
{
	return addr >= c->base && addr - c->base < c->size;
}

/* The slot for @addr, allocating its leaf when @create; NULL if none. */
static epcm_entry_t *slot(const struct epcm *c, uint64_t addr, int create)
{
	uint64_t page = (addr - c->base) >> SGX_PAGE_SHIFT;
	struct epcm_leaf **leaf = &c->dir[page >> LEAF_SHIFT];

	if (!*leaf) {
		if (!create)
			return NULL;
		*leaf = calloc(1, sizeof(**leaf));
		if (!*leaf)
			return NULL;
		((struct epcm *)c)->leaves_used++;
	}
	return &(*leaf)->e[page & (LEAF_ENTRIES - 1)];
}

epcm_entry_t epcm_get(const struct epcm *c, uint64_t addr)
{
	epcm_entry_t *e;

	if (!in_elrange(c, addr))
		return 0;
	e = slot(c, addr, 0);
	return e ? *e : 0;
}

uint64_t epcm_next_valid(const struct epcm *c, uint64_t addr, uint64_t end)
{
	uint64_t page;

	if (end > c->base + c->size)
		end = c->base + c->size;
	addr &= ~(uint64_t)(SGX_PAGE_SIZE - 1);
	if (addr < c->base)
		addr = c->base;
	while (addr < end) {
		page = (addr - c->base) >> SGX_PAGE_SHIFT;
		const struct epcm_leaf *l = c->dir[page >> LEAF_SHIFT];

		if (!l) {
			/* A leaf that was never allocated (or was freed) holds nothing. */
			addr = c->base + (((page >> LEAF_SHIFT) + 1) << (LEAF_SHIFT + SGX_PAGE_SHIFT));
			continue;
		}
		if (l->e[page & (LEAF_ENTRIES - 1)] & EPCM_VALID)
			return addr;
		addr += SGX_PAGE_SIZE;
	}
	return end;
}

/* Make the entry for @addr valid with @value; -1 when out of memory. */
static int entry_set_valid(struct epcm *c, uint64_t addr, epcm_entry_t value)
{
	uint64_t page = (addr - c->base) >> SGX_PAGE_SHIFT;
	epcm_entry_t *e = slot(c, addr, 1);

	if (!e)
		return -1;
	if (!(*e & EPCM_VALID)) {
		c->dir[page >> LEAF_SHIFT]->nvalid++;
		c->nvalid++;
	}
	*e = value | EPCM_VALID;
	return 0;
}

static void entry_invalidate(struct epcm *c, uint64_t addr)
{
	uint64_t page = (addr - c->base) >> SGX_PAGE_SHIFT;
	struct epcm_leaf **leaf = &c->dir[page >> LEAF_SHIFT];
	epcm_entry_t *e = slot(c, addr, 0);

	if (!e || !(*e & EPCM_VALID))
		return;
	*e = 0;
	c->nvalid--;
	if (--(*leaf)->nvalid == 0) {
		free(*leaf);
		*leaf = NULL;
		c->leaves_used--;
	}
}

/*
 * An entry through which the enclave may use the page: valid, PT_REG, not
 * PENDING or MODIFIED (SDM 36.5: the EPCM checks of every enclave access).
 * PR does not block access: the reduced permissions apply at once.
 */
static int entry_usable(epcm_entry_t e)
{
	return (e & EPCM_VALID) && epcm_entry_pt(e) == SGX_PT_REG &&
	       !(e & (SGX_SECINFO_PENDING | SGX_SECINFO_MODIFIED));
}

unsigned epcm_usable_perms(const struct epcm *c, uint64_t addr)
{
	epcm_entry_t e = epcm_get(c, addr);

	return entry_usable(e) ? epcm_entry_perms(e) : 0;
}

static uint32_t pf_access_bits(unsigned access)
{
	return (access & EPCM_ACCESS_W ? X86_PF_WRITE : 0) |
	       (access & EPCM_ACCESS_X ? X86_PF_INSTR : 0);
}

int epcm_access(const struct epcm *c, uint64_t addr, unsigned access, uint32_t *pf_errcode)
{
	epcm_entry_t e = epcm_get(c, addr);
	uint32_t bits = pf_access_bits(access);
	uint32_t code;

	if (!(e & EPCM_VALID))
		code = PF_NOT_PRESENT(bits);	/* no EPC page behind the PTE */
	else if (!entry_usable(e) || (access & ~epcm_entry_perms(e)))
		code = PF_EPCM(bits);		/* EPCM-induced #PF */
	else
		return 0;
	if (pf_errcode)
		*pf_errcode = code;
	return EPCM_FAULT_PF;
}

/* A #PF at the target page of an ENCLS/ENCLU leaf (a read-write operand). */
static int leaf_pf(epcm_entry_t e, uint32_t *pf_errcode)
{
	if (pf_errcode)
		*pf_errcode = (e & EPCM_VALID) ? PF_EPCM(X86_PF_WRITE)
					       : PF_NOT_PRESENT(X86_PF_WRITE);
	return EPCM_FAULT_PF;
}

int epcm_secinfo_reserved(const struct sgx_secinfo *si)
{
	static const uint8_t zero[sizeof(si->reserved)];

	return (si->flags & SGX_SECINFO_RESERVED_MASK) ||
	       memcmp(si->reserved, zero, sizeof(zero)) != 0;
}

/* The target must be a page-aligned address inside ELRANGE, else #GP(0). */
static int target_ok(const struct epcm *c, uint64_t addr)
{
	return !(addr & (SGX_PAGE_SIZE - 1)) && in_elrange(c, addr);
}

int epcm_tcs_check(const struct epcm *c, const struct sgx_tcs *tcs, int eaccept)
{
	static const uint8_t zero[sizeof(tcs->reserved)];

	/* TCS.FLAGS bits other than DBGOPTIN, and the reserved area. */
	if ((tcs->flags & ~SGX_TCS_DBGOPTIN) ||
	    memcmp(tcs->reserved, zero, sizeof(zero)) != 0)
		return EPCM_FAULT_GP;
	if (!(c->attributes & SGX_ATTR_MODE64BIT) &&
	    ((tcs->fslimit & 0xfff) != 0xfff || (tcs->gslimit & 0xfff) != 0xfff))
		return EPCM_FAULT_GP;
	/* EACCEPT sees a page the enclave wrote, so it checks what EADD forces. */
	if (eaccept && ((tcs->flags & SGX_TCS_DBGOPTIN) || tcs->cssa >= tcs->nssa ||
			tcs->aep || tcs->state))
		return EPCM_FAULT_GP;
	return 0;
}

/* SDM EADD */
int epcm_eadd(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo, void *page)
{
	uint64_t flags = secinfo->flags;
	unsigned pt = sgx_secinfo_pt(flags);
	struct sgx_tcs *tcs = page;
	int r;

	if (!target_ok(c, addr))
		return EPCM_FAULT_GP;
	/* EADD ignores PENDING/MODIFIED/PR (the EPCM entry starts clean); the
	 * driver refuses them earlier (sgx_secinfo_check_eadd). */
	if (epcm_secinfo_reserved(secinfo) || (pt != SGX_PT_REG && pt != SGX_PT_TCS))
		return EPCM_FAULT_GP;
	if (epcm_get(c, addr) & EPCM_VALID)
		return EPCM_FAULT_PF;	/* the EPC page is in use */
	if (pt == SGX_PT_TCS) {
		r = epcm_tcs_check(c, tcs, 0);
		if (r)
			return r;
	} else if ((flags & SGX_SECINFO_W) && !(flags & SGX_SECINFO_R)) {
		return EPCM_FAULT_GP;
	}
	if (c->initialized)
		return EPCM_FAULT_GP;
	if (pt == SGX_PT_TCS) {
		/* A TCS gets no permissions and starts idle, whatever was copied. */
		flags &= ~SGX_SECINFO_PERM_MASK;
		tcs->flags &= ~SGX_TCS_DBGOPTIN;
		tcs->cssa = 0;
		tcs->aep = 0;
		tcs->state = 0;
	}
	if (entry_set_valid(c, addr, flags & (SGX_SECINFO_PT_MASK | SGX_SECINFO_PERM_MASK)))
		return EPCM_FAULT_GP;	/* out of memory: the caller reports it */
	return SGX_SUCCESS;
}

/* SDM EAUG: PAGEINFO.SECINFO = 0, so always a pending RW regular page. */
int epcm_eaug(struct epcm *c, uint64_t addr)
{
	if (addr & (SGX_PAGE_SIZE - 1))
		return EPCM_FAULT_GP;
	if (epcm_get(c, addr) & EPCM_VALID)
		return EPCM_FAULT_PF;
	if (!c->initialized || !in_elrange(c, addr))
		return EPCM_FAULT_GP;
	if (entry_set_valid(c, addr, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W |
				     SGX_SECINFO_PENDING))
		return EPCM_FAULT_GP;
	return SGX_SUCCESS;
}

/* SDM EMODPR */
int epcm_emodpr(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo)
{
	uint64_t flags = secinfo->flags;
	epcm_entry_t *slotp, e;

	if (!target_ok(c, addr))
		return EPCM_FAULT_GP;
	e = epcm_get(c, addr);
	if (!(e & EPCM_VALID))
		return EPCM_FAULT_PF;
	if (epcm_secinfo_reserved(secinfo) ||
	    ((flags & SGX_SECINFO_W) && !(flags & SGX_SECINFO_R)))
		return EPCM_FAULT_GP;
	if (e & (SGX_SECINFO_PENDING | SGX_SECINFO_MODIFIED))
		return SGX_PAGE_NOT_MODIFIABLE;
	if (epcm_entry_pt(e) != SGX_PT_REG)
		return EPCM_FAULT_PF;
	if (!c->initialized)
		return EPCM_FAULT_GP;
	/* The new permissions are a mask: EMODPR can only take rights away. */
	slotp = slot(c, addr, 0);
	*slotp = (e & ~SGX_SECINFO_PERM_MASK) | SGX_SECINFO_PR |
		 (e & flags & SGX_SECINFO_PERM_MASK);
	return SGX_SUCCESS;
}

/* SDM EMODT */
int epcm_emodt(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo)
{
	unsigned pt = sgx_secinfo_pt(secinfo->flags), old;
	epcm_entry_t *slotp, e;

	if (!target_ok(c, addr))
		return EPCM_FAULT_GP;
	e = epcm_get(c, addr);
	if (!(e & EPCM_VALID))
		return EPCM_FAULT_PF;	/* no EPC page behind the address */
	if (epcm_secinfo_reserved(secinfo) || (pt != SGX_PT_TCS && pt != SGX_PT_TRIM))
		return EPCM_FAULT_GP;
	old = epcm_entry_pt(e);
	if (!(old == SGX_PT_REG || (old == SGX_PT_TCS && pt == SGX_PT_TRIM)))
		return EPCM_FAULT_PF;
	if (e & (SGX_SECINFO_PENDING | SGX_SECINFO_MODIFIED))
		return SGX_PAGE_NOT_MODIFIABLE;
	if (!c->initialized)
		return EPCM_FAULT_GP;
	/* Unusable at its new type until the enclave EACCEPTs the change. */
	slotp = slot(c, addr, 0);
	*slotp = EPCM_VALID | SGX_SECINFO_MODIFIED | ((epcm_entry_t)pt << SGX_SECINFO_PT_SHIFT);
	return SGX_SUCCESS;
}

/* SDM EREMOVE: an invalid entry is not an error; SECS pages are not here. */
int epcm_eremove(struct epcm *c, uint64_t addr)
{
	if (!target_ok(c, addr))
		return EPCM_FAULT_GP;
	entry_invalidate(c, addr);
	return SGX_SUCCESS;
}

/*
 * SDM EACCEPT: the legal requests are REG with PENDING or PR (not
 * MODIFIED), and TCS or TRIM with MODIFIED alone. PR is not compared with
 * the entry: the check that the restriction reached every thread is
 * ETRACK's, which the simulator performs implicitly.
 */
int epcm_eaccept(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo,
		 const void *page, uint32_t *pf_errcode)
{
	const uint64_t cmp = SGX_SECINFO_PT_MASK | SGX_SECINFO_PERM_MASK |
			     SGX_SECINFO_PENDING | SGX_SECINFO_MODIFIED;
	uint64_t flags = secinfo->flags;
	unsigned pt = sgx_secinfo_pt(flags), ept;
	epcm_entry_t *slotp, e;
	int legal, r;

	if (epcm_secinfo_reserved(secinfo) || !target_ok(c, addr))
		return EPCM_FAULT_GP;
	e = epcm_get(c, addr);
	if (!(e & EPCM_VALID))
		return leaf_pf(e, pf_errcode);	/* the kernel may EAUG it */
	if (pt == SGX_PT_REG)
		legal = (flags & (SGX_SECINFO_PR | SGX_SECINFO_PENDING)) &&
			!(flags & SGX_SECINFO_MODIFIED);
	else if (pt == SGX_PT_TCS || pt == SGX_PT_TRIM)
		legal = (flags & EPCM_STATE_MASK) == SGX_SECINFO_MODIFIED;
	else
		legal = 0;
	if (!legal)
		return EPCM_FAULT_GP;
	ept = epcm_entry_pt(e);
	if (ept != SGX_PT_REG && ept != SGX_PT_TCS && ept != SGX_PT_TRIM)
		return leaf_pf(e, pf_errcode);
	if ((e & cmp) != (flags & cmp))
		return SGX_PAGE_ATTRIBUTES_MISMATCH;
	if (pt == SGX_PT_TCS) {
		r = page ? epcm_tcs_check(c, page, 1) : EPCM_FAULT_GP;
		if (r)
			return r;
	}
	slotp = slot(c, addr, 0);
	*slotp = e & ~EPCM_STATE_MASK;
	return SGX_SUCCESS;
}

/* SDM EACCEPTCOPY */
int epcm_eacceptcopy(struct epcm *c, uint64_t addr, uint64_t src_addr,
		     const struct sgx_secinfo *secinfo, uint32_t *pf_errcode)
{
	uint64_t flags = secinfo->flags;
	epcm_entry_t *slotp, e;

	if (!target_ok(c, addr) || !target_ok(c, src_addr))
		return EPCM_FAULT_GP;
	e = epcm_get(c, addr);
	if (!(e & EPCM_VALID))
		return leaf_pf(e, pf_errcode);
	if (epcm_secinfo_reserved(secinfo) ||
	    ((flags & SGX_SECINFO_W) && !(flags & SGX_SECINFO_R)) ||
	    sgx_secinfo_pt(flags) != SGX_PT_REG)
		return EPCM_FAULT_GP;
	/* The source must be an accepted regular page the enclave can read. */
	if (epcm_access(c, src_addr, EPCM_ACCESS_R, pf_errcode))
		return EPCM_FAULT_PF;	/* at src_addr */
	if (epcm_entry_pt(e) != SGX_PT_REG || !(e & SGX_SECINFO_PENDING) ||
	    (e & SGX_SECINFO_MODIFIED) ||
	    epcm_entry_perms(e) != (SGX_SECINFO_R | SGX_SECINFO_W))
		return SGX_PAGE_ATTRIBUTES_MISMATCH;
	slotp = slot(c, addr, 0);
	*slotp = (e & ~(SGX_SECINFO_PERM_MASK | SGX_SECINFO_PENDING)) |
		 (flags & SGX_SECINFO_PERM_MASK);
	return SGX_SUCCESS;
}

/* SDM EMODPE: no error codes, every failure is a fault. */
int epcm_emodpe(struct epcm *c, uint64_t addr, const struct sgx_secinfo *secinfo,
		uint32_t *pf_errcode)
{
	uint64_t flags = secinfo->flags;
	epcm_entry_t *slotp, e;

	if (!target_ok(c, addr))
		return EPCM_FAULT_GP;
	if (epcm_secinfo_reserved(secinfo))
		return EPCM_FAULT_GP;
	e = epcm_get(c, addr);
	if (!(e & EPCM_VALID) || !entry_usable(e))
		return leaf_pf(e, pf_errcode);
	if (!(e & SGX_SECINFO_R) && !(flags & SGX_SECINFO_R) && (flags & SGX_SECINFO_W))
		return EPCM_FAULT_GP;
	slotp = slot(c, addr, 0);
	*slotp = e | (flags & SGX_SECINFO_PERM_MASK);
	return SGX_SUCCESS;
}

/* ---- the Linux driver's rules (arch/x86/kernel/cpu/sgx/ioctl.c) ---- */

/* An ENCLS fault the driver cannot expect, or an SGX error code: -EFAULT. */
static int ioc_leaf_result(int r, uint64_t *sgx_result)
{
	if (r == SGX_SUCCESS)
		return 0;
	if (r > 0 && sgx_result)
		*sgx_result = (uint64_t)r;
	return -EFAULT;
}

/* SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, one page. */
int epcm_ioc_restrict(struct epcm *c, uint64_t addr, uint64_t perms, uint64_t *sgx_result)
{
	struct sgx_secinfo si = { .flags = perms & SGX_SECINFO_PERM_MASK };
	epcm_entry_t e = epcm_get(c, addr);

	if (!(e & EPCM_VALID))
		return -EFAULT;		/* sgx_encl_load_page() found nothing */
	if (epcm_entry_pt(e) != SGX_PT_REG)
		return -EINVAL;		/* only regular pages: EMODPR would #PF */
	return ioc_leaf_result(epcm_emodpr(c, addr, &si), sgx_result);
}

/* SGX_IOC_ENCLAVE_MODIFY_TYPES, one page. */
int epcm_ioc_modify_type(struct epcm *c, uint64_t addr, unsigned page_type,
			 uint64_t *sgx_result)
{
	struct sgx_secinfo si = { .flags = (uint64_t)page_type << SGX_SECINFO_PT_SHIFT };
	epcm_entry_t e = epcm_get(c, addr);
	unsigned old;

	if (page_type != SGX_PT_TCS && page_type != SGX_PT_TRIM)
		return -EINVAL;
	if (!(e & EPCM_VALID))
		return -EFAULT;
	old = epcm_entry_pt(e);
	if (!(old == SGX_PT_REG || (old == SGX_PT_TCS && page_type == SGX_PT_TRIM)))
		return -EINVAL;
	return ioc_leaf_result(epcm_emodt(c, addr, &si), sgx_result);
}

/* SGX_IOC_ENCLAVE_REMOVE_PAGES, one page. */
int epcm_ioc_remove(struct epcm *c, uint64_t addr)
{
	struct sgx_secinfo rwx = { .flags = SGX_SECINFO_PERM_MASK };
	epcm_entry_t e = epcm_get(c, addr);

	if (!(e & EPCM_VALID))
		return -EFAULT;
	if (epcm_entry_pt(e) != SGX_PT_TRIM)
		return -EPERM;
	/*
	 * The driver's probe for "EACCEPTed": EMODPR (which changes nothing on
	 * a trimmed page) returns SGX_PAGE_NOT_MODIFIABLE while MODIFIED is
	 * still set and #PFs (not PT_REG) once the enclave accepted the trim.
	 */
	if (epcm_emodpr(c, addr, &rwx) != EPCM_FAULT_PF)
		return -EPERM;
	return epcm_eremove(c, addr) == SGX_SUCCESS ? 0 : -EFAULT;
}

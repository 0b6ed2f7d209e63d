// SPDX-License-Identifier: MIT
/*
 * The EPCM rules alone (sgx/epcm.c): each leaf's SDM checks and the
 * selftest-style page life cycles (augment, tcs_create, epcm_permissions,
 * tcs_permissions, remove_*) at the leaf level, without an enclave.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "tests/harness.h"
#include "sgx/epcm.h"

#define BASE	0x7f0000000000ULL
#define SIZE	(64ULL << 30)			/* a 64 GiB ELRANGE */
#define PG(n)	(BASE + (uint64_t)(n) * SGX_PAGE_SIZE)

#define REG_R	(SGX_SECINFO_REG | SGX_SECINFO_R)
#define REG_RW	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)
#define REG_RX	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X)

static struct sgx_secinfo si(uint64_t flags)
{
	struct sgx_secinfo s;

	memset(&s, 0, sizeof(s));
	s.flags = flags;
	return s;
}

static uint8_t page[4096] __attribute__((aligned(4096)));

static struct sgx_tcs *tcs_page(void)
{
	struct sgx_tcs *t = (struct sgx_tcs *)page;

	memset(page, 0, sizeof(page));
	t->ossa = 0x3000;
	t->nssa = 1;
	t->oentry = 0x1000;
	t->fslimit = t->gslimit = 0xfff;
	return t;
}

static struct epcm *initialized(void)
{
	struct epcm *c = epcm_new(BASE, SIZE, SGX_ATTR_MODE64BIT);

	CHECK(c != NULL);
	epcm_set_initialized(c);
	return c;
}

/* EAUG then EACCEPT(REG|RW|PENDING): an ordinary committed heap page. */
static void commit(struct epcm *c, uint64_t addr)
{
	struct sgx_secinfo s = si(REG_RW | SGX_SECINFO_PENDING);

	CHECK_EQ_INT(epcm_eaug(c, addr), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_eaccept(c, addr, &s, NULL, NULL), SGX_SUCCESS);
}

static void test_sparse_storage(void)
{
	struct epcm *c = initialized();
	size_t empty = epcm_overhead(c);

	/* 64 GiB: one pointer per 2 MiB, no leaf yet. */
	CHECK(empty < 300 * 1024);
	commit(c, PG(0));
	commit(c, PG(1));
	commit(c, BASE + SIZE - SGX_PAGE_SIZE);
	CHECK_EQ_INT(epcm_count(c), 3);
	CHECK(epcm_overhead(c) - empty <= 2 * 1100);	/* two 1 KiB leaves */
	CHECK_EQ_INT(epcm_eremove(c, PG(0)), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_eremove(c, PG(1)), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_eremove(c, BASE + SIZE - SGX_PAGE_SIZE), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_count(c), 0);
	CHECK_EQ_INT(epcm_overhead(c), empty);		/* leaves freed */
	CHECK_EQ_INT(epcm_get(c, BASE + SIZE), 0);	/* outside: no entry */
	CHECK(epcm_new(BASE + 1, SIZE, 0) == NULL);
	epcm_free(c);
}

static void test_eadd(void)
{
	struct epcm *c = epcm_new(BASE, 0x10000, SGX_ATTR_MODE64BIT);
	struct sgx_secinfo rw = si(REG_RW), tcs = si(SGX_SECINFO_TCS);
	struct sgx_secinfo bad;
	struct sgx_tcs *t;

	CHECK_EQ_INT(epcm_eadd(c, PG(1), &rw, page), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(c, PG(1)), EPCM_VALID | REG_RW);
	CHECK_EQ_INT(epcm_eadd(c, PG(1), &rw, page), EPCM_FAULT_PF);	/* in use */
	CHECK_EQ_INT(epcm_eadd(c, PG(2) + 8, &rw, page), EPCM_FAULT_GP);	/* alignment */
	CHECK_EQ_INT(epcm_eadd(c, BASE + 0x10000, &rw, page), EPCM_FAULT_GP); /* ELRANGE */
	bad = si(SGX_SECINFO_REG | SGX_SECINFO_W);
	CHECK_EQ_INT(epcm_eadd(c, PG(2), &bad, page), EPCM_FAULT_GP);	/* W without R */
	bad = si(SGX_SECINFO_TRIM);
	CHECK_EQ_INT(epcm_eadd(c, PG(2), &bad, page), EPCM_FAULT_GP);
	bad = si(REG_RW | 0x80);
	CHECK_EQ_INT(epcm_eadd(c, PG(2), &bad, page), EPCM_FAULT_GP);	/* reserved bit */
	bad = si(REG_RW);
	bad.reserved[3] = 1;
	CHECK_EQ_INT(epcm_eadd(c, PG(2), &bad, page), EPCM_FAULT_GP);	/* reserved byte */

	/* A TCS: permissions forced off, CPU-owned fields cleared. */
	t = tcs_page();
	t->cssa = 5;
	t->aep = 0x1234;
	tcs.flags |= SGX_SECINFO_R;
	CHECK_EQ_INT(epcm_eadd(c, PG(0), &tcs, page), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(c, PG(0)), EPCM_VALID | SGX_SECINFO_TCS);
	CHECK_EQ_INT(t->cssa, 0);
	CHECK_EQ_INT(t->aep, 0);
	t = tcs_page();
	t->reserved[100] = 1;
	CHECK_EQ_INT(epcm_eadd(c, PG(3), &tcs, page), EPCM_FAULT_GP);

	epcm_set_initialized(c);
	CHECK_EQ_INT(epcm_eadd(c, PG(4), &rw, page), EPCM_FAULT_GP);	/* after EINIT */
	epcm_free(c);
}

/*
 * FSLIMIT and GSLIMIT: EADD and EACCEPT of a TCS require their low 12 bits
 * set only when SECS.ATTRIBUTES.MODE64BIT is 0 (SDM EADD, EACCEPT); a
 * 64-bit enclave's TCS may leave them 0.
 */
static void test_tcs_limits(void)
{
	struct sgx_secinfo tcs = si(SGX_SECINFO_TCS), emodt = si(SGX_SECINFO_TCS);
	struct sgx_secinfo acc = si(SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED);
	struct epcm *c64 = epcm_new(BASE, 0x10000, SGX_ATTR_MODE64BIT);
	struct epcm *c32 = epcm_new(BASE, 0x10000, 0);
	struct sgx_tcs *t;

	t = tcs_page();
	t->fslimit = t->gslimit = 0;
	CHECK_EQ_INT(epcm_eadd(c64, PG(0), &tcs, page), SGX_SUCCESS);
	t = tcs_page();
	t->fslimit = t->gslimit = 0;
	CHECK_EQ_INT(epcm_eadd(c32, PG(0), &tcs, page), EPCM_FAULT_GP);
	t = tcs_page();
	t->fslimit = 0x1fff;		/* only the low 12 bits matter */
	t->gslimit = 0;
	CHECK_EQ_INT(epcm_eadd(c32, PG(0), &tcs, page), EPCM_FAULT_GP);
	t->gslimit = 0xffffffff;
	CHECK_EQ_INT(epcm_eadd(c32, PG(0), &tcs, page), SGX_SUCCESS);

	/* The same rule for a TCS made at run time. */
	epcm_set_initialized(c64);
	epcm_set_initialized(c32);
	commit(c64, PG(1));
	commit(c32, PG(1));
	CHECK_EQ_INT(epcm_emodt(c64, PG(1), &emodt), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_emodt(c32, PG(1), &emodt), SGX_SUCCESS);
	t = tcs_page();
	t->fslimit = t->gslimit = 0;
	CHECK_EQ_INT(epcm_eaccept(c32, PG(1), &acc, page, NULL), EPCM_FAULT_GP);
	CHECK_EQ_INT(epcm_eaccept(c64, PG(1), &acc, page, NULL), SGX_SUCCESS);
	epcm_free(c64);
	epcm_free(c32);
}

/* Selftest "augment": not-present #PF, EAUG, EPCM #PF, EACCEPT, access. */
static void test_augment(void)
{
	struct epcm *c = epcm_new(BASE, SIZE, SGX_ATTR_MODE64BIT);
	struct sgx_secinfo acc = si(REG_RW | SGX_SECINFO_PENDING);
	uint32_t err = 0;

	CHECK_EQ_INT(epcm_access(c, PG(10), EPCM_ACCESS_R, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err, X86_PF_USER);				/* not present */
	CHECK_EQ_INT(epcm_eaug(c, PG(10)), EPCM_FAULT_GP);	/* before EINIT */
	epcm_set_initialized(c);
	CHECK_EQ_INT(epcm_eaug(c, PG(10)), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_eaug(c, PG(10)), EPCM_FAULT_PF);	/* already valid */
	CHECK_EQ_INT(epcm_get(c, PG(10)), EPCM_VALID | REG_RW | SGX_SECINFO_PENDING);
	CHECK_EQ_INT(epcm_usable_perms(c, PG(10)), 0);
	CHECK_EQ_INT(epcm_access(c, PG(10), EPCM_ACCESS_W, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_WRITE | X86_PF_PROT | X86_PF_SGX);
	CHECK_EQ_INT(epcm_eaccept(c, PG(10), &acc, NULL, &err), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_access(c, PG(10), EPCM_ACCESS_R | EPCM_ACCESS_W, &err), 0);
	CHECK_EQ_INT(epcm_usable_perms(c, PG(10)), 3);
	CHECK_EQ_INT(epcm_access(c, PG(10), EPCM_ACCESS_X, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_INSTR | X86_PF_PROT | X86_PF_SGX);
	epcm_free(c);
}

/* Selftest "augment_via_eaccept": EACCEPT first faults not-present. */
static void test_augment_via_eaccept(void)
{
	struct epcm *c = initialized();
	struct sgx_secinfo acc = si(REG_RW | SGX_SECINFO_PENDING);
	uint32_t err = 0;

	CHECK_EQ_INT(epcm_eaccept(c, PG(7), &acc, NULL, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err & (X86_PF_PROT | X86_PF_SGX), 0);
	CHECK_EQ_INT(epcm_eaug(c, PG(7)), SGX_SUCCESS);		/* the kernel's fault handler */
	CHECK_EQ_INT(epcm_eaccept(c, PG(7), &acc, NULL, &err), SGX_SUCCESS);
	epcm_free(c);
}

static void test_eaccept_rules(void)
{
	struct epcm *c = initialized();
	struct sgx_secinfo s;

	CHECK_EQ_INT(epcm_eaug(c, PG(1)), SGX_SUCCESS);
	s = si(REG_R | SGX_SECINFO_PENDING);			/* wrong permissions */
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), SGX_PAGE_ATTRIBUTES_MISMATCH);
	s = si(REG_RW | SGX_SECINFO_PR);			/* wrong state */
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), SGX_PAGE_ATTRIBUTES_MISMATCH);
	s = si(SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED);	/* wrong type */
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), SGX_PAGE_ATTRIBUTES_MISMATCH);
	s = si(REG_RW);						/* nothing to accept: illegal */
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), EPCM_FAULT_GP);
	s = si(REG_RW | SGX_SECINFO_PENDING | SGX_SECINFO_MODIFIED);
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), EPCM_FAULT_GP);
	s = si(SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED | SGX_SECINFO_PENDING);
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), EPCM_FAULT_GP);
	s = si(REG_RW | SGX_SECINFO_PENDING);
	CHECK_EQ_INT(epcm_eaccept(c, PG(1) + 64, &s, NULL, NULL), EPCM_FAULT_GP);
	CHECK_EQ_INT(epcm_eaccept(c, BASE - SGX_PAGE_SIZE, &s, NULL, NULL), EPCM_FAULT_GP);
	s.reserved[0] = 1;
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), EPCM_FAULT_GP);
	s = si(REG_RW | SGX_SECINFO_PENDING);
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), SGX_SUCCESS);
	/* Accepting twice: the page is no longer PENDING. */
	CHECK_EQ_INT(epcm_eaccept(c, PG(1), &s, NULL, NULL), SGX_PAGE_ATTRIBUTES_MISMATCH);
	epcm_free(c);
}

/* Selftest "tcs_create": EAUG, EMODT(TCS), EACCEPT(TCS|MODIFIED), trim. */
static void test_tcs_create(void)
{
	struct epcm *c = initialized();
	struct sgx_secinfo tcs = si(SGX_SECINFO_TCS), trim = si(SGX_SECINFO_TRIM);
	struct sgx_secinfo acc = si(SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED);
	struct sgx_secinfo acc_trim = si(SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED);
	struct sgx_tcs *t;
	uint32_t err;

	commit(c, PG(3));
	t = tcs_page();		/* the enclave writes the TCS while it is REG */
	CHECK_EQ_INT(epcm_emodt(c, PG(3), &tcs), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(c, PG(3)), EPCM_VALID | SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED);
	CHECK_EQ_INT(epcm_access(c, PG(3), EPCM_ACCESS_R, &err), EPCM_FAULT_PF);
	CHECK(err & X86_PF_SGX);
	/* A second EMODT before the EACCEPT: not modifiable. */
	CHECK_EQ_INT(epcm_emodt(c, PG(3), &trim), SGX_PAGE_NOT_MODIFIABLE);
	t->cssa = 1;		/* CSSA >= NSSA: EACCEPT's TCS check is #GP */
	CHECK_EQ_INT(epcm_eaccept(c, PG(3), &acc, page, NULL), EPCM_FAULT_GP);
	t->cssa = 0;
	CHECK_EQ_INT(epcm_eaccept(c, PG(3), &acc, page, NULL), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(c, PG(3)), EPCM_VALID | SGX_SECINFO_TCS);
	CHECK_EQ_INT(epcm_access(c, PG(3), EPCM_ACCESS_R, &err), EPCM_FAULT_PF);	/* TCS */
	CHECK_EQ_INT(epcm_emodt(c, PG(3), &tcs), EPCM_FAULT_PF);	/* TCS -> TCS */
	CHECK_EQ_INT(epcm_ioc_modify_type(c, PG(3), SGX_PT_TCS, NULL), -EINVAL);
	/* Then trim it. */
	CHECK_EQ_INT(epcm_ioc_modify_type(c, PG(3), SGX_PT_TRIM, NULL), 0);
	CHECK_EQ_INT(epcm_eaccept(c, PG(3), &acc_trim, NULL, NULL), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_ioc_remove(c, PG(3)), 0);
	CHECK_EQ_INT(epcm_get(c, PG(3)), 0);
	epcm_free(c);
}

/* Selftest "epcm_permissions": EMODPR, write faults, EACCEPT(PR), EMODPE. */
static void test_epcm_permissions(void)
{
	struct epcm *c = initialized();
	struct sgx_secinfo r = si(REG_R), acc = si(REG_R | SGX_SECINFO_PR);
	struct sgx_secinfo w = si(SGX_SECINFO_W), wonly = si(SGX_SECINFO_W);
	uint64_t result = 0;
	uint32_t err;

	commit(c, PG(5));
	CHECK_EQ_INT(epcm_ioc_restrict(c, PG(5), SGX_SECINFO_R, &result), 0);
	CHECK_EQ_INT(epcm_get(c, PG(5)), EPCM_VALID | REG_R | SGX_SECINFO_PR);
	/* The reduction is immediate, before the EACCEPT. */
	CHECK_EQ_INT(epcm_access(c, PG(5), EPCM_ACCESS_R, &err), 0);
	CHECK_EQ_INT(epcm_access(c, PG(5), EPCM_ACCESS_W, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_WRITE | X86_PF_PROT | X86_PF_SGX);
	acc.flags |= SGX_SECINFO_W;	/* EACCEPT must name the new permissions */
	CHECK_EQ_INT(epcm_eaccept(c, PG(5), &acc, NULL, NULL), SGX_PAGE_ATTRIBUTES_MISMATCH);
	acc = si(REG_R | SGX_SECINFO_PR);
	CHECK_EQ_INT(epcm_eaccept(c, PG(5), &acc, NULL, NULL), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(c, PG(5)), EPCM_VALID | REG_R);
	CHECK_EQ_INT(epcm_access(c, PG(5), EPCM_ACCESS_W, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(epcm_emodpe(c, PG(5), &w, &err), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_access(c, PG(5), EPCM_ACCESS_W, &err), 0);
	CHECK_EQ_INT(epcm_get(c, PG(5)), EPCM_VALID | REG_RW);

	/* EMODPR: a mask (cannot add X), W without R is #GP. */
	CHECK_EQ_INT(epcm_emodpr(c, PG(5), &(struct sgx_secinfo){ .flags = SGX_SECINFO_PERM_MASK }),
		     SGX_SUCCESS);
	CHECK_EQ_INT(epcm_entry_perms(epcm_get(c, PG(5))), SGX_SECINFO_R | SGX_SECINFO_W);
	CHECK_EQ_INT(epcm_emodpr(c, PG(5), &wonly), EPCM_FAULT_GP);
	CHECK_EQ_INT(epcm_emodpr(c, PG(9), &r), EPCM_FAULT_PF);		/* no page */

	/* Pending pages are neither restricted nor extended. */
	CHECK_EQ_INT(epcm_eaug(c, PG(6)), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_emodpr(c, PG(6), &r), SGX_PAGE_NOT_MODIFIABLE);
	CHECK_EQ_INT(epcm_ioc_restrict(c, PG(6), SGX_SECINFO_R, &result), -EFAULT);
	CHECK_EQ_INT(result, SGX_PAGE_NOT_MODIFIABLE);
	CHECK_EQ_INT(epcm_emodpe(c, PG(6), &w, &err), EPCM_FAULT_PF);
	CHECK(err & X86_PF_SGX);
	CHECK_EQ_INT(epcm_emodpe(c, PG(9), &w, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err & X86_PF_SGX, 0);
	epcm_free(c);
}

/* Selftest "tcs_permissions": a TCS's permissions cannot be restricted. */
static void test_tcs_permissions(void)
{
	struct epcm *c = epcm_new(BASE, SIZE, SGX_ATTR_MODE64BIT);
	struct sgx_secinfo tcs = si(SGX_SECINFO_TCS), r = si(REG_R);

	tcs_page();
	CHECK_EQ_INT(epcm_eadd(c, PG(0), &tcs, page), SGX_SUCCESS);
	epcm_set_initialized(c);
	CHECK_EQ_INT(epcm_ioc_restrict(c, PG(0), 0, NULL), -EINVAL);
	CHECK_EQ_INT(epcm_emodpr(c, PG(0), &r), EPCM_FAULT_PF);	/* the CPU's view */
	epcm_free(c);
}

/* Selftests "remove_added_page_no_eaccept" and "..._invalid_access". */
static void test_remove_added_page(void)
{
	struct epcm *c = epcm_new(BASE, SIZE, SGX_ATTR_MODE64BIT);
	struct sgx_secinfo rw = si(REG_RW);
	struct sgx_secinfo acc = si(SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED);
	uint64_t result = 0;
	uint32_t err;

	CHECK_EQ_INT(epcm_eadd(c, PG(2), &rw, page), SGX_SUCCESS);
	epcm_set_initialized(c);
	CHECK_EQ_INT(epcm_ioc_remove(c, PG(2)), -EPERM);		/* not trimmed */
	CHECK_EQ_INT(epcm_ioc_modify_type(c, PG(2), SGX_PT_TRIM, &result), 0);
	CHECK_EQ_INT(epcm_access(c, PG(2), EPCM_ACCESS_R, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_PROT | X86_PF_SGX);
	CHECK_EQ_INT(epcm_ioc_remove(c, PG(2)), -EPERM);		/* no EACCEPT */
	CHECK_EQ_INT(epcm_get(c, PG(2)), EPCM_VALID | SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED);
	CHECK_EQ_INT(epcm_eaccept(c, PG(2), &acc, NULL, NULL), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_access(c, PG(2), EPCM_ACCESS_R, &err), EPCM_FAULT_PF);
	CHECK(err & X86_PF_SGX);					/* trimmed, accepted */
	CHECK_EQ_INT(epcm_ioc_restrict(c, PG(2), SGX_SECINFO_R, NULL), -EINVAL);
	CHECK_EQ_INT(epcm_ioc_remove(c, PG(2)), 0);
	CHECK_EQ_INT(epcm_access(c, PG(2), EPCM_ACCESS_R, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err, X86_PF_USER);					/* gone */
	epcm_free(c);
}

/* Selftest "remove_untouched_page": pages that were never EAUGed. */
static void test_remove_untouched_page(void)
{
	struct epcm *c = initialized();
	uint64_t result = 0;

	CHECK_EQ_INT(epcm_ioc_modify_type(c, PG(20), SGX_PT_TRIM, &result), -EFAULT);
	CHECK_EQ_INT(epcm_ioc_remove(c, PG(20)), -EFAULT);
	CHECK_EQ_INT(epcm_ioc_restrict(c, PG(20), SGX_SECINFO_R, &result), -EFAULT);
	CHECK_EQ_INT(epcm_ioc_modify_type(c, PG(20), SGX_PT_REG, &result), -EINVAL);
	/* An EAUGed page the enclave never accepted cannot be trimmed yet. */
	CHECK_EQ_INT(epcm_eaug(c, PG(21)), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_ioc_modify_type(c, PG(21), SGX_PT_TRIM, &result), -EFAULT);
	CHECK_EQ_INT(result, SGX_PAGE_NOT_MODIFIABLE);
	epcm_free(c);
}

static void test_eacceptcopy(void)
{
	struct epcm *c = initialized();
	struct sgx_secinfo rx = si(REG_RX), bad = si(SGX_SECINFO_TCS);
	uint32_t err;

	commit(c, PG(1));					/* source */
	CHECK_EQ_INT(epcm_eaug(c, PG(2)), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_eacceptcopy(c, PG(2), PG(1), &bad, &err), EPCM_FAULT_GP);
	CHECK_EQ_INT(epcm_eacceptcopy(c, PG(2), PG(3), &rx, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(epcm_eacceptcopy(c, PG(3), PG(1), &rx, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(epcm_eacceptcopy(c, PG(2), PG(1), &rx, &err), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(c, PG(2)), EPCM_VALID | REG_RX);
	CHECK_EQ_INT(epcm_eacceptcopy(c, PG(2), PG(1), &rx, &err), SGX_PAGE_ATTRIBUTES_MISMATCH);
	epcm_free(c);
}

int main(void)
{
	HARNESS_PLAN(12);
	/* No test here skips: keep gcc from proving the SKIP reason NULL. */
	harness_skip_reason = "";
	RUN(test_sparse_storage);
	RUN(test_eadd);
	RUN(test_tcs_limits);
	RUN(test_augment);
	RUN(test_augment_via_eaccept);
	RUN(test_eaccept_rules);
	RUN(test_tcs_create);
	RUN(test_epcm_permissions);
	RUN(test_tcs_permissions);
	RUN(test_remove_added_page);
	RUN(test_remove_untouched_page);
	RUN(test_eacceptcopy);
	HARNESS_EXIT();
}

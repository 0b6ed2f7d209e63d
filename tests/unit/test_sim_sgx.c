// SPDX-License-Identifier: MIT
/*
 * The sim backend's architectural side: ECREATE/EADD/EINIT with real
 * measurement and signature checks, the EDMM ioctls, the ENCLU leaves the
 * execution engine calls (EACCEPT, EACCEPTCOPY, EMODPE, EREPORT, EGETKEY),
 * the fault decision, the real page protections (checked with a SIGSEGV
 * probe), and the simulated SGX1 CPU / pre-EDMM kernel. The kernel SGX
 * selftests' EPCM scenarios at the leaf/backend level.
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <openssl/evp.h>

#include "tests/harness.h"
#include "host/sim/driver.h"
#include "host/sim/keys.h"
#include "host/sim/leaves.h"
#include "host/sim/memory.h"
#include "host/sim/sim.h"
#include "sgx/measure.h"
#include "image/key.h"
#include "sgx/cpuid.h"
#include "sgx/sigstruct.h"
#include "sgx/xsave.h"

#define ESIZE		0x100000ULL	/* 1 MiB ELRANGE */
#define OFF_TCS		0x0000
#define OFF_DATA	0x1000		/* REG RW, measured: the enclave's scratch */
#define OFF_RO		0x2000		/* REG R */
#define OFF_SSA		0x3000		/* REG RW */
#define OFF_CODE	0x4000		/* REG RX */
#define OFF_HEAP	0x10000		/* never added: EAUG territory */

#define REG_R	(SGX_SECINFO_REG | SGX_SECINFO_R)
#define REG_RW	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)
#define REG_RX	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X)

static EVP_PKEY *key;
static uint8_t pages[5][4096] __attribute__((aligned(4096)));
static uint8_t mrenclave[SGX_HASH_SIZE];

/* ---- a SIGSEGV probe: does touching @p really fault? ---- */

static sigjmp_buf probe_env;

static void probe_handler(int sig)
{
	(void)sig;
	siglongjmp(probe_env, 1);
}

static int probe(volatile uint8_t *p, int write)
{
	struct sigaction sa, old_segv, old_bus;
	volatile int faulted = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = probe_handler;
	sigaction(SIGSEGV, &sa, &old_segv);
	sigaction(SIGBUS, &sa, &old_bus);
	if (sigsetjmp(probe_env, 1) == 0) {
		if (write)
			*p = *p;
		else
			(void)*p;
	} else {
		faulted = 1;
	}
	sigaction(SIGSEGV, &old_segv, NULL);
	sigaction(SIGBUS, &old_bus, NULL);
	return faulted;
}

/* ---- building a signed enclave ---- */

static void layout_pages(void)
{
	struct sgx_tcs *tcs = (struct sgx_tcs *)pages[0];

	memset(pages, 0, sizeof(pages));
	tcs->ossa = OFF_SSA;
	tcs->nssa = 1;
	tcs->oentry = OFF_CODE;
	tcs->fslimit = tcs->gslimit = 0xfff;
	memset(pages[1], 0xcc, 4096);
	memset(pages[4], 0xc3, 4096);
}

static const struct { uint64_t off; uint64_t flags; int measure; } layout[] = {
	{ OFF_TCS,  SGX_SECINFO_TCS, 1 },
	{ OFF_DATA, REG_RW, 1 },
	{ OFF_RO,   REG_R, 0 },
	{ OFF_SSA,  REG_RW, 1 },
	{ OFF_CODE, REG_RX, 1 },
};

static struct sgx_secs secs_template(void)
{
	struct sgx_secs s;

	memset(&s, 0, sizeof(s));
	s.size = ESIZE;
	s.ssa_frame_size = 1;
	s.attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
	s.attributes.xfrm = SGX_XFRM_LEGACY;
	s.miscselect = 0;
	return s;
}

/* The MRENCLAVE of the layout, computed independently of the backend. */
static void expected_mrenclave(void)
{
	struct sgx_measure *m = sgx_measure_new();

	layout_pages();
	CHECK_EQ_INT(sgx_measure_ecreate(m, 1, ESIZE), 0);
	for (size_t i = 0; i < 5; i++)
		CHECK_EQ_INT(sgx_measure_add_page(m, layout[i].off, layout[i].flags, pages[i],
						  layout[i].measure), 0);
	CHECK_EQ_INT(sgx_measure_finalize(m, mrenclave), 0);
	sgx_measure_free(m);
}

static void fields_template(struct sgx_sigstruct_fields *f)
{
	memset(f, 0, sizeof(*f));
	f->date = 0x20260101;
	f->attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
	f->attributes.xfrm = SGX_XFRM_LEGACY;
	f->attributemask.flags = ~SGX_ATTR_INIT;
	f->attributemask.xfrm = ~0ULL;
	f->miscmask = ~0U;
	memcpy(f->enclavehash, mrenclave, SGX_HASH_SIZE);
	f->isvprodid = 7;
	f->isvsvn = 3;
}

static void sign(struct sgx_sigstruct *ss, const struct sgx_sigstruct_fields *f)
{
	char err[256];

	CHECK_EQ_INT(sgx_sigstruct_sign(ss, f, key, err, sizeof(err)), 0);
}

/* ECREATE + EADDs; EINIT too when @init. */
static int build(struct encl_enclave *e, int init)
{
	struct sgx_secs secs = secs_template();
	struct sgx_sigstruct_fields f;
	struct sgx_sigstruct ss;

	memset(e, 0, sizeof(*e));
	e->be = &encl_backend_sim;
	if (sim_create(e, &secs, 1)) {
		fprintf(stderr, "  create: %s\n", e->err);
		return -1;
	}
	layout_pages();
	for (size_t i = 0; i < 5; i++)
		if (sim_add_pages(e, layout[i].off, pages[i], 4096, layout[i].flags,
				  layout[i].measure)) {
			fprintf(stderr, "  add: %s\n", e->err);
			return -1;
		}
	if (!init)
		return 0;
	fields_template(&f);
	sign(&ss, &f);
	if (sim_init(e, &ss)) {
		fprintf(stderr, "  init: %s\n", e->err);
		return -1;
	}
	return 0;
}

/* An enclave with its pages added, not initialized. */
static struct sim_enclave *built(struct encl_enclave *e)
{
	if (build(e, 0)) {
		CHECK(0);
		return NULL;
	}
	return sim_of(e);
}

/* An initialized enclave with all of ELRANGE mapped RWX by the host. */
static struct sim_enclave *running(struct encl_enclave *e)
{
	if (build(e, 1) || sim_map(e, 0, ESIZE, PROT_READ | PROT_WRITE | PROT_EXEC)) {
		CHECK(0);
		return NULL;
	}
	return sim_of(e);
}

/* A SECINFO the "enclave" wrote at OFF_DATA, for the leaves' RBX. */
static uint64_t secinfo_at(struct sim_enclave *se, uint64_t flags)
{
	uint64_t addr = se->base + OFF_DATA;
	struct sgx_secinfo *si = sim_epc_ptr(se, addr);

	memset(si, 0, sizeof(*si));
	si->flags = flags;
	return addr;
}

static int eaccept(struct sim_enclave *se, uint64_t off, uint64_t flags)
{
	struct sim_exception x = { 0 };
	int r = sim_eaccept(se, secinfo_at(se, flags), se->base + off, &x);

	return r < 0 ? -1000 - x.vector : r;
}

/* ---- tests ---- */

static void test_create(void)
{
	struct encl_enclave e;
	struct sgx_secs secs = secs_template();

	memset(&e, 0, sizeof(e));
	secs.size = 0x3000;
	CHECK_EQ_INT(sim_create(&e, &secs, 1), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	secs = secs_template();
	secs.attributes.flags |= SGX_ATTR_INIT;
	CHECK_EQ_INT(sim_create(&e, &secs, 1), -1);
	CHECK_EQ_INT(e.error, EINVAL);

	/*
	 * ECREATE takes the attributes the CPU has; the driver grants only
	 * DEBUG, MODE64BIT, KSS and AEXNOTIFY, and says so at EINIT.
	 */
	for (unsigned i = 0; i < 2; i++) {
		static const uint64_t privileged[] = { SGX_ATTR_PROVISIONKEY, SGX_ATTR_EINITTOKENKEY };
		struct sgx_sigstruct_fields f;
		struct sgx_sigstruct ss;

		secs = secs_template();
		secs.attributes.flags |= privileged[i];
		CHECK_EQ_INT(sim_create(&e, &secs, 1), 0);
		fields_template(&f);
		sign(&ss, &f);
		CHECK_EQ_INT(sim_init(&e, &ss), -1);
		CHECK_EQ_INT(e.error, EACCES);
		CHECK_EQ_INT(e.sgx_result, 0);
		CHECK_STR_CONTAINS(e.err, "/dev/sgx_provision");
		sim_destroy(&e);
	}

	secs = secs_template();
	secs.size = 1ULL << 36;		/* 64 GiB, as the EDMM layout */
	CHECK_EQ_INT(sim_create(&e, &secs, 1), 0);
	CHECK_EQ_INT(secs.base & (secs.size - 1), 0);	/* naturally aligned */
	CHECK_EQ_INT(e.base, secs.base);
	CHECK(probe((uint8_t *)e.base, 0));		/* nothing added: PROT_NONE */
	sim_destroy(&e);
}

static void test_add_pages(void)
{
	struct encl_enclave e;
	struct sim_enclave *se;

	se = built(&e);
	if (!se)
		return;
	CHECK_EQ_INT(sim_add_pages(&e, 0x5001, pages[1], 4096, REG_RW, 1), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(sim_add_pages(&e, ESIZE, pages[1], 4096, REG_RW, 1), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(sim_add_pages(&e, 0x5000, pages[1], 4096, SGX_SECINFO_REG | SGX_SECINFO_W, 1), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(sim_add_pages(&e, 0x5000, pages[1], 4096, SGX_SECINFO_TRIM, 1), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(sim_add_pages(&e, OFF_DATA, pages[1], 4096, REG_RW, 1), -1);
	CHECK_EQ_INT(e.error, EBUSY);
	/* Contents landed, the TCS got no permissions. */
	CHECK_EQ_INT(((uint8_t *)sim_epc_ptr(se, se->base + OFF_DATA))[100], 0xcc);
	CHECK_EQ_INT(epcm_get(se->epcm, se->base + OFF_TCS), EPCM_VALID | SGX_SECINFO_TCS);
	sim_destroy(&e);
}

static void test_einit(void)
{
	struct sgx_sigstruct_fields f;
	struct sgx_sigstruct ss;
	struct encl_enclave e;
	struct sim_enclave *se;
	uint8_t mrsigner[SGX_HASH_SIZE];

	se = built(&e);
	if (!se)
		return;

	fields_template(&f);
	f.enclavehash[0] ^= 1;				/* wrong ENCLAVEHASH */
	sign(&ss, &f);
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_MEASUREMENT);
	CHECK_EQ_INT(e.error, EPERM);
	CHECK_STR_CONTAINS(e.err, "ENCLAVEHASH");

	fields_template(&f);
	sign(&ss, &f);
	ss.signature[17] ^= 0x40;			/* flipped signature byte */
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_SIGNATURE);

	sign(&ss, &f);
	ss.q1[5] ^= 1;					/* bad Q1 */
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_SIGNATURE);
	CHECK_STR_CONTAINS(e.err, "Q1");

	sign(&ss, &f);
	ss.header[0] ^= 1;				/* bad HEADER */
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_SIG_STRUCT);

	fields_template(&f);
	f.attributes.flags &= ~SGX_ATTR_DEBUG;		/* signed for production */
	sign(&ss, &f);
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_ATTRIBUTE);

	fields_template(&f);
	f.miscselect = SGX_MISC_EXINFO;			/* MISCSELECT mismatch */
	sign(&ss, &f);
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_ATTRIBUTE);
	CHECK_STR_CONTAINS(e.err, "MISCSELECT");

	/* The driver's checks come first: a SIGSTRUCT requiring what the kernel reserves. */
	fields_template(&f);
	f.attributes.flags |= SGX_ATTR_CET;		/* bit 6: reserved by the kernel */
	sign(&ss, &f);
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(e.sgx_result, 0);
	CHECK_STR_CONTAINS(e.err, "ATTRIBUTES 0x40");
	fields_template(&f);
	f.miscselect = 0x2;				/* no such MISCSELECT bit */
	sign(&ss, &f);
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_STR_CONTAINS(e.err, "MISCSELECT 0x2");
	fields_template(&f);
	f.attributes.xfrm |= 1ULL << 62;		/* beyond any XCR0 */
	sign(&ss, &f);
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_STR_CONTAINS(e.err, "XFRM");
	fields_template(&f);
	sign(&ss, &f);
	ss.vendor = 0x1234;
	CHECK_EQ_INT(sim_init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_STR_CONTAINS(e.err, "VENDOR");

	/* Differences outside the masks do not matter; EINIT can be retried. */
	fields_template(&f);
	f.attributes.flags &= ~SGX_ATTR_DEBUG;
	f.attributemask.flags &= ~SGX_ATTR_DEBUG;
	f.miscselect = SGX_MISC_EXINFO;
	f.miscmask = 0;
	sign(&ss, &f);
	CHECK_EQ_INT(sim_init(&e, &ss), 0);
	CHECK(memcmp(se->secs->mrenclave, mrenclave, SGX_HASH_SIZE) == 0);
	sgx_sigstruct_mrsigner(&ss, mrsigner);
	CHECK(memcmp(se->secs->mrsigner, mrsigner, SGX_HASH_SIZE) == 0);
	CHECK_EQ_INT(se->secs->isv_svn, 3);
	CHECK_EQ_INT(sim_init(&e, &ss), -1);		/* only once */
	CHECK_EQ_INT(sim_add_pages(&e, 0x5000, pages[1], 4096, REG_RW, 1), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	sim_destroy(&e);
}

/* Real protections: EPCM ∩ PTE, checked by touching the pages. */
static void test_real_protections(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	uint8_t *b;

	if (!se)
		return;
	b = (uint8_t *)se->base;
	CHECK(probe(b + OFF_TCS, 0));		/* TCS: never accessible */
	CHECK(!probe(b + OFF_DATA, 1));		/* RW */
	CHECK(!probe(b + OFF_RO, 0));
	CHECK(probe(b + OFF_RO, 1));		/* R only */
	CHECK(probe(b + OFF_HEAP, 0));		/* no entry yet */
	CHECK_EQ_INT(b[OFF_DATA + 5], 0xcc);
	sim_destroy(&e);
}

/* Selftest "augment". */
static void test_augment(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	uint64_t a;
	uint32_t err;

	if (!se)
		return;
	a = se->base + OFF_HEAP;
	CHECK_EQ_INT(epcm_access(se->epcm, a, EPCM_ACCESS_W, &err), EPCM_FAULT_PF);
	CHECK_EQ_INT(err & (X86_PF_SGX | X86_PF_PROT), 0);
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_W, &err), SIM_ACCESS_RETRY);	/* EAUG */
	CHECK_EQ_INT(epcm_get(se->epcm, a), EPCM_VALID | REG_RW | SGX_SECINFO_PENDING);
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_W, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_WRITE | X86_PF_PROT | X86_PF_SGX);
	CHECK(probe((uint8_t *)a, 0));				/* PENDING: PROT_NONE */
	CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_RW | SGX_SECINFO_PENDING), SGX_SUCCESS);
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_W, &err), SIM_ACCESS_OK);
	CHECK(!probe((uint8_t *)a, 1));
	CHECK_EQ_INT(*(uint8_t *)a, 0);				/* EAUG zeroes */
	sim_destroy(&e);
}

/* Selftest "augment_via_eaccept", and EACCEPT with a wrong SECINFO. */
static void test_augment_via_eaccept(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);

	if (!se)
		return;
	CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_RW | SGX_SECINFO_PENDING), SGX_SUCCESS);
	CHECK(!probe((uint8_t *)se->base + OFF_HEAP, 1));
	/* Wrong permissions in SECINFO: the page stays pending. */
	CHECK_EQ_INT(eaccept(se, OFF_HEAP + 0x1000, REG_R | SGX_SECINFO_PENDING),
		     SGX_PAGE_ATTRIBUTES_MISMATCH);
	CHECK(probe((uint8_t *)se->base + OFF_HEAP + 0x1000, 0));
	CHECK_EQ_INT(eaccept(se, OFF_HEAP + 0x1000, REG_RW | SGX_SECINFO_PENDING), SGX_SUCCESS);
	/* SECINFO outside an accessible page, misaligned, or reserved bits. */
	{
		struct sim_exception x;

		CHECK_EQ_INT(sim_eaccept(se, se->base + OFF_DATA + 8, se->base + OFF_HEAP, &x), -1);
		CHECK_EQ_INT(x.vector, X86_VEC_GP);
		CHECK_EQ_INT(sim_eaccept(se, se->base + OFF_TCS, se->base + OFF_HEAP, &x), -1);
		CHECK_EQ_INT(x.vector, X86_VEC_PF);
		CHECK_EQ_INT(x.addr, se->base + OFF_TCS);
		CHECK_EQ_INT(eaccept(se, OFF_HEAP + 0x2000, REG_RW | SGX_SECINFO_PENDING | 0x40),
			     -1000 - X86_VEC_GP);
	}
	sim_destroy(&e);
}

/* Selftest "tcs_create": EAUG, EMODT(TCS), EACCEPT, then trim it. */
static void test_tcs_create(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	struct sgx_tcs *tcs, *epc_tcs;
	uint64_t off = OFF_HEAP + 0x4000;

	if (!se)
		return;
	CHECK_EQ_INT(eaccept(se, off, REG_RW | SGX_SECINFO_PENDING), SGX_SUCCESS);
	tcs = (struct sgx_tcs *)(se->base + off);		/* the enclave writes it */
	tcs->ossa = OFF_SSA;
	tcs->nssa = 1;
	tcs->oentry = OFF_CODE;
	CHECK_EQ_INT(sim_modify_types(&e, off, 4096, SGX_PT_TCS), 0);
	CHECK(probe((uint8_t *)tcs, 0));
	CHECK_EQ_INT(eaccept(se, off, REG_RW | SGX_SECINFO_PENDING), SGX_PAGE_ATTRIBUTES_MISMATCH);
	/*
	 * EACCEPT checks the TCS as the page holds it (SDM: reserved fields,
	 * CSSA < NSSA ...): changed through the EPC alias, as if the enclave
	 * had written other values before the EMODT.
	 */
	epc_tcs = sim_epc_ptr(se, se->base + off);
	epc_tcs->nssa = 0;
	CHECK_EQ_INT(eaccept(se, off, SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED), -1000 - X86_VEC_GP);
	epc_tcs->nssa = 1;
	epc_tcs->reserved[7] = 1;
	CHECK_EQ_INT(eaccept(se, off, SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED), -1000 - X86_VEC_GP);
	epc_tcs->reserved[7] = 0;
	/* FSLIMIT and GSLIMIT are left 0: a 64-bit enclave does not check them. */
	CHECK_EQ_INT(eaccept(se, off, SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(se->epcm, se->base + off), EPCM_VALID | SGX_SECINFO_TCS);
	CHECK(probe((uint8_t *)tcs, 0));
	CHECK_EQ_INT(sim_restrict_permissions(&e, off, 4096, 0), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(sim_modify_types(&e, off, 4096, SGX_PT_TRIM), 0);
	CHECK_EQ_INT(eaccept(se, off, SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED), SGX_SUCCESS);
	CHECK_EQ_INT(sim_remove_pages(&e, off, 4096), 0);
	CHECK_EQ_INT(epcm_get(se->epcm, se->base + off), 0);
	sim_destroy(&e);
}

/* Selftest "epcm_permissions". */
static void test_epcm_permissions(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	struct sim_exception x;
	uint64_t a;
	uint32_t err;

	if (!se)
		return;
	a = se->base + OFF_HEAP;
	CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_RW | SGX_SECINFO_PENDING), SGX_SUCCESS);
	*(volatile uint8_t *)a = 0x5a;
	CHECK_EQ_INT(sim_restrict_permissions(&e, OFF_HEAP, 4096, SGX_SECINFO_R), 0);
	CHECK(probe((uint8_t *)a, 1));				/* immediately read-only */
	CHECK(!probe((uint8_t *)a, 0));
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_W, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_WRITE | X86_PF_PROT | X86_PF_SGX);
	CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_R | SGX_SECINFO_PR), SGX_SUCCESS);
	CHECK(probe((uint8_t *)a, 1));
	CHECK_EQ_INT(sim_emodpe(se, secinfo_at(se, SGX_SECINFO_W), a, &x), SGX_SUCCESS);
	CHECK(!probe((uint8_t *)a, 1));
	CHECK_EQ_INT(*(uint8_t *)a, 0x5a);
	/* EMODPE on a page without an entry: EAUGed, then PENDING: #PF(SGX). */
	CHECK_EQ_INT(sim_emodpe(se, secinfo_at(se, SGX_SECINFO_X), a + 0x1000, &x), -1);
	CHECK_EQ_INT(x.vector, X86_VEC_PF);
	CHECK(x.errcode & X86_PF_SGX);
	/* Restricting a pending page: the leaf's SGX_PAGE_NOT_MODIFIABLE. */
	CHECK_EQ_INT(sim_restrict_permissions(&e, OFF_HEAP + 0x1000, 4096, SGX_SECINFO_R), -1);
	CHECK_EQ_INT(e.error, EFAULT);
	CHECK_EQ_INT(e.sgx_result, SGX_PAGE_NOT_MODIFIABLE);
	CHECK_EQ_INT(sim_restrict_permissions(&e, OFF_HEAP, 4096, SGX_SECINFO_W), -1);
	CHECK_EQ_INT(e.error, EINVAL);				/* W without R */
	sim_destroy(&e);
}

/*
 * Selftest "pte_permissions": the host's PTE forbids what the EPCM allows;
 * and the kernel's access_error() before its EAUG on a fault.
 */
static void test_pte_permissions(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	uint64_t a;
	uint32_t err;

	if (!se)
		return;
	a = se->base + OFF_DATA;
	CHECK_EQ_INT(sim_map(&e, OFF_DATA, 4096, PROT_READ), 0);
	CHECK(probe((uint8_t *)a, 1));
	CHECK(!probe((uint8_t *)a, 0));
	CHECK_EQ_INT(epcm_access(se->epcm, a, EPCM_ACCESS_W, &err), 0);
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_W, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_WRITE | X86_PF_PROT);	/* no SGX bit */
	CHECK_EQ_INT(sim_map(&e, OFF_DATA, 4096, PROT_READ | PROT_WRITE), 0);
	CHECK(!probe((uint8_t *)a, 1));
	CHECK_EQ_INT(sim_map(&e, OFF_DATA, 4096, 8), -1);
	CHECK_EQ_INT(e.error, EINVAL);

	/* The walk, then access_error(), before any EAUG. */
	a = se->base + OFF_HEAP;
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP, 4096, PROT_READ), 0);
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_W, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_WRITE);		/* not present */
	CHECK_EQ_INT(epcm_get(se->epcm, a), 0);			/* no EAUG for it */
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP, 4096, PROT_NONE), 0);
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_R, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(epcm_get(se->epcm, a), 0);
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP, 4096, PROT_READ), 0);
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_R, &err), SIM_ACCESS_RETRY);	/* EAUG */
	CHECK_EQ_INT(sim_fault(se, a, EPCM_ACCESS_R, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_PROT | X86_PF_SGX);	/* PENDING */
	/* A page that exists, behind a PROT_NONE PTE: not present, no SGX bit. */
	CHECK_EQ_INT(sim_map(&e, OFF_DATA, 4096, PROT_NONE), 0);
	CHECK_EQ_INT(sim_fault(se, se->base + OFF_DATA, EPCM_ACCESS_R, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER);
	CHECK(probe((uint8_t *)se->base + OFF_DATA, 0));
	/*
	 * An instruction fetch from a new page of a mapping without
	 * PROT_EXEC: the kernel EAUGs it (a read that is not present), and
	 * the retried fetch meets the no-execute PTE.
	 */
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP + 0x1000, 4096, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ_INT(sim_fault(se, a + 0x1000, EPCM_ACCESS_X, &err), SIM_ACCESS_RETRY);
	CHECK_EQ_INT(sim_fault(se, a + 0x1000, EPCM_ACCESS_X, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_INSTR | X86_PF_PROT);
	sim_destroy(&e);
}

/* Selftest "tcs_permissions". */
static void test_tcs_permissions(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);

	if (!se)
		return;
	CHECK_EQ_INT(sim_restrict_permissions(&e, OFF_TCS, 4096, 0), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	sim_destroy(&e);
}

/* Selftests "remove_added_page_no_eaccept" and "..._invalid_access*". */
static void test_remove_added_page(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	uint8_t *p;
	uint32_t err;

	if (!se)
		return;
	p = (uint8_t *)se->base + OFF_RO;
	CHECK_EQ_INT(sim_remove_pages(&e, OFF_RO, 4096), -1);	/* not trimmed */
	CHECK_EQ_INT(e.error, EPERM);
	CHECK_EQ_INT(sim_modify_types(&e, OFF_RO, 4096, SGX_PT_TRIM), 0);
	CHECK_EQ_INT(sim_remove_pages(&e, OFF_RO, 4096), -1);	/* no EACCEPT */
	CHECK_EQ_INT(e.error, EPERM);
	CHECK(probe(p, 0));					/* invalid access */
	CHECK_EQ_INT(sim_fault(se, (uint64_t)p, EPCM_ACCESS_R, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_PROT | X86_PF_SGX);
	CHECK_EQ_INT(eaccept(se, OFF_RO, SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED), SGX_SUCCESS);
	CHECK(probe(p, 0));					/* after EACCEPT */
	CHECK_EQ_INT(sim_fault(se, (uint64_t)p, EPCM_ACCESS_R, &err), SIM_ACCESS_FAULT);
	CHECK_EQ_INT(err, X86_PF_USER | X86_PF_PROT | X86_PF_SGX);
	CHECK_EQ_INT(sim_remove_pages(&e, OFF_RO, 4096), 0);
	CHECK(probe(p, 0));
	CHECK_EQ_INT(*(uint8_t *)sim_epc_ptr(se, (uint64_t)p), 0);	/* EREMOVE freed it */
	sim_destroy(&e);
}

/* Selftest "remove_untouched_page": pages the kernel never EAUGed. */
static void test_remove_untouched_page(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);

	if (!se)
		return;
	CHECK_EQ_INT(sim_modify_types(&e, OFF_HEAP, 4096, SGX_PT_TRIM), -1);
	CHECK_EQ_INT(e.error, EFAULT);
	CHECK_EQ_INT(sim_remove_pages(&e, OFF_HEAP, 4096), -1);
	CHECK_EQ_INT(e.error, EFAULT);
	CHECK_EQ_INT(sim_modify_types(&e, OFF_HEAP, 4096, SGX_PT_REG), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(sim_modify_types(&e, OFF_HEAP + 1, 4096, SGX_PT_TRIM), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	sim_destroy(&e);
}

static void test_eacceptcopy(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	struct sim_exception x;
	uint64_t dst;

	if (!se)
		return;
	dst = se->base + OFF_HEAP;
	CHECK_EQ_INT(sim_eacceptcopy(se, secinfo_at(se, REG_RX), dst, se->base + OFF_CODE, &x),
		     SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(se->epcm, dst), EPCM_VALID | REG_RX);
	CHECK_EQ_INT(*(uint8_t *)dst, 0xc3);
	CHECK(probe((uint8_t *)dst, 1));
	CHECK_EQ_INT(sim_eacceptcopy(se, secinfo_at(se, REG_RX), dst, se->base + OFF_CODE, &x),
		     SGX_PAGE_ATTRIBUTES_MISMATCH);		/* no longer pending */
	sim_destroy(&e);
}

/*
 * The leaves reach their target through the host's PTE, as the SDM's
 * memory parameter semantics say (EACCEPT and EMODPE read it, EACCEPTCOPY
 * reads its source and writes its destination), and the kernel EAUGs on
 * their fault only where access_error() lets it.
 */
static void test_leaf_pte(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	struct sim_exception x;
	uint64_t a, b, c, d;

	if (!se)
		return;
	a = se->base + OFF_HEAP;
	b = a + 0x1000;
	c = a + 0x2000;
	d = a + 0x3000;
	CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_RW | SGX_SECINFO_PENDING), SGX_SUCCESS);

	/* A PROT_NONE PTE is not present: EMODPE faults, nothing changes. */
	CHECK_EQ_INT(sim_restrict_permissions(&e, OFF_HEAP, 4096, SGX_SECINFO_R), 0);
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP, 4096, PROT_NONE), 0);
	CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_R | SGX_SECINFO_PR), -1000 - X86_VEC_PF);
	CHECK_EQ_INT(sim_emodpe(se, secinfo_at(se, SGX_SECINFO_W), a, &x), -1);
	CHECK_EQ_INT(x.vector, X86_VEC_PF);
	CHECK_EQ_INT(x.addr, a);
	CHECK_EQ_INT(x.errcode, X86_PF_USER);			/* a read, not present */
	CHECK_EQ_INT(epcm_get(se->epcm, a), EPCM_VALID | REG_R | SGX_SECINFO_PR);
	/* Readable again: both leaves go through. */
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP, 4096, PROT_READ), 0);
	CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_R | SGX_SECINFO_PR), SGX_SUCCESS);
	CHECK_EQ_INT(sim_emodpe(se, secinfo_at(se, SGX_SECINFO_W), a, &x), SGX_SUCCESS);
	CHECK_EQ_INT(epcm_get(se->epcm, a), EPCM_VALID | REG_RW);

	/* No EAUG into a PROT_NONE mapping; into a read-only one for a read. */
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP + 0x1000, 0x3000, PROT_NONE), 0);
	CHECK_EQ_INT(eaccept(se, OFF_HEAP + 0x1000, REG_RW | SGX_SECINFO_PENDING), -1000 - X86_VEC_PF);
	CHECK_EQ_INT(epcm_get(se->epcm, b), 0);
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP + 0x1000, 0x3000, PROT_READ), 0);
	CHECK_EQ_INT(eaccept(se, OFF_HEAP + 0x1000, REG_RW | SGX_SECINFO_PENDING), SGX_SUCCESS);

	/* EACCEPTCOPY writes its destination: no EAUG for it in a read-only mapping. */
	CHECK_EQ_INT(sim_eacceptcopy(se, secinfo_at(se, REG_RW), c, b, &x), -1);
	CHECK_EQ_INT(x.vector, X86_VEC_PF);
	CHECK_EQ_INT(x.addr, c);
	CHECK_EQ_INT(x.errcode, X86_PF_USER | X86_PF_WRITE);
	CHECK_EQ_INT(epcm_get(se->epcm, c), 0);
	/* ... and reads its source: not through a PROT_NONE PTE. */
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP + 0x2000, 0x1000, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP + 0x1000, 0x1000, PROT_NONE), 0);
	CHECK_EQ_INT(sim_eacceptcopy(se, secinfo_at(se, REG_RW), c, b, &x), -1);
	CHECK_EQ_INT(x.addr, b);
	CHECK_EQ_INT(x.errcode, X86_PF_USER);
	CHECK_EQ_INT(sim_map(&e, OFF_HEAP + 0x1000, 0x1000, PROT_READ), 0);
	CHECK_EQ_INT(sim_eacceptcopy(se, secinfo_at(se, REG_RW), c, b, &x), SGX_SUCCESS);

	/* The SECINFO is read through its PTE too. */
	CHECK_EQ_INT(sim_map(&e, OFF_DATA, 4096, PROT_NONE), 0);
	CHECK_EQ_INT(sim_eaccept(se, secinfo_at(se, REG_RW | SGX_SECINFO_PENDING), d, &x), -1);
	CHECK_EQ_INT(x.addr, se->base + OFF_DATA);
	CHECK_EQ_INT(epcm_get(se->epcm, d), 0);			/* RCX was never reached */
	sim_destroy(&e);
}

/*
 * The PTE model stays one range per protection boundary: a mprotect
 * splits a range, the one that undoes it merges the pieces again.
 */
static void test_pte_model(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	uint64_t off = OFF_HEAP + 0x5000;
	size_t after_one;

	if (!se)
		return;
	CHECK_EQ_INT(se->npte, 1);				/* ELRANGE, RWX */
	CHECK_EQ_INT(sim_map(&e, off, 0x3000, PROT_READ), 0);
	CHECK_EQ_INT(se->npte, 3);
	CHECK_EQ_INT(sim_pte_prot(se, se->base + off - 1), PROT_READ | PROT_WRITE | PROT_EXEC);
	CHECK_EQ_INT(sim_pte_prot(se, se->base + off), PROT_READ);
	CHECK_EQ_INT(sim_pte_prot(se, se->base + off + 0x2fff), PROT_READ);
	CHECK_EQ_INT(sim_pte_prot(se, se->base + off + 0x3000), PROT_READ | PROT_WRITE | PROT_EXEC);
	CHECK_EQ_INT(sim_map(&e, off + 0x1000, 0x1000, PROT_NONE), 0);	/* inside: split */
	CHECK_EQ_INT(se->npte, 5);
	CHECK_EQ_INT(sim_pte_prot(se, se->base + off + 0x1000), PROT_NONE);
	CHECK_EQ_INT(sim_map(&e, off, 0x3000, PROT_READ | PROT_WRITE | PROT_EXEC), 0);
	CHECK_EQ_INT(se->npte, 1);				/* merged back */
	CHECK_EQ_INT(sim_pte_prot(se, se->base + ESIZE - 1), PROT_READ | PROT_WRITE | PROT_EXEC);

	CHECK_EQ_INT(sim_map(&e, off, 0x1000, PROT_READ), 0);
	CHECK_EQ_INT(sim_map(&e, off, 0x1000, PROT_READ | PROT_WRITE), 0);
	after_one = se->npte;
	for (int i = 1; i < 10000; i++) {
		CHECK_EQ_INT(sim_map(&e, off, 0x1000, PROT_READ), 0);
		CHECK_EQ_INT(sim_map(&e, off, 0x1000, PROT_READ | PROT_WRITE), 0);
	}
	CHECK_EQ_INT(se->npte, after_one);
	CHECK_EQ_INT(sim_pte_prot(se, se->base + off), PROT_READ | PROT_WRITE);
	sim_destroy(&e);
}

static void test_report_and_keys(void)
{
	struct encl_enclave e;
	struct sim_enclave *se = running(&e);
	struct sim_exception x;
	struct sgx_targetinfo *ti;
	struct sgx_keyrequest *kr;
	struct sgx_report rep;
	uint8_t key[16], mac[16], seal_enclave[16], seal_signer[16];
	uint64_t scratch;
	size_t len;

	if (!se)
		return;
	scratch = se->base + OFF_HEAP;
	CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_RW | SGX_SECINFO_PENDING), SGX_SUCCESS);
	ti = sim_epc_ptr(se, scratch);
	memset(ti, 0, sizeof(*ti));
	memcpy(ti->mrenclave, se->secs->mrenclave, SGX_HASH_SIZE);	/* to itself */
	ti->attributes = se->secs->attributes;
	memset(sim_epc_ptr(se, scratch + 0x200), 0x77, 64);		/* REPORTDATA */
	CHECK_EQ_INT(sim_ereport(se, scratch, scratch + 0x200, scratch + 0x400, &x), SGX_SUCCESS);
	memcpy(&rep, sim_epc_ptr(se, scratch + 0x400), sizeof(rep));
	CHECK(memcmp(rep.body.mrenclave, mrenclave, SGX_HASH_SIZE) == 0);
	CHECK_EQ_INT(rep.body.reportdata[63], 0x77);
	CHECK_EQ_INT(rep.body.isvprodid, 7);
	CHECK_EQ_INT(sim_ereport(se, scratch + 8, scratch + 0x200, scratch + 0x400, &x), -1);
	CHECK_EQ_INT(x.vector, X86_VEC_GP);

	/* The target verifies the MAC with its own report key. */
	kr = sim_epc_ptr(se, scratch + 0x800);
	memset(kr, 0, sizeof(*kr));
	kr->keyname = SGX_KEY_REPORT;
	memcpy(kr->keyid, rep.keyid, sizeof(kr->keyid));
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), SGX_SUCCESS);
	memcpy(key, sim_epc_ptr(se, scratch + 0xc00), 16);
	CHECK(EVP_Q_mac(NULL, "CMAC", NULL, "AES-128-CBC", NULL, key, 16,
			(const unsigned char *)&rep.body, sizeof(rep.body), mac, 16, &len) != NULL);
	CHECK(memcmp(mac, rep.mac, 16) == 0);

	/* Seal keys: policy matters, ISVSVN and CPUSVN may not exceed. */
	kr->keyname = SGX_KEY_SEAL;
	kr->keypolicy = SGX_KEYPOLICY_MRENCLAVE;
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), SGX_SUCCESS);
	memcpy(seal_enclave, sim_epc_ptr(se, scratch + 0xc00), 16);
	kr->keypolicy = SGX_KEYPOLICY_MRSIGNER;
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), SGX_SUCCESS);
	memcpy(seal_signer, sim_epc_ptr(se, scratch + 0xc00), 16);
	CHECK(memcmp(seal_enclave, seal_signer, 16) != 0);
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), SGX_SUCCESS);
	CHECK(memcmp(seal_signer, sim_epc_ptr(se, scratch + 0xc00), 16) == 0);	/* stable */
	kr->isvsvn = 4;
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), SGX_INVALID_ISVSVN);
	kr->isvsvn = 3;
	kr->cpusvn[15] = 2;
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), SGX_INVALID_CPUSVN);
	kr->cpusvn[15] = 0;
	kr->keyname = 9;
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), SGX_INVALID_KEYNAME);
	kr->keyname = SGX_KEY_PROVISION;
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), SGX_INVALID_ATTRIBUTE);
	kr->keyname = SGX_KEY_SEAL;
	kr->keypolicy = 0x100;
	CHECK_EQ_INT(sim_egetkey(se, scratch + 0x800, scratch + 0xc00, &x), -1);
	CHECK_EQ_INT(x.vector, X86_VEC_GP);
	sim_destroy(&e);
}

/* ENCL_SIM_CPU=sgx1 and ENCL_SIM_KERNEL=no-edmm, and bad values. */
static void test_features(void)
{
	struct encl_caps caps;
	struct encl_enclave e;
	struct sim_enclave *se;
	struct sim_exception x;
	uint32_t err;

	unsetenv("ENCL_SIM_CPU");
	unsetenv("ENCL_SIM_KERNEL");
	CHECK_EQ_INT(sim_probe(&caps), 0);
	CHECK(caps.sgx1 && caps.sgx2 && caps.exinfo && caps.os_edmm);

	setenv("ENCL_SIM_CPU", "sgx1", 1);
	CHECK_EQ_INT(sim_probe(&caps), 0);
	CHECK(caps.sgx1 && !caps.sgx2 && !caps.exinfo);
	CHECK_STR_CONTAINS(caps.why_not, "ENCL_SIM_CPU=sgx1");
	se = running(&e);
	if (se) {
		CHECK_EQ_INT(sim_modify_types(&e, OFF_RO, 4096, SGX_PT_TRIM), -1);
		CHECK_EQ_INT(e.error, ENODEV);
		CHECK_EQ_INT(sim_fault(se, se->base + OFF_HEAP, EPCM_ACCESS_R, &err), SIM_ACCESS_FAULT);
		CHECK_EQ_INT(sim_eaccept(se, secinfo_at(se, REG_RW | SGX_SECINFO_PENDING),
					 se->base + OFF_HEAP, &x), -1);
		CHECK_EQ_INT(x.vector, X86_VEC_GP);
		sim_destroy(&e);
	}
	{
		struct sgx_secs secs = secs_template();

		secs.miscselect = SGX_MISC_EXINFO;	/* no EXINFO on this CPU */
		memset(&e, 0, sizeof(e));
		CHECK_EQ_INT(sim_create(&e, &secs, 0), -1);
		CHECK_STR_CONTAINS(e.err, "MISCSELECT");
	}
	unsetenv("ENCL_SIM_CPU");

	setenv("ENCL_SIM_KERNEL", "no-edmm", 1);
	CHECK_EQ_INT(sim_probe(&caps), 0);
	CHECK(caps.sgx2 && !caps.os_edmm);
	CHECK_STR_CONTAINS(caps.why_not, "ENCL_SIM_KERNEL=no-edmm");
	se = running(&e);
	if (se) {
		CHECK_EQ_INT(sim_remove_pages(&e, OFF_RO, 4096), -1);
		CHECK_EQ_INT(e.error, ENOTTY);
		CHECK_EQ_INT(sim_fault(se, se->base + OFF_HEAP, EPCM_ACCESS_R, &err), SIM_ACCESS_FAULT);
		CHECK_EQ_INT(err & X86_PF_SGX, 0);
		/* The CPU still has EACCEPT, but nothing will EAUG the page. */
		CHECK_EQ_INT(eaccept(se, OFF_HEAP, REG_RW | SGX_SECINFO_PENDING), -1000 - X86_VEC_PF);
		sim_destroy(&e);
	}
	unsetenv("ENCL_SIM_KERNEL");

	setenv("ENCL_SIM_CPU", "sgx3", 1);
	CHECK_EQ_INT(sim_probe(&caps), -1);
	CHECK_STR_CONTAINS(caps.why_not, "ENCL_SIM_CPU");
	CHECK_STR_CONTAINS(caps.why_not, "sgx3");
	{
		struct sgx_secs secs = secs_template();

		memset(&e, 0, sizeof(e));
		CHECK_EQ_INT(sim_create(&e, &secs, 1), -1);
		CHECK_EQ_INT(e.error, EINVAL);
		CHECK_STR_CONTAINS(e.err, "ENCL_SIM_CPU");
	}
	unsetenv("ENCL_SIM_CPU");
	setenv("ENCL_SIM_KERNEL", "yes", 1);
	CHECK_EQ_INT(sim_probe(&caps), -1);
	CHECK_STR_CONTAINS(caps.why_not, "ENCL_SIM_KERNEL");
	unsetenv("ENCL_SIM_KERNEL");
}

/* ECREATE's XFRM rules: legal, within the simulated XCR0, and a frame that holds it. */
static void test_xfrm(void)
{
	struct encl_caps caps;
	struct encl_enclave e;
	struct sgx_secs secs = secs_template();
	uint64_t xcr0 = sgx_xcr0_native();

	unsetenv("ENCL_SIM_XCR0");
	CHECK_EQ_INT(sim_probe(&caps), 0);
	CHECK_EQ_INT(caps.xfrm, xcr0);

	memset(&e, 0, sizeof(e));
	secs.attributes.xfrm = SGX_XFRM_X87;			/* no SSE */
	CHECK_EQ_INT(sim_create(&e, &secs, 1), -1);
	CHECK_STR_CONTAINS(e.err, "x87 and SSE");
	secs.attributes.xfrm = SGX_XFRM_LEGACY | SGX_XFRM_OPMASK;	/* AVX-512 in part */
	CHECK_EQ_INT(sim_create(&e, &secs, 1), -1);
	CHECK_STR_CONTAINS(e.err, "go together");

	/* A hypothetical XFRM with AMX tiles needs three pages per frame. */
	setenv("ENCL_SIM_XCR0", "0x3", 1);
	CHECK_EQ_INT(sim_probe(&caps), 0);
	CHECK_EQ_INT(caps.xfrm, SGX_XFRM_LEGACY);
	secs.attributes.xfrm = SGX_XFRM_LEGACY | SGX_XFRM_AVX;
	CHECK_EQ_INT(sim_create(&e, &secs, 1), -1);
	CHECK_STR_CONTAINS(e.err, "exceeds the simulated CPU's 0x3");
	unsetenv("ENCL_SIM_XCR0");
	if ((xcr0 & (SGX_XFRM_AVX | SGX_XFRM_AVX512)) == (SGX_XFRM_AVX | SGX_XFRM_AVX512)) {
		secs.attributes.xfrm = SGX_XFRM_LEGACY | SGX_XFRM_AVX | SGX_XFRM_AVX512;
		secs.miscselect = SGX_MISC_EXINFO;
		CHECK_EQ_INT(sim_create(&e, &secs, 1), 0);	/* 2688 + 16 + 184 fit a page */
		sim_destroy(&e);
	}
	if (xcr0 & SGX_XFRM_AMX) {
		secs.attributes.xfrm = SGX_XFRM_LEGACY | SGX_XFRM_AMX;
		CHECK_EQ_INT(sim_create(&e, &secs, 1), -1);
		CHECK_STR_CONTAINS(e.err, "SSAFRAMESIZE 1 pages cannot hold");
	}

	setenv("ENCL_SIM_XCR0", "0x1", 1);
	CHECK_EQ_INT(sim_probe(&caps), -1);
	CHECK_STR_CONTAINS(caps.why_not, "ENCL_SIM_XCR0: invalid value '0x1'");
	setenv("ENCL_SIM_XCR0", "3 ", 1);
	CHECK_EQ_INT(sim_probe(&caps), -1);
	CHECK_STR_CONTAINS(caps.why_not, "not a number");
	setenv("ENCL_SIM_XCR0", "0x80000000003", 1);	/* more than any XCR0 here */
	CHECK_EQ_INT(sim_probe(&caps), -1);
	CHECK_STR_CONTAINS(caps.why_not, "does not");
	unsetenv("ENCL_SIM_XCR0");
}

int main(void)
{
	char dir[] = "/tmp/encl-test-sim-XXXXXX", path[64], err[256];

	HARNESS_PLAN(18);
	/* No test here skips: keep gcc from proving the SKIP reason NULL. */
	harness_skip_reason = "";
	unsetenv("ENCL_SIM_CPU");
	unsetenv("ENCL_SIM_KERNEL");
	unsetenv("ENCL_SIM_XCR0");
	if (!mkdtemp(dir))
		return 1;
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	if (encl_key_generate(path, err, sizeof(err)) || !(key = encl_key_load(path, err, sizeof(err)))) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	unlink(path);
	rmdir(dir);
	expected_mrenclave();

	RUN(test_create);
	RUN(test_add_pages);
	RUN(test_einit);
	RUN(test_real_protections);
	RUN(test_augment);
	RUN(test_augment_via_eaccept);
	RUN(test_tcs_create);
	RUN(test_epcm_permissions);
	RUN(test_pte_permissions);
	RUN(test_tcs_permissions);
	RUN(test_remove_added_page);
	RUN(test_remove_untouched_page);
	RUN(test_eacceptcopy);
	RUN(test_leaf_pte);
	RUN(test_pte_model);
	RUN(test_report_and_keys);
	RUN(test_features);
	RUN(test_xfrm);
	EVP_PKEY_free(key);
	HARNESS_EXIT();
}

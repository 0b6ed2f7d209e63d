// SPDX-License-Identifier: MIT
/*
 * The hardware backend (host/hw/) against the driver test double
 * (tests/double/sgx_kernel.c): start-up with interrupted and partial
 * ADD_PAGES, EINIT with a real signature over the MRENCLAVE the pages
 * produce, mapping, the EDMM sequences of the kernel selftests, every
 * request the kernel refuses (with the kernel's errno), the user-visible
 * failures, the probe, the vDSO lookup on this machine's real vDSO,
 * enter() through a fake vDSO, and signals that interrupt enclave code
 * through a fake vDSO shaped like the real one (its ENCLU is the AEP).
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "tests/harness.h"
#include "tests/double/sgx_kernel.h"
#include "host/backend.h"
#include "host/hw/hw.h"
#include "host/hw/vdso.h"
#include "abi/boundary.h"
#include "sgx/measure.h"
#include "image/key.h"
#include "sgx/sigstruct.h"

#define KiB		1024ULL
#define MiB		(1024 * KiB)
#define REG_RW		(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)
#define REG_RX		(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X)
#define REG_R		(SGX_SECINFO_REG | SGX_SECINFO_R)

/* The test layout: ELRANGE of 8 MiB (SGX1) or 16 MiB (EDMM). */
#define OFF_TCS		0x0000ULL
#define OFF_CODE	0x1000ULL	/* 2 pages RX, measured */
#define OFF_PARAMS	0x3000ULL	/* 1 page R, measured, from an unaligned buffer */
#define OFF_HEAP	0x4000ULL	/* SGX1: HEAP_PAGES RW unmeasured zero pages */
#define HEAP_PAGES	1024ULL
#define OFF_DYN		0x100000ULL	/* EDMM: the dynamic heap starts here */

static const struct encl_backend *be = &encl_backend_hw;
static EVP_PKEY *key;
static uint8_t tcs_page[4096] __attribute__((aligned(4096)));
static uint8_t code_pages[8192] __attribute__((aligned(4096)));
static uint8_t params_buf[4096 + 8] __attribute__((aligned(4096)));

/*
 * A stand-in for __vdso_sgx_enter_enclave, following vsgx.S: it checks the
 * leaf and the reserved area, writes the leaf it saw and, after an
 * exception, the vector, error code and address into run, and calls the
 * handler with RDI, RSI, RDX (after an exception: vector, error code,
 * address). Its result is what vsgx.S leaves in RAX: it sets only EAX, so
 * -EINVAL arrives as 0x00000000ffffffea. Declared long for that reason
 * and called through the vDSO's type from vdso_call.S.
 */
enum fake_mode {
	FAKE_EEXIT,		/* the enclave EEXITs with new registers */
	FAKE_AEX,		/* an AEX: #PF with EXINFO, ERESUME in EAX */
	FAKE_EENTER_PF_SGX,	/* EENTER itself #PFs with X86_PF_SGX: EPC lost */
	FAKE_EENTER_GP,		/* EENTER itself #GPs: not a TCS */
	FAKE_REFUSE,		/* -EINVAL, as for a nonzero reserved area */
	FAKE_NO_LEAF,		/* returns 0 without writing run->function */
};
static enum fake_mode fake_mode;

#define FAKE_TCS	0x7000

static long fake_vdso(unsigned long rdi, unsigned long rsi, unsigned long rdx,
		      unsigned int function, unsigned long r8, unsigned long r9,
		      struct sgx_enclave_run *run)
{
	sgx_enclave_user_handler_t h = (sgx_enclave_user_handler_t)(uintptr_t)run->user_handler;
	unsigned vector = 0, error_code = 0;
	uint64_t addr = 0;

	if (function != SGX_EENTER && function != SGX_ERESUME)
		return (uint32_t)-EINVAL;
	for (unsigned i = 0; i < sizeof(run->reserved); i++)
		if (run->reserved[i])
			return (uint32_t)-EINVAL;
	if (r8 || r9 || run->tcs != FAKE_TCS)
		return (uint32_t)-EINVAL;
	switch (fake_mode) {
	case FAKE_EEXIT:
		run->function = SGX_EEXIT;
		rdi += 1; rsi += 2; rdx += 3;
		break;
	case FAKE_AEX:
		function = SGX_ERESUME;
		vector = X86_VEC_PF;
		error_code = X86_PF_USER | X86_PF_WRITE;
		addr = 0xdead000;
		break;
	case FAKE_EENTER_PF_SGX:
		vector = X86_VEC_PF;
		error_code = X86_PF_SGX | X86_PF_USER | X86_PF_PROT;
		addr = FAKE_TCS;
		break;
	case FAKE_EENTER_GP:
		vector = X86_VEC_GP;
		break;
	case FAKE_REFUSE:
		return (uint32_t)-EINVAL;
	case FAKE_NO_LEAF:
		return 0;
	}
	if (fake_mode != FAKE_EEXIT) {
		run->function = function;
		run->exception_vector = (uint16_t)vector;
		run->exception_error_code = (uint16_t)error_code;
		run->exception_addr = addr;
		rdi = vector; rsi = error_code; rdx = addr;
	}
	return h ? (uint32_t)h((long)rdi, (long)rsi, (long)rdx, 0, 0, 0, run) : 0;
}

static vdso_sgx_enter_enclave_t fake_entry(void)
{
	return (vdso_sgx_enter_enclave_t)(uintptr_t)fake_vdso;
}

static void setup(void)
{
	struct sgx_tcs *tcs = (struct sgx_tcs *)tcs_page;

	double_reset();
	hw_use_kernel(&hw_double_ops);
	hw_use_vdso(fake_entry());
	memset(tcs_page, 0, sizeof(tcs_page));
	tcs->ossa = 0x2000;
	tcs->nssa = 1;
	tcs->oentry = OFF_CODE;
	memset(code_pages, 0xcc, sizeof(code_pages));
	for (unsigned i = 0; i < 4096; i++)
		params_buf[3 + i] = (uint8_t)(i * 7);
}

/* What an SGX2 CPU with FLC reports, for the probe. */
static void canned_sgx2(struct sgx_cpu_info *ci)
{
	memset(ci, 0, sizeof(*ci));
	strcpy(ci->vendor, "GenuineIntel");
	ci->intel = ci->sgx = ci->flc = ci->sgx1 = ci->sgx2 = ci->exinfo = 1;
}

static void secs_init(struct sgx_secs *secs, uint64_t size)
{
	memset(secs, 0, sizeof(*secs));
	secs->size = size;
	secs->ssa_frame_size = 1;
	secs->attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
	secs->attributes.xfrm = SGX_XFRM_LEGACY;
	secs->miscselect = SGX_MISC_EXINFO;
}

/* The MRENCLAVE the test layout must produce, computed independently. */
static void expected_mrenclave(int edmm, uint64_t size, uint8_t mr[SGX_HASH_SIZE])
{
	struct sgx_measure *m = sgx_measure_new();

	CHECK_EQ_INT(sgx_measure_ecreate(m, 1, size), 0);
	CHECK_EQ_INT(sgx_measure_add_page(m, OFF_TCS, SGX_SECINFO_TCS, tcs_page, 1), 0);
	CHECK_EQ_INT(sgx_measure_add_page(m, OFF_CODE, REG_RX, code_pages, 1), 0);
	CHECK_EQ_INT(sgx_measure_add_page(m, OFF_CODE + 0x1000, REG_RX, code_pages + 4096, 1), 0);
	CHECK_EQ_INT(sgx_measure_add_page(m, OFF_PARAMS, REG_R, params_buf + 3, 1), 0);
	if (!edmm)
		CHECK_EQ_INT(sgx_measure_add_unmeasured(m, OFF_HEAP, HEAP_PAGES, REG_RW), 0);
	CHECK_EQ_INT(sgx_measure_finalize(m, mr), 0);
	sgx_measure_free(m);
}

/* A SIGSTRUCT for @mr that also requires @attributes, @misc and @xfrm (masks all ones). */
static void sign_requiring(struct sgx_sigstruct *ss, const uint8_t mr[SGX_HASH_SIZE],
			   uint64_t attributes, uint32_t misc, uint64_t xfrm)
{
	struct sgx_sigstruct_fields f;
	char err[256];

	memset(&f, 0, sizeof(f));
	f.date = 0x20260101;
	f.miscselect = SGX_MISC_EXINFO | misc;
	f.miscmask = ~0U;
	f.attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG | attributes;
	f.attributes.xfrm = SGX_XFRM_LEGACY | xfrm;
	f.attributemask.flags = ~0ULL;
	f.attributemask.xfrm = ~0ULL;
	memcpy(f.enclavehash, mr, SGX_HASH_SIZE);
	CHECK_EQ_INT(sgx_sigstruct_sign(ss, &f, key, err, sizeof(err)), 0);
}

static void sign(struct sgx_sigstruct *ss, const uint8_t mr[SGX_HASH_SIZE])
{
	sign_requiring(ss, mr, 0, 0, 0);
}

/* create, with @attributes added to the SECS, + the adds of the test layout; 0 or -1. */
static int build_with(struct encl_enclave *e, int edmm, uint64_t attributes)
{
	struct sgx_secs secs;
	uint64_t size = edmm ? 16 * MiB : 8 * MiB;

	memset(e, 0, sizeof(*e));
	e->be = be;
	secs_init(&secs, size);
	secs.attributes.flags |= attributes;
	if (be->create(e, &secs, edmm))
		return -1;
	if (be->add_pages(e, OFF_TCS, tcs_page, 4096, SGX_SECINFO_TCS, 1) ||
	    be->add_pages(e, OFF_CODE, code_pages, 8192, REG_RX, 1) ||
	    be->add_pages(e, OFF_PARAMS, params_buf + 3, 4096, REG_R, 1))
		return -1;
	if (!edmm && be->add_pages(e, OFF_HEAP, NULL, HEAP_PAGES * 4096, REG_RW, 0))
		return -1;
	return 0;
}

static int build(struct encl_enclave *e, int edmm)
{
	return build_with(e, edmm, 0);
}

/* build + EINIT with a correct SIGSTRUCT + map; 0 or -1. */
static int start(struct encl_enclave *e, int edmm)
{
	static struct sgx_sigstruct ss;
	uint8_t mr[SGX_HASH_SIZE];

	if (build(e, edmm))
		return -1;
	expected_mrenclave(edmm, e->size, mr);
	sign(&ss, mr);
	e->sigstruct_label = edmm ? "EDMM" : "SGX1";
	if (be->init(e, &ss))
		return -1;
	if (be->map(e, OFF_TCS, 4096, PROT_READ | PROT_WRITE) ||
	    be->map(e, OFF_CODE, 8192, PROT_READ | PROT_EXEC) ||
	    be->map(e, OFF_PARAMS, 4096, PROT_READ))
		return -1;
	if (!edmm)
		return be->map(e, OFF_HEAP, HEAP_PAGES * 4096, PROT_READ | PROT_WRITE);
	return be->map(e, OFF_DYN, e->size - OFF_DYN, PROT_READ | PROT_WRITE);
}

static void finish(struct encl_enclave *e)
{
	if (e->be)
		be->destroy(e);
	CHECK_EQ_INT(double_open_fds(), 0);
	CHECK_EQ_INT(double_epc_used(), 0);
}

/* ---- start-up ------------------------------------------------------------- */

static void test_startup_sgx1(void)
{
	struct encl_enclave e;
	unsigned long adds;

	setup();
	memset(&e, 0, sizeof(e));
	{
		struct sgx_secs secs;
		static struct sgx_sigstruct ss;
		uint8_t mr[SGX_HASH_SIZE];

		e.be = be;
		secs_init(&secs, 8 * MiB);
		CHECK_EQ_INT(be->create(&e, &secs, 0), 0);
		CHECK(e.base != 0 && (e.base & (8 * MiB - 1)) == 0);
		CHECK_EQ_INT(secs.base, e.base);
		CHECK_EQ_INT(double_secs_base(), e.base);
		CHECK_EQ_INT(double_secs_size(), 8 * MiB);
		CHECK_EQ_INT(be->add_pages(&e, OFF_TCS, tcs_page, 4096, SGX_SECINFO_TCS, 1), 0);
		CHECK_EQ_INT(be->add_pages(&e, OFF_CODE, code_pages, 8192, REG_RX, 1), 0);
		CHECK_EQ_INT(be->add_pages(&e, OFF_PARAMS, params_buf + 3, 4096, REG_R, 1), 0);

		/* The big heap batch: a signal before any page, a signal after
		 * 100 pages, a busy page, a signal after 500 more, then the rest. */
		adds = double_calls(SGX_IOC_ENCLAVE_ADD_PAGES);
		double_inject(SGX_IOC_ENCLAVE_ADD_PAGES, EINTR, 0);
		double_inject(SGX_IOC_ENCLAVE_ADD_PAGES, EINTR, 100);
		double_inject(SGX_IOC_ENCLAVE_ADD_PAGES, EAGAIN, 37);
		double_inject(SGX_IOC_ENCLAVE_ADD_PAGES, 0, 500);
		CHECK_EQ_INT(be->add_pages(&e, OFF_HEAP, NULL, HEAP_PAGES * 4096, REG_RW, 0), 0);
		CHECK_EQ_INT(double_injections_pending(), 0);
		/* One batch, resumed four times: five ioctls, not 1024. */
		CHECK_EQ_INT(double_calls(SGX_IOC_ENCLAVE_ADD_PAGES) - adds, 5);
		CHECK_EQ_INT(double_epc_used(), 1 + 4 + HEAP_PAGES);

		expected_mrenclave(0, 8 * MiB, mr);
		sign(&ss, mr);
		e.sigstruct_label = "SGX1";
		CHECK_EQ_INT(be->init(&e, &ss), 0);
		CHECK(double_initialized());
		CHECK_EQ_INT(be->map(&e, OFF_TCS, 4096, PROT_READ | PROT_WRITE), 0);
		CHECK_EQ_INT(be->map(&e, OFF_CODE, 8192, PROT_READ | PROT_EXEC), 0);
		CHECK_EQ_INT(be->map(&e, OFF_PARAMS, 4096, PROT_READ), 0);
		CHECK_EQ_INT(be->map(&e, OFF_HEAP, HEAP_PAGES * 4096, PROT_READ | PROT_WRITE), 0);

		CHECK_EQ_INT(double_epcm(OFF_TCS), EPCM_VALID | SGX_SECINFO_TCS);
		CHECK_EQ_INT(double_epcm(OFF_CODE + 0x1000), EPCM_VALID | REG_RX);
		CHECK_EQ_INT(double_epcm(OFF_HEAP + (HEAP_PAGES - 1) * 4096), EPCM_VALID | REG_RW);
		CHECK_EQ_INT(double_epcm(OFF_HEAP + HEAP_PAGES * 4096), 0);
		CHECK_EQ_INT(double_max_prot(OFF_TCS), PROT_READ | PROT_WRITE);
		finish(&e);
	}
}

static void test_startup_edmm(void)
{
	struct encl_enclave e;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	if (e.err[0])
		fprintf(stderr, "  %s\n", e.err);
	CHECK_EQ_INT(double_epc_used(), 1 + 4);
	CHECK_EQ_INT(double_epcm(OFF_DYN), 0);
	finish(&e);
}

/* An unmeasured page where the signer measured one is a different MRENCLAVE. */
static void test_measure_flag_matters(void)
{
	struct encl_enclave e;
	static struct sgx_sigstruct ss;
	struct sgx_secs secs;
	uint8_t mr[SGX_HASH_SIZE];

	setup();
	memset(&e, 0, sizeof(e));
	e.be = be;
	secs_init(&secs, 16 * MiB);
	CHECK_EQ_INT(be->create(&e, &secs, 1), 0);
	CHECK_EQ_INT(be->add_pages(&e, OFF_TCS, tcs_page, 4096, SGX_SECINFO_TCS, 1), 0);
	CHECK_EQ_INT(be->add_pages(&e, OFF_CODE, code_pages, 8192, REG_RX, 0), 0);
	CHECK_EQ_INT(be->add_pages(&e, OFF_PARAMS, params_buf + 3, 4096, REG_R, 1), 0);
	expected_mrenclave(1, 16 * MiB, mr);
	sign(&ss, mr);
	e.sigstruct_label = "EDMM";
	CHECK_EQ_INT(be->init(&e, &ss), -1);
	CHECK_EQ_INT(double_last_einit_code(), SGX_INVALID_MEASUREMENT);
	finish(&e);
}

/* ---- EINIT failures ----------------------------------------------------------- */

static void test_einit_failure_mainline(void)
{
	struct encl_enclave e;
	static struct sgx_sigstruct ss;
	uint8_t mr[SGX_HASH_SIZE];

	setup();
	CHECK_EQ_INT(build(&e, 0), 0);
	memset(mr, 0x5a, sizeof(mr));
	sign(&ss, mr);
	e.sigstruct_label = "SGX1";
	CHECK_EQ_INT(be->init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EPERM);
	CHECK_STR_CONTAINS(e.err, "EINIT failed for the SGX1 SIGSTRUCT");
	CHECK_EQ_INT(double_last_einit_code(), SGX_INVALID_MEASUREMENT);
	CHECK(!double_initialized());
	finish(&e);
}

static void test_einit_failure_code(void)
{
	struct encl_enclave e;
	static struct sgx_sigstruct ss;
	uint8_t mr[SGX_HASH_SIZE];

	setup();
	double_set_einit_positive(1);
	CHECK_EQ_INT(build(&e, 1), 0);
	expected_mrenclave(1, e.size, mr);
	sign(&ss, mr);
	ss.signature[7] ^= 1;
	e.sigstruct_label = "EDMM";
	CHECK_EQ_INT(be->init(&e, &ss), -1);
	CHECK_STR_CONTAINS(e.err, "EDMM SIGSTRUCT");
	CHECK_STR_CONTAINS(e.err, "SGX_INVALID_SIGNATURE");
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_SIGNATURE);

	/* The right SIGSTRUCT still works after a failed EINIT. */
	sign(&ss, mr);
	CHECK_EQ_INT(be->init(&e, &ss), 0);

	/* The wrong hash, on a fresh enclave: the code is named. */
	finish(&e);
	setup();
	double_set_einit_positive(1);
	CHECK_EQ_INT(build(&e, 1), 0);
	memset(mr, 1, sizeof(mr));
	sign(&ss, mr);
	e.sigstruct_label = "EDMM";
	CHECK_EQ_INT(be->init(&e, &ss), -1);
	CHECK_STR_CONTAINS(e.err, "SGX_INVALID_MEASUREMENT");
	CHECK_EQ_INT(e.sgx_result, SGX_INVALID_MEASUREMENT);
	finish(&e);
}

/* ---- EDMM sequences (the kernel selftests' shapes) ---------------------------- */

static void test_augment_via_eaccept(void)
{
	struct encl_enclave e;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	CHECK_EQ_INT(double_eaccept(OFF_DYN), SGX_SUCCESS);
	CHECK_EQ_INT(double_epcm(OFF_DYN), EPCM_VALID | REG_RW);
	CHECK_EQ_INT(double_max_prot(OFF_DYN), PROT_READ | PROT_WRITE | PROT_EXEC);
	/* A write without EACCEPT: EAUG, then the write meets the PENDING page. */
	CHECK_EQ_INT(double_access(OFF_DYN + 0x1000, PROT_WRITE), DOUBLE_FAULT_EPCM);
	CHECK_EQ_INT(double_epcm(OFF_DYN + 0x1000), EPCM_VALID | REG_RW | SGX_SECINFO_PENDING);
	CHECK_EQ_INT(double_eaccept(OFF_DYN + 0x1000), SGX_SUCCESS);
	finish(&e);
}

static void test_restrict_permissions(void)
{
	struct encl_enclave e;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	for (unsigned i = 0; i < 4; i++)
		CHECK_EQ_INT(double_eaccept(OFF_DYN + i * 0x1000), SGX_SUCCESS);
	double_inject(SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, EAGAIN, 2);
	double_inject(SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, EAGAIN, 0);
	CHECK_EQ_INT(be->restrict_permissions(&e, OFF_DYN, 0x4000, SGX_SECINFO_R), 0);
	CHECK_EQ_INT(double_injections_pending(), 0);
	for (unsigned i = 0; i < 4; i++) {
		CHECK_EQ_INT(double_epcm(OFF_DYN + i * 0x1000),
			     EPCM_VALID | REG_R | SGX_SECINFO_PR);
		CHECK_EQ_INT(double_eaccept(OFF_DYN + i * 0x1000), SGX_SUCCESS);
		CHECK_EQ_INT(double_epcm(OFF_DYN + i * 0x1000), EPCM_VALID | REG_R);
	}
	/* A TCS's permissions cannot be restricted (tcs_permissions). */
	CHECK_EQ_INT(be->restrict_permissions(&e, OFF_TCS, 0x1000, 0), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	/* A PENDING page: EMODPR fails, the ioctl reports the SGX code in result. */
	CHECK_EQ_INT(double_access(OFF_DYN + 0x8000, PROT_READ), DOUBLE_FAULT_EPCM);
	CHECK_EQ_INT(be->restrict_permissions(&e, OFF_DYN + 0x8000, 0x1000, SGX_SECINFO_R), -1);
	CHECK_EQ_INT(e.error, EFAULT);
	CHECK_EQ_INT(e.sgx_result, SGX_PAGE_NOT_MODIFIABLE);
	CHECK_STR_CONTAINS(e.err, "SGX_PAGE_NOT_MODIFIABLE");
	finish(&e);
}

static void test_trim_and_remove(void)
{
	struct encl_enclave e;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ_INT(double_eaccept(OFF_DYN + i * 0x1000), SGX_SUCCESS);
	CHECK_EQ_INT(double_epc_used(), 1 + 4 + 8);

	double_inject(SGX_IOC_ENCLAVE_MODIFY_TYPES, EAGAIN, 3);
	double_inject(SGX_IOC_ENCLAVE_MODIFY_TYPES, EAGAIN, 1);
	CHECK_EQ_INT(be->modify_types(&e, OFF_DYN, 0x8000, SGX_PT_TRIM), 0);
	CHECK_EQ_INT(double_injections_pending(), 0);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ_INT(double_epcm(OFF_DYN + i * 0x1000),
			     EPCM_VALID | SGX_SECINFO_TRIM | SGX_SECINFO_MODIFIED);

	/* Removing before the enclave's EACCEPT is refused (remove_added_page_no_eaccept). */
	CHECK_EQ_INT(be->remove_pages(&e, OFF_DYN, 0x8000), -1);
	CHECK_EQ_INT(e.error, EPERM);
	CHECK_STR_CONTAINS(e.err, "EACCEPT");

	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ_INT(double_eaccept(OFF_DYN + i * 0x1000), SGX_SUCCESS);
	double_inject(SGX_IOC_ENCLAVE_REMOVE_PAGES, EAGAIN, 5);
	CHECK_EQ_INT(be->remove_pages(&e, OFF_DYN, 0x8000), 0);
	for (unsigned i = 0; i < 8; i++)
		CHECK_EQ_INT(double_epcm(OFF_DYN + i * 0x1000), 0);
	CHECK_EQ_INT(double_epc_used(), 1 + 4);

	/* A removed page can be augmented again. */
	CHECK_EQ_INT(double_eaccept(OFF_DYN), SGX_SUCCESS);
	finish(&e);
}

static void test_tcs_create(void)
{
	struct encl_enclave e;

	struct sgx_tcs *tcs;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	tcs = (struct sgx_tcs *)(uintptr_t)(e.base + OFF_DYN);
	/* Two pages become TCSs: the enclave writes each before EMODT. */
	for (uint64_t off = OFF_DYN; off < OFF_DYN + 0x2000; off += 0x1000) {
		CHECK_EQ_INT(double_eaccept(off), SGX_SUCCESS);
		memset((void *)(uintptr_t)(e.base + off), 0, 0x1000);
		((struct sgx_tcs *)(uintptr_t)(e.base + off))->nssa = 1;
		CHECK_EQ_INT(be->modify_types(&e, off, 0x1000, SGX_PT_TCS), 0);
	}
	CHECK_EQ_INT(double_epcm(OFF_DYN), EPCM_VALID | SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED);
	/* EACCEPT checks the TCS as written: CSSA >= NSSA is refused... */
	tcs[1].cssa = 1;
	CHECK_EQ_INT(double_eaccept(OFF_DYN + 0x1000), EPCM_FAULT_GP);
	/* ... and an idle one is accepted. */
	CHECK_EQ_INT(double_eaccept(OFF_DYN), SGX_SUCCESS);
	CHECK_EQ_INT(double_epcm(OFF_DYN), EPCM_VALID | SGX_SECINFO_TCS);
	CHECK_EQ_INT(double_max_prot(OFF_DYN), PROT_READ | PROT_WRITE);
	/* And a TCS can be trimmed, but never turned back. */
	CHECK_EQ_INT(be->modify_types(&e, OFF_DYN, 0x1000, SGX_PT_TRIM), 0);
	CHECK_EQ_INT(be->modify_types(&e, OFF_DYN, 0x1000, SGX_PT_TCS), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	/* An EADDed R page was never vetted for RW: it cannot become a TCS. */
	CHECK_EQ_INT(be->modify_types(&e, OFF_PARAMS, 0x1000, SGX_PT_TCS), -1);
	CHECK_EQ_INT(e.error, EPERM);
	finish(&e);
}

/* ---- what the kernel refuses, request by request ------------------------------ */

static int raw(struct encl_enclave *e, unsigned long req, void *arg)
{
	struct hw_enclave *s = e->priv;

	errno = 0;
	return hw_double_ops.ioctl(s->fd, req, arg) == 0 ? 0 : errno;
}

static int raw_add(struct encl_enclave *e, uint64_t src, uint64_t offset, uint64_t length,
		   struct sgx_secinfo *si)
{
	struct sgx_enclave_add_pages a = {
		.src = src, .offset = offset, .length = length,
		.secinfo = (uint64_t)(uintptr_t)si, .flags = SGX_PAGE_MEASURE,
	};

	return raw(e, SGX_IOC_ENCLAVE_ADD_PAGES, &a);
}

static void test_reject_create(void)
{
	struct encl_enclave e;
	struct sgx_secs secs;
	struct sgx_enclave_create c = { .src = (uint64_t)(uintptr_t)&secs };
	int fd;

	setup();
	memset(&e, 0, sizeof(e));
	fd = hw_double_ops.open(HW_ENCLAVE_DEV, 0);
	CHECK(fd >= 0);

	secs_init(&secs, 3 * 4096);		/* not a power of two */
	secs.base = 0x40000000;
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), -1);
	CHECK_EQ_INT(errno, EINVAL);
	secs_init(&secs, 4096);			/* one page: ECREATE #GP */
	secs.base = 0x40000000;
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), -1);
	CHECK_EQ_INT(errno, EIO);
	secs_init(&secs, 8 * MiB);		/* base not naturally aligned */
	secs.base = 0x40001000;
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), -1);
	CHECK_EQ_INT(errno, EIO);
	secs.base = 0x40000000;
	secs.attributes.flags |= SGX_ATTR_INIT;	/* INIT may not be set by software */
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), -1);
	CHECK_EQ_INT(errno, EIO);
	secs_init(&secs, 8 * MiB);
	secs.base = 0x40000000;
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), 0);
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), -1);
	CHECK_EQ_INT(errno, EINVAL);		/* created twice */
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, _IO(SGX_MAGIC, 0x3f), NULL), -1);
	CHECK_EQ_INT(errno, ENOTTY);
	hw_double_ops.close(fd);
	CHECK_EQ_INT(double_open_fds(), 0);

	/* The backend checks SECS.SIZE before it asks. */
	setup();
	memset(&e, 0, sizeof(e));
	e.be = be;
	secs_init(&secs, 12 * 4096);
	CHECK_EQ_INT(be->create(&e, &secs, 0), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_STR_CONTAINS(e.err, "power of two");
	CHECK_EQ_INT(double_open_fds(), 0);
}

static void test_reject_add(void)
{
	struct encl_enclave e;
	struct sgx_secinfo si;
	uint64_t src = (uint64_t)(uintptr_t)code_pages;

	setup();
	CHECK_EQ_INT(build(&e, 0), 0);
	memset(&si, 0, sizeof(si));

	si.flags = REG_RW | (1ULL << 16);		/* reserved bit */
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 4096, &si), EINVAL);
	si.flags = REG_RW | SGX_SECINFO_PENDING;	/* state bits */
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 4096, &si), EINVAL);
	si.flags = SGX_SECINFO_REG | SGX_SECINFO_W;	/* W without R */
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 4096, &si), EINVAL);
	si.flags = SGX_SECINFO_TCS | SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_X;
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 4096, &si), EINVAL);
	si.flags = SGX_SECINFO_TRIM;			/* not REG or TCS */
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 4096, &si), EINVAL);
	si.flags = REG_RW;
	si.reserved[10] = 1;				/* reserved bytes */
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 4096, &si), EINVAL);
	si.reserved[10] = 0;

	CHECK_EQ_INT(raw_add(&e, src, 0x600800, 4096, &si), EINVAL);	/* offset unaligned */
	CHECK_EQ_INT(raw_add(&e, src, 8 * MiB, 4096, &si), EINVAL);	/* outside ELRANGE */
	CHECK_EQ_INT(raw_add(&e, src, 8 * MiB - 4096, 8192, &si), EINVAL);	/* runs past it */
	CHECK_EQ_INT(raw_add(&e, src, -4096ULL, 8192, &si), EINVAL);	/* wraps */
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 0, &si), EINVAL);	/* empty */
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 100, &si), EINVAL);	/* not whole pages */
	CHECK_EQ_INT(raw_add(&e, src + 8, 0x600000, 4096, &si), EINVAL);	/* src unaligned */
	CHECK_EQ_INT(raw_add(&e, src, OFF_CODE, 4096, &si), EBUSY);	/* already added */
	CHECK_EQ_INT(raw_add(&e, src, 0x600000, 4096, &si), 0);

	/* No SGX2 ioctl before EINIT. */
	{
		struct sgx_enclave_modify_types mt = { .offset = OFF_CODE, .length = 4096,
						       .page_type = SGX_PT_TRIM };
		struct sgx_enclave_remove_pages rp = { .offset = OFF_CODE, .length = 4096 };

		CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), EINVAL);
		CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_REMOVE_PAGES, &rp), EINVAL);
	}

	/* No EADD after EINIT. */
	{
		static struct sgx_sigstruct ss;
		struct sgx_measure *m = sgx_measure_new();
		uint8_t mr[SGX_HASH_SIZE];

		CHECK_EQ_INT(sgx_measure_ecreate(m, 1, 8 * MiB), 0);
		CHECK_EQ_INT(sgx_measure_add_page(m, OFF_TCS, SGX_SECINFO_TCS, tcs_page, 1), 0);
		CHECK_EQ_INT(sgx_measure_add_page(m, OFF_CODE, REG_RX, code_pages, 1), 0);
		CHECK_EQ_INT(sgx_measure_add_page(m, OFF_CODE + 0x1000, REG_RX, code_pages + 4096, 1), 0);
		CHECK_EQ_INT(sgx_measure_add_page(m, OFF_PARAMS, REG_R, params_buf + 3, 1), 0);
		CHECK_EQ_INT(sgx_measure_add_unmeasured(m, OFF_HEAP, HEAP_PAGES, REG_RW), 0);
		CHECK_EQ_INT(sgx_measure_add_page(m, 0x600000, REG_RW, code_pages, 1), 0);
		CHECK_EQ_INT(sgx_measure_finalize(m, mr), 0);
		sgx_measure_free(m);
		sign(&ss, mr);
		CHECK_EQ_INT(be->init(&e, &ss), 0);
		CHECK_EQ_INT(raw_add(&e, src, 0x700000, 4096, &si), EINVAL);
		CHECK_EQ_INT(be->add_pages(&e, 0x700000, code_pages, 4096, REG_RW, 1), -1);
		CHECK_EQ_INT(e.error, EINVAL);
		/* ...and no second EINIT. */
		CHECK_EQ_INT(be->init(&e, &ss), -1);
		CHECK_EQ_INT(e.error, EINVAL);
	}
	finish(&e);
}

static void test_reject_sgx2(void)
{
	struct encl_enclave e;
	struct sgx_enclave_restrict_permissions rp;
	struct sgx_enclave_modify_types mt;
	struct sgx_enclave_remove_pages rm;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	CHECK_EQ_INT(double_eaccept(OFF_DYN), SGX_SUCCESS);

	rp = (struct sgx_enclave_restrict_permissions){ OFF_DYN, 4096, SGX_SECINFO_R, 1, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp), EINVAL);	/* result != 0 */
	rp = (struct sgx_enclave_restrict_permissions){ OFF_DYN, 4096, SGX_SECINFO_R, 0, 4096 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp), EINVAL);	/* count != 0 */
	rp = (struct sgx_enclave_restrict_permissions){ OFF_DYN, 4096, SGX_SECINFO_W, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp), EINVAL);	/* W without R */
	rp = (struct sgx_enclave_restrict_permissions){ OFF_DYN, 4096, 0x8, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp), EINVAL);	/* not a permission */
	rp = (struct sgx_enclave_restrict_permissions){ OFF_DYN + 1, 4096, SGX_SECINFO_R, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp), EINVAL);	/* unaligned */
	rp = (struct sgx_enclave_restrict_permissions){ OFF_DYN + 0x5000, 4096, SGX_SECINFO_R, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS, &rp), EFAULT);	/* no page */

	mt = (struct sgx_enclave_modify_types){ OFF_DYN, 4096, SGX_PT_REG, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), EINVAL);	/* only TCS or TRIM */
	mt = (struct sgx_enclave_modify_types){ OFF_DYN, 4096, 0x104, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), EINVAL);	/* beyond the type mask */
	mt = (struct sgx_enclave_modify_types){ OFF_DYN, 4096, SGX_PT_TRIM, 0, 4096 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), EINVAL);	/* count != 0 */
	mt = (struct sgx_enclave_modify_types){ OFF_DYN, 0, SGX_PT_TRIM, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), EINVAL);	/* empty */
	mt = (struct sgx_enclave_modify_types){ e.size, 4096, SGX_PT_TRIM, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), EINVAL);	/* outside */

	rm = (struct sgx_enclave_remove_pages){ OFF_DYN, 4096, 4096 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_REMOVE_PAGES, &rm), EINVAL);	/* count != 0 */
	rm = (struct sgx_enclave_remove_pages){ OFF_DYN, 4096, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_REMOVE_PAGES, &rm), EPERM);	/* not TRIM */
	CHECK_EQ_INT(be->remove_pages(&e, OFF_DYN, 4096), -1);
	CHECK_EQ_INT(e.error, EPERM);

	/* Without SGX2 in the CPU, or in the kernel. */
	double_set_cpu_sgx2(0);
	mt = (struct sgx_enclave_modify_types){ OFF_DYN, 4096, SGX_PT_TRIM, 0, 0 };
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), ENODEV);
	CHECK_EQ_INT(be->modify_types(&e, OFF_DYN, 4096, SGX_PT_TRIM), -1);
	CHECK_STR_CONTAINS(e.err, "no SGX2");
	double_set_cpu_sgx2(1);
	double_set_kernel_edmm(0);
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_MODIFY_TYPES, &mt), ENOTTY);
	CHECK_EQ_INT(be->remove_pages(&e, OFF_DYN, 4096), -1);
	CHECK_STR_CONTAINS(e.err, "6.0");
	finish(&e);
}

static void test_reject_map(void)
{
	struct encl_enclave e;
	struct hw_enclave *s;
	void *at;

	setup();
	CHECK_EQ_INT(start(&e, 0), 0);
	s = e.priv;
	at = (void *)(uintptr_t)(e.base + OFF_CODE);
	/* More than the pages were added with. */
	CHECK_EQ_INT(be->map(&e, OFF_CODE, 8192, PROT_READ | PROT_WRITE), -1);
	CHECK_EQ_INT(e.error, EACCES);
	CHECK_STR_CONTAINS(e.err, "permissions the pages were added with");
	CHECK(!strstr(e.err, "noexec"));
	CHECK_EQ_INT(be->map(&e, OFF_TCS, 4096, PROT_READ | PROT_EXEC), -1);
	CHECK_EQ_INT(e.error, EACCES);
	/* MAP_PRIVATE is refused by the driver. */
	CHECK(hw_double_ops.mmap(at, 8192, PROT_READ, MAP_PRIVATE | MAP_FIXED, s->fd, 0) ==
	      MAP_FAILED);
	CHECK_EQ_INT(errno, EINVAL);
	/* Outside ELRANGE once initialized. */
	CHECK(hw_double_ops.mmap((void *)(uintptr_t)(e.base + e.size), 4096, PROT_READ,
				  MAP_SHARED | MAP_FIXED, s->fd, 0) == MAP_FAILED);
	CHECK_EQ_INT(errno, EACCES);
	CHECK_EQ_INT(be->map(&e, e.size - 4096, 8192, PROT_READ), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	/* /dev mounted noexec: do_mmap() says EPERM, and only for PROT_EXEC. */
	double_set_dev_noexec(1);
	CHECK_EQ_INT(be->map(&e, OFF_CODE, 8192, PROT_READ | PROT_EXEC), -1);
	CHECK_EQ_INT(e.error, EPERM);
	CHECK_STR_CONTAINS(e.err, "noexec");
	CHECK_STR_CONTAINS(e.err, "mount -o remount,exec /dev");
	CHECK_EQ_INT(be->map(&e, OFF_PARAMS, 4096, PROT_READ), 0);
	CHECK_EQ_INT(be->map(&e, OFF_CODE, 8192, PROT_READ | PROT_WRITE), -1);
	CHECK_EQ_INT(e.error, EACCES);
	CHECK(!strstr(e.err, "noexec"));
	finish(&e);
}

/* ---- the double as strict as the kernel ---------------------------------------- */

/*
 * ECREATE takes what CPUID.12H allows, privileged attributes included; the
 * driver refuses at EINIT what it does not grant (EACCES) and what SIGSTRUCT
 * requires of the reserved bits (EINVAL), before EINIT runs.
 */
static void test_reject_attributes(void)
{
	static const uint64_t privileged[] = { SGX_ATTR_PROVISIONKEY, SGX_ATTR_EINITTOKENKEY };
	static struct sgx_sigstruct ss;
	struct encl_enclave e;
	struct sgx_secs secs;
	struct sgx_enclave_create c = { .src = (uint64_t)(uintptr_t)&secs };
	uint8_t mr[SGX_HASH_SIZE];
	int fd;

	/* Beyond the CPU: ECREATE #GP, EIO. */
	setup();
	fd = hw_double_ops.open(HW_ENCLAVE_DEV, 0);
	secs_init(&secs, 8 * MiB);
	secs.base = 0x40000000;
	secs.attributes.flags |= SGX_ATTR_CET;
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), -1);
	CHECK_EQ_INT(errno, EIO);
	secs.attributes.flags &= ~SGX_ATTR_CET;
	secs.attributes.xfrm |= 1ULL << 9;	/* PKRU */
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), -1);
	CHECK_EQ_INT(errno, EIO);
	secs.attributes.xfrm = SGX_XFRM_LEGACY;
	secs.miscselect |= 0x2;
	CHECK_EQ_INT(hw_double_ops.ioctl(fd, SGX_IOC_ENCLAVE_CREATE, &c), -1);
	CHECK_EQ_INT(errno, EIO);
	hw_double_ops.close(fd);

	/* Privileged: created, then refused at EINIT without running it. */
	for (unsigned i = 0; i < 2; i++) {
		setup();
		CHECK_EQ_INT(build_with(&e, 0, privileged[i]), 0);
		expected_mrenclave(0, e.size, mr);
		sign(&ss, mr);
		e.sigstruct_label = "SGX1";
		CHECK_EQ_INT(be->init(&e, &ss), -1);
		CHECK_EQ_INT(e.error, EACCES);
		CHECK_STR_CONTAINS(e.err, "/dev/sgx_provision");
		CHECK_EQ_INT(double_last_einit_code(), 0);
		finish(&e);
	}
	/* KSS is granted: EINIT runs, and fails on the SIGSTRUCT's attributes. */
	setup();
	CHECK_EQ_INT(build_with(&e, 0, SGX_ATTR_KSS), 0);
	expected_mrenclave(0, e.size, mr);
	sign(&ss, mr);
	CHECK_EQ_INT(be->init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EPERM);
	CHECK_EQ_INT(double_last_einit_code(), SGX_INVALID_ATTRIBUTE);
	finish(&e);

	/* A SIGSTRUCT requiring reserved bits: EINVAL, EINIT never runs. */
	setup();
	CHECK_EQ_INT(build(&e, 0), 0);
	expected_mrenclave(0, e.size, mr);
	sign_requiring(&ss, mr, SGX_ATTR_CET, 0, 0);		/* reserved by the kernel */
	CHECK_EQ_INT(be->init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	sign_requiring(&ss, mr, 0, 0x2, 0);			/* no such MISCSELECT bit */
	CHECK_EQ_INT(be->init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	sign_requiring(&ss, mr, 0, 0, 1ULL << 9);		/* XFRM the CPU lacks */
	CHECK_EQ_INT(be->init(&e, &ss), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_EQ_INT(double_last_einit_code(), 0);
	sign(&ss, mr);
	CHECK_EQ_INT(be->init(&e, &ss), 0);
	finish(&e);
}

/*
 * Another ioctl of the same enclave in progress: the driver says EBUSY at
 * the door, and every request of the backend tries again.
 */
static void test_busy_ioctls(void)
{
	struct sgx_enclave_add_pages a;
	static struct sgx_sigstruct ss;
	uint8_t mr[SGX_HASH_SIZE];
	struct encl_enclave e;
	struct sgx_secinfo si;
	struct sgx_secs secs;

	setup();
	memset(&e, 0, sizeof(e));
	e.be = be;
	secs_init(&secs, 16 * MiB);
	double_inject_busy(SGX_IOC_ENCLAVE_CREATE);
	double_inject_busy(SGX_IOC_ENCLAVE_CREATE);
	CHECK_EQ_INT(be->create(&e, &secs, 1), 0);
	CHECK_EQ_INT(double_calls(SGX_IOC_ENCLAVE_CREATE), 3);

	/* Turned away, a request is not read: its count stays as it was. */
	memset(&si, 0, sizeof(si));
	si.flags = REG_RW;
	a = (struct sgx_enclave_add_pages){ .src = (uint64_t)(uintptr_t)code_pages,
		.offset = 0x700000, .length = 4096, .secinfo = (uint64_t)(uintptr_t)&si,
		.count = 0x5000 };
	double_inject_busy(SGX_IOC_ENCLAVE_ADD_PAGES);
	CHECK_EQ_INT(raw(&e, SGX_IOC_ENCLAVE_ADD_PAGES, &a), EBUSY);
	CHECK_EQ_INT(a.count, 0x5000);
	CHECK_EQ_INT(double_epcm(0x700000), 0);

	double_inject_busy(SGX_IOC_ENCLAVE_ADD_PAGES);
	CHECK_EQ_INT(be->add_pages(&e, OFF_TCS, tcs_page, 4096, SGX_SECINFO_TCS, 1), 0);
	double_inject_busy(SGX_IOC_ENCLAVE_ADD_PAGES);
	double_inject(SGX_IOC_ENCLAVE_ADD_PAGES, EINTR, 1);
	double_inject_busy(SGX_IOC_ENCLAVE_ADD_PAGES);
	CHECK_EQ_INT(be->add_pages(&e, OFF_CODE, code_pages, 8192, REG_RX, 1), 0);
	CHECK_EQ_INT(be->add_pages(&e, OFF_PARAMS, params_buf + 3, 4096, REG_R, 1), 0);
	CHECK_EQ_INT(double_injections_pending(), 0);
	CHECK_EQ_INT(double_epcm(OFF_CODE + 0x1000), EPCM_VALID | REG_RX);

	/* The other EBUSY of ADD_PAGES, a page already there, is an error still. */
	CHECK_EQ_INT(be->add_pages(&e, OFF_CODE, code_pages, 4096, REG_RX, 1), -1);
	CHECK_EQ_INT(e.error, EBUSY);
	CHECK_STR_CONTAINS(e.err, "already added");

	expected_mrenclave(1, e.size, mr);
	sign(&ss, mr);
	double_inject_busy(SGX_IOC_ENCLAVE_INIT);
	double_inject_busy(SGX_IOC_ENCLAVE_INIT);
	CHECK_EQ_INT(be->init(&e, &ss), 0);
	CHECK_EQ_INT(be->map(&e, OFF_DYN, e.size - OFF_DYN, PROT_READ | PROT_WRITE), 0);

	for (unsigned i = 0; i < 2; i++)
		CHECK_EQ_INT(double_eaccept(OFF_DYN + i * 0x1000), SGX_SUCCESS);
	double_inject_busy(SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS);
	CHECK_EQ_INT(be->restrict_permissions(&e, OFF_DYN, 0x2000, SGX_SECINFO_R), 0);
	double_inject_busy(SGX_IOC_ENCLAVE_MODIFY_TYPES);
	CHECK_EQ_INT(be->modify_types(&e, OFF_DYN, 0x2000, SGX_PT_TRIM), 0);
	for (unsigned i = 0; i < 2; i++)
		CHECK_EQ_INT(double_eaccept(OFF_DYN + i * 0x1000), SGX_SUCCESS);
	double_inject_busy(SGX_IOC_ENCLAVE_REMOVE_PAGES);
	CHECK_EQ_INT(be->remove_pages(&e, OFF_DYN, 0x2000), 0);
	CHECK_EQ_INT(double_epcm(OFF_DYN), 0);
	CHECK_EQ_INT(double_injections_pending(), 0);
	finish(&e);
}

/* /dev mounted noexec: found before the first page is added, and by the probe. */
static void test_noexec(void)
{
	struct sgx_cpu_info ci;
	struct encl_caps caps;
	struct encl_enclave e;
	struct sgx_secs secs;

	setup();
	double_set_dev_noexec(1);
	memset(&e, 0, sizeof(e));
	e.be = be;
	secs_init(&secs, 8 * MiB);
	CHECK_EQ_INT(be->create(&e, &secs, 0), -1);
	CHECK_EQ_INT(e.error, EPERM);
	CHECK_STR_CONTAINS(e.err, "mounted noexec");
	CHECK_EQ_INT(double_calls(SGX_IOC_ENCLAVE_CREATE), 0);
	CHECK_EQ_INT(double_open_fds(), 0);

	canned_sgx2(&ci);
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK(!caps.sgx1 && !caps.os_edmm);
	CHECK_STR_CONTAINS(caps.why_not, "noexec");
	CHECK_EQ_INT(double_open_fds(), 0);
}

/*
 * Where the kernel puts a mapping without MAP_FIXED (sgx_get_unmapped_area()
 * leaves it to the mm): anywhere, which the selftests' first probe of a
 * fresh enclave relies on, and outside ELRANGE once the enclave is
 * initialized, which sgx_encl_may_map() refuses.
 */
static void test_mmap_placement(void)
{
	struct encl_enclave e;
	struct hw_enclave *s;
	void *p;
	int fd;

	setup();
	fd = hw_double_ops.open(HW_ENCLAVE_DEV, 0);
	p = hw_double_ops.mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, fd, 0);
	CHECK(p != MAP_FAILED);
	if (p != MAP_FAILED)
		CHECK_EQ_INT(hw_double_ops.munmap(p, 4096), 0);
	CHECK(hw_double_ops.mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED);
	CHECK_EQ_INT(errno, EINVAL);
	CHECK(hw_double_ops.mmap((void *)0x40000800, 4096, PROT_READ, MAP_SHARED | MAP_FIXED,
				  fd, 0) == MAP_FAILED);
	CHECK_EQ_INT(errno, EINVAL);
	CHECK(hw_double_ops.mmap(NULL, 0, PROT_READ, MAP_SHARED, fd, 0) == MAP_FAILED);
	CHECK_EQ_INT(errno, EINVAL);
	hw_double_ops.close(fd);

	CHECK_EQ_INT(start(&e, 0), 0);
	s = e.priv;
	CHECK(hw_double_ops.mmap(NULL, 4096, PROT_READ, MAP_SHARED, s->fd, 0) == MAP_FAILED);
	CHECK_EQ_INT(errno, EACCES);
	finish(&e);
}

/* ---- the enclave's accesses: access_error(), then sgx_vma_fault() ------------- */

/* The VMA decides first: nothing reaches the driver, so nothing is EAUGed. */
static void test_fault_vma_first(void)
{
	struct encl_enclave e;
	uint64_t used;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	used = double_epc_used();

	/* A read-only VMA: a write faults before any EAUG; a read EAUGs. */
	CHECK_EQ_INT(be->map(&e, OFF_DYN, 0x1000, PROT_READ), 0);
	CHECK_EQ_INT(double_access(OFF_DYN, PROT_WRITE), DOUBLE_FAULT_VMA);
	CHECK_EQ_INT(double_access(OFF_DYN, PROT_EXEC), DOUBLE_FAULT_VMA);
	CHECK_EQ_INT(double_epcm(OFF_DYN), 0);
	CHECK_EQ_INT(double_epc_used(), used);
	CHECK_EQ_INT(double_eaccept(OFF_DYN), SGX_SUCCESS);	/* EACCEPT reads */
	CHECK_EQ_INT(double_epcm(OFF_DYN), EPCM_VALID | REG_RW);

	/* PROT_NONE refuses every access, EACCEPT's too. */
	CHECK_EQ_INT(be->map(&e, OFF_DYN + 0x1000, 0x1000, PROT_NONE), 0);
	CHECK_EQ_INT(double_access(OFF_DYN + 0x1000, PROT_READ), DOUBLE_FAULT_VMA);
	CHECK_EQ_INT(double_access(OFF_DYN + 0x1000, PROT_WRITE), DOUBLE_FAULT_VMA);
	CHECK_EQ_INT(double_eaccept(OFF_DYN + 0x1000), EPCM_FAULT_PF);
	CHECK_EQ_INT(double_last_fault(), DOUBLE_FAULT_VMA);

	/* No VMA at all. */
	CHECK_EQ_INT(hw_double_ops.munmap((void *)(uintptr_t)(e.base + OFF_DYN + 0x2000),
					   0x1000), 0);
	CHECK_EQ_INT(double_access(OFF_DYN + 0x2000, PROT_READ), DOUBLE_FAULT_VMA);
	CHECK_EQ_INT(double_eaccept(OFF_DYN + 0x2000), EPCM_FAULT_PF);
	CHECK_EQ_INT(double_last_fault(), DOUBLE_FAULT_VMA);

	CHECK_EQ_INT(double_epcm(OFF_DYN + 0x1000), 0);
	CHECK_EQ_INT(double_epcm(OFF_DYN + 0x2000), 0);
	CHECK_EQ_INT(double_epc_used(), used + 1);

	/* Without SGX2 a page without entry is VM_FAULT_SIGBUS. */
	double_set_cpu_sgx2(0);
	CHECK_EQ_INT(double_access(OFF_DYN + 0x3000, PROT_READ), DOUBLE_FAULT_SIGBUS);
	CHECK_EQ_INT(double_epcm(OFF_DYN + 0x3000), 0);
	finish(&e);
}

/*
 * vm_max_prot_bits at fault, mmap and mprotect time: an RWX VMA over a page
 * that became a TCS (max RW) gets SIGBUS, and neither mmap nor mprotect may
 * give it more than RW again.
 */
static void test_fault_max_prot(void)
{
	void *at;
	struct encl_enclave e;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	at = (void *)(uintptr_t)(e.base + OFF_DYN);
	CHECK_EQ_INT(be->map(&e, OFF_DYN, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC), 0);
	CHECK_EQ_INT(double_eaccept(OFF_DYN), SGX_SUCCESS);
	CHECK_EQ_INT(double_access(OFF_DYN, PROT_WRITE), DOUBLE_FAULT_NONE);
	CHECK_EQ_INT(double_access(OFF_DYN, PROT_EXEC), DOUBLE_FAULT_EPCM);	/* EPCM: RW */

	/* The enclave writes an idle TCS, then asks for the type change. */
	((struct sgx_tcs *)at)->nssa = 1;
	CHECK_EQ_INT(be->modify_types(&e, OFF_DYN, 0x1000, SGX_PT_TCS), 0);
	CHECK_EQ_INT(double_max_prot(OFF_DYN), PROT_READ | PROT_WRITE);
	CHECK_EQ_INT(double_eaccept(OFF_DYN), EPCM_FAULT_PF);
	CHECK_EQ_INT(double_last_fault(), DOUBLE_FAULT_SIGBUS);
	CHECK_EQ_INT(double_access(OFF_DYN, PROT_READ), DOUBLE_FAULT_SIGBUS);
	CHECK_EQ_INT(be->map(&e, OFF_DYN, 0x1000, PROT_READ | PROT_WRITE | PROT_EXEC), -1);
	CHECK_EQ_INT(e.error, EACCES);
	CHECK_EQ_INT(double_mprotect(at, 0x1000, PROT_READ | PROT_EXEC), -1);
	CHECK_EQ_INT(errno, EACCES);

	/* Through an RW VMA the enclave accepts its new TCS. */
	CHECK_EQ_INT(double_mprotect(at, 0x1000, PROT_READ | PROT_WRITE), 0);
	CHECK_EQ_INT(double_eaccept(OFF_DYN), SGX_SUCCESS);
	CHECK_EQ_INT(double_epcm(OFF_DYN), EPCM_VALID | SGX_SECINFO_TCS);
	finish(&e);
}

/* mprotect(): VM_MAYEXEC, then sgx_encl_may_map(), VMA by VMA; ENOMEM at a hole. */
static void test_mprotect(void)
{
	void *code, *heap_end;
	struct encl_enclave e;

	setup();
	CHECK_EQ_INT(start(&e, 0), 0);
	code = (void *)(uintptr_t)(e.base + OFF_CODE);
	heap_end = (void *)(uintptr_t)(e.base + OFF_HEAP + HEAP_PAGES * 4096);

	CHECK_EQ_INT(double_mprotect(code, 0x2000, PROT_READ), 0);
	CHECK_EQ_INT(double_access(OFF_CODE, PROT_EXEC), DOUBLE_FAULT_VMA);
	CHECK_EQ_INT(double_mprotect(code, 0x2000, PROT_READ | PROT_EXEC), 0);
	CHECK_EQ_INT(double_access(OFF_CODE + 0x1000, PROT_EXEC), DOUBLE_FAULT_NONE);
	CHECK_EQ_INT(double_mprotect(code, 0x2000, PROT_READ | PROT_WRITE), -1);
	CHECK_EQ_INT(errno, EACCES);
	CHECK_EQ_INT(double_access(OFF_CODE, PROT_WRITE), DOUBLE_FAULT_VMA);

	/* The heap's last page is done before the hole after it is found. */
	CHECK_EQ_INT(double_mprotect((char *)heap_end - 0x1000, 0x2000, PROT_READ), -1);
	CHECK_EQ_INT(errno, ENOMEM);
	CHECK_EQ_INT(double_access(OFF_HEAP + (HEAP_PAGES - 1) * 4096, PROT_WRITE),
		     DOUBLE_FAULT_VMA);

	/* Mapped from a noexec mount: no VM_MAYEXEC, whatever the pages allow. */
	double_set_dev_noexec(1);
	CHECK_EQ_INT(be->map(&e, OFF_CODE, 0x2000, PROT_READ), 0);
	CHECK_EQ_INT(double_mprotect(code, 0x2000, PROT_READ | PROT_EXEC), -1);
	CHECK_EQ_INT(errno, EACCES);
	finish(&e);
}

/* ---- the user-visible failures ------------------------------------------------- */

static void test_failure_messages(void)
{
	struct encl_enclave e;
	struct sgx_secs secs;

	setup();
	double_set_device_errno(ENOENT);
	memset(&e, 0, sizeof(e));
	secs_init(&secs, 8 * MiB);
	CHECK_EQ_INT(be->create(&e, &secs, 0), -1);
	CHECK_STR_CONTAINS(e.err, "no /dev/sgx_enclave");
	CHECK(!strchr(e.err, '\n'));

	setup();
	double_set_device_errno(EACCES);
	memset(&e, 0, sizeof(e));
	CHECK_EQ_INT(be->create(&e, &secs, 0), -1);
	CHECK_EQ_INT(e.error, EACCES);
	CHECK_STR_CONTAINS(e.err, "'sgx' group");
	CHECK_STR_CONTAINS(e.err, "/dev/sgx_enclave");

	/* The EPC runs out in the middle of the heap. */
	setup();
	double_set_epc_pages(300);
	CHECK_EQ_INT(build(&e, 0), -1);
	CHECK_EQ_INT(e.error, ENOMEM);
	CHECK_STR_CONTAINS(e.err, "EPC is exhausted");
	CHECK_STR_CONTAINS(e.err, "0x");
	finish(&e);

	/* Source pages from a noexec mount. */
	setup();
	double_set_src_noexec(1);
	CHECK_EQ_INT(build(&e, 0), -1);
	CHECK_EQ_INT(e.error, EACCES);
	CHECK_STR_CONTAINS(e.err, "noexec");
	finish(&e);

	/* A persistent ENOMEM in ECREATE. */
	setup();
	double_set_epc_pages(0);
	memset(&e, 0, sizeof(e));
	CHECK_EQ_INT(be->create(&e, &secs, 0), -1);
	CHECK_STR_CONTAINS(e.err, "EPC is exhausted");
	CHECK_EQ_INT(double_open_fds(), 0);
}

/* ---- probe ----------------------------------------------------------------------- */

static void test_probe_double(void)
{
	struct sgx_cpu_info ci;
	struct encl_caps caps;

	setup();
	canned_sgx2(&ci);
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK(caps.sgx1 && caps.sgx2 && caps.os_edmm && caps.exinfo);
	CHECK_EQ_INT(caps.why_not[0], 0);
	CHECK_EQ_INT(double_open_fds(), 0);
	CHECK_EQ_INT(double_calls(SGX_IOC_ENCLAVE_MODIFY_TYPES), 1);

	double_set_kernel_edmm(0);
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK(caps.sgx1 && caps.sgx2 && !caps.os_edmm);
	CHECK_STR_CONTAINS(caps.why_not, "6.0");

	double_set_kernel_edmm(1);
	double_set_cpu_sgx2(0);
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK(caps.sgx1 && !caps.os_edmm);
	CHECK_STR_CONTAINS(caps.why_not, "SGX2");

	ci.sgx2 = 0;
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK(caps.sgx1 && !caps.sgx2);
	CHECK_STR_CONTAINS(caps.why_not, "SGX1 only");

	canned_sgx2(&ci);
	double_set_device_errno(ENOENT);
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK(!caps.sgx1);
	CHECK_STR_CONTAINS(caps.why_not, "no /dev/sgx_enclave");
	double_set_device_errno(EACCES);
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK(!caps.sgx1);
	CHECK_STR_CONTAINS(caps.why_not, "'sgx' group");

	ci.flc = 0;
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK(!caps.sgx1);
	CHECK_STR_CONTAINS(caps.why_not, "launch control");
	CHECK_EQ_INT(double_open_fds(), 0);
}

/* encl detect's facts, fact by fact, with the probe's verdict among them. */
static void test_describe_double(void)
{
	struct sgx_cpu_info ci;
	struct encl_hw_facts f;

	setup();
	canned_sgx2(&ci);
	hw_describe_cpu(&ci, &f);
	CHECK(f.cpu_why == NULL);
	CHECK_STR_CONTAINS(f.cpu.vendor, "GenuineIntel");
	CHECK(!strcmp(f.dev_enclave, "present"));
	CHECK(!strcmp(f.dev_provision, "absent"));	/* the double has no such device */
	CHECK_EQ_INT(f.vdso_entry, 1);
	CHECK(f.caps.sgx1 && f.caps.sgx2 && f.caps.os_edmm);
	CHECK_EQ_INT(double_open_fds(), 0);

	double_set_device_errno(EACCES);
	hw_describe_cpu(&ci, &f);
	CHECK(!strcmp(f.dev_enclave, "present, permission denied"));
	CHECK(!f.caps.sgx1);
	CHECK_STR_CONTAINS(f.caps.why_not, "'sgx' group");
	double_set_device_errno(ENXIO);
	hw_describe_cpu(&ci, &f);
	CHECK(!strcmp(f.dev_enclave, "present, cannot be opened"));
	double_set_device_errno(0);

	hw_use_vdso(NULL);
	hw_describe_cpu(&ci, &f);
	CHECK_EQ_INT(f.vdso_entry, 0);
	CHECK(!f.caps.sgx1);

	ci.sgx = ci.sgx1 = ci.sgx2 = 0;
	hw_describe_cpu(&ci, &f);
	CHECK(f.cpu_why != NULL);
	CHECK_STR_CONTAINS(f.caps.why_not, f.cpu_why);
	CHECK_EQ_INT(double_open_fds(), 0);
	hw_use_vdso(fake_entry());
}

/* The real probe on this machine: no crash, and a reason naming the CPU. */
static void test_probe_this_machine(void)
{
	struct sgx_cpu_info ci;
	struct encl_caps caps;
	char why[160];

	hw_use_kernel(NULL);
	sgx_cpu_info_read(&ci);
	CHECK_EQ_INT(encl_backend_hw.probe(&caps), 0);
	printf("  # this machine: %s\n", caps.why_not[0] ? caps.why_not : "SGX usable");
	if (!sgx_cpu_why_not(&ci, why, sizeof(why))) {
		SKIP("this CPU has SGX: the no-SGX reason cannot be checked here");
		return;
	}
	CHECK(!caps.sgx1 && !caps.sgx2 && !caps.os_edmm);
	CHECK_STR_CONTAINS(caps.why_not, ci.intel ? "SGX" : "no SGX");
	if (!strcmp(ci.vendor, "AuthenticAMD"))
		CHECK_STR_CONTAINS(caps.why_not, "AMD");
}

/* ---- vDSO ------------------------------------------------------------------------ */

static void test_vdso_lookup(void)
{
	typedef int (*gettime_t)(clockid_t, struct timespec *);
	gettime_t gt = (gettime_t)hw_vdso_sym("__vdso_clock_gettime", "LINUX_2.6");
	struct timespec a, b, c;
	static const uint8_t junk[256] = { 0x7f, 'E', 'L', 'F', 1 };

	CHECK(gt != NULL);
	if (gt) {
		CHECK_EQ_INT(clock_gettime(CLOCK_MONOTONIC, &a), 0);
		CHECK_EQ_INT(gt(CLOCK_MONOTONIC, &b), 0);
		CHECK_EQ_INT(clock_gettime(CLOCK_MONOTONIC, &c), 0);
		CHECK(b.tv_sec > a.tv_sec || (b.tv_sec == a.tv_sec && b.tv_nsec >= a.tv_nsec));
		CHECK(c.tv_sec > b.tv_sec || (c.tv_sec == b.tv_sec && c.tv_nsec >= b.tv_nsec));
	}
	CHECK(hw_vdso_sym("__vdso_clock_gettime", NULL) == (void *)gt);
	CHECK(hw_vdso_sym("__vdso_clock_gettime", "LINUX_9.9") == NULL);
	CHECK(hw_vdso_sym("__vdso_no_such_symbol", "LINUX_2.6") == NULL);
	CHECK(hw_vdso_lookup(junk, "__vdso_clock_gettime", NULL) == NULL);
	CHECK(hw_vdso_lookup(NULL, "__vdso_clock_gettime", NULL) == NULL);
	/*
	 * Whether this vDSO has the SGX entry says how the kernel was built
	 * (CONFIG_X86_SGX), not whether the machine has SGX: nothing to check
	 * against, test_vdso_and_device takes it as an input.
	 */
	printf("  # this vDSO: %s __vdso_sgx_enter_enclave\n",
	       hw_vdso_sym("__vdso_sgx_enter_enclave", "LINUX_2.6") ? "has" : "lacks");
}

/*
 * The probe for one combination of the vDSO lookup's result and the device:
 * usable only with both, and the reason names the device first.
 */
static void check_vdso_and_device(vdso_sgx_enter_enclave_t found, int device_errno)
{
	struct sgx_cpu_info ci;
	struct encl_caps caps;

	setup();
	hw_use_vdso(found);
	double_set_device_errno(device_errno);
	canned_sgx2(&ci);
	CHECK_EQ_INT(hw_probe_cpu(&ci, &caps), 0);
	CHECK_EQ_INT(caps.sgx1, !device_errno && found);
	if (device_errno)
		CHECK_STR_CONTAINS(caps.why_not, "no /dev/sgx_enclave");
	else if (!found)
		CHECK_STR_CONTAINS(caps.why_not, "no __vdso_sgx_enter_enclave");
	else
		CHECK_EQ_INT(caps.why_not[0], 0);
	CHECK_EQ_INT(double_open_fds(), 0);
}

static void test_vdso_and_device(void)
{
	struct encl_enclave e;
	struct encl_run run;

	/* The machines there are: a distribution kernel (entry, no device), ... */
	check_vdso_and_device(fake_entry(), ENOENT);
	check_vdso_and_device(NULL, ENOENT);		/* a kernel without CONFIG_X86_SGX */
	check_vdso_and_device(fake_entry(), 0);		/* SGX */
	check_vdso_and_device(NULL, 0);			/* an out-of-tree driver, old kernel */
	/* ...and this one, whatever its vDSO has. */
	hw_use_real_vdso();
	check_vdso_and_device(hw_vdso_enter(), ENOENT);

	/* Without the entry, enter says which piece is missing. */
	hw_use_vdso(NULL);
	memset(&e, 0, sizeof(e));
	memset(&run, 0, sizeof(run));
	run.tcs = FAKE_TCS;
	run.function = SGX_EENTER;
	CHECK_EQ_INT(encl_backend_hw.enter(&e, &run), -1);
	CHECK_EQ_INT(e.error, ENOSYS);
	CHECK_STR_CONTAINS(e.err, "__vdso_sgx_enter_enclave");
	CHECK_STR_CONTAINS(e.err, "CONFIG_X86_SGX");
}

/* An entry as the host's run loop makes it after an ocall: ORET, the area in RSI. */
static int enter_after_ocall(struct encl_enclave *e, struct encl_run *run, enum fake_mode mode)
{
	fake_mode = mode;
	memset(e, 0, sizeof(*e));
	memset(run, 0, sizeof(*run));
	run->tcs = FAKE_TCS;
	run->function = SGX_EENTER;
	run->rdi = ENCL_OP_ORET;
	run->rsi = 0x7f0000001000;
	return encl_backend_hw.enter(e, run);
}

static void test_enter_fake_vdso(void)
{
	struct encl_enclave e;
	struct encl_run run;

	setup();
	CHECK_EQ_INT(enter_after_ocall(&e, &run, FAKE_EEXIT), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);
	CHECK_EQ_INT(run.rdi, ENCL_OP_ORET + 1);
	CHECK_EQ_INT(run.rsi, 0x7f0000001002);
	CHECK_EQ_INT(run.rdx, 3);

	CHECK_EQ_INT(enter_after_ocall(&e, &run, FAKE_AEX), 0);
	CHECK_EQ_INT(run.function, SGX_ERESUME);
	CHECK_EQ_INT(run.exception_vector, X86_VEC_PF);
	CHECK_EQ_INT(run.exception_error_code, X86_PF_USER | X86_PF_WRITE);
	CHECK_EQ_INT(run.exception_addr, 0xdead000);

	run.function = SGX_EEXIT;
	CHECK_EQ_INT(encl_backend_hw.enter(&e, &run), -1);
	CHECK_EQ_INT(e.error, EINVAL);
}

/*
 * EENTER itself faults (the EPC lost across a suspend: #PF with X86_PF_SGX
 * on the TCS). The vDSO leaves EENTER as the leaf and RDI/RSI as they went
 * in, and ORET reads like the "return" exit: the entry must fail, with the
 * fault, and never look like an EEXIT.
 */
static void test_enter_faults(void)
{
	struct encl_enclave e;
	struct encl_run run;

	setup();
	_Static_assert(ENCL_OP_ORET == ENCL_EXIT_RETURN, "the case this test is about");
	CHECK_EQ_INT(enter_after_ocall(&e, &run, FAKE_EENTER_PF_SGX), -1);
	CHECK(run.function != SGX_EEXIT);
	CHECK_EQ_INT(run.exception_vector, X86_VEC_PF);
	CHECK_EQ_INT(run.exception_error_code, X86_PF_SGX | X86_PF_USER | X86_PF_PROT);
	CHECK_EQ_INT(run.exception_addr, FAKE_TCS);
	CHECK_EQ_INT(e.error, EFAULT);
	CHECK_STR_CONTAINS(e.err, "EENTER faulted: #PF (vector 14, error code 0x8005, address 0x7000)");
	CHECK_STR_CONTAINS(e.err, "memory was lost");

	CHECK_EQ_INT(enter_after_ocall(&e, &run, FAKE_EENTER_GP), -1);
	CHECK(run.function != SGX_EEXIT);
	CHECK_EQ_INT(run.exception_vector, X86_VEC_GP);
	CHECK_STR_CONTAINS(e.err, "EENTER faulted: #GP (vector 13");

	/* A leaf that is neither an exit nor an exception. */
	CHECK_EQ_INT(enter_after_ocall(&e, &run, FAKE_NO_LEAF), -1);
	CHECK(run.function != SGX_EEXIT);
	CHECK_EQ_INT(e.error, EPROTO);
	CHECK_STR_CONTAINS(e.err, "leaf 0");
}

/* The vDSO's int in EAX: -EINVAL is an error named as such, not a leaf. */
static void test_enter_refused(void)
{
	struct encl_enclave e;
	struct encl_run run;

	setup();
	CHECK_EQ_INT(enter_after_ocall(&e, &run, FAKE_REFUSE), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_STR_CONTAINS(e.err, "-22 (EINVAL");
	CHECK(run.function != SGX_EEXIT);
}

/* ---- several threads on one enclave ---------------------------------------- */

struct edmm_worker {
	pthread_t th;
	struct encl_enclave *e;
	uint64_t first;			/* its own 4 pages, from here */
	unsigned rounds, good;
	char err[256];
};

/*
 * One page cycle of an enclave thread's memory manager: add (EACCEPT of a
 * page without entry: EAUG on fault), restrict, trim and remove, with the
 * host's side through the backend and the enclave's through the double.
 */
static int page_cycle(struct edmm_worker *w, struct encl_enclave *view)
{
	for (unsigned i = 0; i < 4; i++)
		if (double_eaccept(w->first + i * 0x1000) != SGX_SUCCESS)
			return -1;
	if (be->restrict_permissions(view, w->first, 0x4000, SGX_SECINFO_R))
		return -1;
	for (unsigned i = 0; i < 4; i++)
		if (double_eaccept(w->first + i * 0x1000) != SGX_SUCCESS)
			return -1;
	if (be->modify_types(view, w->first, 0x4000, SGX_PT_TRIM))
		return -1;
	for (unsigned i = 0; i < 4; i++)
		if (double_eaccept(w->first + i * 0x1000) != SGX_SUCCESS)
			return -1;
	return be->remove_pages(view, w->first, 0x4000);
}

static void *edmm_worker(void *p)
{
	struct edmm_worker *w = p;
	struct encl_enclave view = *w->e;

	for (unsigned r = 0; r < w->rounds; r++) {
		if (page_cycle(w, &view)) {
			snprintf(w->err, sizeof(w->err), "round %u: %.200s", r, view.err);
			break;
		}
		w->good++;
	}
	return NULL;
}

/*
 * Threads that run the EDMM ioctls on one enclave at once, as the ocalls
 * of several enclave threads do. The kernel (here the double, with ioctls
 * made long enough to meet) lets one in at a time and answers EBUSY to
 * the others; the backend's requests take turns instead, so each is one
 * ioctl and no thread can be starved by retries.
 */
static void test_concurrent_ioctls(void)
{
	struct edmm_worker w[3];
	struct encl_enclave e;

	setup();
	CHECK_EQ_INT(start(&e, 1), 0);
	double_set_ioctl_hold(50);
	for (int i = 0; i < 3; i++) {
		w[i] = (struct edmm_worker){ .e = &e, .first = OFF_DYN + (uint64_t)i * 0x10000,
					     .rounds = 200 };
		CHECK_EQ_INT(pthread_create(&w[i].th, NULL, edmm_worker, &w[i]), 0);
	}
	for (int i = 0; i < 3; i++) {
		pthread_join(w[i].th, NULL);
		if (w[i].good != w[i].rounds)
			fprintf(stderr, "  thread %d: %s\n", i, w[i].err);
		CHECK_EQ_INT(w[i].good, w[i].rounds);
		for (unsigned p = 0; p < 4; p++)
			CHECK_EQ_INT(double_epcm(w[i].first + p * 0x1000), 0);
	}
	CHECK_EQ_INT(double_calls(SGX_IOC_ENCLAVE_REMOVE_PAGES), 3 * 200);
	/* The backend's threads took turns: none was turned away and retried. */
	CHECK_EQ_INT(double_calls(SGX_IOC_ENCLAVE_RESTRICT_PERMISSIONS), 3 * 200);
	CHECK_EQ_INT(double_calls(SGX_IOC_ENCLAVE_MODIFY_TYPES), 3 * 200);
	double_set_ioctl_hold(0);
	CHECK_EQ_INT(double_epc_used(), 1 + 4);
	finish(&e);
}

/* ---- signals: an interrupted enclave --------------------------------------- */

/*
 * A second fake vDSO, in assembly and shaped like vsgx.S where it
 * matters: one ENCLU that is both the entry and the AEP (RCX), followed by
 * the EEXIT path, which reloads run through RBP, records EEXIT and calls
 * the handler with RDI, RSI, RDX as the enclave left them. There is no
 * enclave: ENCLU traps here (SIGILL, or SIGSEGV on a CPU with SGX), and
 * the test's trap handler plays the CPU (cpu_trap below).
 */
extern const char fake_aep[];
int fake_vdso_enclu(unsigned long rdi, unsigned long rsi, unsigned long rdx,
		    unsigned int function, unsigned long r8, unsigned long r9,
		    struct sgx_enclave_run *run);

__asm__(
	".text\n"
	".globl fake_vdso_enclu, fake_aep\n"
	"fake_vdso_enclu:\n"
	"	push %rbp\n"
	"	mov %rsp, %rbp\n"
	"	push %rbx\n"
	"	mov %ecx, %eax\n"
	"	cmp $2, %eax\n"
	"	jb 8f\n"
	"	cmp $3, %eax\n"
	"	ja 8f\n"
	"	mov 16(%rbp), %rcx\n"
	"	mov (%rcx), %rbx\n"			/* run->tcs */
	"	lea fake_aep(%rip), %rcx\n"
	"fake_aep:\n"
	"	.byte 0x0f, 0x01, 0xd7\n"		/* ENCLU: EENTER, ERESUME, and the AEP */
	"	mov 16(%rbp), %rbx\n"
	"	movl $4, 8(%rbx)\n"			/* run->function = EEXIT */
	"	mov 24(%rbx), %rax\n"			/* run->user_handler */
	"	test %rax, %rax\n"
	"	jz 7f\n"
	"	mov %rsp, %rcx\n"
	"	push %rbx\n"				/* run, the 7th argument */
	"	call *%rax\n"
	"	add $8, %rsp\n"
	"	jmp 9f\n"
	"7:	xor %eax, %eax\n"
	"	jmp 9f\n"
	"8:	mov $-22, %eax\n"
	"9:	pop %rbx\n"
	"	leave\n"
	"	ret\n");

/* What the enclave behind fake_aep does when it is entered. */
enum cpu_mode {
	CPU_EXIT,		/* EENTER: EEXIT at once, RDI + 1, RSI = the TCS */
	CPU_INTERRUPT,		/* EENTER: an interrupt AEX and a signal; ERESUME: EEXIT */
	CPU_SIGNAL_FIRST,	/* a signal at the ENCLU before EENTER runs, then EEXIT */
	CPU_AEX_OTHER_TCS,	/* an AEX state naming another TCS, and a signal */
};
static enum cpu_mode cpu_mode;
static unsigned long cpu_aexes, cpu_resumes;
static unsigned long hw_notes[65];
#define RESUMED_RDI	0x600d

static void hw_note(int sig)
{
	__atomic_fetch_add(&hw_notes[sig], 1, __ATOMIC_RELAXED);
}

static unsigned long hw_noted(int sig)
{
	return __atomic_load_n(&hw_notes[sig], __ATOMIC_RELAXED);
}

/* The AEX and the kernel: synthetic state at the AEP, then SIGUSR1 delivered there. */
static void aex_then_signal(greg_t *g, uint64_t tcs)
{
	for (int r = REG_R8; r <= REG_R15; r++)
		g[r] = 0;
	g[REG_RDI] = g[REG_RSI] = g[REG_RDX] = 0;
	g[REG_RAX] = SGX_ERESUME;
	g[REG_RBX] = (greg_t)tcs;
	g[REG_RCX] = (greg_t)(uintptr_t)fake_aep;
	__atomic_fetch_add(&cpu_aexes, 1, __ATOMIC_RELAXED);
	/* Blocked in this handler: delivered at the AEP when it returns. */
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
}

static void eexit(greg_t *g, uint64_t rdi, uint64_t rsi)
{
	g[REG_RAX] = SGX_EEXIT;
	g[REG_RDI] = (greg_t)rdi;
	g[REG_RSI] = (greg_t)rsi;
	g[REG_RDX] = 0;
	g[REG_RIP] += 3;
}

static __thread int signalled_first;

static void cpu_trap(int sig, siginfo_t *info, void *uc_)
{
	greg_t *g = ((ucontext_t *)uc_)->uc_mcontext.gregs;

	(void)info;
	if (g[REG_RIP] != (greg_t)(uintptr_t)fake_aep) {
		signal(sig, SIG_DFL);	/* not ours: crash as usual */
		return;
	}
	if (g[REG_RAX] == SGX_ERESUME) {
		__atomic_fetch_add(&cpu_resumes, 1, __ATOMIC_RELAXED);
		eexit(g, RESUMED_RDI, (uint64_t)g[REG_RBX]);
		return;
	}
	switch (cpu_mode) {
	case CPU_EXIT:
		eexit(g, (uint64_t)g[REG_RDI] + 1, (uint64_t)g[REG_RBX]);
		break;
	case CPU_INTERRUPT:
		aex_then_signal(g, (uint64_t)g[REG_RBX]);
		break;
	case CPU_SIGNAL_FIRST:
		if (!signalled_first) {
			signalled_first = 1;	/* ENCLU again after the signal */
			syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
		} else {
			signalled_first = 0;
			eexit(g, (uint64_t)g[REG_RDI] + 1, (uint64_t)g[REG_RBX]);
		}
		break;
	case CPU_AEX_OTHER_TCS:
		aex_then_signal(g, (uint64_t)g[REG_RBX] + 0x1000);
		break;
	}
}

static struct sigaction saved_ill, saved_segv;

static int cpu_on(void)
{
	struct sigaction sa;
	struct encl_enclave e;

	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = cpu_trap;
	sa.sa_flags = SA_SIGINFO;
	sigaddset(&sa.sa_mask, SIGUSR1);
	memset(&e, 0, sizeof(e));
	if (sigaction(SIGILL, &sa, &saved_ill) || sigaction(SIGSEGV, &sa, &saved_segv) ||
	    encl_backend_hw.catch_signals(&e, 1ULL << (SIGUSR1 - 1), hw_note)) {
		fprintf(stderr, "  %s\n", e.err);
		return -1;
	}
	hw_use_vdso(fake_vdso_enclu);
	return 0;
}

static void cpu_off(void)
{
	sigaction(SIGILL, &saved_ill, NULL);
	sigaction(SIGSEGV, &saved_segv, NULL);
	hw_use_vdso(fake_entry());
}

static int enclu_enter(struct encl_enclave *e, struct encl_run *run, uint64_t tcs,
		       uint32_t function, uint64_t rdi)
{
	memset(e, 0, sizeof(*e));
	run->tcs = tcs;
	run->function = function;
	run->rdi = rdi;
	run->rsi = run->rdx = 0;
	return encl_backend_hw.enter(e, run);
}

/*
 * A signal that interrupts enclave code: the vDSO would ERESUME at its
 * AEP; the handler makes it return instead, and enter() reports
 * ENCL_RUN_INTERRUPT. The host's ERESUME then resumes the enclave.
 */
static void test_signal_interrupts_enclave(void)
{
	unsigned long notes = hw_noted(SIGUSR1), aexes = cpu_aexes, resumes = cpu_resumes;
	struct encl_enclave e;
	struct encl_run run;

	CHECK_EQ_INT(cpu_on(), 0);
	cpu_mode = CPU_INTERRUPT;
	memset(&run, 0, sizeof(run));
	CHECK_EQ_INT(enclu_enter(&e, &run, FAKE_TCS, SGX_EENTER, ENCL_OP_ORET), 0);
	CHECK_EQ_INT(run.function, SGX_ERESUME);
	CHECK_EQ_INT(run.exception_vector, ENCL_RUN_INTERRUPT);
	CHECK_EQ_INT(run.exception_error_code, 0);
	CHECK_EQ_INT(run.exception_addr, 0);
	CHECK_EQ_INT(hw_noted(SIGUSR1), notes + 1);
	CHECK_EQ_INT(cpu_aexes, aexes + 1);
	CHECK_EQ_INT(cpu_resumes, resumes);		/* the vDSO did not ERESUME by itself */

	CHECK_EQ_INT(enclu_enter(&e, &run, FAKE_TCS, SGX_ERESUME, 0), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);
	CHECK_EQ_INT(run.rdi, RESUMED_RDI);
	CHECK_EQ_INT(run.rsi, FAKE_TCS);
	CHECK_EQ_INT(cpu_resumes, resumes + 1);
	cpu_off();
}

/*
 * Only that state is an interrupted enclave: a signal at the ENCLU before
 * EENTER (RAX = EENTER), or at an AEP whose RBX is not this thread's TCS,
 * is noted and the vDSO goes on as it would.
 */
static void test_signal_not_interrupt(void)
{
	unsigned long notes = hw_noted(SIGUSR1), resumes = cpu_resumes;
	struct encl_enclave e;
	struct encl_run run;

	CHECK_EQ_INT(cpu_on(), 0);
	cpu_mode = CPU_SIGNAL_FIRST;
	memset(&run, 0, sizeof(run));
	CHECK_EQ_INT(enclu_enter(&e, &run, FAKE_TCS, SGX_EENTER, 41), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);
	CHECK_EQ_INT(run.rdi, 42);
	CHECK_EQ_INT(hw_noted(SIGUSR1), notes + 1);

	cpu_mode = CPU_AEX_OTHER_TCS;
	CHECK_EQ_INT(enclu_enter(&e, &run, FAKE_TCS, SGX_EENTER, 41), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);		/* resumed by the vDSO */
	CHECK_EQ_INT(run.rdi, RESUMED_RDI);
	CHECK_EQ_INT(cpu_resumes, resumes + 1);
	CHECK_EQ_INT(hw_noted(SIGUSR1), notes + 2);
	cpu_off();
}

struct hw_worker {
	pthread_t th;
	uint64_t tcs;
	unsigned rounds, good;
};

static void *hw_worker(void *p)
{
	struct hw_worker *w = p;
	struct encl_enclave e;
	struct encl_run run;

	memset(&run, 0, sizeof(run));
	for (unsigned i = 0; i < w->rounds; i++) {
		/* Interrupted at once, then resumed: both on this thread's TCS. */
		if (enclu_enter(&e, &run, w->tcs, SGX_EENTER, i) ||
		    run.function != SGX_ERESUME || run.exception_vector != ENCL_RUN_INTERRUPT ||
		    enclu_enter(&e, &run, w->tcs, SGX_ERESUME, 0) ||
		    run.function != SGX_EEXIT || run.rdi != RESUMED_RDI || run.rsi != w->tcs)
			continue;
		w->good++;
	}
	return NULL;
}

/* Several threads in enter() at once, each on its own TCS, each interrupted. */
static void test_enter_threads(void)
{
	struct hw_worker w[4];

	CHECK_EQ_INT(cpu_on(), 0);
	cpu_mode = CPU_INTERRUPT;
	for (int i = 0; i < 4; i++) {
		w[i] = (struct hw_worker){ .tcs = 0x10000 + (uint64_t)i * 0x4000, .rounds = 500 };
		CHECK_EQ_INT(pthread_create(&w[i].th, NULL, hw_worker, &w[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(w[i].th, NULL);
		CHECK_EQ_INT(w[i].good, w[i].rounds);
	}
	cpu_off();
}

/* In host code: the note, and EINTR for a blocking call. */
static void test_signal_in_host_code(void)
{
	unsigned long notes = hw_noted(SIGUSR1);
	struct itimerspec quick = { .it_value = { 0, 20 * 1000 * 1000 } };
	sigevent_t ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	timer_t timer;
	char c;
	int fds[2];

	CHECK_EQ_INT(cpu_on(), 0);
	CHECK_EQ_INT(pipe(fds), 0);
	CHECK_EQ_INT(timer_create(CLOCK_MONOTONIC, &ev, &timer), 0);
	CHECK_EQ_INT(timer_settime(timer, 0, &quick, NULL), 0);
	errno = 0;
	CHECK_EQ_INT(read(fds[0], &c, 1), -1);
	CHECK_EQ_INT(errno, EINTR);
	CHECK_EQ_INT(hw_noted(SIGUSR1), notes + 1);
	timer_delete(timer);
	close(fds[0]);
	close(fds[1]);
	cpu_off();
}

static void test_catch_refused(void)
{
	struct encl_enclave e;

	memset(&e, 0, sizeof(e));
	CHECK_EQ_INT(encl_backend_hw.catch_signals(&e, 1ULL << (SIGSEGV - 1), hw_note), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	CHECK_STR_CONTAINS(e.err, "signal 11");
	CHECK_EQ_INT(encl_backend_hw.catch_signals(&e, 1ULL << (SIGSTOP - 1), hw_note), -1);
	CHECK_STR_CONTAINS(e.err, "cannot be caught");
}

int main(void)
{
	char dir[] = "/tmp/encl-sgx-test-XXXXXX", path[64], err[256];

	HARNESS_PLAN(35);
	if (!mkdtemp(dir)) {
		perror("mkdtemp");
		return 1;
	}
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	if (encl_key_generate(path, err, sizeof(err)) != 0 ||
	    !(key = encl_key_load(path, err, sizeof(err)))) {
		fprintf(stderr, "key: %s\n", err);
		return 1;
	}
	unlink(path);
	rmdir(dir);

	RUN(test_startup_sgx1);
	RUN(test_startup_edmm);
	RUN(test_measure_flag_matters);
	RUN(test_einit_failure_mainline);
	RUN(test_einit_failure_code);
	RUN(test_augment_via_eaccept);
	RUN(test_restrict_permissions);
	RUN(test_trim_and_remove);
	RUN(test_tcs_create);
	RUN(test_reject_create);
	RUN(test_reject_add);
	RUN(test_reject_sgx2);
	RUN(test_reject_map);
	RUN(test_reject_attributes);
	RUN(test_busy_ioctls);
	RUN(test_noexec);
	RUN(test_mmap_placement);
	RUN(test_fault_vma_first);
	RUN(test_fault_max_prot);
	RUN(test_mprotect);
	RUN(test_failure_messages);
	RUN(test_probe_double);
	RUN(test_describe_double);
	RUN(test_probe_this_machine);
	RUN(test_vdso_lookup);
	RUN(test_vdso_and_device);
	RUN(test_enter_fake_vdso);
	RUN(test_enter_faults);
	RUN(test_enter_refused);
	RUN(test_concurrent_ioctls);
	RUN(test_signal_interrupts_enclave);
	RUN(test_signal_not_interrupt);
	RUN(test_enter_threads);
	RUN(test_signal_in_host_code);
	RUN(test_catch_refused);

	hw_use_kernel(NULL);
	hw_use_real_vdso();
	double_reset();
	EVP_PKEY_free(key);
	HARNESS_EXIT();
}

// SPDX-License-Identifier: MIT
/*
 * The driver backend's SGX2 ioctls on a real /dev/sgx_enclave, at the level
 * of the backend alone: a tiny enclave built and signed here (TCS, one code
 * page, data pages), never entered, and the kernel's answers to what the
 * host may ask without the enclave running. The scenarios that need code
 * inside the enclave (EACCEPT, EMODPE, touching pages, entering a new TCS)
 * are tests/e2e/epcm_scenarios.sh, which runs the selftest-style suite of
 * docs/hardware.md in an enclave built with encl-cc, in sim and in hw.
 *
 * Without /dev/sgx_enclave every test is reported as SKIP, never PASS.
 * The names start with "ioctl_" so that they are not taken for the
 * in-enclave scenarios of the same selftests.
 *
 * The same tests also run, under names starting with "double_", against
 * the driver test double (tests/double/sgx_kernel.c), so that their bodies
 * are exercised on every machine; those passes say nothing about hardware.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/harness.h"
#include "tests/double/sgx_kernel.h"
#include "host/backend.h"
#include "host/hw/kernel.h"
#include "sgx/measure.h"
#include "image/key.h"
#include "sgx/sigstruct.h"

#define SIZE		(64 * 4096ULL)	/* ELRANGE of the scenario enclave */
#define OFF_TCS		0x0000ULL
#define OFF_CODE	0x1000ULL
#define OFF_SSA		0x2000ULL
#define OFF_DATA	0x3000ULL	/* DATA_PAGES RW pages, EADDed */
#define DATA_PAGES	4ULL
#define OFF_DYN		0x10000ULL	/* never added: for EAUG */

#define REG_RW		(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)
#define REG_RX		(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X)

static const struct encl_backend *be = &encl_backend_hw;
static const char *skip_why;		/* why nothing can run here, or NULL */
static char skip_buf[200];
static EVP_PKEY *key;
static uint8_t tcs_page[4096] __attribute__((aligned(4096)));
static uint8_t code_page[4096] __attribute__((aligned(4096)));
static uint8_t data_page[4096] __attribute__((aligned(4096)));

/* Whether the scenarios can run at all: the device, then SGX2 in CPU and kernel. */
static void check_machine(void)
{
	struct encl_caps caps;

	if (access(HW_ENCLAVE_DEV, F_OK) != 0) {
		skip_why = "no /dev/sgx_enclave";
		return;
	}
	be->probe(&caps);
	if (!caps.sgx1 || !caps.sgx2 || !caps.os_edmm) {
		snprintf(skip_buf, sizeof(skip_buf), "no EDMM here: %s", caps.why_not);
		skip_why = skip_buf;
	}
}

static int need_key(void)
{
	char dir[] = "/tmp/encl-hw-XXXXXX", path[64], err[256];

	if (key)
		return 0;
	if (!mkdtemp(dir))
		return -1;
	snprintf(path, sizeof(path), "%s/key.pem", dir);
	if (encl_key_generate(path, err, sizeof(err)) == 0)
		key = encl_key_load(path, err, sizeof(err));
	unlink(path);
	rmdir(dir);
	return key ? 0 : -1;
}

/*
 * The scenario enclave: TCS, one code page (never entered by these
 * scenarios), one SSA page, DATA_PAGES RW pages. Built, signed for its own
 * MRENCLAVE, initialized and mapped. 0, or -1 with the reason printed.
 */
static int scenario_enclave(struct encl_enclave *e)
{
	static struct sgx_sigstruct ss;
	struct sgx_tcs *tcs = (struct sgx_tcs *)tcs_page;
	struct sgx_sigstruct_fields f;
	struct sgx_secs secs;
	struct sgx_measure *m;
	uint8_t mr[SGX_HASH_SIZE];
	char err[256];

	memset(tcs_page, 0, sizeof(tcs_page));
	tcs->ossa = OFF_SSA;
	tcs->nssa = 1;
	tcs->oentry = OFF_CODE;
	memset(code_page, 0xcc, sizeof(code_page));	/* int3: never run here */

	m = sgx_measure_new();
	if (!m || sgx_measure_ecreate(m, 1, SIZE) ||
	    sgx_measure_add_page(m, OFF_TCS, SGX_SECINFO_TCS, tcs_page, 1) ||
	    sgx_measure_add_page(m, OFF_CODE, REG_RX, code_page, 1) ||
	    sgx_measure_add_page(m, OFF_SSA, REG_RW, data_page, 1) ||
	    sgx_measure_add_unmeasured(m, OFF_DATA, DATA_PAGES, REG_RW) ||
	    sgx_measure_finalize(m, mr)) {
		sgx_measure_free(m);
		fprintf(stderr, "  cannot measure the scenario enclave\n");
		return -1;
	}
	sgx_measure_free(m);
	if (need_key()) {
		fprintf(stderr, "  cannot make a signing key\n");
		return -1;
	}
	memset(&f, 0, sizeof(f));
	f.date = 0x20260101;
	f.attributes.flags = SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG;
	f.attributes.xfrm = SGX_XFRM_LEGACY;
	f.attributemask.flags = ~0ULL;
	f.attributemask.xfrm = ~0ULL;
	f.miscmask = ~0U;
	memcpy(f.enclavehash, mr, sizeof(mr));
	if (sgx_sigstruct_sign(&ss, &f, key, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		return -1;
	}

	memset(e, 0, sizeof(*e));
	e->be = be;
	e->sigstruct_label = "scenario";
	memset(&secs, 0, sizeof(secs));
	secs.size = SIZE;
	secs.ssa_frame_size = 1;
	secs.attributes = f.attributes;
	if (be->create(e, &secs, 1) ||
	    be->add_pages(e, OFF_TCS, tcs_page, 4096, SGX_SECINFO_TCS, 1) ||
	    be->add_pages(e, OFF_CODE, code_page, 4096, REG_RX, 1) ||
	    be->add_pages(e, OFF_SSA, data_page, 4096, REG_RW, 1) ||
	    be->add_pages(e, OFF_DATA, NULL, DATA_PAGES * 4096, REG_RW, 0) ||
	    be->init(e, &ss) ||
	    be->map(e, OFF_TCS, 4096, PROT_READ | PROT_WRITE) ||
	    be->map(e, OFF_CODE, 4096, PROT_READ | PROT_EXEC) ||
	    be->map(e, OFF_SSA, 4096 * (1 + DATA_PAGES), PROT_READ | PROT_WRITE) ||
	    be->map(e, OFF_DYN, SIZE - OFF_DYN, PROT_READ | PROT_WRITE)) {
		fprintf(stderr, "  scenario enclave: %s\n", e->err);
		if (e->priv)
			be->destroy(e);
		return -1;
	}
	return 0;
}

/*
 * The start of every scenario: 1 with the scenario enclave in @e; 0 when
 * there is none, the test then SKIPped (the machine cannot run it) or failed.
 */
static int scenario_ready(struct encl_enclave *e)
{
	if (skip_why) {
		SKIP(skip_why);
		return 0;
	}
	if (scenario_enclave(e)) {
		CHECK(0);
		return 0;
	}
	return 1;
}

/* ---- what the host alone decides ---------------------------------------------------- */

/* A TCS's EPCM permissions cannot be restricted: EINVAL before any EMODPR. */
static void ioctl_tcs_permissions(void)
{
	struct encl_enclave e;

	if (!scenario_ready(&e))
		return;
	CHECK_EQ_INT(be->restrict_permissions(&e, OFF_TCS, 4096, 0), -1);
	CHECK_EQ_INT(e.error, EINVAL);
	be->destroy(&e);
}

/* MODIFY_TYPES(TRIM) of an added page, then REMOVE without EACCEPT: EPERM. */
static void ioctl_remove_added_page_no_eaccept(void)
{
	struct encl_enclave e;

	if (!scenario_ready(&e))
		return;
	CHECK_EQ_INT(be->modify_types(&e, OFF_DATA, 4096, SGX_PT_TRIM), 0);
	CHECK_EQ_INT(be->remove_pages(&e, OFF_DATA, 4096), -1);
	CHECK_EQ_INT(e.error, EPERM);
	be->destroy(&e);
}

/* A page of the dynamic range that was never added has no EPC page: nothing to trim (EFAULT). */
static void ioctl_remove_never_added_page(void)
{
	struct encl_enclave e;

	if (!scenario_ready(&e))
		return;
	CHECK_EQ_INT(be->modify_types(&e, OFF_DYN, 4096, SGX_PT_TRIM), -1);
	CHECK_EQ_INT(e.error, EFAULT);
	CHECK_EQ_INT(be->remove_pages(&e, OFF_DYN, 4096), -1);
	CHECK_EQ_INT(e.error, EFAULT);
	be->destroy(&e);
}

/* RESTRICT on an added page sets PR; a second request with more permissions is ignored. */
static void ioctl_restrict_added_page(void)
{
	struct encl_enclave e;

	if (!scenario_ready(&e))
		return;
	CHECK_EQ_INT(be->restrict_permissions(&e, OFF_DATA + 4096, 4096, SGX_SECINFO_R), 0);
	/* EMODPR only removes permissions: asking for RW back is accepted and ignored. */
	CHECK_EQ_INT(be->restrict_permissions(&e, OFF_DATA + 4096, 4096,
					      SGX_SECINFO_R | SGX_SECINFO_W), 0);
	be->destroy(&e);
}

/* The host-only scenarios against the test double. */
#define ON_DOUBLE(name) \
	static void double_##name(void) \
	{ \
		const char *saved = skip_why; \
		double_reset(); \
		hw_use_kernel(&hw_double_ops); \
		skip_why = NULL; \
		name(); \
		skip_why = saved; \
		hw_use_kernel(NULL); \
		CHECK_EQ_INT(double_open_fds(), 0); \
	}
ON_DOUBLE(ioctl_tcs_permissions)
ON_DOUBLE(ioctl_remove_added_page_no_eaccept)
ON_DOUBLE(ioctl_remove_never_added_page)
ON_DOUBLE(ioctl_restrict_added_page)

int main(void)
{
	HARNESS_PLAN(8);
	check_machine();
	RUN(ioctl_tcs_permissions);
	RUN(ioctl_remove_added_page_no_eaccept);
	RUN(ioctl_remove_never_added_page);
	RUN(ioctl_restrict_added_page);

	RUN(double_ioctl_tcs_permissions);
	RUN(double_ioctl_remove_added_page_no_eaccept);
	RUN(double_ioctl_remove_never_added_page);
	RUN(double_ioctl_restrict_added_page);
	double_reset();
	EVP_PKEY_free(key);
	HARNESS_EXIT();
}

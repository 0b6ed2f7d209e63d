// SPDX-License-Identifier: MIT
/*
 * The sim's SGX1 life cycle, as the driver's ioctls and the CPU would run
 * it: ECREATE (create), EADD + EEXTEND (add_pages), EINIT (init), and the
 * simulated CPU/kernel features behind probe.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host/sim/cpu.h"
#include "host/sim/quirks.h"
#include "host/sim/sim.h"
#include "sgx/cpuid.h"
#include "sgx/linux_driver.h"
#include "sgx/sigstruct.h"
#include "sgx/xsave.h"

int sim_fail(struct encl_enclave *e, int error, uint64_t sgx_result, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof(e->err), fmt, ap);
	va_end(ap);
	e->error = error;
	e->sgx_result = sgx_result;
	return -1;
}

static int feature_env(const char *name, const char *yes, const char *no, int *value,
		       char *err, size_t errlen)
{
	const char *v = getenv(name);

	if (!v || !*v || !strcmp(v, yes)) {
		*value = 1;
	} else if (!strcmp(v, no)) {
		*value = 0;
	} else {
		snprintf(err, errlen, "%s: invalid value '%s' (expected %s or %s)", name, v, yes, no);
		return -1;
	}
	return 0;
}

/*
 * The simulated XCR0: the real one, or ENCL_SIM_XCR0, a test facility that
 * may only take state away (the enclave's instructions run on this CPU,
 * whose XCR0 the sim cannot change).
 */
static int xcr0_env(uint64_t *xcr0, char *err, size_t errlen)
{
	const char *v = getenv("ENCL_SIM_XCR0"), *why;
	uint64_t real = sgx_xcr0_native(), x;
	char *end;

	*xcr0 = real;
	if (!v || !*v)
		return 0;
	errno = 0;
	x = strtoull(v, &end, 0);
	/* strtoull alone would take blanks and a sign. */
	if (v[0] < '0' || v[0] > '9' || errno || *end)
		why = "not a number";
	else if (x & ~real)
		why = "it enables state this CPU's XCR0 does not";
	else if (!sgx_xfrm_check(x, &why)) {
		*xcr0 = x;
		return 0;
	}
	snprintf(err, errlen, "ENCL_SIM_XCR0: invalid value '%s': %s (expected a part of this CPU's XCR0 0x%llx with x87 and SSE, such as 0x3)",
		 v, why, (unsigned long long)real);
	return -1;
}

int sim_features_get(struct sim_features *f, char *err, size_t errlen)
{
	unsigned quirks;

	if (feature_env("ENCL_SIM_CPU", "sgx2", "sgx1", &f->sgx2, err, errlen) ||
	    feature_env("ENCL_SIM_KERNEL", "edmm", "no-edmm", &f->os_edmm, err, errlen) ||
	    xcr0_env(&f->xcr0, err, errlen) || sim_quirks_get(&quirks, err, errlen))
		return -1;
	/* Signal frames without XSAVE state: a CPU or kernel with x87 and SSE only. */
	if (quirks & SIM_QUIRK_FXSAVE_FRAMES)
		f->xcr0 &= SGX_XFRM_LEGACY;
	/* EXINFO came with the SGX2 generation of CPUs. */
	f->exinfo = f->sgx2;
	return 0;
}

int sim_probe(struct encl_caps *caps)
{
	struct sim_features f;

	memset(caps, 0, sizeof(*caps));
	if (sim_features_get(&f, caps->why_not, sizeof(caps->why_not)) ||
	    sim_cpu_dispatch_check(caps->why_not, sizeof(caps->why_not)))
		return -1;
	caps->sgx1 = 1;
	caps->sgx2 = f.sgx2;
	caps->exinfo = f.exinfo;
	caps->os_edmm = f.os_edmm;
	caps->xfrm = f.xcr0;
	if (!f.sgx2)
		snprintf(caps->why_not, sizeof(caps->why_not),
			 "the simulated CPU has no SGX2 (ENCL_SIM_CPU=sgx1)");
	else if (!f.os_edmm)
		snprintf(caps->why_not, sizeof(caps->why_not),
			 "the simulated kernel has no SGX2 support (ENCL_SIM_KERNEL=no-edmm)");
	return 0;
}

/* The driver's sgx_validate_secs() and ECREATE's own checks. */
static int check_secs(struct encl_enclave *e, const struct sgx_secs *secs,
		      const struct sim_features *f)
{
	const char *why;

	if (sgx_secs_check_size(secs->size, &why))
		return sim_fail(e, EINVAL, 0, "ECREATE: %s (0x%llx)", why,
				(unsigned long long)secs->size);
	if (!secs->ssa_frame_size)
		return sim_fail(e, EINVAL, 0, "ECREATE: SSAFRAMESIZE is 0");
	if (secs->attributes.flags & (SGX_ATTR_RESERVED_MASK | SGX_ATTR_INIT))
		return sim_fail(e, EINVAL, 0, "ECREATE: SECS.ATTRIBUTES 0x%llx sets reserved bits or INIT",
				(unsigned long long)secs->attributes.flags);
	if (!(secs->attributes.flags & SGX_ATTR_MODE64BIT))
		return sim_fail(e, EINVAL, 0, "ECREATE: the sim runs 64-bit enclaves only (MODE64BIT clear)");
	if (sgx_xfrm_check(secs->attributes.xfrm, &why))
		return sim_fail(e, EINVAL, 0, "ECREATE: XFRM 0x%llx: %s",
				(unsigned long long)secs->attributes.xfrm, why);
	/* The simulated CPUID.12H.1 allows what the simulated XCR0 has. */
	if (secs->attributes.xfrm & ~f->xcr0)
		return sim_fail(e, EINVAL, 0, "ECREATE: XFRM 0x%llx exceeds the simulated CPU's 0x%llx",
				(unsigned long long)secs->attributes.xfrm,
				(unsigned long long)f->xcr0);
	if (secs->miscselect & ~(f->exinfo ? SGX_MISC_EXINFO : 0))
		return sim_fail(e, EINVAL, 0, "ECREATE: MISCSELECT 0x%x is not supported by the simulated CPU%s",
				secs->miscselect, f->exinfo ? "" : " (no EXINFO on SGX1)");
	if (secs->ssa_frame_size < sgx_ssa_frame_pages(secs->attributes.xfrm, secs->miscselect))
		return sim_fail(e, EINVAL, 0, "ECREATE: SSAFRAMESIZE %u pages cannot hold the XSAVE area of XFRM 0x%llx with GPRSGX and MISC (%u pages)",
				secs->ssa_frame_size, (unsigned long long)secs->attributes.xfrm,
				sgx_ssa_frame_pages(secs->attributes.xfrm, secs->miscselect));
	return 0;
}

/* Reserve 2 x size, keep the naturally aligned middle, put the memfd there. */
static int map_elrange(struct sim_enclave *se, uint64_t size)
{
	uint8_t *res, *aligned;

	res = mmap(NULL, 2 * size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (res == MAP_FAILED)
		return -1;
	aligned = (uint8_t *)(((uintptr_t)res + size - 1) & ~(uintptr_t)(size - 1));
	if (aligned > res)
		munmap(res, aligned - res);
	if (res + 2 * size > aligned + size)
		munmap(aligned + size, res + 2 * size - (aligned + size));
	if (mmap(aligned, size, PROT_NONE, MAP_SHARED | MAP_FIXED | MAP_NORESERVE,
		 se->memfd, 0) == MAP_FAILED) {
		munmap(aligned, size);
		return -1;
	}
	se->base = (uintptr_t)aligned;
	se->epc = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
		       se->memfd, 0);
	if (se->epc == MAP_FAILED) {
		se->epc = NULL;
		munmap(aligned, size);
		se->base = 0;
		return -1;
	}
	return 0;
}

int sim_create(struct encl_enclave *e, struct sgx_secs *secs, int edmm)
{
	struct sim_enclave *se;
	struct sim_features f;
	char why[160];

	e->priv = NULL;
	if (sim_features_get(&f, why, sizeof(why)))
		return sim_fail(e, EINVAL, 0, "%s", why);
	if (check_secs(e, secs, &f))
		return -1;
	se = calloc(1, sizeof(*se));
	if (!se || !(se->secs = aligned_alloc(SGX_PAGE_SIZE, sizeof(*se->secs)))) {
		free(se);
		return sim_fail(e, ENOMEM, 0, "ECREATE: out of memory");
	}
	se->e = e;
	se->cpu = f;
	se->size = secs->size;
	se->memfd = memfd_create("encl-sim-epc", MFD_CLOEXEC);
	if (se->memfd < 0 || ftruncate(se->memfd, (off_t)secs->size) ||
	    map_elrange(se, secs->size)) {
		int err = errno;

		if (se->memfd >= 0)
			close(se->memfd);
		free(se->secs);
		free(se);
		return sim_fail(e, err, 0, "ECREATE: cannot map an ELRANGE of 0x%llx bytes: %s",
				(unsigned long long)secs->size, strerror(err));
	}
	secs->base = se->base;
	*se->secs = *secs;
	se->epcm = epcm_new(se->base, se->size, secs->attributes.flags);
	se->measure = sgx_measure_new();
	e->priv = se;
	e->base = se->base;
	e->size = se->size;
	e->edmm = edmm;
	if (!se->epcm || !se->measure) {
		sim_destroy(e);
		return sim_fail(e, ENOMEM, 0, "ECREATE: out of memory");
	}
	if (sgx_measure_ecreate(se->measure, secs->ssa_frame_size, secs->size)) {
		sim_fail(e, EINVAL, 0, "ECREATE: %s", sgx_measure_error(se->measure));
		sim_destroy(e);
		return -1;
	}
	return 0;
}

static int all_zero(const uint8_t *p, size_t n)
{
	static const uint8_t zero[SGX_PAGE_SIZE];

	return memcmp(p, zero, n) == 0;
}

/* One EADD (+ 16 EEXTENDs): copy, EPCM entry, measurement. */
static int add_page(struct sim_enclave *se, uint64_t offset, const uint8_t *src,
		    uint64_t flags, int measure)
{
	struct encl_enclave *e = se->e;
	struct sgx_secinfo si = { .flags = flags };
	uint64_t addr = se->base + offset;
	uint8_t *page = sim_epc_ptr(se, addr);
	int r;

	if (epcm_get(se->epcm, addr) & EPCM_VALID)
		return sim_fail(e, EBUSY, 0, "EADD at offset 0x%llx: the page was already added",
				(unsigned long long)offset);
	/* A fresh page is a memfd hole: copying zeros would only cost memory. */
	if (!all_zero(src, SGX_PAGE_SIZE))
		memcpy(page, src, SGX_PAGE_SIZE);
	r = epcm_eadd(se->epcm, addr, &si, page);
	if (r != SGX_SUCCESS) {
		sim_page_discard(se, addr);
		return sim_fail(e, EIO, 0, "EADD at offset 0x%llx faulted (%s)",
				(unsigned long long)offset,
				r == EPCM_FAULT_GP ? "#GP: bad SECINFO or TCS" : "#PF");
	}
	if (sgx_measure_add_page(se->measure, offset, flags, page, measure))
		return sim_fail(e, EINVAL, 0, "EADD at offset 0x%llx: %s",
				(unsigned long long)offset, sgx_measure_error(se->measure));
	return 0;
}

int sim_add_pages(struct encl_enclave *e, uint64_t offset, const void *src,
		  uint64_t length, uint64_t secinfo_flags, int measure)
{
	struct sim_enclave *se = sim_of(e);
	const char *why;

	if (se->initialized)
		return sim_fail(e, EINVAL, 0, "add pages: the enclave is already initialized");
	if ((offset | length | (uintptr_t)src) & (SGX_PAGE_SIZE - 1) || !length ||
	    !sim_in_elrange(se, se->base + offset, length))
		return sim_fail(e, EINVAL, 0, "add pages: offset 0x%llx length 0x%llx source %p: not page aligned or outside ELRANGE",
				(unsigned long long)offset, (unsigned long long)length, src);
	if (sgx_secinfo_check_eadd(secinfo_flags, &why))
		return sim_fail(e, EINVAL, 0, "add pages: SECINFO.FLAGS 0x%llx: %s",
				(unsigned long long)secinfo_flags, why);
	for (uint64_t c = 0; c < length; c += SGX_PAGE_SIZE)
		if (add_page(se, offset + c, (const uint8_t *)src + c, secinfo_flags, measure))
			return -1;
	if (sim_sync_prot(se, se->base + offset, length))
		return sim_fail(e, errno, 0, "add pages: mprotect: %s", strerror(errno));
	return 0;
}

/* Which EINIT code a failed sgx_sigstruct_verify() stands for. */
static uint64_t sigstruct_code(const char *why)
{
	/* The fixed fields come first and make the structure invalid; the
	 * rest (modulus, signature, Q1/Q2, the CPU's inputs to its
	 * exponentiation) make the PKCS#1 v1.5 verification fail. */
	if (strstr(why, "HEADER") || strstr(why, "VENDOR") || strstr(why, "EXPONENT") ||
	    strstr(why, "reserved"))
		return SGX_INVALID_SIG_STRUCT;
	return SGX_INVALID_SIGNATURE;
}

/*
 * The driver's checks (sgx/linux_driver.h, on the simulated CPU's CPUID,
 * no /dev/sgx_provision), then SDM EINIT in its order: SIGSTRUCT,
 * signature, attributes, MRENCLAVE.
 */
int sim_init(struct encl_enclave *e, const struct sgx_sigstruct *ss)
{
	struct sim_enclave *se = sim_of(e);
	struct sgx_secs *secs = se->secs;
	uint64_t fmask = ss->attributemask.flags, xmask = ss->attributemask.xfrm;
	struct sgx_linux_masks masks;
	char why[192], h1[65], h2[65];
	int ret;

	if (se->initialized)
		return sim_fail(e, EINVAL, 0, "EINIT: the enclave is already initialized");
	sgx_linux_masks_for(&masks, ~SGX_ATTR_RESERVED_MASK, se->cpu.exinfo ? SGX_MISC_EXINFO : 0,
			    se->cpu.xcr0);
	ret = sgx_linux_einit_check(&masks, secs->attributes.flags, 0, ss, why, sizeof(why));
	if (ret)
		return sim_fail(e, -ret, 0, "SGX_IOC_ENCLAVE_INIT: %s", why);
	if (sgx_sigstruct_verify(ss, why, sizeof(why))) {
		uint64_t code = sigstruct_code(why);

		return sim_fail(e, EPERM, code, "EINIT: %s: %s",
				code == SGX_INVALID_SIG_STRUCT ? "SGX_INVALID_SIG_STRUCT"
							       : "SGX_INVALID_SIGNATURE", why);
	}
	if ((ss->attributes.flags & fmask) != (secs->attributes.flags & fmask) ||
	    (ss->attributes.xfrm & xmask) != (secs->attributes.xfrm & xmask))
		return sim_fail(e, EPERM, SGX_INVALID_ATTRIBUTE,
				"EINIT: SGX_INVALID_ATTRIBUTE: SECS.ATTRIBUTES %016llx/%016llx differ from SIGSTRUCT.ATTRIBUTES %016llx/%016llx under ATTRIBUTEMASK %016llx/%016llx",
				(unsigned long long)secs->attributes.flags,
				(unsigned long long)secs->attributes.xfrm,
				(unsigned long long)ss->attributes.flags,
				(unsigned long long)ss->attributes.xfrm,
				(unsigned long long)fmask, (unsigned long long)xmask);
	if ((ss->miscselect & ss->miscmask) != (secs->miscselect & ss->miscmask))
		return sim_fail(e, EPERM, SGX_INVALID_ATTRIBUTE,
				"EINIT: SGX_INVALID_ATTRIBUTE: SECS.MISCSELECT 0x%x differs from SIGSTRUCT.MISCSELECT 0x%x under MISCMASK 0x%x",
				secs->miscselect, ss->miscselect, ss->miscmask);
	if (!se->mr_final) {
		if (sgx_measure_finalize(se->measure, secs->mrenclave))
			return sim_fail(e, EINVAL, 0, "EINIT: %s", sgx_measure_error(se->measure));
		se->mr_final = 1;
	}
	if (memcmp(secs->mrenclave, ss->enclavehash, SGX_HASH_SIZE)) {
		sgx_hex(secs->mrenclave, SGX_HASH_SIZE, h1);
		sgx_hex(ss->enclavehash, SGX_HASH_SIZE, h2);
		return sim_fail(e, EPERM, SGX_INVALID_MEASUREMENT,
				"EINIT: SGX_INVALID_MEASUREMENT: MRENCLAVE %s, SIGSTRUCT.ENCLAVEHASH %s", h1, h2);
	}
	sgx_sigstruct_mrsigner(ss, secs->mrsigner);
	secs->isv_prod_id = ss->isvprodid;
	secs->isv_svn = ss->isvsvn;
	secs->attributes.flags |= SGX_ATTR_INIT;
	epcm_set_initialized(se->epcm);
	se->initialized = 1;
	return 0;
}

void sim_destroy(struct encl_enclave *e)
{
	struct sim_enclave *se = sim_of(e);

	if (!se)
		return;
	if (se->base)
		munmap((void *)se->base, se->size);
	if (se->epc)
		munmap(se->epc, se->size);
	if (se->memfd >= 0)
		close(se->memfd);
	epcm_free(se->epcm);
	sgx_measure_free(se->measure);
	free(se->pte);
	free(se->secs);
	free(se);
	e->priv = NULL;
}

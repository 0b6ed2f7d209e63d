// SPDX-License-Identifier: MIT
/*
 * The driver's side of the sim, as the ioctls of arch/x86/kernel/cpu/sgx/
 * ioctl.c and the ENCLS leaves behind them would run it: ECREATE (create),
 * EADD + EEXTEND (add_pages), EINIT (init), the mmap of the enclave (map),
 * and the three EDMM ioctls on EMODPR/EMODT/EREMOVE (restrict permissions,
 * modify types, remove pages).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host/sim/driver.h"
#include "host/sim/lock.h"
#include "host/sim/memory.h"
#include "host/sim/sim.h"
#include "sgx/linux_driver.h"
#include "sgx/sigstruct.h"
#include "sgx/xsave.h"

/* The driver's sgx_validate_secs() and ECREATE's own checks. */
static int check_secs(struct encl_enclave *e, const struct sgx_secs *secs,
		      const struct sim_features *f)
{
	const char *why;

	if (sgx_secs_check_size(secs->size, &why))
		return encl_backend_fail(e, EINVAL, 0, "ECREATE: %s (0x%llx)", why,
					 (unsigned long long)secs->size);
	if (!secs->ssa_frame_size)
		return encl_backend_fail(e, EINVAL, 0, "ECREATE: SSAFRAMESIZE is 0");
	if (secs->attributes.flags & (SGX_ATTR_RESERVED_MASK | SGX_ATTR_INIT))
		return encl_backend_fail(e, EINVAL, 0, "ECREATE: SECS.ATTRIBUTES 0x%llx sets reserved bits or INIT",
					 (unsigned long long)secs->attributes.flags);
	if (!(secs->attributes.flags & SGX_ATTR_MODE64BIT))
		return encl_backend_fail(e, EINVAL, 0, "ECREATE: the sim runs 64-bit enclaves only (MODE64BIT clear)");
	if (sgx_xfrm_check(secs->attributes.xfrm, &why))
		return encl_backend_fail(e, EINVAL, 0, "ECREATE: XFRM 0x%llx: %s",
					 (unsigned long long)secs->attributes.xfrm, why);
	/* The simulated CPUID.12H.1 allows what the simulated XCR0 has. */
	if (secs->attributes.xfrm & ~f->xcr0)
		return encl_backend_fail(e, EINVAL, 0, "ECREATE: XFRM 0x%llx exceeds the simulated CPU's 0x%llx",
					 (unsigned long long)secs->attributes.xfrm,
					 (unsigned long long)f->xcr0);
	if (secs->miscselect & ~(f->exinfo ? SGX_MISC_EXINFO : 0))
		return encl_backend_fail(e, EINVAL, 0, "ECREATE: MISCSELECT 0x%x is not supported by the simulated CPU%s",
					 secs->miscselect, f->exinfo ? "" : " (no EXINFO on SGX1)");
	if (secs->ssa_frame_size < sgx_ssa_frame_pages(secs->attributes.xfrm, secs->miscselect))
		return encl_backend_fail(e, EINVAL, 0, "ECREATE: SSAFRAMESIZE %u pages cannot hold the XSAVE area of XFRM 0x%llx with GPRSGX and MISC (%u pages)",
					 secs->ssa_frame_size, (unsigned long long)secs->attributes.xfrm,
					 sgx_ssa_frame_pages(secs->attributes.xfrm, secs->miscselect));
	return 0;
}

/* A naturally aligned ELRANGE with the memfd in it, and the EPC alias. */
static int map_elrange(struct sim_enclave *se, uint64_t size)
{
	uint8_t *aligned = encl_reserve_elrange(size, mmap, munmap);

	if (!aligned)
		return -1;
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
		return encl_backend_fail(e, EINVAL, 0, "%s", why);
	if (check_secs(e, secs, &f))
		return -1;
	se = calloc(1, sizeof(*se));
	if (!se || !(se->secs = aligned_alloc(SGX_PAGE_SIZE, sizeof(*se->secs)))) {
		free(se);
		return encl_backend_fail(e, ENOMEM, 0, "ECREATE: out of memory");
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
		return encl_backend_fail(e, err, 0, "ECREATE: cannot map an ELRANGE of 0x%llx bytes: %s",
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
		return encl_backend_fail(e, ENOMEM, 0, "ECREATE: out of memory");
	}
	if (sgx_measure_ecreate(se->measure, secs->ssa_frame_size, secs->size)) {
		encl_backend_fail(e, EINVAL, 0, "ECREATE: %s", sgx_measure_error(se->measure));
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
		return encl_backend_fail(e, EBUSY, 0, "EADD at offset 0x%llx: the page was already added",
					 (unsigned long long)offset);
	/* A fresh page is a memfd hole: copying zeros would only cost memory. */
	if (!all_zero(src, SGX_PAGE_SIZE))
		memcpy(page, src, SGX_PAGE_SIZE);
	r = epcm_eadd(se->epcm, addr, &si, page);
	if (r != SGX_SUCCESS) {
		sim_page_discard(se, addr);
		return encl_backend_fail(e, EIO, 0, "EADD at offset 0x%llx faulted (%s)",
					 (unsigned long long)offset,
					 r == EPCM_FAULT_GP ? "#GP: bad SECINFO or TCS" : "#PF");
	}
	if (sgx_measure_add_page(se->measure, offset, flags, page, measure))
		return encl_backend_fail(e, EINVAL, 0, "EADD at offset 0x%llx: %s",
					 (unsigned long long)offset, sgx_measure_error(se->measure));
	return 0;
}

static int add_pages_locked(struct sim_enclave *se, uint64_t offset, const void *src,
			    uint64_t length, uint64_t secinfo_flags, int measure)
{
	for (uint64_t c = 0; c < length; c += SGX_PAGE_SIZE)
		if (add_page(se, offset + c, (const uint8_t *)src + c, secinfo_flags, measure))
			return -1;
	if (sim_sync_prot(se, se->base + offset, length))
		return encl_backend_fail(se->e, errno, 0, "add pages: mprotect: %s", strerror(errno));
	return 0;
}

int sim_add_pages(struct encl_enclave *e, uint64_t offset, const void *src,
		  uint64_t length, uint64_t secinfo_flags, int measure)
{
	struct sim_enclave *se = sim_of(e);
	const char *why;
	int ret;

	if (se->initialized)
		return encl_backend_fail(e, EINVAL, 0, "add pages: the enclave is already initialized");
	if ((offset | length | (uintptr_t)src) & (SGX_PAGE_SIZE - 1) || !length ||
	    !sim_in_elrange(se, se->base + offset, length))
		return encl_backend_fail(e, EINVAL, 0, "add pages: offset 0x%llx length 0x%llx source %p: not page aligned or outside ELRANGE",
					 (unsigned long long)offset, (unsigned long long)length, src);
	if (sgx_secinfo_check_eadd(secinfo_flags, &why))
		return encl_backend_fail(e, EINVAL, 0, "add pages: SECINFO.FLAGS 0x%llx: %s",
					 (unsigned long long)secinfo_flags, why);
	sim_lock(&se->lock);
	ret = add_pages_locked(se, offset, src, length, secinfo_flags, measure);
	sim_unlock(&se->lock);
	return ret;
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
		return encl_backend_fail(e, EINVAL, 0, "EINIT: the enclave is already initialized");
	sgx_linux_masks_for(&masks, ~SGX_ATTR_RESERVED_MASK, se->cpu.exinfo ? SGX_MISC_EXINFO : 0,
			    se->cpu.xcr0);
	ret = sgx_linux_einit_check(&masks, secs->attributes.flags, 0, ss, why, sizeof(why));
	if (ret)
		return encl_backend_fail(e, -ret, 0, "SGX_IOC_ENCLAVE_INIT: %s", why);
	if (sgx_sigstruct_verify(ss, why, sizeof(why))) {
		uint64_t code = sigstruct_code(why);

		return encl_backend_fail(e, EPERM, code, "EINIT: %s: %s",
					 code == SGX_INVALID_SIG_STRUCT ? "SGX_INVALID_SIG_STRUCT"
							       : "SGX_INVALID_SIGNATURE", why);
	}
	if ((ss->attributes.flags & fmask) != (secs->attributes.flags & fmask) ||
	    (ss->attributes.xfrm & xmask) != (secs->attributes.xfrm & xmask))
		return encl_backend_fail(e, EPERM, SGX_INVALID_ATTRIBUTE,
					 "EINIT: SGX_INVALID_ATTRIBUTE: SECS.ATTRIBUTES %016llx/%016llx differ from SIGSTRUCT.ATTRIBUTES %016llx/%016llx under ATTRIBUTEMASK %016llx/%016llx",
					 (unsigned long long)secs->attributes.flags,
					 (unsigned long long)secs->attributes.xfrm,
					 (unsigned long long)ss->attributes.flags,
					 (unsigned long long)ss->attributes.xfrm,
					 (unsigned long long)fmask, (unsigned long long)xmask);
	if ((ss->miscselect & ss->miscmask) != (secs->miscselect & ss->miscmask))
		return encl_backend_fail(e, EPERM, SGX_INVALID_ATTRIBUTE,
					 "EINIT: SGX_INVALID_ATTRIBUTE: SECS.MISCSELECT 0x%x differs from SIGSTRUCT.MISCSELECT 0x%x under MISCMASK 0x%x",
					 secs->miscselect, ss->miscselect, ss->miscmask);
	if (!se->mr_final) {
		if (sgx_measure_finalize(se->measure, secs->mrenclave))
			return encl_backend_fail(e, EINVAL, 0, "EINIT: %s", sgx_measure_error(se->measure));
		se->mr_final = 1;
	}
	if (memcmp(secs->mrenclave, ss->enclavehash, SGX_HASH_SIZE)) {
		sgx_hex(secs->mrenclave, SGX_HASH_SIZE, h1);
		sgx_hex(ss->enclavehash, SGX_HASH_SIZE, h2);
		return encl_backend_fail(e, EPERM, SGX_INVALID_MEASUREMENT,
					 "EINIT: SGX_INVALID_MEASUREMENT: MRENCLAVE %s, SIGSTRUCT.ENCLAVEHASH %s", h1, h2);
	}
	sgx_sigstruct_mrsigner(ss, secs->mrsigner);
	secs->isv_prod_id = ss->isvprodid;
	secs->isv_svn = ss->isvsvn;
	secs->attributes.flags |= SGX_ATTR_INIT;
	sim_lock(&se->lock);
	epcm_set_initialized(se->epcm);
	se->initialized = 1;
	sim_unlock(&se->lock);
	return 0;
}

/* The driver's checks of an mmap of the enclave, then the PTEs it sets. */
int sim_map(struct encl_enclave *e, uint64_t offset, uint64_t length, int prot)
{
	struct sim_enclave *se = sim_of(e);

	if ((offset | length) & (SGX_PAGE_SIZE - 1) || !length ||
	    !sim_in_elrange(se, se->base + offset, length))
		return encl_backend_fail(e, EINVAL, 0, "map: offset 0x%llx length 0x%llx is not a page-aligned range inside ELRANGE",
					 (unsigned long long)offset, (unsigned long long)length);
	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return encl_backend_fail(e, EINVAL, 0, "map: protection 0x%x has bits other than PROT_READ|PROT_WRITE|PROT_EXEC", prot);
	sim_lock(&se->lock);
	if (sim_pte_set(se, se->base + offset, length, prot)) {
		sim_unlock(&se->lock);
		return encl_backend_fail(e, ENOMEM, 0, "map: out of memory");
	}
	if (sim_sync_prot(se, se->base + offset, length)) {
		int err = errno;

		sim_unlock(&se->lock);
		return encl_backend_fail(e, err, 0, "map: mprotect: %s", strerror(err));
	}
	sim_unlock(&se->lock);
	return 0;
}

/* ---- the EDMM ioctls ------------------------------------------------------ */

/* sgx_ioc_sgx2_ready() and sgx_validate_offset_length(), in their order. */
static int ioc_ready(struct encl_enclave *e, const char *op, uint64_t offset, uint64_t length)
{
	struct sim_enclave *se = sim_of(e);

	if (!se->cpu.os_edmm)
		return encl_backend_fail(e, ENOTTY, 0, "%s: the simulated kernel has no SGX2 ioctls (ENCL_SIM_KERNEL=no-edmm)", op);
	if (!se->cpu.sgx2)
		return encl_backend_fail(e, ENODEV, 0, "%s: the simulated CPU has no SGX2 (ENCL_SIM_CPU=sgx1)", op);
	if (!se->initialized)
		return encl_backend_fail(e, EINVAL, 0, "%s: the enclave is not initialized", op);
	if ((offset | length) & (SGX_PAGE_SIZE - 1) || !length ||
	    !sim_in_elrange(se, se->base + offset, length))
		return encl_backend_fail(e, EINVAL, 0, "%s: offset 0x%llx length 0x%llx is not a page-aligned range inside ELRANGE",
					 op, (unsigned long long)offset, (unsigned long long)length);
	return 0;
}

static const char *errno_why(int err)
{
	switch (err) {
	case EFAULT:	return "no such page, or the ENCLS leaf failed";
	case EINVAL:	return "the page's type does not allow it";
	case EPERM:	return "only trimmed pages the enclave has EACCEPTed can be removed";
	default:	return strerror(err);
	}
}

static int ioc_page_fail(struct encl_enclave *e, const char *op, uint64_t offset, int r,
			 uint64_t result)
{
	return encl_backend_fail(e, -r, result, "%s: page at offset 0x%llx: %s%s", op,
				 (unsigned long long)offset, errno_why(-r),
				 result == SGX_PAGE_NOT_MODIFIABLE ? " (SGX_PAGE_NOT_MODIFIABLE: PENDING or MODIFIED)" : "");
}

int sim_restrict_permissions(struct encl_enclave *e, uint64_t offset, uint64_t length,
			     uint64_t perms)
{
	static const char op[] = "restrict permissions";
	struct sim_enclave *se = sim_of(e);
	uint64_t result = 0;
	int r = 0;

	if (ioc_ready(e, op, offset, length))
		return -1;
	if (perms & ~SGX_SECINFO_PERM_MASK)
		return encl_backend_fail(e, EINVAL, 0, "%s: 0x%llx is not a set of R/W/X", op,
					 (unsigned long long)perms);
	if ((perms & SGX_SECINFO_W) && !(perms & SGX_SECINFO_R))
		return encl_backend_fail(e, EINVAL, 0, "%s: W without R", op);
	sim_lock(&se->lock);
	for (uint64_t c = 0; c < length; c += SGX_PAGE_SIZE) {
		r = epcm_ioc_restrict(se->epcm, se->base + offset + c, perms, &result);
		if (r) {
			sim_sync_prot(se, se->base + offset, c + SGX_PAGE_SIZE);
			sim_unlock(&se->lock);
			return ioc_page_fail(e, op, offset + c, r, result);
		}
	}
	/* The new protections take effect before the ioctl returns, as the driver's PTE zap. */
	sim_sync_prot(se, se->base + offset, length);
	sim_unlock(&se->lock);
	return 0;
}

int sim_modify_types(struct encl_enclave *e, uint64_t offset, uint64_t length,
		     unsigned page_type)
{
	static const char op[] = "modify types";
	struct sim_enclave *se = sim_of(e);
	uint64_t result = 0;
	int r;

	if (ioc_ready(e, op, offset, length))
		return -1;
	if (page_type & ~0xffU)
		return encl_backend_fail(e, EINVAL, 0, "%s: page type %u is out of range", op, page_type);
	sim_lock(&se->lock);
	for (uint64_t c = 0; c < length; c += SGX_PAGE_SIZE) {
		r = epcm_ioc_modify_type(se->epcm, se->base + offset + c, page_type, &result);
		if (r) {
			sim_sync_prot(se, se->base + offset, c);
			sim_unlock(&se->lock);
			return ioc_page_fail(e, op, offset + c, r, result);
		}
	}
	/*
	 * The driver zaps the PTEs; the MODIFIED pages are unusable anyway.
	 * Once for the whole range: one mprotect (and one TLB flush) instead
	 * of one per page.
	 */
	sim_sync_prot(se, se->base + offset, length);
	sim_unlock(&se->lock);
	return 0;
}

int sim_remove_pages(struct encl_enclave *e, uint64_t offset, uint64_t length)
{
	static const char op[] = "remove pages";
	struct sim_enclave *se = sim_of(e);
	int r;

	if (ioc_ready(e, op, offset, length))
		return -1;
	sim_lock(&se->lock);
	for (uint64_t c = 0; c < length; c += SGX_PAGE_SIZE) {
		r = epcm_ioc_remove(se->epcm, se->base + offset + c);
		if (r) {
			if (c)
				sim_range_discard(se, se->base + offset, c);
			sim_unlock(&se->lock);
			return ioc_page_fail(e, op, offset + c, r, 0);
		}
	}
	sim_range_discard(se, se->base + offset, length);
	sim_unlock(&se->lock);
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

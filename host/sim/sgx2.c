// SPDX-License-Identifier: MIT
/*
 * SGX2 in the sim: the driver's three EDMM ioctls (restrict permissions,
 * modify types, remove pages; arch/x86/kernel/cpu/sgx/ioctl.c) on top of
 * EMODPR/EMODT/EREMOVE, and the enclave's side, ENCLU[EACCEPT],
 * ENCLU[EACCEPTCOPY] and ENCLU[EMODPE], with the SDM's operand checks.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "host/sim/sim.h"

/* sgx_ioc_sgx2_ready() and sgx_validate_offset_length(), in their order. */
static int ioc_ready(struct encl_enclave *e, const char *op, uint64_t offset, uint64_t length)
{
	struct sim_enclave *se = sim_of(e);

	if (!se->cpu.os_edmm)
		return sim_fail(e, ENOTTY, 0, "%s: the simulated kernel has no SGX2 ioctls (ENCL_SIM_KERNEL=no-edmm)", op);
	if (!se->cpu.sgx2)
		return sim_fail(e, ENODEV, 0, "%s: the simulated CPU has no SGX2 (ENCL_SIM_CPU=sgx1)", op);
	if (!se->initialized)
		return sim_fail(e, EINVAL, 0, "%s: the enclave is not initialized", op);
	if ((offset | length) & (SGX_PAGE_SIZE - 1) || !length ||
	    !sim_in_elrange(se, se->base + offset, length))
		return sim_fail(e, EINVAL, 0, "%s: offset 0x%llx length 0x%llx is not a page-aligned range inside ELRANGE",
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
	return sim_fail(e, -r, result, "%s: page at offset 0x%llx: %s%s", op,
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
		return sim_fail(e, EINVAL, 0, "%s: 0x%llx is not a set of R/W/X", op,
				(unsigned long long)perms);
	if ((perms & SGX_SECINFO_W) && !(perms & SGX_SECINFO_R))
		return sim_fail(e, EINVAL, 0, "%s: W without R", op);
	for (uint64_t c = 0; c < length; c += SGX_PAGE_SIZE) {
		r = epcm_ioc_restrict(se->epcm, se->base + offset + c, perms, &result);
		if (r) {
			sim_sync_prot(se, se->base + offset, c + SGX_PAGE_SIZE);
			return ioc_page_fail(e, op, offset + c, r, result);
		}
	}
	/* The new protections take effect before the ioctl returns, as the driver's PTE zap. */
	sim_sync_prot(se, se->base + offset, length);
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
		return sim_fail(e, EINVAL, 0, "%s: page type %u is out of range", op, page_type);
	for (uint64_t c = 0; c < length; c += SGX_PAGE_SIZE) {
		r = epcm_ioc_modify_type(se->epcm, se->base + offset + c, page_type, &result);
		if (r) {
			sim_sync_prot(se, se->base + offset, c);
			return ioc_page_fail(e, op, offset + c, r, result);
		}
	}
	/*
	 * The driver zaps the PTEs; the MODIFIED pages are unusable anyway.
	 * Once for the whole range: one mprotect (and one TLB flush) instead
	 * of one per page.
	 */
	sim_sync_prot(se, se->base + offset, length);
	return 0;
}

int sim_remove_pages(struct encl_enclave *e, uint64_t offset, uint64_t length)
{
	static const char op[] = "remove pages";
	struct sim_enclave *se = sim_of(e);
	int r;

	if (ioc_ready(e, op, offset, length))
		return -1;
	for (uint64_t c = 0; c < length; c += SGX_PAGE_SIZE) {
		r = epcm_ioc_remove(se->epcm, se->base + offset + c);
		if (r) {
			if (c)
				sim_range_discard(se, se->base + offset, c);
			return ioc_page_fail(e, op, offset + c, r, 0);
		}
	}
	sim_range_discard(se, se->base + offset, length);
	return 0;
}

/* ---- ENCLU ---- */

int sim_operand(struct sim_enclave *se, uint64_t addr, unsigned access, uint32_t *err)
{
	enum sim_access a = sim_fault(se, addr, access, err);

	/* After the driver's EAUG the CPU re-executes: the page is PENDING now. */
	if (a == SIM_ACCESS_RETRY)
		a = sim_fault(se, addr, access, err);
	return a == SIM_ACCESS_OK ? 0 : -1;
}

static int raise(struct sim_exception *exc, int vector, uint64_t addr, uint32_t errcode)
{
	exc->vector = vector;
	exc->addr = addr;
	exc->errcode = errcode;
	return -1;
}

/* An operand the SDM faults with #GP(0): misaligned, or outside ELRANGE. */
static int misplaced(const struct sim_enclave *se, uint64_t addr, uint64_t align)
{
	return (addr & (align - 1)) ||
	       !sim_in_elrange(se, addr & ~(SGX_PAGE_SIZE - 1), SGX_PAGE_SIZE);
}

/*
 * "Does not resolve within an EPC": the page walk for the leaf's @access
 * to @addr (SDM: each leaf's memory parameter semantics), #PF when the
 * PTE does not permit it and the kernel will not EAUG the page.
 */
static int resolve(struct sim_enclave *se, uint64_t addr, unsigned access,
		   struct sim_exception *exc)
{
	uint32_t err;

	if (sim_translate(se, addr, access, &err))
		return raise(exc, X86_VEC_PF, addr, err);
	return 0;
}

/*
 * The SECINFO operand (DS:RBX), already resolved: an accepted regular
 * page the enclave can read (#PF), copied into SCRATCH_SECINFO.
 */
static int read_secinfo(struct sim_enclave *se, uint64_t addr, struct sgx_secinfo *out,
			struct sim_exception *exc)
{
	uint32_t err;

	if (epcm_access(se->epcm, addr, EPCM_ACCESS_R, &err))
		return raise(exc, X86_VEC_PF, addr, err);
	memcpy(out, sim_epc_ptr(se, addr), sizeof(*out));
	return 0;
}

/* Translate an epcm leaf result; -1 for faults, with @addr for a #PF. */
static int leaf_result(int r, uint64_t addr, uint32_t err, struct sim_exception *exc)
{
	if (r >= 0)
		return r;
	if (r == EPCM_FAULT_PF)
		return raise(exc, X86_VEC_PF, addr, err);
	return raise(exc, -r, 0, 0);
}

/* SDM ENCLU: "#GP(0) if the input value in EAX encodes an unsupported leaf". */
static int sgx2_leaf_ok(struct sim_enclave *se, struct sim_exception *exc)
{
	if (!se->cpu.sgx2)
		return raise(exc, X86_VEC_GP, 0, 0);
	return 0;
}

/*
 * SDM EACCEPT (RBX = SECINFO, RCX = page): SECINFO first (alignment and
 * ELRANGE, walk, EPCM, copy), then its reserved fields and RCX's alignment
 * and ELRANGE (#GP), the walk to RCX (a read), and the EPCM rules.
 */
int sim_eaccept(struct sim_enclave *se, uint64_t rbx, uint64_t rcx, struct sim_exception *exc)
{
	struct sgx_secinfo si;
	uint32_t err = 0;
	int r;

	if (sgx2_leaf_ok(se, exc))
		return -1;
	if (misplaced(se, rbx, 64))
		return raise(exc, X86_VEC_GP, 0, 0);
	if (resolve(se, rbx, EPCM_ACCESS_R, exc) || read_secinfo(se, rbx, &si, exc))
		return -1;
	if (epcm_secinfo_reserved(&si) || misplaced(se, rcx, SGX_PAGE_SIZE))
		return raise(exc, X86_VEC_GP, 0, 0);
	if (resolve(se, rcx, EPCM_ACCESS_R, exc))
		return -1;
	/* A TCS is checked as the enclave wrote it: the page itself. */
	r = epcm_eaccept(se->epcm, rcx, &si, sim_epc_ptr(se, rcx), &err);
	if (r == SGX_SUCCESS)
		sim_sync_prot(se, rcx, SGX_PAGE_SIZE);
	return leaf_result(r, rcx, err, exc);
}

/*
 * SDM EACCEPTCOPY (RBX = SECINFO, RCX = destination, RDX = source): the
 * three addresses (#GP), the three walks (SECINFO and source read, the
 * destination read and written), SECINFO's EPCM and copy, then the rules.
 */
int sim_eacceptcopy(struct sim_enclave *se, uint64_t rbx, uint64_t rcx, uint64_t rdx,
		    struct sim_exception *exc)
{
	struct sgx_secinfo si;
	uint32_t err = 0;
	int r;

	if (sgx2_leaf_ok(se, exc))
		return -1;
	if (misplaced(se, rbx, 64) || misplaced(se, rcx, SGX_PAGE_SIZE) ||
	    misplaced(se, rdx, SGX_PAGE_SIZE))
		return raise(exc, X86_VEC_GP, 0, 0);
	if (resolve(se, rbx, EPCM_ACCESS_R, exc) ||
	    resolve(se, rcx, EPCM_ACCESS_R | EPCM_ACCESS_W, exc) ||
	    resolve(se, rdx, EPCM_ACCESS_R, exc) || read_secinfo(se, rbx, &si, exc))
		return -1;
	r = epcm_eacceptcopy(se->epcm, rcx, rdx, &si, &err);
	if (r == EPCM_FAULT_PF)	/* which operand: the target or the source */
		return raise(exc, X86_VEC_PF, (epcm_get(se->epcm, rcx) & EPCM_VALID) ? rdx : rcx, err);
	if (r != SGX_SUCCESS)
		return leaf_result(r, rcx, err, exc);
	memcpy(sim_epc_ptr(se, rcx), sim_epc_ptr(se, rdx), SGX_PAGE_SIZE);
	sim_sync_prot(se, rcx, SGX_PAGE_SIZE);
	return SGX_SUCCESS;
}

/*
 * SDM EMODPE (RBX = SECINFO, RCX = page): both addresses (#GP), both
 * walks (reads), SECINFO's EPCM and copy, then the rules.
 */
int sim_emodpe(struct sim_enclave *se, uint64_t rbx, uint64_t rcx, struct sim_exception *exc)
{
	struct sgx_secinfo si;
	uint32_t err = 0;
	int r;

	if (sgx2_leaf_ok(se, exc))
		return -1;
	if (misplaced(se, rbx, 64) || misplaced(se, rcx, SGX_PAGE_SIZE))
		return raise(exc, X86_VEC_GP, 0, 0);
	if (resolve(se, rbx, EPCM_ACCESS_R, exc) || resolve(se, rcx, EPCM_ACCESS_R, exc) ||
	    read_secinfo(se, rbx, &si, exc))
		return -1;
	r = epcm_emodpe(se->epcm, rcx, &si, &err);
	if (r == SGX_SUCCESS)
		sim_sync_prot(se, rcx, SGX_PAGE_SIZE);
	return leaf_result(r, rcx, err, exc);
}

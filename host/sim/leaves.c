// SPDX-License-Identifier: MIT
/*
 * The ENCLU leaves the simulated CPU emulates for the execution engine:
 * EACCEPT, EACCEPTCOPY and EMODPE (the enclave's side of SGX2), EREPORT and
 * EGETKEY (their keys come from keys.c), each with the SDM's operand checks
 * in its order.
 */
#include <string.h>
#include <openssl/crypto.h>

#include "host/sim/keys.h"
#include "host/sim/leaves.h"
#include "host/sim/memory.h"
#include "host/sim/sim.h"

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

/* An aligned operand inside ELRANGE (#GP) that the enclave may access (#PF). */
static int operand(struct sim_enclave *se, uint64_t addr, uint64_t align, uint64_t len,
		   unsigned access, struct sim_exception *exc)
{
	uint32_t err;

	if ((addr & (align - 1)) || !sim_in_elrange(se, addr, len))
		return raise(exc, X86_VEC_GP, 0, 0);
	if (sim_operand(se, addr, access, &err))
		return raise(exc, X86_VEC_PF, addr, err);
	return 0;
}

/* SDM EREPORT (RBX = TARGETINFO, RCX = REPORTDATA, RDX = OUTPUTDATA) */
int sim_ereport(struct sim_enclave *se, uint64_t rbx, uint64_t rcx, uint64_t rdx,
		struct sim_exception *exc)
{
	const struct sgx_secs *secs = se->secs;
	struct sgx_targetinfo ti;
	struct sgx_report rep;

	if (operand(se, rbx, 512, sizeof(ti), EPCM_ACCESS_R, exc) ||
	    operand(se, rcx, 128, sizeof(rep.body.reportdata), EPCM_ACCESS_R, exc) ||
	    operand(se, rdx, 512, sizeof(rep), EPCM_ACCESS_W, exc))
		return -1;
	memcpy(&ti, sim_epc_ptr(se, rbx), sizeof(ti));
	memset(&rep, 0, sizeof(rep));
	memcpy(rep.body.cpusvn, sim_cpusvn, sizeof(rep.body.cpusvn));
	rep.body.miscselect = secs->miscselect;
	rep.body.attributes = secs->attributes;
	memcpy(rep.body.mrenclave, secs->mrenclave, SGX_HASH_SIZE);
	memcpy(rep.body.mrsigner, secs->mrsigner, SGX_HASH_SIZE);
	memcpy(rep.body.config_id, secs->config_id, sizeof(rep.body.config_id));
	rep.body.isvprodid = secs->isv_prod_id;
	rep.body.isvsvn = secs->isv_svn;
	rep.body.configsvn = secs->config_svn;
	memcpy(rep.body.reportdata, sim_epc_ptr(se, rcx), sizeof(rep.body.reportdata));
	if (sim_report_mac(&ti, &rep))
		return raise(exc, X86_VEC_GP, 0, 0);	/* cannot happen on hardware */
	memcpy(sim_epc_ptr(se, rdx), &rep, sizeof(rep));
	return SGX_SUCCESS;
}

static int all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

/* SDM EGETKEY (RBX = KEYREQUEST, RCX = OUTPUTDATA) */
int sim_egetkey(struct sim_enclave *se, uint64_t rbx, uint64_t rcx, struct sim_exception *exc)
{
	struct sgx_keyrequest kr;
	uint8_t key[16];
	int r;

	if (operand(se, rbx, 512, sizeof(kr), EPCM_ACCESS_R, exc) ||
	    operand(se, rcx, 16, sizeof(key), EPCM_ACCESS_W, exc))
		return -1;
	memcpy(&kr, sim_epc_ptr(se, rbx), sizeof(kr));
	/* Reserved fields, and the KSS-only policy bits (no KSS here). */
	if (kr.reserved1 || !all_zero(kr.reserved2, sizeof(kr.reserved2)) ||
	    (kr.keypolicy & ~(SGX_KEYPOLICY_MRENCLAVE | SGX_KEYPOLICY_MRSIGNER)))
		return raise(exc, X86_VEC_GP, 0, 0);
	r = sim_key_get(se->secs, &kr, key);
	if (r < 0)
		return raise(exc, X86_VEC_GP, 0, 0);
	if (r != SGX_SUCCESS)
		return r;
	memcpy(sim_epc_ptr(se, rcx), key, sizeof(key));
	OPENSSL_cleanse(key, sizeof(key));
	return SGX_SUCCESS;
}

/* SPDX-License-Identifier: MIT */
/*
 * The software SGX's architectural state, shared by its ENCLS side
 * (enclave.c, sgx2.c, memory.c: the driver's operations) and its execution
 * engine (enter.c, trap.c: EENTER/ERESUME/EEXIT/AEX). The engine calls the
 * ENCLU leaves and the fault decision below from its trap handler; every one
 * checks its operands as the SDM does and returns what the CPU would.
 *
 * Memory. ELRANGE is a naturally aligned MAP_SHARED mapping of a sparse
 * memfd: the enclave's view, each page protected with the intersection of
 * its EPCM permissions and the host's PTE protections (set through map), so
 * a forbidden access really faults. A second, always read-write mapping of
 * the same memfd is the "EPC as the CPU sees it": leaves read SECINFO, TCS
 * and SSA and write EAUG/EACCEPTCOPY/EREPORT results through it
 * (sim_epc_ptr), without ever opening the enclave's view.
 */
#ifndef ENCL_HOST_SIM_SIM_H
#define ENCL_HOST_SIM_SIM_H

#include <stddef.h>
#include <stdint.h>
#include "host/backend.h"
#include "sgx/arch.h"
#include "sgx/epcm.h"
#include "sgx/measure.h"

/*
 * The simulated CPU and kernel, from ENCL_SIM_CPU (sgx2, the default, or
 * sgx1: no EAUG/EMODPR/EMODT, EACCEPT/EACCEPTCOPY/EMODPE are #UD, no
 * EXINFO), ENCL_SIM_KERNEL (edmm, the default, or no-edmm: a pre-6.0
 * driver without the SGX2 ioctls (ENOTTY) and without EAUG on fault) and
 * ENCL_SIM_XCR0 (a test facility: an XCR0 with less than this CPU's, so
 * that an XFRM the machine lacks can be refused anywhere).
 */
struct sim_features {
	int sgx2;
	int exinfo;
	int os_edmm;
	uint64_t xcr0;		/* bounds XFRM, as XCR0 and CPUID.12H.1 do */
};

/* Read the variables. -1 with a message naming the variable if invalid. */
int sim_features_get(struct sim_features *f, char *err, size_t errlen);

/* Host PTE protection (PROT_* bits, as map() set it) over [start, end). */
struct sim_pte_range {
	uint64_t start, end;
	int prot;
};

struct sim_enclave {
	struct encl_enclave *e;
	uint64_t base, size;			/* ELRANGE */
	struct sgx_secs *secs;			/* SECS: attributes, MRs, ISV fields */
	struct epcm *epcm;
	struct sgx_measure *measure;		/* until EINIT finalizes it */
	int mr_final;				/* secs->mrenclave holds the result */
	int initialized;
	struct sim_features cpu;
	int memfd;
	uint8_t *epc;				/* the read-write alias of ELRANGE */
	/*
	 * The PTE model: ranges sorted by address, disjoint, and merged with
	 * a neighbour of equal protection, so that it holds one range per
	 * protection boundary however often map() is called.
	 */
	struct sim_pte_range *pte;
	size_t npte, pte_cap;
};

static inline struct sim_enclave *sim_of(struct encl_enclave *e)
{
	return e->priv;
}

/* The EPC alias of an ELRANGE address (no check: the caller has one). */
static inline void *sim_epc_ptr(struct sim_enclave *se, uint64_t addr)
{
	return se->epc + (addr - se->base);
}

static inline int sim_in_elrange(const struct sim_enclave *se, uint64_t addr, uint64_t len)
{
	return addr >= se->base && len <= se->size && addr - se->base <= se->size - len;
}

/* ---- memory.c ---- */

/* The PTE protection of @addr (PROT_*), or -1 if no map() covers it. */
int sim_pte_prot(const struct sim_enclave *se, uint64_t addr);
/* Record @prot for [addr, addr + len): splits and merges ranges. -1: ENOMEM. */
int sim_pte_set(struct sim_enclave *se, uint64_t addr, uint64_t len, int prot);
/* Re-derive the real protection of each page with an EPCM entry in range. */
int sim_sync_prot(struct sim_enclave *se, uint64_t addr, uint64_t len);
/* EREMOVE's memory side: zero the page, free its memory, PROT_NONE. */
void sim_page_discard(struct sim_enclave *se, uint64_t addr);
/* The same for every page of [addr, addr + len): one mprotect, one hole. */
void sim_range_discard(struct sim_enclave *se, uint64_t addr, uint64_t len);

/*
 * An enclave access that faulted (SIGSEGV inside ELRANGE) or that a leaf
 * makes to an operand: the page walk, the EPCM check, and on a #PF what
 * the kernel does about it.
 *   SIM_ACCESS_OK     the access is allowed (protections are now in step);
 *   SIM_ACCESS_RETRY  the kernel EAUGed the page (EDMM CPU and kernel,
 *                     initialized, no EPCM entry, and a mapping that
 *                     permits the access by access_error()): re-execute;
 *   SIM_ACCESS_FAULT  a #PF to deliver by AEX, error code in *pf_errcode:
 *                     X86_PF_SGX for EPCM violations, plain for PTE ones.
 * @access is EPCM_ACCESS_R/W/X.
 */
enum sim_access { SIM_ACCESS_OK, SIM_ACCESS_RETRY, SIM_ACCESS_FAULT };
enum sim_access sim_fault(struct sim_enclave *se, uint64_t addr, unsigned access,
			  uint32_t *pf_errcode);

/*
 * A leaf's memory operand at @addr, accessed as the CPU would (page tables,
 * EPCM, the driver's EAUG on fault and the re-execution after it): 0 when
 * allowed, else -1 with the #PF error code in *pf_errcode.
 */
int sim_operand(struct sim_enclave *se, uint64_t addr, unsigned access, uint32_t *pf_errcode);

/*
 * The same for the page a leaf works on (EACCEPT's, EMODPE's and
 * EACCEPTCOPY's target), whose EPCM checks are the leaf's own: only the
 * page walk for @access, with the kernel's EAUG on its fault. The caller
 * has checked that @addr is inside ELRANGE.
 */
int sim_translate(struct sim_enclave *se, uint64_t addr, unsigned access, uint32_t *pf_errcode);

/* ---- ENCLU leaves (sgx2.c, keys.c), called by the execution engine ---- */

/*
 * An exception a leaf raises instead of completing: vector X86_VEC_GP or
 * X86_VEC_PF (with addr and errcode). On a CPU without SGX2 the SGX2
 * leaves are #GP, as the SDM says of any unsupported ENCLU leaf.
 */
struct sim_exception {
	int vector;
	uint64_t addr;
	uint32_t errcode;
};

/*
 * Each leaf takes the registers as linear addresses and returns SGX_SUCCESS
 * or the SDM error code for RAX (ZF set), or -1 with *exc filled when the
 * instruction faults. A #PF on a page without an EPCM entry is first given
 * to the simulated kernel, which EAUGs where the driver would, and the leaf
 * is retried, as hardware re-executes the faulting ENCLU.
 */
int sim_eaccept(struct sim_enclave *se, uint64_t secinfo, uint64_t page,
		struct sim_exception *exc);				/* RBX, RCX */
int sim_eacceptcopy(struct sim_enclave *se, uint64_t secinfo, uint64_t page,
		    uint64_t src, struct sim_exception *exc);		/* RBX, RCX, RDX */
int sim_emodpe(struct sim_enclave *se, uint64_t secinfo, uint64_t page,
	       struct sim_exception *exc);				/* RBX, RCX */
int sim_ereport(struct sim_enclave *se, uint64_t targetinfo, uint64_t reportdata,
		uint64_t report_out, struct sim_exception *exc);	/* RBX, RCX, RDX */
int sim_egetkey(struct sim_enclave *se, uint64_t keyrequest, uint64_t key_out,
		struct sim_exception *exc);				/* RBX, RCX */

/* The simulated CPUSVN: every KEYREQUEST.CPUSVN must be at or below it. */
extern const uint8_t sim_cpusvn[16];

/* ---- the backend (enclave.c, sgx2.c, memory.c; enter.c for enter) ---- */

int sim_probe(struct encl_caps *caps);
int sim_create(struct encl_enclave *e, struct sgx_secs *secs, int edmm);
int sim_add_pages(struct encl_enclave *e, uint64_t offset, const void *src,
		  uint64_t length, uint64_t secinfo_flags, int measure);
int sim_init(struct encl_enclave *e, const struct sgx_sigstruct *ss);
int sim_map(struct encl_enclave *e, uint64_t offset, uint64_t length, int prot);
int sim_restrict_permissions(struct encl_enclave *e, uint64_t offset, uint64_t length,
			     uint64_t secinfo_perms);
int sim_modify_types(struct encl_enclave *e, uint64_t offset, uint64_t length,
		     unsigned page_type);
int sim_remove_pages(struct encl_enclave *e, uint64_t offset, uint64_t length);
int sim_enter(struct encl_enclave *e, struct encl_run *run);	/* enter.c */
void sim_destroy(struct encl_enclave *e);

/* e->error/e->err/e->sgx_result for a failure; returns -1. */
int sim_fail(struct encl_enclave *e, int error, uint64_t sgx_result, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif

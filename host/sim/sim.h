/* SPDX-License-Identifier: MIT */
/*
 * The software SGX's architectural state: one simulated enclave, shared by
 * the sim's parts, each with its own header:
 *   driver.h   the driver's operations and probe (driver.c, probe.c)
 *   leaves.h   the ENCLU leaves (leaves.c), with the keys (keys.h, keys.c)
 *   memory.h   page protections and the fault decision (memory.c)
 *   cpu.h      the execution engine (gate.S, enter.c, trap.c, cpu.c,
 *              xstate.c, quirks.c): EENTER/ERESUME/EEXIT/AEX
 * The engine calls the ENCLU leaves and the fault decision from its trap
 * handler; every one checks its operands as the SDM does and returns what
 * the CPU would.
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

/* Read the variables (probe.c). -1 with a message naming the variable if invalid. */
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
	/*
	 * Held while the EPCM, the PTE model, the real protections or a
	 * TCS's STATE/CSSA are read or changed (lock.h): several host
	 * threads run the enclave and the driver operations at once.
	 */
	int lock;
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

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The ENCLU leaves the simulated CPU emulates (leaves.c), called by the
 * execution engine when enclave code runs ENCLU.
 */
#ifndef ENCL_HOST_SIM_LEAVES_H
#define ENCL_HOST_SIM_LEAVES_H

#include <stdint.h>

#include "host/sim/sim.h"

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

#endif

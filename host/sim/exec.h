/* SPDX-License-Identifier: MIT */
/*
 * Helpers shared by the execution engine's C parts (enter.c, trap.c): where
 * a TCS's SSA frames are.
 * Everything goes through the EPC alias (sim_epc_ptr), as the CPU reads
 * and writes TCS and SSA regardless of the enclave's page protections.
 */
#ifndef ENCL_HOST_SIM_EXEC_H
#define ENCL_HOST_SIM_EXEC_H

#include <stdint.h>

#include "host/sim/sim.h"

static inline uint64_t sim_ssa_frame_bytes(const struct sim_enclave *se)
{
	return (uint64_t)se->secs->ssa_frame_size * SGX_PAGE_SIZE;
}

/* Linear address of SSA frame @i of @tcs. */
static inline uint64_t sim_ssa_addr(const struct sim_enclave *se, const struct sgx_tcs *tcs,
				    uint32_t i)
{
	return se->base + tcs->ossa + i * sim_ssa_frame_bytes(se);
}

/* GPRSGX: the last 184 bytes of the frame; EXINFO is just below it. */
static inline struct sgx_ssa_gpr *sim_ssa_gpr(struct sim_enclave *se, const struct sgx_tcs *tcs,
					      uint32_t i)
{
	return sim_epc_ptr(se, sim_ssa_addr(se, tcs, i) + sim_ssa_frame_bytes(se) -
			   SGX_SSA_GPR_SIZE);
}

/* The XSAVE area: the start of the frame. */
static inline uint8_t *sim_ssa_xsave(struct sim_enclave *se, const struct sgx_tcs *tcs,
				     uint32_t i)
{
	return sim_epc_ptr(se, sim_ssa_addr(se, tcs, i));
}

#endif

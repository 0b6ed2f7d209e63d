/* SPDX-License-Identifier: MIT */
/*
 * The sim's memory (memory.c): the host PTE protections map() records, the
 * real page protections derived from them and the EPCM, and the fault
 * decision the execution engine and the leaves share.
 */
#ifndef ENCL_HOST_SIM_MEMORY_H
#define ENCL_HOST_SIM_MEMORY_H

#include <stdint.h>

#include "host/sim/sim.h"

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

#endif

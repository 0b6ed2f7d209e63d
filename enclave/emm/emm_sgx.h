/* SPDX-License-Identifier: MIT */
/*
 * The EMM as the trusted runtime uses it: one instance, set up from the
 * measured parameters, and the fault hook. docs/emm.md shows the wiring.
 */
#ifndef ENCL_ENCLAVE_EMM_EMM_SGX_H
#define ENCL_ENCLAVE_EMM_EMM_SGX_H

#include <stddef.h>
#include <stdint.h>
#include "enclave/emm/emm.h"
#include "abi/params.h"

extern struct emm encl_emm;

/*
 * Set up encl_emm for the layout in @p (measured), at enclave base @base,
 * with the host's SCONE_HEAP / SCONE_MIN_HEAP hints (clamped inside).
 * @ocall performs ENCL_OCALL_* (offset, length, arg) and returns 0 or
 * -errno; @warn prints one line. Call once, before the first mmap/brk,
 * from a context that may make ocalls. 0 or -errno (start-up fails).
 */
int emm_sgx_init(const struct encl_params *p, uint64_t base,
		 uint64_t heap_hint, uint64_t min_heap_hint,
		 long (*ocall)(long nr, uint64_t a0, uint64_t a1, uint64_t a2),
		 void (*warn)(const char *msg));

/* The ENCLU leaves and the zeroing behind encl_emm's ops. */
int emm_sgx_eaccept(uint64_t addr, uint64_t secinfo_flags);
int emm_sgx_emodpe(uint64_t addr, uint64_t perms);
int emm_sgx_eacceptcopy(uint64_t addr, uint64_t secinfo_flags, uint64_t src);
void emm_sgx_zero(void *p, size_t n);

#endif

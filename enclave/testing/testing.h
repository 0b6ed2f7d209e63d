/* SPDX-License-Identifier: MIT */
/*
 * A TEST AND DIAGNOSTIC INTERFACE for enclave programs, not an API for
 * applications. It exists so that the EPCM scenarios of docs/hardware.md (modelled
 * on the Linux SGX selftests; tests/scenarios/epcm.c) can run inside a real
 * enclave: raw SGX2 leaves, the host's EDMM operations, and a hook into the
 * exception handler. A program that uses it can break its own memory (trim
 * its own pages, restrict its own permissions); it cannot weaken the
 * runtime's guarantees towards the host, because everything here is
 * something enclave code could do anyway. docs/execution.md, "Fault hook".
 *
 * Addresses are linear (as the program sees them); the host operations
 * convert them to offsets from the enclave base.
 */
#ifndef ENCL_ENCLAVE_TESTING_TESTING_H
#define ENCL_ENCLAVE_TESTING_TESTING_H

#include <stdint.h>

#include "abi/boundary.h"
#include "abi/params.h"

/* ---- the CPU: ENCLU leaves, returning EAX (0 or the SDM error code) ---- */

/* EACCEPT of @addr with SECINFO.FLAGS @flags (SGX_SECINFO_* of sgx/arch.h). */
int encl_eaccept(uint64_t addr, uint64_t flags);
/* EACCEPTCOPY: accept the PENDING page @addr with @flags, filled from @src. */
int encl_eacceptcopy(uint64_t addr, uint64_t flags, uint64_t src);
/* EMODPE: extend @addr's EPCM permissions by @perms. Faults, never fails: 0. */
int encl_emodpe(uint64_t addr, uint64_t perms);

/* ---- the host: the driver's operations, as ocalls; 0 or -errno ---- */

int encl_host_modify_types(uint64_t addr, uint64_t len, unsigned page_type);
int encl_host_restrict(uint64_t addr, uint64_t len, uint64_t secinfo_perms);
int encl_host_remove(uint64_t addr, uint64_t len);
/* The host's PTEs (mprotect of the enclave mapping), PROT_* in @prot. */
int encl_host_protect(uint64_t addr, uint64_t len, int prot);
/*
 * Ask the host to EENTER the TCS at @tcs once (ENCL_OCALL_ENTER_TCS in
 * abi.h) and fill @out with how the thread came back. 0 or -errno.
 */
int encl_host_enter_tcs(uint64_t tcs, struct encl_enter_report *out);

/* ---- the enclave ---- */

uint64_t encl_base(void);
/* The measured parameter page (abi/params.h). */
const struct encl_params *encl_measured_params(void);

/*
 * @len bytes (page multiple) of ELRANGE that nothing has added and the
 * memory manager will never touch: a PROT_NONE mapping at the top of the
 * EDMM heap range, above the clamped SCONE_HEAP, whose host PTEs are then
 * opened read-write so that an access makes the kernel EAUG the page. The
 * EMM commits nothing in a PROT_NONE mapping and sends its faults to the
 * hook. Needs the EDMM layout; never unmap it. Returns the address, or 0
 * with *@why saying what is missing.
 */
uint64_t encl_reserve_raw(uint64_t len, const char **why);

/* ---- the exception handler ---- */

/* What the handler saw: an exception the memory manager did not claim. */
struct encl_fault {
	uint32_t vector;	/* X86_VEC_* (14 = #PF, 13 = #GP) */
	uint32_t error_code;	/* EXINFO.ERRCD: X86_PF_* incl. X86_PF_SGX; 0 if unknown */
	uint64_t addr;		/* EXINFO.MADDR for #PF (linear), else 0 */
	uint64_t rip;		/* the faulting instruction (linear) */
};

/* What a hook answers. */
#define ENCL_FAULT_CRASH	0	/* not fixed: the usual crash report */
#define ENCL_FAULT_RESUME	1	/* fixed (e.g. EACCEPT): retry the instruction */
#define ENCL_FAULT_ABORT_PROBE	2	/* the fault was an encl_probe_*() access:
					 * make that call return -1 */

/*
 * Install @hook (NULL removes it). The exception handler calls it for
 * every exception it would otherwise report as a crash, after the memory
 * manager declined it, on the handler's stack at CSSA = 1: it may run
 * ENCLU leaves and touch memory, but must not make system calls or
 * ocalls (the thread is inside the handler; nothing can leave and come
 * back). ENCL_FAULT_ABORT_PROBE at any other instruction is a crash.
 */
void encl_set_fault_hook(int (*hook)(const struct encl_fault *f));

/*
 * One 8-byte access that may fault: 0 when it completed, -1 when the hook
 * answered ENCL_FAULT_ABORT_PROBE. @p must be 8-byte aligned.
 */
int encl_probe_read(const volatile uint64_t *p, uint64_t *value);
int encl_probe_write(volatile uint64_t *p, uint64_t value);

#endif

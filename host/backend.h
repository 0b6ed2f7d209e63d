/* SPDX-License-Identifier: MIT */
/*
 * The backend interface: the Linux SGX driver's operations (create, add
 * pages, init, restrict permissions, modify types, remove pages) plus
 * entering the enclave. Two implementations: "hw" (host/hw/, the in-kernel
 * driver and the vDSO) and "sim" (host/sim/, a software SGX that fails
 * wherever hardware would). The host runtime drives either one the same way.
 *
 * Every operation returns 0, or -1 with a one-line reason in e->err and an
 * errno-style code in e->error.
 */
#ifndef ENCL_HOST_BACKEND_H
#define ENCL_HOST_BACKEND_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "sgx/arch.h"
#include "sgx/cpuid.h"

/* What a backend found on this machine. */
struct encl_caps {
	int sgx1;		/* the CPU (or simulated CPU) runs enclaves */
	int sgx2;		/* the CPU has EAUG/EMODPR/EMODT/EACCEPT */
	int exinfo;		/* MISCSELECT.EXINFO supported */
	int os_edmm;		/* the kernel accepts the SGX2 ioctls */
	uint64_t xfrm;		/* XFRM bits an enclave may have here: hw CPUID.12H.1
				 * ECX:EDX within XCR0; sim the (simulated) XCR0 */
	char why_not[160];	/* when !sgx1, or !(sgx2 && os_edmm): what is missing */
};

/*
 * One enclave entry or resumption, modelled on the vDSO's struct
 * sgx_enclave_run: the caller fills tcs, function and the argument
 * registers; enter() returns after EEXIT or after an AEX.
 */
struct encl_run {
	uint64_t tcs;			/* in: linear address of the TCS */
	uint32_t function;		/* in: SGX_EENTER or SGX_ERESUME.
					 * out: SGX_EEXIT, or SGX_ERESUME after an AEX */
	uint64_t rdi, rsi, rdx;		/* in: for EENTER; out: as left at EEXIT */
	uint16_t exception_vector;	/* out, after an AEX */
	uint16_t exception_error_code;
	uint64_t exception_addr;
};

/*
 * encl_run.exception_vector after an AEX that no exception caused: a signal
 * the host runtime catches (catch_signals) interrupted enclave code. The
 * run loop then EENTERs the handler with ENCL_OP_SIGNAL, or ERESUMEs.
 */
#define ENCL_RUN_INTERRUPT	0xffff

struct encl_enclave;

struct encl_backend {
	const char *name;
	int (*probe)(struct encl_caps *caps);
	/*
	 * ECREATE: reserve a naturally aligned ELRANGE of secs->size bytes,
	 * set secs->base and e->base. @edmm: pages may be added after EINIT.
	 */
	int (*create)(struct encl_enclave *e, struct sgx_secs *secs, int edmm);
	/* EADD (+ EEXTEND when @measure) of length/4096 pages from @src. */
	int (*add_pages)(struct encl_enclave *e, uint64_t offset, const void *src,
			 uint64_t length, uint64_t secinfo_flags, int measure);
	int (*init)(struct encl_enclave *e, const struct sgx_sigstruct *ss);
	/* Map a range into the address space with PROT_* @prot (after init). */
	int (*map)(struct encl_enclave *e, uint64_t offset, uint64_t length, int prot);
	/* SGX2, after init. */
	int (*restrict_permissions)(struct encl_enclave *e, uint64_t offset, uint64_t length,
				    uint64_t secinfo_perms);
	int (*modify_types)(struct encl_enclave *e, uint64_t offset, uint64_t length,
			    unsigned page_type);
	int (*remove_pages)(struct encl_enclave *e, uint64_t offset, uint64_t length);
	/*
	 * Safe to call from several threads at once, each on its own TCS (a
	 * busy TCS is #GP, as on hardware), and so are map and the SGX2
	 * operations. A failure is written to e->err and e->error: threads
	 * that want their own pass their own copy of struct encl_enclave
	 * (copies share the enclave through priv). After an AEX, make the
	 * ERESUMEs from the same stack frame as the EENTER (one call site):
	 * an enclave interrupted between reloading URSP/URBP and its EEXIT
	 * leaves on the stack of the EENTER.
	 */
	int (*enter)(struct encl_enclave *e, struct encl_run *run);
	/*
	 * Catch the asynchronous signals in @mask (bit sig - 1) for the whole
	 * process, without SA_RESTART: @note(sig) runs in signal context on
	 * whichever thread the kernel chose, with every signal blocked and
	 * errno preserved around it. If that thread was running enclave
	 * code, it leaves with an AEX (EXITINFO not valid, CSSA += 1) and its
	 * enter() returns SGX_ERESUME with ENCL_RUN_INTERRUPT; a host system
	 * call it was in fails with EINTR. A signal that arrives while enter()
	 * has not yet reached enclave code is only noted, and the enclave
	 * runs until its next exit. Refused (EINVAL): the signals of
	 * encl_signal_uncatchable(). May be called again; the last @note wins.
	 */
	int (*catch_signals)(struct encl_enclave *e, uint64_t mask, void (*note)(int sig));
	void (*destroy)(struct encl_enclave *e);
	/*
	 * The quoting enclave (ENCL_OCALL_QUOTE, docs/attestation.md): its
	 * TARGETINFO, and a quote of a REPORT made for it (size or -errno).
	 * NULL: this backend makes no quotes (hw: no DCAP provider is shipped).
	 */
	void (*quote_target)(struct sgx_targetinfo *ti);
	int64_t (*quote)(const struct sgx_report *rep, void *out, uint64_t room);
};

struct encl_enclave {
	const struct encl_backend *be;
	void *priv;		/* the backend's own state */
	uint64_t base;		/* SECS.BASEADDR */
	uint64_t size;		/* SECS.SIZE */
	int edmm;
	int error;		/* errno-style code of the last failure */
	uint64_t sgx_result;	/* SGX return code of the last ENCLS failure, if any */
	const char *sigstruct_label; /* in: names the SIGSTRUCT in init()'s messages,
				 * e.g. "EDMM" or "SGX1" */
	char err[256];
};

extern const struct encl_backend encl_backend_sim;
extern const struct encl_backend encl_backend_hw;

/*
 * What the hardware backend finds on this machine, fact by fact, for a
 * report such as encl detect's (host/hw/probe.c). caps is its probe's verdict, the one the
 * runtime acts on, so the report and the runtime cannot disagree.
 */
struct encl_hw_facts {
	struct sgx_cpu_info cpu;	/* CPUID */
	const char *cpu_why;		/* NULL when the CPU can run enclaves */
	char cpu_why_buf[160];
	const char *dev_enclave;	/* /dev/sgx_enclave: "absent", "present",
					 * "present, permission denied" or
					 * "present, cannot be opened" */
	const char *dev_provision;	/* /dev/sgx_provision, the same way */
	int vdso_entry;			/* the vDSO has __vdso_sgx_enter_enclave */
	struct encl_caps caps;
};

void encl_hw_describe(struct encl_hw_facts *f);

/* ---- shared by the backends (backend.c) ---- */

/* Record a failure: e->error, e->sgx_result (0: none) and e->err. Returns -1. */
int encl_backend_fail(struct encl_enclave *e, int error, uint64_t sgx_result,
		      const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * Why catch_signals refuses @sig in its mask, or NULL: the synchronous
 * signals (SIGSEGV, SIGILL, ... report a fault of the code that raised
 * it; the simulator traps enclave instructions with them), SIGKILL and
 * SIGSTOP, and the two real-time signals glibc keeps for its threads.
 * The same for both backends, so that one mask suits either.
 */
const char *encl_signal_uncatchable(int sig);
/*
 * catch_signals' argument check, one for both backends: 0, or -1 with the
 * failure recorded in @e (no @note, or a signal in @mask that cannot be caught).
 */
int encl_signal_mask_check(struct encl_enclave *e, uint64_t mask, void (*note)(int sig));

/* mmap(2) and munmap(2), or a test double's. */
typedef void *encl_mmap_fn(void *addr, size_t len, int prot, int flags, int fd, off_t off);
typedef int encl_munmap_fn(void *addr, size_t len);

/*
 * Reserve a naturally aligned ELRANGE of @size bytes (SECS.BASEADDR must be
 * a multiple of SECS.SIZE), inaccessible until the backend maps it: its
 * base, or NULL with errno (EINVAL: @size is not a power of two whose
 * double fits the address space). The caller unmaps [base, base + size).
 */
void *encl_reserve_elrange(uint64_t size, encl_mmap_fn *map, encl_munmap_fn *unmap);

#endif

// SPDX-License-Identifier: MIT
/*
 * The EMM inside the enclave: the ENCLU leaves behind struct emm_ops, the
 * enclave's one EMM instance, and the #PF hook the exception handler calls.
 * The runtime supplies the two things only it can do: leave for an ocall,
 * and print a warning (see docs/emm.md, "Wiring").
 */
#include "enclave/emm/emm_msg.h"
#include "enclave/emm/emm_sgx.h"
#include "enclave/core/runtime.h"
#include "sgx/arch.h"

struct emm encl_emm;

/*
 * One ENCLU leaf that takes a SECINFO: RBX = SECINFO (64-byte aligned on
 * this stack), RCX = the page, RDX = the source page for EACCEPTCOPY
 * (ignored by the others). Returns EAX.
 */
static uint64_t enclu_secinfo(uint64_t leaf, uint64_t addr, uint64_t flags, uint64_t src)
{
	struct sgx_secinfo si = { .flags = flags };
	uint64_t rax = leaf;

	__asm__ volatile("enclu"
			 : "+a"(rax)
			 : "b"(&si), "c"(addr), "d"(src)
			 : "memory", "cc");
	return rax;
}

/*
 * ENCLU[EACCEPT] (leaf 5): RBX = SECINFO (64-byte aligned), RCX = the page.
 * EAX is 0 or the SGX error code. On a page the kernel has not EAUGed yet
 * the leaf faults; the kernel EAUGs on that fault and the CPU re-executes
 * the ENCLU, so this returns only once the page exists.
 */
int emm_sgx_eaccept(uint64_t addr, uint64_t secinfo_flags)
{
	return (int)enclu_secinfo(SGX_EACCEPT, addr, secinfo_flags, 0);
}

/*
 * ENCLU[EACCEPTCOPY] (leaf 7): RBX = SECINFO, RCX = the PENDING page, RDX =
 * the source page. EAX is 0 or the SGX error code. The EMM does not use it;
 * the test interface (enclave/testing/testing.h) does.
 */
int emm_sgx_eacceptcopy(uint64_t addr, uint64_t secinfo_flags, uint64_t src)
{
	return (int)enclu_secinfo(SGX_EACCEPTCOPY, addr, secinfo_flags, src);
}

/* ENCLU[EMODPE] (leaf 6): RBX = SECINFO, RCX = the page. Faults, never fails. */
int emm_sgx_emodpe(uint64_t addr, uint64_t perms)
{
	(void)enclu_secinfo(SGX_EMODPE, addr, perms, 0);
	return 0;
}

/* rep stosb: fast on every CPU with ERMSB, and no call to a libc memset. */
void emm_sgx_zero(void *p, size_t n)
{
	__asm__ volatile("rep stosb"
			 : "+D"(p), "+c"(n)
			 : "a"(0)
			 : "memory");
}

static uint64_t self(void)
{
	return (uint64_t)(uintptr_t)encl_self();
}

static struct emm_ops encl_emm_ops = {
	.eaccept = emm_sgx_eaccept,
	.emodpe = emm_sgx_emodpe,
	.zero = emm_sgx_zero,
	.self = self,
};

int emm_sgx_init(const struct encl_params *p, uint64_t base,
		 uint64_t heap_hint, uint64_t min_heap_hint,
		 long (*ocall)(long nr, uint64_t a0, uint64_t a1, uint64_t a2),
		 void (*warn)(const char *msg))
{
	struct emm_config c = {
		.mode = p->mode == ENCL_PARAMS_MODE_EDMM ? EMM_MODE_EDMM : EMM_MODE_SGX1,
		.base = base,
		.heap_offset = p->heap_offset,
		.heap_size = p->heap_size,
		.max_heap = heap_hint,
		.min_heap = min_heap_hint,
	};

	encl_emm_ops.ocall = ocall;
	encl_emm_ops.warn = warn;
	return emm_init(&encl_emm, &c, &encl_emm_ops);
}

/*
 * The hook of the exception handler: 1 when the #PF was a lazily committed
 * heap page, now committed (ERESUME), 0 otherwise (a crash). Before
 * emm_sgx_init the instance is zero, i.e. SGX1 mode, and claims nothing.
 */
void emm_touch_for_handler(uint64_t addr)
{
	/* Another thread's EMM call ends soon; this one cannot resume and retry. */
	while (emm_fault(&encl_emm, addr, X86_PF_WRITE | X86_PF_USER) == EMM_FAULT_BUSY)
		__builtin_ia32_pause();
}

int emm_handle_fault(uint64_t addr, uint32_t errcd)
{
	int r = emm_fault(&encl_emm, addr, errcd);

	if (r == EMM_FAULT_LOCKED) {
		char msg[EMM_MSG_MAX];

		emm_msg_format(msg, sizeof(msg), EMM_MSG_FAULT_LOCKED,
			       (const uint64_t[EMM_MSG_ARGS]){ encl_offset(addr), errcd });
		encl_fatal("%s", msg);
	}
	return r == EMM_FAULT_FIXED || r == EMM_FAULT_BUSY;
}

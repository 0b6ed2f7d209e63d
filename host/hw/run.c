// SPDX-License-Identifier: MIT
/*
 * EENTER and ERESUME through the vDSO's __vdso_sgx_enter_enclave, which the
 * kernel provides so that exceptions inside the enclave come back as a
 * return value instead of a signal. The registers the enclave leaves at
 * EEXIT are only visible to a user handler, which the vDSO calls on every
 * exit with RDI, RSI, RDX as the enclave left them; ours records them and
 * returns 0 so that the vDSO returns to us.
 *
 * After an AEX the vDSO reports run.function = ERESUME (the CPU's synthetic
 * RAX) and the exception vector, error code and address the kernel saw. An
 * exception on the ENCLU itself leaves the leaf that faulted in run.function
 * (EENTER; a faulting ERESUME looks like an AEX) and calls the handler with
 * RDI, RSI, RDX = vector, error code, address, not registers of the enclave.
 * The vDSO returns an int: 0 once ENCLU was attempted, -EINVAL for a bad
 * leaf or a nonzero reserved area (arch/x86/entry/vdso/vsgx.S).
 *
 * Threads: each thread enters its own TCS at the same time as others. All
 * that one entry needs lives on its stack (struct sgx_enclave_run, the
 * exit registers) or in this thread's struct hw_entry, which the handler
 * of the signals caught for the host reads (interrupt.c): a signal that
 * interrupted enclave code makes this entry report ENCL_RUN_INTERRUPT.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/hw/hw.h"
#include "host/hw/vdso.h"

struct exit_regs {
	uint64_t rdi, rsi, rdx;
};

__thread struct hw_entry hw_entry_self;

/*
 * The lookup's result. Threads that look it up at once find the same
 * symbol, so the race is harmless, but it is made with atomics so that
 * none reads a torn pair.
 */
static vdso_sgx_enter_enclave_t vdso_enter;
static int vdso_known;		/* vdso_enter holds the lookup's result */

void hw_use_vdso(vdso_sgx_enter_enclave_t enter)
{
	__atomic_store_n(&vdso_enter, enter, __ATOMIC_RELAXED);
	__atomic_store_n(&vdso_known, 1, __ATOMIC_RELEASE);
}

void hw_use_real_vdso(void)
{
	__atomic_store_n(&vdso_known, 0, __ATOMIC_RELEASE);
	__atomic_store_n(&vdso_enter, NULL, __ATOMIC_RELAXED);
}

vdso_sgx_enter_enclave_t hw_vdso_enter(void)
{
	if (!__atomic_load_n(&vdso_known, __ATOMIC_ACQUIRE)) {
		vdso_sgx_enter_enclave_t fn = (vdso_sgx_enter_enclave_t)
			hw_vdso_sym("__vdso_sgx_enter_enclave", "LINUX_2.6");

		hw_use_vdso(fn);
	}
	return __atomic_load_n(&vdso_enter, __ATOMIC_RELAXED);
}

static int record_exit(long rdi, long rsi, long rdx, long rsp, long r8, long r9,
		       struct sgx_enclave_run *run)
{
	struct exit_regs *x = (struct exit_regs *)(uintptr_t)run->user_data;

	(void)rsp; (void)r8; (void)r9;
	x->rdi = (uint64_t)rdi;
	x->rsi = (uint64_t)rsi;
	x->rdx = (uint64_t)rdx;
	return 0;	/* back to the caller of the vDSO, not into the enclave */
}

/* The exceptions ENCLU[EENTER] can raise (SDM EENTER): #GP, #PF, #UD. */
static const char *vector_name(unsigned vector)
{
	switch (vector) {
	case X86_VEC_UD: return "#UD";
	case X86_VEC_GP: return "#GP";
	case X86_VEC_PF: return "#PF";
	default:         return "an exception";
	}
}

/*
 * EENTER itself faulted: the thread never ran. A #PF with X86_PF_SGX is the
 * EPCM refusing the TCS or its SSA frame; on a TCS that could be entered
 * before, the EPC was lost, as across a suspend or hibernation (the
 * kernel's access_error(): "the enclave memory contents have been
 * destroyed"), and only building the enclave again helps.
 */
static int enter_faulted(struct encl_enclave *e, const struct encl_run *run)
{
	const char *why;

	if (run->exception_vector == X86_VEC_PF && (run->exception_error_code & X86_PF_SGX))
		why = "the EPCM refused the TCS or its SSA frame; if this thread ran before, the "
		      "enclave's memory was lost (the EPC is cleared across suspend and "
		      "hibernation): start the program again";
	else if (run->exception_vector == X86_VEC_PF)
		why = "the TCS or its SSA frame is not mapped";
	else if (run->exception_vector == X86_VEC_GP)
		why = "the TCS is busy or has no free SSA frame, or the enclave cannot be entered";
	else if (run->exception_vector == X86_VEC_UD)
		why = "this CPU does not run ENCLU (SGX absent or disabled)";
	else
		why = "not an exception EENTER raises";
	return encl_backend_fail(e, EFAULT, 0, "EENTER faulted: %s (vector %u, error code %#x, address %#llx): %s",
				 vector_name(run->exception_vector), run->exception_vector,
				 run->exception_error_code, (unsigned long long)run->exception_addr, why);
}

int hw_enter(struct encl_enclave *e, struct encl_run *run)
{
	vdso_sgx_enter_enclave_t fn = hw_vdso_enter();
	struct sgx_enclave_run r;
	struct exit_regs x = { 0, 0, 0 };
	int rc;

	if (!fn)
		return encl_backend_fail(e, ENOSYS, 0, "%s", HW_NO_VDSO_WHY);
	if (run->function != SGX_EENTER && run->function != SGX_ERESUME)
		return encl_backend_fail(e, EINVAL, 0, "enter: function %u is neither EENTER nor ERESUME",
					 run->function);

	/* The reserved area must be zero: the vDSO refuses the call otherwise. */
	memset(&r, 0, sizeof(r));
	r.tcs = run->tcs;
	r.user_handler = (uint64_t)(uintptr_t)record_exit;
	r.user_data = (uint64_t)(uintptr_t)&x;

	hw_entry_self.tcs = run->tcs;
	hw_entry_self.interrupted = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	hw_entry_self.in_vdso = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rc = hw_vdso_call(fn, run->rdi, run->rsi, run->rdx, run->function, &r);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	hw_entry_self.in_vdso = 0;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	if (rc < 0)
		return encl_backend_fail(e, -rc, 0, "__vdso_sgx_enter_enclave refused the call: %d (%s: %s)",
					 rc, strerrorname_np(-rc) ? strerrorname_np(-rc) : "?", strerror(-rc));
	if (rc > 0)	/* only a user handler's positive return, and ours returns 0 */
		return encl_backend_fail(e, EPROTO, 0, "__vdso_sgx_enter_enclave returned %d, not 0", rc);

	if (r.function == SGX_EEXIT && hw_entry_self.interrupted) {
		/*
		 * Not an EEXIT: the handler moved the AEP past its ENCLU, and
		 * the vDSO went its EEXIT way with the AEX's synthetic
		 * registers. The AEX itself happened (CSSA was incremented).
		 */
		run->function = SGX_ERESUME;
		run->exception_vector = ENCL_RUN_INTERRUPT;
		run->exception_error_code = 0;
		run->exception_addr = 0;
		return 0;
	}
	if (r.function == SGX_EEXIT) {
		run->function = SGX_EEXIT;
		run->rdi = x.rdi;
		run->rsi = x.rsi;
		run->rdx = x.rdx;
		run->exception_vector = 0;
		run->exception_error_code = 0;
		run->exception_addr = 0;
		return 0;
	}
	/*
	 * An exception the kernel did not handle. RDI and RSI of @run still
	 * hold what went in (after an ocall ORET, which reads like the
	 * "return" exit): whatever this is, it is no exit.
	 */
	run->function = r.function;
	run->exception_vector = r.exception_vector;
	run->exception_error_code = r.exception_error_code;
	run->exception_addr = r.exception_addr;
	switch (r.function) {
	case SGX_ERESUME:
		return 0;	/* an AEX: the enclave's handler runs next */
	case SGX_EENTER:
		return enter_faulted(e, run);
	default:
		return encl_backend_fail(e, EPROTO, 0, "__vdso_sgx_enter_enclave reported leaf %u, neither EEXIT "
					 "nor an exception (vector %u, error code %#x, address %#llx)",
					 r.function, r.exception_vector, r.exception_error_code,
					 (unsigned long long)r.exception_addr);
	}
}

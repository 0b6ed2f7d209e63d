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
 * RAX) and the exception vector, error code and address the kernel saw; an
 * exception on the ENCLU itself leaves function = EENTER/ERESUME likewise.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "host/sgx/sgx.h"
#include "host/sgx/vdso.h"

struct exit_regs {
	uint64_t rdi, rsi, rdx;
};

static vdso_sgx_enter_enclave_t vdso_enter;
static int vdso_looked_up;

void encl_sgx_use_vdso(vdso_sgx_enter_enclave_t enter)
{
	vdso_enter = enter;
	vdso_looked_up = enter != NULL;
}

static vdso_sgx_enter_enclave_t find_vdso_enter(void)
{
	if (!vdso_looked_up) {
		vdso_enter = (vdso_sgx_enter_enclave_t)encl_vdso_sym("__vdso_sgx_enter_enclave",
								     "LINUX_2.6");
		vdso_looked_up = 1;
	}
	return vdso_enter;
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

int sgx_enter(struct encl_enclave *e, struct encl_run *run)
{
	vdso_sgx_enter_enclave_t fn = find_vdso_enter();
	struct sgx_enclave_run r;
	struct exit_regs x = { 0, 0, 0 };
	long rc;

	if (!fn)
		return sgx_fail(e, ENOSYS, "the vDSO has no __vdso_sgx_enter_enclave: the kernel "
				"has no SGX driver (Linux 5.11+ needed)");
	if (run->function != SGX_EENTER && run->function != SGX_ERESUME)
		return sgx_fail(e, EINVAL, "enter: function %u is neither EENTER nor ERESUME",
				run->function);

	/* The reserved area must be zero: the vDSO refuses the call otherwise. */
	memset(&r, 0, sizeof(r));
	r.tcs = run->tcs;
	r.user_handler = (uint64_t)(uintptr_t)record_exit;
	r.user_data = (uint64_t)(uintptr_t)&x;

	rc = encl_sgx_vdso_call(fn, run->rdi, run->rsi, run->rdx, run->function, &r);
	/*
	 * vsgx.S returns 0 after an exception too (the uapi comment says
	 * -EFAULT); accept both, as long as run says which leaf it saw.
	 */
	if (rc < 0 && !(rc == -EFAULT && (r.function == SGX_EENTER || r.function == SGX_ERESUME)))
		return sgx_fail(e, (int)-rc, "__vdso_sgx_enter_enclave: %s", strerror((int)-rc));

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
	 * An exception the kernel did not handle. After an AEX the vDSO saw
	 * ERESUME (the CPU's synthetic RAX); a fault on the ENCLU itself, such
	 * as EENTER with CSSA == NSSA, leaves the leaf that faulted.
	 */
	run->function = r.function;
	run->exception_vector = r.exception_vector;
	run->exception_error_code = r.exception_error_code;
	run->exception_addr = r.exception_addr;
	return 0;
}

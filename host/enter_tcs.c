// SPDX-License-Identifier: MIT
/*
 * ENCL_OCALL_ENTER_TCS (abi/boundary.h): one EENTER of a TCS the enclave
 * names, made from inside an ocall, and a report of how the thread came
 * out. It exists for the EPCM scenarios (tcs_create: a TCS made at run
 * time must be one the CPU enters), so it does the least that shows it:
 * RDI = RSI = RDX = 0, no ERESUME after an AEX, no ocalls served for that
 * thread. Entering a TCS is nothing the host could not do on its own; the
 * enclave decides what an entry means (the runtime refuses every TCS that
 * is not one of its measured threads).
 */
#include <errno.h>
#include <string.h>

#include "host/host.h"

int64_t encl_host_enter_tcs(struct encl_host_thread *t, const uint64_t *args)
{
	struct encl_host *h = t->h;
	struct encl_enter_report rep;
	struct encl_run run;
	uint64_t off = args[0];

	if (!encl_area_holds(t, args[1], sizeof(rep)))
		return -EFAULT;
	if ((off & (SGX_PAGE_SIZE - 1)) || off >= h->e.size)
		return -EINVAL;
	/* The thread waiting in this ocall: an EENTER now would end it. */
	if (h->e.base + off == t->tcs)
		return -EBUSY;

	memset(&run, 0, sizeof(run));
	run.tcs = h->e.base + off;
	run.function = SGX_EENTER;
	memset(&rep, 0, sizeof(rep));
	if (h->be->enter(&t->e, &run)) {
		/* Both backends report a faulting EENTER as a failure with the vector set. */
		if (!run.exception_vector)
			return t->e.error ? -t->e.error : -EINVAL;
		rep.how = ENCL_ENTER_FAULT;
	} else if (run.function == SGX_EEXIT) {
		rep.how = ENCL_ENTER_EEXIT;
		rep.rdi = run.rdi;
		rep.rsi = run.rsi;
		rep.rdx = run.rdx;
	} else if (run.function == SGX_ERESUME) {
		rep.how = ENCL_ENTER_AEX;
	} else {
		return -EIO;	/* outside the backend contract (host/backend.h) */
	}
	rep.vector = run.exception_vector;
	rep.error_code = run.exception_error_code;
	rep.addr = run.exception_addr;
	encl_host_log(h, ENCL_LOG_TRACE, "ENTER_TCS at offset 0x%llx: how %u, vector %u, rdi %llu, rdx %llu",
		      (unsigned long long)off, rep.how, rep.vector,
		      (unsigned long long)rep.rdi, (unsigned long long)rep.rdx);
	memcpy((void *)(uintptr_t)args[1], &rep, sizeof(rep));
	return 0;
}

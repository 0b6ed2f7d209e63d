// SPDX-License-Identifier: MIT
/*
 * Exitless calls, the enclave's side (docs/exitless.md). The request goes
 * into the thread's slot at the end of its ocall area (abi/xslot.h); its
 * buffers are the area's, as for an ocall. The thread spins for the
 * answer, then sleeps on the host (ENCL_OCALL_QWAIT, an exit) until it
 * comes. The answer is used only if it answers this very request, and
 * the request was not changed after it was posted.
 */
#include <errno.h>
#include <string.h>

#include "abi/exitless.h"
#include "abi/xslot.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/exitless.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"

/* Every name of abi/exitless.h's lists must be a forwarded call. */
#define XQ_FORWARDED_(name)	XQ_FORWARDED_##name = OCALL_SYS(name),
enum { ENCL_XQ_EXITS(XQ_FORWARDED_) ENCL_XQ_FD_IN(XQ_FORWARDED_) ENCL_XQ_FD_OUT(XQ_FORWARDED_) };
#undef XQ_FORWARDED_

/*
 * The adaptive spin: how many rounds a thread waits inside before it
 * sleeps on the host. It halves when the answer did not come in time
 * (the spin was wasted) and doubles when it came late in the spin.
 */
#define ESPINS_MIN	32
#define ESPINS_START	512
#define ESPINS_MAX	2048

/*
 * When a request had to sleep on the host after all (the serving threads
 * were busy or off the CPU), posting cost more than exiting: the thread
 * then takes the exit path for BACKOFF_MIN calls, twice as many after
 * each miss in a row (up to BACKOFF_MAX), and posts again.
 */
#define BACKOFF_MIN	16
#define BACKOFF_MAX	4096

static struct encl_xq *xq;		/* host memory; NULL: every call exits */
static uint64_t espins_fixed;		/* SCONE_ESPINS, 0: adaptive */

void encl_exitless_init(struct encl_thread *td, uint64_t addr, uint64_t espins)
{
	if (!addr)
		return;
	if ((addr & 63) || !iago_outside(addr, sizeof(struct encl_xq), encl_rt.base,
					 encl_rt.params->enclave_size))
		encl_fatal_code(td, ENCL_FATAL_START);
	xq = (struct encl_xq *)(uintptr_t)addr;
	espins_fixed = espins;
}

static struct encl_xslot *slot(const struct encl_thread *td)
{
	return (struct encl_xslot *)(uintptr_t)xslot_addr(td->ocall_area, td->ocall_size);
}

/* Wait for the answer: spin, then sleep on the host until it is there. 1 if it slept. */
static int await(struct encl_thread *td, struct encl_xslot *s)
{
	uint64_t budget = espins_fixed ? espins_fixed : td->xq_spins ? td->xq_spins : ESPINS_START;
	uint64_t i;

	for (i = 0; i < budget; i++) {
		if (xslot_answered(s))
			break;
		__builtin_ia32_pause();
	}
	if (!espins_fixed) {
		if (i == budget)
			budget = budget / 2 < ESPINS_MIN ? ESPINS_MIN : budget / 2;
		else if (i > budget / 2)
			budget = budget * 2 > ESPINS_MAX ? ESPINS_MAX : budget * 2;
		td->xq_spins = budget;
	}
	if (xslot_answered(s))
		return 0;
	while (!xslot_answered(s))
		(void)ocall0(ENCL_OCALL_QWAIT);		/* an exit: signals come back with it */
	return 1;
}

int encl_exitless_call(struct encl_thread *td, int64_t nr, const uint64_t *args, int64_t *ret)
{
	struct encl_xslot *s, seen;
	struct encl_xreq req;
	const char *why;

	/*
	 * td->xq_busy: a request of this thread is in its slot (a call made
	 * by the exception handler that interrupted the wait exits instead).
	 */
	if (!xq || td->xq_busy || encl_xq_exits(nr, args) ||
	    !__atomic_load_n(&xq->spinning, __ATOMIC_RELAXED))
		return 0;
	if (td->xq_skip) {
		td->xq_skip--;
		return 0;
	}
	td->xq_busy = 1;
	s = slot(td);
	req.seq = xslot_seq(td->init.index, ++td->xq_count);
	req.nr = nr;
	memcpy(req.args, args, sizeof(req.args));
	xslot_post(s, &req);
	if (await(td, s) && !espins_fixed) {
		td->xq_backoff = td->xq_backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX
			       : td->xq_backoff ? td->xq_backoff * 2 : BACKOFF_MIN;
		td->xq_skip = td->xq_backoff;
	} else {
		td->xq_backoff = 0;
	}
	xslot_read(s, &seen);
	xslot_release(s);
	td->xq_busy = 0;
	why = xslot_check(&req, &seen);
	if (why)
		encl_fatal("exitless call %ld (request %#lx, answer %#lx): %s", (long)nr,
			   (unsigned long)req.seq, (unsigned long)seen.answer, why);
	if (seen.signals)
		encl_signals_arrived(seen.signals);
	if (seen.state == ENCL_XSLOT_DECLINED)
		return 0;
	*ret = seen.ret;
	return 1;
}

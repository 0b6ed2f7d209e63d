// SPDX-License-Identifier: MIT
/*
 * The host's side of signals (docs/threads.md, "Signals"): it catches the
 * asynchronous signals for the whole process (ENCL_HOST_SIGNALS,
 * abi/syscalls.h) and only remembers which arrived; the enclave learns
 * them at the next ocall return (struct encl_ocall.signals) or, when one
 * interrupted enclave code, through ENCL_OP_SIGNAL. Dispositions, masks
 * and handlers are all the enclave's.
 *
 * The backend's catch_signals installs the handlers: a signal that lands
 * in enclave code makes an AEX (ENCL_RUN_INTERRUPT), one that lands in a
 * host system call makes it fail with EINTR. A backend without
 * catch_signals leaves every signal at its default.
 */
#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "abi/syscalls.h"
#include "host/host.h"

static uint64_t arrived;		/* bit sig - 1, atomic */
static uint32_t notes;			/* futex word: counts notes, wakes pause */

/* In signal context, on whichever thread the kernel chose. */
static void note(int sig)
{
	if (sig < 1 || sig > 64)
		return;
	__atomic_or_fetch(&arrived, UINT64_C(1) << (sig - 1), __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&notes, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &notes, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

int encl_host_signals_start(struct encl_host *h)
{
	uint64_t mask = 0;

	h->sig_ignored = 0;
	for (int sig = 1; sig <= 64; sig++) {
		struct sigaction old;

		if (!(ENCL_HOST_SIGNALS & ENCL_HOST_SIGBIT(sig)) ||
		    (sig >= 32 && (sig < SIGRTMIN || sig > SIGRTMAX)))
			continue;
		mask |= ENCL_HOST_SIGBIT(sig);
		/*
		 * Ignored by whoever started us (nohup, a background job of a
		 * shell): a native program starts with SIG_IGN there, and
		 * receives the signal once it installs a handler. The enclave
		 * starts with the same dispositions; the host catches it anyway.
		 */
		if (!sigaction(sig, NULL, &old) && old.sa_handler == SIG_IGN)
			h->sig_ignored |= ENCL_HOST_SIGBIT(sig);
	}
	if (!h->e.be->catch_signals)
		return 0;
	if (h->e.be->catch_signals(&h->e, mask, note)) {
		encl_host_log(h, ENCL_LOG_WARNING, "signals cannot be caught for the enclave: %s",
			      h->e.err);
		return -1;
	}
	return 0;
}

uint64_t encl_host_signals_take(void)
{
	return __atomic_exchange_n(&arrived, 0, __ATOMIC_SEQ_CST);
}

/*
 * The enclave's pause: sleep until a caught signal has arrived, on any
 * thread. A note between the check and the sleep changes the futex word,
 * so the wait does not begin; a signal on this thread ends it with EINTR.
 */
int64_t encl_host_signals_pause(struct encl_host_thread *t)
{
	for (;;) {
		uint32_t seen = __atomic_load_n(&notes, __ATOMIC_SEQ_CST);

		if (__atomic_load_n(&arrived, __ATOMIC_SEQ_CST))
			return -EINTR;
		/* Woken by the enclave (another thread's signal for this one): it re-checks. */
		if (__atomic_exchange_n(&t->event, 0, __ATOMIC_ACQUIRE))
			return -EINTR;
		syscall(SYS_futex, &notes, FUTEX_WAIT_PRIVATE, seen, NULL, NULL, 0);
	}
}

void encl_host_signals_kick(void)
{
	__atomic_add_fetch(&notes, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &notes, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

void encl_host_exit_by_signal(int sig)
{
	struct sigaction sa;
	sigset_t set;

	fflush(NULL);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	sigemptyset(&set);
	sigaddset(&set, sig);
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	raise(sig);
	/* A signal whose default does not end this process (or one that cannot be raised). */
	_exit(128 + sig);
}

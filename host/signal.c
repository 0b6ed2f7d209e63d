// SPDX-License-Identifier: MIT
/*
 * The host's side of signals (docs/threads.md, "Signals"): it catches the
 * asynchronous signals for the whole process (ENCL_HOST_SIGNALS,
 * abi/syscalls.h) and only remembers which arrived; the enclave learns
 * them at the next ocall return (struct encl_ocall.signals) or, when one
 * interrupted enclave code, through ENCL_OP_SIGNAL. Dispositions, masks
 * and handlers are all the enclave's.
 *
 * With a backend that catches signals itself (catch_signals) a signal can
 * interrupt enclave code. Without one, the host installs the handlers and
 * keeps the signals blocked while enclave code runs: they are taken only
 * while an ocall is served (encl_host_signals_open .. _close), where they
 * interrupt a blocking call with EINTR, so a program that computes without
 * system calls sees them at its next one.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "abi/syscalls.h"
#include "host/host.h"

static uint64_t arrived;		/* bit sig - 1, atomic */
static int host_blocks;			/* no catch_signals: blocked outside ocalls */
static sigset_t caught;

static void note(int sig)
{
	if (sig >= 1 && sig <= 64)
		__atomic_or_fetch(&arrived, UINT64_C(1) << (sig - 1), __ATOMIC_SEQ_CST);
}

static void note_handler(int sig, siginfo_t *si, void *uc)
{
	(void)si;
	(void)uc;
	note(sig);
}

int encl_host_signals_start(struct encl_host *h)
{
	uint64_t mask = ENCL_HOST_SIGNALS;
	struct sigaction sa;

	sigemptyset(&caught);
	for (int sig = 1; sig <= 64; sig++) {
		struct sigaction old;

		if (!(mask & ENCL_HOST_SIGBIT(sig)))
			continue;
		/*
		 * Ignored by whoever started us (nohup, a background job of a
		 * shell): a native program would inherit SIG_IGN and never
		 * see it, so neither does the enclave.
		 */
		if ((sig >= 32 && (sig < SIGRTMIN || sig > SIGRTMAX)) ||
		    sigaction(sig, NULL, &old) || old.sa_handler == SIG_IGN) {
			mask &= ~ENCL_HOST_SIGBIT(sig);
			continue;
		}
		sigaddset(&caught, sig);
	}
	if (h->e.be->catch_signals) {
		if (h->e.be->catch_signals(&h->e, mask, note)) {
			encl_host_log(h, ENCL_LOG_WARNING, "signals cannot be caught for the enclave: %s",
				      h->e.err);
			return -1;
		}
		return 0;
	}
	/* No SA_RESTART: a blocking call the enclave forwarded must end with EINTR. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = note_handler;
	sa.sa_flags = SA_SIGINFO;
	sigfillset(&sa.sa_mask);
	pthread_sigmask(SIG_BLOCK, &caught, NULL);
	for (int sig = 1; sig <= 64; sig++)
		if (sigismember(&caught, sig) == 1 && sigaction(sig, &sa, NULL)) {
			encl_host_log(h, ENCL_LOG_WARNING, "cannot catch signal %d for the enclave: %s",
				      sig, strerror(errno));
			return -1;
		}
	host_blocks = 1;
	return 0;
}

void encl_host_signals_open(void)
{
	if (host_blocks)
		pthread_sigmask(SIG_UNBLOCK, &caught, NULL);
}

void encl_host_signals_close(void)
{
	if (host_blocks)
		pthread_sigmask(SIG_BLOCK, &caught, NULL);
}

uint64_t encl_host_signals_take(void)
{
	return __atomic_exchange_n(&arrived, 0, __ATOMIC_SEQ_CST);
}

/*
 * The enclave's pause: sleep until a caught signal arrives. The check for
 * one that already arrived and the sleep are one step (sigsuspend with
 * them blocked until then), so none is lost in between.
 */
int64_t encl_host_signals_pause(void)
{
	sigset_t old, wait;

	pthread_sigmask(SIG_BLOCK, &caught, &old);
	if (!__atomic_load_n(&arrived, __ATOMIC_SEQ_CST)) {
		wait = old;
		for (int sig = 1; sig <= 64; sig++)
			if (sigismember(&caught, sig) == 1)
				sigdelset(&wait, sig);
		sigsuspend(&wait);
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return -EINTR;
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
	exit(128 + sig);
}

/* SPDX-License-Identifier: MIT */
/*
 * The lock of one simulated enclave: it serialises the EPCM model, the PTE
 * model and the real page protections derived from them, and every TCS's
 * STATE and CSSA. Host threads take it in driver operations and in
 * EENTER/ERESUME's checks; the trap handler takes it for the ENCLU leaves,
 * the fault decision and the AEX, in signal context, where a mutex is not
 * async-signal-safe. Hence a spinlock.
 *
 * Why it cannot deadlock on itself: enclave code never holds it, and the
 * handlers that take it (traps and interrupts in enclave mode) run with
 * every signal blocked, so nothing that takes it can interrupt a holder
 * on the same thread; a signal that reaches a host thread holding it only
 * calls the catch_signals note, which does not take it. A holder on
 * another thread is waited for, yielding the CPU after a short spin so
 * that a preempted holder gets to run.
 */
#ifndef ENCL_HOST_SIM_LOCK_H
#define ENCL_HOST_SIM_LOCK_H

#include <sched.h>

static inline void sim_lock(int *lock)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(lock, 1, __ATOMIC_ACQUIRE)) {
		while (__atomic_load_n(lock, __ATOMIC_RELAXED)) {
			if (++spins < 64)
				__builtin_ia32_pause();
			else
				sched_yield();
		}
	}
}

static inline void sim_unlock(int *lock)
{
	__atomic_store_n(lock, 0, __ATOMIC_RELEASE);
}

#endif

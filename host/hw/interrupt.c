// SPDX-License-Identifier: MIT
/*
 * catch_signals for the hardware backend. When a signal arrives while a
 * thread runs enclave code, the CPU has already left the enclave with an
 * AEX (SSA written, CSSA += 1) and the kernel delivers the signal at the
 * AEP with the AEX's synthetic registers: RAX = ERESUME, RBX = the TCS,
 * RCX = the AEP. __vdso_sgx_enter_enclave's AEP is its own ENCLU, so on
 * return from the handler the vDSO would ERESUME at once and the host
 * would never know the enclave was interrupted.
 *
 * The handler therefore notes the signal and, when the interrupted context
 * is exactly that (this thread inside hw_enter's vDSO call, RIP = RCX at
 * the bytes of ENCLU, RAX = ERESUME, RBX = the TCS this thread entered),
 * moves RIP past the ENCLU. What follows it in the vDSO (vsgx.S) is the
 * EEXIT path: it reloads struct sgx_enclave_run from its frame through
 * RBP, which the AEX set to URBP, the vDSO's own, records EEXIT and calls
 * our exit handler, which returns 0, so the vDSO returns normally. A
 * per-thread flag tells hw_enter that this "EEXIT" was the interrupt, and
 * enter() reports SGX_ERESUME with ENCL_RUN_INTERRUPT. The TCS stays
 * ready for the next EENTER (CSSA 1) or ERESUME, as after any AEX.
 *
 * The same state occurs just before the vDSO's own ERESUME, the host
 * asking to resume after an exception: a signal there also returns
 * ENCL_RUN_INTERRUPT without the enclave having run, which is as good as
 * an interrupt at its first instruction (CSSA and the SSA are what they
 * were). A signal before ENCLU[EENTER] (RAX = EENTER) or anywhere else in
 * host code is only noted; a system call it interrupted fails with EINTR
 * (no SA_RESTART).
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <ucontext.h>

#include "host/hw/hw.h"

static void (*note_fn)(int sig);

/* The AEX's state at the vDSO's AEP, on the TCS this thread entered. */
static int at_this_aep(const ucontext_t *uc)
{
	const greg_t *g = uc->uc_mcontext.gregs;
	const uint8_t *ip = (const uint8_t *)(uintptr_t)g[REG_RIP];

	return hw_entry_self.in_vdso &&
	       (uint64_t)g[REG_RAX] == SGX_ERESUME &&
	       (uint64_t)g[REG_RBX] == hw_entry_self.tcs &&
	       g[REG_RCX] == g[REG_RIP] &&
	       ip[0] == 0x0f && ip[1] == 0x01 && ip[2] == 0xd7;
}

static void hw_signal(int sig, siginfo_t *info, void *uc_)
{
	void (*note)(int) = __atomic_load_n(&note_fn, __ATOMIC_ACQUIRE);
	ucontext_t *uc = uc_;
	int saved = errno;

	(void)info;
	if (note)
		note(sig);
	if (at_this_aep(uc)) {
		hw_entry_self.interrupted = 1;
		uc->uc_mcontext.gregs[REG_RIP] += 3;	/* past ENCLU (0f 01 d7) */
	}
	errno = saved;
}

int hw_catch_signals(struct encl_enclave *e, uint64_t mask, void (*note)(int sig))
{
	struct sigaction sa;

	if (encl_signal_mask_check(e, mask, note))
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = hw_signal;
	sa.sa_flags = SA_SIGINFO;
	/* One at a time: the flag and RIP are edited by one handler only. */
	sigfillset(&sa.sa_mask);
	__atomic_store_n(&note_fn, note, __ATOMIC_RELEASE);
	for (int sig = 1; sig <= 64; sig++)
		if (((mask >> (sig - 1)) & 1) && sigaction(sig, &sa, NULL))
			return encl_backend_fail(e, errno, 0, "catch signals: sigaction(%d): %s",
						 sig, strerror(errno));
	return 0;
}

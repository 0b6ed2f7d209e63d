// SPDX-License-Identifier: MIT
/*
 * catch_signals for the simulator: the asynchronous signals the host
 * runtime wants to hear of, caught for the whole process. The handler is
 * the gate's sim_signal_entry, on the thread's signal stack like the
 * traps', because the signal may arrive while enclave code runs on the
 * enclave's stack and bases. What it does depends on where it lands
 * (gate.S):
 *
 *   host code                 note(sig), nothing else: a system call it
 *                             interrupted fails with EINTR (no SA_RESTART)
 *   sim_cpu_go's entry window note(sig), and the entry goes on: the signal
 *                             came before the enclave ran, as it would on
 *                             hardware before ENCLU[EENTER]
 *   enclave code              note(sig), then the interrupt's AEX
 *                             (trap.c, sim_interrupt): enter() returns
 *                             SGX_ERESUME with ENCL_RUN_INTERRUPT
 *
 * The trap handlers block every signal, so a caught signal never lands in
 * the middle of a trap's emulation: it waits for the rt_sigreturn that
 * ends it, and then finds either enclave code (the trap was emulated and
 * the enclave continues) or host code (the trap was an AEX or EEXIT).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "host/sim/cpu.h"
#include "host/sim/driver.h"


static void (*note_fn)(int sig);

void sim_signal_note(int sig)
{
	void (*note)(int) = __atomic_load_n(&note_fn, __ATOMIC_ACQUIRE);
	int saved = errno;

	if (note)
		note(sig);
	errno = saved;
}

void sim_signal_host(int sig, void *info, void *uc)
{
	(void)info;
	(void)uc;
	sim_signal_note(sig);
}

void sim_signal_window(struct sim_cpu *cpu, int sig, void *info, void *uc_)
{
	ucontext_t *uc = uc_;

	(void)cpu;
	(void)info;
	sim_signal_note(sig);
	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)(uintptr_t)sim_gate_entry_restart;
}

int sim_catch_signals(struct encl_enclave *e, uint64_t mask, void (*note)(int sig))
{
	struct ksigaction act = {
		.handler = (void *)sim_signal_entry,
		.flags = SA_SIGINFO | SA_ONSTACK | SIM_SA_RESTORER,
		.restorer = (void *)sim_gate_restorer,
		.mask = ~0ULL,
	};
	char err[200];

	if (encl_signal_mask_check(e, mask, note))
		return -1;
	/* The trap handlers (with their mask of every signal) before any signal is caught. */
	if (sim_trap_install(err, sizeof(err)))
		return encl_backend_fail(e, EINVAL, 0, "catch signals: %s", err);
	__atomic_store_n(&note_fn, note, __ATOMIC_RELEASE);
	for (int sig = 1; sig <= 64; sig++) {
		if (!((mask >> (sig - 1)) & 1))
			continue;
		if (syscall(SYS_rt_sigaction, sig, &act, NULL, sizeof(act.mask)))
			return encl_backend_fail(e, errno, 0, "catch signals: rt_sigaction(%d): %s",
						 sig, strerror(errno));
	}
	return 0;
}

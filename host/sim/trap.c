// SPDX-License-Identifier: MIT
/*
 * The simulated CPU's reaction to everything enclave code can raise. The
 * signal arrives at sim_trap_entry (gate.S), which has already left
 * enclave mode; sim_trap then does what the CPU would:
 *
 *   RIP outside ELRANGE             the enclave left without EEXIT: the
 *                                   fetch faults on hardware, #GP(0) AEX
 *   SIGSYS (Syscall User Dispatch)  `syscall` is #UD in an enclave: AEX
 *   SIGILL or SIGSEGV at ENCLU      execute the leaf in EAX. Outside enclave
 *     (0f 01 d7)                    mode a CPU without SGX1 in CPUID raises
 *                                   #UD, one with SGX disabled or enabled
 *                                   #GP(0) (quirks.h forces either)
 *   SIGILL at RD/WR{FS,GS}BASE      emulate (no FSGSBASE for user space here)
 *   SIGSEGV in ELRANGE              #PF: the EPCM and the simulated kernel
 *                                   decide (EAUG and retry, or AEX)
 *   anything else synchronous       AEX with the vector the kernel saw
 *
 * An AEX writes the SSA frame as SDM 36.4 ("AEX flow") says and leaves
 * through the AEP with the synthetic state (xstate.h for the extended
 * state); EEXIT jumps to RBX.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <ucontext.h>
#include <unistd.h>

#include "host/sim/cpu.h"
#include "host/sim/exec.h"
#include "host/sim/leaves.h"
#include "host/sim/lock.h"
#include "host/sim/memory.h"
#include "host/sim/quirks.h"
#include "host/sim/sim.h"
#include "host/sim/xstate.h"

#ifndef SYS_USER_DISPATCH
#define SYS_USER_DISPATCH	2
#endif


static const int trap_signals[] = { SIGSYS, SIGILL, SIGSEGV, SIGBUS, SIGFPE, SIGTRAP };
static struct ksigaction old_action[NSIG];

static int ksigaction(int sig, const struct ksigaction *act, struct ksigaction *old)
{
	return (int)syscall(SYS_rt_sigaction, sig, act, old, sizeof(act->mask));
}

int sim_trap_install(char *err, unsigned long errlen)
{
	/* Once: a second install would record our own handler as the one replaced. */
	static pthread_mutex_t install_lock = PTHREAD_MUTEX_INITIALIZER;
	static int installed;
	struct ksigaction act = {
		.handler = (void *)sim_trap_entry,
		.flags = SA_SIGINFO | SA_ONSTACK | SIM_SA_RESTORER,
		.restorer = (void *)sim_gate_restorer,
	};
	int r = 0;

	if (__atomic_load_n(&installed, __ATOMIC_ACQUIRE))
		return 0;
	/*
	 * Every signal stays blocked in the handler: a trap inside it is
	 * fatal, and a signal caught for the host must not arrive while it
	 * holds the enclave's lock or has the thread half in enclave mode.
	 */
	act.mask = ~0ULL;
	pthread_mutex_lock(&install_lock);
	for (size_t i = 0; !installed && i < sizeof(trap_signals) / sizeof(trap_signals[0]); i++) {
		int sig = trap_signals[i];

		if (ksigaction(sig, &act, &old_action[sig])) {
			snprintf(err, errlen, "sim: rt_sigaction(%s): %s", strsignal(sig),
				 strerror(errno));
			r = -1;
			break;
		}
	}
	if (!r)
		__atomic_store_n(&installed, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&install_lock);
	return r;
}

/*
 * A signal from host code (or from a thread the simulator never set up)
 * is none of our business: put back the disposition we replaced and let
 * it happen again, so that a host crash is an ordinary crash (or an ASan
 * report). A fault re-executes the instruction; anything else is re-sent.
 */
void sim_trap_host(int sig, void *info_, void *uc)
{
	siginfo_t *info = info_;

	(void)uc;
	ksigaction(sig, &old_action[sig], NULL);
	if (info->si_code > 0 &&
	    (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE))
		return;
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
}

/* ---- registers ------------------------------------------------------- */

/* x86 register number (ModRM) -> ucontext gregs index */
static const int greg_of[16] = {
	REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP, REG_RSI, REG_RDI,
	REG_R8, REG_R9, REG_R10, REG_R11, REG_R12, REG_R13, REG_R14, REG_R15,
};

#define GREG(uc, r)	((uc)->uc_mcontext.gregs[r])

static int canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* ---- AEX -------------------------------------------------------------- */

struct aex {
	unsigned vector;
	unsigned type;		/* SGX_EXITINFO_TYPE_HW or _SW */
	uint64_t rip;		/* SSA.RIP: the faulting instruction, or the next for traps */
	uint64_t maddr;		/* #PF: the linear address */
	uint32_t errcd;
};

/* Vectors whose EXITINFO is always reported; #PF/#GP need MISCSELECT.EXINFO. */
static int exitinfo_reported(const struct sim_enclave *se, unsigned v)
{
	switch (v) {
	case X86_VEC_DE: case X86_VEC_DB: case X86_VEC_BP: case X86_VEC_BR:
	case X86_VEC_UD: case X86_VEC_MF: case X86_VEC_AC: case X86_VEC_XM:
		return 1;
	case X86_VEC_PF: case X86_VEC_GP:
		return !!(se->secs->miscselect & SGX_MISC_EXINFO);
	}
	return 0;
}

/*
 * Asynchronous Enclave Exit (SDM 36.4.3): save the interrupted context in
 * SSA[CSSA] (GPRSGX, EXINFO, the x87/SSE state in the XSAVE area),
 * CSSA += 1, and leave at the AEP with the synthetic state: RAX = ERESUME,
 * RBX = TCS, RCX = AEP, RSP/RBP = URSP/URBP, all else cleared.
 */
static int aex(struct sim_cpu *cpu, ucontext_t *uc, const struct aex *a)
{
	struct sim_enclave *se = cpu->enclave;
	struct sgx_tcs *tcs = sim_epc_ptr(se, cpu->tcs);
	struct sgx_ssa_gpr *gpr = sim_ssa_gpr(se, tcs, tcs->cssa);
	struct _libc_fpstate *fp = uc->uc_mcontext.fpregs;
	uint64_t xfrm = se->secs->attributes.xfrm;

	gpr->rax = GREG(uc, REG_RAX);
	gpr->rcx = GREG(uc, REG_RCX);
	gpr->rdx = GREG(uc, REG_RDX);
	gpr->rbx = GREG(uc, REG_RBX);
	gpr->rsp = GREG(uc, REG_RSP);
	gpr->rbp = GREG(uc, REG_RBP);
	gpr->rsi = GREG(uc, REG_RSI);
	gpr->rdi = GREG(uc, REG_RDI);
	gpr->r8 = GREG(uc, REG_R8);
	gpr->r9 = GREG(uc, REG_R9);
	gpr->r10 = GREG(uc, REG_R10);
	gpr->r11 = GREG(uc, REG_R11);
	gpr->r12 = GREG(uc, REG_R12);
	gpr->r13 = GREG(uc, REG_R13);
	gpr->r14 = GREG(uc, REG_R14);
	gpr->r15 = GREG(uc, REG_R15);
	gpr->rflags = GREG(uc, REG_EFL);
	gpr->rip = a->rip;
	gpr->fsbase = cpu->encl_fs;
	gpr->gsbase = cpu->encl_gs;
	gpr->exitinfo = 0;
	if (exitinfo_reported(se, a->vector))
		gpr->exitinfo = SGX_EXITINFO_VALID | a->type | a->vector;
	if ((se->secs->miscselect & SGX_MISC_EXINFO) &&
	    (a->vector == X86_VEC_PF || a->vector == X86_VEC_GP)) {
		struct sgx_misc_exinfo *ex = (struct sgx_misc_exinfo *)gpr - 1;

		ex->maddr = a->vector == X86_VEC_PF ? a->maddr : 0;
		ex->errcd = a->errcd;
		ex->reserved = 0;
	}
	sim_xstate_save(sim_ssa_xsave(se, tcs, tcs->cssa), fp, xfrm);
	tcs->cssa++;
	tcs->state = 0;

	cpu->exc_vector = (uint16_t)a->vector;
	cpu->exc_error_code = (uint16_t)a->errcd;
	/* What the kernel reports as CR2 for an enclave #PF: the page only. */
	cpu->exc_addr = a->vector == X86_VEC_PF ? a->maddr & ~(SGX_PAGE_SIZE - 1) : 0;

	memset(uc->uc_mcontext.gregs, 0, sizeof(uc->uc_mcontext.gregs[0]) * (REG_RIP + 1));
	GREG(uc, REG_RAX) = SGX_ERESUME;
	GREG(uc, REG_RBX) = cpu->tcs;
	GREG(uc, REG_RCX) = (uint64_t)sim_aex_landing;
	GREG(uc, REG_RSP) = cpu->host_rsp;
	GREG(uc, REG_RBP) = cpu->host_rbp;
	GREG(uc, REG_RIP) = (uint64_t)sim_aex_landing;
	GREG(uc, REG_EFL) = 0x202;
	if (fp)
		sim_xstate_synthetic(fp, xfrm);
	return SIM_TRAP_TO_HOST;
}

static int aex_fault(struct sim_cpu *cpu, ucontext_t *uc, unsigned vector, uint64_t maddr,
		     uint32_t errcd)
{
	struct aex a = {
		.vector = vector, .type = SGX_EXITINFO_TYPE_HW,
		.rip = GREG(uc, REG_RIP), .maddr = maddr, .errcd = errcd,
	};

	return aex(cpu, uc, &a);
}

static int aex_exception(struct sim_cpu *cpu, ucontext_t *uc, const struct sim_exception *x)
{
	return aex_fault(cpu, uc, (unsigned)x->vector, x->addr, x->errcode);
}

/* ---- ENCLU --------------------------------------------------------------- */

/* RAX and the arithmetic flags the way EACCEPT/EGETKEY/EACCEPTCOPY leave them. */
static void set_result(ucontext_t *uc, int code)
{
	uint64_t fl = GREG(uc, REG_EFL) & ~(uint64_t)(0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x800);

	GREG(uc, REG_RAX) = (uint64_t)code;
	GREG(uc, REG_EFL) = fl | (code ? 0x40 : 0);	/* ZF on failure */
}

/*
 * EEXIT (SDM 38): to RBX outside ELRANGE, RCX = AEP, FS/GS the host's
 * (the trap entry has loaded them), TCS no longer busy. Every other
 * register, RSP and RBP included, is left as the enclave set it.
 */
static int eexit(struct sim_cpu *cpu, ucontext_t *uc)
{
	struct sim_enclave *se = cpu->enclave;
	uint64_t target = GREG(uc, REG_RBX);
	struct sgx_tcs *tcs = sim_epc_ptr(se, cpu->tcs);

	if (!canonical(target) || sim_in_elrange(se, target, 1))
		return aex_fault(cpu, uc, X86_VEC_GP, 0, 0);
	tcs->state = 0;
	GREG(uc, REG_RIP) = target;
	GREG(uc, REG_RCX) = (uint64_t)sim_aex_landing;
	return SIM_TRAP_TO_HOST;
}

static int enclu(struct sim_cpu *cpu, ucontext_t *uc)
{
	struct sim_enclave *se = cpu->enclave;
	uint64_t rbx = GREG(uc, REG_RBX), rcx = GREG(uc, REG_RCX), rdx = GREG(uc, REG_RDX);
	struct sim_exception x = { 0 };
	int r;

	switch (GREG(uc, REG_RAX)) {
	case SGX_EEXIT:
		return eexit(cpu, uc);
	case SGX_EACCEPT:
		r = sim_eaccept(se, rbx, rcx, &x);
		break;
	case SGX_EACCEPTCOPY:
		r = sim_eacceptcopy(se, rbx, rcx, rdx, &x);
		break;
	case SGX_EGETKEY:
		r = sim_egetkey(se, rbx, rcx, &x);
		break;
	case SGX_EMODPE:
		r = sim_emodpe(se, rbx, rcx, &x);
		if (r >= 0)
			goto next;	/* no result in RAX */
		break;
	case SGX_EREPORT:
		r = sim_ereport(se, rbx, rcx, rdx, &x);
		if (r >= 0)
			goto next;
		break;
	default:
		/* EENTER/ERESUME inside an enclave, or no such leaf: #GP(0). */
		return aex_fault(cpu, uc, X86_VEC_GP, 0, 0);
	}
	if (r < 0)
		return aex_exception(cpu, uc, &x);
	set_result(uc, r);
next:
	GREG(uc, REG_RIP) += 3;
	return SIM_TRAP_TO_ENCLAVE;
}

/* ---- RDFSBASE/RDGSBASE/WRFSBASE/WRGSBASE: F3 [REX] 0F AE /0../3, mod = 11 -- */

static int fsgsbase(struct sim_cpu *cpu, ucontext_t *uc, const uint8_t *insn)
{
	unsigned rex = 0, len = 1, modrm, reg, rm;
	uint64_t *base, v;

	if (insn[0] != 0xf3)
		return -1;
	if ((insn[1] & 0xf0) == 0x40)
		rex = insn[len++];
	if (insn[len] != 0x0f || insn[len + 1] != 0xae)
		return -1;
	modrm = insn[len + 2];
	len += 3;
	reg = (modrm >> 3) & 7;
	if ((modrm >> 6) != 3 || reg > 3)
		return -1;
	rm = (modrm & 7) | (rex & 1 ? 8 : 0);
	base = reg & 1 ? &cpu->encl_gs : &cpu->encl_fs;
	if (reg < 2) {
		GREG(uc, greg_of[rm]) = rex & 8 ? *base : (uint32_t)*base;
	} else {
		v = GREG(uc, greg_of[rm]);
		if (!(rex & 8))
			v = (uint32_t)v;
		if (!canonical(v))
			return aex_fault(cpu, uc, X86_VEC_GP, 0, 0);
		*base = v;	/* loaded by the trap exit on the way back in */
	}
	GREG(uc, REG_RIP) += len;
	return SIM_TRAP_TO_ENCLAVE;
}

/* The instruction bytes at @rip through the EPC alias (the page may be X-only). */
static int read_insn(struct sim_cpu *cpu, uint64_t rip, uint8_t insn[8])
{
	struct sim_enclave *se = cpu->enclave;
	uint64_t n;

	memset(insn, 0, 8);
	if (!sim_in_elrange(se, rip, 1))
		return -1;
	n = se->base + se->size - rip;
	memcpy(insn, sim_epc_ptr(se, rip), n < 8 ? n : 8);
	return 0;
}

static int at_enclu(struct sim_cpu *cpu, ucontext_t *uc)
{
	uint8_t insn[8];

	return !read_insn(cpu, GREG(uc, REG_RIP), insn) &&
	       insn[0] == 0x0f && insn[1] == 0x01 && insn[2] == 0xd7;
}

static int sigill(struct sim_cpu *cpu, ucontext_t *uc)
{
	uint8_t insn[8];
	int r;

	if (at_enclu(cpu, uc))
		return enclu(cpu, uc);
	if (!read_insn(cpu, GREG(uc, REG_RIP), insn)) {
		r = fsgsbase(cpu, uc, insn);
		if (r >= 0)
			return r;
	}
	return aex_fault(cpu, uc, X86_VEC_UD, 0, 0);
}

/*
 * SIGSEGV at an ENCLU: the instruction itself (#GP(0) outside enclave mode
 * on a CPU with SGX disabled or enabled), unless fetching it faulted.
 */
static int enclu_faulted(struct sim_cpu *cpu, ucontext_t *uc)
{
	if (GREG(uc, REG_TRAPNO) == X86_VEC_PF && (GREG(uc, REG_ERR) & X86_PF_INSTR))
		return 0;
	return at_enclu(cpu, uc);
}

/*
 * ENCL_SIM_CPU_QUIRKS=enclu-gp or enclu-ud: ENCLU delivered as the other
 * kind of CPU delivers it, before anything reads the signal.
 */
static int forced_delivery(struct sim_cpu *cpu, int sig, siginfo_t *info, ucontext_t *uc)
{
	if ((cpu->quirks & SIM_QUIRK_ENCLU_GP) && sig == SIGILL && at_enclu(cpu, uc)) {
		info->si_signo = SIGSEGV;
		info->si_code = SI_KERNEL;
		info->si_addr = NULL;
		GREG(uc, REG_TRAPNO) = X86_VEC_GP;
		GREG(uc, REG_ERR) = 0;
		return SIGSEGV;
	}
	if ((cpu->quirks & SIM_QUIRK_ENCLU_UD) && sig == SIGSEGV &&
	    GREG(uc, REG_TRAPNO) == X86_VEC_GP && at_enclu(cpu, uc)) {
		info->si_signo = SIGILL;
		info->si_code = ILL_ILLOPN;
		info->si_addr = (void *)GREG(uc, REG_RIP);
		GREG(uc, REG_TRAPNO) = X86_VEC_UD;
		GREG(uc, REG_ERR) = 0;
		return SIGILL;
	}
	return sig;
}

/* ---- faults ---------------------------------------------------------------- */

static int page_fault(struct sim_cpu *cpu, ucontext_t *uc, uint64_t addr)
{
	struct sim_enclave *se = cpu->enclave;
	uint32_t kerr = (uint32_t)GREG(uc, REG_ERR), errcd = kerr;
	unsigned access = EPCM_ACCESS_R;

	if (sim_in_elrange(se, addr, 1)) {
		if (kerr & X86_PF_WRITE)
			access = EPCM_ACCESS_W;
		else if (kerr & X86_PF_INSTR)
			access = EPCM_ACCESS_X;
		switch (sim_fault(se, addr, access, &errcd)) {
		case SIM_ACCESS_OK:
			/*
			 * Protections were behind the EPCM: retry once. The
			 * same fault again means the model and the mapping
			 * disagree; report it rather than spin.
			 */
			if (cpu->ok_fault_rip == (uint64_t)GREG(uc, REG_RIP) &&
			    cpu->ok_fault_addr == addr)
				break;
			cpu->ok_fault_rip = GREG(uc, REG_RIP);
			cpu->ok_fault_addr = addr;
			return SIM_TRAP_TO_ENCLAVE;
		case SIM_ACCESS_RETRY:	/* the kernel EAUGed the page */
			return SIM_TRAP_TO_ENCLAVE;
		case SIM_ACCESS_FAULT:
			break;
		}
	}
	cpu->ok_fault_rip = cpu->ok_fault_addr = 0;
	return aex_fault(cpu, uc, X86_VEC_PF, addr, errcd);
}

/* The vector the kernel saw, for signals that are not ours to emulate. */
static int other_exception(struct sim_cpu *cpu, ucontext_t *uc, int sig)
{
	unsigned trapno = (unsigned)GREG(uc, REG_TRAPNO);
	struct aex a = {
		.vector = trapno, .type = SGX_EXITINFO_TYPE_HW,
		.rip = GREG(uc, REG_RIP), .errcd = (uint32_t)GREG(uc, REG_ERR),
	};

	if (sig == SIGTRAP && trapno == X86_VEC_BP)
		a.type = SGX_EXITINFO_TYPE_SW;	/* INT3: a trap, RIP is the next instruction */
	if (sig == SIGFPE && trapno != X86_VEC_DE && trapno != X86_VEC_MF &&
	    trapno != X86_VEC_XM)
		a.vector = X86_VEC_DE;
	return aex(cpu, uc, &a);
}

/* The instruction that trapped: Syscall User Dispatch reports the one after. */
static uint64_t trap_rip(int sig, const siginfo_t *info, ucontext_t *uc)
{
	uint64_t rip = GREG(uc, REG_RIP);

	return sig == SIGSYS && info->si_code == SYS_USER_DISPATCH ? rip - 2 : rip;
}

/*
 * Code outside ELRANGE ran in enclave mode: a jump or return out of the
 * enclave without EEXIT. Hardware faults on the first fetch, #GP(0) with
 * RIP = that address; the simulator sees it only at this trap, later, and
 * reports the RIP it has. ERESUME refuses such a frame, so the enclave's
 * handler can only end the program.
 */
static int left_elrange(struct sim_cpu *cpu, ucontext_t *uc)
{
	return aex_fault(cpu, uc, X86_VEC_GP, 0, 0);
}

static int trap(struct sim_cpu *cpu, int sig, void *info_, void *uc_)
{
	siginfo_t *info = info_;
	ucontext_t *uc = uc_;

	/*
	 * Not raised by an instruction (kill, tgkill): hardware would take an
	 * interrupt AEX and the kernel would deliver the signal. Deliver it
	 * with its default action as soon as the enclave is resumed.
	 */
	if (info->si_code <= 0) {
		struct ksigaction dfl = { .handler = SIG_DFL };

		ksigaction(sig, &dfl, NULL);
		syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), sig);
		return SIM_TRAP_TO_ENCLAVE;
	}
	sig = forced_delivery(cpu, sig, info, uc);
	if (!sim_in_elrange(cpu->enclave, trap_rip(sig, info, uc), 1))
		return left_elrange(cpu, uc);
	switch (sig) {
	case SIGSYS:
		if (info->si_code == SYS_USER_DISPATCH) {
			/* `syscall` is #UD in enclave mode; RIP back on the instruction. */
			struct aex a = {
				.vector = X86_VEC_UD, .type = SGX_EXITINFO_TYPE_HW,
				.rip = GREG(uc, REG_RIP) - 2,
			};

			return aex(cpu, uc, &a);
		}
		return aex_fault(cpu, uc, X86_VEC_UD, 0, 0);
	case SIGILL:
		return sigill(cpu, uc);
	case SIGSEGV:
		if (enclu_faulted(cpu, uc))
			return enclu(cpu, uc);
		if (GREG(uc, REG_TRAPNO) == X86_VEC_PF)
			return page_fault(cpu, uc, (uint64_t)info->si_addr);
		return other_exception(cpu, uc, sig);
	case SIGBUS:
		/*
		 * A #PF the kernel had no page for (past the end of a shared
		 * file mapping): on hardware the same #PF AEX, with its address.
		 */
		if (GREG(uc, REG_TRAPNO) == X86_VEC_PF)
			return page_fault(cpu, uc, (uint64_t)info->si_addr);
		return other_exception(cpu, uc, sig);
	default:
		return other_exception(cpu, uc, sig);
	}
}

int sim_trap(struct sim_cpu *cpu, int sig, void *info, void *uc)
{
	int r;

	sim_lock(&cpu->enclave->lock);
	r = trap(cpu, sig, info, uc);
	sim_unlock(&cpu->enclave->lock);
	return r;
}

/*
 * A signal caught for the host arrived in enclave code: hardware takes an
 * interrupt, which is an AEX like any other (SSA written, CSSA += 1,
 * synthetic state) except that EXITINFO is not valid and there is no
 * EXINFO (SDM 36.4.3: EXITINFO reports exceptions only). enter() reports
 * it as ENCL_RUN_INTERRUPT. Code outside ELRANGE in enclave mode is the
 * #GP that hardware would have raised on its fetch, as for a trap.
 */
int sim_interrupt(struct sim_cpu *cpu, int sig, void *info, void *uc_)
{
	ucontext_t *uc = uc_;
	struct aex a = {
		.vector = ENCL_RUN_INTERRUPT, .type = SGX_EXITINFO_TYPE_HW,
		.rip = GREG(uc, REG_RIP),
	};
	int r;

	(void)info;
	sim_signal_note(sig);
	sim_lock(&cpu->enclave->lock);
	if (sim_in_elrange(cpu->enclave, a.rip, 1))
		r = aex(cpu, uc, &a);
	else
		r = left_elrange(cpu, uc);
	sim_unlock(&cpu->enclave->lock);
	return r;
}

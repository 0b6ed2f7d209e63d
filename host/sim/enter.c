// SPDX-License-Identifier: MIT
/*
 * EENTER and ERESUME on the simulated CPU (SDM Vol. 3D 38, "ENCLU leaf
 * functions"), with the checks hardware makes before it lets a thread in.
 * The switch itself is sim_cpu_go (gate.S); the way back out is EEXIT or an
 * AEX, both handled in trap.c, after which sim_cpu_go returns here.
 *
 * ERESUME reloads the interrupted context from SSA[CSSA - 1] with
 * rt_sigreturn through a frame built from it, which restores every GPR,
 * RIP, RSP, RFLAGS and the XFRM components of the extended state at once
 * (xstate.h) and never writes below the enclave's RSP (its red zone stays
 * untouched).
 */
#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <string.h>
#include <ucontext.h>

#include "host/sim/cpu.h"
#include "host/sim/driver.h"
#include "host/sim/exec.h"
#include "host/sim/lock.h"
#include "host/sim/sim.h"
#include "host/sim/xstate.h"

#define X86_USER_CS		0x33
#define X86_USER_SS		0x2b
#define MXCSR_RESERVED		0xffff0000U	/* MXCSR_MASK is at least 0xffbf */

/* The frame rt_sigreturn reads at RSP (after the restorer's address). */
struct sim_frame {
	ucontext_t uc;
	uint8_t fpstate[SIM_XSTATE_MAX + sizeof(uint32_t)] __attribute__((aligned(64)));
};
_Static_assert(sizeof(struct sim_frame) <= SIM_FRAME_SIZE, "SIM_FRAME_SIZE");

static int fault(struct encl_enclave *e, struct encl_run *run, const char *leaf,
		 unsigned vector, uint64_t addr, const char *why)
{
	run->exception_vector = (uint16_t)vector;
	run->exception_error_code = 0;
	run->exception_addr = addr;
	return encl_backend_fail(e, EINVAL, 0, "%s: %s (#%s)", leaf, why,
				 vector == X86_VEC_PF ? "PF" : "GP");
}

static int canonical(uint64_t a)
{
	return (uint64_t)((int64_t)(a << 16) >> 16) == a;
}

/* An accepted PT_REG page the CPU can read and write: what an SSA frame needs. */
static int ssa_page_ok(const struct sim_enclave *se, uint64_t addr)
{
	epcm_entry_t ent = epcm_get(se->epcm, addr);

	return (ent & EPCM_VALID) && epcm_entry_pt(ent) == SGX_PT_REG &&
	       !(ent & (SGX_SECINFO_PENDING | SGX_SECINFO_MODIFIED)) &&
	       (ent & SGX_SECINFO_R) && (ent & SGX_SECINFO_W);
}

/*
 * The XSAVE area ERESUME would load: MXCSR without reserved bits, an
 * XSAVE header whose XSTATE_BV is within XFRM, standard (not compacted)
 * format, reserved bytes zero. Anything else is #GP on hardware.
 */
static int xsave_ok(const struct sim_enclave *se, const uint8_t *xsave)
{
	const struct _libc_fpstate *fp = (const void *)xsave;
	const uint64_t *hdr = (const uint64_t *)(xsave + SGX_XSAVE_LEGACY_SIZE);

	if (fp->mxcsr & MXCSR_RESERVED)
		return 0;
	if (hdr[0] & ~se->secs->attributes.xfrm)
		return 0;
	for (unsigned i = 1; i < SGX_XSAVE_HEADER_SIZE / 8; i++)
		if (hdr[i])
			return 0;
	return 1;
}

/* The rt_sigreturn frame that reloads SSA[i]. */
static void build_frame(struct sim_cpu *cpu, struct sim_enclave *se, const struct sgx_tcs *tcs,
			uint32_t i)
{
	struct sim_frame *f = (struct sim_frame *)((uint8_t *)cpu + SIM_FRAME_OFFSET);
	const struct sgx_ssa_gpr *gpr = sim_ssa_gpr(se, tcs, i);
	const uint8_t *xsave = sim_ssa_xsave(se, tcs, i);
	greg_t *g = f->uc.uc_mcontext.gregs;
	sigset_t mask;

	memset(&f->uc, 0, sizeof(f->uc));
	f->uc.uc_stack.ss_sp = cpu->altstack_sp;
	f->uc.uc_stack.ss_size = cpu->altstack_size;
	sigprocmask(SIG_BLOCK, NULL, &mask);
	memcpy(&f->uc.uc_sigmask, &mask, sizeof(uint64_t));
	g[REG_RAX] = gpr->rax;
	g[REG_RCX] = gpr->rcx;
	g[REG_RDX] = gpr->rdx;
	g[REG_RBX] = gpr->rbx;
	g[REG_RSP] = gpr->rsp;
	g[REG_RBP] = gpr->rbp;
	g[REG_RSI] = gpr->rsi;
	g[REG_RDI] = gpr->rdi;
	g[REG_R8] = gpr->r8;
	g[REG_R9] = gpr->r9;
	g[REG_R10] = gpr->r10;
	g[REG_R11] = gpr->r11;
	g[REG_R12] = gpr->r12;
	g[REG_R13] = gpr->r13;
	g[REG_R14] = gpr->r14;
	g[REG_R15] = gpr->r15;
	g[REG_RIP] = gpr->rip;
	g[REG_EFL] = gpr->rflags;
	g[REG_CSGSFS] = X86_USER_CS | ((greg_t)X86_USER_SS << 48);
	sim_xstate_resume_image(f->fpstate, xsave, se->secs->attributes.xfrm);
	f->uc.uc_mcontext.fpregs = (struct _libc_fpstate *)f->fpstate;
	cpu->frame = (uint64_t)&f->uc;
}

/*
 * EENTER/ERESUME's checks and the TCS's switch to busy, in one step under
 * the enclave's lock: of two threads that race for one TCS, exactly one
 * gets in and the other sees it busy (#GP), as on hardware.
 */
static int admit(struct encl_enclave *e, struct sim_cpu *cpu, struct encl_run *run,
		 const char *leaf)
{
	struct sim_enclave *se = sim_of(e);
	uint64_t t = run->tcs, frame;
	struct sgx_tcs *tcs;
	struct sgx_ssa_gpr *gpr;
	epcm_entry_t ent;
	uint32_t i;

	if (!se->initialized)
		return fault(e, run, leaf, X86_VEC_GP, 0, "the enclave is not initialized");
	if ((t & (SGX_PAGE_SIZE - 1)) || !sim_in_elrange(se, t, SGX_PAGE_SIZE))
		return fault(e, run, leaf, X86_VEC_GP, 0, "TCS outside ELRANGE or not page aligned");
	ent = epcm_get(se->epcm, t);
	if (!(ent & EPCM_VALID) || epcm_entry_pt(ent) != SGX_PT_TCS ||
	    (ent & (SGX_SECINFO_PENDING | SGX_SECINFO_MODIFIED)))
		return fault(e, run, leaf, X86_VEC_PF, t, "not an accepted TCS page");
	tcs = sim_epc_ptr(se, t);
	if (tcs->state)
		return fault(e, run, leaf, X86_VEC_GP, 0, "TCS busy");
	if (tcs->flags & ~SGX_TCS_DBGOPTIN)
		return fault(e, run, leaf, X86_VEC_GP, 0, "reserved TCS.FLAGS bits set");
	if (run->function == SGX_EENTER && tcs->cssa >= tcs->nssa)
		return fault(e, run, leaf, X86_VEC_GP, 0, "CSSA == NSSA: no free SSA frame");
	if (run->function == SGX_ERESUME && tcs->cssa == 0)
		return fault(e, run, leaf, X86_VEC_GP, 0, "CSSA == 0: nothing to resume");

	i = run->function == SGX_EENTER ? tcs->cssa : tcs->cssa - 1;
	frame = sim_ssa_addr(se, tcs, i);
	for (uint64_t p = 0; p < sim_ssa_frame_bytes(se); p += SGX_PAGE_SIZE)
		if (!sim_in_elrange(se, frame + p, SGX_PAGE_SIZE) || !ssa_page_ok(se, frame + p))
			return fault(e, run, leaf, X86_VEC_PF, frame + p,
				     "SSA frame not an accepted read-write page");
	gpr = sim_ssa_gpr(se, tcs, i);

	if (run->function == SGX_EENTER) {
		cpu->encl_fs = se->base + tcs->ofsbase;
		cpu->encl_gs = se->base + tcs->ogsbase;
		cpu->target = se->base + tcs->oentry;
		cpu->rax = tcs->cssa;
		cpu->rbx = t;
		cpu->rcx = (uint64_t)sim_eexit_landing;
		cpu->rdi = run->rdi;
		cpu->rsi = run->rsi;
		cpu->rdx = run->rdx;
		/* The exception handler runs on OFSBASE throughout: predict nothing. */
		if (tcs->cssa)
			cpu->last_fs = 0;
	} else {
		if (!xsave_ok(se, sim_ssa_xsave(se, tcs, i)) ||
		    !sim_in_elrange(se, gpr->rip, 1) ||
		    !canonical(gpr->fsbase) || !canonical(gpr->gsbase))
			return fault(e, run, leaf, X86_VEC_GP, 0,
				     "SSA frame holds an invalid context");
		cpu->encl_fs = gpr->fsbase;
		cpu->encl_gs = gpr->gsbase;
		build_frame(cpu, se, tcs, i);
		tcs->cssa = i;
	}
	cpu->ursp_slot = (uint64_t *)((uint8_t *)gpr + offsetof(struct sgx_ssa_gpr, ursp));
	cpu->enclave = se;
	cpu->tcs = t;
	tcs->state = 1;
	return 0;
}

int sim_enter(struct encl_enclave *e, struct encl_run *run)
{
	struct sim_enclave *se = sim_of(e);
	const char *leaf = run->function == SGX_ERESUME ? "ERESUME" : "EENTER";
	struct sim_cpu *cpu;
	int out, r;

	if (run->function != SGX_EENTER && run->function != SGX_ERESUME)
		return encl_backend_fail(e, EINVAL, 0, "enter: function %u is neither EENTER nor ERESUME",
					 run->function);
	cpu = sim_cpu_get(e->err, sizeof(e->err));
	if (!cpu) {
		e->error = ENOSYS;
		return -1;
	}
	if (cpu->enclave)
		return encl_backend_fail(e, EBUSY, 0, "%s: this thread is already inside an enclave", leaf);
	sim_lock(&se->lock);
	r = admit(e, cpu, run, leaf);
	sim_unlock(&se->lock);
	if (r)
		return r;

	out = sim_cpu_go(cpu, run->function == SGX_ERESUME);

	cpu->enclave = NULL;
	if (out == SIM_OUT_AEX) {
		run->function = SGX_ERESUME;
		run->exception_vector = cpu->exc_vector;
		run->exception_error_code = cpu->exc_error_code;
		run->exception_addr = cpu->exc_addr;
		return 0;
	}
	run->function = SGX_EEXIT;
	run->rdi = cpu->rdi;
	run->rsi = cpu->rsi;
	run->rdx = cpu->rdx;
	if (cpu->exit_rsp != cpu->host_rsp || cpu->exit_rbp != cpu->host_rbp)
		return encl_backend_fail(e, EFAULT, 0,
					 "EEXIT with RSP/RBP %#lx/%#lx, not the %#lx/%#lx of EENTER: "
					 "the enclave must restore the host stack before EEXIT",
					 (unsigned long)cpu->exit_rsp, (unsigned long)cpu->exit_rbp,
					 (unsigned long)cpu->host_rsp, (unsigned long)cpu->host_rbp);
	return 0;
}

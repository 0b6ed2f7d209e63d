// SPDX-License-Identifier: MIT
/*
 * The exception handler: EENTER with CSSA = 1 after an AEX interrupted the
 * program (docs/execution.md, docs/shield.md). SSA[0] holds the
 * interrupted context; the handler either changes it and asks the host to
 * ERESUME (ENCL_EXIT_HANDLED), or reports a crash.
 *
 * A `syscall` instruction is #UD inside an enclave: the handler turns it
 * into a call of the trusted dispatcher by pointing SSA[0].RIP at the
 * syscall trampoline and SSA[0].RSP at two slots below the program's red
 * zone. Nothing is copied: ERESUME itself reloads every register, and the
 * trampoline saves them on that stack.
 */
#include <elf.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>

#include "enclave/emm/heap.h"
#include "enclave/core/runtime.h"
#include "enclave/core/threads.h"
#include "enclave/shield/signal.h"
#include "enclave/testing/testing.h"
#include "sgx/arch.h"

#define RED_ZONE		128
/* Room the trampoline and the dispatcher need below the slots. */
#define SYSCALL_STACK_MIN	(8 * 1024)

struct encl_exit_req {
	uint64_t reason;
	uint64_t value;
};

struct encl_exit_req encl_exception(struct encl_thread *td, uint64_t op, uint64_t signals);

static struct sgx_ssa_gpr *ssa0_gpr(struct encl_thread *td)
{
	uint64_t frame = encl_rt.base + td->init.ssa_offset;

	return (struct sgx_ssa_gpr *)(frame + encl_rt.params->ssaframesize * SGX_PAGE_SIZE -
				      SGX_SSA_GPR_SIZE);
}

static uint32_t vector_signal(uint32_t vector)
{
	switch (vector) {
	case X86_VEC_DE:
	case X86_VEC_MF:
	case X86_VEC_XM:
		return SIGFPE;
	case X86_VEC_DB:
	case X86_VEC_BP:
		return SIGTRAP;
	case X86_VEC_UD:
		return SIGILL;
	case X86_VEC_AC:
		return SIGBUS;
	default:		/* #PF, #GP, #BR and anything unknown */
		return SIGSEGV;
	}
}

extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));

/* [lo, hi) lies in a writable PT_LOAD of the image (a static alternate stack). */
static int image_data(uint64_t lo, uint64_t hi)
{
	const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);

	for (unsigned i = 0; i < __ehdr_start.e_phnum; i++) {
		uint64_t s = encl_rt.base + ph[i].p_vaddr;

		if (ph[i].p_type == PT_LOAD && (ph[i].p_flags & PF_W) &&
		    lo >= s && hi <= s + ph[i].p_memsz)
			return 1;
	}
	return 0;
}

/*
 * [lo, hi) is on this thread's program stack, on a heap-allocated stack,
 * or on a stack in the image's data (a signal handler's sigaltstack).
 */
int encl_stack_ok(struct encl_thread *td, uint64_t lo, uint64_t hi)
{
	uint64_t s_lo = encl_rt.base + td->init.stack_low;
	uint64_t s_hi = encl_rt.base + td->init.stack_high - ENCL_EXC_STACK_SIZE;

	if (lo > hi)
		return 0;
	if (lo >= s_lo && hi <= s_hi)
		return 1;
	return heap_contains(lo, hi - lo) || image_data(lo, hi);
}

static int is_syscall(uint64_t rip)
{
	const unsigned char *insn = (const unsigned char *)rip;

	/* Only the image holds code; looking elsewhere could fault in here. */
	if (rip < encl_rt.base || rip + 2 > encl_rt.base + encl_rt.params->image_size)
		return 0;
	return insn[0] == 0x0f && insn[1] == 0x05;
}

/*
 * ERESUME will continue at SSA[0].RIP: remember where, so that an entry
 * that finds the same context and no new EXITINFO is known for a replay.
 */
static struct encl_exit_req handled(struct encl_thread *td, struct sgx_ssa_gpr *gpr)
{
	td->exc_resume = gpr->rip;
	return (struct encl_exit_req){ ENCL_EXIT_HANDLED, 0 };
}

static struct encl_exit_req redirect_syscall(struct encl_thread *td, struct sgx_ssa_gpr *gpr)
{
	uint64_t rsp = gpr->rsp;
	uint64_t slots = rsp - RED_ZONE - 16;

	if (rsp < RED_ZONE + 16 + SYSCALL_STACK_MIN ||
	    !encl_stack_ok(td, slots - SYSCALL_STACK_MIN, rsp))
		encl_crash(td, SIGSEGV, X86_VEC_UD, gpr->rip, slots, 0, 1);
	((uint64_t *)slots)[0] = (uint64_t)(uintptr_t)td;
	((uint64_t *)slots)[1] = gpr->rip + 2;
	gpr->rsp = slots;
	gpr->rip = (uint64_t)(uintptr_t)encl_syscall_trampoline;
	return handled(td, gpr);
}

int (*encl_exception_hook)(const struct encl_fault *f, uint64_t *resume_rip);

/*
 * The test interface's fault hook (testing.h), last before a crash report:
 * with none installed this is always 0. The hook may fix the cause (retry
 * at the same RIP) or send a probe to its fixup; testing.c checks which.
 */
static int hooked(struct sgx_ssa_gpr *gpr, uint32_t vector, uint64_t addr, uint32_t errcd)
{
	struct encl_fault f = { .vector = vector, .error_code = errcd, .addr = addr,
				.rip = gpr->rip };
	uint64_t rip = gpr->rip;

	if (!encl_exception_hook || !encl_exception_hook(&f, &rip))
		return 0;
	gpr->rip = rip;
	return 1;
}

/* start.c: SECS.MISCSELECT, as the CPU reported it in a REPORT at START. */
extern uint32_t encl_miscselect;

/*
 * Whether the CPU reports #PF and #GP in EXITINFO: MISCSELECT.EXINFO,
 * which the EDMM identity enforces (image/sign.c) and the host selects
 * for the SGX1 one wherever the CPU has it. Without it an AEX with
 * EXITINFO.VALID = 0 may be a real #PF/#GP; with it, only an interrupt.
 */
static int exinfo_reported(void)
{
	return encl_miscselect & SGX_MISC_EXINFO;
}

/*
 * #UD at the trampoline's way back (encl_fs_sync_ret): do what its
 * `ret $128` would, so that SSA[0] is the program's own context, where a
 * signal can be delivered.
 */
static struct encl_exit_req syscall_return(struct encl_thread *td, struct sgx_ssa_gpr *gpr)
{
	gpr->rip = *(const uint64_t *)(uintptr_t)gpr->rsp;
	gpr->rsp += 8 + RED_ZONE;
	encl_signal_deliver(td, gpr);
	return handled(td, gpr);
}

/* A synchronous fault: the program's handler for it, or the crash report. */
static struct encl_exit_req fault(struct encl_thread *td, struct sgx_ssa_gpr *gpr, uint32_t vector,
				  uint64_t addr, uint32_t errcd, int addr_valid)
{
	encl_signal_fault(td, gpr, (int)vector_signal(vector), vector, addr, errcd, addr_valid);
	return handled(td, gpr);
}

struct encl_exit_req encl_exception(struct encl_thread *td, uint64_t op, uint64_t signals)
{
	struct sgx_ssa_gpr *gpr;
	struct sgx_misc_exinfo *exinfo;
	uint32_t info, vector, errcd;
	uint64_t maddr;

	/* Before START has found the parameters there is no one to report to. */
	if (!encl_rt.params)
		encl_fatal_code(td, ENCL_FATAL_ENTRY);
	gpr = ssa0_gpr(td);
	exinfo = (struct sgx_misc_exinfo *)((uint64_t)(uintptr_t)gpr - sizeof(*exinfo));

	/*
	 * Take the exception once. Every AEX writes EXITINFO, but nothing
	 * stops the host from EENTERing the handler again without a new
	 * AEX, and EXINFO is written only for #PF/#GP with MISCSELECT.EXINFO
	 * (otherwise those bytes are whatever an earlier AEX or nobody left
	 * there). Clearing both after reading them means a second entry for
	 * the same AEX finds VALID = 0 and nothing to act on, and a stale
	 * EXINFO is never paired with a new #PF. EXINFO is read only for a
	 * VALID #PF/#GP, which the CPU reports only with MISCSELECT.EXINFO.
	 */
	info = gpr->exitinfo;
	maddr = exinfo->maddr;
	errcd = exinfo->errcd;
	gpr->exitinfo = 0;
	exinfo->maddr = 0;
	exinfo->errcd = 0;

	/*
	 * Interrupted in the runtime's own entry or exit code: on the way
	 * into or out of an ocall, at the start of a clone, at a thread's
	 * end or a crash report. Only an interrupt can be here (a fault in
	 * that code is a bug): keep the signals for later and resume.
	 */
	if (td->state != TD_STATE_RUNNING || !td->ocall_area) {
		if (info & SGX_EXITINFO_VALID)
			encl_fatal_code(td, ENCL_FATAL_ENTRY);
		if (op == ENCL_OP_SIGNAL)
			encl_signals_arrived(signals);
		return (struct encl_exit_req){ ENCL_EXIT_HANDLED, 0 };
	}

	/*
	 * The thread pointer is the runtime's record (tls.c): whatever FS the
	 * AEX saved, ERESUME loads the recorded one, which also makes it
	 * durable where WRFSBASE is not (ENCL_START_FS_VOLATILE).
	 */
	if (td->tp)
		gpr->fsbase = td->tp;

	/*
	 * The host interrupted the thread for signals. It decides which
	 * signals arrive (as a kernel would) but nothing about a fault: a
	 * handler is entered only if the program is running its own code,
	 * otherwise the dispatcher delivers them before it returns.
	 */
	if (op == ENCL_OP_SIGNAL) {
		encl_signals_arrived(signals);
		if (!(info & SGX_EXITINFO_VALID)) {
			if (!encl_signal_in_runtime(gpr->rip))
				encl_signal_deliver(td, gpr);
			return handled(td, gpr);
		}
	}
	if (!(info & SGX_EXITINFO_VALID)) {
		/* The context the last handled exception resumed, untouched: no AEX since. */
		if (td->exc_resume && gpr->rip == td->exc_resume)
			encl_fatal("the host entered the exception handler again without a new "
				   "exception (at enclave offset %#lx)",
				   (unsigned long)encl_offset(gpr->rip));
		/*
		 * With EXINFO the CPU would have reported a fault: this was an
		 * interrupt the host calls an exception. Nothing to act on, and
		 * never a signal: resume as it was. Without EXINFO it may be a
		 * #PF/#GP whose address nobody can vouch for: no handler can be
		 * told one, so the program ends as it always did.
		 */
		if (exinfo_reported())
			return handled(td, gpr);
		encl_crash(td, SIGSEGV, ENCL_CRASH_VECTOR_UNREPORTED, gpr->rip, 0, 0, 0);
	}
	td->exc_resume = 0;
	vector = info & SGX_EXITINFO_VECTOR_MASK;
	if (vector != X86_VEC_PF && vector != X86_VEC_GP)
		maddr = errcd = 0;

	switch (vector) {
	case X86_VEC_UD:
		if (gpr->rip == (uint64_t)(uintptr_t)encl_clone_insn) {
			encl_clone_context(td, gpr);
			return handled(td, gpr);
		}
		if (gpr->rip == (uint64_t)(uintptr_t)encl_fs_sync_ret)
			return syscall_return(td, gpr);
		if (gpr->rip == (uint64_t)(uintptr_t)encl_fs_sync_insn) {
			gpr->rip += 2;
			return handled(td, gpr);
		}
		if (gpr->rip == (uint64_t)(uintptr_t)encl_rdrand_insn)
			encl_fatal("this CPU has no RDRAND: the enclave has no source of randomness");
		if (is_syscall(gpr->rip)) {
			/* musl's __restore_rt: the frame's context goes straight back into SSA[0]. */
			if (gpr->rax == SYS_rt_sigreturn && !encl_signal_in_runtime(gpr->rip)) {
				encl_signal_return(td, gpr);
				return handled(td, gpr);
			}
			return redirect_syscall(td, gpr);
		}
		break;
	case X86_VEC_PF:
		if (emm_handle_fault(maddr, errcd) || hooked(gpr, vector, maddr, errcd))
			return handled(td, gpr);
		return fault(td, gpr, vector, maddr, errcd, 1);
	case X86_VEC_GP:
		if (hooked(gpr, vector, 0, errcd))
			return handled(td, gpr);
		return fault(td, gpr, vector, 0, errcd, 0);
	default:
		break;
	}
	if (hooked(gpr, vector, 0, 0))
		return handled(td, gpr);
	return fault(td, gpr, vector, 0, 0, 0);
}

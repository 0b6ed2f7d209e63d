// SPDX-License-Identifier: MIT
/*
 * Signal delivery and rt_sigreturn, in the exception handler (CSSA 1).
 *
 * SSA[0] holds the context the program will continue with: every GPR,
 * RIP, RSP, RFLAGS and its XSAVE state. Delivering a signal writes the
 * frame Linux would write (x86-64 rt_sigframe: the restorer as return
 * address, ucontext with that context and a pointer to the XSAVE image,
 * siginfo) on the program's stack or its alternate stack, and replaces
 * SSA[0] with the handler's context: RIP = handler, RSP = the frame,
 * RDI/RSI/RDX = signal, &info, &uc, the initial FPU state. ERESUME loads
 * all of it at once. rt_sigreturn (the `syscall` in musl's __restore_rt)
 * is served here too: the frame's context, checked, goes back into SSA[0].
 *
 * Nothing here makes an ocall: an EEXIT for one at CSSA 1 could not come
 * back. A frame that cannot be written, or read back, ends the program
 * with SIGSEGV, as Linux's force_sigsegv does.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <ucontext.h>

#include "enclave/core/runtime.h"
#include "enclave/emm/heap.h"
#include "enclave/shield/signal.h"
#include "enclave/shield/syscall.h"
#include "sgx/arch.h"
#include "sgx/xsave.h"

/* start.c: the XSAVE components this enclave runs with (SECS.ATTRIBUTES.XFRM). */
extern uint64_t encl_xfrm;

#define RED_ZONE		128
#define UNBLOCKABLE		(ENCL_SIGBIT(SIGKILL) | ENCL_SIGBIT(SIGSTOP))

/* uapi asm/sigcontext.h and asm/ucontext.h */
#define K_UC_FP_XSTATE		0x1
#define K_UC_SIGCONTEXT_SS	0x2
#define K_FP_XSTATE_MAGIC1	0x46505853U
#define K_FP_XSTATE_MAGIC2	0x46505845U
#define K_USER_CS		0x33
#define K_USER_DS		0x2b
#define K_SS_ONSTACK		1
#define K_SS_DISABLE		2
#define K_SS_AUTODISARM		(1U << 31)

/* The RFLAGS bits a handler's frame may change on rt_sigreturn (no TF, RF, IF, IOPL ...). */
#define RFLAGS_USER		0x40cd5ULL	/* CF PF AF ZF SF DF OF AC */
#define RFLAGS_DF		0x400ULL
#define RFLAGS_TF		0x100ULL
#define RFLAGS_RF		0x10000ULL
#define RFLAGS_FIXED		0x2ULL

/* The legacy region and the XSAVE header (SDM Vol. 1 10.5.1, 13.4). */
#define FX_FCW			0
#define FX_FSW			2
#define FX_MXCSR		24
#define FX_MXCSR_MASK		28
#define FX_SW_BYTES		464
#define XS_XSTATE_BV		512
#define XS_XCOMP_BV		520
#define XS_HEADER_END		576

struct k_sigcontext {
	uint64_t r8, r9, r10, r11, r12, r13, r14, r15;
	uint64_t rdi, rsi, rbp, rbx, rdx, rax, rcx, rsp, rip, eflags;
	uint16_t cs, gs, fs, ss;
	uint64_t err, trapno, oldmask, cr2;
	uint64_t fpstate;
	uint64_t reserved1[8];
};

struct k_stack {
	uint64_t ss_sp;
	int32_t ss_flags;
	int32_t pad;
	uint64_t ss_size;
};

struct k_ucontext {
	uint64_t uc_flags;
	uint64_t uc_link;
	struct k_stack uc_stack;
	struct k_sigcontext uc_mcontext;
	uint64_t uc_sigmask;
};

struct k_siginfo {
	int32_t si_signo, si_errno, si_code, pad;
	union {
		struct { int32_t pid; uint32_t uid; } kill;
		struct { uint64_t addr; } fault;
		unsigned char bytes[112];
	} u;
};

struct k_rt_sigframe {
	uint64_t pretcode;
	struct k_ucontext uc;
	struct k_siginfo info;
};

/* struct _fpx_sw_bytes in the FXSAVE image's software bytes. */
struct k_fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};

/* The program reads the frame with musl's types: the layouts must be the kernel's. */
_Static_assert(offsetof(struct k_ucontext, uc_mcontext) == offsetof(ucontext_t, uc_mcontext), "uc_mcontext");
_Static_assert(offsetof(struct k_ucontext, uc_sigmask) == offsetof(ucontext_t, uc_sigmask), "uc_sigmask");
_Static_assert(offsetof(struct k_ucontext, uc_stack) == offsetof(ucontext_t, uc_stack), "uc_stack");
_Static_assert(offsetof(struct k_sigcontext, rip) == REG_RIP * 8, "REG_RIP");
_Static_assert(offsetof(struct k_sigcontext, eflags) == REG_EFL * 8, "REG_EFL");
_Static_assert(offsetof(struct k_sigcontext, err) == REG_ERR * 8, "REG_ERR");
_Static_assert(offsetof(struct k_sigcontext, cr2) == REG_CR2 * 8, "REG_CR2");
_Static_assert(offsetof(struct k_sigcontext, fpstate) == offsetof(mcontext_t, fpregs), "fpregs");
_Static_assert(sizeof(struct k_sigcontext) == sizeof(mcontext_t), "mcontext_t");
_Static_assert(sizeof(struct k_siginfo) == sizeof(siginfo_t), "siginfo_t");
_Static_assert(offsetof(struct k_siginfo, u.fault.addr) == offsetof(siginfo_t, si_addr), "si_addr");
_Static_assert(offsetof(struct k_siginfo, u.kill.pid) == offsetof(siginfo_t, si_pid), "si_pid");
_Static_assert(sizeof(struct k_fpx_sw_bytes) == 48, "_fpx_sw_bytes");

/* The standard-format XSAVE size of the components the runtime allows (start.c). */
static uint64_t xsave_size(void)
{
	if (encl_xfrm & SGX_XFRM_AVX512)
		return 2688;
	if (encl_xfrm & SGX_XFRM_AVX)
		return 832;
	return XS_HEADER_END;
}

static unsigned char *ssa0_xsave(const struct encl_thread *td)
{
	return (unsigned char *)(uintptr_t)(encl_rt.base + td->init.ssa_offset);
}

/*
 * Memory a frame may be written to or read from at CSSA 1: inside the
 * enclave (never host memory), and the program's (encl_stack_ok).
 */
static int program_memory(struct encl_thread *td, uint64_t lo, uint64_t hi)
{
	return hi >= lo && encl_inside(lo, hi - lo) && encl_stack_ok(td, lo, hi);
}

int encl_signal_in_runtime(uint64_t rip)
{
	/* The trampoline ends with the #UD at encl_fs_sync_ret and its `ret $128`. */
	uint64_t lo = (uint64_t)(uintptr_t)encl_syscall_trampoline;
	uint64_t hi = (uint64_t)(uintptr_t)encl_fs_sync_ret + 2 + 3;

	return encl_syscall_current || (rip >= lo && rip < hi);
}

/* The handler starts with the FPU as after FNINIT and the default MXCSR, as Linux gives it. */
static void xsave_init(unsigned char *x)
{
	uint16_t fcw = 0x37f;
	uint32_t mxcsr = 0x1f80;

	memset(x, 0, XS_HEADER_END);
	memcpy(x + FX_FCW, &fcw, sizeof(fcw));
	memcpy(x + FX_MXCSR, &mxcsr, sizeof(mxcsr));
}

static void setup_frame(struct encl_thread *td, struct sgx_ssa_gpr *gpr, int sig,
			const struct k_siginfo *info, uint64_t trapno, uint64_t err, uint64_t cr2)
{
	const struct encl_ksigaction act = encl_sigactions[sig];
	uint64_t xsize = xsave_size(), sp = gpr->rsp, fp, addr;
	uint64_t saved_mask = td->sigmask_restore ? td->sigmask_saved : td->sigmask;
	int was_on = encl_signal_on_altstack(td, sp), use_alt = 0;
	struct k_fpx_sw_bytes sw = { K_FP_XSTATE_MAGIC1, (uint32_t)xsize + 4, encl_xfrm,
				     (uint32_t)xsize, { 0 } };
	uint32_t magic2 = K_FP_XSTATE_MAGIC2;
	struct k_rt_sigframe *f;
	struct k_sigcontext *sc;

	/* x86-64 has no default restorer: a handler without one cannot return (Linux: SIGSEGV). */
	if (!(act.flags & K_SA_RESTORER) || !encl_inside(act.handler, 1))
		encl_signal_terminate(td, SIGSEGV, 0);
	if ((act.flags & K_SA_ONSTACK) && td->altstack_size && !was_on) {
		sp = td->altstack_sp + td->altstack_size;
		use_alt = 1;
	} else {
		sp -= RED_ZONE;
	}
	fp = (sp - (xsize + sizeof(magic2))) & ~63ULL;
	addr = ((fp - sizeof(*f)) & ~15ULL) - 8;	/* as after a call: RSP + 8 is 16-aligned */
	if (addr > sp || !program_memory(td, addr, fp + xsize + sizeof(magic2)) ||
	    ((use_alt || was_on) && addr < td->altstack_sp))
		encl_signal_terminate(td, SIGSEGV, 0);

	/*
	 * Under EDMM the frame may land on stack pages never touched: commit
	 * them the way the fault path would (EACCEPT only, no ocall), before
	 * a write at CSSA 1 faults where nothing can resolve it.
	 */
	for (uint64_t pg = addr & ~(uint64_t)(ENCL_PAGE_SIZE - 1); pg < fp + xsize + sizeof(magic2);
	     pg += ENCL_PAGE_SIZE)
		emm_touch_for_handler(pg);

	f = (struct k_rt_sigframe *)(uintptr_t)addr;
	memset(f, 0, sizeof(*f));
	f->pretcode = act.restorer;
	f->info = *info;
	f->uc.uc_flags = K_UC_FP_XSTATE | K_UC_SIGCONTEXT_SS;
	f->uc.uc_stack.ss_sp = td->altstack_sp;
	f->uc.uc_stack.ss_size = td->altstack_size;
	f->uc.uc_stack.ss_flags = (int32_t)((was_on ? K_SS_ONSTACK : td->altstack_size ? 0 : K_SS_DISABLE) |
					    (td->altstack_flags & K_SS_AUTODISARM));
	sc = &f->uc.uc_mcontext;
	*sc = (struct k_sigcontext){
		.r8 = gpr->r8, .r9 = gpr->r9, .r10 = gpr->r10, .r11 = gpr->r11,
		.r12 = gpr->r12, .r13 = gpr->r13, .r14 = gpr->r14, .r15 = gpr->r15,
		.rdi = gpr->rdi, .rsi = gpr->rsi, .rbp = gpr->rbp, .rbx = gpr->rbx,
		.rdx = gpr->rdx, .rax = gpr->rax, .rcx = gpr->rcx, .rsp = gpr->rsp,
		.rip = gpr->rip, .eflags = gpr->rflags,
		.cs = K_USER_CS, .ss = K_USER_DS,
		.err = err, .trapno = trapno, .oldmask = saved_mask, .cr2 = cr2,
		.fpstate = fp,
	};
	f->uc.uc_sigmask = saved_mask;
	memcpy((void *)(uintptr_t)fp, ssa0_xsave(td), xsize);
	memcpy((unsigned char *)(uintptr_t)fp + FX_SW_BYTES, &sw, sizeof(sw));
	memcpy((unsigned char *)(uintptr_t)fp + xsize, &magic2, sizeof(magic2));
	if (use_alt && (td->altstack_flags & K_SS_AUTODISARM))
		td->altstack_sp = td->altstack_size = td->altstack_flags = 0;

	gpr->rip = act.handler;
	gpr->rsp = addr;
	gpr->rdi = (uint64_t)sig;
	gpr->rsi = (uint64_t)(uintptr_t)&f->info;
	gpr->rdx = (uint64_t)(uintptr_t)&f->uc;
	gpr->rax = 0;
	gpr->rflags = (gpr->rflags & ~(RFLAGS_DF | RFLAGS_TF | RFLAGS_RF)) | RFLAGS_FIXED;
	xsave_init(ssa0_xsave(td));

	td->sigmask |= act.mask;
	if (!(act.flags & K_SA_NODEFER))
		td->sigmask |= ENCL_SIGBIT(sig);
	td->sigmask &= ~UNBLOCKABLE;
	td->sigmask_restore = 0;
	if (act.flags & K_SA_RESETHAND)
		encl_sigactions[sig].handler = (uint64_t)(uintptr_t)SIG_DFL;
}

int encl_signal_deliver(struct encl_thread *td, struct sgx_ssa_gpr *gpr)
{
	struct encl_sigorigin o;
	int sig;

	while ((sig = encl_signal_next(td))) {
		struct k_siginfo info;

		encl_signal_take(td, sig, &o);
		switch (encl_signal_action(sig)) {
		case ENCL_SIGACT_IGNORE:
			continue;
		case ENCL_SIGACT_TERMINATE:
			encl_signal_terminate(td, sig, 0);
		case ENCL_SIGACT_HANDLER:
			break;
		}
		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = o.code;
		info.u.kill.pid = o.pid;
		setup_frame(td, gpr, sig, &info, 0, 0, 0);
		return 1;
	}
	if (td->sigmask_restore) {
		td->sigmask = td->sigmask_saved;
		td->sigmask_restore = 0;
	}
	return 0;
}

/* si_code of a floating-point exception from the status the XSAVE image holds, as Linux. */
static int fpe_code(const struct encl_thread *td, uint32_t vector)
{
	const unsigned char *x = ssa0_xsave(td);
	uint32_t err;

	if (vector == X86_VEC_DE)
		return FPE_INTDIV;
	if (vector == X86_VEC_XM) {
		uint32_t mxcsr;

		memcpy(&mxcsr, x + FX_MXCSR, sizeof(mxcsr));
		err = (mxcsr & 0x3f) & ~((mxcsr >> 7) & 0x3f);
	} else {
		uint16_t fsw, fcw;

		memcpy(&fsw, x + FX_FSW, sizeof(fsw));
		memcpy(&fcw, x + FX_FCW, sizeof(fcw));
		err = (uint32_t)(fsw & ~fcw) & 0x3f;
	}
	if (err & 0x01)
		return FPE_FLTINV;
	if (err & 0x04)
		return FPE_FLTDIV;
	if (err & 0x08)
		return FPE_FLTOVF;
	if (err & 0x12)
		return FPE_FLTUND;
	if (err & 0x20)
		return FPE_FLTRES;
	return 0;
}

/*
 * Linux's SEGV_ACCERR is "there is a mapping, and it forbids this": the
 * image, or a heap mapping of the program's (PROT_NONE pages are not
 * present in the PTEs, so the error code alone says MAPERR for them).
 */
static int segv_code(uint64_t addr, uint32_t errcd)
{
	if ((errcd & X86_PF_PROT) || heap_mapped(addr) ||
	    (addr >= encl_rt.base && addr - encl_rt.base < encl_rt.params->image_size))
		return SEGV_ACCERR;
	return SEGV_MAPERR;
}

static int fault_code(const struct encl_thread *td, int sig, uint32_t vector, uint32_t errcd,
		      uint64_t addr)
{
	switch (sig) {
	case SIGSEGV:
		if (vector == X86_VEC_PF)
			return segv_code(addr, errcd);
		if (vector == X86_VEC_BR)
			return SEGV_BNDERR;
		return SI_KERNEL;	/* #GP: Linux reports no address */
	case SIGFPE:
		return fpe_code(td, vector);
	case SIGILL:
		return ILL_ILLOPN;
	case SIGBUS:
		return BUS_ADRALN;
	case SIGTRAP:
		return vector == X86_VEC_BP ? SI_KERNEL : TRAP_TRACE;
	default:
		return SI_KERNEL;
	}
}

void encl_signal_fault(struct encl_thread *td, struct sgx_ssa_gpr *gpr, int sig,
		       uint32_t vector, uint64_t addr, uint32_t errcd, int addr_valid)
{
	struct k_siginfo info;

	/*
	 * Linux forces the default action when the signal is blocked or
	 * ignored, which includes a fault inside its own handler without
	 * SA_NODEFER. A fault in the runtime's own code is the runtime's
	 * (or a bad pointer given to a system call): never the program's
	 * handler, which would run in the middle of the dispatcher.
	 */
	if (encl_signal_in_runtime(gpr->rip) || encl_signal_action(sig) != ENCL_SIGACT_HANDLER ||
	    (td->sigmask & ENCL_SIGBIT(sig)))
		encl_crash(td, (uint32_t)sig, vector, gpr->rip, addr, errcd, addr_valid);
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = fault_code(td, sig, vector, errcd, addr);
	if (sig == SIGSEGV)
		info.u.fault.addr = vector == X86_VEC_PF ? addr : 0;
	else
		info.u.fault.addr = gpr->rip;
	setup_frame(td, gpr, sig, &info, vector, errcd, vector == X86_VEC_PF ? addr : 0);
}

/*
 * The XSAVE image of a frame into SSA[0], as ERESUME will load it: only
 * the enclave's components, standard format, MXCSR within the CPU's mask.
 * An image without the XSAVE marks is a legacy one (x87 and SSE only).
 */
static int restore_xsave(struct encl_thread *td, uint64_t fp)
{
	static const unsigned char zero[XS_HEADER_END - XS_XCOMP_BV - 8];
	unsigned char *x = ssa0_xsave(td);
	uint64_t xsize = xsave_size(), bv, comp;
	uint32_t mxcsr, mask, magic1;

	memcpy(&mask, x + FX_MXCSR_MASK, sizeof(mask));	/* the CPU wrote it at the AEX */
	if (!mask)
		mask = 0xffbf;
	if (!fp) {
		xsave_init(x);
		return 0;
	}
	if (!program_memory(td, fp, fp + SGX_XSAVE_LEGACY_SIZE))
		return -1;
	memcpy(&magic1, (const unsigned char *)(uintptr_t)fp + FX_SW_BYTES, sizeof(magic1));
	if (magic1 == K_FP_XSTATE_MAGIC1 && program_memory(td, fp, fp + xsize)) {
		unsigned char img[2688];

		memcpy(img, (const void *)(uintptr_t)fp, xsize);
		memcpy(&bv, img + XS_XSTATE_BV, sizeof(bv));
		memcpy(&comp, img + XS_XCOMP_BV, sizeof(comp));
		if ((bv & ~encl_xfrm) || comp || memcmp(img + XS_XCOMP_BV + 8, zero, sizeof(zero)))
			return -1;
		memcpy(x, img, xsize);
	} else {
		memcpy(x, (const void *)(uintptr_t)fp, SGX_XSAVE_LEGACY_SIZE);
		memset(x + SGX_XSAVE_LEGACY_SIZE, 0, XS_HEADER_END - SGX_XSAVE_LEGACY_SIZE);
		bv = SGX_XFRM_X87 | SGX_XFRM_SSE;
		memcpy(x + XS_XSTATE_BV, &bv, sizeof(bv));
	}
	memcpy(&mxcsr, x + FX_MXCSR, sizeof(mxcsr));
	return mxcsr & ~mask ? -1 : 0;
}

void encl_signal_return(struct encl_thread *td, struct sgx_ssa_gpr *gpr)
{
	uint64_t frame = gpr->rsp - 8;	/* the handler's `ret` took the restorer's address */
	struct k_ucontext uc;
	const struct k_sigcontext *sc = &uc.uc_mcontext;

	if (!program_memory(td, frame, frame + sizeof(struct k_rt_sigframe)))
		encl_signal_terminate(td, SIGSEGV, 0);
	memcpy(&uc, &((const struct k_rt_sigframe *)(uintptr_t)frame)->uc, sizeof(uc));
	/* ERESUME cannot continue outside the enclave; Linux would fault at that fetch. */
	if (!encl_inside(sc->rip, 1) || restore_xsave(td, sc->fpstate))
		encl_signal_terminate(td, SIGSEGV, 0);
	gpr->r8 = sc->r8;
	gpr->r9 = sc->r9;
	gpr->r10 = sc->r10;
	gpr->r11 = sc->r11;
	gpr->r12 = sc->r12;
	gpr->r13 = sc->r13;
	gpr->r14 = sc->r14;
	gpr->r15 = sc->r15;
	gpr->rdi = sc->rdi;
	gpr->rsi = sc->rsi;
	gpr->rbp = sc->rbp;
	gpr->rbx = sc->rbx;
	gpr->rdx = sc->rdx;
	gpr->rax = sc->rax;
	gpr->rcx = sc->rcx;
	gpr->rsp = sc->rsp;
	gpr->rip = sc->rip;
	gpr->rflags = (gpr->rflags & ~RFLAGS_USER) | (sc->eflags & RFLAGS_USER) | RFLAGS_FIXED;
	td->sigmask = uc.uc_sigmask & ~UNBLOCKABLE;
	td->sigmask_restore = 0;
	/* As Linux: the frame's uc_stack is set again unless the context runs on the current one. */
	(void)encl_signal_set_altstack(td, uc.uc_stack.ss_sp, (uint32_t)uc.uc_stack.ss_flags,
				       uc.uc_stack.ss_size, encl_signal_on_altstack(td, gpr->rsp));
	/* The restored mask may let a pending signal through: the next handler at once. */
	encl_signal_deliver(td, gpr);
}

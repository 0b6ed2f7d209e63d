// SPDX-License-Identifier: MIT
/*
 * The sim's execution engine against a hand-made enclave of five pages:
 * EENTER/EEXIT, `syscall` as #UD through AEX, the exception handler's
 * EENTER at CSSA 1 and ERESUME from the edited SSA, faults with EXINFO,
 * ENCLU leaves and their errors, RDFSBASE/WRFSBASE, and EENTER's checks;
 * ENCLU delivered as #UD and as #GP (ENCL_SIM_CPU_QUIRKS), the RD/WR*BASE
 * emulation with synthetic traps, code run outside ELRANGE, and the host's
 * extended state (AVX, AVX-512, PKRU) across every kind of transition.
 *
 *   0x0000 code (R X)   0x1000 data (RW, TCS.OFSBASE)   0x2000 TCS
 *   0x3000 SSA[0]       0x4000 SSA[1]                    0x5000.. not added
 *
 * The code dispatches on RDI like the trusted runtime does, keeps the EEXIT
 * target in R15 and the host RSP/RBP in the data page.
 */
#include <cpuid.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <ucontext.h>

#include "tests/harness.h"
#include "host/backend.h"
#include "host/sim/cpu.h"
#include "host/sim/quirks.h"
#include "host/sim/sim.h"
#include "image/layout.h"
#include "image/key.h"
#include "sgx/sigstruct.h"

#define OFF_CODE	0x0000
#define OFF_DATA	0x1000
#define OFF_TCS		0x2000
#define OFF_SSA		0x3000
#define OFF_UNADDED	0x5000
#define ENCL_SIZE	0x8000

#define OP_EXIT		1
#define OP_SYSCALL	2
#define OP_NULL		3
#define OP_UNADDED	4
#define OP_EACCEPT	5
#define OP_FSBASE	6
#define OP_BADLEAF	7
#define OP_HANDLER_UD	99
#define EXIT_HANDLED	3
#define DATA_MAGIC	0x5eed5eed5eed5eedULL

extern const uint8_t tencl_start[], tencl_end[], tencl_syscall[], tencl_wrfsbase[];

__asm__(
	".pushsection .rodata\n"
	".globl tencl_start, tencl_end, tencl_syscall, tencl_wrfsbase\n"
	"tencl_start:\n"
	"	mov %rcx, %r15\n"			/* EEXIT target */
	"	lea -0x1000(%rbx), %r14\n"		/* the data page */
	"	mov %rsp, 0x100(%r14)\n"
	"	mov %rbp, 0x108(%r14)\n"
	"	test %rax, %rax\n"
	"	jnz 90f\n"
	"	cmp $1, %rdi\n	je 10f\n"
	"	cmp $2, %rdi\n	je 20f\n"
	"	cmp $3, %rdi\n	je 30f\n"
	"	cmp $4, %rdi\n	je 40f\n"
	"	cmp $5, %rdi\n	je 50f\n"
	"	cmp $6, %rdi\n	je 60f\n"
	"	cmp $7, %rdi\n	je 70f\n"
	"	ud2\n"
	/* OP_EXIT: RDI 0x1234, RSI = CSSA, RDX = FS base */
	"10:	rdfsbase %rdx\n"
	"	mov %rax, %rsi\n"
	"	mov $0x1234, %edi\n"
	"80:	mov 0x100(%r14), %rsp\n"
	"	mov 0x108(%r14), %rbp\n"
	"	mov %r15, %rbx\n"
	"	mov $4, %eax\n"
	"	.byte 0x0f, 0x01, 0xd7\n"		/* ENCLU[EEXIT] */
	/* OP_SYSCALL: XMM1 and R8 must survive the AEX/ERESUME round trip */
	"20:	mov $0x55, %r8\n"
	"	movq %r8, %xmm1\n"
	"	mov $39, %eax\n"
	"tencl_syscall:\n"
	"	syscall\n"
	"	movq %xmm1, %rdx\n"
	"	mov %rax, %rdi\n"
	"	mov %r8, %rsi\n"
	"	jmp 80b\n"
	/* OP_NULL: a write to address 0 */
	"30:	movl $1, 0\n"
	"	jmp 80b\n"
	/* OP_UNADDED: a write to a page of ELRANGE that was never added */
	"40:	movb $1, 0x3000(%rbx)\n"
	"	jmp 80b\n"
	/* OP_EACCEPT of the data page with a PENDING SECINFO: a mismatch */
	"50:	mov %r14, %rcx\n"
	"	lea 0x800(%r14), %rbx\n"
	"	mov $5, %eax\n"
	"	.byte 0x0f, 0x01, 0xd7\n"
	"	mov %rax, %rdi\n"
	"	pushf\n"
	"	pop %rsi\n"
	"	jmp 80b\n"
	/* OP_FSBASE: WRFSBASE RSI, then read FS:8 and RDFSBASE */
	"tencl_wrfsbase:\n"
	"60:	wrfsbase %rsi\n"
	"	rdfsbase %rdx\n"
	"	mov %fs:8, %rdi\n"
	"	jmp 80b\n"
	/* OP_BADLEAF: ENCLU with a leaf that does not exist */
	"70:	mov $9, %eax\n"
	"	.byte 0x0f, 0x01, 0xd7\n"
	"	jmp 80b\n"
	/* CSSA 1: the handler. Skip the syscall, RAX = 777, EEXIT HANDLED. */
	"90:	cmp $99, %rdi\n"
	"	jne 91f\n"
	"	ud2\n"
	"91:	lea (0x2000 - 184)(%rbx), %rdx\n"
	"	addq $2, 136(%rdx)\n"
	"	movq $777, 0(%rdx)\n"
	"	mov $3, %edi\n"
	"	jmp 80b\n"
	"tencl_end:\n"
	".popsection\n");

static struct encl_enclave E;
static uint8_t pages[5][SGX_PAGE_SIZE] __attribute__((aligned(4096)));

static int build(void)
{
	struct sgx_tcs *tcs = (struct sgx_tcs *)pages[2];
	struct sgx_secinfo *si = (struct sgx_secinfo *)(pages[1] + 0x800);
	struct encl_segment seg[] = {
		{ OFF_CODE, 1, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X, 1, pages[0], ENCL_SEG_IMAGE },
		{ OFF_DATA, 1, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W, 1, pages[1], ENCL_SEG_THREAD },
		{ OFF_TCS, 1, SGX_SECINFO_TCS, 1, pages[2], ENCL_SEG_TCS },
		{ OFF_SSA, 2, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W, 1, pages[3], ENCL_SEG_SSA },
	};
	struct encl_layout l = { .size = ENCL_SIZE, .ssaframesize = 1, .nseg = 4, .seg = seg };
	struct sgx_sigstruct_fields f = {
		.date = 0x20260101,
		.miscselect = SGX_MISC_EXINFO, .miscmask = ~0U,
		.attributes = { SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG, SGX_XFRM_LEGACY },
		.attributemask = { ~SGX_ATTR_INIT, ~0ULL },
	};
	struct sgx_secs secs = {
		.size = ENCL_SIZE, .ssa_frame_size = 1, .miscselect = SGX_MISC_EXINFO,
		.attributes = { SGX_ATTR_MODE64BIT | SGX_ATTR_DEBUG, SGX_XFRM_LEGACY },
	};
	struct sgx_sigstruct ss;
	char path[4096], err[512];
	EVP_PKEY *key;

	memcpy(pages[0], tencl_start, (size_t)(tencl_end - tencl_start));
	*(uint64_t *)(pages[1] + 8) = DATA_MAGIC;
	si->flags = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_PENDING;
	tcs->ossa = OFF_SSA;
	tcs->nssa = 2;
	tcs->oentry = OFF_CODE;
	tcs->ofsbase = OFF_DATA;
	tcs->ogsbase = OFF_DATA;
	tcs->fslimit = tcs->gslimit = 0xfff;

	snprintf(path, sizeof(path), "%s/test-key.pem", harness_vectors());
	key = encl_key_load(path, err, sizeof(err));
	if (!key || encl_layout_measure(&l, f.enclavehash, err, sizeof(err)) ||
	    sgx_sigstruct_sign(&ss, &f, key, err, sizeof(err))) {
		fprintf(stderr, "  %s\n", err);
		EVP_PKEY_free(key);
		return -1;
	}
	EVP_PKEY_free(key);

	E.be = &encl_backend_sim;
	if (E.be->create(&E, &secs, 0))
		goto fail;
	for (size_t i = 0; i < l.nseg; i++)
		if (E.be->add_pages(&E, seg[i].offset, seg[i].data, seg[i].npages * SGX_PAGE_SIZE,
				    seg[i].flags, 1))
			goto fail;
	if (E.be->init(&E, &ss) ||
	    E.be->map(&E, OFF_CODE, SGX_PAGE_SIZE, PROT_READ | PROT_EXEC) ||
	    E.be->map(&E, OFF_DATA, 4 * SGX_PAGE_SIZE, PROT_READ | PROT_WRITE))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "  building the enclave: %s\n", E.err);
	return -1;
}

static int enter(uint32_t function, uint64_t rdi, uint64_t rsi, struct encl_run *run)
{
	memset(run, 0, sizeof(*run));
	run->tcs = E.base + OFF_TCS;
	run->function = function;
	run->rdi = rdi;
	run->rsi = rsi;
	return E.be->enter(&E, run);
}

static struct sgx_tcs *tcs(void)
{
	return sim_epc_ptr(sim_of(&E), E.base + OFF_TCS);
}

static struct sgx_ssa_gpr *ssa_gpr(unsigned i)
{
	return sim_epc_ptr(sim_of(&E), E.base + OFF_SSA + (i + 1) * SGX_PAGE_SIZE - SGX_SSA_GPR_SIZE);
}

static void test_eenter_eexit(void)
{
	struct encl_run run;

	CHECK_EQ_INT(enter(SGX_EENTER, OP_EXIT, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);
	CHECK_EQ_INT(run.rdi, 0x1234);
	CHECK_EQ_INT(run.rsi, 0);			/* RAX = CSSA at EENTER */
	CHECK_EQ_INT(run.rdx, E.base + OFF_DATA);	/* FS = base + OFSBASE, via RDFSBASE */
	CHECK_EQ_INT(tcs()->state, 0);
	/* The host's TLS works again (FS restored). */
	errno = 0;
	CHECK_EQ_INT(errno, 0);
}

static void test_syscall_aex_eresume(void)
{
	struct encl_run run;
	struct sgx_ssa_gpr *g = ssa_gpr(0);
	struct sgx_misc_exinfo *ex;

	CHECK_EQ_INT(enter(SGX_EENTER, OP_SYSCALL, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_ERESUME);
	CHECK_EQ_INT(run.exception_vector, X86_VEC_UD);
	CHECK_EQ_INT(tcs()->cssa, 1);
	CHECK_EQ_INT(g->exitinfo, SGX_EXITINFO_VALID | SGX_EXITINFO_TYPE_HW | X86_VEC_UD);
	CHECK_EQ_INT(g->rip, E.base + OFF_CODE + (uint64_t)(tencl_syscall - tencl_start));
	CHECK_EQ_INT(g->rax, 39);
	CHECK_EQ_INT(g->r8, 0x55);
	CHECK_EQ_INT(g->fsbase, E.base + OFF_DATA);
	CHECK(g->ursp != 0);
	/* XMM1 in the FXSAVE image (offset 160 + 16). */
	CHECK_EQ_INT(*(uint64_t *)((uint8_t *)sim_epc_ptr(sim_of(&E), E.base + OFF_SSA) + 176), 0x55);
	ex = (struct sgx_misc_exinfo *)g - 1;
	(void)ex;

	/* The handler at CSSA 1 edits SSA[0] and leaves with EXIT_HANDLED. */
	CHECK_EQ_INT(enter(SGX_EENTER, 0, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);
	CHECK_EQ_INT(run.rdi, EXIT_HANDLED);
	CHECK_EQ_INT(tcs()->cssa, 1);

	CHECK_EQ_INT(enter(SGX_ERESUME, 0, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);
	CHECK_EQ_INT(run.rdi, 777);
	CHECK_EQ_INT(run.rsi, 0x55);
	CHECK_EQ_INT(run.rdx, 0x55);
	CHECK_EQ_INT(tcs()->cssa, 0);
}

static void test_null_write(void)
{
	struct encl_run run;
	struct sgx_ssa_gpr *g = ssa_gpr(0);
	struct sgx_misc_exinfo *ex = (struct sgx_misc_exinfo *)g - 1;

	CHECK_EQ_INT(enter(SGX_EENTER, OP_NULL, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_ERESUME);
	CHECK_EQ_INT(run.exception_vector, X86_VEC_PF);
	CHECK(run.exception_error_code & X86_PF_WRITE);
	CHECK_EQ_INT(g->exitinfo, SGX_EXITINFO_VALID | SGX_EXITINFO_TYPE_HW | X86_VEC_PF);
	CHECK_EQ_INT(ex->maddr, 0);
	CHECK(ex->errcd & X86_PF_WRITE);
	CHECK(!(ex->errcd & X86_PF_SGX));
	/* No handler here: the test plays the host that gives up on the TCS. */
	tcs()->cssa = 0;
}

static void test_unadded_page(void)
{
	struct encl_run run;
	struct sgx_misc_exinfo *ex = (struct sgx_misc_exinfo *)ssa_gpr(0) - 1;

	CHECK_EQ_INT(enter(SGX_EENTER, OP_UNADDED, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_ERESUME);
	CHECK_EQ_INT(run.exception_vector, X86_VEC_PF);
	CHECK_EQ_INT(run.exception_addr, E.base + OFF_UNADDED);
	CHECK_EQ_INT(ex->maddr, E.base + OFF_UNADDED);
	CHECK(ex->errcd & X86_PF_WRITE);
	tcs()->cssa = 0;
}

static void test_eaccept_mismatch(void)
{
	struct encl_run run;

	CHECK_EQ_INT(enter(SGX_EENTER, OP_EACCEPT, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);
	CHECK_EQ_INT(run.rdi, SGX_PAGE_ATTRIBUTES_MISMATCH);
	CHECK(run.rsi & 0x40);			/* ZF: the leaf failed */
}

static void test_fsbase(void)
{
	struct encl_run run;

	CHECK_EQ_INT(enter(SGX_EENTER, OP_FSBASE, E.base + OFF_DATA, &run), 0);
	CHECK_EQ_INT(run.function, SGX_EEXIT);
	CHECK_EQ_INT(run.rdx, E.base + OFF_DATA);
	CHECK_EQ_INT(run.rdi, DATA_MAGIC);	/* %fs:8 really reads the enclave page */
	/* The next EENTER loads FS from TCS.OFSBASE again. */
	CHECK_EQ_INT(enter(SGX_EENTER, OP_EXIT, 0, &run), 0);
	CHECK_EQ_INT(run.rdx, E.base + OFF_DATA);
}

static void test_bad_leaf(void)
{
	struct encl_run run;

	CHECK_EQ_INT(enter(SGX_EENTER, OP_BADLEAF, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_ERESUME);
	CHECK_EQ_INT(run.exception_vector, X86_VEC_GP);
	CHECK_EQ_INT(ssa_gpr(0)->exitinfo, SGX_EXITINFO_VALID | SGX_EXITINFO_TYPE_HW | X86_VEC_GP);
	tcs()->cssa = 0;
}

static void test_entry_checks(void)
{
	struct encl_run run;

	/* ERESUME with CSSA 0 */
	CHECK_EQ_INT(enter(SGX_ERESUME, 0, 0, &run), -1);
	CHECK_STR_CONTAINS(E.err, "CSSA == 0");
	/* CSSA == NSSA: a syscall AEX, then a #UD inside the handler */
	CHECK_EQ_INT(enter(SGX_EENTER, OP_SYSCALL, 0, &run), 0);
	CHECK_EQ_INT(enter(SGX_EENTER, OP_HANDLER_UD, 0, &run), 0);
	CHECK_EQ_INT(run.function, SGX_ERESUME);
	CHECK_EQ_INT(run.exception_vector, X86_VEC_UD);
	CHECK_EQ_INT(tcs()->cssa, 2);
	CHECK_EQ_INT(enter(SGX_EENTER, OP_EXIT, 0, &run), -1);
	CHECK_STR_CONTAINS(E.err, "CSSA == NSSA");
	tcs()->cssa = 0;
	/* A TCS that is busy, and an address that is not a TCS */
	tcs()->state = 1;
	CHECK_EQ_INT(enter(SGX_EENTER, OP_EXIT, 0, &run), -1);
	CHECK_STR_CONTAINS(E.err, "busy");
	tcs()->state = 0;
	/* Reserved TCS.FLAGS bits (EACCEPT would have refused them; EENTER checks again) */
	tcs()->flags = 2;
	CHECK_EQ_INT(enter(SGX_EENTER, OP_EXIT, 0, &run), -1);
	CHECK_STR_CONTAINS(E.err, "TCS.FLAGS");
	tcs()->flags = 0;
	memset(&run, 0, sizeof(run));
	run.tcs = E.base + OFF_DATA;
	run.function = SGX_EENTER;
	CHECK_EQ_INT(E.be->enter(&E, &run), -1);
	CHECK_STR_CONTAINS(E.err, "TCS");
	CHECK_EQ_INT(run.exception_vector, X86_VEC_PF);
	/* Still usable afterwards */
	CHECK_EQ_INT(enter(SGX_EENTER, OP_EXIT, 0, &run), 0);
	CHECK_EQ_INT(run.rdi, 0x1234);
}

static struct sim_cpu *sim_cpu(void)
{
	char err[256];
	struct sim_cpu *cpu = sim_cpu_get(err, sizeof(err));

	if (!cpu)
		fprintf(stderr, "  %s\n", err);
	return cpu;
}

/*
 * ENCLU arrives as #UD on some CPUs and as #GP(0) on others; each delivery
 * is forced in turn, and EEXIT, EACCEPT and an undefined leaf behave alike.
 */
static void test_enclu_deliveries(void)
{
	static const unsigned quirks[] = { 0, SIM_QUIRK_ENCLU_UD, SIM_QUIRK_ENCLU_GP };
	struct sim_cpu *cpu = sim_cpu();
	struct encl_run run;

	CHECK(cpu != NULL);
	if (!cpu)
		return;
	for (size_t i = 0; i < sizeof(quirks) / sizeof(quirks[0]); i++) {
		cpu->quirks = quirks[i];
		CHECK_EQ_INT(enter(SGX_EENTER, OP_EXIT, 0, &run), 0);
		CHECK_EQ_INT(run.function, SGX_EEXIT);
		CHECK_EQ_INT(run.rdi, 0x1234);
		CHECK_EQ_INT(enter(SGX_EENTER, OP_EACCEPT, 0, &run), 0);
		CHECK_EQ_INT(run.function, SGX_EEXIT);
		CHECK_EQ_INT(run.rdi, SGX_PAGE_ATTRIBUTES_MISMATCH);
		CHECK_EQ_INT(enter(SGX_EENTER, OP_BADLEAF, 0, &run), 0);
		CHECK_EQ_INT(run.exception_vector, X86_VEC_GP);
		tcs()->cssa = 0;
	}
	cpu->quirks = 0;
}

/*
 * A trap as the kernel would deliver it, at @rip inside the entered
 * enclave: what sim_trap answers and what it did to the context.
 */
static int synthetic_trap(struct sim_cpu *cpu, int sig, int trapno, uint64_t rip, ucontext_t *uc)
{
	siginfo_t info = { .si_signo = sig, .si_code = sig == SIGILL ? ILL_ILLOPN : SI_KERNEL };
	int r;

	uc->uc_mcontext.gregs[REG_RIP] = (greg_t)rip;
	uc->uc_mcontext.gregs[REG_TRAPNO] = trapno;
	cpu->enclave = sim_of(&E);
	cpu->tcs = E.base + OFF_TCS;
	tcs()->state = 1;
	r = sim_trap(cpu, sig, &info, uc);
	cpu->enclave = NULL;
	tcs()->state = 0;
	return r;
}

/*
 * Where RD/WR{FS,GS}BASE raise #UD, the trap emulates them. No user
 * program can make an executing instruction trap, so the #UD is synthetic.
 */
static void test_fsgsbase_emulated(void)
{
	uint64_t wr = E.base + OFF_CODE + (uint64_t)(tencl_wrfsbase - tencl_start);
	struct sim_cpu *cpu = sim_cpu();
	uint64_t fs, rip;
	ucontext_t uc;

	CHECK(cpu != NULL);
	if (!cpu)
		return;
	fs = cpu->encl_fs;
	memset(&uc, 0, sizeof(uc));
	uc.uc_mcontext.gregs[REG_RSI] = (greg_t)(E.base + 0x1230);
	CHECK_EQ_INT(synthetic_trap(cpu, SIGILL, X86_VEC_UD, wr, &uc), SIM_TRAP_TO_ENCLAVE);
	CHECK_EQ_INT(cpu->encl_fs, E.base + 0x1230);
	rip = (uint64_t)uc.uc_mcontext.gregs[REG_RIP];
	CHECK_EQ_INT(rip, wr + 5);			/* f3 48 0f ae d6 */
	/* The RDFSBASE that follows reads it back. */
	CHECK_EQ_INT(synthetic_trap(cpu, SIGILL, X86_VEC_UD, rip, &uc), SIM_TRAP_TO_ENCLAVE);
	CHECK_EQ_INT(uc.uc_mcontext.gregs[REG_RDX], E.base + 0x1230);
	/* A non-canonical base is #GP(0). */
	uc.uc_mcontext.gregs[REG_RSI] = (greg_t)0x8000000000000000ULL;
	CHECK_EQ_INT(synthetic_trap(cpu, SIGILL, X86_VEC_UD, wr, &uc), SIM_TRAP_TO_HOST);
	CHECK_EQ_INT(cpu->exc_vector, X86_VEC_GP);
	tcs()->cssa = 0;
	cpu->encl_fs = fs;
}

/* Code outside ELRANGE ran in enclave mode: #GP(0), never emulated. */
static void test_left_elrange(void)
{
	struct sim_cpu *cpu = sim_cpu();
	ucontext_t uc;

	CHECK(cpu != NULL);
	if (!cpu)
		return;
	memset(&uc, 0, sizeof(uc));
	/* Even an ENCLU-shaped trap: the bytes are not the enclave's. */
	CHECK_EQ_INT(synthetic_trap(cpu, SIGILL, X86_VEC_UD, (uint64_t)tencl_start, &uc),
		     SIM_TRAP_TO_HOST);
	CHECK_EQ_INT(cpu->exc_vector, X86_VEC_GP);
	CHECK_EQ_INT(ssa_gpr(0)->exitinfo, SGX_EXITINFO_VALID | SGX_EXITINFO_TYPE_HW | X86_VEC_GP);
	CHECK_EQ_INT(ssa_gpr(0)->rip, (uint64_t)tencl_start);
	tcs()->cssa = 0;
}

/* ---- the host's extended state ---------------------------------------- */

#define XCR0_AVX	(1ULL << 2)
#define XCR0_AVX512	(7ULL << 5)
#define PATTERN		0x1122334455667788ULL

struct xregs {
	uint64_t ymm15_hi;	/* bits 128..191 of YMM15 */
	uint64_t zmm31[8];
	uint16_t k7;
	uint32_t pkru;
};

static uint64_t xgetbv0(void)
{
	uint32_t lo, hi;

	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	return ((uint64_t)hi << 32) | lo;
}

static int has_pku(void)
{
	unsigned a, b, c, d;

	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & (1U << 4));	/* OSPKE */
}

/* Only called where XCR0 enables AVX-512; the attribute lets GCC name its registers. */
__attribute__((target("avx512f"))) static void avx512_write(const struct xregs *x)
{
	__asm__ volatile("vmovdqu64 %0, %%zmm31\n\tkmovw %1, %%k7"
			 : : "m"(x->zmm31), "m"(x->k7) : "xmm31", "k7");
}

__attribute__((target("avx512f"))) static void avx512_read(struct xregs *x)
{
	__asm__ volatile("vmovdqu64 %%zmm31, %0\n\tkmovw %%k7, %1" : "=m"(x->zmm31), "=m"(x->k7));
}

static void xregs_write(const struct xregs *x, uint64_t xcr0, int pku)
{
	__asm__ volatile("vbroadcastsd %0, %%ymm15" : : "m"(x->ymm15_hi) : "xmm15");
	if ((xcr0 & XCR0_AVX512) == XCR0_AVX512)
		avx512_write(x);
	if (pku)
		__asm__ volatile(".byte 0x0f, 0x01, 0xef" : : "a"(x->pkru), "c"(0), "d"(0));
}

static void xregs_read(struct xregs *x, uint64_t xcr0, int pku)
{
	memset(x, 0, sizeof(*x));
	__asm__ volatile("vextractf128 $1, %%ymm15, %%xmm14\n\tvmovq %%xmm14, %0"
			 : "=m"(x->ymm15_hi) : : "xmm14");
	if ((xcr0 & XCR0_AVX512) == XCR0_AVX512)
		avx512_read(x);
	if (pku)
		__asm__ volatile(".byte 0x0f, 0x01, 0xee" : "=a"(x->pkru) : "c"(0) : "rdx");
}

static void xregs_check(const struct xregs *want, const struct xregs *got, uint64_t xcr0, int pku)
{
	CHECK_EQ_INT(got->ymm15_hi, want->ymm15_hi);
	if ((xcr0 & XCR0_AVX512) == XCR0_AVX512) {
		CHECK(memcmp(got->zmm31, want->zmm31, sizeof(got->zmm31)) == 0);
		CHECK_EQ_INT(got->k7, want->k7);
	}
	if (pku)
		CHECK_EQ_INT(got->pkru, want->pkru);
}

/*
 * A system call's worth of transitions: EENTER, the AEX of `syscall`, the
 * handler's EENTER and EEXIT, ERESUME and the final EEXIT.
 */
static int one_system_call(void)
{
	struct encl_run run;

	return enter(SGX_EENTER, OP_SYSCALL, 0, &run) || run.function != SGX_ERESUME ||
	       enter(SGX_EENTER, 0, 0, &run) || run.rdi != EXIT_HANDLED ||
	       enter(SGX_ERESUME, 0, 0, &run) || run.rdi != 777 ? -1 : 0;
}

/*
 * The host's AVX (YMM15's upper half), AVX-512 (ZMM31, k7) and PKRU, set
 * before and read after 200 system calls' worth of transitions, unchanged:
 * none of them is in the enclave's XFRM. The glibc of this process uses
 * no AVX string functions (main() sees to it), which would clear the
 * upper halves themselves with VZEROUPPER.
 */
static void test_host_xstate(void)
{
	uint64_t xcr0;
	int pku = has_pku(), calls_ok = 1;
	struct xregs set, got, orig;
	unsigned a, b, c, d;
	struct sim_cpu *cpu = sim_cpu();

	if (cpu && (cpu->quirks & SIM_QUIRK_FXSAVE_FRAMES)) {
		SKIP("ENCL_SIM_CPU_QUIRKS=fxsave-frames: such a kernel resets extended state");
		return;
	}
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & (1U << 27)) ||
	    !((xcr0 = xgetbv0()) & XCR0_AVX)) {
		SKIP("this CPU or kernel has no AVX");
		return;
	}
	xregs_read(&orig, xcr0, pku);
	memset(&set, 0, sizeof(set));
	set.ymm15_hi = PATTERN;
	for (int i = 0; i < 8; i++)
		set.zmm31[i] = PATTERN + (uint64_t)i;
	set.k7 = 0xa5c3;
	set.pkru = orig.pkru ^ (3U << 30);	/* key 15 flipped: nothing uses it */

	/* The control: host code alone keeps them. */
	xregs_write(&set, xcr0, pku);
	CHECK(sim_cpu() != NULL);
	xregs_read(&got, xcr0, pku);
	xregs_check(&set, &got, xcr0, pku);

	xregs_write(&set, xcr0, pku);
	for (int i = 0; i < 200 && calls_ok; i++)
		calls_ok = !one_system_call();
	xregs_read(&got, xcr0, pku);
	CHECK(calls_ok);
	xregs_check(&set, &got, xcr0, pku);
	if (pku)
		xregs_write(&orig, xcr0, pku);
}

/*
 * glibc picks AVX string functions that end in VZEROUPPER; the host
 * extended-state test needs the SSE2 ones. Tunables are read at start-up:
 * run again with them set.
 */
static void without_avx_string_functions(char **argv)
{
	static const char tunables[] = "GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-AVX_Fast_Unaligned_Load,"
				       "-AVX512F,-AVX512VL,-AVX512BW,-EVEX512";

	if (getenv("ENCL_TEST_TUNED"))
		return;
	putenv((char *)tunables);
	putenv((char *)"ENCL_TEST_TUNED=1");
	execv("/proc/self/exe", argv);
	fprintf(stderr, "  cannot run again with GLIBC_TUNABLES: %s\n", strerror(errno));
}

/* A fault in host code after the engine is set up is still a crash. */
static void test_host_crash_is_visible(void)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		volatile uintptr_t bad = 8;

		freopen("/dev/null", "w", stderr);	/* ASan's report is expected */
		*(volatile int *)bad = 1;
		_exit(0);
	}
	CHECK(pid > 0);
	CHECK_EQ_INT(waitpid(pid, &status, 0), pid);
	/* Killed by SIGSEGV, or (under ASan) reported and exited non-zero. */
	CHECK((WIFSIGNALED(status) && WTERMSIG(status) == SIGSEGV) ||
	      (WIFEXITED(status) && WEXITSTATUS(status) != 0));
}

int main(int argc, char **argv)
{
	(void)argc;
	without_avx_string_functions(argv);
	HARNESS_PLAN(13);
	if (build()) {
		printf("FAIL: %s:build\n", __FILE__);
		return 1;
	}
	RUN(test_eenter_eexit);
	RUN(test_syscall_aex_eresume);
	RUN(test_null_write);
	RUN(test_unadded_page);
	RUN(test_eaccept_mismatch);
	RUN(test_fsbase);
	RUN(test_bad_leaf);
	RUN(test_entry_checks);
	RUN(test_enclu_deliveries);
	RUN(test_fsgsbase_emulated);
	RUN(test_left_elrange);
	RUN(test_host_xstate);
	RUN(test_host_crash_is_visible);
	E.be->destroy(&E);
	HARNESS_EXIT();
}

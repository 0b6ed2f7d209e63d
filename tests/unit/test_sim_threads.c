// SPDX-License-Identifier: MIT
/*
 * The simulator with several host threads in one enclave, each on its own
 * TCS: concurrent entries, two threads racing for one TCS, concurrent EAUG
 * faults while the PTE model changes, signals caught for the host
 * (catch_signals) in enclave code, in host code and in a storm, and the
 * enclave's GS across context switches and interrupts.
 *
 * A hand-made enclave of NT threads:
 *   0x00000 code (R X), SECINFO for EACCEPT at 0xf00
 *   0x10000 + t * 0x4000: TCS, data (RW, OFSBASE = OGSBASE), SSA[0], SSA[1]
 *   0x40000 .. 0x80000: never added, mapped RW: EAUG territory
 * At every entry the code stores the data page's address at its offset 0,
 * so %gs:0 must read back that address: GS is this thread's data page.
 * It never touches the stack, and leaves on the host stack of the latest
 * EENTER or ERESUME (SSA[0].URSP/URBP), as the trusted runtime does.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "tests/harness.h"
#include "host/backend.h"
#include "host/sim/cpu.h"
#include "host/sim/sim.h"
#include "image/key.h"
#include "image/layout.h"
#include "sgx/sigstruct.h"

#define NT		4
#define OFF_THREADS	0x10000
#define THREAD_SPAN	0x4000
#define OFF_HEAP	0x40000
#define HEAP_PAGES	64
#define ENCL_SIZE	0x80000

#define OP_GS		1	/* RSI iterations of reading %gs:0 */
#define OP_SPIN		2	/* RSI = struct spin *: count in, wait for go */
#define OP_ACCEPT	3	/* RSI = first page, RDX = pages: EACCEPT and write each */

struct spin {
	volatile uint64_t go;		/* set by the host: leave */
	volatile uint64_t inside;	/* incremented by the enclave on arrival */
};

extern const uint8_t tt_start[], tt_end[], tt_spin_loop[], tt_spin_loop_end[];

__asm__(
	".pushsection .rodata\n"
	".globl tt_start, tt_end, tt_spin_loop, tt_spin_loop_end\n"
	"tt_start:\n"
	"	mov %rcx, %r15\n"			/* EEXIT target */
	"	lea 0x1000(%rbx), %r14\n"		/* this thread's data page */
	"	mov %r14, (%r14)\n"
	"	test %rax, %rax\n"
	"	jz 1f\n"
	"	ud2\n"					/* no exception handler here */
	"1:	cmp $1, %rdi\n	je 10f\n"
	"	cmp $2, %rdi\n	je 20f\n"
	"	cmp $3, %rdi\n	je 30f\n"
	"	ud2\n"
	/* OP_GS: RDI = 0, or the value %gs:0 had when it was wrong */
	"10:	mov %gs:0, %rax\n"
	"	cmp %r14, %rax\n"
	"	jne 19f\n"
	"	dec %rsi\n"
	"	jnz 10b\n"
	"	xor %edi, %edi\n"
	"	jmp 80f\n"
	"19:	mov %rax, %rdi\n"
	"	jmp 80f\n"
	/* OP_SPIN, checking GS all along */
	"20:	lock incq 8(%rsi)\n"
	"tt_spin_loop:\n"
	"21:	mov %gs:0, %rax\n"
	"	cmp %r14, %rax\n"
	"	jne 19b\n"
	"	pause\n"
	"	cmpq $0, (%rsi)\n"
	"	je 21b\n"
	"tt_spin_loop_end:\n"
	"	xor %edi, %edi\n"
	"	jmp 80f\n"
	/* OP_ACCEPT: RDI = 0, or EACCEPT's error code */
	"30:	mov %rsi, %r12\n"
	"	mov %rdx, %r13\n"
	"31:	lea tt_start+0xf00(%rip), %rbx\n"
	"	mov %r12, %rcx\n"
	"	mov $5, %eax\n"
	"	.byte 0x0f, 0x01, 0xd7\n"		/* ENCLU[EACCEPT] */
	"	test %rax, %rax\n"
	"	jnz 39f\n"
	"	mov %r14, (%r12)\n"
	"	add $0x1000, %r12\n"
	"	dec %r13\n"
	"	jnz 31b\n"
	"	xor %edi, %edi\n"
	"	jmp 80f\n"
	"39:	mov %rax, %rdi\n"
	/* The host stack of the latest EENTER or ERESUME: SSA[0].URSP/URBP */
	"80:	mov 0x1fd8(%r14), %rsp\n"
	"	mov 0x1fe0(%r14), %rbp\n"
	"	mov %r15, %rbx\n"
	"	mov $4, %eax\n"
	"	.byte 0x0f, 0x01, 0xd7\n"		/* ENCLU[EEXIT] */
	"tt_end:\n"
	".popsection\n");

static struct encl_enclave E;
static uint8_t code[SGX_PAGE_SIZE] __attribute__((aligned(4096)));
static uint8_t tcs_pages[NT][SGX_PAGE_SIZE] __attribute__((aligned(4096)));

static uint64_t tcs_off(int t)
{
	return OFF_THREADS + (uint64_t)t * THREAD_SPAN;
}

static uint64_t tcs_addr(int t)
{
	return E.base + tcs_off(t);
}

static int build(void)
{
	struct encl_segment seg[1 + 3 * NT];
	struct sgx_secinfo *si = (struct sgx_secinfo *)(code + 0xf00);
	struct encl_layout l = { .size = ENCL_SIZE, .ssaframesize = 1, .seg = seg };
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

	memcpy(code, tt_start, (size_t)(tt_end - tt_start));
	si->flags = SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W | SGX_SECINFO_PENDING;
	seg[0] = (struct encl_segment){ 0, 1, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X, 1,
					code, ENCL_SEG_IMAGE };
	for (int t = 0; t < NT; t++) {
		struct sgx_tcs *tcs = (struct sgx_tcs *)tcs_pages[t];

		tcs->ossa = tcs_off(t) + 0x2000;
		tcs->nssa = 2;
		tcs->oentry = 0;
		tcs->ofsbase = tcs->ogsbase = tcs_off(t) + 0x1000;
		tcs->fslimit = tcs->gslimit = 0xfff;
		seg[1 + 3 * t] = (struct encl_segment){ tcs_off(t), 1, SGX_SECINFO_TCS, 1,
							tcs_pages[t], ENCL_SEG_TCS };
		seg[2 + 3 * t] = (struct encl_segment){ tcs_off(t) + 0x1000, 1,
							SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W,
							1, NULL, ENCL_SEG_THREAD };
		seg[3 + 3 * t] = (struct encl_segment){ tcs_off(t) + 0x2000, 2,
							SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W,
							1, NULL, ENCL_SEG_SSA };
	}
	l.nseg = 1 + 3 * NT;

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
	if (E.be->create(&E, &secs, 1))
		goto fail;
	for (size_t i = 0; i < l.nseg; i++) {
		static const uint8_t zero[2 * SGX_PAGE_SIZE] __attribute__((aligned(4096)));

		if (E.be->add_pages(&E, seg[i].offset, seg[i].data ? seg[i].data : zero,
				    seg[i].npages * SGX_PAGE_SIZE, seg[i].flags, 1))
			goto fail;
	}
	if (E.be->init(&E, &ss) ||
	    E.be->map(&E, 0, SGX_PAGE_SIZE, PROT_READ | PROT_EXEC) ||
	    E.be->map(&E, OFF_THREADS, ENCL_SIZE - OFF_THREADS, PROT_READ | PROT_WRITE))
		goto fail;
	return 0;
fail:
	fprintf(stderr, "  building the enclave: %s\n", E.err);
	return -1;
}

/* One entry; @e_out gets a copy of the enclave's error state (per thread). */
static int enter(struct encl_enclave *ctx, int t, uint32_t function, uint64_t rdi, uint64_t rsi,
		 uint64_t rdx, struct encl_run *run)
{
	memset(run, 0, sizeof(*run));
	run->tcs = tcs_addr(t);
	run->function = function;
	run->rdi = rdi;
	run->rsi = rsi;
	run->rdx = rdx;
	return E.be->enter(ctx, run);
}

/*
 * Each thread reports through its own struct encl_enclave view, so that
 * err/error are not shared: the backend writes failures there.
 */
static void view(struct encl_enclave *ctx)
{
	*ctx = E;
	ctx->err[0] = 0;
}

static struct sgx_tcs *tcs_of(int t)
{
	return sim_epc_ptr(sim_of(&E), tcs_addr(t));
}

static struct sgx_ssa_gpr *ssa_gpr(int t, unsigned i)
{
	return sim_epc_ptr(sim_of(&E), tcs_addr(t) + 0x2000 + (i + 1) * SGX_PAGE_SIZE -
			   SGX_SSA_GPR_SIZE);
}

/* ---- signals -------------------------------------------------------------- */

static unsigned long notes[65];

static void note(int sig)
{
	__atomic_fetch_add(&notes[sig], 1, __ATOMIC_RELAXED);
}

static unsigned long noted(int sig)
{
	return __atomic_load_n(&notes[sig], __ATOMIC_RELAXED);
}

/*
 * Runs @rdi/@rsi on TCS @t to its EEXIT, ERESUMEing after every interrupt:
 * 0 and the EEXIT's RDI, or -1. *interrupts counts the interrupts seen.
 * EENTER and every ERESUME are made from this one call, as a run loop
 * does: an enclave interrupted between loading URSP/URBP and its EEXIT
 * leaves on the stack of the EENTER, which must then still be the host's.
 */
static int run_to_exit(struct encl_enclave *ctx, int t, uint64_t rdi, uint64_t rsi, uint64_t rdx,
		       uint64_t *out_rdi, unsigned long *interrupts)
{
	struct encl_run run;

	memset(&run, 0, sizeof(run));
	run.tcs = tcs_addr(t);
	run.function = SGX_EENTER;
	run.rdi = rdi;
	run.rsi = rsi;
	run.rdx = rdx;
	for (;;) {
		if (E.be->enter(ctx, &run))
			return -1;
		if (run.function != SGX_ERESUME || run.exception_vector != ENCL_RUN_INTERRUPT)
			break;
		(*interrupts)++;
		if (ssa_gpr(t, 0)->exitinfo != 0)
			return -1;
	}
	if (run.function != SGX_EEXIT)
		return -1;
	*out_rdi = run.rdi;
	return 0;
}

/* ---- concurrent entries ------------------------------------------------------ */

struct worker {
	pthread_t th;
	int t;
	int unmanaged;			/* force the fsgsbase-unmanaged path */
	unsigned rounds;
	uint64_t iterations;
	int failed;
	uint64_t bad;			/* what went wrong: RDI, or the vector */
	unsigned long interrupts;
	char err[256];
};

static void *gs_worker(void *p)
{
	struct worker *w = p;
	struct encl_enclave ctx;
	char err[256];

	view(&ctx);
	if (w->unmanaged) {
		struct sim_cpu *cpu = sim_cpu_get(err, sizeof(err));

		if (!cpu) {
			w->failed = 1;
			snprintf(w->err, sizeof(w->err), "%s", err);
			return NULL;
		}
		cpu->kernel_fsgs = 0;
	}
	for (unsigned r = 0; r < w->rounds && !w->failed; r++) {
		uint64_t rdi = 0;

		if (run_to_exit(&ctx, w->t, OP_GS, w->iterations, 0, &rdi, &w->interrupts) || rdi) {
			w->failed = 1;
			w->bad = rdi;
			snprintf(w->err, sizeof(w->err), "round %u: %.200s (RDI %#llx)", r,
				 ctx.err[0] ? ctx.err : "no clean EEXIT", (unsigned long long)rdi);
		}
	}
	return NULL;
}

static void run_workers(struct worker *w, int n)
{
	for (int i = 0; i < n; i++)
		CHECK_EQ_INT(pthread_create(&w[i].th, NULL, gs_worker, &w[i]), 0);
	for (int i = 0; i < n; i++) {
		pthread_join(w[i].th, NULL);
		if (w[i].failed)
			fprintf(stderr, "  thread %d: %s\n", w[i].t, w[i].err);
		CHECK(!w[i].failed);
	}
}

/* NT threads, created after the enclave was loaded, each on its own TCS at once. */
static void test_concurrent_entries(void)
{
	struct worker w[NT];

	memset(w, 0, sizeof(w));
	for (int i = 0; i < NT; i++) {
		w[i].t = i;
		w[i].rounds = 300;
		w[i].iterations = 1000;
	}
	run_workers(w, NT);
	for (int i = 0; i < NT; i++)
		CHECK_EQ_INT(tcs_of(i)->state, 0);
}

/* ---- two threads, one TCS ------------------------------------------------------ */

struct racer {
	pthread_t th;
	pthread_barrier_t *start;
	struct spin *spin;
	volatile int done;
	int r;
	struct encl_run run;
	char err[256];
};

static void *racer(void *p)
{
	struct racer *x = p;
	struct encl_enclave ctx;

	view(&ctx);
	pthread_barrier_wait(x->start);
	x->r = enter(&ctx, 0, SGX_EENTER, OP_SPIN, (uint64_t)(uintptr_t)x->spin, 0, &x->run);
	snprintf(x->err, sizeof(x->err), "%s", ctx.err);
	__atomic_store_n(&x->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * EENTER on a busy TCS is #GP: of two threads that race for one TCS,
 * exactly one gets in, whatever the interleaving. The host lets the one
 * inside out only when both have settled (inside, or refused), so a
 * double admission shows as two arrivals.
 */
static void test_busy_race(void)
{
	unsigned rounds = 100, one_winner = 0;

	for (unsigned round = 0; round < rounds; round++) {
		pthread_barrier_t start;
		struct spin spin = { 0, 0 };
		struct racer x[2];
		int winners = 0, busy = 0;

		memset(x, 0, sizeof(x));
		pthread_barrier_init(&start, NULL, 2);
		for (int i = 0; i < 2; i++) {
			x[i].start = &start;
			x[i].spin = &spin;
			pthread_create(&x[i].th, NULL, racer, &x[i]);
		}
		while (spin.inside + __atomic_load_n(&x[0].done, __ATOMIC_ACQUIRE) +
		       __atomic_load_n(&x[1].done, __ATOMIC_ACQUIRE) < 2)
			sched_yield();
		spin.go = 1;
		for (int i = 0; i < 2; i++) {
			pthread_join(x[i].th, NULL);
			if (x[i].r == 0 && x[i].run.function == SGX_EEXIT && x[i].run.rdi == 0)
				winners++;
			else if (x[i].r == -1 && x[i].run.exception_vector == X86_VEC_GP &&
				 strstr(x[i].err, "TCS busy"))
				busy++;
		}
		pthread_barrier_destroy(&start);
		if (winners == 1 && busy == 1 && spin.inside == 1)
			one_winner++;
		else
			fprintf(stderr, "  round %u: %d entered, %d refused as busy, %llu arrived\n",
				round, winners, busy, (unsigned long long)spin.inside);
	}
	CHECK_EQ_INT(one_winner, rounds);
	CHECK_EQ_INT(tcs_of(0)->state, 0);
}

/* ---- EAUG on fault from several threads ------------------------------------- */

struct acceptor {
	pthread_t th;
	int t;
	uint64_t first, pages;
	int r;
	uint64_t rdi;
	volatile int done;
	char err[256];
};

static void *acceptor(void *p)
{
	struct acceptor *a = p;
	struct encl_enclave ctx;
	unsigned long interrupts = 0;

	view(&ctx);
	a->r = run_to_exit(&ctx, a->t, OP_ACCEPT, a->first, a->pages, &a->rdi, &interrupts);
	snprintf(a->err, sizeof(a->err), "%s", ctx.err);
	__atomic_store_n(&a->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * NT threads EACCEPT pages nobody added: each EACCEPT faults, the
 * simulated kernel EAUGs the page, the leaf runs again. Meanwhile the
 * host changes the PTE model next to them (splitting and merging its
 * ranges) as an ocall's mprotect would.
 */
static void test_concurrent_eaug(void)
{
	const uint64_t per = (HEAP_PAGES - 4) / NT;
	struct acceptor a[NT];
	struct encl_enclave ctx;
	int all_done;

	view(&ctx);
	memset(a, 0, sizeof(a));
	for (int i = 0; i < NT; i++) {
		a[i].t = i;
		a[i].first = E.base + OFF_HEAP + (uint64_t)i * per * SGX_PAGE_SIZE;
		a[i].pages = per;
		CHECK_EQ_INT(pthread_create(&a[i].th, NULL, acceptor, &a[i]), 0);
	}
	do {
		uint64_t last = ENCL_SIZE - 4 * SGX_PAGE_SIZE;
		int ok = !E.be->map(&ctx, last, SGX_PAGE_SIZE, PROT_READ) &&
			 !E.be->map(&ctx, last + 2 * SGX_PAGE_SIZE, SGX_PAGE_SIZE, PROT_READ) &&
			 !E.be->map(&ctx, last, 4 * SGX_PAGE_SIZE, PROT_READ | PROT_WRITE);

		if (!ok) {
			CHECK(ok);
			fprintf(stderr, "  map: %s\n", ctx.err);
		}
		all_done = 1;
		for (int i = 0; i < NT; i++)
			all_done &= __atomic_load_n(&a[i].done, __ATOMIC_ACQUIRE);
	} while (!all_done);
	for (int i = 0; i < NT; i++) {
		pthread_join(a[i].th, NULL);
		if (a[i].r || a[i].rdi)
			fprintf(stderr, "  thread %d: %d, RDI %#llx: %s\n", i, a[i].r,
				(unsigned long long)a[i].rdi, a[i].err);
		CHECK_EQ_INT(a[i].r, 0);
		CHECK_EQ_INT(a[i].rdi, 0);
	}
	for (uint64_t p = 0; p < NT * per; p++) {
		uint64_t addr = E.base + OFF_HEAP + p * SGX_PAGE_SIZE;
		int t = (int)(p / per);

		CHECK_EQ_INT(epcm_get(sim_of(&E)->epcm, addr),
			     EPCM_VALID | SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W);
		CHECK_EQ_INT(*(uint64_t *)sim_epc_ptr(sim_of(&E), addr), tcs_addr(t) + 0x1000);
	}
}

/* ---- signals caught for the host --------------------------------------------- */

struct spinner {
	pthread_t th;
	int t;
	struct spin *spin;
	int r;
	struct encl_run first;		/* how the first entry came back */
	uint64_t cssa, exitinfo, rip;	/* the SSA after it */
	uint64_t rdi;			/* the final EEXIT's */
	volatile int interrupted;
	char err[256];
};

static void *interrupted_spinner(void *p)
{
	struct spinner *s = p;
	struct encl_enclave ctx;
	struct encl_run run;

	view(&ctx);
	memset(&run, 0, sizeof(run));
	run.tcs = tcs_addr(s->t);
	run.function = SGX_EENTER;
	run.rdi = OP_SPIN;
	run.rsi = (uint64_t)(uintptr_t)s->spin;
	/* One call site for EENTER and ERESUME, as in run_to_exit(). */
	for (int n = 0;; n++) {
		s->r = E.be->enter(&ctx, &run);
		if (n == 0) {
			s->first = run;
			s->cssa = tcs_of(s->t)->cssa;
			s->exitinfo = ssa_gpr(s->t, 0)->exitinfo;
			s->rip = ssa_gpr(s->t, 0)->rip;
			__atomic_store_n(&s->interrupted, 1, __ATOMIC_RELEASE);
			while (!s->spin->go)
				sched_yield();
		}
		if (s->r || run.function != SGX_ERESUME || run.exception_vector != ENCL_RUN_INTERRUPT)
			break;
	}
	s->rdi = !s->r && run.function == SGX_EEXIT ? run.rdi : ~0ULL;
	snprintf(s->err, sizeof(s->err), "%s", ctx.err);
	return NULL;
}

static int catch_usr(void)
{
	struct encl_enclave ctx;

	view(&ctx);
	if (E.be->catch_signals(&ctx, (1ULL << (SIGUSR1 - 1)) | (1ULL << (SIGUSR2 - 1)), note)) {
		fprintf(stderr, "  %s\n", ctx.err);
		return -1;
	}
	return 0;
}

/*
 * A signal caught for the host while the thread runs enclave code: the
 * note, and an AEX with EXITINFO not valid (an interrupt, not an
 * exception), the SSA holding the interrupted loop; enter() reports
 * ERESUME with ENCL_RUN_INTERRUPT, and ERESUME continues the loop.
 */
static void test_signal_interrupts_enclave(void)
{
	struct spin spin = { 0, 0 };
	struct spinner s;
	unsigned long before = noted(SIGUSR1);
	uint64_t loop = E.base + (uint64_t)(tt_spin_loop - tt_start);
	uint64_t loop_end = E.base + (uint64_t)(tt_spin_loop_end - tt_start);

	CHECK_EQ_INT(catch_usr(), 0);
	memset(&s, 0, sizeof(s));
	s.t = 1;
	s.spin = &spin;
	CHECK_EQ_INT(pthread_create(&s.th, NULL, interrupted_spinner, &s), 0);
	while (!spin.inside)
		sched_yield();
	/* Again until it is out: a signal landing before the enclave ran is only noted. */
	while (!__atomic_load_n(&s.interrupted, __ATOMIC_ACQUIRE)) {
		pthread_kill(s.th, SIGUSR1);
		usleep(1000);
	}
	spin.go = 1;
	pthread_join(s.th, NULL);
	if (s.r)
		fprintf(stderr, "  %s\n", s.err);
	CHECK_EQ_INT(s.r, 0);
	CHECK_EQ_INT(s.first.function, SGX_ERESUME);
	CHECK_EQ_INT(s.first.exception_vector, ENCL_RUN_INTERRUPT);
	CHECK_EQ_INT(s.first.exception_error_code, 0);
	CHECK_EQ_INT(s.first.exception_addr, 0);
	CHECK_EQ_INT(s.cssa, 1);
	CHECK_EQ_INT(s.exitinfo, 0);
	CHECK(s.rip >= loop && s.rip < loop_end);
	CHECK_EQ_INT(s.rdi, 0);
	CHECK(noted(SIGUSR1) > before);
	CHECK_EQ_INT(tcs_of(1)->cssa, 0);
	CHECK_EQ_INT(tcs_of(1)->state, 0);
}

struct reader {
	pthread_t th;
	int fd;
	volatile int reading;
	ssize_t n;
	int err;
};

static void *blocked_reader(void *p)
{
	struct reader *r = p;
	char c;

	__atomic_store_n(&r->reading, 1, __ATOMIC_RELEASE);
	r->n = read(r->fd, &c, 1);
	r->err = errno;
	return NULL;
}

/*
 * In host code the signal is only noted, and a blocking system call ends
 * with EINTR: no SA_RESTART. The thread has entered the enclave before,
 * so it has the simulator's signal stack.
 */
static void test_signal_in_host_code(void)
{
	struct reader r;
	int fds[2];
	unsigned long before = noted(SIGUSR2);
	struct encl_enclave ctx;
	struct encl_run run;

	CHECK_EQ_INT(catch_usr(), 0);
	view(&ctx);
	CHECK_EQ_INT(enter(&ctx, 2, SGX_EENTER, OP_GS, 10, 0, &run), 0);
	CHECK_EQ_INT(pipe(fds), 0);
	memset(&r, 0, sizeof(r));
	r.fd = fds[0];
	CHECK_EQ_INT(pthread_create(&r.th, NULL, blocked_reader, &r), 0);
	while (!__atomic_load_n(&r.reading, __ATOMIC_ACQUIRE))
		sched_yield();
	/* The reader may not be asleep yet: send until it has returned. */
	while (pthread_tryjoin_np(r.th, NULL) == EBUSY) {
		pthread_kill(r.th, SIGUSR2);
		usleep(1000);
	}
	CHECK_EQ_INT(r.n, -1);
	CHECK_EQ_INT(r.err, EINTR);
	CHECK(noted(SIGUSR2) > before);
	close(fds[0]);
	close(fds[1]);
}

struct storm {
	pthread_t *targets;
	int n;
	volatile int stop;
	unsigned long sent;
};

static void *storm_sender(void *p)
{
	struct storm *st = p;

	while (!__atomic_load_n(&st->stop, __ATOMIC_ACQUIRE)) {
		for (int i = 0; i < st->n; i++)
			pthread_kill(st->targets[i], SIGUSR1);
		st->sent++;
		usleep(50);
	}
	return NULL;
}

/*
 * Signals sent as fast as possible at threads that enter and leave all
 * the time: they land in enclave code (interrupts), in the entry window
 * (often where the bases are loaded with arch_prctl, at its return), in
 * the EEXIT's trap and in host code. Every entry still ends in its
 * clean EEXIT with GS intact, and nothing is left busy.
 */
static void test_signal_storm(void)
{
	struct worker w[NT];
	pthread_t targets[NT], sender;
	struct storm st = { targets, NT, 0, 0 };
	unsigned long interrupts = 0;

	CHECK_EQ_INT(catch_usr(), 0);
	memset(w, 0, sizeof(w));
	for (int i = 0; i < NT; i++) {
		w[i].t = i;
		w[i].unmanaged = i & 1;	/* arch_prctl in the entry: signals land there */
		w[i].rounds = 2000;
		w[i].iterations = 20000;
		CHECK_EQ_INT(pthread_create(&w[i].th, NULL, gs_worker, &w[i]), 0);
		targets[i] = w[i].th;
	}
	CHECK_EQ_INT(pthread_create(&sender, NULL, storm_sender, &st), 0);
	for (int i = 0; i < NT; i++) {
		pthread_join(w[i].th, NULL);
		if (w[i].failed)
			fprintf(stderr, "  thread %d: %s\n", w[i].t, w[i].err);
		CHECK(!w[i].failed);
		interrupts += w[i].interrupts;
	}
	__atomic_store_n(&st.stop, 1, __ATOMIC_RELEASE);
	pthread_join(sender, NULL);
	printf("  # %lu signal rounds, %lu interrupts\n", st.sent, interrupts);
	CHECK(interrupts > 0);
	for (int i = 0; i < NT; i++) {
		CHECK_EQ_INT(tcs_of(i)->state, 0);
		CHECK_EQ_INT(tcs_of(i)->cssa, 0);
	}
}

/* ---- GS --------------------------------------------------------------------------- */

static void *busy(void *p)
{
	volatile int *stop = p;

	while (!*stop)
		sched_yield();
	return NULL;
}

/*
 * The trusted runtime finds its thread data through GS. With more
 * runnable threads than CPUs, each enclave thread is switched out and in
 * many times while it reads %gs:0 in a loop; a GS lost to a context
 * switch (a base the kernel does not know of) reads the wrong page or
 * faults. Once with the bases switched as this kernel allows, once as
 * without the kernel's FSGSBASE support (arch_prctl).
 */
static void test_gs_survives_context_switches(void)
{
	for (int unmanaged = 0; unmanaged < 2; unmanaged++) {
		struct worker w[NT];
		pthread_t spinners[2];
		volatile int stop = 0;

		for (int i = 0; i < 2; i++)
			CHECK_EQ_INT(pthread_create(&spinners[i], NULL, busy, (void *)&stop), 0);
		memset(w, 0, sizeof(w));
		for (int i = 0; i < NT; i++) {
			w[i].t = i;
			w[i].unmanaged = unmanaged;
			w[i].rounds = 10;
			w[i].iterations = 20000000;
		}
		run_workers(w, NT);
		stop = 1;
		for (int i = 0; i < 2; i++)
			pthread_join(spinners[i], NULL);
	}
}

/* catch_signals refuses what the simulator or the kernel keeps for itself. */
static void test_catch_refused(void)
{
	struct encl_enclave ctx;

	view(&ctx);
	CHECK_EQ_INT(E.be->catch_signals(&ctx, 1ULL << (SIGSEGV - 1), note), -1);
	CHECK_EQ_INT(ctx.error, EINVAL);
	CHECK_STR_CONTAINS(ctx.err, "signal 11");
	CHECK_STR_CONTAINS(ctx.err, "traps");
	CHECK_EQ_INT(E.be->catch_signals(&ctx, 1ULL << (SIGKILL - 1), note), -1);
	CHECK_STR_CONTAINS(ctx.err, "cannot be caught");
}

int main(void)
{
	HARNESS_PLAN(8);
	if (build()) {
		printf("FAIL: %s:build\n", __FILE__);
		return 1;
	}
	RUN(test_concurrent_entries);
	RUN(test_busy_race);
	RUN(test_concurrent_eaug);
	RUN(test_signal_interrupts_enclave);
	RUN(test_signal_in_host_code);
	RUN(test_signal_storm);
	RUN(test_gs_survives_context_switches);
	RUN(test_catch_refused);
	E.be->destroy(&E);
	HARNESS_EXIT();
}

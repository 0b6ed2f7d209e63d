// SPDX-License-Identifier: MIT
/*
 * Threads, 1:1 on TCSs (docs/threads.md). clone records the child's start
 * state in the thread data of an idle TCS and asks the host for a host
 * thread; the CLONE entry (entry.S) runs encl_clone_main on that TCS, which
 * takes nothing from the host but its ocall area, checked. The program's
 * context is then loaded by ERESUME from a context the exception handler
 * builds out of the thread data (encl_clone_context).
 *
 * The pool: the measured TCSs first; with EDMM, when all are busy, a TCS
 * is added at run time (EAUG, EMODT to TCS, EACCEPT) up to SCONE_TCS_MAX.
 * An added TCS is recorded in encl_tcs_added before it is accepted, and
 * the entry code runs no TCS that is neither measured nor recorded there.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "enclave/core/runtime.h"
#include "enclave/core/threads.h"
#include "enclave/emm/emm_sgx.h"
#include "enclave/emm/heap.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/syscall.h"
#include "enclave/shield/thread_timer.h"
#include "sgx/arch.h"

#define PROT_NONE_	0
#define PROT_RW_	0x3
#define MAP_ANON_	0x22		/* MAP_PRIVATE | MAP_ANONYMOUS */

/*
 * With no TCS to be had, clone sleeps EXIT_WAIT_NS at a time: as long as a
 * thread that called exit has not freed its TCS, and for CLONE_GRACE_NS
 * before it fails with EAGAIN.
 */
#define EXIT_WAIT_NS		100000
#define CLONE_GRACE_NS		50000000ULL

/* The stack of an added TCS: the exception handler's and the CLONE entry's only. */
#define ADDED_STACK	(ENCL_EXC_STACK_SIZE + 16 * 1024)

/* RFLAGS a new thread may take from its parent: the status flags and DF. */
#define RFLAGS_USER	0xcd5ULL
#define RFLAGS_FIXED	0x202ULL	/* IF and the always-one bit */

/* entry.S reads these: linear addresses of the added TCSs, and their number. */
uint64_t encl_tcs_added[ENCL_TCS_MAX_LIMIT];
uint32_t encl_tcs_added_count;

static struct encl_thread *added_td[ENCL_TCS_MAX_LIMIT];
static int pool_lock;
static uint32_t tcs_max;		/* SCONE_TCS_MAX, clamped */
static uint32_t live = 1;		/* threads that have not exited */
static uint32_t live_peak = 1;
static uint32_t exiting;		/* threads past exit whose TCS is not idle yet */
static int warned_sgx1;

static void lock(void)
{
	encl_spin_lock(&pool_lock);
}

static void unlock(void)
{
	encl_spin_unlock(&pool_lock);
}

static struct encl_thread *measured_td(uint32_t i)
{
	const struct encl_params *p = encl_rt.params;

	return (struct encl_thread *)(uintptr_t)(encl_rt.base + p->thread_offset +
						 i * p->thread_stride + p->td_in_block);
}

/* The thread data pages, measured then added: thread_at(0 .. threads() - 1), NULL for a failed add. */
static uint32_t threads(void)
{
	return encl_rt.params->tcs_count + __atomic_load_n(&encl_tcs_added_count, __ATOMIC_ACQUIRE);
}

static struct encl_thread *thread_at(uint32_t i)
{
	uint32_t n = encl_rt.params->tcs_count;

	return i < n ? measured_td(i) : added_td[i - n];
}

/* Started and not ended: a clone counts from its clone call on, before it first runs. */
static int live_td(const struct encl_thread *td)
{
	uint64_t st = td ? __atomic_load_n(&td->state, __ATOMIC_ACQUIRE) : TD_STATE_NEW;

	return st == TD_STATE_RUNNING || st == TD_STATE_OCALL || st == TD_STATE_CLONE;
}

/* The live thread whose id is @tid, other than @not. Under the lock. */
static struct encl_thread *find_locked(int64_t tid, const struct encl_thread *not)
{
	for (uint32_t i = 0; i < threads(); i++) {
		struct encl_thread *td = thread_at(i);

		if (td != not && live_td(td) && td->tid == tid)
			return td;
	}
	return 0;
}

void encl_threads_init(uint64_t tcs_max_hint)
{
	uint32_t n = encl_rt.params->tcs_count;

	/* The host's hint may only lower the pool's limit, never below what was measured. */
	if (!tcs_max_hint)
		tcs_max = ENCL_TCS_MAX_DEFAULT;
	else
		tcs_max = tcs_max_hint < ENCL_TCS_MAX_LIMIT ? (uint32_t)tcs_max_hint : ENCL_TCS_MAX_LIMIT;
	if (tcs_max < n)
		tcs_max = n;
}

/* @tid is another live thread's (musl locks by thread id: two would share a lock). */
static int tid_taken(const struct encl_thread *td, int64_t tid)
{
	int taken;

	lock();
	taken = find_locked(tid, td) != 0;
	unlock();
	return taken;
}

/* An idle thread data page: never used (not the main thread's) or ended. Under the lock. */
static struct encl_thread *claim_idle(struct encl_thread *self)
{
	for (uint32_t i = 0; i < threads(); i++) {
		struct encl_thread *td = thread_at(i);
		uint64_t st = td ? __atomic_load_n(&td->state, __ATOMIC_ACQUIRE) : TD_STATE_DEAD;

		/*
		 * Thread 0's TCS is the one START ran on, and its host thread
		 * is the process's main thread, which stays parked once the
		 * thread ends: it is never handed to a clone.
		 */
		if (i == 0 || td == self || (st != TD_STATE_IDLE && st != TD_STATE_NEW))
			continue;
		/*
		 * A host may EENTER this TCS with CLONE from now on, before
		 * the start state is written: the child waits for td->tid,
		 * which is published last (encl_clone_main).
		 */
		td->tid = 0;
		__atomic_store_n(&td->state, TD_STATE_CLONE, __ATOMIC_RELEASE);
		return td;
	}
	return 0;
}

/*
 * Add a TCS (EDMM): its block laid out as a measured one's, with a small
 * stack and guard pages on both sides, from the heap. Under the lock.
 */
static struct encl_thread *add_tcs(void)
{
	const struct encl_params *p = encl_rt.params;
	uint64_t block_len = p->stack_in_block + ADDED_STACK + ENCL_PAGE_SIZE;
	uint64_t len = ENCL_PAGE_SIZE + block_len, block, tcs_addr;
	struct sgx_tcs *tcs;
	struct encl_thread *td;
	uint32_t slot = encl_tcs_added_count;
	int64_t a;
	long r;

	if (slot >= ENCL_TCS_MAX_LIMIT || p->tcs_count + slot >= tcs_max)
		return 0;
	a = heap_mmap(0, len, PROT_RW_, MAP_ANON_);
	if (a < 0)
		return 0;
	block = (uint64_t)a + ENCL_PAGE_SIZE;
	if (emm_commit(&encl_emm, (uint64_t)a, len) ||
	    heap_mprotect((uint64_t)a, ENCL_PAGE_SIZE, PROT_NONE_) ||
	    heap_mprotect(block + p->stack_in_block - ENCL_PAGE_SIZE, ENCL_PAGE_SIZE, PROT_NONE_) ||
	    heap_mprotect(block + p->stack_in_block + ADDED_STACK, ENCL_PAGE_SIZE, PROT_NONE_))
		goto fail;

	tcs_addr = block + p->tcs_in_block;
	tcs = (struct sgx_tcs *)(uintptr_t)tcs_addr;
	tcs->ossa = encl_offset(block + p->ssa_in_block);
	tcs->nssa = p->nssa;
	tcs->oentry = p->entry_offset;
	tcs->ofsbase = encl_offset(block + p->td_in_block);
	tcs->ogsbase = tcs->ofsbase;
	tcs->fslimit = 0xfff;
	tcs->gslimit = 0xfff;

	td = (struct encl_thread *)(uintptr_t)(block + p->td_in_block);
	td->init.self_offset = encl_offset((uint64_t)(uintptr_t)td);
	td->init.index = p->tcs_count + slot;
	td->init.tcs_offset = encl_offset(tcs_addr);
	td->init.ssa_offset = tcs->ossa;
	td->init.stack_low = encl_offset(block + p->stack_in_block);
	td->init.stack_high = td->init.stack_low + ADDED_STACK;
	td->stack_ready = 1;		/* EAUGed: zero */
	td->state = TD_STATE_CLONE;

	/* Recorded before it can be entered: the entry code checks the table. */
	encl_tcs_added[slot] = tcs_addr;
	added_td[slot] = td;
	__atomic_store_n(&encl_tcs_added_count, slot + 1, __ATOMIC_RELEASE);

	r = ocall3(ENCL_OCALL_MODIFY_TYPES, encl_offset(tcs_addr), ENCL_PAGE_SIZE, SGX_PT_TCS);
	if (r == 0)
		r = emm_sgx_eaccept(tcs_addr, SGX_SECINFO_TCS | SGX_SECINFO_MODIFIED) ? -EIO : 0;
	if (r == 0)
		return td;
	/*
	 * The host would not make it a TCS (or lied): the page stays whatever
	 * it is, and no entry can use it as a thread. The table entry is
	 * cleared, the block is kept out of the heap for good.
	 */
	encl_log(ENCL_LOG_WARNING, "a TCS could not be added at offset %#lx (error %ld): "
		 "threads are limited to %u", (unsigned long)encl_offset(tcs_addr), -r,
		 (unsigned)(p->tcs_count + slot));
	encl_tcs_added[slot] = 0;
	added_td[slot] = 0;
	tcs_max = p->tcs_count + slot;
	return 0;
fail:
	heap_munmap((uint64_t)a, len);
	return 0;
}

static void warn_no_edmm(void)
{
	uint32_t n = encl_rt.params->tcs_count;

	if (__atomic_exchange_n(&warned_sgx1, 1, __ATOMIC_RELAXED))
		return;
	encl_log(ENCL_LOG_WARNING, "all %u thread slots are busy (SCONE_TCS=%u) and without EDMM "
		 "none can be added: pthread_create fails with EAGAIN; raise SCONE_TCS, "
		 ENCL_LOG_SIGN_HINT " --tcs %u", n, n, 2 * n);
}

long encl_thread_clone(struct encl_thread *self, const uint64_t *parent_regs, uint64_t rip,
		       uint64_t rflags, uint64_t stack, uint64_t tls, uint64_t ctid, uint64_t ptid)
{
	struct encl_thread *td;
	long r;

	for (uint64_t until = 0;;) {
		uint64_t now;
		uint32_t leaving;

		lock();
		td = claim_idle(self);
		if (!td && encl_emm.mode == EMM_MODE_EDMM)
			td = add_tcs();
		if (td) {
			live++;
			if (live > live_peak)
				live_peak = live;
		}
		leaving = exiting;
		unlock();
		/*
		 * A thread that has called exit frees its TCS in a moment, and
		 * one that is about to (a detached thread that has signalled
		 * its creator) soon: the creator often outruns them. Wait for
		 * that rather than fail: while one is leaving, and for a short
		 * grace otherwise. The host's sleep is only a pause here.
		 */
		if (td)
			break;
		now = encl_clock_ns(CLOCK_MONOTONIC);
		if (!until)
			until = now + CLONE_GRACE_NS;
		if (!leaving && now >= until)
			break;
		ocall_reset();
		(void)ocall1(ENCL_OCALL_WAIT, EXIT_WAIT_NS);
	}
	if (!td) {
		if (encl_emm.mode != EMM_MODE_EDMM)
			warn_no_edmm();
		return -EAGAIN;
	}

	memcpy(td->start_regs, parent_regs, sizeof(td->start_regs));
	td->start_regs[14] = 0;		/* RAX: clone returns 0 in the child */
	td->start_rip = rip;
	td->start_rsp = stack;
	td->start_rflags = rflags;
	td->tp = tls;
	td->clear_child_tid = ctid;
	td->robust_list = 0;
	td->sigmask = self->sigmask;
	td->sigpending = 0;
	td->sigtimer = 0;
	td->altstack_sp = td->altstack_size = 0;
	td->altstack_flags = 0;
	td->unmap_addr = td->unmap_len = 0;

	/* The host's answer is the new thread's id (a number, nothing more), or -errno. */
	r = ocall1(ENCL_OCALL_THREAD_START, td->init.tcs_offset);
	if (r > 0 && r <= 0x7fffffff) {
		if (tid_taken(td, r))
			encl_fatal("the host gave thread id %ld to a second live thread: musl's "
				   "locks are owned by thread id", r);
		/*
		 * CLONE_PARENT_SETTID: the id is in place before the child
		 * runs (musl's child takes locks by it). The child waits for
		 * td->tid in encl_clone_main.
		 */
		if (ptid)
			*(volatile int *)(uintptr_t)ptid = (int)r;
		__atomic_store_n(&td->tid, r, __ATOMIC_RELEASE);
		return r;
	}
	lock();
	live--;
	td->state = TD_STATE_IDLE;
	unlock();
	if (r <= 0 && r != -EAGAIN && r != -ENOMEM)
		encl_log(ENCL_LOG_WARNING, "the host could not start a thread (%ld)", r);
	return -EAGAIN;
}

/* entry.S: CLONE on @td, on its own stack; @area/@size are the host thread's ocall area. */
void encl_clone_main(struct encl_thread *td, uint64_t area, uint64_t size)
{
	const char *why = iago_check_area(area, size, encl_rt.base, encl_rt.params->enclave_size,
					  OCALL_AREA_MIN, OCALL_AREA_MAX);

	if (why)
		encl_fatal_code(td, ENCL_FATAL_START);
	/* The parent publishes the id (and CLONE_PARENT_SETTID's word) once the host answered. */
	while (!__atomic_load_n(&td->tid, __ATOMIC_ACQUIRE))
		__builtin_ia32_pause();
	td->ocall_area = area;
	td->ocall_size = size;
	td->ocall_used = 0;
	td->syscall_regs = 0;
	td->exc_resume = 0;
	td->fs_dirty = 0;
	encl_clone_jump();
}

void encl_clone_context(struct encl_thread *td, struct sgx_ssa_gpr *gpr)
{
	const uint64_t *r = td->start_regs;

	gpr->r15 = r[0];
	gpr->r14 = r[1];
	gpr->r13 = r[2];
	gpr->r12 = r[3];
	gpr->r11 = r[4];
	gpr->r10 = r[5];
	gpr->r9 = r[6];
	gpr->r8 = r[7];
	gpr->rdi = r[8];
	gpr->rsi = r[9];
	gpr->rbp = r[10];
	gpr->rbx = r[11];
	gpr->rdx = r[12];
	gpr->rcx = r[13];
	gpr->rax = r[14];
	gpr->rip = td->start_rip;
	gpr->rsp = td->start_rsp;
	gpr->rflags = (td->start_rflags & RFLAGS_USER) | RFLAGS_FIXED;
	gpr->fsbase = td->tp;
}

/* Runs on the TCS's own stack: the program's stack may be unmapped here. */
static void thread_end(struct encl_thread *td)
{
	uint64_t ctid = td->clear_child_tid;

	if (td->unmap_len)
		heap_munmap(td->unmap_addr, td->unmap_len);
	encl_thread_timers_drop(td);
	/*
	 * What CLONE_CHILD_CLEARTID promises: 0 in the word, and a wake-up on
	 * it. musl points it at its thread-list lock, which a joiner waits on.
	 */
	if (ctid && encl_inside(ctid, sizeof(int))) {
		__atomic_store_n((int *)(uintptr_t)ctid, 0, __ATOMIC_SEQ_CST);
		encl_futex_wake(ctid, 1, ~0U);
	}
	lock();
	exiting--;
	td->tp = 0;
	td->ocall_area = 0;
	__atomic_store_n(&td->state, TD_STATE_IDLE, __ATOMIC_RELEASE);
	unlock();
	encl_exit(ENCL_EXIT_THREAD, 0, 0, td);
}

int encl_thread_exit(struct encl_thread *td)
{
	uint32_t left;

	lock();
	left = --live;
	if (left)
		exiting++;
	unlock();
	if (!left)
		return 1;	/* the last thread: the process ends */
	encl_switch_stack(td, encl_rt.base + td->init.stack_high - ENCL_EXC_STACK_SIZE, thread_end);
}

struct encl_thread *encl_thread_find(int64_t tid)
{
	struct encl_thread *found;

	lock();
	found = find_locked(tid, 0);
	unlock();
	return found;
}

void encl_thread_wake(uint64_t tcs_offset)
{
	ocall_reset();
	(void)ocall1(ENCL_OCALL_WAKE, tcs_offset);	/* a hint: the thread re-checks */
}

void encl_thread_kick(struct encl_thread *td)
{
	encl_thread_wake(td->init.tcs_offset);
}

void encl_threads_kick(struct encl_thread *self, uint64_t sigbit)
{
	uint64_t tcs[64];
	unsigned k = 0;

	/* Up to 64 at once: enough to find one that takes the signal. */
	lock();
	for (uint32_t i = 0; i < threads() && k < 64; i++) {
		struct encl_thread *td = thread_at(i);

		if (td != self && live_td(td) && !(td->sigmask & sigbit))
			tcs[k++] = td->init.tcs_offset;
	}
	unlock();
	for (unsigned i = 0; i < k; i++)
		encl_thread_wake(tcs[i]);
}

void encl_threads_stats(uint32_t *peak, uint32_t *added)
{
	*peak = live_peak;
	*added = encl_tcs_added_count;
}

/* SPDX-License-Identifier: MIT */
/*
 * The thread-data page (TCS.OFSBASE): the measured head the layout builder
 * writes (struct encl_thread_init), then the runtime's own per-thread state,
 * which is zero when measured. The entry code (entry.S) reaches these
 * fields through %fs before it has a stack, so their offsets are fixed here
 * for both C and assembly.
 */
#ifndef ENCL_ENCLAVE_CORE_THREAD_H
#define ENCL_ENCLAVE_CORE_THREAD_H

/* Where a thread stands, from the enclave's own point of view. */
#define TD_STATE_NEW		0	/* never entered: the next EENTER is START */
#define TD_STATE_RUNNING	1	/* inside the enclave (or interrupted by an AEX) */
#define TD_STATE_OCALL		2	/* EEXITed for an ocall: the next EENTER is ORET */
#define TD_STATE_DEAD		3	/* crashed or failed: no further entry */
#define TD_STATE_CLONE		4	/* a clone's start state is recorded: the next EENTER is CLONE */
#define TD_STATE_IDLE		5	/* a thread ended here: the TCS waits for the next clone */

/*
 * The syscall trampoline's XSAVE area on the program's stack: the largest
 * XFRM the runtime runs with, AVX-512 (2688 bytes in the standard format);
 * start.c refuses any other.
 */
#define ENCL_XSAVE_MAX		4096

/* Offsets into the thread-data page. */
#define TD_INIT_SELF		0	/* struct encl_thread_init */
#define TD_INIT_INDEX		8
#define TD_INIT_TCS		16
#define TD_INIT_SSA		24
#define TD_INIT_STACK_LOW	32
#define TD_INIT_STACK_HIGH	40
#define TD_HOST_RSP		64	/* saved at every EENTER, restored at every EEXIT */
#define TD_HOST_RBP		72
#define TD_HOST_RET		80	/* RCX at EENTER: where EEXIT goes */
#define TD_STATE		88
#define TD_ENCL_RSP		96	/* the enclave stack while waiting in an ocall */
#define TD_TP			104	/* musl's thread pointer, 0 until set */
#define TD_SELF			112	/* linear address of this page */
#define TD_BASE			120	/* linear address of the enclave */
#define TD_FS_DIRTY		128	/* FS was set by WRFSBASE since the last ERESUME */
#define TD_STACK_READY		136	/* the stack below was zeroed (or EAUGed: zero) */

/* Offsets into the measured parameter page (struct encl_params). */
#define P_MAGIC			0
#define P_TCS_COUNT		64
#define P_THREAD_OFFSET		80
#define P_THREAD_STRIDE		88
#define P_TCS_IN_BLOCK		96
#define P_TD_IN_BLOCK		112

/*
 * The top of each thread's stack is the exception handler's (CSSA = 1):
 * the program's stack starts below it, so a program that overflows its
 * stack does not take the handler's stack with it.
 */
#define ENCL_EXC_STACK_SIZE	(16 * 1024)

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdint.h>
#include "abi/params.h"

struct encl_thread {
	struct encl_thread_init init;	/* measured */
	uint64_t reserved0[2];
	uint64_t host_rsp;
	uint64_t host_rbp;
	uint64_t host_ret;
	uint64_t state;
	uint64_t encl_rsp;
	uint64_t tp;
	uint64_t self;
	uint64_t base;
	uint64_t fs_dirty;
	uint64_t stack_ready;
	/* C-only state below */
	uint64_t clear_child_tid;	/* set_tid_address */
	uint64_t robust_list;		/* set_robust_list */
	uint64_t sigmask;		/* rt_sigprocmask, signals 1..64 */
	uint64_t exc_resume;		/* RIP the last handled exception resumes at */

	/* shield/ocall.c: this thread's ocall area (host memory, checked at START or CLONE) */
	uint64_t ocall_area;
	uint64_t ocall_size;
	uint64_t ocall_used;		/* bytes of its data[] the current request took */
	uint64_t syscall_regs;		/* the struct encl_syscall_regs being served */
	int64_t tid;			/* the host's id of this thread, asked once */

	/* core/threads.c: what CLONE starts the thread with */
	uint64_t start_regs[15];	/* r15 .. rax, as struct encl_syscall_regs has them */
	uint64_t start_rip, start_rsp, start_rflags;
	uint64_t unmap_addr, unmap_len;	/* munmap of the stack it runs on, done at its exit */

	/* shield/sys_futex.c: this thread's place in a wait queue */
	uint64_t wait_addr;		/* the futex word, 0 when not waiting */
	uint64_t wait_bitset;
	uint64_t wait_next;		/* struct encl_thread * */
	uint32_t wait_woken;		/* set by FUTEX_WAKE under the queue lock */
	uint32_t reserved1;

	/* shield/sys_signal.c */
	uint64_t sigpending;		/* thread-directed signals not yet delivered */
	uint64_t sigtimer;		/* those of them a timer sent (SI_TIMER) */
	uint64_t altstack_sp, altstack_size, altstack_flags;
	uint64_t sigmask_saved;		/* rt_sigsuspend: the mask the handler's frame restores */
	uint64_t sigmask_restore;	/* sigmask_saved is set and not yet put back */

	/* shield/exitless.c */
	uint64_t xq_count;		/* requests this thread posted */
	uint64_t xq_spins;		/* its adaptive spin budget, 0: not yet set */
	uint64_t xq_busy;		/* a request is in its slot */
	uint64_t xq_backoff, xq_skip;	/* after a miss: calls that exit before the next post */
};

_Static_assert(offsetof(struct encl_thread, init.self_offset) == TD_INIT_SELF, "TD_INIT_SELF");
_Static_assert(offsetof(struct encl_thread, init.index) == TD_INIT_INDEX, "TD_INIT_INDEX");
_Static_assert(offsetof(struct encl_thread, init.tcs_offset) == TD_INIT_TCS, "TD_INIT_TCS");
_Static_assert(offsetof(struct encl_thread, init.ssa_offset) == TD_INIT_SSA, "TD_INIT_SSA");
_Static_assert(offsetof(struct encl_thread, init.stack_low) == TD_INIT_STACK_LOW, "TD_INIT_STACK_LOW");
_Static_assert(offsetof(struct encl_thread, init.stack_high) == TD_INIT_STACK_HIGH, "TD_INIT_STACK_HIGH");
_Static_assert(sizeof(struct encl_thread_init) <= TD_HOST_RSP, "head fits");
_Static_assert(offsetof(struct encl_thread, host_rsp) == TD_HOST_RSP, "TD_HOST_RSP");
_Static_assert(offsetof(struct encl_thread, host_rbp) == TD_HOST_RBP, "TD_HOST_RBP");
_Static_assert(offsetof(struct encl_thread, host_ret) == TD_HOST_RET, "TD_HOST_RET");
_Static_assert(offsetof(struct encl_thread, state) == TD_STATE, "TD_STATE");
_Static_assert(offsetof(struct encl_thread, encl_rsp) == TD_ENCL_RSP, "TD_ENCL_RSP");
_Static_assert(offsetof(struct encl_thread, tp) == TD_TP, "TD_TP");
_Static_assert(offsetof(struct encl_thread, self) == TD_SELF, "TD_SELF");
_Static_assert(offsetof(struct encl_thread, base) == TD_BASE, "TD_BASE");
_Static_assert(offsetof(struct encl_thread, fs_dirty) == TD_FS_DIRTY, "TD_FS_DIRTY");
_Static_assert(offsetof(struct encl_thread, stack_ready) == TD_STACK_READY, "TD_STACK_READY");
_Static_assert(sizeof(struct encl_thread) <= 4096, "one page");
_Static_assert(offsetof(struct encl_params, magic) == P_MAGIC, "P_MAGIC");
_Static_assert(offsetof(struct encl_params, tcs_count) == P_TCS_COUNT, "P_TCS_COUNT");
_Static_assert(offsetof(struct encl_params, thread_offset) == P_THREAD_OFFSET, "P_THREAD_OFFSET");
_Static_assert(offsetof(struct encl_params, thread_stride) == P_THREAD_STRIDE, "P_THREAD_STRIDE");
_Static_assert(offsetof(struct encl_params, tcs_in_block) == P_TCS_IN_BLOCK, "P_TCS_IN_BLOCK");
_Static_assert(offsetof(struct encl_params, td_in_block) == P_TD_IN_BLOCK, "P_TD_IN_BLOCK");

#endif /* __ASSEMBLER__ */
#endif

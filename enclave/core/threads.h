/* SPDX-License-Identifier: MIT */
/*
 * Threads on TCSs (threads.c, docs/threads.md), and the futex wake that a
 * thread's exit needs (shield/sys_futex.c).
 */
#ifndef ENCL_ENCLAVE_CORE_THREADS_H
#define ENCL_ENCLAVE_CORE_THREADS_H

#include <stdint.h>

#include "enclave/core/thread.h"
#include "sgx/arch.h"

/* At START: SCONE_TCS_MAX as the host passed it (0: the default), clamped. */
void encl_threads_init(uint64_t tcs_max_hint);

/*
 * clone for a thread: @parent_regs are the caller's r15..rax (struct
 * encl_syscall_regs order), the child starts at @rip with @rflags on
 * @stack with thread pointer @tls; @ctid and @ptid as CLONE_CHILD_CLEARTID
 * and CLONE_PARENT_SETTID (0: not asked). The child's id, or -EAGAIN.
 */
long encl_thread_clone(struct encl_thread *self, const uint64_t *parent_regs, uint64_t rip,
		       uint64_t rflags, uint64_t stack, uint64_t tls, uint64_t ctid, uint64_t ptid);

/* The exception handler, at #UD on encl_clone_insn: SSA[0] := the child's start. */
void encl_clone_context(struct encl_thread *td, struct sgx_ssa_gpr *gpr);

/*
 * SYS_exit of thread @td: returns 1 when it was the last one (the process
 * ends with its status); otherwise never returns.
 */
int encl_thread_exit(struct encl_thread *td);

/* The live thread whose id is @tid, or NULL. */
struct encl_thread *encl_thread_find(int64_t tid);

/*
 * Wake @td from a futex wait or a pause so that it sees a signal made
 * pending for it; encl_threads_kick does so for every live thread but
 * @self that does not block @sigbit (a process-directed signal).
 */
void encl_thread_kick(struct encl_thread *td);
/* The host's WAKE of the thread on the TCS at @tcs_offset (sys_futex.c too). */
void encl_thread_wake(uint64_t tcs_offset);
void encl_threads_kick(struct encl_thread *self, uint64_t sigbit);

/* For the statistics line at exit. */
void encl_threads_stats(uint32_t *peak, uint32_t *added);

/* shield/sys_futex.c: wake up to @n waiters on @addr whose bitset meets @bitset. */
long encl_futex_wake(uint64_t addr, uint32_t n, uint32_t bitset);

#endif

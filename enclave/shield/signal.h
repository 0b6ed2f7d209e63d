/* SPDX-License-Identifier: MIT */
/*
 * Signals inside the enclave (docs/threads.md, "Signals"): the state the
 * system calls keep (sys_signal.c), and delivery, which happens in the
 * exception handler at CSSA 1 (signal_frame.c): it builds the frame on the
 * program's stack from SSA[0] and points SSA[0] at the handler, so that
 * ERESUME loads the handler's context in one step, and rt_sigreturn is
 * served the same way in reverse.
 *
 * Where a signal is delivered:
 *  - at the end of a system call: encl_signal_dispatch() sees a deliverable
 *    signal and makes the trampoline return through the #UD at
 *    encl_fs_sync_ret, where SSA[0] holds the program's whole context;
 *  - on ENCL_OP_SIGNAL, when the host interrupted program code;
 *  - at a synchronous fault the program has a handler for;
 *  - after rt_sigreturn, when the restored mask lets a pending one through.
 */
#ifndef ENCL_ENCLAVE_SHIELD_SIGNAL_H
#define ENCL_ENCLAVE_SHIELD_SIGNAL_H

#include <stdint.h>

#include "enclave/core/thread.h"

struct sgx_ssa_gpr;

#define ENCL_NSIG		64
#define ENCL_SIGBIT(sig)	(1ULL << ((sig) - 1))

/* The kernel's sa_flags (uapi asm/signal.h). */
#define K_SA_SIGINFO		0x00000004ULL
#define K_SA_RESTORER		0x04000000ULL
#define K_SA_ONSTACK		0x08000000ULL
#define K_SA_RESTART		0x10000000ULL
#define K_SA_NODEFER		0x40000000ULL
#define K_SA_RESETHAND		0x80000000ULL

/* The kernel's struct sigaction for rt_sigaction. */
struct encl_ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

/* Process-wide dispositions, indexed by signal number (0 unused). */
extern struct encl_ksigaction encl_sigactions[ENCL_NSIG + 1];

/* Where a pending signal came from, for its siginfo. */
struct encl_sigorigin {
	int32_t code;		/* si_code: SI_USER, SI_TKILL, SI_TIMER ... */
	int32_t pid;		/* si_pid for SI_USER and SI_TKILL */
};

/* What delivering @sig does now, by its disposition. */
enum encl_sigact { ENCL_SIGACT_HANDLER, ENCL_SIGACT_IGNORE, ENCL_SIGACT_TERMINATE };
enum encl_sigact encl_signal_action(int sig);

/* The thread's alternate stack holds @sp (sigaltstack's SS_ONSTACK). */
int encl_signal_on_altstack(const struct encl_thread *td, uint64_t sp);

/*
 * sigaltstack's setting, shared with rt_sigreturn (which restores the
 * frame's uc_stack): 0 or -errno. @on: the caller runs on the current one.
 */
int encl_signal_set_altstack(struct encl_thread *td, uint64_t sp, uint32_t flags, uint64_t size,
			     int on);

/* exception.c: [lo, hi) is on this thread's program stack or in the heap. */
int encl_stack_ok(struct encl_thread *td, uint64_t lo, uint64_t hi);

/* Make @sig pending for the process (kill) or for @td (tkill). */
void encl_signal_post(struct encl_thread *td, int sig, int thread, int32_t code, int32_t pid);

/* A timer's @sig for @td (SI_TIMER): thread_timer.c. */
void encl_signal_post_timer(struct encl_thread *td, int sig);

/* The lowest pending signal @td does not block, 0 if none. */
int encl_signal_next(const struct encl_thread *td);

/*
 * A signal is pending that @td would take now, neither blocked nor
 * ignored (the ignored ones are dropped on the way): its number, or 0.
 */
int encl_signal_deliverable(struct encl_thread *td);

/*
 * The waits that take a mask (rt_sigsuspend, ppoll, pselect6,
 * epoll_pwait): @mask is @td's for the call. encl_signal_wait_end(@ret)
 * after it: unless it ends with -EINTR the old mask is back at once (a
 * signal it let through waits, as with the kernel's
 * restore_saved_sigmask_unless); with -EINTR the handler's frame or
 * encl_signal_dispatch puts it back after the delivery.
 */
void encl_signal_wait_mask(struct encl_thread *td, uint64_t mask);
void encl_signal_wait_end(struct encl_thread *td, long ret);

/* Take @sig off the pending sets; its origin in *@o. */
void encl_signal_take(struct encl_thread *td, int sig, struct encl_sigorigin *o);

/*
 * The dispatcher's call (enclave/shield/syscall.c): serve system call @nr
 * with @dispatch, restart it when the host answered -EINTR for signals
 * that are all ignored or all have SA_RESTART (then after their handlers,
 * by resuming at the `syscall` again with RAX = @nr), and arrange the
 * delivery of what is pending before the program continues. @a may be
 * rewritten (a restarted sleep sleeps what is left).
 */
struct encl_syscall_regs;
long encl_signal_dispatch(struct encl_syscall_regs *r, long nr, uint64_t a[6],
			  long (*dispatch)(long nr, const uint64_t *a));

/* End the program as the default action of @sig does (ENCL_EXIT_SIGNAL). */
__attribute__((noreturn))
void encl_signal_terminate(struct encl_thread *td, int sig, int can_ocall);

/*
 * signal_frame.c, all at CSSA 1 with SSA[0] = @gpr and its XSAVE area.
 *
 * encl_signal_deliver: deliver the next deliverable signal to the context
 * in SSA[0]; 1 if SSA[0] now enters a handler, 0 if nothing was
 * deliverable (ignored ones are dropped, a terminating one ends the
 * program).
 */
int encl_signal_deliver(struct encl_thread *td, struct sgx_ssa_gpr *gpr);

/*
 * A synchronous fault in program code: its handler, if the program has one
 * and does not block @sig; otherwise the crash report, as without one.
 */
void encl_signal_fault(struct encl_thread *td, struct sgx_ssa_gpr *gpr, int sig,
		       uint32_t vector, uint64_t addr, uint32_t errcd, int addr_valid);

/* rt_sigreturn from the `syscall` at SSA[0].RIP: the frame's context into SSA[0]. */
void encl_signal_return(struct encl_thread *td, struct sgx_ssa_gpr *gpr);

/* SSA[0].RIP is in the runtime's own code (the dispatcher or its trampoline). */
int encl_signal_in_runtime(uint64_t rip);

#endif

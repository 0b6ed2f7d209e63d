// SPDX-License-Identifier: MIT
/*
 * Signals, kept inside the enclave (docs/threads.md, "Signals"):
 * dispositions are the process's, masks, pending thread-directed signals
 * and alternate stacks each thread's. The host's own handlers belong to
 * the host runtime; it only says which asynchronous signals arrived
 * (encl_signals_arrived). Delivery itself is signal_frame.c's, at CSSA 1.
 *
 * This file: the system calls, the pending sets, and the dispatcher's
 * wrapper that restarts interrupted calls as Linux does and arranges the
 * delivery before the program continues.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <sys/syscall.h>

#include "enclave/emm/heap.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/core/threads.h"
#include "enclave/shield/thread_timer.h"
#include "enclave/shield/signal.h"
#include "enclave/shield/syscall.h"

#define SIGSET_SIZE	8
#define UNBLOCKABLE	(ENCL_SIGBIT(SIGKILL) | ENCL_SIGBIT(SIGSTOP))
#define K_MINSIGSTKSZ	2048
#define K_SS_ONSTACK	1
#define K_SS_DISABLE	2
#define K_SS_AUTODISARM	(1U << 31)

struct encl_ksigaction encl_sigactions[ENCL_NSIG + 1];

/*
 * At START: the dispositions the process started with. Only SIG_IGN for
 * signals the host catches can be inherited (a host's word on it changes
 * nothing it could not do anyway: it decides which signals arrive).
 */
void encl_signals_init(uint64_t ignored)
{
	ignored &= ENCL_HOST_SIGNALS;
	while (ignored) {
		int sig = __builtin_ctzll(ignored) + 1;

		ignored &= ignored - 1;
		encl_sigactions[sig].handler = (uint64_t)(uintptr_t)SIG_IGN;
	}
}

static uint64_t proc_pending;				/* process-directed, atomic */
static struct encl_sigorigin proc_origin[ENCL_NSIG + 1];

static struct encl_thread *current_td(void)
{
	return (struct encl_thread *)(uintptr_t)encl_syscall_current->td;
}

static int default_ignores(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
	/* Stop and continue: an enclave cannot stop on its own; the host process does. */
	case SIGCONT:
	case SIGSTOP:
	case SIGTSTP:
	case SIGTTIN:
	case SIGTTOU:
		return 1;
	default:
		return 0;
	}
}

enum encl_sigact encl_signal_action(int sig)
{
	uint64_t h = encl_sigactions[sig].handler;

	if (h == (uint64_t)(uintptr_t)SIG_IGN)
		return ENCL_SIGACT_IGNORE;
	if (h == (uint64_t)(uintptr_t)SIG_DFL)
		return default_ignores(sig) ? ENCL_SIGACT_IGNORE : ENCL_SIGACT_TERMINATE;
	return ENCL_SIGACT_HANDLER;
}

static int ignored(int sig)
{
	return encl_signal_action(sig) == ENCL_SIGACT_IGNORE;
}

static int terminates(int sig)
{
	return encl_signal_action(sig) == ENCL_SIGACT_TERMINATE;
}

void encl_signal_post_timer(struct encl_thread *td, int sig)
{
	__atomic_or_fetch(&td->sigtimer, ENCL_SIGBIT(sig), __ATOMIC_SEQ_CST);
	encl_signal_post(td, sig, 1, SI_TIMER, 0);
}

void encl_signal_post(struct encl_thread *td, int sig, int thread, int32_t code, int32_t pid)
{
	if (thread) {
		__atomic_or_fetch(&td->sigpending, ENCL_SIGBIT(sig), __ATOMIC_SEQ_CST);
		return;
	}
	proc_origin[sig] = (struct encl_sigorigin){ code, pid };
	__atomic_or_fetch(&proc_pending, ENCL_SIGBIT(sig), __ATOMIC_SEQ_CST);
}

/*
 * The host does not say who sent a signal, and cannot be believed if it
 * did: SI_USER from no one. It is only trusted with which ones arrived,
 * and only those it catches for us (abi/syscalls.h).
 */
void encl_signals_arrived(uint64_t set)
{
	set &= ENCL_HOST_SIGNALS;
	while (set) {
		int sig = __builtin_ctzll(set) + 1;

		set &= set - 1;
		encl_signal_post(0, sig, 0, SI_USER, 0);
	}
}

static uint64_t pending_of(const struct encl_thread *td)
{
	return __atomic_load_n(&proc_pending, __ATOMIC_SEQ_CST) |
	       __atomic_load_n(&td->sigpending, __ATOMIC_SEQ_CST);
}

int encl_signal_next(const struct encl_thread *td)
{
	uint64_t ready = pending_of(td) & ~td->sigmask;

	return ready ? __builtin_ctzll(ready) + 1 : 0;
}

void encl_signal_take(struct encl_thread *td, int sig, struct encl_sigorigin *o)
{
	uint64_t bit = ENCL_SIGBIT(sig);

	/* A thread-directed instance goes first, as Linux takes it. */
	if (__atomic_fetch_and(&td->sigpending, ~bit, __ATOMIC_SEQ_CST) & bit) {
		int timer = !!(__atomic_fetch_and(&td->sigtimer, ~bit, __ATOMIC_SEQ_CST) & bit);

		*o = (struct encl_sigorigin){ timer ? SI_TIMER : SI_TKILL, 0 };
		return;
	}
	*o = proc_origin[sig];
	__atomic_fetch_and(&proc_pending, ~bit, __ATOMIC_SEQ_CST);
}

/* Drop the deliverable signals whose action is to ignore them; the next one left, or 0. */
static int next_not_ignored(struct encl_thread *td)
{
	struct encl_sigorigin o;
	int sig;

	while ((sig = encl_signal_next(td)) && ignored(sig))
		encl_signal_take(td, sig, &o);
	return sig;
}

int encl_signal_deliverable(struct encl_thread *td)
{
	return next_not_ignored(td);
}

void encl_signal_wait_mask(struct encl_thread *td, uint64_t mask)
{
	/* The handler's frame restores the mask of before (encl_signal_dispatch otherwise). */
	td->sigmask_saved = td->sigmask;
	td->sigmask_restore = 1;
	td->sigmask = mask & ~UNBLOCKABLE;
}

void encl_signal_wait_end(struct encl_thread *td, long ret)
{
	if (ret == -EINTR || !td->sigmask_restore)
		return;
	td->sigmask = td->sigmask_saved;
	td->sigmask_restore = 0;
}

void encl_signal_terminate(struct encl_thread *td, int sig, int can_ocall)
{
	/* As exit_group: the statistics line at SCONE_LOG=info, which needs an ocall. */
	if (can_ocall)
		heap_report();
	td->state = TD_STATE_DEAD;
	encl_exit(ENCL_EXIT_SIGNAL, (uint64_t)sig, 0, td);
}

/* ---- restarting and delivering around the dispatcher ---- */

enum restart { RESTART_NEVER, RESTART_SLEEP, RESTART_ANY };

/*
 * How Linux treats an interrupted call: sleeps restart on their own only
 * when no handler runs; the waits for a signal never restart; the rest
 * restart after handlers that all have SA_RESTART (man 7 signal).
 */
static enum restart restart_kind(long nr)
{
	switch (nr) {
	case SYS_nanosleep:
	case SYS_clock_nanosleep:
		return RESTART_SLEEP;
	case SYS_pause:
	case SYS_rt_sigsuspend:
	case SYS_rt_sigtimedwait:
	/* The event loops restart themselves only for ignored signals (sys_poll.c, sys_epoll.c). */
	case SYS_poll:
	case SYS_ppoll:
	case SYS_select:
	case SYS_pselect6:
	case SYS_epoll_wait:
	case SYS_epoll_pwait:
		return RESTART_NEVER;
	default:
		return RESTART_ANY;
	}
}

/* Every deliverable signal has a handler with SA_RESTART (or terminates: then nothing resumes). */
static int handlers_restart(struct encl_thread *td)
{
	uint64_t ready = pending_of(td) & ~td->sigmask;

	for (; ready; ready &= ready - 1) {
		int sig = __builtin_ctzll(ready) + 1;

		if (!ignored(sig) && !terminates(sig) &&
		    !(encl_sigactions[sig].flags & K_SA_RESTART))
			return 0;
	}
	return 1;
}

/*
 * A relative sleep restarts for what is left: the host wrote the
 * remainder where the call's rem pointed, which is always ours (@rem).
 */
static void sleep_args(long nr, uint64_t a[6], struct timespec *rem, uint64_t *user_rem)
{
	int req_i = nr == SYS_nanosleep ? 0 : 2;

	*user_rem = a[req_i + 1];
	a[req_i + 1] = (uint64_t)(uintptr_t)rem;
}

long encl_signal_dispatch(struct encl_syscall_regs *r, long nr, uint64_t a[6],
			  long (*dispatch)(long nr, const uint64_t *a))
{
	struct encl_thread *td = (struct encl_thread *)(uintptr_t)r->td;
	enum restart kind = restart_kind(nr);
	struct timespec req, rem = { 0, 0 };
	uint64_t user_rem = 0;
	int absolute = nr == SYS_clock_nanosleep && (a[1] & TIMER_ABSTIME);
	long ret;
	int sig;

	if (kind == RESTART_SLEEP)
		sleep_args(nr, a, &rem, &user_rem);
	for (;;) {
		ret = dispatch(nr, a);
		if (ret != -EINTR || kind == RESTART_NEVER)
			break;
		if (next_not_ignored(td)) {
			if (kind == RESTART_ANY && handlers_restart(td)) {
				/* After the handlers: the frame resumes at the `syscall` itself. */
				ret = nr;
				r->rip -= 2;
			}
			break;
		}
		/* Only ignored signals interrupted it: Linux would not have woken at all. */
		if (kind == RESTART_SLEEP && !absolute) {
			req = rem;
			a[nr == SYS_nanosleep ? 0 : 2] = (uint64_t)(uintptr_t)&req;
		}
	}
	if (kind == RESTART_SLEEP && ret == -EINTR && user_rem)
		memcpy((void *)(uintptr_t)user_rem, &rem, sizeof(rem));

	/* Default actions here, where an ocall is possible; handlers from the #UD below. */
	while ((sig = next_not_ignored(td)) && terminates(sig))
		encl_signal_terminate(td, sig, 1);
	if (sig) {
		/* Return through the #UD at encl_fs_sync_ret: SSA[0] then holds the whole context. */
		td->fs_dirty = 1;
	} else if (td->sigmask_restore) {
		td->sigmask = td->sigmask_saved;
		td->sigmask_restore = 0;
	}
	return ret;
}

/* ---- dispositions and masks ---- */

SYSFN(rt_sigaction)
{
	uint64_t sig = a[0];
	struct encl_ksigaction act;
	struct encl_sigorigin o;

	if (a[3] != SIGSET_SIZE || sig < 1 || sig > ENCL_NSIG)
		return -EINVAL;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (a[1])
		memcpy(&act, (const void *)a[1], sizeof(act));
	if (a[2])
		memcpy((void *)a[2], &encl_sigactions[sig], sizeof(act));
	if (a[1]) {
		act.mask &= ~UNBLOCKABLE;
		encl_sigactions[sig] = act;
		/* POSIX: setting a pending signal to be ignored discards it. */
		if (ignored((int)sig) && (pending_of(current_td()) & ENCL_SIGBIT(sig))) {
			encl_signal_take(current_td(), (int)sig, &o);
			__atomic_fetch_and(&proc_pending, ~ENCL_SIGBIT(sig), __ATOMIC_SEQ_CST);
		}
	}
	return 0;
}

SYSFN(rt_sigprocmask)
{
	struct encl_thread *td = current_td();
	uint64_t set = 0;

	if (a[3] != SIGSET_SIZE)
		return -EINVAL;
	if (a[1]) {
		memcpy(&set, (const void *)a[1], sizeof(set));
		switch (a[0]) {
		case SIG_BLOCK:
			set = td->sigmask | set;
			break;
		case SIG_UNBLOCK:
			set = td->sigmask & ~set;
			break;
		case SIG_SETMASK:
			break;
		default:
			return -EINVAL;
		}
	}
	if (a[2])
		memcpy((void *)a[2], &td->sigmask, sizeof(td->sigmask));
	if (a[1])
		td->sigmask = set & ~UNBLOCKABLE;	/* delivered by encl_signal_dispatch */
	return 0;
}

SYSFN(rt_sigpending)
{
	struct encl_thread *td = current_td();
	uint64_t set;

	if (a[1] > SIGSET_SIZE)
		return -EINVAL;
	set = pending_of(td) & td->sigmask;
	memcpy((void *)a[0], &set, a[1]);
	return 0;
}

/* The program's RSP at its `syscall`: the trampoline's slots are 128 + 16 below it. */
static uint64_t caller_rsp(void)
{
	return (uint64_t)(uintptr_t)&encl_syscall_current->rip + 8 + 128;
}

int encl_signal_on_altstack(const struct encl_thread *td, uint64_t sp)
{
	return td->altstack_size && sp > td->altstack_sp && sp - td->altstack_sp <= td->altstack_size;
}

/*
 * Under EDMM a heap page is committed at its first touch, which the
 * exception handler cannot take while it writes a frame: touch the whole
 * alternate stack now, from the dispatcher, where a #PF is served.
 */
static void commit_altstack(uint64_t sp, uint64_t size)
{
	uint64_t p;

	if (!heap_contains(sp, size))
		return;
	for (p = sp & ~(uint64_t)(ENCL_PAGE_SIZE - 1); p < sp + size; p += ENCL_PAGE_SIZE)
		(void)*(volatile const char *)(uintptr_t)(p < sp ? sp : p);
}

int encl_signal_set_altstack(struct encl_thread *td, uint64_t sp, uint32_t flags, uint64_t size,
			     int on)
{
	uint32_t mode = flags & ~K_SS_AUTODISARM;

	if (on)
		return -EPERM;
	if (mode != 0 && mode != K_SS_ONSTACK && mode != K_SS_DISABLE)
		return -EINVAL;
	if (mode == K_SS_DISABLE) {
		td->altstack_sp = td->altstack_size = td->altstack_flags = 0;
		return 0;
	}
	if (size < K_MINSIGSTKSZ)
		return -ENOMEM;
	if (encl_syscall_current)
		commit_altstack(sp, size);
	td->altstack_sp = sp;
	td->altstack_size = size;
	td->altstack_flags = flags & K_SS_AUTODISARM;
	return 0;
}

SYSFN(sigaltstack)
{
	struct encl_thread *td = current_td();
	struct { uint64_t sp; int32_t flags; int32_t pad; uint64_t size; } ss, old;
	int on = encl_signal_on_altstack(td, caller_rsp());
	long err;

	_Static_assert(sizeof(ss) == sizeof(stack_t), "stack_t");
	memset(&old, 0, sizeof(old));
	old.sp = td->altstack_sp;
	old.size = td->altstack_size;
	old.flags = (int32_t)(on ? K_SS_ONSTACK : td->altstack_size ? 0 : K_SS_DISABLE);
	old.flags |= (int32_t)(td->altstack_flags & K_SS_AUTODISARM);
	if (a[0]) {
		memcpy(&ss, (const void *)a[0], sizeof(ss));
		err = encl_signal_set_altstack(td, ss.sp, (uint32_t)ss.flags, ss.size, on);
		if (err)
			return err;
	}
	if (a[1])
		memcpy((void *)a[1], &old, sizeof(old));
	return 0;
}

/* The exception handler serves it (signal_frame.c) before any dispatcher sees it. */
SYSFN(rt_sigreturn)
{
	(void)a;
	encl_fatal("rt_sigreturn reached the dispatcher: the exception handler serves it");
}

/* ---- waiting for a signal ---- */

/* Sleep in the host until a signal it catches arrives; the ocall reports which. */
static void host_pause(void)
{
	int64_t r;

	ocall_reset();
	r = ocall0(OCALL_SYS(pause));
	/* pause ends only with EINTR; anything else is a spurious wake-up or a lie. */
	IAGO(iago_check_interrupted(r), SYS_pause, r);
}

SYSFN(pause)
{
	struct encl_thread *td = current_td();

	(void)a;
	while (!next_not_ignored(td))
		host_pause();
	return -EINTR;
}

SYSFN(rt_sigsuspend)
{
	struct encl_thread *td = current_td();
	uint64_t mask;

	if (a[1] != SIGSET_SIZE)
		return -EINVAL;
	memcpy(&mask, (const void *)a[0], sizeof(mask));
	encl_signal_wait_mask(td, mask);
	while (!next_not_ignored(td))
		host_pause();
	return -EINTR;
}

/* One relative nanosleep in the host; 0 when it slept it all, else *@left. */
static int host_sleep(struct timespec *left)
{
	struct timespec *hreq, *hrem, rem;
	int64_t r;

	ocall_reset();
	hreq = ocall_copy_in(left, sizeof(*left));
	hrem = ocall_alloc(sizeof(*hrem));
	r = ocall2(OCALL_SYS(nanosleep), HP(hreq), HP(hrem));
	IAGO(iago_check_zero(r), SYS_nanosleep, r);
	IAGO(iago_check_interrupted(r), SYS_nanosleep, r);
	if (r == 0) {
		left->tv_sec = left->tv_nsec = 0;
		return 0;
	}
	memcpy(&rem, hrem, sizeof(rem));
	/* A remainder longer than the request is a lie that would make us wait forever. */
	IAGO(iago_check_time_left(rem.tv_sec, rem.tv_nsec, left->tv_sec, left->tv_nsec),
	     SYS_nanosleep, r);
	*left = rem;
	return 1;
}

SYSFN(rt_sigtimedwait)
{
	struct encl_thread *td = current_td();
	struct timespec left;
	struct encl_sigorigin o;
	uint64_t want, got, deadline = 0;
	int sig;

	if (a[3] != SIGSET_SIZE)
		return -EINVAL;
	memcpy(&want, (const void *)a[0], sizeof(want));
	want &= ~UNBLOCKABLE;
	if (a[2]) {
		uint64_t ns;

		memcpy(&left, (const void *)a[2], sizeof(left));
		if (encl_timespec_ns(&left, &ns))
			return -EINVAL;
		deadline = encl_deadline_ns(CLOCK_MONOTONIC, ns);
	}
	for (;;) {
		uint64_t next = encl_thread_timers_run(td);

		got = pending_of(td) & want;
		if (got) {
			sig = __builtin_ctzll(got) + 1;
			encl_signal_take(td, sig, &o);
			if (a[1]) {
				siginfo_t info;

				memset(&info, 0, sizeof(info));
				info.si_signo = sig;
				info.si_code = o.code;
				info.si_pid = o.pid;
				memcpy((void *)a[1], &info, sizeof(info));
			}
			return sig;
		}
		if (next_not_ignored(td))
			return -EINTR;
		if (next != UINT64_MAX) {
			/* A timer of this thread's is armed: sleep no longer than to it. */
			uint64_t now = encl_clock_ns(CLOCK_MONOTONIC);

			if (a[2] && now >= deadline)
				return -EAGAIN;
			if (a[2] && deadline - now < next)
				next = deadline - now;
			ocall_reset();
			(void)ocall1(ENCL_OCALL_WAIT, next);	/* any answer: check again */
		} else if (a[2]) {
			if (!left.tv_sec && !left.tv_nsec)
				return -EAGAIN;
			host_sleep(&left);
		} else {
			host_pause();
		}
	}
}

/* ---- sending ---- */

/*
 * @to: the thread (tkill, tgkill) or NULL (kill, the process). Another
 * thread, or every thread that may take a process signal this one blocks,
 * is woken from a wait to see it; this thread's own is delivered by
 * encl_signal_dispatch before the program continues.
 */
static long post_checked(uint64_t sig, struct encl_thread *to)
{
	struct encl_thread *self = current_td();

	if (sig > ENCL_NSIG)
		return -EINVAL;
	if (!sig)
		return 0;
	encl_signal_post(to ? to : self, (int)sig, !!to, to ? SI_TKILL : SI_USER,
			 (int32_t)encl_pid());
	if (to && to != self)
		encl_thread_kick(to);
	else if (!to && (self->sigmask & ENCL_SIGBIT(sig)))
		encl_threads_kick(self, ENCL_SIGBIT(sig));
	return 0;
}

/* A thread of this process by id, or NULL. */
static struct encl_thread *thread_of(int64_t tid)
{
	if (tid == encl_tid())
		return current_td();
	return tid > 0 ? encl_thread_find(tid) : 0;
}

SYSFN(kill)
{
	int64_t pid = (int32_t)a[0];
	int64_t r;

	if (pid == 0 || pid == encl_pid())
		return post_checked(a[1], 0);
	if (pid < 0)
		return -EPERM;		/* process groups and "everyone" are not the enclave's to signal */
	r = ocall2(OCALL_SYS(kill), (uint64_t)pid, a[1]);
	IAGO(iago_check_zero(r), SYS_kill, r);
	return r;
}

SYSFN(tkill)
{
	struct encl_thread *to = thread_of((int32_t)a[0]);

	return to ? post_checked(a[1], to) : -ESRCH;
}

SYSFN(tgkill)
{
	struct encl_thread *to = thread_of((int32_t)a[1]);

	if ((int32_t)a[0] != encl_pid() || !to)
		return -ESRCH;
	return post_checked(a[2], to);
}

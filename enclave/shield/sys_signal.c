// SPDX-License-Identifier: MIT
/*
 * Signals, kept inside the enclave: dispositions (rt_sigaction) and the
 * mask (rt_sigprocmask) are recorded here and never reach the host, whose
 * own handlers belong to the host runtime. Asynchronous delivery from
 * outside is not supported yet. A signal the program sends itself (raise,
 * abort) is delivered in place: a handler is called from the dispatcher,
 * a default action that terminates ends the enclave as a crash with that
 * signal, so the exit status is the one a native process would have.
 */
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>

#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

#define NSIG_MAX	64
#define SIGSET_SIZE	8
#define BIT(sig)	(1ULL << ((sig) - 1))
#define UNBLOCKABLE	(BIT(SIGKILL) | BIT(SIGSTOP))
#define K_SA_SIGINFO	4
#define K_SA_NODEFER	0x40000000
#define K_SA_RESETHAND	0x80000000

/* The kernel's struct sigaction for rt_sigaction. */
struct ksigaction {
	uint64_t handler;
	uint64_t flags;
	uint64_t restorer;
	uint64_t mask;
};

static struct ksigaction actions[NSIG_MAX + 1];
static uint64_t pending;

static struct encl_thread *current_td(void)
{
	return (struct encl_thread *)(uintptr_t)encl_syscall_current->td;
}

/* Default action: ignore (and stop/continue, which an enclave cannot do), or terminate. */
static int default_ignores(int sig)
{
	switch (sig) {
	case SIGCHLD:
	case SIGURG:
	case SIGWINCH:
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

static void terminate(int sig)
{
	struct encl_syscall_regs *r = encl_syscall_current;

	encl_crash(current_td(), (uint32_t)sig, ENCL_CRASH_NO_VECTOR, r->rip, 0, 0, 0);
}

static void deliver_pending(void);

void encl_signals_arrived(uint64_t set)
{
	__atomic_or_fetch(&pending, set, __ATOMIC_SEQ_CST);
}

static void deliver(int sig)
{
	struct encl_thread *td = current_td();
	struct ksigaction act = actions[sig];
	uint64_t saved = td->sigmask;

	if (act.handler == (uint64_t)(uintptr_t)SIG_IGN)
		return;
	if (act.handler == (uint64_t)(uintptr_t)SIG_DFL) {
		if (!default_ignores(sig))
			terminate(sig);
		return;
	}
	td->sigmask |= act.mask & ~UNBLOCKABLE;
	if (!(act.flags & K_SA_NODEFER))
		td->sigmask |= BIT(sig);
	if (act.flags & K_SA_RESETHAND)
		actions[sig].handler = (uint64_t)(uintptr_t)SIG_DFL;
	if (act.flags & K_SA_SIGINFO) {
		siginfo_t info;

		memset(&info, 0, sizeof(info));
		info.si_signo = sig;
		info.si_code = SI_TKILL;
		info.si_pid = (pid_t)encl_pid();
		((void (*)(int, siginfo_t *, void *))(uintptr_t)act.handler)(sig, &info, 0);
	} else {
		((void (*)(int))(uintptr_t)act.handler)(sig);
	}
	td->sigmask = saved;
	deliver_pending();
}

static void deliver_pending(void)
{
	struct encl_thread *td = current_td();
	uint64_t ready;

	while ((ready = pending & ~td->sigmask)) {
		int sig = __builtin_ctzll(ready) + 1;

		pending &= ~BIT(sig);
		deliver(sig);
	}
}

static long raise_self(uint64_t sig)
{
	if (sig > NSIG_MAX)
		return -EINVAL;
	if (!sig)
		return 0;
	pending |= BIT(sig);
	deliver_pending();
	return 0;
}

SYSFN(rt_sigaction)
{
	uint64_t sig = a[0];
	struct ksigaction act;

	if (a[3] != SIGSET_SIZE || sig < 1 || sig > NSIG_MAX)
		return -EINVAL;
	if (a[1] && (sig == SIGKILL || sig == SIGSTOP))
		return -EINVAL;
	if (a[1])
		memcpy(&act, (const void *)a[1], sizeof(act));
	if (a[2])
		memcpy((void *)a[2], &actions[sig], sizeof(act));
	if (a[1]) {
		act.mask &= ~UNBLOCKABLE;
		actions[sig] = act;
	}
	return 0;
}

SYSFN(rt_sigprocmask)
{
	struct encl_thread *td = current_td();
	uint64_t set;

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
	if (a[1]) {
		td->sigmask = set & ~UNBLOCKABLE;
		deliver_pending();
	}
	return 0;
}

SYSFN(kill)
{
	int64_t pid = (int32_t)a[0];
	int64_t r;

	if (pid == 0 || pid == encl_pid())
		return raise_self(a[1]);
	if (pid < 0)
		return -EPERM;		/* process groups and "everyone" are not the enclave's to signal */
	r = ocall2(OCALL_SYS(kill), (uint64_t)pid, a[1]);
	IAGO(iago_check_zero(r), SYS_kill, r);
	return r;
}

SYSFN(tkill)
{
	if ((int32_t)a[0] != encl_tid())
		return -ESRCH;
	return raise_self(a[1]);
}

SYSFN(tgkill)
{
	if ((int32_t)a[0] != encl_pid() || (int32_t)a[1] != encl_tid())
		return -ESRCH;
	return raise_self(a[2]);
}

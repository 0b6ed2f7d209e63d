// SPDX-License-Identifier: MIT
/*
 * The dispatcher: every `syscall` the program (musl) executes arrives
 * here through the exception handler and the trampoline. Each call of the
 * table (abi/syscalls.h) is either served inside the enclave or forwarded
 * to the host as an ocall whose result is checked; everything else is
 * -ENOSYS.
 */
#include <errno.h>
#include <sys/syscall.h>

#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/signal.h"
#include "enclave/shield/syscall.h"

void encl_iago_fail(long nr, int64_t ret, const char *why)
{
	const char *name = encl_syscall_name(nr);

	encl_fatal("the host returned %ld for %s (%ld): %s", (long)ret, name ? name : "?", nr, why);
}

/*
 * The first refusal of each call is a warning at the default log level,
 * naming it: a program that fails on ENOSYS leaves the user nothing else
 * to go on. Later ones are debug lines. One bit per call number; a race
 * between threads at worst warns twice.
 */
#define WARNED_MAX	1024

static uint64_t warned[WARNED_MAX / 64];

static int first_refusal(long nr)
{
	uint64_t bit, *w;

	if (nr < 0 || nr >= WARNED_MAX)
		nr = WARNED_MAX - 1;
	w = &warned[nr / 64];
	bit = UINT64_C(1) << (nr % 64);
	return !(__atomic_fetch_or(w, bit, __ATOMIC_RELAXED) & bit);
}

long encl_syscall_refuse(long nr, const char *why)
{
	const char *name = encl_syscall_name(nr);
	int level = first_refusal(nr) ? ENCL_LOG_WARNING : ENCL_LOG_DEBUG;

	if (name)
		encl_log(level, "system call %s (%ld) is not supported%s%s: ENOSYS", name, nr,
			 why ? ": " : "", why ? why : "");
	else
		encl_log(level, "system call %ld is not supported%s%s: ENOSYS", nr,
			 why ? ": " : "", why ? why : "");
	return -ENOSYS;
}

#define CASE_FWD_(name, ...)		case SYS_##name: return sys_##name(a);
#define CASE_IN_(name, handler)		case SYS_##name: return sys_##handler(a);

static long dispatch(long nr, const uint64_t *a)
{
	switch (nr) {
	ENCL_SYSCALLS(CASE_FWD_, CASE_IN_)
	default:
		return encl_syscall_refuse(nr, 0);
	}
}

long encl_syscall(struct encl_syscall_regs *r)
{
	struct encl_thread *td = (struct encl_thread *)(uintptr_t)r->td;
	uint64_t outer = td->syscall_regs;
	uint64_t a[6] = { r->rdi, r->rsi, r->rdx, r->r10, r->r8, r->r9 };
	long ret;

	td->syscall_regs = (uint64_t)(uintptr_t)r;
	ocall_reset();
	ret = encl_signal_dispatch(r, (long)r->rax, a, dispatch);	/* restarts, signals: sys_signal.c */
	td->syscall_regs = outer;
	return ret;
}

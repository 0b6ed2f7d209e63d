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

static long unsupported(long nr)
{
	const char *name = encl_syscall_name(nr);

	if (name)
		encl_log(ENCL_LOG_DEBUG, "unsupported system call %s (%ld): ENOSYS", name, nr);
	else
		encl_log(ENCL_LOG_DEBUG, "unsupported system call %ld: ENOSYS", nr);
	return -ENOSYS;
}

#define CASE_FWD_(name, ...)		case SYS_##name: return sys_##name(a);
#define CASE_IN_(name, handler)		case SYS_##name: return sys_##handler(a);

static long dispatch(long nr, const uint64_t *a)
{
	switch (nr) {
	ENCL_SYSCALLS(CASE_FWD_, CASE_IN_)
	default:
		return unsupported(nr);
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

// SPDX-License-Identifier: MIT
/*
 * Descriptors that count events, for event loops: eventfd and timerfd are
 * the host kernel's (their 8-byte counters are read and written with read
 * and write, whose counts are checked there); the times timerfd returns
 * are checked as every itimerspec. signalfd is refused: signals are kept
 * inside the enclave (sys_signal.c), so a host signalfd would never see
 * the program's signals.
 */
#include <errno.h>
#include <sys/syscall.h>

#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/syscall.h"


SYSFN_FWD_FD(eventfd2)

SYSFN(eventfd)
{
	uint64_t b[6] = { a[0], 0, 0, 0, 0, 0 };

	return encl_fd_call(OCALL_SYS(eventfd2), b);
}

SYSFN_FWD_FD(timerfd_create)

SYSFN(timerfd_settime)
{
	return encl_itimer_set(OCALL_SYS(timerfd_settime), a);
}

SYSFN(timerfd_gettime)
{
	return encl_itimer_get(OCALL_SYS(timerfd_gettime), a);
}

SYSFN(signalfd)
{
	(void)a;
	return encl_syscall_refuse((long)encl_syscall_current->rax,
				   "signals are kept inside the enclave, a host signalfd would never see them");
}

/* SPDX-License-Identifier: MIT */
/*
 * The trusted system-call dispatcher (docs/shield.md). The syscall
 * trampoline (entry.S) saves the program's registers in this layout and
 * calls encl_syscall; its result goes back in RAX.
 */
#ifndef ENCL_ENCLAVE_SHIELD_SYSCALL_H
#define ENCL_ENCLAVE_SHIELD_SYSCALL_H

#include <stdint.h>
#include <time.h>

#include "abi/syscalls.h"
#include "enclave/core/runtime.h"
#include "enclave/core/thread.h"

/* As the trampoline pushes them: the lowest address first. */
struct encl_syscall_regs {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rdi, rsi, rbp, rbx, rdx, rcx, rax;
	uint64_t rflags;
	uint64_t td;		/* written by the exception handler */
	uint64_t rip;		/* the instruction after `syscall` */
};
_Static_assert(__builtin_offsetof(struct encl_syscall_regs, rax) == 14 * 8, "entry.S: regs->rax");

long encl_syscall(struct encl_syscall_regs *r);

/* The call this thread is serving (for handlers that need the caller's registers). */
#define encl_syscall_current ((struct encl_syscall_regs *)(uintptr_t)encl_self()->syscall_regs)

const char *encl_syscall_name(long nr);

/*
 * -ENOSYS for a call the shield does not serve, with a warning the first
 * time @nr is refused (@why, if not NULL, says what is missing).
 */
long encl_syscall_refuse(long nr, const char *why);

/* A host result that fails a check (iago.h): the enclave stops. */
#define IAGO(check, nr, ret) do { \
	const char *why_ = (check); \
	if (why_) \
		encl_iago_fail((nr), (ret), why_); \
} while (0)

__attribute__((noreturn))
void encl_iago_fail(long nr, int64_t ret, const char *why);

/*
 * One handler per entry of abi/syscalls.h, in the file of its family:
 * sys_io.c (data through the ocall area), sys_fd.c (descriptors),
 * sys_path.c (calls that name a file), sys_file.c (locks, space, times
 * and file systems), sys_time.c, sys_poll.c, sys_epoll.c and sys_evfd.c
 * (event loops), sys_net.c (sockets), sys_proc.c (identity, exit, thread
 * bookkeeping, randomness, limits), sys_sys.c (usage, CPUs, priorities,
 * names), sys_signal.c (dispositions and masks kept inside; raise
 * delivered in place), sys_mem.c (the heap and shared file mappings).
 * a[] holds the six arguments.
 */
#define SYSFN(name) long sys_##name(const uint64_t *a)
#define SYSFN_FWD_(name, ...)		SYSFN(name);
#define SYSFN_IN_(name, handler)	SYSFN(handler);
ENCL_SYSCALLS(SYSFN_FWD_, SYSFN_IN_)
#undef SYSFN_FWD_
#undef SYSFN_IN_

/*
 * sys_fd.c: forward @nr with the six arguments as numbers; the result,
 * checked, is 0 or -errno (zero_call) or a descriptor (fd_call).
 */
long encl_zero_call(long nr, const uint64_t *a);
long encl_fd_call(long nr, const uint64_t *a);

/* A handler that forwards its call as it is, numbers only. */
#define SYSFN_FWD_ZERO(name)	SYSFN(name) { return encl_zero_call(OCALL_SYS(name), a); }
#define SYSFN_FWD_FD(name)	SYSFN(name) { return encl_fd_call(OCALL_SYS(name), a); }

/* sys_fd.c: a struct stat from the host, checked and copied */
struct stat;
void encl_take_stat(long nr, const struct stat *hb, struct stat *out);

/*
 * sys_io.c: iovecs. total: their total length, or -EINVAL as readv would
 * say (more than 1024, a negative length or a sum that overflows).
 * gather: @n bytes from byte @skip on into @dst; scatter: @n bytes of
 * @src over them. The caller keeps @n within the total.
 */
struct iovec;
int64_t encl_iov_total(const struct iovec *iov, uint64_t cnt);
void encl_iov_gather(const struct iovec *iov, uint64_t skip, unsigned char *dst, uint64_t n);
void encl_iov_scatter(const struct iovec *iov, const unsigned char *src, uint64_t n);

/* sys_fd.c: two descriptors the host wrote at @hb (pipe2, socketpair), checked, into @fds. */
void encl_take_fdpair(long nr, int64_t r, const int *hb, int *fds);

/* sys_proc.c: the host's id of the one thread, asked once */
int64_t encl_tid(void);
int64_t encl_pid(void);

/*
 * sys_signal_timer.c: timer_settime and timerfd_settime (@nr: id, flags,
 * new, old), timer_gettime and timerfd_gettime (id, current), forwarded
 * with the itimerspec that comes back checked.
 */
long encl_itimer_set(long nr, const uint64_t *a);
long encl_itimer_get(long nr, const uint64_t *a);

/*
 * sys_poll.c: the waits of the event loops. encl_event_wait calls
 * @once(@call, look) until it is done: look = 1 asks for one look without
 * waiting (a signal is there: nothing ready is EINTR); the host's EINTR
 * is the answer only when a signal the thread takes is pending, else the
 * wait goes on (@once keeps its own time left).
 */
long encl_event_wait(long (*once)(void *call, int look), void *call);
/* The mask of ppoll, pselect6 and epoll_pwait at @set (0: none): 0 or -EINVAL (@size). */
int encl_wait_mask_get(uint64_t set, uint64_t size, uint64_t *mask);
/* @wait(@a) with the thread's mask @mask when @set (signal.h, encl_signal_wait_mask). */
long encl_wait_masked(uint64_t set, uint64_t mask, long (*wait)(const uint64_t *a),
		      const uint64_t *a);

/* sys_epoll.c: @fd is being closed (close, or the target of dup2/dup3): out of every epoll registry. */
void encl_epoll_forget(int64_t fd);

/* sys_time.c: nanoseconds on @clock, from the host (range-checked); 0 if it fails. */
uint64_t encl_clock_ns(int clock);

/*
 * sys_time.c: the program's timespec @ts in nanoseconds, at most
 * UINT64_MAX - 1 (UINT64_MAX is "no deadline"); -EINVAL when it is no
 * timespec (a negative part, or 10^9 ns or more).
 */
int encl_timespec_ns(const struct timespec *ts, uint64_t *ns);

/* sys_time.c: @ns from now on @clock, at most UINT64_MAX - 1. Makes an ocall. */
uint64_t encl_deadline_ns(int clock, uint64_t ns);

#endif

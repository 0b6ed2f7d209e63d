/* SPDX-License-Identifier: MIT */
/*
 * Which forwarded system calls may go through the exitless queues
 * (docs/exitless.md, "Calls that wait"). Both sides derive their rule
 * from these lists; every name must be a forwarded row of abi/syscalls.h
 * (enclave/shield/exitless.c fails to compile otherwise).
 *
 * The rule: a serving host thread never waits for long on behalf of one
 * thread. Calls that wait by nature, and calls whose effect depends on
 * which host thread makes them, always take the exit path (the enclave
 * never posts them). Calls on a descriptor that wait only when it is not
 * ready are posted; the host serves them from the queue only when the
 * descriptor cannot make them wait (host/exitless.c) and otherwise
 * declines, and the enclave takes the exit path with the same request.
 */
#ifndef ENCL_ABI_EXITLESS_H
#define ENCL_ABI_EXITLESS_H

#include <stdint.h>
#include <sys/syscall.h>

/* Always by the exit path. */
#define ENCL_XQ_EXITS(X)						\
	/* wait by nature */						\
	X(accept4) X(connect) X(ppoll) X(select) X(epoll_pwait)	\
	X(nanosleep) X(clock_nanosleep) X(pause) X(flock)		\
	/* act on, or tell of, the calling host thread */		\
	X(kill) X(gettid) X(getrusage) X(getpriority) X(setpriority)	\
	X(sched_getaffinity) X(sched_setaffinity)

/* Posted; served from the queue only on a descriptor (args[0]) that cannot make them wait. */
#define ENCL_XQ_FD_IN(X)	X(read) X(pread64) X(recvfrom) X(recvmsg)
#define ENCL_XQ_FD_OUT(X)	X(write) X(pwrite64) X(sendto) X(sendmsg)

/*
 * Paths that name the calling host thread (prctl's PR_SET_NAME writes
 * /proc/thread-self/comm): a call with a path argument that contains this
 * is declined by the host and takes the exit path.
 */
#define ENCL_XQ_EXIT_PATH	"/proc/thread-self"

#define ENCL_XQ_CASE_(name)	case SYS_##name:

#define ENCL_F_SETLKW		7
#define ENCL_F_OFD_SETLKW	38
#define ENCL_CLOCK_THREAD_CPU	3
#define ENCL_CPUCLOCK_PERTHREAD	4	/* in a negative clock id: a thread's CPU clock */

/* @nr with @args always takes the exit path. */
static inline int encl_xq_exits(int64_t nr, const uint64_t *args)
{
	int64_t clk = (int64_t)args[0];

	switch (nr) {
	ENCL_XQ_EXITS(ENCL_XQ_CASE_)
		return 1;
	case SYS_fcntl:		/* a lock that waits */
		return args[1] == ENCL_F_SETLKW || args[1] == ENCL_F_OFD_SETLKW;
	case SYS_clock_gettime:	/* the calling thread's CPU time */
	case SYS_clock_getres:
		return clk == ENCL_CLOCK_THREAD_CPU || (clk < 0 && (clk & ENCL_CPUCLOCK_PERTHREAD));
	}
	return 0;
}

/* @nr reads (1) or writes (2) through descriptor args[0] and may wait for it; 0 otherwise. */
static inline int encl_xq_fd_wait(int64_t nr)
{
	switch (nr) {
	ENCL_XQ_FD_IN(ENCL_XQ_CASE_)
		return 1;
	ENCL_XQ_FD_OUT(ENCL_XQ_CASE_)
		return 2;
	}
	return 0;
}

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The system-call table: every call the trusted runtime serves, and for
 * the ones it forwards, what the host may let through. The enclave's
 * dispatcher (enclave/shield/syscall.c) and the host's argument check
 * (host/ocall.c) are both expanded from it, so the set of calls the
 * enclave sends and the set the host accepts are one list
 * (docs/shield.md).
 *
 * ENCL_SYSCALLS(FWD, IN) has one row per call:
 *   FWD(name, kinds...)  the enclave's sys_<name> forwards SYS_<name>
 *	itself, with pointer arguments into the ocall area as the ENCL_A_*
 *	kinds describe (arguments not listed are numbers).
 *   IN(name, handler)    sys_<handler> serves SYS_<name> inside the
 *	enclave, or through other forwarded calls; the host refuses
 *	SYS_<name>.
 *
 * fcntl and ioctl take a command: their third argument is checked by the
 * command tables below, and a command not listed is refused on both
 * sides.
 *
 * Sizes are the x86-64 kernel's (uapi), so that both C libraries agree.
 */
#ifndef ENCL_ABI_SYSCALLS_H
#define ENCL_ABI_SYSCALLS_H

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

/* struct encl_syscall_arg.kind */
#define ENCL_ARG_VAL	0	/* a number */
#define ENCL_ARG_BUF	1	/* bytes, as many as argument @len says */
#define ENCL_ARG_STR	2	/* NUL-terminated */
#define ENCL_ARG_OBJ	3	/* @size bytes */
#define ENCL_ARG_CMD	4	/* fcntl/ioctl: by the command (ENCL_FCNTL/IOCTL_CMDS) */
#define ENCL_ARG_ARRAY	5	/* argument @len elements of @size bytes (poll, epoll_wait) */
#define ENCL_ARG_LENP	6	/* bytes, as many as the socklen_t argument @len points to says;
				 * NULL allowed (accept's address, getsockopt's value) */
#define ENCL_ARG_MSGHDR	7	/* a struct msghdr whose name, iovecs, their buffers and control
				 * all lie in the area (sendmsg, recvmsg) */
#define ENCL_ARG_SOCKOPT 8	/* a (level, option) of ENCL_SOCKOPTS, the level argument before it */

struct encl_syscall_arg {
	uint8_t kind;
	uint8_t len;		/* ENCL_ARG_BUF, ARRAY: index of the length (count) argument */
	uint8_t null_ok;	/* 0 (NULL) is allowed too */
	uint16_t size;		/* ENCL_ARG_OBJ; ENCL_ARG_ARRAY: of one element */
};

#define ENCL_A_VAL		{ ENCL_ARG_VAL, 0, 0, 0 }
#define ENCL_A_BUF(len)		{ ENCL_ARG_BUF, len, 0, 0 }
#define ENCL_A_STR		{ ENCL_ARG_STR, 0, 0, 0 }
#define ENCL_A_STR0		{ ENCL_ARG_STR, 0, 1, 0 }
#define ENCL_A_OBJ(size)	{ ENCL_ARG_OBJ, 0, 0, size }
#define ENCL_A_OBJ0(size)	{ ENCL_ARG_OBJ, 0, 1, size }
#define ENCL_A_CMD		{ ENCL_ARG_CMD, 0, 0, 0 }
#define ENCL_A_ARRAY(len, size)	{ ENCL_ARG_ARRAY, len, 0, size }
#define ENCL_A_LENP(len)	{ ENCL_ARG_LENP, len, 1, 0 }
#define ENCL_A_MSGHDR		{ ENCL_ARG_MSGHDR, 0, 0, 0 }
#define ENCL_A_SOCKOPT		{ ENCL_ARG_SOCKOPT, 0, 0, 0 }

#define ENCL_SZ_STAT		144	/* struct stat */
#define ENCL_SZ_STATX		256	/* struct statx */
#define ENCL_SZ_TIMESPEC	16
#define ENCL_SZ_TIMEVAL		16
#define ENCL_SZ_TIMEZONE	8
#define ENCL_SZ_UTSNAME		390	/* 6 fields of 65 */
#define ENCL_SZ_RLIMIT		16
#define ENCL_SZ_FDPAIR		8	/* int[2] */
#define ENCL_SZ_FLOCK		32	/* struct flock */
#define ENCL_SZ_F_OWNER_EX	8
#define ENCL_SZ_WINSIZE		8
#define ENCL_SZ_TERMIOS		36	/* the kernel's struct termios, not the C library's */
#define ENCL_SZ_INT		4
#define ENCL_SZ_OFF		8	/* off_t */
#define ENCL_SZ_LINGER		8	/* struct linger */
#define ENCL_SZ_UCRED		12	/* struct ucred */
#define ENCL_SZ_ITIMERVAL	32	/* two struct timeval */
#define ENCL_SZ_ITIMERSPEC	32	/* two struct timespec */
#define ENCL_SZ_SIGEVENT	64	/* the kernel's sigevent_t, as it reads it */
#define ENCL_SZ_SOCKADDR	128	/* struct sockaddr_storage: the longest address */
#define ENCL_SZ_MSGHDR		56	/* struct msghdr */
#define ENCL_SZ_IOVEC		16	/* struct iovec */
#define ENCL_SZ_CMSGHDR		16	/* struct cmsghdr, before the data */
#define ENCL_MSG_IOV_MAX	1024	/* iovecs in one msghdr (the kernel's UIO_MAXIOV) */
#define ENCL_SZ_TIMESPEC2	32	/* utimensat: access and modification times */
#define ENCL_SZ_STATFS		120	/* struct statfs */
#define ENCL_SZ_RUSAGE		144	/* struct rusage */
#define ENCL_SZ_SYSINFO		112	/* the kernel's struct sysinfo (musl's has 256 more reserved bytes) */
#define ENCL_SZ_TMS		32	/* struct tms */
#define ENCL_SZ_SIGSET		8	/* the kernel's sigset_t */
#define ENCL_SZ_POLLFD		8	/* struct pollfd */
#define ENCL_SZ_FDSET		128	/* fd_set: FD_SETSIZE (1024) bits */
#define ENCL_SZ_EPOLL_EVENT	12	/* struct epoll_event, packed on x86-64 */

#define ENCL_STAT	ENCL_A_OBJ(ENCL_SZ_STAT)
#define ENCL_TS		ENCL_A_OBJ(ENCL_SZ_TIMESPEC)

/*
 * The asynchronous signals the host catches for the enclave and reports
 * (bit sig - 1; struct encl_ocall.signals, ENCL_OP_SIGNAL): those a user,
 * a terminal, a pipe or a forwarded timer sends, and the real-time ones
 * (34..64) a timer may use. Not: the stop family (SIGTSTP, SIGTTIN,
 * SIGTTOU, SIGCONT), which stops and continues the host process as a
 * whole, SIGXCPU/SIGXFSZ (the host's limits), and the synchronous ones
 * (SIGSEGV, SIGILL, ... come from the enclave's own exceptions). A set
 * from the host is cut to this one; timer_create accepts only these.
 */
#define ENCL_HOST_SIGBIT(sig)	(UINT64_C(1) << ((sig) - 1))
#define ENCL_HOST_SIGNALS	(ENCL_HOST_SIGBIT(1) /* HUP */ | ENCL_HOST_SIGBIT(2) /* INT */ | \
				 ENCL_HOST_SIGBIT(3) /* QUIT */ | ENCL_HOST_SIGBIT(10) /* USR1 */ | \
				 ENCL_HOST_SIGBIT(12) /* USR2 */ | ENCL_HOST_SIGBIT(13) /* PIPE */ | \
				 ENCL_HOST_SIGBIT(14) /* ALRM */ | ENCL_HOST_SIGBIT(15) /* TERM */ | \
				 ENCL_HOST_SIGBIT(17) /* CHLD */ | ENCL_HOST_SIGBIT(23) /* URG */ | \
				 ENCL_HOST_SIGBIT(26) /* VTALRM */ | ENCL_HOST_SIGBIT(27) /* PROF */ | \
				 ENCL_HOST_SIGBIT(28) /* WINCH */ | (~UINT64_C(0) << 33) /* 34..64 */)

#define ENCL_SYSCALLS(FWD, IN)							\
	/* data */								\
	FWD(read,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL)		\
	FWD(write,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL)		\
	FWD(pread64,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL, ENCL_A_VAL) \
	FWD(pwrite64,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL, ENCL_A_VAL) \
	IN(readv,		readv)		/* as read */			\
	IN(writev,		writev)		/* as write */			\
	FWD(getdents64,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL)		\
	FWD(sendfile,		ENCL_A_VAL, ENCL_A_VAL, ENCL_A_OBJ0(ENCL_SZ_OFF), ENCL_A_VAL) \
	/* descriptors */							\
	FWD(close)								\
	FWD(lseek)								\
	FWD(dup)								\
	FWD(dup2)								\
	FWD(dup3)								\
	IN(pipe,		pipe)		/* as pipe2 */			\
	FWD(pipe2,		ENCL_A_OBJ(ENCL_SZ_FDPAIR), ENCL_A_VAL)		\
	FWD(fcntl,		ENCL_A_VAL, ENCL_A_VAL, ENCL_A_CMD)		\
	FWD(ioctl,		ENCL_A_VAL, ENCL_A_VAL, ENCL_A_CMD)		\
	FWD(fsync)								\
	FWD(fdatasync)								\
	FWD(ftruncate)								\
	FWD(fstat,		ENCL_A_VAL, ENCL_STAT)				\
	FWD(fchmod)								\
	FWD(fchdir)								\
	/* paths */								\
	FWD(open,		ENCL_A_STR)					\
	FWD(openat,		ENCL_A_VAL, ENCL_A_STR)				\
	FWD(stat,		ENCL_A_STR, ENCL_STAT)				\
	FWD(lstat,		ENCL_A_STR, ENCL_STAT)				\
	FWD(newfstatat,		ENCL_A_VAL, ENCL_A_STR, ENCL_STAT)		\
	FWD(statx,		ENCL_A_VAL, ENCL_A_STR, ENCL_A_VAL, ENCL_A_VAL,	\
				ENCL_A_OBJ(ENCL_SZ_STATX))			\
	FWD(access,		ENCL_A_STR)					\
	FWD(faccessat,		ENCL_A_VAL, ENCL_A_STR)				\
	FWD(faccessat2,		ENCL_A_VAL, ENCL_A_STR)				\
	FWD(mkdir,		ENCL_A_STR)					\
	FWD(mkdirat,		ENCL_A_VAL, ENCL_A_STR)				\
	FWD(rmdir,		ENCL_A_STR)					\
	FWD(unlink,		ENCL_A_STR)					\
	FWD(unlinkat,		ENCL_A_VAL, ENCL_A_STR)				\
	FWD(rename,		ENCL_A_STR, ENCL_A_STR)				\
	FWD(renameat,		ENCL_A_VAL, ENCL_A_STR, ENCL_A_VAL, ENCL_A_STR)	\
	FWD(getcwd,		ENCL_A_BUF(1))					\
	FWD(chdir,		ENCL_A_STR)					\
	FWD(readlink,		ENCL_A_STR, ENCL_A_BUF(2))			\
	FWD(readlinkat,		ENCL_A_VAL, ENCL_A_STR, ENCL_A_BUF(3))		\
	FWD(chmod,		ENCL_A_STR)					\
	FWD(truncate,		ENCL_A_STR)					\
	FWD(symlink,		ENCL_A_STR, ENCL_A_STR)				\
	FWD(link,		ENCL_A_STR, ENCL_A_STR)				\
	/* time */								\
	FWD(clock_gettime,	ENCL_A_VAL, ENCL_TS)				\
	FWD(clock_getres,	ENCL_A_VAL, ENCL_TS)				\
	FWD(gettimeofday,	ENCL_A_OBJ(ENCL_SZ_TIMEVAL), ENCL_A_OBJ(ENCL_SZ_TIMEZONE)) \
	FWD(nanosleep,		ENCL_TS, ENCL_TS)				\
	FWD(clock_nanosleep,	ENCL_A_VAL, ENCL_A_VAL, ENCL_TS, ENCL_TS)	\
	/* the process */							\
	FWD(getpid)								\
	FWD(getppid)								\
	FWD(getuid)								\
	FWD(geteuid)								\
	FWD(getgid)								\
	FWD(getegid)								\
	FWD(gettid)								\
	FWD(uname,		ENCL_A_OBJ(ENCL_SZ_UTSNAME))			\
	IN(exit,		exit)						\
	IN(exit_group,		exit_group)					\
	IN(set_tid_address,	set_tid_address)				\
	IN(set_robust_list,	set_robust_list)				\
	IN(arch_prctl,		arch_prctl)					\
	IN(futex,		futex)						\
	IN(getrandom,		getrandom)					\
	FWD(prlimit64,		ENCL_A_VAL, ENCL_A_VAL, ENCL_A_OBJ0(ENCL_SZ_RLIMIT), \
				ENCL_A_OBJ(ENCL_SZ_RLIMIT))			\
	IN(getrlimit,		getrlimit)	/* as prlimit64 */		\
	FWD(umask)								\
	IN(sched_yield,		sched_yield)					\
	IN(clone,		clone)						\
	IN(fork,		process)	/* ENOSYS: one process an enclave */ \
	IN(vfork,		process)					\
	IN(execve,		process)					\
	IN(execveat,		process)					\
	IN(wait4,		process)					\
	IN(waitid,		process)					\
	/* signals (enclave/shield/sys_signal.c) */				\
	IN(rt_sigaction,	rt_sigaction)					\
	IN(rt_sigprocmask,	rt_sigprocmask)					\
	IN(rt_sigreturn,	rt_sigreturn)	/* by the exception handler */	\
	IN(sigaltstack,		sigaltstack)					\
	IN(rt_sigpending,	rt_sigpending)					\
	IN(rt_sigsuspend,	rt_sigsuspend)	/* waits with pause */		\
	IN(rt_sigtimedwait,	rt_sigtimedwait) /* waits with pause, nanosleep */ \
	FWD(pause)								\
	FWD(kill)								\
	IN(tkill,		tkill)						\
	IN(tgkill,		tgkill)						\
	/* timers: their signals come back from the host (ENCL_HOST_SIGNALS) */ \
	FWD(alarm)								\
	FWD(setitimer,		ENCL_A_VAL, ENCL_A_OBJ0(ENCL_SZ_ITIMERVAL),	\
				ENCL_A_OBJ0(ENCL_SZ_ITIMERVAL))			\
	FWD(getitimer,		ENCL_A_VAL, ENCL_A_OBJ(ENCL_SZ_ITIMERVAL))	\
	FWD(timer_create,	ENCL_A_VAL, ENCL_A_OBJ0(ENCL_SZ_SIGEVENT),	\
				ENCL_A_OBJ(ENCL_SZ_INT))			\
	FWD(timer_settime,	ENCL_A_VAL, ENCL_A_VAL, ENCL_A_OBJ(ENCL_SZ_ITIMERSPEC), \
				ENCL_A_OBJ0(ENCL_SZ_ITIMERSPEC))		\
	FWD(timer_gettime,	ENCL_A_VAL, ENCL_A_OBJ(ENCL_SZ_ITIMERSPEC))	\
	FWD(timer_getoverrun)							\
	FWD(timer_delete)							\
	/* sockets (enclave/shield/sys_net.c) */				\
	FWD(socket)								\
	FWD(socketpair,		ENCL_A_VAL, ENCL_A_VAL, ENCL_A_VAL,		\
				ENCL_A_OBJ(ENCL_SZ_FDPAIR))			\
	FWD(bind,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL)		\
	FWD(listen)								\
	IN(accept,		accept)		/* as accept4 */		\
	FWD(accept4,		ENCL_A_VAL, ENCL_A_LENP(2), ENCL_A_OBJ0(ENCL_SZ_INT)) \
	FWD(connect,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL)		\
	FWD(shutdown)								\
	FWD(getsockname,	ENCL_A_VAL, ENCL_A_LENP(2), ENCL_A_OBJ(ENCL_SZ_INT)) \
	FWD(getpeername,	ENCL_A_VAL, ENCL_A_LENP(2), ENCL_A_OBJ(ENCL_SZ_INT)) \
	FWD(setsockopt,		ENCL_A_VAL, ENCL_A_VAL, ENCL_A_SOCKOPT,		\
				ENCL_A_BUF(4), ENCL_A_VAL)			\
	FWD(getsockopt,		ENCL_A_VAL, ENCL_A_VAL, ENCL_A_SOCKOPT,		\
				ENCL_A_LENP(4), ENCL_A_OBJ(ENCL_SZ_INT))	\
	FWD(sendto,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL, ENCL_A_VAL, \
				ENCL_A_BUF(5), ENCL_A_VAL)			\
	FWD(recvfrom,		ENCL_A_VAL, ENCL_A_BUF(2), ENCL_A_VAL, ENCL_A_VAL, \
				ENCL_A_LENP(5), ENCL_A_OBJ0(ENCL_SZ_INT))	\
	FWD(sendmsg,		ENCL_A_VAL, ENCL_A_MSGHDR, ENCL_A_VAL)		\
	FWD(recvmsg,		ENCL_A_VAL, ENCL_A_MSGHDR, ENCL_A_VAL)		\
	IN(sendmmsg,		sendmmsg)	/* as sendmsg, message by message */ \
	IN(recvmmsg,		recvmmsg)	/* as recvmsg, message by message */ \
	/* event loops (enclave/shield/sys_poll.c, sys_epoll.c, sys_evfd.c) */	\
	IN(poll,		poll)		/* as ppoll */			\
	FWD(ppoll,		ENCL_A_ARRAY(1, ENCL_SZ_POLLFD), ENCL_A_VAL, ENCL_A_OBJ0(ENCL_SZ_TIMESPEC), \
				ENCL_A_OBJ0(ENCL_SZ_SIGSET))			\
	FWD(select,		ENCL_A_VAL, ENCL_A_OBJ0(ENCL_SZ_FDSET), ENCL_A_OBJ0(ENCL_SZ_FDSET), \
				ENCL_A_OBJ0(ENCL_SZ_FDSET), ENCL_A_OBJ0(ENCL_SZ_TIMEVAL)) \
	IN(pselect6,		pselect6)	/* as select */			\
	IN(epoll_create,	epoll_create)	/* as epoll_create1 */		\
	FWD(epoll_create1)							\
	FWD(epoll_ctl,		ENCL_A_VAL, ENCL_A_VAL, ENCL_A_VAL, ENCL_A_OBJ0(ENCL_SZ_EPOLL_EVENT)) \
	IN(epoll_wait,		epoll_wait)	/* as epoll_pwait */		\
	FWD(epoll_pwait,	ENCL_A_VAL, ENCL_A_ARRAY(2, ENCL_SZ_EPOLL_EVENT), ENCL_A_VAL, \
				ENCL_A_VAL, ENCL_A_OBJ0(ENCL_SZ_SIGSET))	\
	IN(eventfd,		eventfd)	/* as eventfd2 */		\
	FWD(eventfd2)								\
	FWD(timerfd_create)							\
	FWD(timerfd_settime,	ENCL_A_VAL, ENCL_A_VAL, ENCL_A_OBJ(ENCL_SZ_ITIMERSPEC), \
				ENCL_A_OBJ0(ENCL_SZ_ITIMERSPEC))		\
	FWD(timerfd_gettime,	ENCL_A_VAL, ENCL_A_OBJ(ENCL_SZ_ITIMERSPEC))	\
	IN(signalfd,		signalfd)	/* ENOSYS: signals are the enclave's */ \
	IN(signalfd4,		signalfd)					\
	/* files and the system (enclave/shield/sys_file.c, sys_sys.c) */	\
	FWD(flock)								\
	FWD(fallocate)								\
	FWD(fadvise64)								\
	FWD(fchown)								\
	FWD(chown,		ENCL_A_STR)					\
	FWD(lchown,		ENCL_A_STR)					\
	FWD(fchownat,		ENCL_A_VAL, ENCL_A_STR)				\
	FWD(fchmodat,		ENCL_A_VAL, ENCL_A_STR)				\
	FWD(symlinkat,		ENCL_A_STR, ENCL_A_VAL, ENCL_A_STR)		\
	FWD(linkat,		ENCL_A_VAL, ENCL_A_STR, ENCL_A_VAL, ENCL_A_STR)	\
	FWD(renameat2,		ENCL_A_VAL, ENCL_A_STR, ENCL_A_VAL, ENCL_A_STR)	\
	FWD(utimensat,		ENCL_A_VAL, ENCL_A_STR0, ENCL_A_OBJ0(ENCL_SZ_TIMESPEC2)) \
	FWD(statfs,		ENCL_A_STR, ENCL_A_OBJ(ENCL_SZ_STATFS))		\
	FWD(fstatfs,		ENCL_A_VAL, ENCL_A_OBJ(ENCL_SZ_STATFS))		\
	FWD(getrusage,		ENCL_A_VAL, ENCL_A_OBJ(ENCL_SZ_RUSAGE))		\
	FWD(sysinfo,		ENCL_A_OBJ(ENCL_SZ_SYSINFO))			\
	FWD(times,		ENCL_A_OBJ0(ENCL_SZ_TMS))			\
	FWD(sched_getaffinity,	ENCL_A_VAL, ENCL_A_VAL, ENCL_A_BUF(1))		\
	FWD(sched_setaffinity,	ENCL_A_VAL, ENCL_A_VAL, ENCL_A_BUF(1))		\
	FWD(getpriority)							\
	FWD(setpriority)							\
	IN(setrlimit,		setrlimit)	/* as prlimit64 */		\
	IN(prctl,		prctl)		/* names: /proc/thread-self/comm */ \
	/* memory */								\
	IN(brk,			brk)						\
	IN(mmap,		mmap)		/* private: as pread64; shared: ENCL_OCALL_SHARED_MEM */ \
	IN(munmap,		munmap)						\
	IN(mprotect,		mprotect)					\
	IN(madvise,		madvise)					\
	IN(mremap,		mremap)						\
	IN(msync,		msync)

/*
 * fcntl and ioctl commands: CMD(command, argument, result). The argument
 * is a number (ENCL_CMD_INT) or a structure of @size bytes in the ocall
 * area that the call reads (IN), writes (OUT) or both. The result is
 * checked by the enclave as ENCL_RES_*.
 */
#define ENCL_CMD_INT		0
#define ENCL_CMD_IN		1
#define ENCL_CMD_OUT		2
#define ENCL_CMD_INOUT		(ENCL_CMD_IN | ENCL_CMD_OUT)

#define ENCL_RES_ZERO		0	/* 0 or -errno */
#define ENCL_RES_NONNEG		1	/* a number >= 0 or -errno */
#define ENCL_RES_FD		2	/* a descriptor or -errno */

struct encl_cmd {
	uint32_t cmd;
	uint8_t arg;		/* ENCL_CMD_* */
	uint8_t res;		/* ENCL_RES_* */
	uint16_t size;		/* of the structure the argument points to */
};

#define ENCL_CMD_ROW(cmd, arg, res, size)	{ cmd, arg, res, size },

/* The row of @cmd in @c[0..n), or NULL. The kernel reads the command as an unsigned int. */
static inline const struct encl_cmd *encl_cmd_find(const struct encl_cmd *c, size_t n, uint64_t cmd)
{
	for (; n; n--, c++)
		if (c->cmd == (uint32_t)cmd)
			return c;
	return NULL;
}

/* Absent from some C libraries' headers without _GNU_SOURCE: the kernel's numbers. */
#ifndef F_OFD_GETLK
#define F_OFD_GETLK	36
#define F_OFD_SETLK	37
#define F_OFD_SETLKW	38
#endif
#ifndef F_SETOWN_EX
#define F_SETOWN_EX	15
#define F_GETOWN_EX	16
#endif
#ifndef F_SETPIPE_SZ
#define F_SETPIPE_SZ	1031
#define F_GETPIPE_SZ	1032
#endif
#ifndef F_DUPFD_CLOEXEC
#define F_DUPFD_CLOEXEC	1030
#endif

#define ENCL_FCNTL_CMDS(CMD)							\
	CMD(F_DUPFD,		ENCL_CMD_INT,	ENCL_RES_FD,	0)		\
	CMD(F_DUPFD_CLOEXEC,	ENCL_CMD_INT,	ENCL_RES_FD,	0)		\
	CMD(F_GETFD,		ENCL_CMD_INT,	ENCL_RES_NONNEG, 0)		\
	CMD(F_SETFD,		ENCL_CMD_INT,	ENCL_RES_ZERO,	0)		\
	CMD(F_GETFL,		ENCL_CMD_INT,	ENCL_RES_NONNEG, 0)		\
	CMD(F_SETFL,		ENCL_CMD_INT,	ENCL_RES_ZERO,	0)		\
	CMD(F_GETLK,		ENCL_CMD_INOUT,	ENCL_RES_ZERO,	ENCL_SZ_FLOCK)	\
	CMD(F_SETLK,		ENCL_CMD_IN,	ENCL_RES_ZERO,	ENCL_SZ_FLOCK)	\
	CMD(F_SETLKW,		ENCL_CMD_IN,	ENCL_RES_ZERO,	ENCL_SZ_FLOCK)	\
	CMD(F_OFD_GETLK,	ENCL_CMD_INOUT,	ENCL_RES_ZERO,	ENCL_SZ_FLOCK)	\
	CMD(F_OFD_SETLK,	ENCL_CMD_IN,	ENCL_RES_ZERO,	ENCL_SZ_FLOCK)	\
	CMD(F_OFD_SETLKW,	ENCL_CMD_IN,	ENCL_RES_ZERO,	ENCL_SZ_FLOCK)	\
	CMD(F_SETOWN,		ENCL_CMD_INT,	ENCL_RES_ZERO,	0)		\
	CMD(F_GETOWN_EX,	ENCL_CMD_OUT,	ENCL_RES_ZERO,	ENCL_SZ_F_OWNER_EX) \
	CMD(F_SETOWN_EX,	ENCL_CMD_IN,	ENCL_RES_ZERO,	ENCL_SZ_F_OWNER_EX) \
	CMD(F_GETPIPE_SZ,	ENCL_CMD_INT,	ENCL_RES_NONNEG, 0)		\
	CMD(F_SETPIPE_SZ,	ENCL_CMD_INT,	ENCL_RES_NONNEG, 0)

/*
 * Socket options: OPT(level, option, size), the size of the option's
 * value (an int, struct linger, struct timeval, struct ucred). An option
 * in no row is ENOPROTOOPT on both sides. The kernel reads or writes at
 * most this size, so the enclave copies at most this much either way.
 */
#define ENCL_SOCKOPTS(OPT)							\
	OPT(SOL_SOCKET,		SO_REUSEADDR,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_REUSEPORT,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_KEEPALIVE,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_RCVBUF,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_SNDBUF,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_RCVLOWAT,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_ERROR,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_TYPE,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_DOMAIN,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_PROTOCOL,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_ACCEPTCONN,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_BROADCAST,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_OOBINLINE,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_DONTROUTE,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_PRIORITY,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_PASSCRED,		ENCL_SZ_INT)		\
	OPT(SOL_SOCKET,		SO_PEERCRED,		ENCL_SZ_UCRED)		\
	OPT(SOL_SOCKET,		SO_LINGER,		ENCL_SZ_LINGER)		\
	OPT(SOL_SOCKET,		SO_RCVTIMEO,		ENCL_SZ_TIMEVAL)	\
	OPT(SOL_SOCKET,		SO_SNDTIMEO,		ENCL_SZ_TIMEVAL)	\
	OPT(IPPROTO_TCP,	TCP_NODELAY,		ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_MAXSEG,		ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_CORK,		ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_KEEPIDLE,		ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_KEEPINTVL,		ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_KEEPCNT,		ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_DEFER_ACCEPT,	ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_QUICKACK,		ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_USER_TIMEOUT,	ENCL_SZ_INT)		\
	OPT(IPPROTO_TCP,	TCP_FASTOPEN,		ENCL_SZ_INT)		\
	OPT(IPPROTO_IP,		IP_TOS,			ENCL_SZ_INT)		\
	OPT(IPPROTO_IP,		IP_TTL,			ENCL_SZ_INT)		\
	OPT(IPPROTO_IP,		IP_MULTICAST_TTL,	ENCL_SZ_INT)		\
	OPT(IPPROTO_IP,		IP_MULTICAST_LOOP,	ENCL_SZ_INT)		\
	OPT(IPPROTO_IPV6,	IPV6_V6ONLY,		ENCL_SZ_INT)		\
	OPT(IPPROTO_IPV6,	IPV6_UNICAST_HOPS,	ENCL_SZ_INT)		\
	OPT(IPPROTO_IPV6,	IPV6_TCLASS,		ENCL_SZ_INT)

struct encl_sockopt {
	int32_t level, option;
	uint32_t size;
};

#define ENCL_SOCKOPT_ROW(level, option, size)	{ level, option, size },

/* The row of (@level, @option), or NULL. The kernel reads both as ints. */
static inline const struct encl_sockopt *encl_sockopt_find(uint64_t level, uint64_t option)
{
	static const struct encl_sockopt opts[] = { ENCL_SOCKOPTS(ENCL_SOCKOPT_ROW) };

	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++)
		if (opts[i].level == (int32_t)level && opts[i].option == (int32_t)option)
			return &opts[i];
	return NULL;
}

#define ENCL_IOCTL_CMDS(CMD)							\
	CMD(FIONREAD,		ENCL_CMD_OUT,	ENCL_RES_ZERO,	ENCL_SZ_INT)	\
	CMD(TIOCGWINSZ,		ENCL_CMD_OUT,	ENCL_RES_ZERO,	ENCL_SZ_WINSIZE) \
	CMD(TCGETS,		ENCL_CMD_OUT,	ENCL_RES_ZERO,	ENCL_SZ_TERMIOS) \
	CMD(FIONBIO,		ENCL_CMD_IN,	ENCL_RES_ZERO,	ENCL_SZ_INT)

#endif

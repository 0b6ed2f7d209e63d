/* SPDX-License-Identifier: MIT */
/*
 * The host runtime's own state and its parts: the mode and logging
 * settings (mode.c), loading the enclave (load.c), serving ocalls
 * (ocall.c), and the run loop (run.c).
 */
#ifndef ENCL_HOST_HOST_H
#define ENCL_HOST_HOST_H

#include <pthread.h>
#include <semaphore.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "abi/boundary.h"
#include "abi/params.h"
#include "host/backend.h"
#include "image/binary.h"


#define ENCL_OCALL_AREA_SIZE	(1UL << 20)

/*
 * ENCL_SIM_HOSTILE=<what>: the host misbehaves on purpose, once, so that
 * tests/e2e/iago.sh can show that the trusted runtime catches it. A test
 * facility: honoured only with the sim backend, ignored (with a warning)
 * on hardware. See docs/shield.md, "Testing a hostile host".
 *
 * HOSTILE(id, name): ENCL_HOSTILE_<id>, chosen by ENCL_SIM_HOSTILE=<name>.
 */
#define ENCL_HOSTILE_MODES(HOSTILE) \
	HOSTILE(READ_COUNT, "read-count")	\
		/* read returns one byte more than asked */ \
	HOSTILE(READ_NEGATIVE, "read-negative")	\
		/* read returns -5000 (not an errno) */ \
	HOSTILE(READ_POINTER, "read-pointer")	\
		/* read moves args[1] into ELRANGE after serving */ \
	HOSTILE(OPEN_FD, "open-fd")	\
		/* open/openat return 2^32 */ \
	HOSTILE(TIMESPEC, "timespec")	\
		/* clock_gettime writes tv_nsec = 10^9 */ \
	HOSTILE(SOCKET_FD, "socket-fd")	\
		/* socket returns 2^32 */ \
	HOSTILE(ACCEPT_ADDRLEN, "accept-addrlen")	\
		/* accept4 serves, then says the address is 129 bytes long */ \
	HOSTILE(RECVFROM_ADDRLEN, "recvfrom-addrlen")	\
		/* recvfrom serves, then says an AF_INET address is 28 bytes long */ \
	HOSTILE(RECVMSG_COUNT, "recvmsg-count")	\
		/* recvmsg returns one byte more than its buffers hold */ \
	HOSTILE(RECVMSG_CONTROL, "recvmsg-control")	\
		/* recvmsg says 16 control bytes more than it was given */ \
	HOSTILE(CMSG_LEN, "cmsg-len")	\
		/* recvmsg's first control message runs past msg_controllen */ \
	HOSTILE(CMSG_FD, "cmsg-fd")	\
		/* recvmsg's SCM_RIGHTS carries descriptor -7 */ \
	HOSTILE(GETSOCKOPT_LEN, "getsockopt-len")	\
		/* getsockopt says 4 bytes more than the buffer given */ \
	HOSTILE(ORET_START, "oret-start")	\
		/* the ocall's return EENTERs with ENCL_OP_START */ \
	HOSTILE(HANDLER_AGAIN, "handler-again")	\
		/* EENTER the handler again instead of ERESUME */ \
	HOSTILE(FUTEX_SPURIOUS, "futex-spurious")	\
		/* every WAIT returns at once, as if woken */ \
	HOSTILE(FUTEX_NEVER, "futex-never")	\
		/* every WAKE is dropped: only timeouts end a WAIT */ \
	HOSTILE(THREAD_ID, "thread-id")	\
		/* THREAD_START answers with the caller's thread id */ \
	HOSTILE(SIGNAL_OCALL, "signal-ocall")	\
		/* a SIGUSR1 that never came, reported at a read's return */ \
	HOSTILE(SIGNAL_BOGUS, "signal-bogus")	\
		/* SIGKILL, SIGSEGV and SIGSTOP reported at a read's return */ \
	HOSTILE(FAKE_FAULT, "fake-fault")	\
		/* after an interrupt, EENTER the handler as for an exception */ \
	HOSTILE(SHARED_INSIDE, "shared-inside")	\
		/* a shared file mapping is placed inside ELRANGE */ \
	HOSTILE(STATFS_SIZE, "statfs-size")	\
		/* statfs/fstatfs report a negative block size */ \
	HOSTILE(POLL_REVENTS, "poll-revents")	\
		/* ppoll reports POLLIN for an entry with a negative fd */ \
	HOSTILE(POLL_COUNT, "poll-count")	\
		/* ppoll returns nfds + 1 */ \
	HOSTILE(SELECT_BIT, "select-bit")	\
		/* select sets a read bit that was not asked for */ \
	HOSTILE(EPOLL_FD, "epoll-fd")	\
		/* epoll_pwait adds an event for fd 1000, never registered */ \
	HOSTILE(EPOLL_COUNT, "epoll-count")	\
		/* epoll_pwait returns maxevents + 1 */ \
	HOSTILE(QUEUE_WRONG, "queue-wrong")	\
		/* an exitless request is answered as request seq + 1 */ \
	HOSTILE(QUEUE_TWICE, "queue-twice")	\
		/* the second exitless request gets the first one's answer again */ \
	HOSTILE(QUEUE_REWRITE, "queue-rewrite")	\
		/* an exitless request's args[0] is changed after it was posted */ \
	HOSTILE(STAT_SIZE, "stat-size")	\
		/* fstat reports st_size = 2^62 */ \
	HOSTILE(STAT_TYPE, "stat-type")	\
		/* fstat reports a file type no file has (S_IFMT all set) */ \
	HOSTILE(STATX_SIZE, "statx-size")	\
		/* statx reports stx_size = 2^62 */ \
	HOSTILE(CLOCK_BACK, "clock-back")	\
		/* the second CLOCK_MONOTONIC reading is 1 ns after boot */ \
	HOSTILE(NANOSLEEP_REM, "nanosleep-rem")	\
		/* nanosleep is EINTR with a remainder 1 s longer than asked */ \
	HOSTILE(LSEEK_NEGATIVE, "lseek-negative")	\
		/* lseek returns -2^40, neither an offset nor an errno */ \
	HOSTILE(GETFL_BITS, "getfl-bits")	\
		/* fcntl F_GETFL adds bit 30, no open flag */ \
	HOSTILE(RLIMIT_CUR, "rlimit-cur")	\
		/* prlimit64 says the soft limit is above the hard one */ \
	HOSTILE(ERRNO_RANGE, "errno-range")	\
		/* close returns -4095, below MAX_ERRNO but no errno Linux has */ \
	HOSTILE(WRITE_ZERO, "write-zero")	\
		/* write and pwrite64 return 0, every time */ \
	HOSTILE(DIRENT_DOTDOT, "dirent-dotdot")	\
		/* getdents64's first two names are both ".." */ \
	HOSTILE(DIRENT_ENDLESS, "dirent-endless")	\
		/* getdents64 never ends: each answer after the last is full of entries */ \
	HOSTILE(DIRENT_REPLAY, "dirent-replay")	\
		/* getdents64 at a directory's end starts it again, forever */ \
	HOSTILE(STAT_RETYPE, "stat-retype")	\
		/* fstat after the first: a regular file is a directory, the rest regular */ \
	HOSTILE(PPID_BACK, "ppid-back")	\
		/* getppid: the parent, then 1 (init), then the first parent again */ \
	HOSTILE(PPID_SELF, "ppid-self")	\
		/* getppid returns the process's own pid */ \
	HOSTILE(DIRENT_NAME, "dirent-name")	\
		/* getdents64's first name starts with '/' */ \
	HOSTILE(SENDFILE_OFFSET, "sendfile-offset")	\
		/* sendfile moves the offset one byte further than it sent */ \
	HOSTILE(FLOCK_TYPE, "flock-type")	\
		/* fcntl F_GETLK reports l_type 7, no lock type */ \
	HOSTILE(PIPE_SAME, "pipe-same")	\
		/* pipe2 returns the same descriptor for both ends */ \
	HOSTILE(OPEN_USED, "open-used")	\
		/* open/openat return 1 (stdout, open) without opening anything */ \
	HOSTILE(PIPE_USED, "pipe-used")	\
		/* pipe2 returns descriptors 1 and 2, both open */ \
	HOSTILE(SOCKET_USED, "socket-used")	\
		/* socket returns 0 (stdin, open) without making a socket */ \
	HOSTILE(PREAD_ZERO, "pread-zero")	\
		/* pread64 returns 0 (end of file) at once */ \
	HOSTILE(FLOCK_UNLCK, "flock-unlck")	\
		/* fcntl F_GETLK says F_UNLCK, and changes l_pid */ \
	HOSTILE(CAS_FLIP_EVIDENCE, "cas-flip-evidence")	\
		/* the relay flips one byte of the EVIDENCE it sends the service */ \
	HOSTILE(CAS_FLIP_CONFIG, "cas-flip-config")	\
		/* the relay flips one byte of the CONFIG answer it hands the enclave */ \
	HOSTILE(CAS_RECORD, "cas-record")	\
		/* the relay saves the EVIDENCE in the file $ENCL_SIM_CAS_RECORD */ \
	HOSTILE(CAS_REPLAY, "cas-replay")	\
		/* the relay sends the EVIDENCE saved there instead of the enclave's */

#define ENCL_HOSTILE_ENUM_(id, name) ENCL_HOSTILE_##id,
enum encl_hostile {
	ENCL_HOSTILE_NONE = 0,
	ENCL_HOSTILE_MODES(ENCL_HOSTILE_ENUM_)
};
#undef ENCL_HOSTILE_ENUM_

struct encl_host;

/*
 * One enclave thread as the host sees it: the host thread that enters its
 * TCS, its ocall area, and its event (ENCL_OCALL_WAIT sleeps on it, WAKE
 * sets it). Thread 0 runs on the process's main thread; the others are
 * started by ENCL_OCALL_THREAD_START (thread.c).
 */
struct encl_host_thread {
	struct encl_host *h;
	struct encl_enclave e;		/* a copy of h->e: this thread's failures go to e.err */
	uint64_t tcs;			/* linear address of its TCS */
	uint8_t *area;			/* the ocall area: host memory outside ELRANGE */
	uint64_t area_size;
	uint32_t event;			/* futex word: 1 when woken */
	int wake_fd;			/* wait.c: eventfd + 1 that WAKE writes, 0: none yet,
					 * -1: none to be had */
	int tid;			/* gettid() of the host thread */
	pthread_t pt;
	int joinable;			/* pt is a started host thread not yet joined */
	sem_t started;			/* posted once tid is known */
	uint32_t xq_waiting;		/* exitless.c: sleeping in QWAIT for its slot */
};

/*
 * SCONE_QUEUES, SCONE_SSPINS, SCONE_SSLEEP (microseconds), SCONE_ESPINS,
 * SCONE_ESLEEP (microseconds): -1 when unset or auto (adapts at run
 * time), else the value that fixes the knob. SCONE_QUEUES=0: no queues.
 */
struct encl_xq_settings {
	long queues, sspins, ssleep, espins, esleep;
};
struct encl_xq_host;

struct encl_host {
	/* mode.c */
	const struct encl_backend *be;
	const char *mode_env;		/* SCONE_MODE as given ("auto" when unset) */
	const char *edmm_env;		/* SCONE_EDMM_MODE as given ("disable" when unset) */
	struct encl_caps caps;
	int edmm;			/* the EDMM layout is in use */
	char edmm_why[256];		/* why EDMM is on or off (SCONE_VERSION=1) */
	enum encl_log log;

	/* run.c: the executable, for the hints ocall.c completes */
	const char *path;

	/* load.c */
	enum encl_mode layout;		/* ENCL_MODE_SGX1 or _EDMM */
	struct encl_enclave e;
	struct encl_params params;
	int loaded;
	uint64_t tcs;			/* linear address of thread 0's TCS */
	uint64_t tcs_max;		/* SCONE_TCS_MAX */

	/* thread.c: every TCS that has had a host thread, thread 0's first */
	struct encl_host_thread main_thread;
	struct encl_host_thread **threads;
	size_t nthreads, threads_cap;
	pthread_mutex_t threads_lock;
	int threaded;			/* a second thread was started: the process
					 * ends with _exit, whichever thread ends it */

	/* mode.c, exitless.c: the exitless queues and their serving threads */
	struct encl_xq_settings xqs;
	struct encl_xq_host *xq;	/* NULL: every call exits */

	/* run.c: ENCL_SIM_HOSTILE, a test facility honoured only in sim mode */
	enum encl_hostile hostile;
	int hostile_seen;		/* ocall.c: calls of the chosen kind answered honestly */

	/* attest.c: the link to the attestation service (SCONE_CAS_ADDR), or NULL */
	struct encl_cas_link *cas;

	/* run.c: the program ended by this signal's default action (ENCL_EXIT_SIGNAL) */
	int exit_signal;
	uint64_t sig_ignored;		/* signal.c: dispositions inherited as SIG_IGN */
};

/* mode.c: SCONE_MODE, SCONE_EDMM_MODE, SCONE_LOG; -1 with @err on a bad value. */
int encl_host_settings(struct encl_host *h, char *err, size_t errlen);
/* Choose and probe the backend; prints the sim warning. */
int encl_host_choose_backend(struct encl_host *h, char *err, size_t errlen);
/* After the backend: EDMM on or off from SCONE_EDMM_MODE and the probe. */
int encl_host_choose_edmm(struct encl_host *h, char *err, size_t errlen);
const char *encl_log_name(enum encl_log l);
__attribute__((format(printf, 3, 4)))
void encl_host_log(const struct encl_host *h, enum encl_log level, const char *fmt, ...);

/* load.c: ECREATE, EADD/EEXTEND, EINIT with the layout's SIGSTRUCT, map. */
int encl_host_load(struct encl_host *h, const struct encl_binary *b,
		   const struct encl_config *c, char *err, size_t errlen);
void encl_host_unload(struct encl_host *h);

/*
 * attest.c (docs/attestation.md). settings: SCONE_CAS_ADDR, needed when
 * SCONE_CONFIG_ID is set; -1 with @err. cas, quote: ENCL_OCALL_CAS and
 * ENCL_OCALL_QUOTE, their result or -errno.
 */
int encl_host_attest_settings(struct encl_host *h, char *err, size_t errlen);
void encl_host_attest_fini(struct encl_host *h);
int64_t encl_host_cas(struct encl_host_thread *t, const uint64_t *args);
int64_t encl_host_quote(struct encl_host_thread *t, const uint64_t *args);

/* ocall.c: serve the request at the start of @t's area; writes o->ret. */
void encl_host_ocall(struct encl_host_thread *t);
/* ocall.c: a path argument of forwarded call @nr (in @t's area) contains @part. */
int encl_ocall_names(const struct encl_host_thread *t, long nr, const uint64_t *args, const char *part);
/* ocall.c: forwarded system call @nr with @args from @t's area, checked; its result or -errno. */
int64_t encl_host_forward(struct encl_host_thread *t, long nr, const uint64_t *args);

/*
 * exitless.c (docs/exitless.md). start: the serving threads the settings
 * ask for (none with SCONE_QUEUES=0); 0 or -1. addr: struct encl_start.xq.
 * stop: every serving thread is out before the areas go; -1 if one is
 * still inside a call after a second (then nothing may be torn down). exited: @t made
 * forwarded call @nr by the exit path (a sleeping serving thread is
 * woken). wait: ENCL_OCALL_QWAIT for @t.
 */
int encl_host_xq_start(struct encl_host *h);
uint64_t encl_host_xq_addr(const struct encl_host *h);
int encl_host_xq_stop(struct encl_host *h);
void encl_host_xq_exited(struct encl_host_thread *t, int64_t nr, const uint64_t *args);
int64_t encl_host_xq_wait(struct encl_host_thread *t);
/* mode.c: SCONE_QUEUES=... as SCONE_VERSION=1 prints them. */
void encl_host_xq_print(const struct encl_host *h);
/* enter_tcs.c: ENCL_OCALL_ENTER_TCS with the request's args; 0 or -errno. */
int64_t encl_host_enter_tcs(struct encl_host_thread *t, const uint64_t *args);
/*
 * signal.c: the asynchronous signals the host catches for the enclave
 * (ENCL_HOST_SIGNALS, less those its parent left ignored), through the
 * backend's catch_signals (none without one); 0 or -1 (logged).
 * take: the signals noted since the last take (bit sig - 1), cleared.
 * pause: the enclave's pause on thread @t, -EINTR once a caught signal
 * has arrived or the enclave woke @t (a signal of its own for @t).
 * kick: wake every pause, which then checks again (thread.c's WAKE).
 * exit_by_signal: end this process by @sig as the program's default
 * action would have (stdio flushed; 128 + sig if it survives).
 */
int encl_host_signals_start(struct encl_host *h);
uint64_t encl_host_signals_take(void);
int64_t encl_host_signals_pause(struct encl_host_thread *t);
void encl_host_signals_kick(void);
__attribute__((noreturn))
void encl_host_exit_by_signal(int sig);

/* shared_mem.c: ENCL_OCALL_SHARED_MEM with the request's args; its result or -errno. */
int64_t encl_host_shared_mem(const uint64_t *args);

/* [p, p + len) lies inside @t's ocall area. */
int encl_area_holds(const struct encl_host_thread *t, uint64_t p, uint64_t len);
/*
 * ocall.c: may system call @nr go to the kernel with @args? 0, or -ENOSYS
 * (not forwarded), -EINVAL (an fcntl/ioctl command not forwarded),
 * -ENOPROTOOPT (a socket option not forwarded), -EFAULT (a pointer or
 * length outside the ocall area), -EMSGSIZE (too many iovecs in a
 * msghdr). abi/syscalls.h says which.
 */
int encl_ocall_check(const struct encl_host_thread *t, long nr, const uint64_t *args);

/*
 * ocall_copy.c: the host's own copies of the area's length words
 * (ENCL_ARG_LENP) and msghdr (ENCL_ARG_MSGHDR, with its iovecs), which
 * the kernel gets instead of the area's. lenp and msghdr read, check and
 * record the word of argument @idx (0, -EFAULT, -EMSGSIZE); use points
 * the arguments at the copies once every check passed; back writes what
 * the kernel changed into the area.
 */
#define ENCL_COPY_LENS	2
struct encl_ocall_copies {
	int nlen;
	socklen_t len[ENCL_COPY_LENS];
	int len_idx[ENCL_COPY_LENS];
	socklen_t *len_at[ENCL_COPY_LENS];
	struct msghdr msg;
	int msg_idx;
	struct msghdr *msg_at;		/* NULL: no msghdr */
};
int encl_copy_lenp(const struct encl_host_thread *t, struct encl_ocall_copies *c, int idx,
		   uint64_t p, uint64_t lenp);
int encl_copy_msghdr(const struct encl_host_thread *t, struct encl_ocall_copies *c, int idx, uint64_t p);
void encl_copies_use(struct encl_ocall_copies *c, uint64_t *args);
void encl_copies_back(const struct encl_ocall_copies *c);

/*
 * thread.c: the thread ocalls. THREAD_START (TCS offset): the new thread's
 * id or -errno; WAIT (nanoseconds, UINT64_MAX: none); WAKE (TCS offset).
 */
int64_t encl_host_thread_start(struct encl_host_thread *t, uint64_t tcs_offset);
int64_t encl_host_thread_wait(struct encl_host_thread *t, uint64_t ns);
int64_t encl_host_thread_wake(struct encl_host_thread *t, uint64_t tcs_offset);

/* thread.c: the futex system call; CLOCK_MONOTONIC in nanoseconds. */
struct timespec;
long encl_host_futex(uint32_t *word, int op, uint32_t val, const struct timespec *ts);
uint64_t encl_host_now_ns(void);
/*
 * wait.c: ppoll, select or epoll_pwait (@nr) with checked @args, ended
 * early by a WAKE too (-EINTR when nothing is ready); wake: WAKE's side.
 */
int64_t encl_host_wait(struct encl_host_thread *t, long nr, const uint64_t *args);
void encl_host_wait_wake(struct encl_host_thread *t);
/* nanosleep or clock_nanosleep (@nr) with checked @args, ended early by a WAKE too. */
int64_t encl_host_thread_sleep(struct encl_host_thread *t, long nr, const uint64_t *args);
/* Set up thread 0 (the calling thread) on the TCS @tcs with a new area. 0 or -1. */
int encl_host_threads_init(struct encl_host *h);
void encl_host_threads_fini(struct encl_host *h);

/* run.c: run thread @t from its first entry (@op, @rsi, @rdx) to its end: a status or -1 (thread ended). */
int encl_host_thread_run(struct encl_host_thread *t, uint64_t op, uint64_t rsi, uint64_t rdx);
/* run.c: the process ends with @status now (another thread may still be inside). */
__attribute__((noreturn)) void encl_host_end(struct encl_host *h, int status);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Checks on what the host hands the enclave: results of forwarded system
 * calls, the start-up arguments, the ocall area. Every function here is
 * pure (no globals, no I/O) so that the host-side unit test
 * tests/unit/test_iago.c runs them as they are.
 *
 * Functions return NULL when the value is acceptable, or a short reason
 * that the caller puts into its ENCL_EXIT_FATAL message. The rule is
 * always the same: a host that returns something a kernel never would is
 * lying, and the enclave stops rather than trust it.
 */
#ifndef ENCL_ENCLAVE_SHIELD_IAGO_H
#define ENCL_ENCLAVE_SHIELD_IAGO_H

#include <stddef.h>
#include <stdint.h>

/*
 * The largest errno a system call returns as -errno: the last one Linux
 * defines (EHWPOISON). The kernel's MAX_ERRNO (4095) bounds what is
 * reserved, not what is used; the numbers above EHWPOISON are internal
 * (ERESTARTSYS, ...) and never reach a program.
 */
#define IAGO_MAX_ERRNO		133

/*
 * The largest file size the enclave accepts from the host (exclusive):
 * 4 EiB. A program doubles or rounds up a size (buffers, mappings); one
 * this large would overflow off_t, and no file system serves such a file.
 */
#define IAGO_MAX_FILE_SIZE	(INT64_C(1) << 62)

/* struct linux_dirent64: d_ino (8), d_off (8), d_reclen (2), d_type (1), d_name[] */
#define IAGO_DIRENT_NAME_OFF	19
#define IAGO_DIRENT_RECLEN_OFF	16

/* d_reclen of the record at @rec (little-endian, and maybe unaligned). */
static inline uint64_t iago_dirent_reclen(const unsigned char *rec)
{
	return (uint64_t)rec[IAGO_DIRENT_RECLEN_OFF] | (uint64_t)rec[IAGO_DIRENT_RECLEN_OFF + 1] << 8;
}

/* Limits on what the host may pass at start-up. */
#define IAGO_MAX_ARGS		4096		/* argc, and the number of environment strings */
#define IAGO_MAX_STRLEN		(128 * 1024)	/* one string, like MAX_ARG_STRLEN */
#define IAGO_MAX_ARGBYTES	(2 * 1024 * 1024) /* all strings plus their pointers */

/* [addr, addr + len) is entirely outside [base, base + size) and does not wrap. */
int iago_outside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size);

/* [addr, addr + len) is entirely inside [base, base + size) and does not wrap. */
int iago_inside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size);

/* A length the program passed that the kernel would refuse as negative. */
int iago_negative_len(uint64_t len);

/* @ret is 0 or -errno (close, mkdir, fsync, ...). */
const char *iago_check_zero(int64_t ret);

/* @ret is >= 0 or -errno (lseek, ids, ...). */
const char *iago_check_nonneg(int64_t ret);

/* @ret is a file descriptor or -errno. */
const char *iago_check_fd(int64_t ret);

/* @ret is a byte count of at most @asked, or -errno (read, write, getdents64, ...). */
const char *iago_check_count(int64_t ret, uint64_t asked);

/* Kept name for the most common case: a read of @asked bytes returning @got. */
const char *iago_check_read(uint64_t asked, int64_t got);

/*
 * @len bytes of linux_dirent64 records, as getdents64 returned them (after
 * they were copied into the enclave): each record is large enough for its
 * header and a name, fits in what remains, and its name is NUL-terminated
 * inside the record, not empty and without a '/' (no file name has one).
 */
const char *iago_check_dirents(const void *buf, uint64_t len);

/*
 * A file's type and size, as struct stat or struct statx gives them: one
 * of the seven types or none (an anonymous file: eventfd, epoll, timerfd),
 * and a size below IAGO_MAX_FILE_SIZE.
 */
const char *iago_check_file(uint32_t mode, uint64_t size);

/*
 * A struct stat: what iago_check_file checks, and no negative size, block
 * size or block count (st_size, st_blksize, st_blocks are signed there).
 */
const char *iago_check_stat(uint32_t mode, int64_t size, int64_t blksize, int64_t blocks);

/* lseek's result @ret for @offset from @whence: SEEK_SET lands exactly there, or fails. */
const char *iago_check_lseek(int64_t ret, uint64_t whence, uint64_t offset);

/* dup2/dup3's result @ret when @fd was asked for: @fd itself, or -errno. */
const char *iago_check_dup_to(int64_t ret, uint32_t fd);

/* fcntl F_DUPFD(_CLOEXEC)'s result @ret: a descriptor no lower than @min, or -errno. */
const char *iago_check_dupfd(int64_t ret, uint32_t min);

/* The two descriptors pipe2 or socketpair wrote: both valid, not the same. */
const char *iago_check_fdpair(int32_t fd0, int32_t fd1);

/*
 * A struct flock from F_GETLK/F_OFD_GETLK (@got, the enclave's copy of
 * what the host wrote) for the one the program passed (@asked), both
 * sizeof(struct flock) bytes: iago_check_flock's rules, and with no lock
 * found (F_UNLCK) the kernel writes only l_type, so nothing else changed.
 */
const char *iago_check_getlk(const void *got, const void *asked);

/* The byte count ioctl FIONREAD wrote. */
const char *iago_check_fionread(int64_t count);

/*
 * The enclave's copy of what getcwd wrote, @len bytes as it returned
 * (already checked against the buffer): the string and its NUL, exactly.
 */
const char *iago_check_cwd(const char *buf, uint64_t len);

/* A pid, tid, uid or gid the host reported: a pid_t/uid_t, not 0 when @positive. */
const char *iago_check_id(int64_t ret, int positive);

/* getppid's @ppid, in a process whose pid is @pid: an id, and not the process itself. */
const char *iago_check_parent(int64_t ppid, int64_t pid);

/* The previous umask: a mode (0 .. 0777), umask never fails. */
const char *iago_check_umask(int64_t ret);

/* A struct rlimit (prlimit64's old limit): the soft limit is at most the hard one. */
const char *iago_check_rlimit(uint64_t cur, uint64_t max);

/* getpriority's result: 20 - nice, 1 .. 40, or -errno. */
const char *iago_check_priority(int64_t ret);

/*
 * sched_getaffinity's result @ret for a mask of @asked bytes: the bytes
 * written, whole longs, at least one; or -errno.
 */
const char *iago_check_affinity(int64_t ret, uint64_t asked);

/* A struct tms: the four times are counts of clock ticks, not negative. */
const char *iago_check_tms(int64_t utime, int64_t stime, int64_t cutime, int64_t cstime);

/*
 * What a wait for a signal returned (pause; nanosleep while a signal is
 * awaited): 0 or -EINTR, never another error.
 */
const char *iago_check_interrupted(int64_t ret);

/* A struct timeval from the host: sec >= 0 and 0 <= usec < 10^6. */
const char *iago_check_timeval(int64_t sec, int64_t usec);

/* The id timer_create wrote: the kernel's ids start at 0. */
const char *iago_check_timer_id(int32_t id);

/* The flags fcntl F_GETFL returned: only open flags (the kernel's VALID_OPEN_FLAGS). */
const char *iago_check_open_flags(int64_t flags);

/*
 * A CLOCK_MONOTONIC reading @now, given @before, the latest reading any
 * thread had before this one was asked for: not earlier.
 */
const char *iago_check_monotonic(uint64_t before, uint64_t now);

/* A NUL appears within the first @len bytes of @s. */
const char *iago_check_string(const char *s, uint64_t len);

/*
 * A struct flock from F_GETLK/F_OFD_GETLK: a lock type, and for a lock
 * held, the range from the file's start as the kernel reports it.
 */
const char *iago_check_flock(int64_t type, int64_t whence, int64_t start, int64_t len);

/*
 * A socket address the host returned (accept, getsockname, getpeername,
 * recvfrom, recvmsg): @len as the kernel reports it, the full length of
 * the address even when the buffer was shorter, and @addr the enclave's
 * copy of the ENCL_SZ_SOCKADDR bytes it gave. No address is longer than
 * struct sockaddr_storage, and none of AF_INET, AF_INET6, AF_UNIX is
 * longer than its own structure.
 */
const char *iago_check_addrlen(uint64_t len, const void *addr);

/* A length the host wrote back (getsockopt's optlen, recvmsg's msg_controllen) is at most @given. */
const char *iago_check_buflen(uint64_t len, uint64_t given);

/*
 * @len bytes of control messages from recvmsg, in the enclave's copy:
 * each header fits in what remains, its cmsg_len covers the header and
 * does not run past the end, and SCM_RIGHTS carries whole non-negative
 * descriptors.
 */
const char *iago_check_cmsgs(const void *control, uint64_t len);

/* A struct timespec from the host: 0 <= nsec < 10^9 and sec >= 0. */
const char *iago_check_timespec(int64_t sec, int64_t nsec);

/*
 * A shared file mapping of @len bytes (page-rounded) the host placed at
 * @addr: page aligned, at a user address, entirely outside ELRANGE
 * (inside, the program would write enclave memory it believes shared).
 */
const char *iago_check_shared_map(uint64_t addr, uint64_t len, uint64_t base, uint64_t enclave_size);

/*
 * A struct statfs: the sizes a program divides or multiplies by are not
 * negative, and no more blocks are free than exist (used = blocks - free).
 */
const char *iago_check_statfs(int64_t bsize, int64_t frsize, int64_t namelen, uint64_t blocks,
			      uint64_t bfree, uint64_t bavail);

/*
 * A struct rusage as the kernel lays it out, IAGO_RUSAGE_LONGS longs: user
 * and system time (seconds, microseconds), then the counts. None is
 * negative, the microseconds are below 10^6.
 */
#define IAGO_RUSAGE_LONGS	18
const char *iago_check_rusage(const int64_t *v);

/*
 * A struct sysinfo: an uptime not negative, no more free than total
 * memory or swap, a memory unit.
 */
const char *iago_check_sysinfo(int64_t uptime, uint64_t totalram, uint64_t freeram,
			       uint64_t totalswap, uint64_t freeswap, uint32_t mem_unit);

/*
 * A remaining time the host wrote back (nanosleep's rem, ppoll's and
 * select's timeout): a valid timespec no longer than the @given one. A
 * longer one would make the enclave wait longer than it was asked.
 */
const char *iago_check_time_left(int64_t sec, int64_t nsec, int64_t given_sec, int64_t given_nsec);

/*
 * One entry of poll's array: @revents, as the host wrote it, for the @fd
 * and @events the program asked. Only what the kernel reports is allowed:
 * bits asked for, POLLERR, POLLHUP, POLLNVAL; nothing for a negative fd.
 */
const char *iago_check_poll_revents(int32_t fd, uint16_t events, uint16_t revents);

/* poll's result @ret for @nfds entries, @ready of which have revents set. */
const char *iago_check_poll_count(int64_t ret, uint64_t nfds, uint64_t ready);

/*
 * One fd_set select returned (@got, copied into the enclave) for the one
 * given (@given), both of @nfds bits: a subset. *@bits grows by the bits
 * set in @got.
 */
const char *iago_check_fdset(const uint64_t *given, const uint64_t *got, uint64_t nfds,
			     uint64_t *bits);

/* select's result @ret when the returned sets hold @bits bits. */
const char *iago_check_select_count(int64_t ret, uint64_t bits);

/*
 * The flags of struct epoll_event.events: how an fd is watched, never a
 * result bit.
 */
#define IAGO_EPOLL_FLAGS	((1U << 28) /* EXCLUSIVE */ | (1U << 29) /* WAKEUP */ | \
				 (1U << 30) /* ONESHOT */ | (1U << 31) /* ET */)
#define IAGO_EPOLL_ALWAYS	(0x008U /* EPOLLERR */ | 0x010U /* EPOLLHUP */)

/*
 * The events @got epoll_wait returned for an fd registered with
 * @registered (as the kernel keeps them: the events asked, EPOLLERR and
 * EPOLLHUP, and the flags; only the flags once EPOLLONESHOT disarmed it).
 */
const char *iago_check_epoll_events(uint32_t registered, uint32_t got);

/*
 * The ocall area: outside ELRANGE, 16-byte aligned, at least @min and at
 * most @max bytes.
 */
const char *iago_check_area(uint64_t addr, uint64_t size, uint64_t base, uint64_t enclave_size,
			    uint64_t min, uint64_t max);

/*
 * The start-up strings: @n pointers (already copied into the enclave) to
 * NUL-terminated strings in host memory. Each string, with its NUL, must
 * lie outside ELRANGE and be at most IAGO_MAX_STRLEN bytes. On success
 * @lens receives each length (without the NUL) and *@total grows by the
 * bytes the strings need; the caller copies exactly these lengths, so a
 * host changing a string afterwards cannot make it longer.
 */
const char *iago_check_strings(const uint64_t *ptrs, uint64_t n, uint64_t base,
			       uint64_t enclave_size, uint64_t *lens, uint64_t *total);

/*
 * sendfile with an offset: @ret bytes sent of @asked, and the offset the
 * host wrote back, @before and @after the call, moved by exactly that.
 */
const char *iago_check_sendfile(uint64_t asked, int64_t ret, int64_t before, int64_t after);

#endif

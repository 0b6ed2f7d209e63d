// SPDX-License-Identifier: MIT
/*
 * Pure checks on values the host returns or passes in (see iago.h). Built
 * into the trusted runtime and, unchanged, into the host unit test.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <unistd.h>

#include "enclave/shield/iago.h"

int iago_outside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size)
{
	uint64_t end = addr + len;

	if (end < addr)
		return 0;
	if (base + size < base)		/* a range that wraps covers everything */
		return 0;
	return end <= base || addr >= base + size;
}

int iago_inside(uint64_t addr, uint64_t len, uint64_t base, uint64_t size)
{
	uint64_t end = addr + len;

	if (end < addr || base + size < base)
		return 0;
	return addr >= base && end <= base + size;
}

int iago_negative_len(uint64_t len)
{
	return (int64_t)len < 0;
}

static int is_errno(int64_t ret)
{
	return ret < 0 && ret >= -IAGO_MAX_ERRNO;
}

/*
 * @base is the check of the result's kind: what it refuses, and an -errno
 * it accepts, stay as it says; any other result must also be @ok, or it
 * is the @lie.
 */
static const char *decided(const char *base, int64_t ret, int ok, const char *lie)
{
	if (base || ret < 0)
		return base;
	return ok ? 0 : lie;
}

const char *iago_check_zero(int64_t ret)
{
	if (ret == 0 || is_errno(ret))
		return 0;
	return "result is neither 0 nor -errno";
}

const char *iago_check_nonneg(int64_t ret)
{
	if (ret >= 0 || is_errno(ret))
		return 0;
	return "result is negative but not an errno";
}

const char *iago_check_fd(int64_t ret)
{
	if (is_errno(ret))
		return 0;
	if (ret < 0 || ret > 0x7fffffff)
		return "result is not a file descriptor";
	return 0;
}

const char *iago_check_count(int64_t ret, uint64_t asked)
{
	if (is_errno(ret))
		return 0;
	if (ret < 0)
		return "result is negative but not an errno";
	if ((uint64_t)ret > asked)
		return "result is larger than the request";
	return 0;
}

const char *iago_check_read(uint64_t asked, int64_t got)
{
	return iago_check_count(got, asked);
}

const char *iago_check_dirents(const void *buf, uint64_t len)
{
	const unsigned char *p = buf;
	uint64_t off = 0;

	while (off < len) {
		uint64_t left = len - off;
		uint64_t reclen, i;

		if (left < IAGO_DIRENT_NAME_OFF + 1)
			return "directory record header is cut off";
		reclen = iago_dirent_reclen(p + off);
		if (reclen < IAGO_DIRENT_NAME_OFF + 1)
			return "directory record is shorter than its header";
		if (reclen > left)
			return "directory record runs past the returned length";
		for (i = IAGO_DIRENT_NAME_OFF; i < reclen; i++)
			if (!p[off + i])
				break;
		if (i == reclen)
			return "directory entry name is not terminated inside its record";
		if (i == IAGO_DIRENT_NAME_OFF)
			return "directory entry name is empty";
		if (memchr(p + off + IAGO_DIRENT_NAME_OFF, '/', i - IAGO_DIRENT_NAME_OFF))
			return "directory entry name contains '/'";
		off += reclen;
	}
	return 0;
}

const char *iago_check_file(uint32_t mode, uint64_t size)
{
	switch (mode & S_IFMT) {
	case S_IFREG: case S_IFDIR: case S_IFCHR: case S_IFBLK:
	case S_IFIFO: case S_IFLNK: case S_IFSOCK:
	case 0:		/* an anonymous file (eventfd, epoll, timerfd): no type bits */
		break;
	default:
		return "file type is none of the seven";
	}
	if (size >= (uint64_t)IAGO_MAX_FILE_SIZE)
		return "file size is 4 EiB or more";
	return 0;
}

const char *iago_check_stat(uint32_t mode, int64_t size, int64_t blksize, int64_t blocks)
{
	if (size < 0 || blksize < 0 || blocks < 0)
		return "negative size in struct stat";
	return iago_check_file(mode, (uint64_t)size);
}

const char *iago_check_lseek(int64_t ret, uint64_t whence, uint64_t offset)
{
	return decided(iago_check_nonneg(ret), ret, whence != SEEK_SET || (uint64_t)ret == offset,
		       "SEEK_SET landed elsewhere");
}

const char *iago_check_dup_to(int64_t ret, uint32_t fd)
{
	return decided(iago_check_fd(ret), ret, (uint64_t)ret == fd,
		       "result is not the descriptor asked for");
}

const char *iago_check_dupfd(int64_t ret, uint32_t min)
{
	return decided(iago_check_fd(ret), ret, (uint64_t)ret >= min,
		       "duplicate is below the minimum asked for");
}

const char *iago_check_fdpair(int32_t fd0, int32_t fd1)
{
	if (fd0 < 0 || fd1 < 0 || fd0 == fd1)
		return "not two distinct descriptors";
	return 0;
}

/* The kernel's VALID_OPEN_FLAGS, with the access mode (3 included: ioctl only). */
#define IAGO_OPEN_FLAGS	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | \
			 O_NONBLOCK | O_DSYNC | O_SYNC | O_ASYNC | O_DIRECT | O_LARGEFILE | \
			 O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC | O_PATH | O_TMPFILE)

const char *iago_check_open_flags(int64_t flags)
{
	if (is_errno(flags))
		return 0;
	if (flags < 0 || flags & ~(int64_t)IAGO_OPEN_FLAGS)
		return "F_GETFL flags hold a bit no open flag has";
	return 0;
}

const char *iago_check_monotonic(uint64_t before, uint64_t now)
{
	if (now < before)
		return "CLOCK_MONOTONIC went backwards";
	return 0;
}

const char *iago_check_string(const char *s, uint64_t len)
{
	for (uint64_t i = 0; i < len; i++)
		if (!s[i])
			return 0;
	return "string is not NUL-terminated";
}

const char *iago_check_flock(int64_t type, int64_t whence, int64_t start, int64_t len)
{
	if (type != F_RDLCK && type != F_WRLCK && type != F_UNLCK)
		return "struct flock has no lock type";
	if (type != F_UNLCK && (whence != SEEK_SET || start < 0 || len < 0))
		return "struct flock range is not from the file's start";
	return 0;
}

const char *iago_check_getlk(const void *got, const void *asked)
{
	struct flock g, was;

	memcpy(&g, got, sizeof(g));
	memcpy(&was, asked, sizeof(was));
	if (g.l_type == F_UNLCK &&
	    (g.l_whence != was.l_whence || g.l_start != was.l_start || g.l_len != was.l_len ||
	     g.l_pid != was.l_pid))
		return "struct flock for F_UNLCK changed more than l_type";
	return iago_check_flock(g.l_type, g.l_whence, g.l_start, g.l_len);
}

const char *iago_check_fionread(int64_t count)
{
	if (count < 0)
		return "FIONREAD count is negative";
	return 0;
}

const char *iago_check_cwd(const char *buf, uint64_t len)
{
	if (!len)
		return "empty result";
	/* The first NUL is the last byte: no shorter string, none unterminated. */
	if (memchr(buf, 0, len) != buf + len - 1)
		return "result length does not match the string";
	return 0;
}

const char *iago_check_id(int64_t ret, int positive)
{
	if (ret < 0 || ret > 0x7fffffff || (positive && ret == 0))
		return "not a valid id";
	return 0;
}

const char *iago_check_parent(int64_t ppid, int64_t pid)
{
	return decided(iago_check_id(ppid, 0), ppid, ppid != pid, "the process is its own parent");
}

const char *iago_check_umask(int64_t ret)
{
	if (ret < 0 || ret > 0777)
		return "not a mode";
	return 0;
}

const char *iago_check_rlimit(uint64_t cur, uint64_t max)
{
	if (cur > max)
		return "soft limit above the hard limit";
	return 0;
}

const char *iago_check_priority(int64_t ret)
{
	return decided(iago_check_nonneg(ret), ret, ret >= 1 && ret <= 40,
		       "not a priority (1 .. 40)");
}

const char *iago_check_affinity(int64_t ret, uint64_t asked)
{
	return decided(iago_check_count(ret, asked), ret, ret && !(ret % 8),
		       "CPU mask is not a whole number of longs");
}

const char *iago_check_tms(int64_t utime, int64_t stime, int64_t cutime, int64_t cstime)
{
	if (utime < 0 || stime < 0 || cutime < 0 || cstime < 0)
		return "negative time in struct tms";
	return 0;
}

const char *iago_check_addrlen(uint64_t len, const void *addr)
{
	sa_family_t family;

	if (len > sizeof(struct sockaddr_storage))
		return "address length is larger than any socket address";
	if (len < sizeof(family))
		return 0;
	memcpy(&family, addr, sizeof(family));
	if ((family == AF_INET && len > sizeof(struct sockaddr_in)) ||
	    (family == AF_INET6 && len > sizeof(struct sockaddr_in6)) ||
	    (family == AF_UNIX && len > sizeof(struct sockaddr_un)))
		return "address length is larger than its family's address";
	return 0;
}

const char *iago_check_buflen(uint64_t len, uint64_t given)
{
	if (len > given)
		return "returned length is larger than the buffer given";
	return 0;
}

const char *iago_check_cmsgs(const void *control, uint64_t len)
{
	const unsigned char *p = control;
	uint64_t off = 0;

	/* A tail shorter than a header holds no message (CMSG_NXTHDR stops there). */
	while (len - off >= sizeof(struct cmsghdr)) {
		struct cmsghdr h;
		uint64_t left = len - off, step;

		memcpy(&h, p + off, sizeof(h));
		if (h.cmsg_len < sizeof(h))
			return "control message is shorter than its header";
		if (h.cmsg_len > left)
			return "control message runs past the returned control length";
		if (h.cmsg_level == SOL_SOCKET && h.cmsg_type == SCM_RIGHTS) {
			uint64_t n = h.cmsg_len - sizeof(h);

			if (n % sizeof(int))
				return "SCM_RIGHTS carries a partial descriptor";
			for (uint64_t i = 0; i < n; i += sizeof(int)) {
				int fd;

				memcpy(&fd, p + off + sizeof(h) + i, sizeof(fd));
				if (fd < 0)
					return "SCM_RIGHTS carries a negative descriptor";
			}
		}
		step = (h.cmsg_len + sizeof(size_t) - 1) & ~(uint64_t)(sizeof(size_t) - 1);
		off += step < left ? step : left;
	}
	return 0;
}

const char *iago_check_timespec(int64_t sec, int64_t nsec)
{
	if (sec < 0)
		return "negative seconds";
	if (nsec < 0 || nsec >= 1000000000)
		return "nanoseconds out of range";
	return 0;
}

const char *iago_check_interrupted(int64_t ret)
{
	if (ret != 0 && ret != -EINTR)
		return "a sleep for a signal fails only with EINTR";
	return 0;
}

const char *iago_check_timeval(int64_t sec, int64_t usec)
{
	if (sec < 0 || usec < 0 || usec >= 1000000)
		return "timeval out of range";
	return 0;
}

const char *iago_check_timer_id(int32_t id)
{
	if (id < 0)
		return "negative timer id";
	return 0;
}

const char *iago_check_area(uint64_t addr, uint64_t size, uint64_t base, uint64_t enclave_size,
			    uint64_t min, uint64_t max)
{
	if (!addr)
		return "ocall area is missing";
	if (addr & 15)
		return "ocall area is not 16-byte aligned";
	if (size < min)
		return "ocall area is too small";
	if (size > max)
		return "ocall area is too large";
	if (!iago_outside(addr, size, base, enclave_size))
		return "ocall area overlaps the enclave";
	return 0;
}

/* The lowest address user space has (mmap_min_addr) and the end of a 47-bit user half. */
#define USER_LO		0x10000
#define USER_END	(UINT64_C(1) << 47)

const char *iago_check_shared_map(uint64_t addr, uint64_t len, uint64_t base, uint64_t enclave_size)
{
	if (addr & 4095)
		return "shared mapping is not page aligned";
	if (addr < USER_LO || addr + len < addr || addr + len > USER_END)
		return "shared mapping is not at a user address";
	if (!iago_outside(addr, len, base, enclave_size))
		return "shared mapping lies inside the enclave";
	return 0;
}

const char *iago_check_statfs(int64_t bsize, int64_t frsize, int64_t namelen, uint64_t blocks,
			      uint64_t bfree, uint64_t bavail)
{
	if (bsize < 0 || frsize < 0 || namelen < 0)
		return "negative size in struct statfs";
	if (bfree > blocks || bavail > blocks)
		return "struct statfs has more free blocks than blocks";
	return 0;
}

const char *iago_check_rusage(const int64_t *v)
{
	for (int i = 0; i < IAGO_RUSAGE_LONGS; i++)
		if (v[i] < 0)
			return "negative value in struct rusage";
	if (v[1] >= 1000000 || v[3] >= 1000000)
		return "microseconds out of range in struct rusage";
	return 0;
}

const char *iago_check_sysinfo(int64_t uptime, uint64_t totalram, uint64_t freeram,
			       uint64_t totalswap, uint64_t freeswap, uint32_t mem_unit)
{
	if (uptime < 0)
		return "negative uptime in struct sysinfo";
	if (freeram > totalram || freeswap > totalswap)
		return "struct sysinfo has more free memory than memory";
	if (!mem_unit)
		return "struct sysinfo has no memory unit";
	return 0;
}

const char *iago_check_strings(const uint64_t *ptrs, uint64_t n, uint64_t base,
			       uint64_t enclave_size, uint64_t *lens, uint64_t *total)
{
	for (uint64_t i = 0; i < n; i++) {
		const volatile char *s = (const volatile char *)(uintptr_t)ptrs[i];
		uint64_t len = 0;

		if (!ptrs[i])
			return "NULL string pointer";
		/*
		 * Check each byte's address before reading it, so that a string
		 * running into ELRANGE is refused before the enclave reads
		 * (and later copies) its own memory as if it were an argument.
		 */
		for (;;) {
			if (len > IAGO_MAX_STRLEN)
				return "string is too long";
			if (!iago_outside(ptrs[i] + len, 1, base, enclave_size))
				return "string lies inside the enclave";
			if (!s[len])
				break;
			len++;
		}
		lens[i] = len;
		*total += len + 1 + sizeof(uint64_t);
		if (*total > IAGO_MAX_ARGBYTES)
			return "arguments and environment are too large";
	}
	return 0;
}

const char *iago_check_time_left(int64_t sec, int64_t nsec, int64_t given_sec, int64_t given_nsec)
{
	const char *why = iago_check_timespec(sec, nsec);

	if (why)
		return why;
	if (sec > given_sec || (sec == given_sec && nsec > given_nsec))
		return "time left is longer than the time given";
	return 0;
}

#define POLL_ALWAYS	(0x008 /* POLLERR */ | 0x010 /* POLLHUP */ | 0x020 /* POLLNVAL */)

const char *iago_check_poll_revents(int32_t fd, uint16_t events, uint16_t revents)
{
	if (fd < 0)
		return revents ? "poll reported events for a negative fd, which is not polled" : 0;
	if (revents & ~(events | POLL_ALWAYS))
		return "poll reported events that were not asked for";
	return 0;
}

const char *iago_check_poll_count(int64_t ret, uint64_t nfds, uint64_t ready)
{
	return decided(iago_check_count(ret, nfds), ret, (uint64_t)ret == ready,
		       "poll's count is not the number of entries with events");
}

const char *iago_check_fdset(const uint64_t *given, const uint64_t *got, uint64_t nfds,
			     uint64_t *bits)
{
	for (uint64_t i = 0; i < (nfds + 63) / 64; i++) {
		uint64_t valid = nfds - 64 * i >= 64 ? ~0ULL : (1ULL << (nfds - 64 * i)) - 1;

		if (got[i] & ~(given[i] & valid))
			return "select returned an fd that was not asked for";
		*bits += (uint64_t)__builtin_popcountll(got[i]);
	}
	return 0;
}

const char *iago_check_select_count(int64_t ret, uint64_t bits)
{
	return decided(iago_check_nonneg(ret), ret, (uint64_t)ret == bits,
		       "select's count is not the number of fds in the sets it returned");
}

const char *iago_check_epoll_events(uint32_t registered, uint32_t got)
{
	if (!got)
		return "epoll_wait returned an event without event bits";
	if (got & ~(registered & ~IAGO_EPOLL_FLAGS))
		return "epoll_wait returned events the fd is not registered for";
	return 0;
}

const char *iago_check_sendfile(uint64_t asked, int64_t ret, int64_t before, int64_t after)
{
	return decided(iago_check_count(ret, asked), ret,
		       (uint64_t)after == (uint64_t)before + (uint64_t)ret,
		       "sendfile moved the offset by other than the bytes sent");
}

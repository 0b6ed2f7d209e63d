// SPDX-License-Identifier: MIT
/*
 * The trusted runtime's checks on host results (enclave/shield/iago.c), run on the
 * host: the file is compiled in as it is, with a pretend ELRANGE.
 */
#include <errno.h>
#include <poll.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/epoll.h>

#include "enclave/shield/iago.c"
#include "tests/harness.h"

/*
 * A pretend enclave: [BASE, BASE + SIZE), never touched, only compared.
 * At 1 TiB no buffer of the test can lie in it: mmap places memory near
 * the top of the address space, and ASan keeps this range as its shadow
 * gap. (Near 0x7f0000000000, a large malloc sometimes landed inside.)
 */
#define BASE	0x10000000000ULL
#define SIZE	0x100000000ULL

static void test_read_counts(void)
{
	CHECK(iago_check_read(100, 100) == NULL);
	CHECK(iago_check_read(100, 0) == NULL);
	CHECK(iago_check_read(100, -9) == NULL);		/* -EBADF */
	CHECK(iago_check_read(100, -133) == NULL);
	CHECK_STR_CONTAINS(iago_check_read(100, -4095), "not an errno");
	CHECK_STR_CONTAINS(iago_check_read(100, 101), "larger than the request");
	CHECK_STR_CONTAINS(iago_check_read(0, 1), "larger");
	CHECK_STR_CONTAINS(iago_check_read(100, -4096), "not an errno");
	CHECK_STR_CONTAINS(iago_check_read(100, INT64_MIN), "not an errno");
}

static void test_results(void)
{
	CHECK(iago_check_zero(0) == NULL);
	CHECK(iago_check_zero(-2) == NULL);
	CHECK(iago_check_zero(1) != NULL);
	CHECK(iago_check_zero(-5000) != NULL);
	CHECK(iago_check_fd(3) == NULL);
	CHECK(iago_check_fd(-24) == NULL);
	CHECK(iago_check_fd(0x80000000LL) != NULL);
	CHECK(iago_check_fd(-100000) != NULL);
	CHECK(iago_check_nonneg(1LL << 40) == NULL);
	CHECK(iago_check_nonneg(-70000) != NULL);
	CHECK(iago_check_flock(F_UNLCK, 99, -1, -1) == NULL);	/* only the type is written */
	CHECK(iago_check_flock(F_WRLCK, SEEK_SET, 0, 0) == NULL);	/* to the end of the file */
	CHECK(iago_check_flock(F_RDLCK, SEEK_SET, 50, 10) == NULL);
	CHECK_STR_CONTAINS(iago_check_flock(3, SEEK_SET, 0, 0), "no lock type");
	CHECK_STR_CONTAINS(iago_check_flock(F_WRLCK, SEEK_CUR, 0, 0), "not from the file's start");
	CHECK_STR_CONTAINS(iago_check_flock(F_WRLCK, SEEK_SET, -1, 0), "not from the file's start");
	CHECK_STR_CONTAINS(iago_check_flock(F_WRLCK, SEEK_SET, 0, -1), "not from the file's start");
	CHECK(iago_check_timespec(5, 999999999) == NULL);
	CHECK(iago_check_timespec(5, 1000000000) != NULL);
	CHECK(iago_check_timespec(5, -1) != NULL);
	CHECK(iago_check_timespec(-1, 0) != NULL);
}

static void test_negative_length(void)
{
	CHECK(iago_negative_len((uint64_t)-1));
	CHECK(iago_negative_len(1ULL << 63));
	CHECK(!iago_negative_len(0));
	CHECK(!iago_negative_len(INT64_MAX));
}

static void test_ranges(void)
{
	/* A host "buffer" inside ELRANGE, straddling either edge, or wrapping. */
	CHECK(!iago_outside(BASE + 0x1000, 16, BASE, SIZE));
	CHECK(!iago_outside(BASE - 8, 16, BASE, SIZE));
	CHECK(!iago_outside(BASE + SIZE - 8, 16, BASE, SIZE));
	CHECK(!iago_outside(UINT64_MAX - 4, 16, BASE, SIZE));
	CHECK(!iago_outside(0, UINT64_MAX, BASE, SIZE));
	CHECK(iago_outside(BASE - 16, 16, BASE, SIZE));
	CHECK(iago_outside(BASE + SIZE, 16, BASE, SIZE));
	CHECK(iago_inside(BASE, SIZE, BASE, SIZE));
	CHECK(!iago_inside(BASE, SIZE + 1, BASE, SIZE));
	CHECK(!iago_inside(BASE - 1, 2, BASE, SIZE));
}

static void test_ocall_area(void)
{
	CHECK(iago_check_area(BASE - 0x10000, 0x10000, BASE, SIZE, 0x2000, 1 << 30) == NULL);
	CHECK_STR_CONTAINS(iago_check_area(BASE + 0x1000, 0x10000, BASE, SIZE, 0x2000, 1 << 30),
			   "overlaps the enclave");
	CHECK_STR_CONTAINS(iago_check_area(BASE - 0x1000, 0x10000, BASE, SIZE, 0x2000, 1 << 30),
			   "overlaps the enclave");
	CHECK_STR_CONTAINS(iago_check_area(0x1008, 0x10000, BASE, SIZE, 0x2000, 1 << 30), "aligned");
	CHECK_STR_CONTAINS(iago_check_area(0x1000, 0x100, BASE, SIZE, 0x2000, 1 << 30), "too small");
	CHECK_STR_CONTAINS(iago_check_area(0, 0x10000, BASE, SIZE, 0x2000, 1 << 30), "missing");
}

static void test_shared_map(void)
{
	CHECK(iago_check_shared_map(BASE - 0x10000, 0x10000, BASE, SIZE) == NULL);
	CHECK(iago_check_shared_map(BASE + SIZE, 0x1000, BASE, SIZE) == NULL);
	CHECK_STR_CONTAINS(iago_check_shared_map(BASE, 0x1000, BASE, SIZE), "inside the enclave");
	CHECK_STR_CONTAINS(iago_check_shared_map(BASE - 0x1000, 0x2000, BASE, SIZE), "inside the enclave");
	CHECK_STR_CONTAINS(iago_check_shared_map(BASE - 0x10800, 0x1000, BASE, SIZE), "page aligned");
	CHECK_STR_CONTAINS(iago_check_shared_map(0, 0x1000, BASE, SIZE), "user address");
	CHECK_STR_CONTAINS(iago_check_shared_map(UINT64_C(1) << 47, 0x1000, BASE, SIZE), "user address");
	CHECK_STR_CONTAINS(iago_check_shared_map(0x7ffffffff000, 0x2000, BASE, SIZE), "user address");
}

static void test_statfs(void)
{
	CHECK(iago_check_statfs(4096, 4096, 255, 100, 50, 40) == NULL);
	CHECK(iago_check_statfs(4096, 4096, 255, 0, 0, 0) == NULL);
	CHECK_STR_CONTAINS(iago_check_statfs(-4096, 4096, 255, 100, 50, 40), "negative");
	CHECK_STR_CONTAINS(iago_check_statfs(4096, -1, 255, 100, 50, 40), "negative");
	CHECK_STR_CONTAINS(iago_check_statfs(4096, 4096, -1, 100, 50, 40), "negative");
	CHECK_STR_CONTAINS(iago_check_statfs(4096, 4096, 255, 100, 101, 40), "more free blocks");
	CHECK_STR_CONTAINS(iago_check_statfs(4096, 4096, 255, 100, 50, 101), "more free blocks");
}

static void test_rusage_sysinfo(void)
{
	int64_t ru[IAGO_RUSAGE_LONGS] = { 1, 999999, 0, 5, 4096 };

	CHECK(iago_check_rusage(ru) == NULL);
	ru[1] = 1000000;
	CHECK_STR_CONTAINS(iago_check_rusage(ru), "microseconds");
	ru[1] = 0;
	ru[17] = -1;
	CHECK_STR_CONTAINS(iago_check_rusage(ru), "negative");
	CHECK(iago_check_sysinfo(7, 100, 50, 0, 0, 1) == NULL);
	CHECK(iago_check_sysinfo(0, 100, 100, 10, 10, 4096) == NULL);
	CHECK_STR_CONTAINS(iago_check_sysinfo(-1, 100, 50, 0, 0, 1), "negative uptime");
	CHECK_STR_CONTAINS(iago_check_sysinfo(7, 100, 101, 0, 0, 1), "more free");
	CHECK_STR_CONTAINS(iago_check_sysinfo(7, 100, 50, 10, 11, 1), "more free");
	CHECK_STR_CONTAINS(iago_check_sysinfo(7, 100, 50, 0, 0, 0), "memory unit");
}

/* Append one linux_dirent64 record with @reclen (0: the natural size). */
static size_t put_dirent(unsigned char *buf, size_t off, const char *name, unsigned reclen)
{
	size_t natural = (19 + strlen(name) + 1 + 7) & ~7UL;

	if (!reclen)
		reclen = (unsigned)natural;
	memset(buf + off, 0, reclen);
	buf[off + 16] = reclen & 0xff;
	buf[off + 17] = reclen >> 8;
	memcpy(buf + off + 19, name, strlen(name) < reclen - 19 ? strlen(name) : reclen - 19);
	return off + reclen;
}

static void test_dirents(void)
{
	unsigned char buf[512];
	size_t n;

	n = put_dirent(buf, 0, ".", 0);
	n = put_dirent(buf, n, "..", 0);
	n = put_dirent(buf, n, "a-longer-file-name.txt", 0);
	CHECK(iago_check_dirents(buf, n) == NULL);
	CHECK(iago_check_dirents(buf, 0) == NULL);

	/* A length that cuts the last record. */
	CHECK_STR_CONTAINS(iago_check_dirents(buf, n - 1), "runs past");
	/* A length that leaves less than a header. */
	CHECK_STR_CONTAINS(iago_check_dirents(buf, 24 + 5), "cut off");

	/* d_reclen too small to hold the header and a name. */
	n = put_dirent(buf, 0, "x", 0);
	buf[16] = 12;
	CHECK_STR_CONTAINS(iago_check_dirents(buf, 24), "shorter than its header");
	/* d_reclen of 0 would make a reader loop forever. */
	buf[16] = 0;
	CHECK_STR_CONTAINS(iago_check_dirents(buf, 24), "shorter than its header");
	/* d_reclen past the returned length. */
	buf[16] = 200;
	CHECK_STR_CONTAINS(iago_check_dirents(buf, 24), "runs past");

	/* A name that fills its record without a NUL. */
	n = put_dirent(buf, 0, "abcde", 24);
	memset(buf + 19, 'z', 5);
	CHECK_STR_CONTAINS(iago_check_dirents(buf, n), "not terminated");

	/* Names no directory holds: empty, or with a '/'. */
	n = put_dirent(buf, 0, "", 0);
	CHECK_STR_CONTAINS(iago_check_dirents(buf, n), "empty");
	n = put_dirent(buf, 0, "a/b", 0);
	CHECK_STR_CONTAINS(iago_check_dirents(buf, n), "contains '/'");
}

static void test_strings(void)
{
	static char a0[] = "prog", a1[] = "arg";
	char *longstr = malloc(IAGO_MAX_STRLEN + 2);
	uint64_t ptrs[2], lens[2], total = 0;

	ptrs[0] = (uintptr_t)a0;
	ptrs[1] = (uintptr_t)a1;
	/* ELRANGE somewhere else: accepted, with lengths. */
	CHECK(iago_check_strings(ptrs, 2, BASE, SIZE, lens, &total) == NULL);
	CHECK_EQ_INT(lens[0], 4);
	CHECK_EQ_INT(lens[1], 3);
	CHECK_EQ_INT(total, 4 + 1 + 8 + 3 + 1 + 8);

	/* An argv pointer inside ELRANGE: the pretend enclave covers a1. */
	total = 0;
	CHECK_STR_CONTAINS(iago_check_strings(ptrs, 2, (uintptr_t)a1, 16, lens, &total),
			   "inside the enclave");
	/* A string that runs into ELRANGE. */
	total = 0;
	CHECK_STR_CONTAINS(iago_check_strings(ptrs, 1, (uintptr_t)a0 + 2, 16, lens, &total),
			   "inside the enclave");
	/* NULL pointers and strings that are too long. */
	ptrs[0] = 0;
	CHECK_STR_CONTAINS(iago_check_strings(ptrs, 1, BASE, SIZE, lens, &total), "NULL");
	memset(longstr, 'x', IAGO_MAX_STRLEN + 1);
	longstr[IAGO_MAX_STRLEN + 1] = 0;
	ptrs[0] = (uintptr_t)longstr;
	total = 0;
	CHECK_STR_CONTAINS(iago_check_strings(ptrs, 1, BASE, SIZE, lens, &total), "too long");
	/* Too much in total. */
	longstr[IAGO_MAX_STRLEN - 1] = 0;
	total = IAGO_MAX_ARGBYTES - 100;
	CHECK_STR_CONTAINS(iago_check_strings(ptrs, 1, BASE, SIZE, lens, &total), "too large");
	free(longstr);
}

static void test_string_terminated(void)
{
	CHECK(iago_check_string("abc", 4) == NULL);
	CHECK(iago_check_string("abc", 3) != NULL);
}

static void test_socket_addresses(void)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	ss.ss_family = AF_INET;
	CHECK(iago_check_addrlen(16, &ss) == NULL);
	CHECK(iago_check_addrlen(0, &ss) == NULL);		/* recvfrom on a stream socket */
	CHECK(iago_check_addrlen(1, &ss) == NULL);		/* shorter than a family: nothing to say */
	CHECK_STR_CONTAINS(iago_check_addrlen(28, &ss), "larger than its family's");
	ss.ss_family = AF_INET6;
	CHECK(iago_check_addrlen(28, &ss) == NULL);
	CHECK_STR_CONTAINS(iago_check_addrlen(29, &ss), "larger than its family's");
	ss.ss_family = AF_UNIX;
	CHECK(iago_check_addrlen(2, &ss) == NULL);		/* unnamed */
	CHECK(iago_check_addrlen(sizeof(struct sockaddr_un), &ss) == NULL);
	CHECK_STR_CONTAINS(iago_check_addrlen(sizeof(struct sockaddr_un) + 1, &ss), "larger than its family's");
	ss.ss_family = AF_NETLINK;
	CHECK(iago_check_addrlen(sizeof(ss), &ss) == NULL);
	CHECK_STR_CONTAINS(iago_check_addrlen(sizeof(ss) + 1, &ss), "larger than any socket address");
	CHECK_STR_CONTAINS(iago_check_addrlen(UINT32_MAX, &ss), "larger than any socket address");
	CHECK(iago_check_buflen(4, 4) == NULL);
	CHECK(iago_check_buflen(0, 4) == NULL);
	CHECK_STR_CONTAINS(iago_check_buflen(5, 4), "larger than the buffer given");
}

/* Control messages laid out by CMSG_* as a kernel writes them. */
static void test_control_messages(void)
{
	union { struct cmsghdr h; unsigned char b[256]; } u;
	struct msghdr m = { .msg_control = u.b, .msg_controllen = sizeof(u.b) };
	struct cmsghdr *c;
	int fds[2] = { 3, 7 };

	memset(&u, 0, sizeof(u));
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	c = CMSG_NXTHDR(&m, c);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_CREDENTIALS;
	c->cmsg_len = CMSG_LEN(12);
	m.msg_controllen = CMSG_SPACE(sizeof(fds)) + CMSG_SPACE(12);
	CHECK(iago_check_cmsgs(u.b, m.msg_controllen) == NULL);
	CHECK(iago_check_cmsgs(u.b, 0) == NULL);
	CHECK(iago_check_cmsgs(u.b, CMSG_LEN(sizeof(fds))) == NULL);	/* the last one unpadded */
	CHECK(iago_check_cmsgs(u.b, CMSG_SPACE(sizeof(fds)) + 8) == NULL);	/* a tail shorter than a header */
	CHECK_STR_CONTAINS(iago_check_cmsgs(u.b, CMSG_LEN(sizeof(fds)) - 1), "runs past");
	c->cmsg_len = m.msg_controllen;
	CHECK_STR_CONTAINS(iago_check_cmsgs(u.b, m.msg_controllen), "runs past");
	c->cmsg_len = 4;
	CHECK_STR_CONTAINS(iago_check_cmsgs(u.b, m.msg_controllen), "shorter than its header");
	c->cmsg_len = CMSG_LEN(12);
	c = CMSG_FIRSTHDR(&m);
	c->cmsg_len = CMSG_LEN(sizeof(fds)) - 1;
	CHECK_STR_CONTAINS(iago_check_cmsgs(u.b, m.msg_controllen), "partial descriptor");
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	fds[1] = -7;
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	CHECK_STR_CONTAINS(iago_check_cmsgs(u.b, m.msg_controllen), "negative descriptor");
}

static void test_time_left(void)
{
	CHECK(iago_check_time_left(1, 500, 1, 500) == NULL);
	CHECK(iago_check_time_left(0, 999999999, 1, 0) == NULL);
	CHECK(iago_check_time_left(0, 0, 0, 0) == NULL);
	CHECK_STR_CONTAINS(iago_check_time_left(1, 501, 1, 500), "longer than the time given");
	CHECK_STR_CONTAINS(iago_check_time_left(2, 0, 1, 999999999), "longer");
	CHECK_STR_CONTAINS(iago_check_time_left(0, 1000000000, 5, 0), "nanoseconds out of range");
	CHECK(iago_check_time_left(-1, 0, 5, 0) != NULL);
}

static void test_poll(void)
{
	CHECK(iago_check_poll_revents(3, POLLIN, 0) == NULL);
	CHECK(iago_check_poll_revents(3, POLLIN, POLLIN) == NULL);
	CHECK(iago_check_poll_revents(3, POLLIN, POLLIN | POLLHUP) == NULL);
	CHECK(iago_check_poll_revents(3, 0, POLLERR | POLLNVAL) == NULL);
	CHECK(iago_check_poll_revents(-1, POLLIN, 0) == NULL);
	CHECK_STR_CONTAINS(iago_check_poll_revents(3, POLLIN, POLLOUT), "not asked for");
	CHECK_STR_CONTAINS(iago_check_poll_revents(-1, POLLIN, POLLIN), "negative fd");
	CHECK_STR_CONTAINS(iago_check_poll_revents(-5, 0, POLLNVAL), "negative fd");
	CHECK(iago_check_poll_count(2, 3, 2) == NULL);
	CHECK(iago_check_poll_count(0, 0, 0) == NULL);
	CHECK(iago_check_poll_count(-4, 3, 0) == NULL);		/* -EINTR */
	CHECK_STR_CONTAINS(iago_check_poll_count(4, 3, 3), "larger than the request");
	CHECK_STR_CONTAINS(iago_check_poll_count(1, 3, 2), "not the number of entries");
	CHECK_STR_CONTAINS(iago_check_poll_count(2, 3, 1), "not the number of entries");
}

static void test_select(void)
{
	uint64_t given[2] = { 0x0f, 0x1 }, got[2] = { 0x05, 0x1 }, bits = 0;

	CHECK(iago_check_fdset(given, got, 65, &bits) == NULL);
	CHECK(bits == 3);
	CHECK(iago_check_select_count(3, bits) == NULL);
	CHECK_STR_CONTAINS(iago_check_select_count(2, bits), "not the number of fds");
	CHECK(iago_check_select_count(-4, 0) == NULL);
	got[0] = 0x10;		/* fd 4, not asked */
	bits = 0;
	CHECK_STR_CONTAINS(iago_check_fdset(given, got, 65, &bits), "not asked for");
	got[0] = 0;
	given[1] = 0x3;
	got[1] = 0x2;		/* fd 65: asked, but beyond nfds */
	CHECK_STR_CONTAINS(iago_check_fdset(given, got, 65, &bits), "not asked for");
	given[0] = ~0ULL;
	got[0] = ~0ULL;
	got[1] = 0;
	bits = 0;
	CHECK(iago_check_fdset(given, got, 64, &bits) == NULL);
	CHECK(bits == 64);
}

static void test_files_flags_clock(void)
{
	CHECK(iago_check_parent(1, 4242) == NULL);
	CHECK(iago_check_parent(0, 4242) == NULL);	/* a parent in another pid namespace */
	CHECK_STR_CONTAINS(iago_check_parent(4242, 4242), "its own parent");
	CHECK_STR_CONTAINS(iago_check_parent(-1, 4242), "not a valid id");
	CHECK(iago_check_sendfile(100, 40, 1000, 1040) == NULL);
	CHECK(iago_check_sendfile(100, 0, 5, 5) == NULL);
	CHECK(iago_check_sendfile(100, -EBADF, 5, 77) == NULL);	/* a failure leaves it to the program */
	CHECK_STR_CONTAINS(iago_check_sendfile(100, 40, 1000, 1041), "moved the offset");
	CHECK_STR_CONTAINS(iago_check_sendfile(100, 40, INT64_MAX, INT64_MIN), "moved the offset");
	CHECK_STR_CONTAINS(iago_check_sendfile(100, 101, 0, 101), "larger than the request");
	CHECK(iago_check_file(S_IFREG | 0644, 100) == NULL);
	CHECK(iago_check_file(S_IFSOCK, 0) == NULL);
	CHECK(iago_check_file(S_IFDIR, (UINT64_C(1) << 62) - 1) == NULL);
	CHECK_STR_CONTAINS(iago_check_file(S_IFMT | 0644, 0), "file type");
	CHECK(iago_check_file(0600, 0) == NULL);	/* an eventfd's, epoll's or timerfd's */
	CHECK_STR_CONTAINS(iago_check_file(0070000 | 0644, 0), "file type");
	CHECK_STR_CONTAINS(iago_check_file(S_IFREG, UINT64_C(1) << 62), "4 EiB");
	CHECK(iago_check_open_flags(O_RDWR | O_APPEND | O_NONBLOCK | O_LARGEFILE) == NULL);
	CHECK(iago_check_open_flags(-9) == NULL);
	CHECK_STR_CONTAINS(iago_check_open_flags(O_RDONLY | 1 << 30), "no open flag");
	CHECK_STR_CONTAINS(iago_check_open_flags(-4095), "no open flag");
	CHECK(iago_check_monotonic(5, 5) == NULL);
	CHECK(iago_check_monotonic(0, 7) == NULL);
	CHECK_STR_CONTAINS(iago_check_monotonic(7, 6), "backwards");
}

static void test_descriptors(void)
{
	CHECK(iago_check_lseek(100, SEEK_SET, 100) == NULL);
	CHECK(iago_check_lseek(-22, SEEK_SET, 100) == NULL);		/* -EINVAL */
	CHECK(iago_check_lseek(4096, SEEK_END, 0) == NULL);
	CHECK(iago_check_lseek(4096, SEEK_CUR, 100) == NULL);
	CHECK_STR_CONTAINS(iago_check_lseek(0, SEEK_SET, 100), "SEEK_SET landed elsewhere");
	CHECK_STR_CONTAINS(iago_check_lseek(101, SEEK_SET, 100), "SEEK_SET landed elsewhere");
	CHECK_STR_CONTAINS(iago_check_lseek(-4096, SEEK_CUR, 0), "not an errno");
	CHECK(iago_check_dup_to(7, 7) == NULL);
	CHECK(iago_check_dup_to(-9, 7) == NULL);			/* -EBADF */
	CHECK_STR_CONTAINS(iago_check_dup_to(3, 7), "not the descriptor asked for");
	CHECK_STR_CONTAINS(iago_check_dup_to(7 + (1LL << 32), 7), "not a file descriptor");
	CHECK(iago_check_dupfd(10, 10) == NULL);
	CHECK(iago_check_dupfd(12, 10) == NULL);
	CHECK(iago_check_dupfd(-24, 10) == NULL);			/* -EMFILE */
	CHECK_STR_CONTAINS(iago_check_dupfd(9, 10), "below the minimum");
	CHECK_STR_CONTAINS(iago_check_dupfd(0, 10), "below the minimum");
	CHECK_STR_CONTAINS(iago_check_dupfd(-200, 10), "not a file descriptor");
	CHECK(iago_check_fdpair(3, 4) == NULL);
	CHECK(iago_check_fdpair(0, 1) == NULL);
	CHECK_STR_CONTAINS(iago_check_fdpair(3, 3), "not two distinct descriptors");
	CHECK_STR_CONTAINS(iago_check_fdpair(-1, 4), "not two distinct descriptors");
	CHECK_STR_CONTAINS(iago_check_fdpair(3, -1), "not two distinct descriptors");
	CHECK(iago_check_fionread(0) == NULL);
	CHECK(iago_check_fionread(0x7fffffff) == NULL);
	CHECK_STR_CONTAINS(iago_check_fionread(-1), "FIONREAD count is negative");
}

static void test_stat_lock(void)
{
	struct flock asked = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 10, .l_len = 5 };
	struct flock got = asked;

	CHECK(iago_check_stat(S_IFREG | 0644, 100, 4096, 8) == NULL);
	CHECK(iago_check_stat(S_IFDIR, 0, 0, 0) == NULL);
	CHECK_STR_CONTAINS(iago_check_stat(S_IFREG, -1, 4096, 8), "negative size in struct stat");
	CHECK_STR_CONTAINS(iago_check_stat(S_IFREG, 100, -4096, 8), "negative size in struct stat");
	CHECK_STR_CONTAINS(iago_check_stat(S_IFREG, 100, 4096, -8), "negative size in struct stat");
	CHECK_STR_CONTAINS(iago_check_stat(S_IFMT | 0644, 100, 4096, 8), "file type");
	CHECK_STR_CONTAINS(iago_check_stat(S_IFREG, INT64_C(1) << 62, 4096, 8), "4 EiB");

	/* A lock held: the holder's range from the file's start, and its pid. */
	got.l_pid = 1234;
	CHECK(iago_check_getlk(&got, &asked) == NULL);
	got.l_whence = SEEK_CUR;
	CHECK_STR_CONTAINS(iago_check_getlk(&got, &asked), "not from the file's start");
	/* No lock: only l_type becomes F_UNLCK. */
	got = asked;
	got.l_type = F_UNLCK;
	CHECK(iago_check_getlk(&got, &asked) == NULL);
	got.l_pid = 1;
	CHECK_STR_CONTAINS(iago_check_getlk(&got, &asked), "for F_UNLCK changed more than l_type");
	got.l_pid = 0;
	got.l_start = 0;
	CHECK_STR_CONTAINS(iago_check_getlk(&got, &asked), "for F_UNLCK changed more than l_type");
	got.l_start = asked.l_start;
	got.l_type = 7;
	CHECK_STR_CONTAINS(iago_check_getlk(&got, &asked), "no lock type");
}

static void test_cwd(void)
{
	CHECK(iago_check_cwd("/", 2) == NULL);
	CHECK(iago_check_cwd("/home/user", 11) == NULL);
	CHECK_STR_CONTAINS(iago_check_cwd("/", 0), "empty result");
	/* The length says more than the string, or less: a NUL inside, or none at the end. */
	CHECK_STR_CONTAINS(iago_check_cwd("/a\0bc", 5), "length does not match the string");
	CHECK_STR_CONTAINS(iago_check_cwd("/abc", 3), "length does not match the string");
}

static void test_process(void)
{
	CHECK(iago_check_id(1, 1) == NULL);
	CHECK(iago_check_id(0, 0) == NULL);				/* root, or getppid's 0 */
	CHECK(iago_check_id(0x7fffffff, 1) == NULL);
	CHECK_STR_CONTAINS(iago_check_id(0, 1), "not a valid id");
	CHECK_STR_CONTAINS(iago_check_id(-1, 0), "not a valid id");
	CHECK_STR_CONTAINS(iago_check_id(0x80000000LL, 0), "not a valid id");
	CHECK(iago_check_umask(0) == NULL);
	CHECK(iago_check_umask(022) == NULL);
	CHECK(iago_check_umask(0777) == NULL);
	CHECK_STR_CONTAINS(iago_check_umask(01000), "not a mode");
	CHECK_STR_CONTAINS(iago_check_umask(-1), "not a mode");
	CHECK(iago_check_rlimit(1024, 4096) == NULL);
	CHECK(iago_check_rlimit(UINT64_MAX, UINT64_MAX) == NULL);	/* RLIM_INFINITY */
	CHECK(iago_check_rlimit(8 << 20, UINT64_MAX) == NULL);
	CHECK_STR_CONTAINS(iago_check_rlimit(4097, 4096), "soft limit above the hard limit");
	CHECK_STR_CONTAINS(iago_check_rlimit(UINT64_MAX, 4096), "soft limit above the hard limit");
	CHECK(iago_check_priority(1) == NULL);
	CHECK(iago_check_priority(20) == NULL);
	CHECK(iago_check_priority(40) == NULL);
	CHECK(iago_check_priority(-3) == NULL);				/* -ESRCH */
	CHECK_STR_CONTAINS(iago_check_priority(0), "not a priority");
	CHECK_STR_CONTAINS(iago_check_priority(41), "not a priority");
	CHECK_STR_CONTAINS(iago_check_priority(-1000), "not an errno");
	CHECK(iago_check_affinity(8, 128) == NULL);
	CHECK(iago_check_affinity(128, 128) == NULL);
	CHECK(iago_check_affinity(-22, 128) == NULL);
	CHECK_STR_CONTAINS(iago_check_affinity(0, 128), "whole number of longs");
	CHECK_STR_CONTAINS(iago_check_affinity(12, 128), "whole number of longs");
	CHECK_STR_CONTAINS(iago_check_affinity(136, 128), "larger than the request");
	CHECK(iago_check_tms(0, 0, 0, 0) == NULL);
	CHECK(iago_check_tms(5, 3, INT64_MAX, 1) == NULL);
	CHECK_STR_CONTAINS(iago_check_tms(-1, 0, 0, 0), "negative time in struct tms");
	CHECK_STR_CONTAINS(iago_check_tms(0, 0, 0, -1), "negative time in struct tms");
}

static void test_time_results(void)
{
	CHECK(iago_check_interrupted(-4) == NULL);			/* -EINTR */
	CHECK(iago_check_interrupted(0) == NULL);
	CHECK_STR_CONTAINS(iago_check_interrupted(-22), "fails only with EINTR");
	CHECK_STR_CONTAINS(iago_check_interrupted(1), "fails only with EINTR");
	CHECK(iago_check_timeval(0, 0) == NULL);
	CHECK(iago_check_timeval(1700000000, 999999) == NULL);
	CHECK_STR_CONTAINS(iago_check_timeval(-1, 0), "timeval out of range");
	CHECK_STR_CONTAINS(iago_check_timeval(5, -1), "timeval out of range");
	CHECK_STR_CONTAINS(iago_check_timeval(5, 1000000), "timeval out of range");
	CHECK(iago_check_timer_id(0) == NULL);
	CHECK(iago_check_timer_id(INT32_MAX) == NULL);
	CHECK_STR_CONTAINS(iago_check_timer_id(-1), "negative timer id");
	CHECK_STR_CONTAINS(iago_check_timer_id(INT32_MIN), "negative timer id");
}

static void test_epoll(void)
{
	uint32_t reg = EPOLLIN | EPOLLERR | EPOLLHUP;

	CHECK(iago_check_epoll_events(reg, EPOLLIN) == NULL);
	CHECK(iago_check_epoll_events(reg | EPOLLET, EPOLLIN | EPOLLHUP) == NULL);
	CHECK(iago_check_epoll_events(reg, EPOLLERR) == NULL);
	CHECK_STR_CONTAINS(iago_check_epoll_events(reg, EPOLLOUT), "not registered for");
	CHECK_STR_CONTAINS(iago_check_epoll_events(reg | EPOLLET, EPOLLIN | EPOLLET), "not registered for");
	CHECK_STR_CONTAINS(iago_check_epoll_events(reg, 0), "without event bits");
	/* An EPOLLONESHOT entry once reported keeps only its flags. */
	CHECK_STR_CONTAINS(iago_check_epoll_events(EPOLLONESHOT, EPOLLHUP), "not registered for");
}

int main(void)
{
	HARNESS_PLAN(23);
	RUN(test_read_counts);
	RUN(test_results);
	RUN(test_negative_length);
	RUN(test_ranges);
	RUN(test_ocall_area);
	RUN(test_shared_map);
	RUN(test_statfs);
	RUN(test_rusage_sysinfo);
	RUN(test_dirents);
	RUN(test_strings);
	RUN(test_string_terminated);
	RUN(test_socket_addresses);
	RUN(test_control_messages);
	RUN(test_time_left);
	RUN(test_poll);
	RUN(test_select);
	RUN(test_epoll);
	RUN(test_files_flags_clock);
	RUN(test_descriptors);
	RUN(test_stat_lock);
	RUN(test_cwd);
	RUN(test_process);
	RUN(test_time_results);
	HARNESS_EXIT();
}

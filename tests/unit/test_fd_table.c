// SPDX-License-Identifier: MIT
/*
 * The enclave's descriptor table (enclave/shield/fd_table.c), run on the
 * host (tests/fd_table_host.h).
 */
#include <sys/stat.h>

#include "tests/fd_table_host.h"
#include "tests/harness.h"

/* A getdents64 answer: @n records, named by @names in turn, into @buf. */
static uint64_t dirents(unsigned char *buf, unsigned n, const char *const *names, unsigned names_n)
{
	uint64_t off = 0;

	for (unsigned i = 0; i < n; i++) {
		memset(buf + off, 0, 24);
		buf[off + IAGO_DIRENT_RECLEN_OFF] = 24;
		strcpy((char *)buf + off + IAGO_DIRENT_NAME_OFF, names[i % names_n]);
		off += 24;
	}
	return off;
}

static const char *const dot_dotdot_x[] = { ".", "..", "x" };
static const char *const just_x[] = { "x" };
static const char *const just_dot[] = { "." };

static void test_start_and_reuse(void)
{
	encl_fd_table_init();
	CHECK_STR_CONTAINS(fd_new(SYS_open, 1), "already open");
	CHECK(fd_new(SYS_open, 2) == NULL);
	CHECK_STR_CONTAINS(fd_new(SYS_dup, 2), "already open");
	encl_fd_gone(2);
	CHECK(fd_new(SYS_dup, 2) == NULL);
	CHECK_STR_CONTAINS(fd_new(SYS_open, ENCL_FD_MAX), "beyond the enclave's table");
	CHECK(fd_new(SYS_open, -ENOENT) == NULL);
	encl_fd_gone(2);
}

static void test_type_kept(void)
{
	int64_t t;

	CHECK(fd_new(SYS_open, 10) == NULL);
	t = encl_fd_ticket(10);
	CHECK(t > 0);
	CHECK(encl_fd_check_type(10, t, S_IFREG | 0644) == NULL);	/* learned */
	CHECK(encl_fd_check_type(10, t, S_IFREG | 0600) == NULL);	/* same type */
	CHECK_STR_CONTAINS(encl_fd_check_type(10, encl_fd_ticket(10), S_IFDIR | 0755), "type of an open file changed");
	CHECK_STR_CONTAINS(encl_fd_check_type(10, t, 0600), "changed");	/* an anonymous inode now */
	encl_fd_moved(10);	/* lseek keeps the type */
	CHECK_STR_CONTAINS(encl_fd_check_type(10, encl_fd_ticket(10), S_IFSOCK), "changed");
	encl_fd_gone(10);
}

static void test_type_from_the_call(void)
{
	int64_t t;

	CHECK(fd_new(SYS_pipe2, 11) == NULL);
	CHECK(encl_fd_check_type(11, encl_fd_ticket(11), S_IFIFO | 0600) == NULL);
	CHECK(fd_new(SYS_accept4, 12) == NULL);
	CHECK_STR_CONTAINS(encl_fd_check_type(12, encl_fd_ticket(12), S_IFREG), "changed");
	CHECK(fd_new(SYS_socketpair, 13) == NULL);
	CHECK(encl_fd_check_type(13, encl_fd_ticket(13), S_IFSOCK | 0777) == NULL);
	CHECK(fd_new(SYS_pipe2, 14) == NULL);
	CHECK_STR_CONTAINS(encl_fd_check_type(14, encl_fd_ticket(14), S_IFREG | 0600), "changed");
	/* A duplicate's file is its original's; under an outdated ticket, of unknown type. */
	CHECK(fd_dup(SYS_dup, 15, 11, encl_fd_ticket(11)) == NULL);
	CHECK_STR_CONTAINS(encl_fd_check_type(15, encl_fd_ticket(15), S_IFREG), "changed");
	t = encl_fd_ticket(12);
	encl_fd_gone(12);
	CHECK(fd_dup(SYS_dup2, 16, 12, t) == NULL);
	CHECK(encl_fd_check_type(16, encl_fd_ticket(16), S_IFREG) == NULL);
	for (int fd = 11; fd <= 16; fd++)
		encl_fd_gone(fd);
}

/* An answer about a descriptor closed and made anew meanwhile is dropped. */
static void test_outdated_ticket(void)
{
	int64_t t;

	CHECK(fd_new(SYS_open, 20) == NULL);
	t = encl_fd_ticket(20);
	encl_fd_gone(20);
	CHECK(fd_new(SYS_openat, 20) == NULL);
	CHECK(encl_fd_check_type(20, t, S_IFDIR) == NULL);
	CHECK(encl_fd_check_type(20, encl_fd_ticket(20), S_IFREG) == NULL);	/* nothing was kept */
	CHECK_STR_CONTAINS(encl_fd_check_type(20, encl_fd_ticket(20), S_IFDIR), "changed");
	CHECK(encl_fd_ticket(20) != t);
	encl_fd_gone(20);
}

static void test_dir_streams_in_turns(void)
{
	unsigned char buf[24 * 3];
	uint64_t len = dirents(buf, 3, dot_dotdot_x, 3), one;
	int ok = 1, caught_all = 1;

	/* 100 directories, far more than any small table, each read in turn. */
	for (int fd = 100; fd < 200; fd++) {
		CHECK(fd_new(SYS_openat, fd) == NULL);
		ok &= encl_fd_check_dirents(fd, encl_fd_ticket(fd), buf, len) == NULL;
	}
	CHECK(ok);
	one = dirents(buf, 1, just_dot, 1);
	for (int fd = 100; fd < 200; fd++) {
		const char *why = encl_fd_check_dirents(fd, encl_fd_ticket(fd), buf, one);

		caught_all &= why && strstr(why, "\".\" twice");
	}
	CHECK(caught_all);
	/* Rewound, a stream starts again; the type stays a directory. */
	encl_fd_moved(150);
	CHECK(encl_fd_check_dirents(150, encl_fd_ticket(150), buf, one) == NULL);
	CHECK_STR_CONTAINS(encl_fd_check_type(150, encl_fd_ticket(150), S_IFREG), "changed");
	for (int fd = 100; fd < 200; fd++)
		encl_fd_gone(fd);
}

static void test_dir_stream_limits(void)
{
	static unsigned char buf[24 * 4096];
	uint64_t len = dirents(buf, 4096, just_x, 1), calls = 0;
	int64_t t;
	const char *why = NULL;

	CHECK(fd_new(SYS_openat, 30) == NULL);
	t = encl_fd_ticket(30);
	while (!why && calls < ENCL_DIR_ENTRIES_MAX / 4096 + 2) {
		why = encl_fd_check_dirents(30, t, buf, len);
		calls++;
	}
	CHECK_STR_CONTAINS(why, "more than 2^24 entries");
	CHECK(calls == ENCL_DIR_ENTRIES_MAX / 4096 + 1);
	encl_fd_gone(30);

	CHECK(fd_new(SYS_open, 31) == NULL);
	CHECK(encl_fd_check_type(31, encl_fd_ticket(31), S_IFREG) == NULL);
	CHECK_STR_CONTAINS(encl_fd_check_dirents(31, encl_fd_ticket(31), buf, 24), "not a directory");
	encl_fd_gone(31);

	len = dirents(buf, 3, (const char *const[]){ "..", "x", ".." }, 3);
	CHECK(fd_new(SYS_open, 32) == NULL);
	CHECK_STR_CONTAINS(encl_fd_check_dirents(32, encl_fd_ticket(32), buf, len), "\"..\" twice");
	encl_fd_gone(32);
}

/* Above ENCL_FD_STATIC the records take heap pages, one per 512, once. */
static void test_high_descriptors(void)
{
	int pages = heap_pages;

	CHECK(encl_fd_ticket(-1) == 0);
	CHECK(encl_fd_ticket(ENCL_FD_MAX) == 0);
	CHECK(encl_fd_ticket(ENCL_FD_STATIC - 1) > 0 && heap_pages == pages);
	CHECK(fd_new(SYS_socket, 70000) == NULL);
	CHECK(heap_pages == pages + 1);
	CHECK(encl_fd_ticket(70001) > 0 && heap_pages == pages + 1);	/* the same page */
	CHECK_STR_CONTAINS(encl_fd_check_type(70000, encl_fd_ticket(70000), S_IFREG), "changed");
	heap_full = 1;
	CHECK(encl_fd_ticket(ENCL_FD_MAX - 1) == -ENOMEM);
	CHECK(fd_new(SYS_open, ENCL_FD_MAX - 1) == NULL);	/* taken, its record made later */
	heap_full = 0;
	CHECK(encl_fd_check_type(ENCL_FD_MAX - 1, encl_fd_ticket(ENCL_FD_MAX - 1), S_IFREG) == NULL);
	CHECK(heap_pages == pages + 2);
	encl_fd_gone(70000);
	encl_fd_gone(ENCL_FD_MAX - 1);
}

int main(void)
{
	HARNESS_PLAN(7);
	RUN(test_start_and_reuse);
	RUN(test_type_kept);
	RUN(test_type_from_the_call);
	RUN(test_outdated_ticket);
	RUN(test_dir_streams_in_turns);
	RUN(test_dir_stream_limits);
	RUN(test_high_descriptors);
	HARNESS_EXIT();
}

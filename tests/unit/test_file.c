// SPDX-License-Identifier: MIT
/*
 * image/file.c: full reads and writes, and atomic replacement that leaves
 * either the old file or the new one, and no temporary file behind.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/harness.h"
#include "image/file.h"

static char tmpdir[] = "/tmp/encl-test-file-XXXXXX";

/* Entries in tmpdir, "." and ".." aside. */
static int entries(void)
{
	DIR *d = opendir(tmpdir);
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(d);
	return n;
}

static size_t slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return 0;
	n = encl_read_full(fd, buf, cap);
	close(fd);
	return n < 0 ? 0 : (size_t)n;
}

static void test_replace(void)
{
	char path[4096], buf[64], err[512] = "";
	struct stat st;

	snprintf(path, sizeof(path), "%s/f", tmpdir);
	CHECK_EQ_INT(encl_write_atomic_buf(path, 0640, "old", 3, err, sizeof(err)), 0);
	CHECK_EQ_INT(encl_write_atomic_buf(path, 0604, "newer", 5, err, sizeof(err)), 0);
	CHECK_EQ_INT(slurp(path, buf, sizeof(buf)), 5);
	CHECK(memcmp(buf, "newer", 5) == 0);
	CHECK_EQ_INT(stat(path, &st), 0);
	CHECK_EQ_INT(st.st_mode & 07777, 0604);
	CHECK_EQ_INT(entries(), 1);
	unlink(path);
}

static int fail_fill(int fd, const void *arg)
{
	(void)arg;
	encl_write_full(fd, "partial", 7);
	return -1;
}

/* A failed fill leaves the old file as it was, and nothing else. */
static void test_failed_fill_keeps_old(void)
{
	char path[4096], buf[64], err[512] = "";

	snprintf(path, sizeof(path), "%s/keep", tmpdir);
	CHECK_EQ_INT(encl_write_atomic_buf(path, 0644, "old", 3, err, sizeof(err)), 0);
	CHECK_EQ_INT(encl_write_atomic(path, 0644, fail_fill, NULL, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, path);
	CHECK_STR_CONTAINS(err, "cannot write");
	CHECK_EQ_INT(slurp(path, buf, sizeof(buf)), 3);
	CHECK(memcmp(buf, "old", 3) == 0);
	CHECK_EQ_INT(entries(), 1);
	unlink(path);
}

static void test_errors_name_the_file(void)
{
	char path[4096], err[512] = "";

	snprintf(path, sizeof(path), "%s/no-such-dir/f", tmpdir);
	CHECK_EQ_INT(encl_write_atomic_buf(path, 0644, "x", 1, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, path);
	CHECK_STR_CONTAINS(err, "No such file");

	/* A directory in the way: the rename fails and the temporary goes. */
	snprintf(path, sizeof(path), "%s/dir", tmpdir);
	CHECK_EQ_INT(mkdir(path, 0755), 0);
	CHECK_EQ_INT(encl_write_atomic_buf(path, 0644, "x", 1, err, sizeof(err)), -1);
	CHECK_STR_CONTAINS(err, "cannot rename");
	CHECK_EQ_INT(entries(), 1);
	rmdir(path);
}

/* A bare file name stays in the current directory. */
static void test_relative_name(void)
{
	char cwd[4096], buf[8], err[512] = "";

	CHECK(getcwd(cwd, sizeof(cwd)) != NULL);
	CHECK_EQ_INT(chdir(tmpdir), 0);
	CHECK_EQ_INT(encl_write_atomic_buf("rel", 0644, "r", 1, err, sizeof(err)), 0);
	CHECK_EQ_INT(slurp("rel", buf, sizeof(buf)), 1);
	unlink("rel");
	CHECK_EQ_INT(chdir(cwd), 0);
	CHECK_EQ_INT(entries(), 0);
}

/* encl_read_full stops only at end of file: a pipe delivers in pieces. */
static void test_read_full_pipe(void)
{
	char buf[16] = "";
	int fd[2];

	CHECK_EQ_INT(pipe(fd), 0);
	CHECK_EQ_INT(write(fd[1], "abc", 3), 3);
	CHECK_EQ_INT(write(fd[1], "def", 3), 3);
	close(fd[1]);
	CHECK_EQ_INT(encl_read_full(fd[0], buf, 4), 4);
	CHECK(memcmp(buf, "abcd", 4) == 0);
	CHECK_EQ_INT(encl_read_full(fd[0], buf, sizeof(buf)), 2);
	CHECK_EQ_INT(encl_read_full(fd[0], buf, sizeof(buf)), 0);
	close(fd[0]);
	CHECK_EQ_INT(encl_read_full(fd[0], buf, sizeof(buf)), -1);
	CHECK_EQ_INT(encl_write_full(fd[1], "x", 1), -1);
}

int main(void)
{
	HARNESS_PLAN(5);
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	RUN(test_replace);
	RUN(test_failed_fill_keeps_old);
	RUN(test_errors_name_the_file);
	RUN(test_relative_name);
	RUN(test_read_full_pipe);
	if (rmdir(tmpdir))
		fprintf(stderr, "  could not remove %s\n", tmpdir);
	HARNESS_EXIT();
}

// SPDX-License-Identifier: MIT
/* Whole-file reads and writes, and atomic replacement by rename. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/file.h"

/* One read() or write() moves at most this much; Linux stops near 2 GiB anyway. */
#define IO_CHUNK	(1u << 30)

int encl_write_full(int fd, const void *buf, uint64_t len)
{
	const uint8_t *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len > IO_CHUNK ? IO_CHUNK : len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0) {
			errno = EIO;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

ssize_t encl_read_full(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;
	size_t got = 0;
	ssize_t n;

	while (got < len) {
		n = read(fd, p + got, len - got > IO_CHUNK ? IO_CHUNK : len - got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += n;
	}
	return got;
}

/* "DIR/.NAME.XXXXXX" for "DIR/NAME", "NAME" alone staying in the current directory. */
static int temp_name(char *tmp, size_t len, const char *path)
{
	const char *slash = strrchr(path, '/');
	int dirlen = slash ? (int)(slash - path + 1) : 0;
	int n = snprintf(tmp, len, "%.*s.%s.XXXXXX", dirlen, path, path + dirlen);

	return n >= 0 && (size_t)n < len ? 0 : -1;
}

/*
 * The temporary file being written, for the handler of the signals that end
 * a command-line tool (SIGTERM, SIGINT, SIGHUP): it removes the file, then
 * lets the signal end the process as it would have.
 */
static const int cleanup_signals[] = { SIGTERM, SIGINT, SIGHUP };
#define NCLEANUP	(sizeof(cleanup_signals) / sizeof(cleanup_signals[0]))
static char cleanup_path[PATH_MAX];

static void cleanup_handler(int sig)
{
	unlink(cleanup_path);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void cleanup_mask(sigset_t *set)
{
	size_t i;

	sigemptyset(set);
	for (i = 0; i < NCLEANUP; i++)
		sigaddset(set, cleanup_signals[i]);
}

/* mkstemp with the handler armed: the signals stay blocked until the name is known. */
static int create_temp(char *tmp, struct sigaction old[NCLEANUP])
{
	struct sigaction sa = { .sa_handler = cleanup_handler };
	sigset_t set, prev;
	size_t i;
	int fd, saved;

	cleanup_mask(&set);
	sigprocmask(SIG_BLOCK, &set, &prev);
	fd = mkstemp(tmp);
	saved = errno;
	if (fd >= 0) {
		memcpy(cleanup_path, tmp, sizeof(cleanup_path));
		sa.sa_mask = set;
		for (i = 0; i < NCLEANUP; i++) {
			sigaction(cleanup_signals[i], NULL, &old[i]);
			/* An ignored signal (nohup, a background job's SIGINT) stays ignored. */
			if (old[i].sa_handler != SIG_IGN)
				sigaction(cleanup_signals[i], &sa, NULL);
		}
	}
	sigprocmask(SIG_SETMASK, &prev, NULL);
	errno = saved;
	return fd;
}

static void disarm(const struct sigaction old[NCLEANUP])
{
	size_t i;

	for (i = 0; i < NCLEANUP; i++)
		sigaction(cleanup_signals[i], &old[i], NULL);
}

/* A symbolic link stands for its target: write beside the target, keep the link. */
static const char *resolve(const char *path, char *buf, char *err, size_t errlen)
{
	struct stat st;

	if (lstat(path, &st) || !S_ISLNK(st.st_mode))
		return path;
	if (!realpath(path, buf)) {
		snprintf(err, errlen, "%s: a symbolic link whose target cannot be resolved: %s",
			 path, strerror(errno));
		return NULL;
	}
	return buf;
}

int encl_write_atomic(const char *path, unsigned mode,
		      int (*fill)(int fd, const void *arg), const void *arg,
		      char *err, size_t errlen)
{
	struct sigaction old[NCLEANUP];
	char tmp[PATH_MAX], target[PATH_MAX];
	const char *name = path;
	int fd, ok, saved;

	path = resolve(path, target, err, errlen);
	if (!path)
		return -1;
	if (temp_name(tmp, sizeof(tmp), path)) {
		snprintf(err, errlen, "%s: path too long", name);
		return -1;
	}
	fd = create_temp(tmp, old);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file next to it: %s",
			 path, strerror(errno));
		return -1;
	}
	errno = EIO;	/* for a @fill that fails without setting errno */
	ok = !fchmod(fd, mode) && !fill(fd, arg) && !fsync(fd);
	saved = errno;
	/* close() reports delayed write errors, and releases the fd even then. */
	if (close(fd) && ok) {
		ok = 0;
		saved = errno;
	}
	/* Test hook (tests/e2e/sign_files.sh): wait here for a signal. */
	if (ok && getenv("ENCL_TEST_PAUSE_BEFORE_RENAME"))
		pause();
	if (!ok) {
		unlink(tmp);
		disarm(old);
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(saved));
		return -1;
	}
	if (rename(tmp, path)) {
		saved = errno;
		unlink(tmp);
		disarm(old);
		snprintf(err, errlen, "%s: cannot rename %s to it: %s", path, tmp, strerror(saved));
		return -1;
	}
	disarm(old);
	return 0;
}

struct buf {
	const void *data;
	size_t len;
};

static int fill_buf(int fd, const void *arg)
{
	const struct buf *b = arg;

	return encl_write_full(fd, b->data, b->len);
}

int encl_write_atomic_buf(const char *path, unsigned mode, const void *data, size_t len,
			  char *err, size_t errlen)
{
	struct buf b = { data, len };

	return encl_write_atomic(path, mode, fill_buf, &b, err, errlen);
}

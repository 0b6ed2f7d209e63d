// SPDX-License-Identifier: MIT
/* Whole-file reads and writes, and atomic replacement by rename. */
#include <errno.h>
#include <limits.h>
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

int encl_write_atomic(const char *path, unsigned mode,
		      int (*fill)(int fd, const void *arg), const void *arg,
		      char *err, size_t errlen)
{
	char tmp[PATH_MAX];
	int fd, ok, saved;

	if (temp_name(tmp, sizeof(tmp), path)) {
		snprintf(err, errlen, "%s: path too long", path);
		return -1;
	}
	fd = mkstemp(tmp);
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
	if (!ok) {
		unlink(tmp);
		snprintf(err, errlen, "%s: cannot write: %s", path, strerror(saved));
		return -1;
	}
	if (rename(tmp, path)) {
		saved = errno;
		unlink(tmp);
		snprintf(err, errlen, "%s: cannot rename %s to it: %s", path, tmp, strerror(saved));
		return -1;
	}
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

// SPDX-License-Identifier: MIT
/*
 * Rewriting the .encl_meta section of an enclave executable atomically:
 * the new file is written next to the destination, synced and renamed over
 * it, so a reader sees either the old or the new signatures, never a mix.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image/binary.h"

static int write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= n;
	}
	return 0;
}

/* Old file with the new section in place; keeps the old file's mode. */
static int write_patched(int fd, const struct encl_binary *src, const uint8_t *sec)
{
	uint64_t end = src->meta_offset + ENCL_META_SIZE;
	struct stat st;

	if (stat(src->path, &st) || fchmod(fd, st.st_mode & 07777))
		return -1;
	if (write_all(fd, src->map, src->meta_offset) ||
	    write_all(fd, sec, ENCL_META_SIZE) ||
	    write_all(fd, src->map + end, src->size - end))
		return -1;
	return fsync(fd);
}

int encl_binary_write_meta(const struct encl_binary *src, const char *dst,
			   struct encl_meta *m, char *err, size_t errlen)
{
	static uint8_t sec[ENCL_META_SIZE];
	char tmp[PATH_MAX], dir[PATH_MAX], base[PATH_MAX];
	int fd, ok;

	memcpy(m->magic, ENCL_META_MAGIC, sizeof(m->magic));
	m->version = ENCL_META_VERSION;
	m->length = sizeof(*m);
	encl_meta_seal(m);
	memset(sec, 0, sizeof(sec));
	memcpy(sec, m, sizeof(*m));

	snprintf(dir, sizeof(dir), "%s", dst);
	snprintf(base, sizeof(base), "%s", dst);
	if (snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dirname(dir), basename(base)) >= (int)sizeof(tmp)) {
		snprintf(err, errlen, "%s: path too long", dst);
		return -1;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errlen, "%s: cannot create a temporary file: %s", tmp, strerror(errno));
		return -1;
	}
	ok = !write_patched(fd, src, sec);
	ok = !close(fd) && ok;
	if (ok && !rename(tmp, dst))
		return 0;
	snprintf(err, errlen, "%s: cannot write: %s", dst, strerror(errno));
	unlink(tmp);
	return -1;
}

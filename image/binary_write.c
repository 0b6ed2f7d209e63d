// SPDX-License-Identifier: MIT
/*
 * Rewriting the .encl_meta section of an enclave executable atomically:
 * the new file is written next to the destination, synced and renamed over
 * it, so a reader sees either the old or the new signatures, never a mix.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "image/binary.h"
#include "image/file.h"

struct patch {
	const struct encl_binary *src;
	const uint8_t *sec;
};

/* The old file with the new section in place. */
static int write_patched(int fd, const void *arg)
{
	const struct patch *p = arg;
	const struct encl_binary *src = p->src;
	uint64_t end = src->meta_offset + ENCL_META_SIZE;

	if (encl_write_full(fd, src->map, src->meta_offset) ||
	    encl_write_full(fd, p->sec, ENCL_META_SIZE) ||
	    encl_write_full(fd, src->map + end, src->size - end))
		return -1;
	return 0;
}

int encl_binary_write_meta(const struct encl_binary *src, const char *dst,
			   struct encl_meta *m, char *err, size_t errlen)
{
	static uint8_t sec[ENCL_META_SIZE];
	struct patch p = { src, sec };
	struct stat st;

	memcpy(m->magic, ENCL_META_MAGIC, sizeof(m->magic));
	m->version = ENCL_META_VERSION;
	m->length = sizeof(*m);
	encl_meta_seal(m);
	memset(sec, 0, sizeof(sec));
	memcpy(sec, m, sizeof(*m));

	/* The new file keeps the old one's mode. */
	if (stat(src->path, &st)) {
		snprintf(err, errlen, "%s: cannot stat: %s", src->path, strerror(errno));
		return -1;
	}
	return encl_write_atomic(dst, st.st_mode & 07777, write_patched, &p, err, errlen);
}

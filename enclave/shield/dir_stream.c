// SPDX-License-Identifier: MIT
/*
 * The directory streams of dir_stream.h: a small table, least recently
 * read entry replaced, under one lock never held across an ocall.
 */
#include <string.h>

#include "enclave/core/runtime.h"
#include "enclave/shield/dir_stream.h"
#include "enclave/shield/iago.h"

struct dir_stream {
	int64_t fd;		/* -1: free */
	uint64_t entries;
	uint64_t last_read;	/* for replacing the least recently read */
	int dot, dotdot;
};

static struct dir_stream streams[ENCL_DIR_STREAMS];
static uint64_t reads;
static int lock;

static struct dir_stream *find(int64_t fd)
{
	struct dir_stream *s, *oldest = &streams[0];

	for (s = streams; s < streams + ENCL_DIR_STREAMS; s++) {
		/* The table starts zeroed; fd 0 as a directory is rare, but counts. */
		if (s->last_read && s->fd == fd)
			return s;
		if (s->last_read < oldest->last_read)
			oldest = s;
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->fd = fd;
	return oldest;
}

const char *encl_dir_stream_check(int64_t fd, const void *buf, uint64_t len)
{
	const unsigned char *p = buf;
	const char *why = 0;
	struct dir_stream *s;
	uint64_t off = 0;

	encl_spin_lock(&lock);
	s = find(fd);
	s->last_read = ++reads;
	/* iago_check_dirents checked every record's length and name first. */
	while (off < len && !why) {
		const char *name = (const char *)p + off + IAGO_DIRENT_NAME_OFF;
		uint64_t reclen = (uint64_t)p[off + IAGO_DIRENT_RECLEN_OFF] |
				  (uint64_t)p[off + IAGO_DIRENT_RECLEN_OFF + 1] << 8;

		if (++s->entries > ENCL_DIR_ENTRIES_MAX)
			why = "directory stream gave more than 2^24 entries (a host that never ends it)";
		else if (!strcmp(name, ".") && s->dot++)
			why = "directory listed \".\" twice";
		else if (!strcmp(name, "..") && s->dotdot++)
			why = "directory listed \"..\" twice";
		off += reclen;
	}
	encl_spin_unlock(&lock);
	return why;
}

void encl_dir_stream_reset(int64_t fd)
{
	encl_spin_lock(&lock);
	for (struct dir_stream *s = streams; s < streams + ENCL_DIR_STREAMS; s++)
		if (s->last_read && s->fd == fd)
			s->last_read = 0;
	encl_spin_unlock(&lock);
}

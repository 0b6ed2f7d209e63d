/* SPDX-License-Identifier: MIT */
/*
 * Whole-file I/O shared by the image readers and writers and by the
 * tools: reads and writes that finish what they start, and files replaced
 * atomically, so that a reader sees the old contents or the new, never a mix.
 */
#ifndef ENCL_IMAGE_FILE_H
#define ENCL_IMAGE_FILE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Write all @len bytes to @fd. 0, or -1 with errno set (EIO for a short write). */
int encl_write_full(int fd, const void *buf, uint64_t len);

/*
 * Read up to @len bytes from @fd, stopping early only at end of file.
 * Returns the number of bytes read, or -1 with errno set.
 */
ssize_t encl_read_full(int fd, void *buf, size_t len);

/*
 * Replace @path atomically: create a temporary file ".NAME.XXXXXX" in
 * @path's directory with mode @mode, let @fill write it, fsync it and rename
 * it over @path. On failure the temporary file is removed, @path is left as
 * it was, and @err names the file and the reason. A SIGTERM, SIGINT or
 * SIGHUP meanwhile removes the temporary file before it ends the process.
 * A symbolic link @path is kept: its target is replaced.
 */
int encl_write_atomic(const char *path, unsigned mode,
		      int (*fill)(int fd, const void *arg), const void *arg,
		      char *err, size_t errlen);

/* encl_write_atomic of one buffer. */
int encl_write_atomic_buf(const char *path, unsigned mode, const void *data, size_t len,
			  char *err, size_t errlen);

#endif

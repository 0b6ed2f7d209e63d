// SPDX-License-Identifier: MIT
/*
 * A layout dump (image/dump.c): the text layout, then the image its data
 * segments need. The input is the layout, a NUL byte, and the image; both
 * are handed to encl_layout_read as memory files, so nothing touches disk.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image/dump.h"
#include "image/layout.h"
#include "tests/fuzz/fuzz.h"

static int memory_file(const char *name, const uint8_t *data, size_t size, char path[64])
{
	int fd = memfd_create(name, MFD_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return -1;
	}
	snprintf(path, 64, "/proc/self/fd/%d", fd);
	return fd;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char lpath[64], ipath[64], err[256];
	const uint8_t *nul;
	struct encl_layout l;
	size_t ltext;
	int lfd, ifd;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	nul = memchr(data, '\0', size);
	ltext = nul ? (size_t)(nul - data) : size;
	lfd = memory_file("layout", data, ltext, lpath);
	if (lfd < 0)
		return 0;
	ifd = nul ? memory_file("image", nul + 1, size - ltext - 1, ipath)
		  : memory_file("image", NULL, 0, ipath);
	if (ifd >= 0) {
		if (!encl_layout_read(lpath, ipath, &l, err, sizeof(err)))
			encl_layout_free(&l);
		close(ifd);
	}
	close(lfd);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * The descriptor records (enclave/shield/fd_table.c) fed what a host can
 * say, in any order: descriptors made, duplicated and closed, tickets
 * taken, fstat types and getdents64 answers checked under fresh and
 * outdated tickets.
 * Each operation is a byte, its operands the bytes after it. Besides what
 * the sanitizers catch, one rule must hold whatever the host says: an
 * answer under a ticket taken before its descriptor was closed or made
 * anew is never judged.
 */
#include <stdlib.h>
#include <sys/stat.h>

#include "tests/fd_table_host.h"
#include "tests/fuzz/fuzz.h"

/* Few descriptors, so that operations meet: low, around the static edge, high. */
static const int64_t fds[] = { 0, 1, 2, 3, 5, ENCL_FD_STATIC - 1, ENCL_FD_STATIC,
			       ENCL_FD_STATIC + 1, 70000, ENCL_FD_MAX - 1 };
#define NFDS	(sizeof(fds) / sizeof(fds[0]))

static const long makers[] = { SYS_open, SYS_pipe2, SYS_socket, SYS_dup, SYS_accept4 };

static struct {
	int64_t fd, ticket;
	int outdated;		/* its descriptor was closed or made anew since */
} slots[4];

static void outdate(int64_t fd)
{
	for (unsigned i = 0; i < 4; i++)
		if (slots[i].fd == fd)
			slots[i].outdated = 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t at = 0;

	if (size > FUZZ_MAX_INPUT)
		return 0;
	/* Each input starts from the table as the enclave starts. */
	heap_full = 0;
	for (unsigned i = 0; i < NFDS; i++)
		encl_fd_gone(fds[i]);
	encl_fd_table_init();
	memset(slots, 0, sizeof(slots));

	while (at + 2 <= size) {
		uint8_t op = data[at++], arg = data[at++];
		int64_t fd = fds[arg % NFDS];
		unsigned s = arg % 4;
		const char *why = NULL;

		switch (op % 8) {
		case 0:
			if (!fd_new(makers[(arg / NFDS) % 5], fd))
				outdate(fd);
			break;
		case 7:		/* a duplicate of slot @s's descriptor, under its ticket */
			if (!fd_dup(SYS_dup, fd, slots[s].fd, slots[s].ticket))
				outdate(fd);
			break;
		case 1:
			encl_fd_gone(fd);
			outdate(fd);
			break;
		case 2:
			encl_fd_moved(fd);
			break;
		case 3:
			slots[s] = (typeof(slots[s])){ fd, encl_fd_ticket(fd), 0 };
			break;
		case 4: {
			uint32_t mode = at + 2 <= size ? (uint32_t)data[at] | (uint32_t)data[at + 1] << 8 : 0;

			at += at + 2 <= size ? 2 : 0;
			if (iago_check_file(mode, 0))
				break;	/* refused before the record is asked */
			why = encl_fd_check_type(slots[s].fd, slots[s].ticket, mode);
			break;
		}
		case 5: {
			size_t n = at < size ? data[at++] : 0;
			uint8_t *buf;

			n = n < size - at ? n : size - at;
			buf = malloc(n ? n : 1);
			if (!buf)
				return 0;
			memcpy(buf, data + at, n);
			at += n;
			if (n && !iago_check_dirents(buf, n))
				why = encl_fd_check_dirents(slots[s].fd, slots[s].ticket, buf, n);
			free(buf);
			break;
		}
		case 6:
			heap_full = !heap_full;
			break;
		}
		if (why && slots[s].outdated)
			abort();	/* an answer about a file the descriptor no longer names */
	}
	return 0;
}

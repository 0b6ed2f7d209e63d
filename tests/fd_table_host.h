/* SPDX-License-Identifier: MIT */
/*
 * enclave/shield/fd_table.c compiled into a host program, as it is: the
 * heap and the ocalls it uses are played here, and a lie it catches ends
 * the caller's fd_new() or fd_dup() instead of the enclave. For tests/unit/test_fd_table.c
 * and tests/fuzz/fuzz_fd_table.c.
 */
#ifndef ENCL_TESTS_FD_TABLE_HOST_H
#define ENCL_TESTS_FD_TABLE_HOST_H

#include <errno.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include "enclave/shield/fd_table.c"
#include "enclave/shield/iago.c"

/* Heap pages handed out and not returned; with heap_full set, none is. */
static int heap_pages;
static int heap_full;

int64_t heap_mmap(uint64_t addr, uint64_t len, int prot, int flags)
{
	void *p;

	(void)addr; (void)prot; (void)flags;
	if (heap_full)
		return -ENOMEM;
	p = aligned_alloc(ENCL_PAGE_SIZE, len);
	if (!p)
		return -ENOMEM;
	memset(p, 0, len);	/* the heap hands out zero-filled pages */
	heap_pages++;
	return (int64_t)(uintptr_t)p;
}

int64_t heap_munmap(uint64_t addr, uint64_t len)
{
	(void)len;
	free((void *)(uintptr_t)addr);
	heap_pages--;
	return 0;
}

void ocall_reset(void) {}

/* The host at start (fcntl F_GETFD of 0, 1, 2): 0 and 1 open, 2 closed. */
int64_t ocall6(int64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5)
{
	(void)nr; (void)a1; (void)a2; (void)a3; (void)a4; (void)a5;
	return a0 <= 1 ? 0 : -EBADF;
}

static jmp_buf fd_caught;
static const char *fd_caught_why;

void encl_iago_fail(long nr, int64_t ret, const char *why)
{
	(void)nr; (void)ret;
	fd_caught_why = why;
	longjmp(fd_caught, 1);
}

/* encl_fd_new(): NULL when it took the descriptor, else the lie it caught. */
static inline const char *fd_new(long nr, int64_t fd)
{
	fd_caught_why = NULL;
	if (!setjmp(fd_caught))
		encl_fd_new(nr, fd);
	return fd_caught_why;
}

/* encl_fd_dup(), likewise. */
static inline const char *fd_dup(long nr, int64_t fd, int64_t src, int64_t ticket)
{
	fd_caught_why = NULL;
	if (!setjmp(fd_caught))
		encl_fd_dup(nr, fd, src, ticket);
	return fd_caught_why;
}

#endif

// SPDX-License-Identifier: MIT
/* What the two backends share: the failure record and the ELRANGE reservation. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "host/backend.h"

int encl_backend_fail(struct encl_enclave *e, int error, uint64_t sgx_result,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e->err, sizeof(e->err), fmt, ap);
	va_end(ap);
	e->error = error;
	e->sgx_result = sgx_result;
	return -1;
}

/*
 * Twice the size always holds one naturally aligned range of it; the rest
 * is given back. PROT_NONE and MAP_NORESERVE: a 64 GiB ELRANGE costs
 * address space only.
 */
void *encl_reserve_elrange(uint64_t size, encl_mmap_fn *map, encl_munmap_fn *unmap)
{
	uintptr_t raw, base;
	size_t len;
	void *p;

	if (!size || (size & (size - 1)) || size > SIZE_MAX / 2) {
		errno = EINVAL;
		return NULL;
	}
	len = 2 * size;
	p = map(NULL, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	raw = (uintptr_t)p;
	base = (raw + size - 1) & ~(uintptr_t)(size - 1);
	if (base > raw)
		unmap(p, base - raw);
	if (raw + len > base + size)
		unmap((void *)(base + size), raw + len - (base + size));
	return (void *)base;
}

int encl_signal_mask_check(struct encl_enclave *e, uint64_t mask, void (*note)(int sig))
{
	if (!note)
		return encl_backend_fail(e, EINVAL, 0, "catch signals: no note function");
	for (int sig = 1; sig <= 64; sig++) {
		const char *why = (mask >> (sig - 1)) & 1 ? encl_signal_uncatchable(sig) : NULL;

		if (why)
			return encl_backend_fail(e, EINVAL, 0, "catch signals: signal %d (%s) cannot be "
						 "caught for the host: %s; leave it out of the mask %#llx",
						 sig, strsignal(sig), why, (unsigned long long)mask);
	}
	return 0;
}

const char *encl_signal_uncatchable(int sig)
{
	switch (sig) {
	case SIGSYS: case SIGILL: case SIGSEGV: case SIGBUS: case SIGFPE: case SIGTRAP:
		return "it reports a fault of the code that raised it, not an event from "
		       "outside (and the simulator traps enclave instructions with it)";
	case SIGKILL: case SIGSTOP:
		return "it cannot be caught";
	case 32: case 33:
		return "the C library keeps it for its threads";
	}
	if (sig < 1 || sig > 64)
		return "there is no such signal";
	return NULL;
}

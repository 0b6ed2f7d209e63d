// SPDX-License-Identifier: MIT
/*
 * Memory calls, served inside the enclave from the heap (heap.h). Host
 * memory is never mapped into the program. A private file mapping is
 * emulated by reading the file into fresh heap pages; shared writable file
 * mappings cannot be kept coherent with the host's file and are refused.
 */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "enclave/emm/heap.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

SYSFN(brk)
{
	return (long)heap_brk(a[0]);
}

/* Fill [addr, addr + len) from @fd at @off, zero past the end of the file. */
static long read_file(uint64_t fd, uint64_t addr, uint64_t len, uint64_t off)
{
	uint64_t done = 0;

	while (done < len) {
		uint64_t n = len - done;
		void *hb;
		int64_t r;

		ocall_reset();
		if (n > ocall_room() - 16)
			n = ocall_room() - 16;
		hb = ocall_alloc(n);
		r = ocall4(OCALL_SYS(pread64), fd, HP(hb), n, off + done);
		IAGO(iago_check_count(r, n), SYS_pread64, r);
		if (r < 0)
			return r;
		if (r == 0)
			break;		/* the heap pages past EOF are already zero */
		__builtin_memcpy((void *)(addr + done), hb, (uint64_t)r);
		done += (uint64_t)r;
	}
	return 0;
}

SYSFN(mmap)
{
	uint64_t addr = a[0], len = a[1], off = a[5];
	int prot = (int)a[2], flags = (int)a[3];
	int64_t r, e;

	if (flags & MAP_ANONYMOUS)
		return heap_mmap(addr, len, prot, flags);
	if (off & 4095)
		return -EINVAL;
	if ((flags & MAP_SHARED) && (prot & PROT_WRITE))
		return -ENODEV;
	/* Writable while it is filled, then the protection asked for. */
	r = heap_mmap(addr, len, PROT_READ | PROT_WRITE, (flags & ~MAP_SHARED) | MAP_PRIVATE | MAP_ANONYMOUS);
	if (r < 0)
		return r;
	e = read_file(a[4], (uint64_t)r, len, off);
	if (!e && (prot & (PROT_READ | PROT_WRITE)) != (PROT_READ | PROT_WRITE))
		e = heap_mprotect((uint64_t)r, len, prot & ~PROT_EXEC);
	if (e < 0) {
		heap_munmap((uint64_t)r, len);
		return e;
	}
	return r;
}

/*
 * musl's detached threads unmap their own stack and exit without touching
 * it again (__unmapself); here the call itself still runs on that stack.
 * So an unmapping of the stack this call runs on is left to the thread's
 * exit, which runs on the TCS's own stack (threads.c).
 */
SYSFN(munmap)
{
	struct encl_thread *td = encl_self();
	uint64_t here = td->syscall_regs;

	if (here >= a[0] && here - a[0] < a[1] && heap_contains(a[0], a[1]) && !td->unmap_len) {
		td->unmap_addr = a[0];
		td->unmap_len = a[1];
		return 0;
	}
	return heap_munmap(a[0], a[1]);
}

SYSFN(mprotect)
{
	return heap_mprotect(a[0], a[1], (int)a[2]);
}

SYSFN(madvise)
{
	return heap_madvise(a[0], a[1], (int)a[2]);
}

SYSFN(mremap)
{
	return heap_mremap(a[0], a[1], a[2], (int)a[3], a[4]);
}

// SPDX-License-Identifier: MIT
/*
 * Memory calls. Anonymous memory (MAP_SHARED|MAP_ANONYMOUS too: there is
 * no fork to share it with) is the heap (heap.h). A private file mapping
 * is fresh heap pages filled from the file, so its contents are the
 * enclave's. A shared file mapping is host memory outside ELRANGE
 * (shared_map.h), read-only ones too: MAP_SHARED promises to see what
 * other processes write to the file, and a copy would not. munmap,
 * mprotect, madvise, msync and mremap go to the side that holds the
 * range; a range that is partly a shared mapping and partly not is EINVAL.
 */
#define _GNU_SOURCE	/* MAP_TYPE, MAP_SHARED_VALIDATE */
#include <errno.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "abi/page.h"
#include "enclave/emm/heap.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/shared_map.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

SYSFN(brk)
{
	return (long)heap_brk(a[0]);
}

/*
 * Fill [addr, addr + len) from @fd at @off, zero past the end of the file.
 * @size is the file's size as fstat gave it: a pread that ends before it
 * would leave zeros where the file has data, a silent corruption; it is
 * EIO instead (both answers are the host's: one of them is a lie).
 */
static long read_file(uint64_t fd, uint64_t addr, uint64_t len, uint64_t off, uint64_t size)
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
		if (r == 0)		/* the heap pages past EOF are already zero */
			return off + done < size ? -EIO : 0;
		__builtin_memcpy((void *)(addr + done), hb, (uint64_t)r);
		done += (uint64_t)r;
	}
	return 0;
}

SYSFN(mmap)
{
	uint64_t addr = a[0], len = a[1], off = a[5];
	int prot = (int)a[2], flags = (int)a[3];
	uint64_t fa[2];
	struct stat st;
	int64_t r, e;

	if (flags & MAP_ANONYMOUS)
		return heap_mmap(addr, len, prot, flags);
	if (off & 4095)
		return -EINVAL;
	switch (flags & MAP_TYPE) {
	case MAP_PRIVATE:
		break;
	case MAP_SHARED:
	case MAP_SHARED_VALIDATE:
		return shared_map_mmap(len, prot, flags, a[4], off);
	default:
		return -EINVAL;
	}
	fa[0] = a[4];
	fa[1] = (uint64_t)(uintptr_t)&st;
	e = sys_fstat(fa);
	if (e < 0)
		return e;
	/* Writable while it is filled, then the protection asked for. */
	r = heap_mmap(addr, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS);
	if (r < 0)
		return r;
	e = read_file(a[4], (uint64_t)r, len, off, S_ISREG(st.st_mode) ? (uint64_t)st.st_size : 0);
	if (!e && (prot & (PROT_READ | PROT_WRITE)) != (PROT_READ | PROT_WRITE))
		e = heap_mprotect((uint64_t)r, len, prot & ~PROT_EXEC);
	if (e < 0) {
		heap_munmap((uint64_t)r, len);
		return e;
	}
	return r;
}

/* Which side holds [addr, addr + len): 1 the shared mappings, 0 the heap, or -EINVAL. */
static int shared(uint64_t addr, uint64_t len)
{
	if (!len)
		return 0;	/* the heap's answer */
	switch (shared_map_where(addr, len)) {
	case SHARED_ALL:
		return addr & (ENCL_PAGE_SIZE - 1) ? -EINVAL : 1;
	case SHARED_STRADDLES:
		return -EINVAL;
	default:
		return 0;
	}
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
	int sh = shared(a[0], a[1]);

	if (sh)
		return sh < 0 ? sh : shared_map_munmap(a[0], a[1]);
	if (here >= a[0] && here - a[0] < a[1] && heap_contains(a[0], a[1]) && !td->unmap_len) {
		td->unmap_addr = a[0];
		td->unmap_len = a[1];
		return 0;
	}
	return heap_munmap(a[0], a[1]);
}

SYSFN(mprotect)
{
	int sh = shared(a[0], a[1]);

	if (sh)
		return sh < 0 ? sh : shared_map_mprotect(a[0], a[1], (int)a[2]);
	return heap_mprotect(a[0], a[1], (int)a[2]);
}

/* Advice about a shared mapping may be ignored: its contents are the file's either way. */
SYSFN(madvise)
{
	int sh = shared(a[0], a[1]);

	if (sh)
		return sh < 0 ? sh : 0;
	return heap_madvise(a[0], a[1], (int)a[2]);
}

SYSFN(mremap)
{
	int sh = shared(a[0], a[1]);

	if (sh)
		return sh < 0 ? sh : shared_map_mremap(a[0], a[1], a[2], (int)a[3]);
	return heap_mremap(a[0], a[1], a[2], (int)a[3], a[4]);
}

/*
 * A shared mapping is written back by the host. Heap memory has no file
 * behind it (a private mapping is a copy): nothing to write, 0 when every
 * page is mapped, ENOMEM as for an unmapped page otherwise.
 */
SYSFN(msync)
{
	uint64_t addr = a[0], len = a[1], end = addr + ENCL_PAGE_UP(len);
	int flags = (int)a[2];
	int sh;

	if ((flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) || ((flags & MS_ASYNC) && (flags & MS_SYNC)) ||
	    (addr & (ENCL_PAGE_SIZE - 1)) || end < addr)
		return -EINVAL;
	sh = shared(addr, len);
	if (sh)
		return sh < 0 ? sh : shared_map_msync(addr, len, flags);
	if (!heap_contains(addr, end - addr))
		return -ENOMEM;
	for (uint64_t p = addr; p < end; p += ENCL_PAGE_SIZE)
		if (!heap_mapped(p))
			return -ENOMEM;
	return 0;
}

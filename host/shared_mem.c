// SPDX-License-Identifier: MIT
/*
 * ENCL_OCALL_SHARED_MEM (abi/boundary.h): the shared file mappings the
 * program reads and writes directly, in host memory. The host maps a file
 * MAP_SHARED where the kernel chooses (never MAP_FIXED, so never over
 * ELRANGE or the host's own memory) and keeps the ranges it made: unmap,
 * protect, sync and remap act only inside them, so a confused enclave
 * cannot make the host unmap or reprotect its own memory.
 */
#include <errno.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "abi/page.h"
#include "abi/range_set.h"
#include "host/host.h"

#define SHARED_MAX	1024	/* ranges; the enclave's table is smaller */

static struct encl_range ranges[SHARED_MAX];
static struct encl_range_set shared = { ranges, 0, SHARED_MAX };
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static int64_t result(long r)
{
	return r == -1 ? -errno : r;
}

static int64_t map(uint64_t len, uint64_t prot, uint64_t fd, uint64_t off)
{
	void *p;

	if (prot & ~(uint64_t)(PROT_READ | PROT_WRITE))
		return -EINVAL;
	p = mmap(NULL, len, (int)prot, MAP_SHARED, (int)fd, (off_t)off);
	if (p == MAP_FAILED)
		return -errno;
	if (encl_range_set_add(&shared, (uint64_t)(uintptr_t)p, ENCL_PAGE_UP(len))) {
		munmap(p, len);
		return -ENOMEM;
	}
	return (int64_t)(uintptr_t)p;
}

static int64_t remap(uint64_t old, uint64_t olen, uint64_t nlen, uint64_t flags)
{
	void *p;

	if (flags & ~(uint64_t)MREMAP_MAYMOVE)
		return -EINVAL;
	/* Room for the new range whatever happens to the old one. */
	if (shared.n + 2 > shared.cap)
		return -ENOMEM;
	p = mremap((void *)(uintptr_t)old, olen, nlen, (int)flags);
	if (p == MAP_FAILED)
		return -errno;
	(void)encl_range_set_remove(&shared, old, ENCL_PAGE_UP(olen));
	(void)encl_range_set_add(&shared, (uint64_t)(uintptr_t)p, ENCL_PAGE_UP(nlen));
	return (int64_t)(uintptr_t)p;
}

static int64_t serve(const uint64_t *a)
{
	uint64_t addr = a[1], len = a[2];

	if (a[0] == SYS_mmap)
		return map(a[1], a[2], a[3], a[4]);
	if ((addr & (ENCL_PAGE_SIZE - 1)) || !len || ENCL_PAGE_UP(len) < len ||
	    !encl_range_set_covers(&shared, addr, ENCL_PAGE_UP(len)))
		return -EINVAL;
	switch (a[0]) {
	case SYS_munmap:
		if (encl_range_set_remove(&shared, addr, ENCL_PAGE_UP(len)))
			return -ENOMEM;
		return result(munmap((void *)(uintptr_t)addr, len));
	case SYS_mprotect:
		if (a[3] & ~(uint64_t)(PROT_READ | PROT_WRITE))
			return -EINVAL;
		return result(mprotect((void *)(uintptr_t)addr, len, (int)a[3]));
	case SYS_msync:
		return result(msync((void *)(uintptr_t)addr, len, (int)a[3]));
	case SYS_mremap:
		return remap(addr, len, a[3], a[4]);
	default:
		return -ENOSYS;
	}
}

int64_t encl_host_shared_mem(const uint64_t *args)
{
	int64_t r;

	pthread_mutex_lock(&shared_lock);
	r = serve(args);
	pthread_mutex_unlock(&shared_lock);
	return r;
}

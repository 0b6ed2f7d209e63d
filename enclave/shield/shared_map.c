// SPDX-License-Identifier: MIT
/*
 * Shared file mappings (shared_map.h): the table of host ranges the
 * program holds, and the ocalls that make, change and end them.
 *
 * The table is enclave memory under a spinlock that is never held across
 * an ocall. A range leaves the table before the host unmaps or moves it,
 * and enters after the host mapped it, so a range the host hands out
 * again can never already be in the table: if it is, the host placed two
 * mappings at one address, and the enclave stops.
 */
#define _GNU_SOURCE	/* MREMAP_MAYMOVE, MAP_FIXED_NOREPLACE */
#include <errno.h>
#include <sys/mman.h>
#include <sys/syscall.h>

#include "abi/page.h"
#include "abi/params.h"
#include "abi/range_set.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/shared_map.h"
#include "enclave/shield/syscall.h"

#define SHARED_MAX	256	/* ranges (touching ones merge); more: ENOMEM */

static struct encl_range ranges[SHARED_MAX];
static struct encl_range_set table = { ranges, 0, SHARED_MAX };
static int table_lock;

static int64_t host(uint64_t nr, uint64_t a, uint64_t b, uint64_t c, uint64_t d)
{
	return ocall6(ENCL_OCALL_SHARED_MEM, nr, a, b, c, d, 0);
}

enum shared_where shared_map_where(uint64_t addr, uint64_t len)
{
	uint64_t size = ENCL_PAGE_UP(len);
	enum shared_where w = SHARED_NONE;

	if (size < len)
		return SHARED_NONE;	/* a length that wraps: the heap refuses it */
	encl_spin_lock(&table_lock);
	if (encl_range_set_covers(&table, addr, size))
		w = SHARED_ALL;
	else if (encl_range_set_overlaps(&table, addr, size))
		w = SHARED_STRADDLES;
	encl_spin_unlock(&table_lock);
	return w;
}

/* An address the host returned for @nr: checked, then entered in the table (0, or -ENOMEM). */
static int enter(long nr, int64_t r, uint64_t size)
{
	int full;

	IAGO(iago_check_shared_map((uint64_t)r, size, encl_rt.base, encl_rt.params->enclave_size), nr, r);
	encl_spin_lock(&table_lock);
	if (encl_range_set_overlaps(&table, (uint64_t)r, size)) {
		encl_spin_unlock(&table_lock);
		encl_iago_fail(nr, r, "shared mapping overlaps one the program already holds");
	}
	full = encl_range_set_add(&table, (uint64_t)r, size);
	encl_spin_unlock(&table_lock);
	return full ? -ENOMEM : 0;
}

/* Take [addr, addr + size) out of the table: 0, -EINVAL (not all shared) or -ENOMEM (table full). */
static int leave(uint64_t addr, uint64_t size, uint32_t room)
{
	int err = 0;

	encl_spin_lock(&table_lock);
	if (!encl_range_set_covers(&table, addr, size))
		err = -EINVAL;		/* another thread unmapped it meanwhile */
	else if (table.n + room > table.cap || encl_range_set_remove(&table, addr, size))
		err = -ENOMEM;
	encl_spin_unlock(&table_lock);
	return err;
}

/* Put back a range whose unmapping or move the host refused. */
static void reenter(uint64_t addr, uint64_t size)
{
	encl_spin_lock(&table_lock);
	if (!encl_range_set_overlaps(&table, addr, size))
		(void)encl_range_set_add(&table, addr, size);
	encl_spin_unlock(&table_lock);
}

static int warned_fixed;

int64_t shared_map_mmap(uint64_t len, int prot, int flags, uint64_t fd, uint64_t off)
{
	uint64_t size = ENCL_PAGE_UP(len);
	int64_t r;

	if (!len || (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)))
		return -EINVAL;
	if (size < len)
		return -ENOMEM;
	if (prot & PROT_EXEC)
		return -EACCES;		/* the enclave cannot execute host memory */
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		if (!__atomic_exchange_n(&warned_fixed, 1, __ATOMIC_RELAXED))
			encl_log(ENCL_LOG_WARNING, "mmap: a shared file mapping at a fixed address is not "
				 "supported (it is host memory, placed by the host): EINVAL");
		return -EINVAL;
	}
	r = host(SYS_mmap, len, (uint64_t)prot, fd, off);
	if (r < 0) {
		IAGO(iago_check_nonneg(r), SYS_mmap, r);
		return r;
	}
	if (enter(SYS_mmap, r, size)) {
		(void)host(SYS_munmap, (uint64_t)r, len, 0, 0);
		return -ENOMEM;
	}
	return r;
}

int64_t shared_map_munmap(uint64_t addr, uint64_t len)
{
	uint64_t size = ENCL_PAGE_UP(len);
	int64_t r;
	int err = leave(addr, size, 0);

	if (err)
		return err;
	r = host(SYS_munmap, addr, len, 0, 0);
	IAGO(iago_check_zero(r), SYS_munmap, r);
	if (r)
		reenter(addr, size);
	return r;
}

int64_t shared_map_mprotect(uint64_t addr, uint64_t len, int prot)
{
	int64_t r;

	if (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC))
		return -EINVAL;
	if (prot & PROT_EXEC)
		return -EACCES;
	r = host(SYS_mprotect, addr, len, (uint64_t)prot, 0);
	IAGO(iago_check_zero(r), SYS_mprotect, r);
	return r;
}

int64_t shared_map_msync(uint64_t addr, uint64_t len, int flags)
{
	int64_t r = host(SYS_msync, addr, len, (uint64_t)flags, 0);

	IAGO(iago_check_zero(r), SYS_msync, r);
	return r;
}

int64_t shared_map_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags)
{
	uint64_t osize = ENCL_PAGE_UP(old_len), nsize = ENCL_PAGE_UP(new_len);
	int64_t r;
	int err;

	if (flags & ~MREMAP_MAYMOVE)
		return -EINVAL;		/* MREMAP_FIXED, MREMAP_DONTUNMAP: the host places mappings */
	if (!old_len || !new_len || nsize < new_len)
		return -EINVAL;
	/* Room for the split the removal may need and for the new range. */
	err = leave(old, osize, 2);
	if (err)
		return err;
	r = host(SYS_mremap, old, old_len, new_len, (uint64_t)flags);
	if (r < 0) {
		IAGO(iago_check_nonneg(r), SYS_mremap, r);
		reenter(old, osize);
		return r;
	}
	if (!(flags & MREMAP_MAYMOVE) && (uint64_t)r != old)
		encl_iago_fail(SYS_mremap, r, "shared mapping moved without MREMAP_MAYMOVE");
	/*
	 * leave() kept room; only if other threads filled the table since
	 * does this fail, and then the program keeps a mapping the table
	 * does not hold (its munmap is EINVAL; the file is unharmed).
	 */
	if (enter(SYS_mremap, r, nsize))
		encl_log(ENCL_LOG_WARNING, "mremap: the table of shared mappings is full; "
			 "the moved mapping is not tracked");
	return r;
}

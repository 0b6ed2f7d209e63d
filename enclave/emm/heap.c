// SPDX-License-Identifier: MIT
/*
 * The heap interface (heap.h) on top of the enclave memory manager
 * (emm.h, docs/emm.md): one EMM instance, encl_emm, set up from the
 * measured parameters at START. The EMM commits pages with EACCEPT under
 * EDMM, zeroes SGX1 pages before they are handed out, and warns once when
 * SCONE_HEAP is reached; this file adapts its calls to the Linux system
 * calls the dispatcher serves.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "enclave/emm/emm_sgx.h"
#include "enclave/emm/heap.h"
#include "enclave/core/threads.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif
#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE	1
#endif

/* The EMM's host operations: offsets and lengths only, no buffers in the area. */
static long emm_host(long nr, uint64_t off, uint64_t len, uint64_t arg)
{
	return ocall3(nr, off, len, arg);
}

/* Called from mmap/brk, i.e. system-call context, where ocalls are allowed. */
static void emm_warn(const char *msg)
{
	encl_log(ENCL_LOG_WARNING, "%s", msg);
}

/* Committed right after start-up: SCONE_MIN_HEAP (EDMM) or the whole heap (SGX1). */
static uint64_t committed_at_start;

int heap_init(const struct encl_params *p, uint64_t base, uint64_t heap_hint,
	      uint64_t min_heap_hint)
{
	struct emm_stats st;
	int err = emm_sgx_init(p, base, heap_hint, min_heap_hint, emm_host, emm_warn);

	if (!err) {
		emm_get_stats(&encl_emm, &st);
		committed_at_start = st.committed;
	}
	return err;
}

void heap_report(void)
{
	struct emm_stats st;
	uint32_t peak, added;

	emm_get_stats(&encl_emm, &st);
	encl_threads_stats(&peak, &added);
	encl_log(ENCL_LOG_INFO,
		 "heap: %s, committed %lu KiB at start, peak %lu KiB, at exit %lu KiB, "
		 "faults %lu, commits %lu, EACCEPTs %lu, trims %lu, trimmed %lu KiB, ENOMEM %lu; "
		 "peak threads %u, TCSs added %u",
		 encl_emm.mode == EMM_MODE_EDMM ? "EDMM" : "SGX1",
		 (unsigned long)(committed_at_start >> 10), (unsigned long)(st.peak >> 10),
		 (unsigned long)(st.committed >> 10), (unsigned long)st.faults,
		 (unsigned long)st.commits, (unsigned long)st.eaccepts, (unsigned long)st.trims,
		 (unsigned long)(st.trimmed >> 10), (unsigned long)st.enomem, peak, added);
}

int64_t heap_mmap(uint64_t addr, uint64_t len, int prot, int flags)
{
	return emm_mmap(&encl_emm, addr, len, prot, flags);
}

int64_t heap_munmap(uint64_t addr, uint64_t len)
{
	return emm_munmap(&encl_emm, addr, len);
}

int64_t heap_mprotect(uint64_t addr, uint64_t len, int prot)
{
	return emm_mprotect(&encl_emm, addr, len, prot);
}

int64_t heap_madvise(uint64_t addr, uint64_t len, int advice)
{
	if (advice == MADV_DONTNEED)
		return emm_madvise_dontneed(&encl_emm, addr, len);
	/* Everything else is advice: following none of it is allowed. */
	return 0;
}

/*
 * Shrinking gives back the tail; growing tries in place first (the pages
 * after the mapping must be free), then, with MREMAP_MAYMOVE, maps anew,
 * copies and unmaps. musl's realloc falls back on its own when this fails.
 */
int64_t heap_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
	uint64_t olen = ENCL_PAGE_UP(old_len), nlen = ENCL_PAGE_UP(new_len);
	int64_t r;

	(void)new_addr;
	if (flags & ~MREMAP_MAYMOVE)
		return -EINVAL;		/* MREMAP_FIXED, MREMAP_DONTUNMAP: not supported */
	if ((old & (ENCL_PAGE_SIZE - 1)) || !new_len || nlen < new_len || olen < old_len)
		return -EINVAL;
	if (!emm_owns(&encl_emm, old, olen))
		return -EFAULT;
	if (nlen <= olen) {
		if (nlen < olen)
			emm_munmap(&encl_emm, old + nlen, olen - nlen);
		return (int64_t)old;
	}
	r = emm_mmap(&encl_emm, old + olen, nlen - olen, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE);
	if (r == (int64_t)(old + olen))
		return (int64_t)old;
	if (r >= 0)
		emm_munmap(&encl_emm, (uint64_t)r, nlen - olen);
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	r = emm_mmap(&encl_emm, 0, nlen, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS);
	if (r < 0)
		return r;
	memcpy((void *)(uintptr_t)r, (const void *)(uintptr_t)old, olen);
	emm_munmap(&encl_emm, old, olen);
	return r;
}

uint64_t heap_brk(uint64_t brk)
{
	return emm_brk(&encl_emm, brk);
}

int heap_contains(uint64_t addr, uint64_t len)
{
	return emm_owns(&encl_emm, addr, len);
}

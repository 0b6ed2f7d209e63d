// SPDX-License-Identifier: MIT
/*
 * A page allocator over the heap range. Two bitmaps with one bit per page
 * live at the start of the range:
 *   used   the page is handed out (brk or mmap);
 *   dirty  the page may hold non-zero bytes: SGX1 heap pages start dirty
 *          (EADDed without EEXTEND, so their contents are the host's) and
 *          every page becomes dirty again when it is given back.
 * A page is zeroed when it is handed out while dirty, so start-up does not
 * pay for the whole heap and memory returned by mmap/brk is always zero.
 *
 * brk grows upwards from the first page after the bitmaps; mmap takes the
 * highest free run of pages below the end, like Linux's top-down layout,
 * so the two meet only when the heap is full.
 */
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "enclave/heap.h"

#define PAGE		4096ULL
#define PAGE_UP(x)	(((x) + PAGE - 1) & ~(PAGE - 1))

#ifndef MREMAP_MAYMOVE
#define MREMAP_MAYMOVE	1
#endif
#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

static struct {
	uint64_t start;		/* linear address of page 0 */
	uint64_t npages;
	uint64_t *used, *dirty;
	uint64_t first;		/* first page after the bitmaps: where brk starts */
	uint64_t brk;		/* current break (byte address) */
	int exhausted;		/* an allocation failed for lack of pages */
} h;

static int test(const uint64_t *map, uint64_t i)
{
	return (map[i >> 6] >> (i & 63)) & 1;
}

static void set(uint64_t *map, uint64_t i)
{
	map[i >> 6] |= 1ULL << (i & 63);
}

static void clear(uint64_t *map, uint64_t i)
{
	map[i >> 6] &= ~(1ULL << (i & 63));
}

static uint64_t page_addr(uint64_t i)
{
	return h.start + i * PAGE;
}

int heap_contains(uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	return end >= addr && addr >= h.start && end <= h.start + h.npages * PAGE;
}

int heap_init(uint64_t start, uint64_t size, int clean)
{
	uint64_t words, meta;

	h.start = start;
	h.npages = size / PAGE;
	words = (h.npages + 63) / 64;
	meta = PAGE_UP(2 * words * sizeof(uint64_t)) / PAGE;
	if (meta + 1 > h.npages)
		return -1;
	h.used = (uint64_t *)start;
	h.dirty = h.used + words;
	/* The bitmaps' own pages may be the host's bytes too: this is their zeroing. */
	memset(h.used, 0, words * sizeof(uint64_t));
	memset(h.dirty, clean ? 0 : 0xff, words * sizeof(uint64_t));
	for (uint64_t i = 0; i < meta; i++) {
		set(h.used, i);
		clear(h.dirty, i);
	}
	h.first = meta;
	h.brk = page_addr(meta);
	h.exhausted = 0;
	return 0;
}

/* Hand out pages [first, first + n): mark them used and zero the dirty ones. */
static void take(uint64_t first, uint64_t n)
{
	for (uint64_t i = first; i < first + n; i++) {
		set(h.used, i);
		if (test(h.dirty, i)) {
			memset((void *)page_addr(i), 0, PAGE);
			clear(h.dirty, i);
		}
	}
}

/* Give back pages [first, first + n); their contents are the program's. */
static void give(uint64_t first, uint64_t n)
{
	for (uint64_t i = first; i < first + n; i++) {
		if (test(h.used, i))
			set(h.dirty, i);
		clear(h.used, i);
	}
}

static int all(uint64_t first, uint64_t n, int used)
{
	for (uint64_t i = first; i < first + n; i++)
		if (test(h.used, i) != used)
			return 0;
	return 1;
}

/* The first page of the highest run of @n free pages above the break, or -1. */
static int64_t find_run(uint64_t n)
{
	uint64_t floor = PAGE_UP(h.brk - h.start) / PAGE;
	uint64_t i = h.npages, run = 0;

	while (i > floor) {
		i--;
		if ((i & 63) == 63 && h.used[i >> 6] == ~0ULL) {
			run = 0;
			i -= 63;
			continue;
		}
		if (test(h.used, i))
			run = 0;
		else if (++run == n)
			return (int64_t)i;
	}
	h.exhausted = 1;
	return -1;
}

/* Page range of [addr, addr + len): 0, or -EINVAL for bad alignment or a range outside the heap. */
static int range(uint64_t addr, uint64_t len, uint64_t *first, uint64_t *n)
{
	uint64_t plen = PAGE_UP(len);

	if ((addr & (PAGE - 1)) || !len || plen < len)
		return -EINVAL;
	if (!heap_contains(addr, plen))
		return -ENOMEM;
	*first = (addr - h.start) / PAGE;
	*n = plen / PAGE;
	return 0;
}

int64_t heap_mmap(uint64_t addr, uint64_t len, int prot, int flags)
{
	uint64_t plen = PAGE_UP(len), first, n;
	int64_t at;
	int err;

	if (!len)
		return -EINVAL;
	if (plen < len)
		return -ENOMEM;
	if (prot & PROT_EXEC)
		return -EPERM;		/* heap pages are RW in the EPCM: nothing here can run */
	if (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) {
		err = range(addr, len, &first, &n);
		if (err)
			return err;
		if ((flags & MAP_FIXED_NOREPLACE) && !(flags & MAP_FIXED) && !all(first, n, 0))
			return -EEXIST;
		if (first < h.first)
			return -ENOMEM;	/* the allocator's own bitmaps */
		give(first, n);
		take(first, n);
		return (int64_t)addr;
	}
	at = find_run(plen / PAGE);
	if (at < 0)
		return -ENOMEM;
	take((uint64_t)at, plen / PAGE);
	return (int64_t)page_addr((uint64_t)at);
}

int64_t heap_munmap(uint64_t addr, uint64_t len)
{
	uint64_t first, n;
	int err = range(addr, len, &first, &n);

	if (err)
		return -EINVAL;
	if (first < h.first)
		return -EINVAL;
	give(first, n);
	return 0;
}

int64_t heap_mprotect(uint64_t addr, uint64_t len, int prot)
{
	uint64_t first, n;
	int err;

	if (!len && !(addr & (PAGE - 1)))
		return 0;
	err = range(addr, len, &first, &n);
	if (err)
		return err;
	if (!all(first, n, 1))
		return -ENOMEM;
	/*
	 * The SGX1 EPCM permissions of heap pages are fixed at RW: read and
	 * write (and their absence, which only narrows) are accepted without
	 * change; execute cannot be granted.
	 */
	if (prot & PROT_EXEC)
		return -EACCES;
	return 0;
}

int64_t heap_madvise(uint64_t addr, uint64_t len, int advice)
{
	uint64_t first, n;
	int err;

	if (!len && !(addr & (PAGE - 1)))
		return 0;
	err = range(addr, len, &first, &n);
	if (err)
		return err;
	if (advice == MADV_DONTNEED) {
		/* Private anonymous memory reads back as zero afterwards. */
		for (uint64_t i = first; i < first + n; i++)
			if (test(h.used, i))
				memset((void *)page_addr(i), 0, PAGE);
	}
	return 0;
}

int64_t heap_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr)
{
	uint64_t first, n, nn = PAGE_UP(new_len) / PAGE;
	int64_t at;
	int err;

	(void)new_addr;
	if (flags & ~MREMAP_MAYMOVE)
		return -EINVAL;		/* MREMAP_FIXED, MREMAP_DONTUNMAP: not supported */
	if (!new_len || PAGE_UP(new_len) < new_len)
		return -EINVAL;
	err = range(old, old_len, &first, &n);
	if (err)
		return -EFAULT;
	if (first < h.first || !all(first, n, 1))
		return -EFAULT;
	if (nn <= n) {
		give(first + nn, n - nn);
		return (int64_t)old;
	}
	if (first + nn <= h.npages && all(first + n, nn - n, 0)) {
		take(first + n, nn - n);
		return (int64_t)old;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	at = find_run(nn);
	if (at < 0)
		return -ENOMEM;
	take((uint64_t)at, nn);
	memcpy((void *)page_addr((uint64_t)at), (void *)old, n * PAGE);
	give(first, n);
	return (int64_t)page_addr((uint64_t)at);
}

uint64_t heap_brk(uint64_t brk)
{
	uint64_t lo = page_addr(h.first);
	uint64_t cur_end = PAGE_UP(h.brk), new_end = PAGE_UP(brk);

	if (brk < lo || !heap_contains(lo, new_end - lo) || new_end < brk)
		return h.brk;
	if (new_end > cur_end) {
		uint64_t first = (cur_end - h.start) / PAGE, n = (new_end - cur_end) / PAGE;

		if (!all(first, n, 0))
			return h.brk;	/* musl falls back to mmap */
		take(first, n);
	} else if (new_end < cur_end) {
		give((new_end - h.start) / PAGE, (cur_end - new_end) / PAGE);
	}
	h.brk = brk;
	return h.brk;
}

/* 1 the first time an allocation has failed for lack of pages, then 0. */
int heap_exhausted_once(void)
{
	static int reported;

	if (!h.exhausted || reported)
		return 0;
	reported = 1;
	return 1;
}

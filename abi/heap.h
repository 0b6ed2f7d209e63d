/* SPDX-License-Identifier: MIT */
/*
 * Whether a heap fits an enclave: the one rule that `encl sign`, `encl
 * info`, the host's start-up check and the hints they print all apply, so
 * that the enclave size a hint names is one the check then accepts.
 *
 * Everything below the heap (ELF image, parameter page, thread blocks with
 * their stacks) ends at heap_offset (abi/params.h). The heap range runs
 * from there to the end of ELRANGE; the enclave memory manager keeps the
 * top of that range for its metadata (enclave/emm/emm.h), 1/256 of the
 * range (16 bytes per page) and at least 64 KiB, and hands the program
 * what is left. A range smaller than four metadata minimums is refused by
 * the memory manager outright.
 */
#ifndef ENCL_ABI_HEAP_H
#define ENCL_ABI_HEAP_H

#include <stdint.h>

#include "abi/page.h"

#define ENCL_HEAP_META_SHIFT	8
#define ENCL_HEAP_META_MIN	(UINT64_C(64) << 10)
#define ENCL_HEAP_RANGE_MIN	(4 * ENCL_HEAP_META_MIN)

/* The metadata reserve at the top of a heap range of @range bytes. */
static inline uint64_t encl_heap_meta_size(uint64_t range)
{
	uint64_t meta = ENCL_PAGE_UP(range >> ENCL_HEAP_META_SHIFT);

	return meta < ENCL_HEAP_META_MIN ? ENCL_HEAP_META_MIN : meta;
}

/* What a heap range of @range bytes leaves the program. */
static inline uint64_t encl_heap_usable(uint64_t range)
{
	uint64_t meta = encl_heap_meta_size(range);

	return range > meta ? range - meta : 0;
}

struct encl_heap_fit {
	int fits;		/* @heap fits @enclave_size */
	uint64_t room;		/* the largest heap @enclave_size holds (0: none) */
	uint64_t enclave_size;	/* the smallest power of two that holds @heap, 0 if none up to the limit */
};

/*
 * Whether @heap bytes of heap fit an ELRANGE of @enclave_size bytes whose
 * heap starts at @heap_offset, and the smallest power-of-two enclave size
 * up to @max_enclave_size (ECREATE wants SECS.SIZE a power of two) that
 * would hold it. Pure: no I/O, no global state.
 */
void encl_heap_fit(uint64_t heap_offset, uint64_t enclave_size, uint64_t heap,
		   uint64_t max_enclave_size, struct encl_heap_fit *f);

#endif

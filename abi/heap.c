// SPDX-License-Identifier: MIT
/*
 * The heap-fit rule of abi/heap.h.
 */
#include "abi/heap.h"

/* The largest heap an ELRANGE of @size bytes holds above @heap_offset. */
static uint64_t room(uint64_t heap_offset, uint64_t size)
{
	if (size <= heap_offset || size - heap_offset < ENCL_HEAP_RANGE_MIN)
		return 0;
	return encl_heap_usable(size - heap_offset);
}

static int holds(uint64_t heap_offset, uint64_t size, uint64_t heap)
{
	uint64_t r = room(heap_offset, size);

	return r && heap <= r;
}

void encl_heap_fit(uint64_t heap_offset, uint64_t enclave_size, uint64_t heap,
		   uint64_t max_enclave_size, struct encl_heap_fit *f)
{
	uint64_t size = ENCL_PAGE_SIZE;

	f->room = room(heap_offset, enclave_size);
	f->fits = holds(heap_offset, enclave_size, heap);
	/* The room grows with the size, so the first power of two that holds the heap is the answer. */
	while (size < max_enclave_size && !holds(heap_offset, size, heap))
		size <<= 1;
	f->enclave_size = size <= max_enclave_size && holds(heap_offset, size, heap) ? size : 0;
}

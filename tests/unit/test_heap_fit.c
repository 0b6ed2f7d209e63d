// SPDX-License-Identifier: MIT
/*
 * The heap-fit rule (abi/heap.h) at its boundaries: a heap that exactly
 * fits, one page more, the smallest fitting enclave size against half of
 * it, the metadata reserve's minimum, and heaps no enclave holds.
 */
#include <stdint.h>

#include "abi/heap.h"
#include "tests/harness.h"

#define K	(UINT64_C(1) << 10)
#define M	(UINT64_C(1) << 20)
#define G	(UINT64_C(1) << 30)
#define MAX	(UINT64_C(1) << 47)
#define PAGE	UINT64_C(4096)

/* Everything below the heap of a small program with 8 threads and 2M stacks. */
#define OFFSET	(16 * M + 80 * PAGE)

static struct encl_heap_fit fit(uint64_t off, uint64_t size, uint64_t heap)
{
	struct encl_heap_fit f;

	encl_heap_fit(off, size, heap, MAX, &f);
	return f;
}

/* The reserve written out: 1/256 of the range, page rounded, at least 64 KiB. */
static uint64_t expected_room(uint64_t range)
{
	uint64_t meta = (range / 256 + PAGE - 1) / PAGE * PAGE;

	if (meta < 64 * K)
		meta = 64 * K;
	return range - meta;
}

static void test_exactly_fits_and_one_page_over(void)
{
	uint64_t room = expected_room(128 * M - OFFSET);
	struct encl_heap_fit f = fit(OFFSET, 128 * M, room);

	CHECK_EQ_INT(f.room, room);
	CHECK(f.fits);
	CHECK_EQ_INT(f.enclave_size, 128 * M);
	f = fit(OFFSET, 128 * M, room + PAGE);
	CHECK(!f.fits);
	CHECK_EQ_INT(f.room, room);
	CHECK_EQ_INT(f.enclave_size, 256 * M);
}

/* The reported case: 128M holds 114000K without the reserve, not with it. */
static void test_reserve_counts(void)
{
	struct encl_heap_fit f = fit(OFFSET, 64 * M, 114000 * K);

	CHECK(!f.fits);
	CHECK(128 * M - OFFSET >= 114000 * K);
	CHECK_EQ_INT(f.enclave_size, 256 * M);
	CHECK(!fit(OFFSET, 128 * M, 114000 * K).fits);
	CHECK(fit(OFFSET, 256 * M, 114000 * K).fits);
}

/* For heaps around power-of-two boundaries: the answer fits, half of it does not. */
static void test_smallest_fitting_size(void)
{
	static const uint64_t offsets[] = { 5 * PAGE, OFFSET, 300 * M + PAGE };
	static const uint64_t heaps[] = {
		0, PAGE, 64 * K, 1 * M, 48 * M - PAGE, 48 * M, 64 * M - PAGE, 64 * M, 64 * M + PAGE,
		114000 * K, 128 * M, 1 * G - PAGE, 1 * G, 1 * G + PAGE, 65500 * M, 64 * G,
	};
	size_t i, j;

	for (i = 0; i < sizeof(offsets) / sizeof(offsets[0]); i++)
		for (j = 0; j < sizeof(heaps) / sizeof(heaps[0]); j++) {
			uint64_t off = offsets[i], heap = heaps[j];
			uint64_t e = fit(off, 64 * K, heap).enclave_size;

			CHECK(e && !(e & (e - 1)));
			CHECK(fit(off, e, heap).fits);
			CHECK(!fit(off, e / 2, heap).fits);
			/* the same, with the reserve written out */
			CHECK(heap <= expected_room(e - off));
			CHECK(e / 2 <= off || heap > expected_room(e / 2 - off) ||
			      e / 2 - off < 256 * K);
		}
}

/* 16M of range needs exactly the 64 KiB minimum; 8M would need less but gets it too. */
static void test_reserve_minimum(void)
{
	CHECK_EQ_INT(encl_heap_meta_size(16 * M), 64 * K);
	CHECK_EQ_INT(encl_heap_meta_size(8 * M), 64 * K);
	CHECK_EQ_INT(encl_heap_meta_size(16 * M + PAGE), 68 * K);
	CHECK_EQ_INT(encl_heap_usable(32 * K), 0);
}

/* The memory manager refuses a heap range under four reserve minimums. */
static void test_range_too_small(void)
{
	struct encl_heap_fit f = fit(1 * M - 255 * K, 1 * M, 0);

	CHECK(!f.fits);
	CHECK_EQ_INT(f.room, 0);
	CHECK_EQ_INT(f.enclave_size, 2 * M);
	f = fit(1 * M - 256 * K, 1 * M, 0);
	CHECK(f.fits);
	CHECK_EQ_INT(f.room, 192 * K);
}

static void test_nothing_below_the_heap_fits(void)
{
	struct encl_heap_fit f = fit(64 * M, 64 * M, 0);

	CHECK(!f.fits);
	CHECK_EQ_INT(f.room, 0);
	CHECK_EQ_INT(f.enclave_size, 128 * M);
	CHECK(!fit(65 * M, 64 * M, 0).fits);
}

static void test_no_enclave_holds_it(void)
{
	struct encl_heap_fit f = fit(OFFSET, 64 * G, MAX);

	CHECK(!f.fits);
	CHECK_EQ_INT(f.enclave_size, 0);
	f = fit(OFFSET, 64 * G, expected_room(MAX - OFFSET));
	CHECK_EQ_INT(f.enclave_size, MAX);
	f = fit(OFFSET, 64 * G, expected_room(MAX - OFFSET) + PAGE);
	CHECK_EQ_INT(f.enclave_size, 0);
}

int main(void)
{
	HARNESS_PLAN(7);
	RUN(test_exactly_fits_and_one_page_over);
	RUN(test_reserve_counts);
	RUN(test_smallest_fitting_size);
	RUN(test_reserve_minimum);
	RUN(test_range_too_small);
	RUN(test_nothing_below_the_heap_fits);
	RUN(test_no_enclave_holds_it);
	HARNESS_EXIT();
}

// SPDX-License-Identifier: MIT
/*
 * abi/range_set.h: the table of shared file mappings both sides keep.
 * Ranges are added, merged with the ones they touch, split by a removal
 * in their middle, and a full table refuses without changing.
 */
#include <stdint.h>

#include "abi/range_set.h"
#include "tests/harness.h"

#define P	0x1000ULL

static struct encl_range r[3];
static struct encl_range_set s;

static void reset(void)
{
	s = (struct encl_range_set){ r, 0, 3 };
}

static void test_add_and_find(void)
{
	reset();
	CHECK_EQ_INT(encl_range_set_add(&s, 10 * P, 2 * P), 0);
	CHECK_EQ_INT(encl_range_set_add(&s, 20 * P, P), 0);
	CHECK_EQ_INT(s.n, 2);
	CHECK(encl_range_set_covers(&s, 10 * P, 2 * P));
	CHECK(encl_range_set_covers(&s, 11 * P, P));
	CHECK(!encl_range_set_covers(&s, 11 * P, 2 * P));
	CHECK(encl_range_set_overlaps(&s, 11 * P, 2 * P));
	CHECK(!encl_range_set_overlaps(&s, 12 * P, 8 * P));
	CHECK(!encl_range_set_covers(&s, UINT64_MAX - P, 2 * P));
	CHECK(r[0].start == 10 * P && r[1].start == 20 * P);
}

static void test_merge(void)
{
	reset();
	CHECK_EQ_INT(encl_range_set_add(&s, 10 * P, P), 0);
	CHECK_EQ_INT(encl_range_set_add(&s, 12 * P, P), 0);
	CHECK_EQ_INT(encl_range_set_add(&s, 11 * P, P), 0);	/* fills the gap: one range */
	CHECK_EQ_INT(s.n, 1);
	CHECK(encl_range_set_covers(&s, 10 * P, 3 * P));
	CHECK_EQ_INT(encl_range_set_add(&s, 9 * P, P), 0);	/* touches below */
	CHECK_EQ_INT(s.n, 1);
	CHECK(r[0].start == 9 * P && r[0].end == 13 * P);
}

static void test_remove_and_split(void)
{
	reset();
	CHECK_EQ_INT(encl_range_set_add(&s, 10 * P, 10 * P), 0);
	CHECK_EQ_INT(encl_range_set_remove(&s, 10 * P, P), 0);	/* head */
	CHECK_EQ_INT(encl_range_set_remove(&s, 19 * P, P), 0);	/* tail */
	CHECK(r[0].start == 11 * P && r[0].end == 19 * P);
	CHECK_EQ_INT(encl_range_set_remove(&s, 14 * P, P), 0);	/* middle: two */
	CHECK_EQ_INT(s.n, 2);
	CHECK(!encl_range_set_overlaps(&s, 14 * P, P));
	CHECK(encl_range_set_covers(&s, 11 * P, 3 * P) && encl_range_set_covers(&s, 15 * P, 4 * P));
	CHECK_EQ_INT(encl_range_set_remove(&s, 11 * P, 3 * P), 0);	/* whole */
	CHECK_EQ_INT(s.n, 1);
}

static void test_full(void)
{
	reset();
	CHECK_EQ_INT(encl_range_set_add(&s, 10 * P, 5 * P), 0);
	CHECK_EQ_INT(encl_range_set_add(&s, 20 * P, P), 0);
	CHECK_EQ_INT(encl_range_set_add(&s, 30 * P, P), 0);
	CHECK_EQ_INT(encl_range_set_add(&s, 40 * P, P), -1);
	CHECK_EQ_INT(encl_range_set_add(&s, 21 * P, P), 0);	/* merging needs no room */
	CHECK_EQ_INT(encl_range_set_remove(&s, 12 * P, P), -1);	/* a split does */
	CHECK_EQ_INT(s.n, 3);
	CHECK(encl_range_set_covers(&s, 10 * P, 5 * P));
}

int main(void)
{
	HARNESS_PLAN(4);
	RUN(test_add_and_find);
	RUN(test_merge);
	RUN(test_remove_and_split);
	RUN(test_full);
	HARNESS_EXIT();
}

/* SPDX-License-Identifier: MIT */
/*
 * A set of disjoint address ranges in a fixed array, kept sorted, with
 * touching ranges merged: the shared file mappings, which the enclave
 * (enclave/shield/sys_mem_shared.c) and the host (host/shared_mem.c)
 * each keep, the enclave to know which of the program's addresses are
 * host memory, the host to act only on mappings it made for the enclave.
 * Header-only, because the two sides are built apart. No locking: the
 * caller holds its own lock.
 */
#ifndef ENCL_ABI_RANGE_SET_H
#define ENCL_ABI_RANGE_SET_H

#include <stdint.h>

struct encl_range {
	uint64_t start, end;		/* [start, end) */
};

struct encl_range_set {
	struct encl_range *r;
	uint32_t n, cap;
};

/* Some range of @s shares a byte with [addr, addr + len). */
static inline int encl_range_set_overlaps(const struct encl_range_set *s, uint64_t addr, uint64_t len)
{
	for (uint32_t i = 0; i < s->n; i++)
		if (s->r[i].start < addr + len && addr < s->r[i].end)
			return 1;
	return 0;
}

/* [addr, addr + len) lies entirely in @s (in one range, since touching ones are merged). */
static inline int encl_range_set_covers(const struct encl_range_set *s, uint64_t addr, uint64_t len)
{
	if (addr + len < addr)
		return 0;
	for (uint32_t i = 0; i < s->n; i++)
		if (s->r[i].start <= addr && addr + len <= s->r[i].end)
			return 1;
	return 0;
}

/* Make room for one range at index @i; 0, or -1 when @s is full. */
static inline int encl_range_set_open_(struct encl_range_set *s, uint32_t i)
{
	if (s->n == s->cap)
		return -1;
	for (uint32_t j = s->n; j > i; j--)
		s->r[j] = s->r[j - 1];
	s->n++;
	return 0;
}

static inline void encl_range_set_close_(struct encl_range_set *s, uint32_t i)
{
	for (uint32_t j = i; j + 1 < s->n; j++)
		s->r[j] = s->r[j + 1];
	s->n--;
}

/*
 * Add [addr, addr + len), which must not overlap @s (the caller checks:
 * an overlap means two mappings at one address). 0, or -1 when full.
 */
static inline int encl_range_set_add(struct encl_range_set *s, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;
	uint32_t i = 0;

	while (i < s->n && s->r[i].end < addr)
		i++;
	/* r[i] is the first range that ends at or after addr: it touches, or lies above. */
	if (i < s->n && s->r[i].end == addr) {
		s->r[i].end = end;
		if (i + 1 < s->n && s->r[i + 1].start == end) {
			s->r[i].end = s->r[i + 1].end;
			encl_range_set_close_(s, i + 1);
		}
		return 0;
	}
	if (i < s->n && s->r[i].start == end) {
		s->r[i].start = addr;
		return 0;
	}
	if (encl_range_set_open_(s, i))
		return -1;
	s->r[i] = (struct encl_range){ addr, end };
	return 0;
}

/*
 * Remove [addr, addr + len), which @s covers. 0, or -1 when the range
 * splits one in two and @s is full (nothing changed then).
 */
static inline int encl_range_set_remove(struct encl_range_set *s, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	for (uint32_t i = 0; i < s->n; i++) {
		struct encl_range *r = &s->r[i];

		if (r->start > addr || end > r->end)
			continue;
		if (r->start == addr && r->end == end) {
			encl_range_set_close_(s, i);
		} else if (r->start == addr) {
			r->start = end;
		} else if (r->end == end) {
			r->end = addr;
		} else {
			uint64_t tail = r->end;

			if (encl_range_set_open_(s, i + 1))
				return -1;
			s->r[i].end = addr;
			s->r[i + 1] = (struct encl_range){ end, tail };
		}
		return 0;
	}
	return 0;
}

#endif

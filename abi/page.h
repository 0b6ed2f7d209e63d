/* SPDX-License-Identifier: MIT */
/*
 * The page, as both sides of the boundary count in it: the SGX EPC page
 * that EADD, EAUG and the EPCM work on, and the unit of every offset in
 * abi/params.h.
 */
#ifndef ENCL_ABI_PAGE_H
#define ENCL_ABI_PAGE_H

#define ENCL_PAGE_SHIFT		12
#define ENCL_PAGE_SIZE		(1UL << ENCL_PAGE_SHIFT)

/* @x rounded up to a whole number of pages; callers check for overflow. */
#define ENCL_PAGE_UP(x)		(((x) + ENCL_PAGE_SIZE - 1) & ~(ENCL_PAGE_SIZE - 1))

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Building an enclave layout from the enclave ELF and the parameters: the
 * memory map of abi/params.h, for either identity.
 *
 *   SGX1  SECS.SIZE is the smallest power of two that holds everything; the
 *         heap (SCONE_HEAP bytes) is one run of unmeasured RW pages.
 *   EDMM  SECS.SIZE is the signed enclave size; the heap runs from
 *         heap_offset to the end of ELRANGE and is never EADDed, so the
 *         measurement does not depend on SCONE_HEAP or SCONE_MIN_HEAP.
 *
 * In both, EADD order is: the ELF image PT_LOAD by PT_LOAD with its own
 * permissions (measured), the parameter page (R, measured), then for each
 * thread its TCS, SSA frames and thread-data page (measured) and its stack
 * (RW, not measured), then the SGX1 heap. Guard pages are never added.
 */
#ifndef ENCL_IMAGE_LAYOUT_BUILD_H
#define ENCL_IMAGE_LAYOUT_BUILD_H

#include <stddef.h>

#include "abi/params.h"
#include "image/config.h"
#include "image/elf.h"
#include "image/identity.h"
#include "image/layout.h"

#define ENCL_NSSA		2	/* TCS.NSSA: the program, and the exception handler */

/*
 * The memory map alone: fill @p (every field of struct encl_params) for an
 * image of @image_size bytes entered at @entry. Returns 0, or -1 when the
 * parameters do not fit (the EDMM enclave size is too small, or the total
 * exceeds the largest enclave) with a message naming the values.
 *
 * SSAFRAMESIZE is the smallest frame that holds @c->xfrm's XSAVE area with
 * EXINFO, whatever the layout's MISCSELECT: the loader asks for EXINFO
 * whenever the CPU has it, and the frame size is measured, so it cannot
 * depend on the machine.
 */
int encl_params_compute(uint64_t entry, uint64_t image_size, const struct encl_config *c,
			enum encl_mode mode, struct encl_params *p, char *err, size_t errlen);

/*
 * The whole layout: segments in EADD order with their page contents.
 * @params (may be NULL) receives a copy of the measured parameter page's
 * head. The layout owns its pages (encl_layout_free) and borrows nothing
 * from @elf.
 */
int encl_layout_build(const struct encl_elf *elf, const struct encl_config *c,
		      enum encl_mode mode, struct encl_layout *out, struct encl_params *params,
		      char *err, size_t errlen);

#endif

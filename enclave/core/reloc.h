/* SPDX-License-Identifier: MIT */
/*
 * Self-relocation of the enclave image, a static PIE linked at 0.
 */
#ifndef ENCL_ENCLAVE_CORE_RELOC_H
#define ENCL_ENCLAVE_CORE_RELOC_H

#include <stdint.h>

struct reloc_error {
	const char *why;
	uint64_t offset;	/* where, as an image offset */
	uint64_t value;		/* the relocation type, tag, ... */
};

/*
 * Apply the image's dynamic relocations for load address @base. Only
 * R_X86_64_RELATIVE (in DT_RELA, DT_JMPREL) and DT_RELR entries are
 * accepted, and each must patch 8 bytes inside a writable PT_LOAD of the
 * @image_size-byte image. Runs before anything in the image has been
 * relocated, so it calls nothing and reads no pointer from data. Returns 0,
 * or -1 with @err filled (static strings only).
 */
int encl_relocate(uint64_t base, uint64_t image_size, struct reloc_error *err);

#endif

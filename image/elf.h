/* SPDX-License-Identifier: MIT */
/*
 * The enclave ELF: a static PIE (ET_DYN, x86-64, linked at 0, no PT_INTERP)
 * whose only dynamic relocations are R_X86_64_RELATIVE into writable
 * segments, so that the trusted runtime can relocate itself and the pages
 * measured do not depend on where the enclave is loaded.
 */
#ifndef ENCL_IMAGE_ELF_H
#define ENCL_IMAGE_ELF_H

#include <stddef.h>
#include <stdint.h>

#define ENCL_ELF_MAX_LOAD	16

struct encl_elf_load {
	uint64_t vaddr, memsz;		/* the segment in the image */
	uint64_t offset, filesz;	/* its bytes in the file */
	uint32_t pflags;		/* PF_R | PF_W | PF_X */
};

struct encl_elf {
	const uint8_t *data;		/* the file, borrowed */
	size_t size;
	uint64_t entry;			/* e_entry: TCS.OENTRY */
	uint64_t image_size;		/* end of the highest PT_LOAD, page aligned */
	unsigned nload;
	struct encl_elf_load load[ENCL_ELF_MAX_LOAD];
};

/*
 * Validate @data as an enclave ELF and describe its PT_LOADs. Returns 0, or
 * -1 with a message saying what is wrong (not ELF, not a static PIE, a
 * PT_INTERP, a relocation the runtime cannot apply, ...).
 */
int encl_elf_parse(const uint8_t *data, size_t size, struct encl_elf *out,
		   char *err, size_t errlen);

#endif

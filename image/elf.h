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

/*
 * x86-64 psABI: the .note.gnu.property properties that record which
 * registers an object's instructions use (FEATURE_2_USED) and which ISA
 * levels they belong to (ISA_1_USED, GNU_PROPERTY_X86_ISA_1_* in <elf.h>).
 * The assembler writes both with -mx86-used-note=yes; the linker keeps
 * them only when every input has them.
 */
#ifndef GNU_PROPERTY_X86_FEATURE_2_USED
#define GNU_PROPERTY_X86_FEATURE_2_USED		0xc0010001U
#endif
#define ENCL_X86_FEATURE_2_X86		(1U << 0)
#define ENCL_X86_FEATURE_2_X87		(1U << 1)
#define ENCL_X86_FEATURE_2_MMX		(1U << 2)
#define ENCL_X86_FEATURE_2_XMM		(1U << 3)
#define ENCL_X86_FEATURE_2_YMM		(1U << 4)
#define ENCL_X86_FEATURE_2_ZMM		(1U << 5)
#define ENCL_X86_FEATURE_2_FXSR		(1U << 6)
#define ENCL_X86_FEATURE_2_XSAVE	(1U << 7)
#define ENCL_X86_FEATURE_2_XSAVEOPT	(1U << 8)
#define ENCL_X86_FEATURE_2_XSAVEC	(1U << 9)
#define ENCL_X86_FEATURE_2_TMM		(1U << 10)
#define ENCL_X86_FEATURE_2_MASK		(1U << 11)

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
	int x86_used_known;		/* a .note.gnu.property has FEATURE_2_USED */
	uint32_t x86_used;		/* its ENCL_X86_FEATURE_2_* bits */
	int x86_isa_used_known;		/* ... and ISA_1_USED */
	uint32_t x86_isa_used;		/* its GNU_PROPERTY_X86_ISA_1_* bits */
};

/*
 * Validate @data as an enclave ELF and describe its PT_LOADs and the
 * registers its .note.gnu.property says the code uses (the section is
 * found through the section headers, loaded or not). Returns 0, or -1 with
 * a message saying what is wrong (not ELF, not a static PIE, a PT_INTERP,
 * a relocation the runtime cannot apply, a corrupt note, ...).
 */
int encl_elf_parse(const uint8_t *data, size_t size, struct encl_elf *out,
		   char *err, size_t errlen);

#endif

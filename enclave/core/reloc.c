// SPDX-License-Identifier: MIT
/*
 * Self-relocation. The image is measured as linked (at 0), so its pointers
 * are fixed up inside the enclave on the first START, from the image's own
 * _DYNAMIC. The dynamic section and the program headers are part of the
 * measured image; they are still bounds-checked, since a relocation that
 * lands outside the writable image would let a malformed binary write
 * anywhere in the enclave.
 */
#include <elf.h>
#include <stddef.h>
#include <stdint.h>

#include "enclave/core/reloc.h"

extern const Elf64_Ehdr __ehdr_start __attribute__((visibility("hidden")));
extern Elf64_Dyn _DYNAMIC[] __attribute__((visibility("hidden")));

#ifndef DT_RELRSZ
#define DT_RELRSZ	35
#define DT_RELR		36
#define DT_RELRENT	37
#endif

#define MAX_WRITABLE	8

struct writable {
	unsigned n;
	uint64_t start[MAX_WRITABLE], end[MAX_WRITABLE];
};

static int fail(struct reloc_error *err, const char *why, uint64_t offset, uint64_t value)
{
	err->why = why;
	err->offset = offset;
	err->value = value;
	return -1;
}

/* The 8 bytes at @off lie inside one writable PT_LOAD. */
static int target_ok(const struct writable *w, uint64_t off)
{
	for (unsigned i = 0; i < w->n; i++)
		if (off >= w->start[i] && off <= w->end[i] - 8 && w->end[i] >= 8)
			return 1;
	return 0;
}

static int find_writable(uint64_t base, uint64_t image_size, struct writable *w,
			 struct reloc_error *err)
{
	const Elf64_Ehdr *eh = &__ehdr_start;
	uint64_t phend = eh->e_phoff + (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);

	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phoff >= image_size ||
	    phend > image_size || phend < eh->e_phoff)
		return fail(err, "program headers lie outside the image", eh->e_phoff, eh->e_phnum);
	w->n = 0;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = (const Elf64_Phdr *)(base + eh->e_phoff) + i;
		uint64_t end = ph->p_vaddr + ph->p_memsz;

		if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_W))
			continue;
		if (end < ph->p_vaddr || end > image_size)
			return fail(err, "writable segment lies outside the image", ph->p_vaddr, end);
		if (w->n == MAX_WRITABLE)
			return fail(err, "too many writable segments", ph->p_vaddr, w->n);
		w->start[w->n] = ph->p_vaddr;
		w->end[w->n] = end;
		w->n++;
	}
	return 0;
}

/* A table of @size bytes at image offset @off lies inside the image. */
static int table_ok(uint64_t off, uint64_t size, uint64_t image_size)
{
	return off + size >= off && off + size <= image_size;
}

static int apply_rela(uint64_t base, uint64_t off, uint64_t size, uint64_t ent,
		      uint64_t image_size, const struct writable *w, struct reloc_error *err)
{
	if (!size)
		return 0;
	if (ent != sizeof(Elf64_Rela))
		return fail(err, "DT_RELAENT is not the size of Elf64_Rela", off, ent);
	if (size % sizeof(Elf64_Rela) || !table_ok(off, size, image_size))
		return fail(err, "relocation table lies outside the image", off, size);
	for (uint64_t i = 0; i < size / sizeof(Elf64_Rela); i++) {
		const Elf64_Rela *r = (const Elf64_Rela *)(base + off) + i;
		uint64_t type = ELF64_R_TYPE(r->r_info);

		if (type == R_X86_64_NONE)
			continue;
		if (type != R_X86_64_RELATIVE)
			return fail(err, "relocation type other than R_X86_64_RELATIVE",
				    r->r_offset, type);
		if (!target_ok(w, r->r_offset))
			return fail(err, "relocation outside the writable image", r->r_offset, type);
		*(uint64_t *)(base + r->r_offset) = base + (uint64_t)r->r_addend;
	}
	return 0;
}

static int apply_relr(uint64_t base, uint64_t off, uint64_t size, uint64_t ent,
		      uint64_t image_size, const struct writable *w, struct reloc_error *err)
{
	uint64_t where = 0;

	if (!size)
		return 0;
	if (ent != sizeof(uint64_t))
		return fail(err, "DT_RELRENT is not 8", off, ent);
	if (size % 8 || !table_ok(off, size, image_size))
		return fail(err, "DT_RELR table lies outside the image", off, size);
	for (uint64_t i = 0; i < size / 8; i++) {
		uint64_t e = ((const uint64_t *)(base + off))[i];

		if (!(e & 1)) {
			/* An address: relocate it, the bitmaps that follow start after it. */
			if (!target_ok(w, e))
				return fail(err, "DT_RELR relocation outside the writable image", e, 0);
			*(uint64_t *)(base + e) += base;
			where = e + 8;
			continue;
		}
		/* A bitmap: bit k (1..63) relocates where + (k - 1) * 8. */
		for (unsigned k = 1; k < 64; k++) {
			uint64_t t = where + (k - 1) * 8;

			if (!((e >> k) & 1))
				continue;
			if (!target_ok(w, t))
				return fail(err, "DT_RELR relocation outside the writable image", t, 0);
			*(uint64_t *)(base + t) += base;
		}
		where += 63 * 8;
	}
	return 0;
}

int encl_relocate(uint64_t base, uint64_t image_size, struct reloc_error *err)
{
	uint64_t rela = 0, relasz = 0, relaent = sizeof(Elf64_Rela);
	uint64_t jmprel = 0, pltrelsz = 0, pltrel = DT_RELA;
	uint64_t relr = 0, relrsz = 0, relrent = 8;
	uint64_t dyn = (uint64_t)_DYNAMIC - base;
	struct writable w;

	if (find_writable(base, image_size, &w, err))
		return -1;
	if (!table_ok(dyn, sizeof(Elf64_Dyn), image_size))
		return fail(err, "_DYNAMIC lies outside the image", dyn, 0);
	for (const Elf64_Dyn *d = _DYNAMIC; d->d_tag != DT_NULL; d++) {
		if (!table_ok((uint64_t)(d + 1) - base, sizeof(*d), image_size))
			return fail(err, "_DYNAMIC has no DT_NULL inside the image", dyn, 0);
		switch (d->d_tag) {
		case DT_RELA:		rela = d->d_un.d_ptr; break;
		case DT_RELASZ:		relasz = d->d_un.d_val; break;
		case DT_RELAENT:	relaent = d->d_un.d_val; break;
		case DT_JMPREL:		jmprel = d->d_un.d_ptr; break;
		case DT_PLTRELSZ:	pltrelsz = d->d_un.d_val; break;
		case DT_PLTREL:		pltrel = d->d_un.d_val; break;
		case DT_RELR:		relr = d->d_un.d_ptr; break;
		case DT_RELRSZ:		relrsz = d->d_un.d_val; break;
		case DT_RELRENT:	relrent = d->d_un.d_val; break;
		case DT_REL:
		case DT_RELSZ:
			if (d->d_un.d_val)
				return fail(err, "DT_REL relocations are not supported", 0, d->d_tag);
			break;
		case DT_TEXTREL:
			return fail(err, "text relocations are not supported", 0, d->d_tag);
		case DT_FLAGS:
			if (d->d_un.d_val & DF_TEXTREL)
				return fail(err, "text relocations are not supported", 0, d->d_tag);
			break;
		case DT_NEEDED:
			return fail(err, "the image needs a shared library", 0, d->d_tag);
		default:
			break;
		}
	}
	if (pltrelsz && pltrel != DT_RELA)
		return fail(err, "DT_PLTREL is not DT_RELA", jmprel, pltrel);
	if (apply_rela(base, rela, relasz, relaent, image_size, &w, err) ||
	    apply_rela(base, jmprel, pltrelsz, sizeof(Elf64_Rela), image_size, &w, err) ||
	    apply_relr(base, relr, relrsz, relrent, image_size, &w, err))
		return -1;
	return 0;
}

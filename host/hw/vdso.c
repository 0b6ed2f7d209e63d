// SPDX-License-Identifier: MIT
/*
 * vDSO symbol lookup through the dynamic section: DT_SYMTAB and DT_STRTAB
 * for the symbols, DT_HASH or DT_GNU_HASH for their count, DT_VERSYM and
 * DT_VERDEF for versions. Section headers are not used: the dynamic
 * section is what a loader is promised.
 *
 * Addresses in the vDSO's dynamic section are link-time virtual addresses
 * (nothing relocates them), so each one is adjusted by the load bias.
 */
#include <elf.h>
#include <stdint.h>
#include <string.h>
#include <sys/auxv.h>

#include "host/hw/vdso.h"

struct dynsyms {
	uintptr_t bias;
	const Elf64_Sym *sym;
	const char *str;
	const Elf64_Versym *versym;
	const Elf64_Verdef *verdef;
	const Elf64_Word *hash;		/* DT_HASH */
	const Elf64_Word *gnu_hash;	/* DT_GNU_HASH */
};

/* The number of symbols DT_GNU_HASH covers: one past the last chain's end. */
static size_t gnu_hash_nsyms(const Elf64_Word *h)
{
	Elf64_Word nbuckets = h[0], symoffset = h[1], bloom_size = h[2];
	const Elf64_Word *buckets = (const Elf64_Word *)((const uint64_t *)(h + 4) + bloom_size);
	const Elf64_Word *chain = buckets + nbuckets;
	Elf64_Word last = 0;

	for (Elf64_Word b = 0; b < nbuckets; b++)
		if (buckets[b] > last)
			last = buckets[b];
	if (last < symoffset)
		return symoffset;
	/* Bit 0 of a chain word marks the last symbol of its bucket. */
	while (!(chain[last - symoffset] & 1))
		last++;
	return (size_t)last + 1;
}

static int load_dynamic(const Elf64_Ehdr *eh, struct dynsyms *d)
{
	const Elf64_Phdr *ph;
	const Elf64_Dyn *dyn = NULL;
	int have_bias = 0;

	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0)
		return -1;

	memset(d, 0, sizeof(*d));
	ph = (const Elf64_Phdr *)((const char *)eh + eh->e_phoff);
	/* The first PT_LOAD maps file offset p_offset at p_vaddr. */
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_LOAD && !have_bias) {
			d->bias = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
			have_bias = 1;
		}
	}
	if (!have_bias)
		return -1;
	for (unsigned i = 0; i < eh->e_phnum; i++)
		if (ph[i].p_type == PT_DYNAMIC)
			dyn = (const Elf64_Dyn *)(d->bias + ph[i].p_vaddr);
	if (!dyn)
		return -1;

	for (; dyn->d_tag != DT_NULL; dyn++) {
		uintptr_t p = d->bias + dyn->d_un.d_ptr;

		switch (dyn->d_tag) {
		case DT_SYMTAB:   d->sym = (const Elf64_Sym *)p; break;
		case DT_STRTAB:   d->str = (const char *)p; break;
		case DT_HASH:     d->hash = (const Elf64_Word *)p; break;
		case DT_GNU_HASH: d->gnu_hash = (const Elf64_Word *)p; break;
		case DT_VERSYM:   d->versym = (const Elf64_Versym *)p; break;
		case DT_VERDEF:   d->verdef = (const Elf64_Verdef *)p; break;
		}
	}
	if (!d->sym || !d->str || (!d->hash && !d->gnu_hash))
		return -1;
	return 0;
}

/* Whether symbol @i has version @version, through its VERSYM index. */
static int version_matches(const struct dynsyms *d, size_t i, const char *version)
{
	const Elf64_Verdef *vd = d->verdef;
	Elf64_Half ndx;

	if (!version || !d->versym || !vd)
		return 1;	/* an unversioned object: any version will do */
	ndx = d->versym[i] & 0x7fff;	/* bit 15 marks a hidden symbol */
	for (;;) {
		if (!(vd->vd_flags & VER_FLG_BASE) && vd->vd_ndx == ndx) {
			const Elf64_Verdaux *aux =
				(const Elf64_Verdaux *)((const char *)vd + vd->vd_aux);
			return strcmp(d->str + aux->vda_name, version) == 0;
		}
		if (!vd->vd_next)
			return 0;
		vd = (const Elf64_Verdef *)((const char *)vd + vd->vd_next);
	}
}

void *hw_vdso_lookup(const void *ehdr, const char *name, const char *version)
{
	struct dynsyms d;
	size_t nsyms;

	if (!ehdr || load_dynamic(ehdr, &d) != 0)
		return NULL;
	/* DT_HASH's nchain is the symbol count; DT_GNU_HASH must be walked. */
	nsyms = d.hash ? d.hash[1] : gnu_hash_nsyms(d.gnu_hash);

	for (size_t i = 1; i < nsyms; i++) {
		const Elf64_Sym *s = &d.sym[i];
		unsigned bind = ELF64_ST_BIND(s->st_info), type = ELF64_ST_TYPE(s->st_info);

		if (s->st_shndx == SHN_UNDEF || (bind != STB_GLOBAL && bind != STB_WEAK))
			continue;
		if (type != STT_FUNC && type != STT_NOTYPE)
			continue;
		if (strcmp(d.str + s->st_name, name) != 0)
			continue;
		if (!version_matches(&d, i, version))
			continue;
		return (void *)(d.bias + s->st_value);
	}
	return NULL;
}

void *hw_vdso_sym(const char *name, const char *version)
{
	return hw_vdso_lookup((const void *)getauxval(AT_SYSINFO_EHDR), name, version);
}

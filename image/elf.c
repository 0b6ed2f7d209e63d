// SPDX-License-Identifier: MIT
/*
 * Reading and checking the enclave ELF with <elf.h>'s structures. Every
 * offset and size taken from the file is bounds checked before use.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "image/elf.h"
#include "sgx/arch.h"

/*
 * Every image page is built in memory to be measured, so images are kept to
 * a sane size; this also keeps all arithmetic far from overflow.
 */
#define ENCL_ELF_MAX_IMAGE	(UINT64_C(1) << 30)

#define fail(...) do { snprintf(err, errlen, __VA_ARGS__); return -1; } while (0)

static int in_file(const struct encl_elf *e, uint64_t off, uint64_t len)
{
	return off <= e->size && len <= e->size - off;
}

/* ELF tables are read in place: they must be 8-byte aligned in memory. */
static int aligned(const void *p)
{
	return ((uintptr_t)p & 7) == 0;
}

static int check_header(const struct encl_elf *e, const Elf64_Ehdr **ehp, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)e->data;

	if (e->size < SELFMAG || memcmp(e->data, ELFMAG, SELFMAG))
		fail("not an ELF file");
	if (e->size < sizeof(*eh))
		fail("truncated ELF header");
	if (!aligned(eh))
		fail("misaligned ELF file");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_ident[EI_DATA] != ELFDATA2LSB ||
	    eh->e_machine != EM_X86_64)
		fail("not an x86-64 ELF file");
	if (eh->e_type != ET_DYN)
		fail("not a static PIE (ELF type %u, expected ET_DYN): link with -static-pie", eh->e_type);
	if (eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    !in_file(e, eh->e_phoff, (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr)) ||
	    eh->e_phoff % 8)
		fail("bad or truncated program header table");
	*ehp = eh;
	return 0;
}

static int add_load(struct encl_elf *e, const Elf64_Phdr *ph, char *err, size_t errlen)
{
	struct encl_elf_load *l;
	unsigned i;

	if (e->nload == ENCL_ELF_MAX_LOAD)
		fail("more than %d PT_LOAD segments", ENCL_ELF_MAX_LOAD);
	if (ph->p_filesz > ph->p_memsz || !in_file(e, ph->p_offset, ph->p_filesz) ||
	    ph->p_vaddr >= ENCL_ELF_MAX_IMAGE || ph->p_memsz > ENCL_ELF_MAX_IMAGE - ph->p_vaddr)
		fail("bad PT_LOAD at vaddr %#" PRIx64 " (images are limited to %" PRIu64 " MiB)",
		     (uint64_t)ph->p_vaddr, ENCL_ELF_MAX_IMAGE >> 20);
	for (i = 0; i < e->nload; i++)
		if (ph->p_vaddr < e->load[i].vaddr + e->load[i].memsz &&
		    e->load[i].vaddr < ph->p_vaddr + ph->p_memsz)
			fail("PT_LOAD segments overlap at vaddr %#" PRIx64, (uint64_t)ph->p_vaddr);
	l = &e->load[e->nload++];
	l->vaddr = ph->p_vaddr;
	l->memsz = ph->p_memsz;
	l->offset = ph->p_offset;
	l->filesz = ph->p_filesz;
	l->pflags = ph->p_flags;
	if (ph->p_vaddr + ph->p_memsz > e->image_size)
		e->image_size = ph->p_vaddr + ph->p_memsz;
	return 0;
}

/* The PT_LOAD holding [vaddr, vaddr + len), or NULL. */
static const struct encl_elf_load *find_load(const struct encl_elf *e, uint64_t vaddr, uint64_t len)
{
	unsigned i;

	for (i = 0; i < e->nload; i++) {
		const struct encl_elf_load *l = &e->load[i];

		if (vaddr >= l->vaddr && len <= l->memsz && vaddr - l->vaddr <= l->memsz - len)
			return l;
	}
	return NULL;
}

/* File bytes behind [vaddr, vaddr + len): must be inside some segment's file part. */
static const uint8_t *vaddr_bytes(const struct encl_elf *e, uint64_t vaddr, uint64_t len)
{
	const struct encl_elf_load *l = find_load(e, vaddr, len);

	if (!l || vaddr - l->vaddr + len > l->filesz)
		return NULL;
	return e->data + l->offset + (vaddr - l->vaddr);
}

struct dyn_info {
	uint64_t rela, relasz, relaent;
	int has_rela;
};

static int read_dynamic(const struct encl_elf *e, const Elf64_Phdr *ph, struct dyn_info *d,
			char *err, size_t errlen)
{
	const Elf64_Dyn *dyn;
	uint64_t i, n;

	if (!in_file(e, ph->p_offset, ph->p_filesz) || ph->p_offset % 8)
		fail("truncated or misaligned PT_DYNAMIC");
	dyn = (const Elf64_Dyn *)(e->data + ph->p_offset);
	n = ph->p_filesz / sizeof(*dyn);
	memset(d, 0, sizeof(*d));
	d->relaent = sizeof(Elf64_Rela);
	for (i = 0; i < n && dyn[i].d_tag != DT_NULL; i++) {
		switch (dyn[i].d_tag) {
		case DT_NEEDED:
			fail("dynamically linked (DT_NEEDED): the enclave must be a static PIE");
		case DT_RELA:
			d->rela = dyn[i].d_un.d_ptr;
			d->has_rela = 1;
			break;
		case DT_RELASZ:
			d->relasz = dyn[i].d_un.d_val;
			break;
		case DT_RELAENT:
			d->relaent = dyn[i].d_un.d_val;
			break;
		case DT_REL:
		case DT_JMPREL:
		case DT_RELR:
			fail("unsupported relocation table (tag %#" PRIx64 "): only RELA with R_X86_64_RELATIVE is allowed",
			     (uint64_t)dyn[i].d_tag);
		case DT_TEXTREL:
			fail("text relocations (DT_TEXTREL) are not allowed: link with -z text");
		}
	}
	return 0;
}

static int check_relocations(const struct encl_elf *e, const struct dyn_info *d,
			     char *err, size_t errlen)
{
	const Elf64_Rela *r;
	uint64_t i, n;

	if (!d->has_rela || d->relasz == 0)
		return 0;
	if (d->relaent != sizeof(Elf64_Rela))
		fail("bad DT_RELAENT %" PRIu64, d->relaent);
	r = (const Elf64_Rela *)vaddr_bytes(e, d->rela, d->relasz);
	if (!r || !aligned(r))
		fail("DT_RELA table misaligned or outside the file's segments");
	n = d->relasz / sizeof(*r);
	for (i = 0; i < n; i++) {
		const struct encl_elf_load *l;

		if (ELF64_R_TYPE(r[i].r_info) != R_X86_64_RELATIVE)
			fail("relocation %" PRIu64 " has type %" PRIu64 ": only R_X86_64_RELATIVE is allowed in an enclave",
			     i, (uint64_t)ELF64_R_TYPE(r[i].r_info));
		l = find_load(e, r[i].r_offset, 8);
		if (!l)
			fail("relocation at %#" PRIx64 " is outside every PT_LOAD", (uint64_t)r[i].r_offset);
		if (!(l->pflags & PF_W))
			fail("relocation at %#" PRIx64 " targets a non-writable segment", (uint64_t)r[i].r_offset);
	}
	return 0;
}

#define NOTE_FAIL(...) fail("corrupt " NOTE_GNU_PROPERTY_SECTION_NAME ": " __VA_ARGS__)

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* A 4-byte property we read, once: 0, or -1 with a message naming it. */
static int take_u32(const char *name, const uint8_t *data, uint32_t datasz, int *seen,
		    uint32_t *value, char *err, size_t errlen)
{
	if (datasz != 4)
		NOTE_FAIL("%s has %u bytes, expected 4", name, datasz);
	if (*seen)
		NOTE_FAIL("%s appears twice", name);
	memcpy(value, data, 4);
	*seen = 1;
	return 0;
}

/*
 * The descriptor of an NT_GNU_PROPERTY_TYPE_0 note: properties
 * { pr_type, pr_datasz, data } with data padded to 8 bytes (x86-64 psABI).
 */
static int read_properties(struct encl_elf *e, const uint8_t *desc, uint64_t descsz,
			   char *err, size_t errlen)
{
	uint64_t off = 0;

	while (off < descsz) {
		uint32_t type, datasz;

		if (descsz - off < 8)
			NOTE_FAIL("truncated property header at descriptor offset %" PRIu64, off);
		memcpy(&type, desc + off, 4);
		memcpy(&datasz, desc + off + 4, 4);
		off += 8;
		if (datasz > descsz - off)
			NOTE_FAIL("property %#x of %u bytes overruns its %" PRIu64 "-byte note",
				  type, datasz, descsz);
		if (type == GNU_PROPERTY_X86_FEATURE_2_USED &&
		    take_u32("GNU_PROPERTY_X86_FEATURE_2_USED", desc + off, datasz,
			     &e->x86_used_known, &e->x86_used, err, errlen))
			return -1;
		if (type == GNU_PROPERTY_X86_ISA_1_USED &&
		    take_u32("GNU_PROPERTY_X86_ISA_1_USED", desc + off, datasz,
			     &e->x86_isa_used_known, &e->x86_isa_used, err, errlen))
			return -1;
		off += align_up(datasz, 8);
	}
	return 0;
}

/* The notes of one .note.gnu.property section: header, name, descriptor, each aligned. */
static int read_property_notes(struct encl_elf *e, const Elf64_Shdr *sh, char *err, size_t errlen)
{
	uint64_t align = sh->sh_addralign, off = 0;
	const uint8_t *sec;

	if (align != 4 && align != 8)
		NOTE_FAIL("alignment %" PRIu64 " (expected 4 or 8)", (uint64_t)sh->sh_addralign);
	if (!in_file(e, sh->sh_offset, sh->sh_size))
		NOTE_FAIL("the section lies beyond the end of the file");
	sec = e->data + sh->sh_offset;
	while (off < sh->sh_size) {
		Elf64_Nhdr nh;
		uint64_t desc, next;

		if (sh->sh_size - off < sizeof(nh))
			NOTE_FAIL("truncated note header at offset %" PRIu64, off);
		memcpy(&nh, sec + off, sizeof(nh));
		desc = align_up(sizeof(nh) + (uint64_t)nh.n_namesz, align);
		next = align_up(desc + nh.n_descsz, align);
		if (desc + nh.n_descsz > sh->sh_size - off)
			NOTE_FAIL("a note of %u + %u bytes at offset %" PRIu64 " overruns the %" PRIu64 "-byte section",
				  nh.n_namesz, nh.n_descsz, off, (uint64_t)sh->sh_size);
		if (nh.n_type == NT_GNU_PROPERTY_TYPE_0 && nh.n_namesz == sizeof("GNU") &&
		    !memcmp(sec + off + sizeof(nh), "GNU", sizeof("GNU")) &&
		    read_properties(e, sec + off + desc, nh.n_descsz, err, errlen))
			return -1;
		off += next;
	}
	return 0;
}

/* Whether section @sh is named @name in the (bounds-checked) name table @names. */
static int section_named(const struct encl_elf *e, const Elf64_Shdr *names, const Elf64_Shdr *sh,
			 const char *name)
{
	size_t len = strlen(name) + 1;

	return sh->sh_name < names->sh_size && names->sh_size - sh->sh_name >= len &&
	       !memcmp(e->data + names->sh_offset + sh->sh_name, name, len);
}

/*
 * Section headers are optional in an image (nothing is loaded from them),
 * but when present they must be sound for the property note to be found.
 */
static int read_sections(struct encl_elf *e, const Elf64_Ehdr *eh, char *err, size_t errlen)
{
	const Elf64_Shdr *sh, *names;
	unsigned i;

	if (eh->e_shnum == 0 || eh->e_shstrndx == SHN_UNDEF)
		return 0;
	if (eh->e_shentsize != sizeof(Elf64_Shdr) || eh->e_shoff % 8 ||
	    !in_file(e, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)) ||
	    eh->e_shstrndx >= eh->e_shnum)
		fail("bad or truncated section header table");
	sh = (const Elf64_Shdr *)(e->data + eh->e_shoff);
	names = &sh[eh->e_shstrndx];
	if (!in_file(e, names->sh_offset, names->sh_size))
		fail("section name table beyond the end of the file");
	for (i = 0; i < eh->e_shnum; i++)
		if (sh[i].sh_type == SHT_NOTE &&
		    section_named(e, names, &sh[i], NOTE_GNU_PROPERTY_SECTION_NAME) &&
		    read_property_notes(e, &sh[i], err, errlen))
			return -1;
	return 0;
}

int encl_elf_parse(const uint8_t *data, size_t size, struct encl_elf *out,
		   char *err, size_t errlen)
{
	const Elf64_Ehdr *eh;
	const Elf64_Phdr *ph, *dynamic = NULL;
	struct dyn_info d = { 0 };
	unsigned i;

	memset(out, 0, sizeof(*out));
	out->data = data;
	out->size = size;
	if (check_header(out, &eh, err, errlen))
		return -1;
	ph = (const Elf64_Phdr *)(data + eh->e_phoff);
	for (i = 0; i < eh->e_phnum; i++) {
		if (ph[i].p_type == PT_INTERP)
			fail("has a PT_INTERP (dynamic loader): the enclave must be a static PIE");
		if (ph[i].p_type == PT_DYNAMIC)
			dynamic = &ph[i];
		if (ph[i].p_type == PT_LOAD && ph[i].p_memsz && add_load(out, &ph[i], err, errlen))
			return -1;
	}
	if (out->nload == 0)
		fail("no PT_LOAD segments");
	if (dynamic && (read_dynamic(out, dynamic, &d, err, errlen) ||
			check_relocations(out, &d, err, errlen)))
		return -1;
	out->entry = eh->e_entry;
	if (!find_load(out, out->entry, 1))
		fail("entry point %#" PRIx64 " is outside the image", out->entry);
	if (read_sections(out, eh, err, errlen))
		return -1;
	out->image_size = (out->image_size + SGX_PAGE_SIZE - 1) & ~(SGX_PAGE_SIZE - 1);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * The enclave ELF checks (image/elf.c) and the layout builder
 * (image/layout_build.c), on a small static PIE built in memory.
 */
#include <elf.h>
#include <stdint.h>
#include <string.h>

#include "image/layout_build.h"
#include "sgx/xsave.h"
#include "tests/harness.h"

#define PG 4096
#define FILE_SIZE (3 * PG)

static uint8_t file[FILE_SIZE];
static char err[512];

/*
 * Three PT_LOADs, as ld lays out a static PIE: headers (R) at 0, text (RX)
 * at 0x1000, data (RW, with .bss to 0x3800) at 0x2000 holding the dynamic
 * section and one R_X86_64_RELATIVE into itself.
 */
static void make_elf(void)
{
	Elf64_Ehdr *eh = (Elf64_Ehdr *)file;
	Elf64_Phdr *ph = (Elf64_Phdr *)(file + sizeof(*eh));
	Elf64_Dyn *dyn = (Elf64_Dyn *)(file + 0x2000);
	Elf64_Rela *rela = (Elf64_Rela *)(file + 0x2080);

	memset(file, 0, sizeof(file));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELFDATA2LSB;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_type = ET_DYN;
	eh->e_machine = EM_X86_64;
	eh->e_version = EV_CURRENT;
	eh->e_entry = 0x1000;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 4;
	ph[0] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R, .p_offset = 0, .p_vaddr = 0,
			      .p_filesz = 0x200, .p_memsz = 0x200, .p_align = PG };
	ph[1] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_X, .p_offset = 0x1000,
			      .p_vaddr = 0x1000, .p_filesz = 0x100, .p_memsz = 0x100, .p_align = PG };
	ph[2] = (Elf64_Phdr){ .p_type = PT_LOAD, .p_flags = PF_R | PF_W, .p_offset = 0x2000,
			      .p_vaddr = 0x2000, .p_filesz = 0x100, .p_memsz = 0x1800, .p_align = PG };
	ph[3] = (Elf64_Phdr){ .p_type = PT_DYNAMIC, .p_flags = PF_R | PF_W, .p_offset = 0x2000,
			      .p_vaddr = 0x2000, .p_filesz = 0x50, .p_memsz = 0x50, .p_align = 8 };
	dyn[0] = (Elf64_Dyn){ .d_tag = DT_RELA, .d_un.d_ptr = 0x2080 };
	dyn[1] = (Elf64_Dyn){ .d_tag = DT_RELASZ, .d_un.d_val = sizeof(*rela) };
	dyn[2] = (Elf64_Dyn){ .d_tag = DT_RELAENT, .d_un.d_val = sizeof(*rela) };
	dyn[3] = (Elf64_Dyn){ .d_tag = DT_NULL };
	rela->r_offset = 0x20c0;
	rela->r_info = ELF64_R_INFO(0, R_X86_64_RELATIVE);
	rela->r_addend = 0x1000;
	memset(file + 0x1000, 0x90, 0x100);	/* "code" */
}

static Elf64_Ehdr *ehdr(void) { return (Elf64_Ehdr *)file; }
static Elf64_Phdr *phdr(int i) { return (Elf64_Phdr *)(file + sizeof(Elf64_Ehdr)) + i; }
static Elf64_Rela *rela(void) { return (Elf64_Rela *)(file + 0x2080); }

static int parse(struct encl_elf *e)
{
	err[0] = 0;
	return encl_elf_parse(file, sizeof(file), e, err, sizeof(err));
}

static void test_elf_ok(void)
{
	struct encl_elf e;

	make_elf();
	CHECK(parse(&e) == 0);
	CHECK_EQ_INT(e.nload, 3);
	CHECK_EQ_INT(e.entry, 0x1000);
	CHECK_EQ_INT(e.image_size, 0x4000);
	CHECK_EQ_INT(e.load[2].memsz, 0x1800);
}

static void expect_reject(const char *what)
{
	struct encl_elf e;

	CHECK(parse(&e) == -1);
	CHECK_STR_CONTAINS(err, what);
	make_elf();
}

static void test_elf_rejects(void)
{
	struct encl_elf e;

	make_elf();
	file[0] = 'X';
	expect_reject("not an ELF");
	ehdr()->e_type = ET_EXEC;
	expect_reject("static PIE");
	ehdr()->e_machine = EM_AARCH64;
	expect_reject("x86-64");
	phdr(0)->p_type = PT_INTERP;
	expect_reject("PT_INTERP");
	rela()->r_info = ELF64_R_INFO(1, R_X86_64_64);
	expect_reject("R_X86_64_RELATIVE");
	rela()->r_offset = 0x1010;		/* into the text */
	expect_reject("non-writable");
	rela()->r_offset = 0x9000;		/* nowhere */
	expect_reject("outside");
	((Elf64_Dyn *)(file + 0x2000))->d_un.d_ptr = 0x2081;
	expect_reject("misaligned");
	phdr(2)->p_memsz = 2ULL << 30;		/* a 2 GiB .bss */
	expect_reject("limited");
	ehdr()->e_entry = 0x8000;
	expect_reject("entry point");
	phdr(2)->p_filesz = 0x10000;		/* beyond the file */
	expect_reject("PT_LOAD");
	phdr(1)->p_vaddr = 0x100;		/* overlaps the headers' segment */
	expect_reject("overlap");
	ehdr()->e_phoff = FILE_SIZE - 8;
	expect_reject("program header");
	CHECK(encl_elf_parse(file, 20, &e, err, sizeof(err)) == -1);
	CHECK_STR_CONTAINS(err, "truncated");
}

/*
 * Section headers (null, .shstrtab, .note.gnu.property) in the unloaded
 * bytes after the first segment's, and the note's @n words at 0x300.
 */
#define NOTE_OFF 0x300
static Elf64_Shdr *note_shdr(void) { return (Elf64_Shdr *)(file + 0x400) + 2; }

static void add_note(const uint32_t *words, size_t n)
{
	static const char names[] = "\0.shstrtab\0.note.gnu.property";
	Elf64_Shdr *sh = (Elf64_Shdr *)(file + 0x400);

	memcpy(file + 0x200, names, sizeof(names));
	memcpy(file + NOTE_OFF, words, n * 4);
	memset(sh, 0, 3 * sizeof(*sh));
	sh[1] = (Elf64_Shdr){ .sh_name = 1, .sh_type = SHT_STRTAB, .sh_offset = 0x200,
			      .sh_size = sizeof(names), .sh_addralign = 1 };
	sh[2] = (Elf64_Shdr){ .sh_name = 11, .sh_type = SHT_NOTE, .sh_offset = NOTE_OFF,
			      .sh_size = n * 4, .sh_addralign = 8 };
	ehdr()->e_shoff = 0x400;
	ehdr()->e_shentsize = sizeof(*sh);
	ehdr()->e_shnum = 3;
	ehdr()->e_shstrndx = 1;
}

/* As the assembler writes it: ISA_1_USED, then FEATURE_2_USED (YMM). */
static const uint32_t good_note[] = {
	4, 32, NT_GNU_PROPERTY_TYPE_0, 0x00554e47,		/* "GNU" */
	GNU_PROPERTY_X86_ISA_1_USED, 4, GNU_PROPERTY_X86_ISA_1_V3, 0,
	GNU_PROPERTY_X86_FEATURE_2_USED, 4, ENCL_X86_FEATURE_2_XMM | ENCL_X86_FEATURE_2_YMM, 0,
};
#define GOOD_WORDS (sizeof(good_note) / 4)

static void test_note(void)
{
	static const uint32_t other[] = {
		4, 8, 1, 0x00585958,				/* "XYX", type 1: skipped */
		GNU_PROPERTY_X86_FEATURE_2_USED, 0xffff,
		4, 16, NT_GNU_PROPERTY_TYPE_0, 0x00554e47,
		GNU_PROPERTY_X86_FEATURE_2_USED, 4, ENCL_X86_FEATURE_2_ZMM, 0,
	};
	struct encl_elf e;

	make_elf();
	CHECK(parse(&e) == 0 && !e.x86_used_known && !e.x86_isa_used_known);
	add_note(good_note, GOOD_WORDS);
	CHECK(parse(&e) == 0);
	CHECK(e.x86_used_known && e.x86_used == (ENCL_X86_FEATURE_2_XMM | ENCL_X86_FEATURE_2_YMM));
	CHECK(e.x86_isa_used_known && e.x86_isa_used == GNU_PROPERTY_X86_ISA_1_V3);
	make_elf();
	add_note(other, sizeof(other) / 4);
	CHECK(parse(&e) == 0);
	CHECK(e.x86_used_known && e.x86_used == ENCL_X86_FEATURE_2_ZMM && !e.x86_isa_used_known);
	/* a section name that only begins the same is another section */
	make_elf();
	add_note(good_note, GOOD_WORDS);
	file[0x200 + 11 + 18] = 'x';
	CHECK(parse(&e) == 0 && !e.x86_used_known);
}

/* The good note, one word changed, must be refused as corrupt naming @what. */
static void expect_corrupt(size_t word, uint32_t value, const char *what)
{
	uint32_t w[GOOD_WORDS];
	struct encl_elf e;

	memcpy(w, good_note, sizeof(w));
	w[word] = value;
	make_elf();
	add_note(w, GOOD_WORDS);
	CHECK(parse(&e) == -1);
	CHECK_STR_CONTAINS(err, "corrupt .note.gnu.property");
	CHECK_STR_CONTAINS(err, what);
}

static void test_note_corrupt(void)
{
	struct encl_elf e;

	expect_corrupt(1, 0x1000, "overruns the 48-byte section");	/* n_descsz */
	expect_corrupt(0, 0xfffffff0, "overruns");			/* n_namesz */
	expect_corrupt(5, 0x100, "of 256 bytes overruns its 32-byte note");
	expect_corrupt(9, 8, "FEATURE_2_USED has 8 bytes, expected 4");
	expect_corrupt(4, GNU_PROPERTY_X86_FEATURE_2_USED, "appears twice");
	expect_corrupt(1, 20, "truncated property header");
	make_elf();
	add_note(good_note, 2);
	CHECK(parse(&e) == -1);
	CHECK_STR_CONTAINS(err, "truncated note header");
	make_elf();
	add_note(good_note, GOOD_WORDS);
	note_shdr()->sh_addralign = 2;
	CHECK(parse(&e) == -1);
	CHECK_STR_CONTAINS(err, "alignment 2");
	make_elf();
	add_note(good_note, GOOD_WORDS);
	note_shdr()->sh_offset = FILE_SIZE - 16;
	CHECK(parse(&e) == -1);
	CHECK_STR_CONTAINS(err, "beyond the end of the file");
	make_elf();
	add_note(good_note, GOOD_WORDS);
	ehdr()->e_shoff = FILE_SIZE - 64;
	CHECK(parse(&e) == -1);
	CHECK_STR_CONTAINS(err, "section header table");
	make_elf();
	add_note(good_note, GOOD_WORDS);
	((Elf64_Shdr *)(file + 0x400))[1].sh_size = FILE_SIZE;
	CHECK(parse(&e) == -1);
	CHECK_STR_CONTAINS(err, "section name table");
	make_elf();
}

static void config(struct encl_config *c)
{
	encl_config_default(c);
	c->tcs = 2;
	c->stack = 64 * 1024;
}

static int build(const struct encl_config *c, enum encl_mode mode, struct encl_layout *l,
		 struct encl_params *p)
{
	struct encl_elf e;

	if (parse(&e))
		return -1;
	return encl_layout_build(&e, c, mode, l, p, err, sizeof(err));
}

static const struct encl_segment *find(const struct encl_layout *l, enum encl_seg_kind k, int nth)
{
	size_t i;

	for (i = 0; i < l->nseg; i++)
		if (l->seg[i].kind == k && nth-- == 0)
			return &l->seg[i];
	return NULL;
}

static void test_sgx1_layout(void)
{
	struct encl_config c;
	struct encl_layout l;
	struct encl_params p;
	const struct encl_segment *s;
	const struct sgx_tcs *tcs;
	const struct encl_thread_init *ti;
	size_t i;

	make_elf();
	config(&c);
	CHECK(build(&c, ENCL_MODE_SGX1, &l, &p) == 0);
	/* image: R page, RX page, two RW pages, all measured, in order */
	CHECK_EQ_INT(l.seg[0].flags, SGX_SECINFO_REG | SGX_SECINFO_R);
	CHECK_EQ_INT(l.seg[1].flags, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_X);
	CHECK_EQ_INT(l.seg[2].flags, SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W);
	CHECK_EQ_INT(l.seg[2].offset, 0x2000);
	CHECK_EQ_INT(l.seg[2].npages, 2);
	CHECK(l.seg[1].data[0] == 0x90 && l.seg[2].data[0x1000] == 0);
	CHECK(!memcmp(l.seg[0].data, file, PG));
	/* offsets grow in EADD order and nothing overlaps */
	for (i = 1; i < l.nseg; i++)
		CHECK(l.seg[i].offset >= l.seg[i - 1].offset + l.seg[i - 1].npages * PG);
	/* the measured parameter page */
	s = find(&l, ENCL_SEG_PARAMS, 0);
	CHECK(s && s->measure && s->flags == (SGX_SECINFO_REG | SGX_SECINFO_R));
	CHECK(s && s->offset == p.params_offset && !memcmp(s->data, &p, sizeof(p)));
	CHECK_EQ_INT(p.magic, ENCL_PARAMS_MAGIC);
	CHECK_EQ_INT(p.mode, ENCL_PARAMS_MODE_SGX1);
	CHECK_EQ_INT(p.image_size, 0x4000);
	CHECK_EQ_INT(p.tcs_count, 2);
	CHECK_EQ_INT(p.nssa, 2);
	CHECK_EQ_INT(p.entry_offset, 0x1000);
	/* the heap: one unmeasured RW run, SECS.SIZE the power of two above it */
	s = find(&l, ENCL_SEG_HEAP, 0);
	CHECK(s && !s->measure && s->npages == c.heap / PG && s->offset == p.heap_offset);
	CHECK(s == &l.seg[l.nseg - 1]);
	CHECK_EQ_INT(l.size, 128ULL << 20);
	CHECK_EQ_INT(p.enclave_size, l.size);
	CHECK_EQ_INT(l.ssaframesize, 1);
	/* thread 1: TCS, SSA, thread data measured; stack not */
	s = find(&l, ENCL_SEG_TCS, 1);
	CHECK(s && s->measure && s->flags == SGX_SECINFO_TCS);
	tcs = (const struct sgx_tcs *)s->data;
	CHECK_EQ_INT(s->offset, p.thread_offset + p.thread_stride);
	CHECK_EQ_INT(tcs->ossa, s->offset + p.ssa_in_block);
	CHECK_EQ_INT(tcs->nssa, 2);
	CHECK_EQ_INT(tcs->oentry, 0x1000);
	CHECK_EQ_INT(tcs->ofsbase, s->offset + p.td_in_block);
	CHECK_EQ_INT(tcs->ogsbase, tcs->ofsbase);
	CHECK_EQ_INT(tcs->fslimit, 0xfff);
	CHECK_EQ_INT(tcs->gslimit, 0xfff);
	s = find(&l, ENCL_SEG_SSA, 1);
	CHECK(s && s->measure && s->npages == 2 && s->offset == tcs->ossa);
	s = find(&l, ENCL_SEG_THREAD, 1);
	CHECK(s && s->measure && s->offset == tcs->ofsbase);
	ti = (const struct encl_thread_init *)s->data;
	CHECK_EQ_INT(ti->index, 1);
	CHECK_EQ_INT(ti->self_offset, tcs->ofsbase);
	CHECK_EQ_INT(ti->stack_high - ti->stack_low, c.stack);
	s = find(&l, ENCL_SEG_STACK, 1);
	CHECK(s && !s->measure && s->offset == ti->stack_low && s->npages == c.stack / PG);
	/* a guard page each side of the stack */
	CHECK(find(&l, ENCL_SEG_THREAD, 1)->offset + PG < s->offset);
	CHECK_EQ_INT(p.heap_offset, p.thread_offset + 2 * p.thread_stride);
	CHECK(s->offset + s->npages * PG < p.heap_offset);
	encl_layout_free(&l);
}

static void test_edmm_layout(void)
{
	struct encl_config c;
	struct encl_layout l;
	struct encl_params p;

	make_elf();
	config(&c);
	CHECK(build(&c, ENCL_MODE_EDMM, &l, &p) == 0);
	CHECK(find(&l, ENCL_SEG_HEAP, 0) == NULL);
	CHECK_EQ_INT(l.size, 64ULL << 30);
	CHECK_EQ_INT(p.mode, ENCL_PARAMS_MODE_EDMM);
	CHECK_EQ_INT(p.heap_offset + p.heap_size, 64ULL << 30);
	CHECK(find(&l, ENCL_SEG_STACK, 1) != NULL);
	encl_layout_free(&l);

	c.enclave_size = 64 * 1024;		/* far too small */
	CHECK(build(&c, ENCL_MODE_EDMM, &l, &p) == -1);
	CHECK_STR_CONTAINS(err, "enclave size 64K is too small");
}

static void mrenclave(const struct encl_config *c, enum encl_mode mode, uint8_t mr[32])
{
	struct encl_layout l;

	memset(mr, 0, 32);
	CHECK(build(c, mode, &l, NULL) == 0);
	CHECK(encl_layout_measure(&l, mr, err, sizeof(err)) == 0);
	encl_layout_free(&l);
}

static void test_identities(void)
{
	uint8_t s0[32], e0[32], s1[32], e1[32];
	struct encl_config c, d;

	make_elf();
	config(&c);
	mrenclave(&c, ENCL_MODE_SGX1, s0);
	mrenclave(&c, ENCL_MODE_EDMM, e0);
	CHECK(memcmp(s0, e0, 32));

	/* heap and min-heap: only the SGX1 identity moves */
	d = c;
	d.heap = 8ULL << 30;
	d.min_heap = 1 << 20;
	mrenclave(&d, ENCL_MODE_SGX1, s1);
	mrenclave(&d, ENCL_MODE_EDMM, e1);
	CHECK(memcmp(s0, s1, 32));
	CHECK(!memcmp(e0, e1, 32));

	/* stack and thread count move both */
	d = c;
	d.stack += PG;
	mrenclave(&d, ENCL_MODE_SGX1, s1);
	mrenclave(&d, ENCL_MODE_EDMM, e1);
	CHECK(memcmp(s0, s1, 32) && memcmp(e0, e1, 32));
	d = c;
	d.tcs = 3;
	mrenclave(&d, ENCL_MODE_SGX1, s1);
	mrenclave(&d, ENCL_MODE_EDMM, e1);
	CHECK(memcmp(s0, s1, 32) && memcmp(e0, e1, 32));

	/* one byte of code moves both */
	file[0x1010] ^= 1;
	mrenclave(&c, ENCL_MODE_SGX1, s1);
	mrenclave(&c, ENCL_MODE_EDMM, e1);
	CHECK(memcmp(s0, s1, 32) && memcmp(e0, e1, 32));

	/* the enclave size moves only EDMM */
	make_elf();
	d = c;
	d.enclave_size = 128ULL << 30;
	mrenclave(&d, ENCL_MODE_SGX1, s1);
	mrenclave(&d, ENCL_MODE_EDMM, e1);
	CHECK(!memcmp(s0, s1, 32) && memcmp(e0, e1, 32));
}

/* SSAFRAMESIZE follows XFRM; within one page the identities do not move. */
static void test_ssa_frames(void)
{
	uint8_t s0[32], e0[32], s1[32], e1[32];
	struct encl_config c, d;
	struct encl_layout l;
	struct encl_params p;
	const struct encl_segment *s;

	make_elf();
	config(&c);
	mrenclave(&c, ENCL_MODE_SGX1, s0);
	mrenclave(&c, ENCL_MODE_EDMM, e0);
	d = c;
	d.xfrm = SGX_XFRM_LEGACY | SGX_XFRM_AVX | SGX_XFRM_AVX512;
	CHECK(build(&d, ENCL_MODE_SGX1, &l, &p) == 0);
	CHECK_EQ_INT(l.ssaframesize, 1);
	encl_layout_free(&l);
	mrenclave(&d, ENCL_MODE_SGX1, s1);
	mrenclave(&d, ENCL_MODE_EDMM, e1);
	CHECK(!memcmp(s0, s1, 32) && !memcmp(e0, e1, 32));

	/* AMX tiles: 11008 bytes of XSAVE, three pages per frame */
	d.xfrm |= SGX_XFRM_AMX;
	CHECK(build(&d, ENCL_MODE_SGX1, &l, &p) == 0);
	CHECK_EQ_INT(l.ssaframesize, 3);
	CHECK_EQ_INT(p.ssaframesize, 3);
	CHECK_EQ_INT(p.td_in_block, p.ssa_in_block + 2 * 3 * PG);
	s = find(&l, ENCL_SEG_SSA, 0);
	CHECK(s && s->npages == 6);
	encl_layout_free(&l);
	mrenclave(&d, ENCL_MODE_SGX1, s1);
	mrenclave(&d, ENCL_MODE_EDMM, e1);
	CHECK(memcmp(s0, s1, 32) && memcmp(e0, e1, 32));
}

static void test_limits(void)
{
	struct encl_config c;
	struct encl_layout l;

	make_elf();
	config(&c);
	c.tcs = ENCL_MAX_TCS;
	c.stack = 1ULL << 62;
	CHECK(build(&c, ENCL_MODE_SGX1, &l, NULL) == -1);
	CHECK_STR_CONTAINS(err, "do not fit");
	config(&c);
	c.heap = 1ULL << 63;
	CHECK(build(&c, ENCL_MODE_SGX1, &l, NULL) == -1);
	CHECK_STR_CONTAINS(err, "heap");
	/* the same heap is no concern of the EDMM layout */
	CHECK(build(&c, ENCL_MODE_EDMM, &l, NULL) == 0);
	encl_layout_free(&l);
}

int main(void)
{
	HARNESS_PLAN(9);
	RUN(test_elf_ok);
	RUN(test_elf_rejects);
	RUN(test_note);
	RUN(test_note_corrupt);
	RUN(test_sgx1_layout);
	RUN(test_edmm_layout);
	RUN(test_identities);
	RUN(test_ssa_frames);
	RUN(test_limits);
	HARNESS_EXIT();
}

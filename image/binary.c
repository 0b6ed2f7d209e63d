// SPDX-License-Identifier: MIT
/*
 * Opening an enclave executable: find .encl_image and .encl_meta through
 * the section headers and validate both.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <openssl/sha.h>

#include "image/binary.h"
#include "image/layout_build.h"

static int failf(const struct encl_binary *b, char *err, size_t errlen, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(err, errlen, "%s: %s", b->path, msg);
	return -1;
}

#define fail(...) return failf(b, err, errlen, __VA_ARGS__)

static int map_file(struct encl_binary *b, char *err, size_t errlen)
{
	struct stat st;
	void *p;
	int fd = open(b->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		fail("%s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		fail("not a regular file");
	}
	if (st.st_size == 0) {
		close(fd);
		fail("empty file, not an ELF executable");
	}
	p = mmap(NULL, st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		fail("mmap: %s", strerror(errno));
	b->map = p;
	b->size = st.st_size;
	return 0;
}

static int in_file(const struct encl_binary *b, uint64_t off, uint64_t len)
{
	return off <= b->size && len <= b->size - off;
}

/* The section headers and their string table, checked against the file size. */
static int section_table(struct encl_binary *b, const Elf64_Shdr **shp, unsigned *nsh,
			 const char **strtab, uint64_t *strsize, char *err, size_t errlen)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)b->map;
	const Elf64_Shdr *sh;

	if (b->size < SELFMAG || memcmp(b->map, ELFMAG, SELFMAG))
		fail("not an ELF file");
	if (b->size < sizeof(*eh))
		fail("truncated executable (incomplete ELF header)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64 || eh->e_machine != EM_X86_64)
		fail("not an x86-64 ELF executable");
	if (eh->e_shnum == 0 || eh->e_shentsize != sizeof(Elf64_Shdr))
		fail("no section headers: not built by encl-cc");
	if (!in_file(b, eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr)))
		fail("truncated executable (section headers beyond the end of the file)");
	if (eh->e_shoff % 8)
		fail("malformed executable (misaligned section headers)");
	sh = (const Elf64_Shdr *)(b->map + eh->e_shoff);
	if (eh->e_shstrndx >= eh->e_shnum ||
	    !in_file(b, sh[eh->e_shstrndx].sh_offset, sh[eh->e_shstrndx].sh_size))
		fail("truncated executable (section names beyond the end of the file)");
	*shp = sh;
	*nsh = eh->e_shnum;
	*strtab = (const char *)b->map + sh[eh->e_shstrndx].sh_offset;
	*strsize = sh[eh->e_shstrndx].sh_size;
	return 0;
}

static const Elf64_Shdr *find_section(const Elf64_Shdr *sh, unsigned nsh, const char *strtab,
				      uint64_t strsize, const char *name)
{
	size_t len = strlen(name) + 1;
	unsigned i;

	for (i = 0; i < nsh; i++)
		if (sh[i].sh_name < strsize && strsize - sh[i].sh_name >= len &&
		    !memcmp(strtab + sh[i].sh_name, name, len))
			return &sh[i];
	return NULL;
}

/*
 * The optional .encl_libc line, into b->libc: printable characters only,
 * cut at the first newline (it is text for people, not a checked fact).
 */
static void read_libc(struct encl_binary *b, const Elf64_Shdr *s)
{
	size_t i, n = 0;

	if (!s || s->sh_type != SHT_PROGBITS || !in_file(b, s->sh_offset, s->sh_size))
		return;
	for (i = 0; i < s->sh_size && n + 1 < sizeof(b->libc); i++) {
		char c = (char)b->map[s->sh_offset + i];

		if (c == '\n' || c == '\0')
			break;
		b->libc[n++] = c >= 0x20 && c < 0x7f ? c : '?';
	}
	b->libc[n] = '\0';
}

static int find_sections(struct encl_binary *b, const Elf64_Shdr **img, const Elf64_Shdr **meta,
			 char *err, size_t errlen)
{
	const Elf64_Shdr *sh = NULL;
	const char *strtab = NULL;
	uint64_t strsize = 0;
	unsigned nsh = 0;

	if (section_table(b, &sh, &nsh, &strtab, &strsize, err, errlen))
		return -1;
	*img = find_section(sh, nsh, strtab, strsize, ENCL_IMAGE_SECTION);
	*meta = find_section(sh, nsh, strtab, strsize, ENCL_META_SECTION);
	read_libc(b, find_section(sh, nsh, strtab, strsize, ENCL_LIBC_SECTION));
	if (!*img || !*meta)
		fail("not built by encl-cc (no %s section)", *img ? ENCL_META_SECTION : ENCL_IMAGE_SECTION);
	if ((*img)->sh_type != SHT_PROGBITS || (*meta)->sh_type != SHT_PROGBITS ||
	    ((*img)->sh_flags | (*meta)->sh_flags) & SHF_ALLOC)
		fail("malformed %s/%s sections", ENCL_IMAGE_SECTION, ENCL_META_SECTION);
	if (!in_file(b, (*img)->sh_offset, (*img)->sh_size) ||
	    !in_file(b, (*meta)->sh_offset, (*meta)->sh_size))
		fail("truncated executable (enclave sections beyond the end of the file)");
	return 0;
}

static int check_meta(struct encl_binary *b, const uint8_t *sec, size_t len, unsigned flags,
		      char *err, size_t errlen)
{
	char why[200];
	int r = encl_meta_read(sec, len, &b->meta, why, sizeof(why));

	if (r < 0)
		fail("%s", why);
	b->is_signed = r;
	if (!r && !(flags & ENCL_BINARY_UNSIGNED_OK))
		fail("not signed yet; sign it with: encl sign %s", b->path);
	/*
	 * The signed parameters pass the same rules as SCONE_* before anyone
	 * (start-up, encl info, dump, sign) uses them: a checksum only says the
	 * section is intact, not that whoever wrote it kept the rules.
	 */
	if (r) {
		struct encl_config c;

		encl_meta_get_config(&b->meta, &c);
		if (encl_config_finish(&c, why, sizeof(why)))
			fail("bad signed parameters: %s; sign it again with: encl sign %s", why, b->path);
	}
	return 0;
}

static int open_checked(struct encl_binary *b, unsigned flags, char *err, size_t errlen)
{
	const Elf64_Shdr *img = NULL, *meta = NULL;
	char why[200];

	if (map_file(b, err, errlen) || find_sections(b, &img, &meta, err, errlen))
		return -1;
	b->image = b->map + img->sh_offset;
	b->image_len = img->sh_size;
	b->meta_offset = meta->sh_offset;
	if (check_meta(b, b->map + meta->sh_offset, meta->sh_size, flags, err, errlen))
		return -1;
	if (encl_elf_parse(b->image, b->image_len, &b->elf, why, sizeof(why)))
		fail("bad enclave image: %s", why);
	return 0;
}

int encl_binary_open(struct encl_binary *b, const char *path, unsigned flags,
		     char *err, size_t errlen)
{
	memset(b, 0, sizeof(*b));
	b->path = path;
	if (open_checked(b, flags, err, errlen)) {
		encl_binary_close(b);
		return -1;
	}
	return 0;
}

void encl_binary_close(struct encl_binary *b)
{
	if (b->map)
		munmap((void *)b->map, b->size);
	b->map = NULL;
}

void encl_binary_signed_config(const struct encl_binary *b, struct encl_config *c)
{
	if (b->is_signed)
		encl_meta_get_config(&b->meta, c);
	else
		encl_config_default(c);
}

int encl_binary_effective_config(const struct encl_binary *b, struct encl_config *c,
				 char *err, size_t errlen)
{
	encl_binary_signed_config(b, c);
	return encl_config_from_env(c, err, errlen);
}

int encl_binary_layout(const struct encl_binary *b, const struct encl_config *c,
		       enum encl_mode mode, struct encl_layout *l, struct encl_params *p,
		       char *err, size_t errlen)
{
	return encl_layout_build(&b->elf, c, mode, l, p, err, errlen);
}

int encl_binary_mrenclave(const struct encl_binary *b, const struct encl_config *c,
			  enum encl_mode mode, uint8_t mrenclave[SGX_HASH_SIZE],
			  char *err, size_t errlen)
{
	struct encl_layout l;
	int ret;

	if (encl_binary_layout(b, c, mode, &l, NULL, err, errlen))
		return -1;
	ret = encl_layout_measure(&l, mrenclave, err, errlen);
	encl_layout_free(&l);
	return ret;
}

const struct sgx_sigstruct *encl_binary_sigstruct(const struct encl_binary *b, enum encl_mode mode)
{
	return b->is_signed ? &b->meta.sigstruct[mode] : NULL;
}

int encl_binary_heap_fit(const struct encl_binary *b, const struct encl_config *c,
			 uint64_t heap, struct encl_heap_fit *f, char *err, size_t errlen)
{
	struct encl_config any = *c;
	struct encl_params p;

	/* Where the heap starts does not depend on the enclave size: place it in the largest. */
	any.enclave_size = ENCL_MAX_ENCLAVE_SIZE;
	if (encl_params_compute(b->elf.entry, b->elf.image_size, &any, ENCL_MODE_EDMM, &p,
				err, errlen))
		return -1;
	encl_heap_fit(p.heap_offset, c->enclave_size, heap, ENCL_MAX_ENCLAVE_SIZE, f);
	return 0;
}

/* " --stack 1M" appended to @opts when @want differs from @have. */
static void opt_if(char *opts, size_t len, const char *opt, uint64_t want, uint64_t have)
{
	size_t used = strlen(opts);
	char v[32];

	if (want != have)
		snprintf(opts + used, len - used, " %s %s", opt, encl_size_format(want, v));
}

/*
 * @why, then the `encl sign` command that signs @want over @s. The enclave
 * size grows when @heap (the heap the run will ask for) would not fit.
 */
static int resign(const struct encl_binary *b, const struct encl_config *s,
		  struct encl_config *want, uint64_t heap, const char *why, char *err, size_t errlen)
{
	struct encl_heap_fit f;
	char opts[160] = "", x[32];

	if (encl_binary_heap_fit(b, want, heap, &f, err, errlen))
		return -1;
	if (!f.fits && !f.enclave_size) {
		snprintf(err, errlen, "%s; a heap of %s does not fit even the largest enclave (%s): lower SCONE_HEAP",
			 why, encl_size_format(heap, x),
			 encl_size_format(ENCL_MAX_ENCLAVE_SIZE, (char[32]){ 0 }));
		return -1;
	}
	if (!f.fits)
		want->enclave_size = f.enclave_size;
	if (want->tcs != s->tcs)
		snprintf(opts, sizeof(opts), " --tcs %u", want->tcs);
	opt_if(opts, sizeof(opts), "--stack", want->stack, s->stack);
	opt_if(opts, sizeof(opts), "--heap", want->heap, s->heap);
	opt_if(opts, sizeof(opts), "--enclave-size", want->enclave_size, s->enclave_size);
	snprintf(err, errlen, "%s; re-sign with: encl sign%s %s", why, opts, b->path);
	return -1;
}

int encl_binary_check_signed(const struct encl_binary *b, const struct encl_config *c,
			     enum encl_mode mode, char *err, size_t errlen)
{
	struct encl_config s, want;
	struct encl_heap_fit f;
	char why[256], x[32], y[32];
	uint64_t heap;

	encl_binary_signed_config(b, &s);
	want = s;
	want.tcs = c->tcs;
	want.stack = c->stack;
	if (mode == ENCL_MODE_SGX1)
		want.heap = c->heap;
	/* EDMM signs the heap only for the sign-time check; the run asks for SCONE_HEAP. */
	heap = want.heap > c->heap ? want.heap : c->heap;
	/* With EDMM too: a heap of 0 would otherwise leave the heap unbounded. */
	if (c->heap < ENCL_HEAP_RANGE_MIN) {
		snprintf(err, errlen, "SCONE_HEAP=%s is below the %s the memory manager needs; raise SCONE_HEAP",
			 encl_size_format(c->heap, x), encl_size_format(ENCL_HEAP_RANGE_MIN, y));
		return -1;
	}
	if (c->tcs != s.tcs) {
		snprintf(why, sizeof(why), "SCONE_TCS=%u differs from the signed %u", c->tcs, s.tcs);
	} else if (c->stack != s.stack) {
		snprintf(why, sizeof(why), "SCONE_STACK %s differs from the signed %s",
			 encl_size_format(c->stack, x), encl_size_format(s.stack, y));
	} else if (mode == ENCL_MODE_SGX1 && c->heap != s.heap) {
		snprintf(why, sizeof(why), "SCONE_HEAP %s differs from the signed %s",
			 encl_size_format(c->heap, x), encl_size_format(s.heap, y));
	} else {
		if (encl_binary_heap_fit(b, &s, heap, &f, err, errlen))
			return -1;
		if (f.fits)
			return 0;
		snprintf(why, sizeof(why), "SCONE_HEAP=%s does not fit the signed enclave size %s (at most %s of heap after the memory manager's metadata)",
			 encl_size_format(c->heap, x), encl_size_format(s.enclave_size, y),
			 encl_size_format(f.room, (char[32]){ 0 }));
	}
	return resign(b, &s, &want, heap, why, err, errlen);
}

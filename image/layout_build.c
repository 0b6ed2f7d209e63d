// SPDX-License-Identifier: MIT
/*
 * The layout builder: the memory map of abi/params.h, and the segments
 * and measured pages that realise it.
 */
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "image/layout_build.h"
#include "sgx/xsave.h"

#define PAGE	SGX_PAGE_SIZE

#define SECINFO_R	(SGX_SECINFO_REG | SGX_SECINFO_R)
#define SECINFO_RW	(SGX_SECINFO_REG | SGX_SECINFO_R | SGX_SECINFO_W)

static uint64_t pow2_up(uint64_t v)
{
	uint64_t p = SGX_MIN_ENCLAVE_SIZE;

	while (p < v)
		p <<= 1;
	return p;
}

/* Everything below the heap: image, parameter page, thread blocks. */
static int place_threads(uint64_t image_size, const struct encl_config *c,
			 struct encl_params *p, char *err, size_t errlen)
{
	uint64_t blocks;

	p->image_size = image_size;
	p->params_offset = image_size + PAGE;		/* guard page after the image */
	p->thread_offset = p->params_offset + 2 * PAGE;	/* guard page after the params */
	p->tcs_in_block = 0;
	p->ssa_in_block = PAGE;
	p->td_in_block = p->ssa_in_block + (uint64_t)p->nssa * p->ssaframesize * PAGE;
	p->stack_in_block = p->td_in_block + PAGE + ENCL_STACK_GUARD;
	if (__builtin_add_overflow(p->stack_in_block + PAGE, c->stack, &p->thread_stride) ||
	    __builtin_mul_overflow(p->thread_stride, (uint64_t)c->tcs, &blocks) ||
	    __builtin_add_overflow(p->thread_offset, blocks, &p->heap_offset) ||
	    p->heap_offset > ENCL_MAX_ENCLAVE_SIZE) {
		snprintf(err, errlen, "%u threads with a %" PRIu64 "-byte stack do not fit in an enclave",
			 c->tcs, c->stack);
		return -1;
	}
	return 0;
}

static int place_heap(const struct encl_config *c, enum encl_mode mode,
		      struct encl_params *p, char *err, size_t errlen)
{
	char a[32], b[32];
	uint64_t end;

	if (mode == ENCL_MODE_EDMM) {
		if (p->heap_offset >= c->enclave_size) {
			snprintf(err, errlen, "enclave size %s is too small: image, threads and stacks need %s; raise --enclave-size",
				 encl_size_format(c->enclave_size, a), encl_size_format(p->heap_offset, b));
			return -1;
		}
		p->enclave_size = c->enclave_size;
		p->heap_size = c->enclave_size - p->heap_offset;
		return 0;
	}
	if (__builtin_add_overflow(p->heap_offset, c->heap, &end) || end > ENCL_MAX_ENCLAVE_SIZE) {
		snprintf(err, errlen, "heap %s does not fit in the largest enclave (%s)",
			 encl_size_format(c->heap, a), encl_size_format(ENCL_MAX_ENCLAVE_SIZE, b));
		return -1;
	}
	p->heap_size = c->heap;
	p->enclave_size = pow2_up(end);
	return 0;
}

int encl_params_compute(uint64_t entry, uint64_t image_size, const struct encl_config *c,
			enum encl_mode mode, struct encl_params *p, char *err, size_t errlen)
{
	memset(p, 0, sizeof(*p));
	p->magic = ENCL_PARAMS_MAGIC;
	p->version = ENCL_PARAMS_VERSION;
	p->mode = mode == ENCL_MODE_EDMM ? ENCL_PARAMS_MODE_EDMM : ENCL_PARAMS_MODE_SGX1;
	p->stack_size = c->stack;
	p->tcs_count = c->tcs;
	p->nssa = ENCL_NSSA;
	p->ssaframesize = sgx_ssa_frame_pages(c->xfrm, SGX_MISC_EXINFO);
	p->entry_offset = entry;
	if (c->cas_pinned) {
		p->flags |= ENCL_PARAMS_CAS_PINNED;
		memcpy(p->cas_key, c->cas_key, sizeof(p->cas_key));
	}
	if (image_size & (PAGE - 1) || image_size > ENCL_MAX_ENCLAVE_SIZE) {
		snprintf(err, errlen, "bad image size %#" PRIx64, image_size);
		return -1;
	}
	if (place_threads(image_size, c, p, err, errlen))
		return -1;
	return place_heap(c, mode, p, err, errlen);
}

/* Segments under construction. */
struct builder {
	struct encl_layout *l;
	size_t cap;
};

static void push(struct builder *b, uint64_t offset, uint64_t npages, uint64_t flags,
		 int measure, const uint8_t *data, enum encl_seg_kind kind)
{
	struct encl_segment *s = &b->l->seg[b->l->nseg++];

	s->offset = offset;
	s->npages = npages;
	s->flags = flags;
	s->measure = measure;
	s->data = data;
	s->kind = kind;
}

static uint64_t secinfo_of(uint32_t pflags)
{
	/* SGX has no write- or execute-only pages: every image page is readable. */
	return SGX_SECINFO_REG | SGX_SECINFO_R |
	       (pflags & PF_W ? SGX_SECINFO_W : 0) | (pflags & PF_X ? SGX_SECINFO_X : 0);
}

/* Per page of the image, the union of the PT_LOAD permissions touching it (0: none). */
static uint8_t *image_page_flags(const struct encl_elf *elf)
{
	uint64_t npages = elf->image_size / PAGE;
	uint8_t *pf = calloc(npages ? npages : 1, 1);
	unsigned i;

	if (!pf)
		return NULL;
	for (i = 0; i < elf->nload; i++) {
		const struct encl_elf_load *ld = &elf->load[i];
		uint64_t pg = ld->vaddr / PAGE, end = (ld->vaddr + ld->memsz + PAGE - 1) / PAGE;

		for (; pg < end; pg++)
			pf[pg] |= (ld->pflags & (PF_R | PF_W | PF_X)) | 0x80;
	}
	return pf;
}

/* Copy the file bytes and emit one segment per run of pages with equal flags. */
static int add_image(struct builder *b, const struct encl_elf *elf, uint8_t *pages)
{
	uint64_t npages = elf->image_size / PAGE, pg, start;
	uint8_t *pf = image_page_flags(elf);
	unsigned i;

	if (!pf)
		return -1;
	for (i = 0; i < elf->nload; i++)
		memcpy(pages + elf->load[i].vaddr, elf->data + elf->load[i].offset,
		       elf->load[i].filesz);
	for (pg = 0; pg < npages; pg = start) {
		for (start = pg + 1; start < npages && pf[start] == pf[pg]; start++)
			;
		if (pf[pg])
			push(b, pg * PAGE, start - pg, secinfo_of(pf[pg]), 1, pages + pg * PAGE,
			     ENCL_SEG_IMAGE);
	}
	free(pf);
	return 0;
}

static size_t count_image_runs(const struct encl_elf *elf)
{
	/* Each PT_LOAD starts at most one run and can split one more at each end. */
	return 2 * (size_t)elf->nload + 1;
}

static void fill_tcs(struct sgx_tcs *tcs, const struct encl_params *p, uint64_t block)
{
	memset(tcs, 0, sizeof(*tcs));
	tcs->ossa = block + p->ssa_in_block;
	tcs->nssa = p->nssa;
	tcs->oentry = p->entry_offset;
	tcs->ofsbase = block + p->td_in_block;
	tcs->ogsbase = tcs->ofsbase;
	tcs->fslimit = 0xfff;
	tcs->gslimit = 0xfff;
}

static void fill_thread_init(struct encl_thread_init *ti, const struct encl_params *p,
			     uint64_t index, uint64_t block)
{
	ti->self_offset = block + p->td_in_block;
	ti->index = index;
	ti->tcs_offset = block + p->tcs_in_block;
	ti->ssa_offset = block + p->ssa_in_block;
	ti->stack_low = block + p->stack_in_block;
	ti->stack_high = ti->stack_low + p->stack_size;
}

/* TCS, SSA frames, thread data and stack of each thread; @pages holds 2 per thread. */
static void add_threads(struct builder *b, const struct encl_params *p, uint8_t *pages)
{
	uint64_t t;

	for (t = 0; t < p->tcs_count; t++) {
		uint64_t block = p->thread_offset + t * p->thread_stride;
		uint8_t *tcs = pages + 2 * t * PAGE, *td = tcs + PAGE;

		fill_tcs((struct sgx_tcs *)tcs, p, block);
		fill_thread_init((struct encl_thread_init *)td, p, t, block);
		push(b, block + p->tcs_in_block, 1, SGX_SECINFO_TCS, 1, tcs, ENCL_SEG_TCS);
		push(b, block + p->ssa_in_block, (uint64_t)p->nssa * p->ssaframesize, SECINFO_RW, 1,
		     NULL, ENCL_SEG_SSA);
		push(b, block + p->td_in_block, 1, SECINFO_RW, 1, td, ENCL_SEG_THREAD);
		push(b, block + p->stack_in_block, p->stack_size / PAGE, SECINFO_RW, 0, NULL,
		     ENCL_SEG_STACK);
	}
}

static uint8_t *alloc_pages(size_t n)
{
	void *p;

	if (posix_memalign(&p, PAGE, n * PAGE))
		return NULL;
	return memset(p, 0, n * PAGE);
}

int encl_layout_build(const struct encl_elf *elf, const struct encl_config *c,
		      enum encl_mode mode, struct encl_layout *out, struct encl_params *params,
		      char *err, size_t errlen)
{
	struct encl_params p;
	struct builder b = { .l = out };
	uint8_t *pages;

	memset(out, 0, sizeof(*out));
	if (encl_params_compute(elf->entry, elf->image_size, c, mode, &p, err, errlen))
		return -1;
	b.cap = count_image_runs(elf) + 1 + 4 * (size_t)c->tcs + 1;
	out->seg = calloc(b.cap, sizeof(*out->seg));
	/*
	 * Image pages, the parameter page, then TCS + thread data per thread;
	 * page aligned, as the driver wants EADD sources.
	 */
	pages = alloc_pages(elf->image_size / PAGE + 1 + 2 * (size_t)c->tcs);
	out->owned = pages;
	if (!out->seg || !pages || add_image(&b, elf, pages)) {
		encl_layout_free(out);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	out->size = p.enclave_size;
	out->ssaframesize = p.ssaframesize;
	pages += elf->image_size;
	memcpy(pages, &p, sizeof(p));
	push(&b, p.params_offset, 1, SECINFO_R, 1, pages, ENCL_SEG_PARAMS);
	add_threads(&b, &p, pages + PAGE);
	if (mode == ENCL_MODE_SGX1 && p.heap_size)
		push(&b, p.heap_offset, p.heap_size / PAGE, SECINFO_RW, 0, NULL, ENCL_SEG_HEAP);
	if (params)
		*params = p;
	return 0;
}

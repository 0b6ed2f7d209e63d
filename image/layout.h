/* SPDX-License-Identifier: MIT */
/*
 * An enclave layout: everything ECREATE, EADD and EEXTEND will be asked to
 * do, in order. It is what is measured, what is dumped as "encl layout v1"
 * (docs/executables.md), and what a backend loads. Offsets are relative to the
 * enclave base, so a layout never depends on where it will be loaded.
 */
#ifndef ENCL_IMAGE_LAYOUT_H
#define ENCL_IMAGE_LAYOUT_H

#include <stddef.h>
#include <stdint.h>
#include "sgx/arch.h"

/* What a run of pages is for; the loader and the tools use it, it is not measured. */
enum encl_seg_kind {
	ENCL_SEG_OTHER = 0,	/* from a dump: purpose unknown */
	ENCL_SEG_IMAGE,		/* an ELF PT_LOAD segment */
	ENCL_SEG_PARAMS,	/* the measured page of signed parameters */
	ENCL_SEG_TCS,
	ENCL_SEG_SSA,
	ENCL_SEG_THREAD,	/* per-TCS thread data, at TCS.OFSBASE */
	ENCL_SEG_STACK,
	ENCL_SEG_HEAP,
};

/* One run of pages with equal SECINFO.FLAGS, in EADD order. */
struct encl_segment {
	uint64_t offset;	/* page aligned, from the enclave base */
	uint64_t npages;
	uint64_t flags;		/* SECINFO.FLAGS */
	int measure;		/* each page EEXTENDed */
	const uint8_t *data;	/* npages * 4096 bytes, or NULL for zero pages */
	enum encl_seg_kind kind;
};

struct encl_layout {
	uint64_t size;		/* SECS.SIZE */
	uint32_t ssaframesize;	/* SECS.SSAFRAMESIZE, in pages */
	size_t nseg;
	struct encl_segment *seg;
	void *owned;		/* storage freed with the layout (pages built for it) */
};

/* MRENCLAVE of a layout: ECREATE, then each segment's EADDs and EEXTENDs. */
int encl_layout_measure(const struct encl_layout *l, uint8_t mrenclave[SGX_HASH_SIZE],
			char *err, size_t errlen);

void encl_layout_free(struct encl_layout *l);

#endif

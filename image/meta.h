/* SPDX-License-Identifier: MIT */
/*
 * What an enclave executable carries besides the host runtime, in two
 * non-allocated ELF sections (the loader never maps them; the host runtime
 * reads them from /proc/self/exe):
 *
 *   .encl_image  the enclave ELF, bit for bit
 *   .encl_meta   ENCL_META_SIZE bytes: struct encl_meta, then zeros
 *
 * encl-cc links .encl_meta as zeros ("unsigned"); `encl sign` fills it in.
 * All integers are little endian. The checksum (SHA-256 over the struct up
 * to the checksum field) catches corruption before any field is believed;
 * the SIGSTRUCTs are then checked on their own by EINIT's rules.
 */
#ifndef ENCL_IMAGE_META_H
#define ENCL_IMAGE_META_H

#include <stddef.h>
#include <stdint.h>

#include "image/config.h"
#include "image/identity.h"
#include "sgx/arch.h"

#define ENCL_IMAGE_SECTION	".encl_image"
#define ENCL_META_SECTION	".encl_meta"
/*
 * Not loaded, not measured, optional: one line of text naming the C
 * library the enclave was linked with, written by encl-cc from the
 * library's libc.id (docs/libc.md); `encl info` shows it.
 */
#define ENCL_LIBC_SECTION	".encl_libc"
#define ENCL_LIBC_MAX		256
#define ENCL_META_SIZE		8192
#define ENCL_META_MAGIC		"ENCLMETA"
#define ENCL_META_VERSION	1

#define ENCL_META_DEBUG		0x1U	/* both SIGSTRUCTs have ATTRIBUTES.DEBUG */
#define ENCL_META_CAS_PINNED	0x2U	/* cas_key is measured in (struct encl_params) */

struct encl_meta {
	char magic[8];			/* ENCL_META_MAGIC */
	uint32_t version;		/* ENCL_META_VERSION */
	uint32_t length;		/* sizeof(struct encl_meta) */
	uint32_t flags;			/* ENCL_META_* */
	uint16_t isvprodid;
	uint16_t isvsvn;
	/* the signed parameters (struct encl_config); XFRM is the SIGSTRUCTs' own */
	uint64_t heap;
	uint64_t min_heap;
	uint64_t stack;
	uint64_t enclave_size;
	uint32_t tcs;
	uint32_t reserved0;
	/* the enclave image these signatures were made for */
	uint64_t image_length;
	uint8_t image_sha256[SGX_HASH_SIZE];
	uint8_t cas_key[32];		/* with ENCL_META_CAS_PINNED */
	uint64_t reserved[4];
	struct sgx_sigstruct sigstruct[2];	/* [ENCL_MODE_SGX1], [ENCL_MODE_EDMM] */
	uint8_t checksum[SGX_HASH_SIZE];	/* SHA-256 of every byte above */
} __attribute__((packed));
_Static_assert(sizeof(struct encl_meta) <= ENCL_META_SIZE, ".encl_meta too small");

/* Compute and store m->checksum (after setting magic, version and length). */
void encl_meta_seal(struct encl_meta *m);

/*
 * Check a .encl_meta section of @len bytes. Returns 1 for a valid,
 * signed one (copied to @m), 0 for an all-zero (unsigned) one, -1 with a
 * message for anything else.
 */
int encl_meta_read(const uint8_t *sec, size_t len, struct encl_meta *m, char *err, size_t errlen);

/* The signed parameters, XFRM from the SIGSTRUCTs' ATTRIBUTES.XFRM. */
void encl_meta_get_config(const struct encl_meta *m, struct encl_config *c);
/* Every parameter but XFRM, which encl sign puts in the SIGSTRUCTs. */
void encl_meta_set_config(struct encl_meta *m, const struct encl_config *c);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * An enclave executable as encl-cc builds it (see image/meta.h): opening
 * and validating it, its signed and effective configurations, and the
 * layouts and SIGSTRUCTs a loader needs.
 *
 * The host runtime's start-up, in these terms:
 *
 *	struct encl_binary b;
 *	struct encl_config c;
 *	struct encl_layout l;
 *	struct encl_params p;
 *
 *	encl_binary_open(&b, "/proc/self/exe", 0, err, sizeof(err));
 *	encl_binary_effective_config(&b, &c, err, sizeof(err));	   // signed + SCONE_*
 *	encl_binary_check_signed(&b, &c, mode, err, sizeof(err));  // would EINIT pass?
 *	encl_binary_layout(&b, &c, mode, &l, &p, err, sizeof(err)); // what to ECREATE/EADD
 *	... backend create/add_pages for l.seg[], then
 *	init(e, encl_binary_sigstruct(&b, mode));
 *	encl_layout_free(&l); encl_binary_close(&b);
 *
 * Every function returns 0, or -1 with a one-line message in @err that
 * names the file where it helps.
 */
#ifndef ENCL_IMAGE_BINARY_H
#define ENCL_IMAGE_BINARY_H

#include <stddef.h>
#include <stdint.h>

#include "abi/heap.h"
#include "abi/params.h"
#include "image/config.h"
#include "image/elf.h"
#include "image/identity.h"
#include "image/layout.h"
#include "image/meta.h"

#define ENCL_BINARY_UNSIGNED_OK	0x1	/* open a binary whose .encl_meta is still zero */

struct encl_binary {
	const char *path;
	const uint8_t *map;		/* the whole file, read-only */
	size_t size;
	const uint8_t *image;		/* .encl_image: the enclave ELF */
	size_t image_len;
	uint64_t meta_offset;		/* file offset of .encl_meta */
	char libc[ENCL_LIBC_MAX];	/* .encl_libc, one line; "" if absent */
	int is_signed;			/* .encl_meta has been written by encl sign */
	struct encl_meta meta;		/* valid when is_signed */
	struct encl_elf elf;		/* the parsed enclave ELF */
};

/*
 * Map @path and check it: an ELF file, with both sections, a well-formed
 * enclave ELF, and valid metadata (signed unless ENCL_BINARY_UNSIGNED_OK).
 */
int encl_binary_open(struct encl_binary *b, const char *path, unsigned flags,
		     char *err, size_t errlen);
void encl_binary_close(struct encl_binary *b);

/* The parameters as signed. */
void encl_binary_signed_config(const struct encl_binary *b, struct encl_config *c);

/* The parameters as signed, overridden by SCONE_HEAP/MIN_HEAP/STACK/TCS. */
int encl_binary_effective_config(const struct encl_binary *b, struct encl_config *c,
				 char *err, size_t errlen);

/* Layout of @mode for @c (encl_layout_build on the binary's enclave ELF). */
int encl_binary_layout(const struct encl_binary *b, const struct encl_config *c,
		       enum encl_mode mode, struct encl_layout *l, struct encl_params *p,
		       char *err, size_t errlen);

/* MRENCLAVE of @mode for @c, without keeping the layout. */
int encl_binary_mrenclave(const struct encl_binary *b, const struct encl_config *c,
			  enum encl_mode mode, uint8_t mrenclave[SGX_HASH_SIZE],
			  char *err, size_t errlen);

/* The SIGSTRUCT signed for @mode (NULL when unsigned). */
const struct sgx_sigstruct *encl_binary_sigstruct(const struct encl_binary *b, enum encl_mode mode);

/*
 * The heap-fit rule (abi/heap.h) for @b's image with @c's threads and
 * stacks: whether @heap fits @c->enclave_size, and the smallest enclave
 * size that holds it. -1 with a message when the threads alone do not fit.
 */
int encl_binary_heap_fit(const struct encl_binary *b, const struct encl_config *c,
			 uint64_t heap, struct encl_heap_fit *f, char *err, size_t errlen);

/*
 * Whether the layout of @mode for @c is the one that was signed: for SGX1
 * the heap, stack and thread count must equal the signed ones; for EDMM the
 * stack and thread count, and the heap must fit the signed ELRANGE. On a
 * mismatch the message names the parameter, both values, and the whole
 * `encl sign` command that re-signs for @c: every option that changes, the
 * enclave size the heap-fit rule asks for when the heap would no longer
 * fit, and the executable.
 */
int encl_binary_check_signed(const struct encl_binary *b, const struct encl_config *c,
			     enum encl_mode mode, char *err, size_t errlen);

/*
 * Replace the .encl_meta of @src with @m (sealed here) and write the result
 * to @dst, which may be @src: through a temporary file in @dst's
 * directory, fsync and rename, keeping @src's file mode.
 */
int encl_binary_write_meta(const struct encl_binary *src, const char *dst,
			   struct encl_meta *m, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Signing an enclave executable: both layouts are built for the given
 * parameters, measured, and signed; the parameters and the two SIGSTRUCTs
 * are written into its .encl_meta section.
 *
 * SIGSTRUCT fields, for both layouts:
 *   ATTRIBUTES     FLAGS = MODE64BIT (| DEBUG unless production),
 *                  XFRM = the signed choice (image/xfrm.h; legacy 0x3 by default)
 *   ATTRIBUTEMASK  FLAGS = ~0, XFRM = ~0: every bit must match, so that no
 *                  loader can run the enclave with more or less register
 *                  state than was signed (its REPORT and keys show XFRM)
 *   MISCSELECT/MASK  SGX1: 0/0; EDMM: EXINFO/EXINFO
 *   DATE           SOURCE_DATE_EPOCH when set, else today (UTC), BCD yyyymmdd
 *   VENDOR 0, ISVPRODID and ISVSVN as given
 */
#ifndef ENCL_IMAGE_SIGN_H
#define ENCL_IMAGE_SIGN_H

#include <stddef.h>
#include <stdint.h>

#include "image/binary.h"
#include "sgx/sigstruct.h"

struct encl_sign_opts {
	struct encl_config config;	/* the parameters to sign */
	const char *key;		/* NULL: $ENCL_KEY, then the debug key (image/key.h) */
	int production;			/* clear ATTRIBUTES.DEBUG */
	uint16_t isvprodid;
	uint16_t isvsvn;
	const char *out;		/* NULL: rewrite the binary in place */
};

/* The SIGSTRUCT fields the list above gives for one layout. */
void encl_sigstruct_fields(enum encl_mode mode, int debug, uint64_t xfrm, uint16_t isvprodid,
			   uint16_t isvsvn, uint32_t date, const uint8_t mrenclave[SGX_HASH_SIZE],
			   struct sgx_sigstruct_fields *f);

/* SIGSTRUCT.DATE, BCD yyyymmdd, from SOURCE_DATE_EPOCH or the clock. */
int encl_sign_date(uint32_t *date, char *err, size_t errlen);

/* One option value that turns a refused signing into one that fits. */
struct encl_sign_fix {
	const char *option;	/* "--heap", "--enclave-size"; NULL: no one option does */
	char value[32];
};

/*
 * Whether the heap of @c fits the EDMM ELRANGE by the rule start-up applies
 * (abi/heap.h); refused with the reason and, in @fix, the option to change.
 */
int encl_sign_check_fit(const struct encl_binary *b, const struct encl_config *c,
			struct encl_sign_fix *fix, char *err, size_t errlen);

/*
 * Sign @b (opened with ENCL_BINARY_UNSIGNED_OK) and write it out. Refused
 * when the program uses registers the signed XFRM lacks (image/xfrm.h).
 */
int encl_sign_binary(const struct encl_binary *b, const struct encl_sign_opts *o,
		     char *err, size_t errlen);

#endif

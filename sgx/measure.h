/* SPDX-License-Identifier: MIT */
/*
 * The MRENCLAVE builder: a streaming model of the measurement that ECREATE,
 * EADD and EEXTEND accumulate (SDM 38.1, "ECREATE/EADD/EEXTEND"), applying
 * the CPU's own EADD rules so that a layout hardware would refuse is refused
 * here first.
 *
 * Every call returns 0, or -1 with a message in m->error; after an error the
 * builder refuses further calls.
 */
#ifndef ENCL_SGX_MEASURE_H
#define ENCL_SGX_MEASURE_H

#include <stdint.h>
#include "sgx/arch.h"

struct sgx_measure;	/* opaque: SHA-256 state, batch buffer, added-page set */

struct sgx_measure *sgx_measure_new(void);
void sgx_measure_free(struct sgx_measure *m);
const char *sgx_measure_error(const struct sgx_measure *m);

/* ECREATE: SIZE must be a power of two of at least 8 KiB; SSAFRAMESIZE >= 1. */
int sgx_measure_ecreate(struct sgx_measure *m, uint32_t ssaframesize, uint64_t size);

/*
 * EADD of one page at @offset with SECINFO.FLAGS @flags. Only PT_REG and
 * PT_TCS; no W without R; no PENDING/MODIFIED/PR or reserved bits; a TCS
 * must have RWX clear (the EPCM gives it none); each page once.
 */
int sgx_measure_eadd(struct sgx_measure *m, uint64_t offset, uint64_t flags);

/* EEXTEND of one 256-byte chunk of an added page; @offset 256-aligned. */
int sgx_measure_eextend(struct sgx_measure *m, uint64_t offset, const void *chunk);

/*
 * EADD, then, when @measure is set, the 16 EEXTENDs of @page. @page may be
 * NULL for a zero page, so that a measured zero run needs no buffer.
 */
int sgx_measure_add_page(struct sgx_measure *m, uint64_t offset, uint64_t flags,
			 const void *page, int measure);

/* @count EADDs of unmeasured pages from @offset: the SGX1 heap's fast path. */
int sgx_measure_add_unmeasured(struct sgx_measure *m, uint64_t offset, uint64_t count,
			       uint64_t flags);

/* The MRENCLAVE EINIT would see. The builder is spent afterwards. */
int sgx_measure_finalize(struct sgx_measure *m, uint8_t mrenclave[SGX_HASH_SIZE]);

/* The EADD rules alone, for the simulator and the driver test double. */
int sgx_secinfo_check_eadd(uint64_t flags, const char **why);

/* ECREATE's rule on SECS.SIZE alone: a power of two of at least 8 KiB. */
int sgx_secs_check_size(uint64_t size, const char **why);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The layout parameters of an enclave executable: what `encl sign` signs,
 * what SCONE_HEAP, SCONE_MIN_HEAP, SCONE_STACK and SCONE_TCS override, and
 * what the layout builder turns into a memory map. Shared by encl-cc,
 * `encl`, and the host runtime so that every one of them parses a size the
 * same way and reports the same errors.
 */
#ifndef ENCL_IMAGE_CONFIG_H
#define ENCL_IMAGE_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#define ENCL_DEFAULT_HEAP		(UINT64_C(64) << 20)
#define ENCL_DEFAULT_MIN_HEAP		(UINT64_C(20) << 20)
#define ENCL_DEFAULT_STACK		(UINT64_C(2) << 20)
#define ENCL_DEFAULT_TCS		8U
#define ENCL_DEFAULT_ENCLAVE_SIZE	(UINT64_C(64) << 30)

/* More thread slots than this would make the measured per-thread pages absurd. */
#define ENCL_MAX_TCS			4096U
/* The largest ELRANGE we sign for (the CPU allows 2^36..2^48 depending on model). */
#define ENCL_MAX_ENCLAVE_SIZE		(UINT64_C(1) << 47)
/*
 * Upper bounds on what the loader and SCONE_HASH work through page by page
 * (every EADDed page costs one SHA-256 step), so that a hostile .encl_meta or
 * a mistyped SCONE_* fails at once instead of hashing for minutes: a heap no
 * larger than the EPC of the largest SGX socket, a stack far above what any
 * thread needs, all stacks together no more than the default enclave size.
 * README "Limits" and docs/executables.md list them; image/config.c checks them.
 */
#define ENCL_MAX_HEAP			(UINT64_C(512) << 30)
#define ENCL_MAX_STACK			(UINT64_C(1) << 30)
#define ENCL_MAX_STACKS			(UINT64_C(64) << 30)

struct encl_config {
	uint64_t heap;		/* SCONE_HEAP: bytes, page aligned */
	uint64_t min_heap;	/* SCONE_MIN_HEAP: bytes, page aligned, <= heap */
	uint64_t stack;		/* SCONE_STACK: bytes per thread, page aligned */
	uint64_t enclave_size;	/* EDMM SECS.SIZE: a power of two */
	uint32_t tcs;		/* SCONE_TCS: thread slots, 1..ENCL_MAX_TCS */
	uint64_t xfrm;		/* SECS.ATTRIBUTES.XFRM (image/xfrm.h); no SCONE_* variable */
	uint64_t min_heap_asked; /* set by encl_config_finish: min_heap before the clamp, or 0 */
	int cas_pinned;		/* encl sign --cas-key: the measured service pin */
	uint8_t cas_key[32];	/* its fingerprint (abi/params.h) */
};

void encl_config_default(struct encl_config *c);

/*
 * A size: decimal bytes with an optional K, M or G suffix (x2^10, x2^20,
 * x2^30). Nothing else is accepted: no sign, no spaces, no other suffix, no
 * value above 2^63. @name is what the error message calls the value (the
 * variable or the option). Returns 0, or -1 with a message in @err.
 */
int encl_size_parse(const char *name, const char *s, uint64_t *out, char *err, size_t errlen);

/* A thread count: decimal, 1..ENCL_MAX_TCS. */
int encl_count_parse(const char *name, const char *s, uint32_t *out, char *err, size_t errlen);

/*
 * Setters that validate and normalise one parameter (sizes are rounded up
 * to whole pages), naming @name in errors. Keys: heap, min_heap, stack,
 * tcs, enclave_size, xfrm (a name of image/xfrm.h; "auto" leaves
 * ENCL_XFRM_AUTO for encl sign to resolve).
 */
int encl_config_set(struct encl_config *c, const char *key, const char *value,
		    const char *name, char *err, size_t errlen);

/*
 * Override @c from SCONE_HEAP, SCONE_MIN_HEAP, SCONE_STACK and SCONE_TCS
 * where they are set, then encl_config_finish(). Errors name the variable.
 */
int encl_config_from_env(struct encl_config *c, char *err, size_t errlen);

/*
 * "SCONE_HEAP=1G SCONE_TCS=4": those of the variables encl_config_from_env
 * reads that are set, into @buf (truncated to @len); 0 when none is.
 */
size_t encl_config_env_set(char *buf, size_t len);

/*
 * Final consistency rules: MIN_HEAP above HEAP is clamped to it (the value
 * asked for is kept in min_heap_asked, for a warning); the
 * enclave size must be a power of two within limits; the stack must not be
 * empty; XFRM must be one ECREATE takes (sgx_xfrm_check), auto resolved.
 */
int encl_config_finish(struct encl_config *c, char *err, size_t errlen);

/* "64M", "1G", "12345": the shortest exact K/M/G spelling of @v. */
const char *encl_size_format(uint64_t v, char buf[32]);

#endif

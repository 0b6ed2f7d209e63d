/* SPDX-License-Identifier: MIT */
/*
 * The XSAVE-managed state an enclave may enable (SECS.ATTRIBUTES.XFRM,
 * which EENTER loads into XCR0) and the SSA frame that must hold it.
 *
 * State components (SDM Vol. 1 13.1, Table 13-1) with their place in the
 * standard (non-compacted) XSAVE format, as CPUID.(EAX=0DH,ECX=i) reports
 * them: EBX the offset, EAX the size. x87 and SSE live in the 512-byte
 * legacy region, followed by the 64-byte XSAVE header; every other user
 * component has a fixed offset after it. Supervisor components (XSS) can
 * never be in XCR0, hence never in XFRM.
 *
 * An SSA frame (SDM Vol. 3D 34.9) is SECS.SSAFRAMESIZE pages: the XSAVE
 * area of XFRM at its start; at its end GPRSGX (184 bytes) and, just below,
 * the MISC region (EXINFO, 16 bytes, when MISCSELECT selects it). ECREATE
 * refuses (#GP) a frame smaller than the three together.
 *
 * Pure: no CPUID, no XGETBV; the callers bring the machine's facts.
 */
#ifndef ENCL_SGX_XSAVE_H
#define ENCL_SGX_XSAVE_H

#include <stddef.h>
#include <stdint.h>
#include "sgx/arch.h"

/* XCR0 / XFRM bits (SDM Vol. 1 Table 13-1) */
#define SGX_XFRM_X87		(1ULL << 0)
#define SGX_XFRM_SSE		(1ULL << 1)
#define SGX_XFRM_AVX		(1ULL << 2)	/* upper halves of YMM0-15 */
#define SGX_XFRM_BNDREGS	(1ULL << 3)	/* MPX */
#define SGX_XFRM_BNDCSR		(1ULL << 4)	/* MPX */
#define SGX_XFRM_OPMASK		(1ULL << 5)	/* AVX-512 k0-k7 */
#define SGX_XFRM_ZMM_HI256	(1ULL << 6)	/* AVX-512 upper halves of ZMM0-15 */
#define SGX_XFRM_HI16_ZMM	(1ULL << 7)	/* AVX-512 ZMM16-31 */
#define SGX_XFRM_PKRU		(1ULL << 9)
#define SGX_XFRM_TILECFG	(1ULL << 17)	/* AMX */
#define SGX_XFRM_TILEDATA	(1ULL << 18)	/* AMX */

#define SGX_XFRM_MPX		(SGX_XFRM_BNDREGS | SGX_XFRM_BNDCSR)
#define SGX_XFRM_AVX512		(SGX_XFRM_OPMASK | SGX_XFRM_ZMM_HI256 | SGX_XFRM_HI16_ZMM)
#define SGX_XFRM_AMX		(SGX_XFRM_TILECFG | SGX_XFRM_TILEDATA)

#define SGX_XSAVE_LEGACY_SIZE	512	/* the FXSAVE image: x87 and SSE */
#define SGX_XSAVE_HEADER_SIZE	64	/* XSTATE_BV, XCOMP_BV, reserved */
#define SGX_SSA_EXINFO_SIZE	((uint32_t)sizeof(struct sgx_misc_exinfo))

/* One user state component in the standard format. */
struct sgx_xsave_component {
	unsigned bit;		/* its XCR0 bit */
	const char *name;	/* "AVX-512 opmask" */
	uint32_t offset;	/* CPUID.(EAX=0DH,ECX=bit):EBX (0 for x87/SSE: legacy region) */
	uint32_t size;		/* CPUID.(EAX=0DH,ECX=bit):EAX */
};

/* The table, in bit order; @n receives its length. */
const struct sgx_xsave_component *sgx_xsave_components(size_t *n);

/*
 * Whether @xfrm is an XFRM ECREATE takes on some CPU: x87 and SSE set,
 * only user components of the table above, and XSETBV's rules for XCR0
 * (SDM Vol. 1 13.3): AVX needs SSE; the three AVX-512 components go
 * together and need AVX; MPX's two go together; AMX's two go together.
 * Whether this CPU allows it is CPUID.12H.1 and XCR0's business. 0, or -1
 * with *why naming the rule.
 */
int sgx_xfrm_check(uint64_t xfrm, const char **why);

/*
 * The standard-format XSAVE area for @xfrm in bytes: the legacy region and
 * the header, and up to the end of the last component @xfrm enables
 * (CPUID.(EAX=0DH,ECX=0):EBX with XCR0 = @xfrm). Bits not in the table
 * are not counted: check @xfrm first.
 */
uint32_t sgx_xsave_size(uint64_t xfrm);

/* The MISC region that @miscselect selects, in bytes (EXINFO only). */
uint32_t sgx_ssa_misc_size(uint32_t miscselect);

/* The smallest SSAFRAMESIZE (pages) ECREATE accepts for @xfrm and @miscselect. */
uint32_t sgx_ssa_frame_pages(uint64_t xfrm, uint32_t miscselect);

/*
 * The names of the components in @bits, ", "-separated, into @buf:
 * "AVX-512 opmask, AVX-512 ZMM_Hi256"; bits not in the table as "bit N".
 */
const char *sgx_xfrm_names(uint64_t bits, char *buf, size_t len);

#endif

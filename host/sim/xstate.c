// SPDX-License-Identifier: MIT
/* Extended state in the simulator's signal frames: see xstate.h. */
#include <cpuid.h>
#include <stdio.h>
#include <string.h>

#include "host/sim/quirks.h"
#include "host/sim/xstate.h"
#include "sgx/arch.h"

#define FP_XSTATE_MAGIC1	0x46505853U
#define FP_XSTATE_MAGIC2	0x46505845U
#define FCW_INIT		0x37f
#define MXCSR_INIT		0x1f80
#define XSTATE_FIRST_EXTENDED	2	/* x87 and SSE live in the FXSAVE image */

/* The kernel's struct _fpx_sw_bytes (uapi asm/sigcontext.h), at SIM_FP_SW_BYTES. */
struct fpx_sw_bytes {
	uint32_t magic1;
	uint32_t extended_size;		/* xstate_size + the MAGIC2 word */
	uint64_t xfeatures;
	uint32_t xstate_size;
	uint32_t padding[7];
};
_Static_assert(sizeof(struct fpx_sw_bytes) == SGX_XSAVE_LEGACY_SIZE - SIM_FP_SW_BYTES, "sw bytes");

static struct {
	int xsave;			/* frames carry an XSAVE area */
	struct fpx_sw_bytes sw;		/* as the kernel writes them */
	uint32_t offset[64], size[64];	/* standard-format components */
} frames;

static struct fpx_sw_bytes *sw_bytes(const void *fp)
{
	return (struct fpx_sw_bytes *)((uint8_t *)fp + SIM_FP_SW_BYTES);
}

static uint64_t *xstate_bv(const void *fp)
{
	return (uint64_t *)((uint8_t *)fp + SGX_XSAVE_LEGACY_SIZE);
}

int sim_xstate_init(const void *fp_sw_bytes, unsigned quirks, char *err, unsigned long errlen)
{
	const struct fpx_sw_bytes *sw = fp_sw_bytes;

	if (!sw || sw->magic1 != FP_XSTATE_MAGIC1 || (quirks & SIM_QUIRK_FXSAVE_FRAMES))
		return 0;
	if (sw->xstate_size > SIM_XSTATE_MAX || sw->xstate_size < SGX_XSAVE_LEGACY_SIZE + SGX_XSAVE_HEADER_SIZE) {
		snprintf(err, errlen, "sim: the kernel's XSAVE signal frames hold %u bytes of "
			 "extended state; the simulator supports %u at most", sw->xstate_size,
			 SIM_XSTATE_MAX);
		return -1;
	}
	frames.sw = *sw;
	for (unsigned c = XSTATE_FIRST_EXTENDED; c < 64; c++) {
		unsigned a, b, cx, d;

		if (!(sw->xfeatures & (1ULL << c)))
			continue;
		__cpuid_count(0xd, c, a, b, cx, d);
		if ((uint64_t)b + a > sw->xstate_size) {
			snprintf(err, errlen, "sim: XSAVE component %u (CPUID 0xD: offset %u, "
				 "size %u) lies outside the kernel's %u-byte frames", c, b, a,
				 sw->xstate_size);
			return -1;
		}
		frames.offset[c] = b;
		frames.size[c] = a;
	}
	frames.xsave = 1;
	return 0;
}

/* x87 and SSE in their initial state; the software-reserved bytes kept. */
static void legacy_init(struct _libc_fpstate *fp)
{
	memset(fp, 0, SIM_FP_SW_BYTES);
	fp->cwd = FCW_INIT;
	fp->mxcsr = MXCSR_INIT;
}

/* Components [2, 64) of @mask from @src to @dst, both standard format. */
static void copy_extended(uint8_t *dst, const uint8_t *src, uint64_t mask)
{
	for (unsigned c = XSTATE_FIRST_EXTENDED; c < 64; c++)
		if (mask & (1ULL << c))
			memcpy(dst + frames.offset[c], src + frames.offset[c], frames.size[c]);
}

void sim_xstate_save(uint8_t *ssa, const struct _libc_fpstate *fp, uint64_t xfrm)
{
	uint64_t bv = xfrm & SGX_XFRM_LEGACY;

	memset(ssa + SGX_XSAVE_LEGACY_SIZE, 0, SGX_XSAVE_HEADER_SIZE);
	if (!fp) {
		legacy_init((struct _libc_fpstate *)ssa);
	} else {
		memcpy(ssa, fp, SIM_FP_SW_BYTES);
		if (frames.xsave) {
			bv = *xstate_bv(fp) & xfrm;
			copy_extended(ssa, (const uint8_t *)fp, bv);
		}
	}
	/* The host's frame format is none of the enclave's business. */
	memset(ssa + SIM_FP_SW_BYTES, 0, SGX_XSAVE_LEGACY_SIZE - SIM_FP_SW_BYTES);
	*xstate_bv(ssa) = bv;
}

void sim_xstate_synthetic(struct _libc_fpstate *fp, uint64_t xfrm)
{
	legacy_init(fp);
	if (frames.xsave)
		*xstate_bv(fp) &= ~xfrm;
	else
		memset((uint8_t *)fp + SIM_FP_SW_BYTES, 0, SGX_XSAVE_LEGACY_SIZE - SIM_FP_SW_BYTES);
}

void sim_xstate_resume_image(uint8_t *img, const uint8_t *ssa, uint64_t xfrm)
{
	uint64_t host_bv;

	if (!frames.xsave) {
		/* FXSAVE only: the kernel loads x87/SSE and resets the rest. */
		memcpy(img, ssa, SIM_FP_SW_BYTES);
		memset(img + SIM_FP_SW_BYTES, 0, SGX_XSAVE_LEGACY_SIZE - SIM_FP_SW_BYTES);
		return;
	}
	/* XRSTOR wants XCOMP_BV and the reserved header bytes zero; XSAVE leaves them. */
	memset(img + SGX_XSAVE_LEGACY_SIZE, 0, SGX_XSAVE_HEADER_SIZE);
	__asm__ volatile("xsave64 %0"
			 : "+m"(*(uint8_t (*)[SIM_XSTATE_MAX])img)
			 : "a"((uint32_t)frames.sw.xfeatures),
			   "d"((uint32_t)(frames.sw.xfeatures >> 32)));
	host_bv = *xstate_bv(img);
	memcpy(img, ssa, SIM_FP_SW_BYTES);
	copy_extended(img, ssa, *xstate_bv(ssa) & xfrm);
	*xstate_bv(img) = (host_bv & ~xfrm) | (*xstate_bv(ssa) & xfrm);
	*sw_bytes(img) = frames.sw;
	memcpy(img + frames.sw.xstate_size, &(uint32_t){ FP_XSTATE_MAGIC2 }, sizeof(uint32_t));
}

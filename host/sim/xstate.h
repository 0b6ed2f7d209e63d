/* SPDX-License-Identifier: MIT */
/*
 * Extended processor state (x87, SSE, AVX, AVX-512, PKRU ...) across the
 * simulated transitions. The kernel saves the interrupted thread's state in
 * each signal frame and rt_sigreturn loads it back, so the frames decide
 * what the host and the enclave find in their registers:
 *
 *   AEX      the XFRM components of the frame go to SSA[CSSA]'s XSAVE area;
 *            in the frame they become their initial state (the AEX's
 *            synthetic state); every other component stays as it is: the
 *            host's, which the enclave could not reach on hardware.
 *   ERESUME  the frame holds the host's current state with the XFRM
 *            components replaced by the SSA's.
 *
 * The frames keep the kernel's XSAVE format (FP_XSTATE_MAGIC1 in the
 * FXSAVE image's software-reserved bytes, MAGIC2 after the XSAVE area):
 * without it the kernel treats a frame as FXSAVE only and resets every
 * other component, the host's AVX registers and PKRU among them. The
 * format is probed once from a real signal frame.
 *
 * Both layouts, the SSA's and the frame's, are the standard (non-compacted)
 * XSAVE format, with the CPU's component offsets (CPUID leaf 0xD).
 */
#ifndef ENCL_HOST_SIM_XSTATE_H
#define ENCL_HOST_SIM_XSTATE_H

#include <stdint.h>
#include <ucontext.h>

#include "sgx/xsave.h"

#define SIM_FP_SW_BYTES		464	/* the FXSAVE image's software-reserved bytes */
#define SIM_XSTATE_MAX		0x3800	/* the largest XSAVE area an ERESUME frame holds */

/*
 * The format of the kernel's signal frames, from the software-reserved
 * bytes of one probe frame's FXSAVE image (NULL when the kernel gave no FP
 * state) and @quirks (SIM_QUIRK_FXSAVE_FRAMES). Called once, before any
 * enclave runs. -1 with a message if the frames would not fit.
 */
int sim_xstate_init(const void *fp_sw_bytes, unsigned quirks, char *err, unsigned long errlen);

/* AEX: save the interrupted context's XFRM components into @ssa. */
void sim_xstate_save(uint8_t *ssa, const struct _libc_fpstate *fp, uint64_t xfrm);

/* AEX: the frame's XFRM components in their initial state, the rest kept. */
void sim_xstate_synthetic(struct _libc_fpstate *fp, uint64_t xfrm);

/*
 * ERESUME: write into @img (64-byte aligned, SIM_XSTATE_MAX + 4 bytes) the
 * FP image of a frame that loads @ssa's XFRM components and keeps the
 * host's current others.
 */
void sim_xstate_resume_image(uint8_t *img, const uint8_t *ssa, uint64_t xfrm);

#endif

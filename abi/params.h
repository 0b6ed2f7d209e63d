/* SPDX-License-Identifier: MIT */
/*
 * The enclave's signed parameters and per-thread data, as the layout
 * builder (image/) writes them into measured pages and the trusted runtime
 * (enclave/) reads them. The runtime takes its layout from here and never
 * from the host. All addresses are offsets from the enclave base, so the
 * pages do not depend on where the enclave is loaded.
 *
 * Enclave memory map (offsets grow downwards in this picture):
 *
 *   0                 ELF image (static PIE linked at 0), PT_LOAD by PT_LOAD
 *   params_offset     this page (R, measured)
 *   thread_offset     tcs_count blocks of thread_stride bytes, each:
 *                       +tcs_in_block    TCS            (measured)
 *                       +ssa_in_block    NSSA SSA frames (RW, measured)
 *                       +td_in_block     thread data     (RW, measured; TCS.OFSBASE)
 *                       guard, ENCL_STACK_GUARD bytes
 *                       +stack_in_block  stack_size bytes (RW, EADDed, not measured:
 *                                         zeroed by the runtime before first use)
 *                       guard page
 *   heap_offset       SGX1: heap_size bytes EADDed RW, not measured (zeroed lazily)
 *                     EDMM: reserved up to the end of ELRANGE, nothing added
 */
#ifndef ENCL_ABI_PARAMS_H
#define ENCL_ABI_PARAMS_H

#include <stdint.h>

#define ENCL_PARAMS_MAGIC	0x314d5250434e45ULL	/* "ENCPRM1" */
#define ENCL_PARAMS_VERSION	1

/*
 * The unmapped gap below each stack, above its thread data and SSA frames.
 * Code built with -fstack-clash-protection (encl-cc, the runtime, the
 * enclave musl) probes every 4 KiB, so one page would stop it; the rest is
 * for what is not: assembly and objects compiled elsewhere that move the
 * stack pointer by a frame at once (a 5,000-byte frame jumped the one page
 * this gap used to be). 64 KiB is the largest guard gcc's stack-clash
 * protection can be told to assume (stack-clash-protection-guard-size=16),
 * and it costs only address space, never EPC.
 */
#define ENCL_STACK_GUARD	0x10000ULL

#define ENCL_PARAMS_MODE_SGX1	0
#define ENCL_PARAMS_MODE_EDMM	1

struct encl_params {
	uint64_t magic;
	uint32_t version;
	uint32_t mode;			/* ENCL_PARAMS_MODE_* */
	uint64_t enclave_size;		/* SECS.SIZE */
	uint64_t image_size;		/* end of the ELF image, page aligned */
	uint64_t params_offset;		/* this page */
	uint64_t heap_offset;
	uint64_t heap_size;		/* SGX1: bytes EADDed; EDMM: bytes to the end of ELRANGE */
	uint64_t stack_size;
	uint32_t tcs_count;
	uint32_t nssa;			/* TCS.NSSA of every TCS */
	uint32_t ssaframesize;		/* SECS.SSAFRAMESIZE, pages */
	uint32_t reserved0;
	uint64_t thread_offset;		/* first per-thread block */
	uint64_t thread_stride;
	uint64_t tcs_in_block;
	uint64_t ssa_in_block;
	uint64_t td_in_block;
	uint64_t stack_in_block;	/* lowest stack byte; the top is + stack_size */
	uint64_t entry_offset;		/* TCS.OENTRY */
	uint32_t flags;			/* ENCL_PARAMS_* */
	uint32_t reserved1;
	/*
	 * With ENCL_PARAMS_CAS_PINNED: the fingerprint of the only attestation
	 * service this enclave takes its configuration from (`encl sign
	 * --cas-key`, docs/attestation.md, "Pinning the service").
	 */
	uint8_t cas_key[32];
	uint64_t reserved[11];
};
_Static_assert(sizeof(struct encl_params) == 264, "parameter page head: reserved words are taken, not added");

#define ENCL_PARAMS_CAS_PINNED	0x1

/*
 * The measured head of each thread-data page (TCS.OFSBASE points here).
 * The rest of the page is zero when measured and belongs to the runtime.
 */
struct encl_thread_init {
	uint64_t self_offset;		/* this page */
	uint64_t index;			/* 0 .. tcs_count-1 */
	uint64_t tcs_offset;
	uint64_t ssa_offset;
	uint64_t stack_low;		/* offset of the lowest stack byte */
	uint64_t stack_high;		/* offset just above the stack */
};

#endif

/* SPDX-License-Identifier: MIT */
/*
 * XFRM as encl signs it (SECS.ATTRIBUTES.XFRM, loaded into XCR0 by
 * EENTER): the choices `encl sign --xfrm` and `encl-cc --xfrm` take, and
 * what a program's x86 feature note (image/elf.h) says it needs.
 *
 *   legacy  x87, SSE                                         0x3 (default)
 *   avx     legacy + AVX                                     0x7
 *   avx512  avx + AVX-512 opmask, ZMM_Hi256, Hi16_ZMM        0xe7
 *   auto    the smallest of the three the program's note allows
 *
 * An instruction touching a register whose state XCR0 does not enable is
 * #UD: on hardware a program that uses YMM registers in a legacy enclave
 * crashes at its first AVX instruction. The check below catches it at
 * signing; see docs/executables.md for what it can and cannot see.
 */
#ifndef ENCL_IMAGE_XFRM_H
#define ENCL_IMAGE_XFRM_H

#include <stddef.h>
#include <stdint.h>

#include "image/elf.h"

/* --xfrm auto, until encl sign resolves it against the program (never a valid XFRM). */
#define ENCL_XFRM_AUTO		0

/* One of the names above (auto as ENCL_XFRM_AUTO). @name is the option, for errors. */
int encl_xfrm_parse(const char *name, const char *s, uint64_t *xfrm, char *err, size_t errlen);

/* "legacy", "avx", "avx512", or NULL for any other value. */
const char *encl_xfrm_name(uint64_t xfrm);

/* "avx (0x7)", or "0x27" for a value without a name. */
const char *encl_xfrm_format(uint64_t xfrm, char buf[32]);

/* The largest named XFRM within @allowed (0 when not even legacy is). */
uint64_t encl_xfrm_largest(uint64_t allowed);

/*
 * The XFRM bits that what @elf's note shows needs: YMM registers or
 * VEX-encoded instructions (x86-64-v3 code on XMM registers) need AVX;
 * ZMM or opmask registers, or x86-64-v4 code, AVX-512; AMX tiles, AMX.
 */
uint64_t encl_xfrm_needed(const struct encl_elf *elf);

/*
 * Whether the program in @elf may run with @xfrm: 0 when its note shows no
 * register that @xfrm lacks, or when it has no note (elf->x86_used_known
 * is 0: nothing can be said); -1 with a message naming the registers and
 * the --xfrm that enables them.
 */
int encl_xfrm_check_program(const struct encl_elf *elf, uint64_t xfrm, char *err, size_t errlen);

/* --xfrm auto: the smallest named XFRM @elf's note allows; -1 without a note. */
int encl_xfrm_for_program(const struct encl_elf *elf, uint64_t *xfrm, char *err, size_t errlen);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * Ocalls: a request in the shared area (struct encl_ocall, host memory),
 * an EEXIT with ENCL_EXIT_OCALL, and the host's answer when it EENTERs
 * with ENCL_OP_ORET. Buffers are carved out of the area's data[] for one
 * request at a time; the pointers in args[] are host addresses inside it.
 *
 * The host can rewrite the area at any moment, so everything read back is
 * read once into enclave memory and checked there (iago.h).
 */
#ifndef ENCL_ENCLAVE_SHIELD_OCALL_H
#define ENCL_ENCLAVE_SHIELD_OCALL_H

#include <stdint.h>

#include "abi/syscalls.h"

#define OCALL_AREA_MIN		(8 * 1024)
#define OCALL_AREA_MAX		(1ULL << 30)
#define OCALL_PATH_MAX		4096		/* PATH_MAX, with its NUL */

/* Forget the buffers of the previous request. */
void ocall_reset(void);

/* Bytes still free in the area for this request. */
uint64_t ocall_room(void);

/* @want, or less: as many bytes as one more buffer in the area can take. */
uint64_t ocall_fit(uint64_t want);

/* @len bytes of the area, 16-byte aligned; fatal if they do not fit. */
void *ocall_alloc(uint64_t len);

/* Copy @len bytes of enclave memory into a new buffer in the area. */
void *ocall_copy_in(const void *src, uint64_t len);

/*
 * Copy a NUL-terminated path from the program into the area. Returns the
 * host address, or 0 with *@err = -ENAMETOOLONG (or -EFAULT for NULL).
 */
uint64_t ocall_path(const char *path, long *err);

/* Issue request @nr; returns the host's ret, read once. */
int64_t ocall6(int64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
	       uint64_t a4, uint64_t a5);

#define ocall0(nr)			ocall6(nr, 0, 0, 0, 0, 0, 0)
#define ocall1(nr, a)			ocall6(nr, a, 0, 0, 0, 0, 0)
#define ocall2(nr, a, b)		ocall6(nr, a, b, 0, 0, 0, 0)
#define ocall3(nr, a, b, c)		ocall6(nr, a, b, c, 0, 0, 0)
#define ocall4(nr, a, b, c, d)		ocall6(nr, a, b, c, d, 0, 0)

/*
 * The number of a system call abi/syscalls.h forwards. Every system call
 * the enclave sends is named this way, so one the host would refuse does
 * not compile.
 */
#define OCALL_SYS_FWD_(name, ...)	OCALL_SYS_##name = SYS_##name,
#define OCALL_SYS_IN_(name, handler)
enum { ENCL_SYSCALLS(OCALL_SYS_FWD_, OCALL_SYS_IN_) };
#undef OCALL_SYS_FWD_
#undef OCALL_SYS_IN_
#define OCALL_SYS(name)		OCALL_SYS_##name

/* A host pointer as an ocall argument. */
#define HP(p)	((uint64_t)(uintptr_t)(p))

#endif

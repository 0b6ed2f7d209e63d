/* SPDX-License-Identifier: MIT */
/*
 * Shared file mappings (docs/shield.md, "Shared file mappings"): mmap of a
 * file with MAP_SHARED is host memory outside ELRANGE, mapped by the host
 * (ENCL_OCALL_SHARED_MEM) and read and written by the program directly,
 * as other processes and the host see the file. The enclave keeps a table
 * of these ranges in its own memory so that munmap, mprotect, msync and
 * mremap go to the host only for them. Every function returns the system
 * call's result or -errno.
 */
#ifndef ENCL_ENCLAVE_SHIELD_SHARED_MAP_H
#define ENCL_ENCLAVE_SHIELD_SHARED_MAP_H

#include <stdint.h>

/* Where [addr, addr + len) lies: in no shared mapping, inside them, or partly in one. */
enum shared_where {
	SHARED_NONE,
	SHARED_ALL,
	SHARED_STRADDLES,
};

enum shared_where shared_map_where(uint64_t addr, uint64_t len);

int64_t shared_map_mmap(uint64_t len, int prot, int flags, uint64_t fd, uint64_t off);
/* The rest for a range shared_map_where() called SHARED_ALL. */
int64_t shared_map_munmap(uint64_t addr, uint64_t len);
int64_t shared_map_mprotect(uint64_t addr, uint64_t len, int prot);
int64_t shared_map_msync(uint64_t addr, uint64_t len, int flags);
int64_t shared_map_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The enclave heap: anonymous memory for brk and mmap, page by page, from
 * the range [start, start + size) the measured parameters give (clamped to
 * the SCONE_HEAP hint). Everything handed out is zero-filled. The EDMM
 * memory manager replaces the implementation behind this interface.
 *
 * All functions return the Linux system call's result: an address (as a
 * non-negative value) or 0 for success, -errno on failure.
 */
#ifndef ENCL_ENCLAVE_HEAP_H
#define ENCL_ENCLAVE_HEAP_H

#include <stdint.h>

/*
 * @start/@size: the heap's linear range, page aligned. @clean: the pages
 * are known to be zero (EAUGed); otherwise (SGX1: EADDed without EEXTEND,
 * the host chose their contents) each page is zeroed when first handed out.
 * Returns 0, or -1 if the range cannot even hold the allocator's bitmaps.
 */
int heap_init(uint64_t start, uint64_t size, int clean);

/* mmap(2) for MAP_PRIVATE|MAP_ANONYMOUS, with MAP_FIXED[_NOREPLACE] inside the heap. */
int64_t heap_mmap(uint64_t addr, uint64_t len, int prot, int flags);
int64_t heap_munmap(uint64_t addr, uint64_t len);
int64_t heap_mprotect(uint64_t addr, uint64_t len, int prot);
int64_t heap_madvise(uint64_t addr, uint64_t len, int advice);
int64_t heap_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr);

/* brk(2): the new break, or the current one when @brk cannot be set. */
uint64_t heap_brk(uint64_t brk);

/*
 * 1 exactly once: the first time after an allocation failed because the
 * heap is full (the caller warns that SCONE_HEAP was reached).
 */
int heap_exhausted_once(void);

/*
 * The exception handler's hook into the memory manager: a #PF at linear
 * address @addr with error code @errcd (EXINFO.MADDR, EXINFO.ERRCD). Runs
 * at CSSA = 1 on the handler's stack and cannot make ocalls. Nonzero when
 * the fault is resolved and the instruction can be retried; 0 makes it a
 * crash. emm_fault.c has the default (weak, 0); the EDMM memory manager
 * (enclave/emm.h) provides the real one.
 */
int emm_handle_fault(uint64_t addr, uint32_t errcd);

/* [addr, addr + len) lies inside the heap range. */
int heap_contains(uint64_t addr, uint64_t len);

#endif

/* SPDX-License-Identifier: MIT */
/*
 * The enclave heap: anonymous memory for brk and mmap, page by page, from
 * the range [start, start + size) the measured parameters give (clamped to
 * the SCONE_HEAP hint). Everything handed out is zero-filled. heap.c
 * implements it with the enclave memory manager (emm.h).
 *
 * All functions return the Linux system call's result: an address (as a
 * non-negative value) or 0 for success, -errno on failure.
 */
#ifndef ENCL_ENCLAVE_EMM_HEAP_H
#define ENCL_ENCLAVE_EMM_HEAP_H

#include <stdint.h>

struct encl_params;

/*
 * Set up the heap for the measured layout @p at enclave base @base, with
 * the host's SCONE_HEAP and SCONE_MIN_HEAP hints (clamped to the measured
 * bounds inside). Under EDMM this commits SCONE_MIN_HEAP. 0 or -errno.
 */
int heap_init(const struct encl_params *p, uint64_t base, uint64_t heap_hint,
	      uint64_t min_heap_hint);

/*
 * At exit, with SCONE_LOG=info or debug: one line of the memory manager's
 * statistics (committed at start, peak, faults, EACCEPTs, trims), the
 * observable record of how the heap grew. Makes an ocall.
 */
void heap_report(void);

/* mmap(2) for MAP_PRIVATE|MAP_ANONYMOUS, with MAP_FIXED[_NOREPLACE] inside the heap. */
int64_t heap_mmap(uint64_t addr, uint64_t len, int prot, int flags);
int64_t heap_munmap(uint64_t addr, uint64_t len);
int64_t heap_mprotect(uint64_t addr, uint64_t len, int prot);
int64_t heap_madvise(uint64_t addr, uint64_t len, int advice);
int64_t heap_mremap(uint64_t old, uint64_t old_len, uint64_t new_len, int flags, uint64_t new_addr);

/* brk(2): the new break, or the current one when @brk cannot be set. */
uint64_t heap_brk(uint64_t brk);

/*
 * The exception handler's hook into the memory manager: a #PF at linear
 * address @addr with error code @errcd (EXINFO.MADDR, EXINFO.ERRCD). Runs
 * at CSSA = 1 on the handler's stack and cannot make ocalls. Nonzero when
 * the fault is resolved and the instruction can be retried; 0 makes it a
 * crash. emm_fault_default.c has the default (weak, 0); the EDMM memory manager
 * (enclave/emm/emm.h) provides the real one.
 */
int emm_handle_fault(uint64_t addr, uint32_t errcd);

/*
 * Commit the heap page at @addr if it is mapped, writable and not yet
 * committed, from the exception handler (no ocall): for memory the handler
 * itself is about to write, such as a signal frame. Nothing otherwise.
 */
void emm_touch_for_handler(uint64_t addr);

/* @addr lies in a heap mapping of the program's, whatever its protection. */
int heap_mapped(uint64_t addr);

/* [addr, addr + len) lies inside the heap range. */
int heap_contains(uint64_t addr, uint64_t len);

#endif

// SPDX-License-Identifier: MIT
/*
 * The thread pointer. musl sets it once at start-up through
 * __set_thread_area, which the runtime provides in place of musl's (that
 * one is a raw arch_prctl system call). The value is recorded in the
 * thread data, where the ORET entry finds it to reload FS after each
 * ocall; arch_prctl(ARCH_SET_FS) from the program takes the same path.
 */
#include <stdint.h>

#include "enclave/runtime.h"

/* entry.S hard-codes these. */
_Static_assert(ENCL_OP_START == 1 && ENCL_OP_ORET == 2, "entry.S operations");
_Static_assert(ENCL_EXIT_OCALL == 1 && ENCL_EXIT_FATAL == 5, "entry.S exit reasons");
_Static_assert(ENCL_FATAL_ENTRY == 1, "entry.S fatal code");

void encl_set_fs(struct encl_thread *td, uint64_t tp)
{
	td->tp = tp;
	__asm__ volatile("wrfsbase %0" : : "r"(tp) : "memory");
}

int __set_thread_area(void *p)
{
	encl_set_fs(encl_rt.main_td, (uint64_t)(uintptr_t)p);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * The thread pointer. musl sets it once at start-up through
 * __set_thread_area, which the runtime provides in place of musl's (that
 * one is a raw arch_prctl system call). The value is recorded in the
 * thread data, where the ORET entry finds it to reload FS after each
 * ocall, and where the exception handler finds it for SSA.FSBASE;
 * arch_prctl(ARCH_SET_FS) from the program takes the same path. With
 * ENCL_START_FS_VOLATILE a WRFSBASE is followed by a resume through
 * ERESUME, which is what makes it stick (abi.h).
 */
#include <stdint.h>

#include "enclave/core/runtime.h"

/* entry.S hard-codes these. */
_Static_assert(ENCL_OP_START == 1 && ENCL_OP_ORET == 2, "entry.S operations");
_Static_assert(ENCL_EXIT_OCALL == 1 && ENCL_EXIT_FATAL == 5, "entry.S exit reasons");
_Static_assert(ENCL_FATAL_ENTRY == 1 && ENCL_FATAL_PARAMS == 2 && ENCL_FATAL_TCS == 5,
	       "entry.S fatal codes");
_Static_assert(ENCL_PARAMS_MAGIC == 0x314d5250434e45ULL, "entry.S parameter magic");

uint8_t encl_fs_volatile;

void encl_set_fs(struct encl_thread *td, uint64_t tp)
{
	td->tp = tp;
	__asm__ volatile("wrfsbase %0" : : "r"(tp) : "memory");
	if (encl_fs_volatile)
		td->fs_dirty = 1;
}

/*
 * musl calls this directly, not through a system call, so there is no
 * trampoline on the way back to make a volatile FS durable: do it here.
 */
int __set_thread_area(void *p)
{
	struct encl_thread *td = encl_self();

	encl_set_fs(td, (uint64_t)(uintptr_t)p);
	if (td->fs_dirty) {
		td->fs_dirty = 0;
		encl_fs_sync();
	}
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Without a memory manager that commits pages on demand, no #PF can be
 * fixed: every fault is the program's. Weak, so that the EDMM memory
 * manager's definition takes its place when it is linked in.
 */
#include "enclave/emm/heap.h"

__attribute__((weak))
int emm_handle_fault(uint64_t addr, uint32_t errcd)
{
	(void)addr;
	(void)errcd;
	return 0;
}

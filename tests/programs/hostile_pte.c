/*
 * A host that changes the enclave's PTEs behind the memory manager's back
 * (built with encl-cc -I<repository root>; needs SCONE_EDMM_MODE=enable):
 * hostile_pte
 *
 * Four pages are mapped read-write and written, so that they are
 * committed. Then the host makes their PTEs PROT_NONE (encl_host_protect,
 * the test interface of enclave/testing/testing.h) and the program asks for
 * mprotect(PROT_NONE). The memory manager restricts the pages and
 * EACCEPTs the restriction of each under the PTEs it believes readable:
 * that EACCEPT faults while the manager holds its lock. The enclave must
 * stop with a message (exit 125), never wait for the lock.
 * Exit 1: mprotect returned, or the set-up failed.
 */
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "enclave/testing/testing.h"

#define LEN	(4 * 4096UL)

int main(void)
{
	char *p = mmap(NULL, LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int r;

	if (p == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	memset(p, 0x5a, LEN);
	r = encl_host_protect((uint64_t)(uintptr_t)p, LEN, PROT_NONE);
	if (r) {
		printf("the host refused PROT_NONE: %d\n", r);
		return 1;
	}
	printf("the host made the PTEs PROT_NONE\n");
	fflush(stdout);
	r = mprotect(p, LEN, PROT_NONE);
	printf("mprotect returned %d: the memory manager never touched the pages\n", r);
	return 1;
}

/*
 * The EDMM benchmark's commit program: maps 1 GiB (one malloc, which musl
 * serves with mmap), writes every byte, and prints the nanoseconds that
 * took, from before the malloc to after the last write. In an enclave with
 * EDMM every page is committed on demand (EACCEPT, EAUG on fault) while
 * it is written; natively the kernel faults in zeroed pages.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SIZE	(1UL << 30)

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void)
{
	long long t0 = now(), t;
	char *p = malloc(SIZE);

	if (!p)
		return 1;
	memset(p, 0x5a, SIZE);
	/* the compiler must not drop the writes to memory nobody reads */
	__asm__ volatile("" : : "r"(p) : "memory");
	t = now() - t0;
	printf("%lld\n", t);
	return 0;
}

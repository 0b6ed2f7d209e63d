/*
 * The EDMM benchmark's allocator program: N rounds of malloc and free over
 * 1,024 slots with sizes from 16 bytes to 4 KiB (a fixed pseudo-random
 * sequence), each block's first byte written. Prints nanoseconds per
 * malloc/free pair. musl's allocator gets its memory with brk and mmap,
 * which inside the enclave the memory manager serves.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define SLOTS	1024

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 1000000;
	static char *slot[SLOTS];
	unsigned x = 12345;
	long long t0;

	t0 = now();
	for (long i = 0; i < n; i++) {
		unsigned s;

		x = x * 1103515245u + 12345u;
		s = (x >> 8) % SLOTS;
		free(slot[s]);
		slot[s] = malloc(16 + ((x >> 18) % 4080));
		if (!slot[s])
			return 1;
		slot[s][0] = (char)i;
	}
	printf("%.1f\n", (double)(now() - t0) / n);
	for (int s = 0; s < SLOTS; s++)
		free(slot[s]);
	return 0;
}

/*
 * A heap that shrinks for good: heap_shrink [MIB] (default 128).
 *
 * Mallocs MIB MiB in 1 MiB blocks and writes them all (one peak), frees
 * them, then for a long time uses only 4 MiB: 10 * MIB times it mallocs a
 * 1 MiB block, writes and checks it, and frees the oldest of the four it
 * holds. The memory manager should give the peak's memory back although
 * the program never asks it to. Exit 1 means wrong data, 2 no memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK	(1UL << 20)

static int fill_check(unsigned char *p, unsigned long tag)
{
	uint64_t *w = (uint64_t *)p, diff = 0;
	size_t i;

	for (i = 0; i < BLOCK / 8; i++)
		w[i] = tag * 0x9e3779b97f4a7c15ULL + i;
	for (i = 0; i < BLOCK / 8; i++)
		diff |= w[i] ^ (tag * 0x9e3779b97f4a7c15ULL + i);
	return diff == 0;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 128, i;
	unsigned char **peak = calloc(mib ? mib : 1, sizeof(*peak));
	unsigned char *live[4] = { 0 };
	int bad = 0;

	if (!peak)
		return 2;
	for (i = 0; i < mib; i++) {
		peak[i] = malloc(BLOCK);
		if (!peak[i]) {
			printf("malloc returned NULL after %lu MiB\n", i);
			return 2;
		}
		bad |= !fill_check(peak[i], i);
	}
	for (i = 0; i < mib; i++)
		free(peak[i]);
	for (i = 0; i < 10 * mib; i++) {
		free(live[i % 4]);
		live[i % 4] = malloc(BLOCK);
		if (!live[i % 4]) {
			printf("malloc returned NULL in the small phase\n");
			return 2;
		}
		bad |= !fill_check(live[i % 4], i);
	}
	printf("peak of %lu MiB, then %lu MiB through 4 MiB: %s\n", mib, 10 * mib,
	       bad ? "WRONG DATA" : "all correct");
	return bad;
}

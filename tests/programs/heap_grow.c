/*
 * Grows the heap in 1 MiB blocks: heap_grow [MIB [ROUNDS]] (default 1024 1).
 *
 * Each round mallocs up to MIB blocks of 1 MiB, writes every byte of each
 * with a pattern that depends on the block, the round and the position,
 * then reads every byte back, and frees them all. A later round therefore
 * gets memory that was freed (and, in an enclave with EDMM, trimmed and
 * committed again) and must see its own data, never an earlier round's.
 *
 * Fresh blocks must read as zero before they are written.
 *
 * When malloc returns NULL the round says so and stops allocating; what it
 * got is still checked, and the program exits 0: running out of heap is an
 * outcome this program expects, not an error. Exit 1 means wrong data.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define BLOCK	(1UL << 20)
#define WORDS	(BLOCK / sizeof(uint64_t))

/* The word at @i of block @b in round @r: differs between all three. */
static uint64_t pattern(unsigned long b, unsigned r, unsigned long i)
{
	return (b * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)r << 56) ^ (i * 0x100000001b3ULL);
}

int main(int argc, char **argv)
{
	unsigned long want = argc > 1 ? strtoul(argv[1], NULL, 0) : 1024;
	unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 1;
	uint64_t **blk = calloc(want ? want : 1, sizeof(*blk));
	int bad = 0;

	if (!blk) {
		printf("no memory for the block table\n");
		return 1;
	}
	for (unsigned r = 1; r <= rounds; r++) {
		unsigned long n, b, i;

		for (n = 0; n < want; n++) {
			blk[n] = malloc(BLOCK);
			if (!blk[n])
				break;
			/*
			 * musl serves a block this large with a fresh mmap: it
			 * must read as zero, even where an earlier round's data
			 * was, and even in pages the enclave got from the host.
			 */
			for (i = 0; i < WORDS; i++)
				if (blk[n][i] && bad++ < 5)
					printf("round %u: fresh block %lu word %lu is %#llx, not zero\n",
					       r, n, i, (unsigned long long)blk[n][i]);
			for (i = 0; i < WORDS; i++)
				blk[n][i] = pattern(n, r, i);
		}
		if (n < want)
			printf("round %u: malloc returned NULL after %lu blocks (%lu MiB)\n", r, n, n);
		for (b = 0; b < n; b++)
			for (i = 0; i < WORDS; i++)
				if (blk[b][i] != pattern(b, r, i)) {
					if (bad++ < 5)
						printf("round %u: block %lu word %lu is %#llx\n", r, b, i,
						       (unsigned long long)blk[b][i]);
				}
		printf("round %u: %lu MiB written and checked, %s\n", r, n, bad ? "WRONG DATA" : "all correct");
		for (b = 0; b < n; b++)
			free(blk[b]);
		if (bad)
			return 1;
	}
	free(blk);
	return 0;
}

/*
 * Heap churn: heap_churn [MIB [ROUNDS]] (default 256 64).
 *
 * Each round mallocs blocks of mixed sizes (48 bytes to 4 MiB) until it
 * holds a share of MIB MiB (5/8, 6/8, 7/8 or all of it, in turn), writes
 * every byte of every block with a pattern of the block, the round and the
 * position, reads every byte back, and frees the blocks, odd ones first.
 * A large block (musl maps it afresh) must read as zero at both ends before
 * it is written.
 *
 * The output depends only on the arguments: it is the same whatever the
 * memory manager's trim policy. Exit 1 means wrong data, 2 no memory.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BLOCKS	8192

static const size_t sizes[] = { 48, 700, 5000, 40000, 300000, 1 << 20, 4 << 20, 130000 };
#define NSIZES	(sizeof(sizes) / sizeof(sizes[0]))

static uint64_t pattern(unsigned long b, unsigned r, size_t i)
{
	return (b * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)r << 52) ^ (i * 0x100000001b3ULL);
}

static void fill(unsigned char *p, size_t n, unsigned long b, unsigned r)
{
	size_t i, w = n / 8;

	for (i = 0; i < w; i++)
		((uint64_t *)p)[i] = pattern(b, r, i);
	for (i = w * 8; i < n; i++)
		p[i] = (unsigned char)pattern(b, r, i);
}

static int check(const unsigned char *p, size_t n, unsigned long b, unsigned r)
{
	size_t i, w = n / 8;
	uint64_t diff = 0;

	for (i = 0; i < w; i++)
		diff |= ((const uint64_t *)p)[i] ^ pattern(b, r, i);
	for (i = w * 8; i < n; i++)
		diff |= p[i] ^ (unsigned char)pattern(b, r, i);
	return diff == 0;
}

int main(int argc, char **argv)
{
	unsigned long mib = argc > 1 ? strtoul(argv[1], NULL, 0) : 256;
	unsigned rounds = argc > 2 ? (unsigned)strtoul(argv[2], NULL, 0) : 64;
	static unsigned char *blk[MAX_BLOCKS];
	static size_t len[MAX_BLOCKS];
	unsigned long long total = 0, blocks = 0;
	int bad = 0;

	for (unsigned r = 0; r < rounds; r++) {
		size_t want = (size_t)(mib << 20) / 8 * (5 + r % 4), got = 0;
		unsigned long n = 0, b;

		while (got < want && n < MAX_BLOCKS) {
			size_t l = sizes[(n * 7 + r) % NSIZES];

			if (l > want - got)
				l = want - got;
			blk[n] = malloc(l);
			if (!blk[n]) {
				printf("round %u: malloc(%zu) returned NULL after %lu blocks\n", r, l, n);
				return 2;
			}
			if (l >= (1 << 20) && (blk[n][0] || blk[n][l - 1])) {
				printf("round %u: block %lu of %zu bytes is not zero when fresh\n", r, n, l);
				bad = 1;
			}
			len[n] = l;
			fill(blk[n], l, n, r);
			got += l;
			n++;
		}
		for (b = 0; b < n; b++)
			if (!check(blk[b], len[b], b, r)) {
				printf("round %u: block %lu of %zu bytes has wrong data\n", r, b, len[b]);
				bad = 1;
			}
		for (b = 1; b < n; b += 2)
			free(blk[b]);
		for (b = 0; b < n; b += 2)
			free(blk[b]);
		total += got;
		blocks += n;
	}
	printf("%u rounds, %llu blocks, %llu MiB written and checked, %s\n", rounds, blocks,
	       total >> 20, bad ? "WRONG DATA" : "all correct");
	return bad;
}

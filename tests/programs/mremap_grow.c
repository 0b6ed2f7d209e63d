/*
 * A 64 MiB block grown to 128 MiB, twice: with realloc (musl's realloc of
 * a block that large is mremap with MREMAP_MAYMOVE) and with mremap
 * itself; then shrunk back. The contents must be kept at every step.
 * Needs a heap of about 200 MiB. Exit 0: all correct, 1: not.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>

#define MIB	(1UL << 20)

static int failed;

static void fill(uint64_t *p, size_t from, size_t to, uint64_t seed)
{
	for (size_t i = from; i < to; i++)
		p[i] = i * 0x9e3779b97f4a7c15ULL + seed;
}

static void check(const char *what, const uint64_t *p, size_t to, uint64_t seed)
{
	for (size_t i = 0; i < to; i++)
		if (p[i] != i * 0x9e3779b97f4a7c15ULL + seed) {
			printf("%s: word %zu changed\n", what, i);
			failed = 1;
			return;
		}
	printf("%s: ok\n", what);
}

int main(void)
{
	size_t small = 64 * MIB / 8, large = 128 * MIB / 8;
	uint64_t *p = malloc(64 * MIB), *q;

	if (!p) {
		printf("malloc 64 MiB failed\n");
		return 1;
	}
	fill(p, 0, small, 1);
	q = realloc(p, 128 * MIB);
	if (!q) {
		printf("realloc to 128 MiB failed\n");
		return 1;
	}
	check("realloc 64 -> 128 MiB keeps the contents", q, small, 1);
	fill(q, small, large, 1);
	check("the grown block is usable", q, large, 1);
	free(q);

	p = mmap(NULL, 64 * MIB, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		printf("mmap 64 MiB failed\n");
		return 1;
	}
	fill(p, 0, small, 2);
	q = mremap(p, 64 * MIB, 128 * MIB, MREMAP_MAYMOVE);
	if (q == MAP_FAILED) {
		printf("mremap to 128 MiB failed\n");
		return 1;
	}
	check("mremap 64 -> 128 MiB keeps the contents", q, small, 2);
	printf("the new part is zero: %s\n", q[large - 1] == 0 && q[small] == 0 ? "ok" : "WRONG");
	p = mremap(q, 128 * MIB, 32 * MIB, 0);
	if (p != q) {
		printf("mremap shrinking moved or failed\n");
		return 1;
	}
	check("mremap 128 -> 32 MiB keeps the rest", p, 32 * MIB / 8, 2);
	printf("munmap: %d\n", munmap(p, 32 * MIB));
	return failed;
}

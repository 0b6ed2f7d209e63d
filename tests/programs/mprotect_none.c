/*
 * PROT_NONE memory made read-write, filled, and partly PROT_NONE again:
 * mprotect_none [touch]
 *
 * Two mappings of 8 MiB start PROT_NONE: the first where mmap puts it (in
 * an enclave with EDMM: on the SCONE_MIN_HEAP committed at start, as long
 * as that is at least 16 MiB), the second 32 MiB below the first (memory
 * nothing has committed yet). Each is made read-write, every word written
 * with a pattern of its own and read back; then its upper half is made
 * PROT_NONE again and the lower half is checked once more.
 *
 * With "touch" the program then reads the first mapping's upper half,
 * which must kill it with SIGSEGV: the line before says so.
 * Exit 0: all correct; 1: wrong data or a call failed.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#define SIZE	(8UL << 20)
#define BELOW	(32UL << 20)
#define WORDS	(SIZE / sizeof(uint64_t))

static uint64_t pattern(unsigned m, unsigned long i)
{
	return (i * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)(m + 1) << 60);
}

/* Words [from, to) of mapping @m hold their pattern. */
static int check(const uint64_t *p, unsigned m, unsigned long from, unsigned long to)
{
	for (unsigned long i = from; i < to; i++)
		if (p[i] != pattern(m, i)) {
			printf("mapping %u: word %lu holds %#llx\n", m, i, (unsigned long long)p[i]);
			return 1;
		}
	return 0;
}

static int exercise(uint64_t *p, unsigned m)
{
	if (mprotect(p, SIZE, PROT_READ | PROT_WRITE)) {
		perror("mprotect(PROT_READ|PROT_WRITE)");
		return 1;
	}
	for (unsigned long i = 0; i < WORDS; i++)
		if (p[i]) {
			printf("mapping %u: fresh memory is not zero at word %lu\n", m, i);
			return 1;
		}
	for (unsigned long i = 0; i < WORDS; i++)
		p[i] = pattern(m, i);
	if (check(p, m, 0, WORDS))
		return 1;
	if (mprotect((char *)p + SIZE / 2, SIZE / 2, PROT_NONE)) {
		perror("mprotect(PROT_NONE)");
		return 1;
	}
	if (check(p, m, 0, WORDS / 2))
		return 1;
	printf("mapping %u: 8 MiB read-write, written and checked; upper half PROT_NONE again, lower half intact\n",
	       m);
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t *first, *second;

	first = mmap(NULL, SIZE, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (first == MAP_FAILED) {
		perror("mmap");
		return 1;
	}
	second = mmap((char *)first - BELOW, SIZE, PROT_NONE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (second == MAP_FAILED) {
		perror("mmap 32 MiB below the first mapping");
		return 1;
	}
	if (exercise(first, 0) || exercise(second, 1))
		return 1;
	if (argc > 1 && !strcmp(argv[1], "touch")) {
		printf("reading the PROT_NONE half\n");
		fflush(stdout);
		printf("read %#llx: no fault\n", (unsigned long long)first[WORDS - 1]);
	}
	return 0;
}

/* qsort, malloc/free of many sizes, strtod, time. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int cmp(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

int main(void)
{
	enum { N = 100000 };
	int *v = malloc(N * sizeof(int));
	unsigned seed = 12345, sum = 0;
	void *blocks[512];
	struct timespec ts;
	char *end;

	for (int i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		v[i] = (int)(seed >> 8);
	}
	qsort(v, N, sizeof(int), cmp);
	for (int i = 1; i < N; i++)
		if (v[i - 1] > v[i])
			return printf("not sorted at %d\n", i), 1;
	printf("sorted %d: first %d last %d median %d\n", N, v[0], v[N - 1], v[N / 2]);
	free(v);

	for (int round = 0; round < 20; round++) {
		for (int i = 0; i < 512; i++) {
			size_t sz = (size_t)1 << (i % 20);

			blocks[i] = malloc(sz + (size_t)round);
			if (!blocks[i])
				return printf("malloc %zu failed\n", sz), 1;
			memset(blocks[i], i & 0xff, sz < 64 ? sz : 64);
			sum += ((unsigned char *)blocks[i])[0];
		}
		for (int i = 0; i < 512; i += 2)
			free(blocks[i]);
		for (int i = 1; i < 512; i += 2)
			free(blocks[i]);
	}
	printf("malloc checksum %u\n", sum);
	void *big = malloc(8 << 20);
	printf("8 MiB block %s\n", big ? "ok" : "failed");
	free(big);

	printf("strtod %.6f %g %g\n", strtod("3.14159abc", &end), strtod("-1e300", NULL),
	       strtod("0x1p-3", NULL));
	printf("rest [%s]\n", end);
	printf("time positive %d\n", time(NULL) > 1600000000);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	printf("monotonic ok %d\n", ts.tv_sec >= 0 && ts.tv_nsec < 1000000000L);
	return 0;
}

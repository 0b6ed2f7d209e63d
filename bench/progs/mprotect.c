/*
 * The mprotect benchmark's program: pairs of mprotect on one heap page,
 * PROT_READ then PROT_READ|PROT_WRITE, the page written between pairs so
 * that it stays committed. Prints the microseconds of one pair after A
 * pairs and after B pairs (arguments, default 1000 and 64000): whether a
 * pair costs more the more pairs came before. Each figure is the best of
 * WINDOWS consecutive windows of WINDOW pairs, so that a moment of load on
 * a shared machine does not become the figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

#define WINDOW	100
#define WINDOWS	5

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static int pair(volatile char *p)
{
	if (mprotect((void *)p, 4096, PROT_READ) ||
	    mprotect((void *)p, 4096, PROT_READ | PROT_WRITE))
		return -1;
	p[0]++;
	return 0;
}

/* Pairs until @done reaches @until, then the best window of the next ones. */
static double pairs_then_time(volatile char *p, long *done, long until)
{
	double t, best = -1;

	for (; *done < until; ++*done)
		if (pair(p))
			return -1;
	for (int w = 0; w < WINDOWS; w++) {
		t = now_us();
		for (long i = 0; i < WINDOW; i++, ++*done)
			if (pair(p))
				return -1;
		t = (now_us() - t) / WINDOW;
		if (best < 0 || t < best)
			best = t;
	}
	return best;
}

int main(int argc, char **argv)
{
	long a = argc > 1 ? atol(argv[1]) : 1000, b = argc > 2 ? atol(argv[2]) : 64000, done = 0;
	volatile char *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	double ta, tb;

	if (p == MAP_FAILED)
		return 1;
	p[0] = 1;
	ta = pairs_then_time(p, &done, a);
	tb = pairs_then_time(p, &done, b);
	if (ta < 0 || tb < 0) {
		perror("mprotect");
		return 1;
	}
	printf("%.2f %.2f\n", ta, tb);
	return 0;
}

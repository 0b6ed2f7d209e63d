/* The system-call benchmark's second program: N 64-byte writes to /dev/null, ns per call. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 100000, sum = 0;
	int fd = open("/dev/null", O_WRONLY);
	char buf[64] = { 0 };
	struct timespec a, b;

	if (fd < 0)
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &a);
	for (long i = 0; i < n; i++)
		sum += write(fd, buf, sizeof(buf));
	clock_gettime(CLOCK_MONOTONIC, &b);
	printf("%.1f %ld\n", ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / n,
	       sum / n);
	return 0;
}

/*
 * The copy benchmark's program: MiB of a file written to standard output
 * (a pipe that a process outside drains), by sendfile or by read and
 * write through a 64 KiB buffer (what a server without sendfile does).
 * Prints MiB/s on standard error.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <time.h>
#include <unistd.h>

#define CHUNK	(64 * 1024)

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	static char buf[CHUNK];
	int use_sendfile = argc > 1 && !strcmp(argv[1], "sendfile");
	long mib = argc > 2 ? atol(argv[2]) : 64;
	FILE *f = tmpfile();	/* removed already: gone when the program ends */
	int fd = f ? fileno(f) : -1;
	long long total = (long long)mib << 20, sent = 0;
	ssize_t n = 0;
	double t0;

	if (fd < 0 || mib <= 0)
		return 1;
	memset(buf, 'x', sizeof(buf));
	for (long long k = 0; k < total; k += CHUNK)
		if (write(fd, buf, CHUNK) != CHUNK)
			return 1;
	lseek(fd, 0, SEEK_SET);
	t0 = now();
	if (use_sendfile) {
		while (sent < total && (n = sendfile(1, fd, NULL, total - sent)) > 0)
			sent += n;
	} else {
		while (sent < total && (n = read(fd, buf, sizeof(buf))) > 0 && write(1, buf, n) == n)
			sent += n;
	}
	if (sent != total)
		return 1;
	fprintf(stderr, "%.1f\n", mib / (now() - t0));
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Start-up: from exec to main() of a hello world, as an enclave executable
 * in the simulator (ECREATE, EADD of a 64 MiB SGX1 layout, EINIT with the
 * signature check, the trusted runtime's start) against the same program
 * built natively with musl-gcc -static. The program prints CLOCK_MONOTONIC
 * at main(); the time before fork is the start. Median of 21 runs each.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define RUNS 21

static long long now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* One run: exec-to-main and exec-to-exit, in ns. -1 on failure. */
static int run_once(const char *path, long long *to_main, long long *total)
{
	int fd[2], status;
	char buf[64] = "";
	long long t0;
	ssize_t n;
	pid_t pid;

	if (pipe(fd))
		return -1;
	t0 = now();
	pid = fork();
	if (pid == 0) {
		dup2(fd[1], 1);
		close(fd[0]);
		execl(path, path, (char *)NULL);
		_exit(127);
	}
	close(fd[1]);
	n = read(fd[0], buf, sizeof(buf) - 1);
	close(fd[0]);
	waitpid(pid, &status, 0);
	*total = now() - t0;
	if (n <= 0 || !WIFEXITED(status) || WEXITSTATUS(status))
		return -1;
	*to_main = atoll(buf) - t0;
	return 0;
}

static int cmp(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return (x > y) - (x < y);
}

static int measure(const char *path, long long *to_main, long long *total)
{
	long long m[RUNS], t[RUNS];

	for (int i = 0; i < RUNS; i++)
		if (run_once(path, &m[i], &t[i])) {
			fprintf(stderr, "startup: %s failed\n", path);
			return -1;
		}
	qsort(m, RUNS, sizeof(m[0]), cmp);
	qsort(t, RUNS, sizeof(t[0]), cmp);
	*to_main = m[RUNS / 2];
	*total = t[RUNS / 2];
	return 0;
}

int main(void)
{
	long long em, et, nm, nt;

	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	if (measure("out/hello.encl", &em, &et) || measure("out/hello.native", &nm, &nt))
		return 1;
	printf("| hello world, median of %d | exec to main | exec to exit |\n", RUNS);
	printf("| --- | --- | --- |\n");
	printf("| enclave (sim, SGX1, SCONE_HEAP=64M) | %.2f ms | %.2f ms |\n", em / 1e6, et / 1e6);
	printf("| native musl static | %.2f ms | %.2f ms |\n", nm / 1e6, nt / 1e6);
	printf("| ratio | %.1f | %.1f |\n", (double)em / nm, (double)et / nt);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * Threads in the enclave (sim) against the same program native, measured
 * in this run: an uncontended mutex lock/unlock pair, a hand-off between
 * two threads through a futex word (the futex wake latency: in the enclave
 * a WAKE ocall, the host event, and the woken thread's return from its
 * WAIT ocall), and pthread_create + pthread_join. progs/threads.c times itself;
 * each figure is the best of RUNS runs.
 */
#include <stdio.h>
#include <stdlib.h>

#define RUNS	3

/* Run @cmd; its three figures into @v. 0 on success. */
static int run(const char *cmd, double v[3])
{
	FILE *p = popen(cmd, "r");
	int n = 0;

	if (!p)
		return -1;
	while (n < 3 && fscanf(p, "%lf", &v[n]) == 1)
		n++;
	return pclose(p) || n != 3 ? -1 : 0;
}

/* Best of RUNS runs of @cmd, figure by figure. */
static int best(const char *cmd, double v[3])
{
	double r[3];

	for (int i = 0; i < RUNS; i++) {
		if (run(cmd, r)) {
			fprintf(stderr, "threads: %s failed\n", cmd);
			return -1;
		}
		for (int k = 0; k < 3; k++)
			if (!i || r[k] < v[k])
				v[k] = r[k];
	}
	return 0;
}

int main(void)
{
	static const char *what[3] = {
		"mutex lock + unlock, uncontended",
		"hand-off between two threads (futex wake to the woken thread running)",
		"pthread_create + pthread_join",
	};
	double e[3], n[3];

	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	if (best("out/threads.encl 1000000 2000 300", e) ||
	    best("out/threads.native 10000000 100000 10000", n))
		return 1;
	printf("| threads, best of %d | enclave (sim) | native | ratio |\n| --- | --- | --- | --- |\n",
	       RUNS);
	for (int k = 0; k < 3; k++)
		printf("| %s | %.0f ns | %.0f ns | %.1f |\n", what[k], e[k], n[k], e[k] / n[k]);
	return 0;
}

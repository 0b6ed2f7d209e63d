// SPDX-License-Identifier: MIT
/*
 * A 64 MiB file written to a pipe that cat drains outside, by sendfile
 * and by read and write through a 64 KiB buffer (bench/progs/filecopy.c),
 * in the enclave (sim, default exitless calls) and natively, in the same
 * run: the rates and their ratios. With sendfile the data never enters
 * the enclave; with read and write it crosses the boundary twice. Best of
 * 3 runs each.
 */
#include <stdio.h>
#include <stdlib.h>

#define RUNS	3

/* Best MiB/s of RUNS runs of @cmd, or -1. */
static double best(const char *cmd)
{
	double top = -1;

	for (int i = 0; i < RUNS; i++) {
		char buf[64] = "";
		FILE *p = popen(cmd, "r");
		double v;

		if (!p)
			return -1;
		v = fgets(buf, sizeof(buf), p) ? atof(buf) : -1;
		if (pclose(p) || v <= 0)
			return -1;
		top = v > top ? v : top;
	}
	return top;
}

int main(void)
{
	static const char *const modes[] = { "sendfile", "rw" };
	double rate[2][2];	/* [mode][enclave, native] */
	char cmd[160];

	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	for (int m = 0; m < 2; m++)
		for (int k = 0; k < 2; k++) {
			snprintf(cmd, sizeof(cmd), "{ out/filecopy.%s %s 64 | cat >/dev/null; } 2>&1",
				 k ? "native" : "encl", modes[m]);
			rate[m][k] = best(cmd);
			if (rate[m][k] <= 0) {
				fprintf(stderr, "copy: %s failed\n", cmd);
				return 1;
			}
		}
	printf("| 64 MiB file to a pipe | enclave (sim) MiB/s | native MiB/s | enclave / native |\n"
	       "| --- | --- | --- | --- |\n");
	for (int m = 0; m < 2; m++)
		printf("| %s | %.0f | %.0f | %.2f |\n", m ? "read + write, 64 KiB" : "sendfile",
		       rate[m][0], rate[m][1], rate[m][0] / rate[m][1]);
	printf("enclave sendfile / enclave read + write: %.2f\n", rate[0][0] / rate[1][0]);
	return 0;
}

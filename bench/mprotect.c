// SPDX-License-Identifier: MIT
/*
 * The cost of a pair of mprotect calls (RW -> R -> RW on one committed heap
 * page) with EDMM in the simulator, after 1,000 pairs and after 64,000,
 * against the same program native. With EDMM a pair is two forwarded
 * system calls, the PTE and restrict ocalls, an EACCEPT(PR) and an EMODPE,
 * whose page walks look up the simulated PTEs: a pair that costs more
 * after 64,000 than after 1,000 means some model grows with the calls.
 * The program reports each figure as the best of 5 windows of 100 pairs;
 * native runs are the best of 3.
 *
 * Usage: out/mprotect [ENCLAVE_PROGRAM] (default out/mprotect.encl), so
 * that a program built by another tree's encl-cc can be measured too.
 */
#include <stdio.h>
#include <stdlib.h>

#define AFTER_A	1000
#define AFTER_B	64000

/* Run @cmd, which prints the microseconds per pair after A and after B pairs. */
static int run(const char *prog, double *ta, double *tb)
{
	char cmd[512], buf[128] = "";
	FILE *p;

	snprintf(cmd, sizeof(cmd), "%s %d %d", prog, AFTER_A, AFTER_B);
	p = popen(cmd, "r");
	if (!p)
		return -1;
	if (!fgets(buf, sizeof(buf), p) || sscanf(buf, "%lf %lf", ta, tb) != 2) {
		pclose(p);
		return -1;
	}
	return pclose(p) ? -1 : 0;
}

int main(int argc, char **argv)
{
	const char *encl = argc > 1 ? argv[1] : "out/mprotect.encl";
	double ea, eb, na = 0, nb = 0, a, b;
	int i;

	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_EDMM_MODE", "enable", 1);
	setenv("SCONE_LOG", "error", 1);
	if (run(encl, &ea, &eb)) {
		fprintf(stderr, "mprotect: %s failed\n", encl);
		return 1;
	}
	/* native: best of 3, it is short */
	for (i = 0; i < 3; i++) {
		if (run("out/mprotect.native", &a, &b)) {
			fprintf(stderr, "mprotect: out/mprotect.native failed\n");
			return 1;
		}
		na = i && na < a ? na : a;
		nb = i && nb < b ? nb : b;
	}
	printf("| mprotect pair (RW -> R -> RW, one page) | after %d pairs | after %d pairs | growth |\n",
	       AFTER_A, AFTER_B);
	printf("| --- | --- | --- | --- |\n");
	printf("| enclave (sim, EDMM), %s | %.1f us | %.1f us | %.2f |\n", encl, ea, eb, eb / ea);
	printf("| native musl static | %.2f us | %.2f us | %.2f |\n", na, nb, nb / na);
	printf("| ratio enclave / native | %.0f | %.0f | |\n", ea / na, eb / nb);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * The cost of one forwarded system call, three ways in the same run:
 * exitless (the default, adaptive queues: a serving host thread answers
 * while the enclave thread waits inside), the exit path (SCONE_QUEUES=0:
 * the ocall's EEXIT and EENTER), and native. Two calls: getppid() and a
 * 64-byte write to /dev/null. The programs time themselves.
 *
 * In the sim both enclave paths also pay for the `syscall` instruction's
 * trap (SIGSYS -> AEX -> handler EENTER -> EEXIT -> ERESUME); the exitless
 * path saves the ocall's EEXIT/EENTER, which costs less in the simulator
 * than on hardware.
 */
#include <stdio.h>
#include <stdlib.h>

static double run(const char *cmd)
{
	char buf[128] = "";
	FILE *p = popen(cmd, "r");
	double ns = -1;

	if (!p)
		return -1;
	if (fgets(buf, sizeof(buf), p))
		ns = atof(buf);
	if (pclose(p))
		return -1;
	return ns;
}

static int bench(const char *what, const char *prog)
{
	char cmd[256];
	double x, e, n;

	snprintf(cmd, sizeof(cmd), "env -u SCONE_QUEUES out/%s.encl 5000", prog);
	x = run(cmd);
	snprintf(cmd, sizeof(cmd), "SCONE_QUEUES=0 out/%s.encl 5000", prog);
	e = run(cmd);
	snprintf(cmd, sizeof(cmd), "out/%s.native 2000000", prog);
	n = run(cmd);
	if (x <= 0 || e <= 0 || n <= 0) {
		fprintf(stderr, "syscall: a %s program failed\n", prog);
		return 1;
	}
	printf("| %s | %.0f | %.0f | %.0f | %.2f | %.0f | %.0f |\n", what, x, e, n, e / x, x / n, e / n);
	return 0;
}

int main(void)
{
	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	printf("| call | exitless ns | exit path ns | native ns | exit / exitless | exitless / native | exit / native |\n");
	printf("| --- | --- | --- | --- | --- | --- | --- |\n");
	return bench("getppid()", "getppid") || bench("write(/dev/null, 64)", "nullwrite");
}

// SPDX-License-Identifier: MIT
/*
 * The cost of one forwarded system call: getppid() in a loop inside the
 * enclave (sim: `syscall` -> SIGSYS -> AEX -> handler EENTER -> EEXIT ->
 * ERESUME -> dispatcher -> ocall EEXIT -> host getppid -> EENTER -> return)
 * against the same loop native. The programs time themselves.
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

int main(void)
{
	double e, n;

	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	e = run("out/getppid.encl 5000");
	n = run("out/getppid.native 2000000");
	if (e <= 0 || n <= 0) {
		fprintf(stderr, "syscall: a program failed\n");
		return 1;
	}
	printf("| getppid() | ns per call |\n| --- | --- |\n");
	printf("| enclave (sim), forwarded | %.0f |\n", e);
	printf("| native musl static | %.0f |\n", n);
	printf("| ratio | %.0f |\n", e / n);
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * The cost of one forwarded system call: getppid() in a loop inside the
 * enclave, both ways the C library can reach the shield (docs/libc.md):
 * direct (a call of the dispatcher -> ocall EEXIT -> host getppid ->
 * EENTER -> return) and trapped (ENCL_SYSCALL_TRAP=1; sim: `syscall` ->
 * SIGSYS -> AEX -> handler EENTER -> EEXIT -> ERESUME -> the same), against
 * the same loop native, in one run. The programs time themselves.
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
	double d, t, n;

	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	unsetenv("ENCL_SYSCALL_TRAP");
	d = run("out/getppid.encl 5000");
	t = run("ENCL_SYSCALL_TRAP=1 out/getppid.encl 5000");
	n = run("out/getppid.native 2000000");
	if (d <= 0 || t <= 0 || n <= 0) {
		fprintf(stderr, "syscall: a program failed\n");
		return 1;
	}
	printf("| getppid() | ns per call | against native |\n| --- | --- | --- |\n");
	printf("| enclave (sim), direct call | %.0f | %.1f |\n", d, d / n);
	printf("| enclave (sim), trapped (ENCL_SYSCALL_TRAP=1) | %.0f | %.1f |\n", t, t / n);
	printf("| native musl static | %.0f | 1 |\n", n);
	printf("trapped / direct: %.2f\n", t / d);
	return 0;
}

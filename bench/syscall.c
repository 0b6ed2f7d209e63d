// SPDX-License-Identifier: MIT
/*
 * The cost of one forwarded system call, each way the enclave can make
 * it, in the same run: exitless (the default: encl's musl calls the
 * dispatcher directly, docs/libc.md, and a serving host thread answers
 * while the enclave thread waits inside, docs/exitless.md), the exit path
 * (SCONE_QUEUES=0: a direct call, then the ocall's EEXIT and EENTER),
 * trapped (SCONE_QUEUES=0 ENCL_SYSCALL_TRAP=1: the `syscall` instruction
 * faults, AEX, handler EENTER, then the exit path), and native. Two
 * calls: getppid() and a 64-byte write to /dev/null. The programs time
 * themselves.
 *
 * A simulated AEX, EEXIT or EENTER costs less than on hardware (no
 * enclave-mode switch of the CPU), and more where the simulator handles
 * a signal for it: the ratios say which path is cheaper, not by how much
 * on SGX hardware.
 */
#include <stdio.h>
#include <stdlib.h>

static const struct path {
	const char *name;
	const char *env;
} paths[] = {
	{ "exitless", "env -u SCONE_QUEUES -u ENCL_SYSCALL_TRAP" },
	{ "exit path", "env -u ENCL_SYSCALL_TRAP SCONE_QUEUES=0" },
	{ "trapped", "env SCONE_QUEUES=0 ENCL_SYSCALL_TRAP=1" },
};
#define NPATHS	(sizeof(paths) / sizeof(paths[0]))

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
	double ns[NPATHS], n;

	snprintf(cmd, sizeof(cmd), "out/%s.native 2000000", prog);
	n = run(cmd);
	if (n <= 0) {
		fprintf(stderr, "syscall: out/%s.native failed\n", prog);
		return 1;
	}
	for (size_t i = 0; i < NPATHS; i++) {
		snprintf(cmd, sizeof(cmd), "%s out/%s.encl 5000", paths[i].env, prog);
		ns[i] = run(cmd);
		if (ns[i] <= 0) {
			fprintf(stderr, "syscall: %s failed\n", cmd);
			return 1;
		}
		printf("| %s | %s | %.0f | %.1f |\n", what, paths[i].name, ns[i], ns[i] / n);
	}
	printf("| %s | native musl static | %.0f | 1 |\n", what, n);
	return 0;
}

int main(void)
{
	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	printf("| call | path | ns per call | against native |\n| --- | --- | --- | --- |\n");
	return bench("getppid()", "getppid") || bench("write(/dev/null, 64)", "nullwrite");
}

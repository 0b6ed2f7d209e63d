// SPDX-License-Identifier: MIT
/*
 * What an enclave refuses: other processes, and a call the shield does
 * not serve at all. Each is tried twice; the runtime warns once per call.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static void report(const char *what, int err)
{
	printf("%s: %s\n", what, strerror(err));
}

int main(void)
{
	char *argv[] = { "true", NULL };
	pid_t pid;

	for (int i = 0; i < 2; i++) {
		report("fork", fork() < 0 ? errno : 0);
		report("posix_spawn", posix_spawn(&pid, "/bin/true", NULL, NULL, argv, environ));
		report("execve", execve("/bin/true", argv, environ) < 0 ? errno : 0);
		report("waitpid", waitpid(-1, NULL, 0) < 0 ? errno : 0);
		report("io_setup", syscall(SYS_io_setup, 1, &pid) < 0 ? errno : 0);
	}
	return 0;
}

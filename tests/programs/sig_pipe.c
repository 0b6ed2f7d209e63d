/*
 * Writing to a pipe whose reading end is closed.
 * Usage: sig_pipe default|ignore|handler|blocked
 *   default  no handler: SIGPIPE ends the program (exit status 141 in a shell)
 *   ignore   SIG_IGN: write fails with EPIPE
 *   handler  a handler runs once, and write fails with EPIPE
 *   blocked  SIGPIPE blocked: write fails with EPIPE, SIGPIPE stays pending
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_pipe(int sig)
{
	(void)sig;
	handled++;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	int fd[2];
	sigset_t set, pending;

	if (!strcmp(how, "ignore")) {
		signal(SIGPIPE, SIG_IGN);
	} else if (!strcmp(how, "handler")) {
		struct sigaction sa = { .sa_handler = on_pipe };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGPIPE, &sa, NULL);
	} else if (!strcmp(how, "blocked")) {
		sigemptyset(&set);
		sigaddset(&set, SIGPIPE);
		sigprocmask(SIG_BLOCK, &set, NULL);
	} else if (strcmp(how, "default")) {
		fprintf(stderr, "usage: sig_pipe default|ignore|handler|blocked\n");
		return 2;
	}
	if (pipe(fd)) {
		perror("pipe");
		return 1;
	}
	close(fd[0]);
	printf("writing to a pipe without a reader\n");
	fflush(stdout);
	ssize_t n = write(fd[1], "x", 1);
	int e = errno;

	printf("write: %zd %s; handler ran %d time(s)\n", n, n < 0 ? strerror(e) : "", (int)handled);
	if (!strcmp(how, "blocked")) {
		sigpending(&pending);
		printf("SIGPIPE pending: %s\n", sigismember(&pending, SIGPIPE) ? "yes" : "no");
	}
	return n < 0 && e == EPIPE ? 0 : 1;
}

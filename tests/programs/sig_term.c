/*
 * SIGTERM and SIGINT sent from outside. The program prints "ready" and
 * then waits in the way the second argument names, until a signal ends it.
 * Usage: sig_term handler|default pause|sleep|read|spin|thread
 *   handler  the handlers print "caught SIGINT" or "caught SIGTERM" and
 *            _exit with 100 + the signal number (102, 115)
 *   default  no handler: the signal's default action ends the program
 *   pause    waits in pause()        sleep   in nanosleep, 1 s at a time
 *   read     in read() of stdin      spin    running, without system calls
 *   thread   main waits in pthread_join of a thread that waits in pause()
 * Exit 1 if the wait ever ends without a signal handler ending it.
 * Usage: sig_term inherited
 *   prints whether SIGINT and SIGTERM were ignored or default at the start
 *   (a program started by nohup or as a shell's background job inherits
 *   SIG_IGN), and exits 0
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void on_signal(int sig)
{
	const char *m = sig == SIGINT ? "caught SIGINT\n" : "caught SIGTERM\n";

	write(1, m, strlen(m));
	_exit(100 + sig);
}

static void *pauser(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

int main(int argc, char **argv)
{
	const char *action = argc > 2 ? argv[1] : "", *how = argc > 2 ? argv[2] : "";
	volatile unsigned long spins = 0;
	char c;

	if (argc == 2 && !strcmp(argv[1], "inherited")) {
		struct sigaction old;

		sigaction(SIGINT, NULL, &old);
		printf("SIGINT at start: %s\n", old.sa_handler == SIG_IGN ? "ignored" : "default");
		sigaction(SIGTERM, NULL, &old);
		printf("SIGTERM at start: %s\n", old.sa_handler == SIG_IGN ? "ignored" : "default");
		return 0;
	}
	if (!strcmp(action, "handler")) {
		struct sigaction sa = { .sa_handler = on_signal };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
	} else if (strcmp(action, "default")) {
		fprintf(stderr, "usage: sig_term handler|default pause|sleep|read|spin|thread\n");
		return 2;
	}
	printf("ready\n");
	fflush(stdout);
	if (!strcmp(how, "pause")) {
		for (;;)
			pause();
	} else if (!strcmp(how, "sleep")) {
		for (;;) {
			struct timespec s = { 1, 0 };

			nanosleep(&s, NULL);
		}
	} else if (!strcmp(how, "read")) {
		while (read(0, &c, 1) != 0)
			;
		printf("WRONG: end of input before a signal\n");
	} else if (!strcmp(how, "spin")) {
		for (;;)
			spins++;
	} else if (!strcmp(how, "thread")) {
		pthread_t t;

		if (pthread_create(&t, NULL, pauser, NULL)) {
			printf("pthread_create failed\n");
			return 1;
		}
		pthread_join(t, NULL);
		printf("WRONG: the join returned\n");
	} else {
		fprintf(stderr, "sig_term: no way to wait called %s\n", how);
		return 2;
	}
	return 1;
}

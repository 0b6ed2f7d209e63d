/*
 * alarm(1) with a SIGALRM handler, twice: once while waiting in pause(),
 * once while running without system calls.
 * Usage: sig_alarm pause|spin
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	struct sigaction sa = { .sa_handler = on_alarm };
	unsigned left;

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	if (!strcmp(how, "pause")) {
		left = alarm(1);
		int r = pause();

		printf("previous alarm %u; pause: %d %s; alarms %d\n", left, r,
		       r < 0 ? strerror(errno) : "", (int)alarms);
	} else if (!strcmp(how, "spin")) {
		volatile unsigned long spins = 0;

		left = alarm(1);
		while (!alarms)
			spins++;
		printf("previous alarm %u; handled while running; alarms %d\n", left, (int)alarms);
	} else {
		fprintf(stderr, "usage: sig_alarm pause|spin\n");
		return 2;
	}
	/* an alarm cancelled before it rings never rings */
	alarm(60);
	left = alarm(0);
	printf("cancelled alarm had %s left\n", left > 0 && left <= 60 ? "1-60 s" : "a wrong time");
	return alarms == 1 && left > 0 && left <= 60 ? 0 : 1;
}

/*
 * setitimer(ITIMER_REAL) every 5 ms: count N SIGALRM ticks, waiting in
 * sigsuspend (half of them) and running (the other half), then stop the
 * timer and check that it is stopped.
 * Usage: sig_itimer [N] (default 20)
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/time.h>

static volatile sig_atomic_t ticks;

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

int main(int argc, char **argv)
{
	int n = argc > 1 ? atoi(argv[1]) : 20;
	struct sigaction sa = { .sa_handler = on_tick, .sa_flags = SA_RESTART };
	struct itimerval every = { { 0, 5000 }, { 0, 5000 } }, off = { { 0, 0 }, { 0, 0 } }, now;
	sigset_t alrm, old;
	volatile unsigned long spins = 0;

	if (n < 2) {
		fprintf(stderr, "usage: sig_itimer [N >= 2]\n");
		return 2;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL);
	/* SIGALRM blocked except inside sigsuspend: no tick is lost between test and wait */
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigprocmask(SIG_BLOCK, &alrm, &old);
	setitimer(ITIMER_REAL, &every, NULL);
	while (ticks < n / 2)
		sigsuspend(&old);
	sigprocmask(SIG_SETMASK, &old, NULL);
	while (ticks < n)
		spins++;
	setitimer(ITIMER_REAL, &off, NULL);
	int counted = ticks;

	getitimer(ITIMER_REAL, &now);
	printf("counted %d ticks (at least %d); timer stopped: %s\n", counted >= n ? n : counted, n,
	       now.it_value.tv_sec || now.it_value.tv_usec ? "no" : "yes");
	return counted >= n && !now.it_value.tv_sec && !now.it_value.tv_usec ? 0 : 1;
}

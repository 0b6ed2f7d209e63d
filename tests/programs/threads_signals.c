/*
 * Signals in a program with threads: 3 workers add up task values under a
 * mutex while signals arrive; the sum must be right whatever interrupts
 * them. Usage:
 *   threads_signals read   worker 0 first reads a line from stdin; prints
 *                          it and how many SIGUSR1 the handler saw
 *                          (none are sent natively)
 *   threads_signals timer  an interval timer (1 ms) ticks while the
 *                          workers run without system calls, until each
 *                          has seen 5 ticks go by, and main waits for
 *                          them running too
 * Exit 0 when the sum is right, 1 otherwise.
 */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/time.h>
#include <unistd.h>

#define WORKERS	3
#define TASKS	3000

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static uint64_t sum;
static volatile sig_atomic_t usr1, ticks;
static int timer_mode, finished;
static char line[64];

static void on_usr1(int sig)
{
	(void)sig;
	usr1++;
}

static void on_tick(int sig)
{
	(void)sig;
	ticks++;
}

static uint64_t task_value(uint64_t i)
{
	uint64_t x = i * 0x9e3779b97f4a7c15ull + 1;

	for (int k = 0; k < 64; k++)
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
	return x;
}

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg;

	if (me == 0 && !timer_mode) {
		ssize_t n = read(0, line, sizeof(line) - 1);

		line[n > 0 ? n : 0] = 0;
		line[strcspn(line, "\n")] = 0;
	}
	for (int i = me; i < TASKS; i += WORKERS) {
		uint64_t v = task_value(i);

		pthread_mutex_lock(&lock);
		sum += v;
		pthread_mutex_unlock(&lock);
	}
	if (timer_mode) {
		volatile unsigned long spins = 0;
		int until = ticks + 5;

		while (ticks < until)
			spins++;
	}
	__atomic_add_fetch(&finished, 1, __ATOMIC_SEQ_CST);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct itimerval every = { { 0, 1000 }, { 0, 1000 } }, off = { { 0, 0 }, { 0, 0 } };
	pthread_t t[WORKERS];
	uint64_t want = 0;
	int i;

	if (strcmp(how, "read") && strcmp(how, "timer")) {
		fprintf(stderr, "usage: threads_signals read|timer\n");
		return 2;
	}
	timer_mode = !strcmp(how, "timer");
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	sa.sa_handler = on_tick;
	sigaction(SIGALRM, &sa, NULL);
	if (timer_mode)
		setitimer(ITIMER_REAL, &every, NULL);
	for (i = 0; i < WORKERS; i++)
		if (pthread_create(&t[i], NULL, worker, (void *)(intptr_t)i)) {
			printf("pthread_create failed\n");
			return 1;
		}
	/* with the timer, main runs too: every tick interrupts a running thread */
	while (timer_mode && __atomic_load_n(&finished, __ATOMIC_SEQ_CST) < WORKERS)
		;
	for (i = 0; i < WORKERS; i++)
		pthread_join(t[i], NULL);
	setitimer(ITIMER_REAL, &off, NULL);
	for (i = 0; i < TASKS; i++)
		want += task_value(i);
	printf("%d tasks on %d threads: sum %s\n", TASKS, WORKERS, sum == want ? "right" : "WRONG");
	if (timer_mode)
		printf("ticks: %s\n", ticks >= 5 ? "at least 5" : "WRONG: fewer than 5");
	else
		printf("read: %s\nSIGUSR1 handled %d time(s)\n", line, (int)usr1);
	return sum == want && (!timer_mode || ticks >= 5) ? 0 : 1;
}

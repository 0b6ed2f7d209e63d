/*
 * Threads that never wait without a time limit, so that they finish even
 * when no futex wake-up ever arrives (a host that drops them only slows
 * them down): every wait is sem_timedwait or pthread_mutex_timedlock with
 * a 2 ms limit, retried until it succeeds.
 *
 * 4 workers take task numbers under a mutex and add their results under
 * it; each posts a semaphore when the queue is empty, and main waits for
 * the 4 posts. Then main and one worker hand a token back and forth 100
 * times through two semaphores. No thread ever exits or joins, and none
 * uses stdio or malloc, because musl waits without a limit inside those
 * (its thread-list, stdio and malloc locks): main prints and calls exit
 * while the workers wait for work that will not come.
 * Exit 0 when both results are right, 1 otherwise.
 */
#include <errno.h>
#include <pthread.h>
#include <semaphore.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define WORKERS	4
#define TASKS	400
#define ROUNDS	100

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static sem_t finished, ping, pong, never;
static int next_task;
static uint64_t sum;

static struct timespec in_2ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_REALTIME, &t);
	t.tv_nsec += 2 * 1000 * 1000;
	if (t.tv_nsec >= 1000000000)
		t.tv_sec++, t.tv_nsec -= 1000000000;
	return t;
}

static void take(sem_t *s)
{
	for (;;) {
		struct timespec t = in_2ms();

		if (!sem_timedwait(s, &t))
			return;
		if (errno != ETIMEDOUT && errno != EINTR)
			abort();
	}
}

static void lock_timed(void)
{
	for (;;) {
		struct timespec t = in_2ms();
		int r = pthread_mutex_timedlock(&lock, &t);

		if (!r)
			return;
		if (r != ETIMEDOUT)
			abort();
	}
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
	for (;;) {
		lock_timed();
		int i = next_task < TASKS ? next_task++ : -1;

		pthread_mutex_unlock(&lock);
		if (i < 0)
			break;
		uint64_t v = task_value(i);

		lock_timed();
		sum += v;
		pthread_mutex_unlock(&lock);
	}
	sem_post(&finished);
	if (arg) {		/* the ping-pong partner */
		for (int r = 0; r < ROUNDS; r++) {
			take(&ping);
			sem_post(&pong);
		}
	}
	take(&never);		/* until main exits */
	return NULL;
}

int main(void)
{
	pthread_t t;
	uint64_t want = 0;
	int i, rounds = 0;

	sem_init(&finished, 0, 0);
	sem_init(&ping, 0, 0);
	sem_init(&pong, 0, 0);
	sem_init(&never, 0, 0);
	for (i = 0; i < WORKERS; i++) {
		if (pthread_create(&t, NULL, worker, (void *)(intptr_t)(i == 0))) {
			printf("pthread_create failed\n");
			return 1;
		}
	}
	for (i = 0; i < WORKERS; i++)
		take(&finished);
	lock_timed();
	uint64_t got = sum;

	pthread_mutex_unlock(&lock);
	for (i = 0; i < TASKS; i++)
		want += task_value(i);
	for (i = 0; i < ROUNDS; i++) {
		sem_post(&ping);
		take(&pong);
		rounds++;
	}
	printf("%d tasks on %d threads: sum %s; %d hand-offs\n", TASKS, WORKERS,
	       got == want ? "right" : "WRONG", rounds);
	exit(got == want && rounds == ROUNDS ? 0 : 1);
}

/*
 * N threads alive at the same time: each one, once created, waits at a
 * gate (a mutex and a condition variable) that opens only after main has
 * created all it could. Then all of them run: each adds its number to a
 * sum, and main joins them. pthread_create failing with EAGAIN (an enclave
 * without EDMM has a fixed number of thread slots) is not an error: the
 * program prints how many it got and runs those.
 * Usage: threads_many N
 * Prints "created K of N threads" (and the error that stopped it when
 * K < N, and what 3 more attempts got), then how many waited at the gate
 * together and ran; exit 0 when all K ran and their sum is right, 1
 * otherwise, 2 on a bad argument.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open, waiting, ran;
static long sum;

static void *worker(void *arg)
{
	long me = (long)arg;

	pthread_mutex_lock(&lock);
	waiting++;
	while (!gate_open)
		pthread_cond_wait(&gate_cond, &lock);
	sum += me;
	ran++;
	pthread_mutex_unlock(&lock);
	return NULL;
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? atol(argv[1]) : 0, k, i;
	pthread_t *t;
	pthread_attr_t attr;
	int r = 0, alive_at_once;

	if (n < 1 || n > 100000) {
		fprintf(stderr, "usage: threads_many N (1-100000)\n");
		return 2;
	}
	t = calloc(n, sizeof(*t));
	if (!t)
		return 1;
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, 64 * 1024);	/* many threads, little heap */
	for (k = 0; k < n; k++) {
		r = pthread_create(&t[k], &attr, worker, (void *)(k + 1));
		if (r)
			break;
	}
	if (k < n) {
		printf("created %ld of %ld threads; then pthread_create: %s\n", k, n,
		       r == EAGAIN ? "EAGAIN" : strerror(r));
		/* nothing has ended: trying again gets the same answer */
		for (i = 0; i < 3; i++) {
			pthread_t extra;
			int again = pthread_create(&extra, &attr, worker, (void *)0);

			printf("attempt %ld more: %s\n", i + 1, again == EAGAIN ? "EAGAIN" :
			       again ? strerror(again) : "WRONG: created");
			if (!again) {
				pthread_detach(extra);
				r = -1;
			}
		}
	} else
		printf("created %ld of %ld threads\n", k, n);
	pthread_mutex_lock(&lock);
	/* wait until each one is at the gate: all alive at the same time */
	while (waiting < k) {
		pthread_mutex_unlock(&lock);
		sched_yield();
		pthread_mutex_lock(&lock);
	}
	alive_at_once = waiting;
	gate_open = 1;
	pthread_cond_broadcast(&gate_cond);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < k; i++)
		pthread_join(t[i], NULL);
	printf("%d threads waited at the gate together; %d ran, sum %ld\n", alive_at_once, ran, sum);
	if (ran != k || sum != k * (k + 1) / 2 || (r && r != EAGAIN)) {
		printf("WRONG: expected %ld threads, sum %ld\n", k, k * (k + 1) / 2);
		return 1;
	}
	return 0;
}

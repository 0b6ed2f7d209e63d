/*
 * 8 threads x 100,000 increments of one counter under one mutex, all
 * started together from a barrier so that they contend: the counter is
 * exact, and so is a second one incremented with atomics in the same loop.
 * Usage: threads_counter [THREADS [INCREMENTS]]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_barrier_t start;
static long counter, atomic_counter, increments;

static void *worker(void *arg)
{
	(void)arg;
	pthread_barrier_wait(&start);
	for (long i = 0; i < increments; i++) {
		pthread_mutex_lock(&lock);
		counter++;
		pthread_mutex_unlock(&lock);
		__atomic_add_fetch(&atomic_counter, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	int threads = argc > 1 ? atoi(argv[1]) : 8;
	pthread_t t[64];
	int i, r;

	increments = argc > 2 ? atol(argv[2]) : 100000;
	if (threads < 1 || threads > 64 || increments < 0) {
		fprintf(stderr, "usage: threads_counter [THREADS (1-64) [INCREMENTS]]\n");
		return 2;
	}
	pthread_barrier_init(&start, NULL, threads);
	for (i = 0; i < threads; i++) {
		r = pthread_create(&t[i], NULL, worker, NULL);
		if (r) {
			printf("pthread_create %d: %s\n", i, strerror(r));
			return 1;
		}
	}
	for (i = 0; i < threads; i++)
		pthread_join(t[i], NULL);
	printf("%d threads x %ld increments: counter %ld, atomic %ld\n",
	       threads, increments, counter, atomic_counter);
	if (counter != threads * increments || atomic_counter != counter) {
		printf("WRONG: expected %ld\n", threads * increments);
		return 1;
	}
	return 0;
}

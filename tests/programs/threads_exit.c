/*
 * The process ends while threads are blocked in futex waits: one in
 * pthread_cond_wait, one in sem_wait, one in pthread_join of the
 * sem_wait one, and main in pthread_join of the cond_wait one. Nothing
 * will ever wake them.
 * Usage: threads_exit exit    a fifth thread calls exit(7)
 *        threads_exit return  main returns 7 instead of joining
 * Either way the exit status is 7 and nothing more is printed after
 * "exiting".
 */
#include <pthread.h>
#include <semaphore.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static sem_t never_posted, about_to_block;
static pthread_t in_sem_wait;

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	sem_post(&about_to_block);
	for (;;)
		pthread_cond_wait(&never, &lock);
	return NULL;
}

static void *sem_waiter(void *arg)
{
	(void)arg;
	sem_post(&about_to_block);
	for (;;)
		sem_wait(&never_posted);
	return NULL;
}

static void *joiner(void *arg)
{
	(void)arg;
	sem_post(&about_to_block);
	pthread_join(in_sem_wait, NULL);
	printf("WRONG: the join returned\n");
	return NULL;
}

/* Blocked "enough": every thread has announced that it is about to block, and had time to. */
static void wait_until_blocked(int threads)
{
	struct timespec pause = { 0, 100 * 1000 * 1000 };

	for (int i = 0; i < threads; i++)
		while (sem_wait(&about_to_block))
			;
	nanosleep(&pause, NULL);
}

static void *exiter(void *arg)
{
	(void)arg;
	wait_until_blocked(3);
	printf("exiting\n");
	fflush(stdout);
	exit(7);
}

int main(int argc, char **argv)
{
	const char *how = argc > 1 ? argv[1] : "";
	pthread_t t[4];

	if (strcmp(how, "exit") && strcmp(how, "return")) {
		fprintf(stderr, "usage: threads_exit exit|return\n");
		return 2;
	}
	sem_init(&never_posted, 0, 0);
	sem_init(&about_to_block, 0, 0);
	if (pthread_create(&t[0], NULL, cond_waiter, NULL) ||
	    pthread_create(&in_sem_wait, NULL, sem_waiter, NULL) ||
	    pthread_create(&t[1], NULL, joiner, NULL)) {
		printf("pthread_create failed\n");
		return 1;
	}
	printf("3 threads blocking\n");
	fflush(stdout);
	if (!strcmp(how, "return")) {
		wait_until_blocked(3);
		printf("exiting\n");
		return 7;
	}
	if (pthread_create(&t[2], NULL, exiter, NULL)) {
		printf("pthread_create failed\n");
		return 1;
	}
	pthread_join(t[0], NULL);
	printf("WRONG: main's join returned\n");
	return 1;
}

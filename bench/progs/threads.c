/*
 * The threads benchmark's program: three figures in ns, one per line.
 *   lock     an uncontended pthread_mutex_lock + unlock pair
 *   handoff  a turn passed back and forth between two threads through one
 *            futex word, with the system calls themselves (musl's
 *            semaphores and mutexes spin first, and two threads on two
 *            cores often never sleep): each pass is a FUTEX_WAKE and the
 *            other thread's FUTEX_WAIT returning
 *   create   pthread_create + pthread_join of a thread that returns at once
 * Usage: threads LOCKS HANDOFFS CREATES
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <sys/syscall.h>
#include <unistd.h>

/* <linux/futex.h>'s values; encl-cc's musl has no kernel headers. */
#define FUTEX_WAIT_PRIVATE	128
#define FUTEX_WAKE_PRIVATE	129

static int turn;	/* 1: the partner's turn, 0: main's */
static long handoffs;

/* Pass the turn to @to; wait until it comes back as @mine. */
static void pass(int to, int mine)
{
	__atomic_store_n(&turn, to, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL);
	while (__atomic_load_n(&turn, __ATOMIC_SEQ_CST) != mine)
		syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, to, NULL);
}

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e9 + t.tv_nsec;
}

static void *partner(void *arg)
{
	(void)arg;
	while (__atomic_load_n(&turn, __ATOMIC_SEQ_CST) != 1)
		syscall(SYS_futex, &turn, FUTEX_WAIT_PRIVATE, 0, NULL);
	for (long i = 0; i < handoffs - 1; i++)
		pass(0, 1);
	__atomic_store_n(&turn, 0, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &turn, FUTEX_WAKE_PRIVATE, 1, NULL);
	return NULL;
}

static void *nothing(void *arg)
{
	return arg;
}

int main(int argc, char **argv)
{
	long locks = argc > 3 ? atol(argv[1]) : 1000000, creates = argc > 3 ? atol(argv[3]) : 1000, i;
	pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
	pthread_t t;
	double a;

	handoffs = argc > 3 ? atol(argv[2]) : 10000;
	a = now_ns();
	for (i = 0; i < locks; i++) {
		pthread_mutex_lock(&m);
		pthread_mutex_unlock(&m);
	}
	printf("%.1f\n", (now_ns() - a) / locks);

	if (pthread_create(&t, NULL, partner, NULL))
		return 1;
	a = now_ns();
	for (i = 0; i < handoffs; i++)
		pass(1, 0);
	/* two passes per round: there and back */
	printf("%.1f\n", (now_ns() - a) / (2 * handoffs));
	pthread_join(t, NULL);

	a = now_ns();
	for (i = 0; i < creates; i++) {
		if (pthread_create(&t, NULL, nothing, NULL))
			return 1;
		pthread_join(t, NULL);
	}
	printf("%.1f\n", (now_ns() - a) / creates);
	return 0;
}

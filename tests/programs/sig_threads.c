// SPDX-License-Identifier: MIT
/*
 * Signals between threads: pthread_kill wakes a thread in pause, and
 * pthread_cancel ends a thread blocked in a condition wait and in a sleep
 * (musl cancels through SIGCANCEL and the restart of the interrupted call).
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <semaphore.h>
static volatile sig_atomic_t got;
static pthread_t target;
static sem_t ready;
static void on_usr1(int s) { (void)s; got = 1; }
static void *sleeper(void *a) {
	(void)a;
	sem_post(&ready);
	while (!got) pause();
	return (void *)1;
}
static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t c = PTHREAD_COND_INITIALIZER;
static void *waiter(void *a) {
	(void)a;
	pthread_mutex_lock(&m);
	sem_post(&ready);
	for (;;) pthread_cond_wait(&c, &m);
	return 0;
}
static void *sleeper2(void *a) { (void)a; sem_post(&ready); for (;;) sleep(10); return 0; }
int main(void) {
	void *r;
	struct sigaction sa; memset(&sa, 0, sizeof sa); sa.sa_handler = on_usr1; sigaction(SIGUSR1, &sa, 0);
	sem_init(&ready, 0, 0);
	pthread_create(&target, 0, sleeper, 0);
	sem_wait(&ready); usleep(20000);
	pthread_kill(target, SIGUSR1);
	pthread_join(target, &r);
	printf("pthread_kill woke the pause: %ld\n", (long)r);
	pthread_create(&target, 0, waiter, 0);
	sem_wait(&ready); pthread_mutex_lock(&m); pthread_mutex_unlock(&m);
	pthread_cancel(target);
	pthread_join(target, &r);
	printf("cancel of a cond wait: %s\n", r == PTHREAD_CANCELED ? "canceled" : "not canceled");
	pthread_create(&target, 0, sleeper2, 0);
	sem_wait(&ready); usleep(20000);
	pthread_cancel(target);
	pthread_join(target, &r);
	printf("cancel of a sleep: %s\n", r == PTHREAD_CANCELED ? "canceled" : "not canceled");
	return 0;
}

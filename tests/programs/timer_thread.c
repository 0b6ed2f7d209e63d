// SPDX-License-Identifier: MIT
/*
 * timer_create with SIGEV_THREAD (musl's: a thread of its own waits for
 * the timer's signal and calls the function): a periodic timer fires
 * until it is deleted, timer_gettime reports its interval, and a one-shot
 * timer fires once.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static volatile int periodic, once;

static void tick(union sigval v)
{
	(void)v;
	__atomic_add_fetch(&periodic, 1, __ATOMIC_SEQ_CST);
}

static void fire_once(union sigval v)
{
	__atomic_add_fetch(&once, v.sival_int, __ATOMIC_SEQ_CST);
}

static timer_t make(void (*fn)(union sigval), int value)
{
	struct sigevent ev;
	timer_t t;

	memset(&ev, 0, sizeof(ev));
	ev.sigev_notify = SIGEV_THREAD;
	ev.sigev_notify_function = fn;
	ev.sigev_value.sival_int = value;
	if (timer_create(CLOCK_MONOTONIC, &ev, &t)) {
		printf("timer_create: %s\n", strerror(errno));
		_exit(1);
	}
	return t;
}

int main(void)
{
	struct itimerspec its = { { 0, 10 * 1000 * 1000 }, { 0, 10 * 1000 * 1000 } }, cur;
	struct itimerspec one = { { 0, 0 }, { 0, 20 * 1000 * 1000 } };
	timer_t p = make(tick, 0), o;

	timer_settime(p, 0, &its, 0);
	while (__atomic_load_n(&periodic, __ATOMIC_SEQ_CST) < 5)
		usleep(1000);
	timer_gettime(p, &cur);
	printf("periodic timer: fired at least 5 times, interval %ld ms\n",
	       cur.it_interval.tv_nsec / 1000000);
	printf("delete: %d\n", timer_delete(p));

	o = make(fire_once, 7);
	timer_settime(o, 0, &one, 0);
	while (!__atomic_load_n(&once, __ATOMIC_SEQ_CST))
		usleep(1000);
	usleep(50 * 1000);
	printf("one-shot timer: value %d, fired once\n", once);
	timer_gettime(o, &cur);
	printf("disarmed after: %s\n", cur.it_value.tv_sec || cur.it_value.tv_nsec ? "no" : "yes");
	return 0;
}

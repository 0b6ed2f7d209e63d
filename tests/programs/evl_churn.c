// SPDX-License-Identifier: MIT
/*
 * Three threads register pipes with one epoll instance (level-triggered
 * and EPOLLONESHOT), make them ready, modify, delete and close them, over
 * and over, while the main thread waits: fd numbers are reused while
 * waits are under way. An honest host must never look like a liar, and
 * every event must carry data the program registered.
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/epoll.h>
#include <unistd.h>

#define TAG	0xabc00000ULL

static int ep;
static volatile int stop;

static void *churn(void *arg)
{
	long n = 0;

	(void)arg;
	while (!stop) {
		struct epoll_event ev = { .events = EPOLLIN | (n & 1 ? EPOLLONESHOT : 0),
					  .data.u64 = TAG + (n & 0xffff) };
		int p[2];

		if (pipe(p))
			break;
		epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
		write(p[1], "x", 1);
		if (n % 3 == 0) {
			ev.events = EPOLLIN;
			epoll_ctl(ep, EPOLL_CTL_MOD, p[0], &ev);
		}
		if (n % 5 == 0)
			epoll_ctl(ep, EPOLL_CTL_DEL, p[0], 0);
		usleep(100);
		close(p[0]);
		close(p[1]);
		n++;
	}
	return (void *)n;
}

int main(void)
{
	long churned = 0, events = 0, foreign = 0;
	pthread_t t[3];

	ep = epoll_create1(0);
	for (int i = 0; i < 3; i++)
		pthread_create(&t[i], 0, churn, 0);
	for (int k = 0; k < 1000; k++) {
		struct epoll_event ev[16];
		int r = epoll_wait(ep, ev, 16, 1);

		for (int i = 0; i < r; i++) {
			events++;
			foreign += (ev[i].data.u64 & ~0xffffULL) != TAG;
		}
	}
	stop = 1;
	for (int i = 0; i < 3; i++) {
		void *v;

		pthread_join(t[i], &v);
		churned += (long)v;
	}
	printf("churned %d, events %d, data not registered %ld\n", churned > 0, events > 0, foreign);
	printf("done\n");
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * epoll on pipes, eventfds and a timerfd: level- and edge-triggered,
 * EPOLLONESHOT and its rearming, data.ptr and data.u64 given back as
 * registered, fewer events asked than ready, DEL and close of a
 * registered fd, a worker thread writing while the main thread waits,
 * eventfd's semaphore mode, timerfd ticks, epoll_pwait's mask, and the
 * errors of epoll_ctl. Prints what it sees, for the native build to
 * compare (no timings: a timer has ticked at least once).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static int marker_a, marker_b;
static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1++;
}

static const char *name_of(uint64_t data)
{
	if (data == (uint64_t)(uintptr_t)&marker_a)
		return "ptr a";
	if (data == (uint64_t)(uintptr_t)&marker_b)
		return "ptr b";
	if (data == 0x123456789abcdef0ULL)
		return "u64 eventfd";
	if (data == 0xfeedULL)
		return "u64 timer";
	return "data ?";
}

/* epoll_wait, its events printed in the order of their data (the kernel's order is its own). */
static int show(int ep, const char *what, int max, int timeout)
{
	struct epoll_event ev[8];
	int r = epoll_wait(ep, ev, max, timeout);

	printf("%s: %d", what, r);
	if (r < 0)
		printf(" %s", strerror(errno));
	for (int i = 0; i < r; i++)
		for (int j = i + 1; j < r; j++)
			if (ev[j].data.u64 < ev[i].data.u64) {
				struct epoll_event t = ev[i];

				ev[i] = ev[j];
				ev[j] = t;
			}
	for (int i = 0; i < r; i++)
		printf(" [%s %#x]", name_of(ev[i].data.u64), ev[i].events);
	printf("\n");
	return r;
}

/* A call's result: ok, or its errno (fd numbers are not compared). */
static void say(const char *what, int r)
{
	printf("%s: %s\n", what, r >= 0 ? "ok" : strerror(errno));
}

static int add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };

	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static void triggers(void)
{
	int ep = epoll_create1(EPOLL_CLOEXEC), a[2], b[2], efd = eventfd(0, EFD_NONBLOCK);
	struct epoll_event ev = { .events = EPOLLIN | EPOLLONESHOT, .data.ptr = &marker_b };
	uint64_t v = 5;
	char buf[8];

	if (ep < 0 || pipe(a) || pipe(b) || efd < 0)
		return;
	add(ep, a[0], EPOLLIN, (uint64_t)(uintptr_t)&marker_a);
	add(ep, efd, EPOLLIN, 0x123456789abcdef0ULL);
	show(ep, "nothing ready", 8, 0);
	write(a[1], "x", 1);
	show(ep, "pipe a", 8, -1);
	show(ep, "pipe a, level-triggered, again", 8, 0);
	write(efd, &v, sizeof(v));
	show(ep, "pipe a and the eventfd", 8, -1);
	show(ep, "one asked, two ready", 1, -1);
	read(efd, &v, sizeof(v));
	printf("eventfd read %llu\n", (unsigned long long)v);
	read(a[0], buf, 1);

	epoll_ctl(ep, EPOLL_CTL_MOD, a[0], &(struct epoll_event){ .events = EPOLLIN | EPOLLET,
								   .data.ptr = &marker_a });
	write(a[1], "y", 1);
	show(ep, "edge-triggered, a byte", 8, -1);
	show(ep, "edge-triggered, no new byte", 8, 0);
	write(a[1], "z", 1);
	show(ep, "edge-triggered, another byte", 8, -1);
	epoll_ctl(ep, EPOLL_CTL_DEL, a[0], 0);
	show(ep, "pipe a deleted", 8, 0);

	epoll_ctl(ep, EPOLL_CTL_ADD, b[0], &ev);
	write(b[1], "w", 1);
	show(ep, "oneshot", 8, -1);
	show(ep, "oneshot, disarmed", 8, 0);
	epoll_ctl(ep, EPOLL_CTL_MOD, b[0], &ev);
	show(ep, "oneshot, rearmed", 8, -1);
	close(b[1]);
	epoll_ctl(ep, EPOLL_CTL_MOD, b[0], &(struct epoll_event){ .events = EPOLLOUT,
								   .data.ptr = &marker_b });
	show(ep, "writer closed, only EPOLLOUT asked", 8, 0);

	/* A registered fd closed: the kernel drops it with its file. */
	close(b[0]);
	show(ep, "pipe b closed", 8, 0);

	say("add", add(ep, a[0], EPOLLIN, 1));
	say("add twice", add(ep, a[0], EPOLLIN, 1));
	say("mod unknown", epoll_ctl(ep, EPOLL_CTL_MOD, a[1], &ev));
	say("del unknown", epoll_ctl(ep, EPOLL_CTL_DEL, a[1], 0));
	say("itself", add(ep, ep, EPOLLIN, 1));
	say("maxevents 0", epoll_wait(ep, &ev, 0, 0));
	close(ep);
	close(a[0]);
	close(a[1]);
	close(efd);
}

/* @n bytes into @fd, 10 ms apart. */
static void drip(int fd, int n)
{
	struct timespec ts = { 0, 10000000 };

	for (int i = 0; i < n; i++) {
		nanosleep(&ts, 0);
		write(fd, "w", 1);
	}
}

static int worker_pipe[2];

static void *worker(void *arg)
{
	(void)arg;
	drip(worker_pipe[1], 5);
	close(worker_pipe[1]);
	return 0;
}

static void threaded(void)
{
	int ep = epoll_create(1), bytes = 0, hup = 0;
	pthread_t t;
	char buf[16];

	if (ep < 0 || pipe(worker_pipe))
		return;
	add(ep, worker_pipe[0], EPOLLIN, (uint64_t)(uintptr_t)&marker_a);
	pthread_create(&t, 0, worker, 0);
	while (!hup) {
		struct epoll_event ev;
		ssize_t n;

		if (epoll_wait(ep, &ev, 1, -1) != 1 || ev.data.ptr != &marker_a)
			break;
		n = read(worker_pipe[0], buf, sizeof(buf));
		if (n > 0)
			bytes += (int)n;
		hup = n == 0;
	}
	pthread_join(t, 0);
	printf("worker: %d bytes, end seen %d\n", bytes, hup);
	close(worker_pipe[0]);
	close(ep);
}

/*
 * Another thread makes pipe x ready and closes it while the main thread
 * waits, then makes pipe y ready: the wait may or may not see x (the
 * kernel may have taken its event before the close), and must see y.
 */
static int x_pipe[2], y_pipe[2];

static void *closer(void *arg)
{
	(void)arg;
	drip(x_pipe[1], 10);
	close(x_pipe[0]);
	drip(y_pipe[1], 1);
	return 0;
}

static void close_while_waiting(void)
{
	int ep = epoll_create1(0), y_seen = 0, other = 0;
	pthread_t t;

	if (ep < 0 || pipe(x_pipe) || pipe(y_pipe))
		return;
	add(ep, x_pipe[0], EPOLLIN | EPOLLET, (uint64_t)(uintptr_t)&marker_a);
	add(ep, y_pipe[0], EPOLLIN, (uint64_t)(uintptr_t)&marker_b);
	pthread_create(&t, 0, closer, 0);
	while (!y_seen) {
		struct epoll_event ev[4];
		int r = epoll_wait(ep, ev, 4, -1);

		if (r < 0 && errno != EINTR)
			break;
		for (int i = 0; i < r; i++) {
			if (ev[i].data.ptr == &marker_b)
				y_seen = 1;
			else if (ev[i].data.ptr != &marker_a)
				other++;
		}
	}
	pthread_join(t, 0);
	printf("close during a wait: y seen %d, unknown data %d\n", y_seen, other);
	close(x_pipe[1]);
	close(y_pipe[0]);
	close(y_pipe[1]);
	close(ep);
}

static void counters(void)
{
	int sem = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	int tfd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	struct itimerspec its = { { 0, 20000000 }, { 0, 20000000 } }, cur;
	int ep = epoll_create1(0);
	uint64_t v, ticks = 0;
	struct stat st;
	ssize_t n;

	/* Anonymous files: their mode has no type bits, every time it is asked. */
	for (int i = 0; i < 2; i++) {
		const int fds[] = { sem, tfd, ep };

		printf("eventfd, timerfd, epoll file types:");
		for (int j = 0; j < 3; j++)
			printf(" %o", fstat(fds[j], &st) ? 1u : (unsigned)(st.st_mode & S_IFMT));
		printf("\n");
	}
	for (int i = 0; i < 4; i++) {
		errno = 0;
		n = read(sem, &v, sizeof(v));
		printf("semaphore read: %zd %llu %s\n", n, n > 0 ? (unsigned long long)v : 0ULL,
		       n < 0 ? strerror(errno) : "");
	}
	say("timerfd_settime", timerfd_settime(tfd, 0, &its, 0));
	say("timerfd_gettime", timerfd_gettime(tfd, &cur));
	printf("interval %ld ns, value at most 20 ms %d\n", cur.it_interval.tv_nsec,
	       cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec <= 20000000);
	add(ep, tfd, EPOLLIN, 0xfeed);
	for (int i = 0; i < 3; i++) {
		show(ep, "timer", 8, -1);
		if (read(tfd, &v, sizeof(v)) == sizeof(v))
			ticks += v;
	}
	printf("ticks at least 3: %d\n", ticks >= 3);
	its = (struct itimerspec){ { 0, 0 }, { 0, 0 } };
	say("timer stopped", timerfd_settime(tfd, 0, &its, &cur));
	printf("old interval %ld ns\n", cur.it_interval.tv_nsec);
	close(tfd);
	close(sem);
	close(ep);
}

static void masked(void)
{
	int ep = epoll_create1(0), p[2];
	sigset_t block, open;
	struct sigaction sa;
	struct epoll_event ev;
	int r;

	if (ep < 0 || pipe(p))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigaction(SIGUSR1, &sa, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, 0);
	sigemptyset(&open);
	add(ep, p[0], EPOLLIN, 1);
	raise(SIGUSR1);
	r = epoll_pwait(ep, &ev, 1, 10, &block);
	printf("epoll_pwait, SIGUSR1 blocked: %d, handler %d\n", r, got_usr1);
	r = epoll_pwait(ep, &ev, 1, -1, &open);
	say("epoll_pwait, the mask lets it through", r);
	printf("handler %d\n", got_usr1);
	close(p[0]);
	close(p[1]);
	close(ep);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	triggers();
	threaded();
	close_while_waiting();
	counters();
	masked();
	printf("done\n");
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * poll, ppoll, select and pselect on pipes: readiness, timeouts, POLLHUP
 * after the writer closes, POLLNVAL, O_NONBLOCK and FIONBIO, and the
 * waits with a signal mask ended by a signal (one pending before, one
 * from a timer during the wait), and poll, select and epoll_wait without
 * a timeout ended by a signal from another thread. Prints what it sees,
 * for the native build to compare.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/time.h>
#include <unistd.h>

static volatile sig_atomic_t got_usr1, got_alrm;

static void on_signal(int sig)
{
	if (sig == SIGUSR1)
		got_usr1++;
	else
		got_alrm++;
}

static void show_poll(const char *what, struct pollfd *p, int n, int r)
{
	printf("%s: %d (%s)", what, r, r < 0 ? strerror(errno) : "ok");
	for (int i = 0; i < n; i++)
		printf(" [%d]=%#x", i, p[i].revents);
	printf("\n");
}

static void polls(void)
{
	int p[2], q[2];
	struct pollfd fds[3];
	char c;

	if (pipe(p) || pipe(q))
		return;
	fds[0] = (struct pollfd){ p[0], POLLIN, 0 };
	fds[1] = (struct pollfd){ -1, POLLIN, 0 };
	fds[2] = (struct pollfd){ q[1], POLLOUT, 0 };
	show_poll("poll, the writer ready", fds, 3, poll(fds, 3, 0));
	show_poll("poll, nothing ready, 30 ms", fds, 2, poll(fds, 2, 30));
	write(p[1], "x", 1);
	show_poll("poll, one byte", fds, 3, poll(fds, 3, -1));
	read(p[0], &c, 1);
	close(p[1]);
	show_poll("poll, the writer closed", fds, 1, poll(fds, 1, -1));
	close(p[0]);
	show_poll("poll, a closed fd", fds, 1, poll(fds, 1, 0));
	close(q[0]);
	close(q[1]);
}

static void selects(void)
{
	int p[2];
	fd_set rd, wr;
	struct timeval tv = { 0, 20000 };
	int r;

	if (pipe(p))
		return;
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	r = select(p[0] + 1, &rd, 0, 0, &tv);
	printf("select, nothing ready: %d, set %d, time left within the timeout %d\n", r,
	       FD_ISSET(p[0], &rd), tv.tv_sec == 0 && tv.tv_usec <= 20000);
	write(p[1], "yz", 2);
	FD_ZERO(&rd);
	FD_ZERO(&wr);
	FD_SET(p[0], &rd);
	FD_SET(p[1], &rd);
	FD_SET(p[1], &wr);
	r = select(p[1] + 1, &rd, &wr, 0, 0);
	printf("select, both ends: %d, read %d %d, write %d\n", r, FD_ISSET(p[0], &rd),
	       FD_ISSET(p[1], &rd), FD_ISSET(p[1], &wr));
	r = select(-1, 0, 0, 0, 0);
	printf("select, nfds -1: %d %s\n", r, strerror(errno));
	close(p[0]);
	close(p[1]);
}

static void nonblocking(void)
{
	int p[2], on = 1;
	ssize_t n;
	char c;

	if (pipe(p))
		return;
	printf("FIONBIO: %d\n", ioctl(p[0], FIONBIO, &on));
	errno = 0;
	n = read(p[0], &c, 1);
	printf("read, FIONBIO: %zd %s\n", n, strerror(errno));
	on = 0;
	ioctl(p[0], FIONBIO, &on);
	printf("O_NONBLOCK: %d\n", fcntl(p[0], F_SETFL, fcntl(p[0], F_GETFL) | O_NONBLOCK));
	errno = 0;
	n = read(p[0], &c, 1);
	printf("read, O_NONBLOCK: %zd %s\n", n, strerror(errno));
	close(p[0]);
	close(p[1]);
}

static int blocked(int sig)
{
	sigset_t now;

	sigprocmask(SIG_BLOCK, 0, &now);
	return sigismember(&now, sig);
}

static void masked_waits(void)
{
	struct sigaction sa;
	struct itimerval it = { { 0, 0 }, { 0, 100000 } };
	struct timespec ts = { 0, 20000000 };
	sigset_t block, open_usr1, open_alrm;
	struct pollfd fd;
	fd_set rd;
	int p[2], r;

	if (pipe(p))
		return;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = SA_RESTART;	/* the event loops are never restarted anyway */
	sigaction(SIGUSR1, &sa, 0);
	sigaction(SIGALRM, &sa, 0);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGALRM);
	sigprocmask(SIG_BLOCK, &block, 0);
	open_usr1 = block;
	sigdelset(&open_usr1, SIGUSR1);
	open_alrm = block;
	sigdelset(&open_alrm, SIGALRM);
	fd = (struct pollfd){ p[0], POLLIN, 0 };

	raise(SIGUSR1);
	r = ppoll(&fd, 1, &ts, &block);
	printf("ppoll, SIGUSR1 pending and blocked: %d, handler %d\n", r, got_usr1);
	r = ppoll(&fd, 1, 0, &open_usr1);
	printf("ppoll, the mask lets it through: %d %s, handler %d, blocked again %d\n", r,
	       strerror(errno), got_usr1, blocked(SIGUSR1));
	setitimer(ITIMER_REAL, &it, 0);
	r = ppoll(&fd, 1, 0, &open_alrm);
	printf("ppoll, SIGALRM during the wait: %d %s, handler %d, blocked again %d\n", r,
	       strerror(errno), got_alrm, blocked(SIGALRM));
	raise(SIGUSR1);
	FD_ZERO(&rd);
	FD_SET(p[0], &rd);
	r = pselect(p[0] + 1, &rd, 0, 0, 0, &open_usr1);
	printf("pselect, the mask lets SIGUSR1 through: %d %s, handler %d\n", r, strerror(errno),
	       got_usr1);
	/* Something ready and a signal pending: the count, and the signal waits for its mask. */
	write(p[1], "r", 1);
	raise(SIGUSR1);
	r = ppoll(&fd, 1, 0, &block);
	printf("ppoll, ready with SIGUSR1 blocked: %d, handler %d\n", r, got_usr1);
	sigprocmask(SIG_UNBLOCK, &block, 0);
	printf("unblocked: handler %d\n", got_usr1);
	close(p[0]);
	close(p[1]);
}

/*
 * A signal another thread sends to one waiting without a timeout in poll,
 * select or epoll_wait: EINTR at once, after the handler.
 */
static pthread_t waiter;

static void *sender(void *arg)
{
	struct timespec ts = { 0, 50000000 };

	(void)arg;
	nanosleep(&ts, 0);
	pthread_kill(waiter, SIGUSR1);
	return 0;
}

static int wait_forever(const char *how, int fd)
{
	struct pollfd pfd = { fd, POLLIN, 0 };
	struct epoll_event ev = { .events = EPOLLIN };
	fd_set rd;
	int ep, r;

	if (!strcmp(how, "poll"))
		return poll(&pfd, 1, -1);
	if (!strcmp(how, "select")) {
		FD_ZERO(&rd);
		FD_SET(fd, &rd);
		return select(fd + 1, &rd, 0, 0, 0);
	}
	ep = epoll_create1(0);
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	r = epoll_wait(ep, &ev, 1, -1);
	if (r < 0) {
		int err = errno;

		close(ep);
		errno = err;
	}
	return r;
}

static void between_threads(const char *how)
{
	pthread_t t;
	int p[2], r, err;

	if (pipe(p))
		return;
	got_usr1 = 0;
	waiter = pthread_self();
	pthread_create(&t, 0, sender, 0);
	r = wait_forever(how, p[0]);
	err = errno;
	pthread_join(t, 0);
	printf("%s, SIGUSR1 from another thread: %d %s, handler %d\n", how, r, strerror(err),
	       got_usr1);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	setvbuf(stdout, 0, _IONBF, 0);
	polls();
	selects();
	nonblocking();
	masked_waits();
	between_threads("poll");
	between_threads("select");
	between_threads("epoll_wait");
	printf("done\n");
	return 0;
}

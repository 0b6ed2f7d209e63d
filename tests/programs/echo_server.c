/*
 * A TCP echo server on 127.0.0.1, one thread, non-blocking sockets, driven
 * by one of three event loops: epoll (edge-triggered), poll or select.
 * Every connection has one buffer: what was read and not yet written back.
 * pump() moves bytes until both directions would block (EAGAIN), which is
 * what edge-triggered readiness requires, and is also right for the
 * level-triggered loops. A peer that shuts down its side (EOF) gets the
 * rest of its bytes, then the connection is closed.
 *
 * It binds port 0 and prints the port it got (one line), then serves until
 * COUNT connections have ended (0: until SIGTERM), and prints
 * "served N connections, B bytes".
 * Usage: echo_server epoll|poll|select COUNT
 */
#define _GNU_SOURCE
#include <poll.h>
#include <sys/epoll.h>
#include <sys/select.h>

#include "loopback_server.h"

#define MAXFD	FD_SETSIZE	/* select cannot watch a larger fd */
#define BUFSZ	(64 * 1024)

struct conn {
	char *buf;
	size_t head, tail;	/* pending bytes: buf[head..tail) */
	int eof;		/* the peer shut down its sending side */
};

static struct conn *conns[MAXFD];
static int lfd;
static long count, served;
static unsigned long long echoed;

static void conn_free(int fd)
{
	free(conns[fd]->buf);
	free(conns[fd]);
	conns[fd] = NULL;
	close(fd);
}

/* A connection that has ended: it counts as served. */
static void conn_close(int fd)
{
	conn_free(fd);
	served++;
}

/*
 * Move bytes on @fd until nothing more can move now. 1 when the
 * connection has ended (and is closed), 0 when it waits for readiness.
 */
static int pump(int fd)
{
	struct conn *c = conns[fd];
	int progress;
	ssize_t n;

	do {
		progress = 0;
		if (c->tail > c->head) {
			n = write(fd, c->buf + c->head, c->tail - c->head);
			if (n > 0) {
				c->head += n;
				echoed += n;
				progress = 1;
				if (c->head == c->tail)
					c->head = c->tail = 0;
			} else if (errno == EINTR) {
				progress = 1;	/* not EAGAIN: an edge may be pending */
			} else if (errno != EAGAIN) {
				fprintf(stderr, "echo_server: write to fd %d: %s\n", fd, strerror(errno));
				conn_close(fd);
				return 1;
			}
		}
		if (!c->eof && c->tail == BUFSZ && c->head > 0) {
			memmove(c->buf, c->buf + c->head, c->tail - c->head);
			c->tail -= c->head;
			c->head = 0;
		}
		if (!c->eof && c->tail < BUFSZ) {
			n = read(fd, c->buf + c->tail, BUFSZ - c->tail);
			if (n > 0) {
				c->tail += n;
				progress = 1;
			} else if (n == 0) {
				c->eof = 1;
				progress = 1;
			} else if (errno == EINTR) {
				progress = 1;
			} else if (errno != EAGAIN) {
				fprintf(stderr, "echo_server: read from fd %d: %s\n", fd, strerror(errno));
				conn_close(fd);
				return 1;
			}
		}
		if (c->eof && c->tail == c->head) {
			conn_close(fd);
			return 1;
		}
	} while (progress);
	return 0;
}

/* Accept every pending connection, until EAGAIN; each new fd goes to @added, if given. */
static void accept_all(void (*added)(int fd))
{
	for (;;) {
		int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);

		if (fd < 0) {
			if (errno == EAGAIN)
				return;
			if (errno == EINTR || errno == ECONNABORTED)
				continue;	/* only EAGAIN ends an edge */
			die("accept4");
		}
		if (fd >= MAXFD) {
			fprintf(stderr, "echo_server: fd %d is beyond %d, refusing the connection\n", fd, MAXFD);
			close(fd);
			continue;
		}
		conns[fd] = calloc(1, sizeof(*conns[fd]));
		if (!conns[fd] || !(conns[fd]->buf = malloc(BUFSZ)))
			die("malloc");
		if (added)
			added(fd);
	}
}

/* 1 once COUNT connections have ended. */
static int finished(void)
{
	return count && served >= count;
}

static int terminated(void)
{
	char b;

	return read(term_pipe[0], &b, 1) == 1;
}

/* ---- epoll, edge-triggered ---- */
static int ep;

static void epoll_add(int fd)
{
	struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.fd = fd };

	if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
		die("epoll_ctl ADD");
	/* Bytes that came before the registration raise no edge: move them now. */
	pump(fd);
}

static void loop_epoll(void)
{
	struct epoll_event evs[64];
	int i, n;

	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		die("epoll_create1");
	for (i = 0; i < 2; i++) {
		int fd = i ? term_pipe[0] : lfd;
		struct epoll_event ev = { .events = EPOLLIN | EPOLLET, .data.fd = fd };

		if (epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev))
			die("epoll_ctl ADD");
	}
	while (!finished()) {
		n = epoll_wait(ep, evs, 64, -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			die("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			int fd = evs[i].data.fd;

			if (fd == term_pipe[0]) {
				if (terminated())
					goto out;
			} else if (fd == lfd) {
				accept_all(epoll_add);
			} else if (conns[fd]) {
				/* A closed fd leaves the epoll set by itself. */
				pump(fd);
			}
		}
	}
out:
	close(ep);
}

/* ---- poll and select, level-triggered: ask only for what pump() waits for ---- */
static short wanted(int fd)
{
	struct conn *c = conns[fd];

	return (!c->eof && c->tail < BUFSZ ? POLLIN : 0) | (c->tail > c->head ? POLLOUT : 0);
}

static void loop_poll(void)
{
	static struct pollfd p[MAXFD];
	int i, n, fd;

	while (!finished()) {
		n = 0;
		p[n++] = (struct pollfd){ .fd = term_pipe[0], .events = POLLIN };
		p[n++] = (struct pollfd){ .fd = lfd, .events = POLLIN };
		for (fd = 0; fd < MAXFD; fd++)
			if (conns[fd])
				p[n++] = (struct pollfd){ .fd = fd, .events = wanted(fd) };
		if (poll(p, n, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[0].revents && terminated())
			return;
		if (p[1].revents)
			accept_all(NULL);
		for (i = 2; i < n; i++)
			if (p[i].revents)
				pump(p[i].fd);
	}
}

static void loop_select(void)
{
	fd_set r, w;
	int fd, max;

	while (!finished()) {
		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(term_pipe[0], &r);
		FD_SET(lfd, &r);
		max = term_pipe[0] > lfd ? term_pipe[0] : lfd;
		for (fd = 0; fd < MAXFD; fd++) {
			if (!conns[fd])
				continue;
			short e = wanted(fd);
			if (e & POLLIN)
				FD_SET(fd, &r);
			if (e & POLLOUT)
				FD_SET(fd, &w);
			max = fd > max ? fd : max;
		}
		if (select(max + 1, &r, &w, NULL, NULL) < 0) {
			if (errno == EINTR)
				continue;
			die("select");
		}
		if (FD_ISSET(term_pipe[0], &r) && terminated())
			return;
		if (FD_ISSET(lfd, &r))
			accept_all(NULL);
		for (fd = 0; fd < MAXFD; fd++)
			if (fd != lfd && fd != term_pipe[0] && conns[fd] &&
			    (FD_ISSET(fd, &r) || FD_ISSET(fd, &w)))
				pump(fd);
	}
}

static const struct {
	const char *name;
	void (*loop)(void);
} loops[] = {
	{ "epoll", loop_epoll },
	{ "poll", loop_poll },
	{ "select", loop_select },
};

int main(int argc, char **argv)
{
	void (*loop)(void) = NULL;
	char *end;
	size_t i;
	int fd;

	for (i = 0; argc == 3 && i < sizeof(loops) / sizeof(loops[0]); i++)
		if (!strcmp(argv[1], loops[i].name))
			loop = loops[i].loop;
	if (argc == 3)
		count = strtol(argv[2], &end, 10);
	if (!loop || *end || count < 0) {
		fprintf(stderr, "usage: echo_server epoll|poll|select COUNT (connections to serve, 0: until SIGTERM)\n");
		return 2;
	}
	server_name = "echo_server";
	catch_term();
	lfd = listen_loopback(SOCK_NONBLOCK);
	loop();
	/* After SIGTERM: connections still open are dropped, not counted. */
	for (fd = 0; fd < MAXFD; fd++)
		if (conns[fd])
			conn_free(fd);
	close(lfd);
	printf("served %ld connections, %llu bytes\n", served, echoed);
	return 0;
}

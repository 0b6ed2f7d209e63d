/*
 * Non-blocking connect on loopback, the way a program with a timeout does
 * it: connect() says EINPROGRESS, poll() waits for POLLOUT with a timeout,
 * getsockopt(SO_ERROR) gives the outcome (and reading it clears it).
 *   refused   a port bound but not listening: ECONNREFUSED through SO_ERROR
 *   accepted  a listening socket: SO_ERROR 0, then one byte each way
 *   timeout   a listener whose accept queue is full (backlog 0 and one
 *             connection waiting) drops the SYN: poll() times out and the
 *             connect stays in progress; once that connection is
 *             accepted, the retransmitted SYN gets in and the connect
 *             completes
 * Every outcome is printed; anything unexpected prints WRONG and makes the
 * exit status 1.
 * Usage: connect_nb [refused|accepted|timeout...] (default: all, in order)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* The longest any wait here may take before it counts as a hang. */
#define HANG_MS		20000
/* How long the timeout case waits for a connect that cannot complete. */
#define SHORT_MS	200

static int wrong;

/* Print @what; when not @ok, as WRONG with the error @err (if any). */
static void expect(const char *what, int ok, int err)
{
	if (ok)
		printf("%s\n", what);
	else
		printf("WRONG: %s%s%s\n", what, err ? ": " : "", err ? strerror(err) : "");
	wrong |= !ok;
}

/* A TCP socket on 127.0.0.1 port 0, listening with @backlog unless -1; its address in @a. */
static int bound(struct sockaddr_in *a, int backlog)
{
	socklen_t len = sizeof(*a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	*a = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (fd < 0 || bind(fd, (struct sockaddr *)a, sizeof(*a)) ||
	    (backlog >= 0 && listen(fd, backlog)) || getsockname(fd, (struct sockaddr *)a, &len)) {
		expect("socket/bind/listen on 127.0.0.1 port 0", 0, errno);
		return -1;
	}
	return fd;
}

/* Start a non-blocking connect to @a: the socket, or -1. */
static int start(const struct sockaddr_in *a)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);

	if (fd < 0) {
		expect("socket", 0, errno);
		return -1;
	}
	if (connect(fd, (const struct sockaddr *)a, sizeof(*a)) == 0)
		expect("connect completed at once (loopback says EINPROGRESS)", 0, 0);
	else
		expect("connect in progress", errno == EINPROGRESS, errno);
	return fd;
}

/* poll for @events up to @ms: 1 ready, 0 timed out. */
static int wait_for(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	while ((r = poll(&p, 1, ms)) < 0 && errno == EINTR)
		;
	if (r < 0)
		expect("poll", 0, errno);
	return r > 0;
}

/* SO_ERROR twice: the outcome, and 0 the second time (reading clears it). */
static int so_error(int fd)
{
	int err = -1, again = -1;
	socklen_t len = sizeof(err);

	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) ||
	    getsockopt(fd, SOL_SOCKET, SO_ERROR, &again, &len)) {
		expect("getsockopt SO_ERROR", 0, errno);
		return -1;
	}
	expect("SO_ERROR is clear once read", again == 0 && len == sizeof(int), again);
	return err;
}

static void refused(void)
{
	struct sockaddr_in a;
	int l = bound(&a, -1), fd, err;

	if (l < 0 || (fd = start(&a)) < 0)
		return;
	expect("refused: poll reports the outcome", wait_for(fd, POLLOUT, HANG_MS), 0);
	err = so_error(fd);
	expect("refused: SO_ERROR is ECONNREFUSED", err == ECONNREFUSED, err);
	close(fd);
	close(l);
}

/* Finish the connect on @fd to listener @l: SO_ERROR 0, accepted, a byte each way. */
static void finish(const char *what, int l, int fd, int ms)
{
	char b = 0, line[80];
	int s, err;

	snprintf(line, sizeof(line), "%s: poll reports the connect done", what);
	expect(line, wait_for(fd, POLLOUT, ms), 0);
	err = so_error(fd);
	snprintf(line, sizeof(line), "%s: SO_ERROR is 0", what);
	expect(line, err == 0, err);
	s = accept(l, NULL, NULL);
	snprintf(line, sizeof(line), "%s: accepted", what);
	expect(line, s >= 0, s < 0 ? errno : 0);
	if (s < 0)
		return;
	snprintf(line, sizeof(line), "%s: a byte each way", what);
	errno = 0;
	expect(line, write(fd, "x", 1) == 1 && read(s, &b, 1) == 1 && b == 'x' &&
		     write(s, "y", 1) == 1 && wait_for(fd, POLLIN, ms) &&
		     read(fd, &b, 1) == 1 && b == 'y', errno);
	close(s);
}

static void accepted(void)
{
	struct sockaddr_in a;
	int l = bound(&a, 1), fd;

	if (l < 0 || (fd = start(&a)) < 0)
		return;
	finish("accepted", l, fd, HANG_MS);
	close(fd);
	close(l);
}

static void timeout(void)
{
	struct sockaddr_in a;
	int l = bound(&a, 0), first, fd, s;

	if (l < 0 || (first = start(&a)) < 0)
		return;
	/* The first connection fills the accept queue of backlog 0. */
	expect("timeout: the first connection completes", wait_for(first, POLLOUT, HANG_MS) && so_error(first) == 0, 0);
	if ((fd = start(&a)) < 0)
		return;
	expect("timeout: poll times out, the connect still in progress", !wait_for(fd, POLLOUT, SHORT_MS), 0);
	/* Make room: the SYN retransmitted (after about a second) gets in. */
	s = accept(l, NULL, NULL);
	expect("timeout: the first connection accepted", s >= 0, s < 0 ? errno : 0);
	finish("timeout", l, fd, HANG_MS);
	close(s);
	close(fd);
	close(first);
	close(l);
}

static const struct {
	const char *name;
	void (*run)(void);
} parts[] = {
	{ "refused", refused },
	{ "accepted", accepted },
	{ "timeout", timeout },
};
#define NPARTS	(sizeof(parts) / sizeof(parts[0]))

int main(int argc, char **argv)
{
	size_t i;
	int k;

	setvbuf(stdout, NULL, _IOLBF, 0);
	for (k = 1; k < argc; k++) {
		for (i = 0; i < NPARTS && strcmp(argv[k], parts[i].name); i++)
			;
		if (i == NPARTS) {
			fprintf(stderr, "connect_nb: unknown part '%s' (refused, accepted or timeout)\n", argv[k]);
			return 2;
		}
		parts[i].run();
	}
	for (i = 0; argc == 1 && i < NPARTS; i++)
		parts[i].run();
	return wrong;
}

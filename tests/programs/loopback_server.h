/*
 * What the test servers (echo_server.c, http_server.c) share: a listening
 * socket on 127.0.0.1 at a port the kernel picks, printed on stdout as
 * one line for the test to connect to; SIGTERM delivered through a pipe
 * (term_pipe[0] becomes readable), so that a signal arriving between two
 * waits is not lost; and the message that ends the server on an error.
 */
#ifndef LOOPBACK_SERVER_H
#define LOOPBACK_SERVER_H

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * Connections waiting to be accepted. musl's SOMAXCONN (128) is too few for
 * a burst of hundreds of connects against a server in the enclave, which
 * accepts slower: the kernel then answers with SYN cookies, drops a
 * cookie's ACK while the queue is full, and resets that connection when
 * its data comes. The kernel caps this at net.core.somaxconn.
 */
#define BACKLOG	1024

static const char *server_name;
static int term_pipe[2];

static void die(const char *what)
{
	fprintf(stderr, "%s: %s: %s\n", server_name, what, strerror(errno));
	exit(1);
}

static void on_term(int sig)
{
	int e = errno;

	(void)sig;
	(void)!write(term_pipe[1], "", 1);
	errno = e;
}

/* SIGTERM makes term_pipe[0] (non-blocking) readable; SIGPIPE is ignored. */
static void catch_term(void)
{
	struct sigaction sa = { .sa_handler = on_term };

	if (pipe2(term_pipe, O_NONBLOCK | O_CLOEXEC))
		die("pipe2");
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* A TCP socket (socket() @flags added) listening on 127.0.0.1 port 0; prints the port it got. */
static int listen_loopback(int flags)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);

	if (fd < 0)
		die("socket");
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, BACKLOG) ||
	    getsockname(fd, (struct sockaddr *)&a, &alen))
		die("bind/listen/getsockname on 127.0.0.1 port 0");
	printf("%u\n", ntohs(a.sin_port));
	fflush(stdout);
	return fd;
}

#endif

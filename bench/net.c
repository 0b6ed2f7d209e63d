// SPDX-License-Identifier: MIT
/*
 * Network servers in the enclave (sim) against the same servers built
 * natively with musl, measured in this run over loopback TCP:
 *   echo  round trips per second on one connection, 64-byte messages,
 *         against tests/programs/echo_server.c in epoll mode (each round
 *         trip is an epoll_wait, a read, a write and a read that says
 *         EAGAIN in the server)
 *   http  requests per second on 8 keep-alive connections, one thread
 *         each, GET /size/1024 (1 KiB bodies), against
 *         tests/programs/http_server.c with 8 workers
 * This program is the client (and the load generator). Each figure is the
 * best of RUNS runs of SECONDS seconds.
 *
 * On an idle VM the native echo is slowed by vCPUs waking from halt at
 * each hop of the ping-pong, which the busier enclave server does not
 * pay: there, compare with one core kept busy (bench/README.md, "net").
 */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench.h"

#define RUNS		3
#define SECONDS		1.0
#define MSG		64
#define HTTP_CONNS	8
#define BODY		1024

struct server {
	pid_t pid;
	int port;
};

/* Start @argv (stdout to a pipe), read the port it prints. 0 on success. */
static int start(char *const argv[], struct server *s)
{
	int p[2];
	FILE *f;

	if (pipe(p))
		return -1;
	s->pid = fork();
	if (s->pid < 0)
		return -1;
	if (!s->pid) {
		dup2(p[1], 1);
		close(p[0]);
		close(p[1]);
		execv(argv[0], argv);
		fprintf(stderr, "net: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	if (!f || fscanf(f, "%d", &s->port) != 1) {
		fprintf(stderr, "net: %s printed no port\n", argv[0]);
		kill(s->pid, SIGKILL);
		waitpid(s->pid, NULL, 0);
		return -1;
	}
	fclose(f);
	return 0;
}

/* Wait for the server to end by itself (it counts its connections). 0 if it exited 0. */
static int finish(struct server *s)
{
	int st;

	return waitpid(s->pid, &st, 0) == s->pid && WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -1;
}

static int connect_to(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a))) {
		perror("net: connect");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	return fd;
}

/* Read exactly @n bytes. 0, or -1 on an error or an early end. */
static int read_full(int fd, char *p, size_t n)
{
	while (n) {
		ssize_t r = read(fd, p, n);

		if (r <= 0)
			return -1;
		p += r;
		n -= r;
	}
	return 0;
}

/* Echo round trips per second on one connection, or -1. */
static double echo_rate(const char *prog)
{
	char *argv[] = { (char *)prog, "epoll", "1", NULL };
	char out[MSG], in[MSG];
	struct server s;
	double t0, t;
	long n = 0;
	int fd;

	memset(out, 'e', sizeof(out));
	if (start(argv, &s) || (fd = connect_to(s.port)) < 0)
		return -1;
	t0 = bench_now();
	do {
		if (write(fd, out, MSG) != MSG || read_full(fd, in, MSG) || memcmp(in, out, MSG)) {
			fprintf(stderr, "net: echo round trip %ld failed\n", n);
			close(fd);
			finish(&s);
			return -1;
		}
		n++;
	} while ((t = bench_now() - t0) < SECONDS);
	close(fd);
	return finish(&s) ? -1 : n / t;
}

struct loader {
	int port;
	double until;
	long requests;
	int failed;
};

/* One keep-alive connection: GET /size/BODY until the time is up. */
static void *load(void *arg)
{
	static const char req[] = "GET /size/1024 HTTP/1.1\r\nHost: bench\r\n\r\n";
	struct loader *l = arg;
	char buf[4096];
	int fd = connect_to(l->port);

	if (fd < 0) {
		l->failed = 1;
		return NULL;
	}
	while (bench_now() < l->until) {
		size_t have = 0;
		char *end = NULL, *cl;
		long len;

		if (write(fd, req, sizeof(req) - 1) != sizeof(req) - 1)
			goto bad;
		/* The head, then the rest of the Content-Length bytes. */
		while (!end) {
			ssize_t r = read(fd, buf + have, sizeof(buf) - 1 - have);

			if (r <= 0)
				goto bad;
			have += r;
			buf[have] = 0;
			end = strstr(buf, "\r\n\r\n");
		}
		cl = strstr(buf, "Content-Length: ");
		if (strncmp(buf, "HTTP/1.1 200 ", 13) || !cl || cl > end ||
		    (len = atol(cl + 16)) != BODY)
			goto bad;
		len -= have - (end + 4 - buf);
		while (len > 0) {
			ssize_t r = read(fd, buf, (size_t)len < sizeof(buf) ? (size_t)len : sizeof(buf));

			if (r <= 0)
				goto bad;
			len -= r;
		}
		if (len < 0)
			goto bad;	/* more than one response: nothing was pipelined */
		l->requests++;
	}
	close(fd);
	return NULL;
bad:
	fprintf(stderr, "net: an HTTP response was not 200 with %d body bytes\n", BODY);
	l->failed = 1;
	close(fd);
	return NULL;
}

/* HTTP requests per second over HTTP_CONNS connections, or -1. */
static double http_rate(const char *prog)
{
	char conns[16];
	char *argv[] = { (char *)prog, conns, conns, NULL };	/* one worker per connection */
	struct loader l[HTTP_CONNS];
	pthread_t th[HTTP_CONNS];
	struct server s;
	double t0, t;
	long n = 0;
	int i, bad = 0;

	snprintf(conns, sizeof(conns), "%d", HTTP_CONNS);
	if (start(argv, &s))
		return -1;
	t0 = bench_now();
	for (i = 0; i < HTTP_CONNS; i++) {
		l[i] = (struct loader){ .port = s.port, .until = t0 + SECONDS };
		if (pthread_create(&th[i], NULL, load, &l[i])) {
			kill(s.pid, SIGKILL);
			return -1;
		}
	}
	for (i = 0; i < HTTP_CONNS; i++) {
		pthread_join(th[i], NULL);
		n += l[i].requests;
		bad |= l[i].failed;
	}
	t = bench_now() - t0;
	if (bad) {
		kill(s.pid, SIGTERM);
		finish(&s);
		return -1;
	}
	return finish(&s) ? -1 : n / t;
}

/* Best of RUNS runs of @rate(@prog). */
static double best(double (*rate)(const char *), const char *prog)
{
	double b = -1, r;

	for (int i = 0; i < RUNS; i++) {
		r = rate(prog);
		if (r < 0) {
			fprintf(stderr, "net: %s failed\n", prog);
			return -1;
		}
		b = r > b ? r : b;
	}
	return b;
}

int main(void)
{
	static const struct {
		const char *what, *unit, *encl, *native;
		double (*rate)(const char *);
	} benches[] = {
		{ "echo, 1 connection, 64-byte messages", "round trips/s",
		  "out/echo_server.encl", "out/echo_server.native", echo_rate },
		{ "HTTP GET 1 KiB, 8 keep-alive connections", "requests/s",
		  "out/http_server-tcs10.encl", "out/http_server.native", http_rate },
	};

	setenv("SCONE_MODE", "sim", 1);
	setenv("SCONE_LOG", "error", 1);
	signal(SIGPIPE, SIG_IGN);
	printf("| net, best of %d runs of %.0f s | enclave (sim) | enclave, exit path | native "
	       "| enclave / native | exit path / native |\n"
	       "| --- | --- | --- | --- | --- | --- |\n", RUNS, SECONDS);
	for (size_t k = 0; k < sizeof(benches) / sizeof(benches[0]); k++) {
		double e, x, n;

		/* The default (exitless calls), then every call by EEXIT/EENTER (docs/exitless.md). */
		unsetenv("SCONE_QUEUES");
		e = best(benches[k].rate, benches[k].encl);
		setenv("SCONE_QUEUES", "0", 1);
		x = best(benches[k].rate, benches[k].encl);
		unsetenv("SCONE_QUEUES");
		n = best(benches[k].rate, benches[k].native);
		if (e < 0 || x < 0 || n < 0)
			return 1;
		printf("| %s | %.0f %s | %.0f %s | %.0f %s | %.2f | %.2f |\n", benches[k].what,
		       e, benches[k].unit, x, benches[k].unit, n, benches[k].unit, e / n, x / n);
	}
	return 0;
}

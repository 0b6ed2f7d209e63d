/*
 * An HTTP/1.1 server on 127.0.0.1 with a pool of worker threads: the main
 * thread accepts connections and puts them on a queue (a mutex and two
 * condition variables); WORKERS threads take them and serve each until the
 * client closes it or asks to (keep-alive, pipelined requests included).
 *   GET /        a small HTML page
 *   GET /size/N  N bytes (0 to 1 GiB), byte i = (7i + 13(i>>8) + 29(i>>16)) mod 256
 *   other paths  404; other methods 405; a malformed request 400 (and close)
 * Only what these tests send is understood: no request bodies, no chunked
 * encoding, the request head at most 8 KiB.
 *
 * It binds port 0 and prints the port it got (one line), serves until
 * COUNT connections have ended (0: until SIGTERM, which ends the open
 * connections), and prints "served N connections, R requests, B body bytes".
 * Usage: http_server COUNT [WORKERS] (default 4 workers)
 */
#define _GNU_SOURCE
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <strings.h>

#include "loopback_server.h"

#define HEADMAX		8192
#define QUEUE		64
#define MAXWORKERS	64
#define SIZEMAX		(1ull << 30)

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t nonempty = PTHREAD_COND_INITIALIZER, changed = PTHREAD_COND_INITIALIZER;
static int queue[QUEUE], qhead, qlen;		/* accepted, not yet taken */
static int active[MAXWORKERS];			/* the fd each worker serves, or -1 */
static int stopping;
static long conns_done, requests;
static unsigned long long body_bytes;

static uint8_t pattern_byte(uint64_t i)
{
	return 7 * i + 13 * (i >> 8) + 29 * (i >> 16);
}

/* Write all of @p; 0, or -1 when the peer is gone. */
static int send_all(int fd, const void *p, size_t n)
{
	while (n) {
		ssize_t w = send(fd, p, n, MSG_NOSIGNAL);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p = (const char *)p + w;
		n -= w;
	}
	return 0;
}

/*
 * One response: the status line, headers, and a body of @len bytes from
 * @body or the pattern. The head goes out in the same send as the start of
 * the body: sent alone, Nagle's algorithm would hold a short body back
 * until the client's delayed acknowledgement of the head.
 */
static int respond(int fd, const char *status, const char *type, const char *body,
		   uint64_t len, int keep)
{
	uint8_t buf[16 * 1024];	/* on the worker's stack: musl gives it 128 KiB */
	uint64_t off = 0;
	size_t n, k;

	n = snprintf((char *)buf, sizeof(buf),
		     "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %llu\r\nConnection: %s\r\n\r\n",
		     status, type, (unsigned long long)len, keep ? "keep-alive" : "close");
	do {
		k = len - off < sizeof(buf) - n ? len - off : sizeof(buf) - n;
		for (size_t j = 0; j < k; j++)
			buf[n + j] = body ? (uint8_t)body[off + j] : pattern_byte(off + j);
		if (send_all(fd, buf, n + k))
			return -1;
		off += k;
		n = 0;
	} while (off < len);
	return 0;
}

/* The value of header @name in the head @h (lines after the first), or NULL. */
static const char *header(const char *h, const char *name, size_t *vlen)
{
	size_t nl = strlen(name);
	const char *line = strstr(h, "\r\n");

	for (; line && line[2] != '\r'; line = strstr(line + 2, "\r\n")) {
		const char *p = line + 2, *e = strstr(p, "\r\n");

		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			p += nl + 1;
			while (*p == ' ' || *p == '\t')
				p++;
			*vlen = e - p;
			return p;
		}
	}
	return NULL;
}

/*
 * Answer the request whose head (NUL-terminated, ending in an empty line)
 * is @h. 1 to keep the connection, 0 to close it, -1 when the peer is gone.
 */
static int answer(int fd, const char *h)
{
	static const char page[] =
		"<!DOCTYPE html>\n<html><head><title>encl</title></head>\n"
		"<body><p>An HTTP server in an enclave.</p></body></html>\n";
	static const char notfound[] = "not found\n", badmethod[] = "only GET\n", bad[] = "bad request\n";
	char method[16], target[1024], tail;
	unsigned long long size;
	int minor, keep, r;
	const char *v;
	size_t vlen;

	if (sscanf(h, "%15s %1023s HTTP/1.%d%c", method, target, &minor, &tail) != 4 ||
	    tail != '\r' || (minor != 0 && minor != 1))
		return respond(fd, "400 Bad Request", "text/plain", bad, sizeof(bad) - 1, 0) ? -1 : 0;
	keep = minor == 1;
	if ((v = header(h, "Connection", &vlen)))
		keep = vlen == 10 && !strncasecmp(v, "keep-alive", 10) ? 1 :
		       vlen == 5 && !strncasecmp(v, "close", 5) ? 0 : keep;
	if (strcmp(method, "GET"))
		/* A body may follow that this server cannot frame: close after. */
		return respond(fd, "405 Method Not Allowed", "text/plain", badmethod,
			       sizeof(badmethod) - 1, 0) ? -1 : 0;

	pthread_mutex_lock(&lock);
	requests++;
	pthread_mutex_unlock(&lock);
	if (!strcmp(target, "/")) {
		r = respond(fd, "200 OK", "text/html", page, sizeof(page) - 1, keep);
		size = sizeof(page) - 1;
	} else if (sscanf(target, "/size/%llu%c", &size, &tail) == 1 &&
		   target[6] >= '0' && target[6] <= '9' && size <= SIZEMAX) {
		r = respond(fd, "200 OK", "application/octet-stream", NULL, size, keep);
	} else {
		r = respond(fd, "404 Not Found", "text/plain", notfound, sizeof(notfound) - 1, keep);
		size = sizeof(notfound) - 1;
	}
	if (r)
		return -1;	/* the body was cut off: not counted */
	pthread_mutex_lock(&lock);
	body_bytes += size;
	pthread_mutex_unlock(&lock);
	return keep;
}

/* Serve requests on @fd until it closes or asks to. */
static void serve(int fd)
{
	char buf[HEADMAX + 1];
	size_t have = 0;
	char *end;
	ssize_t n;

	for (;;) {
		buf[have] = 0;
		while (!(end = strstr(buf, "\r\n\r\n"))) {
			if (have == HEADMAX) {
				static const char big[] = "request head over 8 KiB\n";
				respond(fd, "431 Request Header Fields Too Large", "text/plain",
					big, sizeof(big) - 1, 0);
				return;
			}
			n = recv(fd, buf + have, HEADMAX - have, 0);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0)
				return;	/* the client closed (or was cut off) */
			have += n;
			buf[have] = 0;
			if (memchr(buf, 0, have)) {
				static const char nul[] = "NUL byte in the request\n";
				respond(fd, "400 Bad Request", "text/plain", nul, sizeof(nul) - 1, 0);
				return;
			}
		}
		end += 4;
		char saved = *end;
		*end = 0;
		if (answer(fd, buf) <= 0)
			return;
		*end = saved;
		have -= end - buf;
		memmove(buf, end, have);	/* a pipelined request may follow */
	}
}

static void *worker(void *arg)
{
	int me = (int)(intptr_t)arg, fd;

	for (;;) {
		pthread_mutex_lock(&lock);
		while (!qlen && !stopping)
			pthread_cond_wait(&nonempty, &lock);
		if (!qlen) {
			pthread_mutex_unlock(&lock);
			return NULL;
		}
		fd = queue[qhead];
		qhead = (qhead + 1) % QUEUE;
		qlen--;
		active[me] = fd;
		pthread_cond_broadcast(&changed);
		pthread_mutex_unlock(&lock);

		serve(fd);

		pthread_mutex_lock(&lock);
		active[me] = -1;
		close(fd);
		conns_done++;
		pthread_cond_broadcast(&changed);
		pthread_mutex_unlock(&lock);
	}
}

int main(int argc, char **argv)
{
	pthread_t th[MAXWORKERS];
	long count = -1, accepted = 0;
	int nworkers = 4, lfd, fd, i;
	char *end = "";

	if (argc == 2 || argc == 3)
		count = strtol(argv[1], &end, 10);
	if (argc == 3)
		nworkers = atoi(argv[2]);
	if (count < 0 || *end || nworkers < 1 || nworkers > MAXWORKERS) {
		fprintf(stderr, "usage: http_server COUNT [WORKERS] (COUNT connections to serve, 0: until SIGTERM; 1-%d workers, default 4)\n",
			MAXWORKERS);
		return 2;
	}
	server_name = "http_server";
	catch_term();
	lfd = listen_loopback(0);

	for (i = 0; i < nworkers; i++) {
		active[i] = -1;
		if ((errno = pthread_create(&th[i], NULL, worker, (void *)(intptr_t)i)))
			die("pthread_create");
	}
	while (!count || accepted < count) {
		struct pollfd p[2] = { { .fd = lfd, .events = POLLIN }, { .fd = term_pipe[0], .events = POLLIN } };

		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		if (p[1].revents)
			break;
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED)
				continue;
			die("accept4");
		}
		accepted++;
		pthread_mutex_lock(&lock);
		while (qlen == QUEUE)
			pthread_cond_wait(&changed, &lock);
		queue[(qhead + qlen++) % QUEUE] = fd;
		pthread_cond_signal(&nonempty);
		pthread_mutex_unlock(&lock);
	}

	pthread_mutex_lock(&lock);
	if (count && accepted == count) {
		/* Every connection accepted: let the workers finish them. */
		while (conns_done < count)
			pthread_cond_wait(&changed, &lock);
	} else {
		/* SIGTERM: drop the queued connections and end the open ones. */
		for (; qlen; qlen--, qhead = (qhead + 1) % QUEUE)
			close(queue[qhead]);
		for (i = 0; i < nworkers; i++)
			if (active[i] >= 0)
				shutdown(active[i], SHUT_RDWR);
	}
	stopping = 1;
	pthread_cond_broadcast(&nonempty);
	pthread_mutex_unlock(&lock);
	for (i = 0; i < nworkers; i++)
		pthread_join(th[i], NULL);
	close(lfd);
	printf("served %ld connections, %ld requests, %llu body bytes\n", conns_done, requests, body_bytes);
	return 0;
}

/*
 * The echo servers' client, built natively only (the test runs it on the
 * host against the server in and out of the enclave). It opens CONNS
 * connections to 127.0.0.1:PORT at once; connection i sends its own
 * pseudo-random stream of 128 to 384 KiB in chunks of varying sizes (1 byte
 * to 32 KiB), reading back in chunks of varying sizes at the same time, and
 * checks every byte echoed. Once all is sent it shuts down its sending
 * side; the server must then return the rest and close. One thread, one
 * poll() loop over non-blocking sockets, so no connection waits on another.
 * Prints "echoed N connections, B bytes" and exits 0, or names the first
 * wrong byte (connection, offset, value) and exits 1.
 * Usage: echo_client PORT [CONNS]
 */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAXCONNS	1000
#define MAXCHUNK	(32 * 1024)
/* No progress at all for this long is a hang, not a slow server. */
#define STALL_MS	60000

struct conn {
	int fd;
	size_t total, sent, got;
	uint64_t wrng, rrng;	/* chunk sizes for writing and for reading */
	int connected, done;
};

static uint64_t splitmix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	return x ^ (x >> 31);
}

/* Byte @off of connection @i's stream: counter-based, so sender and checker agree. */
static uint8_t stream_byte(int i, size_t off)
{
	return splitmix(((uint64_t)i << 40) + off / 8) >> (off % 8 * 8);
}

/* The next chunk size from @rng: mostly up to MAXCHUNK, sometimes tiny. */
static size_t chunk(uint64_t *rng)
{
	uint64_t r = *rng = splitmix(*rng);

	return r % 8 == 0 ? 1 + r / 8 % 16 : 1 + r / 8 % MAXCHUNK;
}

static int fail(struct conn *c, int i, const char *what)
{
	fprintf(stderr, "echo_client: connection %d (sent %zu, got %zu of %zu): %s: %s\n",
		i, c->sent, c->got, c->total, what, errno ? strerror(errno) : "-");
	return 1;
}

/* Send what the socket takes now. 0, or 1 on an error. */
static int do_write(struct conn *c, int i)
{
	static uint8_t buf[MAXCHUNK];

	while (c->sent < c->total) {
		size_t n = chunk(&c->wrng), k;
		ssize_t w;

		if (n > c->total - c->sent)
			n = c->total - c->sent;
		for (k = 0; k < n; k++)
			buf[k] = stream_byte(i, c->sent + k);
		w = write(c->fd, buf, n);
		if (w < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : fail(c, i, "write");
		c->sent += w;
		if (c->sent == c->total && shutdown(c->fd, SHUT_WR))
			return fail(c, i, "shutdown");
	}
	return 0;
}

/* Read and check what has come. 0, or 1 on an error or a wrong byte. */
static int do_read(struct conn *c, int i)
{
	static uint8_t buf[MAXCHUNK];

	for (;;) {
		ssize_t r = read(c->fd, buf, chunk(&c->rrng));

		if (r < 0)
			return errno == EAGAIN || errno == EINTR ? 0 : fail(c, i, "read");
		if (r == 0) {
			errno = 0;
			if (c->got != c->total)
				return fail(c, i, "end of stream before every byte came back");
			c->done = 1;
			close(c->fd);
			return 0;
		}
		for (ssize_t k = 0; k < r; k++) {
			if (c->got + k >= c->total) {
				errno = 0;
				return fail(c, i, "more bytes than were sent");
			}
			if (buf[k] != stream_byte(i, c->got + k)) {
				fprintf(stderr, "echo_client: connection %d: byte %zu is 0x%02x, sent 0x%02x\n",
					i, c->got + k, buf[k], stream_byte(i, c->got + k));
				return 1;
			}
		}
		c->got += r;
	}
}

int main(int argc, char **argv)
{
	static struct conn c[MAXCONNS];
	static struct pollfd p[MAXCONNS];
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	long port = argc > 1 ? strtol(argv[1], NULL, 10) : 0;
	int n = argc > 2 ? atoi(argv[2]) : 50;
	unsigned long long bytes = 0;
	int i, left;

	if (argc < 2 || argc > 3 || port <= 0 || port > 65535 || n < 1 || n > MAXCONNS) {
		fprintf(stderr, "usage: echo_client PORT [CONNS] (PORT 1-65535, CONNS 1-%d, default 50)\n", MAXCONNS);
		return 2;
	}
	a.sin_port = htons(port);
	for (i = 0; i < n; i++) {
		c[i].total = (128 + splitmix(i) % 257) * 1024;
		c[i].wrng = splitmix(i + 1000);
		c[i].rrng = splitmix(i + 2000);
		bytes += c[i].total;
		c[i].fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		if (c[i].fd < 0)
			return fail(&c[i], i, "socket");
		if (connect(c[i].fd, (struct sockaddr *)&a, sizeof(a)) && errno != EINPROGRESS)
			return fail(&c[i], i, "connect");
	}
	for (left = n; left;) {
		int m = 0, r;

		for (i = 0; i < n; i++) {
			if (c[i].done)
				continue;
			p[m].fd = c[i].fd;
			p[m].events = POLLIN | (c[i].sent < c[i].total || !c[i].connected ? POLLOUT : 0);
			m++;
		}
		r = poll(p, m, STALL_MS);
		if (r < 0 && errno != EINTR) {
			perror("echo_client: poll");
			return 1;
		}
		if (r == 0) {
			fprintf(stderr, "echo_client: no progress for %d ms, %d connections unfinished\n",
				STALL_MS, left);
			return 1;
		}
		for (m = 0, i = 0; i < n; i++) {
			if (c[i].done)
				continue;
			short ev = p[m++].revents;
			if (!ev)
				continue;
			if (!c[i].connected) {
				int err = 0;
				socklen_t len = sizeof(err);

				if (getsockopt(c[i].fd, SOL_SOCKET, SO_ERROR, &err, &len) || err) {
					errno = err ? err : errno;
					return fail(&c[i], i, "connect");
				}
				c[i].connected = 1;
			}
			if (((ev & (POLLOUT | POLLERR)) && do_write(&c[i], i)) ||
			    ((ev & (POLLIN | POLLHUP | POLLERR)) && do_read(&c[i], i)))
				return 1;
			left -= c[i].done;
		}
	}
	printf("echoed %d connections, %llu bytes\n", n, bytes);
	return 0;
}

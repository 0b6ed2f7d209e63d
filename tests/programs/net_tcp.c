// SPDX-License-Identifier: MIT
/*
 * TCP over loopback, IPv4 and IPv6: a listener on an ephemeral port
 * (bind port 0, getsockname), a client thread that connects, sends and
 * shuts its side down, accept with an address buffer too short for the
 * address (the kernel's full length comes back), getpeername, and socket
 * options set and read back.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#define DIE(what) do { perror(what); _exit(1); } while (0)

static struct sockaddr_storage server_addr;
static socklen_t server_len;

static void *client(void *arg)
{
	const char *msg = arg;
	char reply[64];
	ssize_t n;
	int c = socket(server_addr.ss_family, SOCK_STREAM, 0);

	if (c < 0 || connect(c, (struct sockaddr *)&server_addr, server_len))
		DIE("connect");
	if (send(c, msg, strlen(msg), 0) != (ssize_t)strlen(msg))
		DIE("send");
	if (shutdown(c, SHUT_WR))
		DIE("shutdown");
	n = recv(c, reply, sizeof(reply) - 1, MSG_WAITALL);
	if (n < 0)
		DIE("client recv");
	reply[n] = 0;
	printf("client got %zd: %s\n", n, reply);
	close(c);
	return NULL;
}

static void int_option(int fd, int level, int opt, const char *name, int value)
{
	int got = -1;
	socklen_t len = sizeof(got);

	if (setsockopt(fd, level, opt, &value, sizeof(value)))
		printf("set %s: %s\n", name, strerror(errno));
	if (getsockopt(fd, level, opt, &got, &len))
		printf("get %s: %s\n", name, strerror(errno));
	else
		printf("%s set %d, read %d (length %u)\n", name, value, got, (unsigned)len);
}

static void options(int fd)
{
	struct linger l = { 1, 5 }, lg;
	struct timeval tv = { 3, 500000 }, tg;
	socklen_t len;
	int v, rcvbuf;
	char tiny;

	int_option(fd, SOL_SOCKET, SO_REUSEADDR, "SO_REUSEADDR", 1);
	int_option(fd, SOL_SOCKET, SO_REUSEPORT, "SO_REUSEPORT", 1);
	int_option(fd, SOL_SOCKET, SO_KEEPALIVE, "SO_KEEPALIVE", 1);
	int_option(fd, IPPROTO_TCP, TCP_NODELAY, "TCP_NODELAY", 1);
	int_option(fd, IPPROTO_TCP, TCP_KEEPIDLE, "TCP_KEEPIDLE", 30);
	int_option(fd, IPPROTO_TCP, TCP_KEEPINTVL, "TCP_KEEPINTVL", 7);
	int_option(fd, IPPROTO_TCP, TCP_KEEPCNT, "TCP_KEEPCNT", 4);
	/* The kernel doubles buffer sizes: compare with what it says, not with the request. */
	v = 65536;
	len = sizeof(rcvbuf);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v)) ||
	    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len))
		DIE("SO_RCVBUF");
	printf("SO_RCVBUF at least the request: %d\n", rcvbuf >= v);
	len = sizeof(lg);
	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l)) ||
	    getsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, &len))
		DIE("SO_LINGER");
	printf("SO_LINGER %d %d (length %u)\n", lg.l_onoff, lg.l_linger, (unsigned)len);
	len = sizeof(tg);
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) ||
	    getsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tg, &len))
		DIE("SO_RCVTIMEO");
	printf("SO_RCVTIMEO %ld.%06ld (length %u)\n", (long)tg.tv_sec, (long)tg.tv_usec, (unsigned)len);
	if (setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)))
		DIE("SO_SNDTIMEO");
	len = sizeof(v);
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &v, &len))
		DIE("SO_ERROR");
	printf("SO_ERROR %d\n", v);
	/* A buffer shorter than an int: the kernel writes what fits and says so. */
	len = 1;
	tiny = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &tiny, &len))
		printf("SO_TYPE in one byte: %s\n", strerror(errno));
	else
		printf("SO_TYPE in one byte: %d (length %u)\n", tiny, (unsigned)len);
	/* Too short for a struct linger. */
	if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, 4))
		printf("short SO_LINGER: %s\n", strerror(errno));
}

static void serve(int family, const char *msg)
{
	struct sockaddr_storage peer;
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&server_addr;
	struct sockaddr_in *a4 = (struct sockaddr_in *)&server_addr;
	char buf[256], text[INET6_ADDRSTRLEN];
	socklen_t len;
	pthread_t t;
	size_t got = 0;
	ssize_t n;
	int s, c, on = 1;

	memset(&server_addr, 0, sizeof(server_addr));
	server_addr.ss_family = family;
	if (family == AF_INET6) {
		a6->sin6_addr = in6addr_loopback;
		server_len = sizeof(*a6);
	} else {
		a4->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		server_len = sizeof(*a4);
	}
	s = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0) {
		printf("socket(%s): %s\n", family == AF_INET6 ? "AF_INET6" : "AF_INET", strerror(errno));
		return;
	}
	if (family == AF_INET6 && setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)))
		DIE("IPV6_V6ONLY");
	if (setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)))
		DIE("SO_REUSEADDR");
	if (bind(s, (struct sockaddr *)&server_addr, server_len)) {
		printf("bind %s loopback: %s\n", family == AF_INET6 ? "IPv6" : "IPv4", strerror(errno));
		close(s);
		return;
	}
	if (listen(s, 4))
		DIE("listen");
	len = sizeof(server_addr);
	if (getsockname(s, (struct sockaddr *)&server_addr, &len))
		DIE("getsockname");
	printf("listening, address length %u, ephemeral port %s\n", (unsigned)len,
	       (family == AF_INET6 ? a6->sin6_port : a4->sin_port) ? "yes" : "no");
	len = sizeof(on);
	if (getsockopt(s, SOL_SOCKET, SO_ACCEPTCONN, &on, &len))
		DIE("SO_ACCEPTCONN");
	printf("SO_ACCEPTCONN %d\n", on);
	if (pthread_create(&t, NULL, client, (void *)msg))
		DIE("pthread_create");

	/* 4 bytes cannot hold the address: the kernel truncates and says how long it is. */
	len = 4;
	memset(&peer, 0xee, sizeof(peer));
	c = accept4(s, (struct sockaddr *)&peer, &len, SOCK_CLOEXEC);
	if (c < 0)
		DIE("accept4");
	printf("accepted: full address length %u, family %s, byte 4 untouched %d\n", (unsigned)len,
	       peer.ss_family == family ? "right" : "wrong", ((unsigned char *)&peer)[4] == 0xee);
	len = sizeof(peer);
	if (getpeername(c, (struct sockaddr *)&peer, &len))
		DIE("getpeername");
	inet_ntop(family, family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)&peer)->sin6_addr
					       : (void *)&((struct sockaddr_in *)&peer)->sin_addr,
		  text, sizeof(text));
	printf("peer %s, address length %u\n", text, (unsigned)len);
	options(c);
	while ((n = recv(c, buf + got, sizeof(buf) - 1 - got, 0)) > 0)
		got += (size_t)n;
	if (n < 0)
		DIE("recv");
	buf[got] = 0;
	printf("server got %zu bytes then end of stream: %s\n", got, buf);
	if (send(c, "reply", 5, MSG_NOSIGNAL) != 5)
		DIE("reply");
	if (shutdown(c, SHUT_RDWR))
		DIE("shutdown");
	pthread_join(t, NULL);
	close(c);
	close(s);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	serve(AF_INET, "hello over IPv4");
	serve(AF_INET6, "hello over IPv6");
	return 0;
}

// SPDX-License-Identifier: MIT
/*
 * UDP over loopback, two threads: a DNS-shaped request built with the C
 * library's resolver (res_mkquery) goes to a server thread, which answers
 * with one A record; the client parses the answer with ns_parserr. Then
 * SO_BROADCAST, MSG_PEEK and MSG_TRUNC on the same sockets.
 */
#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <pthread.h>
#include <resolv.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int server_fd;

#define DIE(what) do { perror(what); _exit(1); } while (0)

/* Answer one query: the question echoed, one A record 127.0.0.42 for it. */
static void *server(void *arg)
{
	static const unsigned char rr[] = {
		0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0x0e, 0x10, 0, 4, 127, 0, 0, 42,
	};
	unsigned char buf[512];
	struct sockaddr_in from;
	socklen_t fromlen = sizeof(from);
	ssize_t n = recvfrom(server_fd, buf, sizeof(buf) - sizeof(rr), 0, (struct sockaddr *)&from, &fromlen);

	(void)arg;
	if (n < 12)
		DIE("server recvfrom");
	printf("server: %zd byte query from %s, address length %u\n", n,
	       inet_ntoa(from.sin_addr), (unsigned)fromlen);
	buf[2] |= 0x80;		/* QR: a response */
	buf[7] = 1;		/* ANCOUNT */
	memcpy(buf + n, rr, sizeof(rr));
	if (sendto(server_fd, buf, (size_t)n + sizeof(rr), 0, (struct sockaddr *)&from, fromlen) !=
	    n + (ssize_t)sizeof(rr))
		DIE("server sendto");
	return NULL;
}

int main(void)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(addr);
	unsigned char q[512], ans[512], small[4];
	char name[NS_MAXDNAME];
	pthread_t t;
	ns_msg msg;
	ns_rr rr;
	int c, qlen, on = 1, got;
	ssize_t n;

	server_fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (server_fd < 0 || bind(server_fd, (struct sockaddr *)&addr, sizeof(addr)))
		DIE("server socket");
	if (getsockname(server_fd, (struct sockaddr *)&addr, &len) || len != sizeof(addr) || !addr.sin_port)
		DIE("getsockname");
	printf("server bound, address length %u\n", (unsigned)len);
	if (pthread_create(&t, NULL, server, NULL))
		DIE("pthread_create");

	c = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (c < 0)
		DIE("client socket");
	qlen = res_mkquery(QUERY, "service.example", C_IN, T_A, NULL, 0, NULL, q, sizeof(q));
	if (qlen < 0)
		DIE("res_mkquery");
	if (connect(c, (struct sockaddr *)&addr, sizeof(addr)))
		DIE("connect");
	if (send(c, q, (size_t)qlen, 0) != qlen)
		DIE("send");
	n = recv(c, ans, sizeof(ans), 0);
	pthread_join(t, NULL);
	if (n < 0 || ns_initparse(ans, (int)n, &msg) || ns_parserr(&msg, ns_s_an, 0, &rr))
		DIE("answer");
	printf("client: %zd byte answer, id matches %d, %d answer\n", n,
	       ns_msg_id(msg) == (q[0] << 8 | q[1]), ns_msg_count(msg, ns_s_an));
	printf("client: %s A %s ttl %u\n", ns_rr_name(rr), inet_ntoa(*(struct in_addr *)ns_rr_rdata(rr)),
	       (unsigned)ns_rr_ttl(rr));
	if (dn_expand(ans, ans + n, ans + 12, name, sizeof(name)) < 0)
		DIE("dn_expand");
	printf("client: question %s\n", name);

	/* Options on a datagram socket. */
	if (setsockopt(c, SOL_SOCKET, SO_BROADCAST, &on, sizeof(on)))
		DIE("SO_BROADCAST");
	len = sizeof(got);
	got = 0;
	if (getsockopt(c, SOL_SOCKET, SO_BROADCAST, &got, &len))
		DIE("get SO_BROADCAST");
	printf("SO_BROADCAST %d (length %u)\n", got, (unsigned)len);
	len = sizeof(got);
	if (getsockopt(c, SOL_SOCKET, SO_TYPE, &got, &len))
		DIE("SO_TYPE");
	printf("SO_TYPE is SOCK_DGRAM: %d\n", got == SOCK_DGRAM);

	/* A datagram read in part: MSG_PEEK leaves it, MSG_TRUNC tells its length. */
	len = sizeof(addr);
	if (getsockname(c, (struct sockaddr *)&addr, &len))
		DIE("client getsockname");
	if (sendto(server_fd, "0123456789", 10, 0, (struct sockaddr *)&addr, len) != 10)
		DIE("sendto client");
	n = recv(c, small, sizeof(small), MSG_PEEK);
	printf("peek %zd: %.4s\n", n, (char *)small);
	n = recv(c, small, sizeof(small), MSG_TRUNC);
	printf("truncated read returns %zd, holds %.4s\n", n, (char *)small);
	close(c);
	close(server_fd);
	return 0;
}

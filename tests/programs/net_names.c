// SPDX-License-Identifier: MIT
/*
 * Name resolution with the C library's own resolver: getaddrinfo of
 * "localhost" (from /etc/hosts; with several results musl sorts them
 * with a UDP socket, connect and getsockname), of numeric addresses and
 * a service name, and getnameinfo back to numbers. Then a connection to
 * the first result, as a client would make it.
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static void lookup(const char *host, const char *service, int family, int flags)
{
	struct addrinfo hints = { .ai_family = family, .ai_socktype = SOCK_STREAM, .ai_flags = flags }, *res, *r;
	int err = getaddrinfo(host, service, &hints, &res);

	printf("getaddrinfo(%s, %s, %s):", host ? host : "NULL", service ? service : "NULL",
	       family == AF_INET ? "AF_INET" : family == AF_INET6 ? "AF_INET6" : "AF_UNSPEC");
	if (err) {
		printf(" %s\n", gai_strerror(err));
		return;
	}
	for (r = res; r; r = r->ai_next) {
		char h[NI_MAXHOST], s[NI_MAXSERV];

		err = getnameinfo(r->ai_addr, r->ai_addrlen, h, sizeof(h), s, sizeof(s),
				  NI_NUMERICHOST | NI_NUMERICSERV);
		printf(" [%s]:%s (length %u)", err ? gai_strerror(err) : h, err ? "" : s, (unsigned)r->ai_addrlen);
	}
	printf("\n");
	freeaddrinfo(res);
}

/* Connect to a listener found through getaddrinfo("localhost"). */
static void connect_by_name(void)
{
	struct addrinfo hints = { .ai_family = AF_INET, .ai_socktype = SOCK_STREAM }, *res;
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	char port[8];
	int s = socket(AF_INET, SOCK_STREAM, 0), c, ok;

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || listen(s, 1) ||
	    getsockname(s, (struct sockaddr *)&a, &len)) {
		perror("listener");
		_exit(1);
	}
	snprintf(port, sizeof(port), "%u", ntohs(a.sin_port));
	if (getaddrinfo("localhost", port, &hints, &res)) {
		printf("connect by name: no address\n");
		return;
	}
	c = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
	ok = c >= 0 && !connect(c, res->ai_addr, res->ai_addrlen);
	printf("connect to localhost by name: %s\n", ok ? "connected" : "failed");
	freeaddrinfo(res);
	close(c);
	close(s);
}

/*
 * What musl does to sort several results (RFC 3484): a UDP socket
 * "connected" to each address, and getsockname for the source address
 * the kernel would use. /etc/hosts may list localhost once, so the steps
 * are made here too.
 */
static void source_address(int family, const char *dest)
{
	struct sockaddr_storage d = { .ss_family = family }, src;
	socklen_t len = sizeof(src);
	char text[INET6_ADDRSTRLEN];
	int s = socket(family, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
	void *at = family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)&d)->sin6_addr
				      : (void *)&((struct sockaddr_in *)&d)->sin_addr;

	inet_pton(family, dest, at);
	((struct sockaddr_in *)&d)->sin_port = htons(65535);	/* same offset in both */
	if (s < 0 || connect(s, (struct sockaddr *)&d, family == AF_INET6 ? sizeof(struct sockaddr_in6)
									  : sizeof(struct sockaddr_in)) ||
	    getsockname(s, (struct sockaddr *)&src, &len)) {
		printf("source address for %s: failed\n", dest);
	} else {
		inet_ntop(family, family == AF_INET6 ? (void *)&((struct sockaddr_in6 *)&src)->sin6_addr
						     : (void *)&((struct sockaddr_in *)&src)->sin_addr,
			  text, sizeof(text));
		printf("source address for %s: %s (length %u)\n", dest, text, (unsigned)len);
	}
	if (s >= 0)
		close(s);
}

int main(void)
{
	lookup("localhost", NULL, AF_INET, 0);
	lookup("localhost", "http", AF_UNSPEC, 0);
	lookup("localhost", "8080", AF_UNSPEC, AI_ADDRCONFIG);
	lookup("127.0.0.1", "22", AF_INET, AI_NUMERICHOST);
	lookup("::1", "443", AF_INET6, AI_NUMERICHOST);
	lookup(NULL, "9000", AF_UNSPEC, AI_PASSIVE);
	lookup("name.invalid", NULL, AF_INET, AI_NUMERICHOST);
	connect_by_name();
	source_address(AF_INET, "127.0.0.1");
	source_address(AF_INET6, "::1");
	return 0;
}

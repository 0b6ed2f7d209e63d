// SPDX-License-Identifier: MIT
/*
 * The socket calls tests/e2e/hostile_net.sh makes the host lie about,
 * one per argument: socket, accept, recvfrom, recvmsg (with SCM_RIGHTS),
 * getsockopt. Prints "done" at the end, which a caught lie never reaches.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#define DIE(what) do { perror(what); return 1; } while (0)

/* A listener or a datagram socket on loopback, and its address in *a. */
static int bound(int type, struct sockaddr_in *a)
{
	socklen_t len = sizeof(*a);
	int s = socket(AF_INET, type, 0);

	memset(a, 0, sizeof(*a));
	a->sin_family = AF_INET;
	a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)a, sizeof(*a)) ||
	    (type == SOCK_STREAM && listen(s, 1)) || getsockname(s, (struct sockaddr *)a, &len))
		return -1;
	return s;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	struct sockaddr_in a, from;
	socklen_t len = sizeof(from);
	char buf[64];
	int s, c, v;

	if (!strcmp(what, "socket")) {
		printf("socket is a descriptor %d\n", socket(AF_INET, SOCK_DGRAM, 0) >= 0);
	} else if (!strcmp(what, "accept")) {
		s = bound(SOCK_STREAM, &a);
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
			DIE("connect");
		printf("accept is a descriptor %d, length %u\n", accept(s, (struct sockaddr *)&from, &len) >= 0,
		       (unsigned)len);
	} else if (!strcmp(what, "recvfrom")) {
		s = bound(SOCK_DGRAM, &a);
		if (s < 0 || sendto(s, "ping", 4, 0, (struct sockaddr *)&a, sizeof(a)) != 4)
			DIE("sendto");
		printf("recvfrom %zd, length %u\n",
		       recvfrom(s, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len), (unsigned)len);
	} else if (!strcmp(what, "recvmsg")) {
		union { struct cmsghdr h; char b[CMSG_SPACE(sizeof(int))]; } ctl;
		struct iovec iov = { buf, sizeof(buf) };
		struct msghdr m = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = ctl.b,
				    .msg_controllen = sizeof(ctl.b) };
		struct cmsghdr *h = CMSG_FIRSTHDR(&m);
		int sv[2], fd = 1;

		if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
			DIE("socketpair");
		h->cmsg_level = SOL_SOCKET;
		h->cmsg_type = SCM_RIGHTS;
		h->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(h), &fd, sizeof(fd));
		iov.iov_len = 5;
		if (sendmsg(sv[0], &m, 0) != 5)
			DIE("sendmsg");
		iov.iov_len = sizeof(buf);
		printf("recvmsg %zd, control %zu\n", recvmsg(sv[1], &m, 0), (size_t)m.msg_controllen);
	} else if (!strcmp(what, "getsockopt")) {
		s = socket(AF_INET, SOCK_STREAM, 0);
		len = sizeof(v);
		printf("getsockopt %d, length %u\n", getsockopt(s, SOL_SOCKET, SO_TYPE, &v, &len), (unsigned)len);
	}
	printf("done\n");
	return 0;
}

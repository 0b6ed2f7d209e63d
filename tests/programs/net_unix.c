// SPDX-License-Identifier: MIT
/*
 * AF_UNIX: a stream socketpair that passes an open file's descriptor with
 * SCM_RIGHTS (the file is then read through the received descriptor),
 * sendmsg and recvmsg with several iovecs, a control buffer too small for
 * the descriptors (MSG_CTRUNC), and datagrams between sockets bound to
 * paths in the directory given as argv[1] (recvfrom names the sender),
 * and 3 MiB through a stream in sendmsg calls of three 1 MiB iovecs,
 * more than one call may carry (short counts are resumed).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define DIE(what) do { perror(what); _exit(1); } while (0)

static int send_fds(int s, const int *fds, int n, const char *text)
{
	union { struct cmsghdr h; char buf[CMSG_SPACE(2 * sizeof(int))]; } ctl;
	struct iovec iov[2] = { { (void *)text, 4 }, { (void *)(text + 4), strlen(text) - 4 } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2, .msg_control = ctl.buf,
			    .msg_controllen = CMSG_SPACE(n * sizeof(int)) };
	struct cmsghdr *c = CMSG_FIRSTHDR(&m);

	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n * sizeof(int));
	return (int)sendmsg(s, &m, 0);
}

/* Receive into three iovecs with @ctllen bytes of control; print what came. */
static int recv_fds(int s, size_t ctllen, int *fds)
{
	union { struct cmsghdr h; char buf[256]; } ctl;
	char a[3], b[5], c[64];
	struct iovec iov[3] = { { a, sizeof(a) }, { b, sizeof(b) }, { c, sizeof(c) } };
	struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3, .msg_control = ctl.buf, .msg_controllen = ctllen };
	ssize_t n = recvmsg(s, &m, 0);
	int count = 0;

	if (n < 0)
		DIE("recvmsg");
	printf("recvmsg %zd bytes: %.3s|%.5s|%.*s, control %zu bytes, flags%s\n", n, a, b,
	       n > 8 ? (int)(n - 8) : 0, c, (size_t)m.msg_controllen,
	       m.msg_flags & MSG_CTRUNC ? " MSG_CTRUNC" : " none");
	for (struct cmsghdr *h = CMSG_FIRSTHDR(&m); h; h = CMSG_NXTHDR(&m, h)) {
		int k = (int)((h->cmsg_len - CMSG_LEN(0)) / sizeof(int));

		printf("  control message level %d type %d with %d descriptors\n", h->cmsg_level, h->cmsg_type, k);
		memcpy(fds + count, CMSG_DATA(h), k * sizeof(int));
		count += k;
	}
	return count;
}

static void pass_descriptor(const char *dir)
{
	char path[512], buf[64];
	int sv[2], fds[2], got[4], n;
	struct stat a, b;

	snprintf(path, sizeof(path), "%s/passed.txt", dir);
	fds[0] = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fds[0] < 0 || write(fds[0], "read through the passed descriptor\n", 35) != 35)
		DIE("file");
	if (lseek(fds[0], 0, SEEK_SET))
		DIE("lseek");
	fds[1] = dup(fds[0]);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		DIE("socketpair");
	printf("sendmsg: %d\n", send_fds(sv[0], fds, 1, "one descriptor"));
	n = recv_fds(sv[1], sizeof(union { struct cmsghdr h; char b[256]; }), got);
	if (n != 1 || got[0] < 0)
		DIE("no descriptor");
	if (fstat(got[0], &a) || fstat(fds[0], &b))
		DIE("fstat");
	printf("received descriptor is new %d, same file %d\n", got[0] != fds[0],
	       a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	n = (int)read(got[0], buf, sizeof(buf));
	printf("read %d: %.*s", n, n > 0 ? n : 0, buf);
	close(got[0]);

	/* Two descriptors, room for one header and no descriptor: the kernel truncates. */
	printf("sendmsg: %d\n", send_fds(sv[0], fds, 2, "two descriptors"));
	n = recv_fds(sv[1], CMSG_LEN(0), got);
	printf("descriptors received with a short control buffer: %d\n", n);
	close(sv[0]);
	close(sv[1]);
	close(fds[0]);
	close(fds[1]);
}

static void datagrams(const char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX }, b = { .sun_family = AF_UNIX }, from;
	socklen_t len;
	char buf[64];
	ssize_t n;
	int sa, sb, sv[2];

	/* Unnamed, from a socketpair: message boundaries are kept. */
	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		DIE("socketpair dgram");
	if (send(sv[0], "first", 5, 0) != 5 || send(sv[0], "second", 6, 0) != 6)
		DIE("send dgram");
	n = recv(sv[1], buf, sizeof(buf), 0);
	printf("datagram 1: %zd %.*s\n", n, (int)n, buf);
	len = sizeof(from);
	n = recvfrom(sv[1], buf, 3, 0, (struct sockaddr *)&from, &len);
	printf("datagram 2 in 3 bytes: %zd %.3s, unnamed sender's address length %u\n", n, buf, (unsigned)len);
	close(sv[0]);
	close(sv[1]);

	/* Bound to paths. */
	snprintf(a.sun_path, sizeof(a.sun_path), "%s/a.sock", dir);
	snprintf(b.sun_path, sizeof(b.sun_path), "%s/b.sock", dir);
	unlink(a.sun_path);
	unlink(b.sun_path);
	sa = socket(AF_UNIX, SOCK_DGRAM, 0);
	sb = socket(AF_UNIX, SOCK_DGRAM, 0);
	if (sa < 0 || sb < 0 || bind(sa, (struct sockaddr *)&a, sizeof(a)) || bind(sb, (struct sockaddr *)&b, sizeof(b)))
		DIE("bind unix");
	if (sendto(sa, "to b", 4, 0, (struct sockaddr *)&b, sizeof(b)) != 4)
		DIE("sendto unix");
	len = sizeof(from);
	memset(&from, 0, sizeof(from));
	n = recvfrom(sb, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	printf("from a: %zd %.*s, sender is a %d, length is its path's %d\n", n, (int)n, buf,
	       !strcmp(from.sun_path, a.sun_path),
	       len == offsetof(struct sockaddr_un, sun_path) + strlen(a.sun_path) + 1);
	/* An address buffer of 2 bytes: just the family, and the full length. */
	if (sendto(sb, "to a", 4, 0, (struct sockaddr *)&a, sizeof(a)) != 4)
		DIE("sendto a");
	len = 2;
	n = recvfrom(sa, buf, sizeof(buf), 0, (struct sockaddr *)&from, &len);
	printf("from b: %zd, family AF_UNIX %d, full length reported %d\n", n, from.sun_family == AF_UNIX,
	       len == offsetof(struct sockaddr_un, sun_path) + strlen(b.sun_path) + 1);
	/* A connected datagram socket, and its peer's name. */
	if (connect(sa, (struct sockaddr *)&b, sizeof(b)))
		DIE("connect unix");
	len = sizeof(from);
	if (getpeername(sa, (struct sockaddr *)&from, &len))
		DIE("getpeername unix");
	printf("peer is b %d\n", !strcmp(from.sun_path, b.sun_path));
	if (sendto(sa, "x", 1, 0, (struct sockaddr *)&a, 200) >= 0 || errno != EINVAL)
		DIE("address longer than sockaddr_storage");
	printf("address length 200: EINVAL\n");
	close(sa);
	close(sb);
	unlink(a.sun_path);
	unlink(b.sun_path);
}

#define BULK	(3u << 20)

static unsigned char *bulk_data;

static void *bulk_sender(void *arg)
{
	int s = *(int *)arg;
	size_t done = 0;

	while (done < BULK) {
		size_t left = BULK - done, third = left / 3;
		struct iovec iov[3] = {
			{ bulk_data + done, third },
			{ bulk_data + done + third, third },
			{ bulk_data + done + 2 * third, left - 2 * third },
		};
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = 3 };
		ssize_t n = sendmsg(s, &m, 0);

		if (n <= 0)
			DIE("bulk sendmsg");
		done += (size_t)n;
	}
	close(s);
	return NULL;
}

static void bulk(void)
{
	static unsigned char a[4096], b[100000];
	unsigned long sum = 0, want = 0;
	size_t total = 0;
	pthread_t t;
	ssize_t n;
	int sv[2];

	bulk_data = malloc(BULK);
	if (!bulk_data || socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		DIE("bulk");
	for (size_t i = 0; i < BULK; i++) {
		bulk_data[i] = (unsigned char)(i * 7 + i / 4093);
		want = want * 31 + bulk_data[i];
	}
	if (pthread_create(&t, NULL, bulk_sender, &sv[0]))
		DIE("pthread_create");
	for (;;) {
		struct iovec iov[2] = { { a, sizeof(a) }, { b, sizeof(b) } };
		struct msghdr m = { .msg_iov = iov, .msg_iovlen = 2 };

		n = recvmsg(sv[1], &m, 0);
		if (n <= 0)
			break;
		for (ssize_t i = 0; i < n; i++)
			sum = sum * 31 + (i < (ssize_t)sizeof(a) ? a[i] : b[i - sizeof(a)]);
		total += (size_t)n;
	}
	if (n < 0)
		DIE("bulk recvmsg");
	pthread_join(t, NULL);
	printf("bulk: %zu bytes, checksum %s\n", total, sum == want ? "matches" : "differs");
	close(sv[1]);
	free(bulk_data);
}

int main(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : "/tmp";

	setvbuf(stdout, NULL, _IOLBF, 0);
	pass_descriptor(dir);
	datagrams(dir);
	bulk();
	return 0;
}

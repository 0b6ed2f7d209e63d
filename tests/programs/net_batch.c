// SPDX-License-Identifier: MIT
/*
 * Batches and copies: sendmmsg and recvmmsg over AF_UNIX datagrams and
 * UDP loopback (with addresses, MSG_WAITFORONE and a timeout), batches
 * larger than one ocall carries (AF_UNIX datagrams), and
 * sendfile from a file to a file and to a stream socket, with and without
 * an offset. Prints what a kernel gives, so that the enclave's output can
 * be compared with the native one.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void say(const char *what, long r)
{
	printf("%s: %ld%s%s\n", what, r, r < 0 ? " " : "", r < 0 ? strerror(errno) : "");
}

/* Three messages of 1, 5 and 300 bytes out; @room slots in. */
static void batch(int tx, int rx, const struct sockaddr_in *to, unsigned room, int flags)
{
	static char out[3][300], in[4][512];
	struct iovec oiov[3], iiov[4];
	struct mmsghdr om[3], im[4];
	struct sockaddr_in from[4];
	const unsigned sizes[3] = { 1, 5, 300 };
	long r;

	memset(om, 0, sizeof(om));
	memset(im, 0, sizeof(im));
	for (int i = 0; i < 3; i++) {
		memset(out[i], 'a' + i, sizeof(out[i]));
		oiov[i] = (struct iovec){ out[i], sizes[i] };
		om[i].msg_hdr.msg_iov = &oiov[i];
		om[i].msg_hdr.msg_iovlen = 1;
		if (to) {
			om[i].msg_hdr.msg_name = (void *)to;
			om[i].msg_hdr.msg_namelen = sizeof(*to);
		}
	}
	for (int i = 0; i < 4; i++) {
		iiov[i] = (struct iovec){ in[i], sizeof(in[i]) };
		im[i].msg_hdr.msg_iov = &iiov[i];
		im[i].msg_hdr.msg_iovlen = 1;
		im[i].msg_hdr.msg_name = &from[i];
		im[i].msg_hdr.msg_namelen = sizeof(from[i]);
	}
	r = sendmmsg(tx, om, 3, 0);
	say("sendmmsg", r);
	for (long i = 0; i < r; i++)
		printf("  sent %u\n", om[i].msg_len);
	r = recvmmsg(rx, im, room, flags, 0);
	say("recvmmsg", r);
	for (long i = 0; i < r; i++)
		printf("  got %u '%c' from %s\n", im[i].msg_len, in[i][0],
		       !to ? "unnamed" : from[i].sin_port == to->sin_port ? "itself" : "elsewhere");
}

static void mmsg_unix(void)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv))
		return say("socketpair", -1);
	printf("unix, room for 4, nothing waiting after 3:\n");
	batch(sv[0], sv[1], 0, 4, MSG_DONTWAIT);
	printf("unix, room for 2:\n");
	batch(sv[0], sv[1], 0, 2, MSG_DONTWAIT);
	say("the third is still there", recv(sv[1], (char[512]){ 0 }, 512, MSG_DONTWAIT));
	printf("unix, MSG_WAITFORONE:\n");
	batch(sv[0], sv[1], 0, 4, MSG_WAITFORONE);
	close(sv[0]);
	close(sv[1]);
}

static void mmsg_udp(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int s = socket(AF_INET, SOCK_DGRAM, 0);
	struct timespec t = { 0, 50000000 };
	struct mmsghdr m[2];
	struct iovec iov[2];
	char buf[2][16];
	long r;

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) || getsockname(s, (struct sockaddr *)&a, &len))
		return say("udp socket", -1);
	printf("udp to itself, addresses:\n");
	batch(s, s, &a, 4, MSG_DONTWAIT);
	/* Nothing waiting, non-blocking: the first receive fails, as recvmsg would. */
	memset(m, 0, sizeof(m));
	for (int i = 0; i < 2; i++) {
		iov[i] = (struct iovec){ buf[i], sizeof(buf[i]) };
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
	say("recvmmsg, nothing waiting", recvmmsg(s, m, 2, MSG_DONTWAIT, &t));
	sendto(s, "x", 1, 0, (struct sockaddr *)&a, sizeof(a));
	r = recvmmsg(s, m, 2, MSG_WAITFORONE, &t);
	say("recvmmsg, one waiting, a timeout", r);
	printf("  timeout left within 50 ms: %d\n", t.tv_sec == 0 && t.tv_nsec >= 0 && t.tv_nsec <= 50000000);
	say("sendmmsg of none", sendmmsg(s, m, 0, 0));
	close(s);
}

/*
 * More data in one batch than the enclave moves in one ocall: 48
 * datagrams of 32 KiB. musl's sendmmsg loops over sendmsg itself, so the
 * sender makes the system call directly; recvmmsg is musl's own.
 */
#define LARGE_N		48
#define LARGE_SIZE	32768

static char large_out[LARGE_N][LARGE_SIZE], large_in[LARGE_N][LARGE_SIZE];

static void large_batch(struct mmsghdr *m, struct iovec *iov, char (*data)[LARGE_SIZE])
{
	memset(m, 0, LARGE_N * sizeof(*m));
	for (int i = 0; i < LARGE_N; i++) {
		iov[i] = (struct iovec){ data[i], LARGE_SIZE };
		m[i].msg_hdr.msg_iov = &iov[i];
		m[i].msg_hdr.msg_iovlen = 1;
	}
}

static void *large_send(void *arg)
{
	static struct mmsghdr m[LARGE_N];
	static struct iovec iov[LARGE_N];
	static long sent;

	for (int i = 0; i < LARGE_N; i++)
		memset(large_out[i], 'a' + i % 26, LARGE_SIZE);
	large_batch(m, iov, large_out);
	sent = syscall(SYS_sendmmsg, *(int *)arg, m, LARGE_N, 0);
	for (long i = 0; i < sent; i++)
		if (m[i].msg_len != LARGE_SIZE)
			sent = -2;
	return &sent;
}

static void mmsg_large(void)
{
	struct mmsghdr m[LARGE_N];
	struct iovec iov[LARGE_N];
	int sv[2], whole = 1;
	long received = 0, *sent;
	pthread_t t;

	if (socketpair(AF_UNIX, SOCK_DGRAM, 0, sv) || pthread_create(&t, NULL, large_send, &sv[0]))
		return say("socketpair and sender", -1);
	large_batch(m, iov, large_in);
	while (received < LARGE_N) {
		long r = recvmmsg(sv[1], m + received, LARGE_N - received, 0, 0);

		if (r <= 0)
			break;
		received += r;
	}
	pthread_join(t, (void **)&sent);
	for (long i = 0; i < received; i++)
		whole &= m[i].msg_len == LARGE_SIZE && !(m[i].msg_hdr.msg_flags & MSG_TRUNC) &&
			 large_in[i][0] == 'a' + i % 26 && large_in[i][LARGE_SIZE - 1] == 'a' + i % 26;
	printf("48 datagrams of 32 KiB: sendmmsg %ld, received %ld, every one whole: %d\n",
	       *sent, received, whole);
	close(sv[0]);
	close(sv[1]);
}

static void copies(const char *dir)
{
	char path[512], out[512], buf[64];
	int in, to, sv[2];
	off_t off = 1000;
	long r;

	snprintf(path, sizeof(path), "%s/sendfile.in", dir);
	snprintf(out, sizeof(out), "%s/sendfile.out", dir);
	in = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	to = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (in < 0 || to < 0)
		return say("open", -1);
	for (int i = 0; i < 10000; i++)
		dprintf(in, "%04d\n", i);	/* 50000 bytes */
	r = sendfile(to, in, &off, 20);
	say("sendfile at 1000, 20 bytes, to a file", r);
	printf("  offset now %ld, file position %ld\n", (long)off, (long)lseek(in, 0, SEEK_CUR));
	lseek(in, 0, SEEK_SET);
	r = sendfile(to, in, 0, 30);
	say("sendfile from the position, 30 bytes", r);
	printf("  file position now %ld\n", (long)lseek(in, 0, SEEK_CUR));
	r = pread(to, buf, 50, 0);
	printf("  the copy: %.*s", (int)(r > 0 ? r : 0), buf);
	printf("\n");
	say("sendfile past the end", sendfile(to, in, &(off_t){ 60000 }, 10));
	say("sendfile from a bad descriptor", sendfile(to, 999, 0, 10));
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		return say("socketpair", -1);
	r = sendfile(sv[0], in, &(off_t){ 49990 }, 100);
	say("sendfile of the last 10 bytes to a socket", r);
	r = read(sv[1], buf, sizeof(buf));
	printf("  read %ld: %.*s", r, (int)(r > 0 ? r : 0), buf);
	close(sv[0]);
	close(sv[1]);
	close(in);
	close(to);
	unlink(path);
	unlink(out);
}

int main(int argc, char **argv)
{
	setvbuf(stdout, 0, _IONBF, 0);
	mmsg_unix();
	mmsg_udp();
	mmsg_large();
	copies(argc > 1 ? argv[1] : "/tmp");
	printf("done\n");
	return 0;
}

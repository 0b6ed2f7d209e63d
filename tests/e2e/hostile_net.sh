#!/bin/bash
# A hostile host lying about socket calls (ENCL_SIM_HOSTILE, host/host.h):
# a descriptor that is none, an address longer than the enclave gave room
# for or than its family's, more data or control bytes than recvmsg was
# given, broken control messages, a getsockopt length beyond the buffer.
# Each lie must end the enclave with exit 125 and a FATAL line naming it,
# before the program sees the result; without a lie the same program works.
. "$(dirname "$0")/lib.sh"

plan 13
sim_defaults
require_enclave_toolchain

P=$TMP/victim
cat >"$P.c" <<'PROG'
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
		printf("socket %d\n", socket(AF_INET, SOCK_DGRAM, 0));
	} else if (!strcmp(what, "accept")) {
		s = bound(SOCK_STREAM, &a);
		c = socket(AF_INET, SOCK_STREAM, 0);
		if (s < 0 || c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)))
			DIE("connect");
		printf("accept %d, length %u\n", accept(s, (struct sockaddr *)&from, &len), (unsigned)len);
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
PROG
if ! encl-cc -O2 "$P.c" -o "$P" 2>"$TMP/build"; then
	fail build_victim "encl-cc: $(head -c 600 "$TMP/build")"
	exit 0
fi

# Without a lie each case works.
for arg in socket accept recvfrom recvmsg getsockopt; do
	timeout -k 5 "$E2E_TIMEOUT" "$P" "$arg" >"$TMP/honest.out" 2>"$TMP/honest.err"
	if [ $? -eq 0 ] && grep -q '^done' "$TMP/honest.out"; then
		pass "honest_$arg"
	else
		fail "honest_$arg" "$(cat "$TMP/honest.out") $(head -c 300 "$TMP/honest.err")"
	fi
done

# lie NAME MODE ARG PATTERN: exit 125, the FATAL line with PATTERN on
# stderr, and the program did not go on
lie() {
	local n=$1 mode=$2 arg=$3 pat=$4
	ENCL_SIM_HOSTILE=$mode expect_exit "$n" 125 "^encl: the enclave runtime stopped: $pat" timeout -k 5 "$E2E_TIMEOUT" "$P" "$arg"
	if grep -q '^done' "$TMP/stdout"; then
		fail "${n}_stopped" "the program went on: $(head -c 200 "$TMP/stdout")"
	fi
}

lie socket_not_a_descriptor socket-fd socket \
	"the host returned 4294967296 for socket .*not a file descriptor"
lie accept_address_too_long accept-addrlen accept \
	"the host returned [0-9]+ for accept .*address length is larger than any socket address"
lie recvfrom_address_longer_than_family recvfrom-addrlen recvfrom \
	"the host returned [0-9]+ for recvfrom .*address length is larger than its family's address"
lie recvmsg_more_data recvmsg-count recvmsg \
	"the host returned 65 for recvmsg .*result is larger than the request"
lie recvmsg_more_control recvmsg-control recvmsg \
	"the host returned [0-9]+ for recvmsg .*returned length is larger than the buffer given"
lie recvmsg_cmsg_past_end cmsg-len recvmsg \
	"the host returned [0-9]+ for recvmsg .*control message runs past the returned control length"
lie recvmsg_negative_descriptor cmsg-fd recvmsg \
	"the host returned [0-9]+ for recvmsg .*SCM_RIGHTS carries a negative descriptor"
lie getsockopt_length_beyond_buffer getsockopt-len getsockopt \
	"the host returned [0-9]+ for getsockopt .*returned length is larger than the buffer given"

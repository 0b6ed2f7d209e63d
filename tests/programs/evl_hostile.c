// SPDX-License-Identifier: MIT
/*
 * A pipe with a byte in it, waited on as argv[1] says (poll, select,
 * epoll), or signalfd: tests/e2e/event_loops.sh runs it under the lies
 * of ENCL_SIM_HOSTILE, which must stop it before "done".
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/select.h>
#include <sys/signalfd.h>
#include <unistd.h>

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	int p[2], r = -2;

	if (pipe(p) || write(p[1], "x", 1) != 1)
		return 3;
	if (!strcmp(what, "poll")) {
		struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { -1, POLLIN, 0 } };

		r = poll(fds, 2, -1);
	} else if (!strcmp(what, "select")) {
		fd_set rd;

		FD_ZERO(&rd);
		FD_SET(p[0], &rd);
		r = select(p[0] + 1, &rd, 0, 0, 0);
	} else if (!strcmp(what, "epoll")) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 7 }, out[4];
		int ep = epoll_create1(0);

		epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev);
		r = epoll_wait(ep, out, 4, -1);
	} else if (!strcmp(what, "signalfd")) {
		sigset_t set;

		sigemptyset(&set);
		r = signalfd(-1, &set, 0);
		printf("signalfd: %d %s\n", r, strerror(errno));
	}
	printf("result %d\n", r);
	printf("done\n");
	return 0;
}

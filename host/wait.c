// SPDX-License-Identifier: MIT
/*
 * The enclave's event-loop waits (ppoll, select, epoll_pwait), served so
 * that the enclave's WAKE of the thread ends them, as it ends a sleep
 * (thread.c): a signal one enclave thread sends another that waits in
 * poll then reaches it at once. Each host thread that waits this way has
 * an eventfd that WAKE writes; the wait watches it too, and a wait it
 * ends with nothing else ready is -EINTR (the enclave checks for a signal
 * and waits again when there is none). The arguments are the checked
 * ones of the ocall (ocall.c); what the enclave sees is what the kernel's
 * call would have written.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/syscall.h>

#include "host/host.h"

/*
 * The eventfds live at 768 and above, away from the numbers a program's
 * own files take (its fds are this process's), and below FD_SETSIZE for
 * select. A program that closes one anyway only loses the early end of
 * its waits: the eventfd is then given up (POLLNVAL, EBADF).
 */
#define WAKE_FD_MIN	768

/* @t's wake eventfd, opened at its first wait; -1 if it cannot be. */
static int wake_fd(struct encl_host_thread *t)
{
	int v = __atomic_load_n(&t->wake_fd, __ATOMIC_SEQ_CST), fd, hi;

	if (v)
		return v > 0 ? v - 1 : -1;
	fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (fd < 0)
		return -1;
	hi = fcntl(fd, F_DUPFD_CLOEXEC, WAKE_FD_MIN);
	close(fd);
	__atomic_store_n(&t->wake_fd, hi >= 0 ? hi + 1 : -1, __ATOMIC_SEQ_CST);
	return hi;
}

/* The eventfd is gone (the program closed it): waits go on without it. */
static void give_up(struct encl_host_thread *t)
{
	__atomic_store_n(&t->wake_fd, -1, __ATOMIC_SEQ_CST);
}

/* The wait itself, ended by signals only. */
static int64_t plain(long nr, const uint64_t *args)
{
	long r = syscall(nr, args[0], args[1], args[2], args[3], args[4], args[5]);

	return r == -1 ? -errno : r;
}

void encl_host_wait_wake(struct encl_host_thread *t)
{
	int v = __atomic_load_n(&t->wake_fd, __ATOMIC_SEQ_CST);
	uint64_t one = 1;

	if (v > 0 && write(v - 1, &one, sizeof(one)) < 0) {
		/* The counter is full or the fd gone: the event still says it. */
	}
}

/*
 * The eventfd was readable: take the event and empty the eventfd. A count
 * left by a WAKE whose event a sleep took already is stale: the enclave
 * waits again when it finds no signal.
 */
static void take_wake(struct encl_host_thread *t, int fd)
{
	uint64_t n;

	__atomic_store_n(&t->event, 0, __ATOMIC_SEQ_CST);
	while (read(fd, &n, sizeof(n)) > 0)
		;
}

static int64_t ppoll_woken(struct encl_host_thread *t, int w, const uint64_t *args)
{
	struct pollfd *area = (struct pollfd *)(uintptr_t)args[0];
	uint64_t n = args[1];
	struct pollfd *fds = malloc((n + 1) * sizeof(*fds));
	int64_t r;

	if (!fds)
		return -ENOMEM;
	memcpy(fds, area, n * sizeof(*fds));
	fds[n] = (struct pollfd){ w, POLLIN, 0 };
	/* The system call itself: the kernel writes the time left where args[2] points. */
	r = syscall(SYS_ppoll, fds, n + 1, args[2], NULL, 0);
	if (r < 0) {
		r = -errno;
	} else if (fds[n].revents & POLLNVAL) {
		give_up(t);
		free(fds);
		return plain(SYS_ppoll, args);
	} else {
		if (fds[n].revents) {
			take_wake(t, w);
			if (!--r)
				r = -EINTR;
		}
		for (uint64_t i = 0; i < n; i++)
			area[i].revents = fds[i].revents;
	}
	free(fds);
	return r;
}

static int64_t select_woken(struct encl_host_thread *t, int w, const uint64_t *args)
{
	int n = (int)args[0];
	fd_set sets[3], *area[3];
	int64_t r;

	for (int k = 0; k < 3; k++) {
		area[k] = (fd_set *)(uintptr_t)args[k + 1];
		if (area[k])
			sets[k] = *area[k];
		else
			FD_ZERO(&sets[k]);
	}
	FD_SET(w, &sets[0]);
	r = syscall(SYS_select, w >= n ? w + 1 : n, &sets[0], area[1] ? &sets[1] : NULL,
		    area[2] ? &sets[2] : NULL, args[4]);
	if (r < 0 && errno == EBADF && fcntl(w, F_GETFD) < 0) {
		give_up(t);
		return plain(SYS_select, args);
	}
	if (r < 0)
		return -errno;
	if (FD_ISSET(w, &sets[0])) {
		FD_CLR(w, &sets[0]);
		take_wake(t, w);
		if (!--r)
			return -EINTR;
	}
	for (int k = 0; k < 3; k++)
		if (area[k])
			*area[k] = sets[k];
	return r;
}

/* epoll_pwait: a poll of the epoll fd and the eventfd, then the events without waiting. */
static int64_t epoll_woken(struct encl_host_thread *t, int w, const uint64_t *args)
{
	int timeout = (int)args[3];
	int64_t end = timeout >= 0 ? (int64_t)encl_host_now_ns() + (int64_t)timeout * 1000000 : 0;

	for (;;) {
		struct pollfd fds[2] = { { (int)args[0], POLLIN, 0 }, { w, POLLIN, 0 } };
		int64_t left = timeout >= 0 ? end - (int64_t)encl_host_now_ns() : -1;
		long r;

		if (timeout >= 0 && left < 0)
			left = 0;
		if (poll(fds, 2, left >= 0 ? (int)((left + 999999) / 1000000) : -1) < 0)
			return -errno;
		if (fds[1].revents & POLLNVAL) {
			give_up(t);
			return plain(SYS_epoll_pwait, args);	/* the whole timeout again: rare */
		}
		r = epoll_pwait((int)args[0], (struct epoll_event *)(uintptr_t)args[1], (int)args[2],
				0, NULL);
		if (r < 0)
			return -errno;
		if (r > 0)
			return r;
		if (fds[1].revents) {
			take_wake(t, w);
			return -EINTR;
		}
		if (fds[0].revents & (POLLNVAL | POLLERR))
			return -EBADF;
		if (timeout >= 0 && (int64_t)encl_host_now_ns() >= end)
			return 0;
		/* The epoll fd was ready for another waiter, or the wake was stale: wait again. */
	}
}

int64_t encl_host_wait(struct encl_host_thread *t, long nr, const uint64_t *args)
{
	int w = wake_fd(t);

	/* No eventfd, or one select cannot hold: the wait as it is. */
	if (w < 0 || (nr == SYS_select && w >= FD_SETSIZE))
		return plain(nr, args);
	if (__atomic_load_n(&t->event, __ATOMIC_SEQ_CST)) {
		take_wake(t, w);
		return -EINTR;
	}
	if (nr == SYS_ppoll)
		return ppoll_woken(t, w, args);
	if (nr == SYS_select)
		return select_woken(t, w, args);
	return epoll_woken(t, w, args);
}

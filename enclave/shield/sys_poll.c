// SPDX-License-Identifier: MIT
/*
 * poll, ppoll, select and pselect6 (docs/shield.md, "Event loops"): the
 * host waits (as ppoll and select, without a signal mask: masks are the
 * enclave's), and the enclave checks what it says against what was asked.
 * The host decides when an fd is ready, so it can delay or invent
 * readiness (a denial of service the kernel's answer cannot rule out),
 * but it cannot report an fd or an event that was not asked for: fds are
 * never taken from the host, only each entry's revents or each set's bits.
 *
 * Signals: a wait that takes a mask runs with it as the thread's mask in
 * the enclave. A deliverable signal pending before the wait makes it one
 * look (the kernel returns what is ready, else EINTR); the host's EINTR
 * ends the wait only when a signal the thread takes is there, and the
 * wait goes on with what is left when only ignored ones came. A signal
 * another enclave thread sends this one wakes it (ENCL_OCALL_WAKE), which
 * ends the host's wait too (host/wait.c): EINTR if nothing is ready.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <time.h>

#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/signal.h"
#include "enclave/shield/syscall.h"

_Static_assert(sizeof(struct pollfd) == ENCL_SZ_POLLFD, "abi/syscalls.h: struct pollfd");
_Static_assert(sizeof(fd_set) == ENCL_SZ_FDSET, "abi/syscalls.h: fd_set");

#define NS	1000000000L

long encl_event_wait(long (*once)(void *call, int look), void *call)
{
	struct encl_thread *td = encl_self();
	long r;

	for (;;) {
		if (encl_signal_deliverable(td)) {
			r = once(call, 1);
			return r ? r : -EINTR;
		}
		r = once(call, 0);
		/* Nothing ready and a signal to take: EINTR, even at the timeout, as the kernel's poll. */
		if ((r == -EINTR || r == 0) && encl_signal_deliverable(td))
			return -EINTR;
		if (r != -EINTR)
			return r;
		/* Only ignored signals woke the host: the kernel would have slept on. */
	}
}

/* The program's timeout at @p (0: none) is one the kernel refuses (EINVAL). */
static int timeout_bad(uint64_t p)
{
	struct timespec ts;

	if (!p)
		return 0;
	memcpy(&ts, (const void *)(uintptr_t)p, sizeof(ts));
	return ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= NS;
}

/* ---- poll ---- */

struct poll_call {
	struct pollfd *fds;		/* the program's */
	uint64_t nfds;
	struct timespec *left;		/* NULL: no limit */
};

static long poll_once(void *call, int look)
{
	struct poll_call *c = call;
	static const struct timespec zero;
	struct pollfd *hfds;
	struct timespec *hts = 0, left;
	uint64_t ready = 0;
	int64_t r;

	ocall_reset();
	hfds = ocall_alloc(c->nfds * sizeof(*hfds));
	for (uint64_t i = 0; i < c->nfds; i++)
		hfds[i] = (struct pollfd){ c->fds[i].fd, c->fds[i].events, 0 };
	if (look || c->left)
		hts = ocall_copy_in(look ? &zero : c->left, sizeof(*hts));
	r = ocall4(OCALL_SYS(ppoll), HP(hfds), c->nfds, HP(hts), 0);
	IAGO(iago_check_count(r, c->nfds), SYS_ppoll, r);
	if (hts && !look && (r >= 0 || r == -EINTR)) {
		memcpy(&left, hts, sizeof(left));
		IAGO(iago_check_time_left(left.tv_sec, left.tv_nsec, c->left->tv_sec, c->left->tv_nsec),
		     SYS_ppoll, r);
		*c->left = left;
	}
	if (r < 0)
		return r;
	/*
	 * Each revents read once; the fd and events are the program's, never
	 * the host's (a program that rewrites its array during the wait can
	 * make an honest answer look like a lie: its own race).
	 */
	for (uint64_t i = 0; i < c->nfds; i++) {
		uint16_t rev = *(volatile uint16_t *)&hfds[i].revents;

		IAGO(iago_check_poll_revents(c->fds[i].fd, (uint16_t)c->fds[i].events, rev),
		     SYS_ppoll, r);
		c->fds[i].revents = (short)rev;
		ready += rev != 0;
	}
	IAGO(iago_check_poll_count(r, c->nfds, ready), SYS_ppoll, r);
	return r;
}

/* The kernel refuses more entries than RLIMIT_NOFILE; here, more than the ocall area holds. */
static int nfds_bad(uint64_t nfds)
{
	return nfds > (ocall_room() - sizeof(struct timespec) - 32) / sizeof(struct pollfd);
}

static long poll_wait(uint64_t fds, uint64_t nfds, struct timespec *left)
{
	struct poll_call c = { (struct pollfd *)(uintptr_t)fds, nfds, left };

	if (nfds_bad(nfds))
		return -EINVAL;
	return encl_event_wait(poll_once, &c);
}

SYSFN(poll)
{
	int timeout = (int)a[2];
	struct timespec ts = { timeout / 1000, (long)(timeout % 1000) * 1000000 };

	return poll_wait(a[0], a[1], timeout < 0 ? 0 : &ts);
}

/* The mask of ppoll, pselect6 and epoll_pwait: 0, or -EINVAL for a size other than the kernel's. */
int encl_wait_mask_get(uint64_t set, uint64_t size, uint64_t *mask)
{
	if (!set)
		return 0;
	if (size != ENCL_SZ_SIGSET)
		return -EINVAL;
	memcpy(mask, (const void *)(uintptr_t)set, sizeof(*mask));
	return 0;
}

long encl_wait_masked(uint64_t set, uint64_t mask, long (*wait)(const uint64_t *a),
		      const uint64_t *a)
{
	struct encl_thread *td = encl_self();
	long r;

	if (set)
		encl_signal_wait_mask(td, mask);
	r = wait(a);
	if (set)
		encl_signal_wait_end(td, r);
	return r;
}

/*
 * A wait whose timespec at a[@ts_i] (NULL: none) the kernel updates with
 * what is left: @wait with a copy, and the time left back where it was.
 */
static long timed_wait(const uint64_t *a, int ts_i,
		       long (*wait)(const uint64_t *a, struct timespec *left))
{
	struct timespec ts, *user = (struct timespec *)(uintptr_t)a[ts_i];
	long r;

	if (user)
		memcpy(&ts, user, sizeof(ts));
	r = wait(a, user ? &ts : 0);
	if (user && (r >= 0 || r == -EINTR))
		memcpy(user, &ts, sizeof(ts));
	return r;
}

static long poll_args(const uint64_t *a, struct timespec *left)
{
	return poll_wait(a[0], a[1], left);
}

static long ppoll_wait(const uint64_t *a)
{
	return timed_wait(a, 2, poll_args);
}

SYSFN(ppoll)
{
	uint64_t mask = 0;
	int err = encl_wait_mask_get(a[3], a[4], &mask);

	if (err)
		return err;
	if (timeout_bad(a[2]))
		return -EINVAL;
	if (nfds_bad(a[1]))
		return -EINVAL;
	return encl_wait_masked(a[3], mask, ppoll_wait, a);
}

/* ---- select ---- */

#define WORDS	(ENCL_SZ_FDSET / 8)

struct select_call {
	int n;
	uint64_t *sets[3];		/* the program's, or NULL */
	uint64_t given[3][WORDS];	/* what was asked, cut to n bits */
	struct timespec *left;		/* NULL: no limit */
};

/* select's timeout for @ts: microseconds, rounded up (a wait never ends early). */
static struct timeval to_timeval(const struct timespec *ts)
{
	struct timeval tv = { ts->tv_sec, (ts->tv_nsec + 999) / 1000 };

	if (tv.tv_usec == 1000000) {
		tv.tv_sec++;
		tv.tv_usec = 0;
	}
	return tv;
}

/* The host's time left, checked against the timeval it was given, as a timespec no longer than *@ts. */
static void take_left(const struct timeval *hb, const struct timeval *given, struct timespec *ts,
		      int64_t r)
{
	struct timeval tv;
	struct timespec left;

	memcpy(&tv, hb, sizeof(tv));
	IAGO(iago_check_time_left(tv.tv_sec, tv.tv_usec >= 0 && tv.tv_usec < 1000000 ? tv.tv_usec * 1000 : -1,
				  given->tv_sec, given->tv_usec * 1000), SYS_select, r);
	left = (struct timespec){ tv.tv_sec, tv.tv_usec * 1000 };
	if (left.tv_sec < ts->tv_sec || (left.tv_sec == ts->tv_sec && left.tv_nsec < ts->tv_nsec))
		*ts = left;
}

static long select_once(void *call, int look)
{
	struct select_call *c = call;
	uint64_t words = ((uint64_t)c->n + 63) / 64, got[WORDS], bits = 0;
	uint64_t *h[3] = { 0, 0, 0 };
	struct timeval tv = { 0, 0 }, *htv = 0;
	int64_t r;

	ocall_reset();
	for (int k = 0; k < 3; k++)
		if (c->sets[k]) {
			h[k] = ocall_alloc(ENCL_SZ_FDSET);
			memset(h[k], 0, ENCL_SZ_FDSET);
			memcpy(h[k], c->given[k], words * 8);
		}
	if (look || c->left) {
		if (!look)
			tv = to_timeval(c->left);
		htv = ocall_copy_in(&tv, sizeof(tv));
	}
	r = ocall6(OCALL_SYS(select), (uint64_t)c->n, HP(h[0]), HP(h[1]), HP(h[2]), HP(htv), 0);
	IAGO(iago_check_nonneg(r), SYS_select, r);
	if (htv && !look && (r >= 0 || r == -EINTR))
		take_left(htv, &tv, c->left, r);
	if (r < 0)
		return r;
	/* Each set read once into the enclave, checked, then given to the program. */
	for (int k = 0; k < 3; k++) {
		if (!c->sets[k])
			continue;
		memcpy(got, h[k], words * 8);
		IAGO(iago_check_fdset(c->given[k], got, (uint64_t)c->n, &bits), SYS_select, r);
		memcpy(c->sets[k], got, words * 8);
	}
	IAGO(iago_check_select_count(r, bits), SYS_select, r);
	return r;
}

/* select and pselect6 with the timeout as a timespec (@left, NULL: none; updated). */
static long select_wait(const uint64_t *a, struct timespec *left)
{
	struct select_call c;
	int n = (int)a[0];

	if (n < 0 || n > FD_SETSIZE)
		return -EINVAL;
	memset(&c, 0, sizeof(c));
	c.n = n;
	c.left = left;
	for (int k = 0; k < 3; k++) {
		c.sets[k] = (uint64_t *)(uintptr_t)a[k + 1];
		if (!c.sets[k])
			continue;
		memcpy(c.given[k], c.sets[k], ((uint64_t)n + 63) / 64 * 8);
		if (n % 64)
			c.given[k][n / 64] &= (1ULL << (n % 64)) - 1;
	}
	return encl_event_wait(select_once, &c);
}

SYSFN(select)
{
	struct timeval tv, *user = (struct timeval *)(uintptr_t)a[4];
	struct timespec ts;
	long r;

	if (user) {
		memcpy(&tv, user, sizeof(tv));
		if (tv.tv_sec < 0 || tv.tv_usec < 0)
			return -EINVAL;
		ts.tv_sec = tv.tv_sec + tv.tv_usec / 1000000;
		ts.tv_nsec = tv.tv_usec % 1000000 * 1000;
	}
	r = select_wait(a, user ? &ts : 0);
	if (user && (r >= 0 || r == -EINTR)) {
		tv = (struct timeval){ ts.tv_sec, ts.tv_nsec / 1000 };
		memcpy(user, &tv, sizeof(tv));
	}
	return r;
}

static long pselect_wait(const uint64_t *a)
{
	return timed_wait(a, 4, select_wait);
}

SYSFN(pselect6)
{
	struct { uint64_t set, size; } sig = { 0, 0 };
	uint64_t mask = 0;
	int err;

	if (a[5])
		memcpy(&sig, (const void *)(uintptr_t)a[5], sizeof(sig));
	err = encl_wait_mask_get(sig.set, sig.size, &mask);
	if (err)
		return err;
	if (timeout_bad(a[4]))
		return -EINVAL;
	return encl_wait_masked(sig.set, mask, pselect_wait, a);
}

// SPDX-License-Identifier: MIT
/*
 * Time comes from the host (an enclave has no trusted clock): forwarded,
 * with the returned values range-checked so that a struct timespec or
 * timeval the program receives is always well-formed.
 */
#include <errno.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#include "enclave/shield/iago.h"
#include "enclave/shield/ocall.h"
#include "enclave/core/runtime.h"
#include "enclave/shield/syscall.h"

/* Copy a timespec the host wrote into @out after checking it. */
static void take_timespec(long nr, const struct timespec *hb, struct timespec *out)
{
	struct timespec ts;

	memcpy(&ts, hb, sizeof(ts));
	IAGO(iago_check_timespec(ts.tv_sec, ts.tv_nsec), nr, 0);
	*out = ts;
}

/*
 * The latest CLOCK_MONOTONIC reading any thread took. A reading must not
 * be earlier than the latest one taken before it was asked for (read
 * before the ocall, so that threads racing each other never trip it).
 */
static uint64_t mono_latest;

static void take_monotonic(long nr, uint64_t before, const struct timespec *ts)
{
	uint64_t now = (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;
	uint64_t seen = before;

	IAGO(iago_check_monotonic(before, now), nr, 0);
	while (seen < now && !__atomic_compare_exchange_n(&mono_latest, &seen, now, 0,
							  __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

static long clock_call(long nr, const uint64_t *a)
{
	struct timespec *hb = ocall_alloc(sizeof(*hb));
	uint64_t before = __atomic_load_n(&mono_latest, __ATOMIC_RELAXED);
	struct timespec ts;
	int64_t r = ocall2(nr, a[0], HP(hb));

	IAGO(iago_check_zero(r), nr, r);
	if (r)
		return r;
	take_timespec(nr, hb, &ts);
	if (nr == SYS_clock_gettime && a[0] == CLOCK_MONOTONIC)
		take_monotonic(nr, before, &ts);
	if (a[1])
		*(struct timespec *)a[1] = ts;
	return r;
}

SYSFN(clock_gettime)
{
	return clock_call(OCALL_SYS(clock_gettime), a);
}

SYSFN(clock_getres)
{
	return clock_call(OCALL_SYS(clock_getres), a);
}

SYSFN(gettimeofday)
{
	struct timeval *hb = ocall_alloc(sizeof(*hb));
	struct timezone *hz = ocall_alloc(sizeof(*hz));
	struct timeval tv;
	int64_t r = ocall2(OCALL_SYS(gettimeofday), HP(hb), HP(hz));

	IAGO(iago_check_zero(r), SYS_gettimeofday, r);
	if (r)
		return r;
	memcpy(&tv, hb, sizeof(tv));
	IAGO(iago_check_timeval(tv.tv_sec, tv.tv_usec), SYS_gettimeofday, r);
	if (a[0])
		memcpy((void *)a[0], &tv, sizeof(tv));
	if (a[1])
		memcpy((void *)a[1], hz, sizeof(*hz));
	return 0;
}

/* The request is copied in; the remainder comes back only when interrupted. */
static long sleep_call(long nr, uint64_t clk, uint64_t flags, uint64_t req, uint64_t rem)
{
	struct timespec *hreq, *hrem;
	int64_t r;

	if (!req)
		return -EFAULT;
	hreq = ocall_copy_in((const void *)req, sizeof(struct timespec));
	hrem = ocall_alloc(sizeof(struct timespec));
	if (nr == SYS_nanosleep)
		r = ocall2(nr, HP(hreq), HP(hrem));
	else
		r = ocall4(nr, clk, flags, HP(hreq), HP(hrem));
	IAGO(iago_check_zero(r), nr, r);
	if (r == -EINTR && rem && !(flags & TIMER_ABSTIME)) {
		const struct timespec *asked = (const struct timespec *)req;	/* not the host's copy */
		struct timespec left;

		take_timespec(nr, hrem, &left);
		IAGO(iago_check_time_left(left.tv_sec, left.tv_nsec, asked->tv_sec, asked->tv_nsec), nr, r);
		*(struct timespec *)rem = left;
	}
	return r;
}

SYSFN(nanosleep)
{
	return sleep_call(OCALL_SYS(nanosleep), 0, 0, a[0], a[1]);
}

SYSFN(clock_nanosleep)
{
	return sleep_call(OCALL_SYS(clock_nanosleep), a[0], a[1], a[2], a[3]);
}

int encl_timespec_ns(const struct timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= 1000000000L)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec > (UINT64_MAX - 1000000000ULL) / 1000000000ULL)
		*ns = UINT64_MAX - 1;
	else
		*ns = (uint64_t)ts->tv_sec * 1000000000ULL + (uint64_t)ts->tv_nsec;
	return 0;
}

uint64_t encl_deadline_ns(int clock, uint64_t ns)
{
	uint64_t deadline = encl_clock_ns(clock) + ns;

	return deadline < ns ? UINT64_MAX - 1 : deadline;
}

uint64_t encl_clock_ns(int clock)
{
	struct timespec ts;
	uint64_t a[2] = { (uint64_t)clock, (uint64_t)(uintptr_t)&ts };

	ocall_reset();
	if (sys_clock_gettime(a))
		return 0;
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

// SPDX-License-Identifier: MIT
/*
 * Timers that signal one thread (SIGEV_THREAD_ID), which is how musl's
 * SIGEV_THREAD works: a thread of its own waits in sigwaitinfo for signal
 * 32 and calls the program's function. The host cannot be asked for such
 * a timer (it cannot catch 32, which glibc keeps), so these are kept in
 * the enclave and driven by the target thread itself: rt_sigtimedwait
 * fires the timers that are due, and sleeps no longer than to the next one.
 * A thread that does not wait in sigtimedwait sees its timers' signals at
 * its next such wait. The clock is the host's, as every clock here.
 */
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include "enclave/core/runtime.h"
#include "enclave/core/threads.h"
#include "enclave/shield/signal.h"
#include "enclave/shield/syscall.h"
#include "enclave/shield/thread_timer.h"

#define NSEC	1000000000ULL

struct thread_timer {
	struct encl_thread *td;		/* NULL: free */
	int signo;
	int clock;
	uint64_t expiry;		/* on clock, ns; 0: disarmed */
	uint64_t interval;		/* ns; 0: one shot */
	uint32_t overrun;
};

static struct thread_timer timers[ENCL_THREAD_TIMERS];
static int timers_lock;

int encl_thread_timer_is(int64_t id)
{
	return id >= ENCL_THREAD_TIMER_BASE && id < ENCL_THREAD_TIMER_BASE + ENCL_THREAD_TIMERS;
}

static struct thread_timer *timer_of(int64_t id)
{
	struct thread_timer *t = &timers[id - ENCL_THREAD_TIMER_BASE];

	return t->td ? t : 0;
}

static uint64_t ns_of(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * NSEC + (uint64_t)ts->tv_nsec;
}

static struct timespec ts_of(uint64_t ns)
{
	return (struct timespec){ (time_t)(ns / NSEC), (long)(ns % NSEC) };
}

static int valid(const struct timespec *ts)
{
	return ts->tv_sec >= 0 && ts->tv_nsec >= 0 && (uint64_t)ts->tv_nsec < NSEC &&
	       (uint64_t)ts->tv_sec < UINT64_MAX / NSEC / 2;
}

long encl_thread_timer_create(int clock, int signo, int64_t tid, int32_t *id)
{
	struct encl_thread *td = tid == encl_tid() ? encl_self() : encl_thread_find(tid);
	long r = -EAGAIN;

	if (clock != CLOCK_MONOTONIC && clock != CLOCK_REALTIME && clock != CLOCK_BOOTTIME)
		return -EINVAL;
	if (signo < 1 || signo > ENCL_NSIG || !td)
		return -EINVAL;
	encl_spin_lock(&timers_lock);
	for (int i = 0; i < ENCL_THREAD_TIMERS; i++)
		if (!timers[i].td) {
			timers[i] = (struct thread_timer){ .td = td, .signo = signo, .clock = clock };
			*id = ENCL_THREAD_TIMER_BASE + i;
			r = 0;
			break;
		}
	encl_spin_unlock(&timers_lock);
	return r;
}

static void current(const struct thread_timer *t, uint64_t now, struct itimerspec *out)
{
	out->it_interval = ts_of(t->interval);
	out->it_value = ts_of(t->expiry ? (t->expiry > now ? t->expiry - now : 1) : 0);
}

long encl_thread_timer_settime(int64_t id, int flags, const struct itimerspec *nv,
			       struct itimerspec *old)
{
	struct thread_timer *t;
	struct encl_thread *td;
	uint64_t now;
	int clock;

	if (!valid(&nv->it_value) || !valid(&nv->it_interval))
		return -EINVAL;
	encl_spin_lock(&timers_lock);
	t = timer_of(id);
	td = t ? t->td : 0;
	clock = t ? t->clock : 0;
	encl_spin_unlock(&timers_lock);
	if (!td)
		return -EINVAL;
	now = encl_clock_ns(clock);
	encl_spin_lock(&timers_lock);
	if (t->td != td) {		/* deleted meanwhile */
		encl_spin_unlock(&timers_lock);
		return -EINVAL;
	}
	if (old)
		current(t, now, old);
	t->interval = ns_of(&nv->it_interval);
	t->overrun = 0;
	if (!ns_of(&nv->it_value))
		t->expiry = 0;
	else
		t->expiry = (flags & TIMER_ABSTIME) ? ns_of(&nv->it_value) : now + ns_of(&nv->it_value);
	encl_spin_unlock(&timers_lock);
	if (td != encl_self())
		encl_thread_kick(td);	/* its wait sleeps to the new deadline */
	return 0;
}

long encl_thread_timer_gettime(int64_t id, struct itimerspec *cur)
{
	struct thread_timer *t;
	uint64_t now;
	int clock;

	encl_spin_lock(&timers_lock);
	t = timer_of(id);
	clock = t ? t->clock : -1;
	encl_spin_unlock(&timers_lock);
	if (clock < 0)
		return -EINVAL;
	now = encl_clock_ns(clock);
	encl_spin_lock(&timers_lock);
	t = timer_of(id);
	if (t)
		current(t, now, cur);
	encl_spin_unlock(&timers_lock);
	return t ? 0 : -EINVAL;
}

long encl_thread_timer_getoverrun(int64_t id)
{
	struct thread_timer *t;
	long r;

	encl_spin_lock(&timers_lock);
	t = timer_of(id);
	r = t ? (long)t->overrun : -EINVAL;
	encl_spin_unlock(&timers_lock);
	return r;
}

long encl_thread_timer_delete(int64_t id)
{
	long r = -EINVAL;

	encl_spin_lock(&timers_lock);
	if (timer_of(id)) {
		timers[id - ENCL_THREAD_TIMER_BASE].td = 0;
		r = 0;
	}
	encl_spin_unlock(&timers_lock);
	return r;
}

void encl_thread_timers_drop(struct encl_thread *td)
{
	encl_spin_lock(&timers_lock);
	for (int i = 0; i < ENCL_THREAD_TIMERS; i++)
		if (timers[i].td == td)
			timers[i].td = 0;
	encl_spin_unlock(&timers_lock);
}

uint64_t encl_thread_timers_run(struct encl_thread *td)
{
	uint64_t next = UINT64_MAX;

	for (int i = 0; i < ENCL_THREAD_TIMERS; i++) {
		struct thread_timer *t = &timers[i];
		uint64_t now;
		int clock;

		/* The clock is an ocall: read it unlocked, then decide under the lock. */
		encl_spin_lock(&timers_lock);
		clock = t->td == td && t->expiry ? t->clock : -1;
		encl_spin_unlock(&timers_lock);
		if (clock < 0)
			continue;
		now = encl_clock_ns(clock);
		encl_spin_lock(&timers_lock);
		if (t->td != td || !t->expiry || t->clock != clock) {
			encl_spin_unlock(&timers_lock);
			continue;
		}
		if (now >= t->expiry) {
			encl_signal_post_timer(td, t->signo);
			if (t->interval) {
				uint64_t late = (now - t->expiry) / t->interval;

				t->overrun = late > INT32_MAX ? INT32_MAX : (uint32_t)late;
				t->expiry += (late + 1) * t->interval;
			} else {
				t->expiry = 0;
			}
		}
		if (t->expiry && t->expiry - now < next)
			next = t->expiry > now ? t->expiry - now : 0;
		encl_spin_unlock(&timers_lock);
	}
	return next;
}

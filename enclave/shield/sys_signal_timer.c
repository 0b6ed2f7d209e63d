// SPDX-License-Identifier: MIT
/*
 * Timers that send signals: alarm, setitimer/getitimer and the POSIX
 * timers are the host kernel's. The enclave forwards them and checks the
 * times that come back; the signal they send reaches the host process,
 * which catches it (ENCL_HOST_SIGNALS) and reports it like any other, so
 * the handler runs inside (sys_signal.c). The host says only which signal
 * arrived: siginfo is SI_USER without si_value or the overrun count.
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
#include "enclave/shield/thread_timer.h"

#define K_SIGEV_SIGNAL		0
#define K_SIGEV_NONE		1
#define K_SIGEV_THREAD_ID	4

/* The kernel's sigevent_t head; the rest of its 64 bytes is padding for these kinds. */
struct ksigevent {
	uint64_t value;
	int32_t signo;
	int32_t notify;
	int32_t tid;		/* SIGEV_THREAD_ID */
};

_Static_assert(sizeof(struct itimerval) == ENCL_SZ_ITIMERVAL, "itimerval");
_Static_assert(sizeof(struct itimerspec) == ENCL_SZ_ITIMERSPEC, "itimerspec");

static void take_itimerval(long nr, int64_t r, const struct itimerval *hb, uint64_t out)
{
	struct itimerval v;

	memcpy(&v, hb, sizeof(v));
	IAGO(iago_check_timeval(v.it_value.tv_sec, v.it_value.tv_usec), nr, r);
	IAGO(iago_check_timeval(v.it_interval.tv_sec, v.it_interval.tv_usec), nr, r);
	memcpy((void *)(uintptr_t)out, &v, sizeof(v));
}

static void take_itimerspec(long nr, int64_t r, const struct itimerspec *hb, uint64_t out)
{
	struct itimerspec v;

	memcpy(&v, hb, sizeof(v));
	IAGO(iago_check_timespec(v.it_value.tv_sec, v.it_value.tv_nsec), nr, r);
	IAGO(iago_check_timespec(v.it_interval.tv_sec, v.it_interval.tv_nsec), nr, r);
	memcpy((void *)(uintptr_t)out, &v, sizeof(v));
}

SYSFN(alarm)
{
	int64_t r = ocall1(OCALL_SYS(alarm), (uint32_t)a[0]);

	IAGO(iago_check_nonneg(r), SYS_alarm, r);
	return r;
}

SYSFN(setitimer)
{
	void *hnew = a[1] ? ocall_copy_in((const void *)a[1], sizeof(struct itimerval)) : 0;
	struct itimerval *hold = a[2] ? ocall_alloc(sizeof(*hold)) : 0;
	int64_t r = ocall3(OCALL_SYS(setitimer), a[0], HP(hnew), HP(hold));

	IAGO(iago_check_zero(r), SYS_setitimer, r);
	if (!r && hold)
		take_itimerval(SYS_setitimer, r, hold, a[2]);
	return r;
}

SYSFN(getitimer)
{
	struct itimerval *hcur;
	int64_t r;

	if (!a[1])
		return -EFAULT;
	hcur = ocall_alloc(sizeof(*hcur));
	r = ocall2(OCALL_SYS(getitimer), a[0], HP(hcur));

	IAGO(iago_check_zero(r), SYS_getitimer, r);
	if (!r)
		take_itimerval(SYS_getitimer, r, hcur, a[1]);
	return r;
}

/*
 * Only a signal (or nothing) to the whole process: SIGEV_THREAD_ID would
 * name a host thread, and the signal must be one the host catches for us.
 */
SYSFN(timer_create)
{
	unsigned char *hsev = 0;
	int32_t *hid = ocall_alloc(sizeof(*hid));
	int64_t r;
	int32_t id;

	if (!a[2])
		return -EFAULT;
	if (a[1]) {
		struct ksigevent sev;

		memcpy(&sev, (const void *)a[1], sizeof(sev));
		if (sev.notify == K_SIGEV_THREAD_ID) {
			r = encl_thread_timer_create((int)a[0], sev.signo, sev.tid, &id);
			if (!r)
				memcpy((void *)a[2], &id, sizeof(id));
			return r;
		}
		if (sev.notify != K_SIGEV_SIGNAL && sev.notify != K_SIGEV_NONE)
			return -EINVAL;
		if (sev.notify == K_SIGEV_SIGNAL &&
		    (sev.signo < 1 || sev.signo > 64 ||
		     !(ENCL_HOST_SIGNALS & ENCL_HOST_SIGBIT(sev.signo))))
			return -EINVAL;
		hsev = ocall_alloc(ENCL_SZ_SIGEVENT);
		memset(hsev, 0, ENCL_SZ_SIGEVENT);
		memcpy(hsev, &sev, sizeof(sev));
	}
	r = ocall3(OCALL_SYS(timer_create), a[0], HP(hsev), HP(hid));
	IAGO(iago_check_zero(r), SYS_timer_create, r);
	if (r)
		return r;
	memcpy(&id, hid, sizeof(id));
	IAGO(iago_check_timer_id(id), SYS_timer_create, r);
	memcpy((void *)a[2], &id, sizeof(id));
	return 0;
}

long encl_itimer_set(long nr, const uint64_t *a)
{
	struct itimerspec *hold;
	void *hnew;
	int64_t r;

	if (!a[2])
		return -EFAULT;
	hnew = ocall_copy_in((const void *)a[2], sizeof(struct itimerspec));
	hold = a[3] ? ocall_alloc(sizeof(*hold)) : 0;
	r = ocall4(nr, a[0], a[1], HP(hnew), HP(hold));

	IAGO(iago_check_zero(r), nr, r);
	if (!r && hold)
		take_itimerspec(nr, r, hold, a[3]);
	return r;
}

long encl_itimer_get(long nr, const uint64_t *a)
{
	struct itimerspec *hcur;
	int64_t r;

	if (!a[1])
		return -EFAULT;
	hcur = ocall_alloc(sizeof(*hcur));
	r = ocall2(nr, a[0], HP(hcur));

	IAGO(iago_check_zero(r), nr, r);
	if (!r)
		take_itimerspec(nr, r, hcur, a[1]);
	return r;
}

SYSFN(timer_settime)
{
	if (a[2] && encl_thread_timer_is((int32_t)a[0]))
		return encl_thread_timer_settime((int32_t)a[0], (int)a[1],
						 (const struct itimerspec *)a[2],
						 (struct itimerspec *)a[3]);
	return encl_itimer_set(OCALL_SYS(timer_settime), a);
}

SYSFN(timer_gettime)
{
	if (a[1] && encl_thread_timer_is((int32_t)a[0]))
		return encl_thread_timer_gettime((int32_t)a[0], (struct itimerspec *)a[1]);
	return encl_itimer_get(OCALL_SYS(timer_gettime), a);
}

SYSFN(timer_getoverrun)
{
	int64_t r;

	if (encl_thread_timer_is((int32_t)a[0]))
		return encl_thread_timer_getoverrun((int32_t)a[0]);
	r = ocall1(OCALL_SYS(timer_getoverrun), a[0]);

	IAGO(iago_check_nonneg(r), SYS_timer_getoverrun, r);
	return r;
}

SYSFN(timer_delete)
{
	int64_t r;

	if (encl_thread_timer_is((int32_t)a[0]))
		return encl_thread_timer_delete((int32_t)a[0]);
	r = ocall1(OCALL_SYS(timer_delete), a[0]);

	IAGO(iago_check_zero(r), SYS_timer_delete, r);
	return r;
}

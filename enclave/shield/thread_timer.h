/* SPDX-License-Identifier: MIT */
/*
 * Timers that signal one thread (SIGEV_THREAD_ID), kept in the enclave
 * (thread_timer.c). Their ids are ENCL_THREAD_TIMER_BASE and up, apart
 * from the host's; every call returns 0 or -errno.
 */
#ifndef ENCL_ENCLAVE_SHIELD_THREAD_TIMER_H
#define ENCL_ENCLAVE_SHIELD_THREAD_TIMER_H

#include <stdint.h>
#include <time.h>

#include "enclave/core/thread.h"

#define ENCL_THREAD_TIMER_BASE	0x40000000
#define ENCL_THREAD_TIMERS	64

int encl_thread_timer_is(int64_t id);
long encl_thread_timer_create(int clock, int signo, int64_t tid, int32_t *id);
long encl_thread_timer_settime(int64_t id, int flags, const struct itimerspec *nv,
			       struct itimerspec *old);
long encl_thread_timer_gettime(int64_t id, struct itimerspec *cur);
long encl_thread_timer_getoverrun(int64_t id);
long encl_thread_timer_delete(int64_t id);

/* A thread ends: its timers go with it (the kernel's do too). */
void encl_thread_timers_drop(struct encl_thread *td);

/*
 * Post the signals of @td's timers that are due (SI_TIMER, to @td);
 * the nanoseconds to the next one, or UINT64_MAX when none is armed.
 */
uint64_t encl_thread_timers_run(struct encl_thread *td);

#endif

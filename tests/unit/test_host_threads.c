// SPDX-License-Identifier: MIT
/*
 * The host side of enclave threads (host/thread.c): WAIT and WAKE on a
 * thread's event, the hostile modes that lie about them, and that no
 * system call the enclave can forward lets the host kernel wait on
 * enclave memory (a futex on an address inside ELRANGE).
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "tests/harness.h"
#include "host/host.h"

static struct encl_host H;
static struct encl_host_thread *T0;

static void setup(enum encl_hostile hostile)
{
	memset(&H, 0, sizeof(H));
	H.e.base = 0x40000000;
	H.e.size = 0x40000000;
	H.tcs = H.e.base + 0x10000;
	H.tcs_max = 4;
	H.hostile = hostile;
	CHECK_EQ_INT(encl_host_threads_init(&H), 0);
	T0 = &H.main_thread;
}

static void teardown(void)
{
	encl_host_threads_fini(&H);
}

static void test_wait_after_wake_returns_at_once(void)
{
	setup(ENCL_HOSTILE_NONE);
	CHECK_EQ_INT(encl_host_thread_wake(T0, 0x10000), 0);
	CHECK_EQ_INT(encl_host_thread_wait(T0, UINT64_MAX), 0);	/* the wake was kept */
	CHECK_EQ_INT(encl_host_thread_wait(T0, 1000000), -ETIMEDOUT);	/* and used once */
	teardown();
}

static void test_wake_unknown_thread(void)
{
	setup(ENCL_HOSTILE_NONE);
	CHECK_EQ_INT(encl_host_thread_wake(T0, 0x20000), -ESRCH);
	CHECK_EQ_INT(encl_host_thread_wake(T0, 0x80000000), -ESRCH);	/* outside ELRANGE */
	teardown();
}

static void *waker(void *arg)
{
	struct timespec d = { 0, 20 * 1000 * 1000 };

	nanosleep(&d, NULL);
	encl_host_thread_wake(T0, (uint64_t)(uintptr_t)arg);
	return NULL;
}

static void test_wake_from_another_thread(void)
{
	pthread_t p;

	setup(ENCL_HOSTILE_NONE);
	pthread_create(&p, NULL, waker, (void *)(uintptr_t)0x10000);
	CHECK_EQ_INT(encl_host_thread_wait(T0, UINT64_MAX), 0);
	pthread_join(p, NULL);
	teardown();
}

static void test_hostile_spurious(void)
{
	setup(ENCL_HOSTILE_FUTEX_SPURIOUS);
	/* Returns at once as if woken, with no wake: the enclave must re-check. */
	CHECK_EQ_INT(encl_host_thread_wait(T0, UINT64_MAX), 0);
	teardown();
}

static void test_hostile_never(void)
{
	setup(ENCL_HOSTILE_FUTEX_NEVER);
	CHECK_EQ_INT(encl_host_thread_wake(T0, 0x10000), 0);		/* claims success */
	CHECK_EQ_INT(encl_host_thread_wait(T0, 1000000), -ETIMEDOUT);	/* only the timeout ends it */
	teardown();
}

static void test_start_refuses_bad_offsets(void)
{
	setup(ENCL_HOSTILE_NONE);
	CHECK_EQ_INT(encl_host_thread_start(T0, 0x10001), -EINVAL);
	CHECK_EQ_INT(encl_host_thread_start(T0, H.e.size), -EINVAL);
	CHECK_EQ_INT(encl_host_thread_start(T0, 0x10000), -EBUSY);	/* the caller's own TCS */
	teardown();
}

/* A sleep ends at its time, or early with EINTR and the time left when the enclave wakes the thread. */
static void test_sleep_ended_by_wake(void)
{
	struct timespec req = { 0, 2 * 1000 * 1000 }, rem = { 9, 9 };
	uint64_t args[6] = { (uint64_t)(uintptr_t)&req, (uint64_t)(uintptr_t)&rem };
	pthread_t p;

	setup(ENCL_HOSTILE_NONE);
	CHECK_EQ_INT(encl_host_thread_sleep(T0, SYS_nanosleep, args), 0);
	req.tv_sec = 5;
	pthread_create(&p, NULL, waker, (void *)(uintptr_t)0x10000);
	CHECK_EQ_INT(encl_host_thread_sleep(T0, SYS_nanosleep, args), -EINTR);
	pthread_join(p, NULL);
	CHECK(rem.tv_sec >= 3 && rem.tv_sec <= 5);	/* most of it was left */
	req.tv_nsec = 1000000000L;
	CHECK_EQ_INT(encl_host_thread_sleep(T0, SYS_nanosleep, args), -EINVAL);
	teardown();
}

/* The host kernel never waits on enclave memory: futex is not forwarded at all. */
static void test_no_host_futex(void)
{
	uint64_t args[6] = { 0x40001000, 0, 0, 0, 0, 0 };

	setup(ENCL_HOSTILE_NONE);
	CHECK_EQ_INT(encl_ocall_check(T0, SYS_futex, args), -ENOSYS);
	args[0] = (uint64_t)(uintptr_t)T0->area;
	CHECK_EQ_INT(encl_ocall_check(T0, SYS_futex, args), -ENOSYS);
	teardown();
}

int main(void)
{
	HARNESS_PLAN(8);
	RUN(test_wait_after_wake_returns_at_once);
	RUN(test_wake_unknown_thread);
	RUN(test_wake_from_another_thread);
	RUN(test_hostile_spurious);
	RUN(test_hostile_never);
	RUN(test_start_refuses_bad_offsets);
	RUN(test_sleep_ended_by_wake);
	RUN(test_no_host_futex);
	HARNESS_EXIT();
}

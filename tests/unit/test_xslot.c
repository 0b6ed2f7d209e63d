// SPDX-License-Identifier: MIT
/*
 * The exitless request slot (abi/xslot.h) and the rule of which calls it
 * may carry (abi/exitless.h), run on the host: the enclave's post and
 * check against the host's take and answer, honest and hostile, with a
 * second thread as the serving host thread.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>

#include "abi/exitless.h"
#include "abi/xslot.h"
#include "tests/harness.h"

static struct encl_xreq request(uint64_t index, uint64_t n, int64_t nr)
{
	struct encl_xreq r = { .seq = xslot_seq(index, n), .nr = nr };

	for (int i = 0; i < 6; i++)
		r.args[i] = 0x1000 * (uint64_t)(i + 1) + n;
	return r;
}

/* Post @r in @s, let the "host" answer with @answer and @state, check. */
static const char *round_trip(struct encl_xslot *s, const struct encl_xreq *r, uint64_t answer,
			      uint32_t state, int64_t *ret)
{
	struct encl_xreq taken;
	struct encl_xslot seen;
	const char *why;

	xslot_post(s, r);
	if (!xslot_take(s, &taken) || memcmp(&taken, r, sizeof(taken)))
		return "take";
	if (xslot_take(s, &taken))
		return "taken twice";
	xslot_answer(s, answer, 42, 0, state);
	if (!xslot_answered(s))
		return "not answered";
	xslot_read(s, &seen);
	xslot_release(s);
	why = xslot_check(r, &seen);
	*ret = seen.ret;
	return why;
}

static void test_honest(void)
{
	struct encl_xslot s;
	struct encl_xreq r = request(0, 1, SYS_getppid);
	int64_t ret = 0;

	memset(&s, 0, sizeof(s));
	CHECK(!xslot_answered(&s));
	CHECK(round_trip(&s, &r, r.seq, ENCL_XSLOT_DONE, &ret) == NULL);
	CHECK_EQ_INT(ret, 42);
	CHECK_EQ_INT(xslot_state(&s), ENCL_XSLOT_FREE);
	r = request(0, 2, SYS_write);
	CHECK(round_trip(&s, &r, r.seq, ENCL_XSLOT_DECLINED, &ret) == NULL);
}

static void test_sequence_numbers(void)
{
	CHECK(xslot_seq(0, 1) != xslot_seq(1, 1));
	CHECK(xslot_seq(0, 1) != xslot_seq(0, 2));
	CHECK(xslot_seq(3, 7) >> 40 == 4);
	CHECK(xslot_seq(0, 1) != 0);
}

static void test_wrong_request(void)
{
	struct encl_xslot s;
	struct encl_xreq r = request(0, 5, SYS_getppid);
	int64_t ret;

	memset(&s, 0, sizeof(s));
	CHECK_STR_CONTAINS(round_trip(&s, &r, r.seq + 1, ENCL_XSLOT_DONE, &ret), "wrong request");
	/* Another thread's request, same counter. */
	CHECK_STR_CONTAINS(round_trip(&s, &r, xslot_seq(1, 5), ENCL_XSLOT_DONE, &ret), "wrong request");
	CHECK_STR_CONTAINS(round_trip(&s, &r, xslot_seq(1, 4), ENCL_XSLOT_DONE, &ret), "wrong request");
	CHECK_STR_CONTAINS(round_trip(&s, &r, 0, ENCL_XSLOT_DONE, &ret), "wrong request");
}

static void test_answered_twice(void)
{
	struct encl_xslot s;
	struct encl_xreq a = request(2, 8, SYS_getppid), b = request(2, 9, SYS_getppid);
	int64_t ret;

	memset(&s, 0, sizeof(s));
	CHECK(round_trip(&s, &a, a.seq, ENCL_XSLOT_DONE, &ret) == NULL);
	CHECK_STR_CONTAINS(round_trip(&s, &b, a.seq, ENCL_XSLOT_DONE, &ret), "answer given twice");
}

static void test_rewritten(void)
{
	struct encl_xslot s, seen;
	struct encl_xreq r = request(0, 3, SYS_write), taken;

	for (int field = 0; field < 8; field++) {
		memset(&s, 0, sizeof(s));
		xslot_post(&s, &r);
		CHECK(xslot_take(&s, &taken));
		if (field == 0)
			s.nr = SYS_read;
		else if (field == 7)
			s.seq ^= 1;
		else
			s.args[field - 1] ^= 0x10;
		xslot_answer(&s, r.seq, 1, 0, ENCL_XSLOT_DONE);
		xslot_read(&s, &seen);
		CHECK_STR_CONTAINS(xslot_check(&r, &seen), "rewrote the request");
	}
}

static void test_not_answered(void)
{
	struct encl_xslot s, seen;
	struct encl_xreq r = request(0, 4, SYS_getppid);

	memset(&s, 0, sizeof(s));
	xslot_post(&s, &r);
	xslot_read(&s, &seen);
	CHECK_STR_CONTAINS(xslot_check(&r, &seen), "before it was answered");
	s.state = 77;		/* a state that does not exist */
	xslot_read(&s, &seen);
	CHECK(!xslot_answered(&s));
	CHECK_STR_CONTAINS(xslot_check(&r, &seen), "before it was answered");
}

/* A serving thread and a poster, many rounds: every answer is the right one. */
static struct encl_xslot shared;
static volatile int stop;

static void *server(void *arg)
{
	struct encl_xreq r;

	(void)arg;
	while (!stop)
		if (xslot_take(&shared, &r))
			xslot_answer(&shared, r.seq, r.nr * 2, 0, ENCL_XSLOT_DONE);
	return NULL;
}

static void test_concurrent(void)
{
	pthread_t pt;
	int bad = 0;

	memset(&shared, 0, sizeof(shared));
	stop = 0;
	CHECK(pthread_create(&pt, NULL, server, NULL) == 0);
	for (uint64_t n = 1; n <= 20000; n++) {
		struct encl_xreq r = request(1, n, (int64_t)n);
		struct encl_xslot seen;

		xslot_post(&shared, &r);
		while (!xslot_answered(&shared))
			__builtin_ia32_pause();
		xslot_read(&shared, &seen);
		xslot_release(&shared);
		bad += xslot_check(&r, &seen) != NULL || seen.ret != (int64_t)n * 2;
	}
	stop = 1;
	pthread_join(pt, NULL);
	CHECK_EQ_INT(bad, 0);
}

static void test_exit_rule(void)
{
	uint64_t none[6] = { 0 }, lockw[6] = { 3, ENCL_F_SETLKW }, getfl[6] = { 3, 3 };
	uint64_t thread_cpu[6] = { ENCL_CLOCK_THREAD_CPU }, mono[6] = { 1 };
	uint64_t other_thread_cpu[6] = { (uint64_t)(int64_t)(~(uint64_t)1234 << 3 | 6) };

	CHECK(encl_xq_exits(SYS_accept4, none));
	CHECK(encl_xq_exits(SYS_ppoll, none));
	CHECK(encl_xq_exits(SYS_nanosleep, none));
	CHECK(encl_xq_exits(SYS_pause, none));
	CHECK(encl_xq_exits(SYS_gettid, none));
	CHECK(!encl_xq_exits(SYS_getppid, none));
	CHECK(!encl_xq_exits(SYS_write, none));
	CHECK(encl_xq_exits(SYS_fcntl, lockw));
	CHECK(!encl_xq_exits(SYS_fcntl, getfl));
	CHECK(encl_xq_exits(SYS_clock_gettime, thread_cpu));
	CHECK(encl_xq_exits(SYS_clock_gettime, other_thread_cpu));
	CHECK(!encl_xq_exits(SYS_clock_gettime, mono));
	CHECK_EQ_INT(encl_xq_fd_wait(SYS_read), 1);
	CHECK_EQ_INT(encl_xq_fd_wait(SYS_recvmsg), 1);
	CHECK_EQ_INT(encl_xq_fd_wait(SYS_write), 2);
	CHECK_EQ_INT(encl_xq_fd_wait(SYS_getppid), 0);
}

int main(void)
{
	HARNESS_PLAN(8);
	RUN(test_honest);
	RUN(test_sequence_numbers);
	RUN(test_wrong_request);
	RUN(test_answered_twice);
	RUN(test_rewritten);
	RUN(test_not_answered);
	RUN(test_concurrent);
	RUN(test_exit_rule);
	HARNESS_EXIT();
}

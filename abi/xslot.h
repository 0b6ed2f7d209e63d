/* SPDX-License-Identifier: MIT */
/*
 * The request slot of exitless calls (struct encl_xslot, abi/boundary.h;
 * docs/exitless.md), both sides of it: the enclave posts and checks, the
 * host takes and answers. Header-only so that the trusted runtime, the
 * host and tests/unit/test_xslot.c share one implementation.
 *
 * The slot is host memory: the host may write any field at any moment.
 * The enclave therefore keeps its own copy of what it posted (struct
 * encl_xreq), reads the slot once into enclave memory when its state
 * says answered, and uses the answer only if xslot_check finds nothing.
 */
#ifndef ENCL_ABI_XSLOT_H
#define ENCL_ABI_XSLOT_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "abi/boundary.h"

/* A request as its poster knows it. */
struct encl_xreq {
	uint64_t seq;
	int64_t nr;
	uint64_t args[6];
};

/*
 * The slot of the ocall area [@area, @area + @size): its last
 * ENCL_XSLOT_SIZE bytes. Both sides compute it from the area they
 * checked (the enclave at START or CLONE, the host when it mapped it).
 */
static inline uint64_t xslot_addr(uint64_t area, uint64_t size)
{
	return area + size - ENCL_XSLOT_SIZE;
}

/*
 * A request number: the thread's index in the high bits, so that an
 * answer meant for another thread's request never matches, and a
 * counter that never repeats in the thread's life.
 */
static inline uint64_t xslot_seq(uint64_t thread_index, uint64_t counter)
{
	return (thread_index + 1) << 40 | (counter & ((UINT64_C(1) << 40) - 1));
}

/* Enclave: write @req into @s, then make it visible as POSTED. */
static inline void xslot_post(struct encl_xslot *s, const struct encl_xreq *req)
{
	__atomic_store_n(&s->seq, req->seq, __ATOMIC_RELAXED);
	__atomic_store_n(&s->nr, req->nr, __ATOMIC_RELAXED);
	for (int i = 0; i < 6; i++)
		__atomic_store_n(&s->args[i], req->args[i], __ATOMIC_RELAXED);
	__atomic_store_n(&s->state, ENCL_XSLOT_POSTED, __ATOMIC_RELEASE);
}

/* Either side: the slot's state now. */
static inline uint32_t xslot_state(const struct encl_xslot *s)
{
	return __atomic_load_n(&s->state, __ATOMIC_ACQUIRE);
}

/* Enclave: the host has said DONE or DECLINED (a hint: xslot_check decides). */
static inline int xslot_answered(const struct encl_xslot *s)
{
	uint32_t st = xslot_state(s);

	return st == ENCL_XSLOT_DONE || st == ENCL_XSLOT_DECLINED;
}

/* Enclave: the whole slot, read once into @out (enclave memory). */
static inline void xslot_read(const struct encl_xslot *s, struct encl_xslot *out)
{
	out->state = xslot_state(s);
	out->seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	out->nr = __atomic_load_n(&s->nr, __ATOMIC_RELAXED);
	for (int i = 0; i < 6; i++)
		out->args[i] = __atomic_load_n(&s->args[i], __ATOMIC_RELAXED);
	out->answer = __atomic_load_n(&s->answer, __ATOMIC_RELAXED);
	out->ret = __atomic_load_n(&s->ret, __ATOMIC_RELAXED);
	out->signals = __atomic_load_n(&s->signals, __ATOMIC_RELAXED);
}

/*
 * Enclave: may the answer @seen (xslot_read after xslot_answered) be
 * used for the request @posted? NULL, or why not.
 */
static inline const char *xslot_check(const struct encl_xreq *posted, const struct encl_xslot *seen)
{
	if (seen->state != ENCL_XSLOT_DONE && seen->state != ENCL_XSLOT_DECLINED)
		return "the slot was read before it was answered";
	if (seen->answer < posted->seq && seen->answer >> 40 == posted->seq >> 40)
		return "the host answered an earlier request of this thread again (an answer given twice)";
	if (seen->answer != posted->seq)
		return "the host answered a request that was not the one posted (the wrong request)";
	if (seen->seq != posted->seq || seen->nr != posted->nr ||
	    memcmp(seen->args, posted->args, sizeof(posted->args)))
		return "the host rewrote the request after it was posted";
	return NULL;
}

/* Enclave: the answer was taken; the slot may carry the next request. */
static inline void xslot_release(struct encl_xslot *s)
{
	__atomic_store_n(&s->state, ENCL_XSLOT_FREE, __ATOMIC_RELEASE);
}

/* Host: claim a POSTED request and copy it, once, into @req; 0 if there was none. */
static inline int xslot_take(struct encl_xslot *s, struct encl_xreq *req)
{
	uint32_t posted = ENCL_XSLOT_POSTED;

	if (xslot_state(s) != ENCL_XSLOT_POSTED ||
	    !__atomic_compare_exchange_n(&s->state, &posted, ENCL_XSLOT_TAKEN, 0,
					 __ATOMIC_ACQUIRE, __ATOMIC_RELAXED))
		return 0;
	req->seq = __atomic_load_n(&s->seq, __ATOMIC_RELAXED);
	req->nr = __atomic_load_n(&s->nr, __ATOMIC_RELAXED);
	for (int i = 0; i < 6; i++)
		req->args[i] = __atomic_load_n(&s->args[i], __ATOMIC_RELAXED);
	return 1;
}

/* Host: answer request @seq with @ret and @signals; @state is DONE or DECLINED. */
static inline void xslot_answer(struct encl_xslot *s, uint64_t seq, int64_t ret, uint64_t signals,
				uint32_t state)
{
	__atomic_store_n(&s->answer, seq, __ATOMIC_RELAXED);
	__atomic_store_n(&s->ret, ret, __ATOMIC_RELAXED);
	__atomic_store_n(&s->signals, signals, __ATOMIC_RELAXED);
	__atomic_store_n(&s->state, state, __ATOMIC_RELEASE);
}

#endif

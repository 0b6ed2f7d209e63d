// SPDX-License-Identifier: MIT
/*
 * Futexes among enclave threads (docs/threads.md). The futex word is
 * enclave memory, which the host kernel cannot read on hardware, so the
 * wait queues are kept here: a waiter enqueues itself under the queue lock
 * after checking the word, then sleeps on its host event (ENCL_OCALL_WAIT);
 * a waker dequeues it, marks it woken, and sets its event (ENCL_OCALL_WAKE).
 *
 * The host's answers are hints. A WAIT that returns without the waiter
 * being marked woken is a spurious wake-up (re-checked, and slept again);
 * a WAKE the host drops only delays, and a timed wait still ends at its
 * deadline, measured with the (host's) clock. A signal pending for the
 * waiter ends the wait with EINTR, as it would in the kernel. Shared and private futexes
 * are the same here: no other process can map enclave memory.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>

#include "enclave/core/runtime.h"
#include "enclave/core/threads.h"
#include "enclave/shield/ocall.h"
#include "enclave/shield/signal.h"
#include "enclave/shield/syscall.h"

/* Kernel ABI values (<linux/futex.h> is not among musl's headers). */
#define FUTEX_WAIT		0
#define FUTEX_WAKE		1
#define FUTEX_REQUEUE		3
#define FUTEX_CMP_REQUEUE	4
#define FUTEX_WAIT_BITSET	9
#define FUTEX_WAKE_BITSET	10
#define FUTEX_PRIVATE_FLAG	128
#define FUTEX_CLOCK_REALTIME	256
#define FUTEX_BITSET_ANY	0xffffffffU

#define BUCKETS			64
#define WAKE_ROUND		32	/* waiters woken per hold of the lock */
#define NO_DEADLINE		UINT64_MAX

static struct encl_thread *queue[BUCKETS];
static int queue_lock;

static void lock(void)
{
	encl_spin_lock(&queue_lock);
}

static void unlock(void)
{
	encl_spin_unlock(&queue_lock);
}

static struct encl_thread **bucket(uint64_t addr)
{
	return &queue[(addr >> 2) % BUCKETS];
}

static void enqueue(struct encl_thread *td)
{
	struct encl_thread **b = bucket(td->wait_addr);

	td->wait_next = (uint64_t)(uintptr_t)*b;
	*b = td;
}

static void dequeue(struct encl_thread *td)
{
	struct encl_thread **p = bucket(td->wait_addr);

	for (; *p; p = (struct encl_thread **)&(*p)->wait_next)
		if (*p == td) {
			*p = (struct encl_thread *)(uintptr_t)td->wait_next;
			break;
		}
	td->wait_addr = 0;
}

/* The first waiter on @addr whose bitset meets @bitset, removed; NULL if none. */
static struct encl_thread *take(uint64_t addr, uint32_t bitset)
{
	struct encl_thread **p = bucket(addr);

	for (; *p; p = (struct encl_thread **)&(*p)->wait_next) {
		struct encl_thread *td = *p;

		if (td->wait_addr == addr && (td->wait_bitset & bitset)) {
			*p = (struct encl_thread *)(uintptr_t)td->wait_next;
			td->wait_addr = 0;
			return td;
		}
	}
	return 0;
}

static int word_ok(uint64_t addr)
{
	return !(addr & 3) && encl_inside(addr, sizeof(int));
}

static long futex_wait(uint64_t addr, uint32_t val, uint64_t ts_addr, uint32_t bitset,
		       int absolute, int clock)
{
	struct encl_thread *td = encl_self();
	uint64_t deadline = NO_DEADLINE;
	struct timespec ts;
	long r;

	if (!bitset)
		return -EINVAL;
	if (!word_ok(addr))
		return -EFAULT;
	if (ts_addr) {
		uint64_t ns;

		if (!encl_inside(ts_addr, sizeof(ts)))
			return -EFAULT;
		memcpy(&ts, (const void *)(uintptr_t)ts_addr, sizeof(ts));
		if (encl_timespec_ns(&ts, &ns))
			return -EINVAL;
		deadline = absolute ? ns : encl_deadline_ns(clock, ns);
	}

	lock();
	if (__atomic_load_n((volatile int *)(uintptr_t)addr, __ATOMIC_SEQ_CST) != (int)val) {
		unlock();
		return -EAGAIN;
	}
	td->wait_addr = addr;
	td->wait_bitset = bitset;
	td->wait_woken = 0;
	enqueue(td);
	unlock();

	for (;;) {
		uint64_t left = UINT64_MAX;

		if (deadline != NO_DEADLINE) {
			uint64_t now = encl_clock_ns(clock);

			if (now >= deadline) {
				r = -ETIMEDOUT;
				break;
			}
			left = deadline - now;
		}
		ocall_reset();
		r = ocall1(ENCL_OCALL_WAIT, left);
		if (__atomic_load_n(&td->wait_woken, __ATOMIC_ACQUIRE))
			return 0;
		/* A signal for this thread (the host's, or another thread's tkill) ends the wait. */
		if (r == -EINTR || encl_signal_next(td)) {
			r = -EINTR;
			break;
		}
		/* 0 without a wake-up, a timeout to check, or nonsense: sleep again. */
	}
	lock();
	if (td->wait_woken) {
		unlock();
		return 0;	/* woken on the way out: the wake counts */
	}
	dequeue(td);
	unlock();
	return r;
}

/*
 * Wake up to @n waiters of @addr (bitset @bitset) and then move up to
 * @nreq of the others to @addr2; with @cmp, only if *@addr is still *@cmp
 * (checked under the lock, with the first round). Returns the number woken
 * plus requeued, as the kernel does for REQUEUE, or -EAGAIN.
 */
static long wake_requeue(uint64_t addr, uint32_t n, uint32_t bitset, uint64_t addr2,
			 uint32_t nreq, const int *cmp)
{
	long done = 0;
	int first = 1;

	for (;;) {
		uint64_t tcs[WAKE_ROUND];
		unsigned k = 0;
		int more = 0;

		lock();
		if (first && cmp &&
		    __atomic_load_n((volatile int *)(uintptr_t)addr, __ATOMIC_SEQ_CST) != *cmp) {
			unlock();
			return -EAGAIN;
		}
		first = 0;
		while ((uint64_t)done + k < n) {
			struct encl_thread *td;

			if (k == WAKE_ROUND) {
				more = 1;
				break;
			}
			td = take(addr, bitset);
			if (!td)
				break;
			tcs[k++] = td->init.tcs_offset;
			__atomic_store_n(&td->wait_woken, 1, __ATOMIC_RELEASE);
		}
		if (!more && addr2) {
			struct encl_thread *td;

			while (nreq && (td = take(addr, FUTEX_BITSET_ANY))) {
				td->wait_addr = addr2;
				enqueue(td);
				nreq--;
				done++;
			}
		}
		unlock();
		for (unsigned i = 0; i < k; i++)
			encl_thread_wake(tcs[i]);	/* a dropped wake only delays */
		done += k;
		if (!more)
			return done;
	}
}

long encl_futex_wake(uint64_t addr, uint32_t n, uint32_t bitset)
{
	if (!word_ok(addr))
		return -EFAULT;
	if (!bitset)
		return -EINVAL;
	return wake_requeue(addr, n, bitset, 0, 0, 0);
}

SYSFN(futex)
{
	int op = (int)a[1];
	int cmd = op & ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);
	int clock = op & FUTEX_CLOCK_REALTIME ? CLOCK_REALTIME : CLOCK_MONOTONIC;
	uint64_t addr = a[0];
	uint32_t val = (uint32_t)a[2];
	int cmp;

	if ((op & FUTEX_CLOCK_REALTIME) && cmd != FUTEX_WAIT_BITSET && cmd != FUTEX_WAIT)
		return -ENOSYS;
	switch (cmd) {
	case FUTEX_WAIT:
		return futex_wait(addr, val, a[3], FUTEX_BITSET_ANY, 0, clock);
	case FUTEX_WAIT_BITSET:
		return futex_wait(addr, val, a[3], (uint32_t)a[5], 1, clock);
	case FUTEX_WAKE:
		return encl_futex_wake(addr, val, FUTEX_BITSET_ANY);
	case FUTEX_WAKE_BITSET:
		return encl_futex_wake(addr, val, (uint32_t)a[5]);
	case FUTEX_REQUEUE:
	case FUTEX_CMP_REQUEUE:
		if (!word_ok(addr) || !word_ok(a[4]))
			return -EFAULT;
		if ((int32_t)val < 0 || (int32_t)a[3] < 0)
			return -EINVAL;
		cmp = (int)a[5];
		return wake_requeue(addr, val, FUTEX_BITSET_ANY, a[4], (uint32_t)a[3],
				    cmd == FUTEX_CMP_REQUEUE ? &cmp : 0);
	default:
		return -ENOSYS;
	}
}

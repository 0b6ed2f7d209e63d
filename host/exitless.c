// SPDX-License-Identifier: MIT
/*
 * Exitless calls, the host's side (docs/exitless.md): serving threads
 * that take the requests enclave threads post in their slots (the last
 * bytes of each ocall area, abi/xslot.h) and serve them with forward()
 * and its checks against the requesting thread's area, as if that thread
 * had exited for them.
 *
 * The adaptive policy (every knob an explicit SCONE_* value fixes):
 *   - a serving thread spins while spinning pays: its budget doubles when
 *     work came late in the spin and halves when a spin found nothing;
 *   - it gives way when the machine is busy: it yields the CPU every
 *     YIELD_EVERY rounds, and a yield that took long (someone else was
 *     waiting to run) ends the spin; at most half the CPUs spin at once;
 *   - then it sleeps on a futex; an exit-path call the queue could have
 *     taken wakes it (the enclave posts only while a thread spins);
 *   - a thread is added when a request waited for a whole enclave spin
 *     with no serving thread asleep, and retired after RETIRE_SLEEPS idle
 *     sleeps in a row (one always stays).
 * Serving threads block the signals the host catches (all but SIGPIPE,
 * which the kernel sends to the thread that wrote): those go to the
 * enclave threads' host threads, as without queues.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "abi/exitless.h"
#include "abi/xslot.h"
#include "host/host.h"

#define SSPINS_MIN	256
#define SSPINS_START	(1 << 14)
#define SSPINS_MAX	(1 << 20)
#define SSLEEP_US	20000		/* an idle sleep, adaptive: then look again */
#define ESLEEP_US	10000		/* QWAIT's longest sleep, adaptive */
#define RETIRE_SLEEPS	50		/* idle sleeps in a row before a thread retires */
#define YIELD_EVERY	256
#define BUSY_YIELD_NS	50000		/* a yield this long: others wanted the CPU */
#define SERVERS_MAX	16
#define SERVER_STACK	(256 * 1024)
#define STOP_WAIT_US	1000000		/* the end waits this long for serving threads */

struct encl_xq_host {
	struct encl_xq *shared;		/* the page the enclave reads (struct encl_start.xq) */
	uint32_t bell;			/* futex word: rung to wake a sleeping serving thread */
	uint32_t live;			/* serving threads running (futex word for the stop) */
	uint32_t sleeping;
	uint32_t stop;
	uint32_t max;			/* the most serving threads */
	uint32_t max_spinning;
	uint64_t spins;			/* the adaptive spin budget */
	/* ENCL_HOSTILE_QUEUE_TWICE: the first answer, given again */
	uint64_t last_seq;
	int64_t last_ret;
};

static struct timespec us_ts(long us)
{
	return (struct timespec){ .tv_sec = us / 1000000, .tv_nsec = us % 1000000 * 1000 };
}

static struct encl_xslot *slot_of(const struct encl_host_thread *t)
{
	return (struct encl_xslot *)(uintptr_t)xslot_addr((uint64_t)(uintptr_t)t->area, t->area_size);
}

/*
 * The host's half of the rule of abi/exitless.h: a call on a descriptor
 * that could make it wait is declined (the enclave takes the exit path).
 * @own: served on the requesting thread's own host thread (QWAIT), where
 * waiting holds no one else hostage.
 */
static int declines(const struct encl_host_thread *t, const struct encl_xreq *r, int own)
{
	int dir = encl_xq_fd_wait(r->nr), fd = (int)r->args[0], fl;
	struct stat st;

	if (r->nr < 0 || encl_xq_exits(r->nr, r->args))
		return 1;	/* the enclave never posts these: served by the exit path only */
	if (!own && encl_ocall_names(t, (long)r->nr, r->args, ENCL_XQ_EXIT_PATH))
		return 1;	/* a path naming the calling thread */
	if (!dir || own)
		return 0;
	if (fstat(fd, &st))
		return 0;	/* the call fails at once */
	if (S_ISREG(st.st_mode) || S_ISBLK(st.st_mode) || (S_ISCHR(st.st_mode) && dir == 2))
		return 0;
	fl = fcntl(fd, F_GETFL);
	return fl < 0 || !(fl & O_NONBLOCK);
}

/*
 * ENCL_SIM_HOSTILE's queue modes (host.h): 1 when the lie replaced the
 * answer (*@answer, *@ret). Every other mode declines, so that its lie
 * is told on the exit path as before.
 */
static int hostile_queue(struct encl_host_thread *t, struct encl_xslot *s, const struct encl_xreq *r,
			 uint64_t *answer, int64_t *ret)
{
	struct encl_host *h = t->h;
	struct encl_xq_host *x = h->xq;

	switch (h->hostile) {
	case ENCL_HOSTILE_QUEUE_WRONG:
		*ret = encl_host_forward(t, (long)r->nr, r->args);
		*answer = r->seq + 1;		/* a request nobody posted */
		break;
	case ENCL_HOSTILE_QUEUE_TWICE:
		if (!x->last_seq) {		/* the first: answered right, remembered */
			*ret = x->last_ret = encl_host_forward(t, (long)r->nr, r->args);
			x->last_seq = r->seq;
			return 1;
		}
		*answer = x->last_seq;		/* the next: that answer again */
		*ret = x->last_ret;
		break;
	case ENCL_HOSTILE_QUEUE_REWRITE:
		*ret = encl_host_forward(t, (long)r->nr, r->args);
		__atomic_store_n(&s->args[0], r->args[0] ^ 1, __ATOMIC_RELAXED);
		break;
	default:
		return 0;
	}
	h->hostile = ENCL_HOSTILE_NONE;
	return 1;
}

/* Serve @t's posted request, if there is one; 1 if there was. */
static int serve(struct encl_host_thread *t, int own)
{
	struct encl_host *h = t->h;
	struct encl_xslot *s;
	struct encl_xreq r;
	uint32_t state = ENCL_XSLOT_DONE;
	uint64_t answer;
	int64_t ret = 0;

	if (!t->area || !xslot_take(s = slot_of(t), &r))
		return 0;
	answer = r.seq;
	if (!h->hostile || !hostile_queue(t, s, &r, &answer, &ret)) {
		if (h->hostile || declines(t, &r, own))
			state = ENCL_XSLOT_DECLINED;
		else
			ret = encl_host_forward(t, (long)r.nr, r.args);	/* ocall.c: the same checks */
	}
	xslot_answer(s, answer, ret, encl_host_signals_take(), state);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	if (__atomic_load_n(&t->xq_waiting, __ATOMIC_SEQ_CST))
		encl_host_futex(&s->state, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	return 1;
}

/* One pass over every thread's slot; how many requests were served. */
static int scan(struct encl_host *h)
{
	size_t n = __atomic_load_n(&h->nthreads, __ATOMIC_ACQUIRE);
	int served = 0;

	for (size_t i = 0; i < n; i++)
		served += serve(h->threads[i], 0);
	return served;
}

static void ring(struct encl_xq_host *x)
{
	__atomic_add_fetch(&x->bell, 1, __ATOMIC_SEQ_CST);
	encl_host_futex(&x->bell, FUTEX_WAKE_PRIVATE, 1, NULL);
}

/* One spin: serve until SSPINS rounds found nothing; the budget adapts. */
static void spin(struct encl_host *h, struct encl_xq_host *x)
{
	uint64_t budget = h->xqs.sspins > 0 ? (uint64_t)h->xqs.sspins
					    : __atomic_load_n(&x->spins, __ATOMIC_RELAXED);
	uint64_t i, late = 0, served = 0, t0;
	int busy = 0;

	if (__atomic_add_fetch(&x->shared->spinning, 1, __ATOMIC_SEQ_CST) > x->max_spinning) {
		__atomic_sub_fetch(&x->shared->spinning, 1, __ATOMIC_SEQ_CST);
		(void)scan(h);		/* enough threads spin: one look, then sleep */
		return;
	}
	for (i = 0; i < budget && !__atomic_load_n(&x->stop, __ATOMIC_RELAXED); i++) {
		if (scan(h)) {
			served++;
			late |= i > budget / 2;
			i = 0;
			continue;
		}
		__builtin_ia32_pause();
		if (i % YIELD_EVERY == YIELD_EVERY - 1) {
			t0 = encl_host_now_ns();
			sched_yield();
			if (encl_host_now_ns() - t0 > BUSY_YIELD_NS && h->xqs.sspins <= 0) {
				busy = 1;
				break;
			}
		}
	}
	__atomic_sub_fetch(&x->shared->spinning, 1, __ATOMIC_SEQ_CST);
	if (h->xqs.sspins > 0)
		return;
	if (late && !busy)
		budget = budget * 2 > SSPINS_MAX ? SSPINS_MAX : budget * 2;
	else if (!served || busy)
		budget = budget / 2 < SSPINS_MIN ? SSPINS_MIN : budget / 2;
	__atomic_store_n(&x->spins, budget, __ATOMIC_RELAXED);
}

/* Retire the calling serving thread if another stays; 1 if it may go. */
static int retire(struct encl_xq_host *x)
{
	uint32_t n = __atomic_load_n(&x->live, __ATOMIC_SEQ_CST);

	while (n > 1)
		if (__atomic_compare_exchange_n(&x->live, &n, n - 1, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
			return 1;
	return 0;
}

static void *server_main(void *arg)
{
	struct encl_host *h = arg;
	struct encl_xq_host *x = h->xq;
	struct timespec ts = us_ts(h->xqs.ssleep > 0 ? h->xqs.ssleep : SSLEEP_US);
	unsigned idle = 0;
	int woken = 1;

	while (!__atomic_load_n(&x->stop, __ATOMIC_SEQ_CST)) {
		uint32_t seen = __atomic_load_n(&x->bell, __ATOMIC_SEQ_CST);

		/* Spin only when there is reason to: rung, or work found; an idle timeout just looks. */
		if (woken || scan(h))
			spin(h, x);
		if (__atomic_load_n(&x->stop, __ATOMIC_SEQ_CST))
			break;
		__atomic_add_fetch(&x->sleeping, 1, __ATOMIC_SEQ_CST);
		woken = !(encl_host_futex(&x->bell, FUTEX_WAIT_PRIVATE, seen, &ts) && errno == ETIMEDOUT);
		if (!woken) {
			if (++idle >= RETIRE_SLEEPS && h->xqs.queues < 0 && retire(x)) {
				__atomic_sub_fetch(&x->sleeping, 1, __ATOMIC_SEQ_CST);
				encl_host_futex(&x->live, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
				return NULL;
			}
		} else {
			idle = 0;
		}
		__atomic_sub_fetch(&x->sleeping, 1, __ATOMIC_SEQ_CST);
	}
	__atomic_sub_fetch(&x->live, 1, __ATOMIC_SEQ_CST);
	encl_host_futex(&x->live, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	return NULL;
}

/* A new serving thread, detached, with the caught signals blocked; 0 or -1. */
static int add_server(struct encl_host *h)
{
	struct encl_xq_host *x = h->xq;
	sigset_t all, old;
	pthread_attr_t attr;
	pthread_t pt;
	int err;

	__atomic_add_fetch(&x->live, 1, __ATOMIC_SEQ_CST);
	sigfillset(&all);
	sigdelset(&all, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, SERVER_STACK);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	err = pthread_create(&pt, &attr, server_main, h);
	pthread_attr_destroy(&attr);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (err) {
		__atomic_sub_fetch(&x->live, 1, __ATOMIC_SEQ_CST);
		encl_host_log(h, ENCL_LOG_DEBUG, "exitless: no serving thread: %s", strerror(err));
		return -1;
	}
	encl_host_log(h, ENCL_LOG_TRACE, "exitless: a serving thread was added");
	return 0;
}

int encl_host_xq_start(struct encl_host *h)
{
	struct encl_xq_host *x;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	long n;

	h->xq = NULL;
	if (h->xqs.queues == 0)
		return 0;
	if (!(x = calloc(1, sizeof(*x))))
		return -1;
	x->shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (x->shared == MAP_FAILED) {
		free(x);
		return -1;
	}
	if (cpus < 1)
		cpus = 1;
	x->max = h->xqs.queues > 0 ? (uint32_t)h->xqs.queues : (uint32_t)(cpus < SERVERS_MAX ? cpus : SERVERS_MAX);
	x->max_spinning = h->xqs.queues > 0 ? x->max : (uint32_t)(cpus / 2 ? cpus / 2 : 1);
	x->spins = SSPINS_START;
	h->xq = x;
	n = h->xqs.queues > 0 ? h->xqs.queues : 1;
	for (long i = 0; i < n; i++)
		if (add_server(h))
			return i ? 0 : -1;
	return 0;
}

uint64_t encl_host_xq_addr(const struct encl_host *h)
{
	return h->xq ? (uint64_t)(uintptr_t)h->xq->shared : 0;
}

int encl_host_xq_stop(struct encl_host *h)
{
	struct encl_xq_host *x = h->xq;
	struct timespec ts = us_ts(STOP_WAIT_US);
	uint64_t end = encl_host_now_ns() + STOP_WAIT_US * 1000ULL;
	uint32_t n;

	if (!x)
		return 0;
	__atomic_store_n(&x->stop, 1, __ATOMIC_SEQ_CST);
	__atomic_add_fetch(&x->bell, 1, __ATOMIC_SEQ_CST);
	encl_host_futex(&x->bell, FUTEX_WAKE_PRIVATE, INT_MAX, NULL);
	while ((n = __atomic_load_n(&x->live, __ATOMIC_SEQ_CST))) {
		if (encl_host_now_ns() > end)
			return -1;	/* one is inside a call that waits: leave it all be */
		encl_host_futex(&x->live, FUTEX_WAIT_PRIVATE, n, &ts);
	}
	munmap(x->shared, 4096);
	free(x);
	h->xq = NULL;
	return 0;
}

void encl_host_xq_exited(struct encl_host_thread *t, int64_t nr, const uint64_t *args)
{
	struct encl_xq_host *x = t->h->xq;

	if (x && nr >= 0 && !__atomic_load_n(&x->shared->spinning, __ATOMIC_RELAXED) &&
	    __atomic_load_n(&x->sleeping, __ATOMIC_RELAXED) && !encl_xq_exits(nr, args))
		ring(x);
}

int64_t encl_host_xq_wait(struct encl_host_thread *t)
{
	struct encl_host *h = t->h;
	struct encl_xq_host *x = h->xq;
	struct encl_xslot *s = slot_of(t);
	struct timespec ts = us_ts(h->xqs.esleep > 0 ? h->xqs.esleep : ESLEEP_US);

	if (!x)
		return -ENOSYS;
	if (xslot_state(s) == ENCL_XSLOT_POSTED) {
		/* Nobody took it for a whole enclave spin: wake a thread, or add one. */
		if (__atomic_load_n(&x->sleeping, __ATOMIC_SEQ_CST))
			ring(x);
		else if (h->xqs.queues < 0 && __atomic_load_n(&x->live, __ATOMIC_SEQ_CST) < x->max)
			add_server(h);
		if (serve(t, 1))
			return 0;
	}
	__atomic_store_n(&t->xq_waiting, 1, __ATOMIC_SEQ_CST);
	encl_host_futex(&s->state, FUTEX_WAIT_PRIVATE, ENCL_XSLOT_TAKEN, &ts);
	__atomic_store_n(&t->xq_waiting, 0, __ATOMIC_SEQ_CST);
	return 0;
}
